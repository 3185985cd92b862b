"""Benchmark of the 10^4-point toy-model existence map (issue 13): per-point cost, projection, full run.

The map: the eq (17) toy model (``computation = "mssm"``, certified existence at every point,
``rtol = 5e-3``) on a 100 x 100 grid of A in [0, 3] and m_l/m_L in [1/2, 2] (m_L = 1).

Default (``--points 500``): a uniform random sample of the map's points (seed 0: the cheap and
the expensive regions in proportion) is computed in this process, point by point, measuring CPU
time (``time.process_time``).  The projection for the
whole map on W workers is

    T(10^4) ~ 10^4 x (mean CPU per point) / W / busy,

with ``busy`` the share of a worker's wall time spent in points (``bench_scan.py`` measures it;
``--busy`` sets it, default 0.95).  Target: under 30 min on 2 cores.

``--points 10000`` runs the whole map for real, on a LocalCluster of ``--workers`` (2)
processes into ``--store`` (default a temporary file), stops it after ``--interrupt`` seconds
(SIGKILL of the scan process), resumes it, and reports the wall time of both parts and that no
finished point was recomputed.  Run it on an idle machine:

    .venv/bin/python benchmarks/bench_scan_map.py                 # sample, projection (~3 min CPU)
    .venv/bin/python benchmarks/bench_scan_map.py --points 10000  # the full map (~25 min, 2 cores)
    .venv/bin/python benchmarks/bench_scan_map.py --profile       # where a point's time goes
    .venv/bin/python benchmarks/bench_scan_map.py --side 12 --interrupt 10   # the full procedure, small
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

N_SIDE = 100


def map_spec(side: int = N_SIDE) -> dict:
    return {"computation": "mssm", "fixed": {"m_L": 1}, "options": {"rtol": "5e-3"},
            "vary": {"A": {"from": 0, "to": 3, "points": side}, "m_l": {"from": "1/2", "to": 2, "points": side}}}


def sample(n: int):
    """``n`` points of the full map drawn uniformly (a fixed seed), with their indices."""
    import random
    from qsym.scans.spec import parse_spec
    spec = parse_spec(map_spec())
    pts = spec.points()
    idx = sorted(random.Random(0).sample(range(len(pts)), min(n, len(pts))))
    return spec, [(i, pts[i]) for i in idx]


def per_point(n: int, profile: bool):
    from qsym.scans.worker import compute_here
    spec, todo = sample(n)
    text = spec.to_json()
    compute_here(text, todo[0][0], todo[0][1])           # warm-up: imports, first template
    if profile:
        import cProfile
        import pstats
        pr = cProfile.Profile()
        pr.enable()
    times, statuses = [], {}
    for idx, point in todo:
        t0 = time.process_time()
        row = compute_here(text, idx, point)
        times.append(time.process_time() - t0)
        statuses[row["status"]] = statuses.get(row["status"], 0) + 1
    if profile:
        pr.disable()
        pstats.Stats(pr).sort_stats("cumulative").print_stats(25)
    return times, statuses


def full_map(workers: int, store: str | None, interrupt: float, side: int = N_SIDE):
    store = store or os.path.join(tempfile.mkdtemp(), "map.sqlite")
    import json
    spec_file = os.path.join(os.path.dirname(store), "map.toml")
    with open(spec_file, "w") as fh:                      # the same scan from a file, as a user runs it
        fh.write('computation = "mssm"\n[fixed]\nm_L = 1\n[options]\nrtol = "5e-3"\n'
                 f'[vary.A]\nfrom = 0\nto = 3\npoints = {side}\n'
                 f'[vary.m_l]\nfrom = "1/2"\nto = 2\npoints = {side}\n')
    cmd = [sys.executable, "-m", "qsym.cli", "scan", spec_file, "--store", store, "--workers", str(workers),
           "--json"]
    env = {**os.environ, "QSYM_PROGRESS": "0"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        proc.wait(interrupt)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    t_first = time.perf_counter() - t0
    db = sqlite3.connect(store)
    before = dict(db.execute("SELECT idx, finished_at FROM points WHERE status != 'pending'").fetchall())
    db.close()
    t0 = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    t_second = time.perf_counter() - t0
    rep = json.loads(out.stdout)
    db = sqlite3.connect(store)
    after = dict(db.execute("SELECT idx, finished_at FROM points").fetchall())
    db.close()
    kept = all(after[i] == f for i, f in before.items())
    print(f"full map ({side}x{side}) on {workers} workers, store {store}")
    print(f"  first run, killed after {t_first:7.1f} s: {len(before)} points stored")
    print(f"  resumed run             : {t_second:7.1f} s, computed {rep['computed']}, reused {rep['reused']}; "
          f"counts {rep['counts']}")
    print(f"  total wall time         : {(t_first + t_second) / 60:7.1f} min   (target < 30 min for 100x100)")
    print(f"  finished points kept    : {kept} (none recomputed on resume)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=500, help="sampled points (10000: run the full map)")
    ap.add_argument("--workers", type=int, default=2, help="cores of the projection / the full run")
    ap.add_argument("--busy", type=float, default=0.95, help="share of worker time in points (bench_scan.py)")
    ap.add_argument("--store", default=None, help="full run: the SQLite store (resumes if it exists)")
    ap.add_argument("--interrupt", type=float, default=300.0, help="full run: SIGKILL the scan after S seconds")
    ap.add_argument("--profile", action="store_true", help="cProfile the sampled points")
    ap.add_argument("--side", type=int, default=N_SIDE,
                    help="full run: grid points per axis (default 100; a smaller map checks the procedure)")
    a = ap.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    if a.points >= N_SIDE * N_SIDE or a.side != N_SIDE:
        full_map(a.workers, a.store, a.interrupt, a.side)
        return
    times, statuses = per_point(a.points, a.profile)
    times.sort()
    mean = sum(times) / len(times)
    total = N_SIDE * N_SIDE
    proj = total * mean / a.workers / a.busy
    print(f"{len(times)} of {total} map points (uniform sample), CPU per point: mean {mean:.3f} s, "
          f"median {times[len(times) // 2]:.3f} s, 90% {times[int(0.9 * len(times))]:.3f} s, max {times[-1]:.3f} s")
    print(f"statuses: {statuses}")
    print(f"projected 10^4-point map on {a.workers} cores: {proj / 60:.1f} min   (target < 30 min; "
          f"busy = {a.busy})")


if __name__ == "__main__":
    main()
