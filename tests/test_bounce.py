"""Tests of the single-field bounce engine (qsym.numeric)."""

import json
import subprocess
import sys

import mpmath
import pytest
import sympy as sp

from qsym.api.bounce import bounce, s_psi
from qsym.numeric.bounce1d import BounceResult, solve_bounce, solve_bounce_double
from qsym.bridge import numeric_1d
from qsym.errors import InputError, NoSolutionError
from qsym.symbolic.potential import Potential

phi = sp.Symbol("phi")
PSI = phi**2 / 2 - phi**3


def _num(expr):
    return numeric_1d(expr, phi)


def _rel(a, b):
    with mpmath.workdps(200):
        return abs(mpmath.mpf(a) - mpmath.mpf(b)) / abs(mpmath.mpf(b))


def _thin(kappa):
    return _num(phi**2 / 2 - phi**3 + sp.Rational(kappa) * phi**4)


# ---------------------------------------------------------------- identities
def test_public_api():
    import qsym.numeric.bounce1d as b1
    assert sorted(b1.__all__) == sorted(["BounceResult", "solve_bounce", "solve_bounce_double", "PolyPotential"])
    from qsym.results import Result
    assert issubclass(b1.BounceResult, Result)


def test_virial_identity_and_result_fields():
    r = solve_bounce(_num(PSI), dim=3, dps=30)
    assert isinstance(r, BounceResult) and r.status == "converged"
    assert _rel(r.action, r.action_virial) <= r.error
    # Derrick: V = -(d-2)/d T, S = T + V
    with mpmath.workdps(60):
        assert _rel(r.potential, -r.kinetic / 3) <= 10 * r.error
    assert r.error < mpmath.mpf(10) ** -30
    assert r.sign == 1 and r.dim == 3 and r.dps == 30
    # profile: centre value, derivative at 0, decay, continuity at R_match
    assert _rel(r.profile(0), r.phi0) < 1e-29
    assert abs(r.dprofile(0)) < 1e-28
    R = r.R_match
    with mpmath.workdps(40):
        a, b = r.profile(R * (1 - mpmath.mpf(10) ** -12)), r.profile(R * (1 + mpmath.mpf(10) ** -12))
    assert abs(a - b) <= abs(a) * 1e-9
    assert r.profile(60) < 1e-20
    # the field equation at an interior point, from the profile (finite difference check)
    with mpmath.workdps(30):
        r0 = mpmath.mpf(1.3)
        lhs = mpmath.diff(r.dprofile, r0) + 2 / r0 * r.dprofile(r0)
        rhs = r.profile(r0) - 3 * r.profile(r0) ** 2
        assert abs(lhs - rhs) < 1e-20


def test_two_precisions_and_honest_error():
    a = solve_bounce(_num(PSI), dps=30)
    b = solve_bounce(_num(PSI), dps=60)
    assert _rel(a.action, b.action) <= a.error
    assert _rel(a.phi0, b.phi0) < 1e-29
    assert _rel(a.charge_integral, b.charge_integral) < 1e-28


def test_double_path_against_high_precision():
    ref = solve_bounce(_num(PSI), dps=30)
    d = solve_bounce_double(_num(PSI))
    assert isinstance(d.action, float)
    assert _rel(d.action, ref.action) <= d.error
    assert d.error < 1e-13


def test_s_psi_reference_value():
    S, err = s_psi(30)
    # paper, eq (13): S_psi ~ 4.85
    assert abs(S - mpmath.mpf("4.85")) < 0.01
    assert mpmath.nstr(S, 25) == "4.851137412916352874132294"
    assert err < 1e-30


@pytest.mark.slow
def test_s_psi_high_precision_consistent():
    S50, e50 = s_psi(50)
    S100, e100 = s_psi(100)
    assert _rel(S50, S100) <= e50
    assert e100 < mpmath.mpf(10) ** -100


# ---------------------------------------------------------------- other cases
def test_negative_direction_is_mirror():
    a = solve_bounce(_num(phi**2 / 2 + phi**3), dps=30)
    b = solve_bounce(_num(PSI), dps=30)
    assert a.sign == -1 and a.phi0 < 0
    with mpmath.workdps(40):
        assert _rel(a.action, b.action) < 1e-29
        assert _rel(-a.phi0, b.phi0) < 1e-29


def test_sign_restriction():
    with pytest.raises(NoSolutionError):
        solve_bounce(_num(PSI), dps=20, sign=-1)


def test_dimension_four_and_two():
    for d in (2, 4):
        a = solve_bounce(_num(PSI), dim=d, dps=25)
        b = solve_bounce(_num(PSI), dim=d, dps=40)
        assert _rel(a.action, b.action) <= a.error
        assert _rel(a.action, a.action_virial) <= a.error
    # d = 2: Derrick says V = 0
    assert abs(b.potential) < 1e-30 * b.kinetic if d == 2 else True


def test_scaling_of_parameters():
    # U = M^2 phi^2/2 - A phi^3 = (M^6/A^2) [psi^2/2 - psi^3] with phi = (M^2/A) psi,
    # r = x/M: in d = 3, S = M^3/A^2 * S_psi
    M, A = sp.Rational(3, 2), sp.Rational(1, 3)
    r = solve_bounce(_num(M**2 * phi**2 / 2 - A * phi**3), dps=30)
    S, _ = s_psi(30)
    with mpmath.workdps(40):
        expect = S * (mpmath.mpf(3) / 2) ** 3 / (mpmath.mpf(1) / 3) ** 2
        assert _rel(r.action, expect) < 1e-28


def test_omega_potential_via_potential():
    P = Potential("M**2*phi**2/2 - A*phi**3 + lam*phi**4", ["phi"],
                  params={"M": 1, "A": 1, "lam": "1/10"})
    r = bounce(P, omega="1/2", dps=20)
    direct = solve_bounce(_num((1 - sp.Rational(1, 4)) * phi**2 / 2 - phi**3 + phi**4 / 10), dps=20)
    assert _rel(r.action, direct.action) < 1e-19
    with pytest.raises(InputError, match="omega"):
        bounce(P, omega="1.1", dps=20)


def test_non_polynomial_potential():
    # analytic but not polynomial (close to psi^2/2 - psi^3 at small field)
    expr = phi**2 / 2 - sp.sin(phi)**3
    a = solve_bounce(_num(expr), dps=18)
    d = solve_bounce_double(_num(expr))
    assert _rel(a.action, a.action_virial) <= a.error
    assert _rel(d.action, a.action) <= d.error


@pytest.mark.slow
@pytest.mark.parametrize("kappa", ["49/100", "499/1000"])
def test_thin_wall(kappa):
    num = _thin(kappa)
    d = solve_bounce_double(num)
    a = solve_bounce(num, dps=30)
    b = solve_bounce(num, dps=45)
    assert _rel(a.action, b.action) <= a.error
    assert _rel(d.action, b.action) <= d.error < 1e-12
    assert _rel(d.action, b.action) < 1e-13
    assert _rel(a.action, a.action_virial) <= a.error


def test_thin_wall_profile_double_vs_high_precision():
    num = _thin("49/100")
    d = solve_bounce_double(num)
    a = solve_bounce(num, dps=30)
    assert d.profile_error < 1e-9 and a.profile_error < 1e-27
    with mpmath.workdps(30):
        for r in (0, 5, 20, 30, 34, 36, 40, 50, 60, 120):
            # inside the bubble, through the wall, beyond R_match (asymptotic form)
            assert abs(d.profile(r) - a.profile(r)) <= d.profile_error + a.profile_error
            assert a.profile(r) > 0
        assert a.dprofile(35) < 0


@pytest.mark.slow
def test_thin_wall_limit_d3_d4():
    # eps = -U(phi_t), sigma = int_0^1 sqrt(2 U) dphi -> 1/6 as kappa -> 1/2
    k = sp.Rational(499, 1000)
    U = phi**2 / 2 - phi**3 + k * phi**4
    pt = max(sp.solve(sp.diff(U, phi), phi), key=lambda r: float(r))
    eps = -float(U.subs(phi, pt))
    sigma = 1 / 6
    s3 = solve_bounce_double(_num(U), dim=3).action
    s4 = solve_bounce_double(_num(U), dim=4).action
    tw3 = 16 * mpmath.pi * sigma**3 / (3 * eps**2)
    tw4 = 27 * mpmath.pi**2 * sigma**4 / (2 * eps**3)
    assert abs(s3 / tw3 - 1) < 0.1
    assert abs(s4 / tw4 - 1) < 0.1


def test_no_bounce_at_critical_dimension():
    # Pohozaev: -Lap phi + phi = phi^2 has no finite-action solution in d = 6
    with pytest.raises(NoSolutionError):
        solve_bounce_double(_num(phi**2 / 2 - phi**3 / 3), dim=6)


def test_both_directions_lower_action_wins():
    # symmetric escape: both signs solved, same action; an asymmetric term picks a side
    r = solve_bounce(_num(phi**2 / 2 - phi**4), dps=20)
    assert r.sign == 1
    r2 = solve_bounce(_num(phi**2 / 2 - phi**4 - phi**3 / 10), dps=20)
    r3 = solve_bounce(_num(phi**2 / 2 - phi**4 - phi**3 / 10), dps=20, sign=-1)
    assert r2.sign == 1 and r3.sign == -1 and r2.action < r3.action


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("expr, exc", [
    (phi**2 / 2 + phi**4, NoSolutionError),            # no barrier
    (phi**2 / 2 + phi**3 / 10 + phi**4, NoSolutionError),
    (-phi**2 / 2 + phi**4, InputError),                # origin a maximum
    (phi**3 - phi**4, InputError),                     # massless origin
    (phi**2 / 2 - phi**sp.Rational(5, 2), InputError),
    (phi**2 / 2 - phi**3 + 1, InputError),             # U(0) != 0
])
def test_bad_potentials(expr, exc):
    with pytest.raises(exc):
        solve_bounce(_num(expr), dps=20)


def test_not_analytic_via_potential():
    P = Potential("phi**2/2 - Abs(phi)**3", ["phi"])
    with pytest.raises(InputError):
        bounce(P, dps=20)


@pytest.mark.parametrize("kw", [dict(dps=10), dict(dps=14), dict(dim=1), dict(dim=2.5),
                                dict(sign=2)])
def test_bad_arguments(kw):
    with pytest.raises(InputError):
        solve_bounce(_num(PSI), **{"dps": 20, **kw})


# ---------------------------------------------------------------- CLI
def _cli(*args):
    return subprocess.run([sys.executable, "-m", "qsym.cli.app", "bounce", *args],
                          capture_output=True, text=True, timeout=120)


def test_cli_json_and_exit_codes():
    p = _cli("--potential", "phi**2/2 - phi**3", "--field", "phi", "--dps", "50", "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert {"action", "phi0", "dps", "error"} <= set(out)
    assert out["dps"] == 50
    assert out["action"].startswith("4.851137412916352874132293866401532389179896669293")
    assert len(out["action"].replace(".", "")) == 50
    p = _cli("--potential", "phi**2/2 + phi**4", "--field", "phi", "--json")
    assert p.returncode == 1 and "no bounce" in p.stderr
    p = _cli("--potential", "phi**2/2 - phi**3", "--field", "phi", "--dps", "5")
    assert p.returncode == 2
    p = _cli("--potential", "a**2/2 - a*b**2", "--fields", "a,b")   # b is massless: bad input
    assert p.returncode == 2 and "local minimum" in p.stderr
    p = _cli("--potential", "M**2*phi**2/2 - phi**3", "--field", "phi", "--param", "M=1",
             "--omega", "1/2", "--dim", "4", "--json")
    assert p.returncode == 0, p.stderr


def test_taylor_integrator_matches_mpmath_odefun():
    """The Taylor kernel against mpmath.odefun on the bounce ODE of psi^2/2 - psi^3 (d = 3),
    from r0 = 1 (psi = 1/2, psi' = -3/10) to r = 3/2 in four steps, at 30 digits."""
    from qsym.numeric.kernels import taylor as tay
    A = tay.Arith(160)
    M = tay.Model(A, 3, poly=[A.from_mpf(v) for v in (0, 0, mpmath.mpf(1) / 2, -1)])
    with mpmath.workdps(40):
        p, dp = A.from_mpf(mpmath.mpf(1) / 2), A.from_mpf(mpmath.mpf(-3) / 10)
        r, h = A.from_mpf(1), A.from_mpf(mpmath.mpf(1) / 8)
        for _ in range(4):
            b = tay.step_coeffs(M, p, dp, 0, 0, r, h, A.order, var=False)[0]
            p, dv = tay.horner(A, b, A.one)
            dp = A.div(dv, h)
            r = r + h
    with mpmath.workdps(30):
        sol = mpmath.odefun(lambda x, y: [y[1], y[0] - 3 * y[0] ** 2 - 2 / x * y[1]], 1,
                            [mpmath.mpf(1) / 2, mpmath.mpf(-3) / 10])
        ref = sol(mpmath.mpf(3) / 2)
        assert abs(A.to_mpf(p) - ref[0]) < mpmath.mpf(10) ** -25
        assert abs(A.to_mpf(dp) - ref[1]) < mpmath.mpf(10) ** -25


def test_relaxed_products_are_exact():
    from qsym.numeric.kernels.relaxed import Relaxed
    import random
    rng = random.Random(1)
    a = [rng.randrange(-2**300, 2**300) for _ in range(200)]
    b = [rng.randrange(-2**200, 2**200) for _ in range(200)]
    ra, rs = Relaxed(a, b, base=8), Relaxed(a, a, base=8)
    for k in range(200):
        assert ra.coef(k) == sum(a[i] * b[k - i] for i in range(k + 1))
        assert rs.coef(k) == sum(a[i] * a[k - i] for i in range(k + 1))


def test_recorded_shot_first_order_correction():
    # the recorded shot runs at x with x good to ~0.87 of the digits; T, V, int psi^2, the tail
    # and the profile are corrected by its own Newton step dx (S stationary with the kappa-psi tail)
    num = _num(PSI)
    a, b = solve_bounce(num, dps=80), solve_bounce(num, dps=110)
    tol = mpmath.mpf(10) ** -78
    for name in ("action", "action_virial", "kinetic", "potential", "charge_integral", "phi0"):
        assert _rel(getattr(a, name), getattr(b, name)) < tol, name
    assert a.error < mpmath.mpf(10) ** -80 and a.profile_error < mpmath.mpf(10) ** -60
    with mpmath.workdps(80):
        for r in (0, 3, 10, a.R_match * 0.99, a.R_match * 1.5):
            assert abs(a.profile(r) - b.profile(r)) <= a.profile_error + b.profile_error


def test_sensitivities_match_finite_differences():
    # dT/dx, dV/dx, d(int psi^2)/dx of the recorded shot (reduced precision, block exponents)
    from qsym.numeric.bounce1d.problem import PolyPotential, _Problem
    from qsym.numeric.bounce1d.shoot import _shoot
    from qsym.numeric.bounce1d.side import _Side
    side = _Side(_Problem(PolyPotential([0, 0, "1/2", -1]), 3, None, None), 1, 200)
    x, eps = mpmath.mpf("1.3972276514808397"), mpmath.mpf(10) ** -20
    with mpmath.workprec(260):
        q = [_shoot(side, x + t, -40, quad=True, newton=False) for t in (0, eps, -eps)]
        for k, dk in (("T", "dT"), ("V", "dV"), ("Q", "dQ")):
            # the shots stop at the same radius only if their step sequences agree
            assert q[1].R == q[2].R == q[0].R
            fd = (side.A.to_mpf(q[1].quad[k]) - side.A.to_mpf(q[2].quad[k])) / (2 * eps)
            assert abs(fd - side.A.to_mpf(q[0].quad[dk])) < 1e-15 * (1 + abs(fd)), k


def test_relaxed_products_with_tolerance():
    # operands cut to what can reach 2**tol: every coefficient within 2**tol of the exact one,
    # including blocks whose whole product is below the tolerance and negative floor shifts
    from qsym.numeric.kernels.relaxed import Relaxed
    import random
    rng = random.Random(3)
    n, P = 300, 1000
    a = [0] + [rng.randrange(-2**max(1, P - 3 * i), 2**max(1, P - 3 * i)) for i in range(1, n)]
    grown, exact = [], Relaxed(a, a, limit=n)
    cut = Relaxed(grown, grown, limit=n, tolerance_bits=P - 8)
    for k in range(n):
        grown.append(a[k])
        assert abs(cut.coef(k) - exact.coef(k)) < 2**(P - 8)


def test_kappa_float_even_dimensions():
    from qsym.numeric.kernels.tails import kappa, kappa_float
    for d in (2, 4, 6):
        for z in (0.5, 2.0, 3.7, 40.0, 199.0):
            ref = float(kappa(d, mpmath.mpf(z)))
            assert abs(kappa_float(d, z) - ref) <= 1e-15 * abs(ref)
