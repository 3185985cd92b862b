r"""Operations on the scaled Taylor series of one integration step (private; part of the integrator
:mod:`qsym.numeric.kernels.taylor`): Horner evaluation, the radius-of-convergence step factor, exact
integrals of a step (plain and weighted by powers of r), the quadrature integrands, and Cauchy products.
The arithmetic object ``A`` is :class:`qsym.numeric.kernels.taylor.Arith` (floats or fixed point).

.. math:: \int_0^{s} \sum_k q_k t^k\,dt = \sum_k \frac{q_k s^{k+1}}{k+1}
"""

from __future__ import annotations

import math
import operator
from itertools import repeat
from typing import TYPE_CHECKING

from qsym.numeric.kernels.relaxed import mul_low_shift

if TYPE_CHECKING:  # the arithmetic object (floats or fixed point), for the annotations only
    from qsym.numeric.kernels.taylor import Arith

_mul = operator.mul
_add = operator.add

#: fixed-point coefficients below 2**(_NOISE_BITS - P) count as zero
_NOISE_BITS = 16
#: how far below the order radius_factor looks for coefficients above the noise
_RADIUS_WINDOW = 96
#: integrate_weighted (fixed point, full steps): the floors of its quotients stay below
#: 2**-_IW_GUARD units of 2**-P
_IW_GUARD = 8
#: a step never grows by more than this factor over the previous one
_MAX_GROWTH = 3.0

def step_integrands(A: Arith, b: list, c: list, powers: dict, n: int):
    r"""Series of ``U(psi)``, ``psi U'(psi)`` and ``psi^2`` over one step, from its powers of Delta.

    .. math::  U = \sum_j c_j \Delta^j, \quad \psi U' = p_0 F + \sum_j f_j \Delta^{j+1},
               \quad \psi^2 = p_0^2 + 2 p_0 \Delta + \Delta^2

    Fixed point, polynomial U (``powers`` from :func:`step_coeffs` with ``out``,
    scale exponent 0): every power already computed for the recurrence is
    reused, extended by the column ``n - 1``; only the highest one,
    ``Delta^JP = Delta^(JP-1) Delta``, costs a (Kronecker) product.
    Returns three lists of ``n`` fixed-point coefficients.

    >>> from qsym.numeric.kernels.taylor import Arith, Model, step_coeffs
    >>> A = Arith(60)
    >>> M = Model(A, 3, poly=[A.from_float(v) for v in (0, 0, 0.5, -1.0)])
    >>> out = {}
    >>> b, Y, c, F = step_coeffs(M, A.from_float(0.5), 0, 0, 0, 0, A.one, 12, var=False, out=out)
    >>> U, PF, PP = step_integrands(A, b, c, out, 12)
    >>> A.to_float(U[0]), A.to_float(PF[0]), A.to_float(PP[0])     # U(1/2), psi U'(psi), psi^2
    (0.0, -0.125, 0.25)
    """
    P = A.P
    D, fc = powers["D"], powers["fc"]
    D1 = D[1]
    JP = len(D)
    while len(D1) < n:
        D1.append(b[len(D1)])
    for j in range(2, JP):
        Dj, prev = D[j], D[j - 1]
        while len(Dj) < n:
            k = len(Dj)
            Dj.append(sum(map(_mul, D1[1:k], prev[k - 1:0:-1])) >> P)
    pw = [[A.one] + [0] * (n - 1)] + [Dj[:n] for Dj in D[1:]]
    pw.append(kron_cauchy(D[JP - 1], D1, n, P) if JP > 2 else kron_cauchy(D1, D1, n, P))
    deg = min(len(c) - 1, len(pw) - 1)
    # the products c_m (Delta^m)_k once: U = sum_m c_m Delta^m and, as f_j = (j+1) c_{j+1},
    # G = sum_j f_j Delta^(j+1) = sum_m m c_m Delta^m (the same integers)
    rows = [list(map(_mul, repeat(c[m], n), pw[m][:n])) if c[m] else None for m in range(deg + 1)]
    U = [0] * n
    G = [0] * n
    for m, row in enumerate(rows):
        if row is not None:
            U = list(map(_add, U, row))
            if m:
                G = list(map(_add, G, map(_mul, repeat(m, n), row)))
    U = [v >> P for v in U]
    p0 = b[0]
    Fs = powers.get("F")
    if Fs is not None and len(Fs) == n - 1:
        # the step's own U'(psi) coefficients, and the last one
        F = Fs + [sum(f * row[n - 1] for f, row in zip(fc, pw)) >> P]
    else:
        F = [v >> P for v in _combination(fc, pw, n)]
    PF = [(p0 * f + g) >> P for f, g in zip(F, G)]
    sq = pw[2]
    PP = [((2 * p0 * D1[k]) >> P) + sq[k] for k in range(n)]
    PP[0] += (p0 * p0) >> P
    return U, PF, PP


def _combination(coefs: list, rows: list, n: int) -> list:
    """``[sum_j coefs[j] rows[j][k] for k < n]`` (exact integers), one C-level pass per row."""
    acc = [0] * n
    for cj, row in zip(coefs, rows):
        if cj:
            acc = list(map(_add, acc, map(_mul, repeat(cj, n), row[:n])))
    return acc


def radius_factor(A: Arith, b: list, scale_log2: float = 0.0) -> float:
    """Estimated step in units of the trial scale: ``rho/h * e**-2``.

    ``rho/h`` is estimated from the last four coefficients as
    ``min_k (|b_k| / 2**scale_log2)**(-1/k)`` (absolute tolerance in the
    field unit ``2**scale_log2``).  Fixed point: coefficients within
    ``2**_NOISE_BITS`` ulps of zero are rounding noise; when the last ones are
    (the trial scale is already about right: ``b_N ~ 2**-P`` by design), the
    four highest coefficients above ``2**(2 _NOISE_BITS)`` ulps among the
    last :data:`_RADIUS_WINDOW` give the estimate.
    """
    N = len(b) - 1
    est = math.inf
    floor = -A.P + _NOISE_BITS if A.fixed else -math.inf
    for k in range(max(2, N - 3), N + 1):
        lg = A.log2abs(b[k]) - scale_log2
        if lg <= floor:
            continue
        est = min(est, 2.0 ** (-lg / k))
    if est == math.inf and A.fixed:
        floor2 = -A.P + 2 * _NOISE_BITS
        found = 0
        for k in range(N - 4, max(1, N - _RADIUS_WINDOW), -1):
            lg = A.log2abs(b[k]) - scale_log2
            if lg <= floor2:
                if found:
                    break
                continue
            est = min(est, 2.0 ** (-lg / k))
            found += 1
            if found == 4:
                break
    return est * A.step_fraction


def horner(A: Arith, b: list, s):
    """``sum b_k s^k`` and ``sum k b_k s^(k-1)``."""
    v = 0
    dv = 0
    if A.fixed:
        P = A.P
        if s == A.one:
            # a full step (common): the same sums without the multiplications by 2**P
            return sum(b), sum(map(_mul, b[1:], range(1, len(b))))
        for k in range(len(b) - 1, 0, -1):
            v = ((v * s) >> P) + b[k]
            dv = ((dv * s) >> P) + k * b[k]
        v = ((v * s) >> P) + b[0]
    else:
        for k in range(len(b) - 1, 0, -1):
            v = v * s + b[k]
            dv = dv * s + k * b[k]
        v = v * s + b[0]
    return v, dv


def integrate_series(A: Arith, q: list, s):
    """``sum q_k s^(k+1)/(k+1)``: the integral from 0 to s of the series q."""
    v = 0
    if A.fixed:
        P = A.P
        if s == A.one:
            return sum(map(operator.floordiv, q, range(1, len(q) + 1)))
        for t in reversed(list(map(operator.floordiv, q, range(1, len(q) + 1)))):
            v = ((v * s) >> P) + t
        return (v * s) >> P
    for k in range(len(q) - 1, -1, -1):
        v = v * s + q[k] / (k + 1)
    return v * s


def integrate_weighted(A: Arith, q: list, W: list, s):
    r"""``int_0^s W(t) q(t) dt`` for a short polynomial weight ``W = sum W_j t^j`` and a series q.

    .. math::  \int_0^s W q\,dt = \sum_j W_j\, s^{j+1} \sum_k \frac{q_k s^k}{k + j + 1}

    One Horner pass per weight term (no product series).

    >>> from qsym.numeric.kernels.taylor import Arith
    >>> A = Arith(None)
    >>> integrate_weighted(A, [1.0, 2.0], [0.0, 1.0], 1.0)   # int_0^1 t (1 + 2 t) dt
    1.1666666666666665
    >>> F = Arith(80)                  # fixed point: int_0^s (1 + 2 t)(1/3 + t) dt = 11/6, 11/24
    >>> [abs(integrate_weighted(F, [F.one, 2 * F.one], [F.one // 3, F.one], s) - (v << 80) // 24) < 4
    ...  for s, v in ((F.one, 44), (F.one // 2, 11))]
    [True, True]
    """
    if A.fixed:
        P, n = A.P, len(q)
        if s == A.one:
            # a full step (the common case): sum_j W_j sum_k q_k / (k + j + 1), small
            # divisions instead of the products W_j q_k; the quotients carry guard bits
            # so that their floors (n per weight term) stay below 2**-_IW_GUARD units of 2**-P
            wb = max(0, max(int(abs(w)).bit_length() for w in W) - P)
            G = _IW_GUARD + wb + n.bit_length() + len(W).bit_length()
            qg = [v << G for v in q]
            tot = 0
            for j, w in enumerate(W):
                if w:
                    tot += w * sum(map(operator.floordiv, qg, range(j + 1, j + 1 + n)))
            return tot >> (P + G)
        # fixed point: the product series W q (C-level passes), then one Horner pass
        r = [0] * (n + len(W) - 1)
        for j, w in enumerate(W):
            if w:
                r[j:j + n] = map(_add, r[j:j + n], map(_mul, repeat(w, n), q))
        r = [v >> P for v in r]
        return integrate_series(A, r, s)
    total = 0
    fixed = A.fixed
    P = A.P
    for j, w in enumerate(W):
        if not w:
            continue
        v = 0
        if fixed:
            for k in range(len(q) - 1, -1, -1):
                v = ((v * s) >> P) + q[k] // (k + j + 1)
            for _ in range(j + 1):
                v = (v * s) >> P
            total += (w * v) >> P
        else:
            for k in range(len(q) - 1, -1, -1):
                v = v * s + q[k] / (k + j + 1)
            total += w * v * s ** (j + 1)
    return total


def cauchy(A: Arith, a: list, b: list, n: int) -> list:
    """First n coefficients of the product of two series."""
    out = []
    fixed = A.fixed
    P = A.P
    la, lb = len(a), len(b)
    for k in range(n):
        lo = max(0, k - lb + 1)
        hi = min(k, la - 1)
        if lo > hi:
            out.append(0)
            continue
        s = sum(map(_mul, a[lo:hi + 1], b[k - lo::-1][:hi - lo + 1]))
        out.append(s >> P if fixed else s)
    return out


def kron_cauchy(a: list, b: list, n: int, P: int) -> list:
    r"""First n coefficients of the product of two fixed-point series (integers scaled by 2**P).

    .. math::  c_k = \Big\lfloor 2^{-P} \sum_{i=0}^{k} a_i b_{k-i} \Big\rfloor, \qquad k < n

    Each exactly, by one subquadratic product instead of n**2/2 small ones
    (:func:`qsym.numeric.kernels.relaxed.mul_low_shift`: python-flint's truncated
    polynomial product, or one GMP Kronecker product for short or small series).
    Requires n <= len(a), len(b).

    >>> [int(v) for v in kron_cauchy([4, 2], [4, -6], 2, 2)]   # (1 + x/2)(1 - 3x/2), units 2**-2
    [4, -4]
    """
    return mul_low_shift(a, b, n, P)
