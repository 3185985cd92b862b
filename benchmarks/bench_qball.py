"""Q-ball solver benchmark (issue targets: one Q-ball to 20 digits < 10 s; a 100-point
M_Q(Q) curve at 1e-10 < 20 s), with CosmoTransitions timed on the same 100 bounces.

Run:  .venv/bin/python benchmarks/bench_qball.py
"""

from __future__ import annotations

import time

import mpmath
import numpy as np

from qsym import Potential
from qsym.bridge import OmegaFamily
from qsym.numeric.qball import qball_at_omega
from qsym.api.solve import qball

P = Potential("phi**2/2 - phi**3 + 3*phi**4/5", ["phi"])   # M = A = 1, lambda = 3/5


def one_qball():
    print("1. one Q-ball, Q = 10, 20 digits (target < 10 s)")
    t = time.perf_counter()
    a = qball(P, 10, dps=20)["solutions"][0]
    ta = time.perf_counter() - t
    t = time.perf_counter()
    with mpmath.workdps(45):
        b = qball(P, 10, dps=40)["solutions"][0]
        tb = time.perf_counter() - t
        digits = -mpmath.log10(abs(a.mass - b.mass) / b.mass)
    print(f"   M_Q = {mpmath.nstr(a.mass, 20)}  omega = {mpmath.nstr(a.omega, 20)}")
    print(f"   time {ta:.2f} s (incl. window, thin/thick comparisons);  correct digits vs dps-40 run: "
          f"{float(digits):.1f}  (dps-40 run: {tb:.1f} s)")


def curve():
    print("2. 100-point M_Q(Q) curve in double precision (target: 1e-10 in < 20 s)")
    fam = OmegaFamily(P)
    wmin, wmax = float(mpmath.sqrt(mpmath.mpf(1) / 6)), 1.0
    ws = [wmin + (wmax - wmin) * (0.01 + 0.98 * k / 99) for k in range(100)]
    t = time.perf_counter()
    pts = [qball_at_omega(fam, w, None) for w in ws]
    tq = time.perf_counter() - t
    errs = []
    for k in (0, 33, 66, 99):   # spot-check against 30-digit solutions
        with mpmath.workdps(35):
            ref = qball_at_omega(fam, mpmath.mpf(ws[k]), 30)
            errs.append(float(max(abs(pts[k].mass - ref.mass) / ref.mass,
                                  abs(pts[k].charge - ref.charge) / ref.charge)))
    print(f"   qsym: {tq:.2f} s for 100 points; max relative error of (Q, M_Q) at 4 checked points "
          f"{max(errs):.1e}; largest error estimate {max(float(p.error) for p in pts):.1e}")
    try:
        from cosmoTransitions.tunneling1D import SingleFieldInstanton
    except Exception as exc:  # noqa: BLE001
        print(f"   (CosmoTransitions unavailable: {exc})")
        return
    t = time.perf_counter()
    acts, fails = [], 0
    for w in ws:
        d = (1 - w * w) / 2
        V = lambda x, d=d: d * x**2 - x**3 + 0.6 * x**4       # noqa: E731
        dV = lambda x, d=d: 2 * d * x - 3 * x**2 + 2.4 * x**3  # noqa: E731
        # true minimum of U_omega: root of dV/x = 2d - 3x + 2.4 x^2
        xt = (3 + np.sqrt(9 - 19.2 * d)) / 4.8
        try:
            inst = SingleFieldInstanton(xt, 0.0, V, dV, alpha=2)
            prof = inst.findProfile()
            acts.append(inst.findAction(prof))
        except Exception:  # noqa: BLE001
            fails += 1
    tc = time.perf_counter() - t
    rel = [abs(a - float(p.action)) / float(p.action) for a, p in zip(acts, pts)] if not fails else []
    print(f"   CosmoTransitions (defaults, action only, no charge integral): {tc:.2f} s, {fails} failures"
          + (f", median relative error of the action {np.median(rel):.1e}" if rel else ""))
    print(f"   time ratio qsym/CosmoTransitions: {tq / tc:.2f}")


if __name__ == "__main__":
    one_qball()
    curve()
