"""High precision by mixed-precision iterative refinement: residuals at ``dps + GUARD_DIGITS``
digits (fixed-point integer arithmetic), corrections from the double-precision Jacobian.

Numeric layer: numpy / mpmath only.
"""

from __future__ import annotations

import math

from fractions import Fraction

import mpmath
import numpy as np

from qsym.errors import ConvergenceError
from qsym.numeric.bounce_nd.chebyshev import _cheb
from qsym.numeric.bounce_nd.collocation import _System, _kappa
from qsym.numeric.bounce_nd.constants import FIXED_GUARD_BITS, MAX_MP_ITER
from qsym.numeric.bounce_nd.fixedarb import FixedArb
from qsym.numeric.bounce_nd.integrals import _tail_pieces
from qsym.numeric.bounce_nd.newton import _Condensed


class _FixedPoly:
    r"""A polynomial U (``P.num.poly``: ``{exponents: Fraction}``) in the scaled units of
    ``P``, evaluated on integer arrays at scale 2^bits (numpy object arrays, shape (n, ...)):
    the value :math:`\tilde U` and the gradient, at the same scale.

    .. math::  \tilde U(\psi) = \sum_e a_e \frac{\Phi^{|e|-2}}{m^2}\,\psi^e, \qquad
               \frac{\partial\tilde U}{\partial\psi_k}
               = \sum_e a_e e_k \frac{\Phi^{|e|-2}}{m^2}\,\psi^{e - 1_k}

    Products are truncated to the scale after each multiplication (error a few 2^-bits for
    O(1) fields); the coefficients are exact fractions of the float units Phi and m^2.

    >>> import sympy as sp
    >>> from qsym.bridge import numeric_nd
    >>> from qsym.numeric.bounce_nd.shifted import ShiftedND
    >>> a, b = sp.symbols("a b")
    >>> s = ShiftedND(numeric_nd(a**2 + a*b**2, [a, b]), [1, 0], 0,
    ...               poly={(2, 0): Fraction(1), (1, 2): Fraction(1)})
    >>> P = type("P", (), {"num": s, "n": 2, "Phi": 1.0, "m2": 2.0})()
    >>> f = _FixedPoly.of(P, 40)
    >>> X = np.array([[2 ** 40], [2 ** 39]], dtype=object)
    >>> [int(v[0]) / 2 ** 40 for v in f.grad(X)], int(f.value(X)[0]) / 2 ** 40
    ([1.125, 0.5], 0.625)
    """

    @classmethod
    def of(cls, P, bits):
        """The evaluator of ``P``'s potential, or None when it has no polynomial form."""
        poly = getattr(P.num, "poly", None)
        return cls(P, poly, bits) if poly else None

    def __init__(self, P, poly, bits):
        n = self.n = P.n
        self.bits = bits
        Phi, m2 = Fraction(P.Phi), Fraction(P.m2)
        one = 1 << bits
        self.uterms = []                         # (fixed coefficient, exponents)
        self.gterms = [[] for _ in range(n)]
        for e, a in poly.items():
            c = Fraction(a) * Phi ** (sum(e) - 2) / m2
            self.uterms.append((round(c * one), tuple(e)))
            for k in range(n):
                if e[k]:
                    ek = tuple(v - (i == k) for i, v in enumerate(e))
                    self.gterms[k].append((round(c * e[k] * one), ek))
        self.top = [max([t[1][i] for t in self.uterms] + [1]) for i in range(n)]

    def _powers(self, X):
        B = self.bits
        pw = []
        for i in range(self.n):
            p = [None, X[i]]
            for _ in range(2, self.top[i] + 1):
                p.append((p[-1] * X[i]) >> B)
            pw.append(p)
        return pw

    def _sum(self, terms, pw, shape):
        B = self.bits
        acc = np.zeros(shape, dtype=object)
        for c, ek in terms:
            mono = None
            for i in range(self.n):
                if ek[i]:
                    mono = pw[i][ek[i]] if mono is None else (mono * pw[i][ek[i]]) >> B
            acc = acc + ((c * mono) >> B if mono is not None else c)
        return acc

    def grad(self, X):
        pw = self._powers(X)
        out = np.empty(X.shape, dtype=object)
        for k in range(self.n):
            out[k] = self._sum(self.gterms[k], pw, X.shape[1:])
        return out

    def value(self, X):
        return self._sum(self.uterms, self._powers(X), X.shape[1:])


class _MPSystem:
    def __init__(self, P, mesh, prec):
        self.P, self.mesh, self.prec = P, mesh, prec
        with mpmath.workprec(prec):
            x, bw, D, D2, w, C = _cheb(mesh.N, prec)
            self.x, self.bw, self.D, self.D2, self.w, self.C = x, bw, D, D2, w, C
            self.edges = [mpmath.mpf(float(v)) for v in mesh.edges]
            self.h = [self.edges[e + 1] - self.edges[e] for e in range(mesh.E)]
            N = mesh.N
            self.r = [None] * mesh.Np
            for e in range(mesh.E):
                for j in range(N + 1):
                    self.r[e * N + j] = self.edges[e] + self.h[e] * (x[j] + 1) / 2
            self.r[0] = mpmath.mpf(0)
            self.mu, self.O = P.modes(prec)
            self.kap = _kappa(self.mu, self.edges[-1], P.d, prec)
            # fixed-point copies of D and D^2 (integers at scale 2^bits) for the residual
            self.bits = prec + FIXED_GUARD_BITS
            sc = mpmath.mpf(2) ** self.bits
            self.Dint = np.array([[int(mpmath.nint(v * sc)) for v in row] for row in D], dtype=object)
            self.D2int = np.array([[int(mpmath.nint(v * sc)) for v in row] for row in D2], dtype=object)
            # interior rows of the fixed-point residual: (d-1)(h/2)/r and (h/2)^2 at 2^bits
            Ni = mesh.idx[:, 1:N]
            self.fac_int = np.array([[int(mpmath.nint((P.d - 1) * (self.h[e] / 2) / self.r[g] * sc))
                                      for g in Ni[e]] for e in range(mesh.E)], dtype=object)
            self.c_int = np.array([int(mpmath.nint((self.h[e] / 2) ** 2 * sc)) for e in range(mesh.E)],
                                  dtype=object)
            # quadrature weights (h/2) w_j r^(d-1) at 2^bits, and (2/h)^2/2 of the kinetic term
            self.W_int = np.array([[int(mpmath.nint(self.h[e] / 2 * w[j] * self.r[e * N + j] ** (P.d - 1) * sc))
                                    for j in range(N + 1)] for e in range(mesh.E)], dtype=object)
            self.kin_int = np.array([int(mpmath.nint(2 / self.h[e] ** 2 * sc)) for e in range(mesh.E)],
                                    dtype=object)
        # fixed-point potential: exact sums for a polynomial U, Arb balls node by node otherwise
        self.fp = _FixedPoly.of(P, self.bits) or FixedArb.of(P, self.bits)

    def _to_fixed(self, v):
        """An mpf as an integer at scale 2^bits (truncated: error below 2^-bits)."""
        sign, man, exp, _ = v._mpf_          # mpmath's raw (sign, |mantissa|, exponent, bits)
        sh = exp + self.bits
        mag = int(man) << sh if sh >= 0 else int(man) >> -sh
        return -mag if sign else mag

    def residual(self, psi, derivs: bool = True):
        """psi: list of n lists of mpf; returns (F as float array (n, Np), local derivatives
        as mpf, or None without ``derivs``).

        The derivative sums (the O(E N^2) part) are exact integer dot products of
        fixed-point numbers at scale 2^(prec + FIXED_GUARD_BITS) (numpy object arrays of
        Python integers: several times faster than mpf dot products); the error of the
        truncation to fixed point is far below 2^-prec relative to max |psi| = O(1)."""
        P, m = self.P, self.mesh
        n, N, E, d = P.n, m.N, m.E, P.d
        F = np.zeros((n, m.Np))
        b2 = -2 * self.bits
        with mpmath.workprec(self.prec):
            X = np.array([[self._to_fixed(v) for v in row] for row in psi], dtype=object)
            seg = X[:, m.idx]                                   # (n, E, N+1)
            d1i = seg @ self.Dint.T                             # scale 2^(2 bits)
            d2i = seg[:, :, :] @ self.D2int[1:N].T              # interior rows only
            mpf = mpmath.mpf
            if self.fp is not None:
                return self.residual_fixed(X, derivs)
            d1s = [[[mpf((int(v), b2)) for v in d1i[k, e]] for k in range(n)] for e in range(E)]
            for e in range(E):
                he = self.h[e]
                base = e * N
                d1 = d1s[e]
                c = (he / 2) ** 2
                for j in range(1, N):
                    g = base + j
                    G = P.grad_mp([psi[k][g] for k in range(n)])
                    fac = (d - 1) * (he / 2) / self.r[g]
                    for k in range(n):
                        F[k, g] = float(mpf((int(d2i[k, e, j - 1]), b2)) + fac * d1[k][j] - c * G[k])
            self._boundary_rows(F, d1s, psi, n, E, N)
        return F, d1s

    def _boundary_rows(self, F, d1s, psi, n, E, N):
        """The rows of F that are not collocation points: psi'(0) = 0, the flux matching at every
        element interface, and the decaying-tail condition at R (in the mass eigenbasis O)."""
        for k in range(n):
            F[k, 0] = float(d1s[0][k][0])
            for e in range(E - 1):
                s = (self.h[e] + self.h[e + 1]) / 4
                F[k, (e + 1) * N] = float(s * (2 / self.h[e] * d1s[e][k][N]
                                               - 2 / self.h[e + 1] * d1s[e + 1][k][0]))
        hl = self.h[-1] / 2
        for j in range(n):
            F[j, -1] = float(sum(self.O[l][j] * (d1s[-1][l][N] - hl * self.kap[j] * psi[l][-1])
                                 for l in range(n)))

    def to_fixed(self, psi):
        """psi (lists of mpf) as an integer array (n, Np) at scale 2^bits."""
        return np.array([[self._to_fixed(v) for v in row] for row in psi], dtype=object)

    def residual_fixed(self, X, derivs: bool = False):
        """:meth:`residual` for a polynomial U from the fixed-point fields X (n, Np): the
        interior rows entirely in integers (the gradient by :class:`_FixedPoly`)."""
        with mpmath.workprec(self.prec):
            return self._residual_fixed(X, derivs)

    def _residual_fixed(self, X, derivs):
        P, m = self.P, self.mesh
        n, N, E, B = P.n, m.N, m.E, self.bits
        seg = X[:, m.idx]                                   # (n, E, N+1)
        d1i = seg @ self.Dint.T                             # scale 2^(2 bits)
        d2i = seg @ self.D2int[1:N].T
        F = np.zeros((n, m.Np))
        G = self.fp.grad(seg[:, :, 1:N])                    # (n, E, N-1) at 2^B
        Fi = d2i + ((self.fac_int[None] * d1i[:, :, 1:N]) >> B) - self.c_int[None, :, None] * G
        F[:, m.idx[:, 1:N]] = np.ldexp(Fi.astype(float), -2 * B)
        mpf = mpmath.mpf
        b2 = -2 * B
        ends = [[[mpf((int(d1i[k, e, 0]), b2)), mpf((int(d1i[k, e, N]), b2))] for k in range(n)]
                for e in range(E)]
        for k in range(n):
            F[k, 0] = float(ends[0][k][0])
            for e in range(E - 1):
                s = (self.h[e] + self.h[e + 1]) / 4
                F[k, (e + 1) * N] = float(s * (2 / self.h[e] * ends[e][k][1]
                                               - 2 / self.h[e + 1] * ends[e + 1][k][0]))
        hl = self.h[-1] / 2
        for j in range(n):
            F[j, -1] = float(sum(self.O[l][j] * (ends[-1][l][1] - hl * self.kap[j] * mpf((int(X[l, -1]), -B)))
                                 for l in range(n)))
        if not derivs:
            return F, None
        return F, [[[mpf((int(v), b2)) for v in d1i[k, e]] for k in range(n)] for e in range(E)]

    def residual_fdot(self, psi):
        """:meth:`residual` with mpf dot products (the reference the tests compare with)."""
        P, m = self.P, self.mesh
        n, N, E, d = P.n, m.N, m.E, P.d
        F = np.zeros((n, m.Np))
        with mpmath.workprec(self.prec):
            D, D2 = self.D, self.D2
            d1s = []
            for e in range(E):
                he = self.h[e]
                base = e * N
                segs = [psi[k][base:base + N + 1] for k in range(n)]
                d1 = [[mpmath.fdot(D[j], segs[k]) for j in range(N + 1)] for k in range(n)]
                d1s.append(d1)
                c = (he / 2) ** 2
                for j in range(1, N):
                    g = base + j
                    G = P.grad_mp([psi[k][g] for k in range(n)])
                    fac = (d - 1) * (he / 2) / self.r[g]
                    for k in range(n):
                        F[k, g] = float(mpmath.fdot(D2[j], segs[k]) + fac * d1[k][j] - c * G[k])
            self._boundary_rows(F, d1s, psi, n, E, N)
        return F, d1s

    def integrals_of(self, psi):
        """(T, V, [int psi_k^2], psi'(R)) of the solution psi (lists of mpf), with the tails."""
        if self.fp is None:
            return self.integrals(psi, self.residual(psi)[1])
        with mpmath.workprec(self.prec):
            return self.integrals_fixed(self.to_fixed(psi))

    def integrals_fixed(self, X):
        """:meth:`integrals` in fixed point (polynomial U): exact integer sums, one rounding."""
        P, m = self.P, self.mesh
        n, N, B = P.n, m.N, self.bits
        seg = X[:, m.idx]                                   # (n, E, N+1)
        d1i = seg @ self.Dint.T                             # 2^(2B)
        W = self.W_int                                      # (E, N+1) at 2^B
        kin = int(np.sum((self.kin_int[:, None] * W) * np.sum(d1i * d1i, axis=0)))     # 2^(6B)
        pot = int(np.sum(W * self.fp.value(seg)))           # 2^(2B)
        Qs = [int(np.sum(W * seg[k] * seg[k])) for k in range(n)]                      # 2^(3B)
        mpf = mpmath.mpf
        T, V = mpf((kin, -6 * B)), mpf((pot, -2 * B))
        Q = [mpf((q, -3 * B)) for q in Qs]
        psiR = [mpf((int(X[k, -1]), -B)) for k in range(n)]
        dR = [2 / self.h[-1] * mpf((int(d1i[k, -1, N]), -2 * B)) for k in range(n)]
        Tt, Vt, Qt = _tail_pieces(self.mu, self.O, psiR, dR, self.edges[-1], P.d)
        return T + Tt, V + Vt, [Q[k] + Qt[k] for k in range(n)], dR

    def integrals(self, psi, d1s):
        P, m = self.P, self.mesh
        n, N, E, d = P.n, m.N, m.E, P.d
        with mpmath.workprec(self.prec):
            T = mpmath.mpf(0)
            V = mpmath.mpf(0)
            Q = [mpmath.mpf(0)] * n
            for e in range(E):
                he = self.h[e]
                for j in range(N + 1):
                    g = e * N + j
                    wt = he / 2 * self.w[j] * self.r[g] ** (d - 1)
                    if wt == 0:
                        continue
                    vals = [psi[k][g] for k in range(n)]
                    T += wt * sum((2 / he * d1s[e][k][j]) ** 2 for k in range(n)) / 2
                    V += wt * P.U_mp(vals)
                    for k in range(n):
                        Q[k] += wt * vals[k] ** 2
            dR = [2 / self.h[-1] * d1s[-1][k][N] for k in range(n)]
            Tt, Vt, Qt = _tail_pieces(self.mu, self.O, [psi[k][-1] for k in range(n)], dR,
                                      self.edges[-1], d)
            return T + Tt, V + Vt, [Q[k] + Qt[k] for k in range(n)], dR

    def tails(self, psi):
        """Largest |c_{N-1}|, |c_N| over elements and fields, relative to max |psi|."""
        m = self.mesh
        N = m.N
        with mpmath.workprec(self.prec):
            scale = max(abs(v) for row in psi for v in row)
            worst = mpmath.mpf(0)
            for e in range(m.E):
                for k in range(self.P.n):
                    seg = psi[k][e * N:e * N + N + 1]
                    for kk in (N - 1, N):
                        worst = max(worst, abs(mpmath.fdot(self.C[kk], seg)))
            return worst / scale


def _refine_mp(P, mesh, psi_d, digits, iters, psi0=None):
    """Mixed-precision Newton to 10^-digits on ``mesh`` from the float profile ``psi_d`` (or
    from the mpf profile ``psi0``, e.g. a nearby problem's high-precision solution); returns
    (mp system, psi, |last dx|)."""
    prec = int(math.ceil(digits * math.log2(10))) + 16
    msys = _MPSystem(P, mesh, prec)
    dsys = _System(P, mesh)
    n, Np = P.n, mesh.Np
    Jsolve = _Condensed(dsys, psi_d).solve
    with mpmath.workprec(prec):
        psi = [[mpmath.mpf(float(v)) for v in psi_d[k]] for k in range(n)] if psi0 is None \
            else [[+v for v in row] for row in psi0]
    scale = float(np.max(np.abs(psi_d)))
    target = 10.0 ** -digits * scale
    prev = math.inf
    B = msys.bits
    X = msys.to_fixed(psi) if msys.fp is not None else None
    for it in range(MAX_MP_ITER):
        if X is not None:
            F, _ = msys.residual_fixed(X)
        else:
            F, _ = msys.residual(psi, derivs=False)
        dx = -Jsolve(F)
        iters["mp_newton"] = iters.get("mp_newton", 0) + 1
        dxa = float(np.max(np.abs(dx)))
        if not math.isfinite(dxa):
            raise ConvergenceError("high-precision refinement produced a non-finite correction")
        if X is not None:
            X = X + np.array([[int(v) for v in row] for row in np.ldexp(dx, B)], dtype=object)
        else:
            with mpmath.workprec(prec):
                for k in range(n):
                    row = psi[k]
                    for g in range(Np):
                        row[g] += dx[k, g]
        if dxa <= target:
            if X is not None:
                with mpmath.workprec(prec):
                    psi = [[+mpmath.mpf((int(v), -B)) for v in row] for row in X]
            return msys, psi, dxa
        if dxa > 0.5 * prev and it > 2:
            raise ConvergenceError(f"high-precision refinement stalled at |dx| = {dxa:.3g} "
                                   f"(dps target 1e-{digits}); try a smaller dps")
        prev = dxa
    raise ConvergenceError(f"high-precision refinement did not converge in {MAX_MP_ITER} steps")
