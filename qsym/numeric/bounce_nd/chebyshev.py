r"""Chebyshev-Lobatto element data and the element mesh of the radial problem.

On every element the fields are interpolated at the ``N + 1`` Chebyshev-Lobatto points
``x_j = -cos(pi j / N)``; :func:`_cheb` gives the nodes, barycentric weights, the
differentiation matrices ``D`` and ``D^2``, Clenshaw-Curtis weights and the
values -> coefficients map (floats, or mpf at a given precision, cached).

.. math::  f(x) \approx \sum_{k=0}^{N} c_k T_k(x), \qquad f'(x_i) \approx \sum_j D_{ij} f(x_j)

Numeric layer: numpy / mpmath only.
"""

from __future__ import annotations

import mpmath
import numpy as np


_CHEB_CACHE: dict = {}


def _cheb(N: int, prec: int | None):
    """Nodes (ascending), barycentric weights, D, D^2, Clenshaw-Curtis weights and
    the values -> coefficients matrix on [-1, 1]; floats (``prec`` None) or mpf."""
    key = (N, prec)
    if key in _CHEB_CACHE:
        return _CHEB_CACHE[key]
    if len(_CHEB_CACHE) > 64:
        _CHEB_CACHE.clear()
    if prec is None:
        _CHEB_CACHE[key] = _cheb_float(N)
        return _CHEB_CACHE[key]
    with mpmath.workprec(prec + 10):
        # cos(pi m / N) for m = 0 .. 2N-1: every cosine below is one of these
        ct = [mpmath.cospi(mpmath.mpf(m) / N) for m in range(2 * N)]
        cs = lambda m: ct[m % (2 * N)]  # noqa: E731
        x = [-ct[j] for j in range(N + 1)]
        x[0], x[N] = mpmath.mpf(-1), mpmath.mpf(1)
        if N % 2 == 0:
            x[N // 2] = mpmath.mpf(0)
        bw = [mpmath.mpf((-1) ** j) * (mpmath.mpf(1) / 2 if j in (0, N) else 1) for j in range(N + 1)]
        D = [[mpmath.mpf(0)] * (N + 1) for _ in range(N + 1)]
        for i in range(N + 1):
            s = mpmath.mpf(0)
            for j in range(N + 1):
                if i != j:
                    D[i][j] = (bw[j] / bw[i]) / (x[i] - x[j])
                    s += D[i][j]
            D[i][i] = -s
        # second derivative, O(N^2): D2_ij = 2 D_ij (D_ii - 1/(x_i - x_j)), rows sum to zero
        D2 = [[mpmath.mpf(0)] * (N + 1) for _ in range(N + 1)]
        for i in range(N + 1):
            s = mpmath.mpf(0)
            for j in range(N + 1):
                if i != j:
                    D2[i][j] = 2 * D[i][j] * (D[i][i] - 1 / (x[i] - x[j]))
                    s += D2[i][j]
            D2[i][i] = -s
        # Clenshaw-Curtis weights (Trefethen, Spectral Methods in MATLAB, clencurt)
        w = [mpmath.mpf(0)] * (N + 1)
        v = [mpmath.mpf(1)] * (N + 1)
        if N % 2 == 0:
            w[0] = w[N] = mpmath.mpf(1) / (N * N - 1)
            for k in range(1, N // 2):
                for j in range(1, N):
                    v[j] -= 2 * cs(2 * k * j) / (4 * k * k - 1)
            for j in range(1, N):
                v[j] -= cs(N * j) / (N * N - 1)
        else:
            w[0] = w[N] = mpmath.mpf(1) / (N * N)
            for k in range(1, (N - 1) // 2 + 1):
                for j in range(1, N):
                    v[j] -= 2 * cs(2 * k * j) / (4 * k * k - 1)
        for j in range(1, N):
            w[j] = 2 * v[j] / N
        # coefficients: c_k = (2/N) g_k sum'' f_j cos(k pi (N-j)/N)
        C = [[(mpmath.mpf(2) / N) * (mpmath.mpf(1) / 2 if k in (0, N) else 1)
              * (mpmath.mpf(1) / 2 if j in (0, N) else 1) * cs(k * (N - j))
              for j in range(N + 1)] for k in range(N + 1)]
    if prec is None:
        out = (np.array([float(t) for t in x]), np.array([float(t) for t in bw]),
               np.array([[float(t) for t in row] for row in D]),
               np.array([[float(t) for t in row] for row in D2]),
               np.array([float(t) for t in w]),
               np.array([[float(t) for t in row] for row in C]))
    else:
        with mpmath.workprec(prec):
            out = tuple([+t for t in x]), tuple([+t for t in bw]), \
                [[+t for t in row] for row in D], [[+t for t in row] for row in D2], \
                tuple([+t for t in w]), [[+t for t in row] for row in C]
    _CHEB_CACHE[key] = out
    return out


def _cheb_float(N: int):
    """The double-precision version of :func:`_cheb` (numpy; same formulas)."""
    j = np.arange(N + 1)
    x = -np.cos(np.pi * j / N)
    x[0], x[N] = -1.0, 1.0
    if N % 2 == 0:
        x[N // 2] = 0.0
    bw = (-1.0) ** j
    bw[0] *= 0.5
    bw[N] *= 0.5
    dx = x[:, None] - x[None, :]
    np.fill_diagonal(dx, 1.0)
    D = (bw[None, :] / bw[:, None]) / dx
    np.fill_diagonal(D, 0.0)
    np.fill_diagonal(D, -D.sum(axis=1))
    D2 = D @ D
    th = np.pi * j / N
    w = np.zeros(N + 1)
    v = np.ones(N - 1)
    if N % 2 == 0:
        w[0] = w[N] = 1.0 / (N * N - 1)
        for k in range(1, N // 2):
            v -= 2 * np.cos(2 * k * th[1:N]) / (4 * k * k - 1)
        v -= np.cos(N * th[1:N]) / (N * N - 1)
    else:
        w[0] = w[N] = 1.0 / (N * N)
        for k in range(1, (N - 1) // 2 + 1):
            v -= 2 * np.cos(2 * k * th[1:N]) / (4 * k * k - 1)
    w[1:N] = 2 * v / N
    g = np.where((j == 0) | (j == N), 0.5, 1.0)
    C = (2.0 / N) * g[:, None] * g[None, :] * np.cos(np.pi * j[:, None] * (N - j[None, :]) / N)
    return x, bw, D, D2, w, C


class _Mesh:
    """Chebyshev-Lobatto elements with float edges ``0 = e_0 < ... < e_E = R``."""

    def __init__(self, edges, N: int):
        self.edges = np.asarray(edges, dtype=float)
        self.N = int(N)
        self.E = len(self.edges) - 1
        self.h = np.diff(self.edges)
        self.Np = self.E * self.N + 1
        x, bw, D, D2, w, C = _cheb(self.N, None)
        self.x, self.bw, self.D, self.D2, self.w, self.C = x, bw, D, D2, w, C
        self.idx = (np.arange(self.E)[:, None] * self.N + np.arange(self.N + 1)[None, :])
        self.r = np.empty(self.Np)
        self.r[self.idx] = self.edges[:-1, None] + self.h[:, None] * (x[None, :] + 1) / 2
        self.r[0] = 0.0
        self.R = float(self.edges[-1])

    def weights(self, d):
        """Quadrature weights of ``int f r^{d-1} dr`` at the global nodes."""
        W = np.zeros(self.Np)
        loc = (self.h[:, None] / 2) * self.w[None, :] * self.r[self.idx] ** (d - 1)
        np.add.at(W, self.idx, loc)
        return W

    def interp(self, vals, rr):
        """Values of the piecewise interpolant (n, Np) at radii rr (zero beyond R)."""
        rr = np.atleast_1d(np.asarray(rr, dtype=float))
        out = np.zeros((vals.shape[0], len(rr)))
        e = np.clip(np.searchsorted(self.edges, rr, side="right") - 1, 0, self.E - 1)
        inside = rr <= self.R
        for i in np.nonzero(inside)[0]:
            ei = e[i]
            xl = 2 * (rr[i] - self.edges[ei]) / self.h[ei] - 1
            diff = xl - self.x
            hit = np.nonzero(diff == 0)[0]
            seg = vals[:, self.idx[ei]]
            if len(hit):
                out[:, i] = seg[:, hit[0]]
            else:
                t = self.bw / diff
                out[:, i] = seg @ t / t.sum()
        return out

    def coeffs(self, vals):
        """Chebyshev coefficients per element: array (n, E, N+1)."""
        return vals[:, self.idx] @ self.C.T
