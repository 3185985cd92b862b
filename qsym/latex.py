r"""LaTeX forms of qsym's derived objects (strings; nothing is printed).

>>> series_latex("mass", 4)
'\\frac{M_Q}{Q M} = 1 - \\frac{\\epsilon^{2}}{6} - \\frac{\\epsilon^{4}}{8} + \\mathcal{O}\\left(\\epsilon^{6}\\right)'
>>> tex_escape("a_b & 50%")
'a\\_b \\& 50\\%'
"""

from __future__ import annotations

import sympy as sp

from . import thickwall as tw

__all__ = ["LHS", "series_latex", "closed_form_latex", "expr_latex", "equation", "tex_escape"]

#: left-hand sides of the thick-wall quantities
LHS = {"mass": r"\frac{M_Q}{Q M}", "radius": r"\frac{1}{R_Q \epsilon M}", "omega": r"\frac{\omega}{M}"}


def expr_latex(expr) -> str:
    """LaTeX of a SymPy expression (ascending powers for polynomials)."""
    return sp.latex(expr, order="rev-lex")


def series_latex(quantity: str, order: int) -> str:
    """Paste-ready LaTeX of the eps-expansion of a thick-wall quantity through ``eps**order``."""
    coeffs = tw.series(quantity, order)
    expr = sp.Add(*[c * tw.eps**k for k, c in coeffs.items()])
    nxt = order + 1 if order % 2 else order + 2  # odd powers vanish
    return (f"{LHS[quantity]} = {expr_latex(expr)} + "
            rf"\mathcal{{O}}\left(\epsilon^{{{nxt}}}\right)")


def closed_form_latex(quantity: str) -> str:
    """LaTeX of the closed form in eps of a thick-wall quantity."""
    return f"{LHS[quantity]} = {sp.latex(tw.closed_form(quantity))}"


def equation(lhs: str, rhs, label: str | None = None) -> str:
    """A displayed equation environment."""
    body = rhs if isinstance(rhs, str) else sp.latex(rhs)
    lab = f"\\label{{{label}}}" if label else ""
    return f"\\begin{{equation}}{lab}\n{lhs} = {body}\n\\end{{equation}}\n"


_ESC = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
        "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}", "<": r"\textless{}",
        ">": r"\textgreater{}"}


def tex_escape(text: str) -> str:
    """Escape plain text for LaTeX."""
    return "".join(_ESC.get(ch, ch) for ch in str(text))
