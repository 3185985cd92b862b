"""Deep thin walls of the gravity-mediated model (U = P + kappa phi^2 log phi^2).

Close to omega_min the centre sits ``delta`` below the second minimum with ``delta`` far below
the rounding of doubles (``delta ~ e^-666`` at omega - omega_min = 2e-4).  The engine starts
there with a float bisection in ``log delta`` (the interior linear about psi_t) and solves the
matching in ``(log delta, log psi(R))`` at 3/2 of the target bits; before, it bisected psi(0)
itself at 106, 212, ... bits (minutes per Q-ball) and the charge search stopped at Q ~ 1e6.

Checks: the thin-wall parametrisation against the direct shot from r = 0 where both work (the
closed-form interior integrals included), doubles against dps 20 deeper in, the thin-wall law
converging as the wall thins, and the landscape's narrow negative sliver next to omega_min.
"""

from __future__ import annotations

import mpmath
import pytest

import qsym
import qsym.numeric.bounce1d.gaussian as gs
from qsym.api.logflat import LogFamily
from qsym.api.solve import thin_wall_estimate
from qsym.bridge import evaluate


@pytest.fixture(scope="module")
def fam():
    return LogFamily(qsym.model_potential("gravity"))


def _thin(fam, omega, dps):
    """The solve forced through the thin-wall start."""
    p = fam.coefficients(omega)
    pf = [float(c(53)) for c in p]
    kap = evaluate(fam.kappa, 40)
    digits = 16 if dps is None else dps + 10
    st = gs._thin_start(p, pf, kap, 3, digits)
    assert st[0] == gs.THIN
    return gs._finish(p, pf, kap, 3, dps, digits, *st)


def test_thin_parametrisation_equals_the_direct_shot(fam):
    # omega - omega_min = 0.01: the direct shot from r = 0 still works (x-bisection); the thin start
    # replaces the interior by psi_t - delta Lambda(r) and its integrals by closed forms
    w = fam.omega_min + 0.01
    with mpmath.workdps(30):
        direct = gs.solve_gaussian(fam.coefficients(w), evaluate(fam.kappa, 40), 3, dps=15)
        thin = _thin(fam, w, 15)
        for k in ("I2", "action", "T", "V", "rms"):
            a, b = getattr(direct, k), getattr(thin, k)
            assert abs(a - b) <= 1e-19 * abs(b), k
        assert abs(thin.phi0 - direct.phi0) <= 1e-19 * direct.phi0
        assert thin.error < 1e-20 and abs(thin.virial) < 1e-21


def test_deep_thin_wall_double_against_dps15(fam):
    w = fam.omega_min + 0.0002                         # Q ~ 2.5e10, delta ~ e^-666
    qd = fam.at(w, None)
    with mpmath.workdps(30):
        qm = fam.at(mpmath.mpf(w), 15)
        assert qm.error < 1e-21
        for a, b in ((qd.charge, qm.charge), (qd.mass, qm.mass)):
            rel = abs(a - b) / b
            assert rel <= max(qd.error, 1e-15) and rel < 1e-12
        assert 1e10 < qm.charge < 1e11


def test_thin_wall_law_converges_as_the_wall_thins(fam):
    # M_Q against the thin wall with its surface term (eqs (10)-(11) plus 4 pi sigma R^2): the
    # surface term takes the 1/R part, the rest falls like 1/R^2 ~ Q^(-2/3) (measured 3.2%, 1.07%,
    # 0.26%, 0.06% at Q = 1e3 .. 1e6)
    P = fam.P
    gaps = []
    for off in (0.005, 0.0005):
        qb = fam.at(fam.omega_min + off, None)
        Q = mpmath.mpf(qb.charge)
        tw = thin_wall_estimate(P, mpmath.nstr(Q, 17), 15)
        gaps.append((float(Q), abs(float(tw["mass_surface_corrected"]) / float(qb.mass) - 1)))
    (q1, g1), (q2, g2) = gaps
    assert q2 > 500 * q1
    assert g2 < g1 < 2e-3
    # ~ Q^(-2/3): a factor (q2/q1)^(2/3) ~ 100 between the two (Q^(-1/3) would give ~10)
    assert 40 < g1 / g2 < 250


def test_landscape_finds_the_sliver_next_to_omega_min(fam):
    # at omega - omega_min = 1e-5 U_omega < 0 only on ~1% of phi around sqrt(5): the grid of 50
    # points per decade (4.7% apart) saw none of it ('no Q-ball', false); the minimum of U/phi^2
    # between grid points is searched now
    p = [float(c(53)) for c in fam.coefficients(fam.omega_min + 1e-5)]
    kap = float(fam.kappa)
    pe, pt = gs.landscape(p, kap)
    assert 2.1 < pe < pt < 2.4 and pt / pe < 1.03
    eq = gs._Eq(p, kap, 3, 1.0)
    assert eq.U(0.5 * (pe + pt)) < 0 < eq.U(0.99 * pe)
