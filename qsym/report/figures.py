r"""Figures for the report: M_Q/(Q m) against Q with its approximations, and profiles.

Uses matplotlib's non-interactive Agg backend; functions write files and
return their paths (nothing is shown or printed).  Every figure is written as
vector PDF (for the report) and, with ``png=True``, also as PNG beside it (for
the documentation).

The exact curve comes from double-precision bounces (relative error about
1e-13, far below a plot's resolution) sampled adaptively in the chart
``u = log(Delta/(D - Delta))``, ``Delta = m^2 - omega^2`` of
:func:`qsym.numeric.qball.qball_at_u`, which reaches both ends of the window: points
are added where the plotted polyline turns or where a segment is long, so the
curve has no corners.  The approximations are drawn only inside their domains
(:func:`approximation_domains`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Callable

import mpmath
import sympy as sp

from qsym.symbolic import thickwall as tw
from qsym.bridge import OmegaFamily, evaluate, mp_callable
from qsym.symbolic.potential import Potential
from qsym.numeric.qball import qball_at_omega, qball_at_u
from qsym.symbolic.window import qball_window

__all__ = ["canonical_curve", "approximation_domains", "figure_mass_curve", "figure_profiles",
           "DEFAULT_POTENTIAL", "THIN_WALL_RADII"]

#: the example of the report: M = A = 1, lambda = 3/5 (beta = lambda M^2/A^2 = 0.6)
DEFAULT_POTENTIAL = ("phi**2/2 - phi**3 + 3*phi**4/5", "phi")

#: the thin-wall formulas (P10)-(P11) are used where the radius R_0 is at least this many wall
#: thicknesses delta (see :func:`approximation_domains`)
THIN_WALL_RADII = 3

#: chart range of the exact curve: Delta/D from about 5e-5 (thick-wall end, Q ~ 0.1 for the default
#: potential) to 1 - 3e-4 (thin-wall end, Q ~ 1e10)
U_RANGE = (-10.0, 8.0)


def approximation_domains(P: Potential, s_psi=None, dps: int = 15) -> dict:
    r"""Where the thin- and thick-wall approximations apply, for a one-field potential.

    Thin wall (paper eqs (10)-(11)): the ball is a uniform core of radius
    ``R_0`` behind a wall of thickness ``delta``, which needs ``R_0 >> delta``.
    ``delta = phi_0^2/(6 sigma)`` with the wall tension
    ``sigma = int_0^phi_0 sqrt(2 U_omega0)``: the ``tanh`` width of the kink of
    ``U_omega0`` between 0 and ``phi_0`` (exact for a quartic double well, whose
    tension is ``phi_0^2/(6 delta)``).  We require ``R_0 >= THIN_WALL_RADII delta``;
    since ``R_0 ~ Q^(1/3)`` this is ``Q >= thin_Q_min``.

    Thick wall (paper sec. 3, for ``U = M^2 phi^2/2 - A phi^3 + lam phi^4``): the
    minimum of E(omega) exists for ``epsilon = Q A^2/(3 S_psi M^2) <= 1/2``, i.e.
    ``Q <= thick_Q_max`` (needs ``s_psi``; None when U is not of that form).

    Returns mpf/float numbers: ``delta``, ``R0_at_1`` (thin-wall radius at Q = 1),
    ``thin_Q_min``, ``thick_Q_max``.
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


def canonical_curve(P: Potential, n: int = 24, progress: Callable | None = None, max_points: int = 160,
                    max_turn_deg: float = 3.0, max_step: float = 0.04) -> list:
    """``[(omega, Q, M_Q)]`` along the window, thin-wall end to thick-wall end (double precision).

    ``n`` points uniform in the chart ``u`` (:data:`U_RANGE`), then bisection of the
    chart intervals next to any vertex where the polyline ``(log10 Q, M_Q/Q)``,
    scaled to unit axes, turns by more than ``max_turn_deg`` degrees, or whose
    scaled length exceeds ``max_step``, until nothing is refined or
    ``max_points`` are used.  ``progress(done, planned)`` after each bounce.
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
        us = sorted(pts)
        xy = [(math.log10(pts[u][1]), pts[u][2] / pts[u][1]) for u in us]
        sx = (max(x for x, _ in xy) - min(x for x, _ in xy)) or 1.0
        sy = (max(y for _, y in xy) - min(y for _, y in xy)) or 1.0
        xy = [(x / sx, y / sy) for x, y in xy]
        bad = set()
        for k in range(len(us) - 1):
            if math.dist(xy[k], xy[k + 1]) > max_step:
                bad.add(k)
        for k in range(1, len(us) - 1):
            a = math.atan2(xy[k][1] - xy[k - 1][1], xy[k][0] - xy[k - 1][0])
            b = math.atan2(xy[k + 1][1] - xy[k][1], xy[k + 1][0] - xy[k][0])
            turn = abs((b - a + math.pi) % (2 * math.pi) - math.pi)
            if math.degrees(turn) > max_turn_deg:
                bad.update((k - 1, k))
        if not bad:
            break
        new = [(us[k] + us[k + 1]) / 2 for k in sorted(bad)][: max_points - len(pts)]
        add(new)
    return sorted(pts.values(), key=lambda t: t[0])


def _tex_num(x: float) -> str:
    """``x`` to 3 digits in mathtext: ``9.13\\times10^{4}`` rather than ``9.13e+04``."""
    m, _, e = f"{x:.3g}".partition("e")
    return f"{m}\\times10^{{{int(e)}}}" if e else m


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _save(fig, path, png: bool) -> Path:
    path = Path(path)
    fig.savefig(path.with_suffix(".pdf"))
    if png:
        fig.savefig(path.with_suffix(".png"), dpi=150)
    return path.with_suffix(".pdf")


def figure_mass_curve(path, P: Potential | None = None, n: int = 24, progress=None,
                      s_psi: float | None = None, png: bool = False, curve: list | None = None) -> Path:
    """M_Q/(Q m) against Q (log axis): the exact curve and the approximations inside their domains.

    Upper panel: thin wall, eq. (P11), and with the surface energy, for ``Q >= thin_Q_min``;
    thick wall (closed form, and eq. (P14) through eps^2 and eps^4) for ``Q <= thick_Q_max``
    (needs ``s_psi``).  Lower panel: their relative deviation from the exact curve.
    Writes ``path`` as PDF (and PNG with ``png=True``); returns the PDF's path.
    """
    plt = _plt()
    from qsym.api.solve import _canonical_coeffs, thin_wall_estimate
    P = P or Potential(DEFAULT_POTENTIAL[0], [DEFAULT_POTENTIAL[1]])
    curve = curve or canonical_curve(P, n, progress)
    curve = sorted(curve, key=lambda t: t[1])
    m = math.sqrt(float(P.mass_matrix()[0, 0]))
    Qs = [c[1] for c in curve]
    exact = {c[1]: c[2] / (c[1] * m) for c in curve}
    dom = approximation_domains(P, s_psi)
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(6.4, 6.0), sharex=True, height_ratios=(3, 2))
    ax.plot(Qs, [exact[q] for q in Qs], "k-", lw=2, label="exact (bounces)")
    approx = []          # (label, style, [(Q, ratio)])
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
    for label, style, pts in approx:
        if pts:
            ax.plot([q for q, _ in pts], [r for _, r in pts], style, lw=1.2, label=label)
            ax2.plot([q for q, _ in pts], [abs(r / exact[q] - 1) for q, r in pts], style, lw=1.2)
    for key, txt in (("thin_Q_min", "thin wall\n$R_0\\geq %d\\delta$" % THIN_WALL_RADII),
                     ("thick_Q_max", "thick wall\n$\\epsilon\\leq 1/2$")):
        if dom[key] is not None:
            for a in (ax, ax2):
                a.axvline(float(dom[key]), color="0.7", lw=0.8, zorder=0)
    ax.set_xscale("log")
    ax.set_ylabel("$M_Q/(Q\\,m)$")
    ax.legend(fontsize=8, loc="upper right")
    ax.set_title(f"$U={sp.latex(P.U(), order='rev-lex')}$", fontsize=10)
    ax2.set_yscale("log")
    ax2.set_xlabel("$Q$")
    ax2.set_ylabel("relative deviation")
    ax2.grid(True, which="major", lw=0.3, color="0.85")
    fig.tight_layout()
    out = _save(fig, path, png)
    plt.close(fig)
    return out


def figure_profiles(path, P: Potential | None = None, omegas=None, png: bool = False) -> Path:
    """Profiles phi(r) of Q-balls at several omega across the window (PDF, and PNG with ``png=True``)."""
    plt = _plt()
    P = P or Potential(DEFAULT_POTENTIAL[0], [DEFAULT_POTENTIAL[1]])
    win = qball_window(P)
    wmin = float(sp.sqrt(win["omega_min2"]))
    wmax = float(sp.sqrt(win["omega_max2"]))
    omegas = omegas or [wmin + (wmax - wmin) * t for t in (0.03, 0.2, 0.5, 0.8, 0.95)]
    fam = OmegaFamily(P)
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    for w in omegas:
        qb = qball_at_omega(fam, w, None)
        b = qb.bounce
        R = float(b.R_match) * 1.5
        rs = [R * k / 200 for k in range(201)]
        with mpmath.workdps(15):
            ax.plot(rs, [float(b.profile(r)) for r in rs],
                    label=f"$\\omega={w:.3f}$, $Q={_tex_num(float(qb.charge))}$")
    ax.set_xlabel("$r$")
    ax.set_ylabel("$\\varphi(r)$")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    fig.tight_layout()
    out = _save(fig, path, png)
    plt.close(fig)
    return out
