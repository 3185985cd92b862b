"""Q-balls from bounces, checked against identities and the thin-/thick-wall limits."""

import mpmath
import pytest
import sympy as sp

from qsym import NoSolutionError, Potential
from qsym.symbolic import thickwall as tw
from qsym.bridge import OmegaFamily
from qsym.numeric.qball import qball_at_omega
from qsym.api.solve import qball, s_psi_moments, thin_wall_estimate

P06 = Potential("phi**2/2 - phi**3 + 3*phi**4/5", ["phi"])


def test_dE_dQ_equals_omega():
    fam = OmegaFamily(P06)
    with mpmath.workdps(40):
        w = mpmath.mpf("0.8")
        h = mpmath.mpf(10) ** -8
        lo, hi = qball_at_omega(fam, w - h, 40), qball_at_omega(fam, w + h, 40)
        slope = (hi.mass - lo.mass) / (hi.charge - lo.charge)
        assert abs(slope - w) < mpmath.mpf(10) ** -14      # O(h^2) central difference


@pytest.mark.slow
def test_two_precisions_agree():
    a = qball(P06, 10, dps=20)["solutions"][0]
    with mpmath.workdps(40):
        b = qball(P06, 10, dps=35)["solutions"][0]
        assert abs(a.mass - b.mass) / b.mass < max(a.error, mpmath.mpf(10) ** -19)
        assert abs(a.omega - b.omega) < mpmath.mpf(10) ** -18
    assert a.classically_stable and a.absolutely_stable


def test_thick_wall_exact_for_lambda_zero():
    """U = phi^2/2 - phi^3: the rescaling is exact, so M_Q/(QM) = f(eps) to working precision."""
    P = Potential("phi**2/2 - phi**3", ["phi"])
    fam = OmegaFamily(P)
    f = sp.lambdify(tw.eps, tw.closed_form("mass"), "mpmath")
    S = s_psi_moments(30)["S"]
    with mpmath.workdps(30):
        for w in (mpmath.mpf("0.8"), mpmath.mpf("0.95"), mpmath.mpf("0.99")):
            qb = qball_at_omega(fam, w, 30)
            eps = qb.charge / (3 * S)
            assert abs(eps - w * mpmath.sqrt(1 - w**2)) < mpmath.mpf(10) ** -27
            assert abs(qb.mass / qb.charge - f(eps)) < mpmath.mpf(10) ** -27


def test_quartic_correction_residual_is_second_order():
    """With the first-order lambda correction the residual at fixed omega scales as lambda^2."""
    res = []
    for lam in ("1/1000", "1/500", "1/250"):
        P = Potential("phi**2/2 - phi**3 + lam*phi**4", ["phi"], params={"lam": lam})
        fam = OmegaFamily(P)
        with mpmath.workdps(25):
            qb = qball_at_omega(fam, mpmath.mpf("0.95"), 25)
            mom = s_psi_moments(25)
            eps = qb.charge / (3 * mom["S"])
            w0 = mpmath.sqrt((1 + mpmath.sqrt(1 - 4 * eps**2)) / 2)
            f = (2 * w0**2 + 1) / (3 * w0)
            lamv = mpmath.mpf(sp.Rational(lam).p) / sp.Rational(lam).q
            pred0 = qb.charge * f
            pred1 = pred0 + lamv * mom["I4"] * (1 - w0**2) ** mpmath.mpf(2.5)
            res.append((abs(qb.mass - pred0), abs(qb.mass - pred1)))
    for (r0a, r1a), (r0b, r1b) in zip(res, res[1:]):
        assert 1.7 < r0b / r0a < 2.3          # uncorrected: first order in lambda
        assert 3.4 < r1b / r1a < 4.6          # corrected: second order
        assert r1a < r0a / 50


def test_thin_wall_limit_with_surface_energy():
    """At large Q the surface-corrected thin wall approaches the exact mass; plain (11) is O(Q^(2/3)) off."""
    fam = OmegaFamily(P06)
    wmin = mpmath.sqrt(mpmath.mpf(1) / 6)
    rel0, rel1 = [], []
    for dw in ("0.02", "0.005", "0.00125"):
        qb = qball_at_omega(fam, wmin + mpmath.mpf(dw), None)
        Q = sp.Rational(str(float(qb.charge)))
        est = thin_wall_estimate(P06, Q, 15)
        rel0.append(abs(float(est["mass"]) - float(qb.mass)) / float(qb.mass))
        rel1.append(abs(float(est["mass_surface_corrected"]) - float(qb.mass)) / float(qb.mass))
    assert rel0[0] > rel0[1] > rel0[2] and rel1[0] > rel1[1] > rel1[2]
    assert all(b < a / 3 for a, b in zip(rel0, rel1))


def test_no_solution_below_minimal_charge():
    """A potential whose leading nonlinearity is quartic has a minimal charge (cf. sec. 2)."""
    P = Potential("phi**2/2 - phi**4 + phi**6", ["phi"])
    with pytest.raises(NoSolutionError, match="Q below Q_min = 27.96"):
        qball(P, "0.5", dps=15)


def test_bad_charge():
    from qsym import InputError
    for bad in ("-1", "0", "abc"):
        with pytest.raises(InputError):
            qball(P06, bad, dps=15)


@pytest.mark.slow
def test_multi_field_qball_branches():
    """Two fields (one neutral): both branches of Q(omega), stable one below Q m, thin wall below both."""
    P = Potential("x**2/2 + y**2 - 3*x**2*y + x**4 + y**4", ["x", "y"], [1, 0])
    r = qball(P, 100, dps=15)
    sols = r["solutions"]
    assert len(sols) == 2
    low, high = sols
    assert low.stability == "stable" and high.stability == "unstable"
    assert low.mass < 100 < high.mass
    assert r["thin_wall"]["mass"] < low.mass
    assert r["window"]["omega_min"] < low.omega < high.omega < r["window"]["omega_max"]


def test_qball_is_a_result_with_status():
    from qsym.results import CONVERGED, REDUCED, Result
    qb = qball_at_omega(OmegaFamily(P06), 0.9, None)
    assert isinstance(qb, Result) and qb.status == CONVERGED and qb["charge"] == qb.charge
    assert qb.replace(error=1.0).status == CONVERGED          # replace keeps the given status
    from qsym.numeric.qball import QBall
    assert QBall(0.9, 1, 1, 0, 1, 1, 1e-3, 20).status == REDUCED
    assert "Q-ball" in qb._repr_latex_()


def test_specific_errors():
    from qsym.errors import InputError, NoQBallError, OutsideWindowError
    with pytest.raises(OutsideWindowError) as e:
        qball_at_omega(OmegaFamily(P06), 1.0, None)
    assert isinstance(e.value, InputError)
    with pytest.raises(NoQBallError):
        qball(Potential("phi**2/2 - phi**4 + phi**6", ["phi"]), 1, dps=15)


def test_qball_in_two_dimensions_obeys_dE_dQ_omega():
    """D = 2 (one field): the chart solver with the D-dependent asymptotics; dM/dQ = omega by a
    central difference, the paper's D = 3 formulas marked invalid; several fields refused."""
    import qsym
    P = qsym.Potential("phi**2/2 - phi**4 + phi**6", fields="phi")
    h = mpmath.mpf(1) / 10**4
    r = qsym.qball(P, "40", dps=20, dim=2)
    # the neighbours at dps 15 (relative error ~1e-17): rounding enters dM at ~1e-13, the O(h^2)
    # truncation at ~1e-14, both far below the tolerance 1e-8 (omega itself is O(1))
    rp, rm = (qsym.qball(P, Q, dps=15, dim=2) for Q in ("40.0001", "39.9999"))
    (s,), (sp_,), (sm,) = r.solutions, rp.solutions, rm.solutions
    with mpmath.workdps(25):
        dM = (sp_.mass - sm.mass) / (2 * h)
        assert abs(dM - s.omega) < 1e-8
    assert s.error < 1e-15 and not r.thin_wall["valid"] and "D = 3" in r.thick_wall["reason"]
    with pytest.raises(qsym.InputError):
        qsym.qball(qsym.Potential("x**2/2 + y**2 - x**3", fields="x,y"), 10, dim=2)
