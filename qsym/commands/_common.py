"""Helpers shared by the sub-commands: parameter parsing and potentials from flags."""

from __future__ import annotations

from ..errors import InputError
from ..potential import Potential


def add_json(parser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")


def add_potential_args(parser, multi: bool = True) -> None:
    parser.add_argument("--potential", required=True, help="SymPy text of U")
    if multi:
        g = parser.add_mutually_exclusive_group(required=True)
        g.add_argument("--field", help="name of the single field")
        g.add_argument("--fields", help="comma-separated field names")
    else:
        parser.add_argument("--field", required=True, help="name of the field")
    parser.add_argument("--param", action="append", default=[], metavar="k=v",
                        help="parameter value, repeatable")


def parse_params(items) -> dict:
    out = {}
    for it in items or []:
        if "=" not in it:
            raise InputError(f"--param {it!r} is not of the form name=value")
        k, v = it.split("=", 1)
        k = k.strip()
        if not k:
            raise InputError(f"--param {it!r} has no name")
        if k in out:
            raise InputError(f"parameter {k!r} given twice")
        out[k] = v.strip()
    return out


def field_names(args) -> list[str]:
    names = args.fields.split(",") if getattr(args, "fields", None) else [args.field]
    names = [n.strip() for n in names]
    if not all(names):
        raise InputError("empty field name")
    return names


def potential_from_args(args, charges=None) -> Potential:
    """Build a validated Potential from --potential, --field(s), --param."""
    return Potential(args.potential, field_names(args), charges, parse_params(args.param))
