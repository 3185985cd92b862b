r"""Certified minimum of mu^2 = 2U / sum q_k^2 phi_k^2 for an analytic non-polynomial U of several fields.

The polynomial path (:mod:`~qsym.numeric.mu2.branch_bound`) minimises over the ray length in closed
form; here the ray length ``F`` is a search variable.  Field space (each orthant ``phi = s psi F``) is
covered by the faces ``psi_k = 1`` of the unit cube (``|phi|_inf = F``), and a best-first branch and
bound runs over boxes ``[F_lo, F_hi] x [v_lo, v_hi]`` with ``F <= F_max``: each box is bounded below
in Arb balls (:func:`~qsym.numeric.mu2.boxes.bound_box`) and discarded once its bound reaches the
best value found minus the tolerance,

.. math:: \underline{\mu^2}(B) \ge \min(\mu^2_{\rm best}, m_0) - \text{tol}
          \;\Rightarrow\; B \text{ holds no better point},

so that ``lower = min`` of the discarded bounds and ``upper`` = the best ball value bracket the
minimum over ``F <= F_max``.  Beyond ``F_max`` the caller has decided the behaviour (SymPy's limits
of mu^2 along rays, :func:`qsym.bridge.arbnd.large_field`): boxes at the outer edge that cannot be
discarded mean the infimum is approached at infinity (a plateau) or is undecided.  A Q-ball is
proven to exist by a point whose ball value lies below ``m_0`` (a witness).

Boxes are discarded by five bounds, cheapest first: the interval, Taylor-about-the-origin and centred
forms of :func:`~qsym.numeric.mu2.boxes.bound_box`; then, for a box about to be split, the exact
quadratic form near the origin (:func:`~qsym.numeric.mu2.boxes.exceeds_origin`), the division-free
test ``2U - t F^2 c > 0`` (:func:`~qsym.numeric.mu2.boxes.exceeds`) and the second-order form
(:func:`~qsym.numeric.mu2.boxes.second_order_lower`).

Scope: two fields close in about 2 000 - 20 000 boxes (0.5 - 5 s); three or four fields close when the
dip of mu^2 below ``m_0`` is not shallow (a minimum within 0.3 % of ``m_0`` over a circle of lightest
directions did not close in the budget: the result is then ``certified=False`` with the witness and the
polished minimum still exact).  Non-existence is decided to the tolerance only
(``existence_certified`` is False without a witness).  Beyond ``F_max`` the answer rests on SymPy's
ray limits (a path to infinity that is not a ray, e.g. ``y = 1``, ``x -> infinity`` in
``x^5 y e^(-y)``, is only seen up to ``F_max``).

Numeric layer: python-flint / mpmath only.
"""

from __future__ import annotations

import heapq
import itertools
import math
from dataclasses import dataclass, field
from typing import Callable

import mpmath

from qsym.errors import DeeperVacuumError, InputError
from qsym.numeric.kernels.balls import to_arb
from qsym.numeric.mu2.boxes import ORIGIN_TEST_F, Box, bound_box, exceeds, exceeds_origin, second_order_lower
from qsym.numeric.mu2.polish import newton_polish
from qsym.numeric.mu2.poly import as_mp
from qsym.numeric.mu2.result import Mu2Result

__all__ = ["NonPolyProblem", "minimize_nonpoly", "MAX_BOXES_NP", "F_MAX", "METHOD_NP"]

#: box budget of the non-polynomial branch and bound
MAX_BOXES_NP = 60_000
#: the largest ray length searched (|phi|_inf), and the first breakpoints of F
F_MAX = 2.0 ** 32
F_FIRST = 2.0 ** -10
#: an outer-edge box (F_hi = F_MAX, F_lo >= F_MAX / EDGE_RATIO) is split in direction only, and set
#: aside (the infimum at infinity) once narrower than EDGE_WIDTH
EDGE_WIDTH = 2.0 ** -30
EDGE_RATIO = 1.05

METHOD_NP = ("branch and bound over ray length x direction boxes (faces of the unit cube), every bound "
             "in Arb ball arithmetic (interval, Taylor-about-the-origin and centred forms); beyond "
             "|phi|_inf = 2^32 SymPy's limits of mu^2 along rays")


@dataclass(frozen=True)
class NonPolyProblem:
    r"""The input: field names, squared charges ``q2`` (Fraction or mpf), the origin limit ``m0``, one
    program per sign pattern ``s`` of ``psi -> U(s psi)`` on ``psi >= 0``
    (:class:`~qsym.numeric.mu2.program.ProgramND`), the sign patterns searched, the
    behaviour at infinity (``{"kind": "infinite"}`` or ``{"kind": "finite", "value": mpf,
    "direction": {...}}``) and ``mu2_numeric(signs)`` (mpmath callables U, grad, hess of mu^2 in the
    amplitudes, for the polish; None: no polish).

    .. math:: \mu^2(\phi) = 2U(\phi)/\textstyle\sum_k q_k^2\phi_k^2
    """

    fields: tuple
    q2: tuple
    m0: object
    programs: tuple
    signs: tuple
    infinity: dict
    mu2_numeric: Callable | None = None
    notes: tuple = ()


@dataclass
class _State:
    ub: float = math.inf
    best: tuple | None = None        # (box, F, v)
    best_ball: object = None
    witness: bool = False
    floor: float = math.inf          # smallest lower bound of a discarded box
    edge: float = math.inf           # smallest lower bound of a box set aside at the outer edge
    boxes: int = 0
    complete: bool = True
    counter: itertools.count = field(default_factory=itertools.count)


def _initial(problem: NonPolyProblem) -> list:
    n = len(problem.fields)
    cuts = [0.0, F_FIRST]
    while cuts[-1] < F_MAX:
        cuts.append(min(cuts[-1] * 16, F_MAX))
    return [Box((1,) * n, k, a, b, (0.0,) * (n - 1), (1.0,) * (n - 1), o)
            for o in range(len(problem.signs)) for k in range(n) for a, b in zip(cuts, cuts[1:])]


def _split(box: Box, side: int) -> list:
    if side < 0:
        a, b = box.f_lo, box.f_hi
        m = math.sqrt(a * b) if a > 0 and b > 4 * a else (a + b) / 2
        return [Box(box.signs, box.k, a, m, box.lo, box.hi, box.orth),
                Box(box.signs, box.k, m, b, box.lo, box.hi, box.orth)]
    a, b = box.lo[side], box.hi[side]
    m = (a + b) / 2
    lo2, hi1 = list(box.lo), list(box.hi)
    lo2[side], hi1[side] = m, m
    return [Box(box.signs, box.k, box.f_lo, box.f_hi, box.lo, tuple(hi1), box.orth),
            Box(box.signs, box.k, box.f_lo, box.f_hi, tuple(lo2), box.hi, box.orth)]


def _sample(st: _State, problem, box: Box, bb, m0a) -> None:
    """Record the midpoint sample: a deeper vacuum (U < 0 proven), a witness, a new best."""
    if bb.ub is None:
        return
    if bb.ball < 0:
        F, v = bb.point
        raise DeeperVacuumError(f"U < 0 at ({_point_text(problem, box, F, v)}): a vacuum deeper than "
                                "the origin, so the premise U(0) = 0 = min U of eq (9) fails")
    if bb.ball < m0a:
        st.witness = True
    if bb.ub < st.ub:
        st.ub, st.best, st.best_ball = bb.ub, (box, *bb.point), bb.ball


def _point_text(problem, box: Box, F: float, v) -> str:
    vals = _amplitudes(problem, box, F, v)
    return ", ".join(f"{f} = {x:.6g}" for f, x in zip(problem.fields, vals))


def _amplitudes(problem, box: Box, F: float, v) -> list:
    """The field values of a point of a box (the orthant's signs applied)."""
    out, it = [], 0
    for j, s in enumerate(problem.signs[box.orth]):
        if j == box.k:
            out.append(s * F)
        else:
            out.append(s * F * v[it])
            it += 1
    return out


def _search(problem: NonPolyProblem, q2, m0a, m0f: float, tol: float, max_boxes: int, progress) -> _State:
    st = _State()
    heap: list = []
    # the limit at infinity bounds the infimum from above, like the origin limit m0
    cap = min(m0f, float(problem.infinity["value"])) if problem.infinity.get("kind") == "finite" else m0f

    def evaluate(box):
        bb = bound_box(problem.programs[box.orth], q2, box)
        st.boxes += 1
        _sample(st, problem, box, bb, m0a)
        return bb

    for box in _initial(problem):
        bb = evaluate(box)
        heapq.heappush(heap, (bb.lb, next(st.counter), box, bb.split, False))
    report = 1000
    while heap:
        lb, _, box, side, stalled = heapq.heappop(heap)
        thr = min(st.ub, cap) - tol
        if lb >= thr:
            st.floor = min(st.floor, lb)
            break                       # best first: every remaining box is discarded too
        if st.boxes >= max_boxes:
            st.complete = False
            st.floor = min(st.floor, lb)
            break
        prog = problem.programs[box.orth]
        if (box.f_hi <= ORIGIN_TEST_F and exceeds_origin(prog, q2, box, thr)) or exceeds(prog, q2, box, thr):
            st.floor = min(st.floor, thr)      # mu^2 > thr proven on the box without a division
            continue
        if box.f_lo > 0:
            lb2 = second_order_lower(prog, q2, box)
            if lb2 >= thr:
                st.floor = min(st.floor, lb2)
                continue
        if box.f_hi >= F_MAX and box.f_lo >= F_MAX / EDGE_RATIO:
            if max((b - a for a, b in zip(box.lo, box.hi)), default=0.0) <= EDGE_WIDTH:
                st.edge = min(st.edge, lb)
                continue                # the infimum lies at (or beyond) the outer edge
            side = max(range(len(box.lo)), key=lambda j: box.hi[j] - box.lo[j])
            stalled = False
        sides = [side] + [j for j in range(-1, len(box.lo)) if j != side] if stalled else [side]
        best = None
        for sd in sides:                # a stalled box tries every side and keeps the best split
            kids = [(k, evaluate(k)) for k in _split(box, sd)]
            worst = min(bb.lb for _, bb in kids)
            if best is None or worst > best[0]:
                best = (worst, kids)
        for k, bb in best[1]:
            heapq.heappush(heap, (bb.lb, next(st.counter), k, bb.split, not best[0] > lb))
        if progress and st.boxes >= report:
            progress(f"mu^2 branch and bound: {st.boxes} boxes, {len(heap)} open, best {st.ub:.12g}")
            report *= 2
    return st


def minimize_nonpoly(problem: NonPolyProblem, dps: int = 30, rtol: float = 1e-9,
                     max_boxes: int = MAX_BOXES_NP, polish: bool = True, progress=None) -> Mu2Result:
    r"""Certified global minimum of mu^2 over ``0 < |phi|_inf <= F_MAX`` for a non-polynomial U, with the
    large-field behaviour of ``problem.infinity`` beyond.

    ``certified`` means the branch and bound closed within ``max_boxes`` with no box left at the
    outer edge (or one that the limit at infinity accounts for); the bracket ``[lower, upper]`` then
    holds the minimum, and ``qball_exists`` is proven by a witness (``existence_certified``).

    .. math:: \min_{\phi\neq 0} \frac{2U(\phi)}{\sum_k q_k^2\phi_k^2}

    Raises
    ------
    DeeperVacuumError
        U < 0 proven at a point.
    InputError
        mu^2 reaches 0 at a finite field (a second degenerate vacuum).
    """
    m0f = float(as_mp(problem.m0))
    tol = rtol * max(1.0, abs(m0f))
    q2 = [0 if c == 0 else to_arb(c, 10.0 ** (1 - dps)) for c in problem.q2]
    m0a = to_arb(problem.m0, 10.0 ** (1 - dps))
    st = _search(problem, q2, m0a, m0f, tol, int(max_boxes), progress)
    if st.best is None:
        raise InputError("mu^2 could not be evaluated at any point of field space (U is not finite there)")
    if st.witness and st.ub <= tol and problem.infinity.get("kind") == "infinite":
        raise InputError("mu^2 reaches 0: U has a second degenerate zero, so the origin is not the unique "
                         "vacuum and eq (9) does not apply")
    return _result(problem, st, tol, m0f, dps, polish)


def _result(problem, st: _State, tol: float, m0f: float, dps: int, polish: bool) -> Mu2Result:
    notes = list(problem.notes)
    inf = problem.infinity
    lower, upper = min(st.floor, st.ub), st.ub
    certified = st.complete
    at_infinity = inf.get("kind") == "finite" and float(inf["value"]) <= st.ub + tol
    if at_infinity:
        upper = min(upper, float(inf["value"]))
        lower = min(lower, upper)
        notes.append(f"inf mu^2 = {mpmath.nstr(inf['value'], 12)} is approached as |phi| -> infinity along "
                     f"{inf['direction']} (t_j free in [0, 1]) and not attained")
    elif st.edge < math.inf:
        certified = False
        notes.append("mu^2 does not settle at the outer edge |phi|_inf = 2^32 of the search: the "
                     "infimum may lie beyond it")
    if not certified:
        notes.append(f"the branch and bound did not close ({st.boxes} boxes): the bracket is not certified")
    exists = st.witness or (at_infinity and float(inf["value"]) < m0f)
    stats = {"boxes": st.boxes, "edge": st.edge < math.inf, "method": "nonpolynomial"}
    with mpmath.workdps(dps + 10):
        m0_mp = +as_mp(problem.m0)
        if at_infinity:
            val, at, err = mpmath.mpf(inf["value"]), {}, 0.0
            direc = {f: mpmath.mpf(str(inf["direction"].get(f, 0))) for f in problem.fields}
            nrm = mpmath.sqrt(sum(v ** 2 for v in direc.values()))
            direc = {f: v / nrm for f, v in direc.items()}
            at = {f: mpmath.inf * mpmath.sign(v) if v else mpmath.mpf(0) for f, v in direc.items()}
        elif not exists and st.ub >= m0f - tol:
            val, err = m0_mp, 0.0
            at = {f: mpmath.mpf(0) for f in problem.fields}
            direc = _direction(problem, st)
            notes.append("no point with mu^2 below its origin limit (to the tolerance): the infimum is the "
                         "limit at the origin")
        else:
            val, at, err = _polished(problem, st, lower, tol, dps, polish)
            nrm = mpmath.sqrt(sum(v ** 2 for v in at.values()))
            direc = {f: v / nrm for f, v in at.items()}
        return Mu2Result(+val, at, direc, m0_mp, bool(exists), bool(certified), float(lower), float(upper),
                         float(err), dps, st.boxes, method=METHOD_NP, notes=notes,
                         existence_certified=bool(st.witness), stats=stats)


def _direction(problem, st) -> dict:
    box, F, v = st.best
    amps = _amplitudes(problem, box, F, v)
    nrm = math.sqrt(sum(a * a for a in amps))
    return {f: mpmath.mpf(a / nrm) for f, a in zip(problem.fields, amps)}


def _polished(problem, st: _State, lower: float, tol: float, dps: int, polish: bool):
    """The best point, refined by Newton on grad mu^2 = 0 at ``dps`` digits when it stays in the bracket."""
    box, F, v = st.best
    amps = _amplitudes(problem, box, F, v)
    signs = problem.signs[box.orth]
    if polish and problem.mu2_numeric is not None:
        num = problem.mu2_numeric(signs)
        y0 = [abs(a) for a in amps]
        val, y, err = newton_polish(num, y0, st.ub, lower, tol, dps)
        return val, {f: s * yi for f, s, yi in zip(problem.fields, signs, y)}, err
    return mpmath.mpf(st.ub), {f: mpmath.mpf(a) for f, a in zip(problem.fields, amps)}, max(st.ub - lower, tol)
