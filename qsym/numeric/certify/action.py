r"""Assembly of the certificate: the shooting interval, the matching, the action enclosure.

**Theorem checked** (docs/certified.md, part 2).  Let :math:`\phi_{0,\rm lo} < \phi_{0,\rm hi}`
be the returned interval.  If :math:`H(\phi_{0,\rm lo})` and :math:`H(\phi_{0,\rm hi})` are proven
to have opposite signs, there is :math:`\phi_0^* \in [\phi_{0,\rm lo}, \phi_{0,\rm hi}]` whose
regular solution is a bounce (:math:`\phi \to 0`), and its action lies in the enclosure:

.. math::  S = \Omega_d\Big(T_R + V_R + \int_R^\infty r^{d-1}\big(\tfrac12\phi'^2 + U\big)dr\Big)
           \in [S_{\rm lo}, S_{\rm hi}] ,

intersected with the Derrick form :math:`S = \tfrac{2}{d}\,\Omega_d (T_R + T_{\rm tail})`
(both hold for the exact bounce; disjoint enclosures mean a broken ingredient and the
certificate fails).  The unknown :math:`\phi_0^*` enters through mean-value forms around the
centre x of the interval (**A1**), with :math:`y = \partial\phi/\partial\phi_0` enclosed over the
whole interval by the variational run:

.. math::  \phi(R; \phi_0^*) \in \phi(R; x) + [-\delta, \delta]\, Y(R), \qquad
           T_R(\phi_0^*) \in T_R(x) + [-\delta, \delta] \int_0^R r^{d-1}\phi' y', \ \dots

and :math:`\frac{d}{d\phi_0}(T_R + V_R) = R^{d-1}\phi'(R)\,y(R)` (integration by parts with the
equation) is both a second form of the action's variation and a consistency check.  Here :math:`H(\phi_0) = \phi'(R) - \phi_{c}'(R)` with c the tail amplitude
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
from qsym.numeric.certify.tail import (amplitude, contraction, linear_at, match_residual, tail_action,
                                       tail_charge, tail_charge_identity, tail_kinetic)

__all__ = ["Certificate", "certify_action", "working_prec", "CertificateError"]

#: bits beyond the digits asked for: the growth e^R of the unstable mode (2 log2(e) R) and a margin
GUARD_BITS = 40
#: the shooting half-width is this multiple of |H| / |dH/dphi0| at the centre (H's ball included)
DELTA_FACTOR = 3
#: most Newton steps on phi(0) (slope from the variational equation); they stop once a step is
#: below 2**(-NEWTON_STOP prec) (the engine's guess at dps + 15 digits needs one)
NEWTON_STEPS = 6
NEWTON_STOP = 0.6
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
    cgm_upper: object              # upper end of S_red of the trial profile (the IVP from the centre)
    phi0_lo: object
    phi0_hi: object
    H_lo: object
    H_hi: object
    reason: str = ""
    stats: dict = field(default_factory=dict)
    charge: object = None          # ball: int_0^oo r^(d-1) phi^2 (with ``charge=True``; part 3)


def working_prec(dps: int, R: float) -> int:
    r"""Bits for ``dps`` digits at matching radius R: :math:`3.33\,\mathrm{dps} + 2\log_2(e) R` + guard.

    .. math::  \mathrm{prec} = \lceil \mathrm{dps}\log_2 10 + 2 R \log_2 e \rceil + 40
    """
    return int(dps * 3.3219 + 2 * 1.4427 * R) + GUARD_BITS


def _slope(lin, run):
    """dH/dphi0 at the point of a variational run (midpoint): y'(R) + kappa y(R)."""
    return arb((run.dy + lin.kappa * run.y).mid())


def _newton(prob, lin, x, R, eta, stats):
    """Newton steps on phi(0) with the variational slope (no proof needed: the signs decide),
    until the step is below ``2**(-NEWTON_STOP prec)`` or ``NEWTON_STEPS`` are done."""
    small = arb(2) ** (-int(NEWTON_STOP * prob.prec))
    for _ in range(NEWTON_STEPS):
        run = integrate(prob, x, R, eta, quad=False, variational=True)
        stats["runs"] += 1
        g = arb(run.dphi.mid()) + lin.kappa.mid() * arb(run.phi.mid())
        step = arb((g / _slope(lin, run)).mid())
        x = arb((x - step).mid())
        if abs(step) < small:
            break
    return x


def certify_action(prob, phi0_guess, R, *, delta=None, scale=1, max_order=None, rho_scale=1,
                   newton: bool = True, shift=0, charge: bool = False, charge_scale=1) -> Certificate:
    r"""Certify the bounce of ``prob`` (a :class:`~qsym.numeric.certify.problem.CertProblem`) with
    matching radius ``R``, starting from the shooting guess ``phi0_guess`` (an mpf or decimal text).

    .. math::  H(\phi_{0,\rm lo})\, H(\phi_{0,\rm hi}) < 0 \;\Rightarrow\; \exists\ \text{bounce},\ S \in [S_{\rm lo}, S_{\rm hi}]

    ``delta`` fixes the half-width of the shooting interval (default: ``DELTA_FACTOR`` |H| / |H'|
    at the centre); ``scale``, ``max_order``, ``rho_scale``, ``shift`` (moves the interval by
    ``shift`` half-widths) and ``newton=False`` exist to break ingredients in tests.  Raises
    :class:`~qsym.numeric.certify.tail.TailError` when the tail contraction fails.
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
        if newton:
            x = _newton(prob, lin, x, Rb, eta, stats)
        centre = integrate(prob, x, Rb, eta, quad=True, variational=True, charge=charge)
        stats["runs"] += 1
        c_max = 2 * abs(centre.phi).upper() / lin.K
        con = contraction(prob, lin, c_max, rho_scale=rho_scale)
        if delta is None:
            Hc = match_residual(lin, con, centre.phi, centre.dphi)
            delta = DELTA_FACTOR * abs(Hc).upper() / abs(_slope(lin, centre))
        delta = arb(arb(delta).upper())
        cert = None
        for _ in range(DELTA_TRIES if newton and not shift else 1):
            cert = _attempt(prob, lin, con, x + shift * delta, delta, centre if not shift else None,
                            Rb, eta, dict(scale=scale, max_order=max_order), stats,
                            charge=(charge_scale if charge else None))
            if cert.certified or "sign" not in cert.reason:
                break
            delta = delta * DELTA_GROW
        cert.stats.update(stats, R=float(R), prec=prob.prec, cpu=time.process_time() - t0,
                          delta=float(delta.mid()))
        return cert


def _attempt(prob, lin, con, x, delta, centre, Rb, eta, kw, stats, charge=None) -> Certificate:
    """The sign test at x -+ delta, the variational run over the interval, the action, the CGM bound
    (and with ``charge`` not None, the charge integral, its tail scaled by ``charge``)."""
    d = prob.dim
    lo, hi = arb((x - delta).lower()), arb((x + delta).upper())
    # the ball x + D holds [lo, hi] (lo, hi are x -+ delta rounded outward)
    D = arb(0, max((x - lo).upper(), (hi - x).upper()))
    if centre is None:
        centre = integrate(prob, x, Rb, eta, quad=True, charge=charge is not None, **kw)
        stats["runs"] += 1
    run_lo = integrate(prob, lo, Rb, eta, quad=False, **kw)
    run_hi = integrate(prob, hi, Rb, eta, quad=False, **kw)
    var = integrate(prob, x + D, Rb, eta, quad=False, variational=True, charge=charge is not None, **kw)
    stats["runs"] += 3
    stats.update(steps=var.steps, terms=var.terms)
    H_lo = match_residual(lin, con, run_lo.phi, run_lo.dphi)
    H_hi = match_residual(lin, con, run_hi.phi, run_hi.dphi)
    p = centre.phi + D * var.y                                  # (A1): phi(R; phi0*)
    T = centre.T + D * var.dT
    dS = lin.R ** (d - 1) * (centre.dphi + D * var.dy) * var.y  # d(T_R + V_R)/dphi0 in closed form
    SR = centre.T + centre.V + D * dS
    SR2 = T + centre.V + D * var.dV
    c = amplitude(lin, con, p)
    direct = prob.omega_d * ((SR.intersection(SR2) if SR.overlaps(SR2) else SR) + tail_action(prob, lin, con, c))
    virial = 2 * prob.omega_d * (T + tail_kinetic(prob, lin, con, c)) / d
    cgm = trial_upper(prob, lin, centre.T, centre.V, centre.phi)
    reason = ""
    if not ((H_lo < 0 and H_hi > 0) or (H_lo > 0 and H_hi < 0)):
        reason = "no proven sign change of the matching residual H over the shooting interval"
    elif not (p.overlaps(run_lo.phi) and p.overlaps(run_hi.phi)):
        reason = "inconsistent: the mean-value enclosure of phi(R) misses a point run"
    elif not (var.dT + var.dV).overlaps(lin.R ** (d - 1) * var.dphi * var.y):
        reason = "inconsistent: d(T + V)/dphi0 differs from R^(d-1) phi'(R) y(R)"
    elif not SR.overlaps(SR2):
        reason = "inconsistent: the two mean-value forms of T + V are disjoint"
    elif not direct.overlaps(virial):
        reason = "inconsistent: the direct and Derrick (virial) enclosures of S are disjoint"
    S = direct.intersection(virial) if direct.overlaps(virial) else direct
    if not reason and cgm is not None and not (S.lower() <= cgm):
        reason = "inconsistent: the lower end exceeds the CGM upper bound"
    W = None
    if charge is not None:
        W, why = _charge(prob, lin, con, centre, var, D, p, c, charge)
        reason = reason or why
    return Certificate(not reason, S, direct, virial, cgm, lo, hi, H_lo, H_hi, reason, {}, W)


def _charge(prob, lin, con, centre, var, D, p, c, scale):
    r"""The charge integral :math:`W = \int_0^\infty r^{d-1}\phi^2` of the bounce (part 3, Q1-Q3):
    the mean-value form :math:`W_R(\phi_0^*) \in W_R(x) + D\,2\int_0^R r^{d-1}\phi y`, the tail
    from T1 intersected with its second form from the equation (disjoint: a broken ingredient)."""
    q = centre.dphi + D * var.dy                        # phi'(R; phi0*)
    WR = centre.W + D * var.dW
    Wt = tail_charge(lin, con, c, scale)
    Wt2 = tail_charge_identity(prob, lin, con, c, p, q)
    if not Wt.overlaps(Wt2):
        return WR + Wt, "inconsistent: the two enclosures of the charge tail int_R^oo r^(d-1) phi^2 are disjoint"
    return WR + Wt.intersection(Wt2), ""
