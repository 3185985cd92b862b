"""Multi-field bounces (qsym.numeric.bounce_nd, qsym.api.multi): known answers, identities, precision, bad input."""

import mpmath
import pytest
import sympy as sp

from qsym.api.multi import bounce_multi, qball_multi
from qsym.numeric.bounce_nd import solve_bounce_multi
from qsym.numeric.bounce1d.solver import solve_bounce
try:                                   # the one-field Potential-level entry point
    from qsym.api.bounce import bounce
except ImportError:                    # before the bounce1d layer move
    from qsym.numeric.bounce1d.solver import bounce
from qsym.bridge import numeric_1d, numeric_nd
from qsym.errors import ConvergenceError, InputError, NoSolutionError
from qsym.symbolic.potential import Potential

a, b, c, p = sp.symbols("a b c p")
R = sp.Rational

# a rotation by an angle with rational sine and cosine (3-4-5), and a rational 3-d one
X2, Y2 = (3 * a + 4 * b) / 5, (-4 * a + 3 * b) / 5
X3, Y3, Z3 = (a + 2 * b + 2 * c) / 3, (2 * a + b - 2 * c) / 3, (2 * a - 2 * b + c) / 3

U_ESC = lambda x: x**2 / 2 - x**3 + x**4 / 4          # noqa: E731  escape potential, bounded
U_CUB = lambda x: x**2 / 2 - x**3                     # noqa: E731  unbounded below

_SINGLE = {}


def single(expr1, dps=20, dim=3):
    """Reference: the single-field engine on U(p)."""
    key = (sp.srepr(expr1), dps, dim)
    if key not in _SINGLE:
        _SINGLE[key] = solve_bounce(numeric_1d(expr1, p), dim=dim, dps=dps)
    return _SINGLE[key]


def rel(x, y):
    return abs(mpmath.mpf(x) / mpmath.mpf(y) - 1)


# --------------------------------------------------------------------------
# known answers
# --------------------------------------------------------------------------
def test_rotated_separable_matches_single_field_engine():
    U = U_ESC(X2) + Y2**2 + Y2**4
    res = solve_bounce_multi(numeric_nd(U, [a, b]))
    ref = single(U_ESC(p))
    assert res.status == "converged" and res.dps is None
    assert rel(res.action, ref.action) < 1e-10
    assert rel(res.action, ref.action) <= res.error
    # centre on the escape line x, at the single-field centre value
    assert abs(res.phi0[0] - float(ref.phi0) * 3 / 5) < 1e-9
    assert abs(res.phi0[1] - float(ref.phi0) * 4 / 5) < 1e-9


def test_unbounded_below_two_fields():
    # cubic escape direction, a transverse field coupled to it; U -> -oo along x
    U = U_CUB(X2) + 2 * Y2**2 + X2 * Y2**2
    res = solve_bounce_multi(numeric_nd(U, [a, b]))
    ref = single(U_CUB(p))
    assert rel(res.action, ref.action) < 1e-10
    assert rel(res.action, ref.action) <= res.error


def test_symmetry_line_gives_restricted_problem():
    # phi1 = phi2 is invariant; the coupling vanishes on it and stabilises the transverse field
    U = (a**2 + b**2) / 2 - (a + b)**3 / 4 + (a - b)**2 * (a + b)**2
    res = solve_bounce_multi(numeric_nd(U, [a, b]))
    # on the line a = b = chi/sqrt(2): U = chi^2/2 - chi^3/sqrt(2)
    ref = single(p**2 / 2 - p**3 / sp.sqrt(2))
    assert rel(res.action, ref.action) < 1e-10
    assert abs(res.phi0[0] - res.phi0[1]) < 1e-9


def test_three_fields_rotated():
    U = U_ESC(X3) + Y3**2 + 3 * Z3**2 / 2 + Y3**2 * Z3**2
    res = solve_bounce_multi(numeric_nd(U, [a, b, c]))
    ref = single(U_ESC(p))
    assert len(res.phi0) == 3 and len(res.charge_integrals) == 3
    assert rel(res.action, ref.action) < 1e-10


def test_thin_wall_two_fields():
    U = a**2 / 2 - a**3 + R(45, 100) * a**4 + b**2 + a**2 * b**2
    res = solve_bounce_multi(numeric_nd(U, [a, b]))
    ref = single(p**2 / 2 - p**3 + R(45, 100) * p**4, dps=20)
    assert rel(res.action, ref.action) < 1e-10


@pytest.mark.slow
def test_very_thin_wall_falls_back_to_mixed_precision():
    # R ~ 350/m: the float Jacobian is too ill-conditioned for 1e-10 on its own
    U = a**2 / 2 - a**3 + R(499, 1000) * a**4 + b**2 + a**2 * b**2
    res = solve_bounce_multi(numeric_nd(U, [a, b]))
    ref = single(p**2 / 2 - p**3 + R(499, 1000) * p**4)
    assert isinstance(res.action, float) and res.error <= 1e-10
    assert rel(res.action, ref.action) <= res.error


def test_cosmotransitions_example_potential():
    # CosmoTransitions' own 2-field example (curved path, nearly thin wall).  Pinned:
    # CosmoTransitions 2.0.7 pathDeformation.fullTunneling with xtol = phitol = 1e-12,
    # 8000 points, fRatioConv = 1e-5, V_spline_samples = 1000 gave 20.826479550801167
    # (its own accuracy ~1e-7; see benchmarks/bench_bounce_multi.py, case (d)).
    U = ((a * a + 5 * b * b) * (5 * (a - 1)**2 + (b - 1)**2)
         + 10 * (a**4 / 4 - a**3 / 3) + 10 * (b**4 / 4 - b**3 / 3))
    res = solve_bounce_multi(numeric_nd(U, [a, b]))
    assert rel(res.action, 20.826479550801167) < 1e-6
    assert 0.9 < res.phi0[0] < 1 and 0.9 < res.phi0[1] < 1


def test_mass_hierarchy_and_physical_units():
    # light escape field (m = 1e-3) next to a heavy spectator (m = 1): no mesh at the heavy scale
    U = R(1, 10**6) * a**2 / 2 - a**3 / 1000 + b**2 / 2 + a**2 * b**2
    res = solve_bounce_multi(numeric_nd(U, [a, b]))
    assert rel(res.action, single(R(1, 10**6) * p**2 / 2 - p**3 / 1000).action) < 1e-10
    # GeV-like numbers: masses 100 and 200, field scale ~ 500
    U1 = 100**2 * a**2 / 2 - 30 * a**3 + R(1, 100) * a**4
    res = solve_bounce_multi(numeric_nd(U1 + 200**2 * b**2 / 2 + a**2 * b**2 / 10, [a, b]))
    assert rel(res.action, single(U1.subs(a, p)).action) < 1e-10


def test_four_and_five_fields_two_precisions():
    f = sp.symbols("f0:5")
    U = (sum((k + 2) * f[k]**2 / 2 for k in range(5)) - (f[0] + f[1] + f[2])**3 / 3
         + f[3] * f[4] * f[0] + f[4]**2 * f[1]**2)
    num = numeric_nd(U, f)
    r0, r20 = solve_bounce_multi(num), solve_bounce_multi(num, dps=20)
    assert len(r0.phi0) == 5 and rel(r0.action, r20.action) <= r0.error


def test_dimension_two_by_continuation():
    U = U_ESC(X2) + Y2**2 + Y2**4
    res = solve_bounce_multi(numeric_nd(U, [a, b]), dim=2)
    ref = single(U_ESC(p), dps=20, dim=2)
    assert res.dim == 2 and rel(res.action, ref.action) < 1e-10
    assert abs(res.potential) < 1e-9 * res.action           # Derrick: V = 0 in d = 2


def test_dimension_four():
    U = U_ESC(X2) + Y2**2 + Y2**4
    res = solve_bounce_multi(numeric_nd(U, [a, b]), dim=4)
    ref = single(U_ESC(p), dps=20, dim=4)
    assert res.dim == 4 and rel(res.action, ref.action) < 1e-10


# --------------------------------------------------------------------------
# identities and consistency
# --------------------------------------------------------------------------
def test_virial_identity_and_profile():
    U = a**2 / 2 - a**3 + b**2 - a * b**2 + a**2 * b**2 / 2 - a**2 * b / 3
    res = solve_bounce_multi(numeric_nd(U, [a, b]))
    assert abs(res.action - res.action_virial) <= res.error * res.action
    assert abs(res.kinetic + res.potential - res.action) <= 1e-12 * res.action
    # profile: centre values at r = 0, continuous at the matching radius, decaying
    assert res.profile(0.0) == pytest.approx(res.phi0, abs=1e-12)
    R_m = res.R_match
    inside, outside = res.profile(R_m * (1 - 1e-9)), res.profile(R_m * (1 + 1e-9))
    assert all(abs(x - y) < 1e-12 for x, y in zip(inside, outside))
    assert max(abs(v) for v in res.profile(2 * R_m)) < 1e-8
    assert all(abs(v) < 1e-10 for v in res.dprofile(0.0))


@pytest.mark.slow
def test_two_precisions_agree_within_estimate():
    # genuinely two-field (curved escape path), unbounded below: no closed form
    U = a**2 / 2 + b**2 - a**3 - a * b**2 + a**2 * b / 2
    num = numeric_nd(U, [a, b])
    r0 = solve_bounce_multi(num)
    r20 = solve_bounce_multi(num, dps=20)
    r30 = solve_bounce_multi(num, dps=30)
    assert 0 < abs(r0.phi0[1])                      # the path is curved
    assert rel(r0.action, r30.action) <= r0.error
    assert rel(r20.action, r30.action) <= r20.error
    assert r20.error <= mpmath.mpf(10)**-20
    for k in range(2):
        assert abs(r20.charge_integrals[k] - r30.charge_integrals[k]) <= \
            mpmath.mpf(10)**-17 * abs(r30.charge_integrals[k])


def test_centre_values_follow_the_sign_convention():
    # U even in a: the escape to negative a is equivalent; phi_k >= 0 is reported
    res = solve_bounce_multi(numeric_nd(a**2 / 2 + b**2 - a**4 + a**6 / 10, [a, b]))
    assert res.phi0[0] > 0 and abs(res.phi0[1]) < 1e-12
    assert rel(res.action, single(p**2 / 2 - p**4 + p**6 / 10).action) < 1e-10
    # no symmetry: the escape runs to negative a and stays there
    res = solve_bounce_multi(numeric_nd(a**2 / 2 + a**3 + b**2, [a, b]))
    assert res.phi0[0] < 0


@pytest.mark.slow
def test_fifty_digits_and_the_estimate_at_thirty():
    U = a**2 / 2 + b**2 - a**3 - a * b**2 + a**2 * b / 2
    num = numeric_nd(U, [a, b])
    r30, r50 = solve_bounce_multi(num, dps=30), solve_bounce_multi(num, dps=50)
    assert r50.error <= mpmath.mpf(10)**-50
    assert rel(r30.action, r50.action) <= r30.error
    assert abs(r50.action - r50.action_virial) <= r50.error * r50.action


@pytest.mark.slow
def test_thirty_digits_against_single_field_engine():
    U = U_ESC(X2) + Y2**2 + Y2**4
    res = solve_bounce_multi(numeric_nd(U, [a, b]), dps=30)
    ref = single(U_ESC(p), dps=30)
    assert res.dps == 30 and res.error <= mpmath.mpf(10)**-30
    assert rel(res.action, ref.action) < mpmath.mpf(10)**-28
    with mpmath.workdps(30):
        assert abs(res.phi0[0] - ref.phi0 * 3 / 5) < mpmath.mpf(10)**-25


# --------------------------------------------------------------------------
# Q-balls: U_omega with each field's charge
# --------------------------------------------------------------------------
def test_qball_multi_decoupled_matches_single_field():
    P = Potential("a**2/2 - a**3 + a**4/4 + 2*b**2 + a**2*b**2", ["a", "b"], charges=[1, 2])
    q = qball_multi(P, "0.6")
    ref = bounce(Potential("a**2/2 - a**3 + a**4/4", ["a"]), omega="0.6", dps=20)
    assert rel(q.bounce.action, ref.action) < 1e-10
    assert rel(q.bounce.charge_integrals[0], ref.charge_integral) < 1e-10
    assert q.charge == pytest.approx(0.6 * float(ref.charge_integral), rel=1e-10)
    assert q.energy == pytest.approx(float(ref.action) + 0.6 * q.charge, rel=1e-10)


def test_qball_multi_charges_weight_each_field():
    # the escape runs along b, which has charge 2: U_omega = U - omega^2 (a^2 + 4 b^2)/2
    P = Potential("2*a**2 + b**2 - b**3 + a**2*b**2", ["a", "b"], charges=[1, 2])
    q = qball_multi(P, "1/2")
    ref = bounce(Potential("b**2 - b**3", ["b"], charges=[2]), omega="1/2", dps=20)
    assert rel(q.bounce.action, ref.action) < 1e-10
    assert q.charges[1] == pytest.approx(0.5 * 4 * float(ref.charge_integral), rel=1e-9)
    payload = bounce_multi(P, omega="1/2").as_dict()
    assert set(payload) >= {"action", "phi0", "dps", "error"}


def test_qball_multi_thermodynamic_identities():
    # coupled fields with different charges: dE/dQ = omega and dS_omega/domega = -Q
    P = Potential("a**2 + 3*b**2/2 - a*b*(a+b) + a**2*b**2/2 + (a**4+b**4)/8", ["a", "b"],
                  charges=[1, 2])
    w, h = 0.8, 1e-3
    lo, mid, hi = (qball_multi(P, x) for x in (w - h, w, w + h))
    assert all(v > 0 for v in mid.bounce.phi0)          # both fields take part
    assert (hi.energy - lo.energy) / (hi.charge - lo.charge) == pytest.approx(w, rel=1e-4)
    assert (hi.bounce.action - lo.bounce.action) / (2 * h) == pytest.approx(-mid.charge, rel=1e-4)
    assert mid.charge == pytest.approx(sum(mid.charges), rel=1e-14)


def test_qball_three_fields_slepton_higgs_toy_model():
    # the eq (17) toy model (m = 1, y = 1, A = 3, g1 = 0.3, g2 = 0.6): charges 0, 1, 1; the
    # trilinear H L l allows flipping any two signs, and phi_k >= 0 is reported
    text = ("H**2 + L**2 + l**2 - 6*H*L*l + H**2*L**2 + H**2*l**2 + L**2*l**2"
            " + (3/10)**2*(H**2 - L**2)**2/8 + (6/10)**2*(H**2 + L**2 - 2*l**2)**2/8")
    P = Potential(text, ["H", "L", "l"], charges=[0, 1, 1])
    q = qball_multi(P, "0.9")
    assert all(v > 0 for v in q.bounce.phi0)
    assert q.charges[0] == 0 and q.charge == pytest.approx(q.charges[1] + q.charges[2])
    hp = bounce_multi(P, omega="0.9", dps=20)
    assert rel(q.bounce.action, hp.action) <= q.bounce.error
    assert abs(hp.action - hp.action_virial) <= hp.error * hp.action


# --------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------
def test_no_bounce_is_no_solution():
    with pytest.raises(NoSolutionError, match="no bounce"):
        solve_bounce_multi(numeric_nd(a**2 + b**2 + a**4 - a**2 * b, [a, b]))


@pytest.mark.parametrize("expr, msg", [
    (a**2 / 2 - b**2 / 2 - a**3, "not a non-degenerate minimum"),
    (a**2 / 2 + b**2 / 2 - a**3 + R(1, 10), "U\\(0\\)"),
    (a**2 / 2 + b**2 / 2 - a**3 + b / 10, "not a minimum"),
])
def test_origin_must_be_a_minimum(expr, msg):
    with pytest.raises(InputError, match=msg):
        solve_bounce_multi(numeric_nd(expr, [a, b]))


def test_bad_arguments():
    num = numeric_nd(a**2 / 2 - a**3 + b**2, [a, b])
    for dim in (1, 0, "3", 3.0, True):
        with pytest.raises(InputError, match="dim"):
            solve_bounce_multi(num, dim=dim)
    with pytest.raises(InputError, match="dps"):
        solve_bounce_multi(num, dps=5)
    with pytest.raises(InputError):
        solve_bounce_multi("a**2 - a**3")


def test_non_analytic_potential_is_bad_input():
    x, y = sp.symbols("x y", real=True)
    with pytest.raises(InputError, match="Abs"):
        solve_bounce_multi(numeric_nd(x**2 / 2 - sp.Abs(x)**3 + y**2, [x, y]))


def test_fields_that_do_not_match():
    with pytest.raises(InputError, match="undeclared"):
        bounce_multi(Potential("a**2/2 - a**3 + c**2", ["a", "b"]))
    with pytest.raises(InputError, match="parameters without values"):
        numeric_nd(a**2 / 2 - a**3 + c * b**2, [a, b])
    with pytest.raises(InputError, match="omega"):
        bounce_multi(Potential("a**2/2 - a**3 + b**2", ["a", "b"]), omega=2)


def test_errors_are_one_line():
    for call in (lambda: solve_bounce_multi(numeric_nd(a**2 + b**2, [a, b])),
                 lambda: solve_bounce_multi(numeric_nd(a**2 / 2 - b**2 - a**3, [a, b]))):
        with pytest.raises((InputError, NoSolutionError, ConvergenceError)) as info:
            call()
        assert "\n" not in str(info.value)


# --------------------------------------------------------------------------
# linear algebra and Q-balls of given charge
# --------------------------------------------------------------------------
def test_block_tridiagonal_solver_matches_dense():
    import numpy as np
    from qsym.numeric.bounce_nd.banded import BlockTridiag as _BlockTridiag
    rng = np.random.default_rng(3)
    for m in (1, 2, 5, 8, 33):
        for b in (1, 3):
            A, C = rng.normal(size=(m, b, b)), rng.normal(size=(m, b, b))
            B = rng.normal(size=(m, b, b)) + 6 * np.eye(b)
            f = _BlockTridiag(A, B, C)
            d = rng.normal(size=(m, b, 2))
            x = f.solve(d)
            ref = np.linalg.solve(f.dense(), d.reshape(m * b, 2))
            assert np.abs(x.reshape(m * b, 2) - ref).max() < 1e-12
            assert np.abs(f.matvec(x) - d).max() < 1e-12


README_U = "x**2/2 + y**2 - 3*x**2*y + x**4 + y**4"


@pytest.mark.slow
def test_readme_multi_field_qball():
    # the README example at dps 12 against its 20-digit answer (qsym at dps 20), two branches
    from qsym.api.solve import _multi_evaluator, qball_multi_charge
    P = Potential(README_U, ["x", "y"], charges=[1, 0])
    lines = []
    r = qball_multi_charge(P, 100, dps=12, progress=lines.append)
    assert lines and all(isinstance(s, str) and "\n" not in s for s in lines)
    s1, s2 = r["solutions"]
    ref = [("0.74553221811743402272", "87.348466323165418249"),
           ("0.99922677528081891970", "100.07334693555667853")]
    for s, (w, M_) in zip((s1, s2), ref):
        assert rel(s.omega, w) < 1e-11 and rel(s.mass, M_) < 1e-11 and s.error <= 1e-12   # dps 12
        assert s.charge == 100
    # stability: the lower branch dQ/domega < 0 and M_Q < Q m (m = 1 per unit charge)
    assert s1.stability == "stable" and s1.mass < 100 and s1.dQ_domega < 0
    assert s2.stability == "unstable" and s2.mass > 100 and s2.dQ_domega > 0
    assert r["thin_wall"]["mass"] < s1.mass                  # the thin wall neglects the surface
    # dE/dQ = omega along the family, from double-precision Q-balls at omega +- h
    ev = _multi_evaluator(P, 1)
    h = 1e-4
    lo, hi = ev(float(s1.omega) - h, None), ev(float(s1.omega) + h, None)
    assert (hi.mass - lo.mass) / (hi.charge - lo.charge) == pytest.approx(float(s1.omega), rel=1e-6)


@pytest.mark.slow
def test_multi_field_branches_between_scan_points_and_Q_min():
    # Q_min of this family (~30.85) lies between scan points (the nearest has Q = 30.95):
    # Q = 30.9 has two branches there (the refined Q_min and 'no Q-ball' below it are
    # checked on a synthetic family in test_charge_scan_logic_on_a_synthetic_family)
    from qsym.api.solve import qball_multi_charge
    P = Potential(README_U, ["x", "y"], charges=[1, 0])
    s1, s2 = qball_multi_charge(P, "30.9", dps=10)["solutions"]
    assert 0.95 < s1.omega < s2.omega < 0.97
    assert s1.stability == "metastable" and s2.stability == "unstable"     # M_Q > Q m = Q
    assert s1.mass < s2.mass < 30.9 * 1.02


def test_fixed_point_residual_matches_mpf_dot_products():
    # the high-precision residual (integer dot products) against plain mpf arithmetic
    import numpy as np
    from qsym.numeric.bounce_nd.chebyshev import _Mesh
    from qsym.numeric.bounce_nd.mixed import _MPSystem
    from qsym.numeric.bounce_nd.problem import _Problem
    Pb = _Problem(numeric_nd(a**2 / 2 + b**2 - a**3 - a * b**2, [a, b]), 3)
    Pb.Phi = 1.0
    mesh = _Mesh(np.array([0.0, 0.7, 1.5, 3.0, 6.0]), 12)
    msys = _MPSystem(Pb, mesh, 200)
    rng = np.random.default_rng(5)
    with mpmath.workprec(200):
        psi = [[mpmath.mpf(float(v)) * (1 + mpmath.mpf(2) ** -80 * k) for k, v in
                enumerate(rng.normal(size=mesh.Np) * np.exp(-mesh.r))] for _ in range(2)]
        F, d1 = msys.residual(psi)
        Fr, d1r = msys.residual_fdot(psi)
        assert np.array_equal(F, Fr) or np.max(np.abs(F - Fr)) <= 1e-15 * np.max(np.abs(Fr))
        worst = max(abs(x - y) for e in range(mesh.E) for k in range(2) for x, y in zip(d1[e][k], d1r[e][k]))
        assert worst < mpmath.mpf(2) ** -190


class _Family:
    """A synthetic Q-ball family with Q(omega) = 1/(omega - a) + 1/(b - omega) and
    E = omega Q - log((omega - a)/(b - omega)) (so dE/dQ = omega exactly); bounces
    'fail' (ConvergenceError) closer than ``fail`` to the upper end (``fail_low``: lower)."""

    def __init__(self, a=0.5, b=1.0, fail=0.0, fail_low=0.0):
        self.a, self.b, self.fail, self.fail_low, self.calls = a, b, fail, fail_low, 0

    def __call__(self, w, dps):
        from qsym.numeric.qball import QBall
        self.calls += 1
        if float(self.b) - float(w) < self.fail or float(w) - float(self.a) < self.fail_low:
            raise ConvergenceError("synthetic: too close to the end")
        with mpmath.workdps((dps or 15) + 10):
            w = mpmath.mpf(w)
            Q = 1 / (w - self.a) + 1 / (self.b - w)
            E = w * Q - mpmath.log((w - self.a) / (self.b - w))
            if dps is None:
                Q, E, w = float(Q), float(E), float(w)
            return QBall(w, Q, E, E - w * Q, 1.0, (0.1,), 1e-30, dps)

    def roots(self, Qt):
        # Q (w - a)(b - w) = b - a: a quadratic in w
        a, b = mpmath.mpf(self.a), mpmath.mpf(self.b)
        s = mpmath.sqrt((b - a) ** 2 - 4 * (b - a) / Qt)
        return (a + b - s) / 2, (a + b + s) / 2


def test_charge_scan_logic_on_a_synthetic_family():
    from qsym.numeric.bounce_nd import solve_charge_multi
    fam = _Family()
    win = (mpmath.mpf("0.5"), mpmath.mpf(1))
    with mpmath.workdps(30):
        # Q_min = 8 at omega = 3/4; Q = 8.0001 has two roots 0.0035 apart, between scan points
        for Qt in (mpmath.mpf(100), mpmath.mpf("8.0001"), mpmath.mpf(10) ** 5):
            sols = solve_charge_multi(fam, 1, Qt, win, dps=20)
            assert len(sols) == 2
            for s, w in zip(sorted(sols, key=lambda s: s.omega), fam.roots(Qt)):
                assert abs(s.omega - w) < mpmath.mpf(10) ** -20
                assert s.error <= mpmath.mpf(10) ** -20
            lo, hi = sorted(sols, key=lambda s: s.omega)
            assert lo.dQ_domega < 0 < hi.dQ_domega and lo.stability != "unstable" and hi.stability == "unstable"
        with pytest.raises(NoSolutionError, match=r"Q in \[8(\.0000\d*)?, "):     # the refined minimum
            solve_charge_multi(fam, 1, 7, win, dps=20)
        # an end that cannot be resolved: a note, or an error instead of a false 'no Q-ball'
        notes = []
        failing = _Family(fail=1e-4)
        sols = solve_charge_multi(failing, 1, 10**5, win, dps=20, notes=notes)     # roots 1e-5 from the ends
        assert len(sols) == 1 and sols[0].omega < 0.75
        assert len(notes) == 1 and "upper end" in notes[0] and "cannot be solved" in notes[0]
        with pytest.raises(ConvergenceError, match="cannot go on"):
            solve_charge_multi(_Family(fail=1e-4, fail_low=1e-4), 1, 10**6, win, dps=20)


# --------------------------------------------------------------------------
# O(elements) linear algebra, U_omega of a family, fixed-point residual, warm starts
# --------------------------------------------------------------------------
def test_banded_lu_matches_dense_and_pivots():
    import numpy as np
    from qsym.numeric.bounce_nd.banded import BandLU, BlockTridiag
    rng = np.random.default_rng(4)
    for m in (1, 2, 7, 30):
        for b in (1, 2, 5):
            A, B, C = (rng.normal(size=(m, b, b)) for _ in range(3))
            d = rng.normal(size=(m, b, 2))
            x = BandLU(A, B, C).solve(d)
            ref = np.linalg.solve(BlockTridiag(A, B, C).dense(), d.reshape(m * b, 2))
            assert np.abs(x.reshape(m * b, 2) - ref).max() < 1e-9 * max(1.0, np.abs(ref).max())
    # zero diagonal blocks: block cyclic reduction cannot start, the pivoted LU can
    Z, I = np.zeros((4, 2, 2)), np.eye(2)[None].repeat(4, axis=0)
    with pytest.raises(np.linalg.LinAlgError):
        BlockTridiag(I, Z, I)
    d = rng.normal(size=(4, 2, 1))
    x = BandLU(I, Z, I).solve(d)
    y = np.zeros_like(x)
    y[1:] += x[:-1]
    y[:-1] += x[1:]                                        # (I, 0, I) times x
    assert np.abs(y - d).max() < 1e-12


def test_shifted_potential_matches_u_omega():
    from fractions import Fraction
    from qsym.numeric.bounce_nd import ShiftedND
    U = a**2 / 2 + b**2 - 3 * a**2 * b + a**4
    s = ShiftedND(numeric_nd(U, [a, b]), [Fraction(1), Fraction(4)], Fraction(9, 16),
                  poly={(2, 0): Fraction(1, 2), (0, 2): Fraction(1), (2, 1): Fraction(-3), (4, 0): Fraction(1)})
    ref = numeric_nd(U - R(9, 16) / 2 * (a**2 + 4 * b**2), [a, b])
    with mpmath.workdps(40):
        x, y = mpmath.mpf("0.3"), mpmath.mpf("-0.7")
        assert abs(s.U(x, y) - ref.U(x, y)) < mpmath.mpf(10) ** -38
        assert max(abs(u - v) for u, v in zip(s.grad(x, y), ref.grad(x, y))) < mpmath.mpf(10) ** -38
        H, Hr = s.hess(x, y), ref.hess(x, y)
        assert max(abs(H[i][j] - Hr[i][j]) for i in range(2) for j in range(2)) < mpmath.mpf(10) ** -38
    assert s.poly[(2, 0)] == Fraction(1, 2) - Fraction(9, 32) and s.poly[(0, 2)] == 1 - Fraction(9, 8)
    assert abs(s.U_np(0.3, -0.7) - float(ref.U(0.3, -0.7))) < 1e-15


def test_fixed_point_polynomial_residual_and_integrals():
    # the polynomial (fixed-point) residual and integrals against plain mpf arithmetic
    import numpy as np
    from fractions import Fraction
    from qsym.numeric.bounce_nd import ShiftedND
    from qsym.numeric.bounce_nd.chebyshev import _Mesh
    from qsym.numeric.bounce_nd.mixed import _MPSystem
    from qsym.numeric.bounce_nd.problem import _Problem
    U = a**2 / 2 + b**2 - a**3 - a * b**2
    num = ShiftedND(numeric_nd(U, [a, b]), [1, 0], Fraction(1, 9),
                    poly={(2, 0): Fraction(1, 2), (0, 2): Fraction(1), (3, 0): Fraction(-1), (1, 2): Fraction(-1)})
    Pb = _Problem(num, 3)
    Pb.Phi = 1.5
    mesh = _Mesh(np.array([0.0, 0.7, 1.5, 3.0, 6.0]), 12)
    msys = _MPSystem(Pb, mesh, 200)
    assert msys.fp is not None
    rng = np.random.default_rng(5)
    with mpmath.workprec(200):
        psi = [[mpmath.mpf(float(v)) * (1 + mpmath.mpf(2) ** -80 * k) for k, v in
                enumerate(rng.normal(size=mesh.Np) * np.exp(-mesh.r))] for _ in range(2)]
        F, d1 = msys.residual(psi)
        Fr, d1r = msys.residual_fdot(psi)
        assert np.max(np.abs(F - Fr)) <= 1e-15 * np.max(np.abs(Fr))
        T, V, Q, _ = msys.integrals_of(psi)
        Tr, Vr, Qr, _ = msys.integrals(psi, d1r)
        assert abs(T - Tr) + abs(V - Vr) + sum(abs(x - y) for x, y in zip(Q, Qr)) < mpmath.mpf(2) ** -180


def test_warm_started_family_agrees_with_cold_solves():
    # a family at nearby omega: later bounces start from earlier ones (Newton only), and agree
    # with cold solves of the same potential within the error estimates
    from qsym.api import multi
    P = Potential("x**2/2 + y**2 - 3*x**2*y + x**4 + y**4", ["x", "y"], charges=[1, 0])
    fam = multi.MultiFamily(P)
    warm = [qball_multi(P, w, family=fam) for w in ("0.80", "0.81", "0.82")]
    assert warm[-1].bounce.iterations.get("warm_start") == 1
    # without a family nothing carries over between calls: the same call gives the same bits
    a1, a2 = qball_multi(P, "0.82"), qball_multi(P, "0.82")
    assert "warm_start" not in a1.bounce.iterations and a1.bounce.action == a2.bounce.action
    cold = solve_bounce_multi(fam.numeric(R(82, 100)))
    assert "warm_start" not in cold.iterations
    assert rel(warm[-1].bounce.action, cold.action) <= warm[-1].error + cold.error
    hp = qball_multi(P, "0.82", dps=20, family=fam)
    assert rel(hp.charge, warm[-1].charge) <= 2 * warm[-1].error and hp.status == "converged"
    # a secant-like step in omega: the high-precision profile is reused (no double search)
    w = R(82, 100) + R(1, 10**15)
    hp2 = qball_multi(P, w, dps=20, family=fam)
    assert hp2.bounce.iterations.get("hp_start") == 1
    cold_hp = solve_bounce_multi(fam.numeric(w), dps=20)
    assert rel(hp2.bounce.action, cold_hp.action) <= hp2.error + cold_hp.error


def test_result_types_and_specific_errors():
    from qsym.errors import NoFalseVacuumError, OutsideWindowError
    from qsym.results import Result
    P = Potential("x**2/2 + y**2 - 3*x**2*y + x**4 + y**4", ["x", "y"], charges=[1, 0])
    q = qball_multi(P, "0.9")
    assert isinstance(q, Result) and isinstance(q.bounce, Result)
    js = q.bounce.to_json()
    assert js["dim"] == 3 and js["status"] == "converged" and isinstance(js["action"], str)
    assert set(q.bounce.as_dict()) == {"action", "phi0", "dps", "error", "action_virial",
                                       "charge_integrals", "dim", "status"}
    with pytest.raises(OutsideWindowError):
        bounce_multi(P, omega=2)
    with pytest.raises(NoFalseVacuumError):
        solve_bounce_multi(numeric_nd(a**2 / 2 - b**2 - a**3, [a, b]))
