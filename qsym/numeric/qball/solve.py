r"""Every Q-ball of a given charge, and the extrema of Q(omega).

Part of :mod:`qsym.numeric.qball` (numeric layer: mpmath/numpy only).
"""

from __future__ import annotations

import math

import mpmath

from qsym.errors import ConvergenceError, InputError, NoQBallError
from qsym.numeric.qball.chart import CHART_SCAN_POINTS, DOUBLE_U_TOL, _Curve
from qsym.numeric.qball.result import GUARD, QBall
from qsym.numeric.qball.roots import _illinois, _march, _refine_extremum, _scan, _secant_u, _u_of_omega_slope

def solve_charge_chart(chart, Q, dps: int = 20, scan_points: int = CHART_SCAN_POINTS,
                       budget: int = 400) -> list:
    """All Q-balls of charge Q (one per branch) of a one-field family, lowest mass first.

    ``chart`` provides ``D``, ``m2``, ``q``, ``Omega_min2`` (mpf: ``q^2 omega_min^2``, 0 for a degenerate vacuum),
    ``thick_slope``, ``thin_slope`` (asymptotic d log Q/du, or None) and
    ``scaled(Delta) -> (Numeric1D, a)``: the bounce problem ``U_omega(a psi)/(a^2 Delta)``
    (see :class:`qsym.api.solve.DeltaChart`).  The scan in u covers the window to both ends
    (extended until log Q(u) is asymptotically linear there), roots beyond the scan are
    reached by marching along the asymptote, and interior extrema of Q are refined to
    the working precision before they decide whether a branch exists.  Raises
    NoQBallError with the refined Q_min (or Q_max) when Q lies outside the range of
    Q(omega), ConvergenceError when the bounce budget is exhausted.
    """
    with mpmath.workdps(dps + GUARD):
        Qt = mpmath.mpf(Q)
        if not (Qt > 0) or not mpmath.isfinite(Qt):
            raise InputError(f"the charge must be a positive finite number, got {Q}")
        gt = mpmath.log(Qt)
    gtf = float(gt)
    curve = _Curve(chart, budget)
    pts = _scan(curve, scan_points)
    us = [p[0] for p in pts]
    gs = [p[1] for p in pts]
    brackets = [(us[k], us[k + 1]) for k in range(len(pts) - 1)
                if (gs[k] - gtf) * (gs[k + 1] - gtf) < 0 or gs[k + 1] == gtf]
    if gs[0] == gtf:
        brackets.append((us[0], us[0]))
    extrema = _interior_extrema(curve, us, gs, gt, Qt, brackets, dps)
    # beyond the ends: the asymptotes tell whether Q runs to 0 or infinity there
    s_lo = (gs[1] - gs[0]) / (us[1] - us[0])
    s_hi = (gs[-1] - gs[-2]) / (us[-1] - us[-2])
    if (s_lo > 0 and gtf < gs[0]) or (s_lo < 0 and gtf > gs[0]):
        brackets.append(_march(curve, gtf, us[0], gs[0], s_lo, -1))
    if (s_hi > 0 and gtf > gs[-1]) or (s_hi < 0 and gtf < gs[-1]):
        brackets.append(_march(curve, gtf, us[-1], gs[-1], s_hi, 1))
    if not brackets:
        raise NoQBallError(_no_solution_reason(Qt, gs, extrema, s_lo, s_hi, dps))
    sols = [_refine_root(curve, chart, a, b, gt, Qt, dps) for a, b in sorted(set(brackets))]
    # the same root reached from two brackets (e.g. a bracket ending on an extremum): keep one
    out = []
    for s in sorted(sols, key=lambda s: s.omega):
        if out and abs(s.omega - out[-1].omega) <= mpmath.mpf(10) ** -(dps // 2) * s.omega:
            continue
        out.append(s)
    return sorted(out, key=lambda s: s.mass)


def _interior_extrema(curve, us, gs, gt, Qt, brackets, dps) -> list:
    """Refine the interior extrema of log Q(u) whose value decides a pair of roots; update
    ``brackets`` in place (a pair either side of each extremum Q lies beyond).  Returns the
    refined ``(kind, u, QBall, error)``."""
    gtf = float(gt)
    extrema = []
    for k in range(1, len(us) - 1):
        kind = 1 if gs[k - 1] > gs[k] < gs[k + 1] else (-1 if gs[k - 1] < gs[k] > gs[k + 1] else 0)
        # both roots near this extremum are already bracketed when gt lies strictly beyond g_k
        if kind == 0 or kind * (gtf - gs[k]) > 0:
            continue
        uk, qk, ek = _refine_extremum(curve, us[k - 1], us[k + 1], kind, dps)
        extrema.append((kind, uk, qk, ek))
        with mpmath.workdps(dps + GUARD):
            gk = mpmath.log(qk.charge)
            if abs(gk - gt) <= ek + mpmath.mpf(qk.error) * 4:
                raise ConvergenceError(f"Q = {mpmath.nstr(Qt, 10)} equals the extremum Q = "
                                       f"{mpmath.nstr(qk.charge, dps)} of Q(omega) within the error; "
                                       "try a larger dps")
            if kind * (gt - gk) > 0:     # a pair of roots either side of the extremum
                uf = float(uk)
                brackets[:] = [br for br in brackets if not (br[0] <= uf <= br[1])]
                brackets += [(us[k - 1], uf), (uf, us[k + 1])]
    return extrema


def _refine_root(curve, chart, a, b, gt, Qt, dps):
    """The Q-ball of charge ``Qt`` in the bracket ``[a, b]`` of u: double-precision Illinois,
    then secant steps at ``dps``; the mass is corrected to the exact charge (dM/dQ = omega)."""
    gtf = float(gt)
    tol = mpmath.mpf(10) ** (-(dps + 2))
    m_per_charge = mpmath.sqrt(chart.m2) / chart.q
    ga, gb = curve.g(a) - gtf, curve.g(b) - gtf
    u0 = _illinois(lambda x: (lambda v: None if v is None else v - gtf)(curve.g(x)), a, ga, b, gb,
                   DOUBLE_U_TOL * max(1.0, abs(a), abs(b))) if a != b else a
    qb, dg = _secant_u(curve, u0, gt, dps, tol)
    with mpmath.workdps(dps + GUARD):
        dQ = _u_of_omega_slope(chart, qb, dg)
        mass = qb.mass + qb.omega * (Qt - qb.charge)
        resid = abs(qb.charge - Qt) / Qt
        err = max(mpmath.mpf(qb.error), resid**2 * 10, tol)
        bind = qb.binding + (m_per_charge - qb.omega) * (Qt - qb.charge)
        return QBall(qb.omega, Qt, mass, qb.action, qb.radius, qb.phi0, err, dps,
                     dQ, bool(dQ < 0), bool(bind > 0), qb.bounce,
                     binding=bind, rms_function=qb.rms_function)


def _no_solution_reason(Qt, gs, extrema, s_lo, s_hi, dps):
    mins = [e for e in extrema if e[0] == 1]
    maxs = [e for e in extrema if e[0] == -1]
    if mins and s_lo < 0 and s_hi > 0 and Qt < min(e[2].charge for e in mins):
        k, u, qb, err = min(mins, key=lambda e: e[2].charge)
        return (f"no Q-ball of charge {mpmath.nstr(Qt, 10)}: Q below Q_min = {mpmath.nstr(qb.charge, dps)} "
                f"(relative error {mpmath.nstr(max(err, qb.error), 2)}) of this family, the minimum of "
                f"Q(omega) at omega = {mpmath.nstr(qb.omega, dps)}")
    if maxs and s_lo > 0 and s_hi < 0 and Qt > max(e[2].charge for e in maxs):
        k, u, qb, err = max(maxs, key=lambda e: e[2].charge)
        return (f"no Q-ball of charge {mpmath.nstr(Qt, 10)}: Q above Q_max = {mpmath.nstr(qb.charge, dps)} "
                f"(relative error {mpmath.nstr(max(err, qb.error), 2)}) of this family, the maximum of "
                f"Q(omega) at omega = {mpmath.nstr(qb.omega, dps)}")
    return (f"no Q-ball of charge {mpmath.nstr(Qt, 10)}: Q(omega) spans [{math.exp(min(gs)):.6g}, "
            f"{math.exp(max(gs)):.6g}] and is monotone towards both ends of the window")


def charge_extremum(chart, dps: int = 20, kind: int = 1, scan_points: int = CHART_SCAN_POINTS,
                    scan: list | None = None):
    r"""The refined interior minimum (``kind=1``) or maximum (``kind=-1``) of Q(omega), or None.

    Returns ``(QBall, error)``; ``error`` bounds the relative error of its charge.  When a list
    is passed as ``scan`` it receives the double-precision scan ``[(u, log Q)]`` (sorted in u)
    that located the extremum, so a caller can inspect the grid without solving it again.

    .. math:: \frac{d \log Q}{du}\Big|_{u_*} = 0

    Examples
    --------
    >>> from qsym.api.solve import _single_chart
    >>> from qsym.symbolic.potential import Potential
    >>> _, chart = _single_chart(Potential("phi**2/2 - phi**3 + 3*phi**4/5", ["phi"]), 15)
    >>> charge_extremum(chart, 15) is None       # Q runs monotonically from 0 to infinity
    True
    """
    curve = _Curve(chart, 400)
    pts = _scan(curve, scan_points)
    if scan is not None:
        scan[:] = pts
    us, gs = [p[0] for p in pts], [p[1] for p in pts]
    best = None
    for k in range(1, len(pts) - 1):
        if (kind == 1 and gs[k - 1] > gs[k] < gs[k + 1]) or (kind == -1 and gs[k - 1] < gs[k] > gs[k + 1]):
            if best is None or kind * gs[k] < kind * gs[best]:
                best = k
    if best is None:
        return None
    u, qb, err = _refine_extremum(curve, us[best - 1], us[best + 1], kind, dps)
    return qb, max(err, mpmath.mpf(qb.error))
