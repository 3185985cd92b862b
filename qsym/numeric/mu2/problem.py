r"""The numeric input of the mu^2 minimiser: ray data as plain numbers.

:mod:`qsym.api.mu2` converts the exact ray decomposition of
:mod:`qsym.symbolic.rays` once, through :mod:`qsym.bridge`, into these
objects: polynomial coefficients become :class:`fractions.Fraction` (or mpmath
``mpf`` when irrational), the origin limit ``m_0`` likewise, and the mu^2
function of each orthant a factory of mpmath callables (built only when the
minimiser polishes its answer).  On the ray ``phi = F s psi``

.. math::

    \mu^2 = \frac{2\,(u_2(\psi) + u_3(\psi) F + u_4(\psi) F^2)}{c(\psi)} .

>>> from fractions import Fraction
>>> p = OrthantData((1,), {(2,): Fraction(1, 2)}, {(3,): Fraction(-1)}, {(4,): Fraction(1)},
...                 {(2,): Fraction(1)})
>>> Mu2Problem(("p",), Fraction(1), (p,)).n
1
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

__all__ = ["OrthantData", "Mu2Problem"]


@dataclass(frozen=True)
class OrthantData:
    r"""One orthant (sign pattern ``signs``) in amplitudes ``psi >= 0`` (``phi = signs * psi``).

    ``u2, u3, u4, c`` are ``{exponent tuple: Fraction | mpf}``; ``rho`` the
    numerator ``a^T M^{-1} a`` of the Cauchy-Schwarz bound
    :math:`\bar\rho = a^T M^{-1} a / (4 u_4)` (None when unavailable);
    ``mu2_numeric()`` returns an object with mpmath callables ``U`` (mu^2),
    ``grad`` and ``hess`` of the amplitudes (None: no polishing).
    """

    signs: tuple
    u2: dict
    u3: dict
    u4: dict
    c: dict
    rho: dict | None = None
    notes: tuple = ()
    mu2_numeric: Callable | None = None


@dataclass(frozen=True)
class Mu2Problem:
    r"""The whole minimisation: field names, the origin limit ``m0`` (exact), the orthants.

    .. math:: m_0 = \lim_{\phi\to 0} \mu^2
    """

    fields: tuple
    m0: object
    orthants: tuple
    notes: tuple = field(default_factory=tuple)

    @property
    def n(self) -> int:
        """Number of fields."""
        return len(self.fields)
