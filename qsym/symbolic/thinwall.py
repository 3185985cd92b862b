r"""Section 2: the thin-wall Q-ball, eqs (10)-(11), derived.

A ball of constant fields ``phi_k(r) = phi_{k,0} theta(R - r)`` and volume
``V``: its charge is ``Q = omega N V`` with ``N = sum_k q_k^2 phi_{k,0}^2``
(eq (7) derived), its energy (2) is ``omega^2 N V / 2 + U(phi_0) V``
(rotation energy plus potential; the surface is neglected as in the paper).
Eliminating omega gives E(V); its minimum gives V*, R_0, M_Q and omega*.

This module imports SymPy only.

>>> from qsym.symbolic.potential import Potential
>>> P = Potential("phi**2/2 - phi**3 + phi**4", ["phi"])
>>> tw = thin_wall(P, {"phi": sp.Rational(1, 2)})
>>> tw["M_Q"]
sqrt(2)*Q/2
>>> sp.simplify(sp.diff(tw["M_Q"], Q) - tw["omega"])   # dE/dQ = omega
0
"""

from __future__ import annotations

import sympy as sp

from qsym.symbolic.potential import Potential

__all__ = ["Q", "V", "U0", "N", "thin_wall", "thin_wall_generic", "energy_of_volume", "printed_eq10", "printed_eq11",
           "best_direction_mass"]

Q = sp.Symbol("Q", positive=True)
V = sp.Symbol("V", positive=True)
_omega = sp.Symbol("omega", positive=True)
#: generic symbols: U(phi_0) and N = sum_k q_k^2 phi_k0^2
U0, N = sp.symbols("U_0 N", positive=True)


def _point(P: Potential, phi0) -> dict:
    if not isinstance(phi0, dict):
        phi0 = dict(zip(P.fields, phi0))
    byname = {f.name: f for f in P.fields}
    from qsym.symbolic.parse import number_from
    return {byname.get(str(k), k): v if isinstance(v, sp.Basic) else number_from(v, f"value of {k}")
            for k, v in phi0.items()}


def _energy(U0_, N_) -> sp.Expr:
    E_omega = _omega**2 * N_ * V / 2 + U0_ * V  # energy (2) of the rotating ball, interior only
    w = sp.solve(sp.Eq(Q, _omega * N_ * V), _omega)[0]
    return sp.simplify(E_omega.subs(_omega, w))


def _minimise(U0_, N_) -> dict:
    E = _energy(U0_, N_)
    # the stationary volumes are +-Q/sqrt(2 N U_0); the physical one is positive for Q > 0.  When the
    # parameters leave the sign undecided (symbolic phi_0), drop the root with an explicit minus sign.
    crit = [s for s in sp.solve(sp.diff(E, V), V) if s.is_positive is not False]
    if len(crit) > 1:
        crit = [s for s in crit if not s.could_extract_minus_sign()] or crit
    if not crit:
        raise ValueError("E(V) has no minimum: U(phi_0) must be positive")
    Vs = sp.simplify(crit[0])
    return {
        "E_of_V": E,
        "V": Vs,
        "R0": sp.simplify((3 * Vs / (4 * sp.pi)) ** sp.Rational(1, 3)),
        "M_Q": sp.simplify(E.subs(V, Vs)),
        "omega": sp.simplify(Q / (N_ * Vs)),
        "mu2": sp.simplify(2 * U0_ / N_),
        "second_derivative": sp.simplify(sp.diff(E, V, 2).subs(V, Vs)),
    }


def energy_of_volume(P: Potential, phi0) -> sp.Expr:
    r"""Eq (10) derived: ``E(V) = Q^2 / (2 N V) + U(phi_0) V`` for direction ``phi_0``.

    ``omega`` is eliminated through ``Q = omega N V``.
    """
    pt = _point(P, phi0)
    return _energy(P.U().subs(pt), P.charge_norm().subs(pt))


def thin_wall(P: Potential, phi0) -> dict:
    r"""Minimise eq (10) over V: V*, R_0, M_Q = E_min, omega* (eq (11)).

    Returns SymPy expressions in ``Q``: keys ``E_of_V``, ``V``, ``R0``,
    ``M_Q``, ``omega`` (the Lagrange multiplier at the minimum), ``mu2``
    (``2U/N`` at phi_0), ``second_derivative`` (d^2E/dV^2 at V*, > 0).

    .. math:: E(V) = \frac{Q^2}{2 N V} + U(\phi_0) V, \qquad
              M_Q = Q \sqrt{2U(\phi_0)/N}

    ``phi0`` is a sequence of field values (one per field).

    >>> import sympy as sp
    >>> from qsym import Potential
    >>> tw = thin_wall(Potential("phi**2/2 - phi**3 + phi**4", fields="phi"), [sp.Rational(1, 2)])
    >>> tw["M_Q"], tw["omega"]
    (sqrt(2)*Q/2, sqrt(2)/2)
    """
    pt = _point(P, phi0)
    return _minimise(P.U().subs(pt), P.charge_norm().subs(pt))


def thin_wall_generic() -> dict:
    """:func:`thin_wall` for symbolic ``U_0 = U(phi_0)`` and ``N = sum q_k^2 phi_k0^2``.

    >>> thin_wall_generic()["M_Q"]
    sqrt(2)*Q*sqrt(U_0)/sqrt(N)
    """
    return _minimise(U0, N)


def best_direction_mass(mu2_min) -> sp.Expr:
    """Thin-wall energy per unit charge at the minimum of mu^2: ``sqrt(mu2_min)``."""
    return sp.sqrt(mu2_min)


def printed_eq10(P: Potential, phi0) -> sp.Expr:
    """Eq (10) as printed: ``Q^2/(2 (sum q_k phi_k0^2) V) + U V`` (note q_k, not q_k^2)."""
    pt = _point(P, phi0)
    Np = sp.Add(*[q * f**2 for q, f in zip(P.charges, P.fields)]).subs(pt)
    return Q**2 / (2 * Np * V) + P.U().subs(pt) * V


def printed_eq11(P: Potential, phi0) -> dict:
    """Eq (11) and the volume as printed (sum q_k phi_k0^2)."""
    pt = _point(P, phi0)
    Np = sp.Add(*[q * f**2 for q, f in zip(P.charges, P.fields)]).subs(pt)
    U0 = P.U().subs(pt)
    return {"V": Q / sp.sqrt(2 * U0 * Np), "M_Q": Q * sp.sqrt(2 * U0 / Np)}
