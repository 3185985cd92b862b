"""Newton on the collocation equations: the Jacobian by static condensation, then a
block-tridiagonal solve in the element-boundary values (:mod:`.banded`): O(elements).

Numeric layer: numpy only.
"""

from __future__ import annotations

import math

import numpy as np

from qsym.errors import ConvergenceError
from qsym.numeric.bounce_nd.banded import BandLU, BlockTridiag
from qsym.numeric.bounce_nd.collocation import _System
from qsym.numeric.bounce_nd.constants import BTD_RESID_TOL, BTD_SCALE_FLOOR, EPS, MAX_NEWTON, NEWTON_FLOOR


class _Condensed:
    """Jacobian solve by static condensation: element interiors are eliminated
    (one small dense inverse per element, batched), leaving a block-tridiagonal
    system (n x n blocks) in the ``n (E+1)`` element-boundary values, solved by
    block cyclic reduction: O(E) per factorisation and per solve."""

    def __init__(self, sysm: _System, psi):
        m, P = sysm.mesh, sysm.P
        n, N, E = P.n, m.N, m.E
        Ni = N - 1
        self.sysm, self.n, self.N, self.E = sysm, n, N, E
        H = P.hess_np(psi[:, m.idx[:, 1:N]])                 # (n, n, E, N-1)
        A = np.zeros((E, n * Ni, n * Ni))
        C = np.zeros((E, n * Ni, 2 * n))
        eye = np.arange(Ni)
        for k in range(n):
            A[:, k * Ni:(k + 1) * Ni, k * Ni:(k + 1) * Ni] = sysm.Lloc[:, :, 1:N]
            C[:, k * Ni:(k + 1) * Ni, k] = sysm.Lloc[:, :, 0]
            C[:, k * Ni:(k + 1) * Ni, n + k] = sysm.Lloc[:, :, N]
            for l in range(n):
                A[:, k * Ni + eye, l * Ni + eye] -= sysm.sc[:, None] * H[k, l]
        try:
            self.Ainv = np.linalg.inv(A)
        except np.linalg.LinAlgError:
            raise ConvergenceError("singular element Jacobian in the bounce Newton iteration; "
                                   "the potential may be degenerate") from None
        self.Q = self.Ainv @ C                                # (E, nNi, 2n)
        self.blocks = self._boundary_blocks(sysm)
        self.band = None
        try:
            self.btd = BlockTridiag(*self.blocks)
        except np.linalg.LinAlgError:
            self.btd = None

    def _boundary_blocks(self, sysm):
        """The condensed matrix in the boundary values: block tridiagonal, n x n blocks.

        Row (node b, field k) is ``phi'(0) = 0`` (b = 0), the jump of ``phi'`` (interfaces)
        or the matching of mode k (b = E); it couples to the boundary values at b-1, b, b+1
        directly and, through the interiors of the neighbouring elements, via ``Q``."""
        m = sysm.mesh
        n, N, E = self.n, self.N, self.E
        D, h = m.D, m.h
        Ab, Bb, Cb = (np.zeros((E + 1, n, n)) for _ in range(3))
        Qr = self.Q.reshape(E, n, N - 1, 2 * n)
        qL = np.einsum("j,ekjc->ekc", D[N, 1:N], Qr)          # right-end derivative row
        qR = np.einsum("j,ekjc->ekc", D[0, 1:N], Qr)          # left-end derivative row
        I = np.eye(n)
        # origin: phi'(0) = 0
        Bb[0] += D[0, 0] * I - qR[0, :, :n]
        Cb[0] += D[0, N] * I - qR[0, :, n:]
        # interfaces b = 1 .. E-1: s (2/h_{b-1} phi'_left - 2/h_b phi'_right)
        if E > 1:
            fl = (sysm.sint * 2 / h[:-1])[:, None, None]
            fr = (sysm.sint * 2 / h[1:])[:, None, None]
            Ab[1:E] += fl * D[N, 0] * I - fl * qL[:-1, :, :n]
            Bb[1:E] += (fl * D[N, N] - fr * D[0, 0]) * I - fl * qL[:-1, :, n:] + fr * qR[1:, :, :n]
            Cb[1:E] += -fr * D[0, N] * I + fr * qR[1:, :, n:]
        # outer radius: mode k of O^T (phi' - (h/2) kappa phi) = 0
        O, kap = sysm.O, sysm.kap
        Ab[E] += O.T * D[N, 0] - O.T @ qL[E - 1, :, :n]
        Bb[E] += O.T * D[N, N] - (h[-1] / 2) * kap[:, None] * O.T - O.T @ qL[E - 1, :, n:]
        return Ab, Bb, Cb

    def _interior_rhs(self, Pv):
        """The boundary rows' couplings to the interior solution Pv (E, n Ni): (E+1, n)."""
        m = self.sysm.mesh
        n, N, E = self.n, self.N, self.E
        D, h = m.D, m.h
        PvR = Pv.reshape(E, n, N - 1)
        tL, tR = PvR @ D[N, 1:N], PvR @ D[0, 1:N]             # (E, n)
        out = np.zeros((E + 1, n))
        out[0] = tR[0]
        if E > 1:
            s = self.sysm.sint
            out[1:E] = (s * 2 / h[:-1])[:, None] * tL[:-1] - (s * 2 / h[1:])[:, None] * tR[1:]
        out[E] = self.sysm.O.T @ tL[E - 1]
        return out
    def _banded(self):
        """Pivoted banded LU of the boundary system (when block elimination without pivoting
        is inaccurate): O(E n^3), never a dense matrix."""
        if self.band is None:
            try:
                self.band = BandLU(*self.blocks)
            except np.linalg.LinAlgError:
                raise ConvergenceError("singular Jacobian in the bounce Newton iteration; "
                                       "the potential may be degenerate") from None
        return self.band

    def solve(self, r):
        """J^{-1} r for a residual array r of shape (n, Np)."""
        m = self.sysm.mesh
        n, N, E = self.n, self.N, self.E
        Ni = N - 1
        rI = r[:, m.idx[:, 1:N]].transpose(1, 0, 2).reshape(E, n * Ni)     # (E, nNi)
        Pv = np.einsum("eij,ej->ei", self.Ainv, rI)
        rb = r[:, m.idx[:, 0].tolist() + [m.Np - 1]].T                       # (E+1, n), node-major
        rhs = (rb - self._interior_rhs(Pv)).reshape(-1)
        dB = None
        if self.btd is not None and self.band is None:
            x = self.btd.solve(rhs.reshape(E + 1, n, 1))
            res = self.btd.matvec(x) - rhs.reshape(E + 1, n, 1)
            scale = np.max(np.abs(rhs)) + self.btd.norm * np.max(np.abs(x)) + BTD_SCALE_FLOOR
            if np.all(np.isfinite(x)) and np.max(np.abs(res)) <= BTD_RESID_TOL * scale:
                dB = x.reshape(-1)
        if dB is None:
            dB = self._banded().solve(rhs.reshape(E + 1, n, 1)).reshape(-1)
            if not np.all(np.isfinite(dB)):
                raise ConvergenceError("non-finite Jacobian solve in the bounce Newton iteration")
        dBe = np.stack([dB[e * n:(e + 2) * n] for e in range(E)])          # (E, 2n)
        dI = Pv - np.einsum("eij,ej->ei", self.Q, dBe)
        out = np.empty((n, m.Np))
        out[:, m.idx[:, 1:N]] = dI.reshape(E, n, Ni).transpose(1, 0, 2)
        out[:, m.idx[:, 0]] = dB[:E * n].reshape(E, n).T
        out[:, -1] = dB[E * n:]
        return out


def _newton_double(P, mesh, psi, iters):
    """Newton on the collocation equations in floats; returns (psi, |last dx|)."""
    sysm = _System(P, mesh)
    F = sysm.residual(psi)
    nF = np.max(np.abs(F))
    # rounding level of the residual: the collocation rows have entries up to ~N^4
    noise = 10 * EPS * sysm.noise_row
    dx_last = math.inf
    for it in range(MAX_NEWTON):
        dx = -_Condensed(sysm, psi).solve(F)
        step = 1.0
        for _ in range(30):
            pn = psi + step * dx
            Fn = sysm.residual(pn)
            nFn = np.max(np.abs(Fn))
            if np.isfinite(nFn) and (nFn < nF or nFn < noise * max(1.0, np.max(np.abs(pn)))):
                break
            step *= 0.5
        else:
            break
        iters["newton"] = iters.get("newton", 0) + 1
        dxa = step * np.max(np.abs(dx))
        psi, F, nF = pn, Fn, nFn
        scale = max(1.0, np.max(np.abs(psi)))
        if dxa <= 16 * EPS * scale:
            return psi, dxa
        if dxa <= NEWTON_FLOOR * scale and dxa > 0.25 * dx_last:
            return psi, dxa          # no longer shrinking: the rounding level
        dx_last = dxa
    if dx_last <= NEWTON_FLOOR * max(1.0, np.max(np.abs(psi))):
        return psi, dx_last
    raise ConvergenceError("Newton on the bounce equations did not converge (last correction "
                           f"{dx_last:.3g}); the minimiser's start may be outside its basin")
