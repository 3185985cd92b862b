r"""Q-ball existence, paper eq (9): the certified global minimum of mu^2.

With ``phi_k(x, t) = exp(i q_k omega t) phi_k(r)`` the existence function is
``mu^2(phi) = 2 U(phi) / sum_k q_k^2 phi_k^2``; a Q-ball exists iff its
infimum over ``phi != 0`` lies below its limit at the origin
``m_0 = Potential.mu2_origin()`` (the lightest charged mass squared per unit
charge squared).

Method (for U with quadratic, cubic and quartic parts):

1. On the ray ``phi = F s psi`` (``psi >= 0``, ``s`` a sign pattern; only
   ``s = +`` for the amplitude domain), ``mu^2 = 2(u_2 + u_3 F + u_4 F^2)/c``;
   its minimum over ``F >= 0`` is ``g(psi) = 2[u_2 - max(0, -u_3)^2/(4 u_4)]/c``
   (closed form).  ``g`` is homogeneous of degree 0, so the directions are
   covered by the ``n`` facets ``psi_k = 1`` of the unit cube ("charts").
   Where the quartic part vanishes along ``e_k`` (e.g. no self-coupling of a
   field) the facet is blown up at that corner, ``x = r omega``, and the
   powers of ``r`` are divided out exactly, so the ratio ``u_3^2/u_4`` stays
   smooth.
2. ``g`` is minimised over all charts together by branch and bound.  Lower
   bounds on a box: exact monomial ranges (all variables ``>= 0``) and a
   one-sided mean-value form with an interval gradient (quadratic
   convergence at interior and at boundary minima), evaluated in double
   precision and padded outward by a rounding-error bound
   (:data:`ROUND_PAD` ulps per term and operation).  Near the directions
   where mu^2 reaches ``m_0`` at the origin (a degenerate minimum that no
   plain bound can close) two exact criteria prove ``g >= m_0`` on whole
   boxes: ``4 p_2 u_4 >= max(0, -u_3)^2`` with ``p_2 = u_2 - m_0 c/2``, and
   the Cauchy-Schwarz bound ``rho_bar <= 1`` of :mod:`qsym.symbolic.rays`.
   Upper bounds come from box midpoints, mean-value anchors and a few
   projected-gradient steps (heuristic, never part of the certificate).
3. A Q-ball is certified to exist by a *witness*: a rational direction where
   ``u_2 - m_0 c/2 - u_3^2/(4 u_4) < 0`` in exact rational arithmetic (or at
   60+ digits with a margin when coefficients are irrational).  It is
   certified not to exist when every box has lower bound ``>= m_0``.
4. The minimiser is polished by Newton's method on ``grad mu^2 = 0`` at
   ``dps`` digits with callables from :func:`qsym.bridge.numeric_nd`.

Scope: certification closes quickly for up to 4 fields (3-dimensional
charts); with 5 or more fields existence is still proven by a witness but
the value bracket may stay open within the default budget
(``certified=False``, ``existence_certified=True``).

The same sweep refuses potentials that are unbounded below or negative
somewhere (a vacuum deeper than the origin), with an :class:`InputError`.

This module uses mpmath / numpy; the exact polynomial data come from
:mod:`qsym.symbolic.rays`.

>>> from qsym.symbolic.potential import Potential
>>> P = Potential("m**2*p**2/2 - A*p**3 + p**4", ["p"], params={"m": 1, "A": 1})
>>> r = mu2_minimum(P, dps=20)
>>> r.qball_exists, r.certified, r.mu2_min_str(12)
(True, True, '0.5')
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

import mpmath
import numpy as np

from qsym import bridge
from qsym.symbolic.rays import ray_data
from qsym.errors import InputError, NoSolutionError

__all__ = ["Mu2Result", "mu2_minimum", "ThresholdResult", "threshold_scan", "continuous_threshold_result",
           "DEFAULT_RTOL", "MAX_BOXES", "MAX_WORK", "ROUND_PAD"]

#: relative tolerance of the certified bracket [lower, upper] of min mu^2
DEFAULT_RTOL = 1e-9
#: branch-and-bound budget (boxes evaluated) before giving up certification
MAX_BOXES = 400_000
#: second budget on the work (boxes x polynomial terms x variables, the size of the interval
#: evaluations): many fields and terms end the search in seconds, with certified=False
MAX_WORK = 2 * 10**8
#: Newton polish of the minimiser only for U with at most this many terms (it
#: differentiates mu^2 symbolically)
POLISH_MAX_TERMS = 150
#: boxes x terms x variables per vectorised interval evaluation (bounds the memory)
CHUNK = 2 * 10**6
#: outward padding, in units of 2**-52 per term and per operation
ROUND_PAD = 4
_EPS = 2.0 ** -52
_TINY = 1e-300


# ----------------------------------------------------------------------------
# polynomials on boxes of a cube facet
# ----------------------------------------------------------------------------
class _Poly:
    """A polynomial in ``psi`` with exact and float coefficients."""

    def __init__(self, terms: dict, n: int, dps: int):
        self.n = n
        self.exps = np.array(list(terms.keys()), dtype=int).reshape(len(terms), n)
        exact = []
        for c in terms.values():
            try:
                exact.append(bridge.to_fraction(c))
            except InputError:
                exact.append(bridge.to_mpf(c, dps))
        self.exact = exact
        self.rational = all(isinstance(c, Fraction) for c in exact)
        self.coef = np.array([float(c) for c in exact], dtype=float)
        self.deg = int(self.exps.sum(axis=1).max()) if len(exact) else 0
        self.nterms = len(exact)

    @classmethod
    def from_floats(cls, terms: dict, n: int) -> "_Poly":
        """A float-only polynomial (derivatives used in interval bounds)."""
        self = cls.__new__(cls)
        self.n = n
        self.exps = np.array(list(terms.keys()), dtype=int).reshape(len(terms), n)
        self.coef = np.array(list(terms.values()), dtype=float)
        self.exact, self.rational = None, False
        self.deg = int(self.exps.sum(axis=1).max()) if len(terms) else 0
        self.nterms = len(terms)
        return self

    def _rows(self):
        """Rows per vectorised evaluation (CHUNK bounds rows x terms x variables)."""
        return max(1, CHUNK // max(1, self.nterms * max(1, self.n)))

    def interval(self, lo: np.ndarray, hi: np.ndarray):
        """Rigorous enclosure over boxes ``lo <= psi <= hi`` (rows), ``lo >= 0``."""
        B = lo.shape[0]
        if self.nterms == 0:
            return np.zeros(B), np.zeros(B)
        step = self._rows()
        if B > step:
            parts = [self.interval(lo[i:i + step], hi[i:i + step]) for i in range(0, B, step)]
            return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
        # monomial ranges: monotone in each psi >= 0
        mlo = np.prod(lo[:, None, :] ** self.exps[None, :, :], axis=2)
        mhi = np.prod(hi[:, None, :] ** self.exps[None, :, :], axis=2)
        c = self.coef[None, :]
        tlo = np.where(c > 0, c * mlo, c * mhi)
        thi = np.where(c > 0, c * mhi, c * mlo)
        vlo, vhi = tlo.sum(axis=1), thi.sum(axis=1)
        mag = np.maximum(np.abs(tlo), np.abs(thi)).sum(axis=1)
        pad = ROUND_PAD * (self.deg + self.nterms + 2) * _EPS * mag + _TINY
        return vlo - pad, vhi + pad

    def value(self, x: np.ndarray) -> np.ndarray:
        """Float values at points (rows of ``x``)."""
        if self.nterms == 0:
            return np.zeros(x.shape[0])
        step = self._rows()
        if x.shape[0] > step:
            return np.concatenate([self.value(x[i:i + step]) for i in range(0, x.shape[0], step)])
        return (self.coef[None, :] * np.prod(x[:, None, :] ** self.exps[None, :, :], axis=2)).sum(axis=1)

    def exact_value(self, x):
        """Exact value at a point of Fractions (or mpf when coefficients are irrational)."""
        use_mp = not all(isinstance(v, (Fraction, int)) for v in x)
        tot = 0
        for e, c in zip(self.exps, self.exact):
            term = _as_mp(c) if use_mp else c
            for xi, k in zip(x, e):
                if k:
                    term = term * xi ** int(k)
            tot = tot + term
        return tot


def _as_mp(c):
    """A Fraction or mpf as an mpf at the current precision."""
    if isinstance(c, Fraction):
        return mpmath.mpf(c.numerator) / c.denominator
    return mpmath.mpf(c)


def _exact_coeff(p: _Poly, key) -> object:
    for e, c in zip(p.exps, p.exact):
        if tuple(int(v) for v in e) == key:
            return c
    return 0


def _down(x):
    return x - ROUND_PAD * _EPS * np.abs(x) - _TINY


def _up(x):
    return x + ROUND_PAD * _EPS * np.abs(x) + _TINY


# minimal vectorised interval arithmetic (outward-padded)
def _imul(al, ah, bl, bh):
    with np.errstate(invalid="ignore", over="ignore"):
        p = np.stack([al * bl, al * bh, ah * bl, ah * bh])
        p = np.nan_to_num(p, nan=0.0)
    return _down(p.min(axis=0)), _up(p.max(axis=0))


def _idiv_pos(al, ah, bl, bh):
    """[a]/[b] for b > 0 (rows with bl <= 0 give [-inf, inf])."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ok = bl > 0
        il, ih = 1.0 / np.where(ok, bh, 1.0), 1.0 / np.where(ok, bl, 1.0)
        lo, hi = _imul(al, ah, _down(il), _up(ih))
    return np.where(ok, lo, -np.inf), np.where(ok, hi, np.inf)


def _derivative_terms(terms: dict, i: int) -> dict:
    out = {}
    for m, c in terms.items():
        if m[i]:
            mm = list(m)
            mm[i] -= 1
            out[tuple(mm)] = out.get(tuple(mm), 0.0) + c * m[i]
    return out


def _gradient_polys(p: "_Poly") -> list:
    """``dp/dz_j`` for every variable j, as float polynomials."""
    terms = {tuple(int(v) for v in e): c for e, c in zip(p.exps, p.coef)}
    return [_Poly.from_floats(_derivative_terms(terms, j), p.n) for j in range(p.n)]


@dataclass
class _Patch:
    """One orthant: exact polynomials in ``psi`` (for the exact point decisions)."""

    signs: tuple
    u2: _Poly
    u3: _Poly
    u4: _Poly
    c: _Poly
    rho: _Poly | None
    sym: object = None                           # the exact RayPatch (for polishing)
    p2: _Poly | None = None                      # u2 - m0 c/2 (float), the E-test


def _reexpress(p: _Poly | None, k: int, j: int | None, shift: int = 0):
    """``p`` on the facet ``psi_k = 1`` as a float polynomial in the box variables.

    ``j is None``: the variables are the other psi's.  Otherwise the facet is
    blown up at its corner ``e_k``: ``x = r * omega`` with ``omega_j = 1``,
    variables ``(r, omega without j)``, and the polynomial is divided by
    ``r**shift`` (exact: every term has x-degree >= shift).
    """
    if p is None:
        return None
    terms = {}
    for e, c in zip(p.exps, p.coef):
        x = [int(v) for i, v in enumerate(e) if i != k]
        if j is None:
            key = tuple(x)
        else:
            deg = sum(x) - shift
            if deg < 0:
                raise ValueError("shift larger than the order of vanishing")
            key = (deg,) + tuple(v for i, v in enumerate(x) if i != j)
        terms[key] = terms.get(key, 0.0) + float(c)
    nvar = p.n - 1
    return _Poly.from_floats({m: c for m, c in terms.items() if c != 0.0}, nvar)


def _min_xdeg(p: _Poly, k: int):
    if p.nterms == 0:
        return None
    return int(min(sum(int(v) for i, v in enumerate(e) if i != k) for e in p.exps))


@dataclass
class _Chart:
    """A box domain ``[0, 1]^d`` covering part of the rays of one orthant.

    Either a facet ``psi_k = 1`` of the unit cube (``j is None``) or that
    facet blown up at its corner (``x = r omega``, ``omega_j = 1``), used when
    the quartic part vanishes along ``e_k`` so that plain interval bounds on
    ``u_3^2/u_4`` cannot close near the corner: after dividing ``u_3`` by
    ``r^(a/2)`` and ``u_4`` by ``r^a`` (``a`` the order of vanishing of ``u_4``)
    the ratio is a smooth function of ``(r, omega)``.
    """

    patch: _Patch
    k: int
    j: int | None
    u2: _Poly
    u3: _Poly
    u4: _Poly
    c: _Poly
    rho: _Poly | None
    e_p2: _Poly | None = None       # p2 / r^b2, u3 / r^b3, u4 / r^b4 for the E >= 0 test
    e_u3: _Poly | None = None
    e_u4: _Poly | None = None
    e_pow: int = 0                  # 2 b3 - b2 - b4 (power of r multiplying u3'^2)
    grads: list = field(default_factory=list)

    def __post_init__(self):
        if self.u2.n:
            parts = [_gradient_polys(q) for q in (self.u2, self.u3, self.u4, self.c)]
            self.grads = list(zip(*parts))

    def to_psi(self, z: np.ndarray) -> np.ndarray:
        """Box points -> psi points (rows), on the facet ``psi_k = 1``."""
        if self.j is None:
            x = z
        else:
            r = z[:, :1]
            om = np.hstack([z[:, 1:1 + self.j], np.ones((z.shape[0], 1)), z[:, 1 + self.j:]])
            x = r * om
        one = np.ones((z.shape[0], 1))
        return np.hstack([x[:, :self.k], one, x[:, self.k:]])


def _charts(p: _Patch) -> list:
    n = p.u2.n
    out = []
    for k in range(n):
        e_k = tuple(4 if i == k else 0 for i in range(n))
        u4_at_vertex = 0
        for e, c in zip(p.u4.exps, p.u4.exact):
            if tuple(int(v) for v in e) == e_k:
                u4_at_vertex = c
        a4, a3 = _min_xdeg(p.u4, k), _min_xdeg(p.u3, k)
        blow = (n > 1 and u4_at_vertex == 0 and a4 is not None and a4 > 0 and a4 % 2 == 0
                and (a3 is None or 2 * a3 >= a4))
        if not blow:
            out.append(_Chart(p, k, None, *(_reexpress(q, k, None) for q in (p.u2, p.u3, p.u4, p.c)),
                              _reexpress(p.rho, k, None), _reexpress(p.p2, k, None),
                              _reexpress(p.u3, k, None), _reexpress(p.u4, k, None), 0))
            continue
        b2 = _min_xdeg(p.p2, k) if p.p2 is not None and p.p2.nterms else None
        b3 = a3 if a3 is not None else 0
        e_ok = b2 is not None and 2 * b3 - b2 - a4 >= 0
        aq = _min_xdeg(p.rho, k) if p.rho is not None else None
        for j in range(n - 1):
            rho = None
            if p.rho is not None:
                rho = _reexpress(p.rho, k, j, a4) if (aq is None or aq >= a4) else None
                if p.rho.nterms == 0:
                    rho = _reexpress(p.rho, k, j)
            ch = _Chart(p, k, j, _reexpress(p.u2, k, j), _reexpress(p.u3, k, j, a4 // 2),
                        _reexpress(p.u4, k, j, a4), _reexpress(p.c, k, j), rho)
            if e_ok:
                ch.e_p2, ch.e_u3 = _reexpress(p.p2, k, j, b2), _reexpress(p.u3, k, j, b3)
                ch.e_u4, ch.e_pow = _reexpress(p.u4, k, j, a4), 2 * b3 - b2 - a4
            out.append(ch)
    return out


def _g_from_values(u2, u3, u4, c):
    """Float g = min_F 2(u2 + u3 F + u4 F^2)/c and the minimising F (arrays)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        neg = u3 < 0
        Fst = np.where(neg, np.where(u4 > 0, -u3 / (2 * u4), np.inf), 0.0)
        N = np.where(neg, np.where(u4 > 0, u2 - u3**2 / (4 * u4), -np.inf), u2)
        N = np.where((~neg) & (u4 < 0), -np.inf, N)
        g = np.where(c > 0, 2 * N / c, np.where(N > 0, np.inf, -np.inf))
    return g, Fst


def _naive_lower(u2l, u3l, u4l, cl, ch):
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        neg = u3l < 0
        Nlo = np.where(neg, np.where(u4l > 0, _down(u2l - _up(u3l**2 / (4 * u4l))), -np.inf), u2l)
        Nlo = np.where((~neg) & (u4l < 0), -np.inf, Nlo)
        Nlo = _down(Nlo)
        glo = np.where(Nlo >= 0, _down(2 * Nlo / np.maximum(ch, _TINY)),
                       np.where(cl > 0, _down(2 * Nlo / np.maximum(cl, _TINY)), -np.inf))
    return np.nan_to_num(glo, nan=-np.inf, neginf=-np.inf)


def _g_and_grad(ch: _Chart, z: np.ndarray):
    """Float g and its gradient (exact polynomial derivatives) at chart points (rows)."""
    u2, u3, u4, c = (q.value(z) for q in (ch.u2, ch.u3, ch.u4, ch.c))
    g, _ = _g_from_values(u2, u3, u4, c)
    v = np.maximum(0.0, -u3)
    with np.errstate(all="ignore"):
        N = u2 - v * v / (4 * u4)
        grad = np.empty_like(z)
        for j, (du2, du3, du4, dc) in enumerate(ch.grads):
            dN = du2.value(z) + v * du3.value(z) / (2 * u4) + v * v * du4.value(z) / (4 * u4 * u4)
            grad[:, j] = 2 * (dN * c - N * dc.value(z)) / (c * c)
    return g, grad


def _local_descent(ch: _Chart, z: np.ndarray, iters: int = 60) -> np.ndarray:
    """Projected gradient descent with backtracking on ``[0, 1]^d`` (a heuristic that
    only improves the upper bound; the certificate never depends on it)."""
    if not z.shape[1]:
        return z
    g, gr = _g_and_grad(ch, z)
    step = np.full(z.shape[0], 0.1)
    for _ in range(iters):
        ok_rows = np.isfinite(g) & np.all(np.isfinite(gr), axis=1)
        if not ok_rows.any():
            break
        trial = np.clip(z - step[:, None] * gr, 0.0, 1.0)
        gt, grt = _g_and_grad(ch, trial)
        better = ok_rows & np.isfinite(gt) & (gt < g)
        z = np.where(better[:, None], trial, z)
        g = np.where(better, gt, g)
        gr = np.where(better[:, None], grt, gr)
        step = np.where(better, step * 1.5, step / 4)
        if np.all(step < 1e-14):
            break
    return z


def _g_lower(ch: _Chart, lo, hi, m0_hi):
    """Rigorous lower bound of g on boxes of a chart.

    The naive bound (monomial ranges) is combined with a one-sided
    mean-value form ``g(a) + sum_j min([dg/dz_j] * [lo_j - a_j, hi_j - a_j])``
    with the anchor ``a_j`` at the end of the box where the interval
    gradient says g is smaller; it converges quadratically at interior and
    at boundary minima.  ``rho_bar <= 1`` lifts the bound to m0.
    """
    U2 = ch.u2.interval(lo, hi)
    U3 = ch.u3.interval(lo, hi)
    U4 = ch.u4.interval(lo, hi)
    C = ch.c.interval(lo, hi)
    glo = _naive_lower(U2[0], U3[0], U4[0], C[0], C[1])
    anc = None
    if lo.shape[1]:
        mv, anc = _mean_value_lower(ch, lo, hi, U2, U3, U4, C)
        glo = np.maximum(glo, mv)
    if ch.rho is not None:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if ch.rho.nterms:
                _, rh = ch.rho.interval(lo, hi)
                rbar = np.where(U4[0] > 0, _up(rh / (4 * U4[0])), np.inf)
            else:
                rbar = np.zeros_like(glo)
        glo = np.where(rbar <= 1.0, np.maximum(glo, m0_hi), glo)
    if ch.e_p2 is not None:
        # E = p2 - max(0,-u3)^2/(4 u4) >= 0  <=  4 p2' u4' >= max(0,-u3')^2 r^e_pow
        P2l, _ = ch.e_p2.interval(lo, hi)
        E3l, _ = ch.e_u3.interval(lo, hi)
        E4l, _ = ch.e_u4.interval(lo, hi)
        v = np.maximum(0.0, -E3l)
        rfac = hi[:, 0] ** ch.e_pow if (ch.j is not None and ch.e_pow) else 1.0
        with np.errstate(over="ignore", invalid="ignore"):
            ok = (E4l > 0) & (P2l >= 0) & (_down(4 * _down(P2l * E4l)) >= _up(_up(v * v) * rfac))
        glo = np.where(ok, np.maximum(glo, m0_hi), glo)
    return glo, U4[1], anc


def _mean_value_lower(ch, lo, hi, U2, U3, U4, C):
    """One-sided mean-value lower bound (rows where u4, c > 0 on the box), else -inf."""
    # interval of N = u2 - v^2/(4 u4), v = max(0, -u3)
    vl, vh = np.maximum(0.0, -U3[1]), np.maximum(0.0, -U3[0])
    vv = _imul(vl, vh, vl, vh)
    with np.errstate(divide="ignore", invalid="ignore"):
        Nl = _down(U2[0] - _up(vv[1] / np.where(U4[0] > 0, 4 * U4[0], np.nan)))
        Nh = _up(U2[1] - _down(vv[0] / np.where(U4[1] > 0, 4 * U4[1], np.nan)))
    c2 = _imul(*C, *C)
    u4sq4 = _imul(4 * U4[0], 4 * U4[1], U4[0], U4[1])
    Gs = []
    for du2, du3, du4, dc in ch.grads:
        d2, d3, d4, dcc = (q.interval(lo, hi) for q in (du2, du3, du4, dc))
        # dN = du2 + v du3/(2 u4) + v^2 du4/(4 u4^2);  dg = 2 (dN c - N dc)/c^2
        t1 = _idiv_pos(*_imul(vl, vh, *d3), 2 * U4[0], 2 * U4[1])
        t2 = _idiv_pos(*_imul(*vv, *d4), *u4sq4)
        dNl, dNh = _down(d2[0] + t1[0] + t2[0]), _up(d2[1] + t1[1] + t2[1])
        a1 = _imul(dNl, dNh, *C)
        a2 = _imul(Nl, Nh, *dcc)
        Gs.append(_idiv_pos(_down(2 * (a1[0] - a2[1])), _up(2 * (a1[1] - a2[0])), *c2))
    # anchor: the low end where g increases, the high end where it decreases
    anc = (lo + hi) / 2
    for jj, (gl, gh) in enumerate(Gs):
        anc[:, jj] = np.where(gl >= 0, lo[:, jj], np.where(gh <= 0, hi[:, jj], anc[:, jj]))
    A = [q.interval(anc, anc) for q in (ch.u2, ch.u3, ch.u4, ch.c)]
    ga = _naive_lower(A[0][0], A[1][0], A[2][0], A[3][0], A[3][1])
    total = np.zeros(lo.shape[0])
    for jj, (gl, gh) in enumerate(Gs):
        tl, _ = _imul(gl, gh, lo[:, jj] - anc[:, jj], hi[:, jj] - anc[:, jj])
        total = _down(total + tl)
    with np.errstate(invalid="ignore"):
        out = _down(ga + total)
    ok = (U4[0] > 0) & (C[0] > 0) & np.isfinite(out)
    return np.where(ok, out, -np.inf), anc


# ----------------------------------------------------------------------------
# results
# ----------------------------------------------------------------------------
@dataclass
class Mu2Result:
    """Certified global minimum of mu^2 (eq (9)).

    ``mu2_min`` is the infimum over ``phi != 0`` (mpf at ``dps`` digits);
    ``at`` the minimiser (field -> mpf; all zeros when the infimum is the
    origin limit); ``origin_value`` the limit at the origin;
    ``lower``/``upper`` the certified bracket of the infimum (floats, padded);
    ``certified`` whether the branch and bound closed within its budget
    (so that ``qball_exists`` is proven and ``lower <= mu2_min <= upper``);
    ``existence_certified`` whether ``qball_exists`` alone is proven (an
    exact witness proves existence even when the bracket did not close);
    ``error`` an estimate of the error of ``mu2_min``.
    """

    mu2_min: object
    at: dict
    direction: dict
    origin_value: object
    qball_exists: bool
    certified: bool
    lower: float
    upper: float
    error: float
    dps: int
    boxes: int
    method: str = "ray closed form in F + interval branch and bound over directions"
    notes: list = field(default_factory=list)
    existence_certified: bool = False

    def _repr_latex_(self) -> str:
        """Jupyter: the minimum of mu^2 with its error, the limit at the origin, the verdict."""
        from qsym.results import latex_pm, latex_rows as _latex_rows
        verdict = "a Q-ball exists" if self.qball_exists else "no Q-ball"
        proof = "certified" if (self.existence_certified or self.certified) else "not certified"
        return _latex_rows([
            (r"\min_{\phi\neq 0}\mu^2", latex_pm(self.mu2_min, self.error, relative=False,
                                                  dps=self.dps)),
            (r"\lim_{\phi\to 0}\mu^2", latex_pm(self.origin_value, dps=self.dps)),
        ], f"{verdict}, {proof}")

    def mu2_min_str(self, digits=None) -> str:
        return mpmath.nstr(self.mu2_min, digits or self.dps)

    def as_json(self) -> dict:
        d = self.dps
        return {
            "mu2_min": mpmath.nstr(self.mu2_min, d),
            "at": {k: mpmath.nstr(v, d) for k, v in self.at.items()},
            "direction": {k: mpmath.nstr(v, d) for k, v in self.direction.items()},
            "origin_value": mpmath.nstr(self.origin_value, d),
            "qball_exists": bool(self.qball_exists),
            "certified": bool(self.certified),
            "existence_certified": bool(self.existence_certified),
            "bound": {"lower": repr(self.lower), "upper": repr(self.upper)},
            "error": mpmath.nstr(mpmath.mpf(self.error), 3),
            "dps": d,
            "boxes": self.boxes,
            "method": self.method,
            "notes": list(self.notes),
        }


# ----------------------------------------------------------------------------
# the minimiser
# ----------------------------------------------------------------------------
def _exact_E(p: _Patch, psi_f, m0_exact, dps):
    """Exact (or 60+ digit) values of u2, u3, u4, c and E = p2 - u3^2/(4u4) at a point."""
    rational = all(q.rational for q in (p.u2, p.u3, p.u4, p.c)) and isinstance(m0_exact, Fraction)
    if rational:
        x = [Fraction(float(v)) for v in psi_f]
        vals = [q.exact_value(x) for q in (p.u2, p.u3, p.u4, p.c)]
        return vals, x, True
    with mpmath.workdps(max(dps, 40) + 20):
        x = [mpmath.mpf(float(v)) for v in psi_f]
        vals = [mpmath.mpf(q.exact_value(x)) for q in (p.u2, p.u3, p.u4, p.c)]
        return vals, x, False


def _classify_point(p, psi_f, m0_exact, dps):
    """'unbounded', 'negative' (U < 0), 'witness' (g < m0), or None, decided exactly."""
    (u2, u3, u4, c), x, exact = _exact_E(p, psi_f, m0_exact, dps)
    margin = 0 if exact else mpmath.mpf(10) ** (-(max(dps, 40)))
    with mpmath.workdps(max(dps, 40) + 20):
        if u4 < -margin or (abs(u4) <= margin and u3 < -margin):
            return "unbounded", x
        if u3 < 0 and u4 > margin:
            N = u2 - u3 * u3 / (4 * u4)
            if N < -margin:
                return "negative", x
            m0v = m0_exact if exact else _as_mp(m0_exact)
            if N - m0v * c / 2 < -margin * (1 + abs(m0v)):
                return "witness", x
    return None, x


def _point_str(fields, signs, x):
    return ", ".join(f"{f}={s * float(v):.6g}" for f, s, v in zip(fields, signs, x))


def mu2_minimum(P, dps: int = 30, domain: str = "amplitudes", rtol: float = DEFAULT_RTOL,
                max_boxes: int = MAX_BOXES, polish: bool = True, progress=None) -> Mu2Result:
    """Certified global minimum of ``mu^2 = 2U / sum q_k^2 phi_k^2`` over ``phi != 0``.

    Parameters
    ----------
    P : Potential
        All parameters numeric; U a polynomial with quadratic, cubic and
        quartic parts in the amplitudes.
    dps : int
        Digits of the polished result.
    domain : {"amplitudes", "real"}
        ``phi_k >= 0`` (the convention) or all real values.
    rtol : float
        Relative width of the certified bracket (relative to ``max(1, |m0|)``).
    max_boxes : int
        Branch-and-bound budget; when it runs out ``certified`` is False.
    polish : bool
        Refine the minimiser by Newton's method at ``dps`` digits (default);
        without it the value is the best branch-and-bound point (double
        precision, error = bracket width) -- enough for existence decisions.
    progress : callable(str) or None
        Receives one line per branch-and-bound level (boxes used, open boxes,
        best value); library code never prints.

    Raises
    ------
    InputError
        U is unbounded below, or negative somewhere (a deeper vacuum than the
        origin), or not of the supported form.

    >>> from qsym.symbolic.potential import Potential
    >>> P = Potential("a**2 + b**2 + a**4 + b**4", ["a", "b"], [1, 1])
    >>> r = mu2_minimum(P, dps=15)
    >>> r.qball_exists, r.certified, float(r.mu2_min), float(r.origin_value)
    (False, True, 2.0, 2.0)
    """
    dps = bridge.check_dps(dps)
    try:
        rtol = float(rtol)
    except (TypeError, ValueError):
        raise InputError(f"rtol must be a number, got {rtol!r}") from None
    if not (0 < rtol < 1e-2):
        raise InputError(f"rtol must be in (0, 0.01), got {rtol!r}")
    if isinstance(max_boxes, bool) or not isinstance(max_boxes, (int, np.integer)) or max_boxes < 1:
        raise InputError(f"max_boxes must be a positive integer, got {max_boxes!r}")
    if progress is not None and not callable(progress):
        raise InputError("progress must be callable(str) or None")
    from qsym.symbolic.potential import Potential
    if not isinstance(P, Potential):
        raise InputError(f"mu2_minimum needs a qsym.Potential, got {type(P).__name__}")
    data = ray_data(P, domain)
    with np.errstate(all="ignore"):
        return _mu2_minimum(data, dps, rtol, int(max_boxes), polish, progress)


def _mu2_minimum(data, dps, rtol, max_boxes, polish=True, progress=None):
    fields = [f.name for f in data.fields]
    n = len(fields)
    try:
        m0_exact = bridge.to_fraction(data.m0)
    except InputError:
        m0_exact = bridge.to_mpf(data.m0, max(dps, 40) + 20)
    m0f = float(m0_exact)
    m0_hi = float(_up(np.array(m0f)))
    tol = rtol * max(1.0, abs(m0f))
    patches = [_Patch(rp.signs, _Poly(rp.u2, n, dps), _Poly(rp.u3, n, dps), _Poly(rp.u4, n, dps),
                      _Poly(rp.c, n, dps),
                      None if rp.rho_num is None else _Poly(rp.rho_num, n, dps), rp)
               for rp in data.patches]
    for p in patches:
        terms = {}
        for q, f in ((p.u2, 1.0), (p.c, -m0f / 2)):
            for e, cf in zip(q.exps, q.coef):
                key = tuple(int(v) for v in e)
                terms[key] = terms.get(key, 0.0) + f * float(cf)
        # exact cancellations (p2 vanishes on the lightest charged directions) are kept exact
        for key in list(terms):
            a, b = _exact_coeff(p.u2, key), _exact_coeff(p.c, key)
            if isinstance(m0_exact, Fraction) and isinstance(a, (Fraction, int)) \
                    and isinstance(b, (Fraction, int)):
                zero = a - b * m0_exact / 2 == 0
            else:       # irrational: a cancellation to 50+ digits is taken as exact
                with mpmath.workdps(max(dps, 40) + 20):
                    zero = abs(_as_mp(a) - _as_mp(b) * _as_mp(m0_exact) / 2) < \
                        mpmath.mpf(10) ** (-max(dps, 40) - 10) * (1 + abs(_as_mp(a)))
            if zero:
                del terms[key]
        p.p2 = _Poly.from_floats(terms, n)
    notes = sorted({nt for rp in data.patches for nt in rp.notes})

    UB, best = math.inf, None          # best: (patch, psi float array, F float)
    witness = False
    boxes_used = 0
    lower_pruned = math.inf
    complete = True
    d = n - 1
    # a first upper bound from a coarse grid on every facet (includes all pure-field
    # and equal-mixture directions), so that pruning is effective from the start
    grid1 = np.linspace(0.0, 1.0, 5 if d <= 3 else (3 if d <= 6 else 2))
    grid = np.array(list(itertools.product(grid1, repeat=d)), dtype=float).reshape(-1, d) if d else np.zeros((1, 0))
    charts = [ch for p in patches for ch in _charts(p)]
    for p in patches:
        for k in range(n):
            one = np.ones((grid.shape[0], 1))
            pts = np.hstack([grid[:, :k], one, grid[:, k:]])
            vals = [q.value(pts) for q in (p.u2, p.u3, p.u4, p.c)]
            gv, Fv = _g_from_values(*vals)
            j = int(np.argmin(gv))
            if gv[j] < UB and np.isfinite(gv[j]) and vals[2][j] > 0:
                UB, best = float(gv[j]), (p, pts[j].copy(), float(Fv[j]))
    # all charts are refined level by level together, so that the best point found
    # anywhere prunes everywhere; each state is [chart, lo, hi, lower bounds, first]
    box0 = (np.zeros((1, d)), np.ones((1, d)))
    states = [[ch, box0[0].copy(), box0[1].copy(), np.full(1, -np.inf), True, 0] for ch in charts]
    level = 0
    work_used = 0
    # work per box of a chart: interval evaluations of u2, u3, u4, c and their gradients
    cost = {id(ch): (sum(q.nterms for q in (ch.u2, ch.u3, ch.u4, ch.c)) + 1) * (d + 1) ** 2
            for ch in charts}
    while any(st[1].shape[0] for st in states):
        if progress and level:
            progress(f"mu^2 branch and bound, level {level}: {boxes_used} boxes used, "
                     f"{sum(st[1].shape[0] for st in states)} open, best {UB:.12g}")
        level += 1
        if boxes_used > max_boxes or work_used > MAX_WORK or (d == 0 and boxes_used):
            complete = False
            lower_pruned = min([lower_pruned] + [float(st[3].min()) for st in states if st[1].shape[0]])
            break
        for st in states:
            ch, lo, hi, _, first, _ = st
            if not lo.shape[0]:
                continue
            p = ch.patch
            boxes_used += lo.shape[0]
            work_used += lo.shape[0] * cost[id(ch)]
            glo, u4h, anc = _g_lower(ch, lo, hi, m0_hi)
            # sample points: box midpoints and the mean-value anchors (which sit on the
            # box faces where g is monotone, so boundary minima are found quickly)
            pts = ch.to_psi((lo + hi) / 2 if anc is None else np.vstack([(lo + hi) / 2, anc]))
            if first:           # the corners of the chart (pure-field directions etc.)
                corners = np.array(list(itertools.product((0.0, 1.0), repeat=d)),
                                   dtype=float).reshape(-1, d) if d else np.zeros((1, 0))
                pts = np.vstack([pts, ch.to_psi(corners)])
                st[4] = False
            if d and (first or (st[5] % 8 == 4)):
                # heuristic refinement of the most promising samples (upper bound only)
                zs = (lo + hi) / 2 if anc is None else np.vstack([(lo + hi) / 2, anc])
                gz = _g_from_values(*(q.value(zs) for q in (ch.u2, ch.u3, ch.u4, ch.c)))[0]
                top = zs[np.argsort(gz)[:4]]
                pts = np.vstack([pts, ch.to_psi(_local_descent(ch, top))])
            st[5] += 1
            vals = [q.value(pts) for q in (p.u2, p.u3, p.u4, p.c)]
            gv, Fv = _g_from_values(*vals)
            # decide suspicious points exactly: unbounded / negative / witness
            bad = np.where((vals[2] <= 0) | (gv < m0f + tol))[0]
            order = bad[np.argsort(gv[bad])][:8]
            for i in order:
                kind, x = _classify_point(p, pts[i], m0_exact, dps)
                if kind == "unbounded":
                    raise InputError("U is unbounded below along the direction "
                                     f"({_point_str(fields, p.signs, x)}): no Q-ball can be stable")
                if kind == "negative":
                    F = float(Fv[i])
                    raise InputError("U < 0 at (" + ", ".join(
                        f"{f}={sg * F * float(v):.6g}" for f, sg, v in zip(fields, p.signs, x))
                        + "): a vacuum deeper than the origin, so the premise U(0) = 0 = min U "
                        "of eq (9) fails")
                if kind == "witness":
                    witness = True
            if np.any(u4h < 0):
                i = int(np.argmax(u4h < 0))
                raise InputError("U is unbounded below (negative quartic part near direction "
                                 f"{_point_str(fields, p.signs, pts[i])})")
            j = int(np.argmin(gv))
            if gv[j] < UB:
                UB, best = float(gv[j]), (p, pts[j].copy(), float(Fv[j]))
            thr = UB - tol if witness else max(m0_hi, UB - tol)
            prune = glo >= thr
            if np.any(prune):
                lower_pruned = min(lower_pruned, float(glo[prune].min()))
            lo, hi, glo = lo[~prune], hi[~prune], glo[~prune]
            if lo.shape[0] and d:
                # bisect every remaining box along its longest edge (children inherit the bound)
                w = hi - lo
                kk = np.argmax(w, axis=1)
                rows = np.arange(lo.shape[0])
                midk = (lo[rows, kk] + hi[rows, kk]) / 2
                hi1 = hi.copy()
                hi1[rows, kk] = midk
                lo2 = lo.copy()
                lo2[rows, kk] = midk
                lo, hi, glo = np.vstack([lo, lo2]), np.vstack([hi1, hi]), np.concatenate([glo, glo])
            st[1], st[2], st[3] = lo, hi, glo
    if UB < -tol and witness:
        raise InputError("U < 0 somewhere: a vacuum deeper than the origin")
    lower = min(lower_pruned, UB)
    if not witness and complete and lower < m0f - tol:
        complete = False
    if witness and abs(UB) <= tol:
        raise InputError("mu^2 reaches 0: U has a second degenerate zero, so the origin is not "
                         "the unique vacuum and eq (9) does not apply")
    certified = complete
    qball = witness
    with mpmath.workdps(dps + 10):
        m0_mp = mpmath.mpf(m0_exact.numerator) / m0_exact.denominator \
            if isinstance(m0_exact, Fraction) else +m0_exact
        if not qball:
            zero = {f: mpmath.mpf(0) for f in fields}
            p, psi, _ = best
            nrm = math.sqrt(float((psi**2).sum()))
            direc = {f: mpmath.mpf(s * v / nrm) for f, s, v in zip(fields, p.signs, psi)}
            val = m0_mp if UB <= m0f + tol else mpmath.mpf(UB)
            err = 0.0 if UB <= m0f + tol else max(UB - lower, 0.0)
            at = zero if UB <= m0f + tol else {
                f: mpmath.mpf(s * best[2] * v) for f, s, v in zip(fields, p.signs, psi)}
            return Mu2Result(+val, at, direc, +m0_mp, False, certified, lower,
                             max(UB, float(val)), err, dps, boxes_used, notes=notes,
                             existence_certified=certified)
        bp = best[0]
        big = sum(q.nterms for q in (bp.u2, bp.u3, bp.u4)) > POLISH_MAX_TERMS
        if polish and big:
            notes = notes + [f"not polished: U has more than {POLISH_MAX_TERMS} terms (the symbolic "
                             "Hessian of mu^2 would cost minutes); the value is the best "
                             "branch-and-bound point, its error the bracket width"]
        if polish and not big:
            val, at, err = _polish(data, best, UB, lower, tol, dps)
        else:
            p, psi, F = best
            val, err = mpmath.mpf(UB), max(UB - lower, tol)
            at = {f: mpmath.mpf(s * F * float(v)) for f, s, v in zip(fields, p.signs, psi)}
        nrm = mpmath.sqrt(sum(v**2 for v in at.values()))
        direc = {f: v / nrm for f, v in at.items()}
        return Mu2Result(+val, at, direc, +m0_mp, True, certified, lower, UB, err, dps,
                         boxes_used, notes=notes, existence_certified=True)


def _polish(data, best, UB, lower, tol, dps):
    """Newton on grad mu^2 = 0 from the best branch-and-bound point, at dps digits.

    Works in the orthant's amplitudes ``psi >= 0`` (``phi = signs * psi``) so that
    |phi|^3-type terms are smooth; components at the boundary stay there.  The
    polished point is accepted only if it stays in the domain and its value
    lies in the certified bracket; otherwise the branch-and-bound point is
    returned with the bracket width as its error.
    """
    p, psi, F = best
    fields = [f.name for f in data.fields]
    y0 = [F * float(v) for v in psi]
    scale = max(abs(v) for v in y0)
    active = [i for i, v in enumerate(y0) if v > 1e-7 * scale]
    work = dps + 10
    err = max(UB - lower, tol)
    num = bridge.numeric_nd(p.sym.mu2_psi, p.sym.psi)
    y = [mpmath.mpf(v) if i in active else mpmath.mpf(0) for i, v in enumerate(y0)]
    ok = False
    with mpmath.workdps(work):
        try:
            target = mpmath.mpf(10) ** (-work + 3) * max(1, scale)
            for _ in range(100):
                g = num.grad(*y)
                h = num.hess(*y)
                G = mpmath.matrix([g[i] for i in active])
                Hm = mpmath.matrix([[h[i][j] for j in active] for i in active])
                step = mpmath.lu_solve(Hm, G)
                for k, i in enumerate(active):
                    y[i] -= step[k]
                sn = mpmath.norm(step)
                if sn < target:
                    ok = True
                    break
            # a component that converged to the boundary from outside is on it
            edge = mpmath.mpf(10) ** (-(dps // 2)) * max(1, scale)
            y = [mpmath.mpf(0) if (v < 0 and abs(v) < edge) else v for v in y]
            val = num.U(*y)
            inside = lower - 10 * tol <= float(val) <= UB + 10 * tol
            ok = ok and inside and all(v >= 0 for v in y)
        except (ZeroDivisionError, ArithmeticError, NameError, TypeError, ValueError):
            ok = False
        if ok:
            err = float(max(mpmath.mpf(10) ** (-dps), abs(sn) * max(1, abs(val))))
        else:
            y = [mpmath.mpf(v) for v in y0]
            val = num.U(*y)
        return +val, {f: s * v for f, s, v in zip(fields, p.signs, y)}, err


# ----------------------------------------------------------------------------
# threshold scan
# ----------------------------------------------------------------------------
@dataclass
class ThresholdResult:
    """Smallest value of a scanned parameter for which a Q-ball exists.

    ``threshold`` is the midpoint of the final certified bracket
    ``[below, above]``: at ``below`` no Q-ball exists, at ``above`` one does
    (each decided by a certified :func:`mu2_minimum`).  ``certified`` is False
    when a step could not be decided (then the bracket is the last decided one).

    ``kind`` is ``"first-order"`` (the Q-ball appears at a finite field value;
    found by bisection) or ``"continuous"`` (it appears at the origin, where the
    origin stops being a local minimum of mu^2; the threshold is then exact,
    ``closed_form`` holds its SymPy text and LaTeX, ``text`` its decimal digits
    and ``[below, above]`` an exact enclosure of it).  See
    :func:`continuous_threshold_result`.
    """

    parameter: str
    threshold: Fraction
    below: Fraction
    above: Fraction
    certified: bool
    steps: int
    notes: list = field(default_factory=list)
    kind: str = "first-order"
    closed_form: dict | None = None
    text: str | None = None

    def as_json(self, digits: int | None = None) -> dict:
        if self.text is not None and digits is None:
            thr = self.text
            nd = len(self.text.replace("-", "").replace(".", "").lstrip("0")) + 3
            with mpmath.workdps(nd + 5):
                bracket = [mpmath.nstr(mpmath.mpf(b.numerator) / b.denominator, nd)
                           for b in (self.below, self.above)]
        else:
            if digits is None:      # as many digits as the bracket supports, plus one
                width = float(self.above - self.below) / max(abs(float(self.threshold)), 1e-300)
                digits = max(3, min(17, int(-math.log10(width)) + 2)) if width > 0 else 17
            thr = mpmath.nstr(mpmath.mpf(self.threshold.numerator) / self.threshold.denominator, digits)
            bracket = [str(float(self.below)), str(float(self.above))]
        return {"parameter": self.parameter, "threshold": thr, "bracket": bracket,
                "certified": self.certified, "steps": self.steps, "notes": list(self.notes),
                "kind": self.kind, "closed_form": dict(self.closed_form) if self.closed_form else None}


def continuous_threshold_result(parameter: str, below, above, text: str, closed_form: dict | None,
                                notes=(), check: Callable | None = None, progress=None) -> ThresholdResult:
    """A :class:`ThresholdResult` for a continuous onset known exactly.

    ``below <= threshold <= above`` is an exact (rational) enclosure of the
    threshold, ``text`` its decimal digits, ``closed_form`` ``{"sympy": ...,
    "latex": ...}`` or None.  ``check(value_text) -> Mu2Result`` (optional)
    builds the certified :func:`mu2_minimum` at a parameter value: it is run
    at rational points a relative 10^-3 below and above the threshold as an
    independent confirmation (no Q-ball below, one above); a disagreement
    makes the result uncertified, with a note.
    """
    below, above = Fraction(below), Fraction(above)
    notes = list(notes)
    certified = True
    if check is not None:
        mid = (below + above) / 2
        for fac, want in ((Fraction(999, 1000), False), (Fraction(1001, 1000), True)):
            v = (mid * fac).limit_denominator(10**6)
            try:
                r = check(f"{v.numerator}/{v.denominator}")
                got, ok = r.qball_exists, r.existence_certified
            except InputError as exc:
                got, ok = True, "deeper" in str(exc) or "U < 0" in str(exc)
            if progress:
                progress(f"{parameter} = {float(v):.12g}: " + ("Q-ball exists" if got else "no Q-ball")
                         + ("" if ok else " (undecided)"))
            side = "below" if fac < 1 else "above"
            if ok and got == want:
                notes.append(f"confirmed by the certified mu^2 minimum at {parameter} = {float(v):.9g} "
                             f"({side}): " + ("Q-ball exists" if got else "no Q-ball"))
            else:
                certified = False
                notes.append(f"certified mu^2 minimum at {parameter} = {float(v):.9g} ({side}) "
                             + ("undecided" if not ok else "disagrees: " + ("Q-ball exists" if got else "no Q-ball")))
    return ThresholdResult(parameter, (below + above) / 2, below, above, certified, 0, notes,
                           kind="continuous", closed_form=closed_form, text=text)


def threshold_scan(make_potential: Callable, parameter: str, lo, hi=None, rtol: float = 1e-6,
                   domain: str = "amplitudes", max_steps: int = 60, progress=None) -> ThresholdResult:
    """Bisect on ``qball_exists`` for the parameter ``parameter``.

    ``make_potential(value_text)`` builds the potential at a parameter value
    (given as exact rational text).  Existence must be monotone in the
    parameter on ``[lo, hi]`` (true for ``|A|`` in the sec-4 toy model, whose
    mu^2 decreases pointwise as ``|yA|`` grows); it is checked at both ends.
    If ``hi`` is None it is doubled from ``max(2 lo, 1)`` until a Q-ball exists.
    A point where U has a deeper vacuum counts as "exists" (mu^2 < 0 there).
    ``progress`` (callable(str) or None) receives one line per decided point.
    """
    def exists(v: Fraction):
        try:
            r = mu2_minimum(make_potential(f"{v.numerator}/{v.denominator}"), dps=15,
                            domain=domain, max_boxes=MAX_BOXES // 4, polish=False)
        except InputError as exc:
            if "deeper" in str(exc) or "U < 0" in str(exc):
                if progress:
                    progress(f"{parameter} = {float(v):.12g}: deeper vacuum (counts as exists)")
                return True, True
            raise
        if progress:
            progress(f"{parameter} = {float(v):.12g}: "
                     + ("Q-ball exists" if r.qball_exists else "no Q-ball")
                     + ("" if r.existence_certified else " (undecided)"))
        return r.qball_exists, r.existence_certified

    lo = Fraction(lo)
    e_lo, c_lo = exists(lo)
    if e_lo:
        raise NoSolutionError(f"a Q-ball already exists at {parameter} = {float(lo):g}; "
                              "lower the start of the scan")
    notes = []
    if hi is None:
        hi = max(2 * lo, Fraction(1))
        for _ in range(40):
            e, c = exists(hi)
            if e:
                break
            hi *= 2
        else:
            raise NoSolutionError(f"no Q-ball up to {parameter} = {float(hi):g}")
    else:
        hi = Fraction(hi)
        e, c = exists(hi)
        if not e:
            raise NoSolutionError(f"no Q-ball at {parameter} = {float(hi):g}: no threshold in the range")
    certified = bool(c_lo)
    steps = 0
    while hi - lo > rtol * max(abs(hi), 1) and steps < max_steps:
        decided = False
        for frac in (Fraction(1, 2), Fraction(1, 4), Fraction(3, 4)):
            mid = lo + (hi - lo) * frac
            if mid.denominator > 10**18:
                mid = mid.limit_denominator(10**15)
            e, c = exists(mid)
            steps += 1
            if c:
                decided = True
                break
            notes.append(f"undecided at {parameter} = {float(mid):.12g}")
        if not decided:
            notes.append("stopped: existence undecidable inside the bracket "
                         "(a marginal, degenerate minimum)")
            certified = False
            break
        if e:
            hi = mid
        else:
            lo = mid
    return ThresholdResult(parameter, (lo + hi) / 2, lo, hi, certified, steps, notes)
