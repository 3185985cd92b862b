r"""Q-balls of a given charge in a multi-field family: the charge curve Q(omega) in double
precision, its brackets and extrema, and a high-precision secant on each root.

.. math::  Q(\omega) = Q_{\rm target}

Numeric layer: mpmath only (the family is a callable ``evaluate(omega, dps) -> QBall``).
"""

from __future__ import annotations

import math

import mpmath

from qsym.errors import ConvergenceError, InputError, NoQBallError, NoSolutionError


#: Chebyshev points of the double-precision scan of Q(omega) over the window
MULTI_SCAN_POINTS = 16
#: extension of the scan towards an end of the window: the distance to the end shrinks
#: by this factor per step, at most MULTI_END_STEPS steps, never below MULTI_END_MIN
#: (relative to the width of the window)
MULTI_END_FACTOR = 5.0
MULTI_END_STEPS = 6
MULTI_END_MIN = 1e-7
#: the double-precision root of Q(omega) = Q is refined to this relative accuracy in omega
#: (or to the noise of the double bounces): the high-precision secant converges
#: superlinearly from there, so a finer double root would only cost bounces
MULTI_DOUBLE_RTOL = 1e-9
#: relative size of |Q - Q_target| at which the double root is noise-limited (the double
#: bounces carry an error estimate below 1e-10)
MULTI_DOUBLE_NOISE = 1e-11
#: step of the five-point central difference for dQ/domega at the double root, relative to
#: the scale of Q(omega) there (the distance to the nearer end of the window): truncation
#: error ~30 (step)^4 and noise 1e-13/step balance near 1e-10, so that the first
#: high-precision secant step lands within 10^-10 of its own size of the root
MULTI_SLOPE_STEP = 1e-3
#: relative accuracy in omega of the double-precision refinement of an extremum of Q(omega)
MULTI_EXTREMUM_RTOL = 1e-6
#: iteration caps of the double and the high-precision root finders
MULTI_MAX_ITER = 60
#: extra digits of the bounces inside the high-precision secant
MULTI_GUARD = 6


#: with omega_min = 0 (a plateau) the scan of Q(omega) starts at this fraction of omega_max
PLATEAU_SCAN_START = 0.05


def _chebyshev_grid(a: float, b: float, n: int) -> list:
    """Points clustered towards both ends of [a, b]."""
    return [a + (b - a) * (1 - math.cos(math.pi * (k + 0.5) / n)) / 2 for k in range(n)]


class _ChargeCurve:
    """Double-precision Q(omega) with a memo; None where the bounce cannot be solved
    (e.g. a wall too thin to resolve at the very end of the window)."""

    def __init__(self, evaluate, progress):
        self.evaluate, self.progress = evaluate, progress
        self.pts: dict = {}
        self.count = 0

    def __call__(self, w: float):
        w = float(w)
        if w not in self.pts:
            self.count += 1
            try:
                self.pts[w] = float(self.evaluate(w, None).charge)
            except (ConvergenceError, NoSolutionError):
                self.pts[w] = None
            if self.progress:
                q = self.pts[w]
                self.progress(f"bounce {self.count}: omega = {w:.10g}, "
                              + (f"Q = {q:.8g}" if q is not None else "not solvable in double precision"))
        return self.pts[w]

    def good(self):
        return sorted((w, q) for w, q in self.pts.items() if q is not None)


def _extend_end(curve, wmin, wmax, Qt, upper: bool):
    """March towards one end of the window while Q(omega) moves towards Qt there.

    Returns None when the end is settled (Q moves away from Qt there, or Qt was passed),
    else a one-line description of where the march had to stop while Q was still
    approaching Qt (a bounce that cannot be solved, or the closest distance allowed)."""
    width = wmax - wmin
    for _ in range(MULTI_END_STEPS + 1):
        g = curve.good()
        if len(g) < 2:
            return "fewer than two solvable bounces"
        (w1, q1), (w2, q2) = (g[-2], g[-1]) if upper else (g[1], g[0])
        towards = (q2 - q1) * (Qt - q2) > 0        # still approaching Qt at the end
        if not towards:
            return None
        dist = (wmax - w2) if upper else (w2 - wmin)
        dist /= MULTI_END_FACTOR
        w = wmax - dist if upper else wmin + dist
        where = (f"Q(omega) = {q2:.8g} at omega = {w2:.10g} is still approaching the target "
                 f"towards the {'upper' if upper else 'lower'} end {wmax if upper else wmin:.10g} "
                 "of the window")
        if dist < MULTI_END_MIN * width:
            return where + " (closest scan point allowed)"
        if curve(w) is None:
            return where + f" (the bounce at omega = {w:.10g} cannot be solved)"
    return where


def _golden_extremum(curve, a, b, c, sign):
    """Refine a local minimum (sign=+1) or maximum (sign=-1) of Q bracketed by a < b < c
    (Q(b) beyond both ends) by golden-section search; returns (omega, Q)."""
    f = lambda w: None if curve(w) is None else sign * curve(w)  # noqa: E731
    fb = f(b)
    invphi = (math.sqrt(5) - 1) / 2
    for _ in range(MULTI_MAX_ITER):
        if c - a <= MULTI_EXTREMUM_RTOL * abs(b):
            break
        # probe the larger sub-interval
        if (c - b) > (b - a):
            x = b + (1 - invphi) * (c - b)
            fx = f(x)
            if fx is None:
                break
            if fx < fb:
                a, b, fb = b, x, fx
            else:
                c = x
        else:
            x = b - (1 - invphi) * (b - a)
            fx = f(x)
            if fx is None:
                break
            if fx < fb:
                c, b, fb = b, x, fx
            else:
                a = x
    return b, sign * fb


def _refine_double_root(curve, a, qa, b, qb, Qt):
    """Safeguarded secant on Q(omega) - Qt in the bracket [a, b] (bisection whenever the
    secant leaves the bracket or stops shrinking it), to MULTI_DOUBLE_RTOL or to the noise
    of the double bounces; returns (omega, slope of the last secant)."""
    lo, flo, hi, fhi = (a, qa - Qt, b, qb - Qt) if a < b else (b, qb - Qt, a, qa - Qt)
    if flo == 0:
        return lo, (fhi - flo) / (hi - lo)
    if fhi == 0:
        return hi, (fhi - flo) / (hi - lo)
    x0, f0, x1, f1 = lo, flo, hi, fhi
    slope = (fhi - flo) / (hi - lo)
    for _ in range(MULTI_MAX_ITER):
        width = hi - lo
        if width <= MULTI_DOUBLE_RTOL * abs(hi):
            break
        c = x1 - f1 * (x1 - x0) / (f1 - f0) if f1 != f0 else (lo + hi) / 2
        if not (lo < c < hi) or (abs(c - x1) > width / 2 and abs(f1) > abs(f0) / 2):
            c = (lo + hi) / 2            # outside the bracket or not converging: bisect
        qc = curve(c)
        if qc is None:
            break
        fc = qc - Qt
        if c != x1 and fc != f1:
            slope = (fc - f1) / (c - x1)
        x0, f0, x1, f1 = x1, f1, c, fc
        if fc == 0:
            return c, slope
        if (fc < 0) == (flo < 0):
            lo, flo = c, fc
        else:
            hi, fhi = c, fc
        # the secant step is below the relative accuracy of Q itself: noise-limited
        if abs(fc) <= MULTI_DOUBLE_NOISE * abs(Qt):
            break
    return x1, slope


def _slope_5(curve, w0: float, h: float, slope0: float) -> float:
    r"""dQ/domega at ``w0`` by the five-point central difference (``slope0`` when a bounce
    fails or the sign disagrees with it).

    .. math::  Q'(\omega) \approx \frac{8[Q(\omega+h) - Q(\omega-h)] - [Q(\omega+2h) - Q(\omega-2h)]}{12 h}

    >>> c = _ChargeCurve(lambda w, dps: type("Q", (), {"charge": w ** 3})(), None)
    >>> round(_slope_5(c, 2.0, 1e-3, 1.0), 9)
    12.0
    """
    if not h > 0:
        return slope0
    q = [curve(w0 + k * h) for k in (-2, -1, 1, 2)]
    if any(v is None for v in q):
        return slope0
    s = (8 * (q[2] - q[1]) - (q[3] - q[0])) / (12 * h)
    return s if s * slope0 > 0 else slope0


def _secant_hp(evaluate, w0: float, slope0: float, Qt, dps: int, tol, progress):
    """High-precision secant on Q(omega) = Qt from the double root ``w0`` and the double
    slope ``slope0`` (the first step), until both the step in omega and the relative
    charge residual are below ``tol``; returns (omega, QBall, dQ/domega)."""
    wp = dps + MULTI_GUARD
    with mpmath.workdps(wp):
        w = mpmath.mpf(w0)
        qb = evaluate(w, wp)
        slope = mpmath.mpf(slope0)
        prev = None
        step = None
        for it in range(MULTI_MAX_ITER):
            if prev is not None:
                dw = w - prev[0]
                if dw != 0 and qb.charge != prev[1].charge:
                    slope = (qb.charge - prev[1].charge) / dw
            if not (slope != 0 and mpmath.isfinite(slope)):
                raise ConvergenceError("dQ/domega vanishes at the root (an extremum of Q(omega) at "
                                       f"omega = {mpmath.nstr(w, 12)}): try a slightly different charge")
            step = (qb.charge - Qt) / slope
            if progress:
                progress(f"secant at dps {wp}: omega = {mpmath.nstr(w, 12)}, relative step "
                         f"{mpmath.nstr(abs(step / w), 2)}")
            # converged when the charge itself is on target (near an end of the window
            # dlog Q/dlog omega is large, so a small omega step is not enough)
            if abs(step) <= tol * abs(w) and abs(qb.charge - Qt) <= tol * abs(Qt):
                return w, qb, slope
            prev = (w, qb)
            w = w - step
            qb = evaluate(w, wp)
    raise ConvergenceError(f"omega did not converge in {MULTI_MAX_ITER} secant steps (last step "
                           f"{mpmath.nstr(step, 3)}); try a larger dps")


def _brackets(curve, wmin, wmax, Qt, notes):
    """Scan Q(omega), extend towards the ends, refine interior extrema; returns the brackets
    ``(a, Q(a), b, Q(b))`` of Q - Qt (or raises when there is none)."""
    Qf = float(Qt)
    # a plateau (inf mu^2 = 0 approached at infinite field): Q -> infinity as omega -> 0 and the
    # bounces there are huge and slow; the scan starts higher and marches down only while Q still
    # approaches the target (_extend_end)
    lo = wmin if wmin > 0 else PLATEAU_SCAN_START * wmax
    for w in _chebyshev_grid(lo, wmax, MULTI_SCAN_POINTS):
        curve(w)
    if len(curve.good()) < 2:
        raise ConvergenceError("could not solve bounces across the omega window; try a larger dps")
    open_ends = [x for x in (_extend_end(curve, wmin, wmax, Qf, upper=True),
                             _extend_end(curve, wmin, wmax, Qf, upper=False)) if x]
    pts = curve.good()
    # interior extrema of the scanned values: refine, and split brackets that hide two roots
    for i in range(1, len(pts) - 1):
        (a, qa), (b, qb), (c, qc) = pts[i - 1], pts[i], pts[i + 1]
        for sign in (1, -1):
            # strict on the left, not on the right: a pair of equal values (a symmetric
            # extremum between them) is caught at its left point
            if sign * (qb - qa) < 0 and sign * (qb - qc) <= 0 and sign * (qb - Qf) > 0:
                _golden_extremum(curve, a, b, c, sign)
    pts = curve.good()
    brackets = [(a, qa, b, qb) for (a, qa), (b, qb) in zip(pts, pts[1:]) if (qa - Qf) * (qb - Qf) <= 0]
    if notes is not None:
        notes.extend(f"further branches may lie beyond the scan: {x}" for x in open_ends)
    if not brackets and open_ends:
        raise ConvergenceError(f"no Q-ball of charge {mpmath.nstr(Qt, 8)} found inside the scan, "
                               f"and the scan cannot go on: {open_ends[0]}; try a charge "
                               "nearer the middle of the family or a single-field reduction")
    if not brackets:
        qs = [q for _, q in pts]
        raise NoQBallError(f"no Q-ball of charge {mpmath.nstr(Qt, 8)}: the branches found span "
                           f"Q in [{min(qs):.8g}, {max(qs):.8g}] (extrema refined to "
                           f"{MULTI_EXTREMUM_RTOL:g} in omega)")
    return brackets


def solve_charge_multi(evaluate, m_per_charge, Q, window, dps: int = 20, progress=None,
                       notes: list | None = None) -> list:
    r"""All Q-balls of charge Q (one per branch) of a family ``evaluate(omega, dps) -> QBall``
    (several fields), lowest mass first.

    .. math::  Q(\omega) = Q_{\rm target}, \qquad \omega_{\min} < \omega < \omega_{\max}

    1. Q(omega) is scanned in double precision at MULTI_SCAN_POINTS Chebyshev points of
       ``window = (omega_min, omega_max)``; towards each end the scan is extended
       (geometrically) while Q still moves towards the target there.
    2. Every sign change of Q - Q_target brackets a root; every interior extremum of the
       scanned values is refined (golden section) and, when it passes Q_target, splits
       into two brackets (two branches between neighbouring scan points).
    3. Each root is refined in double precision to MULTI_DOUBLE_RTOL, then by a secant
       at ``dps + MULTI_GUARD`` digits whose first step uses the five-point double slope.

    ``m_per_charge`` is the lightest charged mass per unit charge (absolute stability is
    ``M_Q < Q m_per_charge``).  ``progress`` (callable(str) or None) receives one line
    per bounce.  When the scan had to stop at an end of the window while Q(omega) was
    still approaching Q there, a line is appended to ``notes`` (a list, if given): more
    branches may lie beyond.  Raises InputError (bad Q), NoQBallError (no branch
    reaches Q and both ends are settled; the message gives the range of Q found) or
    ConvergenceError (no root in the scan, and an end that cannot be settled).

    Examples
    --------
    A synthetic family ``Q = 1/(omega - 1/2) + 1/(1 - omega)``, ``E = omega Q - log(...)``:

    >>> import mpmath
    >>> from qsym.numeric.qball import QBall
    >>> def family(w, dps):
    ...     with mpmath.workdps((dps or 15) + 10):
    ...         w = mpmath.mpf(w)
    ...         Q = 1 / (w - 0.5) + 1 / (1 - w)
    ...         E = w * Q - mpmath.log((w - 0.5) / (1 - w))
    ...         return QBall(w, Q, E, E - w * Q, 1.0, (0.1,), 1e-30, dps)
    >>> lo, hi = sorted(solve_charge_multi(family, 1, 100, (0.5, 1)), key=lambda s: s.omega)
    >>> mpmath.nstr(lo.omega, 15), lo.dQ_domega < 0 < hi.dQ_domega
    ('0.510208423834364', True)
    """
    from qsym.numeric.qball import QBall
    with mpmath.workdps(dps + MULTI_GUARD):
        Qt = mpmath.mpf(Q)
        if not (Qt > 0) or not mpmath.isfinite(Qt):
            raise InputError(f"the charge must be a positive finite number, got {Q}")
        wmin, wmax = (float(x) for x in window)
        curve = _ChargeCurve(evaluate, progress)
        brackets = _brackets(curve, wmin, wmax, Qt, notes)
        tol = mpmath.mpf(10) ** (-(dps + 2))
        sols = []
        for a, qa, b, qb in brackets:
            w0, slope0 = _refine_double_root(curve, a, qa, b, qb, float(Qt))
            # a central difference on the scale of Q(omega) for the first high-precision
            # step (the secant slope of the double root is noise-limited)
            slope0 = _slope_5(curve, w0, MULTI_SLOPE_STEP * min(w0 - wmin, wmax - w0, abs(w0)), slope0)
            w, qbh, dQ = _secant_hp(evaluate, w0, slope0, Qt, dps, tol, progress)
            if any(abs(s.omega - w) <= 10 * tol * abs(w) for s in sols):
                continue                 # the same root from two brackets (Q = Q_target at a scan point)
            err = max(mpmath.mpf(qbh.error), abs(qbh.charge - Qt) / Qt, tol)
            sols.append(QBall(qbh.omega, Qt, qbh.mass, qbh.action, qbh.radius, qbh.phi0, err, dps,
                              dQ, bool(dQ < 0), bool(qbh.mass < Qt * m_per_charge), qbh.bounce))
        return sorted(sols, key=lambda s: s.mass)
