r"""Ball-arithmetic kernels (python-flint / Arb): exact coefficients, polynomial enclosures on boxes.

Every function here computes with :class:`flint.arb` balls, whose operations
round outward (Arb's directed rounding of midpoint and radius), so a ball
returned by them *contains* the exact real value it stands for.  Three pieces:

- :func:`to_arb`: an exact input number as a ball (``Fraction`` -> ``fmpq`` ->
  ball; an mpmath ``mpf``, an irrational coefficient rounded at ``dps`` digits,
  becomes a ball of relative radius ``rel`` around it);
- :class:`BallPoly`: a polynomial with ball coefficients, its value at a point
  and its monotone enclosure on a box ``0 <= lo <= z <= hi``:

  .. math::

      \sum_m \min(c_m \mathrm{lo}^m, c_m \mathrm{hi}^m) \le p(z)
      \le \sum_m \max(c_m \mathrm{lo}^m, c_m \mathrm{hi}^m);

- interval arithmetic on pairs ``(l, h)`` of balls (the set is contained in
  ``[inf l, sup h]``): :func:`iadd`, :func:`isub`, :func:`imul`, :func:`idiv_pos`,
  and the directed conversions :func:`float_down` / :func:`float_up`.

Numeric layer: python-flint only (no SymPy).

>>> from fractions import Fraction
>>> p = BallPoly({(2,): Fraction(1), (1,): Fraction(-1, 3)}, 1)
>>> with workprec():
...     lo, hi = p.bounds([0.5], [1.0])
...     float_down(lo) <= 0.25 - 1 / 3 and float_up(hi) >= 1 - 1 / 6
True
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from fractions import Fraction

import flint
from flint import arb, fmpq

__all__ = ["PREC", "workprec", "to_arb", "BallPoly", "Monomials", "iadd", "isub", "imul", "idiv_pos", "float_down",
           "float_up", "ZERO"]

#: working precision (bits) of the certificates: 11 more than a double, so that the balls are
#: tighter than the double-precision pass they check
PREC = 64
ZERO = arb(0)
_ONE = arb(1)


@contextmanager
def workprec(bits: int = PREC):
    r"""Arb's working precision set to ``bits`` inside the block (python-flint's context is global).

    .. math:: \varepsilon_{\mathrm{mach}} = 2^{-\mathrm{bits}}

    >>> with workprec(100):
    ...     flint.ctx.prec
    100
    """
    with flint.ctx.workprec(bits):
        yield


def to_arb(c, rel: float = 0.0) -> arb:
    r"""An exact coefficient as a ball: ``int``/``Fraction`` exactly (up to the working precision),
    an mpmath ``mpf`` (or float) as a ball of relative radius ``rel`` around its value.

    .. math:: c \in [\tilde c\,(1 - \mathrm{rel}), \tilde c\,(1 + \mathrm{rel})]

    >>> to_arb(Fraction(1, 4))
    0.250000000000000
    >>> import mpmath
    >>> bool(to_arb(mpmath.mpf(2) / 3, 1e-10).rad() > 1e-11)
    True
    """
    if isinstance(c, arb):
        return c
    if isinstance(c, int):
        return arb(c)
    if isinstance(c, Fraction):
        return arb(fmpq(c.numerator, c.denominator))
    if isinstance(c, float):
        x = arb(c)
    else:                                   # an mpmath mpf: sign, mantissa, exponent exactly
        sign, man, exp, _ = c._mpf_
        q = fmpq(int(man) * 2**exp) if exp >= 0 else fmpq(int(man), 2**(-exp))
        x = arb(-q if sign else q)
    if rel:
        x = x + arb(0, abs(float(x.mid())) * rel)
    return x


class BallPoly:
    r"""A polynomial ``sum_m c_m z^m`` in ``n`` variables with ball coefficients.

    The sign of each coefficient is decided once (``+1``/``-1``, or ``0`` when
    the ball contains 0), so that its term's monotone enclosure on a box of
    non-negative numbers is one product per end.

    .. math:: p(z) = \sum_m c_m z^m

    >>> BallPoly({(1, 1): Fraction(3)}, 2).at([arb(2), arb(5)])
    30.0000000000000
    """

    def __init__(self, terms: dict, n: int, rel: float = 0.0):
        self.n = n
        self.exps = [tuple(int(v) for v in e) for e in terms]
        self.coef = [to_arb(c, rel) for c in terms.values()]
        self.sign = [1 if c > 0 else (-1 if c < 0 else 0) for c in self.coef]
        self.nterms = len(self.exps)
        self._terms = list(zip(self.exps, self.coef, self.sign))

    def at(self, x: list) -> arb:
        r"""The ball value at a point ``x`` (a list of balls or floats).

        .. math:: p(x) \in \sum_m c_m x^m

        >>> BallPoly({(2,): Fraction(1, 2)}, 1).at([3.0])
        4.50000000000000
        """
        x = [arb(v) for v in x]
        tot = ZERO
        for e, c in zip(self.exps, self.coef):
            t = c
            for xi, k in zip(x, e):
                if k:
                    t = t * xi**k
            tot = tot + t
        return tot

    def point(self, mono) -> arb:
        r"""The ball value at the point of a point :class:`Monomials` (``Monomials(x)``).

        .. math:: p(x) \in \sum_m c_m x^m

        >>> BallPoly({(2,): Fraction(1, 2)}, 1).point(Monomials([3.0]))
        4.50000000000000
        """
        tot = ZERO
        get = mono.get
        for e, c, _ in self._terms:
            tot = tot + c * get(e)[0]
        return tot

    def bounds(self, lo: list, hi: list, mono=None) -> tuple:
        r"""Balls ``(l, h)`` with ``inf l <= p(z) <= sup h`` for ``lo <= z <= hi`` (``lo >= 0``).

        ``mono`` is an optional :class:`Monomials` cache of the box (shared by the
        polynomials evaluated on it).

        .. math:: \underline p = \sum_{c_m>0} c_m \mathrm{lo}^m + \sum_{c_m<0} c_m \mathrm{hi}^m

        >>> l, h = BallPoly({(1,): Fraction(-1)}, 1).bounds([0.5], [1.0])
        >>> float(l.mid()), float(h.mid())
        (-1.0, -0.5)
        """
        mono = mono or Monomials(lo, hi)
        tl = th = ZERO
        get = mono.get
        for e, c, s in self._terms:
            ml, mh = get(e)
            if s > 0:
                tl, th = tl + c * ml, th + c * mh
            elif s < 0:
                tl, th = tl + c * mh, th + c * ml
            else:
                u = arb.union(c * ml, c * mh)
                tl, th = tl + u, th + u
        return tl, th


class Monomials:
    r"""Monomials ``lo^m`` and ``hi^m`` of one box as balls, computed once per exponent from
    per-variable power tables.

    .. math:: z^m \in [\mathrm{lo}^m, \mathrm{hi}^m] \quad (0 \le \mathrm{lo} \le z \le \mathrm{hi})

    Without ``hi`` the box is the point ``lo`` (one product per monomial).

    >>> Monomials([0.5], [1.0]).get((2,))
    (0.250000000000000, 1.00000000000000)
    >>> Monomials([0.5]).get((3,))[0]
    0.125000000000000
    """

    __slots__ = ("pl", "ph", "cache")

    def __init__(self, lo, hi=None):
        self.pl = [[_ONE, arb(float(v))] for v in lo]
        self.ph = None if hi is None else [[_ONE, arb(float(v))] for v in hi]
        self.cache = {}

    def _pow(self, tab: list, k: int) -> arb:
        while len(tab) <= k:
            tab.append(tab[-1] * tab[1])
        return tab[k]

    def get(self, e: tuple) -> tuple:
        """``(lo^e, hi^e)`` as balls."""
        out = self.cache.get(e)
        if out is None and self.ph is None:          # a point: lo = hi
            m = None
            for k, a in zip(e, self.pl):
                if k:
                    x = a[k] if k < len(a) else self._pow(a, k)
                    m = x if m is None else m * x
            m = _ONE if m is None else m
            out = self.cache[e] = (m, m)
        elif out is None:
            ml = mh = None
            for k, a, b in zip(e, self.pl, self.ph):
                if k:
                    x = a[k] if k < len(a) else self._pow(a, k)
                    y = b[k] if k < len(b) else self._pow(b, k)
                    ml, mh = (x, y) if ml is None else (ml * x, mh * y)
            out = self.cache[e] = (_ONE, _ONE) if ml is None else (ml, mh)
        return out


def iadd(a: tuple, b: tuple) -> tuple:
    r"""Interval sum of ball pairs.

    .. math:: [a] + [b] = [a_l + b_l, a_h + b_h]

    >>> iadd((arb(1), arb(2)), (arb(3), arb(4)))
    (4.00000000000000, 6.00000000000000)
    """
    return a[0] + b[0], a[1] + b[1]


def isub(a: tuple, b: tuple) -> tuple:
    r"""Interval difference of ball pairs.

    .. math:: [a] - [b] = [a_l - b_h, a_h - b_l]

    >>> isub((arb(1), arb(2)), (arb(3), arb(4)))
    (-3.00000000000000, -1.00000000000000)
    """
    return a[0] - b[1], a[1] - b[0]


def imul(a: tuple, b: tuple) -> tuple:
    r"""Interval product of ball pairs (the four end products; ``arb.min`` / ``arb.max`` are rigorous).

    .. math:: [a][b] = [\min_{ij} a_i b_j, \max_{ij} a_i b_j]

    >>> imul((arb(-1), arb(2)), (arb(3), arb(4)))
    (-4.00000000000000, 8.00000000000000)
    """
    p1, p2, p3, p4 = a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]
    return p1.min(p2).min(p3.min(p4)), p1.max(p2).max(p3.max(p4))


def idiv_pos(a: tuple, b: tuple):
    r"""``[a] / [b]`` for ``[b] > 0`` (None unless ``b_l > 0`` is certain).

    .. math:: [a]/[b] = [a]\,[1/b_h, 1/b_l]

    >>> idiv_pos((arb(1), arb(2)), (arb(2), arb(4)))
    (0.250000000000000, 1.00000000000000)
    """
    if not b[0] > 0:
        return None
    return imul(a, (1 / b[1], 1 / b[0]))


def float_down(x: arb) -> float:
    r"""The largest double ``f`` found with ``f <= inf x`` (rigorous; ``-inf`` for a non-finite ball).

    .. math:: f \le \inf x

    >>> float_down(to_arb(Fraction(1, 3))) < 1 / 3
    True
    """
    if not x.is_finite():
        return -math.inf
    f = float(x.lower())
    while not arb(f) <= x:
        f = math.nextafter(f, -math.inf)
    return f


def float_up(x: arb) -> float:
    r"""The smallest double ``f`` found with ``f >= sup x`` (rigorous; ``inf`` for a non-finite ball).

    .. math:: f \ge \sup x

    >>> float_up(to_arb(Fraction(1, 3))) > 1 / 3
    True
    """
    if not x.is_finite():
        return math.inf
    f = float(x.upper())
    while not arb(f) >= x:
        f = math.nextafter(f, math.inf)
    return f
