"""``qsym verify [--json | --latex] [--section N] [--id ID]``: the claims audit.

``--latex`` prints paste-ready LaTeX: the audit section body (each claim with its
verdict badge, statement, evidence and correction typeset), preceded by ``%``
comment lines holding the preamble lines it needs.  ``--json`` carries each
claim's plain-text and LaTeX fields.

Exit status 0 when every check ran (whatever the verdicts), 1 when a check
itself failed to run (its claim is then reported as "unchecked").
"""

from __future__ import annotations

from qsym.audit.engine import registry, run_audit
from qsym.errors import InputError
from qsym.cli.common import add_json


def add_parser(sub):
    p = sub.add_parser("verify", help="run the claims audit of the paper",
                       description="Check every registered equation and claim of hep-ph/9704273.")
    p.add_argument("--section", type=int, default=None, help="only this section (1-4)")
    p.add_argument("--id", action="append", default=None, help="only this claim id (repeatable)")
    p.add_argument("--workers", type=int, default=None,
                   help="processes sharing the claims (default: one per core, at most 2; $QSYM_AUDIT_WORKERS)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--latex", action="store_true",
                   help="print paste-ready LaTeX of the audit (its preamble lines as %% comments first)")
    add_json(g)
    return p


def latex_block(results) -> str:
    """The ``--latex`` text: the preamble lines it needs as comments, then the section body."""
    from qsym import __version__
    from qsym.report.audit_section import PREAMBLE_PACKAGES, audit_section
    head = [f"% claims audit of hep-ph/9704273, qsym {__version__}; put in the preamble:"]
    head += ["% " + ln for ln in PREAMBLE_PACKAGES.strip().splitlines()]
    return "\n".join(head) + "\n" + audit_section(results, heading=False)


def run(args):
    from qsym.cli.app import progress_printer
    if args.section is not None and not 1 <= args.section <= 4:
        raise InputError(f"--section must be 1..4, got {args.section}")
    printer = progress_printer("verify")
    total = sum(1 for c in registry() if (args.section is None or c.section == args.section)
                and (not args.id or c.id in args.id))
    count = [0]

    def progress(c):
        count[0] += 1
        printer(f"[{count[0]}/{total}] checking {c.id}")
    results = run_audit(section=args.section, ids=args.id, progress=progress if printer else None,
                        workers=args.workers)
    failed = [r for r in results if r.verdict == "unchecked" and r.evidence.startswith("check raised")]
    payload = {"claims": [{k: v for k, v in r.as_json().items()} for r in results]}
    if failed:
        payload["_exit"] = 1
    counts = {}
    for r in results:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    if getattr(args, "latex", False):
        return payload, latex_block(results).rstrip("\n")
    lines = [f"[{r.verdict:>9}] {r.id:<20} {r.where}: {r.statement}\n{'':12}{r.evidence}" for r in results]
    lines.append("summary: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
    return payload, "\n".join(lines)
