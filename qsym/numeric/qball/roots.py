r"""Root finding in the chart: the scan, Illinois regula falsi, marching beyond an end, secant steps at high precision, extremum refinement.

Part of :mod:`qsym.numeric.qball` (numeric layer: mpmath/numpy only).
"""

from __future__ import annotations

import math

import mpmath

from qsym.errors import ConvergenceError
from qsym.numeric.qball.chart import (CHART_EXTEND_MAX, CHART_EXTEND_STEP, CHART_SLOPE_RTOL, CHART_SPAN, GOLDEN_TOL,
                                      MAX_EXTREMUM_ROUNDS, MAX_MARCH, MAX_MARCH_STEP, MAX_ROOT_ITER, RETRY_SHIFTS)
from qsym.numeric.qball.result import GUARD

def _scan(curve, scan_points: int):
    """Scan g(u), extending each end until its slope is asymptotic; returns sorted [(u, g)]."""
    chart = curve.chart
    us = [-CHART_SPAN + 2 * CHART_SPAN * k / (scan_points - 1) for k in range(scan_points)]
    for u in us:
        curve.g(u)

    def good():
        return sorted((u, g) for u, g in curve.pts.items() if g is not None)

    for end, expected in ((-1, chart.thick_slope), (1, chart.thin_slope)):
        for _ in range(CHART_EXTEND_MAX):
            p = good()
            if len(p) < 3:
                break
            (u0, g0), (u1, g1), (u2, g2) = (p[:3] if end < 0 else p[-3:][::-1])
            s01, s12 = (g1 - g0) / (u1 - u0), (g2 - g1) / (u2 - u1)
            ref = expected if expected is not None else s12
            if abs(s01 - ref) <= CHART_SLOPE_RTOL * max(abs(ref), 0.5) and s01 * s12 > 0:
                break
            unew = u0 + end * CHART_EXTEND_STEP
            if curve.g(unew) is None:
                break                     # the engine cannot go further: stop extending
    p = good()
    if len(p) < 3:
        raise ConvergenceError("could not solve bounces across the omega window; try a larger dps")
    return p


def _illinois(f, a, fa, b, fb, tol, maxit=MAX_ROOT_ITER):
    """Illinois regula falsi on a bracket ``[a, b]`` (``b`` the newest point): the end kept by a
    step has its value halved, which makes the order about 1.44 instead of linear."""
    for _ in range(maxit):
        if fa == 0:
            return a
        if fb == 0 or abs(b - a) <= tol:
            return b
        c = (a * fb - b * fa) / (fb - fa)
        fc = f(c)
        if fc is None:
            c = (a + b) / 2
            fc = f(c)
            if fc is None:
                raise ConvergenceError("a bounce failed inside a bracket of Q(omega); try a larger dps")
        if fc * fb < 0:
            a, fa = b, fb
        else:
            fa /= 2
        b, fb = c, fc
    raise ConvergenceError(f"bracketing refinement of omega did not converge in {maxit} steps; "
                           "try a larger dps")


def _march(curve, gt, u_end, g_end, slope, direction):
    """Step beyond an end of the scan (``direction`` -1: thick, +1: thin) until log Q crosses gt."""
    u, g = u_end, g_end
    for _ in range(MAX_MARCH):
        step = (gt - g) / slope if slope else direction * CHART_EXTEND_STEP
        step = direction * min(max(abs(step) * 1.25, 0.25), MAX_MARCH_STEP)
        un = u + step
        gn = curve.g(un)
        if gn is None:
            raise ConvergenceError(f"no bounce at the {'thick' if direction < 0 else 'thin'}-wall end "
                                   f"(u = {un:.4g}) where Q = {math.exp(gt):.6g} lies; the charge is beyond "
                                   "the reach of the bounce engine (use the "
                                   f"{'thick' if direction < 0 else 'thin'}-wall estimate)")
        if (gn - gt) * (g - gt) <= 0:
            return (u, un) if u < un else (un, u)
        if gn != g:
            slope = (gn - g) / (un - u)
        u, g = un, gn
    raise ConvergenceError(f"no bracket for Q = {math.exp(gt):.6g} after {MAX_MARCH} steps beyond the "
                           "scanned window; report the potential")


def _secant_u(curve, u0, gt, dps: int, tol):
    """Secant on log Q(u) = log Qt at ``dps + GUARD`` from the double-precision root.

    Returns ``(QBall, dg/du)``.
    """
    def ev(u):
        # a shot can fail at an isolated parameter (e.g. a very thin wall): a nearby point serves
        # the secant as well, since convergence is judged on the residual
        for k in range(RETRY_SHIFTS + 1):
            try:
                return u, curve(u, dps + GUARD)
            except ConvergenceError:
                if k == RETRY_SHIFTS:
                    raise
                u = u + mpmath.mpf(10) ** -(dps // 2 + 2 * k) * (1 + abs(u))

    with mpmath.workdps(dps + GUARD):
        gtm = mpmath.mpf(gt)
        u_prev, q_prev = ev(mpmath.mpf(u0) + mpmath.mpf(10) ** -7)
        u = mpmath.mpf(u0)
        for _ in range(MAX_ROOT_ITER):
            u, qb = ev(u)
            r = mpmath.log(qb.charge) - gtm
            slope = (mpmath.log(qb.charge) - mpmath.log(q_prev.charge)) / (u - u_prev)
            if abs(r) <= tol:
                return qb, slope
            step = r / slope
            u_prev, q_prev = u, qb
            u = u - step
        raise ConvergenceError(f"omega did not converge in {MAX_ROOT_ITER} secant steps; try a larger dps")


def _refine_extremum(curve, ua: float, ub: float, kind: int, dps: int):
    """The extremum of Q(u) in [ua, ub] (kind +1: minimum, -1: maximum) to the working precision.

    Double precision first (golden section / Brent on log Q), then rounds of
    centred three-point parabolas at ``dps + GUARD`` digits: the vertex error of
    each round is O(h^2 + error^2), so the digits of u double per round and the
    value of Q, stationary there, is exact to O(dlog Q/du^2 * du^2).
    Returns ``(u, QBall, error)`` with ``error`` bounding the relative error of Q.
    """
    def f(u):
        g = curve.g(u)
        if g is None:
            raise ConvergenceError("a bounce failed while refining an extremum of Q(omega); try a larger dps")
        return kind * g

    # golden section in double precision (robust, bounded number of steps)
    gr = (math.sqrt(5) - 1) / 2
    a, b = ua, ub
    c, d = b - gr * (b - a), a + gr * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(MAX_ROOT_ITER):
        if abs(b - a) < GOLDEN_TOL:
            break
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - gr * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + gr * (b - a)
            fd = f(d)
    P = dps + GUARD
    with mpmath.workdps(P):
        u = mpmath.mpf((a + b) / 2)
        h = mpmath.mpf(10) ** -3
        target = mpmath.mpf(10) ** -(dps + 2)
        err = None
        for _ in range(MAX_EXTREMUM_ROUNDS):
            gm, g0, gp = (mpmath.log(curve(x, P).charge) for x in (u - h, u, u + h))
            curv = (gp - 2 * g0 + gm) / h**2
            if kind * curv <= 0:
                raise ConvergenceError("Q(omega) is not convex at its extremum; try a larger dps")
            shift = -(gp - gm) / (2 * h * curv)
            if abs(shift) > h:
                u, h = u + shift, min(abs(shift) * 2, mpmath.mpf(1))
                continue
            u_new = u + shift
            # the vertex is off by O(h^2 * g'''/g'') + O(rounding / (h g'')): bound both
            du = max(h**2, abs(shift) ** 2, mpmath.mpf(10) ** -P / (h * abs(curv))) * 10
            err = abs(curv) * du**2 / 2 + mpmath.mpf(10) ** -P
            u = u_new
            if err <= target:
                qb = curve(u, P)
                return u, qb, err
            h = max(du, mpmath.mpf(10) ** (-P / 3))
        raise ConvergenceError(f"the extremum of Q(omega) did not converge in {MAX_EXTREMUM_ROUNDS} rounds; "
                               "try a larger dps")


def _u_of_omega_slope(chart, qb, dg_du):
    """dQ/domega from dlog Q/du at the Q-ball ``qb``."""
    delta = 1 / qb.radius**2
    rest = chart.D - delta
    du_dDelta = chart.D / (delta * rest) if rest != 0 else mpmath.inf
    return qb.charge * dg_du * du_dDelta * (-2 * chart.q**2 * qb.omega)
