"""``qsym reproduce [--out DIR] [--section N]``: every derivation, every check, the report."""

from __future__ import annotations

import sys
import time

from qsym.errors import InputError
from qsym.report.document import write_report
from qsym.cli.common import add_json


def add_parser(sub):
    p = sub.add_parser("reproduce", help="re-derive the paper and write report.tex / claims.json",
                       description="Run every derivation and cross-check, the claims audit, and write "
                                   "DIR/report.tex (+ report.pdf with pdflatex) and DIR/claims.json.")
    p.add_argument("--out", default="qsym-report", help="output directory (default qsym-report)")
    p.add_argument("--section", type=int, default=None, help="only this section (1-4)")
    p.add_argument("--no-pdf", action="store_true", help="do not run pdflatex")
    add_json(p)
    return p


def run(args):
    if args.section is not None and not 1 <= args.section <= 4:
        raise InputError(f"--section must be 1..4, got {args.section}")
    t0 = time.perf_counter()

    def progress(msg):  # progress goes to stderr; stdout keeps the one result
        print(f"[{time.perf_counter() - t0:6.1f}s] {msg}", file=sys.stderr, flush=True)

    try:
        summary = write_report(args.out, args.section, progress, pdf=not args.no_pdf)
    except OSError as exc:
        raise InputError(f"cannot write to {args.out!r}: {exc.strerror}") from None
    summary["seconds"] = round(time.perf_counter() - t0, 1)
    lines = [f"report: {summary['report_tex']}", f"claims: {summary['claims_json']}"]
    if "pdf_message" in summary:
        lines.append(f"pdf: {summary['pdf_message']}")
    lines.append("verdicts: " + ", ".join(f"{v} {k}" for k, v in sorted(summary["verdicts"].items())))
    return summary, "\n".join(lines)
