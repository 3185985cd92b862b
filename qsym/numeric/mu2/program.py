r"""Straight-line programs of an n-variable function (a multi-field U), run on Arb balls, on pairs of
interval ends or on Arb power series in one parameter.

The instruction set is that of :class:`qsym.numeric.kernels.arbprog.ArbProgram` with
``("var", i)`` naming the i-th input (programs are built from SymPy by
:func:`qsym.bridge.arbnd.arb_program_nd`).  The inputs decide the arithmetic:

- :meth:`ProgramND.run` on arb balls: an enclosure of U over a box (midpoint-radius);
- :meth:`ProgramND.run` on ``arb_series`` (every input a series in the same parameter ``t``): the
  Taylor coefficients of ``U(phi(t))`` along a curve, e.g. a ray ``phi = s psi (F + t)``, with
  ball coefficients (the remainder terms of the certified minimiser);
- :meth:`ProgramND.interval` on pairs ``(l, h)``: interval arithmetic on ends, which keeps the sign
  of ranges such as ``exp([270, 300])`` that a midpoint-radius ball loses.

.. math:: U(\phi_1(t), \dots, \phi_n(t)) = \sum_j c_j t^j, \qquad c_j \in \text{Arb balls}

Numeric layer: python-flint / mpmath only.

>>> from flint import arb
>>> p = ProgramND([("var", 0), ("var", 1), ("fn", "exp", 1), ("mul", 0, 2)], 2)   # a e^b
>>> bool(p.run([arb(2), arb(0)], 64) == 2)
True
"""

from __future__ import annotations

from fractions import Fraction

import flint
import mpmath
from flint import arb, arb_series

from qsym.numeric.kernels.arbprog import FUNCTIONS, MONOTONE, NotAnalyticHere, _hull

__all__ = ["ProgramND", "series_along"]


class ProgramND:
    """A compiled n-variable expression (see the module docstring)."""

    def __init__(self, code: list, n: int, outputs: list | None = None):
        for ins in code:
            if ins[0] == "fn" and ins[1] not in FUNCTIONS:
                raise ValueError(f"unknown function {ins[1]!r}")
        self.code, self.n = list(code), int(n)
        #: the results :meth:`run_all` returns (default: the last instruction)
        self.outputs = list(outputs) if outputs is not None else [len(code) - 1]
        self._consts: dict = {}

    def _const(self, k: int, c, prec: int):
        if isinstance(c, int):
            return arb(c)
        if isinstance(c, Fraction):
            return arb(c.numerator) / c.denominator
        key = (k, prec)
        if key not in self._consts:
            with mpmath.workprec(prec + 10):
                self._consts[key] = arb(c(prec + 10))
        return self._consts[key]

    def run(self, xs: list, prec: int):
        """U at the inputs ``xs`` (arb balls, or arb_series of one length) in ball arithmetic at
        ``prec`` bits (the caller sets flint's series length for series inputs)."""
        return self.run_all(xs, prec)[0]

    def run_all(self, xs: list, prec: int) -> list:
        """Every output (``self.outputs``) at the inputs ``xs``, as :meth:`run`."""
        regs = []
        with flint.ctx.workprec(prec):
            for k, ins in enumerate(self.code):
                op = ins[0]
                if op == "var":
                    v = xs[ins[1]]
                elif op == "const":
                    v = self._const(k, ins[1], prec)
                elif op == "add":
                    v = regs[ins[1]]
                    for i in ins[2:]:
                        v = v + regs[i]
                elif op == "mul":
                    v = regs[ins[1]]
                    for i in ins[2:]:
                        v = v * regs[i]
                elif op == "powi":
                    v = regs[ins[1]] ** ins[2]
                elif op == "pow":
                    v = regs[ins[1]] ** regs[ins[2]]
                else:
                    v = FUNCTIONS[ins[1]](regs[ins[2]])
                regs.append(v)
        return [regs[i] for i in self.outputs]

    def interval(self, pairs: list, prec: int) -> tuple:
        """U over the box ``[l_i, h_i]`` (pairs of arb) in interval arithmetic on ends: ``(l, h)``
        with the value in ``[inf l, sup h]``."""
        regs = []
        with flint.ctx.workprec(prec):
            for k, ins in enumerate(self.code):
                regs.append(self._interval_op(k, ins, regs, pairs, prec))
        return regs[-1]

    def _interval_op(self, k, ins, regs, pairs, prec):
        op = ins[0]
        if op == "var":
            return pairs[ins[1]]
        if op == "const":
            c = self._const(k, ins[1], prec)
            return (c, c)
        if op == "add":
            l, h = regs[ins[1]]
            for i in ins[2:]:
                l, h = l + regs[i][0], h + regs[i][1]
            return (l, h)
        if op == "mul":
            v = regs[ins[1]]
            for i in ins[2:]:
                v = _hull([a * b for a in v for b in regs[i]])
            return v
        if op == "powi":
            (l, h), m = regs[ins[1]], ins[2]
            if m < 0:
                if l.lower() <= 0 <= h.upper():
                    raise NotAnalyticHere("negative power of an interval holding 0")
                return _hull([l ** m, h ** m])
            if m % 2 == 0 and l.lower() < 0 < h.upper():
                return (arb(0), _hull([l ** m, h ** m])[1])
            return _hull([l ** m, h ** m])
        if op == "pow":
            (l, h), (c, _) = regs[ins[1]], regs[ins[2]]
            if not l.lower() > 0:
                raise NotAnalyticHere("real power of an interval reaching 0")
            return _hull([l ** c, h ** c])
        l, h = regs[ins[2]]
        if ins[1] in MONOTONE:
            f = FUNCTIONS[ins[1]]
            return (f(l), f(h))
        b = FUNCTIONS[ins[1]](l.union(h))
        return (b, b)


def series_along(prog: ProgramND, base: list, slope: list, length: int, prec: int) -> list:
    r"""The Taylor coefficients in ``t`` of ``U(base + slope t)`` (``base``, ``slope``: arb balls per
    variable), ``length`` of them, as arb balls (an enclosure over every point of the balls).

    .. math:: U(b + a t) = \sum_{j < \text{length}} c_j t^j

    >>> p = ProgramND([("var", 0), ("powi", 0, 3)], 1)                    # x^3
    >>> [float(c.mid()) for c in series_along(p, [arb(0)], [arb(2)], 4, 64)]
    [0.0, 0.0, 0.0, 8.0]
    """
    cap = flint.ctx.cap
    flint.ctx.cap = length      # python-flint's series length is global
    try:
        with flint.ctx.workprec(prec):
            xs = [arb_series([b, a], prec=length) for b, a in zip(base, slope)]
            out = prog.run(xs, prec)
            cs = out.coeffs() if isinstance(out, arb_series) else [out]
    finally:
        flint.ctx.cap = cap
    cs = list(cs[:length])
    return cs + [arb(0)] * (length - len(cs))
