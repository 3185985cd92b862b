"""``qsym verify [--json] [--section N]``: the claims audit.

Exit status 0 when every check ran (whatever the verdicts), 1 when a check
itself failed to run (its claim is then reported as "unchecked").
"""

from __future__ import annotations

import sys

from ..audit import run_audit
from ..errors import InputError
from ._common import add_json


def add_parser(sub):
    p = sub.add_parser("verify", help="run the claims audit of the paper",
                       description="Check every registered equation and claim of hep-ph/9704273.")
    p.add_argument("--section", type=int, default=None, help="only this section (1-4)")
    p.add_argument("--id", action="append", default=None, help="only this claim id (repeatable)")
    add_json(p)
    return p


def _progress(c):
    if sys.stderr.isatty():
        print(f"  checking {c.id} ...", file=sys.stderr)


def run(args):
    if args.section is not None and not 1 <= args.section <= 4:
        raise InputError(f"--section must be 1..4, got {args.section}")
    results = run_audit(section=args.section, ids=args.id, progress=_progress)
    if args.id and len(results) != len(set(args.id)):
        known = {r.id for r in results}
        raise InputError(f"unknown claim id(s): {', '.join(i for i in args.id if i not in known)}")
    failed = [r for r in results if r.verdict == "unchecked" and r.evidence.startswith("check raised")]
    payload = {"claims": [{k: v for k, v in r.as_json().items()} for r in results]}
    if failed:
        payload["_exit"] = 1
    counts = {}
    for r in results:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    lines = [f"[{r.verdict:>9}] {r.id:<20} {r.where}: {r.statement}\n{'':12}{r.evidence}" for r in results]
    lines.append("summary: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
    return payload, "\n".join(lines)
