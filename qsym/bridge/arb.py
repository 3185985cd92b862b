r"""SymPy expressions as Arb programs (part of :mod:`qsym.bridge`): straight-line programs on Arb balls
and Arb power series (python-flint), for the certified window of mu^2 and the fast Taylor coefficients of a
non-polynomial U.

.. math:: U(\phi) \mapsto \text{program}(\phi) \in \text{Arb balls}
"""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from qsym.bridge.numbers import _MAX_WORK_DPS, to_mpf
from qsym.bridge.series import MAX_SERIES_NODES, _NotAnalytic
from qsym.errors import InputError

__all__ = ["arb_program"]

# --------------------------------------------------------------------------
# Arb programs: U as a straight-line program on Arb balls / Arb power series
# --------------------------------------------------------------------------
_ARB_FUNCS = {"exp", "log", "sin", "cos", "tan", "atan", "asin", "acos", "sinh", "cosh", "tanh",
              "asinh", "atanh"}


def arb_program(expr: sp.Expr, var: sp.Symbol, derivatives: int = 0, derivative_exprs=None):
    r"""``expr(var)`` as an :class:`qsym.numeric.kernels.arbprog.ArbProgram`, or None when it uses
    a function Arb's series arithmetic does not have (the mpmath series of
    :func:`series_callable` is then used).

    Common subexpressions are compiled once; constants are exact (``Fraction``) or evaluated
    at the precision of each call.  With ``derivatives = n`` the program also computes
    ``U', ..., U^(n)`` (SymPy derivatives sharing the nodes of U, or the caller's
    ``derivative_exprs``) as further outputs.

    .. math:: U(\varphi) \mapsto (\text{op}_1, \dots, \text{op}_k)

    >>> x = sp.Symbol("x")
    >>> p = arb_program(x**2/2 - x**3*sp.exp(-x), x)
    >>> [round(float(c), 12) for c in p.series(0, 5)]
    [0.0, 0.0, 0.5, -1.0, 1.0]
    """
    from qsym.numeric.kernels.arbprog import ArbProgram
    code: list = []
    seen: dict = {}

    def emit(ins):
        code.append(ins)
        if len(code) > MAX_SERIES_NODES:
            raise InputError(f"U has more than {MAX_SERIES_NODES} nodes: too large for the series evaluator")
        return len(code) - 1

    def const(e):
        if e.is_Integer:
            return emit(("const", int(e)))
        if e.is_Rational:
            return emit(("const", Fraction(int(e.p), int(e.q))))
        if not (e.is_real or e.is_real is None):
            raise _NotAnalytic("complex constant")
        return emit(("const", lambda prec, e=e: to_mpf(e, min(int(prec / 3.32) + 5, _MAX_WORK_DPS))))

    def comp(e):
        if e in seen:
            return seen[e]
        if e == var:
            r = emit(("var",))
        elif not e.has(var):
            r = const(e)
        elif e.is_Add or e.is_Mul:
            args = [comp(a) for a in e.args]
            r = emit(("add" if e.is_Add else "mul", *args))
        elif e.is_Pow:
            base, ex = e.args
            if ex.has(var):
                r = comp(sp.exp(ex * sp.log(base), evaluate=False))
            elif ex.is_Integer:
                r = emit(("powi", comp(base), int(ex)))
            elif ex == sp.Rational(1, 2):
                r = emit(("fn", "sqrt", comp(base)))
            else:
                r = emit(("pow", comp(base), const(ex)))
        elif isinstance(e, sp.Function) and len(e.args) == 1 and type(e).__name__ in _ARB_FUNCS:
            r = emit(("fn", type(e).__name__, comp(e.args[0])))
        else:
            raise _NotAnalytic(type(e).__name__)
        seen[e] = r
        return r

    try:
        outs = [comp(expr)]
        d = expr
        for k in range(derivatives):
            d = derivative_exprs[k] if derivative_exprs else sp.diff(d, var)
            outs.append(comp(d))
    except _NotAnalytic:
        return None
    return ArbProgram(code, outputs=outs)


def _arb_series_fn(prog):
    """``f(x0, n)`` of an Arb program with the interface of :func:`series_callable`."""
    from qsym.numeric.kernels.arbprog import NotAnalyticHere

    def series(x0, n: int):
        try:
            return prog.series(x0, max(int(n), 2))
        except NotAnalyticHere as exc:
            raise _NotAnalytic(str(exc)) from None
    return series


def _arb_value_fn(prog, k: int):
    """``f(x) = U^(k)(x)`` (mpf at the caller's precision) from an Arb program."""
    def value(x):
        return prog.value(x, k)
    return value

