r"""Straight-line programs of a one-variable function, run on Arb balls or Arb power series.

A potential ``U(phi)`` written with ``+ * ** exp log sin cos tan atan sqrt asin acos sinh
cosh tanh asinh atanh`` becomes a list of instructions (built from SymPy by
:func:`qsym.bridge.arb_program`; this module never sees SymPy).  :class:`ArbProgram` runs it

- on a truncated power series ``x0 + t`` (:meth:`ArbProgram.series`): the Taylor coefficients
  ``U^(j)(x0)/j!`` by Arb's power-series recurrences (``exp``, ``log``, powers, ``atan`` ...
  of a series, in C), the Taylor-mode differentiation of the bounce engines;
- on a ball ``[lo, hi]`` (:meth:`ArbProgram.ball`): an enclosure of ``U`` over an interval,
  the building block of the certified Q-ball window (:mod:`qsym.numeric.qball.window`).

.. math:: U(x_0 + t) = \sum_{j<n} \frac{U^{(j)}(x_0)}{j!} t^j + O(t^n)

Instructions are tuples ``(op, *args)`` whose arguments index earlier results:
``("var",)``, ``("const", c)`` (``c`` an int, a ``Fraction`` or ``callable(prec) -> mpf``),
``("add", i, j, ...)``, ``("mul", i, j, ...)``, ``("powi", i, k)`` (integer k),
``("pow", i, j)`` (real exponent, result ``j`` a constant), ``("fn", name, i)``.

>>> from fractions import Fraction
>>> p = ArbProgram([("var",), ("powi", 0, 2), ("const", Fraction(1, 2)), ("mul", 1, 2)])  # x**2/2
>>> [float(c) for c in p.series(3, 4)]
[4.5, 3.0, 0.5, 0.0]
"""

from __future__ import annotations

from fractions import Fraction

import flint
import mpmath
from flint import arb, arb_series

__all__ = ["ArbProgram", "FUNCTIONS", "NotAnalyticHere"]

#: guard bits of a series evaluation on top of the caller's mpmath precision
GUARD_BITS = 24


class NotAnalyticHere(ArithmeticError):
    """The program is not real-analytic (or not finite) at the expansion point."""


def _sinh(a):
    e = a.exp()
    return (e - 1 / e) / 2


def _cosh(a):
    e = a.exp()
    return (e + 1 / e) / 2


def _tanh(a):
    e = (2 * a).exp()
    return (e - 1) / (e + 1)


def _asinh(a):
    return (a + (a * a + 1).sqrt()).log()


def _atanh(a):
    return ((1 + a).log() - (1 - a).log()) / 2


def _tan(a):
    s, c = a.sin_cos() if isinstance(a, arb_series) else (a.sin(), a.cos())
    return s / c


#: the functions a program may call, each acting on an arb or an arb_series
FUNCTIONS = {
    "exp": lambda a: a.exp(), "log": lambda a: a.log(), "sin": lambda a: a.sin(),
    "cos": lambda a: a.cos(), "tan": _tan, "atan": lambda a: a.atan(), "sqrt": lambda a: a.sqrt(),
    "asin": lambda a: a.asin(), "acos": lambda a: a.acos(), "sinh": _sinh, "cosh": _cosh,
    "tanh": _tanh, "asinh": _asinh, "atanh": _atanh,
}


_FACT = [1, 1, 2, 6, 24, 120]


def _hull(balls: list) -> tuple:
    """``(l, h)``: balls whose lower / upper bounds bound all of ``balls`` from below / above."""
    lo = min(balls, key=lambda b: b.lower().mid()).lower()
    hi = max(balls, key=lambda b: b.upper().mid()).upper()
    return lo, hi


#: functions increasing on their domain (a ball's image is spanned by the images of its ends)
MONOTONE = {"exp", "log", "atan", "sqrt", "sinh", "asinh", "tanh", "atanh"}


def _to_mpf(x: arb):
    """The midpoint of a ball as an exact mpf."""
    man, exp = x.mid().man_exp()
    return mpmath.mpf((int(man), int(exp)))


class ArbProgram:
    """A compiled one-variable expression (see the module docstring for the instruction set)."""

    def __init__(self, code: list, outputs: list | None = None):
        for ins in code:
            if ins[0] == "fn" and ins[1] not in FUNCTIONS:
                raise ValueError(f"unknown function {ins[1]!r}")
        self.code = list(code)
        #: indices of the results (the first is U; :mod:`qsym.numeric.kernels.online` reads U, U', U'')
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

    def _run(self, x, prec: int):
        regs = []
        for k, ins in enumerate(self.code[:self.outputs[0] + 1]):
            op = ins[0]
            if op == "var":
                v = x
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
        return regs[self.outputs[0]]

    def series(self, x0, n: int, prec: int | None = None) -> list:
        """``[U^(j)(x0)/j!]_{j<n}`` as mpf (midpoints of Arb balls computed at ``prec`` bits,
        default the mpmath precision in force plus GUARD_BITS).  Raises NotAnalyticHere where
        a coefficient is not finite (log or a fractional power of a non-positive argument)."""
        n = max(int(n), 1)
        prec = (prec or mpmath.mp.prec) + GUARD_BITS
        cap = flint.ctx.cap
        flint.ctx.cap = n           # Arb's series length (python-flint's context is global)
        try:
            with flint.ctx.workprec(prec):
                xs = arb_series([arb(mpmath.mpf(x0)), 1], prec=n)
                out = self._run(xs, prec)
                cs = out.coeffs() if isinstance(out, arb_series) else [out]
        finally:
            flint.ctx.cap = cap
        if not all(c.is_finite() for c in cs):
            raise NotAnalyticHere(f"U is not analytic at {mpmath.nstr(mpmath.mpf(x0), 8)}")
        res = [_to_mpf(c) for c in cs[:n]]
        return res + [mpmath.mpf(0)] * (n - len(res))

    def value(self, x, k: int = 0):
        """``U^(k)(x)`` (k = 0, 1, 2, ...) as an mpf at the mpmath precision in force.

        >>> p = ArbProgram([("var",), ("fn", "exp", 0)])
        >>> float(p.value(0.0, 2))
        1.0
        """
        if k == 0:
            prec = mpmath.mp.prec + GUARD_BITS
            with flint.ctx.workprec(prec):
                v = self._run(arb(mpmath.mpf(x)), prec)
            if not v.is_finite():
                raise NotAnalyticHere(f"U is not finite at {mpmath.nstr(mpmath.mpf(x), 8)}")
            return _to_mpf(v)
        c = self.series(x, k + 1)[k]
        return c * _FACT[k] if k < len(_FACT) else c * mpmath.factorial(k)

    def _run_interval(self, lo: arb, hi: arb, prec: int):
        """The program in interval arithmetic on pairs ``(l, h)`` of balls (the value lies in
        ``[inf l, sup h]``): Arb's midpoint-radius balls cannot hold a range such as
        ``exp([270, 300])`` without losing its sign, pairs of ends can."""
        regs = []
        for k, ins in enumerate(self.code[:self.outputs[0] + 1]):
            op = ins[0]
            if op == "var":
                v = (lo, hi)
            elif op == "const":
                c = self._const(k, ins[1], prec)
                v = (c, c)
            elif op == "add":
                l, h = regs[ins[1]]
                for i in ins[2:]:
                    l, h = l + regs[i][0], h + regs[i][1]
                v = (l, h)
            elif op == "mul":
                v = regs[ins[1]]
                for i in ins[2:]:
                    v = _hull([a * b for a in v for b in regs[i]])
            elif op == "powi":
                l, h = regs[ins[1]]
                n = ins[2]
                if n < 0:
                    if l.lower() <= 0 <= h.upper():
                        raise NotAnalyticHere("negative power of an interval holding 0")
                    v = _hull([l ** n, h ** n])
                elif n % 2 == 0 and l.lower() < 0 < h.upper():
                    v = (arb(0), _hull([l ** n, h ** n])[1])
                else:
                    v = _hull([l ** n, h ** n])
            elif op == "pow":
                (l, h), (c, _) = regs[ins[1]], regs[ins[2]]
                if not l.lower() > 0:
                    raise NotAnalyticHere("real power of an interval reaching 0")
                v = _hull([l ** c, h ** c])
            elif ins[1] in MONOTONE:
                f = FUNCTIONS[ins[1]]
                l, h = regs[ins[2]]
                v = (f(l), f(h))
            else:
                b = FUNCTIONS[ins[1]](regs[ins[2]][0].union(regs[ins[2]][1]))
                v = (b, b)
            regs.append(v)
        return regs[self.outputs[0]]

    def enclose(self, lo, hi, k: int = 0, prec: int = 64) -> arb:
        """An enclosure of ``U^(k)`` over the interval ``[lo, hi]`` (mpf or float ends).

        >>> p = ArbProgram([("var",), ("powi", 0, 2)])
        >>> e = p.enclose(1, 2, 1)
        >>> bool(e.lower() >= 0 and e.upper() <= 5)
        True
        """
        with flint.ctx.workprec(prec):
            a, b = arb(mpmath.mpf(lo)), arb(mpmath.mpf(hi))
            x = a.union(b)
            if k == 0:
                return self._run(x, prec)
            cap = flint.ctx.cap
            flint.ctx.cap = k + 1
            try:
                out = self._run(arb_series([x, 1], prec=k + 1), prec)
            finally:
                flint.ctx.cap = cap
            cs = out.coeffs() if isinstance(out, arb_series) else [out]
            c = cs[k] if k < len(cs) else arb(0)
            return c * _FACT[k] if k < len(_FACT) else c * arb(mpmath.factorial(k))

    def sign_on(self, lo, hi, k: int = 0, prec: int = 64) -> int:
        """+1 / -1 when ``U^(k)`` is proven positive / negative on all of ``[lo, hi]``, else 0
        (k = 0 in interval arithmetic on end pairs, k >= 1 from a ball enclosure).

        >>> p = ArbProgram([("var",), ("fn", "exp", 0)])
        >>> p.sign_on(-1000, -900), p.sign_on(1, 2, 1)
        (1, 1)
        """
        try:
            if k == 0:
                with flint.ctx.workprec(prec):
                    l, h = self._run_interval(arb(mpmath.mpf(lo)), arb(mpmath.mpf(hi)), prec)
                if not (l.is_finite() and h.is_finite()):
                    return 0
                return 1 if l > 0 else (-1 if h < 0 else 0)
            e = self.enclose(lo, hi, k, prec)
        except (ArithmeticError, ValueError):
            return 0
        if not e.is_finite():
            return 0
        return 1 if e > 0 else (-1 if e < 0 else 0)

    def ball(self, x: arb, prec: int = 64) -> arb:
        """An enclosure of ``U(x)`` for every point of the ball ``x`` (not finite where U is
        undefined somewhere in it).

        >>> p = ArbProgram([("var",), ("fn", "exp", 0)])
        >>> with flint.ctx.workprec(64):
        ...     bool(p.ball(arb(0, 0.5)).contains(arb(1)))
        True
        """
        with flint.ctx.workprec(prec):
            return self._run(x, prec)
