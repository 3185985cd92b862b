"""Non-polynomial U: CPU time of one Q-ball against a polynomial one at the same digits (issue
target: ratio <= 2), and one gauge-mediated (log plateau) Q-ball at Q = 10^6 (target < 10 s).

CPU time (time.process_time, best of REPS after a warm-up): the machine is shared, wall time is noise.

Run:  .venv/bin/python benchmarks/bench_nonpoly.py [reps]
"""

from __future__ import annotations

import os
import sys
import time

import mpmath

import qsym

POLY = "phi**2/2 - phi**3 + phi**4"
NONPOLY = "phi**2/2 - phi**3*exp(-phi)"
PLATEAU = "log(1 + phi**2)"
Q, DPS = 100, 20


def cpu(text, charge, reps, dps=DPS):
    P = qsym.Potential(text, fields="phi")
    qsym.qball(P, charge, dps=dps)                  # warm-up (SymPy caches, imports)
    best, r = float("inf"), None
    for _ in range(reps):
        t = time.process_time()
        r = qsym.qball(P, charge, dps=dps)
        best = min(best, time.process_time() - t)
    return best, r


def main(reps: int = 3) -> None:
    print(f"load average {os.getloadavg()[0]:.2f} (2 cores shared)")
    tp, rp = cpu(POLY, Q, reps)
    tn, rn = cpu(NONPOLY, Q, reps)
    print(f"Q = {Q}, dps = {DPS}, CPU s (best of {reps}):")
    print(f"  polynomial     {POLY:32s} {tp:7.2f} s   M = {mpmath.nstr(rp.solutions[0].mass, 15)}")
    print(f"  non-polynomial {NONPOLY:32s} {tn:7.2f} s   M = {mpmath.nstr(rn.solutions[0].mass, 15)}")
    print(f"  ratio non-polynomial / polynomial = {tn / tp:.2f}   (target <= 2)")
    for dps in (15, 30, 50):                       # the target holds "at equal digits": any dps
        a, _ = cpu(POLY, Q, max(1, reps - 1), dps)
        b, _ = cpu(NONPOLY, Q, max(1, reps - 1), dps)
        print(f"  dps = {dps}: polynomial {a:.2f} s, non-polynomial {b:.2f} s, ratio {b / a:.2f}")
    tg, rg = cpu(PLATEAU, 10**6, reps)
    print(f"  log plateau {PLATEAU}, Q = 1e6, dps = {DPS}: {tg:.2f} s CPU (target < 10 s), "
          f"{len(rg.solutions)} branch(es), M = {[mpmath.nstr(s.mass, 12) for s in rg.solutions]}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
