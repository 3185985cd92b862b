r"""Certified bounds of mu^2 on a box of (ray length, direction) for a non-polynomial multi-field U.

A box is ``F in [F_lo, F_hi]`` times a box of directions on the face ``psi_k = 1`` of the unit cube
(``0 <= psi_j <= 1``, ``j != k``) in the orthant ``phi = s psi F``.  With
``c(psi) = sum_j q_j^2 psi_j^2`` three lower bounds of ``mu^2 = 2U/(F^2 c)`` are taken in Arb balls
(:class:`~qsym.numeric.mu2.program.ProgramND`) and the largest is kept:

.. math::

    \text{(direct)}\quad & \mu^2 \ge 2\,\underline U / (F^2 c) \text{ at the worst ends}, \\
    \text{(origin)}\quad & U(F\psi)/F^2 \in u_2(\psi) + F u_3(\psi) + F^2 R_4,\quad
        R_4 \ni \tfrac{1}{24}\partial_F^4 U(\xi\psi),\ \xi\in[0, F_{hi}], \\
    \text{(centred)}\quad & \mu^2 \ge \mu^2(m) - \sum_i |\partial_i\mu^2(B)|\,r_i .

The origin form needs ``U(0) = 0`` and ``grad U(0) = 0`` (the premise of eq (9)); it is the one
that bounds the boxes touching ``F = 0``.  The split direction is the one with the largest
contribution to the gap (the centred form's terms), else the widest side.

Numeric layer: python-flint / mpmath only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import flint
from flint import arb, arb_series

from qsym.numeric.kernels.arbprog import NotAnalyticHere
from qsym.numeric.kernels.balls import float_down, float_up
from qsym.numeric.mu2.program import ProgramND, series_along

__all__ = ["Box", "BoxBound", "bound_box", "exceeds", "exceeds_origin", "second_order_lower", "point_value", "PREC"]

#: bits of the ball arithmetic of the box bounds
PREC = 128
#: boxes with F_hi below this are bounded (and split) by the Taylor form about the origin
ORIGIN_F = 1e-2
#: boxes with F_hi below this are tested by :func:`exceeds_origin`
ORIGIN_TEST_F = 1.0


@dataclass
class Box:
    """``F in [f_lo, f_hi]``, the free direction components ``v in [lo, hi]`` on the face ``psi_k = 1``
    of the orthant ``signs``."""

    signs: tuple
    k: int
    f_lo: float
    f_hi: float
    lo: tuple
    hi: tuple
    orth: int = 0           # which orthant program evaluates the box (the caller's bookkeeping)


@dataclass
class BoxBound:
    """The certified lower bound ``lb`` of mu^2 on a box (``-inf`` when none), the side to split
    (``-1``: F, ``j``: the free component j), and the sampled midpoint with the upper end of its
    ball value ``ub`` (None when it could not be evaluated)."""

    lb: float
    split: int
    point: tuple | None
    ub: float | None
    ball: object = None


def _psi(box: Box, n: int, lo: bool | None):
    """Direction components as arb balls (``lo``: True the lower ends, False the upper, None the box)."""
    out, it = [], 0
    for j in range(n):
        if j == box.k:
            out.append(arb(1))
            continue
        a, b = box.lo[it], box.hi[it]
        it += 1
        out.append(arb(a) if lo is True else arb(b) if lo is False else arb(a).union(arb(b)))
    return out


def _c(q2: list, psi: list):
    v = arb(0)
    for q, p in zip(q2, psi):
        if q:
            v += q * p * p
    return v


def _ratio_lower(V_lo: arb, c_lo: arb, c_hi: arb) -> float:
    """``min 2V/c`` over ``V >= V_lo``, ``c in [c_lo, c_hi]`` (c > 0), rounded down."""
    if V_lo >= 0:
        return float_down(2 * V_lo / c_hi) if c_hi > 0 else math.inf
    if not c_lo > 0:
        return -math.inf
    return float_down(2 * V_lo / c_lo)


def _direct(prog, q2, box, n) -> float:
    """The interval bound of U over the box divided by the worst ``F^2 c``."""
    if not box.f_lo > 0:
        return -math.inf
    plo, phi = _psi(box, n, True), _psi(box, n, False)
    Flo, Fhi = arb(box.f_lo), arb(box.f_hi)
    pairs = []
    for s, a, b in zip(box.signs, plo, phi):
        l, h = a * Flo, b * Fhi
        pairs.append((l, h) if s > 0 else (-h, -l))
    l, _ = prog.interval(pairs, PREC)
    if not l.is_finite():
        return -math.inf
    U_lo = l.lower()
    if U_lo >= 0:
        return _ratio_lower(U_lo / (Fhi * Fhi), _c(q2, plo), _c(q2, phi))
    return _ratio_lower(U_lo / (Flo * Flo), _c(q2, plo), _c(q2, phi))


def _origin(prog, q2, box, n) -> tuple:
    """The Taylor bound about ``F = 0``: ``(lb, spread of 2 u_2/c, size of the F terms)``."""
    psi = _psi(box, n, None)
    slope = [s * p for s, p in zip(box.signs, psi)]
    zero = [arb(0)] * n
    c0 = series_along(prog, zero, slope, 4, PREC)
    T = arb(0).union(arb(box.f_hi))
    r4 = series_along(prog, [T * a for a in slope], slope, 5, PREC)[4]
    F = arb(box.f_lo).union(arb(box.f_hi))
    rest = F * (c0[3] + F * r4)
    V = c0[2] + rest
    if not V.is_finite():
        return -math.inf, math.inf, math.inf
    c = _c(q2, psi)
    lb = _ratio_lower(V.lower(), _c(q2, _psi(box, n, True)), _c(q2, _psi(box, n, False)))
    # what the direction width costs (the spread of u_2/c and of F u_3) against what the F width costs
    spread = float((2 * (c0[2] + box.f_hi * c0[3]) / c).rad()) if c > 0 else math.inf
    fterm = float((abs(c0[3]) * (box.f_hi - box.f_lo) + abs(r4) * box.f_hi ** 2).upper())
    return lb, spread, fterm


def point_value(prog, q2, signs, k, F: float, v: tuple, prec: int = PREC):
    """mu^2 at one point of a face chart as an arb ball (not finite where U is undefined)."""
    n = len(signs)
    psi, it = [], 0
    for j in range(n):
        if j == k:
            psi.append(arb(1))
        else:
            psi.append(arb(v[it]))
            it += 1
    with flint.ctx.workprec(prec):
        Fa = arb(F)
        U = prog.run([s * p * Fa for s, p in zip(signs, psi)], prec)
        return 2 * U / (Fa * Fa * _c(q2, psi))


def _gradient_terms(prog, q2, box, n, combine) -> list:
    """``[|d_i f(B)| r_i]`` (F first, then the free components) for ``f = combine(U, F^2 c)`` built from
    one-parameter series (each variable in turn as ``box + t``, the others as balls)."""
    psi = _psi(box, n, None)
    F = arb(box.f_lo).union(arb(box.f_hi))
    terms = []
    cap = flint.ctx.cap
    flint.ctx.cap = 2
    try:
        with flint.ctx.workprec(PREC):
            # d/dF: phi = s psi (F + t), F^2 c -> (F + t)^2 c
            xs = [arb_series([s * p * F, s * p], prec=2) for s, p in zip(box.signs, psi)]
            Ft = arb_series([F, 1], prec=2)
            g = combine(prog.run(xs, PREC), Ft * Ft * _c(q2, psi)).coeffs()
            terms.append(abs(g[1]) * (box.f_hi - box.f_lo) / 2 if len(g) > 1 else arb(0))
            free = [j for j in range(n) if j != box.k]
            for it, j in enumerate(free):
                xs = [arb_series([s * p * F], prec=2) for s, p in zip(box.signs, psi)]
                xs[j] = arb_series([box.signs[j] * psi[j] * F, box.signs[j] * F], prec=2)
                pj = arb_series([psi[j], 1], prec=2)
                cc = _c([q for i, q in enumerate(q2) if i != j], [p for i, p in enumerate(psi) if i != j])
                g = combine(prog.run(xs, PREC), F * F * (cc + q2[j] * pj * pj)).coeffs()
                terms.append(abs(g[1]) * (box.hi[it] - box.lo[it]) / 2 if len(g) > 1 else arb(0))
    finally:
        flint.ctx.cap = cap
    return terms


def _centred(prog, q2, box, n, mid_val) -> tuple:
    """The mean-value bound about the midpoint: ``(lb, [|g_i| r_i])`` (F first, then the free v)."""
    terms = _gradient_terms(prog, q2, box, n, lambda U, D: 2 * U / D)
    with flint.ctx.workprec(PREC):
        lb = mid_val - sum(terms, arb(0))
    if not lb.is_finite():
        return -math.inf, None
    return float_down(lb), [float(t.upper()) for t in terms]


def exceeds(prog, q2, box: Box, t: float) -> bool:
    r"""Whether ``mu^2 > t`` is proven on all of ``box`` through ``G = 2U - t F^2 c > 0`` (no division:
    it also decides boxes reaching an uncharged direction, ``c = 0``), by the centred form of G.

    .. math:: G(m) - \sum_i |\partial_i G(B)|\, r_i > 0 \;\Rightarrow\; \mu^2 > t \text{ on } B
    """
    if not box.f_lo > 0:
        return False
    n = len(box.signs)
    ta = arb(t)
    try:
        terms = _gradient_terms(prog, q2, box, n, lambda U, D: 2 * U - ta * D)
        Fm = (box.f_lo + box.f_hi) / 2
        vm = tuple((a + b) / 2 for a, b in zip(box.lo, box.hi))
        with flint.ctx.workprec(PREC):
            psi, it = [], 0
            for j in range(n):
                psi.append(arb(1) if j == box.k else arb(vm[it]))
                it += j != box.k
            Fa = arb(Fm)
            G = 2 * prog.run([s * p * Fa for s, p in zip(box.signs, psi)], PREC) - ta * Fa * Fa * _c(q2, psi)
            low = G - sum(terms, arb(0))
    except (NotAnalyticHere, ArithmeticError, ValueError, ZeroDivisionError):
        return False
    return bool(low.is_finite() and low > 0)


def _directional(prog, q2, box: Box, base_F, base_v: list, d: list, length: int) -> list:
    """Taylor coefficients in t of ``mu^2`` at ``(F, v) = base + t d`` (base: arb balls; d: floats,
    F first), ``length`` of them (python-flint's series length is set by the caller)."""
    n = len(box.signs)
    Ft = arb_series([base_F, d[0]], prec=length)
    psi, it = [], 0
    for j in range(n):
        if j == box.k:
            psi.append(None)
        else:
            psi.append(arb_series([base_v[it], d[1 + it]], prec=length))
            it += 1
    xs = [s * Ft if p is None else s * p * Ft for s, p in zip(box.signs, psi)]
    c = arb_series([arb(0)], prec=length)
    for q, p in zip(q2, psi):
        if not isinstance(q, int):
            c = c + (q if p is None else q * p * p)
    return (2 * prog.run(xs, PREC) / (Ft * Ft * c)).coeffs()


def second_order_lower(prog, q2, box: Box) -> float:
    r"""A lower bound of mu^2 on ``box`` (``F_lo > 0``) from the second-order form about its centre ``m``:
    with ``u_i = (z_i - m_i)/r_i``, ``G = r * grad mu^2(m)`` (at the point) and ``K_ij = r_i r_j``
    times the Hessian enclosure over the box,

    .. math:: \mu^2 \ge \mu^2(m) + G\cdot u + \tfrac12 u^T K u \ge \mu^2(m) - \frac{|G|^2}{2\lambda}
              \quad (\lambda \le \lambda_{\min}(K) \text{ by Gershgorin}, \lambda > 0),

    else ``mu^2(m) - sum |G_i| - sum_{ij} max(0, -K_ij) / 2``.  Near a minimum the error is third
    order in the box size (the first-order form's is second order).  ``-inf`` when undecided.
    """
    n = len(box.signs)
    nv = n                                   # F and the n - 1 free components
    r = [(box.f_hi - box.f_lo) / 2] + [(b - a) / 2 for a, b in zip(box.lo, box.hi)]
    mF = (box.f_lo + box.f_hi) / 2
    mv = [(a + b) / 2 for a, b in zip(box.lo, box.hi)]
    F = arb(box.f_lo).union(arb(box.f_hi))
    V = [arb(a).union(arb(b)) for a, b in zip(box.lo, box.hi)]
    cap = flint.ctx.cap
    flint.ctx.cap = 3
    try:
        with flint.ctx.workprec(PREC):
            e = [[float(i == j) for j in range(nv)] for i in range(nv)]
            g, f0 = [], None
            for i in range(nv):
                cs = _directional(prog, q2, box, arb(mF), [arb(x) for x in mv], e[i], 2)
                f0 = cs[0] if f0 is None else f0
                g.append(cs[1] if len(cs) > 1 else arb(0))
            dd = {}
            for i in range(nv):
                for j in range(i, nv):
                    d = [a + b for a, b in zip(e[i], e[j])] if i != j else e[i]
                    cs = _directional(prog, q2, box, F, V, d, 3)
                    dd[i, j] = 2 * cs[2] if len(cs) > 2 else arb(0)
            H = [[None] * nv for _ in range(nv)]
            for i in range(nv):
                H[i][i] = dd[i, i]
            for i in range(nv):
                for j in range(i + 1, nv):
                    H[i][j] = H[j][i] = (dd[i, j] - dd[i, i] - dd[j, j]) / 2
            G = [g[i] * r[i] for i in range(nv)]
            K = [[H[i][j] * r[i] * r[j] for j in range(nv)] for i in range(nv)]
            lam = min((K[i][i] - sum((abs(K[i][j]) for j in range(nv) if j != i), arb(0))).lower()
                      for i in range(nv))
            lin = sum((abs(x) for x in G), arb(0))
            neg = sum((abs(K[i][j]) for i in range(nv) for j in range(nv) if i != j), arb(0))
            negd = sum((abs(K[i][i]) for i in range(nv) if not K[i][i] >= 0), arb(0))
            lb = f0 - lin - (neg + negd) / 2
            if lam > 0:
                lb2 = f0 - sum((x * x for x in G), arb(0)) / (2 * lam)
                lb = lb2 if lb2.lower() > lb.lower() else lb
    except (NotAnalyticHere, ArithmeticError, ValueError, ZeroDivisionError):
        return -math.inf
    finally:
        flint.ctx.cap = cap
    return float_down(lb) if lb.is_finite() else -math.inf


def _hessian(prog, signs: tuple):
    """The Hessian of U at the origin in the orthant's amplitudes, ``S H S`` (arb matrix as nested
    lists), by polarisation of ``u_2(v) = v^T H v / 2`` (cached on the program per sign pattern)."""
    cache = prog.__dict__.setdefault("_hessians", {})
    if signs not in cache:
        n = len(signs)
        zero = [arb(0)] * n

        def u2(v):
            return series_along(prog, zero, [arb(s * a) for s, a in zip(signs, v)], 3, PREC)[2]
        e = [[int(i == j) for j in range(n)] for i in range(n)]
        d = [u2(e[i]) for i in range(n)]
        H = [[2 * d[i] if i == j else u2([a + b for a, b in zip(e[i], e[j])]) - d[i] - d[j]
              for j in range(n)] for i in range(n)]
        cache[signs] = H
    return cache[signs]


def exceeds_origin(prog, q2, box: Box, t: float) -> bool:
    r"""Whether ``mu^2 > t`` is proven on a box near the origin from the Taylor form about ``F = 0``,

    .. math:: \frac{2U(F\psi)}{F^2} - t\,c(\psi) \in \psi^T A\,\psi + 2F\,u_3(\psi) + 2F^2 R_4, \qquad
              A = SHS - t\,\mathrm{diag}(q^2),

    the quadratic form bounded exactly about the box centre (its gradient and curvature terms), the
    rest in balls: no dependency between ``u_2`` and ``c`` (the lightest directions, where
    ``mu^2 -> m_0``, need no fine boxes).
    """
    n = len(box.signs)
    try:
        with flint.ctx.workprec(PREC):
            H = _hessian(prog, box.signs)
            ta = arb(t)
            A = [[H[i][j] - (ta * q2[i] if i == j and not isinstance(q2[i], int) else 0) for j in range(n)]
                 for i in range(n)]
            m, r, it = [], [], 0
            for j in range(n):
                if j == box.k:
                    m.append(arb(1))
                    r.append(arb(0))
                else:
                    m.append(arb((box.lo[it] + box.hi[it]) / 2))
                    r.append(arb((box.hi[it] - box.lo[it]) / 2))
                    it += 1
            Am = [sum((A[i][j] * m[j] for j in range(n)), arb(0)) for i in range(n)]
            p = sum((m[i] * Am[i] for i in range(n)), arb(0))
            p -= sum((2 * abs(Am[i]) * r[i] for i in range(n)), arb(0))
            p -= sum((abs(A[i][j]) * r[i] * r[j] for i in range(n) for j in range(n)), arb(0))
            psi = _psi(box, n, None)
            slope = [s * a for s, a in zip(box.signs, psi)]
            c3 = series_along(prog, [arb(0)] * n, slope, 4, PREC)[3]
            T = arb(0).union(arb(box.f_hi))
            r4 = series_along(prog, [T * a for a in slope], slope, 5, PREC)[4]
            F = arb(box.f_lo).union(arb(box.f_hi))
            W = p + 2 * F * (c3 + F * r4)
    except (NotAnalyticHere, ArithmeticError, ValueError, ZeroDivisionError):
        return False
    return bool(W.is_finite() and W > 0)


def bound_box(prog: ProgramND, q2: list, box: Box) -> BoxBound:
    """The certified lower bound of mu^2 on ``box``, the side to split and the midpoint sample."""
    n = len(box.signs)
    Fm = math.sqrt(box.f_lo * box.f_hi) if box.f_lo > 0 and box.f_hi > 4 * box.f_lo else \
        (box.f_lo + box.f_hi) / 2
    vm = tuple((a + b) / 2 for a, b in zip(box.lo, box.hi))
    point, ub, val = (Fm, vm), None, None
    try:
        val = point_value(prog, q2, box.signs, box.k, Fm, vm)
        ub = float_up(val) if val.is_finite() else None
    except (NotAnalyticHere, ArithmeticError, ValueError, ZeroDivisionError):
        val = None
    lbs, split, widths = [-math.inf], None, None
    try:
        lbs.append(_direct(prog, q2, box, n))
    except (NotAnalyticHere, ArithmeticError, ValueError, ZeroDivisionError):
        pass
    if box.f_lo == 0 or box.f_hi < ORIGIN_F:
        try:
            lb, spread, fterm = _origin(prog, q2, box, n)
            lbs.append(lb)
            split = _widest(box, free_only=True) if spread > fterm and box.lo else -1
        except (NotAnalyticHere, ArithmeticError, ValueError, ZeroDivisionError):
            pass
    if box.f_lo > 0 and val is not None and val.is_finite():
        try:
            lb, widths = _centred(prog, q2, box, n, val)
            lbs.append(lb)
        except (NotAnalyticHere, ArithmeticError, ValueError, ZeroDivisionError):
            widths = None
    if split is None:
        if widths is not None and all(math.isfinite(w) for w in widths) and max(widths) > 0:
            i = max(range(len(widths)), key=lambda t: widths[t])
            split = -1 if i == 0 else i - 1
        else:
            split = _widest(box)
    return BoxBound(max(lbs), split, point, ub, val)


def _widest(box: Box, free_only: bool = False) -> int:
    """The side to split when the centred form gives no guidance: F while its ends differ by more than
    a factor 2 (or it reaches 0), else the widest direction side unless that is far narrower than F's
    relative width (``free_only``: always a direction side)."""
    vside = max(range(len(box.lo)), key=lambda j: box.hi[j] - box.lo[j]) if box.lo else None
    if vside is None:
        return -1
    if free_only:
        return vside
    if box.f_lo == 0 or box.f_hi > 2 * box.f_lo:
        return -1
    fw = (box.f_hi - box.f_lo) / box.f_hi
    return vside if box.hi[vside] - box.lo[vside] > fw / 64 else -1
