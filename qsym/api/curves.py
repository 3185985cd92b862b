r"""Data of the report's figures: the exact M_Q/Q curve, its approximations, and profiles.

Everything here *computes* (double-precision bounces of :mod:`qsym.numeric.qball`, the
approximations through :mod:`qsym.bridge`); :mod:`qsym.report.figures` only plots what these
functions return.

The exact curve comes from double-precision bounces (relative error about 1e-13, far below a
plot's resolution) sampled adaptively in the chart ``u = log(Delta/(D - Delta))``,
``Delta = m^2 - omega^2`` of :func:`qsym.numeric.qball.qball_at_u`, which reaches both ends of
the window: points are added where the plotted polyline turns or where a segment is long, so the
curve has no corners.  The approximations are evaluated only inside their domains
(:func:`approximation_domains`).
"""

from __future__ import annotations

import math
from typing import Callable

import mpmath
import sympy as sp

from qsym.bridge import OmegaFamily, evaluate, mp_callable
from qsym.numeric.qball import qball_at_omega, qball_at_u
from qsym.symbolic import thickwall as tw
from qsym.symbolic.potential import Potential
from qsym.symbolic.window import qball_window

__all__ = ["canonical_curve", "approximation_domains", "approximation_curves", "profile_curves",
           "mass_unit", "DEFAULT_POTENTIAL", "THIN_WALL_RADII", "U_RANGE"]

#: the example of the report: M = A = 1, lambda = 3/5 (beta = lambda M^2/A^2 = 0.6)
DEFAULT_POTENTIAL = ("phi**2/2 - phi**3 + 3*phi**4/5", "phi")

#: the thin-wall formulas (P10)-(P11) are used where the radius R_0 is at least this many wall
#: thicknesses delta (see :func:`approximation_domains`)
THIN_WALL_RADII = 3

#: chart range of the exact curve: Delta/D from about 5e-5 (thick-wall end, Q ~ 0.1 for the default
#: potential) to 1 - 3e-4 (thin-wall end, Q ~ 1e10)
U_RANGE = (-10.0, 8.0)


def default_potential() -> Potential:
    """The report's example potential :data:`DEFAULT_POTENTIAL` as a Potential.

    .. math:: U = \tfrac12\varphi^2 - \varphi^3 + \tfrac35\varphi^4

    Examples
    --------
    >>> default_potential().U()
    3*phi**4/5 - phi**3 + phi**2/2
    """
    return Potential(DEFAULT_POTENTIAL[0], [DEFAULT_POTENTIAL[1]])


def mass_unit(P: Potential) -> float:
    r"""The mass ``m`` of the field quanta (curvature of U at the origin), as a float.

    .. math:: m = \sqrt{\partial^2 U/\partial\varphi^2|_0}

    Examples
    --------
    >>> mass_unit(default_potential())
    1.0
    """
    return math.sqrt(float(P.mass_matrix()[0, 0]))


def approximation_domains(P: Potential, s_psi=None, dps: int = 15) -> dict:
    r"""Where the thin- and thick-wall approximations apply, for a one-field potential.

    Thin wall (paper eqs (10)-(11)): the ball is a uniform core of radius
    ``R_0`` behind a wall of thickness ``delta``, which needs ``R_0 >> delta``.
    ``delta = phi_0^2/(6 sigma)`` with the wall tension
    ``sigma = int_0^phi_0 sqrt(2 U_omega0)``: the ``tanh`` width of the kink of
    ``U_omega0`` between 0 and ``phi_0`` (exact for a quartic double well, whose
    tension is ``phi_0^2/(6 delta)``).  We require ``R_0 >= THIN_WALL_RADII delta``;
    since ``R_0 ~ Q^(1/3)`` this is ``Q >= thin_Q_min``.

    .. math:: Q_\mathrm{thin} = (3\delta/R_0(1))^3, \qquad Q_\mathrm{thick} = \tfrac32 M^2 S_\psi / A^2

    Thick wall (paper sec. 3, for ``U = M^2 phi^2/2 - A phi^3 + lam phi^4``): the
    minimum of E(omega) exists for ``epsilon = Q A^2/(3 S_psi M^2) <= 1/2``, i.e.
    ``Q <= thick_Q_max`` (needs ``s_psi``; None when U is not of that form).

    Returns mpf/float numbers: ``delta``, ``R0_at_1`` (thin-wall radius at Q = 1),
    ``thin_Q_min``, ``thick_Q_max``.

    Examples
    --------
    >>> d = approximation_domains(default_potential(), s_psi=18.9)
    >>> round(float(d["thick_Q_max"]), 2)
    28.35
    """
    from qsym.api.solve import _canonical_coeffs, thin_wall_estimate
    win = qball_window(P)
    phi0 = evaluate(win["phi_at_min"], dps)
    t1 = thin_wall_estimate(P, 1, dps)
    out = {"delta": None, "R0_at_1": None, "thin_Q_min": None, "thick_Q_max": None}
    if t1.get("valid"):
        with mpmath.workdps(dps):
            delta = phi0**2 / (6 * t1["sigma"])
            out.update(delta=delta, R0_at_1=t1["radius"],
                       thin_Q_min=(THIN_WALL_RADII * delta / t1["radius"]) ** 3)
    co = _canonical_coeffs(P)
    if co is not None and s_psi is not None:
        M2, A, _ = co
        q = abs(sp.nsimplify(P.charges[0]))
        with mpmath.workdps(dps):
            out["thick_Q_max"] = q * evaluate(3 * M2 / (2 * A**2), dps) * mpmath.mpf(s_psi)
    return out


def _turning_intervals(pts: dict, max_turn_deg: float, max_step: float) -> set:
    """Indices k of the chart intervals ``[u_k, u_k+1]`` to bisect (long, or next to a sharp turn)."""
    us = sorted(pts)
    xy = [(math.log10(pts[u][1]), pts[u][2] / pts[u][1]) for u in us]
    sx = (max(x for x, _ in xy) - min(x for x, _ in xy)) or 1.0
    sy = (max(y for _, y in xy) - min(y for _, y in xy)) or 1.0
    xy = [(x / sx, y / sy) for x, y in xy]
    bad = {k for k in range(len(us) - 1) if math.dist(xy[k], xy[k + 1]) > max_step}
    for k in range(1, len(us) - 1):
        a = math.atan2(xy[k][1] - xy[k - 1][1], xy[k][0] - xy[k - 1][0])
        b = math.atan2(xy[k + 1][1] - xy[k][1], xy[k + 1][0] - xy[k][0])
        turn = abs((b - a + math.pi) % (2 * math.pi) - math.pi)
        if math.degrees(turn) > max_turn_deg:
            bad.update((k - 1, k))
    return bad


def canonical_curve(P: Potential, n: int = 24, progress: Callable | None = None, max_points: int = 160,
                    max_turn_deg: float = 3.0, max_step: float = 0.04) -> list:
    r"""``[(omega, Q, M_Q)]`` along the window, thin-wall end to thick-wall end (double precision).

    ``n`` points uniform in the chart ``u`` (:data:`U_RANGE`), then bisection of the
    chart intervals next to any vertex where the polyline ``(log10 Q, M_Q/Q)``,
    scaled to unit axes, turns by more than ``max_turn_deg`` degrees, or whose
    scaled length exceeds ``max_step``, until nothing is refined or
    ``max_points`` are used (``max_points=n``: the uniform grid only).
    ``progress(done, planned)`` after each bounce.

    .. math:: u = \log\frac{\Delta}{D - \Delta}, \qquad \Delta = m^2 - \omega^2

    Examples
    --------
    >>> c = canonical_curve(default_potential(), n=3, max_points=3)
    >>> len(c), c[0][1] > c[-1][1]
    (3, True)
    """
    from qsym.api.solve import _single_chart
    _, chart = _single_chart(P, 15)
    pts: dict = {}

    def add(us):
        for u in us:
            if u not in pts:
                qb = qball_at_u(chart, u, None)
                pts[u] = (float(qb.omega), float(qb.charge), float(qb.mass))
                if progress:
                    progress(len(pts), len(pts) + len(us) - us.index(u) - 1)

    lo, hi = U_RANGE
    add([lo + (hi - lo) * k / (n - 1) for k in range(n)])
    while len(pts) < max_points:
        bad = _turning_intervals(pts, max_turn_deg, max_step)
        if not bad:
            break
        us = sorted(pts)
        add([(us[k] + us[k + 1]) / 2 for k in sorted(bad)][: max_points - len(pts)])
    return sorted(pts.values(), key=lambda t: t[0])


def approximation_curves(P: Potential, Qs, s_psi=None, dom: dict | None = None) -> list:
    r"""The approximations of ``M_Q/(Q m)`` at the charges ``Qs``, each inside its domain only.

    Thin wall (P11) and with the surface energy for ``Q >= thin_Q_min``; thick wall (closed form,
    and (P14) through eps^2 and eps^4) for ``Q <= thick_Q_max`` (needs ``s_psi``).  Returns
    ``[(label, style, [(Q, ratio)])]`` (``style`` a matplotlib format string).

    .. math:: \frac{M_Q}{Q m} \approx \frac{M_\mathrm{vol} + M_\mathrm{surf} Q^{-1/3}}{m}

    Examples
    --------
    >>> [lab for lab, _, _ in approximation_curves(default_potential(), [1e4])]
    ['thin wall (P11)', 'thin wall + surface']
    """
    from qsym.api.solve import _canonical_coeffs, thin_wall_estimate
    m = mass_unit(P)
    dom = dom or approximation_domains(P, s_psi)
    approx = []
    if dom["thin_Q_min"] is not None:
        qthin = [q for q in Qs if q >= dom["thin_Q_min"]]
        # (P11) is linear in Q and R_0 ~ Q^(1/3) (sec. 2), so the surface energy 4 pi sigma R_0^2
        # scales as Q^(2/3): one estimate at Q = 1 gives the whole curve
        t1 = thin_wall_estimate(P, 1, 15)
        vol, surf = float(t1["mass"]), float(t1["mass_surface_corrected"] - t1["mass"])
        approx.append(("thin wall (P11)", "b--", [(q, vol / m) for q in qthin]))
        approx.append(("thin wall + surface", "b:", [(q, (vol + surf * q ** (-1 / 3)) / m) for q in qthin]))
    co = _canonical_coeffs(P)
    if co is not None and dom["thick_Q_max"] is not None:
        M2, A, _ = (float(x) for x in co)
        qq = [q for q in Qs if q <= dom["thick_Q_max"]]
        eps_of = lambda Q: Q * A**2 / (3 * float(s_psi) * M2)  # noqa: E731
        closed = mp_callable(tw.closed_form("mass"), [tw.eps])
        approx.append(("thick wall, closed form", "r-", [(q, float(closed(eps_of(q)))) for q in qq]))
        for order, style in ((2, "r--"), (4, "r:")):
            c = tw.series("mass", order)
            approx.append((f"thick wall (P14) through $\\epsilon^{order}$", style,
                           [(q, sum(float(v) * eps_of(q) ** k for k, v in c.items())) for q in qq]))
    return approx


def window_omegas(P: Potential, fractions=(0.03, 0.2, 0.5, 0.8, 0.95)) -> list:
    r"""Frequencies at the given fractions of the window ``[omega_min, omega_max]`` (floats).

    .. math:: \omega_t = \omega_\mathrm{min} + t(\omega_\mathrm{max} - \omega_\mathrm{min})

    Examples
    --------
    >>> [round(w, 4) for w in window_omegas(default_potential(), (0, 1))]
    [0.4082, 1.0]
    """
    win = qball_window(P)
    wmin = float(sp.sqrt(win["omega_min2"]))
    wmax = float(sp.sqrt(win["omega_max2"]))
    return [wmin + (wmax - wmin) * t for t in fractions]


def profile_curves(P: Potential, omegas=None, n: int = 200, span: float = 1.5) -> list:
    r"""Profiles ``phi(r)`` of the Q-balls at ``omegas`` (default :func:`window_omegas`), double precision.

    Returns ``[(omega, Q, rs, phis)]``: ``n + 1`` radii from 0 to ``span`` times the matching
    radius of each bounce.

    .. math:: \varphi'' + \frac{2}{r}\varphi' = \partial_\varphi \hat U_\omega(\varphi)

    Examples
    --------
    >>> (w, Q, rs, ph), = profile_curves(default_potential(), [0.95], n=4)
    >>> len(rs), ph[0] > ph[-1]
    (5, True)
    """
    omegas = omegas or window_omegas(P)
    fam = OmegaFamily(P)
    out = []
    for w in omegas:
        qb = qball_at_omega(fam, w, None)
        b = qb.bounce
        R = float(b.R_match) * span
        rs = [R * k / n for k in range(n + 1)]
        with mpmath.workdps(15):
            out.append((w, float(qb.charge), rs, [float(b.profile(r)) for r in rs]))
    return out
