r"""The fixed-point evaluator of a non-polynomial U for the high-precision residual: the interface of
:class:`qsym.numeric.bounce_nd.mixed._FixedPoly` (integer arrays at scale ``2^bits`` in, the same out)
on the Arb program of ``(U, grad U)`` of :class:`~qsym.numeric.bounce_nd.arbgrad.ArbGradientND`.

In the scaled units of the problem (field unit ``Phi``, ``m^2`` the lowest mass^2), with the omega
term of :class:`~qsym.numeric.bounce_nd.shifted.ShiftedND` added exactly,

.. math:: \tilde U(\psi) = \frac{U(\Phi\psi) - \tfrac{\omega^2}{2}\sum_k c_k\Phi^2\psi_k^2}{m^2\Phi^2},
          \qquad \partial_k\tilde U = \frac{\partial_k U(\Phi\psi) - \omega^2 c_k \Phi\psi_k}{m^2\Phi}

evaluated node by node in Arb balls at ``bits + GUARD`` bits (no mpmath objects on the way), each
result truncated to an integer at scale ``2^bits`` (error below ``2^-bits``).

Numeric layer: python-flint / numpy only.

>>> import sympy as sp, numpy as np
>>> from qsym.bridge import numeric_nd
>>> from qsym.bridge.arbnd import arb_gradient_nd
>>> from qsym.numeric.bounce_nd.arbgrad import ArbGradientND
>>> a, b = sp.symbols("a b")
>>> U = a**2 * sp.exp(-b)
>>> num = ArbGradientND(numeric_nd(U, [a, b]), *arb_gradient_nd(U, [a, b]))
>>> P = type("P", (), {"num": num, "n": 2, "Phi": 1.0, "m2": 2.0})()
>>> f = FixedArb.of(P, 40)
>>> X = np.array([[2 ** 40], [0]], dtype=object)
>>> [int(v[0]) / 2 ** 40 for v in f.grad(X)], int(f.value(X)[0]) / 2 ** 40
([1.0, -0.5], 0.5)
"""

from __future__ import annotations

from fractions import Fraction

import flint
import numpy as np
from flint import arb

from qsym.errors import ConvergenceError
from qsym.numeric.bounce_nd.arbgrad import ArbGradientND
from qsym.numeric.bounce_nd.shifted import ShiftedND

__all__ = ["FixedArb"]

#: guard bits of the ball evaluation above the fixed-point scale
GUARD = 24


def _fixed(x: arb, bits: int) -> int:
    man, exp = x.mid().man_exp()
    sh = int(exp) + bits
    return int(man) << sh if sh >= 0 else int(man) >> -sh


class FixedArb:
    """``value(X)``, ``grad(X)`` of the scaled potential on integer arrays (see the module docstring)."""

    @classmethod
    def of(cls, P, bits):
        """The evaluator of ``P``'s potential, or None when it has no Arb program."""
        num = P.num
        base, c, w2 = (num.base, num.c, num.w2) if isinstance(num, ShiftedND) else (num, None, Fraction(0))
        return cls(P, base.prog, c, w2, bits) if isinstance(base, ArbGradientND) else None

    def __init__(self, P, prog, c, w2, bits):
        self.n, self.bits, self.prog = P.n, bits, prog
        self.prec = bits + GUARD
        with flint.ctx.workprec(self.prec):
            self.Phi = arb(P.Phi)
            m2 = arb(P.m2)
            self.gscale = 1 / (m2 * self.Phi)
            self.uscale = 1 / (m2 * self.Phi * self.Phi)
            self.wc = [arb(w2.numerator) * int(ck.numerator) / (arb(w2.denominator) * int(ck.denominator))
                       for ck in (c or [Fraction(0)] * self.n)]
            self.unit = arb(2) ** -bits

    def _nodes(self, X):
        for idx in np.ndindex(X.shape[1:]):
            phi = [arb(int(X[(k,) + idx])) * self.unit * self.Phi for k in range(self.n)]
            out = self.prog.run_all(phi, self.prec)
            if not all(v.is_finite() for v in out):
                raise ConvergenceError("U or its gradient is not finite at a field value of the "
                                       "high-precision solution")
            yield idx, phi, out

    def grad(self, X):
        out = np.empty(X.shape, dtype=object)
        B = self.bits
        with flint.ctx.workprec(self.prec):
            for idx, phi, res in self._nodes(X):
                for k in range(self.n):
                    out[(k,) + idx] = _fixed((res[1 + k] - self.wc[k] * phi[k]) * self.gscale, B)
        return out

    def value(self, X):
        out = np.empty(X.shape[1:], dtype=object)
        B = self.bits
        with flint.ctx.workprec(self.prec):
            for idx, phi, res in self._nodes(X):
                shift = sum((self.wc[k] * phi[k] * phi[k] for k in range(self.n)), arb(0)) / 2
                out[idx] = _fixed((res[0] - shift) * self.uscale, B)
        return out
