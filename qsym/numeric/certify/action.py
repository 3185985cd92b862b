r"""Assembly of the certificate: the shooting interval, the matching, the action enclosure.

**Theorem checked** (docs/certified.md, part 2).  Let :math:`\phi_{0,\rm lo} < \phi_{0,\rm hi}`
be the returned interval.  If :math:`H(\phi_{0,\rm lo})` and :math:`H(\phi_{0,\rm hi})` are proven
to have opposite signs, there is :math:`\phi_0^* \in [\phi_{0,\rm lo}, \phi_{0,\rm hi}]` whose
regular solution is a bounce (:math:`\phi \to 0`), and its action lies in the enclosure:

.. math::  S = \Omega_d\Big(T_R + V_R + \int_R^\infty r^{d-1}\big(\tfrac12\phi'^2 + U\big)dr\Big)
           \in [S_{\rm lo}, S_{\rm hi}] ,

intersected with the Derrick form :math:`S = \tfrac{2}{d}\,\Omega_d (T_R + T_{\rm tail})`
(both hold for the exact bounce; disjoint enclosures mean a broken ingredient and the
certificate fails).  Here :math:`H(\phi_0) = \phi'(R) - \phi_{c}'(R)` with c the tail amplitude
that matches :math:`\phi(R)` (:mod:`~qsym.numeric.certify.tail`); it is continuous in
:math:`\phi_0`, so the intermediate value theorem gives the zero.

Numeric layer: python-flint, mpmath.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import flint
import mpmath
from flint import arb

from qsym.errors import ConvergenceError
from qsym.numeric.certify.cgm import trial_upper
from qsym.numeric.certify.steps import integrate
from qsym.numeric.certify.tail import (TailError, amplitude, contraction, linear_at, match_residual,
                                       tail_action)

__all__ = ["Certificate", "certify_action", "working_prec", "CertificateError"]

#: bits beyond the digits asked for: the growth e^R of the unstable mode (2 log2(e) R) and a margin
GUARD_BITS = 40
#: the shooting half-width is this multiple of |H| / |dH/dphi0| at the centre (H's ball included)
DELTA_FACTOR = 8
#: Newton steps on phi(0) (midpoint arithmetic; each one a validated-free integration)
NEWTON_STEPS = 3
#: widenings of the shooting interval (x DELTA_GROW) before the sign test is given up
DELTA_TRIES = 3
DELTA_GROW = 64


class CertificateError(ConvergenceError):
    """An ingredient of the certificate did not close (the reason in the message)."""


@dataclass
class Certificate:
    """What :func:`certify_action` proved (balls) and how (stats)."""

    certified: bool
    action: object                 # ball: the enclosure of S (direct and Derrick forms intersected)
    direct: object                 # ball: Omega (T + V) with the tail
    virial: object                 # ball: (2/d) Omega T
    cgm_upper: object              # ball's upper end: S_red of the trial profile
    phi0_lo: object
    phi0_hi: object
    H_lo: object
    H_hi: object
    reason: str = ""
    stats: dict = field(default_factory=dict)


def working_prec(dps: int, R: float) -> int:
    r"""Bits for ``dps`` digits at matching radius R: :math:`3.33\,\mathrm{dps} + 2\log_2(e) R` + guard.

    .. math::  \mathrm{prec} = \lceil \mathrm{dps}\log_2 10 + 2 R \log_2 e \rceil + 40
    """
    return int(dps * 3.3219 + 2 * 1.4427 * R) + GUARD_BITS


def _g(lin, run):
    """Midpoint matching residual without the tail correction: phi'(R) + kappa phi(R)."""
    return arb(run.dphi.mid()) + lin.kappa.mid() * arb(run.phi.mid())


def _newton(prob, lin, x, R, eta, stats):
    """A few secant/Newton steps on phi(0) with point data (no proof needed: the signs decide)."""
    dx = arb(2) ** (-prob.prec // 2)
    slope = None
    for _ in range(NEWTON_STEPS):
        r0 = integrate(prob, x, R, eta, quad=False)
        r1 = integrate(prob, x + dx, R, eta, quad=False)
        stats["runs"] += 2
        g0 = _g(lin, r0)
        slope = (_g(lin, r1) - g0) / dx
        step = arb((g0 / slope).mid())
        x = arb((x - step).mid())
        if abs(step) < arb(2) ** (-prob.prec + 20):
            break
    return x, slope


def certify_action(prob, phi0_guess, R, *, delta=None, scale=1, max_order=None, rho_scale=1,
                   newton: bool = True) -> Certificate:
    r"""Certify the bounce of ``prob`` (a :class:`~qsym.numeric.certify.problem.CertProblem`) with
    matching radius ``R``, starting from the shooting guess ``phi0_guess`` (an mpf or decimal text).

    .. math::  H(\phi_{0,\rm lo})\, H(\phi_{0,\rm hi}) < 0 \;\Rightarrow\; \exists\ \text{bounce},\ S \in [S_{\rm lo}, S_{\rm hi}]

    ``delta`` fixes the half-width of the shooting interval (default: from the Newton slope);
    ``scale``, ``max_order``, ``rho_scale`` and ``newton=False`` exist to break ingredients in
    tests.  Raises :class:`~qsym.numeric.certify.tail.TailError` when the tail contraction fails.
    """
    t0 = time.process_time()
    stats = {"runs": 0}
    with flint.ctx.workprec(prob.prec):
        Rb = arb(R)
        eta = arb(2) ** (-prob.prec + 8)
        lin = linear_at(prob, Rb)
        x = arb(mpmath.nstr(phi0_guess, int(prob.prec / 3.3) + 5) if not isinstance(phi0_guess, str)
                else phi0_guess)
        x = arb(x.mid())
        slope = None
        if newton:
            x, slope = _newton(prob, lin, x, Rb, eta, stats)
        centre = integrate(prob, x, Rb, eta, quad=False)
        stats["runs"] += 1
        c_max = 2 * abs(centre.phi).upper() / lin.K
        con = contraction(prob, lin, c_max, rho_scale=rho_scale)
        Hc = match_residual(lin, con, centre.phi, centre.dphi)
        if delta is None:
            if slope is None:
                raise CertificateError("no shooting interval: give delta or allow the Newton steps")
            delta = DELTA_FACTOR * abs(Hc).upper() / abs(slope)
        delta = arb(arb(delta).upper())
        cert = None
        for _ in range(DELTA_TRIES if newton else 1):
            cert = _attempt(prob, lin, con, x, delta, Rb, eta, scale, max_order, stats)
            if cert.certified or "sign" not in cert.reason:
                break
            delta = delta * DELTA_GROW
        cert.stats.update(stats, R=float(R), prec=prob.prec, cpu=time.process_time() - t0,
                          delta=float(delta.mid()))
        return cert


def _attempt(prob, lin, con, x, delta, Rb, eta, scale, max_order, stats) -> Certificate:
    """The sign test at x -+ delta, the interval run, the action and the CGM bound."""
    d = prob.dim
    lo, hi = arb((x - delta).lower()), arb((x + delta).upper())
    kw = dict(scale=scale, max_order=max_order)
    run_lo = integrate(prob, lo, Rb, eta, quad=True, **kw)
    run_hi = integrate(prob, hi, Rb, eta, quad=False, **kw)
    run_I = integrate(prob, x + arb(0, delta.upper()), Rb, eta, quad=True, **kw)
    stats["runs"] += 3
    stats["steps"] = run_I.steps
    stats["terms"] = run_I.terms
    H_lo = match_residual(lin, con, run_lo.phi, run_lo.dphi)
    H_hi = match_residual(lin, con, run_hi.phi, run_hi.dphi)
    c = amplitude(lin, con, run_I.phi)
    tail = tail_action(prob, lin, con, c)
    direct = prob.omega_d * (run_I.T + run_I.V + tail)
    virial = 2 * prob.omega_d * (run_I.T + _tail_kinetic(prob, lin, con, c)) / d
    cgm = trial_upper(prob, lin, run_lo.T, run_lo.V, run_lo.phi)
    reason = ""
    signs = (H_lo < 0 and H_hi > 0) or (H_lo > 0 and H_hi < 0)
    if not signs:
        reason = "no proven sign change of the matching residual H over the shooting interval"
    elif not (run_I.phi.overlaps(run_lo.phi) and run_I.phi.overlaps(run_hi.phi)):
        reason = "inconsistent: the interval run misses a point run (a remainder bound is broken)"
    elif not direct.overlaps(virial):
        reason = "inconsistent: the direct and Derrick (virial) enclosures of S are disjoint"
    S = direct.intersection(virial) if direct.overlaps(virial) else direct
    if not reason and not (S.lower() <= cgm):
        reason = "inconsistent: the lower end exceeds the CGM upper bound"
    return Certificate(not reason, S, direct, virial, cgm, lo, hi, H_lo, H_hi, reason, {})


def _tail_kinetic(prob, lin, con, c):
    r"""Enclosure of :math:`\int_R^\infty r^{d-1}\phi'^2/2` (T2 and the exact
    :math:`\int r^{d-1}K'^2 = -R^{d-1}KK' - m^2 J_2`).

    .. math::  \tfrac12 c^2 \int K'^2 \pm c^2 J_2 (\kappa_R \rho' + \rho'^2/2)
    """
    d, m = prob.dim, prob.m
    rho1 = lin.kappa * con.A + m * con.B
    main = c * c * (-lin.R ** (d - 1) * lin.K * lin.dK - m * m * lin.J2) / 2
    ca = arb(abs(c).upper())
    err = ca * ca * lin.J2 * (lin.kappa * rho1 + rho1 * rho1 / 2)
    return main + arb(0, err.upper())
