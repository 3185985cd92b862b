r"""The Q_max(e) figure of gauged Q-balls (plotting only; data from :func:`qsym.api.gauged.qmax_curve`).

.. math:: Q_{\max}(e) \quad\text{vs.}\quad Q_{\mathrm{end}} = \frac{4\sqrt3\pi(m-\omega_0)^{3/2}}{e^3\sqrt{\rho_0}}
"""

from __future__ import annotations

__all__ = ["figure_qmax"]


def figure_qmax(path, data) -> str:
    r"""Plot Q_max against e (log-log) with the thin-wall end Q_end and the 1989 bound Q_stab.

    ``data``: rows ``{"e", "Q_max", "Q_end_thin", "Q_stab_thin"}`` (:func:`qsym.api.gauged.qmax_curve`).

    .. math:: Q_{\mathrm{stab}} = (5/3)^{3/2} Q_{\mathrm{end}}

    >>> import tempfile, os
    >>> rows = [{"e": 0.2, "Q_max": 1029.0, "Q_end_thin": 1025.7, "Q_stab_thin": 2207.0},
    ...         {"e": 0.3, "Q_max": 310.0, "Q_end_thin": 303.9, "Q_stab_thin": 654.0}]
    >>> p = figure_qmax(os.path.join(tempfile.mkdtemp(), "qmax.pdf"), rows)
    >>> os.path.exists(p)
    True
    """
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = sorted(data, key=lambda d: d["e"])
    es = [d["e"] for d in rows]
    fig, ax = plt.subplots(figsize=(4.5, 3.2))
    end = [d for d in rows if not str(d.get("kind", "")).startswith("end of the solved")]
    low = [d for d in rows if str(d.get("kind", "")).startswith("end of the solved")]
    ax.loglog([d["e"] for d in end], [d["Q_max"] for d in end], "o-", label=r"$Q_{\max}$ (computed, $\omega\to m$)")
    if low:
        ax.loglog([d["e"] for d in low], [d["Q_max"] for d in low], "^", mfc="none",
                  label=r"lower bound (family not followed to $\omega=m$)")
    ax.loglog(es, [d["Q_end_thin"] for d in rows], "--", label=r"thin wall: $\omega=dE/dQ=m$")
    ax.loglog(es, [d["Q_stab_thin"] for d in rows], ":", label=r"1989: $E=mQ$")
    ax.set_xlabel("gauge coupling $e$")
    ax.set_ylabel("charge $Q$")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return str(path)
