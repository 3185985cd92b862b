"""Benchmark of ``qsym scan`` (issue 13): speed-up of 2 Dask workers over 1, and overhead per point.

A 200-point existence scan (certified mu^2 minimum of a three-field polynomial, ~0.1-0.5 s per
point) runs serially in this process (the reference work), then on a LocalCluster with 1 and with
2 worker processes (started before the clock starts and warmed up: imports are not scan cost).

    speed-up      = T(1 worker) / T(2 workers)                       (target >= 1.7)
    busy          = sum of per-point seconds / (workers x T): the share of the workers' time spent
                    computing points (1 - busy is scheduling, transfer and store overhead; on a
                    loaded machine per-point seconds inflate too, so busy stays meaningful)
    overhead/pt   = (T(1 worker) - sum of per-point compute seconds) / N

Every point runs in the worker's helper process (the per-point time limit, default 3600 s), as
in a user's scan.  The load of the machine (``os.getloadavg``) is printed at the start and the
end: other processes on the cores inflate the times and shrink the speed-up.

Usage: ``.venv/bin/python benchmarks/bench_scan.py [--points 200] [--repeat 1]``.
The three tables are checked to be identical (bit for bit).  The 10^4-point map: bench_scan_map.py.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time


U3 = "h**2 + a**2 + 2*b**2 - 2*A*h*a*b + h**2*a**2 + h**2*b**2 + a**2*b**2 + (h**2-a**2)**2/8"


def spec(n: int):
    from qsym.scans.spec import parse_spec
    return parse_spec({"computation": "mu2", "potential": {"text": U3, "fields": ["h", "a", "b"],
                                                         "charges": [0, 1, 1]},
                       "vary": {"A": {"from": 0, "to": "2.9", "points": n}}})


def table(path):
    db = sqlite3.connect(path)
    try:
        return db.execute('SELECT idx, A, status, qball_exists, mu2_min, gap, message FROM points ORDER BY idx').fetchall()
    finally:
        db.close()


def compute_seconds(path) -> float:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT SUM(seconds) FROM points").fetchone()[0]
    finally:
        db.close()


def on_cluster(s, n_workers: int, d: str, tag: str):
    from distributed import Client, LocalCluster
    from qsym.scans.engine import run_scan
    from qsym.scans.worker import compute
    with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None) as c, \
            Client(c) as client:
        for addr in client.scheduler_info()["workers"]:           # warm-up of every worker: imports, caches,
            client.submit(compute, s.to_json(), 0, s.points()[0], workers=[addr], pure=False).result()
                                                                 # its point helper (the per-point time limit)
        t0 = time.perf_counter()
        rep = run_scan(s, os.path.join(d, f"{tag}.sqlite"), client=client)
        return time.perf_counter() - t0, rep


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    from qsym.scans.engine import run_scan
    s = spec(a.points)
    d = tempfile.mkdtemp()
    load0 = os.getloadavg()
    run_scan(spec(2), os.path.join(d, "warm.sqlite"), workers=0)
    t0 = time.perf_counter()
    run_scan(s, os.path.join(d, "serial.sqlite"), workers=0)
    t_serial = time.perf_counter() - t0
    best, busy = {}, {}
    for r in range(a.repeat):
        for n in (1, 2):
            t, rep = on_cluster(s, n, d, f"w{n}r{r}")
            if t < best.get(n, float("inf")):
                best[n], busy[n] = t, compute_seconds(rep.store) / (n * t)
            assert table(rep.store) == table(os.path.join(d, "serial.sqlite")), "tables differ"
    work = compute_seconds(os.path.join(d, "w1r0.sqlite"))
    print(f"load average (1, 5, 15 min): start {' '.join(f'{x:.2f}' for x in load0)}, end "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores "
          "(other processes share the cores: the speed-up needs an idle machine)")
    print(f"{a.points} points, mu^2 existence of a 3-field polynomial (A in [0, 2.9])")
    print(f"serial (no Dask)      : {t_serial:7.2f} s")
    print(f"Dask, 1 worker        : {best[1]:7.2f} s   (sum of point times {work:.2f} s)")
    print(f"Dask, 2 workers       : {best[2]:7.2f} s")
    print(f"speed-up 2 vs 1       : {best[1] / best[2]:7.2f}x   (target >= 1.7)")
    print(f"workers busy          : {100 * busy[1]:5.1f}% (1 worker), {100 * busy[2]:5.1f}% (2 workers) "
          "of their wall time computing points")
    over = (best[1] - work) / a.points
    print(f"overhead per point    : {over * 1e3:7.1f} ms   ({100 * over * a.points / best[1]:.1f}% of the 1-worker run)")
    print("tables identical      : serial == 1 worker == 2 workers (bit for bit)")


if __name__ == "__main__":
    main()
