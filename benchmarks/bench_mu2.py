"""Benchmark: the certified mu^2 minimum (branch and bound; ball-arithmetic certificate).

Times :func:`qsym.numeric.mu2.branch_bound.minimize` on problems built once
(the SymPy ray decomposition is outside the timing), best of N, and the whole
toy-model threshold scan.  Issue 14 target: certification in ball arithmetic no
more than 3x slower than the padded double-precision certificate it replaced.

    .venv/bin/python benchmarks/bench_mu2.py [--reps 5] [--json]

Columns: wall time and CPU time of this process (best of reps each; the CPU time is
the steadier figure on a shared machine), boxes evaluated, boxes whose discarding was
decided in Arb balls (``ball``; absent before issue 14), verdict and bracket.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from qsym.api.mu2 import mu2_problem, threshold_scan  # noqa: E402
from qsym.models import mssm  # noqa: E402
from qsym.numeric.mu2.branch_bound import minimize  # noqa: E402
from qsym.symbolic.potential import Potential  # noqa: E402
from qsym.symbolic.rays import ray_data  # noqa: E402


def _toy(**over):
    vals = dict(mssm.DEFAULTS)
    vals.update({k: str(v) for k, v in over.items()})
    return mssm.potential_object(vals)


def cases():
    """``(name, Potential, polish)`` of the benchmark."""
    return [
        ("toy model, defaults (Q-ball)", _toy(), True),
        ("toy model, defaults, no polish", _toy(), False),
        ("toy model, A = 1 (no Q-ball)", _toy(A=1), False),
        ("toy model, A = 1.86 (near threshold)", _toy(A="1.86"), False),
        ("toy model, A = 1.87 (just above)", _toy(A="1.87"), False),
        ("two fields, a^2+b^2-3a^2 b+a^4+b^4", Potential("a**2 + b**2 - 3*a**2*b + a**4 + b**4",
                                                         ["a", "b"], [1, 1]), False),
        ("one field, p^2/2 - p^3 + p^4", Potential("p**2/2 - p**3 + p**4", ["p"]), False),
    ]


def best_times(f, reps: int):
    """``(best wall time, best CPU time, last result)`` of ``reps`` calls after one warm-up call."""
    out = f()
    wall = cpu = float("inf")
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        out = f()
        wall, cpu = min(wall, time.perf_counter() - t0), min(cpu, time.process_time() - c0)
    return wall, cpu, out


def run(reps: int) -> list:
    rows = []
    for name, P, polish in cases():
        prob = mu2_problem(ray_data(P), 30)
        t, c, r = best_times(lambda: minimize(prob, 30, polish=polish), reps)
        rows.append({"case": name, "seconds": round(t, 4), "cpu": round(c, 4), "boxes": r.boxes,
                     "qball_exists": r.qball_exists, "certified": r.certified,
                     "ball_boxes": r.stats.get("ball_boxes"), "lower": r.lower, "upper": r.upper})
    make = lambda a: _toy(A=a)  # noqa: E731
    best = cpu = float("inf")
    for _ in range(max(1, reps // 2)):
        t0, c0 = time.perf_counter(), time.process_time()
        thr = threshold_scan(make, "A", 0, 4, rtol=1e-6)
        best, cpu = min(best, time.perf_counter() - t0), min(cpu, time.process_time() - c0)
    rows.append({"case": "toy model threshold scan in A (rtol 1e-6)", "seconds": round(best, 4),
                 "cpu": round(cpu, 4),
                 "boxes": None, "qball_exists": None, "certified": thr.certified,
                 "ball_boxes": None, "lower": float(thr.below), "upper": float(thr.above)})
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    rows = run(args.reps)
    if args.json:
        print(json.dumps(rows, indent=1))
        return
    print(f"{'case':44s} {'wall s':>8s} {'cpu s':>8s} {'boxes':>7s} {'ball':>6s}  verdict")
    for r in rows:
        verdict = {True: "Q-ball", False: "no Q-ball", None: ""}[r["qball_exists"]]
        print(f"{r['case']:44s} {r['seconds']:8.4f} {r['cpu']:8.4f} {str(r['boxes']):>7s} "
              f"{str(r['ball_boxes']):>6s}  "
              f"{verdict} {'certified' if r['certified'] else 'UNCERTIFIED'} "
              f"[{r['lower']:.12g}, {r['upper']:.12g}]")


if __name__ == "__main__":
    main()
