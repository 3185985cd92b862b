r"""Section 1 from first principles: charge, energy, Lagrange multiplier, mu^2.

Starting only from the charge (1), the energy (2) and the ansatz (6) of the
paper, SymPy derives the charge of the ansatz (7), the decomposition (3)=(4)
with the effective potential (5), the functional (8) and the existence
function (9).  Every function returns SymPy objects; the audit compares them
with the printed equations.

Complex fields are written ``phi_k = u_k(t) + i v_k(t)`` with real ``u, v``
for the general identities, and ``phi_k = exp(i q_k omega t) f_k`` (real
``f_k``) for the ansatz.  This module imports SymPy only.

>>> d = derive_section1(2)
>>> d["charge_density"]
omega*(f_1**2*q_1**2 + f_2**2*q_2**2)
>>> d["identity_3_eq_4"]
0
"""

from __future__ import annotations

import sympy as sp

__all__ = ["charge_density", "energy_density", "derive_section1", "printed_section1"]

t = sp.Symbol("t", real=True)
omega = sp.Symbol("omega", positive=True)


def _fields(n):
    q = sp.symbols(f"q_1:{n + 1}", real=True)
    f = sp.symbols(f"f_1:{n + 1}", real=True)
    return q, f


def _pointwise(n):
    """Complex fields and their time derivatives at one instant: u + i v, u' + i v'."""
    u = sp.symbols(f"u_1:{n + 1}", real=True)
    v = sp.symbols(f"v_1:{n + 1}", real=True)
    du = sp.symbols(f"udot_1:{n + 1}", real=True)
    dv = sp.symbols(f"vdot_1:{n + 1}", real=True)
    return ([a + sp.I * b for a, b in zip(u, v)], [a + sp.I * b for a, b in zip(du, dv)])


def charge_density(phi, dphi, q) -> sp.Expr:
    r"""Eq (1) integrand: ``sum_k q_k (1/2i) (phi_k^* d_t phi_k - phi_k d_t phi_k^*)``."""
    return sp.Add(*[qk * (sp.conjugate(p) * dp - p * sp.conjugate(dp)) / (2 * sp.I)
                    for p, dp, qk in zip(phi, dphi, q)])


def energy_density(dphi, U) -> sp.Expr:
    r"""Eq (2) integrand without gradients: ``1/2 sum |d_t phi_k|^2 + U``."""
    return sp.Add(*[dp * sp.conjugate(dp) / 2 for dp in dphi]) + U


def derive_section1(n: int = 2) -> dict:
    r"""Derive eqs (3)-(9) for ``n`` fields; returns a dict of SymPy objects.

    Keys: ``charge_density`` (of the ansatz, eq (7) integrand),
    ``kinetic_term`` (first term of (4), general), ``U_omega_shift`` (what
    (4) subtracts from U, i.e. eq (5)), ``identity_3_eq_4`` (difference of
    the integrands of (3) and (4) with the printed (5), zero), ``ansatz_kinetic`` (first term of
    (4) on the ansatz, zero), ``shift_has_velocity`` (False: the remainder
    is a potential term), ``ansatz_solution`` (general solution of the
    condition that makes the first term vanish, eq (6)), ``mu2`` (the
    omega^2 at which ``U_omega`` changes sign, eq (9)), ``dEdomega``.

    .. math:: Q = \frac{1}{2i}\int d^3x \sum_k (\phi_k^*\partial_t\phi_k - \phi_k\partial_t\phi_k^*),
              \qquad \mu^2 = \frac{2U}{\sum_k q_k^2 f_k^2}

    >>> derive_section1(1)["mu2"]
    2*U/(f_1**2*q_1**2)
    """
    q, f = _fields(n)
    U, Qs = sp.Symbol("U", real=True), sp.Symbol("Q", positive=True)
    phi, dphi = _pointwise(n)
    # general identity (3) == (4): integrands without the common gradient term
    lhs = energy_density(dphi, U) + omega * (Qs - charge_density(phi, dphi, q))

    def kinetic(ph, dph):
        return sp.Add(*[(dp - sp.I * omega * qk * p) * sp.conjugate(dp - sp.I * omega * qk * p) / 2
                        for p, dp, qk in zip(ph, dph, q)])

    kin = kinetic(phi, dphi)
    # what is left of U once the first term of (4) and omega*Q are split off: eq (5)
    shift = sp.simplify(sp.expand(lhs - kin - U - omega * Qs))
    vel = set().union(*[dp.free_symbols for dp in dphi])
    shift_has_velocity = bool(shift.free_symbols & vel)  # must be False: (5) is a potential term
    # (3) == (4) with the *printed* eq (5): an independent check of the decomposition
    printed5 = -omega**2 / 2 * sp.Add(*[qk**2 * p * sp.conjugate(p) for p, qk in zip(phi, q)])
    identity = sp.simplify(sp.expand(lhs - (kin + U + printed5 + omega * Qs)))
    # ansatz (6): phi_k = exp(i q_k omega t) f_k
    ans = [sp.exp(sp.I * qk * omega * t) * fk for qk, fk in zip(q, f)]
    dans = [sp.diff(p, t) for p in ans]
    rho = sp.simplify(sp.expand(charge_density(ans, dans, q)))
    kin_ans = sp.simplify(kinetic(ans, dans))
    # (6): d_t phi = i q omega phi  <=>  phi = exp(i q omega t) phi(x)
    g = sp.Function("g")
    sol = sp.dsolve(sp.Eq(sp.diff(g(t), t), sp.I * q[0] * omega * g(t)), g(t)).rhs
    # (9): U_omega(f) = U - omega^2/2 sum q^2 f^2 < 0  <=>  omega^2 > mu^2
    w2 = sp.Symbol("w2", positive=True)
    norm = sp.Add(*[qk**2 * fk**2 for qk, fk in zip(q, f)])
    mu2 = sp.solve(sp.Eq(U - w2 / 2 * norm, 0), w2)[0]
    # stationarity in omega of (8): dE_omega/domega = 0 reproduces the constraint
    # (8) on the ansatz: E_omega = [grad + U - omega^2/2 norm] + omega Q; d/domega of the
    # integrand gives -omega norm: stationarity reproduces Q = omega int norm, i.e. (7)
    dE = sp.diff(U - omega**2 / 2 * norm, omega)
    return {
        "charge_density": sp.factor_terms(rho),
        "kinetic_term": kin,
        "U_omega_shift": sp.factor_terms(shift),
        "identity_3_eq_4": identity,
        "shift_has_velocity": shift_has_velocity,
        "ansatz_kinetic": kin_ans,
        "ansatz_solution": sol,
        "mu2": mu2,
        "dEdomega": dE,
        "charges": q,
        "amplitudes": f,
        "norm": norm,
    }


def printed_section1(n: int = 2) -> dict:
    """The paper's printed eqs (5), (7), (9) for ``n`` fields, as SymPy objects."""
    q, f = _fields(n)
    U = sp.Symbol("U", real=True)
    return {
        "charge_density": omega * sp.Add(*[qk * fk**2 for qk, fk in zip(q, f)]),      # (7)
        "U_omega_shift": -omega**2 / 2 * sp.Add(*[qk**2 * (u**2 + v**2) for qk, u, v in  # (5)
                                                  zip(q, sp.symbols(f"u_1:{n + 1}", real=True),
                                                      sp.symbols(f"v_1:{n + 1}", real=True))]),
        "mu2": 2 * U / sp.Add(*[qk * fk**2 for qk, fk in zip(q, f)]),                 # (9)
    }
