"""Benchmark: the certified enclosure of the bounce action (issue 14, part 2).

Issue 14 targets (CPU time, 2-core machine): S_psi (U = phi^2/2 - phi^3, d = 3) enclosed with
width < 1e-40 at dps 50 in < 30 s, width < 1e-90 at dps 100 in < 120 s.

    .venv/bin/python benchmarks/bench_certify.py [--reps 1] [--json] [--dps 50 100]

Columns: CPU time of the whole ``certify_bounce`` call (the engine's shooting guess at
dps + 15 included; best of reps), the CPU time of the proof alone (``proof``), the proven
width, the matching radius R, the working precision in bits, the validated steps of the
variational run, and whether the enclosure contains S_psi at 110 digits (the engine at dps 115).

``--qball`` (part 3): the certified Q-ball of the paper's potential phi^2/2 - phi^3 + phi^4 at
charge Q (default 100; ``--dps`` default 30): CPU time of ``certify_qball`` (engine included; the
two point proofs alone as ``proof``), the relative half-width of M_Q, the widths of the omega
interval and of the charge bracket, and whether M_Q and omega* of the engine at 2 dps lie inside.

    .venv/bin/python benchmarks/bench_certify.py --qball [--charge 100] [--dps 30]
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
    ap.add_argument("--dps", type=int, nargs="*", default=None)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--qball", action="store_true", help="the certified Q-ball (part 3) instead of S_psi")
    ap.add_argument("--charge", default="100", help="the charge Q of --qball (default 100)")
    args = ap.parse_args(argv)
    if args.qball:
        return _qball(args)
    args.dps = args.dps or [50, 100]
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


def _qball(args) -> int:
    import qsym
    from qsym.api.certify import certify_qball
    P = Potential("phi**2/2 - phi**3 + phi**4", ["phi"])
    rows = []
    for dps in args.dps or [30]:
        ref = qsym.qball(P, args.charge, dps=min(2 * dps, 60)).solutions[0]
        best, res = float("inf"), None
        for _ in range(args.reps):
            t = time.process_time()
            res = certify_qball(P, args.charge, dps=dps)
            best = min(best, time.process_time() - t)
        with mpmath.workdps(2 * dps + 20):
            def width(pair):
                lo, hi = (mpmath.mpf(x) for x in pair)
                return float(hi - lo)

            def inside(pair, v):
                lo, hi = (mpmath.mpf(x) for x in pair)
                return bool(lo <= v <= hi)
            rows.append(dict(dps=dps, charge=args.charge, cpu=round(best, 2), proof_cpu=round(res.stats["cpu"], 2),
                             mass_rel_half_width=float(res.error), mass_width=width(res.enclosure),
                             omega_width=width(res.omega_enclosure), charge_bracket=width(res.charge_enclosure),
                             R=[round(r, 3) for r in res.stats["R"]], status=res.status,
                             mass_inside=inside(res.enclosure, ref.mass), omega_inside=inside(res.omega_enclosure, ref.omega),
                             enclosure=list(res.enclosure)))
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        for r in rows:
            print(f"Q = {r['charge']}, dps {r['dps']}: {r['status']}, cpu {r['cpu']} s (proofs {r['proof_cpu']} s), "
                  f"M_Q width {r['mass_width']:.2e} (rel. half-width {r['mass_rel_half_width']:.2e}), "
                  f"omega width {r['omega_width']:.2e}, Q bracket {r['charge_bracket']:.2e}, R {r['R']}, "
                  f"engine at 2 dps inside: M_Q {r['mass_inside']}, omega {r['omega_inside']}")
            print(f"  M_Q in [{r['enclosure'][0]}, {r['enclosure'][1]}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
