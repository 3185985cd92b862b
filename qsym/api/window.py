r"""The omega window of a one-field potential as numbers (exact where SymPy decides it; for a non-polynomial
U the SymPy limits at 0 and infinity and an Arb-ball branch and bound of mu^2 in between).

.. math:: \omega_{\min}^2 = \inf_{\phi>0} \frac{2U}{q^2\phi^2} < \omega^2 < \omega_{\max}^2
"""

from __future__ import annotations

import mpmath
import sympy as sp

from qsym.bridge import evaluate
from qsym.errors import InputError
from qsym.symbolic.potential import Potential
from qsym.symbolic.window import qball_window

__all__ = ["window_numeric"]


def window_numeric(P: Potential, dps: int = 30) -> dict:
    r"""The omega window as mpf numbers, with the field of the mu^2 minimum.

    Exact (SymPy) when mu^2 is rational in the field; otherwise the limits of mu^2 at 0 and
    infinity are SymPy's and its minimum in between comes from the certified branch and bound of
    :mod:`qsym.numeric.qball.window`.  Keys: ``omega_min``, ``omega_max`` (``inf`` when mu^2
    grows without bound at the origin), ``phi_at_min`` (None when the infimum is approached at
    infinity and not attained, e.g. ``omega_min = 0`` for a logarithmic plateau: Q-balls exist
    for every ``0 < omega < omega_max``, with Q -> infinity as omega -> 0), ``certified``,
    ``attained``, ``notes`` and ``exact`` (the dict of :func:`qsym.symbolic.window.qball_window`
    form, with Floats where the value is numeric).

    .. math:: \omega_{\min}^2 = \inf_{\phi>0} \frac{2U}{q^2\phi^2}, \qquad
              \omega_{\max}^2 = \lim_{\phi\to 0^+} \frac{2U}{q^2\phi^2}

    >>> import qsym
    >>> w = window_numeric(qsym.Potential("log(1 + phi**2)", fields="phi"), 15)
    >>> float(w["omega_min"]), round(float(w["omega_max"])**2, 12), w["phi_at_min"], w["attained"]
    (0.0, 2.0, None, False)
    """
    from qsym.symbolic.window import is_rational_mu2
    if len(P.fields) != 1 or is_rational_mu2(P):
        win = qball_window(P)
        attained = win.get("attained", True)
        notes = () if attained else (f"inf mu^2 = {win['omega_min2']} is approached as phi -> infinity and not "
                                     "attained: Q-balls exist down to omega_min (excluded), with Q -> infinity "
                                     "there",)
        return {"omega_min": evaluate(sp.sqrt(win["omega_min2"]), dps),
                "omega_max": evaluate(sp.sqrt(win["omega_max2"]), dps),
                "phi_at_min": None if win["phi_at_min"] == sp.oo else evaluate(win["phi_at_min"], dps),
                "exact": win, "certified": True, "attained": attained, "notes": notes}
    return _numeric_window(P, dps)


#: decades of field below / above the field scale searched by the branch and bound of mu^2
WINDOW_DECADES = (6, 10)


def _numeric_window(P: Potential, dps: int) -> dict:
    """The window of a non-polynomial one-field U: SymPy limits, Arb branch and bound between."""
    from qsym.bridge import arb_program
    from qsym.errors import NoSolutionError
    from qsym.numeric.qball.window import mu2_minimum
    from qsym.symbolic.window import window_limits
    lim = window_limits(P)
    prog = arb_program(lim["mu2"], lim["phi"])
    if prog is None:
        raise InputError("U uses a function the ball arithmetic cannot evaluate: the Q-ball window "
                         "is undecided")
    scale = float(evaluate(lim["scale"], 15))
    a, b = scale * 10.0 ** -WINDOW_DECADES[0], scale * 10.0 ** WINDOW_DECADES[1]
    r = mu2_minimum(prog, a, b, dps + 10)
    if r["mu2_min"] is None:
        raise InputError("mu^2 cannot be evaluated on phi > 0: the Q-ball window is undecided")
    top, tail = lim["omega_max2"], lim["mu2_inf"]
    notes = []
    if not r["certified"]:
        notes.append("the minimum of mu^2 is not certified by the ball arithmetic (found by sampling)")
    with mpmath.workdps(dps + 10):
        topv = mpmath.inf if top == sp.oo else evaluate(top, dps + 10)
        tailv = mpmath.inf if tail == sp.oo else evaluate(tail, dps + 10)
        vmin, at = r["mu2_min"], r["at"]
        low = r["lower"] if r["lower"] is not None else vmin
        attained = True
        if r["edge"] == "hi" and tailv <= vmin:
            # mu^2 still falls at the end of the range: the infimum is its limit at infinity
            vmin, at, attained, low = tailv, None, False, tailv
            notes.append(f"inf mu^2 = {tail} is approached as phi -> infinity and not attained: Q-balls "
                         "exist down to omega_min (excluded), with Q -> infinity there")
        if low < 0 and vmin < 0:
            raise InputError(f"U < 0 at phi = {mpmath.nstr(mpmath.mpf(at), 6)} (U has a vacuum deeper than "
                             "the origin): no Q-ball can be stable")
        if r["edge"] == "lo" or not vmin < topv:
            raise NoSolutionError(f"no Q-ball window: inf mu^2 is not below its origin value {top} "
                                  "(U_omega never has a bounce)")
        if top == sp.oo:
            notes.append("mu^2 -> infinity at the origin: omega_max is infinite (no mass gap; U has no "
                         "Taylor series at phi = 0)")
        om2 = sp.Integer(0) if (not attained and tail == 0) else (
            tail if not attained else sp.Float(mpmath.nstr(vmin, dps + 10), dps + 10))
        exact = {"omega_min2": om2, "omega_max2": top,
                 "phi_at_min": sp.Float(mpmath.nstr(mpmath.mpf(at), dps + 10), dps + 10) if attained else sp.oo,
                 "charge": lim["charge"], "mu2": lim["mu2"]}
        return {"omega_min": mpmath.sqrt(vmin), "omega_max": mpmath.sqrt(topv),
                "phi_at_min": mpmath.mpf(at) if attained else None, "exact": exact,
                "certified": bool(r["certified"]), "attained": attained, "notes": tuple(notes),
                "mu2_lower": low}
