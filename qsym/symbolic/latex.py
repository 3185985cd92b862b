r"""LaTeX forms of qsym's derived objects (strings; nothing is printed).

Displayed equations are never scaled: an expression wider than the line is
broken at its top-level sums (``split``, one equation number), see
:func:`equation`.  Numbers with an error estimate are written as
``value\ldots \pm error`` with the digits the error allows (:func:`pm_latex`).

>>> series_latex("mass", 4)
'\\frac{M_Q}{Q M} = 1 - \\frac{\\epsilon^{2}}{6} - \\frac{\\epsilon^{4}}{8} + \\mathcal{O}\\left(\\epsilon^{6}\\right)'
>>> tex_escape("a_b & 50%")
'a\\_b \\& 50\\%'
>>> pm_latex("4.851137412916352874132293866401532389", "2.3e-41", group=None)
'4.851137412916352874132293866401532389\\ldots \\pm 2.3\\times 10^{-41}'
>>> pm_latex("70.19154199057331880", "1.0e-22", group=5)
'70.19154\\,19905\\,73318\\,80\\ldots \\pm 1.0\\times 10^{-22}'
>>> sci_latex(0.000123456, 3), sci_latex(2.5, 2), sci_latex(-3e7, 1)
('1.23\\times 10^{-4}', '2.5', '-3\\times 10^{7}')
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation, localcontext

import sympy as sp

from qsym.symbolic import thickwall as tw

__all__ = ["LHS", "series_latex", "closed_form_latex", "expr_latex", "equation", "tex_escape", "pm_latex",
           "sci_latex", "latex_width", "LINE_WIDTH_EM", "signed_terms"]

#: left-hand sides of the thick-wall quantities
#: left-hand sides of the thick-wall expansions (one definition, in :mod:`qsym.symbolic.thickwall`)
LHS = tw.LATEX_LHS

#: widest display line (em of the text font) before :func:`equation` breaks it: an 11 pt article with
#: 2 cm margins is about 44 em wide; the rest is left for the equation tag and the estimate's error
LINE_WIDTH_EM = 34.0

#: SymPy printer settings of the report: ``\sin^{2} {\theta}`` (SymPy keeps the brackets of sums)
PRINT = {"fold_func_brackets": True}

#: a term of a broken sum wider than this (em) puts its numeric denominator in front:
#: ``\frac{g^{2}}{4} \left(...\right)^{2}`` instead of one long fraction bar
LONG_TERM_EM = 12.0


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


# ---------------------------------------------------------------------------------------------
# width estimate of math-mode LaTeX (em); conservative, for breaking lines, not for typesetting
_FUNCS = {"sin", "cos", "tan", "cot", "sec", "csc", "log", "ln", "exp", "min", "max", "sinh", "cosh", "tanh",
          "arcsin", "arccos", "arctan", "det", "lim"}
_ZERO = {"left", "right", "displaystyle", "textstyle", "limits", "nonumber", "notag", "bigl", "bigr", "Bigl",
         "Bigr", "biggl", "biggr", "big", "Big", "mathstrut"}
_WRAP = {"mathcal", "mathrm", "mathbf", "boldsymbol", "hat", "tilde", "bar", "vec", "overline", "mathbb",
         "widehat", "widetilde", "underline", "mathit", "operatorname"}
_REL = {"cdot", "pm", "mp", "times", "leq", "geq", "le", "ge", "equiv", "ll", "gg", "approx", "sim", "to",
        "neq", "ne", "simeq", "propto", "rightarrow", "leftarrow", "mapsto"}
_SPACE = {",": 0.17, ";": 0.28, ":": 0.22, "!": -0.17, " ": 0.33, "quad": 1.0, "qquad": 2.0}


def _arg(s: str, i: int) -> tuple[str, int]:
    """The next argument of a macro at ``s[i:]``: a brace group, a macro or one character."""
    while i < len(s) and s[i] == " ":
        i += 1
    if i >= len(s):
        return "", i
    if s[i] == "{":
        depth = 0
        for j in range(i, len(s)):
            if s[j] == "{" and (j == 0 or s[j - 1] != "\\"):
                depth += 1
            elif s[j] == "}" and s[j - 1] != "\\":
                depth -= 1
                if depth == 0:
                    return s[i + 1:j], j + 1
        return s[i + 1:], len(s)
    if s[i] == "\\":
        m = re.match(r"\\([A-Za-z]+|.)", s[i:])
        return m.group(0), i + len(m.group(0))
    return s[i], i + 1


def latex_width(tex: str, scale: float = 1.0) -> float:
    r"""Estimated typeset width (em) of math-mode LaTeX, on the generous side.

    A letter or digit is 0.5 em, a binary operator or relation with its spaces
    1.3 em, ``\frac`` the wider of its parts, scripts 0.7 of their size.

    >>> latex_width(r"a + b") == 0.5 + 1.3 + 0.5
    True
    >>> latex_width(r"\frac{x^{2}}{4}") < latex_width(r"x^{2} / 4")
    True
    """
    w, i = 0.0, 0
    while i < len(tex):
        c = tex[i]
        if c == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", tex[i:])
            name = m.group(1)
            i += len(m.group(0))
            if name in ("frac", "dfrac", "tfrac", "binom"):
                a, i = _arg(tex, i)
                b, i = _arg(tex, i)
                w += max(latex_width(a), latex_width(b)) * (0.75 if name == "tfrac" else 1.0) + 0.3
            elif name == "sqrt":
                if i < len(tex) and tex[i] == "[":
                    j = tex.index("]", i)
                    w += 0.4 * latex_width(tex[i + 1:j])
                    i = j + 1
                a, i = _arg(tex, i)
                w += latex_width(a) + 1.0
            elif name in ("text", "textrm", "mbox", "texttt", "emph", "textit"):
                a, i = _arg(tex, i)
                w += 0.5 * len(a)
            elif name in _WRAP:
                a, i = _arg(tex, i)
                w += latex_width(a)
            elif name in _FUNCS:
                w += 0.5 * len(name) + 0.3
            elif name in _ZERO:
                pass
            elif name in _SPACE:
                w += _SPACE[name]
            elif name in _REL:
                w += 1.3
            elif name in ("ldots", "cdots", "dots"):
                w += 1.3
            elif name in ("tag", "label"):
                _, i = _arg(tex, i)
            else:  # a Greek letter, \{, \| ...
                w += 0.6
        elif c in "^_":
            a, i = _arg(tex, i + 1)
            w += 0.7 * latex_width(a)
        elif c == "{":
            a, i = _arg(tex, i)
            w += latex_width(a)
        else:
            i += 1
            if c in "+-=<>":
                w += 1.3
            elif c in "()[]|/":
                w += 0.4
            elif c in ",;.":
                w += 0.3
            elif c in " &\n\t~}":
                pass
            else:
                w += 0.5
    return w * scale


def signed_terms(expr, order: str | None = None) -> list[str]:
    """LaTeX of the top-level terms of a sum with their signs (``["a", "- b", "+ c"]``), as printed."""
    terms = sp.Add.make_args(expr)
    if len(terms) > 1:
        terms = expr.as_ordered_terms(order=order)
    out = []
    for t in terms:
        neg = t.could_extract_minus_sign()
        body = sp.latex(-t if neg else t, order=order, **PRINT)
        if latex_width(body) > LONG_TERM_EM:
            body = sp.latex(-t if neg else t, order=order, long_frac_ratio=1, **PRINT)
        if not out:
            out.append(("- " if neg else "") + body)
        else:
            out.append(("- " if neg else "+ ") + body)
    return out


def _pack(pieces: list[str], first: float, width: float) -> list[str]:
    """Greedy lines of ``pieces`` no wider than ``width`` (the first line already holds ``first`` em)."""
    lines, row, used = [], [], first
    for p in pieces:
        w = latex_width(p)
        if row and used + w > width:
            lines.append(" ".join(row))
            row, used = [], 2.0  # continuation lines are indented by \quad and a sign
        row.append(p)
        used += w
    lines.append(" ".join(row))
    return lines


def _broken(lhs: str, expr, width: float, order: str | None) -> list[str] | None:
    """Lines of ``lhs = expr`` broken at the top-level sum (or the sum inside a product), or None."""
    head = latex_width(lhs) + 1.3
    if isinstance(expr, sp.Add):
        return _pack(signed_terms(expr, order), head, width)
    if isinstance(expr, sp.Mul):
        sums = [f for f in expr.args if isinstance(f, sp.Add)]
        if len(sums) != 1:
            return None
        rest = sp.Mul(*[f for f in expr.args if f is not sums[0]])
        pre = "" if rest == 1 else ("- " if rest == -1 else sp.latex(rest, **PRINT) + " ")
        pieces = signed_terms(sums[0], order)
        pieces[0] = pre + r"\Bigl(" + pieces[0]
        pieces[-1] = pieces[-1] + r"\Bigr)"
        return _pack(pieces, head, width)
    return None


def equation(lhs: str, rhs, label: str | None = None, tag: str | None = None,
             width: float = LINE_WIDTH_EM, order: str | None = None) -> str:
    r"""A displayed equation, broken over lines (``split``) when wider than ``width`` em.

    ``rhs`` is a SymPy expression (printed with :data:`PRINT`), a LaTeX string
    (used as given, never broken) or a list of LaTeX terms with their signs
    (:func:`signed_terms`; broken between them when too wide).  ``tag`` replaces the running number, e.g. ``"P14"`` for an
    equation that restates the paper's eq. (14); ``label`` is a ``\label`` key.
    Expressions are never scaled: a sum too wide for the line is broken between
    its terms, one equation number for all lines.

    >>> x = sp.Symbol("x")
    >>> print(equation("y", x + 1, tag="P1"))
    \begin{equation}\tag{P1}
    y = x + 1
    \end{equation}
    <BLANKLINE>
    >>> "\\begin{split}" in equation("y", sp.Add(*[x**k / k for k in range(1, 30)]))
    True
    """
    if isinstance(rhs, (list, tuple)):
        body = " ".join(rhs)
    else:
        body = rhs if isinstance(rhs, str) else sp.latex(rhs, order=order, **PRINT)
    mark = (f"\\tag{{{tag}}}" if tag else "") + (f"\\label{{{label}}}" if label else "")
    if isinstance(rhs, str) or latex_width(lhs) + 1.3 + latex_width(body) <= width:
        return f"\\begin{{equation}}{mark}\n{lhs} = {body}\n\\end{{equation}}\n"
    if isinstance(rhs, (list, tuple)):
        lines = _pack(list(rhs), latex_width(lhs) + 1.3, width)
    else:
        lines = _broken(lhs, rhs, width, order)
    if lines is None or len(lines) == 1:
        return f"\\begin{{equation}}{mark}\n{lhs} = {body}\n\\end{{equation}}\n"
    rows = [f"{lhs} &= {lines[0]}"] + [f"&\\quad {ln}" for ln in lines[1:]]
    return ("\\begin{equation}" + mark + "\n\\begin{split}\n" + " \\\\\n".join(rows)
            + "\n\\end{split}\n\\end{equation}\n")


# ---------------------------------------------------------------------------------------------
# numbers
def _decimal(x) -> Decimal:
    """``x`` as a Decimal with all its digits (an mpf gives every digit of its mantissa, whatever the
    working precision; ``str(mpf)`` would round to the current ``mp.dps``)."""
    if hasattr(x, "_mpf_") and hasattr(x, "context"):
        bits = max(int(x._mpf_[3]), 1)
        x = x.context.nstr(x, int(bits * 0.30103) + 2, strip_zeros=False, min_fixed=-1, max_fixed=-1)
    try:
        return Decimal(str(x).strip())
    except InvalidOperation:
        raise ValueError(f"not a number: {x!r}") from None


def sci_latex(x, sig: int = 2) -> str:
    r"""``x`` to ``sig`` significant digits, as ``1.23\times 10^{-4}`` outside ``[10^{-3}, 10^{4})``.

    ``x`` is anything whose ``str`` is a decimal number (float, mpf, Decimal, str).
    """
    d = _decimal(x)
    if not d.is_finite():
        raise ValueError(f"not a finite number: {x!r}")
    if d == 0:
        return "0"
    with localcontext() as ctx:
        ctx.prec = sig
        d = +d
    exp = d.adjusted()
    if -3 <= exp < 4:
        return format(d, "f")
    mant = d.scaleb(-exp)
    return format(mant, "f") + rf"\times 10^{{{exp}}}"


def pm_latex(value, error, group: int | None = 5, err_digits: int = 2) -> str:
    r"""``value\ldots \pm error``: the digits of ``value`` down to the error's leading decimal place.

    ``value`` and ``error`` are anything whose ``str`` is a decimal number (mpf,
    float, str).  The value is cut (not rounded) at the place of the error's
    leading digit, or where its own digits end, and marked ``\ldots``; with
    ``group`` the decimals come in groups of that many, separated by ``\,``.
    """
    v, e = _decimal(value), abs(_decimal(error))
    if not v.is_finite() or not e.is_finite():
        raise ValueError(f"not finite: {value!r} +- {error!r}")
    txt = format(v, "f")
    sign = "-" if txt.startswith("-") else ""
    txt = txt.lstrip("-")
    ip, _, fp = txt.partition(".")
    if e > 0:
        keep = max(0, -e.adjusted())
        fp = fp[:keep]
    if group and fp:
        fp = r"\,".join(fp[k:k + group] for k in range(0, len(fp), group))
    num = sign + ip + ("." + fp if fp else "")
    err = sci_latex(e, err_digits) if e > 0 else "0"
    return rf"{num}\ldots \pm {err}"


_ESC = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
        "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}", "<": r"\textless{}",
        ">": r"\textgreater{}"}


def tex_escape(text: str) -> str:
    """Escape plain text for LaTeX."""
    return "".join(_ESC.get(ch, ch) for ch in str(text))
