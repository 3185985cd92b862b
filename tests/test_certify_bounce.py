"""Certified bounce actions (issue 14, part 2; docs/certified.md): every ingredient and its breakage.

The enclosures are checked against the engine at twice the precision, against exact solutions
(the free field, whose bounce-equation solution is phi0 sinh(mr)/(mr) in d = 3), and each
ingredient of the proof is broken once to see the certificate fail rather than pass.
"""

from fractions import Fraction

import flint
import mpmath
import pytest
import sympy as sp
from flint import arb

from qsym.api.bounce import bounce, s_psi_bounce
from qsym.api.certify import certify_bounce
from qsym.errors import InputError, QsymError
from qsym.numeric.certify.cgm import reduced_action
from qsym.numeric.certify.driver import certify_polynomial_bounce
from qsym.numeric.certify.problem import CertProblem
from qsym.numeric.certify.result import decimal_down, decimal_up, exact_fraction
from qsym.numeric.certify.series import taylor_coefficients, variational_coefficients
from qsym.numeric.certify.steps import integrate
from qsym.numeric.certify.tail import TailError, _bessel, linear_at
from qsym.results import UNCERTIFIED
from qsym.symbolic.potential import Potential

PSI = Potential("phi**2/2 - phi**3", ["phi"])
CUBIC = [0, 0, Fraction(1, 2), -1]


def _inside(res, value, dps):
    """The exact decimal ends of the enclosure contain ``value`` (an mpf)."""
    with mpmath.workdps(dps + 20):
        lo, hi = (mpmath.mpf(x) for x in res.enclosure)
        return lo <= value <= hi


@pytest.fixture(scope="module")
def psi30():
    return s_psi_bounce(30)


@pytest.fixture(scope="module")
def psi15():
    """The certificate of S_psi at dps 15 (d = 3): one proof read by the end-to-end test, the mirrored
    potential's test and the CLI test."""
    return certify_bounce(PSI, dim=3, dps=15)


# ---------------------------------------------------------------------------------------------
# end to end: the enclosure holds the engine's value at twice the precision
# ---------------------------------------------------------------------------------------------
def test_s_psi_enclosure_contains_the_value_at_twice_the_precision(psi15):
    res = psi15
    assert res.status == "converged" and res.certified
    assert _inside(res, s_psi_bounce(30).action, 30)
    assert float(res.stats["width"]) < 1e-14
    lo = mpmath.mpf(res.enclosure[0])
    assert lo <= mpmath.mpf(res.cgm_upper)          # CGM: S_bounce <= S_red(trial), a theorem
    with mpmath.workdps(40):
        p_lo, p_hi = (mpmath.mpf(x) for x in res.phi0_interval)
        assert p_lo <= s_psi_bounce(30).phi0 <= p_hi


@pytest.mark.slow
def test_s_psi_dps30_against_dps60():
    res = certify_bounce(PSI, dim=3, dps=30)
    assert res.certified and _inside(res, s_psi_bounce(60).action, 60)
    assert float(res.stats["width"]) < 1e-21


def test_d4_cubic_contains_twice_the_precision():
    res = certify_bounce(PSI, dim=4, dps=15)
    assert res.certified and _inside(res, bounce(PSI, dim=4, dps=30).action, 30)


@pytest.mark.slow
def test_quartic_with_omega_contains_twice_the_precision():
    P = Potential("phi**2/2 - phi**3 + phi**4/4", ["phi"])
    res = certify_bounce(P, omega="1/2", dim=3, dps=15)
    assert res.certified and _inside(res, bounce(P, omega="1/2", dim=3, dps=30).action, 30)


def test_irrational_omega_is_a_ball():
    """omega = sqrt(1/2): the coefficient of phi^2 is an mpf taken as a ball (relative radius)."""
    res = certify_bounce(PSI, omega="sqrt(1/2)", dim=3, dps=15)
    assert res.certified and _inside(res, bounce(PSI, omega="sqrt(1/2)", dim=3, dps=30).action, 30)


def test_mirrored_potential_gives_the_same_enclosure(psi15):
    a = psi15                               # certify_bounce(PSI, dps=15): d = 3 is the default
    b = certify_bounce(Potential("phi**2/2 + phi**3", ["phi"]), dps=15)
    assert a.enclosure == b.enclosure and b.sign == -1
    assert b.phi0_interval[1].startswith("-1.39722765")


def test_input_outside_the_certified_class_is_refused():
    with pytest.raises(InputError, match="polynomial single-field"):
        certify_bounce(Potential("phi**2/2 - phi**3 + sin(phi)**4", ["phi"]), dps=15)
    with pytest.raises(InputError, match="polynomial single-field"):
        certify_bounce(Potential("a**2/2 - a**3 + b**2", ["a", "b"]), dps=15)
    with pytest.raises(InputError, match="d >= 2"):
        certify_bounce(PSI, dim=1, dps=15)


# ---------------------------------------------------------------------------------------------
# the pieces, against exact values
# ---------------------------------------------------------------------------------------------
def _free(prec):
    """U = phi^2/2 (no nonlinearity): phi = phi0 sinh(r)/r in d = 3, an exact check of the steps."""
    with flint.ctx.workprec(prec):
        u = (arb(0), arb(0), arb(1) / 2)
        return CertProblem(u, (arb(1),), arb(1), 3, prec, 1, 4 * arb.pi())


def test_steps_enclose_the_exact_free_solution():
    P = _free(128)
    with flint.ctx.workprec(128):
        R = arb(6)
        run = integrate(P, arb("0.75"), R, arb(2) ** -120, quad=True)
        phi = arb("0.75") * R.sinh() / R
        dphi = arb("0.75") * (R.cosh() / R - R.sinh() / R ** 2)
        V = arb("0.75") ** 2 * ((2 * R).sinh() / 2 - R) / 4          # int r^2 phi^2 / 2
        T = (R ** 2 * phi * dphi - 2 * V) / 2                        # int r^2 (phi'^2 + phi^2) = R^2 phi phi'
        for ball, exact in ((run.phi, phi), (run.dphi, dphi), (run.V, V), (run.T, T)):
            assert ball.overlaps(exact) and ball.rad() < 1e-25
        # a remainder bound set to zero with a low order: the balls miss the exact values
        bad = integrate(P, arb("0.75"), R, arb(2) ** -120, quad=False, scale=0, max_order=6)
        assert not bad.phi.overlaps(phi)


def test_variational_coefficients_are_the_derivative_in_phi0():
    n = [arb(1), arb(-3)]
    with flint.ctx.workprec(200):
        e = arb(2) ** -80
        for t, a1 in ((arb(0), arb(0)), (arb(2), arb(-1))):
            a = taylor_coefficients(n, 3, t, arb("1.3"), a1, 12)
            a2 = taylor_coefficients(n, 3, t, arb("1.3") + e, a1, 12)
            b = variational_coefficients(n, 3, t, a, arb(1), arb(0), 12)
            for k in range(12):
                assert abs(((a2[k] - a[k]) / e - b[k]).mid()) < 1e-20


@pytest.mark.parametrize("d", [2, 3, 4, 5])
def test_linear_solutions_and_the_tail_facts(d):
    """Wronskian K I' - K' I = r^(1-d), (L1), (L2), (W) and the exact tail integrals at sample radii."""
    with flint.ctx.workprec(128):
        P = CertProblem.from_coefficients(CUBIC, d, 128)
        nu = arb(d - 2) / 2
        prev = None
        for r in (arb(1) / 4, arb(1), arb(3), arb(10), arb(40)):
            lin = linear_at(P, r)
            assert (lin.K * lin.dI - lin.dK * lin.I).overlaps(r ** (1 - d))
            assert _bessel(r, nu + 1, "k") >= _bessel(r, nu, "k") and lin.kappa >= P.m  # (L1)
            assert lin.dI > 0 and (prev is None or r ** (d - 1) * lin.I > prev)    # (L2)
            prev = r ** (d - 1) * lin.I
            assert r ** (d - 1) * lin.I * lin.K <= 1 / P.m                          # (W)

            # the closed forms: d/dR J2 = -R^(d-1) K^2, d/dR J_K' = -R^(d-1) K'^2 (both vanish at infinity)
            h = arb(2) ** -30
            lp, lm = linear_at(P, r + h), linear_at(P, r - h)
            assert abs(((lp.J2 - lm.J2) / (2 * h) + r ** (d - 1) * lin.K ** 2) / lin.J2) < 1e-12 * r
            assert abs(((lp.JdK - lm.JdK) / (2 * h) + r ** (d - 1) * lin.dK ** 2) / lin.JdK) < 1e-12 * r
            assert lin.J2.rad() < 1e-25 * abs(lin.J2) and lin.JKdK >= r ** (d - 1) * lin.K ** 2 / 2


def test_d2_bounce_contains_twice_the_precision():
    res = certify_bounce(PSI, dim=2, dps=15)
    assert res.certified and _inside(res, bounce(PSI, dim=2, dps=30).action, 30)
    assert res.cgm_upper is None                      # no rescaling maximum in d = 2


def test_reduced_action_formula_from_sympy():
    """max over lambda of lambda^(d-2) T + lambda^d V (V < 0) is the CGM reduced action."""
    lam, T, W = sp.symbols("lambda T W", positive=True)        # W = -V > 0
    for d in (3, 4, 5, 6):
        S = lam ** (d - 2) * T - lam ** d * W
        crit = sp.solve(sp.diff(S, lam), lam)
        best = sp.simplify(S.subs(lam, crit[0]))
        closed = sp.Rational(2, d) * T * ((d - 2) * T / (d * W)) ** sp.Rational(d - 2, 2)
        assert sp.simplify(best - closed) == 0
        value = reduced_action(arb(3), arb(-2), d)
        assert value.overlaps(arb(float(closed.subs({T: 3, W: 2}))))


def test_directed_decimal_strings_are_outward():
    with flint.ctx.workprec(200):
        for x in (arb(1) / 3, -arb(2) / 7, arb(10) ** 40 / 3, arb(2) ** -100, arb("9.9999999999")):
            for digits in (3, 8, 20):
                lo, hi = decimal_down(x, digits), decimal_up(x, digits)
                assert Fraction(lo) <= exact_fraction(x.lower())
                assert Fraction(hi) >= exact_fraction(x.upper())


# ---------------------------------------------------------------------------------------------
# broken ingredients: the certificate fails, never passes
# ---------------------------------------------------------------------------------------------
def _cert(psi30, **kw):
    return certify_polynomial_bounce(CUBIC, 3, 15, 1, psi30.phi0, lambda r: abs(psi30.profile(r)),
                                     psi30.action, R=15, **kw)


@pytest.mark.parametrize("order", [16, 24])
def test_zero_remainder_bound_fails(psi30, order):
    """(S1-S3) remainders set to 0 with a capped Taylor order: uncertified or an error."""
    try:
        res = _cert(psi30, scale=0, max_order=order)
    except QsymError:
        return
    assert res.status == UNCERTIFIED


def test_too_small_contraction_radius_fails(psi30):
    """(T1) a radius rho below A(rho): the self-map test refuses it."""
    with pytest.raises(TailError, match="A\\(rho\\)"):
        _cert(psi30, rho_scale=0.5)


def test_too_small_tail_radius_fails(psi30):
    """R = 3: the field is not small enough there for the contraction."""
    with pytest.raises(TailError):
        certify_polynomial_bounce(CUBIC, 3, 15, 1, psi30.phi0, lambda r: abs(psi30.profile(r)),
                                  psi30.action, R=3)


def test_shrunk_shooting_interval_fails(psi30):
    """A phi0 interval far narrower than the matching residual's ball: no proven sign change."""
    res = _cert(psi30, delta=1e-40, newton=False)
    assert res.status == UNCERTIFIED and "sign change" in res.stats["reason"]


def test_shifted_shooting_interval_fails(psi30):
    """The interval moved off the root (3 half-widths): H has one sign on it."""
    res = _cert(psi30, shift=3)
    assert res.status == UNCERTIFIED and "sign change" in res.stats["reason"]


def test_cli_certify_json(psi15, capsys, monkeypatch):
    """In process; the CLI's certify_bounce(U = phi^2/2 - phi^3, d = 3, dps 15) is psi15 (the proof
    the tests above check), any other request is proven afresh."""
    import json

    import qsym.api.certify
    from qsym.cli.app import main
    proven = qsym.api.certify.certify_bounce

    def certify(pot, omega=None, dim=3, dps=50, R=None):
        if (omega, dim, dps, R) == (None, 3, 15, None) and [str(f) for f in pot.fields] == ["phi"] \
                and sp.expand(pot.U() - PSI.U()) == 0:
            return psi15
        return proven(pot, omega=omega, dim=dim, dps=dps, R=R)

    monkeypatch.setattr(qsym.api.certify, "certify_bounce", certify)
    code = main(["bounce", "--potential", "phi**2/2 - phi**3", "--field", "phi", "--dps", "15", "--certify",
                 "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    j = json.loads(out.out)
    assert j["certified"] is True and len(j["enclosure"]) == 2 and "cgm_upper" in j
    assert j["enclosure"] == list(psi15.enclosure)
    lo, hi = (float(x) for x in j["enclosure"])
    assert lo <= hi and abs(float(j["action"]) - lo) < 1e-14
    code = main(["bounce", "--potential", "a**2/2 - a**3 + b**2", "--fields", "a,b", "--certify"])
    assert code == 2 and "--certify handles polynomial single-field potentials" in capsys.readouterr().err
