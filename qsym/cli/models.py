"""``qsym models [NAME] [--json]``: the catalogue of reference potentials (``--model NAME`` elsewhere)."""

from __future__ import annotations

from qsym.cli.common import add_json
from qsym.models.catalogue import CATALOGUE, get_model


def add_parser(sub):
    p = sub.add_parser("models", help="list the reference potentials that --model can name",
                       description="The catalogue of reference potentials (qsym's amplitude phi = sqrt(2)|Phi|"
                                   " of the canonically normalised literature field): the potential, its "
                                   "parameters with defaults, and its source.")
    p.add_argument("name", nargs="?", default=None, help="one model (default: all)")
    add_json(p)
    return p


def run(args):
    models = [get_model(args.name)] if args.name else list(CATALOGUE.values())
    payload = {"models": [m.describe() for m in models]}
    lines = []
    for m in models:
        params = ", ".join(f"{k}={v}" for k, v in m.params.items())
        lines.append(f"{m.name}: U = {m.potential}   [{params}]\n  {m.title}; {m.literature}"
                     + (f"\n  {m.notes}" if m.notes else ""))
    return payload, "\n".join(lines)
