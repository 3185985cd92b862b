r"""Flat directions: the plateau law of large Q-balls and the gausson (SymPy only).

**Plateau (gauge mediation).**  For ``U = m^4 log(1 + phi^2/m^2)`` the potential flattens at large
field, mu^2 = 2U/phi^2 -> 0, and large Q-balls are plateau balls.  The reading used here (the
"thin-wall-like plateau argument"): inside a ball of radius R the field is free,
``phi = phi_0 sin(omega r)/(omega r)`` with ``phi(R) = 0`` (``omega R = pi``), and the potential
contributes a vacuum energy ``V_0`` per volume, ``V_0`` the plateau height averaged over the core.
SymPy derives (:func:`derive_plateau`)

.. math:: Q = 2\phi_0^2 R^2, \qquad E(R) = \frac{\pi Q}{R} + \frac{4\pi}{3} V_0 R^3, \qquad
          R^4 = \frac{Q}{4V_0}, \qquad M_Q = \frac{4\sqrt2\,\pi}{3} V_0^{1/4} Q^{3/4} .

For a strictly flat plateau ``V_0 = m^4`` this is ``M_Q = C m Q^{3/4}``, ``C = 4 sqrt(2) pi/3``
(Dvali, Kusenko, Shaposhnikov 1998).  The logarithmic plateau is not flat: averaged over the
core, ``V_0 = m^4 (log(phi_0^2/m^2) + c_f)`` with ``c_f = 3 int_0^1 x^2 log(sin^2(pi x)/(pi x)^2) dx``
and ``phi_0^2 = sqrt(Q V_0)``, so ``v = V_0/m^4`` solves ``v = log(Q v)/2 + c_f`` (a Lambert W,
:func:`plateau_law`): ``M_Q = C m v^{1/4} Q^{3/4}``, with relative corrections of order
``1/v ~ 2/log Q`` (the force ``U' = 2 m^4/phi`` inside the core, neglected by the argument).

**Gausson (gravity mediation).**  For ``U = m^2 phi^2 (1 + K log(phi^2/M^2))`` with ``K < 0`` the
Q-ball equation in d space dimensions has the exact solution (:func:`gausson`)

.. math:: \phi(r) = A\, e^{-|K| m^2 r^2}, \qquad
          \log\frac{A^2}{M^2} = \frac{2m^2(1 + |K|(d - 1)) - \omega^2}{2|K|m^2},

a Gaussian of width ``sigma^2 = 1/(2|K| m^2)`` (``phi ~ exp(-r^2/(2 sigma^2))``) for every omega,
with ``Q = omega A^2 (pi/(2|K|m^2))^(d/2)`` and E in closed form.

Conventions: qsym's amplitude ``phi`` is that of ``Phi = phi(r) e^{i omega t}`` with kinetic
term ``|d Phi|^2/2``; the literature's canonical ``Phi_lit`` (kinetic ``|d Phi_lit|^2``) is
``|Phi_lit| = phi/sqrt(2)``, so ``U_lit(|Phi_lit|)`` is the qsym potential ``U_lit(phi/sqrt(2))``
(same Q, same E).  E.g. ``m^4 log(1 + |Phi|^2/m^2)`` is ``m**4*log(1 + phi**2/(2*m**2))``.

>>> law = plateau_law()
>>> law["C"]
4*sqrt(2)*pi/3
"""

from __future__ import annotations

import functools

import sympy as sp

__all__ = ["derive_plateau", "core_constant", "plateau_law", "plateau_mass", "gausson", "lit_to_qsym"]

r, R, w, phi0, Q, V0, m, x = sp.symbols("r R omega phi_0 Q V_0 m x", positive=True)


@functools.lru_cache(maxsize=1)
def derive_plateau() -> dict:
    r"""The plateau argument, derived: profile, charge, energy, radius and mass of a flat plateau.

    Returns ``profile``, ``Q`` (of ``phi_0, R``), ``phi0_sq`` (of ``Q, R``), ``E_of_R``,
    ``R_star``, ``M`` (``= C V_0^(1/4) Q^(3/4)``), ``virial`` (gradient minus frequency energy of
    the free core, zero) and ``C``.

    .. math:: E = \frac12\int\phi'^2 + \frac{\omega^2}{2}\int\phi^2 + \frac{4\pi}{3}V_0R^3,
              \quad Q = \omega\int\phi^2, \quad \omega R = \pi

    >>> d = derive_plateau()
    >>> d["Q"], d["virial"]
    (2*R**2*phi_0**2, 0)
    """
    om = sp.pi / R
    prof = phi0 * sp.sin(om * r) / (om * r)
    vol = 4 * sp.pi * r**2
    I2 = sp.simplify(sp.integrate(prof**2 * vol, (r, 0, R)))
    grad = sp.simplify(sp.integrate(sp.diff(prof, r) ** 2 * vol, (r, 0, R)) / 2)
    Qexpr = sp.simplify(om * I2)
    p2 = sp.simplify(Q / (Qexpr / phi0**2))
    E = sp.simplify((grad + om**2 * I2 / 2).subs(phi0, sp.sqrt(p2)) + sp.Rational(4, 3) * sp.pi * V0 * R**3)
    Rs = [s for s in sp.solve(sp.diff(E, R), R) if s.is_positive][0]
    M = sp.simplify(E.subs(R, Rs))
    C = sp.simplify(M / (V0 ** sp.Rational(1, 4) * Q ** sp.Rational(3, 4)))
    return {"profile": prof, "Q": Qexpr, "phi0_sq": p2, "E_of_R": E, "R_star": Rs, "M": M,
            "virial": sp.simplify(grad - om**2 * I2 / 2), "C": C}


def core_constant() -> sp.Expr:
    r"""``c_f = 3 int_0^1 x^2 log(sin^2(pi x)/(pi x)^2) dx`` (an unevaluated integral; ``evalf`` it).

    .. math:: c_f = 3\int_0^1 x^2 \log\frac{\sin^2 \pi x}{(\pi x)^2}\, dx

    >>> round(float(core_constant().evalf(20)), 10)
    -3.3744689509
    """
    return 3 * sp.Integral(x**2 * sp.log(sp.sin(sp.pi * x) ** 2 / (sp.pi * x) ** 2), (x, 0, 1))


@functools.lru_cache(maxsize=1)
def plateau_law() -> dict:
    r"""The plateau law of ``U = m^4 log(1 + phi^2/m^2)``: ``C``, the equation of ``v = V_0/m^4``
    and its solution.

    Returns ``C`` (``4 sqrt(2) pi/3``), ``v_equation`` (``v - log(Q v)/2 - c_f``, zero),
    ``v`` (the principal Lambert-W solution, the large-Q branch), ``M`` (``C m v^(1/4)
    Q^(3/4)``), ``M_flat`` (``C m Q^(3/4)``, the strictly flat reading) and ``c_f``.

    .. math:: v = -\tfrac12 W_{-1}\!\big(-2 e^{-2c_f}/Q\big), \qquad M_Q = C\, m\, v^{1/4} Q^{3/4}

    >>> law = plateau_law()
    >>> e = law["v_equation"].subs(law["v_symbol"], law["v"])
    >>> abs(sp.N(e.subs({law["c_f_symbol"]: law["c_f"].evalf(30), Q: 10**6}), 30)) < 1e-25
    True
    """
    d = derive_plateau()
    C = d["C"]
    v = sp.Symbol("v", positive=True)
    cf = sp.Symbol("c_f", real=True)
    eq = v - sp.log(Q * v) / 2 - cf
    # v - log(v)/2 = log(Q)/2 + c_f  ->  v = -W(-2 e^(-2 c_f)/Q)/2 on the branch with v > 1/2
    sol = -sp.LambertW(-2 * sp.exp(-2 * cf) / Q, -1) / 2
    return {"C": C, "v_symbol": v, "c_f_symbol": cf, "v_equation": eq, "v": sol,
            "M": C * m * v ** sp.Rational(1, 4) * Q ** sp.Rational(3, 4),
            "M_flat": C * m * Q ** sp.Rational(3, 4), "c_f": core_constant()}


def plateau_mass(Qv, mv=1, digits: int = 30, flat: bool = False) -> sp.Float:
    r"""``M_Q`` of the plateau law at charge ``Qv`` and mass ``mv`` (SymPy Float, ``digits``).

    .. math:: M_Q = \frac{4\sqrt2\pi}{3} m\, v^{1/4} Q^{3/4}

    >>> round(float(plateau_mass(10**6, flat=True)), 6), round(float(plateau_mass(10**6)), 3)
    (187328.392828, 269089.005)
    """
    law = plateau_law()
    if flat:
        return sp.N(law["M_flat"].subs({m: mv, Q: Qv}), digits)
    cf = law["c_f"].evalf(digits + 5)
    v = sp.N(law["v"].subs({law["c_f_symbol"]: cf, Q: Qv}), digits + 5)
    return sp.N(law["M"].subs({law["v_symbol"]: v, m: mv, Q: Qv}), digits)


def gausson(d: int | sp.Symbol = 3) -> dict:
    r"""The exact Q-ball of ``U = m^2 phi^2 (1 + K log(phi^2/M^2))``, ``K = -k < 0``, in d dims.

    Returns the symbols (``k``, ``m``, ``M``, ``omega``, ``r``), ``U``, ``profile`` (``A
    exp(-k m^2 r^2)``), ``A2`` (``A^2`` of omega), ``residual`` (the radial equation
    ``phi'' + (d-1)/r phi' - U_omega'(phi)`` on the profile: zero), ``Q``, ``E`` (closed forms),
    ``dE_dQ_minus_omega`` (zero) and ``sigma2`` (``1/(2 k m^2)``).

    .. math:: \phi = A e^{-k m^2 r^2}, \quad
              Q = \omega A^2 \Big(\frac{\pi}{2 k m^2}\Big)^{d/2}, \quad \frac{dE}{dQ} = \omega

    >>> g = gausson(3)
    >>> g["residual"], g["dE_dQ_minus_omega"]
    (0, 0)
    """
    k, mm, MM = sp.symbols("k m M", positive=True)
    rr, om = sp.symbols("r omega", positive=True)
    A = sp.Symbol("A", positive=True)
    ph = sp.Symbol("phi", positive=True)
    U = mm**2 * ph**2 * (1 - k * sp.log(ph**2 / MM**2))
    Uw = U - om**2 * ph**2 / 2
    prof = A * sp.exp(-k * mm**2 * rr**2)
    A2 = MM**2 * sp.exp((2 * mm**2 * (1 + k * (d - 1)) - om**2) / (2 * k * mm**2))
    lap = sp.diff(prof, rr, 2) + (d - 1) / rr * sp.diff(prof, rr)
    res = lap - sp.diff(Uw, ph).subs(ph, prof)
    res = sp.simplify(sp.expand_log(res.subs(A, sp.sqrt(A2)), force=True))
    # integrals over R^d: int exp(-2 a r^2) d^d x = (pi/(2a))^(d/2), a = k m^2
    a = k * mm**2
    g0 = (sp.pi / (2 * a)) ** (sp.Rational(d, 2) if not isinstance(d, sp.Symbol) else d / 2)
    I2 = A2 * g0                                        # int phi^2
    grad = A2 * g0 * d * a                              # int phi'^2 = 4 a^2 <r^2> int phi^2
    # int U = m^2 int phi^2 (1 - k log(A^2/M^2) + 2 k a r^2), <r^2> = d/(4a)
    intU = mm**2 * I2 * (1 - k * sp.log(A2 / MM**2) + 2 * k * a * d / (4 * a))
    Qx = sp.simplify(om * I2)
    E = sp.simplify(grad / 2 + om**2 * I2 / 2 + intU)
    dEdQ = sp.simplify(sp.diff(E, om) / sp.diff(Qx, om) - om)
    return {"k": k, "m": mm, "M": MM, "omega": om, "r": rr, "U": U, "profile": prof, "A2": A2,
            "residual": res, "Q": Qx, "E": E, "dE_dQ_minus_omega": dEdQ, "sigma2": 1 / (2 * a)}


def lit_to_qsym(U_lit: sp.Expr, Phi: sp.Symbol, phi: sp.Symbol) -> sp.Expr:
    r"""A literature potential ``U_lit(|Phi|)`` (kinetic term ``|d Phi|^2``) as qsym's ``U(phi)``
    (kinetic ``|d Phi|^2/2``, ``Phi = phi e^{i omega t}``): ``|Phi_lit| = phi/sqrt(2)``.

    .. math:: U_{\rm qsym}(\phi) = U_{\rm lit}(\phi/\sqrt2)

    >>> P, p, mm = sp.symbols("Phi phi m", positive=True)
    >>> lit_to_qsym(mm**4 * sp.log(1 + P**2 / mm**2), P, p)
    m**4*log(1 + phi**2/(2*m**2))
    """
    return U_lit.subs(Phi, phi / sp.sqrt(2))
