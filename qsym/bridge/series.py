r"""Taylor-mode automatic differentiation of a SymPy expression (part of :mod:`qsym.bridge`).

``series_callable(expr, var)`` compiles ``expr(var)`` once into an evaluator of the Taylor coefficients
``U^(j)(x0)/j!`` at any point by the recurrences of exp, log, powers, sin/cos, ... on mpmath series,
instead of repeated symbolic derivatives.

.. math:: (e^{a})' = a' e^{a}, \qquad (\log a)' = a'/a
"""

from __future__ import annotations

from typing import Callable

import mpmath
import sympy as sp

from qsym.bridge.numbers import _MAX_WORK_DPS, to_mpf
from qsym.errors import InputError

__all__ = ["series_callable", "MAX_SERIES_NODES"]

# --------------------------------------------------------------------------
# Taylor-mode automatic differentiation: U^(j)(x0)/j! without symbolic diff
# --------------------------------------------------------------------------
#: largest expression (number of nodes) compiled into a series evaluator; a
#: potential beyond it is refused (its series would be too costly per step)
MAX_SERIES_NODES = 5000


def _s_mul(a, b, n):
    return [mpmath.fsum(a[i] * b[k - i] for i in range(k + 1)) for k in range(n)]


def _s_div(a, b, n):
    """a / b (b[0] != 0)."""
    out = []
    b0 = b[0]
    for k in range(n):
        out.append((a[k] - mpmath.fsum(out[i] * b[k - i] for i in range(k))) / b0)
    return out


def _s_deriv(a, n):
    """coefficients of a' (n of them, zero-padded)."""
    return [(k + 1) * a[k + 1] if k + 1 < len(a) else mpmath.mpf(0) for k in range(n)]


def _s_integ(d, c0, n):
    """the series with derivative d and constant term c0."""
    return [c0] + [d[k - 1] / k for k in range(1, n)]


def _s_exp(a, n):
    out = [mpmath.exp(a[0])]
    for k in range(1, n):
        out.append(mpmath.fsum(j * a[j] * out[k - j] for j in range(1, k + 1)) / k)
    return out


def _s_log(a, n):
    a0 = a[0]
    if not a0 > 0:
        raise _NotAnalytic("log of a non-positive argument")
    out = [mpmath.log(a0)]
    for k in range(1, n):
        s = mpmath.fsum(j * out[j] * a[k - j] for j in range(1, k))
        out.append((a[k] - s / k) / a0)
    return out


def _s_pow(a, r, n):
    """a**r for a real exponent r (a[0] > 0, or r a non-negative integer)."""
    a0 = a[0]
    if r == int(r) and r >= 0:
        r = int(r)
        out = [mpmath.mpf(1)] + [mpmath.mpf(0)] * (n - 1)
        base = a
        while r:
            if r & 1:
                out = _s_mul(out, base, n)
            r >>= 1
            if r:
                base = _s_mul(base, base, n)
        return out
    if a0 == 0:
        raise _NotAnalytic("non-integer or negative power of a vanishing argument")
    if a0 < 0:
        if r != int(r):
            raise _NotAnalytic("non-integer power of a negative argument")
        return _s_div([mpmath.mpf(1)] + [mpmath.mpf(0)] * (n - 1), _s_pow(a, -r, n), n)
    out = [a0 ** r]
    for k in range(1, n):
        s = mpmath.fsum(((r + 1) * j - k) * a[j] * out[k - j] for j in range(1, k + 1))
        out.append(s / (k * a0))
    return out


def _s_sincos(a, n, hyperbolic):
    if hyperbolic:
        s, c = [mpmath.sinh(a[0])], [mpmath.cosh(a[0])]
    else:
        s, c = [mpmath.sin(a[0])], [mpmath.cos(a[0])]
    sg = 1 if hyperbolic else -1
    for k in range(1, n):
        s.append(mpmath.fsum(j * a[j] * c[k - j] for j in range(1, k + 1)) / k)
        c.append(sg * mpmath.fsum(j * a[j] * s[k - j] for j in range(1, k + 1)) / k)
    return s, c


def _s_from_derivative(a, n, f0, dfactor):
    """b with b(a0) = f0 and b' = a' * dfactor(a) (dfactor a series function)."""
    da = _s_deriv(a, n)
    return _s_integ(_s_mul(da, dfactor(a), n), f0, n)


def _one_minus_sq(a, n, sign):
    """sign*1 - a**2 (sign=+1) or 1 + a**2 (sign=None) or a**2 - 1 (sign=-1) as a series."""
    sq = _s_mul(a, a, n)
    if sign is None:
        return [1 + sq[0]] + sq[1:]
    if sign > 0:
        return [1 - sq[0]] + [-v for v in sq[1:]]
    return [sq[0] - 1] + sq[1:]


class _NotAnalytic(ArithmeticError):
    """The expression is not real-analytic at the expansion point."""


def _unit(n):
    return [mpmath.mpf(1)] + [mpmath.mpf(0)] * (n - 1)


def _series_fn(name):
    """The series function of a SymPy function class name, or None."""
    def inv(b, n):
        return _s_div(_unit(n), b, n)
    table = {
        "exp": lambda a, n: _s_exp(a, n),
        "log": lambda a, n: _s_log(a, n),
        "sin": lambda a, n: _s_sincos(a, n, False)[0],
        "cos": lambda a, n: _s_sincos(a, n, False)[1],
        "tan": lambda a, n: _s_div(*_s_sincos(a, n, False), n),
        "sinh": lambda a, n: _s_sincos(a, n, True)[0],
        "cosh": lambda a, n: _s_sincos(a, n, True)[1],
        "tanh": lambda a, n: _s_div(*_s_sincos(a, n, True), n),
        "atan": lambda a, n: _s_from_derivative(a, n, mpmath.atan(a[0]),
                                                lambda a: inv(_one_minus_sq(a, n, None), n)),
        "asinh": lambda a, n: _s_from_derivative(a, n, mpmath.asinh(a[0]),
                                                 lambda a: _s_pow(_one_minus_sq(a, n, None), -0.5, n)),
        "atanh": lambda a, n: _atanh(a, n),
        "asin": lambda a, n: _asin(a, n, False),
        "acos": lambda a, n: _asin(a, n, True),
    }
    return table.get(name)


def _atanh(a, n):
    if not abs(a[0]) < 1:
        raise _NotAnalytic("atanh outside (-1, 1)")
    return _s_from_derivative(a, n, mpmath.atanh(a[0]),
                              lambda a: _s_div(_unit(n), _one_minus_sq(a, n, 1), n))


def _asin(a, n, acos):
    if not abs(a[0]) < 1:
        raise _NotAnalytic("asin/acos outside (-1, 1)")
    f0 = mpmath.acos(a[0]) if acos else mpmath.asin(a[0])
    d = _s_pow(_one_minus_sq(a, n, 1), mpmath.mpf(-1) / 2, n)
    if acos:
        d = [-v for v in d]
    return _s_integ(_s_mul(_s_deriv(a, n), d, n), f0, n)


def series_callable(expr: sp.Expr, var: sp.Symbol) -> Callable:
    """``f(x0, n)``: the Taylor coefficients ``[U^(j)(x0)/j!]_{j<n}`` of ``expr(var)``.

    Taylor-mode automatic differentiation: the expression tree is evaluated on
    truncated power series with the classical recurrences (products, powers,
    exp/log, trigonometric, hyperbolic and inverse functions), at the mpmath
    precision in force at call time.  Cost ``O(nodes * n**2)``, no symbolic
    differentiation (whose expressions grow without bound for nested
    functions).  Raises InputError for an expression it cannot expand
    (unsupported function, too large); ``ArithmeticError`` at a point where it
    is not real-analytic.
    """
    cache: dict = {}
    count = [0]

    def compile_(e):
        count[0] += 1
        if count[0] > MAX_SERIES_NODES:
            raise InputError(f"U has more than {MAX_SERIES_NODES} nodes: too large for the "
                             "series evaluator of the bounce solver")
        if e == var:
            return lambda x0, n: [x0, mpmath.mpf(1)] + [mpmath.mpf(0)] * (n - 2)
        if not e.has(var):
            if e.is_Rational:
                p, q = int(e.p), int(e.q)
                return lambda x0, n: [mpmath.mpf(p) / q] + [mpmath.mpf(0)] * (n - 1)

            def const(x0, n, e=e):
                prec = mpmath.mp.prec
                if prec not in cache.setdefault(e, {}):
                    dps = mpmath.libmp.prec_to_dps(prec) + 5
                    cache[e][prec] = to_mpf(e, min(dps, _MAX_WORK_DPS))
                return [cache[e][prec]] + [mpmath.mpf(0)] * (n - 1)
            return const
        if e.is_Add:
            parts = [compile_(a) for a in e.args]
            return lambda x0, n: [mpmath.fsum(col) for col in zip(*(f(x0, n) for f in parts))]
        if e.is_Mul:
            parts = [compile_(a) for a in e.args]

            def mul(x0, n):
                out = parts[0](x0, n)
                for f in parts[1:]:
                    b = f(x0, n)
                    if not b[1:] or not any(b[1:]):
                        out = [v * b[0] for v in out]
                    else:
                        out = _s_mul(out, b, n)
                return out
            return mul
        if e.is_Pow:
            base, ex = e.args
            if ex.has(var):
                # a**b = exp(b log a)
                return compile_(sp.exp(ex * sp.log(base), evaluate=False))
            fb = compile_(base)
            if ex.is_Integer:
                k = int(ex)
                if k >= 0:
                    return lambda x0, n: _s_pow(fb(x0, n), k, n)
                return lambda x0, n: _s_div(_unit(n), _s_pow(fb(x0, n), -k, n), n)
            fe = compile_(ex)
            return lambda x0, n: _s_pow(fb(x0, n), fe(x0, 1)[0], n)
        if isinstance(e, sp.Function) and len(e.args) == 1:
            fn = _series_fn(type(e).__name__)
            if fn is not None:
                fa = compile_(e.args[0])
                return lambda x0, n: fn(fa(x0, n), n)
        raise InputError(f"U contains {type(e).__name__}(...), which the bounce solver cannot "
                         "expand in a Taylor series")

    root = compile_(expr)

    def series(x0, n: int):
        n = max(int(n), 2)
        x0 = mpmath.mpf(x0)
        out = root(x0, n)
        return out[:n]
    return series


