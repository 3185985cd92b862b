r"""The catalogue's atlases in the report: one panel of M_Q/(Q m/|q|) against Q per reference potential.

Plotting and text only; the data come from :func:`qsym.api.atlas.atlas` on
:func:`qsym.models.catalogue.model_potential` (the report imports no numeric or bridge module).
A model whose potential or atlas raises :class:`qsym.errors.InputError` (not yet solvable) is
skipped with a one-line note, so that a model becomes a panel as soon as the engines accept it.

.. math:: y = \frac{M_Q}{Q\,m/|q|}, \qquad
          \frac{d\log(M_Q/Q)}{d\log Q} \to \frac{D}{D+1} - 1 = -\frac14 \ \ (\text{plateau}, D = 3)
"""

from __future__ import annotations

import math

from qsym.errors import ConvergenceError, InputError, NoSolutionError

__all__ = ["CatalogueEntry", "catalogue_atlases", "figure_catalogue", "catalogue_paragraph", "local_exponents",
           "u_latex"]


class CatalogueEntry:
    """One model of the catalogue figure: its name, U in LaTeX, the atlas and the CPU seconds it cost
    (0 when reused)."""

    __slots__ = ("name", "u_tex", "atlas", "cpu")

    def __init__(self, name: str, u_tex: str, atlas, cpu: float = 0.0):
        self.name, self.u_tex, self.atlas, self.cpu = name, u_tex, atlas, cpu


def u_latex(P) -> str:
    r"""``U`` of a Potential as LaTeX for a panel title and the text (``\varphi`` for the field).

    .. math:: U(\varphi)

    >>> from qsym.symbolic.potential import Potential
    >>> u_latex(Potential("phi**2/2 - phi**3 + phi**4", ["phi"]))
    '\\varphi^{2} / 2 - \\varphi^{3} + \\varphi^{4}'
    """
    import sympy as sp
    var, U = P.single_field()
    return sp.latex(U.subs(var, sp.Symbol("varphi")), order="rev-lex", fold_short_frac=True)


def catalogue_atlases(models, points, known=None, atlas_fn=None, potential_fn=None) -> tuple:
    r"""Atlases of the catalogue models ``models`` (names); returns ``(entries, skipped)``.

    ``points``: chart points per model (a dict name -> int, or one int); ``known``: atlases already
    computed, ``{U expression: AtlasResult}`` (SymPy expressions of U in the model's field), reused
    instead of recomputed (a value None gives an entry whose atlas the caller fills in); ``skipped``: ``[(name, reason)]`` for the models whose potential or atlas
    raised InputError (not yet solvable) or whose atlas did not converge.  ``atlas_fn`` and
    ``potential_fn`` default to :func:`qsym.api.atlas.atlas` and
    :func:`qsym.models.catalogue.model_potential`.

    .. math:: \{(M_Q(Q), \text{branch}, \text{stability})\}_{\text{model}}

    >>> entries, skipped = catalogue_atlases(["nosuch"], 5)
    >>> entries, skipped[0][0], skipped[0][1].startswith("not yet solvable: unknown model")
    ([], 'nosuch', True)
    """
    import time
    if atlas_fn is None:
        from qsym.api.atlas import atlas as atlas_fn
    if potential_fn is None:
        from qsym.models.catalogue import model_potential as potential_fn
    known = dict(known or {})
    entries, skipped = [], []
    for name in models:
        n = points.get(name) if isinstance(points, dict) else points
        try:
            P = potential_fn(name)
            U = P.single_field()[1]
            t0 = time.process_time()
            a = known[U] if U in known else atlas_fn(P, points=n if n is not None else 20)
            entries.append(CatalogueEntry(name, u_latex(P), a, time.process_time() - t0))
        except InputError as exc:
            skipped.append((name, "not yet solvable: " + _one_line(exc)))
        except (ConvergenceError, NoSolutionError) as exc:
            skipped.append((name, "atlas not computed: " + _one_line(exc)))
    return entries, skipped


def _one_line(exc) -> str:
    return " ".join(str(exc).split())


def _ratio(p, m):
    return float(p["mass"]) / (float(p["charge"]) * m)


def local_exponents(atlas) -> list:
    r"""The local exponents of ``M_Q/Q`` in Q between consecutive charges of the classically stable points,
    ``[(Q_0, Q_1, p)]`` in increasing Q: the slope of each chord of ``log(M_Q/Q)`` against ``log Q``.

    .. math:: p = \frac{\Delta\log(M_Q/Q)}{\Delta\log Q}

    >>> from types import SimpleNamespace
    >>> pts = [{"charge": q, "mass": q**0.75, "classically_stable": True} for q in (1e4, 1e6, 1e8)]
    >>> [round(p, 12) for _, _, p in local_exponents(SimpleNamespace(points=pts))]
    [-0.25, -0.25]
    """
    pts = sorted(((float(p["charge"]), float(p["mass"])) for p in atlas.points if p.get("classically_stable", True)))
    return [(q0, q1, (math.log(m1 / q1) - math.log(m0 / q0)) / (math.log(q1) - math.log(q0)))
            for (q0, m0), (q1, m1) in zip(pts, pts[1:]) if q1 > q0]


#: chords of the plateau quoted in the text (the largest charges of the grid)
PLATEAU_CHORDS = 4


def _plateau_sentence(a) -> str:
    """The measured approach of M_Q/Q to the plateau law, from the atlas's largest charges (stated only as the
    data show it: monotone or not)."""
    ex = local_exponents(a)[-PLATEAU_CHORDS:]
    if len(ex) < 2:
        return ""
    law = -1.0 / (a.dim + 1)                 # M_Q ~ Q^(D/(D+1)) (qsym.api.atlas.plateau_thin_exponent)
    dist = [abs(p - law) for _, _, p in ex]
    trend = ("approaching the flat-direction law's " if all(d1 < d0 for d0, d1 in zip(dist, dist[1:]))
             else "not monotonically approaching the flat-direction law's ")
    vals = ", ".join(f"${_g(p, 4)}$" for _, _, p in ex)
    return (r"; on the plateau the local exponent $d\log(M_Q/Q)/d\log Q$ of consecutive grid charges from "
            rf"$Q = {_g(ex[0][0], 3)}$ to ${_g(ex[-1][1], 3)}$ is {vals}, " + trend
            + rf"$-1/{a.dim + 1}$ ($M_Q \propto Q^{{{a.dim}/{a.dim + 1}}}$; the logarithm of the plateau adds "
              r"corrections of relative order $1/\log Q$)")


def _panel(ax, entry, style, runs):
    a = entry.atlas
    m = float(a.m_per_charge)
    seen = set()
    ys = []
    for label, pts in runs(a.points):
        colour, ls, text = style[label]
        y = [_ratio(p, m) for p in pts]
        ys += y
        ax.plot([float(p["charge"]) for p in pts], y, color=colour, ls=ls, lw=1.2,
                label=None if label in seen else text)
        seen.add(label)
    ax.set_xscale("log")
    if ys and max(ys) / min(ys) > 10:
        ax.set_yscale("log")
    for c in a.cusps:
        ax.plot([float(c["charge"])], [_ratio(c, m)], "k^", ms=4)
    ax.axhline(1.0, color="0.6", lw=0.8, ls=":")
    if a.Q_min is not None:
        ax.axvline(float(a.Q_min), color="k", lw=0.8, ls="-.", label=rf"$Q_{{\min}} = {float(a.Q_min):.5g}$")
    if a.Q_s is not None:
        ax.axvline(float(a.Q_s), color="C2", lw=0.8, ls="-.", label=rf"$Q_s = {float(a.Q_s):.5g}$")
    ax.set_title(f"{entry.name}: $U = {entry.u_tex}$", fontsize=8)
    ax.set_xlabel("charge $Q$", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=6, loc="best")


def figure_catalogue(path, entries, ncols: int = 2) -> str:
    r"""One panel per catalogue model: ``M_Q/(Q m/|q|)`` against Q (log axis), the branches with their
    stability (solid blue: stable, solid orange: metastable, dashed red: classically unstable), the cusps
    (triangles), ``Q_min`` and ``Q_s`` where they exist, the model's name and U in the title.  A panel
    whose ratio spans more than a decade gets a log y axis.  Writes ``path`` (Agg backend).

    .. math:: y = \frac{M_Q |q|}{Q m}

    >>> import tempfile, os
    >>> from types import SimpleNamespace
    >>> pts = [{"charge": q, "mass": 0.9 * q, "branch": 0, "stability": "stable"} for q in (1.0, 10.0)]
    >>> a = SimpleNamespace(points=pts, m_per_charge=1.0, Q_min=None, Q_s=None, cusps=())
    >>> e = CatalogueEntry("toy", r"\varphi^2/2", a)
    >>> os.path.exists(figure_catalogue(os.path.join(tempfile.mkdtemp(), "cat.png"), [e]))
    True
    """
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from qsym.report.atlas_figure import _STYLE, _runs

    if not entries:
        raise ValueError("the catalogue figure needs at least one atlas")
    ncols = max(1, min(ncols, len(entries)))
    nrows = -(-len(entries) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.6 * ncols, 2.7 * nrows), squeeze=False)
    for k, ax in enumerate(axes.flat):
        if k < len(entries):
            _panel(ax, entries[k], _STYLE, _runs)
            if k % ncols == 0:
                ax.set_ylabel(r"$M_Q / (Q\, m/|q|)$", fontsize=8)
        else:
            ax.set_visible(False)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return str(path)


def _g(x, digits: int = 10) -> str:
    """A number for the text: ``digits`` significant digits, LaTeX powers of ten."""
    s = f"{float(x):.{digits}g}"
    if "e" in s:
        mant, ex = s.split("e")
        return rf"{mant}\times 10^{{{int(ex)}}}"
    return s


def _model_sentence(e) -> str:
    a = e.atlas
    qs = [float(p["charge"]) for p in a.points]
    parts = [rf"\item \texttt{{{e.name}}}, $U = {e.u_tex}$: {len(a.branches)} branch"
             + ("es" if len(a.branches) != 1 else "")
             + rf", $Q$ from ${_g(min(qs), 3)}$ to ${_g(max(qs), 3)}$ on the grid"]
    if a.Q_min is not None:
        parts.append(rf"$Q_{{\min}} = {_g(a.Q_min)}$")
    elif a.thick_end.get("limit") == "0":
        pred = str(a.thick_end.get("predicted"))
        num, _, why = pred.partition(" ")          # e.g. "21.07 (gausson)": the number, then its source
        why = why.strip("() ")
        end = r"$\omega \to \infty$ end" if why == "gausson" else "thick-wall end"
        parts.append(rf"no $Q_{{\min}}$ ($Q \to 0$ at the {end}, $d\log Q/du = "
                     rf"{_g(a.thick_end['slope'], 4)}$ against the derived ${num}$"
                     + (rf" of the {why}" if why else "") + ")")
    else:
        parts.append(r"no $Q_{\min}$")
    if a.Q_s is not None:
        parts.append(rf"$Q_s = {_g(a.Q_s)}$")
    elif any(p.get("classically_stable") and p.get("bound") for p in a.points):
        parts.append(r"every classically stable Q-ball is lighter than $Q$ quanta (no $Q_s$)")
    else:
        parts.append(r"no $Q_s$")
    text = "; ".join(parts)
    if any("flat direction" in n for n in a.notes):
        text += _plateau_sentence(a)
    return text + "."


def catalogue_paragraph(entries, skipped, fig_label: str = "fig:catalogue") -> str:
    r"""The text of the catalogue figure: per model (one item each) its branches, ``Q_min``, ``Q_s`` (numbers
    from the atlases; the plateau's exponent measured on the data, not asserted), and one line per skipped model.

    .. math:: Q_{\min},\ Q_s,\ \frac{d\log(M_Q/Q)}{d\log Q}

    >>> print(catalogue_paragraph([], [("gravity", "not yet solvable: not analytic")]))
    \emph{Catalogue.}
    \begin{itemize}
    \item \texttt{gravity}: not yet solvable: not analytic.
    \end{itemize}
    """
    out = [r"\emph{Catalogue.}"]
    if entries:
        out[0] += (r" The stability atlases of the catalogue's reference potentials "
                   r"(\texttt{qsym atlas -{}-model NAME}; "
                   rf"figure~\ref{{{fig_label}}}, $D = {entries[0].atlas.dim}$, default parameters):")
    out.append(r"\begin{itemize}")
    out += [_model_sentence(e) for e in entries]
    out += [rf"\item \texttt{{{name}}}: {_tex_text(reason)}." for name, reason in skipped]
    out.append(r"\end{itemize}")
    return "\n".join(out)


def _tex_text(s: str) -> str:
    """Plain text set in LaTeX: the characters that LaTeX treats specially are escaped."""
    rep = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
           "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
    return "".join(rep.get(c, c) for c in s.rstrip("."))
