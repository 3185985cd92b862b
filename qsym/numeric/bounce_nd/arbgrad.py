r"""``U`` and its gradient at high precision from one Arb program (python-flint), for a non-polynomial U.

The high-precision residual of the multi-field engine (:mod:`qsym.numeric.bounce_nd.mixed`) evaluates
``grad U`` at every collocation node; a polynomial U goes through exact fixed-point sums, any other U
through these callables: one straight-line program computes ``(U, dU/dphi_1, ..., dU/dphi_n)`` (SymPy's
derivatives, common subexpressions shared; built by :func:`qsym.bridge.arbnd.arb_gradient_nd`) in Arb
balls at the mpmath precision in force plus guard bits, and returns the midpoints as mpf.  The double
precision callables and the Hessian stay those of the base :class:`~qsym.bridge.NumericND`.

.. math:: \phi \mapsto \big(U(\phi), \nabla U(\phi)\big) \in \text{Arb balls}

Numeric layer: python-flint / mpmath only.

>>> import sympy as sp
>>> from qsym.bridge import numeric_nd
>>> from qsym.bridge.arbnd import arb_gradient_nd
>>> a, b = sp.symbols("a b")
>>> U = a**2 * sp.exp(-b)
>>> g = ArbGradientND(numeric_nd(U, [a, b]), *arb_gradient_nd(U, [a, b]))
>>> [float(v) for v in g.grad(2, 0)], float(g.U(2, 0))
([4.0, -4.0], 4.0)
"""

from __future__ import annotations

import mpmath
from flint import arb

from qsym.errors import ConvergenceError
from qsym.numeric.mu2.program import ProgramND

__all__ = ["ArbGradientND", "GUARD_BITS"]

#: guard bits of the ball evaluation on top of the caller's mpmath precision
GUARD_BITS = 32


def _mpf(x: arb):
    man, exp = x.mid().man_exp()
    return mpmath.mpf((int(man), int(exp)))


class ArbGradientND:
    """A :class:`~qsym.bridge.NumericND` whose mpmath ``U`` and ``grad`` run on one Arb program."""

    def __init__(self, base, code: list, outputs: list):
        self.base, self.vars, self.expr = base, base.vars, base.expr
        self.prog = ProgramND(code, len(base.vars), outputs)
        self.U_np, self.grad_np, self.hess_np, self.hess = base.U_np, base.grad_np, base.hess_np, base.hess

    def _run(self, phi):
        prec = mpmath.mp.prec + GUARD_BITS
        out = self.prog.run_all([arb(mpmath.mpf(p)) for p in phi], prec)
        if not all(v.is_finite() for v in out):
            raise ConvergenceError("U or its gradient is not finite at a field value the solver reached "
                                   f"({', '.join(mpmath.nstr(mpmath.mpf(p), 8) for p in phi)})")
        return out

    def U(self, *phi):
        return _mpf(self._run(phi)[0])

    def grad(self, *phi):
        return [_mpf(v) for v in self._run(phi)[1:]]
