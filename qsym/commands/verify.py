"""``qsym verify [--json] [--section N]``: the claims audit.

Exit status 0 when every check ran (whatever the verdicts), 1 when a check
itself failed to run (its claim is then reported as "unchecked").
"""

from __future__ import annotations

from ..audit import registry, run_audit
from ..errors import InputError
from ._common import add_json


def add_parser(sub):
    p = sub.add_parser("verify", help="run the claims audit of the paper",
                       description="Check every registered equation and claim of hep-ph/9704273.")
    p.add_argument("--section", type=int, default=None, help="only this section (1-4)")
    p.add_argument("--id", action="append", default=None, help="only this claim id (repeatable)")
    add_json(p)
    return p


def run(args):
    from ..cli import progress_printer
    if args.section is not None and not 1 <= args.section <= 4:
        raise InputError(f"--section must be 1..4, got {args.section}")
    printer = progress_printer("verify")
    total = sum(1 for c in registry() if (args.section is None or c.section == args.section)
                and (not args.id or c.id in args.id))
    count = [0]

    def progress(c):
        count[0] += 1
        printer(f"[{count[0]}/{total}] checking {c.id}")
    results = run_audit(section=args.section, ids=args.id, progress=progress if printer else None)
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
