"""Escape directions: straight rays from the false vacuum and trial profiles along them.

Rays from the origin locate the region ``U < 0``; Gaussian and tanh-wall trial profiles
along each ray give first values of the reduced action (the wall radius is scanned, for
thin walls) and pick the directions the minimiser starts from.

Numeric layer: numpy (mpmath to confirm an escape).
"""

from __future__ import annotations

import math

from fractions import Fraction

import mpmath
import numpy as np

from qsym.errors import ConvergenceError, NoSolutionError
from qsym.numeric.bounce_nd.constants import CANDIDATE_FACTOR, MAX_CANDIDATES
from qsym.numeric.bounce_nd.problem import _Problem


_GL16 = np.polynomial.legendre.leggauss(16)


def _trial_quadrature(top: float):
    """Composite 16-point Gauss-Legendre nodes and weights on [0, top] (panels of width 4)."""
    k = int(math.ceil(top / 4))
    a = np.arange(k)[:, None] * (top / k)
    x = (a + (top / k) * (_GL16[0][None, :] + 1) / 2).ravel()
    w = np.tile(_GL16[1] * (top / k) / 2, k)
    return x, w


def _sphere(n):
    if n == 1:
        return np.array([[1.0], [-1.0]])
    if n == 2:
        t = np.arange(72) * (2 * np.pi / 72)
        return np.stack([np.cos(t), np.sin(t)], axis=1)
    rng = np.random.default_rng(20260401)
    v = rng.normal(size=(40 * n, n))
    v /= np.linalg.norm(v, axis=1)[:, None]
    ax = np.concatenate([np.eye(n), -np.eye(n), np.ones((1, n)) / math.sqrt(n)])
    return np.concatenate([ax, v])


#: trial shapes: Gaussian (0) and tanh walls at these radii (units of the wall width)
TRIAL_SHAPES = (0, 2, 5, 10, 20, 40, 80, 160, 320)


def _trial_shape(sh, x):
    """Trial profile g_s(x) with g_s(0) = 1 and its derivative."""
    if sh == 0:
        g = np.exp(-x ** 2 / 2)
        return g, -x * g
    n0 = 1 - math.tanh(-sh)
    th = np.tanh(x - sh)
    return (1 - th) / n0, -(1 - th ** 2) / n0


#: digits at which a negative double-precision value of U is confirmed
CONFIRM_DPS = 40
#: most negative samples checked per direction before it is given up
CONFIRM_TRIES = 8


def _confirm_escapes(P: _Problem, dirs, t, neg, has, first) -> None:
    """Keep only escapes that U confirms at CONFIRM_DPS digits: a double-precision U can round a
    positive value to a negative one near the origin (e.g. ``log(1 + x^2) - x^2/2`` at
    ``x = 1e-8``, where ``1 + x^2`` rounds to 1); ``has`` / ``first`` are updated in place."""
    for i in np.nonzero(has)[0]:
        idx = np.nonzero(neg[i])[0]
        # the first negative sample, then samples spread geometrically beyond it
        picks = sorted({int(idx[min(len(idx) - 1, (1 << k) - 1)]) for k in range(CONFIRM_TRIES)})
        ok = None
        with mpmath.workdps(CONFIRM_DPS):
            for j in picks:
                try:
                    v = P.num.U(*[mpmath.mpf(float(dirs[i, k])) * mpmath.mpf(float(t[j])) for k in range(P.n)])
                except (ArithmeticError, ValueError, TypeError):
                    continue
                if mpmath.isfinite(v) and v < 0:
                    ok = j
                    break
        if ok is None:
            has[i] = False
        else:
            first[i] = ok


def _directions(P: _Problem):
    """Candidate escape directions: list of (trial action, e, amplitude, width) best first."""
    n, d = P.n, P.d
    dirs = _sphere(n)
    t = np.geomspace(1e-8, 1e8, 1601)
    phi = [dirs[:, k, None] * t[None, :] for k in range(n)]
    with np.errstate(all="ignore"):
        U = np.broadcast_to(np.asarray(P.num.U_np(*phi), dtype=float), (len(dirs), len(t)))
    neg = (U < 0) & np.isfinite(U)
    has = neg.any(axis=1)
    first = np.argmax(neg, axis=1)
    _confirm_escapes(P, dirs, t, neg, has, first)
    if not has.any():
        raise NoSolutionError("no bounce: U >= 0 along every direction from the origin "
                              "(no region below the false vacuum to tunnel into)")
    # trial profiles psi = A e g_s(x): reduced action as a function of A and the shape s
    amps = np.geomspace(1.0, 30.0, 40)
    best = {}
    falling = False
    prev_best = math.inf
    for sh in TRIAL_SHAPES:
        shape_best = math.inf
        rho, wq = _trial_quadrature(sh + 8.0)
        wq = wq * rho ** (d - 1)
        g, dg = _trial_shape(sh, rho)
        T0 = 0.5 * np.sum(wq * dg ** 2)
        for i in np.nonzero(has)[0]:
            te = t[first[i]]
            A = te * amps
            arg = [dirs[i, k] * A[:, None] * g[None, :] for k in range(n)]
            with np.errstate(all="ignore"):
                Uv = np.broadcast_to(np.asarray(P.num.U_np(*arg), dtype=float), (len(A), len(rho)))
                V = Uv @ wq
                T = T0 * A ** 2
                S = np.where((V < 0) & np.isfinite(V), T ** (d / 2) / np.abs(V) ** ((d - 2) / 2),
                             np.inf)
            # first local minimum in A: for potentials that fall faster than the critical
            # power the reduced action tends to zero at large amplitude (no global minimum)
            fin = np.nonzero(np.isfinite(S))[0]
            if not len(fin):
                continue
            j = int(fin[0])
            while j + 1 < len(S) and S[j + 1] < S[j]:
                j += 1
            if j == len(S) - 1 and S[j] < S[fin[0]]:
                falling = True
                continue     # still falling at the largest amplitude: no bounce-like minimum
            shape_best = min(shape_best, float(S[j]))
            if np.isfinite(S[j]) and (i not in best or S[j] < best[i][0]):
                lam = math.sqrt((d - 2) * T[j] / (d * -V[j]))
                best[i] = (float(S[j]), dirs[i], float(A[j]), lam, float(te), sh)
        # the reduced action is unimodal in the wall radius: stop once it grows again
        if sh >= TRIAL_SHAPES[2] and shape_best > prev_best:
            break
        prev_best = min(prev_best, shape_best)
    cands = list(best.values())
    if not cands and falling:
        raise ConvergenceError("the reduced action has no minimum along any trial direction: U "
                               "falls at least as fast as the critical power "
                               f"phi^({Fraction(2 * d, d - 2)}) at large fields, where the "
                               "Improved Action method does not apply")
    if not cands:
        raise NoSolutionError("no bounce: no trial configuration with negative potential energy "
                              "was found (the region U < 0 may be too narrow)")
    cands.sort(key=lambda c: c[0])
    chosen = [cands[0]]
    near = min(cands, key=lambda c: c[4])     # the nearest escape is always tried
    if near is not cands[0]:
        chosen.append(near)
    for c in cands[1:]:
        if len(chosen) >= MAX_CANDIDATES or c[0] > CANDIDATE_FACTOR * cands[0][0]:
            break
        if all(np.arccos(np.clip(np.dot(c[1], o[1]), -1, 1)) > 0.3 for o in chosen):
            chosen.append(c)
    return chosen
