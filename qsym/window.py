r"""The Q-ball window of a single-field potential: where omega may lie (SymPy only).

A bounce of ``U_omega`` exists iff the origin is a local minimum of
``U_omega`` (``omega < m/|q|``) and ``U_omega < 0`` somewhere
(``omega^2 > min mu^2``).  So Q-balls exist for
``omega_min^2 = min_{phi != 0} mu^2 < omega^2 < omega_max^2 = m^2/q^2``,
with the thin-wall end at ``omega_min`` and the thick-wall end at ``omega_max``.

>>> from qsym.potential import Potential
>>> P = Potential("phi**2/2 - phi**3 + 3*phi**4/5", ["phi"])
>>> qball_window(P)["omega_min2"], qball_window(P)["omega_max2"]
(1/6, 1)
"""

from __future__ import annotations

import sympy as sp

from .errors import InputError, NoSolutionError
from .potential import Potential

__all__ = ["qball_window"]


def qball_window(P: Potential) -> dict:
    """``omega_min^2``, ``omega_max^2`` (exact where SymPy can), ``phi_at_min``, ``charge``.

    Raises NoSolutionError when the window is empty (``min mu^2`` not below
    the origin value) and InputError when U is negative somewhere (a deeper
    vacuum than the origin: no Q-ball can be stable) or unbounded below.
    """
    if len(P.fields) != 1:
        raise InputError("qball_window handles one field; use qsym.existence for several")
    if P.free_parameters():
        raise InputError("parameters without values: " + ", ".join(p.name for p in P.free_parameters()))
    phi = sp.Symbol(P.fields[0].name, positive=True)
    U = P.U().subs(P.fields[0], phi)
    q = P.charges[0]
    if q == 0:
        raise InputError("the field carries no U(1) charge")
    mu2 = sp.cancel(2 * U / (q**2 * phi**2))
    top = P.mu2_origin()
    # stationary points of mu^2 on phi > 0, then the global minimum among them and the ends
    num = sp.numer(sp.together(sp.diff(mu2, phi)))
    cands = []
    poly = None
    try:
        poly = sp.Poly(num, phi)
    except sp.PolynomialError:
        pass
    if poly is not None and poly.free_symbols <= {phi} and all(c.is_Rational for c in poly.all_coeffs()):
        cands = [r for r in poly.real_roots() if r > 0]
    else:
        cands = [r for r in sp.nroots(num, n=30) if r.is_real and r > 0] if poly is not None else []
        if poly is None:
            raise InputError("the Q-ball window needs mu^2 with polynomial stationarity conditions")
    lead_inf = sp.limit(mu2, phi, sp.oo)
    if lead_inf == -sp.oo or (lead_inf.is_finite and lead_inf < 0):
        raise InputError("U is unbounded below (or negative) at large field: the origin is not the "
                         "global minimum, so no Q-ball is stable")
    vals = [(sp.simplify(mu2.subs(phi, r)), r) for r in cands]
    if any(sp.N(v) < 0 for v, _ in vals):
        v, r = min(vals, key=lambda t: sp.N(t[0]))
        raise InputError(f"U < 0 at phi = {sp.N(r, 6)} (U has a vacuum deeper than the origin): "
                         "no Q-ball can be stable")
    if not vals or all(sp.N(v - top) >= 0 for v, _ in vals):
        raise NoSolutionError(f"no Q-ball window: min mu^2 is not below its origin value {top} "
                              "(U_omega never has a bounce)")
    vmin, at = min(vals, key=lambda t: sp.N(t[0]))
    return {"omega_min2": vmin, "omega_max2": top, "phi_at_min": at, "charge": q, "mu2": mu2}
