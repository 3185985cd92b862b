"""The ``qsym`` command (the only module that prints).

Each sub-command lives in ``qsym/commands/<name>.py`` with two functions:
``add_parser(subparsers)`` and ``run(args) -> (payload: dict, text: str)``.
``run`` returns the JSON payload and the human-readable text; this module
prints one of them.  Errors are :class:`~qsym.errors.QsymError` subclasses
and become one line on stderr with their exit status (2 bad input, 1 no
solution / failed check); argparse usage errors exit 2 as well.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys

from . import __version__
from .errors import InputError, QsymError

__all__ = ["main", "COMMANDS"]

#: command modules in ``qsym.commands``; each adds one sub-command
COMMANDS = ["series", "verify", "reproduce", "bounce", "qball", "mu2", "mssm"]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        raise InputError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="qsym", description="Q-ball physics, derived and checked (hep-ph/9704273).")
    p.add_argument("--version", action="version", version=f"qsym {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        try:
            mod = importlib.import_module(f"qsym.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"qsym.commands.{name}":
                continue  # not built yet
            raise
        sp = mod.add_parser(sub)
        sp.set_defaults(_run=mod.run)
    return p


def add_json_flag(parser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "_run", None):
            raise InputError("no command given; commands: " + ", ".join(
                n for n in COMMANDS if n in parser._subparsers._group_actions[0].choices)
                + " (see qsym --help)")
        payload, text = args._run(args)
        code = payload.pop("_exit", 0) if isinstance(payload, dict) else 0
        if getattr(args, "json", False):
            print(json.dumps(payload, indent=1))
        else:
            print(text)
        return code
    except QsymError as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"qsym: error: {msg}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("qsym: interrupted", file=sys.stderr)
        return 130
    except RecursionError:
        print("qsym: error: expression too deeply nested", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
