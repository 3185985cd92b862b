r"""The asymptotic-laws figure: |M_law/M_Q - 1| against Q, log-log (plotting only; data from
:func:`qsym.api.laws.law_errors`).

.. math:: \left|\frac{M_{\mathrm{law}}(Q)}{M_Q} - 1\right| \simeq C\,Q^{p}
"""

from __future__ import annotations

__all__ = ["figure_laws", "laws_caption"]

_COLOUR = {"thin": "C0", "thick": "C3"}
_MARK = ["o", "s", "^", "v", "D"]


def figure_laws(path, law) -> str:
    r"""Plot the relative error of every law against Q with its fitted order ``p`` in the legend.

    ``law``: a :class:`qsym.api.laws.LawErrors` (or anything with ``laws``, ``orders``, ``derived``).
    Writes ``path`` (format from its suffix, Agg backend) and returns it.

    .. math:: \log|\mathrm{err}| = p \log Q + \log C

    >>> import tempfile, os
    >>> from types import SimpleNamespace
    >>> d = SimpleNamespace(laws={"thin wall (P11)": [(10.0, 0.1), (1000.0, 0.02)]},
    ...                     orders={"thin wall (P11)": -0.35}, derived={})
    >>> os.path.exists(figure_laws(os.path.join(tempfile.mkdtemp(), "laws.png"), d))
    True
    """
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.0, 3.4))
    for n, (label, pts) in enumerate(law.laws.items()):
        pts = [(q, abs(e)) for q, e in pts if e != 0]
        if not pts:
            continue
        p = law.orders.get(label)
        d = law.derived.get(label)
        text = label + ("" if p is None else f": $p = {p:.2f}$") + ("" if d is None else f" (derived {d})")
        colour = _COLOUR["thin" if label.startswith("thin") else "thick"]
        ax.loglog([q for q, _ in pts], [e for _, e in pts], color=colour, marker=_MARK[n % len(_MARK)],
                  ms=3, lw=0.9, ls="-" if "closed" in label or label.endswith("(P11)") else "--", label=text)
    ax.set_xlabel("$Q$")
    ax.set_ylabel(r"$|M_{\rm law}/M_Q - 1|$")
    ax.legend(fontsize=6, loc="best")
    fig.tight_layout()
    fig.savefig(str(path))
    plt.close(fig)
    return str(path)


def laws_caption(law) -> str:
    r"""LaTeX sentence with the fitted and derived orders (numbers from ``law``, none typed by hand).

    .. math:: p_{\mathrm{fit}} \text{ vs. } p_{\mathrm{derived}}

    >>> from types import SimpleNamespace
    >>> laws_caption(SimpleNamespace(orders={"a": -0.32}, derived={"a": "-1/3"}))
    'a: $p = -0.320$ (derived $-1/3$)'
    """
    parts = []
    for k, v in law.orders.items():
        if v is None:
            continue
        d = law.derived.get(k)
        parts.append(f"{k}: $p = {v:.3f}$" + ("" if d is None else f" (derived ${d}$)"))
    return "; ".join(parts)
