r"""Block-banded linear solves of the radial problem: O(elements), never a dense inverse.

The collocation Jacobian of a radial problem on spectral elements couples each
element only to its neighbours; after the element interiors are eliminated the
system in the element-boundary values is block tridiagonal with ``b x b`` blocks
(``b`` = number of fields):

.. math::  A_i x_{i-1} + B_i x_i + C_i x_{i+1} = d_i, \qquad i = 0, \dots, m-1.

:class:`BlockTridiag` solves it by block cyclic reduction without pivoting between
blocks (vectorised over the blocks of each level: O(m b^3)); callers check the
residual.  :class:`BandLU` is the pivoted fallback: Gaussian elimination with
partial pivoting on the band (lower and upper bandwidth ``2b - 1``, fill-in up
to ``4b - 2``), O(m b^3) work and O(m b^2) memory, for systems on which block
elimination without pivoting is inaccurate (e.g. a very thin wall).

Numeric layer: numpy only.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> A, B, C = (rng.normal(size=(6, 2, 2)) for _ in range(3))
>>> d = rng.normal(size=(6, 2, 1))
>>> f = BlockTridiag(A, B, C)
>>> bool(np.allclose(f.matvec(BandLU(A, B, C).solve(d)), d))
True
"""

from __future__ import annotations

import numpy as np

__all__ = ["BlockTridiag", "BandLU"]


class BlockTridiag:
    r"""Block cyclic reduction for ``A_i x_{i-1} + B_i x_i + C_i x_{i+1} = d_i``.

    ``A, B, C`` have shape (m, b, b) (``A_0`` and ``C_{m-1}`` are ignored).
    The factorisation costs O(m b^3) and a solve O(m b^2 r) for r right-hand
    sides, both vectorised over the blocks of each of the ~log2(m) levels
    (numpy has no banded solver).  Without pivoting between blocks: callers
    check the residual (:meth:`matvec`) and fall back to :class:`BandLU` when
    it is not small (or when a pivot block is singular: LinAlgError).

    .. math::  \begin{pmatrix} B_0 & C_0 \\ A_1 & B_1 & C_1 \\ & \ddots & \ddots & \ddots
               \end{pmatrix} x = d

    >>> import numpy as np
    >>> I = np.eye(1)[None].repeat(3, axis=0)
    >>> f = BlockTridiag(-I, 2 * I, -I)
    >>> f.solve(np.ones((3, 1, 1))).ravel().tolist()
    [1.5, 2.0, 1.5]
    """

    def __init__(self, A, B, C):
        with np.errstate(all="ignore"):           # a singular pivot block raises LinAlgError below
            self._factor(A, B, C)

    def _factor(self, A, B, C):
        self.A0, self.B0, self.C0 = A, B, C
        #: infinity norm of the matrix (for relative residuals)
        self.norm = float(np.max(np.abs(B).sum(axis=2) + np.abs(A).sum(axis=2) + np.abs(C).sum(axis=2)))
        A, B, C = A.copy(), B.copy(), C.copy()
        A[0] = 0.0
        C[-1] = 0.0
        self.levels = []
        while B.shape[0] > 1:
            m = B.shape[0]
            ev, od = np.arange(0, m, 2), np.arange(1, m, 2)
            me, mo = len(ev), len(od)
            Binv = np.linalg.inv(B[od])
            alpha = np.zeros((me,) + B.shape[1:])
            gamma = np.zeros((me,) + B.shape[1:])
            alpha[1:] = A[ev[1:]] @ Binv[:me - 1]         # left neighbour of ev[k] is od[k-1]
            gamma[:mo] = C[ev[:mo]] @ Binv                  # right neighbour of ev[k] is od[k]
            Bn = B[ev].copy()
            Bn[1:] -= alpha[1:] @ C[od[:me - 1]]
            Bn[:mo] -= gamma[:mo] @ A[od]
            An = np.zeros_like(Bn)
            Cn = np.zeros_like(Bn)
            An[1:] = -alpha[1:] @ A[od[:me - 1]]
            Cn[:mo] = -gamma[:mo] @ C[od]
            self.levels.append((m, Binv, alpha, gamma, A[od], C[od]))
            A, B, C = An, Bn, Cn
        self.last = np.linalg.inv(B[0])
        if not (np.all(np.isfinite(self.last)) and all(np.all(np.isfinite(lv[1])) for lv in self.levels)):
            raise np.linalg.LinAlgError("singular pivot block")

    def solve(self, d):
        """x for right-hand sides d of shape (m, b, r)."""
        stack = []
        for m, Binv, alpha, gamma, Ao, Co in self.levels:
            me, mo = (m + 1) // 2, m // 2
            stack.append(d)
            dn = d[0::2].copy()
            dn[1:] -= alpha[1:] @ d[1::2][:me - 1]
            dn[:mo] -= gamma[:mo] @ d[1::2]
            d = dn
        x = self.last[None] @ d
        for (m, Binv, alpha, gamma, Ao, Co), dl in zip(reversed(self.levels), reversed(stack)):
            me, mo = (m + 1) // 2, m // 2
            rhs = dl[1::2] - Ao @ x[:mo]
            cnt = min(mo, me - 1)
            rhs[:cnt] -= Co[:cnt] @ x[1:cnt + 1]
            xf = np.empty((m,) + x.shape[1:])
            xf[0::2] = x
            xf[1::2] = Binv @ rhs
            x = xf
        return x

    def matvec(self, x):
        """The original block-tridiagonal matrix times x (m, b, r)."""
        y = self.B0 @ x
        y[1:] += self.A0[1:] @ x[:-1]
        y[:-1] += self.C0[:-1] @ x[1:]
        return y

    def dense(self):
        """The matrix as a dense array (for tests on small systems only)."""
        m, b = self.B0.shape[0], self.B0.shape[1]
        M = np.zeros((m * b, m * b))
        for i in range(m):
            M[i * b:(i + 1) * b, i * b:(i + 1) * b] = self.B0[i]
            if i:
                M[i * b:(i + 1) * b, (i - 1) * b:i * b] = self.A0[i]
            if i < m - 1:
                M[i * b:(i + 1) * b, (i + 1) * b:(i + 2) * b] = self.C0[i]
        return M


class BandLU:
    r"""LU with partial pivoting of a block-tridiagonal matrix in band storage.

    Row ``r`` of the scalar matrix (size ``M = m b``) is kept as the window of
    columns ``r - kl ... r + kl + ku`` (``kl = ku = 2b - 1``: the band, plus the
    fill-in that row swaps within the band bring).  Elimination costs
    O(M (kl + ku) kl) and a solve O(M (kl + ku) r): linear in the number of
    elements, with the stability of partial pivoting.

    .. math::  P M = L U, \qquad L \text{ unit lower, bandwidth } k_l; \quad
               U \text{ upper, bandwidth } k_l + k_u

    >>> import numpy as np
    >>> Z = np.zeros((2, 1, 1)); one = np.ones((2, 1, 1))
    >>> f = BandLU(one, Z, one)          # [[0, 1], [1, 0]]: needs a pivot
    >>> f.solve(np.array([[[2.0]], [[3.0]]])).ravel().tolist()
    [3.0, 2.0]
    """

    def __init__(self, A, B, C):
        m, b = B.shape[0], B.shape[1]
        M = m * b
        kl = ku = 2 * b - 1
        W = 2 * kl + ku + 1
        self.M, self.b, self.kl, self.W = M, b, kl, W
        band = np.zeros((M + kl, W))                 # kl rows of padding below
        for i in range(m):
            for r in range(b):
                row = i * b + r
                base = row - kl                      # column of window index 0
                for k, blk in enumerate((A, B, C)):
                    if (k == 0 and i == 0) or (k == 2 and i == m - 1):
                        continue                     # A_0 and C_{m-1} lie outside the matrix
                    col0 = (i - 1 + k) * b
                    band[row, col0 - base:col0 - base + b] = blk[i, r]
        self.piv = np.zeros(M, dtype=int)
        self.L = np.zeros((M, kl))
        cols = np.arange(W - kl)[None, :]
        for j in range(M):
            rows = np.arange(j, min(j + kl + 1, M))
            # column j sits at window index kl - (row - j) of row `row`
            colv = band[rows, kl - (rows - j)]
            p = int(np.argmax(np.abs(colv)))
            self.piv[j] = p
            if colv[p] == 0:
                raise np.linalg.LinAlgError("singular matrix in the banded LU")
            if p:
                # swap rows j and j + p (their windows are offset by p)
                rj, rp = band[j].copy(), band[j + p].copy()
                band[j] = 0.0
                band[j, p:] = rp[:W - p]
                band[j + p] = 0.0
                band[j + p, :W - p] = rj[p:]
            piv = band[j, kl]
            below = rows[1:]
            if len(below):
                off = below - j                            # 1 .. kl
                f = band[below, kl - off] / piv
                self.L[j, :len(below)] = f
                seg = band[j, kl:W]                        # columns j .. j + kl + ku
                band[below[:, None], (kl - off)[:, None] + cols] -= f[:, None] * seg[None, :]
        self.U = band[:M, kl:W].copy()                     # row j: columns j .. j + kl + ku

    def solve(self, d):
        """x for right-hand sides d of shape (m, b, r)."""
        shape = d.shape
        y = d.reshape(self.M, -1).astype(float).copy()
        M, kl = self.M, self.kl
        for j in range(M):
            p = self.piv[j]
            if p:
                y[[j, j + p]] = y[[j + p, j]]
            k = min(kl, M - 1 - j)
            if k:
                y[j + 1:j + 1 + k] -= self.L[j, :k, None] * y[j]
        wu = self.U.shape[1]
        for j in range(M - 1, -1, -1):
            k = min(wu, M - j)
            y[j] = (y[j] - self.U[j, 1:k] @ y[j + 1:j + k]) / self.U[j, 0]
        return y.reshape(shape)
