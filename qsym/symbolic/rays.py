r"""Symbolic preparation for the certified minimum of mu^2 (paper eq (9)).

For a potential that is a sum of homogeneous parts of degree 2, 3 and 4 in
the amplitudes, on the ray ``phi = F s psi`` (``F >= 0``, ``psi`` in the
standard simplex, ``s`` a sign pattern) one has

.. math::

    U = F^2 u_2(\psi) + F^3 u_3(\psi) + F^4 u_4(\psi), \qquad
    \sum_k q_k^2 \phi_k^2 = F^2 c(\psi),

so ``mu^2 = 2 (u_2 + u_3 F + u_4 F^2) / c``, minimised over ``F`` in closed
form.  This module extracts those parts *exactly* and the data of the
degenerate directions: with ``m_0`` the limit of mu^2 at the origin,
``p_2 = u_2 - m_0 c / 2`` is a positive semi-definite form whose kernel ``K``
holds the directions along which the lightest charged quanta leave the
origin.  When the cubic vanishes on ``K`` it is written as ``u_3 = a . t``
with ``t = B psi`` linear forms cutting out ``K``; then, with ``p_2 = t^T M t``,
Cauchy-Schwarz gives

.. math::

    \rho \equiv \frac{u_3^2}{4 p_2 u_4} \le \bar\rho \equiv \frac{a^T M^{-1} a}{4 u_4},

a bound that is continuous across ``K`` (``rho <= 1`` is exactly "no
Q-ball along this ray").  The numeric layer (:mod:`qsym.numeric.mu2.bounds`) uses it
to certify that the origin is a local minimum of mu^2.

This module imports SymPy only.

>>> from qsym.symbolic.potential import Potential
>>> P = Potential("a**2 + 2*b**2 - a*a*b + a**4 + b**4", ["a", "b"], [1, 1])
>>> d = ray_data(P)
>>> d.m0, d.patches[0].kernel_dim
(2, 1)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import lru_cache

import sympy as sp

from qsym.errors import InputError
from qsym.symbolic.parse import bounded_subs

__all__ = ["RayPatch", "RayData", "ray_data", "DOMAINS"]

#: field-space domains: amplitudes >= 0 (the convention) or all real values
DOMAINS = ("amplitudes", "real")
#: most fields of the certified minimiser (its boxes live in n - 1 dimensions), and most
#: sign patterns (orthants, 2^n in the "real" domain) it will expand
MAX_FIELDS = 10
MAX_ORTHANTS = 64


@dataclass
class RayPatch:
    """One orthant (sign pattern) of field space, in simplex coordinates ``psi >= 0``.

    Polynomials are dicts ``{exponent tuple: exact SymPy coefficient}``.
    """

    signs: tuple
    u2: dict
    u3: dict
    u4: dict
    c: dict
    kernel_dim: int = 0
    rho_num: dict | None = None        # a^T M^{-1} a (degree 4); None if unavailable
    notes: list = field(default_factory=list)
    psi: tuple = ()                    # the nonnegative amplitude symbols of this orthant
    U_src: sp.Expr | None = field(default=None, repr=False, compare=False)   # U in the fields
    fields: tuple = field(default=(), repr=False, compare=False)             # ... and its field symbols
    _U_psi: sp.Expr | None = field(default=None, repr=False, compare=False)
    _mu2: sp.Expr | None = field(default=None, repr=False, compare=False)

    @property
    def U_psi(self) -> sp.Expr | None:
        """U in terms of psi (phi = signs * psi), expanded; built on first use."""
        if self._U_psi is None and self.U_src is not None:
            self._U_psi = _in_orthant(self.U_src, self.fields, self.signs, self.psi)
        return self._U_psi

    @property
    def mu2_psi(self) -> sp.Expr | None:
        """mu^2 in terms of psi (phi = signs * psi); built on first use (only the polish needs it)."""
        if self._mu2 is None and self.U_psi is not None:
            c_psi = sp.Add(*[v * sp.Mul(*[x**e for x, e in zip(self.psi, m)]) for m, v in self.c.items()])
            self._mu2 = sp.cancel(2 * self.U_psi / c_psi)
        return self._mu2


@dataclass
class RayData:
    """Exact ray decomposition of a potential for the mu^2 minimiser."""

    fields: tuple           # field symbols (signed amplitudes of the Potential)
    charges: tuple
    m0: sp.Expr             # origin limit of mu^2 (exact)
    patches: list
    potential: object = field(default=None, repr=False, compare=False)

    @property
    def mu2_expr(self) -> sp.Expr:
        """mu^2 as a function of the fields (exact; built on first use)."""
        return self.potential.mu2()


def _poly_dict(expr, gens) -> dict:
    if expr == 0:
        return {}
    p = sp.Poly(expr, *gens)
    return {m: c for m, c in zip(p.monoms(), p.coeffs()) if c != 0}


def _psi_symbols(n: int) -> tuple:
    return sp.symbols(f"psi0:{n}", nonnegative=True)


def _in_orthant(U, fields, signs, psi):
    """``U`` at ``phi = signs * psi``, expanded."""
    return sp.expand(U.subs({f: s * p for f, s, p in zip(fields, signs, psi)}, simultaneous=True))


@lru_cache(maxsize=64)
def _symbolic_terms(expr: sp.Expr, fields: tuple, signs: tuple):
    """``((monomial, coefficient), ...)`` of ``expr(signs * psi)`` in psi, the parameters left
    symbolic (derived once per expression and orthant); None when not a polynomial in psi."""
    psi = _psi_symbols(len(fields))
    try:
        poly = sp.Poly(_in_orthant(expr, fields, signs, psi), *psi)
    except sp.PolynomialError:
        return None
    return tuple(zip(poly.monoms(), poly.coeffs()))


def _fast_parts(P, signs):
    """The homogeneous parts from :func:`_symbolic_terms` with P's values substituted per
    coefficient, when every coefficient is then an exact rational and every degree 2, 3 or 4
    (the common case of a parameter scan); None sends the caller to the direct path."""
    terms = _symbolic_terms(P.expr, tuple(P.fields), tuple(signs))
    if terms is None:
        return None
    parts = {2: {}, 3: {}, 4: {}}
    for mono, coeff in terms:
        c = sp.expand(bounded_subs(coeff, P.values))
        if c == 0:
            continue
        if not c.is_Rational or sum(mono) not in parts:
            return None
        parts[sum(mono)][mono] = c
    return parts


def _homogeneous_parts(U, fields, signs):
    psi = _psi_symbols(len(fields))
    expr = _in_orthant(U, fields, signs, psi)
    try:
        poly = sp.Poly(expr, *psi)
    except sp.PolynomialError:
        raise InputError("the certified mu^2 minimiser needs U polynomial in the amplitudes "
                         "(|phi|^3-type terms are fine on the amplitude domain)") from None
    parts = {2: {}, 3: {}, 4: {}}
    for mono, coeff in zip(poly.monoms(), poly.coeffs()):
        deg = sum(mono)
        if coeff.free_symbols:
            raise InputError("parameters without values: "
                             + ", ".join(sorted(s.name for s in coeff.free_symbols)))
        if deg not in parts:
            raise InputError(f"U has a term of degree {deg} in the fields; the certified mu^2 "
                             "minimiser handles quadratic, cubic and quartic terms")
        if not coeff.is_real:
            raise InputError(f"U has a non-real coefficient {coeff}")
        parts[deg][mono] = coeff
    return parts


def _kernel_data(psi, u2, u3, u4, c, m0):
    """Kernel of p2 = u2 - m0 c/2 and the rho-bar numerator, or (dim, None, notes)."""
    kdim, basis, note = _kernel_basis(tuple(psi), tuple(u2.items()), tuple(c.items()), m0)
    notes = []
    if kdim == 0:
        return 0, None, notes
    if note:
        return kdim, None, [note]
    if basis is None:     # p2 == 0: every direction is degenerate; rho_bar = 0 iff the cubic is 0
        return kdim, ({} if not u3 else None), notes
    t, M = basis
    p3 = sp.Add(*[v * sp.Mul(*[x**e for x, e in zip(psi, m)]) for m, v in u3.items()])
    if p3 == 0:
        return kdim, {}, notes
    # rref rows have distinct pivot variables: a lex Groebner basis of the linear ideal
    quots, rem = sp.reduced(p3, t, *psi, order="lex")
    if sp.expand(rem) != 0:
        notes.append("the cubic does not vanish on the degenerate directions")
        return kdim, None, notes
    a = sp.Matrix([sp.expand(qq) for qq in quots])
    num = sp.expand((a.T * M.inv() * a)[0, 0])
    return kdim, _poly_dict(num, psi), notes


@lru_cache(maxsize=64)
def _kernel_basis(psi: tuple, u2: tuple, c: tuple, m0):
    """``(kdim, (t, M) or None, note or None)``: the kernel of ``p2 = u2 - m0 c/2 = t^T M t`` (the
    quadratic part only: shared by every point of a scan in a cubic or quartic coupling).  No
    ``(t, M)`` when there is no kernel, when p2 vanishes (rank 0) or when it could not be factored
    (then ``note`` says so)."""
    n = len(psi)
    p2 = sp.Add(*[v * sp.Mul(*[x**e for x, e in zip(psi, m)]) for m, v in u2])
    p2 -= m0 / 2 * sp.Add(*[v * sp.Mul(*[x**e for x, e in zip(psi, m)]) for m, v in c])
    G = sp.hessian(sp.expand(p2), psi) / 2
    G = G.applyfunc(sp.nsimplify if any(x.is_Float for x in G) else (lambda z: z))
    G = G.applyfunc(sp.simplify)
    rref, pivots = G.rref(simplify=True)
    rank = len(pivots)
    kdim = n - rank
    if kdim == 0 or rank == 0:
        return kdim, None, None
    B = rref[:rank, :]
    t = [sp.expand(sum(B[i, j] * psi[j] for j in range(n))) for i in range(rank)]
    # G = B^T M B with M = (B B^T)^{-1} B G B^T (B B^T)^{-1}
    BBt_inv = (B * B.T).inv()
    M = (BBt_inv * B * G * B.T * BBt_inv).applyfunc(sp.simplify)
    if sp.simplify(B.T * M * B - G) != sp.zeros(n, n):
        return kdim, None, "could not factor p2 through the kernel"
    return kdim, (tuple(t), sp.ImmutableMatrix(M)), None


def ray_data(P, domain: str = "amplitudes") -> RayData:
    r"""Exact ray decomposition of a numeric :class:`~qsym.symbolic.potential.Potential`.

    ``domain="amplitudes"`` (default, the qsym convention) restricts to
    ``phi_k >= 0``; ``"real"`` covers all ``2^n`` sign patterns.

    .. math:: U(F s\psi) = F^2 u_2(\psi) + F^3 u_3(\psi) + F^4 u_4(\psi)

    Raises
    ------
    InputError
        Parameters without values, terms of degree other than 2, 3, 4, too many fields.

    >>> from qsym.symbolic.potential import Potential
    >>> d = ray_data(Potential("a**2/2 - a**3 + a**4", ["a"]), domain="real")
    >>> [(p.signs, p.u3) for p in d.patches]
    [((1,), {(3,): -1}), ((-1,), {(3,): 1})]
    """
    if domain not in DOMAINS:
        raise InputError(f"unknown domain {domain!r}; use one of {DOMAINS}")
    free = P.free_parameters()
    if free:
        raise InputError("parameters without values: " + ", ".join(sorted(p.name for p in free)))
    m0 = P.mu2_origin()
    m0 = sp.nsimplify(m0) if isinstance(m0, sp.Float) else sp.simplify(m0)
    if not (m0.is_number and m0.is_real):
        raise InputError(f"cannot evaluate the origin limit of mu^2 ({m0})")
    fields = tuple(P.fields)
    if len(fields) > MAX_FIELDS:
        raise InputError(f"{len(fields)} fields: the certified mu^2 minimiser handles at most {MAX_FIELDS} "
                         "(its branch and bound runs over n - 1 dimensional boxes)")
    if domain == "real" and 2 ** len(fields) > MAX_ORTHANTS:
        raise InputError(f"the domain 'real' has 2^{len(fields)} sign patterns for {len(fields)} fields; "
                         f"at most {MAX_ORTHANTS} are searched: use domain 'amplitudes' (phi_k >= 0)")
    patterns = [tuple([1] * len(fields))] if domain == "amplitudes" else \
        list(itertools.product((1, -1), repeat=len(fields)))
    patches = []
    psi = _psi_symbols(len(fields))
    for signs in patterns:
        parts = _fast_parts(P, signs)
        if parts is None:
            parts = _homogeneous_parts(P.U(), fields, signs)
        c = {tuple(2 if j == i else 0 for j in range(len(fields))): q**2
             for i, q in enumerate(P.charges) if q != 0}
        kdim, rho, notes = _kernel_data(psi, parts[2], parts[3], parts[4], c, m0)
        patches.append(RayPatch(signs, parts[2], parts[3], parts[4], c, kdim, rho, notes, tuple(psi),
                                P.U(), fields))
    return RayData(fields, tuple(P.charges), m0, patches, P)
