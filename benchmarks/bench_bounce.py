"""Single-field bounce: qsym side by side with CosmoTransitions, in one process.

Run:  .venv/bin/python benchmarks/bench_bounce.py [--quick]
      .venv/bin/python benchmarks/bench_bounce.py --high [--levels 100,300,1000] [--reps 2]

Needs the optional ``bench`` extra (``pip install cosmoTransitions scipy``);
without it the CosmoTransitions columns are skipped.  Nothing is written.

What is measured
----------------
1. S_psi, the d = 3 action of psi^2/2 - psi^3 (paper eq (13), "~4.85"), at
   dps 50 and 100: wall time and correct digits against a dps-150 reference.
2. The double-precision path against CosmoTransitions at its defaults on the
   same potentials (psi^2/2 - psi^3, and psi^2/2 - psi^3 + kappa psi^4 for
   kappa = 0.49, 0.499): relative error against the high-precision reference,
   time, and the time ratio qsym/CosmoTransitions.  Times are the best of
   several repetitions (both codes), after one warm-up call.
3. High precision in the thin-wall regime (kappa = 0.49, 0.499) at dps 30/50.

``--high`` instead: S_psi at dps 100, 300, 1000 (issue targets: 300 digits < 1.5 s,
1000 digits < 20 s of CPU): wall and CPU time (best of ``--reps`` solves, after a warm-up
solve), and the digits agreeing with a run at dps + 30 (100, 300) or dps + 50 (1000) next
to the claimed error.

Measured (2-core shared machine, CPU seconds, best of 3, the same machine state for both
rows; agreeing digits 101.8 / 301.4 / 1001.9 in both):

    dps                     100    300    1000
    before (session 18)     0.27   1.85   32.8
    after                   0.20   1.32   19.3

(kernels: relaxed products with operand cuts from order 500, fused cubic step, flint
truncated products; taylor/shoot: radius estimate below the noise, full-step fast paths,
fixed-point final-stop test.)

CosmoTransitions notes: ``SingleFieldInstanton(phi_absMin, phi_metaMin, V,
dV, d2V)`` needs a point lower than the false vacuum as ``phi_absMin``; for the
unbounded psi^2/2 - psi^3 we pass psi = 2 (V(2) = -6 < 0, beyond the bounce's
centre 1.397), for the quartic its true minimum.  CosmoTransitions 2.0.7 ran
unmodified with numpy 2 / scipy 1.17 here, so no compatibility shims are
applied; if an older numpy alias is missing, ``_bench_common.ct_shims`` adds it.
"""

from __future__ import annotations

import argparse
import math
import time
import warnings

import mpmath
import sympy as sp

from qsym.numeric.bounce1d import PolyPotential, solve_bounce, solve_bounce_double
from qsym.bridge import numeric_1d
from _bench_common import best_time, ct_import


def digits(x, ref):
    with mpmath.workdps(200):
        e = abs(mpmath.mpf(x) - ref) / abs(ref)
        return float(-mpmath.log10(e)) if e else math.inf


def high(levels, reps=2):
    """S_psi at high precision: time, digits agreeing with a more precise run, claimed error."""
    num = PolyPotential([0, 0, "1/2", -1])
    solve_bounce(num, dps=30)  # warm-up: imports, caches
    print("S_psi at high precision (targets: 300 digits < 1.5 s, 1000 digits < 20 s)")
    print(f"  (wall and CPU seconds of one solve, best of {reps}; on a shared machine the CPU time "
          "is the steadier)")
    print(f"  {'dps':>5s} {'time [s]':>9s} {'cpu [s]':>8s} {'check dps':>9s} {'agreeing digits':>16s} "
          f"{'claimed error':>14s}")
    for dps in levels:
        t = c = math.inf
        for _ in range(reps):
            t0, c0 = time.perf_counter(), time.process_time()
            r = solve_bounce(num, dps=dps)
            t, c = min(t, time.perf_counter() - t0), min(c, time.process_time() - c0)
        ref_dps = dps + (50 if dps >= 1000 else 30)
        ref = solve_bounce(num, dps=ref_dps)
        with mpmath.workdps(ref_dps + 10):
            e = abs(r.action - ref.action) / abs(ref.action)
            agree = float(-mpmath.log10(e)) if e else math.inf
        print(f"  {dps:5d} {t:9.2f} {c:8.2f} {ref_dps:9d} {agree:16.1f} {mpmath.nstr(r.error, 3):>14s}",
              flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--high", action="store_true", help="only the high-precision S_psi section")
    ap.add_argument("--levels", default="100,300,1000", help="dps values of --high")
    ap.add_argument("--reps", type=int, default=2, help="solves per dps of --high (the best time is shown)")
    args = ap.parse_args()
    if args.high:
        high([int(v) for v in args.levels.split(",")], args.reps)
        return
    reps = 3 if args.quick else 10
    SFI = ct_import("tunneling1D", "SingleFieldInstanton")
    phi = sp.Symbol("phi")

    def quartic(k):
        return phi**2 / 2 - phi**3 + sp.Rational(k) * phi**4

    cases = [("psi^2/2-psi^3", phi**2 / 2 - phi**3, 2.0),
             ("kappa=0.49", quartic("49/100"), None),
             ("kappa=0.499", quartic("499/1000"), None)]

    print("reference values (dps 150 / 80):")
    refs = {}
    for name, expr, _ in cases:
        t = time.perf_counter()
        r = solve_bounce(numeric_1d(expr, phi), dps=150 if name.startswith("psi") else 80)
        refs[name] = r.action
        print(f"  {name:14s} S = {mpmath.nstr(r.action, 40)}  ({time.perf_counter() - t:.2f} s)")

    print("\n1. S_psi at high precision (target: 50 digits < 2 s, 100 digits < 30 s)")
    print(f"  {'dps':>4s} {'time [s]':>9s} {'correct digits':>15s} {'claimed error':>14s}")
    num = numeric_1d(phi**2 / 2 - phi**3, phi)
    for dps in (50, 100):
        t, r = best_time(lambda: solve_bounce(num, dps=dps), 1 if not args.quick else 1)
        print(f"  {dps:4d} {t:9.3f} {digits(r.action, refs['psi^2/2-psi^3']):15.1f} "
              f"{mpmath.nstr(r.error, 3):>14s}")

    print("\n2. double precision vs CosmoTransitions defaults (best of", reps, "runs)")
    print(f"  {'potential':14s} {'qsym rel.err':>12s} {'qsym [ms]':>10s} {'CT rel.err':>11s} "
          f"{'CT [ms]':>8s} {'time ratio qsym/CT':>19s}")
    for name, expr, absmin in cases:
        num = numeric_1d(expr, phi)
        tq, rq = best_time(lambda: solve_bounce_double(num), reps)
        eq = float(abs(rq.action - refs[name]) / refs[name])
        if SFI is not None:
            V = sp.lambdify(phi, expr, "numpy")
            dV = sp.lambdify(phi, sp.diff(expr, phi), "numpy")
            d2V = sp.lambdify(phi, sp.diff(expr, phi, 2), "numpy")
            if absmin is None:
                absmin = max(float(r) for r in sp.solve(sp.diff(expr, phi), phi))

            def ct():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    inst = SFI(absmin, 0.0, V, dV, d2V, alpha=2)
                    return inst.findAction(inst.findProfile())
            tc, sc = best_time(ct, reps)
            ec = float(abs(sc - refs[name]) / refs[name])
            print(f"  {name:14s} {eq:12.2e} {tq * 1e3:10.2f} {ec:11.2e} {tc * 1e3:8.2f} {tq / tc:19.2f}")
        else:
            print(f"  {name:14s} {eq:12.2e} {tq * 1e3:10.2f} {'-':>11s} {'-':>8s} {'-':>19s}")

    print("\n3. thin wall at high precision")
    print(f"  {'potential':14s} {'dps':>4s} {'time [s]':>9s} {'correct digits':>15s} {'claimed error':>14s}")
    for name, expr, _ in cases[1:]:
        num = numeric_1d(expr, phi)
        for dps in (30, 50):
            t, r = best_time(lambda: solve_bounce(num, dps=dps), 1)
            print(f"  {name:14s} {dps:4d} {t:9.3f} {digits(r.action, refs[name]):15.1f} "
                  f"{mpmath.nstr(r.error, 3):>14s}")


if __name__ == "__main__":
    main()
