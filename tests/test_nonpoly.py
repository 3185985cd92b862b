"""Non-polynomial single-field potentials: Arb series, online Taylor arithmetic, the window, refusals."""

import json

import mpmath
import pytest
import sympy as sp

import qsym
from qsym.api.solve import window_numeric
from qsym.bridge import arb_program, numeric_1d, series_callable
from qsym.errors import InputError, NoSolutionError
from qsym.numeric.kernels.online import OnlineProgram

x = sp.Symbol("x")
COMPOSITE = x**2 / 2 - x**3 * sp.exp(-x / 3) + sp.atan(x) * sp.sin(x) / 7 + sp.sqrt(1 + x**2) * sp.log(2 + x) / 11


def test_arb_series_matches_mpmath_recurrences():
    prog = arb_program(COMPOSITE, x)
    ref = series_callable(COMPOSITE, x)
    with mpmath.workprec(200):
        for x0 in (mpmath.mpf("0.3"), mpmath.mpf(-1) / 3, mpmath.mpf(5)):
            a, b = prog.series(x0, 25), ref(x0, 25)
            for u, v in zip(a, b):
                assert abs(u - v) <= mpmath.mpf(2) ** -185 * max(1, abs(v))


def test_numeric_1d_uses_the_program_and_agrees_with_sympy():
    num = numeric_1d(COMPOSITE, x)
    assert num.program is not None and num.coeffs is None
    with mpmath.workdps(40):
        for k in range(3):
            exact = sp.N(sp.diff(COMPOSITE, x, k).subs(x, sp.Rational(7, 10)), 50)
            assert abs(num.derivative(k)(mpmath.mpf(7) / 10) - mpmath.mpf(str(exact))) < mpmath.mpf(10) ** -35
            assert abs((num.U, num.dU, num.d2U)[k](mpmath.mpf(7) / 10) - mpmath.mpf(str(exact))) < \
                mpmath.mpf(10) ** -35


def _reference_F(bs, expr):
    """U'(x(s)) and U''(x(s)) of COMPOSITE along x(s) = sum b_k s^k: the mpmath Taylor recurrences
    of the bridge (series_callable) at b_0, composed with the powers of x(s) - b_0 (mpmath)."""
    n = len(bs)
    delta = [mpmath.mpf(0)] + list(bs[1:])
    out = []
    for k in (1, 2):
        c = series_callable(sp.diff(expr, x, k), x)(bs[0], n)
        acc = [mpmath.mpf(0)] * n
        power = [mpmath.mpf(1)] + [mpmath.mpf(0)] * (n - 1)
        for j in range(n):
            acc = [a + c[j] * p for a, p in zip(acc, power)]
            power = [mpmath.fsum(power[i] * delta[m - i] for i in range(m + 1)) for m in range(n)]
        out.append(acc)
    return out


@pytest.mark.parametrize("fixed", [False, True])
def test_online_taylor_arithmetic_matches_series_composition(fixed):
    # the fixed-point run has no inverse trigonometric functions (a bounce falls back to the
    # Taylor expansion of U there); tanh and tan instead
    expr = COMPOSITE if not fixed else COMPOSITE - sp.atan(x) * sp.sin(x) / 7 + sp.tanh(x) * sp.tan(x / 2) / 7
    prog = OnlineProgram(arb_program(expr, x, derivatives=2))
    assert prog.fixed_ok() == fixed
    bs = ["0.8", "-0.3", "0.12", "0.05", "-0.02", "0.004", "0.001", "-0.0003"]
    with mpmath.workprec(300):
        bm = [mpmath.mpf(b) for b in bs]
        F_ref, G_ref = _reference_F(bm, expr)
        P, Pw = 160, 200
        one = mpmath.mpf(1)
        run = prog.start_fixed(P, Pw, mpmath.mpf(0), one, one, one) if fixed else \
            prog.start(0.8, 0.0, 1.0, 1.0, 1.0)
        tol = mpmath.mpf(2) ** -150 if fixed else mpmath.mpf(10) ** -13
        for k, b in enumerate(bm):
            F, G, _ = run.advance(int(b * 2**P) if fixed else float(b))
            F = mpmath.mpf(F) / 2**P if fixed else mpmath.mpf(F)
            G = mpmath.mpf(G) / 2**P if fixed else mpmath.mpf(G)
            assert abs(F - F_ref[k]) <= tol and abs(G - G_ref[k]) <= tol


def test_window_of_the_log_plateau():
    w = window_numeric(qsym.Potential("m**4*log(1 + phi**2/m**2)", fields="phi", params={"m": 3}), 30)
    assert w["omega_min"] == 0 and w["phi_at_min"] is None and not w["attained"] and w["certified"]
    with mpmath.workdps(30):
        assert abs(w["omega_max"] - 3 * mpmath.sqrt(2)) < mpmath.mpf(10) ** -28   # U''(0) = 2 m^2
    assert any("not attained" in n for n in w["notes"])


def test_window_of_exp_type_potentials_vs_independent_minimisation():
    # mu^2 = 1 - 2 phi exp(-phi): minimum 1 - 2/e at phi = 1
    w = window_numeric(qsym.Potential("phi**2/2 - phi**3*exp(-phi)", fields="phi"), 30)
    with mpmath.workdps(40):
        assert abs(w["omega_min"] ** 2 - (1 - 2 / mpmath.e)) < mpmath.mpf(10) ** -29
        assert abs(w["phi_at_min"] - 1) < mpmath.mpf(10) ** -25
    assert w["certified"] and w["mu2_lower"] <= w["omega_min"] ** 2
    # mu^2 = 1 - phi atan(phi) + phi^2/2: minimiser from mpmath.findroot on d mu^2/d phi = 0
    w = window_numeric(qsym.Potential("phi**2/2 - phi**3*atan(phi)/2 + phi**4/4", fields="phi"), 30)
    with mpmath.workdps(50):
        at = mpmath.findroot(lambda p: p - mpmath.atan(p) - p / (1 + p**2), 1)
        mu2 = 1 - at * mpmath.atan(at) + at**2 / 2
        assert abs(w["omega_min"] ** 2 - mu2) < mpmath.mpf(10) ** -29
        assert abs(w["phi_at_min"] - at) < mpmath.mpf(10) ** -14
    assert w["certified"]


def test_window_two_precisions_agree():
    P = qsym.Potential("phi**2/2 - phi**3*atan(phi)/2 + phi**4/4", fields="phi")
    a, b = window_numeric(P, 20)["omega_min"], window_numeric(P, 40)["omega_min"]
    assert abs(a - b) < mpmath.mpf(10) ** -20


@pytest.mark.parametrize("text, err, words", [
    ("phi**2/2 - phi**3*exp(-phi/2)", InputError, "deeper than"),         # min mu^2 = 1 - 4/e < 0
    ("phi**2/2 - phi**4*exp(phi)", InputError, "unbounded below"),
    ("phi**2*exp(phi)/2", NoSolutionError, "no Q-ball window"),
])
def test_refusals(text, err, words):
    with pytest.raises(err, match=words):
        window_numeric(qsym.Potential(text, fields="phi"), 20)


def test_non_analytic_origin_refused_at_input():
    # the gravity-mediated form P + kappa phi^2 log phi^2 is accepted (tests/test_gravity.py); other
    # non-analytic forms at phi = 0 are refused with one line naming the accepted one
    for text in ("phi**3*log(phi**2) + phi**2", "phi**2/2 - phi**2*log(phi**2)**2"):
        with pytest.raises(InputError, match="kappa"):
            qsym.Potential(text, fields="phi")
    assert qsym.Potential("phi**2*(1 - log(phi**2)/10) + phi**6", fields="phi").log_origin is not None


def test_exp_type_qball_two_precisions_and_dE_dQ():
    P = qsym.Potential("phi**2/2 - phi**3*exp(-phi)", fields="phi")
    a = qsym.qball_omega(P, "0.9", dps=15)
    b = qsym.qball_omega(P, "0.9", dps=25)
    assert abs(a.charge - b.charge) < 1e-12 * abs(b.charge)
    assert abs(a.mass - b.mass) < 1e-12 * abs(b.mass)
    h = mpmath.mpf("1e-6")
    with mpmath.workdps(25):
        c = qsym.qball_omega(P, mpmath.mpf("0.9") + h, dps=25)
        d = qsym.qball_omega(P, mpmath.mpf("0.9") - h, dps=25)
        slope = (c.mass - d.mass) / (c.charge - d.charge)
        assert abs(slope - mpmath.mpf("0.9")) < 1e-9


@pytest.mark.slow
def test_log_plateau_api_and_cli(capsys, monkeypatch):
    """The API at dps 20 (the CLI's default, same cost as dps 15 here), then `qsym qball` in process:
    its solve of the same U, Q = 1000, dps 20, D = 3 is the API's result; any other request is solved."""
    import qsym.api.solve
    from qsym.cli.app import main
    P = qsym.Potential("m**4*log(1 + phi**2/m**2)", fields="phi", params={"m": 1})
    r = qsym.qball(P, 1000, dps=20)
    assert len(r.solutions) == 2                       # Q(omega) -> infinity at both ends of the window
    light = r.solutions[0]
    assert light.mass < 1000 * mpmath.sqrt(2)          # bound: below Q free quanta of mass sqrt(2) m
    assert r.thin_wall["valid"] is False and "plateau" in r.thin_wall["reason"]
    solve = qsym.api.solve.qball

    def shared(Pc, Q, dps=20, progress=None, dim=3):
        if (str(Q), dps, dim) == ("1000", 20, 3) and Pc.U() == P.U() and Pc.fields == P.fields:
            return r
        return solve(Pc, Q, dps=dps, progress=progress, dim=dim)

    monkeypatch.setattr(qsym.api.solve, "qball", shared)
    code = main(["qball", "--potential", "m**4*log(1+phi**2/m**2)", "--field", "phi", "--param", "m=1",
                 "--charge", "1000", "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    data = json.loads(out.out)
    assert data and "1044.22" in json.dumps(data)


def test_rational_plateau_is_a_window_not_a_false_no_solution():
    # mu^2 = 1/(1 + phi^2) has no stationary point: its infimum 0 is approached at infinite field, so
    # every 0 < omega < 1 has a Q-ball (it was answered "no Q-ball window")
    from qsym import Potential
    from qsym.api.solve import window_numeric
    from qsym.symbolic.window import qball_window
    P = Potential("phi**2/(2*(1 + phi**2))", fields="phi")
    w = qball_window(P)
    assert w["omega_min2"] == 0 and w["omega_max2"] == 1 and w["attained"] is False
    n = window_numeric(P, 15)
    assert n["phi_at_min"] is None and not n["attained"] and "not attained" in n["notes"][0]


def test_cli_states_that_the_plateau_infimum_is_not_attained(capsys):
    import json

    from qsym.cli.app import main
    assert main(["qball", "--potential", "phi**2/(2*(1 + phi**2))", "--field", "phi", "--charge", "1000",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert any("not attained" in n for n in out["notes"])
    assert float(out["window"]["omega_min"]) == 0 and 0 < float(out["omega"]) < 1
