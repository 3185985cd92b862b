r"""Figures for the report: M_Q/(Q m) against Q with its approximations, and profiles.

Plotting only: the data come from :mod:`qsym.api.curves` (exact curve, approximations and
their domains, profiles).  Uses matplotlib's non-interactive Agg backend; functions write
files and return their paths (nothing is shown or printed).  Every figure is written as
vector PDF (for the report) and, with ``png=True``, also as PNG beside it (for the
documentation).
"""

from __future__ import annotations

from pathlib import Path

import sympy as sp

from qsym.api.curves import (DEFAULT_POTENTIAL, THIN_WALL_RADII, approximation_curves, approximation_domains,
                             canonical_curve, default_potential, mass_unit, profile_curves)
from qsym.symbolic.potential import Potential

__all__ = ["figure_mass_curve", "figure_profiles", "DEFAULT_POTENTIAL", "THIN_WALL_RADII"]


def _tex_num(x: float) -> str:
    r"""``x`` to 3 digits in mathtext: ``9.13\times10^{4}`` rather than ``9.13e+04``.

    .. math:: x = m \times 10^{e}

    Examples
    --------
    >>> _tex_num(91300.0), _tex_num(0.5)
    ('9.13\\times10^{4}', '0.5')
    """
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
                      s_psi: float | None = None, png: bool = False, curve: list | None = None,
                      dom: dict | None = None) -> Path:
    r"""M_Q/(Q m) against Q (log axis): the exact curve and the approximations inside their domains.

    Upper panel: thin wall, eq. (P11), and with the surface energy, for ``Q >= thin_Q_min``;
    thick wall (closed form, and eq. (P14) through eps^2 and eps^4) for ``Q <= thick_Q_max``
    (needs ``s_psi``).  Lower panel: their relative deviation from the exact curve.
    ``dom`` (:func:`qsym.api.curves.approximation_domains` for ``s_psi``) is computed when not given.
    Writes ``path`` as PDF (and PNG with ``png=True``); returns the PDF's path.

    .. math:: \left|\frac{M_Q^\mathrm{approx}}{M_Q} - 1\right|

    Examples
    --------
    >>> import tempfile, os
    >>> c = [(0.9, 1.0, 0.95), (0.6, 100.0, 80.0), (0.45, 1e4, 5e3)]
    >>> figure_mass_curve(os.path.join(tempfile.mkdtemp(), "m.pdf"), curve=c).name
    'm.pdf'
    """
    plt = _plt()
    P = P or default_potential()
    curve = curve or canonical_curve(P, n, progress)
    curve = sorted(curve, key=lambda t: t[1])
    m = mass_unit(P)
    Qs = [c[1] for c in curve]
    exact = {c[1]: c[2] / (c[1] * m) for c in curve}
    dom = dom or approximation_domains(P, s_psi)
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(6.4, 6.0), sharex=True, height_ratios=(3, 2))
    ax.plot(Qs, [exact[q] for q in Qs], "k-", lw=2, label="exact (bounces)")
    for label, style, pts in approximation_curves(P, Qs, s_psi, dom):
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


def figure_profiles(path, P: Potential | None = None, omegas=None, png: bool = False,
                    profiles: list | None = None) -> Path:
    r"""Profiles phi(r) of Q-balls at several omega across the window (PDF, and PNG with ``png=True``).

    ``profiles`` (``[(omega, Q, rs, phis)]``, from :func:`qsym.api.curves.profile_curves`)
    is computed when not given.

    .. math:: \varphi(r), \quad 0 \le r \le 1.5 R_\mathrm{match}

    Examples
    --------
    >>> import tempfile, os
    >>> pr = [(0.9, 2.0, [0.0, 1.0, 2.0], [1.0, 0.5, 0.1])]
    >>> figure_profiles(os.path.join(tempfile.mkdtemp(), "p.pdf"), profiles=pr).name
    'p.pdf'
    """
    plt = _plt()
    P = P or default_potential()
    profiles = profiles or profile_curves(P, omegas)
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    for w, Q, rs, phis in profiles:
        ax.plot(rs, phis, label=f"$\\omega={w:.3f}$, $Q={_tex_num(Q)}$")
    ax.set_xlabel("$r$")
    ax.set_ylabel("$\\varphi(r)$")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    fig.tight_layout()
    out = _save(fig, path, png)
    plt.close(fig)
    return out
