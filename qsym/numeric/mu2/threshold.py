r"""Thresholds of Q-ball existence in a parameter: certified bisection and exact confirmation.

Existence is decided at exact rational parameter values by a callable
``decide(v: Fraction) -> (exists, decided)`` (the api builds it from the
certified mu^2 minimum).  With existence monotone in the parameter,

.. math::

    \text{threshold} \in [\text{below}, \text{above}],\qquad
    \neg\,\text{exists}(\text{below}),\ \text{exists}(\text{above}),

and the bracket is bisected in exact rationals (no root finder applies: the
predicate is a boolean and every step is a proof).  A step that cannot be
decided is retried at the quarter points.

Numeric layer: no SymPy.

>>> from fractions import Fraction
>>> t = bisect_threshold(lambda v: (v * v > 2, True), "a", 0, 2, rtol=1e-6)
>>> t.certified, abs(float(t.threshold) - 2 ** 0.5) < 2e-6
(True, True)
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable

from qsym.errors import NoSolutionError

from .result import ThresholdResult

__all__ = ["bisect_threshold", "confirm_continuous"]

#: the quarter points tried when the midpoint is undecided
_TRIES = (Fraction(1, 2), Fraction(1, 4), Fraction(3, 4))


def _find_upper(decide: Callable, parameter: str, lo: Fraction, hi):
    """``(hi, decided at hi)``; with ``hi`` None it doubles from ``max(2 lo, 1)`` until a Q-ball exists."""
    if hi is not None:
        hi = Fraction(hi)
        e, c = decide(hi)
        if not e:
            raise NoSolutionError(f"no Q-ball at {parameter} = {float(hi):g}: no threshold in the range")
        return hi, c
    hi = max(2 * lo, Fraction(1))
    for _ in range(40):
        e, c = decide(hi)
        if e:
            return hi, c
        hi *= 2
    raise NoSolutionError(f"no Q-ball up to {parameter} = {float(hi):g}")


def _step(decide: Callable, parameter: str, lo: Fraction, hi: Fraction, notes: list):
    """One bisection step: ``(point, exists there, steps taken)``, point None if undecided."""
    steps = 0
    for frac in _TRIES:
        mid = _mid(lo, hi, frac)
        e, c = decide(mid)
        steps += 1
        if c:
            return mid, e, steps
        notes.append(f"undecided at {parameter} = {float(mid):.12g}")
    return None, None, steps


def _mid(lo: Fraction, hi: Fraction, frac: Fraction = Fraction(1, 2)) -> Fraction:
    """The point of :func:`_step` (denominators kept below 10^18)."""
    mid = lo + (hi - lo) * frac
    return mid.limit_denominator(10**15) if mid.denominator > 10**18 else mid


def _bisection_cell(x: float, lo: Fraction, hi: Fraction, rtol: float, max_steps: int):
    """The final ``(lo, hi, steps)`` that the bisection of :func:`bisect_threshold` reaches from
    ``[lo, hi]`` when the threshold is ``x`` and every midpoint is decided."""
    steps = 0
    while hi - lo > rtol * max(abs(hi), 1) and steps < max_steps:
        mid = _mid(lo, hi)
        steps += 1
        if x >= mid:
            lo = mid
        else:
            hi = mid
    return lo, hi, steps


#: secant rounds of :func:`_bisection_cell_shortcut` before it gives up (then plain bisection)
SHORTCUT_ROUNDS = 6


def _bisection_cell_shortcut(decide: Callable, gap: Callable, lo: Fraction, hi: Fraction, rtol: float,
                             max_steps: int):
    """The final bisection bracket of :func:`bisect_threshold`, reached with few decisions, or None.

    ``gap(v)`` is ``mu2_min - origin`` (< 0) at a decided point with a Q-ball (None if unknown).
    Along the parameter this gap is a minimum of functions linear in it (mu^2 is linear in A at
    fixed fields), so it is concave: a secant through two points with a Q-ball extrapolates to a
    threshold estimate.  The bisection bracket containing the estimate is computed without
    decisions (:func:`_bisection_cell`) and then *decided* at both ends: no Q-ball at its lower
    end, one at its upper end.  Monotone existence makes that bracket the one the bisection would
    reach, so the result is identical; on any undecided point, or a miss after
    :data:`SHORTCUT_ROUNDS` rounds, it returns None (plain bisection; ``decide`` should memoise).
    """
    yes = [(hi, gap(hi))]
    no = lo
    a, b = lo, hi
    while sum(g is not None for _, g in yes) < 2:   # bisection (memoised: plain bisection reuses it)
        if b - a <= rtol * max(abs(b), 1):          # until two points with a Q-ball and a gap are known
            return None
        mid = _mid(a, b)
        e, c = decide(mid)
        if not c:
            return None
        if e:
            b = mid
            yes.append((mid, gap(mid)))
        else:
            a = no = mid
    for _ in range(SHORTCUT_ROUNDS):
        pts = sorted((v, g) for v, g in yes if g is not None)[:2]
        if len(pts) < 2:
            return None
        (x1, g1), (x2, g2) = pts
        if not g2 < g1 < 0:
            return None
        est = float(x1) - g1 * (float(x2) - float(x1)) / (g2 - g1)
        est = min(max(est, float(no)), float(min(v for v, _ in yes)))
        ca, cb, n = _bisection_cell(est, lo, hi, rtol, max_steps)
        eb, c = decide(cb)
        if not c:
            return None
        if not eb:               # the threshold is above this cell
            no = max(no, cb)
            if not any(v > cb for v, _ in yes):
                return None
            continue
        yes.append((cb, gap(cb)))
        ea, c = decide(ca)
        if not c:
            return None
        if not ea:
            return ca, cb, n
        yes.append((ca, gap(ca)))
    return None


def bisect_threshold(decide: Callable, parameter: str, lo, hi=None, rtol: float = 1e-6,
                     max_steps: int = 60, gap: Callable | None = None) -> ThresholdResult:
    r"""Bisect on existence for ``parameter`` between ``lo`` (no Q-ball) and ``hi`` (a Q-ball).

    ``decide(v)`` returns ``(exists, decided)`` at the rational ``v``.  If
    ``hi`` is None it is doubled from ``max(2 lo, 1)`` until a Q-ball exists.
    With ``gap(v)`` (``mu2_min - origin`` at a decided point with a Q-ball, else None) the final
    bracket is first sought by secant steps (:func:`_bisection_cell_shortcut`): the same bracket
    with fewer decisions.

    .. math:: |\text{above} - \text{below}| \le \text{rtol}\,\max(|\text{above}|, 1)

    Raises
    ------
    NoSolutionError
        A Q-ball already exists at ``lo``, or none at ``hi``.

    >>> bisect_threshold(lambda v: (v > Fraction(1, 3), True), "a", 0, 1, rtol=1e-3).below < Fraction(1, 3)
    True
    """
    lo = Fraction(lo)
    e_lo, c_lo = decide(lo)
    if e_lo:
        raise NoSolutionError(f"a Q-ball already exists at {parameter} = {float(lo):g}; "
                              "lower the start of the scan")
    hi, _ = _find_upper(decide, parameter, lo, hi)
    notes, certified, steps = [], bool(c_lo), 0
    cell = _bisection_cell_shortcut(decide, gap, lo, hi, rtol, max_steps) if gap is not None else None
    if cell is not None:
        a, b, n = cell
        return ThresholdResult(parameter, (a + b) / 2, a, b, certified, n, notes, stats={"steps": n})
    while hi - lo > rtol * max(abs(hi), 1) and steps < max_steps:
        mid, e, k = _step(decide, parameter, lo, hi, notes)
        steps += k
        if mid is None:
            notes.append("stopped: existence undecidable inside the bracket "
                         "(a marginal, degenerate minimum)")
            certified = False
            break
        if e:
            hi = mid
        else:
            lo = mid
    return ThresholdResult(parameter, (lo + hi) / 2, lo, hi, certified, steps, notes,
                           stats={"steps": steps})


def confirm_continuous(parameter: str, below, above, text: str, closed_form: dict | None,
                       notes=(), decide: Callable | None = None, dps: int | None = None) -> ThresholdResult:
    r"""A :class:`ThresholdResult` for a continuous onset known exactly, confirmed on both sides.

    ``below <= threshold <= above`` is an exact enclosure, ``text`` its decimal
    digits.  ``decide(v) -> (exists, decided)`` (optional) is run at rational
    points a relative 10^-3 below and above: no Q-ball below and one above
    confirm the threshold; a disagreement or an undecided side makes the
    result uncertified, with a note.

    .. math:: v_\pm = \tfrac{\text{below} + \text{above}}{2}\,(1 \pm 10^{-3})

    >>> r = confirm_continuous("a", Fraction(1), Fraction(1), "1", None, decide=lambda v: (v > 1, True))
    >>> r.certified, r.kind
    (True, 'continuous')
    """
    below, above = Fraction(below), Fraction(above)
    notes = list(notes)
    certified = True
    if decide is not None:
        mid = (below + above) / 2
        for fac, want in ((Fraction(999, 1000), False), (Fraction(1001, 1000), True)):
            v = (mid * fac).limit_denominator(10**6)
            got, ok = decide(v)
            side = "below" if fac < 1 else "above"
            if ok and got == want:
                notes.append(f"confirmed by the certified mu^2 minimum at {parameter} = {float(v):.9g} "
                             f"({side}): " + ("Q-ball exists" if got else "no Q-ball"))
            else:
                certified = False
                notes.append(f"certified mu^2 minimum at {parameter} = {float(v):.9g} ({side}) "
                             + ("undecided" if not ok else "disagrees: " + ("Q-ball exists" if got else "no Q-ball")))
    return ThresholdResult(parameter, (below + above) / 2, below, above, certified, 0, notes,
                           kind="continuous", closed_form=closed_form, text=text, dps=dps)
