r"""Section 3: thick-wall Q-balls ("Q-beads"), eqs (12)-(15), derived.

For ``U = M^2 phi^2/2 - A phi^3 + lam phi^4`` the bounce in
``U_omega = (M^2 - omega^2) phi^2/2 - A phi^3 + lam phi^4`` (eq (12)) is
mapped by ``phi = (M^2-omega^2)/A psi``, ``r = xi/sqrt(M^2-omega^2)`` onto the
bounce of ``psi^2/2 - psi^3 + kappa psi^4`` with the single dimensionless
parameter ``kappa = lam (M^2 - omega^2)/A^2``; its action is
``S_omega = S_psi(kappa) (M^2-omega^2)^(3/2) / A^2``.  With the quartic
dropped (kappa = 0, as in the paper) ``S_psi`` is one number; here it stays
the symbol ``S_psi`` (the numeric value comes from the bounce engine).

Everything is derived with SymPy from that starting point: the stationary
point of ``E(omega) = S_omega + omega Q`` (eq (8)), the parameter
``epsilon = Q A^2/(3 S_psi M^2)``, the branch that is a minimum, closed forms
and series in epsilon of ``M_Q/(Q M)``, ``1/(R_Q epsilon M)`` and
``omega/M`` to any order, and the validity conditions of eq (13).

This module imports SymPy only.

>>> series("mass", 6)
{0: 1, 2: -1/6, 4: -1/8, 6: -3/16}
>>> closed_form("omega")
sqrt(sqrt(1 - 4*epsilon**2)/2 + 1/2)
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

__all__ = ["M", "A", "lam", "omega", "Q", "S_psi", "eps", "kappa", "QUANTITIES",
           "rescaling", "energy_of_omega", "stationary_charge", "epsilon_of",
           "branches", "closed_form", "series", "identity_dM_dQ", "validity",
           "printed_series", "MAX_ORDER", "charge_exponent", "Series", "LATEX_LHS"]

M, A, lam = sp.symbols("M A lambda_4", positive=True)
omega = sp.Symbol("omega", positive=True)
Q = sp.Symbol("Q", positive=True)
S_psi = sp.Symbol("S_psi", positive=True)
eps = sp.Symbol("epsilon", positive=True)
kappa = sp.Symbol("kappa", nonnegative=True)
_w = sp.Symbol("w", positive=True)      # omega / M
_x = sp.Symbol("x", positive=True)      # w**2

#: quantity name -> description; the CLI's ``series`` argument
QUANTITIES = {
    "mass": "M_Q/(Q M)",
    "radius": "1/(R_Q epsilon M)",
    "omega": "omega/M",
}
#: largest order accepted by :func:`series` (order 200 takes about 10 s)
MAX_ORDER = 200
#: LaTeX left-hand side of each quantity (what :meth:`Series.latex` expands)
LATEX_LHS = {"mass": r"\frac{M_Q}{Q M}", "radius": r"\frac{1}{R_Q \epsilon M}",
             "omega": r"\frac{\omega}{M}"}


@lru_cache(maxsize=None)
def rescaling() -> dict:
    r"""Derive the rescaling that removes M, omega and A from the bounce problem.

    With ``phi = a psi`` and ``r = b xi`` the radial action
    ``4 pi int r^2 dr [phi'^2/2 + U_omega]`` becomes
    ``4 pi a^2 b int xi^2 dxi [psi'^2/2 + (M^2-w^2) b^2 psi^2/2 - A a b^2 psi^3 + lam a^2 b^2 psi^4]``;
    requiring unit coefficients for the quadratic and cubic terms fixes a, b.

    >>> r = rescaling()
    >>> r["a"], r["b"]
    ((M**2 - omega**2)/A, 1/sqrt(M**2 - omega**2))
    >>> r["kappa"]
    lambda_4*(M**2 - omega**2)/A**2
    """
    a, b = sp.symbols("a b", positive=True)
    D = sp.Symbol("Delta", positive=True)  # M^2 - omega^2 > 0 (origin a minimum of U_omega)
    c2 = D * b**2          # coefficient of psi^2/2
    c3 = A * a * b**2      # coefficient of -psi^3
    c4 = lam * a**2 * b**2
    sol = sp.solve([sp.Eq(c2, 1), sp.Eq(c3, 1)], [a, b], dict=True)[0]
    back = {D: M**2 - omega**2}
    return {
        "a": sol[a].subs(back),
        "b": sol[b].subs(back),
        "kappa": sp.simplify(c4.subs(sol).subs(back)),
        "prefactor": sp.simplify((a**2 * b).subs(sol).subs(back)),
    }


def energy_of_omega(with_quartic: bool = False) -> sp.Expr:
    r"""``E(omega) = S_omega + omega Q`` (eq (8) at the bounce), quartic dropped by default.

    With ``with_quartic`` the dimensionless action is ``S_psi(kappa)``.
    """
    r = rescaling()
    S = sp.Function("S_psi")(r["kappa"]) if with_quartic else S_psi
    return S * r["prefactor"] + omega * Q


@lru_cache(maxsize=None)
def stationary_charge() -> sp.Expr:
    r"""Solve ``dE/domega = 0`` for Q: ``Q(omega) = 3 S_psi omega sqrt(M^2-omega^2)/A^2``.

    This is also ``-dS_omega/domega`` (the charge of the bounce, eq (7)).
    """
    E = energy_of_omega()
    return sp.simplify(sp.solve(sp.Eq(sp.diff(E, omega), 0), Q)[0])


@lru_cache(maxsize=None)
def epsilon_of() -> dict:
    r"""The dimensionless charge and its relation to ``w = omega/M``.

    ``epsilon = Q A^2/(3 S_psi M^2)`` makes the stationarity condition free of
    parameters: ``epsilon = w sqrt(1 - w^2)``.

    >>> epsilon_of()["relation"]
    w*sqrt(1 - w**2)
    """
    definition = Q * A**2 / (3 * S_psi * M**2)
    rel = sp.simplify(definition.subs(Q, stationary_charge()).subs(omega, M * _w))
    return {"definition": definition, "relation": rel}


@lru_cache(maxsize=None)
def branches() -> dict:
    r"""Solve ``epsilon = w sqrt(1-w^2)`` for ``w^2`` and classify the two roots.

    Real roots exist iff ``epsilon <= 1/2``.  ``d^2E/domega^2`` at the
    stationary point is proportional to ``2 w^2 - 1``: the root with
    ``w^2 > 1/2`` (small Q <-> omega -> M) is the minimum the paper uses.
    """
    rel = epsilon_of()["relation"]
    roots = sp.solve(sp.Eq(eps**2, sp.expand(rel**2).subs(_w**2, _x)), _x)
    E = energy_of_omega()
    d2 = sp.diff(E, omega, 2).subs(Q, stationary_charge()).subs(omega, M * _w)
    d2 = sp.simplify(d2)
    probe = sp.Rational(1, 4)
    x_min = [r for r in roots if (r.subs(eps, probe) > sp.Rational(1, 2)) is sp.true][0]
    x_max = [r for r in roots if r is not x_min][0]
    disc = sp.discriminant(sp.expand(_x * (1 - _x) - eps**2), _x)
    return {"w2_minimum": x_min, "w2_maximum": x_max, "d2E_domega2": d2,
            "discriminant": disc,
            "exists_iff": sp.solve_univariate_inequality(disc >= 0, eps, relational=True)}


@lru_cache(maxsize=None)
def closed_form(quantity: str) -> sp.Expr:
    r"""Closed form in epsilon of ``mass`` (M_Q/(QM)), ``radius`` (1/(R_Q eps M)), ``omega`` (omega/M).

    >>> closed_form("mass")
    (sqrt(1 - 4*epsilon**2) + 2)/(3*sqrt(sqrt(1 - 4*epsilon**2)/2 + 1/2))
    """
    _check_quantity(quantity)
    w = sp.sqrt(branches()["w2_minimum"])
    if quantity == "omega":
        return w
    if quantity == "radius":  # R_Q^{-1} = sqrt(M^2 - omega^2) = M sqrt(1 - w^2)
        return sp.sqrt(sp.simplify(1 - w**2)) / eps
    # mass: E at the stationary point with S_psi eliminated through epsilon
    E = energy_of_omega().subs(S_psi, sp.solve(sp.Eq(eps, epsilon_of()["definition"]), S_psi)[0])
    m = sp.simplify((E / (Q * M)).subs(omega, M * _w))
    # on the branch epsilon = w sqrt(1-w^2): write m as a function of w alone, then insert w(eps)
    m_w = sp.factor(sp.simplify(m.subs(eps, epsilon_of()["relation"])))
    return m_w.subs(_w, w)


def _check_quantity(quantity):
    if quantity not in QUANTITIES:
        from qsym.errors import InputError
        raise InputError(f"unknown quantity {quantity!r}; choose one of {', '.join(QUANTITIES)}")


def _check_order(order):
    from qsym.errors import InputError
    if isinstance(order, bool) or not isinstance(order, int):
        try:
            if isinstance(order, str) and order.strip().lstrip("+").isdigit():
                order = int(order)
            else:
                raise ValueError
        except ValueError:
            raise InputError(f"order must be a non-negative integer, got {order!r}") from None
    if order < 0:
        raise InputError(f"order must be a non-negative integer, got {order}")
    if order > MAX_ORDER:
        raise InputError(f"order {order} exceeds the maximum {MAX_ORDER}")
    return order


@lru_cache(maxsize=64)
def _series_poly(quantity: str, order: int) -> dict:
    f = closed_form(quantity)
    s = sp.series(f, eps, 0, order + 1).removeO()
    p = sp.Poly(s, eps)
    return {k[0]: c for k, c in zip(p.monoms(), p.coeffs()) if c != 0}


class Series(dict):
    r"""The eps-expansion of a thick-wall quantity: a ``{power: Rational}`` dict that knows its LaTeX.

    It is a plain :class:`dict` for every other purpose (equality, ``repr``,
    JSON); ``quantity`` and ``order`` say what it expands and how far, so the
    remainder is ``O(epsilon**next_power)`` (odd powers vanish).  In Jupyter it
    renders as the typeset series (:meth:`_repr_latex_`).

    >>> s = series("mass", 4)
    >>> s == {0: 1, 2: sp.Rational(-1, 6), 4: sp.Rational(-1, 8)}, s.next_power
    (True, 6)
    >>> print(s.latex())
    \frac{M_Q}{Q M} = 1 - \frac{\epsilon^{2}}{6} - \frac{\epsilon^{4}}{8} + \mathcal{O}\left(\epsilon^{6}\right)
    >>> print(series("omega", 6).latex(width=8))
    \frac{\omega}{M} = 1 - \frac{\epsilon^{2}}{2} \\
      - \frac{5 \epsilon^{4}}{8} - \frac{21 \epsilon^{6}}{16} \\
      + \mathcal{O}\left(\epsilon^{8}\right)
    """

    def __init__(self, coeffs=(), quantity: str = "mass", order: int = 0):
        super().__init__(coeffs)
        self.quantity = quantity
        self.order = order

    @property
    def next_power(self) -> int:
        """The power of epsilon of the first omitted term (the remainder's order)."""
        return self.order + 1 if self.order % 2 else self.order + 2

    def expr(self):
        """The truncated series as a SymPy polynomial in :data:`eps` (no remainder)."""
        return sp.Add(*[c * eps**k for k, c in self.items()])

    def terms_latex(self) -> list:
        """LaTeX of each term with its sign (``"1"``, ``"- \\frac{\\epsilon^{2}}{6}"``, ...),
        the remainder ``+ \\mathcal{O}(...)`` last."""
        out = []
        for k, c in self.items():
            body = sp.latex(abs(c) * eps**k)
            out.append(body if not out and c > 0 else f"{'-' if c < 0 else '+'} {body}")
        out.append(rf"+ \mathcal{{O}}\left(\epsilon^{{{self.next_power}}}\right)")
        return out

    def term_widths(self) -> list:
        """Estimated typeset width (em, 10 pt text) of each term of :meth:`terms_latex`:
        a digit is 0.5 em, epsilon with its exponent about 0.45 + 0.35 per digit, a sign 1.5 em."""
        def eps_w(k):
            return 0.45 + 0.35 * len(str(k)) if k else 0.0
        out = []
        for k, c in self.items():
            p, q = abs(c.p), c.q
            num = (0.0 if p == 1 and k else 0.5 * len(str(p))) + eps_w(k)
            out.append((1.5 if out or c < 0 else 0.0) + max(num, 0.5 * len(str(q)) if q != 1 else 0))
        out.append(1.5 + 1.6 + eps_w(self.next_power))
        return out

    def latex(self, width: float | None = None) -> str:
        r"""Paste-ready LaTeX ``lhs = series + O(eps^n)`` (math mode).

        With ``width`` (in em of 10 pt text; an article's text is about 34 em
        wide) the right-hand side is broken with ``\\`` (for ``multline`` or
        ``split``) so that no line is estimated wider than that (the first line
        also holds the left-hand side, 4 em); the default is one line.
        """
        terms = self.terms_latex()
        head = f"{LATEX_LHS[self.quantity]} = "
        if width is None:
            return head + " ".join(terms)
        rows, row, used = [], [], 4.0
        for t, w in zip(terms, self.term_widths()):
            if row and used + w > width:
                rows.append(" ".join(row))
                row, used = [], 0.0
            row.append(t)
            used += w
        rows.append(" ".join(row))
        return head + " \\\\\n  ".join(rows)

    def width(self) -> float:
        """Estimated width (em) of the one-line form, left-hand side included."""
        return 4.0 + sum(self.term_widths())

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex()}$"


def series(quantity: str, order: int) -> Series:
    r"""Exact Taylor coefficients ``{power: Rational}`` in epsilon up to ``epsilon**order``.

    Only nonzero coefficients are listed (odd powers vanish).  The result is a
    :class:`Series` (a dict with ``.latex()`` and a Jupyter rendering).

    .. math:: \frac{M_Q}{QM} = \sum_k c_k\,\epsilon^k, \qquad
              \epsilon = \frac{Q A^2}{3 S_\psi M^2}

    >>> series("radius", 4)
    {0: 1, 2: 1/2, 4: 7/8}
    """
    _check_quantity(quantity)
    order = _check_order(order)
    return Series(sorted(_series_poly(quantity, order).items()), quantity, order)


def identity_dM_dQ(order: int) -> dict:
    r"""Check ``dM_Q/dQ = omega`` order by order.

    With ``M_Q = Q M f(epsilon)`` and ``epsilon`` proportional to Q,
    ``dM_Q/dQ = M (f + epsilon f')``; the residual against ``omega/M`` is
    returned as ``{power: coefficient}`` (all zero) together with the
    closed-form residual.

    >>> identity_dM_dQ(10)["series_residual"]
    {}
    """
    order = _check_order(order)
    f = series("mass", order)
    w = series("omega", order)
    lhs = {k: c * (k + 1) for k, c in f.items()}  # coefficients of f + eps f'
    res = {k: lhs.get(k, 0) - w.get(k, 0) for k in set(lhs) | set(w)}
    res = {k: v for k, v in sorted(res.items()) if v != 0}
    fc = closed_form("mass")
    closed = sp.simplify(fc + eps * sp.diff(fc, eps) - closed_form("omega"))
    return {"series_residual": res, "closed_residual": closed}


def validity() -> dict:
    r"""The conditions of eq (13), derived.

    * The stationary point exists iff ``epsilon <= 1/2``, i.e.
      ``Q <= (3 S_psi M/A) (M/(2A))``.
    * Dropping the quartic is justified while ``kappa = lam (M^2-omega^2)/A^2``
      is small; on the branch, ``M^2 - omega^2 = M^2 epsilon^2 (1 + O(eps^2))``,
      so ``kappa = 1`` at leading order means ``Q = 3 S_psi M/(A sqrt(lam))``.

    Returns the two derived bounds on Q.
    """
    eps_def = epsilon_of()["definition"]
    q_exist = sp.solve(sp.Eq(eps_def, sp.Rational(1, 2)), Q)[0]
    lead = M**2 * eps**2  # leading term of M^2 - omega^2 on the branch (series("radius", 0) = 1)
    kap = rescaling()["kappa"].subs(omega**2, M**2 - lead)
    e_star = [s for s in sp.solve(sp.Eq(kap, 1), eps) if s.is_positive][0]
    q_quartic = sp.solve(sp.Eq(eps_def, e_star), Q)[0]
    return {"Q_existence": sp.simplify(q_exist), "Q_quartic": sp.simplify(q_quartic),
            "kappa_on_branch": sp.simplify(kap)}


def printed_series() -> dict:
    """The coefficients printed in eqs (14) and (15) (for the audit)."""
    R = sp.Rational
    return {"mass": {0: 1, 2: R(-1, 6), 4: R(-1, 8)},
            "radius": {0: 1, 2: R(1, 2), 4: R(7, 8)}}


def printed_eq13() -> dict:
    """Eq (13) as printed: the two bounds on Q inside the min(...)."""
    return {"Q_existence": 3 * S_psi * M / A * M / (2 * A),
            "Q_quartic": 3 * S_psi * M / A / sp.sqrt(lam)}


def charge_exponent(n, d=3) -> sp.Expr:
    r"""Small-field scaling of the charge when the leading nonlinearity is ``-g phi^n``.

    For ``U_omega = (m^2-omega^2) phi^2/2 - g phi^n`` the rescaling
    ``phi = (Delta/g)^(1/(n-2)) psi``, ``r = xi/sqrt(Delta)`` (``Delta = m^2 - omega^2``)
    gives ``S_omega = S_psi Delta^p / g^(2/(n-2))`` with ``p = 2/(n-2) - (d-2)/2``, hence
    ``Q = -dS_omega/domega`` proportional to ``omega Delta^(p-1)``.  Returns ``p - 1``:
    Q -> 0 at the thick-wall end iff it is positive.

    >>> charge_exponent(3), charge_exponent(4)
    (1/2, -1/2)
    """
    from qsym.symbolic.parse import number_from
    n, d = (v if isinstance(v, sp.Basic) else number_from(v, what)   # symbols allowed
            for v, what in ((n, "power n"), (d, "dimension d")))
    return _charge_exponent(n, d)


@lru_cache(maxsize=64)
def _charge_exponent(n: sp.Expr, d: sp.Expr) -> sp.Expr:
    """The derivation of :func:`charge_exponent` (cached: SymPy results are immutable)."""
    D, g, a, b = sp.symbols("Delta g a b", positive=True)
    sol = sp.solve([sp.Eq(D * b**2, 1), sp.Eq(g * a**(n - 2) * b**2, 1)], [a, b], dict=True)[0]
    S = sp.simplify((a**2 * b**(d - 2)).subs(sol))
    p = sp.simplify(D * sp.diff(S, D) / S)
    return sp.simplify(p - 1)
