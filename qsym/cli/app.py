"""The ``qsym`` command (the only module that prints).

Each sub-command lives in ``qsym/cli/<name>.py`` with two functions:
``add_parser(subparsers)`` and ``run(args) -> (payload: dict, text: str)``.
``run`` returns the JSON payload and the human-readable text; this module
prints one of them.

Errors are :class:`~qsym.errors.QsymError` subclasses and become one line on
stderr, ``qsym: error: <message>``, with their exit status (2 bad input, 1 no
solution / failed check / budget exhausted); argparse usage errors exit 2 as
well.  With ``--json`` an error also prints one JSON object on stdout:
``{"error": "<message>", "kind": "input" | "no_solution" | "convergence"}``.
An unexpected internal failure is reported the same way (exit 1, kind
``convergence``, the message says it is a qsym bug); ``QSYM_DEBUG=1`` shows
the traceback instead.

Every run has a wall-time budget (``--time-limit SECONDS``, default
:data:`DEFAULT_TIME_LIMIT`; 0 switches it off): a computation that exceeds it
ends with exit 1 and a message naming the remedy, never a silent hang.
Progress of long computations goes to stderr when stderr is a terminal (or
``QSYM_PROGRESS=1``); stdout keeps the one result.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import signal
import sys
import time

from qsym import __version__
from qsym.errors import BudgetError, InputError, QsymError, error_kind

__all__ = ["main", "COMMANDS", "DEFAULT_TIME_LIMIT", "progress_printer"]

#: command modules in ``qsym.cli``; each adds one sub-command
COMMANDS = ["series", "verify", "reproduce", "bounce", "qball", "mu2", "mssm", "scan", "atlas", "models"]
#: default wall-time budget of one command, seconds
DEFAULT_TIME_LIMIT = 1800


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        raise InputError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="qsym", description="Q-ball physics, derived and checked (hep-ph/9704273).")
    p.add_argument("--version", action="version", version=f"qsym {__version__}")
    p.add_argument("--time-limit", type=float, default=None, metavar="SECONDS",
                   help=f"wall-time budget of the command (default {DEFAULT_TIME_LIMIT} s, "
                        "or $QSYM_TIME_LIMIT; 0: none)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        mod = importlib.import_module(f"qsym.cli.{name}")
        sp = mod.add_parser(sub)
        sp.set_defaults(_run=mod.run)
    return p


def progress_printer(label: str | None = None):
    """A ``progress(message)`` callback printing ``[  t s] [label: ]message`` on stderr, or None.

    Active when stderr is a terminal or ``QSYM_PROGRESS=1``; ``QSYM_PROGRESS=0``
    silences it.  Library code receives the callback and never prints itself.
    """
    flag = os.environ.get("QSYM_PROGRESS")
    if flag == "0" or (flag != "1" and not sys.stderr.isatty()):
        return None
    t0 = time.perf_counter()

    def progress(msg) -> None:
        head = f"{label}: " if label else ""
        print(f"[{time.perf_counter() - t0:7.1f}s] {head}{msg}", file=sys.stderr, flush=True)
    return progress


def _time_limit(args) -> float:
    val = args.time_limit
    if val is None:
        env = os.environ.get("QSYM_TIME_LIMIT")
        try:
            val = float(env) if env else DEFAULT_TIME_LIMIT
        except ValueError:
            raise InputError(f"QSYM_TIME_LIMIT={env!r} is not a number of seconds") from None
    if not (val >= 0) or val == float("inf"):
        raise InputError(f"--time-limit must be a finite number of seconds >= 0, got {val}")
    return val


def _on_alarm(signum, frame):  # pragma: no cover - timing dependent
    raise BudgetError("the time limit ran out before the answer was reached; "
                      "raise --time-limit (seconds) or ask for fewer digits")


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _fail(exc_msg: str, kind: str, code: int, as_json: bool) -> int:
    msg = exc_msg.splitlines()[0] if exc_msg else kind
    try:
        print(f"qsym: error: {msg}", file=sys.stderr)
        if as_json:
            print(json.dumps({"error": msg, "kind": kind}), flush=True)
    except BrokenPipeError:
        _silence_stdout()
    return code


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    as_json = "--json" in argv
    alarm = False
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "_run", None):
            raise InputError("no command given; commands: " + ", ".join(COMMANDS) + " (see qsym --help)")
        limit = _time_limit(args)
        if limit > 0 and hasattr(signal, "SIGALRM"):
            signal.signal(signal.SIGALRM, _on_alarm)
            signal.setitimer(signal.ITIMER_REAL, limit)
            alarm = True
        payload, text = args._run(args)
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            alarm = False
        code = payload.pop("_exit", 0) if isinstance(payload, dict) else 0
        if getattr(args, "json", False):
            print(json.dumps(payload, indent=1))
        else:
            print(text)
        return code
    except QsymError as exc:
        return _fail(str(exc) or type(exc).__name__, error_kind(exc), exc.exit_code, as_json)
    except KeyboardInterrupt:
        print("qsym: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of stdout went away (e.g. `| head`): not an error of ours
        _silence_stdout()
        return 0
    except RecursionError:
        return _fail("expression too deeply nested", "input", 2, as_json)
    except MemoryError:
        return _fail("out of memory: the input asks for more than this machine has "
                     "(fewer digits or a smaller problem)", "convergence", 1, as_json)
    except Exception as exc:  # noqa: BLE001 - the contract: never a traceback
        if os.environ.get("QSYM_DEBUG") == "1":
            raise
        return _fail(f"internal error ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}); "
                     "this is a qsym bug, please report it with the command line (QSYM_DEBUG=1 shows "
                     "the traceback)", "convergence", 1, as_json)
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
