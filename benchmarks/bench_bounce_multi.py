"""Multi-field bounces: qsym side by side with CosmoTransitions' pathDeformation, in one process.

Run:  .venv/bin/python benchmarks/bench_bounce_multi.py [--quick]

Needs the optional ``bench`` extra (``pip install cosmoTransitions scipy``);
without it the CosmoTransitions columns are skipped.  Nothing is written.

What is measured (d = 3, alpha = 2 in CosmoTransitions)
-------------------------------------------------------
(a) Known answer, bounded: ``U = x^2/2 - x^3 + x^4/4 + y^2 + y^4`` with
    ``x = (3a + 4b)/5, y = (-4a + 3b)/5`` (a rotated separable potential).
    The exact action is the single-field action of ``x^2/2 - x^3 + x^4/4``,
    computed by the single-field engine at dps 50.  qsym's double path against
    ``pathDeformation.fullTunneling`` at its defaults and at tightened
    tolerances (its best is reported); relative error, best-of-N wall time,
    and the ratios.
(b) Unbounded below: ``U = x^2/2 - x^3 + 2 y^2 + x y^2`` (known answer: the
    single-field action of ``x^2/2 - x^3``) and the genuinely two-field
    ``a^2/2 + b^2 - a^3 - a b^2 + a^2 b/2`` (curved escape path; reference:
    qsym at dps 40).  CosmoTransitions needs a lower end point; it is given
    points beyond the bounce along the escape direction.
(c) High precision: dps 30 on the curved two-field potential and on (a):
    wall time and correct digits against the dps 40/50 references.
(d) CosmoTransitions' own two-field example (examples/fullTunneling.py:
    ``(x^2 + c y^2)(c (x-1)^2 + (y-1)^2) + fx (x^4/4 - x^3/3) + fy (y^4/4 - y^3/3)``,
    c = 5, fx = fy = 10; curved path, nearly thin wall): no closed form, so
    qsym's double result and CosmoTransitions are compared with qsym at dps 30
    -- an independent check of the curved-path answer by a different method.

(e) ``--qball``: the README's two-field Q-ball of charge 100 at dps 20 through the CLI
    (``qsym qball --potential "x**2/2 + y**2 - 3*x**2*y + x**4 + y**4" --fields x,y
    --charges 1,0 --charge 100 --json``): best CPU time (user + sys of the child) and wall
    time of three runs.  Issue 10 target: under 5 s (7.5 s CPU before the warm starts, the
    shifted U_omega, the five-point slope and the fixed-point high-precision residual).

CosmoTransitions 2.0.7 ran unmodified with numpy 2 / scipy 1.17 here; if an
alias removed in numpy 2 is missing, ``_bench_common.ct_shims`` adds it (benchmark only).

Both codes run with single-threaded BLAS (set below, before numpy loads): on a
shared 2-core machine multi-threaded OpenBLAS made small dense solves 5-15x
slower under load, which would measure the neighbours rather than the code.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import contextlib  # noqa: E402
import io  # noqa: E402
import math  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import mpmath  # noqa: E402
import numpy as np  # noqa: E402
import sympy as sp  # noqa: E402

from qsym.numeric.bounce_nd import solve_bounce_multi  # noqa: E402
from qsym.numeric.bounce1d.solver import solve_bounce  # noqa: E402
from qsym.bridge import numeric_1d, numeric_nd  # noqa: E402
from _bench_common import best_time, ct_import  # noqa: E402

a, b, p = sp.symbols("a b p")
X, Y = (3 * a + 4 * b) / 5, (-4 * a + 3 * b) / 5


def relerr(x, ref):
    with mpmath.workdps(60):
        return float(abs(mpmath.mpf(x) / ref - 1))


def digits(x, ref):
    e = relerr(x, ref)
    return -math.log10(e) if e else math.inf


def ct_functions(U):
    Uf = sp.lambdify((a, b), U, "numpy")
    g = [sp.lambdify((a, b), sp.diff(U, v), "numpy") for v in (a, b)]

    def V(Xv):
        Xv = np.asarray(Xv)
        return Uf(Xv[..., 0], Xv[..., 1])

    def dV(Xv):
        Xv = np.asarray(Xv)
        return np.stack([np.broadcast_to(gi(Xv[..., 0], Xv[..., 1]), Xv.shape[:-1]) for gi in g],
                        axis=-1)
    return V, dV


CT_SETTINGS = [
    ("defaults", {}),
    ("tol 1e-8, 2000 pts", dict(tunneling_findProfile_params=dict(xtol=1e-8, phitol=1e-8, npoints=2000))),
    ("tol 1e-10, 4000 pts", dict(tunneling_findProfile_params=dict(xtol=1e-10, phitol=1e-10, npoints=4000),
                                 deformation_deform_params=dict(fRatioConv=1e-4))),
    ("tol 1e-12, 8000 pts, spline 1000",
     dict(tunneling_findProfile_params=dict(xtol=1e-12, phitol=1e-12, npoints=8000),
          deformation_deform_params=dict(fRatioConv=1e-5), V_spline_samples=1000)),
]


def run_ct(pd, U, lower, kw):
    V, dV = ct_functions(U)
    kw = {k: dict(v) if isinstance(v, dict) else v for k, v in kw.items()}
    kw.setdefault("deformation_deform_params", {})["verbose"] = False
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        return pd.fullTunneling([np.asarray(lower, float), np.zeros(2)], V, dV,
                                tunneling_init_params=dict(alpha=2), **kw).action


README_QBALL = ["qball", "--potential", "x**2/2 + y**2 - 3*x**2*y + x**4 + y**4", "--fields", "x,y",
                "--charges", "1,0", "--charge", "100", "--json"]


def bench_readme_qball(runs: int = 3) -> None:
    """Case (e): CPU and wall time of the README two-field Q-ball through the CLI."""
    import json
    import resource
    import subprocess
    import sys
    best_cpu = best_wall = math.inf
    out = None
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "qsym.cli.app", *README_QBALL],
                              capture_output=True, text=True, check=False)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best_cpu, best_wall = min(best_cpu, cpu), min(best_wall, wall)
        out = json.loads(proc.stdout) if proc.stdout.strip() else {"error": proc.stderr[-200:]}
    print("(e) README two-field Q-ball, Q = 100, dps 20 (CLI, best of %d)" % runs)
    print(f"  CPU {best_cpu:6.2f} s   wall {best_wall:6.2f} s   omega {out.get('omega')}  "
          f"mass {out.get('mass')}  error {out.get('error')}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--qball", action="store_true", help="only case (e): the README two-field Q-ball")
    args = ap.parse_args()
    if args.qball:
        bench_readme_qball()
        return
    reps = 2 if args.quick else 5
    pd = ct_import("pathDeformation")

    U_a = X**2 / 2 - X**3 + X**4 / 4 + Y**2 + Y**4
    U_b1 = X**2 / 2 - X**3 + 2 * Y**2 + X * Y**2
    U_b2 = a**2 / 2 + b**2 - a**3 - a * b**2 + a**2 * b / 2

    print("references:")
    t = time.perf_counter()
    ref_a = solve_bounce(numeric_1d(p**2 / 2 - p**3 + p**4 / 4, p), dps=50).action
    ref_b1 = solve_bounce(numeric_1d(p**2 / 2 - p**3, p), dps=50).action
    print(f"  (a)  single-field engine, dps 50: S = {mpmath.nstr(ref_a, 35)}")
    print(f"  (b1) single-field engine, dps 50: S = {mpmath.nstr(ref_b1, 35)}")
    ref_b2 = solve_bounce_multi(numeric_nd(U_b2, [a, b]), dps=40).action
    print(f"  (b2) qsym multi-field, dps 40:     S = {mpmath.nstr(ref_b2, 35)}"
          f"   ({time.perf_counter() - t:.1f} s for all three)")

    # ---------------------------------------------------------------- (a)
    print(f"\n(a) known-answer 2-field potential, double precision (best of {reps})")
    num_a = numeric_nd(U_a, [a, b])
    tq, rq = best_time(lambda: solve_bounce_multi(num_a), reps)
    eq = relerr(rq.action, ref_a)
    print(f"  qsym     rel.err {eq:9.2e}  (claimed {rq.error:8.2e})  time {tq:7.3f} s")
    if pd is not None:
        xt = (3 + math.sqrt(5)) / 2
        lower = [xt * 3 / 5, xt * 4 / 5]
        best = None
        for name, kw in CT_SETTINGS:
            try:
                tc, sc = best_time(lambda: run_ct(pd, U_a, lower, kw), max(1, reps // 2))
                ec = relerr(sc, ref_a)
                print(f"  CT {name:34s} rel.err {ec:9.2e}  time {tc:7.3f} s")
                if best is None or ec < best[0]:
                    best = (ec, tc, name)
            except Exception as exc:  # noqa: BLE001
                print(f"  CT {name:34s} FAILED: {type(exc).__name__}: {str(exc)[:60]}")
        if best:
            print(f"  ratios vs CT's most accurate ({best[2]}): error qsym/CT = {eq / best[0]:.2e}, "
                  f"time qsym/CT = {tq / best[1]:.3f}")

    # ---------------------------------------------------------------- (b)
    print(f"\n(b) unbounded-below 2-field potentials, double precision (best of {reps})")
    for label, U, ref, lowers in (
            ("b1 x^2/2-x^3+2y^2+xy^2", U_b1, ref_b1, ([1.2, 1.6], [3.0, 4.0])),
            ("b2 curved path", U_b2, ref_b2, ([2.0, 0.3], [4.0, 0.0]))):
        num = numeric_nd(U, [a, b])
        tq, rq = best_time(lambda: solve_bounce_multi(num), reps)
        print(f"  {label:24s} qsym rel.err {relerr(rq.action, ref):9.2e} (claimed {rq.error:8.2e})"
              f"  time {tq:7.3f} s")
        if pd is not None:
            for lower in lowers:
                try:
                    t = time.perf_counter()
                    sc = run_ct(pd, U, lower, {})
                    print(f"  {'':24s} CT (end {lower}) rel.err {relerr(sc, ref):9.2e} "
                          f"time {time.perf_counter() - t:.3f} s")
                except Exception as exc:  # noqa: BLE001
                    print(f"  {'':24s} CT (end {lower}) FAILED: {type(exc).__name__}: {str(exc)[:60]}")

    # ---------------------------------------------------------------- (c)
    print("\n(c) high precision, dps 30 (target: 25 correct digits in < 60 s)")
    for label, U, ref in (("b2 curved path", U_b2, ref_b2), ("a  known answer", U_a, ref_a)):
        num = numeric_nd(U, [a, b])
        t = time.perf_counter()
        r = solve_bounce_multi(num, dps=30)
        tt = time.perf_counter() - t
        print(f"  {label:18s} time {tt:6.2f} s  correct digits {digits(r.action, ref):5.1f}  "
              f"claimed error {mpmath.nstr(r.error, 3)}  S = {mpmath.nstr(r.action, 30)}")

    # ---------------------------------------------------------------- (d)
    print("\n(d) CosmoTransitions' own 2-field example (curved path), vs qsym dps 30")
    cc, fx, fy = 5, 10, 10
    U_d = ((a * a + cc * b * b) * (cc * (a - 1)**2 + (b - 1)**2)
           + fx * (a**4 / 4 - a**3 / 3) + fy * (b**4 / 4 - b**3 / 3))
    num = numeric_nd(U_d, [a, b])
    t = time.perf_counter()
    ref_d = solve_bounce_multi(num, dps=30).action
    print(f"  qsym dps 30: S = {mpmath.nstr(ref_d, 30)}  ({time.perf_counter() - t:.2f} s)")
    tq, rq = best_time(lambda: solve_bounce_multi(num), reps)
    eq = relerr(rq.action, ref_d)
    print(f"  qsym double  rel.err {eq:9.2e}  (claimed {rq.error:8.2e})  time {tq:7.3f} s")
    if pd is not None:
        settings = CT_SETTINGS[:2] if args.quick else CT_SETTINGS
        for name, kw in settings:
            try:
                t = time.perf_counter()
                sc = run_ct(pd, U_d, [1.0, 1.0], kw)
                tc = time.perf_counter() - t
                print(f"  CT {name:34s} rel.err {relerr(sc, ref_d):9.2e}  time {tc:7.3f} s  "
                      f"(time qsym/CT = {tq / tc:.3f})")
            except Exception as exc:  # noqa: BLE001
                print(f"  CT {name:34s} FAILED: {type(exc).__name__}: {str(exc)[:60]}")


if __name__ == "__main__":
    main()
