r"""Point designs of a parameter scan: grid, log grid, Sobol and Halton sequences.

Every design returns exact parameter values as text, so a point is the same
number on every machine: a grid point ``lo + i (hi - lo)/(n - 1)`` is an exact
rational, a quasi-random point ``lo + u (hi - lo)`` uses a dyadic (Sobol) or
rational (Halton) ``u``; only log-spaced values are rounded, to
:data:`LOG_DIGITS` significant digits, once, when the design is made.

.. math:: x_i = x_{lo} + u_i\,(x_{hi} - x_{lo}),\qquad u_i \in [0, 1)

>>> grid_values("0", "1", 5)
['0', '0.25', '0.5', '0.75', '1']
>>> [round(float(v), 6) for v in log_values("1", "100", 3)]
[1.0, 10.0, 100.0]
>>> sobol(4, 2, seed=None)
[(Fraction(0, 1), Fraction(0, 1)), (Fraction(1, 2), Fraction(1, 2)), (Fraction(3, 4), Fraction(1, 4)), (Fraction(1, 4), Fraction(3, 4))]
"""

from __future__ import annotations

import random
from fractions import Fraction

import mpmath

from qsym.errors import InputError

__all__ = ["LOG_DIGITS", "SOBOL_MAX_DIM", "grid_values", "log_values", "sobol", "halton", "frac_text",
           "unit_to_value"]

#: significant digits of a log-spaced parameter value
LOG_DIGITS = 20
#: bits of a Sobol coordinate (points are multiples of 2**-BITS)
BITS = 32

# Joe & Kuo (2008) direction numbers (s, a, m_1..m_s) for dimensions 2..10; dimension 1 is van der Corput.
_JOE_KUO = [
    (1, 0, (1,)), (2, 1, (1, 3)), (3, 1, (1, 3, 1)), (3, 2, (1, 1, 1)), (4, 1, (1, 1, 3, 3)),
    (4, 4, (1, 3, 5, 13)), (5, 2, (1, 1, 5, 5, 17)), (5, 4, (1, 1, 5, 5, 5)), (5, 7, (1, 1, 7, 11, 19)),
]
SOBOL_MAX_DIM = len(_JOE_KUO) + 1
_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71)


def frac_text(v: Fraction) -> str:
    r"""Exact text of a rational: a terminating decimal when there is one, else ``p/q``.

    .. math:: \frac{p}{q} = \frac{p'}{2^a 5^b} \Rightarrow \text{finite decimal}

    >>> frac_text(Fraction(3, 8)), frac_text(Fraction(1, 3)), frac_text(Fraction(-2))
    ('0.375', '1/3', '-2')
    """
    v = Fraction(v)
    if v.denominator == 1:
        return str(v.numerator)
    q, k = v.denominator, 0
    for p in (2, 5):
        while q % p == 0:
            q //= p
    if q != 1:
        return f"{v.numerator}/{v.denominator}"
    while (v * 10 ** k).denominator != 1:
        k += 1
    n = abs(v.numerator * 10 ** k // v.denominator)
    s = str(n).rjust(k + 1, "0")
    return ("-" if v < 0 else "") + s[:-k] + "." + s[-k:]


def _count(n) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InputError(f"the number of points must be a positive integer, got {n!r}")
    return n


def grid_values(lo, hi, n: int) -> list[str]:
    r"""``n`` equally spaced exact values from ``lo`` to ``hi`` (both included).

    .. math:: x_i = lo + i\,\frac{hi - lo}{n - 1},\quad i = 0..n-1

    >>> grid_values("1/2", "1", 3)
    ['0.5', '0.75', '1']
    """
    lo, hi, n = Fraction(str(lo)), Fraction(str(hi)), _count(n)
    if n == 1:
        return [frac_text(lo)]
    return [frac_text(lo + (hi - lo) * i / (n - 1)) for i in range(n)]


def log_values(lo, hi, n: int) -> list[str]:
    r"""``n`` log-spaced values from ``lo`` to ``hi`` (both > 0), :data:`LOG_DIGITS` digits.

    .. math:: x_i = lo\,(hi/lo)^{i/(n-1)}

    >>> log_values("1", "4", 3)
    ['1', '2.0', '4']
    """
    flo, fhi, n = Fraction(str(lo)), Fraction(str(hi)), _count(n)
    if flo <= 0 or fhi <= 0:
        raise InputError(f"a log grid needs positive limits, got [{lo}, {hi}]")
    if n == 1:
        return [frac_text(flo)]
    out = []
    with mpmath.workdps(LOG_DIGITS + 10):
        a, b = mpmath.mpf(flo.numerator) / flo.denominator, mpmath.mpf(fhi.numerator) / fhi.denominator
        for i in range(n):
            if i in (0, n - 1):
                out.append(frac_text(flo if i == 0 else fhi))
            else:
                out.append(mpmath.nstr(a * (b / a) ** (mpmath.mpf(i) / (n - 1)), LOG_DIGITS))
    return out


def _directions(dim: int) -> list[list[int]]:
    """Direction integers v_k (k = 1..BITS) of each Sobol dimension, scaled by 2**BITS."""
    dirs = [[1 << (BITS - k) for k in range(1, BITS + 1)]]
    for s, a, m in _JOE_KUO[: dim - 1]:
        v = [m[k] << (BITS - k - 1) for k in range(s)]
        for k in range(s, BITS):
            x = v[k - s] ^ (v[k - s] >> s)
            for j in range(1, s):
                if (a >> (s - 1 - j)) & 1:
                    x ^= v[k - j]
            v.append(x)
        dirs.append(v)
    return dirs


def sobol(n: int, dim: int, seed: int | None = 0) -> list[tuple[Fraction, ...]]:
    r"""The first ``n`` points of the ``dim``-dimensional Sobol sequence in ``[0, 1)^dim`` (exact dyadics).

    With an integer ``seed`` every coordinate gets a random digital shift (XOR with
    ``BITS`` random bits drawn from ``random.Random(seed)``): a reproducible
    randomised design that keeps the low-discrepancy property; ``seed=None``
    gives the plain sequence (Gray-code order, Joe-Kuo direction numbers).

    .. math:: x_n = \bigoplus_k g_k(n)\, v_k,\quad g(n) = n \oplus (n \gg 1)

    >>> [tuple(map(float, p)) for p in sobol(3, 1, seed=None)]
    [(0.0,), (0.5,), (0.75,)]
    """
    n = _count(n)
    if not 1 <= dim <= SOBOL_MAX_DIM:
        raise InputError(f"a Sobol design supports 1..{SOBOL_MAX_DIM} varied parameters, got {dim}")
    dirs = _directions(dim)
    rng = random.Random(seed) if seed is not None else None
    shift = [rng.getrandbits(BITS) if rng else 0 for _ in range(dim)]
    x = [0] * dim
    out = [tuple(Fraction(s, 1 << BITS) for s in shift)]
    for i in range(1, n):
        c = (~(i - 1) & i).bit_length() - 1      # lowest zero bit of i-1
        x = [xj ^ dirs[j][c] for j, xj in enumerate(x)]
        out.append(tuple(Fraction(xj ^ s, 1 << BITS) for xj, s in zip(x, shift)))
    return out


def halton(n: int, dim: int, seed: int | None = 0) -> list[tuple[Fraction, ...]]:
    r"""The first ``n`` points of the Halton sequence (exact rationals), skipping the origin.

    With an integer ``seed`` the sequence starts at a reproducible random index
    in ``[1, 2^{16})`` (a leap-free random start).

    .. math:: u_b(i) = \sum_k d_k(i)\, b^{-k-1},\quad i = \sum_k d_k b^k

    >>> [tuple(map(float, p)) for p in halton(2, 2, seed=None)]
    [(0.5, 0.3333333333333333), (0.25, 0.6666666666666666)]
    """
    n = _count(n)
    if not 1 <= dim <= len(_PRIMES):
        raise InputError(f"a Halton design supports 1..{len(_PRIMES)} varied parameters, got {dim}")
    start = random.Random(seed).randrange(1, 1 << 16) if seed is not None else 1

    def radical(i, b):
        f, r = Fraction(1, b), Fraction(0)
        while i:
            i, d = divmod(i, b)
            r += d * f
            f /= b
        return r
    return [tuple(radical(i, _PRIMES[j]) for j in range(dim)) for i in range(start, start + n)]


def unit_to_value(u: Fraction, lo, hi, log: bool = False) -> str:
    r"""Map ``u`` in ``[0, 1)`` to ``[lo, hi]``: linearly (exact text) or logarithmically (``LOG_DIGITS``).

    .. math:: x = lo + u\,(hi - lo)\quad\text{or}\quad x = lo\,(hi/lo)^u

    >>> unit_to_value(Fraction(1, 4), "0", "2"), unit_to_value(Fraction(1, 2), "1", "100", log=True)
    ('0.5', '10.0')
    """
    flo, fhi = Fraction(str(lo)), Fraction(str(hi))
    if not log:
        return frac_text(flo + u * (fhi - flo))
    with mpmath.workdps(LOG_DIGITS + 10):
        a, b = mpmath.mpf(flo.numerator) / flo.denominator, mpmath.mpf(fhi.numerator) / fhi.denominator
        return mpmath.nstr(a * (b / a) ** (mpmath.mpf(u.numerator) / u.denominator), LOG_DIGITS)
