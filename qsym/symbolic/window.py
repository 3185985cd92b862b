r"""The Q-ball window of a single-field potential: where omega may lie (SymPy only).

A bounce of ``U_omega`` exists iff the origin is a local minimum of
``U_omega`` (``omega < m/|q|``) and ``U_omega < 0`` somewhere
(``omega^2 > min mu^2``).  So Q-balls exist for
``omega_min^2 = min_{phi != 0} mu^2 < omega^2 < omega_max^2 = m^2/q^2``,
with the thin-wall end at ``omega_min`` and the thick-wall end at ``omega_max``.

>>> from qsym.symbolic.potential import Potential
>>> P = Potential("phi**2/2 - phi**3 + 3*phi**4/5", ["phi"])
>>> qball_window(P)["omega_min2"], qball_window(P)["omega_max2"]
(1/6, 1)
"""

from __future__ import annotations

import sympy as sp

from qsym.errors import InputError, NoSolutionError
from qsym.symbolic.potential import Potential

__all__ = ["qball_window", "window_limits", "is_rational_mu2"]

#: digits at which a sign that SymPy cannot decide exactly is evaluated (then doubled once)
SIGN_DIGITS = 50


def _sign(x) -> int:
    """The sign of an exact real number: exact where SymPy can decide it, else from a
    certified-precision evaluation (``evalf`` with ``strict``) at SIGN_DIGITS and twice that;
    never a double-precision comparison against an absolute threshold."""
    x = sp.nsimplify(x) if isinstance(x, sp.Float) else x
    if x.is_zero or (x.is_number and sp.simplify(x) == 0):
        return 0
    if x.is_positive:
        return 1
    if x.is_negative:
        return -1
    for n in (SIGN_DIGITS, 2 * SIGN_DIGITS):
        try:
            v = x.evalf(n, strict=True)
        except (sp.PrecisionExhausted, TypeError, ValueError):
            continue
        if v.is_comparable and v != 0:
            return 1 if v > 0 else -1
    raise InputError(f"cannot decide the sign of {x} (an exact value at the edge of the window)")


def _one_charged_field(P: Potential, who: str):
    """``(phi, U(phi), q)`` of a one-field potential with values for every parameter and a nonzero charge
    (``phi`` a positive symbol); InputError naming the problem otherwise."""
    if len(P.fields) != 1:
        raise InputError(f"{who} handles one field; use qsym.mu2_minimum for several")
    if P.free_parameters():
        raise InputError("parameters without values: " + ", ".join(p.name for p in P.free_parameters()))
    phi = sp.Symbol(P.fields[0].name, positive=True)
    q = P.charges[0]
    if q == 0:
        raise InputError("the field carries no U(1) charge")
    return phi, P.U().subs(P.fields[0], phi), q


def qball_window(P: Potential) -> dict:
    r"""``omega_min^2``, ``omega_max^2`` (exact where SymPy can), ``phi_at_min``, ``charge``.

    Raises NoSolutionError when the window is empty (``min mu^2`` not below
    the origin value) and InputError when U is negative somewhere (a deeper
    vacuum than the origin: no Q-ball can be stable) or unbounded below.

    .. math:: \omega_{\min}^2 = \min_{\phi\neq 0} \mu^2(\phi) < \omega^2 < \omega_{\max}^2
              = \lim_{\phi\to 0}\mu^2, \qquad \mu^2 = \frac{2U}{q^2\phi^2}

    >>> from qsym import Potential
    >>> w = qball_window(Potential("phi**2/2 - phi**3 + phi**4", fields="phi"))
    >>> w["omega_min2"], w["omega_max2"], w["phi_at_min"]
    (1/2, 1, 1/2)
    """
    phi, U, q = _one_charged_field(P, "qball_window")
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
            raise InputError("mu^2 is not rational in the field (non-polynomial U): its window is found "
                             "numerically by qsym.api.solve.window_numeric (limits from window_limits)")
    lead_inf = sp.limit(mu2, phi, sp.oo)
    if lead_inf == -sp.oo or (lead_inf.is_finite and lead_inf < 0):
        raise InputError("U is unbounded below (or negative) at large field: the origin is not the "
                         "global minimum, so no Q-ball is stable")
    vals = [(sp.simplify(mu2.subs(phi, r)), r) for r in cands]
    neg = [(v, r) for v, r in vals if _sign(v) < 0]
    if neg:
        r = neg[0][1]
        raise InputError(f"U < 0 at phi = {sp.N(r, 6)} (U has a vacuum deeper than the origin): "
                         "no Q-ball can be stable")
    if lead_inf.is_finite and _sign(lead_inf - top) < 0 and all(_sign(v - lead_inf) >= 0 for v, _ in vals):
        # mu^2 falls towards its limit at infinity (a plateau of U/phi^2): the infimum is not attained
        return {"omega_min2": lead_inf, "omega_max2": top, "phi_at_min": sp.oo, "charge": q, "mu2": mu2,
                "attained": False}
    if not vals or all(_sign(v - top) >= 0 for v, _ in vals):
        raise NoSolutionError(f"no Q-ball window: min mu^2 is not below its origin value {top} "
                              "(U_omega never has a bounce)")
    vmin, at = vals[0]
    for v, r in vals[1:]:
        if _sign(v - vmin) < 0:
            vmin, at = v, r
    return {"omega_min2": vmin, "omega_max2": top, "phi_at_min": at, "charge": q, "mu2": mu2}


def is_rational_mu2(P: Potential) -> bool:
    """True when mu^2 of a one-field potential is a rational function of the field (U a
    polynomial or rational function): then :func:`qball_window` decides the window exactly."""
    var, U = P.single_field()
    return bool(sp.cancel(U).is_rational_function(var))


def _field_scale(U, phi):
    """Where U departs from its quadratic term: ``min_k (c_2/|c_k|)^(1/(k-2))`` over the first
    Taylor coefficients at the origin, or 1 when U has no Taylor series there."""
    try:
        ser = sp.series(U, phi, 0, 9).removeO()
        p = sp.Poly(ser, phi)
    except (sp.PolynomialError, ValueError, NotImplementedError, TypeError):
        return sp.Integer(1)
    c = {k[0]: v for k, v in zip(p.monoms(), p.coeffs())}
    c2 = c.get(2, 0)
    if not (c2.is_number and c2 > 0):
        return sp.Integer(1)
    cands = [(c2 / abs(v)) ** sp.Rational(1, k - 2) for k, v in c.items() if k >= 3 and v.is_number and v != 0]
    return min(cands, key=lambda v: float(v)) if cands else sp.Integer(1)


def window_limits(P: Potential) -> dict:
    r"""The analytic ends of the window of any one-field potential: ``mu^2`` and its limits.

    Returns ``mu2`` (in the positive symbol ``phi``), ``omega_max2 = lim_{phi->0+} mu^2``
    (``oo`` for a potential such as ``phi^2 log phi^2`` with no mass term: every omega is below
    it), ``mu2_inf = lim_{phi->oo} mu^2`` (0 for a logarithmic plateau: the infimum of mu^2 is
    then approached, never attained), ``charge``, ``phi`` and ``scale`` (the field scale where U
    departs from its quadratic form, 1 when U has no Taylor series at the origin).

    Raises InputError when U is unbounded below or negative at large field (mu^2 -> -oo or a
    negative limit) or when the origin is not a minimum (a negative limit at 0).

    .. math:: \omega_{\max}^2 = \lim_{\phi\to 0^+} \frac{2U}{q^2\phi^2}, \qquad
              \mu^2_\infty = \lim_{\phi\to\infty} \frac{2U}{q^2\phi^2}

    >>> from sympy import oo
    >>> w = window_limits(Potential("log(1 + phi**2)", fields="phi"))
    >>> w["omega_max2"], w["mu2_inf"]
    (2, 0)
    """
    phi, U, q = _one_charged_field(P, "window_limits")
    mu2 = sp.expand(2 * U / (q**2 * phi**2))
    try:
        top = sp.limit(mu2, phi, 0, "+")
        tail = sp.limit(mu2, phi, sp.oo)
    except (NotImplementedError, ValueError, TypeError) as exc:
        raise InputError(f"the limits of mu^2 = 2U/(q^2 phi^2) at 0 and infinity cannot be decided "
                         f"({type(exc).__name__}): the window is undecided") from None
    for name, v in (("0", top), ("infinity", tail)):
        if isinstance(v, sp.AccumBounds) or v is sp.nan or not (v.is_extended_real or v.is_number):
            raise InputError(f"mu^2 = 2U/(q^2 phi^2) has no limit at phi -> {name} ({v}): the window is undecided")
    if tail == -sp.oo or (tail.is_finite and _sign(tail) < 0):
        raise InputError("U is unbounded below (or negative) at large field: the origin is not the "
                         "global minimum, so no Q-ball is stable")
    if top == -sp.oo or (top.is_finite and _sign(top) <= 0):
        raise InputError(f"lim mu^2 at the origin is {top}: the origin is not a minimum of U with a "
                         "positive mass, no Q-ball window")
    return {"mu2": mu2, "omega_max2": top, "mu2_inf": tail, "charge": q, "phi": phi, "U": U,
            "scale": _field_scale(U, phi)}
