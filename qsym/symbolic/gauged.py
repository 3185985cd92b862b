r"""Gauged Q-balls (a local U(1)), derived symbolically from the Lagrangian (SymPy only).

Conventions (qsym's, README "Conventions", plus the gauge field):

.. math::  \mathcal L = \tfrac12 |D_\mu\Phi|^2 - U(|\Phi|) - \tfrac14 F_{\mu\nu}F^{\mu\nu},
           \qquad D_\mu = \partial_\mu - i e q A_\mu ,

with ``Phi = exp(i q omega t) phi(r)``, ``phi >= 0`` real, ``U(0) = 0`` and an
electrostatic ``A_0(r)`` (``A_i = 0``), Heaviside-Lorentz units (the Coulomb
potential of a charge ``Q_el`` is ``Q_el/(4 pi r)``, ``alpha = e^2/(4 pi)``).
The kinetic normalisation 1/2|D Phi|^2 is the paper's eq. (2): ``Phi = sqrt(2) Psi``
with the canonical ``|D Psi|^2`` of Lee, Stein-Schabes, Watkins, Widrow (PRD 39 (1989)
1665) and Gulamov, Nugaev, Smolyakov (2013); ``e`` is the same gauge coupling (a
quantum of charge ``q`` carries electric charge ``e q``).  ``Q`` is the Noether
(number) charge, ``Q = omega q^2 int phi^2`` at ``e = 0``; the electric charge is ``e Q``.

With ``g(r) = omega - e A_0(r)`` (the local frequency) the static Lagrangian is
``L = 1/2 q^2 g^2 phi^2 - 1/2 phi'^2 - U + 1/2 A_0'^2``; its Euler-Lagrange
equations (derived here, :func:`radial_equations`) are

.. math::  \phi'' + \tfrac2r\phi' = U'(\phi) - q^2 g^2\phi, \qquad
           g'' + \tfrac2r g' = e^2 q^2 g\,\phi^2 ,

the charge ``Q = int q^2 g phi^2 d^3x`` with Gauss's law
``r^2 g'(r) -> e^2 Q/(4 pi)`` (``g -> omega - e^2 Q/(4 pi r)``), and the energy
``E = int [1/2 phi'^2 + 1/2 q^2 g^2 phi^2 + U + 1/2 A_0'^2]``, which on solutions
equals ``int [1/2 phi'^2 + U] + omega Q/2`` (:func:`energy_identity`).  All reduce
to the global ones at ``e = 0`` (:func:`global_limit`).
"""

from __future__ import annotations

import sympy as sp

__all__ = ["symbols", "lagrangian", "radial_equations", "charge_density", "energy_density",
           "energy_identity", "global_limit", "coulomb_tail", "thin_wall_estimate"]

r, e, q, omega = sp.symbols("r e q omega", positive=True)
phi_f = sp.Function("phi")
A0_f = sp.Function("A_0")
U_f = sp.Function("U")


def symbols() -> dict:
    """The symbols and functions used by the derivations."""
    return {"r": r, "e": e, "q": q, "omega": omega, "phi": phi_f(r), "A0": A0_f(r), "U": U_f}


def lagrangian() -> sp.Expr:
    r"""Radial static Lagrangian density from ``1/2|D Phi|^2 - U - F^2/4`` (built, not typed).

    ``D_0 Phi = (d_t - i e q A_0) Phi``, ``D_r Phi = phi' e^{i q omega t}``;
    ``-F^2/4 = +1/2 (grad A_0)^2`` for a static electric field.
    """
    t = sp.Symbol("t", real=True)
    ph, A = phi_f(r), A0_f(r)
    Phi = sp.exp(sp.I * q * omega * t) * ph
    D0 = sp.diff(Phi, t) - sp.I * e * q * A * Phi
    Dr = sp.diff(Phi, r)
    kin = (D0 * sp.conjugate(D0) - Dr * sp.conjugate(Dr)) / 2       # metric (+,-,-,-)
    kin = sp.expand(kin).subs({sp.conjugate(sp.diff(ph, r)): sp.diff(ph, r)})
    kin = sp.simplify(kin.subs({sp.conjugate(ph): ph, sp.conjugate(A): A}))
    F0r = sp.diff(A, r)                                             # F_{0r} = -d_r A_0
    return sp.expand(kin - U_f(ph) + F0r**2 / 2)


def radial_equations() -> tuple:
    r"""``(phi'' = ..., A_0'' = ...)`` from the Euler-Lagrange equations of ``r^2 L``."""
    L = r**2 * lagrangian()
    ph, A = phi_f(r), A0_f(r)
    eqs = sp.euler_equations(L, [ph, A], r)
    sol_phi = sp.solve(eqs[0].lhs, sp.diff(ph, r, 2))[0]
    sol_A = sp.solve(eqs[1].lhs, sp.diff(A, r, 2))[0]
    return sp.expand(sol_phi), sp.expand(sol_A)


def g_equation() -> sp.Expr:
    r"""``g''`` for ``g = omega - e A_0``, from the derived ``A_0''`` (with ``A_0 = (omega - g)/e``)."""
    G = sp.Function("g")(r)
    _, Ar = radial_equations()
    sub = {sp.diff(A0_f(r), r): -sp.diff(G, r) / e, A0_f(r): (omega - G) / e}
    return sp.expand(-e * Ar.subs(sub))


def charge_density() -> sp.Expr:
    r"""Noether charge density ``dL/d(omega)`` per unit ``q``... i.e. ``rho = dL/d omega`` (= ``q^2 g phi^2``)."""
    return sp.expand(sp.diff(lagrangian(), omega))


def energy_density() -> sp.Expr:
    r"""``T_00 = 1/2|D_0 Phi|^2 + 1/2|D_r Phi|^2 + U + 1/2 E^2`` with ``E = -grad A_0``.

    Built from the pieces of :func:`lagrangian`: with ``K_0 = 1/2|D_0 Phi|^2`` (the part
    without derivatives, plus U) and ``W = 1/2 A_0'^2`` (its electric part),
    ``T_00 = 2 K_0 - L + 2 W``: the scalar's Legendre transform, and the electric energy
    ``+E^2/2`` (in L ``-F^2/4 = +E^2/2``; the constraint A_0 has no momentum).
    """
    L = lagrangian()
    ph, A = phi_f(r), A0_f(r)
    K0 = sp.expand(L.subs({sp.Derivative(ph, r): 0, sp.Derivative(A, r): 0}) + U_f(ph))
    W = sp.expand(L - L.subs(sp.Derivative(A, r), 0))
    return sp.expand(2 * K0 - L + 2 * W)


def energy_identity() -> sp.Expr:
    r"""``T_00 - [1/2 phi'^2 + U + omega rho/2]`` reduced by Gauss's law: a total derivative.

    Returns the residual density after subtracting the divergence ``d/dr(r^2 A_0 A_0')/r^2``
    (integrated by parts) and using the ``A_0`` equation: zero when the identity
    ``E = int[1/2 phi'^2 + U] + omega Q/2`` holds.
    """
    ph, A = phi_f(r), A0_f(r)
    _, Ar = radial_equations()
    T00 = energy_density()
    target = sp.diff(ph, r) ** 2 / 2 + U_f(ph) + omega * charge_density() / 2
    # on solutions: 1/2 A'^2 = 1/2 (r^2 A A')'/r^2 - 1/2 A (A'' + 2 A'/r)
    div = sp.diff(r**2 * A * sp.diff(A, r), r) / r**2 / 2
    lapl = sp.diff(A, r, 2) + 2 * sp.diff(A, r) / r
    del lapl
    expr = sp.expand(T00 - target - div).subs(sp.diff(A, r, 2), Ar)
    return sp.simplify(sp.expand(expr))


def global_limit() -> dict:
    """The e = 0 limits: the scalar equation, the charge density and T_00 of the global Q-ball."""
    ph = phi_f(r)
    phi_eq, A_eq = radial_equations()
    glob_phi = sp.diff(U_f(ph), ph) - q**2 * omega**2 * ph - 2 * sp.diff(ph, r) / r
    glob_T00 = sp.diff(ph, r) ** 2 / 2 + q**2 * omega**2 * ph**2 / 2 + U_f(ph)
    A = A0_f(r)
    return {"phi_equation": sp.simplify(sp.expand(phi_eq.subs(e, 0) - glob_phi).doit()) == 0,
            "A0_sourceless": sp.simplify(A_eq.subs(e, 0) + 2 * sp.diff(A, r) / r) == 0,
            "charge": sp.simplify(charge_density().subs(e, 0) - omega * q**2 * ph**2) == 0,
            "energy": sp.simplify((energy_density() - sp.diff(A, r) ** 2 / 2).subs(e, 0) - glob_T00) == 0}


def coulomb_tail() -> sp.Expr:
    r"""Outside the charge ``g = omega - e^2 Q/(4 pi r)`` solves ``g'' + 2 g'/r = 0`` with
    ``r^2 g' = e^2 Q/(4 pi)``: returns the residual of that check (0)."""
    Q = sp.Symbol("Q", positive=True)
    g = omega - e**2 * Q / (4 * sp.pi * r)
    return sp.simplify(sp.diff(g, r, 2) + 2 * sp.diff(g, r) / r) + sp.simplify(r**2 * sp.diff(g, r)
                                                                               - e**2 * Q / (4 * sp.pi))


def thin_wall_estimate() -> dict:
    r"""The thin-wall gauged Q-ball of Lee, Stein-Schabes, Watkins, Widrow (1989), derived.

    Model: a ball of radius R with the global thin-wall interior (field ``phi_0``, frequency
    ``omega_0``, charge density ``rho_0 = omega_0 phi_0^2``, :math:`Q = \tfrac{4\pi}{3}R^3\rho_0`),
    surface energy neglected, plus the Coulomb energy of a uniformly charged ball of electric
    charge ``e Q`` (Heaviside-Lorentz), the charge distribution unchanged by its own field
    (no screening: valid for :math:`e\phi_0 R \ll 1`):

    .. math:: E(Q) = \omega_0 Q + \frac{3}{5}\frac{e^2Q^2}{4\pi R}, \qquad
              \omega(Q) = \frac{dE}{dQ} = \omega_0 + \frac{e^2 Q}{4\pi R}

    Returns SymPy expressions: ``E``, ``omega`` (= dE/dQ, the potential energy of a quantum added at
    the surface), ``Q_stab`` (E = m Q, the 1989 bound), ``Q_end`` (omega = m: the family ends, the
    tail no longer decays), ``ratio`` = Q_stab/Q_end = (5/3)^(3/2), and ``screening`` = e phi_0 R at Q_end.

    >>> d = thin_wall_estimate()
    >>> d["ratio"]
    5*sqrt(15)/9
    """
    Q, m, w0, rho0, phi0 = sp.symbols("Q m omega_0 rho_0 phi_0", positive=True)
    R = (3 * Q / (4 * sp.pi * rho0)) ** sp.Rational(1, 3)
    E = w0 * Q + sp.Rational(3, 5) * e**2 * Q**2 / (4 * sp.pi * R)
    om = sp.simplify(sp.diff(E, Q))
    x = sp.Symbol("x", positive=True)                    # x = Q^(2/3)
    q_stab = sp.solve(sp.expand((E / Q - m).subs(Q, x ** sp.Rational(3, 2))), x)[0] ** sp.Rational(3, 2)
    q_end = sp.solve(sp.expand((om - m).subs(Q, x ** sp.Rational(3, 2))), x)[0] ** sp.Rational(3, 2)
    ratio = sp.simplify(q_stab / q_end)
    screen = sp.simplify((e * phi0 * R).subs(Q, q_end))
    return {"E": E, "omega": om, "Q_stab": sp.simplify(q_stab), "Q_end": sp.simplify(q_end),
            "ratio": ratio, "screening": screen, "symbols": (Q, m, w0, rho0, phi0)}
