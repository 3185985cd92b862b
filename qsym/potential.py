"""Multi-field potentials with a global U(1): the symbolic entry point of qsym.

Conventions (paper eqs (1), (2), (6)): every field is a complex scalar written
``phi_k(x, t) = exp(i q_k omega t) phi_k(r)`` with a real radial amplitude
``phi_k(r) >= 0``; ``U`` is a function of those amplitudes with ``U(0) = 0``
at its global minimum.  Kinetic terms carry a factor 1/2 (eq (2)).

This module imports SymPy only.
"""

from __future__ import annotations

import math
from typing import Iterable, Mapping

import sympy as sp
from sympy.parsing.sympy_parser import (
    convert_xor,
    parse_expr,
    standard_transformations,
)

from .errors import InputError

__all__ = ["Potential", "OMEGA", "parse_value"]

#: the Lagrange multiplier / rotation frequency of eq (6)
OMEGA = sp.Symbol("omega", positive=True)

_TRANSFORMS = standard_transformations + (convert_xor,)
_FUNCS = {name: getattr(sp, name) for name in (
    "sqrt", "exp", "log", "sin", "cos", "tan", "sinh", "cosh", "tanh",
    "atan", "asin", "acos", "Abs", "pi", "E", "Rational", "cbrt")}


def parse_value(text) -> sp.Expr:
    """Turn a parameter value (number or text) into an exact SymPy number.

    Decimal text is converted exactly (``"0.6"`` -> ``3/5``), so that results
    do not depend on binary floating point.

    >>> parse_value("0.6"), parse_value("1/3"), parse_value(2)
    (3/5, 1/3, 2)
    """
    if isinstance(text, sp.Basic):
        val = text
    elif isinstance(text, (int,)):
        val = sp.Integer(text)
    elif isinstance(text, float):
        if not math.isfinite(text):
            raise InputError(f"parameter value {text!r} is not a finite number")
        val = sp.Rational(repr(text))
    else:
        s = str(text).strip()
        try:
            val = sp.Rational(s)
        except ZeroDivisionError:
            raise InputError(f"parameter value {s!r} divides by zero") from None
        except (TypeError, ValueError):
            try:
                val = parse_expr(s, local_dict=dict(_FUNCS), transformations=_TRANSFORMS)
            except Exception:  # noqa: BLE001 - any parse failure is bad input
                raise InputError(f"cannot parse parameter value {s!r}") from None
    if not val.is_number or val.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or val.is_real is False:
        raise InputError(f"parameter value {text!r} is not a finite real number")
    return val


def _symbols(names, kind) -> list[sp.Symbol]:
    out = []
    for n in names:
        if isinstance(n, sp.Symbol):
            n = n.name
        n = str(n).strip()
        if not n.isidentifier():
            raise InputError(f"{kind} name {n!r} is not a valid identifier")
        out.append(sp.Symbol(n, real=True))
    if len({s.name for s in out}) != len(out):
        raise InputError(f"duplicate {kind} names in {[s.name for s in out]}")
    return out


class Potential:
    r"""A scalar potential ``U(phi_1, ..., phi_n)`` with U(1) charges ``q_k``.

    Parameters
    ----------
    expr : str or sympy.Expr
        The potential, SymPy-parsable text or an expression.
    fields : sequence of str
        Names of the real radial amplitudes.
    charges : sequence of numbers, optional
        U(1) charge of each field (zero allowed; default all 1).
    params : mapping name -> value or None, optional
        Named parameters; a value of None keeps the parameter symbolic.

    Validation: the text must parse, use only declared names, the charges
    must match the fields with at least one nonzero, and, as far as it can be
    decided, ``U(0) = 0``, ``grad U(0) = 0`` and the origin is a
    non-degenerate local minimum.  Anything else raises
    :class:`~qsym.errors.InputError` with a one-line message.

    Examples
    --------
    >>> P = Potential("M**2*phi**2/2 - A*phi**3 + lam*phi**4", ["phi"],
    ...               params={"M": None, "A": None, "lam": None})
    >>> P.U_omega()
    -A*phi**3 + M**2*phi**2/2 + lam*phi**4 - omega**2*phi**2/2
    >>> P.mu2()
    -2*A*phi + M**2 + 2*lam*phi**2

    The existence function of eq (9) tends to ``M**2`` at the origin:

    >>> P.mu2_origin()
    M**2
    """

    def __init__(self, expr, fields: Iterable, charges: Iterable | None = None,
                 params: Mapping | None = None):
        self.fields = _symbols(list(fields), "field")
        if not self.fields:
            raise InputError("at least one field is required")
        params = dict(params or {})
        self.params = _symbols(list(params), "parameter")
        clash = {f.name for f in self.fields} & {p.name for p in self.params}
        if clash:
            raise InputError(f"names used both as field and parameter: {sorted(clash)}")
        self.values = {}
        for sym, val in zip(self.params, params.values()):
            if val is not None:
                self.values[sym] = parse_value(val)
        if charges is None:
            charges = [1] * len(self.fields)
        charges = list(charges)
        if len(charges) != len(self.fields):
            raise InputError(f"{len(charges)} charges given for {len(self.fields)} fields")
        self.charges = [parse_value(q) for q in charges]
        if all(q == 0 for q in self.charges):
            raise InputError("at least one field must carry a nonzero U(1) charge")
        self.expr = self._parse(expr)
        self._validate()

    # -- construction -------------------------------------------------------
    def _parse(self, expr) -> sp.Expr:
        names = {s.name: s for s in self.fields + self.params}
        if isinstance(expr, sp.Basic):
            e = expr.subs({sp.Symbol(n): s for n, s in names.items()})
        else:
            text = str(expr).strip()
            if not text:
                raise InputError("empty potential expression")
            local = dict(_FUNCS)
            local.update(names)
            try:
                e = parse_expr(text, local_dict=local, transformations=_TRANSFORMS)
            except Exception as exc:  # noqa: BLE001 - any parse failure is bad input
                raise InputError(f"cannot parse potential {text!r}: "
                                 f"{type(exc).__name__}") from None
        if not isinstance(e, sp.Expr):
            raise InputError(f"potential {expr!r} is not a scalar expression")
        unknown = sorted(s.name for s in e.free_symbols if s not in names.values())
        if unknown:
            raise InputError(f"undeclared symbol(s) {', '.join(unknown)} in the potential; "
                             "declare fields with --field/--fields and parameters with --param")
        if e.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            raise InputError("the potential contains an infinite or undefined constant")
        return e

    def _validate(self) -> None:
        at0 = {f: 0 for f in self.fields}
        U = self.U()
        try:
            u0 = sp.simplify(U.subs(at0))
        except Exception:  # noqa: BLE001
            u0 = None
        if u0 is None or u0.has(sp.nan, sp.zoo) or u0.is_finite is False:
            raise InputError("U is not defined at the origin")
        if u0.is_zero is False:
            raise InputError(f"U(0) = {u0} but U(0) = 0 is required (shift the potential)")
        for f, g in zip(self.fields, self.gradient()):
            g0 = sp.simplify(g.subs(at0))
            if g0.has(sp.nan, sp.zoo) or g0.is_finite is False:
                raise InputError(f"dU/d{f} is singular at the origin; U must be smooth there")
            if g0.is_zero is False:
                raise InputError(f"dU/d{f} = {g0} at the origin: the origin is not a minimum")
        H = self.hessian().subs(at0)
        if any(h.has(sp.nan, sp.zoo) or h.is_finite is False for h in H):
            raise InputError("the Hessian of U is singular at the origin; U must be smooth there")
        H = H.applyfunc(sp.simplify)
        if H.is_symbolic():
            return  # undecidable with symbolic parameters: pass through
        # numeric Hessian: decide definiteness exactly (leading minors)
        n = H.shape[0]
        for k in range(1, n + 1):
            minor = sp.simplify(H[:k, :k].det())
            if minor.is_positive is False:
                eig = min(sp.N(ev) for ev in H.eigenvals())
                raise InputError("the origin is not a non-degenerate local minimum of U "
                                 f"(lowest Hessian eigenvalue {sp.N(eig, 6)})")

    # -- derived objects ----------------------------------------------------
    def U(self, numeric: bool = True) -> sp.Expr:
        """The potential; with ``numeric`` the known parameter values are substituted."""
        return self.expr.subs(self.values) if numeric else self.expr

    def charge_norm(self) -> sp.Expr:
        r"""``sum_k q_k**2 phi_k**2``: the charge density over omega (derived eq (7))."""
        return sp.Add(*[q**2 * f**2 for q, f in zip(self.charges, self.fields)])

    def U_omega(self, omega: sp.Expr = OMEGA, numeric: bool = True) -> sp.Expr:
        r"""Effective potential of eq (5): ``U - omega**2/2 sum q_k**2 phi_k**2``."""
        return self.U(numeric) - omega**2 / 2 * self.charge_norm()

    def mu2(self, numeric: bool = True) -> sp.Expr:
        r"""Existence function of eq (9), derived: ``2 U / sum q_k**2 phi_k**2``."""
        return sp.cancel(2 * self.U(numeric) / self.charge_norm())

    def gradient(self, numeric: bool = True) -> list[sp.Expr]:
        """Exact gradient of U with respect to the fields."""
        U = self.U(numeric)
        return [sp.diff(U, f) for f in self.fields]

    def hessian(self, numeric: bool = True) -> sp.Matrix:
        """Exact Hessian matrix of U."""
        return sp.hessian(self.U(numeric), self.fields)

    def mass_matrix(self) -> sp.Matrix:
        """Hessian of U at the origin: the squared-mass matrix of the quanta."""
        return self.hessian().subs({f: 0 for f in self.fields}).applyfunc(sp.simplify)

    def mu2_origin(self) -> sp.Expr:
        r"""Infimum of ``mu^2`` as the fields go to zero along any charged direction.

        It is the lowest generalized eigenvalue of the mass matrix ``H`` with
        respect to ``diag(q_k**2)`` over charged directions; it equals
        ``(m/q)**2`` of the lightest quantum per unit charge.  Derived, not
        assumed: along ``phi = t n``, ``mu^2 -> n.H.n / n.diag(q^2).n``.
        """
        H = self.mass_matrix()
        charged = [i for i, q in enumerate(self.charges) if q != 0]
        neutral = [i for i, q in enumerate(self.charges) if q == 0]
        if neutral:
            # minimise over neutral components first (Schur complement)
            Hcc = H.extract(charged, charged)
            Hcn = H.extract(charged, neutral)
            Hnn = H.extract(neutral, neutral)
            Heff = Hcc - Hcn * Hnn.inv() * Hcn.T
        else:
            Heff = H
        Qi = sp.diag(*[1 / self.charges[i] for i in charged])
        red = (Qi * Heff * Qi).applyfunc(sp.simplify)
        evs = list(red.eigenvals())
        if len(evs) == 1:
            return sp.simplify(evs[0])
        return sp.Min(*[sp.simplify(e) for e in evs])

    def substitute(self, **values) -> "Potential":
        """A copy with some parameters given numeric values."""
        params = {p.name: self.values.get(p) for p in self.params}
        for k, v in values.items():
            if k not in params:
                raise InputError(f"unknown parameter {k!r}")
            params[k] = v
        return Potential(self.expr, [f.name for f in self.fields], self.charges, params)

    def single_field(self) -> tuple[sp.Symbol, sp.Expr]:
        """``(phi, U(phi))`` for a one-field potential with all values substituted."""
        if len(self.fields) != 1:
            raise InputError(f"a single-field potential is required, got {len(self.fields)} fields")
        return self.fields[0], self.U()

    def free_parameters(self) -> list[sp.Symbol]:
        """Parameters without a numeric value."""
        return [p for p in self.params if p not in self.values]

    def _repr_latex_(self) -> str:
        return "$U = " + sp.latex(self.U(numeric=False)) + "$"

    def __repr__(self) -> str:
        q = ", ".join(str(c) for c in self.charges)
        return f"Potential({self.U(numeric=False)}, fields={[f.name for f in self.fields]}, charges=[{q}])"
