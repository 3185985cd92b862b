"""Benchmark: `qsym series mass --order 40` (target: under 2 s of work after import).

Run: .venv/bin/python benchmarks/bench_series.py
Prints, for several orders, the time of the full derivation + expansion in a fresh
process (import excluded), and the end-to-end CLI wall time.
"""

import json
import subprocess
import sys
import time

CHILD = r"""
import time, json, sys
t0 = time.perf_counter()
import qsym.symbolic.thickwall as tw
t1 = time.perf_counter()
c = tw.series(sys.argv[1], int(sys.argv[2]))
t2 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "work": t2 - t1, "n": len(c)}))
"""


def main():
    print(f"{'quantity':>8} {'order':>5} {'import s':>9} {'work s':>8} {'CLI wall s':>10}")
    for quantity, order in [("mass", 12), ("mass", 40), ("radius", 40), ("omega", 40), ("mass", 100)]:
        r = json.loads(subprocess.run([sys.executable, "-c", CHILD, quantity, str(order)],
                                      capture_output=True, text=True, check=True).stdout)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "qsym.cli.app", "series", quantity, "--order", str(order),
                        "--json"], capture_output=True, check=True)
        wall = time.perf_counter() - t
        print(f"{quantity:>8} {order:>5} {r['import']:9.3f} {r['work']:8.3f} {wall:10.3f}")


if __name__ == "__main__":
    main()
