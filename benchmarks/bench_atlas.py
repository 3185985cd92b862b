"""Atlas benchmark (issue 11 target: a 100-point atlas curve in double precision under 20 s).

Times ``qsym.atlas`` (chart scan + 100 double-precision Q-balls + folds and Q_s refined to
15 digits) for the sextic family (one cusp, Q_min, Q_s) and the cubic-quartic one (no cusp),
in D = 3 and D = 2; spot-checks grid points against 30-digit Q-balls at the same chart point.
Best of ``REPEAT`` runs (the machine is shared).

Run:  .venv/bin/python benchmarks/bench_atlas.py
"""

from __future__ import annotations

import time

import mpmath

import qsym
from qsym.api.atlas import atlas_chart
from qsym.numeric.qball import qball_at_u

CASES = [("phi**2/2 - phi**4 + phi**6", 3), ("phi**2/2 - phi**3 + phi**4", 3), ("phi**2/2 - phi**3 + phi**4", 2)]
REPEAT = 2
TARGET = 20.0


def one(text, dim):
    P = qsym.Potential(text, fields="phi")
    best, res = None, None
    for _ in range(REPEAT):
        t0, c0 = time.perf_counter(), time.process_time()
        res = qsym.atlas(P, dim=dim, points=100, dps=15)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        best = (wall, cpu) if best is None or wall < best[0] else best
    chart = atlas_chart(P, dim, 15)
    errs = []
    for p in (res.points[0], res.points[50], res.points[-1]):
        with mpmath.workdps(35):
            ref = qball_at_u(chart, p["u"], 30)
            errs.append(float(max(abs(p["mass"] - ref.mass) / ref.mass, abs(p["charge"] - ref.charge) / ref.charge)))
    qmin = mpmath.nstr(res.Q_min, 15) if res.Q_min is not None else "none"
    qs = mpmath.nstr(res.Q_s, 15) if res.Q_s is not None else "none"
    print(f"{text:28s} D={dim}: {best[0]:6.2f} s wall ({best[1]:.2f} s CPU), {res.stats['bounces']} bounces, "
          f"{len(res.branches)} branch(es); Q_min = {qmin}, Q_s = {qs}; grid vs dps-30: max rel. err "
          f"{max(errs):.1e}  [{'ok' if best[0] < TARGET else 'SLOW'}: target {TARGET:.0f} s]")


if __name__ == "__main__":
    for text, dim in CASES:
        one(text, dim)
