"""Edge cases of the single-field bounce engine and the bridge (issue 9).

Relative thresholds (tiny masses, omega close to m), non-polynomial U without
symbolic derivatives, high precision, degree limits, API argument types and
the progress callback.  Every check is an identity, a scaling law or a second
precision; no timing is asserted.
"""

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp

from qsym import bridge
from qsym.api.bounce import bounce, s_psi
from qsym.numeric.bounce1d import solve_bounce
from qsym.numeric.bounce1d import problem as single
from qsym.bridge import numeric_1d
from qsym.errors import (ConvergenceError, InputError, NoFalseVacuumError, NotAnalyticError,
                         OutsideWindowError, QsymError)
from qsym.symbolic.potential import Potential

phi = sp.Symbol("phi")


def _rel(a, b):
    with mpmath.workdps(400):
        return abs(mpmath.mpf(a) - mpmath.mpf(b)) / abs(mpmath.mpf(b))


# ------------------------------------------------ 1. relative thresholds
def test_tiny_mass_exact_scaling():
    """U = m^2 phi^2/2 - A phi^3: S = S_psi m^3 / A^2 in d = 3, for m^2 = 1e-30."""
    m2, A = sp.Rational(1, 10**30), sp.Rational(3, 2)
    r = solve_bounce(numeric_1d(m2 * phi**2 / 2 - A * phi**3, phi), dps=30)
    S_psi = s_psi(30)[0]
    with mpmath.workdps(40):
        expected = S_psi * mpmath.mpf(10) ** -45 / (mpmath.mpf(3) / 2) ** 2
    assert _rel(r.action, expected) < 1e-29
    assert _rel(r.action, r.action_virial) <= r.error


def test_omega_close_to_mass_is_not_massless():
    """m_omega^2 = 1 - omega^2 = 1e-21: a legitimate (tiny) mass, exact scaling S_psi m_omega."""
    om = sp.sqrt(1 - sp.Rational(1, 10**21))
    r = bounce(Potential("phi**2/2 - phi**3", ["phi"]), omega=om, dps=30)
    with mpmath.workdps(40):
        expected = s_psi(30)[0] * mpmath.mpf(10) ** (-sp.Rational(63, 2))
    assert _rel(r.action, expected) < 1e-29


def test_origin_decided_exactly():
    with pytest.raises(NoFalseVacuumError, match="massless"):
        solve_bounce(numeric_1d(-phi**3 + phi**4, phi), dps=20)
    with pytest.raises(NoFalseVacuumError, match="U'\\(0\\)"):
        solve_bounce(numeric_1d(sp.Rational(1, 10**40) * phi + phi**2 / 2 - phi**3, phi), dps=20)
    u0, du0, m2 = numeric_1d(sp.log(1 + phi**2) - phi**2 / 8, phi).origin()
    assert u0 == 0 and du0 == 0 and _rel(m2, mpmath.mpf(7) / 4) < 1e-45


def test_log_landscape_is_found():
    """log(1 + phi^2) - phi^2/8 (omega = 0.5): the escape point solves log(1 + x^2) = x^2/8."""
    prob = single._Problem(numeric_1d(sp.log(1 + phi**2) - phi**2 / 8, phi), 3)
    assert set(prob.sides) == {1, -1}
    with mpmath.workdps(40):
        ref = mpmath.findroot(lambda x: mpmath.log(1 + x**2) - x**2 / 8, 5)
        pe = prob.refine(prob.sides[1][0], 0, 130)
        assert abs(pe - ref) < mpmath.mpf(10) ** -35
        assert prob.sides[1][1] is None


@pytest.mark.slow
def test_log_potential_near_origin_is_positive():
    """log(1 + phi^2) at omega = 0.5: no false "U < 0 near the origin"; two
    precisions and the virial identity agree."""
    pot = Potential("log(1 + phi**2)", ["phi"])
    a = bounce(pot, omega=sp.Rational(1, 2), dps=16)
    b = bounce(pot, omega=sp.Rational(1, 2), dps=24)
    assert _rel(a.action, b.action) <= 2 * a.error
    assert _rel(b.action, b.action_virial) <= b.error
    assert b.error < 1e-24


# ------------------------------------------------ 2. non-polynomial U: no symbolic blow-up
def test_series_callable_matches_symbolic_derivatives():
    x0 = sp.Rational(3, 10)
    for e in (2 * sp.atanh(phi**2 / (2 + phi**2)), sp.exp(-phi) * sp.sin(phi)**3 / (1 + phi),
              sp.sqrt(1 + phi**2) * sp.atan(phi), sp.acos(phi / 3) + sp.asinh(phi),
              phi**sp.Rational(5, 2) + 2**phi, sp.tanh(phi) * sp.cosh(phi) - sp.tan(phi)):
        f = bridge.series_callable(e, phi)
        with mpmath.workdps(30):
            got = f(mpmath.mpf(3) / 10, 8)
            for k in range(8):
                ref = bridge.to_mpf(sp.diff(e, phi, k).subs(phi, x0) / sp.factorial(k), 30)
                assert abs(got[k] - ref) <= mpmath.mpf(10) ** -27 * max(1, abs(ref))


def test_atanh_form_is_the_log_potential():
    """2 atanh(x/(2+x)) with x = phi^2 is log(1 + phi^2): equal series to high order."""
    fa = bridge.series_callable(2 * sp.atanh(phi**2 / (2 + phi**2)), phi)
    fl = bridge.series_callable(sp.log(1 + phi**2), phi)
    with mpmath.workdps(50):
        for x0 in (mpmath.mpf(0), mpmath.mpf("0.7"), mpmath.mpf(3)):
            for a, b in zip(fa(x0, 60), fl(x0, 60)):
                assert abs(a - b) <= mpmath.mpf(10) ** -45 * max(1, abs(b))


@pytest.mark.slow
def test_atanh_bounce_finishes_and_agrees_with_log():
    """The case that ran 25 minutes: now the same action as the log form."""
    a = bounce(Potential("2*atanh(phi**2/(2 + phi**2))", ["phi"]), omega=sp.Rational(1, 2), dps=16)
    b = bounce(Potential("log(1 + phi**2)", ["phi"]), omega=sp.Rational(1, 2), dps=16)
    assert _rel(a.action, b.action) <= a.error + b.error


def test_work_budget_ends_the_solve(monkeypatch):
    monkeypatch.setattr(single, "WORK_BUDGET", 1e4)
    with pytest.raises(ConvergenceError, match="work budget"):
        solve_bounce(numeric_1d(phi**2 / 2 - phi**3, phi), dps=30)


def test_unsupported_function_is_input_error():
    with pytest.raises(InputError):
        solve_bounce(numeric_1d(phi**2 / 2 - phi**3 * sp.besselj(0, phi), phi), dps=20)


# ------------------------------------------------ 3. precision
@pytest.mark.slow
def test_dps_300():
    r = bounce(Potential("phi**2/2 - phi**3", ["phi"]), dps=300)
    assert r.error < mpmath.mpf(10) ** -300
    assert _rel(r.action, s_psi(30)[0]) < 1e-30
    assert _rel(r.action, r.action_virial) <= r.error


def test_dps_limits_are_clean_errors():
    for bad in (bridge.MAX_DPS + 1, bridge.MIN_DPS - 1, 30.0, True, "30", None):
        with pytest.raises(InputError):
            bridge.check_dps(bad)
        with pytest.raises(InputError):
            bounce(Potential("phi**2/2 - phi**3", ["phi"]), dps=bad)
    assert bridge.check_dps(np.int64(40)) == 40


def test_fixed_point_from_float_has_no_overflow():
    from qsym.numeric.kernels.taylor import Arith
    A = Arith(4000)
    for x in (1e300, -3.5e-300, 0.0, 1.25):
        assert A.to_mpf(A.from_float(x)) == mpmath.mpf(x) or abs(x) < 2.0 ** -3990
    with pytest.raises(OverflowError):
        A.from_float(float("inf"))


# ------------------------------------------------ 4. polynomial degree
def test_degree_limit_is_named():
    expr = phi**2 / 2 - phi**3 + phi**(single.MAX_POLY_DEGREE + 1) / 10**6
    with pytest.raises(InputError, match="MAX_POLY_DEGREE"):
        solve_bounce(numeric_1d(expr, phi), dps=20)


def test_high_degree_polynomial():
    """Degree 120 (truncated exponential tail): the terms beyond degree 40 are
    invisible at 24 digits, so both agree; virial identity."""
    def U(n):
        return phi**2 / 2 - phi**3 + sum(phi**k / sp.factorial(k) for k in range(4, n + 1))
    a = solve_bounce(numeric_1d(U(120), phi), dps=16)
    b = solve_bounce(numeric_1d(U(40), phi), dps=24)
    assert _rel(a.action, b.action) <= 2 * a.error
    assert _rel(b.action, b.action_virial) <= b.error


# ------------------------------------------------ 5. argument types
def test_numpy_scalars_work():
    pot = Potential("phi**2/2 - phi**3", ["phi"])
    a = bounce(pot, omega=np.float64(0.5), dim=np.int64(3), dps=np.int64(20))
    b = bounce(pot, omega=sp.Rational(1, 2), dim=3, dps=20)
    assert a.action == b.action


@pytest.mark.parametrize("kwargs", [dict(dim=True), dict(dim=3.0), dict(dim=1), dict(dps=20.5),
                                    dict(sign=True), dict(sign=2), dict(omega=True),
                                    dict(progress="yes")])
def test_bad_arguments_are_input_errors(kwargs):
    pot = Potential("phi**2/2 - phi**3", ["phi"])
    with pytest.raises(InputError) as exc:
        bounce(pot, **{"dps": 20, **kwargs})
    assert "\n" not in str(exc.value)


def test_specific_errors():
    with pytest.raises(OutsideWindowError):
        bounce(Potential("phi**2/2 - phi**3", ["phi"]), omega=1, dps=20)
    with pytest.raises(NotAnalyticError):
        solve_bounce(numeric_1d(phi**2 / 2 - sp.Abs(phi)**3, phi), dps=20)
    with pytest.raises(NoFalseVacuumError, match="U\\(0\\)"):
        solve_bounce(numeric_1d(1 + phi**2 / 2 - phi**3, phi), dps=20)


def test_wrong_object_types():
    with pytest.raises(InputError):
        bounce("phi**2/2 - phi**3", dps=20)
    with pytest.raises(InputError):
        solve_bounce("phi**2/2 - phi**3", dps=20)
    with pytest.raises(InputError):
        s_psi(20.0)


def test_bridge_refuses_text(tmp_path):
    marker = tmp_path / "pwned"
    evil = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    for fn in (bridge.to_fraction, lambda x: bridge.to_mpf(x, 20), lambda x: bridge.evaluate(x, 20)):
        with pytest.raises(InputError):
            fn(evil)
        with pytest.raises(InputError):
            fn("1/3")
    assert not marker.exists()
    assert bridge.to_fraction(sp.Rational(1, 3)) == Fraction(1, 3)
    assert bridge.to_fraction(np.int64(7)) == 7
    assert bridge.to_fraction(Fraction(2, 5)) == Fraction(2, 5)
    assert _rel(bridge.to_mpf(np.float64(0.5), 20), 0.5) == 0
    assert _rel(bridge.evaluate(sp.pi, 40), mpmath.pi) < 1e-39
    with pytest.raises(InputError):
        bridge.to_mpf(sp.I, 20)
    with pytest.raises(InputError):
        bridge.to_fraction(sp.sqrt(2))


# ------------------------------------------------ 6. progress
def test_progress_callback():
    msgs = []
    r = bounce(Potential("phi**2/2 - phi**3", ["phi"]), dps=40, progress=msgs.append)
    assert r.error < 1e-40
    newton = [m for m in msgs if "Newton step" in m]
    assert len(newton) == r.iterations["mp_newton"]
    assert all(isinstance(m, str) and "\n" not in m for m in msgs)


def test_errors_are_one_line():
    for expr in (phi**2 / 2 + phi**4, -phi**2 + phi**3):
        with pytest.raises(QsymError) as exc:
            solve_bounce(numeric_1d(expr, phi), dps=20)
        assert "\n" not in str(exc.value)


def test_dps_limits_agree_between_layers():
    from qsym.numeric.kernels import precision
    assert (precision.MIN_DPS, precision.MAX_DPS) == (bridge.MIN_DPS, bridge.MAX_DPS)


def test_double_newton_stops_at_the_rounding_floor():
    """Quadratic convergence never counts as a stall; noise-sized steps do (issue 10:
    the extreme thin wall of test_charge_1e15 stalled at |dx| ~ 2**-53 R**2)."""
    from qsym.numeric.bounce1d.double import FLOOR_STALLS, _Floor
    fl = _Floor()
    assert not any(fl.stalled(v, v) for v in (1e-2, 1e-4, 1e-8, 1e-16))
    fl = _Floor()
    seq = [1e-11, 1e-12, 2e-12, 1e-12, 3e-12, 2e-12]
    hits = [fl.stalled(v, v) for v in seq]
    assert hits.index(True) == FLOOR_STALLS + 1 and fl.noise == 3e-12  # after 1e-11, 1e-12


def test_step_integrals_by_parts_match_products():
    """T by parts and U, psi U', psi^2 from the powers of Delta agree with the product form."""
    from qsym.numeric.bounce1d.shoot import _step_integrals_by_parts, _step_integrals_products
    from qsym.numeric.kernels import taylor as tay
    A = tay.Arith(300)
    M = tay.Model(A, 3, poly=[A.from_float(v) for v in (0, 0, 0.5, -1.0)])
    N = A.order
    r0, h = A.from_float(1.5), A.from_float(0.25)
    out = {}
    b, Y, c, F = tay.step_coeffs(M, A.from_float(0.7), A.from_float(-0.3), 0, 0, r0, h, N,
                                 var=False, out=out)
    s = A.from_float(0.9)
    W = [A.mul(r0, r0), A.mul(2 * r0, h), A.mul(h, h)]
    by_parts = _step_integrals_by_parts(A, W, h, s, b, c, out, tay.horner(A, b, s), N)
    products = _step_integrals_products(A, W, h, s, b, c, F, N)
    for u, v in zip(by_parts, products):
        assert abs(A.to_mpf(u) - A.to_mpf(v)) < mpmath.mpf(2) ** -280
