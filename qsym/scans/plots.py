r"""Figures of a stored scan: a curve (1-D) or a map (2-D) with the existence region and its boundary.

For existence computations (``mu2``, ``mssm``) a 2-D map shades the points
where a Q-ball exists and draws the boundary (the 1/2 level of the existence
indicator, interpolated on the points).  For the toy model scanned in ``A``
and a slepton mass, the vertical axis is the ratio ``m_l/m_L`` (or
``m_L/m_l``) and the exact sum-of-squares bound of
:func:`qsym.models.mssm.no_lball_certificate`,

.. math:: |A| \le m_H + \sqrt{|m_l^2 - m_L^2|} \;\Rightarrow\; \text{no L-ball},

is drawn over it.  A ``mssm_winner`` scan gives the winner map: each point
coloured by the lighter L-ball (selectron, sneutrino, none), hollow where the
winner is not certified, the boundaries between the regions, and the same
bound (it holds for both balls with the sneutrino's default parameters).
Other computations get a coloured map of one output.

>>> import tempfile, os
>>> from qsym.scans.spec import parse_spec
>>> from qsym.scans.engine import run_scan
>>> d = tempfile.mkdtemp()
>>> rep = run_scan(parse_spec({"computation": "mssm", "vary": {"A": {"values": [0, 3]}}}),
...                os.path.join(d, "t.sqlite"), workers=0)
>>> plot(rep.store, os.path.join(d, "t.png"))["kind"]
'curve'
"""

from __future__ import annotations

import json
import math
from fractions import Fraction

from qsym.errors import InputError
from qsym.scans.export import open_store

__all__ = ["plot", "DEFAULT_OUTPUT", "WINNER_COLOURS"]

#: output plotted by default, per computation
DEFAULT_OUTPUT = {"mu2": "gap", "mssm": "gap", "mssm_threshold": "threshold", "bounce": "action",
                  "qball": "mass", "mssm_winner": "winner", "atlas": "Q_min"}
_EXISTENCE = ("mu2", "mssm")
_TOY = ("mssm", "mssm_winner")
#: colours of the winner map's categories
WINNER_COLOURS = {"selectron": "#d62728", "sneutrino": "#2ca02c", "none": "#9aa7b8"}


def _float(t):
    if t is None or t == "":
        return math.nan
    try:
        return float(Fraction(t))
    except (ValueError, ZeroDivisionError):
        try:
            return float(t)
        except ValueError:
            return math.nan


def _load(store):
    st = open_store(store)
    try:
        meta, rows = st.meta(), st.rows()
        inputs, outputs = st.columns()
    finally:
        st.close()
    return meta, json.loads(meta["spec"]), rows, inputs, outputs


def plot(store, out, x: str | None = None, y: str | None = None, z: str | None = None) -> dict:
    r"""Draw the scan in ``store`` into ``out`` (PNG/PDF/SVG by suffix); return what was drawn.

    ``x``, ``y``: varied parameters on the axes (default: the first one or two);
    ``z``: the output shown (default :data:`DEFAULT_OUTPUT`).  Points without
    numbers (pending, failed) are left out and counted.

    .. math:: (x_i, y_i) \mapsto z_i

    >>> plot("no-such.sqlite", "x.png")
    Traceback (most recent call last):
    ...
    qsym.errors.InputError: scan store 'no-such.sqlite' not found
    """
    meta, spec, rows, inputs, outputs = _load(store)
    comp = meta["computation"]
    x = x or inputs[0]
    if y is None and len(inputs) > 1:
        y = next(n for n in inputs if n != x)
    z = z or DEFAULT_OUTPUT.get(comp, outputs[0])
    for name, what in ((x, "x"), (y, "y")):
        if name is not None and name not in inputs:
            raise InputError(f"--{what} {name!r} is not a varied parameter; varied: {', '.join(inputs)}")
    if z not in outputs:
        raise InputError(f"--z {z!r} is not an output of {comp}; outputs: {', '.join(outputs)}")
    good = [r for r in rows if r.get(z) not in (None, "")]
    if not good:
        raise InputError(f"the store {str(store)!r} has no computed points yet")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 4.5))
    try:
        if y is None:
            kind = _curve(ax, comp, good, x, z)
        else:
            kind = _map(fig, ax, comp, spec, good, x, y, z)
        _no_answer(ax, comp, spec, [r for r in rows if r.get(z) in (None, "") and r["status"] not in
                                    ("pending", "failed")], x, y)
        shown = f", {z}" if comp == "mssm_winner" and y is not None else ""
        ax.set_title(f"qsym scan: {comp}{shown} ({len(good)} of {len(rows)} points)")
        fig.tight_layout()
        fig.savefig(str(out), dpi=150)
    finally:
        plt.close(fig)
    return {"out": str(out), "kind": kind, "x": x, "y": y, "z": z, "points": len(good), "missing": len(rows) - len(good)}


def _curve(ax, comp, rows, x, z) -> str:
    rows = sorted(rows, key=lambda r: _float(r[x]))
    xs, zs = [_float(r[x]) for r in rows], [_float(r[z]) for r in rows]
    ax.plot(xs, zs, "-", color="0.3", lw=1)
    if comp == "mssm_winner":
        zs = [_float(r["margin"]) for r in rows]
        ax.lines[-1].set_ydata(zs)
        for name, colour in WINNER_COLOURS.items():
            ax.scatter([a for a, r in zip(xs, rows) if r["winner"] == name],
                       [b for b, r in zip(zs, rows) if r["winner"] == name], c=colour, s=14, label=name, zorder=3)
        ax.axhline(0, color="k", lw=0.5)
        ax.legend(loc="best", fontsize=8)
        z = "margin"
    elif comp in _EXISTENCE:
        yes = [r.get("qball_exists") == "true" for r in rows]
        ax.scatter([a for a, e in zip(xs, yes) if e], [b for b, e in zip(zs, yes) if e], c="C3", s=14,
                   label="Q-ball exists", zorder=3)
        ax.scatter([a for a, e in zip(xs, yes) if not e], [b for b, e in zip(zs, yes) if not e], c="C0",
                   s=14, label="no Q-ball", zorder=3)
        ax.axhline(0, color="k", lw=0.5)
        ax.legend(loc="best", fontsize=8)
    else:
        ax.scatter(xs, zs, s=10, zorder=3)
    ax.set_xlabel(x)
    ax.set_ylabel(z + (r" = $\min\mu^2 - \mu^2(0)$" if z == "gap" else
                       r" = $\min\mu^2_{\tilde\nu} - \min\mu^2_{\tilde e}$" if z == "margin" else ""))
    return "curve"


def _no_answer(ax, comp, spec, rows, x, y) -> None:
    """Points with a definite non-numeric answer (bad_input: e.g. a deeper vacuum; no_solution): grey x."""
    if not rows or y is None:
        return
    ratio = _toy_ratio(spec, x, y) if comp in _TOY else None
    div = ratio[1] if ratio else 1.0
    ax.scatter([_float(r[x]) for r in rows], [_float(r[y]) / div for r in rows], marker="x", c="0.4", s=16,
               label="no answer (deeper vacuum, ...)", zorder=3)
    ax.legend(loc="best", fontsize=8)


def _toy_ratio(spec, x, y):
    """For the toy model in (A, slepton mass): (denominator mass name, its fixed value) or None."""
    fixed = dict(tuple(p) for p in spec["fixed"])
    if x != "A" or y not in ("m_l", "m_L"):
        return None
    other = "m_L" if y == "m_l" else "m_l"
    from qsym.models.mssm import DEFAULTS
    return other, _float(fixed.get(other, DEFAULTS[other])), _float(fixed.get("m_H", DEFAULTS["m_H"]))


def _map(fig, ax, comp, spec, rows, x, y, z) -> str:
    xs, ys = [_float(r[x]) for r in rows], [_float(r[y]) for r in rows]
    ratio = _toy_ratio(spec, x, y) if comp in _TOY else None
    ylabel = y
    if ratio:
        other, m_other, m_h = ratio
        ys = [v / m_other for v in ys]
        ylabel = f"{y}/{other}"
    exists = ("qball_exists" if comp in _EXISTENCE else z if comp == "mssm_winner" and z.endswith("_exists")
              else None)
    if exists or (comp == "mssm_winner" and z == "winner"):
        if exists:
            _existence_map(ax, xs, ys, [1.0 if r.get(exists) == "true" else 0.0 for r in rows])
        else:
            winner_map(ax, xs, ys, [r["winner"] for r in rows], [r.get("certified") == "true" for r in rows])
        if ratio:
            _toy_bound(ax, xs, ys, m_other, m_h)
        ax.legend(loc="best", fontsize=7, framealpha=0.85)
        kind = "existence map" if exists else "winner map"
    else:
        zs = [_float(r[z]) for r in rows]
        sc = ax.scatter(xs, ys, c=zs, s=18, cmap="viridis")
        fig.colorbar(sc, ax=ax, label=z)
        kind = "map"
    ax.set_xlabel(x)
    ax.set_ylabel(ylabel)
    return kind


def _existence_map(ax, xs, ys, ind) -> None:
    import matplotlib.tri as mtri
    ax.scatter([a for a, e in zip(xs, ind) if e], [b for b, e in zip(ys, ind) if e], c="C3", s=10,
               label="Q-ball exists", zorder=3)
    ax.scatter([a for a, e in zip(xs, ind) if not e], [b for b, e in zip(ys, ind) if not e], c="C0", s=10,
               label="no Q-ball", zorder=3)
    if len(set(ind)) > 1 and len(xs) >= 3:
        try:
            tri = mtri.Triangulation(xs, ys)
            ax.tricontourf(tri, ind, levels=[-0.5, 0.5, 1.5], colors=["#dde8f5", "#f5dcdc"], zorder=1)
            cs = ax.tricontour(tri, ind, levels=[0.5], colors="k", linewidths=1.2, zorder=2)
            cs.collections[0].set_label("boundary (interpolated)") if hasattr(cs, "collections") else None
        except (ValueError, RuntimeError):     # collinear points: no triangulation, the dots remain
            pass


def winner_map(ax, xs, ys, winners, certified) -> None:
    r"""Draw the winner map on ``ax``: categorical colours, hollow uncertified points, region boundaries.

    .. math:: W(x, y) \in \{\tilde e, \tilde\nu, \text{none}\}

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> winner_map(ax, [0, 1, 0, 1], [0, 0, 1, 1], ["none", "selectron", "sneutrino", "none"], [True] * 4)
    >>> plt.close(fig)
    """
    import matplotlib.tri as mtri
    for name, colour in WINNER_COLOURS.items():
        for sure in (True, False):
            pts = [(a, b) for a, b, w, c in zip(xs, ys, winners, certified) if w == name and c == sure]
            if not pts:
                continue
            label = ({"selectron": "selectron ball lighter", "sneutrino": "sneutrino ball lighter",
                      "none": "no L-ball (free quanta lighter)"}[name] + ("" if sure else " (uncertified)"))
            ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=12, zorder=3, label=label,
                       c=colour if sure else "none", edgecolors=colour, linewidths=0.8)
    if len(xs) < 3:
        return
    try:
        tri = mtri.Triangulation(xs, ys)
    except (ValueError, RuntimeError):         # collinear points: the dots remain
        return
    for name, colour in WINNER_COLOURS.items():
        ind = [1.0 if w == name else 0.0 for w in winners]
        if 0 < sum(ind) < len(ind):
            ax.tricontourf(tri, ind, levels=[0.5, 1.5], colors=[colour + "33"], zorder=1)
            if name != "none":
                ax.tricontour(tri, ind, levels=[0.5], colors=[colour], linewidths=1.2, zorder=2)


def _toy_bound(ax, xs, ys, m_other, m_h) -> None:
    """The exact no-L-ball bound |A| = m_H + sqrt(|r^2 - 1|) m_other, in the plane (A, r)."""
    lo, hi = min(ys), max(ys)
    n = 200
    rs = [lo + (hi - lo) * k / (n - 1) for k in range(n)]
    a = [m_h + m_other * math.sqrt(abs(r * r - 1)) for r in rs]
    ax.plot(a, rs, "--", color="k", lw=1.2, zorder=5, label=r"$|A| = m_H + \sqrt{|m_l^2 - m_L^2|}$ (no L-ball inside)")
    if min(xs) < 0:
        ax.plot([-v for v in a], rs, "--", color="k", lw=1.2, zorder=5)
    ax.set_xlim(min(xs), max(xs))
