r"""Relaxed (online) products of big-integer series by Kronecker substitution.

A Taylor integrator learns the coefficients of its series one at a time: the
coefficient ``k`` of ``psi^2`` is needed before ``psi_{k+1}`` exists.  The
naive product then costs ``n^2/2`` big-integer multiplications.  A *relaxed*
product (van der Hoeven, "Relaxed multiplication", 2002) delivers

.. math::  c_k = \sum_{i+j=k} a_i b_j

as soon as ``a_0..a_k`` and ``b_0..b_k`` are known, but computes most of the
pairs ``(i, j)`` in square tiles ``[s, 2s) x [j_0, j_0 + s)`` (``s = 2^p``,
``j_0 >= s`` a multiple of ``s``), each one big multiplication of packed
integers (Kronecker substitution: ``sum a_i 2^{iL}`` times ``sum b_j 2^{jL}``,
GMP's subquadratic multiplication), done at the moment its last coefficient
arrives; it only feeds coefficients with larger indices.  Pairs with
``min(i, j) < BASE`` are summed directly.  The results are exact integers,
identical to the naive sums.

Numeric layer: gmpy2 only (falls back to Python ints without it).

>>> a = [3, -1, 4, 1, -5, 9, 2, -6] * 20
>>> r = Relaxed(a, a, base=4)
>>> got = [r.coef(k) for k in range(len(a))]
>>> got == [sum(a[i] * a[k - i] for i in range(k + 1)) for k in range(len(a))]
True
"""

from __future__ import annotations

import functools
import operator

import flint

try:  # pragma: no cover - gmpy2 is a hard dependency of mpmath's fast backend
    import gmpy2
    _pack, _unpack, _MPZ = gmpy2.pack, gmpy2.unpack, gmpy2.mpz
except ImportError:  # pragma: no cover
    gmpy2 = None
    _MPZ = int

__all__ = ["Relaxed", "BASE", "kron_mul", "cut_mul", "mul_low_shift"]

_mul = operator.mul
_add = operator.add
#: pairs (i, j) with min(i, j) < BASE are summed directly (small tiles do not pay)
BASE = 16
#: products of two different sequences with at least this many terms each, and at least
#: FLINT_MIN_BITS bits per term product, go through python-flint's fmpz_poly multiplication
#: (measured 1.15-1.5x faster than one GMP Kronecker product there, conversions included;
#: GMP's squaring stays faster for squares)
FLINT_MIN_LEN = 64
FLINT_MIN_BITS = 2000


def _pack_py(vals, L):
    return int.from_bytes(b"".join(int(v).to_bytes(L // 8, "little") for v in vals), "little")


def _unpack_py(x, L, n):
    raw = int(x).to_bytes(n * L // 8 + 8, "little")
    nb = L // 8
    return [int.from_bytes(raw[i * nb:(i + 1) * nb], "little") for i in range(n)]


@functools.lru_cache(maxsize=512)
def _bias(n: int, L: int):
    """``sum_{i<n} 2^(L-1) 2^(i L)`` (the offset that makes signed slots non-negative)."""
    H = _MPZ(1) << (L - 1)
    return _pack([H] * n, L) if gmpy2 is not None else _pack_py([H] * n, L)


def _signed_pack(vals, L):
    """``sum v_i 2^(i L)`` for signed ``|v_i| < 2^(L-1)``."""
    H = _MPZ(1) << (L - 1)
    if gmpy2 is not None:
        return _pack([v + H for v in vals], L) - _bias(len(vals), L)
    return _pack_py([v + H for v in vals], L) - _bias(len(vals), L)


def _maxbits(seq) -> int:
    return int(max(map(abs, seq), default=0)).bit_length() if seq else 0


def kron_mul(a: list, b: list, bits: int | None = None) -> list:
    r"""The full product of two integer sequences by one big multiplication (Kronecker substitution).

    .. math::  \Big(\sum_i a_i X^i\Big)\Big(\sum_j b_j X^j\Big) \text{ at } X = 2^L, \quad
               2^{L-1} > \max|a| \max|b| \cdot \min(\#a, \#b)

    ``bits`` bounds ``log2 max|a_i b_j|`` (computed when omitted).

    >>> [int(v) for v in kron_mul([1, -2, 3], [4, 5])]
    [4, -3, 2, 15]
    """
    n = len(a) + len(b) - 1
    if bits is None:
        bits = _maxbits(a) + _maxbits(b)
    if a is not b and min(len(a), len(b)) >= FLINT_MIN_LEN and bits >= FLINT_MIN_BITS:
        return _flint_mul(a, b, n)
    L = bits + min(len(a), len(b)).bit_length() + 2
    L = (L + 7) // 8 * 8
    X = _signed_pack(a, L)
    # a square (same list): one pack, GMP's squaring
    W = X * X if a is b else X * _signed_pack(b, L)
    H = _MPZ(1) << (L - 1)
    W += _bias(n, L)
    if gmpy2 is not None:
        raw = _unpack(W, L)
    else:
        raw = _unpack_py(W, L, n)
    if len(raw) < n:
        raw += [0] * (n - len(raw))
    return [v - H for v in raw[:n]]


def cut_mul(X: list, Y: list, tol: int) -> list:
    r"""``kron_mul(X, Y)`` to an absolute error below ``2**tol`` per coefficient.

    .. math::  |X Y - (X \gg t_x)(Y \gg t_y) 2^{t_x + t_y}| \le s (2^{t_x} |Y| + 2^{t_y} |X| + 2^{t_x + t_y})

    (``s = min(#X, #Y)``; ``t_x + t_y <= lim`` needs ``|X| |Y| > 2**lim``; a smaller product is
    dropped whole).  Taylor coefficients shrink geometrically, so most of the operands' bits
    cannot reach the tolerance: they are cut before the multiplication.  ``X is Y`` squares.

    >>> X = [3 << 40, -(5 << 38), 7 << 20]
    >>> exact = kron_mul(X, X)
    >>> max(abs(u - v) for u, v in zip(cut_mul(X, X, 30), exact)) < 2**30
    True
    """
    mx, my = _maxbits(X), _maxbits(Y)
    lim = tol - min(len(X), len(Y)).bit_length() - 3
    if mx + my <= lim:
        return [0] * (len(X) + len(Y) - 1)
    tx, ty = max(0, lim - my), max(0, lim - mx)
    same = X is Y and tx == ty
    if tx:
        X = [v >> tx for v in X]
    if ty:
        Y = X if same else [v >> ty for v in Y]
    elif same:
        Y = X
    # (a floor shift of a negative number may add a bit)
    prod = kron_mul(X, Y, bits=max(mx - tx, 0) + max(my - ty, 0) + 2)
    t = tx + ty
    return [v << t for v in prod] if t else prod


def _flint_mul(a: list, b: list, n: int) -> list:
    """The full product (``n`` terms) by python-flint's fmpz_poly multiplication."""
    c = (flint.fmpz_poly(list(map(int, a))) * flint.fmpz_poly(list(map(int, b)))).coeffs()
    out = list(map(_MPZ, map(int, c)))
    return out + [_MPZ(0)] * (n - len(out))


def mul_low_shift(a: list, b: list, n: int, P: int) -> list:
    r"""The first n coefficients of the product, each floor-divided by ``2**P`` (exact).

    .. math::  c_k = \Big\lfloor 2^{-P} \sum_{i=0}^{k} a_i b_{k-i} \Big\rfloor, \qquad k < n

    python-flint's truncated product (``fmpz_poly.mul_low``) for long sequences of big terms,
    one Kronecker product (:func:`kron_mul`) otherwise.

    >>> [int(v) for v in mul_low_shift([4, 2], [4, -6], 2, 2)]   # (1 + x/2)(1 - 3x/2), units 2**-2
    [4, -4]
    >>> import random; random.seed(1)
    >>> a = [random.randint(-2**1100, 2**1100) >> (3 * i) for i in range(80)]
    >>> b = [random.randint(-2**1100, 2**1100) >> (3 * i) for i in range(80)]
    >>> mul_low_shift(a, b, 80, 1100) == [sum(a[i] * b[k - i] for i in range(k + 1)) >> 1100 for k in range(80)]
    True
    """
    same = a is b
    a, b = a[:n], b[:n]
    if min(len(a), len(b)) >= FLINT_MIN_LEN and _maxbits(a) + _maxbits(b) >= FLINT_MIN_BITS:
        pa = flint.fmpz_poly(list(map(int, a)))
        pb = pa if same else flint.fmpz_poly(list(map(int, b)))
        # (the floor shift in Python: fmpz_poly // fmpz truncates small negative terms)
        out = [_MPZ(int(v)) >> P for v in pa.mul_low(pb, n).coeffs()]
        return out + [_MPZ(0)] * (n - len(out))
    return [_MPZ(v) >> P for v in kron_mul(a, b)[:n]]


class Relaxed:
    r"""Online product ``c = a b`` of two growing integer sequences (``a is b``: a square).

    ``coef(k)`` returns :math:`c_k = \sum_{i=0}^{k} a_i b_{k-i}` exactly; it must be called with
    ``k = 0, 1, 2, ...`` in order, each time with ``a`` and ``b`` known up to index ``k``
    (the lists are read, never copied, so the caller appends to them in between).
    ``limit`` (optional) is the last index that will be asked for.

    >>> a, b = [1, 2], [3, -1]
    >>> r = Relaxed(a, b, base=1)
    >>> [r.coef(0), r.coef(1)]
    [3, 5]

    With ``tolerance_bits`` (decaying fixed-point coefficients, as in a Taylor step) every tile
    and head sum is cut to the bits that reach ``2**tol``:

    >>> c = [(-1) ** i * ((1 << 800) // 7 ** i) for i in range(200)]     # 7**-i, 800 bits
    >>> r = Relaxed(c, c, limit=199, tolerance_bits=790)
    >>> exact = [sum(c[i] * c[k - i] for i in range(k + 1)) for k in range(200)]
    >>> max(abs(r.coef(k) - exact[k]) for k in range(200)) < 2**795
    True
    """

    def __init__(self, a: list, b: list, limit: int | None = None, base: int = BASE,
                 tolerance_bits: int | None = None):
        self.a, self.b = a, b
        # optional: each tile's products only to an absolute error 2**tolerance_bits per
        # coefficient (operands cut accordingly; not exact then)
        self.tol = tolerance_bits
        self.square = a is b
        self.base = max(1, int(base))
        self.limit = limit
        self.acc = [0] * (limit + 1) if limit is not None else []
        self.done = -1  # tiles completing at times <= done are folded in
        self._heads = ({}, {})  # (tolerance) cut copies of a[:S0], b[:S0] by shift

    def _tile(self, i0: int, j0: int, s: int):
        """Add the tile a[i0:i0+s] x b[j0:j0+s] (and its mirror) to the accumulator."""
        a, b = self.a, self.b
        A = a[i0:i0 + s]
        mul = kron_mul if self.tol is None else self._mul_cut
        if self.square:
            if i0 == j0:
                prod = mul(A, A)  # (the same list: squared)
            else:
                prod = mul(A, a[j0:j0 + s])
                prod = list(map(_add, prod, prod))
        else:
            Bj = b[j0:j0 + s]
            prod = mul(A, Bj)
            if i0 != j0:
                prod = list(map(_add, prod, mul(a[j0:j0 + s], b[i0:i0 + s])))
        acc = self.acc
        t0 = i0 + j0
        t1 = t0 + len(prod)
        if len(acc) < t1:
            if self.limit is None:
                acc.extend([0] * (t1 - len(acc)))
            else:
                t1 = len(acc)
                prod = prod[:t1 - t0]
        acc[t0:t1] = map(_add, acc[t0:t1], prod)

    def _mul_cut(self, X: list, Y: list) -> list:
        """``kron_mul(X, Y)`` to an absolute error below ``2**tol`` per coefficient (:func:`cut_mul`)."""
        return cut_mul(X, Y, self.tol)

    def _fold(self, t: int):
        """Every tile whose last coefficient has index t (s = 2^p >= base, (t+1) % s == 0)."""
        s = self.base
        # smallest power of two >= base
        s = 1 << (s - 1).bit_length()
        while 2 * s <= t + 1:
            if (t + 1) % s == 0:
                self._tile(s, t + 1 - s, s)
            s *= 2

    def coef(self, k: int):
        """The coefficient ``k`` of the product (exact integer; to ``2**tol`` per tile with a tolerance)."""
        while self.done < k - 1:
            self.done += 1
            self._fold(self.done)
        a, b = self.a, self.b
        S0 = 1 << (self.base - 1).bit_length()
        if k < 2 * S0:
            return sum(map(_mul, a[:k + 1], b[k::-1]))
        # pairs with min(i, j) < S0: i < S0 or j < S0 (disjoint for k >= 2 S0)
        if self.tol is None:
            s = sum(map(_mul, a[:S0], b[k:k - S0:-1]))
            # (a square: the mirrored pairs are the same sum)
            s2 = s if self.square else sum(map(_mul, b[:S0], a[k:k - S0:-1]))
        else:
            s = self._head_sum(a, b, k, S0, 0)
            s2 = s if self.square else self._head_sum(b, a, k, S0, 1)
        acc = self.acc
        return (acc[k] if k < len(acc) else 0) + s + s2

    def _head_sum(self, a: list, b: list, k: int, S0: int, which: int):
        r"""``sum_{i < S0} a_i b_{k-i}`` to ``2**(tol-2)``: the head ``a[:S0]`` cut to the bits that reach it.

        .. math::  \Big|\sum_i a_i b_{k-i} - 2^t \sum_i (a_i \gg t) b_{k-i}\Big| \le S_0 2^t \max_i |b_{k-i}| \le 2^{tol - 2}

        The cut ``t`` is rounded down to a multiple of 32 bits, so that a few cut copies of the
        head serve all columns.
        """
        win = b[k:k - S0:-1]
        mb = max(max(win), -min(win))
        t = self.tol - 2 - S0.bit_length() - int(mb).bit_length() - 1
        if t < 32:
            return sum(map(_mul, a[:S0], win))
        t &= ~31
        heads = self._heads[which]
        head = heads.get(t)
        if head is None:
            head = heads[t] = [v >> t for v in a[:S0]]
        return sum(map(_mul, head, win)) << t
