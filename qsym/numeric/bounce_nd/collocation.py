r"""Collocation equations of the radial bounce on Chebyshev elements (double precision).

.. math::  \phi_i'' + \frac{d-1}{r}\phi_i' = \frac{\partial U}{\partial\phi_i},
           \qquad \phi_i'(0) = 0, \quad a_j'(R) = \kappa_j a_j(R)

Numeric layer: numpy / mpmath only.
"""

from __future__ import annotations

import mpmath
import numpy as np

from qsym.numeric.bounce_nd.chebyshev import _Mesh
from qsym.numeric.kernels.tails import kappa
from qsym.numeric.bounce_nd.problem import _Problem


def _kappa(mu, R, d, prec=None):
    r"""Log-derivatives of ``r^-nu K_nu(mu r)`` at R for every mode (floats, or mpf at ``prec``
    bits): :func:`qsym.numeric.kernels.tails.kappa` for an integer dimension (closed form
    when d is odd), Bessel functions for the real dimensions of a continuation in d.

    .. math::  \kappa_j = -\mu_j K_{\nu+1}(\mu_j R)/K_\nu(\mu_j R), \qquad \nu = d/2 - 1
    """
    wp = prec if prec is not None else 60
    with mpmath.workprec(wp):
        R = mpmath.mpf(R)
        if float(d).is_integer():
            ks = [kappa(int(d), R, mpmath.mpf(m)) for m in mu]
        else:
            nu = mpmath.mpf(d) / 2 - 1
            ks = [-m * mpmath.besselk(nu + 1, m * R) / mpmath.besselk(nu, m * R) for m in mu]
    return np.array([float(k) for k in ks]) if prec is None else ks


class _System:
    """Collocation equations on one mesh (double precision), element by element.

    Rows (per field, at the global nodes): ``phi'(0) = 0`` at node 0, the
    field equation times ``(h/2)^2`` at element-interior nodes, the jump of
    ``phi'`` times the mean half-width at interfaces, and at ``R`` (row k is
    mode k) the matching ``a_k' = kappa_k a_k`` times ``h/2``.
    """

    def __init__(self, P: _Problem, mesh: _Mesh):
        self.P, self.mesh = P, mesh
        d, N = P.d, mesh.N
        self.mu, self.O = P.modes(None)
        self.kap = _kappa(self.mu, mesh.R, d)
        D, D2 = mesh.D, mesh.D2
        # interior rows of every element: Lloc[e, j, :] for j = 1..N-1
        self.cfac = (d - 1) * (mesh.h[:, None] / 2) / mesh.r[mesh.idx[:, 1:N]]     # (E, N-1)
        self.Lloc = D2[None, 1:N, :] + self.cfac[:, :, None] * D[None, 1:N, :]       # (E, N-1, N+1)
        self.sc = (mesh.h / 2) ** 2                                                   # (E,)
        self.sint = (mesh.h[:-1] + mesh.h[1:]) / 4                                    # (E-1,)
        self.noise_row = float(max(np.max(np.sum(np.abs(self.Lloc), axis=2)),
                                   2 * np.max(np.sum(np.abs(D), axis=1))))

    def residual(self, psi):
        m = self.mesh
        N, h = m.N, m.h
        seg = psi[:, m.idx]                                  # (n, E, N+1)
        d1 = seg @ m.D.T
        G = self.P.grad_np(psi)
        F = np.empty_like(psi)
        F[:, m.idx[:, 1:N]] = (np.einsum("ejk,nek->nej", self.Lloc, seg)
                               - self.sc[None, :, None] * G[:, m.idx[:, 1:N]])
        F[:, 0] = d1[:, 0, 0]
        if m.E > 1:
            F[:, m.idx[1:, 0]] = self.sint[None, :] * (2 / h[None, :-1] * d1[:, :-1, N]
                                                       - 2 / h[None, 1:] * d1[:, 1:, 0])
        F[:, -1] = self.O.T @ d1[:, -1, N] - (h[-1] / 2) * self.kap * (self.O.T @ psi[:, -1])
        return F
