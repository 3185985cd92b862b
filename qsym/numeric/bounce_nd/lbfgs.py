r"""The Improved Action minimiser: L-BFGS on the reduced action of Coleman, Glaser and Martin.

.. math::  \tilde S[\phi] = \frac{2}{d}\Big(\frac{d-2}{d}\Big)^{(d-2)/2}
           \frac{T^{d/2}}{(-V)^{(d-2)/2}}

is minimised over the nodal values of Chebyshev elements, preconditioned by the
block-tridiagonal ``-Laplacian + m_k^2`` (one factorisation per distinct field mass).

Numeric layer: numpy only.
"""

from __future__ import annotations

import math

import numpy as np

from qsym.errors import NoSolutionError
from qsym.numeric.bounce_nd.chebyshev import _Mesh
from qsym.numeric.bounce_nd.banded import BlockTridiag
from qsym.numeric.bounce_nd.constants import (LBFGS_MEMORY, MAX_MIN_ELEMENTS, MAX_MIN_ITER,
    MIN_FTOL, MIN_GROWTH, MIN_STALL, N_MIN)
from qsym.numeric.bounce_nd.escape import _trial_shape
from qsym.numeric.bounce_nd.problem import _Problem


def _element_stiffness(mesh: _Mesh, d):
    """Per element: ``K_e = D^T diag(wl) D`` (E, N+1, N+1) and the weights ``wl`` (E, N+1),
    so that T = (1/2) sum_k psi_k^T K psi_k (without the solid angle), K = sum_e K_e."""
    wl = (mesh.h[:, None] / 2) * mesh.w[None, :] * mesh.r[mesh.idx] ** (d - 1) \
        * (2 / mesh.h[:, None]) ** 2
    Ke = np.einsum("ji,ej,jk->eik", mesh.D, wl, mesh.D)
    return Ke, wl


def _stiffness_apply(mesh: _Mesh, wl, u):
    """``K u`` for u of shape (n, Np), element by element (O(E N^2) per field)."""
    N = mesh.N
    seg = u[:, mesh.idx]                                   # (n, E, N+1)
    loc = ((seg @ mesh.D.T) * wl[None]) @ mesh.D           # (n, E, N+1)
    out = np.zeros_like(u)
    out[:, mesh.idx[:, :N]] = loc[:, :, :N]                # nodes e N + j, j < N: each once
    out[:, mesh.idx[:, N]] += loc[:, :, N]                 # the right end of every element
    return out


def _preconditioner(mesh: _Mesh, Ke, Wf, mass2=None):
    """Block-tridiagonal factorisation of ``K + m_k^2 diag(W)`` on the free nodes (all but
    the last), one per distinct field mass ``m_k^2`` (the diagonal of the scaled mass
    matrix; 1 when None): blocks of the N nodes ``e N ... e N + N - 1`` of each element.
    A heavy spectator next to a light escape field (near the thick-wall end of a Q-ball
    family the ratio reaches 1e5) would otherwise make the minimiser crawl.  Returns
    ``apply(q)``: row k of q times ``(K + m_k^2 W)^{-1}``, q of shape (n, Np - 1)."""
    E, N = mesh.E, mesh.N
    A = np.zeros((E, N, N))
    B0 = np.zeros((E, N, N))
    C = np.zeros((E, N, N))
    B0 += Ke[:, :N, :N]
    C[:, :, 0] = Ke[:, :N, N]
    A[1:, 0, :] = Ke[:-1, N, :N]
    B0[1:, 0, 0] += Ke[:-1, N, N]
    Wb = Wf.reshape(E, N)
    facs = {}

    def fac(m2):
        if m2 not in facs:
            B = B0.copy()
            B[:, np.arange(N), np.arange(N)] += m2 * Wb
            facs[m2] = BlockTridiag(A, B, C)
        return facs[m2]

    if mass2 is None:
        f1 = fac(1.0)

        def apply(q):
            n = q.shape[0]
            x = f1.solve(q.T.reshape(E, N, n))
            return x.reshape(E * N, n).T
        return apply
    groups = {}
    for k, m2 in enumerate(mass2):
        groups.setdefault(float(m2), []).append(k)
    for m2 in groups:
        fac(m2)

    def apply_k(q):
        out = np.empty_like(q)
        for m2, ks in groups.items():
            x = facs[m2].solve(q[ks].T.reshape(E, N, len(ks)))
            out[ks] = x.reshape(E * N, len(ks)).T
        return out
    return apply_k


def _reduced_const(d):
    return (2 / d) * ((d - 2) / d) ** ((d - 2) / 2)


def _minimiser_mesh(P: _Problem, w, shape):
    """Elements for the minimiser: uniform over the trial profile (width ``w`` in 1/m) and its
    heaviest tail, then growing by MIN_GROWTH up to size 1."""
    mu, _ = P.modes(None)
    L = (shape + 5) * w + 20.0
    h = min(1.0, w / 2, max(2.0 / float(mu[-1]), w / 8))
    x1 = min(L, (shape + 4) * w + 4.0 / float(mu[-1]))
    E1 = min(int(math.ceil(x1 / h)), MAX_MIN_ELEMENTS)
    edges = list(np.linspace(0, x1, E1 + 1))
    step = x1 / E1
    while edges[-1] < L - 1e-9:
        step = min(1.0, max(step, 1e-3) * MIN_GROWTH)
        edges.append(min(L, edges[-1] + step))
    return _Mesh(np.array(edges), N_MIN)


def _two_loop(g, S_list, Y_list, Pinv):
    """The L-BFGS direction -H g by the two-loop recursion with H0 = gamma P^{-1}."""
    q = g.copy()
    al = []
    for s, y in reversed(list(zip(S_list, Y_list))):
        rho_ = 1.0 / np.sum(y * s)
        a = rho_ * np.sum(s * q)
        al.append((a, rho_, s, y))
        q -= a * y
    z = Pinv(q)
    if S_list:
        s, y = S_list[-1], Y_list[-1]
        z *= np.sum(s * y) / np.sum(y * Pinv(y))
    else:
        z *= 1e-2 / max(1e-300, math.sqrt(max(np.sum(g * Pinv(g)), 1e-300)))
    for a, rho_, s, y in reversed(al):
        b = rho_ * np.sum(y * z)
        z += s * (a - b)
    return -z


def _lbfgs(fg, u, Pinv, iters):
    """Preconditioned L-BFGS with Armijo backtracking on ``fg(u) -> (f, grad, T, V)``, until f
    stalls (MIN_FTOL over MIN_STALL steps); returns (u, T, V)."""
    f, g, T, V = fg(u)
    if not math.isfinite(f):
        raise NoSolutionError("no bounce: the trial configuration has no negative potential energy")
    S_list, Y_list = [], []
    stall = it = 0
    for it in range(1, MAX_MIN_ITER + 1):
        p = _two_loop(g, S_list, Y_list, Pinv)
        slope = np.sum(g * p)
        if not slope < 0:
            S_list.clear()
            Y_list.clear()
            p = -Pinv(g)
            slope = np.sum(g * p)
        step = 1.0
        for _ in range(60):
            un = u + step * p
            fn, gn, Tn, Vn = fg(un)
            if fn <= f + 1e-4 * step * slope:
                break
            step *= 0.5
        else:
            break
        s, y = un - u, gn - g
        if np.sum(s * y) > 1e-300:
            S_list.append(s)
            Y_list.append(y)
            if len(S_list) > LBFGS_MEMORY:
                S_list.pop(0)
                Y_list.pop(0)
        df = f - fn
        u, f, g, T, V = un, fn, gn, Tn, Vn
        stall = stall + 1 if df <= MIN_FTOL * max(1.0, abs(f)) else 0
        if stall >= MIN_STALL:
            break
    iters["minimiser"] = iters.get("minimiser", 0) + it
    return u, T, V


def _minimise(P: _Problem, e, amp, width, shape, iters):
    r"""Minimise the reduced action from a trial profile along e; returns (mesh, psi, S~)
    with the profile rescaled by the Derrick factor (virial identity exact).

    .. math::  \log\tilde S = \tfrac{d}{2}\log T - \tfrac{d-2}{2}\log(-V) + \text{const}
    """
    d, n = P.d, P.n
    w = width * math.sqrt(P.m2)          # width in units of 1/m
    mesh = _minimiser_mesh(P, w, shape)
    Ke, wl = _element_stiffness(mesh, d)
    free = slice(0, mesh.Np - 1)
    Wf = mesh.weights(d)[free]
    # q -> q (K + m_k^2 W)^{-1} field by field, O(E N^3); m_k^2 from the scaled mass matrix
    mass2 = [max(float(P.H0[k][k]) / P.m2, 1.0) for k in range(n)]
    Pinv = _preconditioner(mesh, Ke, Wf, mass2)

    def full_of(u):
        full = np.zeros((n, mesh.Np))
        full[:, free] = u
        return full

    def fg(u):
        full = full_of(u)
        Ku = _stiffness_apply(mesh, wl, full)[:, free]
        T = 0.5 * float(np.sum(u * Ku))
        V = float(P.U_np(full)[free] @ Wf)
        if not (V < 0 and np.isfinite(V) and T > 0):
            return math.inf, None, T, V
        f = (d / 2) * math.log(T) - ((d - 2) / 2) * math.log(-V)
        G = P.grad_np(full)[:, free] * Wf[None, :]
        g = (d / 2) * Ku / T - ((d - 2) / 2) * G / V
        if not np.all(np.isfinite(g)):
            return math.inf, None, T, V
        return f, g, T, V

    psi0 = (amp / P.Phi) * e[:, None] * _trial_shape(shape, mesh.r[free] / w)[0][None, :]
    u, T, V = _lbfgs(fg, psi0, Pinv, iters)
    lam = math.sqrt((d - 2) * T / (d * -V))
    om = _solid_angle_f(d)
    S_red = _reduced_const(d) * (om * T) ** (d / 2) / (om * -V) ** ((d - 2) / 2)
    return _Mesh(mesh.edges * lam, mesh.N), full_of(u), S_red


def _solid_angle_f(d):
    return 2 * math.pi ** (d / 2) / math.gamma(d / 2)
