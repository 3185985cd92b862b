"""The one bridge between the symbolic and the numeric layer.

Only this module turns SymPy expressions into mpmath / numpy callables and
exact SymPy numbers into ``mpf`` / ``fractions.Fraction``.  It owns precision:
callables made here evaluate at the mpmath precision in force at call time,
and :func:`evaluate` / :func:`to_mpf` take an explicit ``dps``.  Nothing sets
mpmath's global precision.

>>> import sympy as sp
>>> x = sp.Symbol("x")
>>> mpmath.nstr(evaluate(sp.sqrt(2), 30), 30)
'1.41421356237309504880168872421'
>>> poly_coefficients(x**2/2 - x**3, x)
(Fraction(0, 1), Fraction(0, 1), Fraction(1, 2), Fraction(-1, 1))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Sequence

import mpmath
import numpy as np
import sympy as sp

from .errors import InputError

__all__ = ["evaluate", "to_mpf", "to_fraction", "mp_callable", "np_callable",
           "poly_coefficients", "Numeric1D", "NumericND", "numeric_1d", "numeric_nd",
           "OmegaFamily", "exact_rational", "check_dps",
           "MIN_DPS", "MAX_DPS"]

#: precision limits accepted by the numeric layer
MIN_DPS = 15
MAX_DPS = 2000


def check_dps(dps) -> int:
    """Validate a requested number of decimal digits."""
    try:
        d = int(dps)
    except (TypeError, ValueError):
        raise InputError(f"dps must be an integer, got {dps!r}") from None
    if d != dps or not MIN_DPS <= d <= MAX_DPS:
        raise InputError(f"dps must be an integer in [{MIN_DPS}, {MAX_DPS}], got {dps!r}")
    return d


def to_fraction(x) -> Fraction:
    """An exact rational SymPy number as a :class:`fractions.Fraction`."""
    x = sp.nsimplify(x) if isinstance(x, sp.Float) else sp.sympify(x)
    if not x.is_Rational:
        raise InputError(f"{x} is not an exact rational number")
    return Fraction(int(x.p), int(x.q))


def to_mpf(x, dps: int):
    """Evaluate a SymPy number to an mpmath ``mpf`` with ``dps`` digits."""
    with mpmath.workdps(dps):
        val = sp.sympify(x).evalf(dps + 5)
        if not val.is_real:
            raise InputError(f"{x} is not real")
        return mpmath.mpf(str(val)) if not val.is_Integer else mpmath.mpf(int(val))


def evaluate(expr, dps: int):
    """``expr`` (a SymPy number) to ``dps`` significant digits, as an mpf."""
    with mpmath.workdps(dps):
        return +to_mpf(expr, dps)


def mp_callable(expr: sp.Expr, args: Sequence[sp.Symbol]) -> Callable:
    """An mpmath function of ``args``; it evaluates at the caller's precision.

    Rational constants are kept exact until call time.
    """
    return sp.lambdify(list(args), expr, modules="mpmath")


def np_callable(expr: sp.Expr, args: Sequence[sp.Symbol]) -> Callable:
    """A numpy (double precision, vectorised) function of ``args``."""
    return sp.lambdify(list(args), expr, modules="numpy")


def poly_coefficients(expr: sp.Expr, var: sp.Symbol):
    """Exact coefficients ``(c_0, c_1, ...)`` of ``expr`` in powers of ``var``.

    Returns None when ``expr`` is not a polynomial in ``var`` with rational
    coefficients (then the numeric layer uses the callables instead).
    """
    try:
        p = sp.Poly(sp.expand(expr), var)
    except sp.PolynomialError:
        return None
    if p.free_symbols - {var}:
        return None
    coeffs = p.all_coeffs()[::-1]
    if not all(c.is_Rational for c in coeffs):
        return None
    return tuple(Fraction(int(c.p), int(c.q)) for c in coeffs)


@dataclass(frozen=True)
class Numeric1D:
    """A one-field potential made numeric.

    ``coeffs`` holds the exact rational coefficients of U in powers of phi when
    U is such a polynomial (else None).  ``U, dU, d2U`` are mpmath callables
    (at the caller's precision), ``U_np, dU_np, d2U_np`` numpy ones.
    ``derivative(k)`` gives the mpmath callable of the k-th derivative, exact
    from SymPy (no finite differences).
    """

    expr: sp.Expr
    var: sp.Symbol
    coeffs: tuple | None
    U: Callable
    dU: Callable
    d2U: Callable
    U_np: Callable
    dU_np: Callable
    d2U_np: Callable
    _derivs: dict = field(default_factory=dict, repr=False, compare=False)

    def derivative(self, k: int) -> Callable:
        """mpmath callable of ``d^k U / dphi^k`` (cached)."""
        if k not in self._derivs:
            self._derivs[k] = mp_callable(sp.diff(self.expr, self.var, k), [self.var])
        return self._derivs[k]


def numeric_1d(expr: sp.Expr, var: sp.Symbol) -> Numeric1D:
    """Make a one-field potential ``expr(var)`` numeric (all parameters must be set)."""
    extra = expr.free_symbols - {var}
    if extra:
        raise InputError("parameters without values: " + ", ".join(sorted(s.name for s in extra)))
    d1, d2 = sp.diff(expr, var), sp.diff(expr, var, 2)
    return Numeric1D(expr, var, poly_coefficients(expr, var),
                     mp_callable(expr, [var]), mp_callable(d1, [var]), mp_callable(d2, [var]),
                     np_callable(expr, [var]), np_callable(d1, [var]), np_callable(d2, [var]))


@dataclass(frozen=True)
class NumericND:
    """A multi-field potential made numeric: U, gradient and Hessian callables.

    mpmath callables take the fields as positional arguments and return an
    mpf (U), a list (gradient) or a nested list (Hessian); the ``_np``
    versions do the same in double precision.
    """

    expr: sp.Expr
    vars: tuple
    U: Callable
    grad: Callable
    hess: Callable
    U_np: Callable
    grad_np: Callable
    hess_np: Callable


def numeric_nd(expr: sp.Expr, vars: Sequence[sp.Symbol]) -> NumericND:
    """Make a multi-field potential numeric (all parameters must be set)."""
    vars = tuple(vars)
    extra = expr.free_symbols - set(vars)
    if extra:
        raise InputError("parameters without values: " + ", ".join(sorted(s.name for s in extra)))
    g = [sp.diff(expr, v) for v in vars]
    h = [[sp.diff(gi, v) for v in vars] for gi in g]
    return NumericND(expr, vars,
                     mp_callable(expr, vars), mp_callable(g, vars), mp_callable(h, vars),
                     np_callable(expr, vars), np_callable(g, vars), np_callable(h, vars))


def as_numpy(x):
    """mpf / nested lists of mpf to a float numpy array."""
    return np.array(x, dtype=float)


def exact_rational(x) -> sp.Rational:
    """An mpf / float / int / Fraction as the exact SymPy Rational it represents."""
    if isinstance(x, mpmath.mpf):
        man, exp = x.man_exp
        return sp.Rational(int(man) * 2**exp) if exp >= 0 else sp.Rational(int(man), 2**(-exp))
    if isinstance(x, float):
        f = Fraction(x)
        return sp.Rational(f.numerator, f.denominator)
    if isinstance(x, Fraction):
        return sp.Rational(x.numerator, x.denominator)
    return sp.Rational(x)


class OmegaFamily:
    """``U_omega`` of a one-field Potential as a function of omega, made numeric on demand.

    ``at(omega)`` returns the :class:`Numeric1D` of ``U - omega^2 q^2 phi^2/2``
    for the exact rational value of ``omega`` (an mpf is taken at face value,
    so no precision is lost in the conversion).  ``mass2`` is ``U''(0)``,
    ``charge2`` is ``q^2``.
    """

    def __init__(self, potential):
        var, U = potential.single_field()
        extra = U.free_symbols - {var}
        if extra:
            raise InputError("parameters without values: " + ", ".join(sorted(s.name for s in extra)))
        self.var, self.U = var, U
        q = potential.charges[0]
        self.charge2 = to_fraction(q**2)
        self.mass2 = sp.diff(U, var, 2).subs(var, 0)
        self._cache: dict = {}

    def at(self, omega) -> Numeric1D:
        w = exact_rational(omega)
        if w not in self._cache:
            if len(self._cache) > 256:
                self._cache.clear()
            q2 = sp.Rational(self.charge2.numerator, self.charge2.denominator)
            self._cache[w] = numeric_1d(sp.expand(self.U - w**2 * q2 * self.var**2 / 2), self.var)
        return self._cache[w]
