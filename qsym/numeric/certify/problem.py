r"""The certified bounce problem: a polynomial potential with ball coefficients.

.. math::  U(\phi) = \sum_{k=2}^{p+1} u_k \phi^k, \qquad f = U' = \sum_{j=1}^{p} n_j \phi^j,
           \quad n_j = (j+1)\, u_{j+1}, \quad m^2 = 2 u_2 > 0 .

The coefficients come in exactly (``Fraction``: a ball of radius 0 up to the working
precision) or as mpmath numbers rounded at ``dps`` digits (a ball of relative radius
:math:`10^{1-\mathrm{dps}}` around them, as in :func:`qsym.numeric.kernels.balls.to_arb`).
``sign = -1`` mirrors the field, :math:`u_k \to (-1)^k u_k`, so that the bounce is positive.

Numeric layer: python-flint, mpmath.

>>> from fractions import Fraction
>>> P = CertProblem.from_coefficients([0, 0, Fraction(1, 2), -1], dim=3, prec=128)
>>> P.p, float(P.m.mid()), [float(x.mid()) for x in P.n]
(2, 1.0, [1.0, -3.0])
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import flint
from flint import arb

from qsym.errors import InputError
from qsym.numeric.kernels.balls import to_arb

__all__ = ["CertProblem"]


@dataclass(frozen=True)
class CertProblem:
    r"""Polynomial U in ``dim`` dimensions, coefficients as balls at ``prec`` bits.

    ``u[k]`` is :math:`u_k` (``u[0] = u[1] = 0``), ``n[j-1]`` is :math:`n_j`, ``m`` the mass
    (a ball), ``p`` the degree of f, ``omega_d`` the area of the unit sphere
    :math:`\Omega_d = 2\pi^{d/2}/\Gamma(d/2)`.

    .. math::  \Omega_d = 2\pi^{d/2} / \Gamma(d/2)
    """

    u: tuple
    n: tuple
    m: object
    dim: int
    prec: int
    p: int
    omega_d: object

    @classmethod
    def from_coefficients(cls, coeffs, dim: int, prec: int, sign: int = 1, rel: float = 0.0) -> "CertProblem":
        """From ``[u_0, u_1, u_2, ...]`` (Fraction/int exact, mpf with relative radius ``rel``)."""
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 2:
            raise InputError(f"--certify needs an integer dimension d >= 2, got {dim!r}")
        cs = list(coeffs)
        while len(cs) > 3 and cs[-1] == 0:
            cs.pop()
        if len(cs) < 4:
            raise InputError("--certify needs a polynomial U of degree >= 3 (a free field has no bounce)")
        if cs[0] != 0 or cs[1] != 0:
            raise InputError("--certify needs U(0) = U'(0) = 0 (the false vacuum at the origin)")
        with flint.ctx.workprec(prec):
            u = [arb(0), arb(0)]
            for k in range(2, len(cs)):
                c = cs[k] * sign ** k if isinstance(cs[k], (int, Fraction)) else cs[k] * (sign ** k)
                u.append(to_arb(c, rel if not isinstance(c, (int, Fraction)) else 0.0))
            if not u[2] > 0:
                raise InputError("--certify needs U''(0) = m^2 > 0 (proven in balls)")
            n = tuple((j + 1) * u[j + 1] for j in range(1, len(u) - 1))
            m = (2 * u[2]).sqrt()
            omega_d = 2 * arb.pi() ** (arb(dim) / 2) / (arb(dim) / 2).gamma()
        return cls(tuple(u), n, m, dim, prec, len(n), omega_d)

    def f(self, x):
        """:math:`f(x) = U'(x)` (Horner; ``x`` a ball, complex ball or arb_poly)."""
        s = self.n[-1]
        for c in reversed(self.n[:-1]):
            s = s * x + c
        return s * x

    def df(self, x):
        """:math:`f'(x)`."""
        s = self.p * self.n[-1]
        for j in range(self.p - 1, 0, -1):
            s = s * x + j * self.n[j - 1]
        return s

    def U(self, x):
        """:math:`U(x)` (Horner from the quadratic term)."""
        s = self.u[-1]
        for c in reversed(self.u[2:-1]):
            s = s * x + c
        return s * x * x
