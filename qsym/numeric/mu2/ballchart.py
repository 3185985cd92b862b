r"""The ball-arithmetic twin of a chart: its polynomials with exact coefficients as Arb balls.

The double-precision pass works on charts whose polynomials were re-expressed
in floats (:mod:`~qsym.numeric.mu2.patches`).  The certificate re-expresses the
*exact* coefficients instead: on the facet ``psi_k = 1`` (or its blow-up
``x = r omega``, ``omega_j = 1``, divided by ``r^s``) the monomials of one
orthant polynomial collapse as

.. math::

    \sum_m c_m \psi^m \Big|_{\psi_k = 1,\ x = r\omega}
      = \sum_{m'} \Big(\sum_{m \mapsto m'} c_m\Big) r^{|m|_x - s}\,\omega^{m'},

summed in :class:`fractions.Fraction` (exact) when the coefficients are
rational, in Arb balls otherwise (an irrational coefficient is a ball of the
relative radius of its ``dps``-digit conversion).  ``p_2 = u_2 - m_0 c / 2``
is exact likewise; its terms that cancel exactly are absent.

Numeric layer: python-flint / numpy only.

>>> from qsym.numeric.mu2.bounds import _example_chart
>>> from qsym.numeric.kernels.balls import workprec
>>> with workprec():
...     bc = ball_chart(_example_chart())
...     [q.nterms for q in (bc.u2, bc.u3, bc.u4, bc.c)]
[2, 1, 2, 2]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from qsym.numeric.kernels.balls import BallPoly, to_arb

from .patches import Chart

__all__ = ["BallChart", "ball_chart", "exact_terms"]


def _add(a, b):
    """Exact sum when both are rational, else a ball sum."""
    if isinstance(a, (Fraction, int)) and isinstance(b, (Fraction, int)):
        return Fraction(a) + Fraction(b)
    return to_arb(a) + to_arb(b)


def _coef(c, m0, rel: float):
    """A coefficient as a Fraction, or a ball (irrational; ``(a, b)`` means ``a - b m0 / 2``)."""
    if isinstance(c, tuple):
        a, b = c
        return to_arb(a, rel) - to_arb(b, rel) * to_arb(m0, rel) / 2
    return c if isinstance(c, (Fraction, int)) else to_arb(c, rel)


def exact_terms(items, k: int, j, shift: int, m0=None, rel: float = 0.0) -> dict:
    r"""Exact terms ``{(exponents): Fraction | arb}`` on the facet ``psi_k = 1`` (blown up when ``j``
    is not None, divided by ``r**shift``): the exact analogue of ``patches._reexpress``.

    .. math:: (m_i)_{i \ne k} \mapsto (|m|_x - s, (m_i)_{i \ne k, j})

    >>> exact_terms([((1, 2), Fraction(1)), ((3, 2), Fraction(1, 2))], 0, None, 0)
    {(2,): Fraction(3, 2)}
    """
    terms = {}
    for e, c in items:
        x = [int(v) for i, v in enumerate(e) if i != k]
        if j is None:
            key = tuple(x)
        else:
            key = (sum(x) - shift,) + tuple(v for i, v in enumerate(x) if i != j)
        c = _coef(c, m0, rel)
        terms[key] = _add(terms[key], c) if key in terms else c
    return {m: c for m, c in terms.items() if not (isinstance(c, Fraction) and c == 0)}


def _derivative(terms: dict, i: int) -> dict:
    out = {}
    for m, c in terms.items():
        if m[i]:
            mm = list(m)
            mm[i] -= 1
            key = tuple(mm)
            d = c * m[i]
            out[key] = _add(out[key], d) if key in out else d
    return out


@dataclass
class BallChart:
    r"""Ball polynomials of one chart: ``u2, u3, u4, c`` (and ``rho``, the ``E``-test polynomials,
    the gradients of ``u2, u3, u4, c`` in the box variables), ``e_pow`` and ``blown`` as in
    :class:`~qsym.numeric.mu2.patches.Chart`.

    .. math:: \partial_j p = \sum_m m_j c_m z^{m - e_j}
    """

    u2: BallPoly
    u3: BallPoly
    u4: BallPoly
    c: BallPoly
    rho: BallPoly | None = None
    e_p2: BallPoly | None = None
    e_u3: BallPoly | None = None
    e_u4: BallPoly | None = None
    e_pow: int = 0
    blown: bool = False
    grads: list = field(default_factory=list)

    def polys(self) -> tuple:
        """``(u2, u3, u4, c)``."""
        return self.u2, self.u3, self.u4, self.c


def ball_chart(ch: Chart) -> BallChart:
    r"""The ball twin of ``ch`` (cached on ``ch.ball``; build it inside ``balls.workprec()``).

    .. math:: \text{chart polynomial} = \text{exact re-expression of the orthant polynomial}

    >>> from qsym.numeric.mu2.bounds import _example_chart
    >>> ball_chart(_example_chart()).blown
    False
    """
    if ch.ball is not None:
        return ch.ball
    p, d = ch.patch, ch.u2.n
    src = {"u2": p.u2, "u3": p.u3, "u4": p.u4, "c": p.c, "rho": p.rho, "e_u3": p.u3, "e_u4": p.u4}

    def make(name):
        if getattr(ch, name) is None:
            return None
        shift = ch.shifts.get(name, 0)
        if name == "e_p2":
            items = list(p.p2_exact.items())
        else:
            items = [(tuple(int(v) for v in e), c) for e, c in zip(src[name].exps, src[name].exact)]
        return exact_terms(items, ch.k, ch.j, shift, p.m0, p.rel)

    terms = {nm: make(nm) for nm in ("u2", "u3", "u4", "c", "rho", "e_p2", "e_u3", "e_u4")}
    polys = {nm: None if t is None else BallPoly(t, d, p.rel) for nm, t in terms.items()}
    grads = [tuple(BallPoly(_derivative(terms[nm], i), d, p.rel) for nm in ("u2", "u3", "u4", "c"))
             for i in range(d)]
    ch.ball = BallChart(**polys, e_pow=ch.e_pow, blown=ch.j is not None, grads=grads)
    return ch.ball
