r"""The atlas figure: M_Q/(Q m/|q|) against Q (plotting only; data from :func:`qsym.api.atlas.atlas`).

.. math:: \frac{M_Q}{Q\,m/|q|} = 1 - \frac{B}{Q\,m/|q|}, \qquad B = Q\,\frac{m}{|q|} - M_Q
"""

from __future__ import annotations

__all__ = ["figure_atlas"]

_STYLE = {"stable": ("C0", "-", "stable"), "metastable": ("C1", "-", "metastable (M > Qm)"),
          "unstable": ("C3", "--", "classically unstable")}


def _runs(points):
    """Consecutive points with the same branch and label: ``[(label, [points])]``."""
    runs = []
    for p in points:
        key = (p["branch"], p["stability"])
        if runs and runs[-1][0] == key:
            runs[-1][1].append(p)
        else:
            if runs:                      # join the runs so the curve has no gaps
                runs[-1][1].append(p)
            runs.append((key, [p]))
    return [(k[1], pts) for k, pts in runs]


def figure_atlas(path, atlas) -> str:
    r"""Plot ``M_Q/(Q m/|q|)`` against Q (log axis): the branches, their stability, Q_min and Q_s.

    ``atlas``: an :class:`qsym.api.atlas.AtlasResult` (or anything with its ``points``,
    ``m_per_charge``, ``Q_min``, ``Q_s``, ``cusps``, ``potential``, ``dim``).  Solid lines:
    classically stable (blue: also stable against decay into quanta, orange: metastable);
    dashed red: classically unstable.  Writes ``path`` (format from its suffix, Agg backend).

    .. math:: y = \frac{M_Q |q|}{Q m}

    >>> import tempfile, os
    >>> from types import SimpleNamespace
    >>> pts = [{"charge": q, "mass": 0.9 * q, "branch": 0, "stability": "stable"} for q in (1.0, 10.0)]
    >>> a = SimpleNamespace(points=pts, m_per_charge=1.0, Q_min=None, Q_s=None, cusps=(), potential="U", dim=3)
    >>> os.path.exists(figure_atlas(os.path.join(tempfile.mkdtemp(), "atlas.png"), a))
    True
    """
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    m = float(atlas.m_per_charge)
    fig, ax = plt.subplots(figsize=(5.0, 3.4))
    seen = set()
    for label, pts in _runs(atlas.points):
        colour, ls, text = _STYLE[label]
        ax.semilogx([float(p["charge"]) for p in pts], [float(p["mass"]) / (float(p["charge"]) * m) for p in pts],
                    color=colour, ls=ls, label=None if label in seen else text)
        seen.add(label)
    for c in atlas.cusps:
        ax.plot([float(c["charge"])], [float(c["mass"]) / (float(c["charge"]) * m)], "k^", ms=5)
    ax.axhline(1.0, color="0.6", lw=0.8, ls=":")
    if atlas.Q_min is not None:
        ax.axvline(float(atlas.Q_min), color="k", lw=0.8, ls="-.", label=rf"$Q_{{\min}} = {float(atlas.Q_min):.6g}$")
    if atlas.Q_s is not None:
        ax.axvline(float(atlas.Q_s), color="C2", lw=0.8, ls="-.", label=rf"$Q_s = {float(atlas.Q_s):.6g}$")
    ax.set_xlabel("charge $Q$")
    ax.set_ylabel(r"$M_Q / (Q\, m/|q|)$")
    ax.set_title(f"U = {atlas.potential}, D = {atlas.dim}".replace("$", ""), fontsize=8)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return str(path)
