r"""Certified global minimum of mu^2 (paper eq (9)) by branch and bound over directions.

With ``phi_k(x, t) = exp(i q_k omega t) phi_k(r)`` the existence function is
``mu^2(phi) = 2 U(phi) / sum_k q_k^2 phi_k^2``; a Q-ball exists iff its
infimum over ``phi != 0`` lies below its limit ``m_0`` at the origin.  The
minimum over the ray amplitude ``F`` is in closed form
(:func:`~qsym.numeric.mu2.bounds.g_from_values`),

.. math:: g(\psi) = \frac{2}{c}\Big[u_2 - \frac{\max(0,-u_3)^2}{4u_4}\Big],

so only the directions are searched: every chart
(:mod:`~qsym.numeric.mu2.patches`) is refined level by level together, so that
the best point found anywhere prunes everywhere.  Two passes bound each box:
the fast double-precision pass (:mod:`~qsym.numeric.mu2.bounds`, vectorised)
*proposes* the boxes to discard, and each proposal is decided again in Arb
ball arithmetic (python-flint, exact coefficients, directed rounding;
:mod:`~qsym.numeric.mu2.ballbounds`): a box is discarded only if the balls prove
its lower bound (a rejected box is split and kept).  The lower end of the
bracket is the smallest ball bound of a discarded box; the upper end is ``g``
at the best direction evaluated in balls.  Upper-bound samples come from box
midpoints, mean-value anchors and a few projected-gradient steps (heuristic,
never part of the certificate).  A Q-ball is certified to exist by a *witness*
field point where ``mu^2 < m_0`` is proven in balls
(:func:`~qsym.numeric.mu2.ballbounds.ball_witness`), and not to exist when every
box is discarded with ``g >= m_0`` proven.  A bracket whose lower end exceeds
its (certified) upper end means an unsound bound: the result is then not
certified (``stats["inconsistent"]``).  The minimiser is then polished by
Newton's method (:mod:`~qsym.numeric.mu2.polish`).  The theorem and every
inequality are in ``docs/certified.md``.

Scope: certification closes quickly for up to 4 fields (3-dimensional
charts); with 5 or more fields existence is still proven by a witness but
the value bracket may stay open within the default budget
(``certified=False``, ``existence_certified=True``).

Numeric layer: numpy / mpmath / python-flint only; the input is a
:class:`~qsym.numeric.mu2.problem.Mu2Problem` made by :mod:`qsym.api.mu2`.

>>> from fractions import Fraction
>>> from qsym.numeric.mu2.problem import Mu2Problem, OrthantData
>>> o = OrthantData((1,), {(2,): Fraction(1, 2)}, {(3,): Fraction(-1)}, {(4,): Fraction(1)},
...                 {(2,): Fraction(1)})
>>> r = minimize(Mu2Problem(("p",), Fraction(1), (o,)), dps=15, polish=False)
>>> r.qball_exists, r.certified, float(r.mu2_min)
(True, True, 0.5)
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import mpmath
import numpy as np

from qsym.errors import DeeperVacuumError, InputError, UnboundedBelowError

from qsym.numeric.kernels.balls import float_down, float_up, to_arb, workprec

from .ballbounds import ball_witness, box_lower, point_upper
from .bounds import g_from_values, g_lower, local_descent
from .patches import Chart, charts, make_patch
from .polish import newton_polish
from .poly import as_mp, up
from .problem import Mu2Problem
from .result import Mu2Result
from .witness import classify_point, point_text

__all__ = ["minimize", "DEFAULT_RTOL", "MAX_BOXES", "MAX_WORK", "POLISH_MAX_TERMS"]

#: relative tolerance of the certified bracket [lower, upper] of min mu^2
DEFAULT_RTOL = 1e-9
#: branch-and-bound budget (boxes evaluated) before giving up certification
MAX_BOXES = 400_000
#: second budget on the work (boxes x polynomial terms x variables, the size of the interval
#: evaluations): many fields and terms end the search in seconds, with certified=False
MAX_WORK = 2 * 10**8
#: Newton polish of the minimiser only for U with at most this many terms (its callables
#: differentiate mu^2 symbolically)
POLISH_MAX_TERMS = 150


@dataclass
class _Boxes:
    """The open boxes of one chart: corners ``lo``, ``hi`` (rows) and inherited lower bounds."""

    chart: Chart
    lo: np.ndarray
    hi: np.ndarray
    glo: np.ndarray
    first: bool = True
    visits: int = 0


@dataclass
class _Search:
    """The state of one branch and bound: the best point so far, the budgets used, the verdicts."""

    fields: tuple
    m0: object                  # exact origin limit (Fraction or mpf)
    tol: float
    dps: int
    ub: float = math.inf        # best value found (an upper bound of the minimum)
    best: tuple | None = None   # (patch, psi float array, F float)
    witness: bool = False       # a Q-ball proven to exist
    complete: bool = True       # every box closed within the budget
    boxes_used: int = 0
    work_used: int = 0
    levels: int = 0
    lower_pruned: float = math.inf      # rigorous (ball) lower bound of g on every discarded box
    ball_boxes: int = 0                 # boxes whose discarding was decided in ball arithmetic
    ball_rejected: int = 0              # boxes the float pass would discard but the balls did not
    lifted_any: bool = False            # some box discarded by a proof of g >= m0
    inconsistent: bool = False          # a discarded box's bound above a certified value of g
    states: list = field(default_factory=list)
    rel: float = 0.0                    # relative accuracy of irrational input numbers (dps digits)
    _m0_lo: float | None = None

    @property
    def m0f(self) -> float:
        return float(self.m0)

    @property
    def m0_hi(self) -> float:
        return float(up(np.array(self.m0f)))

    @property
    def m0_lo(self) -> float:
        """A double <= m0 (rigorous)."""
        if self._m0_lo is None:
            with workprec():
                self._m0_lo = float_down(to_arb(self.m0, self.rel))
        return self._m0_lo

    def offer(self, p, pts, gv, Fv):
        """Take the best sample if it improves the upper bound."""
        j = int(np.argmin(gv))
        if gv[j] < self.ub:
            self.ub, self.best = float(gv[j]), (p, pts[j].copy(), float(Fv[j]))


def _grid(d: int) -> np.ndarray:
    """Coarse grid on ``[0, 1]^d`` (all pure-field and equal-mixture directions)."""
    if not d:
        return np.zeros((1, 0))
    g1 = np.linspace(0.0, 1.0, 5 if d <= 3 else (3 if d <= 6 else 2))
    return np.array(list(itertools.product(g1, repeat=d)), dtype=float).reshape(-1, d)


def _seed(s: _Search, patches: list, n: int):
    """A first upper bound from a coarse grid on every facet, so pruning works from the start."""
    grid = _grid(n - 1)
    for p in patches:
        for k in range(n):
            one = np.ones((grid.shape[0], 1))
            pts = np.hstack([grid[:, :k], one, grid[:, k:]])
            vals = [q.value(pts) for q in p.polys()]
            gv, Fv = g_from_values(*vals)
            j = int(np.argmin(gv))
            if gv[j] < s.ub and np.isfinite(gv[j]) and vals[2][j] > 0:
                s.ub, s.best = float(gv[j]), (p, pts[j].copy(), float(Fv[j]))


def _samples(st: _Boxes, anc) -> np.ndarray:
    """Sample directions of a level: box midpoints, mean-value anchors (on the faces where g is
    monotone, so boundary minima are found quickly), corners at first, a few descents."""
    ch, d = st.chart, st.lo.shape[1]
    zs = (st.lo + st.hi) / 2 if anc is None else np.vstack([(st.lo + st.hi) / 2, anc])
    pts = ch.to_psi(zs)
    first, st.first = st.first, False
    if first:
        corners = np.array(list(itertools.product((0.0, 1.0), repeat=d)),
                           dtype=float).reshape(-1, d) if d else np.zeros((1, 0))
        pts = np.vstack([pts, ch.to_psi(corners)])
    if d and (first or st.visits % 8 == 4):
        gz = g_from_values(*(q.value(zs) for q in ch.polys()))[0]
        top = zs[np.argsort(gz)[:4]]
        pts = np.vstack([pts, ch.to_psi(local_descent(ch, top))])
    st.visits += 1
    return pts


def _decide_points(s: _Search, p, pts, vals, gv, Fv):
    """Decide the suspicious samples exactly: unbounded / negative (errors) or a witness."""
    bad = np.where((vals[2] <= 0) | (gv < s.m0f + s.tol))[0]
    for i in bad[np.argsort(gv[bad])][:8]:
        kind, x = classify_point(p, pts[i], s.m0, s.dps)
        if kind == "unbounded":
            raise UnboundedBelowError("U is unbounded below along the direction "
                                      f"({point_text(s.fields, p.signs, x)}): no Q-ball can be stable")
        if kind == "negative":
            raise DeeperVacuumError(f"U < 0 at ({point_text(s.fields, p.signs, x, float(Fv[i]))}): a vacuum "
                                    "deeper than the origin, so the premise U(0) = 0 = min U of eq (9) fails")
        if kind == "witness":
            with workprec(2 * 64):   # the decision: mu^2(F s psi) < m0 in balls at the point
                s.witness = s.witness or ball_witness(p, pts[i], float(Fv[i]), s.m0)


def _ball_confirm(s: _Search, st: _Boxes, cand: np.ndarray, anc, thr: float, parts: dict) -> np.ndarray:
    """The candidates (indices the float pass would discard) whose lower bound ``>= thr`` (or
    ``g >= m0``, when ``m0`` is not below the target) is proven in ball arithmetic."""
    ok = np.zeros(cand.shape[0], dtype=bool)
    lift_enough = s.m0_hi >= thr
    naive, lift = parts.get("naive"), parts.get("lift")
    low_all = None
    with workprec():
        for n, i in enumerate(cand):
            a = st.lo[i] if anc is None else anc[i]
            hint = None if naive is None else (
                "naive" if naive[i] >= thr else ("lift" if lift[i] and lift_enough else "mv"))
            low, lifted = box_lower(st.chart, st.lo[i], st.hi[i], a, s.m0, thr, lift_enough, hint)
            if lifted and lift_enough:
                ok[n] = True
                s.lifted_any = True
            elif low is not None and low >= thr:
                ok[n] = True
                low_all = low if low_all is None else low_all.min(low)
        if low_all is not None:
            s.lower_pruned = min(s.lower_pruned, float_down(low_all))
    if s.lifted_any:
        s.lower_pruned = min(s.lower_pruned, s.m0_lo)
    s.ball_boxes += int(ok.sum())
    s.ball_rejected += int((~ok).sum())
    return ok


def _prune_split(s: _Search, st: _Boxes, glo, anc=None, parts=None):
    """Drop the boxes whose lower bound cannot beat the target (proposed by the float bound,
    decided in balls); bisect the others on their longest edge."""
    thr = s.ub - s.tol if s.witness else max(s.m0_hi, s.ub - s.tol)
    cand = np.where(glo >= thr)[0]
    prune = np.zeros(glo.shape[0], dtype=bool)
    prune[cand[_ball_confirm(s, st, cand, anc, thr, parts or {})]] = True
    lo, hi, glo = st.lo[~prune], st.hi[~prune], glo[~prune]
    if lo.shape[0] and lo.shape[1]:
        kk = np.argmax(hi - lo, axis=1)
        rows = np.arange(lo.shape[0])
        midk = (lo[rows, kk] + hi[rows, kk]) / 2
        hi1 = hi.copy()
        hi1[rows, kk] = midk
        lo2 = lo.copy()
        lo2[rows, kk] = midk        # children inherit the bound
        lo, hi, glo = np.vstack([lo, lo2]), np.vstack([hi1, hi]), np.concatenate([glo, glo])
    st.lo, st.hi, st.glo = lo, hi, glo


def _refine(s: _Search, st: _Boxes):
    """One level of one chart: bound every open box, sample, decide, prune and split."""
    ch = st.chart
    p = ch.patch
    s.boxes_used += st.lo.shape[0]
    s.work_used += st.lo.shape[0] * ch.cost()
    parts = {}
    glo, u4h, anc = g_lower(ch, st.lo, st.hi, s.m0_hi, parts)
    pts = _samples(st, anc)
    vals = [q.value(pts) for q in p.polys()]
    gv, Fv = g_from_values(*vals)
    _decide_points(s, p, pts, vals, gv, Fv)
    if np.any(u4h < 0):
        i = int(np.argmax(u4h < 0))
        raise UnboundedBelowError("U is unbounded below (negative quartic part near direction "
                                  f"{point_text(s.fields, p.signs, pts[i])})")
    s.offer(p, pts, gv, Fv)
    _prune_split(s, st, glo, anc, parts)


def _run(s: _Search, max_boxes: int, progress):
    """Refine all charts level by level until every box is closed or a budget runs out."""
    d = len(s.fields) - 1
    while any(st.lo.shape[0] for st in s.states):
        if progress and s.levels:
            progress(f"mu^2 branch and bound, level {s.levels}: {s.boxes_used} boxes used, "
                     f"{sum(st.lo.shape[0] for st in s.states)} open, best {s.ub:.12g}")
        s.levels += 1
        if s.boxes_used > max_boxes or s.work_used > MAX_WORK or (d == 0 and s.boxes_used):
            s.complete = False
            s.lower_pruned = min([s.lower_pruned] + [float(st.glo.min()) for st in s.states if st.lo.shape[0]])
            return
        for st in s.states:
            if st.lo.shape[0]:
                _refine(s, st)


def minimize(problem: Mu2Problem, dps: int, rtol: float = DEFAULT_RTOL, max_boxes: int = MAX_BOXES,
             polish: bool = True, progress=None) -> Mu2Result:
    r"""Certified global minimum of ``mu^2`` over the directions of ``problem``.

    Parameters
    ----------
    problem : Mu2Problem
        Field names, the exact origin limit ``m0`` and the orthants' exact polynomials.
    dps : int
        Digits of the polished result.
    rtol : float
        Relative width of the certified bracket (relative to ``max(1, |m0|)``).
    max_boxes : int
        Branch-and-bound budget; when it runs out ``certified`` is False.
    polish : bool
        Refine the minimiser by Newton's method at ``dps`` digits.
    progress : callable(str) or None
        Receives one line per level.

    Raises
    ------
    UnboundedBelowError, DeeperVacuumError, InputError
        U unbounded below; U < 0 somewhere; a second degenerate zero of U.

    .. math:: \min_{\phi\neq 0} \frac{2U(\phi)}{\sum_k q_k^2\phi_k^2}

    >>> from fractions import Fraction
    >>> from qsym.numeric.mu2.problem import Mu2Problem, OrthantData
    >>> one = Fraction(1)                      # U = a^2 + b^2 + a^4 + b^4: no Q-ball
    >>> o = OrthantData((1, 1), {(2, 0): one, (0, 2): one}, {}, {(4, 0): one, (0, 4): one},
    ...                 {(2, 0): one, (0, 2): one}, rho={})     # rho_bar = 0: no cubic
    >>> r = minimize(Mu2Problem(("a", "b"), Fraction(2), (o,)), dps=15)
    >>> r.qball_exists, r.status, float(r.mu2_min)
    (False, 'converged', 2.0)
    """
    n = problem.n
    s = _Search(tuple(problem.fields), problem.m0, rtol * max(1.0, abs(float(problem.m0))), dps)
    s.rel = 10.0 ** (1 - dps)
    with np.errstate(all="ignore"):
        patches = [make_patch(o, n, problem.m0, dps) for o in problem.orthants]
        _seed(s, patches, n)
        s.states = [_Boxes(ch, np.zeros((1, n - 1)), np.ones((1, n - 1)), np.full(1, -np.inf))
                    for p in patches for ch in charts(p)]
        _run(s, int(max_boxes), progress)
        return _finish(s, problem, polish)


def _finish(s: _Search, problem: Mu2Problem, polish: bool) -> Mu2Result:
    """Verdicts and the result (polished when a Q-ball exists)."""
    if s.ub < -s.tol and s.witness:
        raise DeeperVacuumError("U < 0 somewhere: a vacuum deeper than the origin")
    upper = _certified_upper(s)
    if s.complete and s.lower_pruned > upper:
        # a sound lower bound never exceeds a value of g: the certificate contradicts itself
        s.complete, s.inconsistent = False, True
    lower = min(s.lower_pruned, upper)
    if not s.witness and s.complete and lower < s.m0f - s.tol:
        s.complete = False
    if s.witness and abs(s.ub) <= s.tol:
        raise InputError("mu^2 reaches 0: U has a second degenerate zero, so the origin is not "
                         "the unique vacuum and eq (9) does not apply")
    notes = sorted({nt for o in problem.orthants for nt in o.notes})
    with mpmath.workdps(s.dps + 10):
        m0_mp = as_mp(s.m0)
        if s.witness:
            return _qball_result(s, lower, upper, m0_mp, polish, notes)
        return _no_qball_result(s, lower, upper, m0_mp, notes)


def _certified_upper(s: _Search) -> float:
    """The upper end of the bracket: ``g`` at the best direction, evaluated in balls and rounded up
    (``m0`` itself is no upper bound: in the amplitude domain the lightest direction may be
    outside it); an undecidable point leaves the result uncertified."""
    p, psi, _ = s.best
    with workprec():
        g = point_upper(p, psi)
        up_best = float_up(g) if g is not None else math.inf
    if not math.isfinite(up_best):
        s.complete = False
        return max(s.ub, s.m0f)
    return up_best


def _stats(s: _Search) -> dict:
    return {"boxes": s.boxes_used, "levels": s.levels, "work": s.work_used,
            "ball_boxes": s.ball_boxes, "ball_rejected": s.ball_rejected, "inconsistent": s.inconsistent}


def _no_qball_result(s: _Search, lower: float, upper: float, m0_mp, notes: list) -> Mu2Result:
    """No Q-ball: the infimum is the origin limit (at the origin) or the best value found."""
    p, psi, F = s.best
    nrm = math.sqrt(float((psi**2).sum()))
    direc = {f: mpmath.mpf(sg * v / nrm) for f, sg, v in zip(s.fields, p.signs, psi)}
    at_origin = s.ub <= s.m0f + s.tol
    val = m0_mp if at_origin else mpmath.mpf(s.ub)
    err = 0.0 if at_origin else max(s.ub - lower, 0.0)
    at = {f: mpmath.mpf(0) for f in s.fields} if at_origin else {
        f: mpmath.mpf(sg * F * v) for f, sg, v in zip(s.fields, p.signs, psi)}
    return Mu2Result(+val, at, direc, +m0_mp, False, s.complete, lower, upper, err, s.dps,
                     s.boxes_used, notes=notes, existence_certified=s.complete, stats=_stats(s))


def _qball_result(s: _Search, lower: float, upper: float, m0_mp, polish: bool, notes: list) -> Mu2Result:
    """A Q-ball exists: the best point, polished by Newton at ``dps`` digits when U is small enough."""
    p, psi, F = s.best
    big = sum(q.nterms for q in (p.u2, p.u3, p.u4)) > POLISH_MAX_TERMS
    if polish and big:
        notes = notes + [f"not polished: U has more than {POLISH_MAX_TERMS} terms (the symbolic "
                         "Hessian of mu^2 would cost minutes); the value is the best "
                         "branch-and-bound point, its error the bracket width"]
    if polish and not big and p.data is not None and p.data.mu2_numeric is not None:
        val, y, err = newton_polish(p.data.mu2_numeric(), [F * float(v) for v in psi], s.ub, lower, s.tol, s.dps)
        at = {f: sg * v for f, sg, v in zip(s.fields, p.signs, y)}
    else:
        val, err = mpmath.mpf(s.ub), max(s.ub - lower, s.tol)
        at = {f: mpmath.mpf(sg * F * float(v)) for f, sg, v in zip(s.fields, p.signs, psi)}
    nrm = mpmath.sqrt(sum(v**2 for v in at.values()))
    direc = {f: v / nrm for f, v in at.items()}
    return Mu2Result(+val, at, direc, +m0_mp, True, s.complete, lower, upper, err, s.dps,
                     s.boxes_used, notes=notes, existence_certified=True, stats=_stats(s))
