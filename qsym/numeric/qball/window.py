r"""The Q-ball window of a non-polynomial one-field potential: a certified minimum of mu^2.

Numeric layer (python-flint / mpmath).  The potential arrives as two Arb programs
(:class:`qsym.numeric.kernels.arbprog.ArbProgram`, built by :func:`qsym.bridge.arb_program`):
``U(phi)`` and ``mu^2(phi) = 2U/(q^2 phi^2)``.  On a finite range ``[a, b]`` of ``phi > 0``
(a geometric grid of boxes) a branch and bound keeps the boxes whose certified lower bound of
mu^2 can still beat the best value found:

.. math:: \underline{\mu^2}(B) = \max\Big(\min_{\phi \in B} \frac{2\,\underline U(B)}{q^2\phi^2},\;
          \mu^2(m_B) - |\mu^{2\prime}(B)|\,\mathrm{rad}(B)\Big) \le \min_B \mu^2

(the interval bound of ``U`` over the box, and the mean-value form about its midpoint).  The
minimiser is then polished by Newton on ``d mu^2/d phi = 0`` at the requested digits, and the
answer carries the certified lower bound next to the attained value.  Beyond ``[a, b]`` the
caller (the symbolic layer) supplies the limits of mu^2 at ``0`` and at infinity.

>>> from fractions import Fraction
>>> from qsym.numeric.kernels.arbprog import ArbProgram
>>> mu2 = ArbProgram([("var",), ("const", 1), ("const", -2), ("mul", 2, 0), ("add", 1, 3),
...                   ("powi", 0, 2), ("add", 4, 5)])             # 1 - 2 phi + phi^2
>>> r = mu2_minimum(mu2, Fraction(1, 100), Fraction(100), 20)
>>> round(float(r["mu2_min"]), 12), round(float(r["at"]), 12), r["certified"]
(0.0, 1.0, True)
"""

from __future__ import annotations

import heapq
import math

import flint
import mpmath
from flint import arb

__all__ = ["mu2_minimum", "BOX_RATIO", "MAX_BOXES"]

#: initial boxes are geometric with this ratio of ends
BOX_RATIO = 2.0
#: boxes are split until their ends differ by this relative amount (then Newton polishes)
LOCATE_REL = 1e-6
#: the branch and bound gives up (uncertified) after this many boxes
MAX_BOXES = 20000
#: the certified lower bound must lie this close (relative) below the value found
CERT_REL = 1e-9
#: bits of the ball arithmetic of the branch and bound
BB_PREC = 128


def _lower_bound(mu2, a: float, b: float) -> arb:
    """A certified lower bound of mu^2 on ``[a, b]`` (an arb whose lower end is the bound)."""
    lo = None
    try:
        l, _ = mu2._run_interval(arb(a), arb(b), BB_PREC)
        if l.is_finite():
            lo = l.lower()
    except (ArithmeticError, ValueError, ZeroDivisionError):
        pass
    try:
        with flint.ctx.workprec(BB_PREC):
            m = (arb(a) + arb(b)) / 2
            r = (arb(b) - arb(a)) / 2
        d = mu2.enclose(a, b, 1, BB_PREC)
        v = mu2.ball(m, BB_PREC)
        if d.is_finite() and v.is_finite():
            with flint.ctx.workprec(BB_PREC):
                mv = (v - abs(d) * r).lower()
            lo = mv if lo is None or mv > lo else lo
    except (ArithmeticError, ValueError, ZeroDivisionError):
        pass
    return lo


def _point(mu2, x) -> mpmath.mpf | None:
    try:
        with mpmath.workprec(BB_PREC):
            return mu2.value(mpmath.mpf(x), 0)
    except (ArithmeticError, ValueError, ZeroDivisionError):
        return None


def _branch_and_bound(mu2, a: float, b: float):
    """``(best, at, lower, boxes)``: the smallest sampled mu^2, where, the certified lower
    bound over ``[a, b]`` (None if a box could not be bounded) and the boxes used."""
    n0 = max(1, int(math.ceil(math.log(b / a) / math.log(BOX_RATIO))))
    edges = [a * (b / a) ** (k / n0) for k in range(n0 + 1)]
    best, at = None, None
    for x in edges + [math.sqrt(edges[k] * edges[k + 1]) for k in range(n0)]:
        v = _point(mu2, x)
        if v is not None and (best is None or v < best):
            best, at = v, x
    heap = []
    for k in range(n0):
        lb = _lower_bound(mu2, edges[k], edges[k + 1])
        heap.append((float(lb.mid()) if lb is not None else -math.inf, edges[k], edges[k + 1], lb))
    heapq.heapify(heap)
    boxes = n0
    floor = None          # certified lower bound of the boxes closed at LOCATE_REL
    while heap:
        key, lo, hi, lb = heapq.heappop(heap)
        if lb is not None and best is not None and lb > arb(best):
            continue           # this box cannot hold the minimum
        if hi / lo - 1 < LOCATE_REL:
            bound = lb if lb is not None else None
            if bound is None:
                return best, at, None, boxes
            floor = bound if floor is None or bound < floor else floor
            continue
        boxes += 1
        if boxes > MAX_BOXES:
            return best, at, None, boxes
        mid = math.sqrt(lo * hi)
        v = _point(mu2, mid)
        if v is not None and (best is None or v < best):
            best, at = v, mid
        for u, w in ((lo, mid), (mid, hi)):
            lbw = _lower_bound(mu2, u, w)
            heapq.heappush(heap, (float(lbw.mid()) if lbw is not None else -math.inf, u, w, lbw))
    return best, at, floor, boxes


def _polish(mu2, x0: float, lo: float, hi: float, dps: int):
    """Newton on ``d mu^2/d phi = 0`` from ``x0`` inside ``[lo, hi]`` at ``dps`` digits."""
    with mpmath.workdps(dps + 10):
        x = mpmath.mpf(x0)
        tol = mpmath.mpf(10) ** -(dps + 5)
        for _ in range(100):
            c = mu2.series(x, 3)
            if not c[2] > 0:
                break
            dx = -c[1] / (2 * c[2])
            x_new = x + dx
            if not lo * 0.5 <= x_new <= hi * 2:
                break
            x = x_new
            if abs(dx) <= tol * abs(x):
                break
        return x, mu2.value(x, 0)


def mu2_minimum(mu2, a, b, dps: int = 30) -> dict:
    r"""The minimum of ``mu^2`` over ``[a, b]`` (``0 < a < b``), certified by a branch and bound.

    Returns ``mu2_min`` (mpf at ``dps`` digits, the value at the polished minimiser ``at``),
    ``lower`` (a certified lower bound of mu^2 on ``[a, b]``, or None), ``certified`` (the
    lower bound lies within ``CERT_REL`` relative below ``mu2_min``), ``edge`` (``"lo"``,
    ``"hi"`` when the smallest value sits at an end of the range: the infimum lies beyond it)
    and ``boxes``.

    .. math:: \min_{a \le \phi \le b} \mu^2(\phi), \qquad \mu^2 = \frac{2U}{q^2\phi^2}

    >>> from qsym.numeric.kernels.arbprog import ArbProgram
    >>> p = ArbProgram([("var",), ("fn", "exp", 0), ("mul", 0, 1)])   # phi e^phi: minimum at the left end
    >>> mu2_minimum(p, 1, 10)["edge"]
    'lo'
    """
    a, b = float(a), float(b)
    best, at, lower, boxes = _branch_and_bound(mu2, a, b)
    if best is None:
        return {"mu2_min": None, "at": None, "lower": None, "certified": False, "edge": None,
                "boxes": boxes}
    edge = "lo" if at <= a * (1 + 1e-12) else ("hi" if at >= b * (1 - 1e-12) else None)
    if edge is None:
        x, v = _polish(mu2, at, a, b, dps)
        if v is not None and v <= best:
            at, best = x, v
    with mpmath.workdps(dps + 10):
        low = None
        if lower is not None:
            man, exp = lower.mid().man_exp()
            low = mpmath.mpf((int(man), int(exp))) - mpmath.mpf(float(lower.rad())) * (1 + 1e-12)
        # relative to the larger of the minimum and mu^2 at the small-field end (a zero minimum
        # is certified against the size of mu^2 itself)
        ref = _point(mu2, a)
        scale = max(abs(best), abs(ref) if ref is not None else 0, mpmath.mpf(10) ** -(dps + 5))
        ok = low is not None and best - low <= scale * CERT_REL
    return {"mu2_min": best if isinstance(best, mpmath.mpf) else mpmath.mpf(best), "at": at,
            "lower": low, "certified": bool(ok), "edge": edge, "boxes": boxes}
