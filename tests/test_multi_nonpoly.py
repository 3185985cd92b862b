"""Multi-field Q-balls of analytic non-polynomial potentials (issue 11, part 1): the certified mu^2
minimum (qsym.numeric.mu2.nonpoly) and the multi-field engine with exp/log terms, checked against the
polynomial path, an independent mpmath minimisation, dE/dQ = omega and a decoupled field."""

import json
import subprocess
import sys

import mpmath
import pytest
import sympy as sp

import qsym
from qsym.api.multi import MultiFamily, qball_multi
from qsym.api.mu2 import _mu2_minimum_nonpoly, mu2_minimum
from qsym.api.window import window_numeric
from qsym.symbolic.potential import Potential

POLY = "x**2/2 + y**2 - 3*x**2*y + x**4 + y**4"
# the same U, y^4 written as (s^2 - 1)/(s + 1) with s = sqrt((y^4 + 1)^2) (SymPy and Poly keep the sqrt)
IDENT = "x**2/2 + y**2 - 3*x**2*y + x**4 + y**4*(y**4 + 2)/(sqrt(y**8 + 2*y**4 + 1) + 1)"
EXPU = "x**2/2 + y**2 - 3*x**2*y*exp(-y) + x**4 + y**4"
F1 = "x**2/2 - x**3*exp(-x/2) + x**4/2"
TIMEOUT = 300   # against hangs only


def two(text, charges=(1, 0)):
    return Potential(text, ["x", "y"], charges=list(charges))


def cli(*args):
    p = subprocess.run([sys.executable, "-m", "qsym.cli.app", *args], capture_output=True, text=True,
                       timeout=TIMEOUT)
    assert "Traceback" not in p.stderr, p.stderr
    return p.returncode, p.stdout, p.stderr


def test_nonpoly_minimiser_agrees_with_polynomial_path():
    """The two certified minimisers on the same polynomial U: brackets overlap, values agree."""
    P = two(POLY)
    rp = mu2_minimum(P, dps=25)
    rn = _mu2_minimum_nonpoly(P, 25, "amplitudes", 1e-9, None, True, None)
    assert rp.certified and rn.certified and rn.qball_exists and rn.existence_certified
    assert rn.lower <= float(rp.mu2_min) <= rn.upper
    assert abs(rn.mu2_min - rp.mu2_min) < mpmath.mpf(10) ** -20
    assert all(abs(rn.at[k] - rp.at[k]) < 1e-10 for k in "xy")


@pytest.fixture(scope="module")
def ident_mu2():
    """The certified mu^2 minimum of IDENT at dps 25 (the non-polynomial minimiser, ~5 s): read by
    test_identity_rewrite_same_window_and_bounce and asked for by `qsym qball --dps 15` (dps + 10)."""
    return mu2_minimum(two(IDENT), dps=25)


@pytest.mark.slow
def test_identity_rewrite_same_window_and_bounce(ident_mu2):
    """U rewritten with exp/log: same mu^2 minimum; the bounce engine takes its non-polynomial path
    (no exact polynomial of U_omega) and gives the same Q-ball at fixed omega."""
    P, Q = two(POLY), two(IDENT)
    assert MultiFamily(Q).poly is None and MultiFamily(P).poly is not None
    assert abs(ident_mu2.mu2_min - mu2_minimum(P, dps=25).mu2_min) < 1e-18
    a, b = qball_multi(P, "3/4"), qball_multi(Q, "3/4")
    assert a.status == b.status == "converged"
    assert abs(a.charge - b.charge) < 1e-9 * a.charge and abs(a.energy - b.energy) < 1e-9 * a.energy


@pytest.mark.slow
def test_identity_qball_at_charge_100_cli_json(ident_mu2, capsys, monkeypatch):
    """M_Q at Q = 100 through `qsym qball --json` (non-polynomial U) equals the polynomial answer.
    In process: the CLI's mu^2 minimum of IDENT at dps 25 (default options) is ident_mu2, any other
    request is computed afresh."""
    import qsym.api.mu2
    from qsym.cli.app import main
    minimum = qsym.api.mu2.mu2_minimum
    ident = two(IDENT)

    def shared(P, dps=30, progress=None, **kw):
        if dps == 25 and not kw and list(map(str, P.fields)) == ["x", "y"] and P.U() == ident.U() \
                and P.charge_norm() == ident.charge_norm():
            return ident_mu2
        return minimum(P, dps=dps, progress=progress, **kw)

    monkeypatch.setattr(qsym.api.mu2, "mu2_minimum", shared)
    rc = main(["qball", "--potential", IDENT, "--fields", "x,y", "--charges", "1,0", "--charge", "100",
               "--dps", "15", "--json"])
    out, err = capsys.readouterr()
    assert rc == 0, err
    got = json.loads(out)
    ref = qsym.qball(two(POLY), 100, dps=15)
    best = ref.solutions[0]
    m = mpmath.mpf(got["mass"])     # printed with 15 significant digits
    assert abs(m - best.mass) <= (10 * (float(got["error"]) + float(best.error)) + 1e-14) * best.mass
    assert abs(mpmath.mpf(got["omega"]) - best.omega) < 1e-10


def _mpmath_minimum(text, starts, dps=40):
    """Independent: Newton (mpmath.findroot) on grad mu^2 = 0 from several starts, the smallest
    critical value whose Hessian is positive definite."""
    x, y = sp.symbols("x y")
    mu2 = 2 * sp.sympify(text, locals={"x": x, "y": y}) / x**2
    g = [sp.lambdify((x, y), sp.diff(mu2, v), "mpmath") for v in (x, y)]
    H = sp.lambdify((x, y), sp.hessian(mu2, (x, y)), "mpmath")
    f = sp.lambdify((x, y), mu2, "mpmath")
    best = None
    with mpmath.workdps(dps):
        for s in starts:
            try:
                p = mpmath.findroot(lambda a, b: [g[0](a, b), g[1](a, b)], s)
            except (ZeroDivisionError, ValueError):
                continue
            a, b = p[0], p[1]
            h = mpmath.matrix(H(a, b))
            if a > 0 and b >= 0 and h[0, 0] > 0 and mpmath.det(h) > 0:
                v = f(a, b)
                best = v if best is None or v < best else best
    return best


def test_genuine_nonpoly_bracket_contains_mpmath_minimum():
    r = mu2_minimum(two(EXPU), dps=30)
    assert r.certified and r.qball_exists and r.existence_certified and r.status == "converged"
    ref = _mpmath_minimum(EXPU, [(0.4, 0.2), (0.5, 0.1), (0.3, 0.3), (0.45, 0.15), (0.8, 0.5)])
    assert ref is not None
    assert r.lower <= float(ref) <= r.upper
    assert abs(r.mu2_min - ref) < mpmath.mpf(10) ** -25
    assert r.upper - r.lower < 2e-9


def test_dE_dQ_equals_omega():
    """Two neighbouring Q-balls of the exp potential: (E2 - E1)/(Q2 - Q1) = omega at the midpoint."""
    P = two(EXPU)
    a, b = qball_multi(P, "19/20", dps=20), qball_multi(P, "9501/10000", dps=20)
    slope = (b.energy - a.energy) / (b.charge - a.charge)
    mid = (a.omega + b.omega) / 2
    assert abs(slope - mid) < 1e-7


def test_uncharged_field_decouples():
    """U = f(x) + y^2, y uncharged: the window and the Q-ball are those of the one-field f."""
    P2, P1 = two(F1 + " + y**2"), Potential(F1, ["x"])
    r = mu2_minimum(P2, dps=25)
    w = window_numeric(P1, 25)
    with mpmath.workdps(30):
        assert r.certified and abs(r.mu2_min - w["omega_min"] ** 2) < mpmath.mpf(10) ** -23
    assert abs(r.at["y"]) < 1e-15 and abs(r.at["x"] - w["phi_at_min"]) < 1e-15
    a = qball_multi(P2, "4/5", dps=20)
    b = qsym.qball_omega(P1, "4/5", dps=20)
    assert abs(a.charge - b.charge) < 1e-14 * b.charge
    assert abs(a.energy - b.mass) < 1e-14 * b.mass
    assert a.charges[1] == 0


def test_plateau_infimum_at_infinity():
    r = mu2_minimum(two("log(1 + x**2) + y**2 + x**2*y**2", (1, 1)), dps=20)
    assert r.qball_exists and r.certified and r.mu2_min == 0
    assert any("infinity" in n for n in r.notes)


def test_brief_example_has_no_qball():
    """-x^2 y exp(-y) is too weak: mu^2 >= its origin limit 1 (exit 1, one line)."""
    rc, out, err = cli("qball", "--potential", "x**2/2 + y**2 - x**2*y*exp(-y) + x**4 + y**4",
                       "--fields", "x,y", "--charges", "1,0", "--charge", "100")
    assert rc == 1 and err.strip().count("\n") == 0 and "no Q-ball" in err


@pytest.mark.parametrize("text,charges,word", [
    ("x**2/2 + y**2 + x**4 + y**4 - x**6*exp(-y)", "1,0", "unbounded below"),
    ("x**2/2 + y**2 - 2*x**3*exp(-x/4) + x**4/4", "1,0", "deeper"),
    ("x**2/2 + y**2 + x**4 + y**4*sin(y)**2", "1,1", "undecided"),
])
@pytest.mark.parametrize("command", ["mu2", "qball"])
def test_refusals_exit_2_one_line(text, charges, word, command):
    extra = ["--charge", "100"] if command == "qball" else []
    rc, out, err = cli(command, "--potential", text, "--fields", "x,y", "--charges", charges, *extra)
    assert rc == 2 and err.strip().count("\n") == 0 and word in err, err


def test_mu2_json():
    rc, out, err = cli("mu2", "--potential", EXPU, "--fields", "x,y", "--charges", "1,0", "--json",
                       "--dps", "20")
    assert rc == 0, err
    d = json.loads(out)
    assert d["certified"] and d["qball_exists"] and d["status"] == "converged"
    assert float(d["bound"]["lower"]) <= float(d["mu2_min"]) <= float(d["bound"]["upper"])


def test_plateau_bounce_matches_one_field():
    """log(1 + x^2) + y^2 + x^2 y^2 at fixed omega: y stays 0 and the Q-ball is the one-field one (the
    escape search must not trust log(1 + x^2) rounded to 0 near the origin)."""
    a = qball_multi(two("log(1 + x**2) + y**2 + x**2*y**2"), "1", dps=20)
    b = qsym.qball_omega(Potential("log(1 + x**2)", ["x"]), "1", dps=20)
    assert abs(a.charge - b.charge) < 1e-15 * b.charge and abs(a.energy - b.mass) < 1e-15 * b.mass


def test_higher_degree_polynomials_take_the_nonpoly_path():
    """Terms beyond degree 4 (refused by the ray decomposition) and |y|^5 on the amplitude domain:
    the sextic's window is the one-field one (y uncharged and decoupled at y = 0), |y|^5 = y^5 there."""
    r = mu2_minimum(two("x**2/2 - x**4 + x**6 + y**2 + x**2*y**2"), dps=20)
    with mpmath.workdps(30):
        assert r.certified and abs(r.mu2_min - mpmath.mpf(1) / 2) < mpmath.mpf(10) ** -18
    a = mu2_minimum(two("x**2/2 + y**2 - 3*x**2*y + x**4 + Abs(y)**5"), dps=20)
    b = mu2_minimum(two("x**2/2 + y**2 - 3*x**2*y + x**4 + y**5"), dps=20)
    assert a.certified and b.certified and abs(a.mu2_min - b.mu2_min) < 1e-18
    assert a.lower <= float(b.mu2_min) <= a.upper
