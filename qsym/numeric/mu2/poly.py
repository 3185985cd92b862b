r"""Polynomials in the direction variables and their rigorous interval bounds.

A :class:`Poly` is a sum of monomials ``c_m psi^m`` with exact coefficients
(:class:`fractions.Fraction`, or mpmath ``mpf`` when a coefficient is
irrational) for exact point decisions, and their double-precision images for
vectorised interval evaluation.  On boxes ``0 <= lo <= psi <= hi`` every
monomial is monotone, so

.. math::

    \sum_m \min(c_m\,\mathrm{lo}^m, c_m\,\mathrm{hi}^m) \le p(\psi)
    \le \sum_m \max(c_m\,\mathrm{lo}^m, c_m\,\mathrm{hi}^m),

padded outward by an assumed rounding-error bound (:data:`ROUND_PAD` ulps per
term and per operation).  The small interval kit :func:`imul` / :func:`idiv_pos`
(outward-padded) serves the mean-value bounds.  These double-precision bounds
are the fast pass that *proposes* which boxes to discard; the decisions are
re-made in Arb ball arithmetic (:mod:`qsym.numeric.mu2.ballbounds`), so the pad
is a heuristic, never part of the proof.

Numeric layer: numpy / mpmath only.

>>> import numpy as np
>>> from fractions import Fraction
>>> p = Poly({(2, 0): Fraction(1), (1, 1): Fraction(-1, 2)}, 2)
>>> lo, hi = p.interval(np.array([[0.0, 0.0]]), np.array([[1.0, 1.0]]))
>>> bool(lo[0] <= -0.5 and hi[0] >= 1.0), p.exact_value([Fraction(1), Fraction(1)])
(True, Fraction(1, 2))
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np

__all__ = ["Poly", "ROUND_PAD", "CHUNK", "down", "up", "imul", "idiv_pos", "as_mp", "gradient_polys",
           "exact_coeff"]

#: outward padding, in units of 2**-52 per term and per operation
ROUND_PAD = 4
#: boxes x terms x variables per vectorised interval evaluation (bounds the memory)
CHUNK = 2 * 10**6
EPS = 2.0 ** -52
TINY = 1e-300


class Poly:
    r"""A polynomial in ``n`` variables with exact and float coefficients.

    Parameters
    ----------
    terms : dict
        ``{exponent tuple: coefficient}``; coefficients are ints, Fractions or
        mpf (exact point decisions use them; intervals use their floats).
    n : int
        Number of variables.

    .. math:: p(\psi) = \sum_m c_m \psi^m

    >>> from fractions import Fraction
    >>> Poly({(1, 2): Fraction(3)}, 2).deg
    3
    """

    def __init__(self, terms: dict, n: int):
        self.n = n
        self.exps = np.array(list(terms.keys()), dtype=int).reshape(len(terms), n)
        self.exact = list(terms.values())
        self.rational = all(isinstance(c, (Fraction, int)) for c in self.exact)
        self.coef = np.array([float(c) for c in self.exact], dtype=float)
        self.deg = int(self.exps.sum(axis=1).max()) if len(self.exact) else 0
        self.nterms = len(self.exact)

    @classmethod
    def from_floats(cls, terms: dict, n: int) -> "Poly":
        r"""A float-only polynomial (re-expressed charts, derivatives in interval bounds).

        .. math:: p(z) = \sum_m c_m z^m,\quad c_m \in \mathbb{R}

        >>> Poly.from_floats({(1,): 2.0}, 1).exact is None
        True
        """
        self = cls({}, n)
        self.exps = np.array(list(terms.keys()), dtype=int).reshape(len(terms), n)
        self.coef = np.array(list(terms.values()), dtype=float)
        self.exact, self.rational = None, False
        self.deg = int(self.exps.sum(axis=1).max()) if len(terms) else 0
        self.nterms = len(terms)
        return self

    def float_terms(self) -> dict:
        """``{exponent tuple: float coefficient}``."""
        return {tuple(int(v) for v in e): float(c) for e, c in zip(self.exps, self.coef)}

    def _rows(self):
        """Rows per vectorised evaluation (CHUNK bounds rows x terms x variables)."""
        return max(1, CHUNK // max(1, self.nterms * max(1, self.n)))

    def interval(self, lo: np.ndarray, hi: np.ndarray):
        r"""Rigorous enclosure ``(lower, upper)`` over boxes ``lo <= psi <= hi`` (rows), ``lo >= 0``.

        .. math:: p(\psi) \in [\underline{p}, \overline{p}]\quad (\mathrm{lo} \le \psi \le \mathrm{hi})

        >>> p = Poly.from_floats({(1,): -1.0}, 1)
        >>> lo, hi = p.interval(np.array([[0.5]]), np.array([[1.0]]))
        >>> bool(lo[0] < -1.0 < -0.5 < hi[0] < -0.4999999)
        True
        """
        B = lo.shape[0]
        if self.nterms == 0:
            return np.zeros(B), np.zeros(B)
        step = self._rows()
        if B > step:
            parts = [self.interval(lo[i:i + step], hi[i:i + step]) for i in range(0, B, step)]
            return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
        mlo = np.prod(lo[:, None, :] ** self.exps[None, :, :], axis=2)
        mhi = np.prod(hi[:, None, :] ** self.exps[None, :, :], axis=2)
        c = self.coef[None, :]
        tlo = np.where(c > 0, c * mlo, c * mhi)
        thi = np.where(c > 0, c * mhi, c * mlo)
        vlo, vhi = tlo.sum(axis=1), thi.sum(axis=1)
        mag = np.maximum(np.abs(tlo), np.abs(thi)).sum(axis=1)
        pad = ROUND_PAD * (self.deg + self.nterms + 2) * EPS * mag + TINY
        return vlo - pad, vhi + pad

    def value(self, x: np.ndarray) -> np.ndarray:
        r"""Float values at points (rows of ``x``).

        .. math:: p(x_i) \text{ for each row } x_i

        >>> Poly.from_floats({(2,): 1.0}, 1).value(np.array([[3.0]])).tolist()
        [9.0]
        """
        if self.nterms == 0:
            return np.zeros(x.shape[0])
        step = self._rows()
        if x.shape[0] > step:
            return np.concatenate([self.value(x[i:i + step]) for i in range(0, x.shape[0], step)])
        return (self.coef[None, :] * np.prod(x[:, None, :] ** self.exps[None, :, :], axis=2)).sum(axis=1)

    def exact_value(self, x):
        r"""Exact value at a point of Fractions (an mpf at the current precision otherwise).

        .. math:: p(x) = \sum_m c_m x^m \text{ in exact arithmetic}

        >>> Poly({(1,): Fraction(1, 3)}, 1).exact_value([Fraction(3)])
        Fraction(1, 1)
        """
        use_mp = not all(isinstance(v, (Fraction, int)) for v in x) or not self.rational
        tot = 0
        for e, c in zip(self.exps, self.exact):
            term = as_mp(c) if use_mp else c
            for xi, k in zip(x, e):
                if k:
                    term = term * xi ** int(k)
            tot = tot + term
        return tot


def as_mp(c):
    r"""A Fraction, int or mpf as an mpf at the current precision.

    .. math:: p/q \mapsto \mathrm{mpf}(p)/q

    >>> str(as_mp(Fraction(1, 4)))
    '0.25'
    """
    if isinstance(c, Fraction):
        return mpmath.mpf(c.numerator) / c.denominator
    return mpmath.mpf(c)


def exact_coeff(p: Poly, key) -> object:
    r"""The exact coefficient of the monomial ``key`` in ``p`` (0 if absent).

    .. math:: [\psi^{\mathrm{key}}]\,p

    >>> exact_coeff(Poly({(1, 1): Fraction(2)}, 2), (1, 1))
    Fraction(2, 1)
    """
    for e, c in zip(p.exps, p.exact):
        if tuple(int(v) for v in e) == key:
            return c
    return 0


def down(x):
    r"""``x`` moved outward (down) by the rounding pad.

    .. math:: x - 4\cdot 2^{-52}|x| - 10^{-300}

    >>> bool(down(1.0) < 1.0)
    True
    """
    return x - ROUND_PAD * EPS * np.abs(x) - TINY


def up(x):
    r"""``x`` moved outward (up) by the rounding pad.

    .. math:: x + 4\cdot 2^{-52}|x| + 10^{-300}

    >>> bool(up(1.0) > 1.0)
    True
    """
    return x + ROUND_PAD * EPS * np.abs(x) + TINY


def imul(al, ah, bl, bh):
    r"""Interval product ``[al, ah] * [bl, bh]`` (arrays), outward-padded; nan products count as 0.

    .. math:: [a][b] = [\min(a_i b_j), \max(a_i b_j)]

    >>> lo, hi = imul(np.array(-1.0), np.array(2.0), np.array(3.0), np.array(4.0))
    >>> bool(-4.00000001 < lo < -4.0 and 8.0 < hi < 8.00000001)
    True
    """
    with np.errstate(invalid="ignore", over="ignore"):
        p = np.stack([al * bl, al * bh, ah * bl, ah * bh])
        p = np.nan_to_num(p, nan=0.0)
    return down(p.min(axis=0)), up(p.max(axis=0))


def idiv_pos(al, ah, bl, bh):
    r"""``[a]/[b]`` for ``b > 0`` (rows with ``bl <= 0`` give ``[-inf, inf]``).

    .. math:: [a]/[b] = [a]\,[1/b_h, 1/b_l]

    >>> [float(v[0]) for v in idiv_pos(np.ones(1), np.ones(1), np.zeros(1), np.ones(1))]
    [-inf, inf]
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ok = bl > 0
        il, ih = 1.0 / np.where(ok, bh, 1.0), 1.0 / np.where(ok, bl, 1.0)
        lo, hi = imul(al, ah, down(il), up(ih))
    return np.where(ok, lo, -np.inf), np.where(ok, hi, np.inf)


def _derivative_terms(terms: dict, i: int) -> dict:
    out = {}
    for m, c in terms.items():
        if m[i]:
            mm = list(m)
            mm[i] -= 1
            out[tuple(mm)] = out.get(tuple(mm), 0.0) + c * m[i]
    return out


def gradient_polys(p: Poly) -> list:
    r"""``dp/dz_j`` for every variable ``j``, as float polynomials.

    .. math:: \partial_j p = \sum_m m_j c_m z^{m - e_j}

    >>> [q.float_terms() for q in gradient_polys(Poly.from_floats({(2, 1): 1.0}, 2))]
    [{(1, 1): 2.0}, {(2, 0): 1.0}]
    """
    terms = p.float_terms()
    return [Poly.from_floats(_derivative_terms(terms, j), p.n) for j in range(p.n)]
