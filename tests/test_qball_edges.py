"""Single-field Q-balls at the edges: any charge, tiny couplings, refined Q_min, every branch, any q.

Each check is a limit or an identity the theory fixes: the thick-wall series at small Q (the
first neglected order is the quartic correction, ``delta M/(Q M) ~ eps^4``), the thin wall at
large Q (``M_Q/Q -> sqrt(min mu^2)`` with a surface term ``~ Q^(-1/3)``), a minimum of Q(omega)
refined at two precisions, and the exact charge-scaling identity.
"""

import functools

import mpmath
import pytest

from qsym import NoSolutionError, Potential
from qsym.api.solve import charge_minimum, qball

PAPER = "phi**2/2 - phi**3 + phi**4"           # M = A = lam = 1: beta = 1
SEXTIC = "phi**2/2 - phi**4 + phi**6"


def _solve(expr, Q, dps=15, params=None, charges=None):
    return qball(Potential(expr, ["phi"], charges, params), Q, dps)


@functools.lru_cache(maxsize=None)
def _reference(Q):
    """The charge-1 answer of the paper potential (shared by the charge-scaling tests)."""
    return _solve(PAPER, Q, 15)


def test_small_charge_matches_thick_wall_series_to_the_neglected_order():
    """Q -> 0: M_Q agrees with the closed-form thick wall (quartic dropped) up to O(eps^4);
    the residual scales as eps^4 (factor 10^4 for Q/10) and the first-order quartic term removes it."""
    rel = {}
    for Q in ("1/10", "1/100"):
        r = _solve(PAPER, Q, 20)
        (s,) = r["solutions"]
        tw = r["thick_wall"]
        assert tw["valid"] and s.stability == "stable"
        with mpmath.workdps(30):
            rel[Q] = (s.mass - tw["mass"]) / s.mass
            # the quartic correction removes the eps^4 term: what is left is O(eps^6) relative to it
            assert abs(s.mass - tw["mass_quartic_corrected"]) / s.mass < abs(rel[Q]) * 1e-2
            assert abs(s.omega - tw["omega"]) < 1e-3 * (1 - tw["omega"])
    with mpmath.workdps(30):
        ratio = rel["1/10"] / rel["1/100"]
        assert abs(ratio / 10**4 - 1) < 1e-2        # eps^4 scaling


def test_tiny_charge_1e_8():
    r = _solve(PAPER, "1e-8", 20)
    (s,) = r["solutions"]
    tw = r["thick_wall"]
    with mpmath.workdps(30):
        # eps ~ 7e-10: the thick wall is exact to ~eps^4 ~ 1e-37, far below dps 20
        assert abs(s.mass - tw["mass"]) / s.mass < 1e-19
        assert abs(s.charge - mpmath.mpf("1e-8")) / s.charge < 1e-19
        assert s.mass < s.charge and s.stability == "stable"


@functools.lru_cache(maxsize=None)
def _thin_residual(Q):
    """(M_Q/Q - w0)/w0, the solution and the result at charge Q (Q = 1e11 is shared by two tests)."""
    r = _solve(PAPER, Q, 15)
    (s,) = r["solutions"]
    with mpmath.workdps(30):
        w0 = mpmath.sqrt(mpmath.mpf(1) / 2)               # sqrt(min mu^2) of this potential
        assert s.stability == "stable"
        return (s.mass / s.charge - w0) / w0, s, r


def test_large_charge_thin_wall_scaling():
    """Q -> infinity: M_Q/Q -> sqrt(min mu^2) with a surface term ~ Q^(-1/3); the surface-corrected
    thin wall is closer by a further power."""
    r8, _, _ = _thin_residual("1e8")
    r11, s, r = _thin_residual("1e11")
    assert r8 > 0 and r11 > 0
    assert abs(r11 / r8 / 10**-1 - 1) < 0.02                  # (10^3)^(-1/3)
    with mpmath.workdps(30):
        tw = r["thin_wall"]
        assert abs(s.mass - tw["mass_surface_corrected"]) / s.mass < r11 * 1e-3


@pytest.mark.slow
def test_charge_1e15():
    r15, s, _ = _thin_residual("1e15")
    r11, _, _ = _thin_residual("1e11")
    assert abs(r15 / r11 / 10 ** (-4 / 3) - 1) < 0.02
    assert s.error < 1e-14


@pytest.mark.parametrize("A", ["1/1000", "1/10**10"])
def test_tiny_cubic_coupling(A):
    """U = phi^2/2 - A phi^3 + phi^4 at Q = 10: eps = Q A^2/(3 S_psi) is tiny, deep in the thick wall."""
    r = _solve("phi**2/2 - A*phi**3 + phi**4", 10, 20, {"A": A})
    (s,) = r["solutions"]
    tw = r["thick_wall"]
    assert tw["valid"]
    with mpmath.workdps(40):
        assert abs(s.mass - tw["mass_quartic_corrected"]) / s.mass < 1e-19
        # binding energy Q m - M_Q = Q m eps^2/6 (leading order), resolved although M_Q/Q m = 1 - O(1e-13)
        eps = tw["epsilon"]
        assert abs(s.binding / (10 * eps**2 / 6) - 1) < 1e-3
    assert s.stability == "stable"


def test_sextic_two_branches_near_refined_minimum():
    r = _solve(SEXTIC, "27.98", 15)
    a, b = sorted(r["solutions"], key=lambda s: s.omega)
    assert a.stability == "metastable" and b.stability == "unstable"
    assert a.dQ_domega < 0 < b.dQ_domega
    with pytest.raises(NoSolutionError, match=r"Q below Q_min = 27\.96492562852"):
        _solve(SEXTIC, "27.96", 15)


@pytest.mark.slow
def test_sextic_qmin_two_precisions():
    """Q_min (dQ/domega = 0) refined at dps 20 and 30 agrees to the lower precision."""
    q20, w20, e20 = charge_minimum(Potential(SEXTIC, ["phi"]), 20)
    q30, w30, e30 = charge_minimum(Potential(SEXTIC, ["phi"]), 30)
    with mpmath.workdps(40):
        assert e20 < 1e-20 and e30 < 1e-30
        assert abs(q20 - q30) / q30 < 1e-19
        assert abs(w20 - w30) < 1e-8            # the minimiser itself is known to ~ half the digits


def test_sextic_every_branch_at_large_charge():
    """Q = 1000: the stable thin-wall branch and the thick-wall branch near omega -> m
    (quartic leading nonlinearity: Q -> infinity there)."""
    r = _solve(SEXTIC, 1000, 15)
    lo, hi = sorted(r["solutions"], key=lambda s: s.omega)
    assert lo.stability == "stable" and hi.stability == "unstable"
    assert 1 - hi.omega < 1e-4
    # thick-wall end of phi^2/2 - phi^4: Q ~ omega I2 / sqrt(m^2 - omega^2)
    assert hi.radius > 100


@pytest.mark.parametrize("q", ["1/2", "3", "7"])
def test_charge_scaling_identity(q):
    """Q = omega q^2 int phi^2 and U_omega = U - q^2 omega^2 phi^2/2 depend on q omega only, so the
    charge-q Q-ball of charge Q is the charge-1 Q-ball of charge Q/q: same mass, omega_q = omega_1/q."""
    from sympy import Rational
    qr = Rational(q)
    Q = 10 * qr
    (sq,) = _solve(PAPER, str(Q), 15, charges=[q])["solutions"]
    (s1,) = _reference("10")["solutions"]
    with mpmath.workdps(30):
        qf = mpmath.mpf(qr.p) / qr.q
        assert abs(sq.mass - s1.mass) / s1.mass < 1e-14
        assert abs(sq.omega * qf - s1.omega) < 1e-14
        assert sq.stability == s1.stability
    from qsym.api.solve import thick_wall_estimate
    th = thick_wall_estimate(Potential(PAPER, ["phi"], [q]), mpmath.mpf(Q.p) / Q.q / 1000, 15)
    t1 = _reference("1/100")["thick_wall"]
    with mpmath.workdps(30):
        assert abs(th["mass"] - t1["mass"]) / t1["mass"] < 1e-14
        assert abs(th["omega"] * qf - t1["omega"]) < 1e-14


def test_degenerate_vacuum_is_solved():
    """phi^2 (1-phi)^2/2: min mu^2 = 0 (omega_min = 0); Q-balls exist for every omega in (0, 1)."""
    r = _solve("phi**2*(1-phi)**2/2", 10, 15)
    (s,) = r["solutions"]
    assert 0 < s.omega < 1 and s.stability == "stable"
    assert r["thin_wall"]["valid"] is False
