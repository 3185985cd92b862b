"""``qsym series mass|radius|omega --order N [--latex|--json]``: thick-wall eps-expansions."""

from __future__ import annotations

from .. import thickwall as tw
from ..latex import closed_form_latex, series_latex
from ._common import add_json


def add_parser(sub):
    p = sub.add_parser("series", help="thick-wall expansions in epsilon (exact rationals)",
                       description="Exact eps-expansion of M_Q/(Q M), 1/(R_Q eps M) or omega/M "
                                   "(paper eqs (14)-(15)), derived from first principles.")
    p.add_argument("quantity", help="mass | radius | omega")
    p.add_argument("--order", required=True, help=f"highest power of epsilon (0..{tw.MAX_ORDER})")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--latex", action="store_true", help="print paste-ready LaTeX")
    add_json(g)
    return p


def run(args):
    coeffs = tw.series(args.quantity, tw._check_order(args.order))
    order = int(args.order)
    payload = {
        "quantity": args.quantity,
        "description": tw.QUANTITIES[args.quantity],
        "variable": "epsilon",
        "epsilon": "Q*A**2/(3*S_psi*M**2)",
        "order": order,
        "coefficients": {str(k): str(c) for k, c in coeffs.items()},
        "closed_form": str(tw.closed_form(args.quantity)),
        "latex": series_latex(args.quantity, order),
    }
    if args.latex:
        text = payload["latex"] + "\n% closed form:\n% " + closed_form_latex(args.quantity)
    else:
        terms = " + ".join(f"({c})*epsilon**{k}" for k, c in coeffs.items())
        text = f"{tw.QUANTITIES[args.quantity]} = {terms} + O(epsilon**{order + 1 if order % 2 else order + 2})"
    return payload, text
