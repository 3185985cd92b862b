r"""Exact numbers to mpmath and Fraction (part of :mod:`qsym.bridge`): the one conversion of SymPy numbers.

.. math:: x \in \mathbb{Q} \mapsto \texttt{Fraction}, \qquad x \mapsto \texttt{mpf} \text{ at dps digits}
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import sympy as sp

from qsym.errors import InputError
from qsym.numeric.kernels.precision import MAX_DPS

__all__ = ["to_fraction", "to_mpf", "evaluate", "exact_rational"]

#: internal evaluations (guard digits included) may go this far beyond MAX_DPS
_MAX_WORK_DPS = 4 * MAX_DPS


def _as_sympy_number(x, what: str) -> sp.Expr:
    """A SymPy number from a SymPy number, a Python/numpy number or a Fraction.

    Text is refused (``sympify`` of text evaluates it as code; user text is
    parsed by :mod:`qsym.symbolic.potential` only).
    """
    if isinstance(x, (bool, np.bool_)):
        raise InputError(f"{what}: expected a number, got {x!r}")
    if isinstance(x, sp.Basic):
        val = x
    elif isinstance(x, (int, np.integer)):
        val = sp.Integer(int(x))
    elif isinstance(x, Fraction):
        val = sp.Rational(x.numerator, x.denominator)
    elif isinstance(x, (float, np.floating)):
        if not np.isfinite(x):
            raise InputError(f"{what}: {x!r} is not a finite number")
        val = sp.Float(float(x))
    elif isinstance(x, mpmath.mpf):
        if not mpmath.isfinite(x):
            raise InputError(f"{what}: {x!r} is not a finite number")
        val = exact_rational(x)
    else:
        raise InputError(f"{what}: expected a SymPy or Python number, got {type(x).__name__}")
    if not val.is_number:
        raise InputError(f"{what}: {val} is not a number")
    return val


def to_fraction(x) -> Fraction:
    """An exact rational number (SymPy, int, Fraction) as a :class:`fractions.Fraction`.

    A SymPy Float is read as the decimal it prints as (``0.1`` -> ``1/10``).
    Text is refused with InputError.
    """
    x = _as_sympy_number(x, "to_fraction")
    if isinstance(x, sp.Float):
        x = sp.nsimplify(x)
    if not x.is_Rational:
        raise InputError(f"{x} is not an exact rational number")
    return Fraction(int(x.p), int(x.q))


def to_mpf(x, dps: int):
    """Evaluate a number (SymPy or Python, no text) to an mpmath ``mpf`` with ``dps`` digits."""
    if isinstance(dps, (bool, np.bool_)) or not isinstance(dps, (int, np.integer)) \
            or not 1 <= dps <= _MAX_WORK_DPS:
        raise InputError(f"dps must be an integer in [1, {_MAX_WORK_DPS}], got {dps!r}")
    dps = int(dps)
    x = _as_sympy_number(x, "to_mpf")
    with mpmath.workdps(dps):
        if x.is_Rational:
            return mpmath.mpf(int(x.p)) / int(x.q)
        val = x.evalf(dps + 5)
        if not val.is_real or not val.is_Float:
            raise InputError(f"{x} is not a finite real number")
        return mpmath.mpf(val._mpf_) if hasattr(val, "_mpf_") else mpmath.mpf(str(val))


def evaluate(expr, dps: int):
    """``expr`` (a SymPy number) to ``dps`` significant digits, as an mpf."""
    with mpmath.workdps(dps):
        return +to_mpf(expr, dps)


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
