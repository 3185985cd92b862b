r"""Figures for the report: M_Q/(Q M) against Q with its approximations, and profiles.

Uses matplotlib's non-interactive Agg backend; functions write files and
return their paths (nothing is shown or printed).  Curves are computed with
the double-precision bounce path (``dps=None``), whose relative error is
about 1e-13, far below the resolution of a plot.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Callable

import mpmath
import sympy as sp

from . import thickwall as tw
from .bridge import OmegaFamily, mp_callable
from .potential import Potential
from .qball import qball_at_omega
from .window import qball_window

__all__ = ["canonical_curve", "figure_mass_curve", "figure_profiles", "DEFAULT_POTENTIAL"]

#: the example of the report: M = A = 1, lambda = 3/5 (beta = lambda M^2/A^2 = 0.6)
DEFAULT_POTENTIAL = ("phi**2/2 - phi**3 + 3*phi**4/5", "phi")


def canonical_curve(P: Potential, n: int = 60, progress: Callable | None = None) -> list:
    """``[(omega, Q, M_Q)]`` along the window, thin-wall end to thick-wall end (double precision)."""
    win = qball_window(P)
    wmin = float(sp.sqrt(win["omega_min2"]))
    wmax = float(sp.sqrt(win["omega_max2"]))
    fam = OmegaFamily(P)
    out = []
    span = wmax - wmin
    half = n // 2
    # geometric clustering towards both ends, where Q runs to infinity (thin) and to zero (thick)
    ws = [wmin + span * 10 ** (-3 + 2.7 * k / (half - 1)) / 2 for k in range(half)]
    ws += [wmax - span * 10 ** (-4 + 3.7 * k / (n - half - 1)) / 2 for k in range(n - half)]
    for k, w in enumerate(sorted(ws)):
        qb = qball_at_omega(fam, w, None)
        out.append((w, float(qb.charge), float(qb.mass)))
        if progress:
            progress(k + 1, n)
    return out


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def figure_mass_curve(path, P: Potential | None = None, n: int = 60, progress=None,
                      s_psi: float | None = None) -> Path:
    """M_Q/(Q m) against Q: exact curve, thin wall (with and without surface), thick wall (orders 2, 4, closed)."""
    plt = _plt()
    P = P or Potential(DEFAULT_POTENTIAL[0], [DEFAULT_POTENTIAL[1]])
    curve = sorted(canonical_curve(P, n, progress), key=lambda t: t[1])
    m = math.sqrt(float(P.mass_matrix()[0, 0]))
    Qs = [c[1] for c in curve]
    ratio = [c[2] / (c[1] * m) for c in curve]
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ax.plot(Qs, ratio, "k-", lw=2, label="exact (bounces)")
    from .solve import _canonical_coeffs, thin_wall_estimate
    tw_pts = [(Q, thin_wall_estimate(P, sp.nsimplify(Q), 15)) for Q in Qs[:: max(1, len(Qs) // 25)]]
    ax.plot([q for q, _ in tw_pts], [float(d["mass"]) / (q * m) for q, d in tw_pts], "b--", label="thin wall (11)")
    ax.plot([q for q, _ in tw_pts], [float(d["mass_surface_corrected"]) / (q * m) for q, d in tw_pts], "b:",
            label="thin wall + surface")
    co = _canonical_coeffs(P)
    if co is not None and s_psi:
        M2, A, lam = (float(x) for x in co)
        eps_of = lambda Q: Q * A**2 / (3 * s_psi * M2)  # noqa: E731
        qmax = 0.5 * 3 * s_psi * M2 / A**2
        qq = [q for q in Qs if q < qmax]
        closed = mp_callable(tw.closed_form("mass"), [tw.eps])
        ax.plot(qq, [float(closed(eps_of(q))) for q in qq], "r-", lw=1, label="thick wall, closed form")
        for order, style in ((2, "r--"), (4, "r:")):
            c = tw.series("mass", order)
            ax.plot(qq, [sum(float(v) * eps_of(q) ** k for k, v in c.items()) for q in qq], style,
                    label=f"thick wall (14) to $\\epsilon^{order}$")
    ax.set_xscale("log")
    ax.set_xlabel("$Q$")
    ax.set_ylabel("$M_Q/(Q\\,m)$")
    ax.set_ylim(min(ratio) - 0.05, 1.02)
    ax.legend(fontsize=8)
    ax.set_title("$U=\\varphi^2/2-\\varphi^3+\\frac{3}{5}\\varphi^4$", fontsize=10)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path


def figure_profiles(path, P: Potential | None = None, omegas=None) -> Path:
    """Profiles phi(r) of Q-balls at several omega across the window."""
    plt = _plt()
    P = P or Potential(DEFAULT_POTENTIAL[0], [DEFAULT_POTENTIAL[1]])
    win = qball_window(P)
    wmin = float(sp.sqrt(win["omega_min2"]))
    wmax = float(sp.sqrt(win["omega_max2"]))
    omegas = omegas or [wmin + (wmax - wmin) * t for t in (0.03, 0.2, 0.5, 0.8, 0.95)]
    fam = OmegaFamily(P)
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for w in omegas:
        qb = qball_at_omega(fam, w, None)
        b = qb.bounce
        R = float(b.R_match) * 1.5
        rs = [R * k / 200 for k in range(201)]
        with mpmath.workdps(15):
            ax.plot(rs, [float(b.profile(r)) for r in rs], label=f"$\\omega={w:.3f}$, $Q={float(qb.charge):.3g}$")
    ax.set_xlabel("$r$")
    ax.set_ylabel("$\\varphi(r)$")
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path
