r"""Orthant patches and the box charts that cover their directions.

``g(psi) = min_F mu^2`` is homogeneous of degree 0, so the directions of one
orthant are covered by the ``n`` facets ``psi_k = 1`` of the unit cube.  A
:class:`Chart` is such a facet as the box ``[0, 1]^(n-1)``, or, where the
quartic part vanishes along ``e_k`` (a field without self-coupling), that facet
blown up at its corner: ``x = r omega`` with ``omega_j = 1`` and the powers of
``r`` divided out exactly, so that

.. math::

    \frac{u_3^2}{u_4} = \frac{(u_3 / r^{a/2})^2}{u_4 / r^{a}}

stays smooth (``a`` the order of vanishing of ``u_4``).  :class:`Patch` holds
the exact polynomials of one orthant and ``p_2 = u_2 - m_0 c / 2`` (the
``E >= 0`` test near the degenerate directions).

Numeric layer: numpy / mpmath only.

>>> from fractions import Fraction
>>> from qsym.numeric.mu2.problem import OrthantData
>>> o = OrthantData((1, 1), {(2, 0): Fraction(1), (0, 2): Fraction(1)}, {(2, 1): Fraction(-1)},
...                 {(4, 0): Fraction(1), (0, 4): Fraction(1)}, {(2, 0): Fraction(1), (0, 2): Fraction(1)})
>>> p = make_patch(o, 2, Fraction(2), 20)
>>> len(charts(p)), p.p2.nterms
(2, 0)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import numpy as np

from .poly import Poly, as_mp, exact_coeff, gradient_polys
from .problem import OrthantData

__all__ = ["Patch", "Chart", "make_patch", "charts"]


@dataclass
class Patch:
    """One orthant: exact polynomials in ``psi`` (for the exact point decisions)."""

    signs: tuple
    u2: Poly
    u3: Poly
    u4: Poly
    c: Poly
    rho: Poly | None
    data: OrthantData | None = None        # the plain input (its mu^2 callables polish)
    p2: Poly | None = None                 # u2 - m0 c/2 (float), the E-test
    p2_exact: dict | None = None           # u2 - m0 c/2 exactly: {exponent: Fraction | (u2, c) coefficients}
    m0: object = None                      # the exact origin limit
    rel: float = 0.0                       # relative accuracy of the mpf (irrational) coefficients

    def polys(self) -> tuple:
        """``(u2, u3, u4, c)``."""
        return self.u2, self.u3, self.u4, self.c


def _cancels(a, b, m0, dps: int) -> bool:
    """Whether ``a - b m0 / 2 == 0`` (exactly; to 50+ digits for irrational numbers)."""
    if isinstance(m0, Fraction) and isinstance(a, (Fraction, int)) and isinstance(b, (Fraction, int)):
        return a - b * m0 / 2 == 0
    digits = max(dps, 40)
    with mpmath.workdps(digits + 20):
        return abs(as_mp(a) - as_mp(b) * as_mp(m0) / 2) < mpmath.mpf(10) ** (-digits - 10) * (1 + abs(as_mp(a)))


def make_patch(o: OrthantData, n: int, m0, dps: int) -> Patch:
    r"""The numeric patch of an orthant, with ``p_2 = u_2 - m_0 c/2``.

    Exact cancellations in ``p_2`` (it vanishes on the lightest charged
    directions) are kept exact, so the ``E >= 0`` test can close there.

    .. math:: p_2(\psi) = u_2(\psi) - \tfrac{m_0}{2} c(\psi)

    >>> from qsym.numeric.mu2.problem import OrthantData
    >>> o = OrthantData((1,), {(2,): Fraction(1)}, {}, {(4,): Fraction(1)}, {(2,): Fraction(1)})
    >>> make_patch(o, 1, Fraction(2), 15).p2.nterms
    0
    """
    p = Patch(o.signs, *(Poly(t, n) for t in (o.u2, o.u3, o.u4, o.c)),
              None if o.rho is None else Poly(o.rho, n), o)
    m0f = float(m0)
    terms = {}
    for q, f in ((p.u2, 1.0), (p.c, -m0f / 2)):
        for key, cf in q.float_terms().items():
            terms[key] = terms.get(key, 0.0) + f * cf
    exact = {}
    for key in list(terms):
        a, b = exact_coeff(p.u2, key), exact_coeff(p.c, key)
        if _cancels(a, b, m0, dps):
            del terms[key]
        elif isinstance(m0, Fraction) and isinstance(a, (Fraction, int)) and isinstance(b, (Fraction, int)):
            exact[key] = Fraction(a) - Fraction(b) * m0 / 2
        else:                        # irrational: u2 and c coefficients, combined in balls later
            exact[key] = (a, b)
    p.p2 = Poly.from_floats(terms, n)
    p.p2_exact, p.m0, p.rel = exact, m0, 10.0 ** (1 - dps)
    return p


def _reexpress(p: Poly | None, k: int, j: int | None, shift: int = 0):
    """``p`` on the facet ``psi_k = 1`` as a float polynomial in the box variables.

    ``j is None``: the variables are the other psi's.  Otherwise the facet is
    blown up at its corner ``e_k``: ``x = r * omega`` with ``omega_j = 1``,
    variables ``(r, omega without j)``, and the polynomial is divided by
    ``r**shift`` (exact: every term has x-degree >= shift).
    """
    if p is None:
        return None
    terms = {}
    for e, c in zip(p.exps, p.coef):
        x = [int(v) for i, v in enumerate(e) if i != k]
        if j is None:
            key = tuple(x)
        else:
            deg = sum(x) - shift
            if deg < 0:
                raise ValueError("shift larger than the order of vanishing")
            key = (deg,) + tuple(v for i, v in enumerate(x) if i != j)
        terms[key] = terms.get(key, 0.0) + float(c)
    return Poly.from_floats({m: c for m, c in terms.items() if c != 0.0}, p.n - 1)


def _min_xdeg(p: Poly, k: int):
    if p.nterms == 0:
        return None
    return int(min(sum(int(v) for i, v in enumerate(e) if i != k) for e in p.exps))


@dataclass
class Chart:
    """A box domain ``[0, 1]^d`` covering part of the rays of one orthant.

    Either a facet ``psi_k = 1`` of the unit cube (``j is None``) or that
    facet blown up at its corner (``x = r omega``, ``omega_j = 1``), used when
    the quartic part vanishes along ``e_k`` so that plain interval bounds on
    ``u_3^2/u_4`` cannot close near the corner: after dividing ``u_3`` by
    ``r^(a/2)`` and ``u_4`` by ``r^a`` (``a`` the order of vanishing of ``u_4``)
    the ratio is a smooth function of ``(r, omega)``.
    """

    patch: Patch
    k: int
    j: int | None
    u2: Poly
    u3: Poly
    u4: Poly
    c: Poly
    rho: Poly | None
    e_p2: Poly | None = None        # p2 / r^b2, u3 / r^b3, u4 / r^b4 for the E >= 0 test
    e_u3: Poly | None = None
    e_u4: Poly | None = None
    e_pow: int = 0                  # 2 b3 - b2 - b4 (power of r multiplying u3'^2)
    grads: list = field(default_factory=list)
    shifts: dict = field(default_factory=dict)   # powers of r divided out (blown-up charts), by name
    ball: object = None             # its ball-arithmetic twin (built by mu2.ballchart on first use)

    def __post_init__(self):
        if self.u2.n:
            parts = [gradient_polys(q) for q in (self.u2, self.u3, self.u4, self.c)]
            self.grads = list(zip(*parts))

    def polys(self) -> tuple:
        """``(u2, u3, u4, c)`` in the box variables."""
        return self.u2, self.u3, self.u4, self.c

    def cost(self) -> int:
        """Work per box: interval evaluations of u2, u3, u4, c and their gradients."""
        d = self.u2.n
        return (sum(q.nterms for q in self.polys()) + 1) * (d + 1) ** 2

    def to_psi(self, z: np.ndarray) -> np.ndarray:
        """Box points -> psi points (rows), on the facet ``psi_k = 1``."""
        if self.j is None:
            x = z
        else:
            r = z[:, :1]
            om = np.hstack([z[:, 1:1 + self.j], np.ones((z.shape[0], 1)), z[:, 1 + self.j:]])
            x = r * om
        one = np.ones((z.shape[0], 1))
        return np.hstack([x[:, :self.k], one, x[:, self.k:]])


def _needs_blowup(p: Patch, k: int) -> tuple:
    """``(blow up?, a4, a3)`` for the facet ``psi_k = 1``."""
    n = p.u2.n
    e_k = tuple(4 if i == k else 0 for i in range(n))
    u4_at_vertex = exact_coeff(p.u4, e_k)
    a4, a3 = _min_xdeg(p.u4, k), _min_xdeg(p.u3, k)
    blow = (n > 1 and u4_at_vertex == 0 and a4 is not None and a4 > 0 and a4 % 2 == 0
            and (a3 is None or 2 * a3 >= a4))
    return blow, a4, a3


def _blown_up_charts(p: Patch, k: int, a4: int, a3) -> list:
    """The ``n - 1`` charts of the facet ``psi_k = 1`` blown up at its corner ``e_k``."""
    n = p.u2.n
    b2 = _min_xdeg(p.p2, k) if p.p2 is not None and p.p2.nterms else None
    b3 = a3 if a3 is not None else 0
    e_ok = b2 is not None and 2 * b3 - b2 - a4 >= 0
    aq = _min_xdeg(p.rho, k) if p.rho is not None else None
    out = []
    for j in range(n - 1):
        rho = None
        if p.rho is not None:
            rho = _reexpress(p.rho, k, j, a4) if (aq is None or aq >= a4) else None
            if p.rho.nterms == 0:
                rho = _reexpress(p.rho, k, j)
        ch = Chart(p, k, j, _reexpress(p.u2, k, j), _reexpress(p.u3, k, j, a4 // 2),
                   _reexpress(p.u4, k, j, a4), _reexpress(p.c, k, j), rho)
        ch.shifts = {"u3": a4 // 2, "u4": a4,
                     "rho": 0 if (p.rho is not None and p.rho.nterms == 0) else a4}
        if e_ok:
            ch.e_p2, ch.e_u3 = _reexpress(p.p2, k, j, b2), _reexpress(p.u3, k, j, b3)
            ch.e_u4, ch.e_pow = _reexpress(p.u4, k, j, a4), 2 * b3 - b2 - a4
            ch.shifts.update({"e_p2": b2, "e_u3": b3, "e_u4": a4})
        out.append(ch)
    return out


def charts(p: Patch) -> list:
    r"""Every chart of a patch: one per facet ``psi_k = 1``, or ``n - 1`` where it is blown up.

    .. math:: \{\psi \ge 0\}/\mathbb{R}_+ = \bigcup_k \{\psi_k = 1,\ 0 \le \psi_i \le 1\}

    >>> from qsym.numeric.mu2.problem import OrthantData
    >>> o = OrthantData((1,), {(2,): Fraction(1)}, {}, {(4,): Fraction(1)}, {(2,): Fraction(1)})
    >>> [c.k for c in charts(make_patch(o, 1, Fraction(2), 15))]
    [0]
    """
    out = []
    for k in range(p.u2.n):
        blow, a4, a3 = _needs_blowup(p, k)
        if blow:
            out.extend(_blown_up_charts(p, k, a4, a3))
            continue
        out.append(Chart(p, k, None, *(_reexpress(q, k, None) for q in p.polys()),
                         _reexpress(p.rho, k, None), _reexpress(p.p2, k, None),
                         _reexpress(p.u3, k, None), _reexpress(p.u4, k, None), 0))
    return out
