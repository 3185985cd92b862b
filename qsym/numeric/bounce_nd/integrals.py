"""Integrals of a bounce: T, V and ``int phi_k^2`` by quadrature plus the linear tails beyond R.

Beyond ``R`` mode ``j`` is ``c_j r^{-nu} K_nu(mu_j r)``; the cross integrals
``int_R^oo r K_nu(mu_j r) K_nu(mu_l r) dr`` are in closed form.

Numeric layer: numpy / mpmath only.
"""

from __future__ import annotations

import mpmath
import numpy as np

from qsym.numeric.bounce_nd.escape import _sphere


def _tail_pieces(mu, O, psiR, dpsiR, R, d):
    """Tail (r > R) contributions of the linear modes: (T, V, [int psi_k^2]) without the
    solid angle), in mpmath at the caller's precision.

    Mode ``j`` beyond ``R`` is ``c_j r^-nu K_nu(mu_j r)``; with
    ``X_jl = int_R^oo r K_nu(mu_j r) K_nu(mu_l r) dr`` (closed form),
    ``int r^{d-1} a_j^2 = c_j^2 X_jj``, ``int r^{d-1} a_j'^2 = -R^{d-1} a_j a_j' - mu_j^2 int r^{d-1} a_j^2``.
    """
    n = len(mu)
    nu = mpmath.mpf(d) / 2 - 1
    R = mpmath.mpf(R)
    a = [sum(O[i][j] * psiR[i] for i in range(n)) for j in range(n)]
    da = [sum(O[i][j] * dpsiR[i] for i in range(n)) for j in range(n)]
    Kn = [mpmath.besselk(nu, m * R) for m in mu]
    K1 = [mpmath.besselk(nu + 1, m * R) for m in mu]
    c = [a[j] * R ** nu / Kn[j] for j in range(n)]
    X = [[None] * n for _ in range(n)]
    for j in range(n):
        for l in range(n):
            if abs(mu[j] - mu[l]) <= mpmath.mpf(10) ** -6 * mu[j]:
                mm = (mu[j] + mu[l]) / 2
                kn, k1, km = (mpmath.besselk(nu, mm * R), mpmath.besselk(nu + 1, mm * R),
                              mpmath.besselk(nu - 1, mm * R))
                X[j][l] = R ** 2 / 2 * (km * k1 - kn ** 2)
            else:
                X[j][l] = R * (mu[j] * K1[j] * Kn[l] - mu[l] * Kn[j] * K1[l]) / (mu[j] ** 2 - mu[l] ** 2)
    T = mpmath.mpf(0)
    V = mpmath.mpf(0)
    for j in range(n):
        Qj = c[j] ** 2 * X[j][j]
        T += (-R ** (d - 1) * a[j] * da[j] - mu[j] ** 2 * Qj) / 2
        V += mu[j] ** 2 * Qj / 2
    Qk = []
    for k in range(n):
        s = mpmath.mpf(0)
        for j in range(n):
            for l in range(n):
                s += O[k][j] * O[k][l] * c[j] * c[l] * X[j][l]
        Qk.append(s)
    return T, V, Qk


def _integrals_double(P, mesh, psi):
    d, N = P.d, mesh.N
    W = mesh.weights(d)
    dl = psi[:, mesh.idx] @ mesh.D.T * (2 / mesh.h)[None, :, None]     # (n, E, N+1)
    wl = (mesh.h[:, None] / 2) * mesh.w[None, :] * mesh.r[mesh.idx] ** (d - 1)
    T = 0.5 * float(np.sum(wl[None] * dl ** 2))
    V = float(P.U_np(psi) @ W)
    Q = [float(psi[k] ** 2 @ W) for k in range(P.n)]
    mu, O = P.modes(None)
    dR = dl[:, -1, N]
    with mpmath.workprec(80):
        Tt, Vt, Qt = _tail_pieces([mpmath.mpf(float(m)) for m in mu],
                                  [[mpmath.mpf(float(O[i, j])) for j in range(P.n)] for i in range(P.n)],
                                  [mpmath.mpf(float(v)) for v in psi[:, -1]],
                                  [mpmath.mpf(float(v)) for v in dR], mesh.R, d)
    return T + float(Tt), V + float(Vt), [Q[k] + float(Qt[k]) for k in range(P.n)]


def _cubic_coefficient(P):
    """Size of the non-quadratic part of U~ near the origin (for the tail error bound)."""
    dirs = _sphere(P.n)
    r = 0.05
    psi = (r * dirs).T
    U = P.U_np(psi)
    M = np.array([[float(v) for v in row] for row in P.H0]) / P.m2
    quad = 0.5 * np.einsum("ki,kl,li->i", psi, M, psi)
    with np.errstate(all="ignore"):
        c = np.nanmax(np.abs(U - quad)) / r ** 3
    return float(c) if np.isfinite(c) else 1.0
