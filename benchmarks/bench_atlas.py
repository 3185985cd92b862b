"""Atlas benchmark (issue 11 target: a 100-point atlas curve in double precision under 20 s).

Times ``qsym.atlas`` (chart scan + 100 double-precision Q-balls + folds and Q_s refined to
15 digits) for the catalogue models (``paper``, ``sextic``, ``gravity``, ``gmsb``: the logarithmic plateau
of gauge mediation) and the cubic-quartic family in D = 2; spot-checks grid points against
30-digit Q-balls at the same chart point.  CPU time (time.process_time), best of ``REPEAT``
runs after a warm-up (the machine is shared: wall time is noise); the machine load is printed.

Run:  .venv/bin/python benchmarks/bench_atlas.py [repeat] [model ...]
"""

from __future__ import annotations

import os
import sys
import time

import mpmath

import qsym
from qsym.api.atlas import atlas_chart
from qsym.numeric.qball import qball_at_u

#: (label, potential factory, D)
CASES = {
    "paper": (lambda: qsym.model_potential("paper"), 3),
    "sextic": (lambda: qsym.model_potential("sextic"), 3),
    "gmsb": (lambda: qsym.model_potential("gmsb"), 3),
    "gravity": (lambda: qsym.model_potential("gravity"), 3),
    "cubic-quartic D=2": (lambda: qsym.Potential("phi**2/2 - phi**3 + phi**4", fields="phi"), 2),
}
REPEAT = 2
TARGET = 20.0


def one(label, make, dim, repeat):
    P = make()
    qsym.atlas(P, dim=dim, points=100, dps=15)          # warm-up (SymPy caches, imports)
    best, res = None, None
    for _ in range(repeat):
        c0 = time.process_time()
        res = qsym.atlas(P, dim=dim, points=100, dps=15)
        cpu = time.process_time() - c0
        best = cpu if best is None else min(best, cpu)
    if P.log_origin is not None:        # gravity: the Gaussian-tail family (no chart)
        from qsym.api.logflat import LogFamily
        fam = LogFamily(P)

        def reference(p):
            return fam.at(mpmath.mpf(p["omega"]), 30, dim)
    else:
        chart = atlas_chart(P, dim, 15)

        def reference(p):
            return qball_at_u(chart, p["u"], 30)
    errs = []
    for p in (res.points[0], res.points[len(res.points) // 2], res.points[-1]):
        with mpmath.workdps(35):
            ref = reference(p)
            errs.append(float(max(abs(p["mass"] - ref.mass) / ref.mass, abs(p["charge"] - ref.charge) / ref.charge)))
    qmin = mpmath.nstr(res.Q_min, 15) if res.Q_min is not None else "none"
    qs = mpmath.nstr(res.Q_s, 15) if res.Q_s is not None else "none"
    print(f"{label:18s} D={dim}: {best:6.2f} s CPU (best of {repeat}), {len(res.points)} points, "
          f"{res.stats['bounces']} bounces, {len(res.branches)} branch(es); Q_min = {qmin}, Q_s = {qs}; "
          f"grid vs dps-30: max rel. err {max(errs):.1e}; ratio to target {best / TARGET:.2f} "
          f"[{'ok' if best < TARGET else 'SLOW'}: target {TARGET:.0f} s]", flush=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    repeat = int(args.pop(0)) if args and args[0].isdigit() else REPEAT
    names = args or list(CASES)
    print(f"load average {os.getloadavg()[0]:.2f} (2 cores shared)")
    for name in names:
        make, dim = CASES[name]
        one(name, make, dim, repeat)
