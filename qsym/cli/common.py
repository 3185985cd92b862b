"""Helpers shared by the sub-commands: parameter parsing and potentials from flags."""

from __future__ import annotations

from qsym.errors import InputError
from qsym.models.catalogue import get_model, model_potential, names as model_names
from qsym.symbolic.potential import Potential


def add_json(parser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")


def add_potential_args(parser, multi: bool = True) -> None:
    """``--potential TEXT`` with ``--field``/``--fields``, or ``--model NAME``; ``--param k=v``."""
    parser.add_argument("--potential", default=None, help="SymPy text of U (or --model NAME)")
    add_model_arg(parser)
    if multi:
        g = parser.add_mutually_exclusive_group()
        g.add_argument("--field", help="name of the single field")
        g.add_argument("--fields", help="comma-separated field names")
    else:
        parser.add_argument("--field", default=None, help="name of the field")
    parser.add_argument("--param", action="append", default=[], metavar="k=v",
                        help="parameter value, repeatable")


def add_model_arg(parser) -> None:
    """``--model NAME``: a reference potential of :mod:`qsym.models.catalogue` instead of ``--potential``."""
    parser.add_argument("--model", default=None, metavar="NAME",
                        help="a reference potential instead of --potential: " + ", ".join(model_names())
                        + " (--param overrides its parameters; `qsym models` lists them)")


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
    model = getattr(args, "model", None)
    given = getattr(args, "fields", None) or getattr(args, "field", None)
    if model:
        m = get_model(model)
        if given and [n.strip() for n in given.split(",")] != list(m.fields):
            raise InputError(f"model {m.name!r} has the field(s) {', '.join(m.fields)}, not {given!r}")
        return list(m.fields)
    if not given:
        raise InputError("name the field(s) of the potential: --field NAME (or --fields a,b)")
    names = [n.strip() for n in given.split(",")]
    if not all(names):
        raise InputError("empty field name")
    return names


def potential_from_args(args, charges=None) -> Potential:
    """Build a validated Potential from --potential or --model, --field(s), --param and the charge flags."""
    model = getattr(args, "model", None)
    text = getattr(args, "potential", None)
    if model and text:
        raise InputError("give --potential or --model, not both")
    if not model and not text:
        raise InputError("give the potential: --potential TEXT (with --field) or --model NAME")
    names = field_names(args)
    if charges is None:
        charges = charges_from_args(args, names)
    if model:
        return model_potential(model, parse_params(args.param), charges)
    return Potential(text, names, charges, parse_params(args.param))


def add_charge_args(parser, charge_of: bool = True) -> None:
    """``--charges q1,q2,...`` and (repeatable) ``--charge-of field=q``."""
    parser.add_argument("--charges", default=None,
                        help="comma-separated U(1) charges, one per field (default all 1)")
    if charge_of:
        parser.add_argument("--charge-of", action="append", default=None, metavar="field=q",
                            help="U(1) charge of one field (repeatable; the others keep charge 1)")


def charges_from_args(args, names) -> list | None:
    """The charges of ``names`` from ``--charges`` and/or ``--charge-of`` (None: all 1).

    Every given charge is honoured, for one field or several; a charge that
    names no field, a count that does not match, or both flags for the same
    field are errors (never silently ignored).
    """
    text = getattr(args, "charges", None)
    items = getattr(args, "charge_of", None) or []
    if isinstance(items, str):
        items = [items]
    if text is None and not items:
        return None
    charges = ["1"] * len(names)
    if text is not None:
        parts = [c.strip() for c in text.split(",")]
        if not all(parts):
            raise InputError(f"--charges {text!r} has an empty entry")
        if len(parts) != len(names):
            raise InputError(f"--charges gives {len(parts)} charge(s) for {len(names)} field(s) "
                             f"({', '.join(names)})")
        charges = parts
    seen = set()
    for it in items:
        k, sep, v = it.partition("=")
        k, v = k.strip(), v.strip()
        if not sep or not k or not v:
            raise InputError(f"--charge-of {it!r} is not of the form field=q")
        if k not in names:
            raise InputError(f"--charge-of names {k!r}, which is not a field ({', '.join(names)})")
        if k in seen:
            raise InputError(f"--charge-of gives the charge of {k!r} twice")
        if text is not None:
            raise InputError("give the charges either with --charges or with --charge-of, not both")
        seen.add(k)
        charges[names.index(k)] = v
    return charges
