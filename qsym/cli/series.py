"""``qsym series mass|radius|omega --order N [--latex|--json]``: thick-wall eps-expansions.

``--latex`` prints paste-ready LaTeX: a series that fits on one line of an
article (estimated width at most :data:`LINE_WIDTH_EM`) as one line of math to
put into any math environment; a longer one as an amsmath ``multline``
environment broken into lines of at most that width.  LaTeX comment lines
follow with the definition of epsilon, the paper's equation number and the
closed form.
"""

from __future__ import annotations

import sympy as sp

from qsym.symbolic import thickwall as tw
from qsym.symbolic.latex import closed_form_latex
from qsym.cli.common import add_json

#: widest line (em of 10 pt text) of the ``--latex`` output: an article's text width
#: (34.5 em) less the equation number and the multline indents
LINE_WIDTH_EM = 28
#: where the paper prints each expansion
PAPER_EQUATION = {"mass": "eq. (14)", "radius": "eq. (15)", "omega": "not printed (derived here)"}


def add_parser(sub):
    p = sub.add_parser("series", help="thick-wall expansions in epsilon (exact rationals)",
                       description="Exact eps-expansion of M_Q/(Q M), 1/(R_Q eps M) or omega/M "
                                   "(paper eqs (14)-(15)), derived from first principles.")
    p.add_argument("quantity", help="mass | radius | omega")
    p.add_argument("--order", required=True, help=f"highest power of epsilon (0..{tw.MAX_ORDER})")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--latex", action="store_true",
                   help="print paste-ready LaTeX (one line of math, or a multline environment "
                        "when it is wider than a line) with epsilon and the closed form as comments")
    add_json(g)
    return p


def latex_block(coeffs: tw.Series) -> str:
    """The ``--latex`` text of a series: the math, then ``%`` comment lines."""
    one_line = coeffs.width() <= LINE_WIDTH_EM
    if one_line:
        body = coeffs.latex()
    else:
        body = "\\begin{multline}\n" + coeffs.latex(width=LINE_WIDTH_EM) + "\n\\end{multline}"
    eps_def = sp.latex(tw.epsilon_of()["definition"])
    return "\n".join([
        body,
        rf"% where \epsilon = {eps_def} < \frac{{1}}{{2}}; Kusenko, hep-ph/9704273, "
        f"{PAPER_EQUATION[coeffs.quantity]}"
        + ("" if one_line else r"; multline needs \usepackage{amsmath}"),
        "% closed form:",
        "% " + closed_form_latex(coeffs.quantity),
    ])


def run(args):
    coeffs = tw.series(args.quantity, tw._check_order(args.order))
    order = coeffs.order
    payload = {
        "quantity": args.quantity,
        "description": tw.QUANTITIES[args.quantity],
        "variable": "epsilon",
        "epsilon": "Q*A**2/(3*S_psi*M**2)",
        "order": order,
        "coefficients": {str(k): str(c) for k, c in coeffs.items()},
        "closed_form": str(tw.closed_form(args.quantity)),
        "latex": coeffs.latex(),
    }
    if args.latex:
        text = latex_block(coeffs)
    else:
        terms = " + ".join(f"({c})*epsilon**{k}" for k, c in coeffs.items())
        text = f"{tw.QUANTITIES[args.quantity]} = {terms} + O(epsilon**{coeffs.next_power})"
    return payload, text
