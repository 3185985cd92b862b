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
import sympy as sp

from qsym.errors import InputError
from qsym.numeric.kernels.precision import MAX_DPS, MIN_DPS, check_dps  # one definition, re-exported
from qsym.bridge.numbers import evaluate, exact_rational, to_fraction, to_mpf
from qsym.bridge.arb import _arb_series_fn, _arb_value_fn, arb_program
from qsym.bridge.series import MAX_SERIES_NODES, series_callable

__all__ = ["evaluate", "to_mpf", "to_fraction", "mp_callable", "np_callable",
           "poly_coefficients", "Numeric1D", "NumericND", "numeric_1d", "numeric_1d_program", "numeric_nd",
           "OmegaFamily", "exact_rational", "check_dps", "series_callable", "arb_program", "MAX_SERIES_NODES",
           "MIN_DPS", "MAX_DPS"]

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


def numeric_1d_program(prog, var: sp.Symbol, origin: tuple) -> Numeric1D:
    r"""A one-field potential given by an Arb program of ``(U, U', U'')`` alone (no expression:
    ``expr`` is None), e.g. the rescaled member of a Q-ball family
    (:func:`qsym.numeric.kernels.rescale.rescaled_program`), with its exact ``origin``
    ``(U(0), U'(0), U''(0))``.  The mpmath callables, the Taylor coefficients and the float
    callables all run the program.

    .. math:: \text{program} \mapsto (U,\ U',\ U'')

    >>> from fractions import Fraction
    >>> from qsym.numeric.kernels.arbprog import ArbProgram
    >>> p = ArbProgram([("var",), ("powi", 0, 2), ("const", Fraction(1, 2)), ("mul", 1, 2),
    ...                 ("add", 0), ("const", 1)], outputs=[3, 4, 5])       # x^2/2, x, 1
    >>> num = numeric_1d_program(p, sp.Symbol("x"), (0, 0, 1))
    >>> float(num.dU(3)), num.dU_np(2.0), num.origin()[2]
    (3.0, 2.0, mpf('1.0'))
    """
    mps = [_arb_value_fn(prog, k) for k in range(3)]
    out = Numeric1D(None, var, None, *mps, *[_program_float(prog, k) for k in range(3)], program=prog)
    out._derivs["series"] = _arb_series_fn(prog)
    out._derivs["origin_exact"] = tuple(v if isinstance(v, sp.Basic) else sp.Integer(v) for v in origin)
    return out


def _program_float(prog, k: int):
    """``x -> float(U^(k)(x))`` from an Arb program (53 bits)."""
    def value(x):
        with mpmath.workprec(53):
            return float(prog.value(float(x), k))
    return value


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
