"""Benchmark: the certified enclosure of the bounce action (issue 14, part 2).

Issue 14 targets (CPU time, 2-core machine): S_psi (U = phi^2/2 - phi^3, d = 3) enclosed with
width < 1e-40 at dps 50 in < 30 s, width < 1e-90 at dps 100 in < 120 s.

    .venv/bin/python benchmarks/bench_certify.py [--reps 1] [--json] [--dps 50 100]

Columns: CPU time of the whole ``certify_bounce`` call (the engine's shooting guess at
dps + 15 included; best of reps), the CPU time of the proof alone (``proof``), the proven
width, the matching radius R, the working precision in bits, the validated steps of the
variational run, and whether the enclosure contains S_psi at 110 digits (the engine at dps 115).
"""

from __future__ import annotations

import argparse
import json
import time

import mpmath

from qsym.api.bounce import bounce
from qsym.api.certify import certify_bounce
from qsym.symbolic.potential import Potential

TARGETS = {50: (1e-40, 30.0), 100: (1e-90, 120.0)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--dps", type=int, nargs="*", default=[50, 100])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    P = Potential("phi**2/2 - phi**3", ["phi"])
    ref = bounce(P, dim=3, dps=115).action
    rows = []
    for dps in args.dps:
        best, res = float("inf"), None
        for _ in range(args.reps):
            t = time.process_time()
            res = certify_bounce(P, dim=3, dps=dps)
            best = min(best, time.process_time() - t)
        with mpmath.workdps(130):
            lo, hi = (mpmath.mpf(x) for x in res.enclosure)
            inside = bool(lo <= ref <= hi)
        width = float(res.stats["width"])
        tw, tt = TARGETS.get(dps, (None, None))
        rows.append(dict(dps=dps, cpu=round(best, 2), proof_cpu=round(res.stats["cpu"], 2), width=width,
                         R=res.stats["R"], prec=res.stats["prec"], steps=res.stats["steps"], status=res.status,
                         contains_reference=inside,
                         target_met=None if tw is None else bool(width < tw and best < tt)))
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        print(f"{'dps':>4} {'cpu s':>7} {'proof':>7} {'width':>9} {'R':>6} {'bits':>5} {'steps':>5} "
              f"{'status':>10} {'ref in':>6} {'target':>6}")
        for r in rows:
            print(f"{r['dps']:>4} {r['cpu']:>7} {r['proof_cpu']:>7} {r['width']:>9.2e} {r['R']:>6} {r['prec']:>5} "
                  f"{r['steps']:>5} {r['status']:>10} {str(r['contains_reference']):>6} {str(r['target_met']):>6}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
