r"""High-level Q-ball answers: the exact solution next to the thin- and thick-wall formulas.

This module joins the layers: it takes a :class:`~qsym.potential.Potential`,
asks the symbolic layer for the window and the approximations, evaluates
them through :mod:`qsym.bridge`, and calls the numeric solver
:mod:`qsym.qball`.  It returns plain dicts of mpf values (the CLI formats them).
"""

from __future__ import annotations

import mpmath
import sympy as sp

from . import thickwall as tw
from .bridge import OmegaFamily, check_dps, evaluate, mp_callable
from .errors import InputError
from .potential import Potential
from .qball import qball_at_omega, solve_charge
from .thinwall import Q as Qsym
from .thinwall import thin_wall
from .window import qball_window

__all__ = ["window_numeric", "thin_wall_estimate", "thick_wall_estimate", "qball", "qball_multi_charge",
           "s_psi_moments"]


def window_numeric(P: Potential, dps: int = 30) -> dict:
    """The omega window as mpf numbers, with the direction of the mu^2 minimum."""
    win = qball_window(P)
    return {"omega_min": evaluate(sp.sqrt(win["omega_min2"]), dps),
            "omega_max": evaluate(sp.sqrt(win["omega_max2"]), dps),
            "phi_at_min": evaluate(win["phi_at_min"], dps), "exact": win}


def thin_wall_estimate(P: Potential, Q, dps: int = 30) -> dict:
    r"""Eqs (10)-(11) at the minimum of mu^2, plus the surface-energy correction.

    The wall tension ``sigma = int_0^{phi_0} sqrt(2 U_{omega_0}) dphi`` is
    integrated numerically (tanh-sinh quadrature at ``dps``); to first order the
    mass is ``M_Q + 4 pi sigma R_0^2``.
    """
    win = qball_window(P)
    phi0 = win["phi_at_min"]
    tw_ = thin_wall(P, {P.fields[0].name: phi0})
    Qr = sp.nsimplify(Q) if not isinstance(Q, sp.Basic) else Q
    sub = {Qsym: Qr}
    w0 = sp.sqrt(win["omega_min2"])
    Uw0 = P.U_omega(w0)
    f = mp_callable(sp.sqrt(2 * sp.Max(Uw0, 0)), [P.fields[0]])
    with mpmath.workdps(2 * dps + 10):  # U_omega0 ~ (phi - phi0)^2 cancels half the digits near phi0
        sigma = mpmath.quad(f, [0, evaluate(phi0, 2 * dps + 10)])
    with mpmath.workdps(dps + 5):
        R0 = evaluate(tw_["R0"].subs(sub), dps + 5)
        M0 = evaluate(tw_["M_Q"].subs(sub), dps + 5)
        M1 = M0 + 4 * mpmath.pi * sigma * R0**2
        rms = mpmath.sqrt(mpmath.mpf(3) / 5) * R0   # uniform ball
        return {"mass": M0, "radius": R0, "rms_radius": rms, "omega": evaluate(w0, dps + 5),
                "sigma": sigma, "mass_surface_corrected": M1}


_SPSI: dict = {}


def s_psi_moments(dps: int = 30) -> dict:
    """``S_psi``, ``I2 = int psi^2``, ``I4 = int psi^4`` (d^3 xi) of ``psi^2/2 - psi^3``."""
    if dps not in _SPSI:
        from .bounce.single import solve_bounce
        from .bridge import numeric_1d
        psi = sp.Symbol("psi")
        b = solve_bounce(numeric_1d(psi**2 / 2 - psi**3, psi), dim=3, dps=dps)
        with mpmath.workdps(dps + 5):
            R = mpmath.mpf(b.R_match)
            I4 = 4 * mpmath.pi * mpmath.quad(lambda r: r**2 * b.profile(r) ** 4, [0, R / 4, R / 2, R, mpmath.inf])
        _SPSI[dps] = {"S": b.action, "I2": b.charge_integral, "I4": I4, "error": b.error}
    return _SPSI[dps]


def _canonical_coeffs(P: Potential):
    """(M^2, A, lam) if U = M^2 phi^2/2 - A phi^3 + lam phi^4 exactly, else None."""
    phi = P.fields[0]
    try:
        p = sp.Poly(sp.expand(P.U()), phi)
    except sp.PolynomialError:
        return None
    if p.free_symbols - {phi} or p.degree() > 4:
        return None
    c = {k[0]: v for k, v in zip(p.monoms(), p.coeffs())}
    if set(c) - {2, 3, 4} or 3 not in c:
        return None
    return 2 * c.get(2, 0), -c[3], c.get(4, 0)


def thick_wall_estimate(P: Potential, Q, dps: int = 30, order: int | None = None) -> dict:
    r"""Paper sec. 3 for ``U = M^2 phi^2/2 - A phi^3 + lam phi^4``: closed form (or series of ``order``).

    Returns mass, radius (= ``1/sqrt(M^2 - omega^2)``), omega, epsilon and
    ``valid`` (epsilon <= 1/2); with the first-order quartic correction
    ``mass_quartic_corrected``.
    """
    co = _canonical_coeffs(P)
    if co is None:
        return {"valid": False, "reason": "the thick-wall formulas need U = M^2 phi^2/2 - A phi^3 + lam phi^4"}
    M2, A, lam = co
    if P.charges[0] != 1:
        return {"valid": False, "reason": "the thick-wall formulas of sec. 3 assume unit charge"}
    mom = s_psi_moments(dps)
    with mpmath.workdps(dps + 5):
        Mn, An, ln = evaluate(sp.sqrt(M2), dps + 5), abs(evaluate(A, dps + 5)), evaluate(lam, dps + 5)
        eps = mpmath.mpf(Q) * An**2 / (3 * mom["S"] * Mn**2)
        out = {"epsilon": +eps, "S_psi": +mom["S"]}
        if eps > mpmath.mpf(1) / 2:
            out.update(valid=False, reason=f"epsilon = {mpmath.nstr(eps, 6)} > 1/2: no thick-wall minimum")
            return out

        def ev(quantity):
            if order is None:
                return mp_callable(tw.closed_form(quantity), [tw.eps])(eps)
            return sum(mpmath.mpf(c.p) / c.q * eps**k for k, c in tw.series(quantity, order).items())

        mass = mpmath.mpf(Q) * Mn * ev("mass")
        omega = Mn * ev("omega")
        radius = 1 / (eps * Mn * ev("radius"))
        # first-order quartic correction: delta M = lam S_1 (M^2 - omega^2)^(5/2) / A^4, S_1 = I4
        dM = ln * mom["I4"] * (Mn**2 - omega**2) ** mpmath.mpf(2.5) / An**4
        out.update(valid=True, mass=mass, omega=omega, radius=radius, mass_quartic_corrected=mass + dM,
                   kappa=ln * (Mn**2 - omega**2) / An**2)
    return out


def _multi_evaluator(P: Potential, origin_value):
    """``evaluate(omega, dps) -> QBall`` from the multi-field engine."""
    from .bounce.multi import qball_multi
    from .qball import QBall

    def evaluate(w, dps):
        r = qball_multi(P, w, dps=dps)
        b = r.bounce
        with mpmath.workdps((dps or 15) + 5):
            wv = mpmath.mpf(r.omega)
            rad = 1 / mpmath.sqrt(mpmath.mpf(origin_value) - wv**2)
            return QBall(r.omega, r.charge, r.energy, b.action, rad if dps else float(rad), b.phi0,
                         r.error, dps, bounce=b)
    return evaluate


def qball_multi_charge(P: Potential, Q, dps: int = 20) -> dict:
    """Several fields: the Q-ball(s) of charge Q, next to the thin-wall result of sec. 2 for the same U.

    The window is ``sqrt(min mu^2) < omega < sqrt(lim_{phi->0} mu^2)`` from the certified
    minimum of :func:`qsym.existence.mu2_minimum`; the thin wall sits at its minimiser.
    """
    from .existence import mu2_minimum
    from .errors import NoSolutionError
    from .qball import solve_charge_with

    m = mu2_minimum(P, dps=dps + 10)
    if not m.qball_exists:
        raise NoSolutionError(f"no Q-ball: min mu^2 = {mpmath.nstr(m.mu2_min, 8)} is not below its origin "
                              f"value {mpmath.nstr(m.origin_value, 8)}")
    with mpmath.workdps(dps + 10):
        window = (mpmath.sqrt(m.mu2_min), mpmath.sqrt(m.origin_value))
        m_per_charge = mpmath.sqrt(m.origin_value)
    Qr = sp.Rational(Q)          # exact charge (a Rational, int or decimal text)
    with mpmath.workdps(dps + 10):
        Qv = mpmath.mpf(Qr.p) / Qr.q
    sols = solve_charge_with(_multi_evaluator(P, m.origin_value), m_per_charge, Qv, window, dps)
    # thin wall (eqs (10)-(11)) at the minimiser of mu^2
    phi0 = {k: sp.Float(mpmath.nstr(v, dps + 10), dps + 10) for k, v in m.at.items()}
    tw_ = thin_wall(P, phi0)
    with mpmath.workdps(dps + 5):
        # M_Q = Q sqrt(mu^2(phi_0)) is stationary in phi_0: use the certified value, not the minimiser
        thin = {"mass": Qv * mpmath.sqrt(m.mu2_min),
                "radius": evaluate(tw_["R0"].subs(Qsym, Qr), dps + 5),
                "omega": mpmath.sqrt(m.mu2_min)}
    return {"solutions": sols, "window": {"omega_min": window[0], "omega_max": window[1]},
            "thin_wall": thin, "mu2": m,
            "thick_wall": {"valid": False, "reason": "the thick-wall formulas of sec. 3 are for one field"}}


def qball(P: Potential, Q, dps: int = 20) -> dict:
    """The Q-ball(s) of charge Q with the thin- and thick-wall comparisons (any number of fields)."""
    dps = check_dps(dps)
    from .potential import parse_value
    Qr = parse_value(Q)
    if not Qr.is_Rational:
        raise InputError(f"the charge must be a rational number, got {Q!r}")
    if not Qr > 0:
        raise InputError(f"the charge must be positive, got {Q}")
    with mpmath.workdps(dps + 10):
        Qv = mpmath.mpf(Qr.p) / Qr.q
    if len(P.fields) > 1:
        return qball_multi_charge(P, Qr, dps)
    win = window_numeric(P, dps + 10)
    fam = OmegaFamily(P)
    sols = solve_charge(fam, Qv, (win["omega_min"], win["omega_max"]), dps=dps)
    return {"solutions": sols, "window": win, "thin_wall": thin_wall_estimate(P, Qr, dps),
            "thick_wall": thick_wall_estimate(P, Qv, dps), "family": fam}


def qball_omega(P: Potential, omega, dps: int = 20):
    """The Q-ball at a given omega (inside the window)."""
    return qball_at_omega(OmegaFamily(P), omega, dps)
