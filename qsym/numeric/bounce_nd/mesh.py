"""Mesh design: outer radius from the neglected cubic tail, graded tails, h/p refinement from the
decay of the Chebyshev coefficients, and the high-precision mesh.

Numeric layer: numpy only.
"""

from __future__ import annotations

import math

import numpy as np

from qsym.errors import ConvergenceError
from qsym.numeric.bounce_nd.chebyshev import _Mesh
from qsym.numeric.bounce_nd.constants import (COEFF_FLOOR, DOUBLE_DIGITS, HP_DESIGN_MARGIN, H_TAIL,
    MAX_ELEMENTS, MAX_REFINE, N_MAX, N_NEWTON, TAIL_GROWTH)
from qsym.numeric.bounce_nd.newton import _newton_double


def _n_cap(digits):
    """Points per element allowed before splitting: N_MAX, or about one per digit at
    high precision (fewer, larger elements are cheaper there)."""
    return max(N_MAX, int(math.ceil(0.8 * digits)) // 2 * 2)


def _decay_radius(core, amp, digits, d):
    """Outer radius: the cubic tail (amp e^{-l})^3 (core+l)^{d-1} below 10^-digits."""
    l = 1.0
    for _ in range(60):
        lhs = 3 * (math.log(max(amp, 1e-300)) - l) + (d - 1) * math.log(core + l)
        if lhs <= -digits * math.log(10):
            break
        l += 0.5
    return core + l


def _tail_edges(start, R, h0):
    """Element edges from ``start`` to ``R``: sizes growing geometrically from ``h0``
    (by TAIL_GROWTH) up to H_TAIL.  Heavy modes decay within a few of the first,
    small elements; the lightest mode's e^-r needs no more than H_TAIL."""
    edges = []
    x, step = start, h0
    while x < R - 1e-9:
        x = min(R, x + step)
        edges.append(x)
        step = min(H_TAIL, step * TAIL_GROWTH)
    return edges


def _initial_mesh(P, mesh0, psi0, digits):
    """Newton mesh from the minimiser's rescaled profile.

    Elements of size ``hc`` over the core, where ``hc`` follows the profile's
    own length scale ``|psi|_max / |psi'|_max`` (not the heaviest mass: a heavy
    field that the bounce hardly excites needs no fine mesh; refinement adds
    elements where the coefficients ask for them), then a graded tail.
    """
    mu, _ = P.modes(None)
    amp = np.max(np.abs(psi0))
    big = np.nonzero(np.max(np.abs(psi0), axis=0) > 1e-2 * amp)[0]
    core = float(mesh0.r[big[-1]]) if len(big) else 1.0
    a_core = 1e-2 * amp
    R = _decay_radius(core, a_core, digits, P.d)
    dl = psi0[:, mesh0.idx] @ mesh0.D.T * (2 / mesh0.h)[None, :, None]
    ell = amp / max(float(np.max(np.abs(dl))), 1e-300)
    hc = min(1.0, max(2.0 / float(mu[-1]), ell / 2))
    nc = max(1, int(math.ceil(core / hc)))
    edges = list(np.linspace(0, core, nc + 1)) + _tail_edges(core, R, hc)
    if len(edges) - 1 > MAX_ELEMENTS:
        raise ConvergenceError(f"the bounce needs more than {MAX_ELEMENTS} elements (core radius "
                               f"{core:.3g} in units of the lightest mass); the mass hierarchy or "
                               "the wall may be too extreme")
    return _Mesh(np.array(edges), N_NEWTON)


def _element_need(mesh, psi, digits):
    """Per element: decay rate of the Chebyshev coefficients and the points needed for
    10^-digits (relative to max |psi|)."""
    c = np.abs(mesh.coeffs(psi))                      # (n, E, N+1)
    scale = max(np.max(np.abs(psi)), 1e-300)
    c = np.max(c, axis=0) / scale                     # (E, N+1)
    floor = COEFF_FLOOR
    N = mesh.N
    need = np.zeros(mesh.E)
    tail = np.zeros(mesh.E)
    for e in range(mesh.E):
        ce = c[e]
        tail[e] = max(ce[N - 1], ce[N])
        top = max(ce[0], ce[1], ce[2], 1e-300)
        above = np.nonzero(ce > max(floor, 1e-300))[0]
        if ce.max() <= 10 ** -digits:
            need[e] = 4
            continue
        k = above[-1] if len(above) else 2
        if k >= N - 1:
            need[e] = math.inf if tail[e] > floor else N
            continue
        k = max(k, 2)
        rate = max(math.log(top / max(ce[k], 1e-300)) / k, 1e-3)
        need[e] = math.log(max(top, 10 ** -digits) / 10 ** -digits) / rate + 2
    return need, tail


def _refine(mesh, need, Ncap):
    """Split elements that need more than Ncap points; returns new edges and N."""
    edges = [mesh.edges[0]]
    for e in range(mesh.E):
        a, b = mesh.edges[e], mesh.edges[e + 1]
        k = 1
        if need[e] > Ncap:
            k = 2 if math.isfinite(need[e]) and need[e] < 2 * Ncap else 3
        for i in range(1, k + 1):
            edges.append(a + (b - a) * i / k)
    fin = [v for v in need if math.isfinite(v)]
    N = int(min(Ncap, max(N_NEWTON, math.ceil(max(fin) if fin else N_NEWTON))))
    N += N % 2
    return np.array(edges), N


def _solve_on_meshes(P, mesh, psi, digits, iters):
    """Double Newton with h/p refinement until every element resolves 10^-min(digits, DOUBLE)."""
    dd = min(digits, DOUBLE_DIGITS)
    dx = math.inf
    for rnd in range(MAX_REFINE):
        psi, dx = _newton_double(P, mesh, psi, iters)
        need, tail = _element_need(mesh, psi, dd)
        # coefficients below the rounding floor of the double solution (which _element_need
        # already counts as resolved) cannot be pushed lower by refinement
        if np.all(need <= mesh.N) and np.max(tail) <= max(10.0 ** -dd, COEFF_FLOOR):
            return mesh, psi, dx
        edges, N = _refine(mesh, need, N_MAX)
        if len(edges) - 1 > MAX_ELEMENTS:
            break
        new = _Mesh(edges, max(N, mesh.N))
        iters["refinements"] = iters.get("refinements", 0) + 1
        psi = mesh.interp(psi, new.r)
        mesh = new
    raise ConvergenceError("the bounce profile could not be resolved by mesh refinement; "
                           "the potential may have a singular or extremely thin-walled bounce")


def _hp_mesh(P, mesh, psi, digits, c3):
    """Mesh for 10^-digits, designed from the measured coefficient decay of the double
    solution, extended outwards until its decaying tail makes the neglected cubic
    term ``c3 |phi(R)|^3 R^(d-1)`` smaller than 10^-digits."""
    need, _ = _element_need(mesh, psi, digits + HP_DESIGN_MARGIN)
    edges, N = _refine(mesh, need, _n_cap(digits))
    d, R = P.d, mesh.R
    mu, _ = P.modes(None)
    aR = max(float(np.max(np.abs(psi[:, -1]))), 1e-300)
    log_tol = -digits * math.log(10) - math.log(max(c3, 1.0))
    Rn = R
    while Rn < 10 * R + 100:
        la = math.log(aR) - (Rn - R) - (d - 1) / 2 * math.log(Rn / R)
        if 3 * la + (d - 1) * math.log(Rn) <= log_tol:
            break
        Rn += 0.5
    edges = list(edges)
    edges += _tail_edges(edges[-1], Rn, max(edges[-1] - edges[-2], 2.0 / float(mu[-1])))
    return _Mesh(np.array(edges), N)
