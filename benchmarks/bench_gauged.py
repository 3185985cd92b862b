"""Gauged Q-balls: one Q-ball at 20 digits, Q_max(e) at e = 1/5, the local-U(1) verdict (issue 12).

Run: .venv/bin/python benchmarks/bench_gauged.py   (prints wall times; best of ``--repeat``)
"""

import argparse
import time
from fractions import Fraction

from qsym.api.gauged import charge_max, gauged_qball, local_u1_verdict
from qsym.symbolic.potential import Potential


def _best(f, n):
    best, out = None, None
    for _ in range(n):
        t = time.perf_counter()
        out = f()
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    return best, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    P = Potential("phi**2/2 - phi**3 + phi**4", ["phi"])
    t, b = _best(lambda: gauged_qball(P, Fraction(1, 5), Fraction(17, 20), dps=20), a.repeat)
    print(f"one gauged Q-ball, dps 20 (e = 1/5, g0 = 0.85): {t:.2f} s  Q = {b.charge}")
    t, c = _best(lambda: charge_max(P, Fraction(1, 5), tol=1e-7), a.repeat)
    print(f"Q_max(e = 1/5): {t:.2f} s  Q_max = {c.Q_max} (rel. error {float(c.error):.1e}, {c.kind})")
    t, v = _best(lambda: local_u1_verdict(), a.repeat)
    print(f"local_u1_verdict: {t:.2f} s  verdict = {v[0]}")


if __name__ == "__main__":
    main()
