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

from qsym.errors import InputError
from qsym.numeric.kernels.precision import MAX_DPS, MIN_DPS, check_dps  # one definition, re-exported

__all__ = ["evaluate", "to_mpf", "to_fraction", "mp_callable", "np_callable",
           "poly_coefficients", "Numeric1D", "NumericND", "numeric_1d", "numeric_nd",
           "OmegaFamily", "exact_rational", "check_dps",
           "MIN_DPS", "MAX_DPS"]

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
    #: the Arb program of U (non-polynomial U that Arb can expand), or None
    program: object = field(default=None, repr=False, compare=False)

    def derivative(self, k: int) -> Callable:
        """mpmath callable of ``d^k U / dphi^k`` (cached).

        Symbolic: for nested non-polynomial U the expressions grow quickly with
        k; the numeric layer uses :meth:`taylor` instead.
        """
        if k not in self._derivs:
            self._derivs[k] = mp_callable(sp.diff(self.expr, self.var, k), [self.var])
        return self._derivs[k]

    def taylor(self, x0, n: int) -> list:
        """``[U^(j)(x0)/j!]_{j<n}`` as mpf at the caller's precision.

        Exact rational coefficients (polynomial U) are shifted exactly; any
        other U goes through Taylor-mode automatic differentiation: Arb's power-series
        recurrences on the program of :func:`arb_program` (C speed), else the mpmath
        recurrences of :func:`series_callable`; cost ``O(size(U) n^2)``.
        """
        if "series" not in self._derivs:
            prog = arb_program(self.expr, self.var)
            self._derivs["series"] = _arb_series_fn(prog) if prog is not None else \
                series_callable(self.expr, self.var)
        return self._derivs["series"](x0, n)

    def origin(self, dps: int = 50):
        """``(U(0), U'(0), U''(0))`` decided exactly where SymPy can.

        Each entry is an exact zero ``0`` (an int) when SymPy proves the value
        vanishes, else an mpf with ``dps`` digits; an mpf is nonzero unless
        SymPy could not decide and it evaluates to zero at ``dps`` digits.
        """
        key = ("origin", dps)
        known = self._derivs.get("origin_exact")
        if known is not None and key not in self._derivs:
            with mpmath.workdps(dps):
                self._derivs[key] = tuple(0 if v == 0 else to_mpf(v, dps) for v in known)
        if key not in self._derivs:
            out = []
            for k in range(3):
                v = sp.diff(self.expr, self.var, k).subs(self.var, 0) if k else self.expr.subs(self.var, 0)
                try:
                    z = v.is_zero
                    if z is None:
                        z = bool(sp.simplify(v) == 0)
                except Exception:  # noqa: BLE001 - undecidable: evaluate below
                    z = None
                if z:
                    out.append(0)
                    continue
                try:
                    val = to_mpf(v, dps)
                except InputError:
                    raise InputError(f"the {k}-th derivative of U at the origin is not a finite "
                                     "real number") from None
                out.append(val)
            self._derivs[key] = tuple(out)
        return self._derivs[key]


class _LazyCallable:
    """``make(d^k expr/dvar^k, [var])`` built on the first call (lambdify costs ~5 ms; the bounce
    engine evaluates a polynomial U through its coefficients and rarely calls these).

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> float(_LazyCallable(mp_callable, x**3, x, 1)(2))
    12.0
    """

    __slots__ = ("_make", "_expr", "_var", "_k", "_fn")

    def __init__(self, make, expr, var, k):
        self._make, self._expr, self._var, self._k, self._fn = make, expr, var, k, None

    def __call__(self, *args):
        if self._fn is None:
            e = sp.diff(self._expr, self._var, self._k) if self._k else self._expr
            self._fn = self._make(e, [self._var])
        return self._fn(*args)


def numeric_1d(expr: sp.Expr, var: sp.Symbol, origin: tuple | None = None,
               derivatives: tuple | None = None) -> Numeric1D:
    r"""Make a one-field potential ``expr(var)`` numeric (all parameters must be set).

    The mpmath and numpy callables of ``U, U', U''`` are built lazily, on their first call.
    ``origin``: the exact ``(U(0), U'(0), U''(0))`` when the caller knows them by construction
    (SymPy then need not decide them again for every member of a family); ``derivatives``:
    ``(U', U'')`` as expressions when the caller has them without differentiating.

    .. math:: U(\varphi) \mapsto (c_k,\ U,\ U',\ U'')

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> float(numeric_1d(x**2 / 2 - x**3, x).dU(1))
    -2.0
    """
    extra = expr.free_symbols - {var}
    if extra:
        raise InputError("parameters without values: " + ", ".join(sorted(s.name for s in extra)))
    coeffs = poly_coefficients(expr, var)
    prog = arb_program(expr, var, derivatives=2, derivative_exprs=derivatives) if coeffs is None else None
    if prog is not None:
        # U, U', U'' from the Arb program (C speed: the landscape scans call them thousands of times)
        mps = [_arb_value_fn(prog, k) for k in range(3)]
    else:
        mps = [_LazyCallable(mp_callable, expr, var, k) for k in range(3)]
    out = Numeric1D(expr, var, coeffs, *mps, *[_LazyCallable(np_callable, expr, var, k) for k in range(3)],
                    program=prog)
    if prog is not None:
        out._derivs["series"] = _arb_series_fn(prog)
    if origin is not None:
        out._derivs["origin_exact"] = tuple(v if isinstance(v, sp.Basic) else sp.Integer(v) for v in origin)
    return out


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


class _NDDerivatives:
    """The expression of :func:`numeric_nd` and its gradient / Hessian, differentiated on first use."""

    __slots__ = ("expr", "vars", "_g", "_h")

    def __init__(self, expr, vars):
        self.expr, self.vars, self._g, self._h = expr, vars, None, None

    def get(self, order: int):
        """``expr`` (order 0), its gradient list (1) or its Hessian nested list (2)."""
        if order == 0:
            return self.expr
        if self._g is None:
            self._g = [sp.diff(self.expr, v) for v in self.vars]
        if order == 1:
            return self._g
        if self._h is None:
            self._h = [[sp.diff(gi, v) for v in self.vars] for gi in self._g]
        return self._h


class _LazyND:
    """One callable of :class:`NumericND` (``make`` = mp_callable / np_callable of a derivative
    order), lambdified on its first call: most users need one or two of the six.

    >>> a, b = sp.symbols("a b")
    >>> f = _LazyND(mp_callable, _NDDerivatives(a**2 * b, (a, b)), 1)
    >>> [int(v) for v in f(2, 3)]
    [12, 4]
    """

    __slots__ = ("_make", "_src", "_order", "_fn")

    def __init__(self, make, src: _NDDerivatives, order: int):
        self._make, self._src, self._order, self._fn = make, src, order, None

    def __call__(self, *args):
        if self._fn is None:
            self._fn = self._make(self._src.get(self._order), self._src.vars)
        return self._fn(*args)


class _LazyQuotient:
    r"""A derivative of order 0, 1 or 2 of ``N/D`` (polynomials) by the quotient rule from the lazy
    callables of N and D: differentiating a rational function symbolically (the mu^2 of
    :mod:`qsym.api.mu2`) costs far more than differentiating its numerator and denominator.

    .. math:: \nabla f = \frac{\nabla N - f\nabla D}{D},\quad
              \nabla\nabla f = \frac{\nabla\nabla N - f\nabla\nabla D - \nabla D\otimes\nabla f
              - \nabla f\otimes\nabla D}{D}

    >>> a, b = sp.symbols("a b")
    >>> f = (a**2 + b) / (1 + a**2 + b**2)
    >>> H = numeric_nd(f, [a, b]).hess(1, 0)
    >>> exact = sp.hessian(f, (a, b)).subs({a: 1, b: 0})
    >>> all(abs(float(H[i][j]) - float(exact[i, j])) < 1e-14 for i in range(2) for j in range(2))
    True
    """

    __slots__ = ("_parts", "_order")

    def __init__(self, parts, order: int):
        self._parts, self._order = parts, order

    def __call__(self, *x):
        (n0, d0), k = self._parts[0], self._order
        d = d0(*x)
        f = n0(*x) / d
        if k == 0:
            return f
        gn, gd = (c(*x) for c in self._parts[1])
        g = [(a - f * b) / d for a, b in zip(gn, gd)]
        if k == 1:
            return g
        hn, hd = (c(*x) for c in self._parts[2])
        m = len(g)
        return [[(hn[i][j] - f * hd[i][j] - gd[i] * g[j] - g[i] * gd[j]) / d for j in range(m)]
                for i in range(m)]


def _quotient_parts(expr, vars):
    """``(N, D)`` when ``expr`` is a ratio of polynomials in ``vars`` with D not constant, else None."""
    num, den = sp.fraction(expr)
    if not (den.free_symbols & set(vars)) or not (num.is_polynomial(*vars) and den.is_polynomial(*vars)):
        return None
    return num, den


def numeric_nd(expr: sp.Expr, vars: Sequence[sp.Symbol]) -> NumericND:
    r"""Make a multi-field potential numeric (all parameters must be set).

    The gradient and Hessian are differentiated, and each of the six mpmath /
    numpy callables lambdified, on its first call.  A ratio of polynomials
    ``N/D`` is evaluated through N, D and their derivatives (quotient rule).

    .. math:: U(\varphi) \mapsto (U,\ \nabla U,\ \nabla\nabla U)

    >>> a, b = sp.symbols("a b")
    >>> num = numeric_nd(a**2 / 2 + a * b**2, [a, b])
    >>> float(num.U(1, 2)), [float(g) for g in num.grad_np(1.0, 2.0)]
    (4.5, [5.0, 4.0])
    """
    vars = tuple(vars)
    extra = expr.free_symbols - set(vars)
    if extra:
        raise InputError("parameters without values: " + ", ".join(sorted(s.name for s in extra)))
    nd = _quotient_parts(expr, vars)
    if nd is None:
        src = _NDDerivatives(expr, vars)
        return NumericND(expr, vars, *[_LazyND(mk, src, k) for mk in (mp_callable, np_callable) for k in range(3)])
    srcs = [_NDDerivatives(e, vars) for e in nd]
    out = []
    for mk in (mp_callable, np_callable):
        parts = [tuple(_LazyND(mk, src, k) for src in srcs) for k in range(3)]
        out += [_LazyQuotient(parts, k) for k in range(3)]
    return NumericND(expr, vars, *out)


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
