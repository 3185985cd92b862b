"""Multi-field potentials with a global U(1): the symbolic entry point of qsym.

Conventions (paper eqs (1), (2), (6)): every field is a complex scalar written
``phi_k(x, t) = exp(i q_k omega t) phi_k(r)`` with a real radial amplitude
``phi_k(r) >= 0``; ``U`` is a function of those amplitudes with ``U(0) = 0``
at its global minimum.  Kinetic terms carry a factor 1/2 (eq (2)).

This module imports SymPy only.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Iterable, Mapping

import sympy as sp

from qsym.errors import InputError
from qsym.symbolic.parse import bounded_subs, check_size, number_from, parse_expression, valid_name

__all__ = ["Potential", "OMEGA", "parse_value", "require_potential"]

#: the Lagrange multiplier / rotation frequency of eq (6)
OMEGA = sp.Symbol("omega", positive=True)


def parse_value(text, what: str = "parameter value") -> sp.Expr:
    """Turn a parameter value (number or text) into an exact SymPy number.

    Text is read by the whitelist parser of :mod:`qsym.symbolic.parse` (never
    evaluated as code); decimal text is converted exactly (``"0.6"`` ->
    ``3/5``), so that results do not depend on binary floating point.

    >>> parse_value("0.6"), parse_value("1/3"), parse_value(2), parse_value("pi/3")
    (3/5, 1/3, 2, pi/3)
    """
    return number_from(text, what)


def _symbols(names, kind) -> list[sp.Symbol]:
    out = []
    for n in names:
        if isinstance(n, sp.Symbol):
            n = n.name
        if not isinstance(n, str):
            raise InputError(f"{kind} names must be text, got {type(n).__name__}")
        n = n.strip()
        if not valid_name(n):
            raise InputError(f"{kind} name {n!r} is not a valid identifier (a letter, then letters, digits or '_'; "
                             "not a Python keyword or a function name such as exp)")
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
        if isinstance(fields, (str, sp.Symbol)):
            fields = str(fields).split(",")   # "phi" or "x, y": a careless but clear call
        try:
            fields = list(fields)
        except TypeError:
            raise InputError(f"fields must be a list of names, got {type(fields).__name__}") from None
        self.fields = _symbols(fields, "field")
        if not self.fields:
            raise InputError("at least one field is required")
        if params is not None and not isinstance(params, Mapping):
            raise InputError(f"params must be a mapping name -> value, got {type(params).__name__}")
        params = dict(params or {})
        self.params = _symbols(list(params), "parameter")
        clash = {f.name for f in self.fields} & {p.name for p in self.params}
        if clash:
            raise InputError(f"names used both as field and parameter: {sorted(clash)}")
        self.values = {}
        for sym, val in zip(self.params, params.values()):
            if val is not None:
                self.values[sym] = parse_value(val, f"value of {sym.name}")
        if charges is None:
            charges = [1] * len(self.fields)
        if isinstance(charges, str):
            charges = charges.split(",")
        try:
            charges = list(charges)
        except TypeError:
            raise InputError(f"charges must be a list of numbers, got {type(charges).__name__}") from None
        if len(charges) != len(self.fields):
            raise InputError(f"{len(charges)} charges given for {len(self.fields)} fields")
        self.charges = [parse_value(q, "charge") for q in charges]
        if all(q == 0 for q in self.charges):
            raise InputError("at least one field must carry a nonzero U(1) charge")
        self.expr = self._parse(expr)
        self._cache: dict = {}      # from the origin data only: mass matrix, mu^2 at the origin
        self._validate()

    # -- construction -------------------------------------------------------
    def _parse(self, expr) -> sp.Expr:
        names = {s.name: s for s in self.fields + self.params}
        if isinstance(expr, sp.Basic):
            check_size(expr, "potential")
            e = expr.xreplace({s: names[s.name] for s in expr.free_symbols
                               if isinstance(s, sp.Symbol) and s.name in names})
        elif isinstance(expr, str):
            e = parse_expression(expr, names, "potential")
        else:
            raise InputError(f"the potential must be text or a SymPy expression, got {type(expr).__name__}")
        if not isinstance(e, sp.Expr):
            raise InputError(f"potential {expr!r} is not a scalar expression")
        unknown = sorted(s.name for s in e.free_symbols if s not in names.values())
        if unknown:
            raise InputError(f"undeclared symbol(s) {', '.join(unknown)} in the potential; "
                             "declare fields with --field/--fields and parameters with --param")
        if e.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            raise InputError("the potential contains an infinite or undefined constant")
        return e

    def _origin_data(self):
        """``(U(0), grad U(0), Hessian(0))`` with the values substituted, unsimplified.

        For U polynomial in the fields they come from :func:`_origin_symbolic` (derived once per
        expression, parameters symbolic) by substituting the values; otherwise from U directly.
        """
        sym = _origin_symbolic(self.expr, tuple(self.fields))
        if sym is None:
            at0 = {f: 0 for f in self.fields}
            U = self.U()
            return ((lambda: U.subs(at0)), [g.subs(at0) for g in self.gradient()],
                    self.hessian().subs(at0))
        u0, g0, H0 = sym
        vals = self.values
        return ((lambda: bounded_subs(u0, vals)), [bounded_subs(g, vals) for g in g0],
                H0.applyfunc(lambda e: bounded_subs(e, vals)))

    def _validate(self) -> None:
        self.U()   # substitutes the values under the size bounds: a huge power is refused here
        u0_at, grad0, H = self._origin_data()
        try:
            u0 = sp.simplify(u0_at())
        except Exception:  # noqa: BLE001
            u0 = None
        if u0 is None or u0.has(sp.nan, sp.zoo) or u0.is_finite is False:
            if self._log_origin():
                return
            raise InputError("U is not defined at the origin (the non-analytic form qsym accepts there: "
                             "polynomial + kappa*phi**2*log(phi**2) with kappa < 0, one field)")
        if u0.is_zero is False:
            raise InputError(f"U(0) = {u0} but U(0) = 0 is required (shift the potential)")
        for f, g in zip(self.fields, grad0):
            g0 = sp.simplify(g)
            if g0.has(sp.nan, sp.zoo) or g0.is_finite is False:
                raise InputError(f"dU/d{f} is singular at the origin; U must be smooth there")
            if g0.is_zero is False:
                raise InputError(f"dU/d{f} = {g0} at the origin: the origin is not a minimum")
        if any(h.has(sp.nan, sp.zoo) or h.is_finite is False for h in H):
            raise InputError("the Hessian of U is singular at the origin; U must be smooth there")
        H = sp.Matrix(H.applyfunc(sp.simplify))
        if H.is_symbolic():
            return  # undecidable with symbolic parameters: pass through
        self._cache["mass_matrix"] = H
        # numeric Hessian: decide definiteness exactly (leading minors)
        n = H.shape[0]
        for k in range(1, n + 1):
            minor = sp.simplify(H[:k, :k].det())
            if minor.is_positive is False:
                eig = min(sp.N(ev) for ev in H.eigenvals())
                raise InputError("the origin is not a non-degenerate local minimum of U "
                                 f"(lowest Hessian eigenvalue {sp.N(eig, 6)})")

    def _log_origin(self) -> bool:
        """True when U (one field) is ``P(phi) + kappa phi^2 log phi^2`` with ``kappa < 0`` and
        ``P(0) = P'(0) = 0``: a minimum of infinite curvature at the origin (stored as
        ``log_origin``); InputError when the form holds with ``kappa > 0`` or ``P`` lacks it."""
        from qsym.symbolic.logorigin import split_log_origin
        if len(self.fields) != 1:
            return False
        split = split_log_origin(self.U(), self.fields[0])
        if split is None:
            return False
        kappa, p = split["kappa"], split["poly"]
        if any(c != 0 for c in p[:2]):
            raise InputError("U = P(phi) + kappa phi^2 log phi^2 needs P(0) = P'(0) = 0 (the origin must be "
                             "the false vacuum)")
        if kappa.is_negative is not True:
            raise InputError(f"U ~ kappa phi^2 log phi^2 with kappa = {kappa} >= 0 near the origin: U < 0 "
                             "arbitrarily close to phi = 0, the origin is not a minimum")
        self._cache["log_origin"] = split
        return True

    @property
    def log_origin(self) -> dict | None:
        """``{"poly": [p_j], "kappa": kappa}`` when U has the non-analytic form
        ``P(phi) + kappa phi^2 log phi^2`` (kappa < 0) at the origin, else None.

        .. math:: U = \\sum_j p_j\\phi^j + \\kappa\\phi^2\\log\\phi^2

        >>> Potential("phi**2/2*(1 - log(phi**2)/10)", ["phi"]).log_origin["kappa"]
        -1/20
        """
        return self._cache.get("log_origin")

    # -- derived objects ----------------------------------------------------
    def U(self, numeric: bool = True) -> sp.Expr:
        """The potential; with ``numeric`` the known parameter values are substituted."""
        if not numeric:
            return self.expr
        if getattr(self, "_U_numeric", None) is None:
            self._U_numeric = bounded_subs(self.expr, self.values)
        return self._U_numeric

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
        r"""Hessian of U at the origin: the squared-mass matrix of the quanta (cached; a copy).

        .. math:: M^2_{jk} = \partial_j \partial_k U(0)

        >>> Potential("a**2 + a*b + 2*b**2 + a**4", ["a", "b"]).mass_matrix()
        Matrix([
        [2, 1],
        [1, 4]])
        """
        if "mass_matrix" not in self._cache:
            self._cache["mass_matrix"] = sp.Matrix(self._origin_data()[2].applyfunc(sp.simplify))
        return self._cache["mass_matrix"].copy()

    def mu2_origin(self) -> sp.Expr:
        r"""Infimum of ``mu^2`` as the fields go to zero along any charged direction.

        It is the lowest generalized eigenvalue of the mass matrix ``H`` with
        respect to ``diag(q_k**2)`` over charged directions; it equals
        ``(m/q)**2`` of the lightest quantum per unit charge.  Derived, not
        assumed: along ``phi = t n``, ``mu^2 -> n.H.n / n.diag(q^2).n``.
        Cached per parameter values.
        """
        if "mu2_origin" not in self._cache:
            self._cache["mu2_origin"] = self._mu2_origin()
        return self._cache["mu2_origin"]

    def _mu2_origin(self) -> sp.Expr:
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
        """A copy with some parameters given numeric values (see :meth:`with_values`)."""
        return self.with_values(**values)

    def with_values(self, **values) -> "Potential":
        r"""A copy with some parameter values set (None makes a parameter symbolic again).

        The copy shares the parsed expression.  It is validated again only when
        a changed parameter enters U, its gradient or its Hessian at the origin
        (all that validation looks at); otherwise it keeps this potential's
        validation and its cached mass matrix and ``mu2_origin``.

        .. math:: U(\phi; p) \to U(\phi; p'), \qquad \partial^{\le 2} U(0; p') = \partial^{\le 2} U(0; p)
                  \Rightarrow \text{same verdict}

        >>> P = Potential("m**2*p**2/2 - A*p**3 + p**4", ["p"], params={"m": 1, "A": 1})
        >>> Q = P.with_values(A="1/2")
        >>> Q.U(), Q.mu2_origin()
        (p**4 - p**3/2 + p**2/2, 1)
        >>> P.with_values(m=0)
        Traceback (most recent call last):
        ...
        qsym.errors.InputError: the origin is not a non-degenerate local minimum of U (lowest Hessian eigenvalue 0)
        """
        by_name = {p.name: p for p in self.params}
        new = {}
        for k, v in values.items():
            if k not in by_name:
                raise InputError(f"unknown parameter {k!r}")
            new[by_name[k]] = None if v is None else parse_value(v, f"value of {k}")
        changed = {s for s, v in new.items() if self.values.get(s) != v}
        P = copy.copy(self)
        P.values = {s: v for s, v in {**self.values, **new}.items() if v is not None}
        P._U_numeric = None
        sym = _origin_symbolic(self.expr, tuple(self.fields))
        at_origin = None if sym is None else set().union(*[e.free_symbols for e in (sym[0], *sym[1], *sym[2])])
        if at_origin is None or changed & at_origin:
            P._cache = {}
            P._validate()
        # else: the same origin data; _cache (filled only from it) is shared
        return P

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


@lru_cache(maxsize=128)
def _origin_symbolic(expr: sp.Expr, fields: tuple):
    """``(U(0), [dU/dphi_k(0)], Hessian(0))`` with the parameters symbolic, for ``expr``
    polynomial in ``fields`` (else None): derived once per expression, values substituted later."""
    if not expr.is_polynomial(*fields):
        return None
    at0 = {f: 0 for f in fields}
    grad = [sp.diff(expr, f) for f in fields]
    return (expr.subs(at0), [g.subs(at0) for g in grad],
            sp.ImmutableMatrix(sp.hessian(expr, fields).subs(at0)))


def require_potential(obj, where: str = "this function") -> "Potential":
    """``obj`` if it is a :class:`Potential`, else an InputError naming what to pass.

    >>> require_potential("phi**2/2 - phi**3")
    Traceback (most recent call last):
    ...
    qsym.errors.InputError: this function needs a qsym.Potential, got str (build one with Potential(text, fields, charges, params))
    """
    if not isinstance(obj, Potential):
        raise InputError(f"{where} needs a qsym.Potential, got {type(obj).__name__} "
                         "(build one with Potential(text, fields, charges, params))")
    return obj
