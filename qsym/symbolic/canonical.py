r"""The canonical family ``U = M^2 phi^2/2 - A phi^3 + lam phi^4``: beyond the paper's limits.

Symbolic results (SymPy only) that turn every Q-ball of this family into
one-dimensional bounce data:

* **Bounce reduction.** ``phi = (M^2-w^2)/A psi``, ``r = xi/sqrt(M^2-w^2)``
  map the bounce in ``U_omega`` onto that of ``psi^2/2 - psi^3 + kappa psi^4``
  with ``kappa = lam (M^2-omega^2)/A^2`` (see :mod:`qsym.symbolic.thickwall`).
* **Family parameter.** In units of M and A, every Q-ball curve depends on the
  single number ``beta = lam M^2/A^2``; ``U(0) = 0`` is the global minimum iff
  ``beta >= 1/2``; along the curve ``kappa = beta (1 - w^2)`` with ``w = omega/M``
  ranging over the window ``1 - 1/(2 beta) < w^2 < 1``: ``kappa -> 1/2`` is the
  thin-wall end (``omega -> omega_min = sqrt(min mu^2)``), ``kappa -> 0`` the
  thick-wall end (``omega -> M``).
* **Charge and energy** from the dimensionless bounce data ``S(kappa)``,
  ``I2(kappa) = int psi^2 d^3xi``:
  ``Q A^2/M^2 = w sqrt(1-w^2) I2``, ``E A^2/M^3 = (1-w^2)^(3/2) S + w Q A^2/M^2``,
  with the exact identity ``I2 = 3 S + 2 kappa S'(kappa)`` (``Q = -dS_omega/domega``)
  and ``S'(kappa) = I4 = int psi^4 d^3xi`` (stationarity of the bounce).
* **First-order quartic correction** to the thick-wall mass, and the
  **surface-energy correction** to the thin-wall mass.

>>> fam = family()
>>> fam["beta"], fam["kappa_of_w"]
(M**2*lambda_4/A**2, M**2*lambda_4*(1 - w**2)/A**2)
>>> fam["w2_min"]
-A**2/(2*M**2*lambda_4) + 1
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from qsym.symbolic import thickwall as tw

__all__ = ["beta", "w", "family", "charge_energy_scaled", "thin_wall_quartic",
           "quartic_correction", "S0", "S1"]

M, A, lam, omega, Q, eps = tw.M, tw.A, tw.lam, tw.omega, tw.Q, tw.eps
beta = sp.Symbol("beta", positive=True)
w = sp.Symbol("w", positive=True)
kap = tw.kappa
S0, S1 = sp.symbols("S_0 S_1", positive=True)   # S(0) = S_psi and S'(0) = int psi_0^4


@lru_cache(maxsize=None)
def family() -> dict:
    """The family parameter, the window and the premise, derived."""
    r = tw.rescaling()
    kappa_w = sp.simplify(r["kappa"].subs(omega, M * w))
    phi = sp.Symbol("phi", positive=True)
    bracket = M**2 / 2 - A * phi + lam * phi**2          # U = phi^2 * bracket
    bmin = sp.simplify(bracket.subs(phi, sp.solve(sp.diff(bracket, phi), phi)[0]))
    premise = sp.solve(sp.Eq(bmin, 0), lam)[0]           # lam at which a degenerate vacuum appears
    w2min = sp.solve(sp.Eq(kappa_w, sp.Rational(1, 2)), w**2)
    if not w2min:
        w2min = [sp.solve(sp.Eq(kappa_w.subs(w, sp.sqrt(sp.Symbol("x"))), sp.Rational(1, 2)), sp.Symbol("x"))[0]]
    mu2 = sp.cancel(2 * (M**2 * phi**2 / 2 - A * phi**3 + lam * phi**4) / phi**2)
    mu2min = sp.simplify(mu2.subs(phi, sp.solve(sp.diff(mu2, phi), phi)[0]))
    return {
        "beta": M**2 * lam / A**2,
        "kappa_of_w": kappa_w,
        "premise_lambda_min": premise,     # U(0)=0 global iff lam >= this, i.e. beta >= 1/2
        "w2_min": sp.expand(w2min[0]),
        "mu2_min": mu2min,                 # = M^2 w2_min: the window opens at omega^2 = min mu^2
    }


def charge_energy_scaled() -> dict:
    """Q and E along the curve in units of M and A, from S(kappa), I2(kappa).

    Derived from ``S_omega = S(kappa) (M^2-omega^2)^(3/2)/A^2`` and
    ``Q = -dS_omega/domega``; returns the identity that ties ``I2`` to
    ``S`` and ``S'``.
    """
    S = sp.Function("S")
    r = tw.rescaling()
    S_om = S(r["kappa"]) * r["prefactor"]
    Qw = sp.simplify(-sp.diff(S_om, omega))
    # the same charge from the profile: Q = omega int phi^2 = omega a^2 b^3 I2
    I2 = sp.Symbol("I_2", positive=True)
    Q_profile = omega * r["a"] ** 2 * r["b"] ** 3 * I2
    I2_identity = sp.simplify(sp.solve(sp.Eq(Qw, Q_profile), I2)[0])
    return {"S_omega": S_om, "Q": Qw, "Q_profile": sp.simplify(Q_profile), "I2_identity": I2_identity,
            "Q_scaled": sp.simplify((Q_profile * A**2 / M**2).subs(omega, M * w)),
            "E_scaled": sp.simplify(((S_om + omega * Q_profile) * A**2 / M**3).subs(omega, M * w))}


@lru_cache(maxsize=None)
def thin_wall_quartic() -> dict:
    r"""Thin-wall Q-ball of the family, with the surface energy the paper neglects.

    At the minimum of mu^2 (``phi_0 = A/(2 lam)``, ``omega_0^2 = M^2 - A^2/(2 lam)``)
    ``U_{omega_0} = lam phi^2 (phi - phi_0)^2`` is degenerate; the wall tension
    is ``sigma = int_0^{phi_0} sqrt(2 U_{omega_0}) dphi``.  The energy of a ball
    of radius R, ``E = Q^2/(2 phi_0^2 V) + U(phi_0) V + 4 pi R^2 sigma``, is
    minimised; to first order in the surface term (envelope theorem) the mass is
    ``M_Q = Q omega_0 + 4 pi sigma R_0^2`` with the volume-only radius R_0.
    """
    phi = sp.Symbol("phi", positive=True)
    R = sp.Symbol("R", positive=True)
    U = M**2 * phi**2 / 2 - A * phi**3 + lam * phi**4
    mu2 = sp.cancel(2 * U / phi**2)
    phi0 = sp.solve(sp.diff(mu2, phi), phi)[0]
    w0 = sp.sqrt(sp.simplify(mu2.subs(phi, phi0)))
    Uw0 = sp.factor(U - w0**2 * phi**2 / 2)
    sigma = sp.simplify(sp.integrate(sp.sqrt(2 * lam) * phi * (phi0 - phi), (phi, 0, phi0)))
    assert sp.simplify(Uw0 - lam * phi**2 * (phi - phi0) ** 2) == 0
    U0 = sp.simplify(U.subs(phi, phi0))
    V = 4 * sp.pi * R**3 / 3
    E = Q**2 / (2 * phi0**2 * V) + U0 * V + 4 * sp.pi * R**2 * sigma
    R0 = sp.simplify((3 * Q / (4 * sp.pi * sp.sqrt(2 * U0) * phi0)) ** sp.Rational(1, 3))
    M0 = sp.simplify(Q * w0)
    M1 = sp.simplify(M0 + 4 * sp.pi * sigma * R0**2)
    return {"phi0": phi0, "omega0": w0, "U_omega0": Uw0, "sigma": sigma, "E_of_R": E,
            "R0": R0, "M_Q0": M0, "M_Q1": M1}


@lru_cache(maxsize=None)
def quartic_correction(order: int = 8) -> dict:
    r"""First-order correction in ``lam`` to the thick-wall mass.

    ``S(kappa) = S_0 + S_1 kappa + O(kappa^2)``; at fixed Q the stationary
    value of ``E(omega)`` shifts by the perturbation evaluated on the
    unperturbed solution (envelope theorem):
    ``delta M_Q = lam S_1 (M^2-omega_0^2)^(5/2)/A^4``.  In units of ``Q M``,
    ``delta M_Q/(Q M) = beta (S_1/(3 S_0)) s^5/epsilon`` with
    ``s = sqrt(1-w_0^2) = epsilon (1 + epsilon^2/2 + ...)``.
    Returns the closed form and its epsilon-series (coefficients of
    ``beta S_1/S_0``).
    """
    s = sp.sqrt(1 - tw.branches()["w2_minimum"])
    delta = lam * S1 * (M**2 * s**2) ** sp.Rational(5, 2) / A**4
    # eliminate Q through epsilon = Q A^2/(3 S_0 M^2)
    rel = sp.simplify(delta / (Q * M)).subs(Q, 3 * S0 * M**2 * eps / A**2)
    rel = sp.simplify(rel.subs(lam, beta * A**2 / M**2))
    unit = sp.simplify(rel / (beta * S1 / S0))
    ser = sp.series(unit, eps, 0, order + 1).removeO()
    p = sp.Poly(ser, eps)
    return {"delta_closed": rel, "coefficient_series": {k[0]: c for k, c in zip(p.monoms(), p.coeffs())},
            "unit": unit}
