r"""The stability atlas of a one-field Q-ball family: Q(omega), E(omega) over the whole window.

Part of :mod:`qsym.numeric.qball` (numeric layer: mpmath/numpy only).  The family is
sampled in the chart ``u = log(Delta/(D - Delta))`` of :mod:`qsym.numeric.qball.chart`
(double-precision bounces, uniform in u over the scanned range, which reaches the
asymptotic regime at both ends of the window).  On this curve:

* the extrema of Q(omega) (the folds of Q(omega), the cusps of M(Q) where two branches
  meet) are refined to ``dps`` digits by :func:`qsym.numeric.qball.roots._refine_extremum`;
* the zeros of the binding energy ``B = Q m/|q| - E`` (the charge Q_s above which the
  Q-ball cannot decay into free quanta) are refined by a secant at ``dps`` digits;
* each branch (a stretch between two folds) has one sign of dQ/domega: classically
  stable where dQ/domega < 0 and, since ``d^2 M/dQ^2 = 1/(dQ/domega)`` along one family,
  stable against fission there as well (M(Q) concave).

Signs: ``dDelta/domega = -2 q^2 omega < 0`` and ``du/dDelta > 0``, so
``sign(dQ/domega) = -sign(d log Q/du)``.
"""

from __future__ import annotations

import math

import mpmath

from qsym.errors import ConvergenceError, NoSolutionError
from qsym.numeric.qball.chart import CHART_SCAN_POINTS, DOUBLE_U_TOL, MAX_ROOT_ITER, _Curve, qball_at_u
from qsym.numeric.qball.result import GUARD
from qsym.numeric.qball.roots import _illinois, _refine_extremum, _scan, _u_of_omega_slope

__all__ = ["atlas_curve", "refine_binding_zero"]

#: bounces allowed for the scan and the refinements (besides the grid itself)
ATLAS_BUDGET = 600


def _slopes(us, gs):
    """d g/du at every grid point (centred differences on the non-uniform grid, one-sided at the ends)."""
    n = len(us)
    out = []
    for k in range(n):
        a, b = max(k - 1, 0), min(k + 1, n - 1)
        out.append((gs[b] - gs[a]) / (us[b] - us[a]))
    return out


def _grid(chart, lo: float, hi: float, points: int, progress=None):
    """Double-precision Q-balls at ``points`` chart points uniform in [lo, hi]; failures skipped."""
    out, failed = [], 0
    for k in range(points):
        u = lo + (hi - lo) * k / (points - 1)
        try:
            qb = qball_at_u(chart, u, None)
        except (ConvergenceError, NoSolutionError):
            failed += 1
            continue
        if not (qb.charge > 0):
            failed += 1
            continue
        out.append((u, qb))
        if progress and (k + 1) % 10 == 0:
            progress(f"atlas grid: {k + 1}/{points} Q-balls")
    return out, failed


def _extrema(curve, us, gs, dps, notes):
    """Refined interior extrema of log Q(u) on the grid: ``[(kind, u, QBall, error)]`` sorted in u."""
    out = []
    for k in range(1, len(us) - 1):
        kind = 1 if gs[k - 1] > gs[k] < gs[k + 1] else (-1 if gs[k - 1] < gs[k] > gs[k + 1] else 0)
        if kind == 0:
            continue
        try:
            u, qb, err = _refine_extremum(curve, us[k - 1], us[k + 1], kind, dps)
            out.append((kind, float(u), qb, max(err, mpmath.mpf(qb.error))))
        except ConvergenceError as exc:
            qb = qball_at_u(curve.chart, us[k], None)
            notes.append(f"extremum near u = {us[k]:.4g} kept at grid resolution ({exc})")
            out.append((kind, us[k], qb, mpmath.mpf(1e-3)))
    return out


def refine_binding_zero(chart, ua: float, ub: float, dps: int = 15):
    r"""The zero of the binding energy ``B(u) = Q m/|q| - E`` between chart points ua and ub.

    Double-precision Illinois first, then secant steps on ``B/Q`` at ``dps + GUARD`` digits
    (``B`` is computed without cancellation by :func:`qball_at_u`).

    .. math:: E(\omega_s) = Q(\omega_s)\, \frac{m}{|q|}

    Returns ``(u, QBall, error)``, ``error`` bounding the relative error of its charge Q_s.
    """
    m = mpmath.sqrt(chart.m2) / chart.q

    def fd(u):
        try:
            qb = qball_at_u(chart, u, None)
        except (ConvergenceError, NoSolutionError):
            return None
        return float(qb.binding / (qb.charge * m))

    fa, fb = fd(ua), fd(ub)
    if fa is None or fb is None:
        raise ConvergenceError("a bounce failed at the ends of a bracket of the binding energy")
    u0 = _illinois(fd, ua, fa, ub, fb, DOUBLE_U_TOL * max(1.0, abs(ua), abs(ub)))
    P = dps + GUARD
    with mpmath.workdps(P):
        def f(u):
            qb = qball_at_u(chart, u, P)
            return qb, qb.binding / (qb.charge * m)

        u_prev = mpmath.mpf(u0) + mpmath.mpf(10) ** -7
        qp, fp = f(u_prev)
        u = mpmath.mpf(u0)
        tol = mpmath.mpf(10) ** -(dps + 2)
        for _ in range(MAX_ROOT_ITER):
            qb, fu = f(u)
            dfdu = (fu - fp) / (u - u_prev)
            dg = (mpmath.log(qb.charge) - mpmath.log(qp.charge)) / (u - u_prev)
            step = fu / dfdu
            noise = mpmath.mpf(qb.error) * 4
            if abs(step * dg) <= tol or abs(fu) <= noise:
                err = abs(dg) * (abs(fu) + noise) / abs(dfdu) + mpmath.mpf(qb.error)
                return u, qb, err
            u_prev, qp, fp = u, qb, fu
            u = u - step
    raise ConvergenceError(f"the zero of the binding energy did not converge in {MAX_ROOT_ITER} secant steps; "
                           "try a larger dps")


def _end(us, gs, expected):
    """Asymptotic behaviour of log Q at one end (``us[0]`` the outermost point): the measured
    slope d log Q/du, its prediction, and the limit of Q there ("0", "infinity" or "finite")."""
    s = (gs[1] - gs[0]) / (us[1] - us[0])
    outward = 1 if us[0] > us[1] else -1        # u -> +inf at the thin end, -inf at the thick end
    if abs(s) < 0.05:
        lim = "finite"
    else:
        lim = "infinity" if s * outward > 0 else "0"
    return {"slope": s, "predicted": expected, "limit": lim, "Q_end": math.exp(gs[0]), "u_end": us[0]}


def atlas_curve(chart, points: int = 100, dps: int = 15, scan_points: int = CHART_SCAN_POINTS,
                progress=None) -> dict:
    r"""Q(omega), E(omega), binding energy and stability of every Q-ball of a one-field family.

    ``chart`` is a :class:`qsym.api.solve.DeltaChart` (with ``dim``, ``thick_slope``,
    ``thin_slope`` for the dimension).  Returns a dict of plain numbers:

    ``points``
        ``[{u, omega, charge, mass, binding, dlogQ_du, dQ_domega}]`` (double precision);
    ``extrema``
        ``[{kind, u, omega, charge, mass, error}]``, refined to ``dps`` digits;
    ``binding_zeros``
        ``[{u, omega, charge, mass, error}]``, zeros of ``Q m/|q| - E``, refined;
    ``thick_end`` / ``thin_end``
        measured asymptotic slope of log Q in u, the prediction, the limit of Q;
    ``failed``, ``notes``
        chart points whose bounce failed, and what the search could not settle.

    .. math:: \frac{dQ}{d\omega} = -2 q^2 \omega\, Q\, \frac{d\log Q}{du}\, \frac{du}{d\Delta},
              \qquad \frac{d^2 M}{dQ^2} = \Big(\frac{dQ}{d\omega}\Big)^{-1}

    Examples
    --------
    >>> from qsym.api.atlas import atlas_chart
    >>> from qsym.symbolic.potential import Potential
    >>> chart = atlas_chart(Potential("phi**2/2 - phi**3 + phi**4", ["phi"]), 3, 15)
    >>> a = atlas_curve(chart, points=12)
    >>> a["extrema"], a["thick_end"]["limit"], a["thin_end"]["limit"]
    ([], '0', 'infinity')
    """
    if points < 5:
        raise ValueError("an atlas needs at least 5 points")
    curve = _Curve(chart, ATLAS_BUDGET)
    scan = _scan(curve, scan_points)
    lo, hi = scan[0][0], scan[-1][0]
    if progress:
        progress(f"atlas: chart scanned on u in [{lo:.3g}, {hi:.3g}] ({curve.count} bounces)")
    grid, failed = _grid(chart, lo, hi, points, progress)
    if len(grid) < 5:
        raise ConvergenceError(f"only {len(grid)} of {points} Q-balls of the atlas grid could be solved; "
                               "report the potential")
    us = [u for u, _ in grid]
    gs = [float(mpmath.log(qb.charge)) for _, qb in grid]
    sl = _slopes(us, gs)
    pts = []
    for (u, qb), s in zip(grid, sl):
        dq = _u_of_omega_slope(chart, qb, s)
        pts.append({"u": u, "omega": qb.omega, "charge": qb.charge, "mass": qb.mass, "binding": qb.binding,
                    "dlogQ_du": s, "dQ_domega": dq, "error": qb.error})
    notes: list = []
    if progress:
        progress("atlas: refining the folds of Q(omega)")
    extrema = _extrema(curve, us, gs, dps, notes)
    zeros = []
    for k in range(len(pts) - 1):
        b0, b1 = pts[k]["binding"], pts[k + 1]["binding"]
        if b0 == 0 or b0 * b1 < 0:
            if progress:
                progress(f"atlas: refining the zero of M - Q m near Q = {float(pts[k]['charge']):.6g}")
            try:
                u, qb, err = refine_binding_zero(chart, us[k], us[k + 1], dps)
                zeros.append({"u": float(u), "omega": qb.omega, "charge": qb.charge, "mass": qb.mass, "error": err})
            except ConvergenceError as exc:
                notes.append(f"zero of the binding energy near u = {us[k]:.4g} not refined ({exc})")
                zeros.append({"u": us[k], "omega": pts[k]["omega"], "charge": pts[k]["charge"],
                              "mass": pts[k]["mass"], "error": mpmath.mpf(1e-2)})
    return {"points": pts,
            "extrema": [{"kind": "minimum" if k == 1 else "maximum", "u": u, "omega": qb.omega,
                         "charge": qb.charge, "mass": qb.mass, "error": err} for k, u, qb, err in extrema],
            "binding_zeros": zeros,
            "thick_end": _end(us[:2], gs[:2], chart.thick_slope),
            "thin_end": _end(us[::-1][:2], gs[::-1][:2], chart.thin_slope),
            "failed": failed, "notes": notes, "bounces": curve.count + len(grid) + failed}


def _branch_signs(pts, extrema):
    """sign of d log Q/du on each branch (the stretches between consecutive folds, in u)."""
    if extrema:
        first = -1 if extrema[0]["kind"] == "minimum" else 1
        return [first] + [1 if e["kind"] == "minimum" else -1 for e in extrema]
    g0, g1 = math.log(pts[0]["charge"]), math.log(pts[-1]["charge"])
    return [1 if g1 > g0 else -1]


def classify(data: dict) -> dict:
    r"""Branches and stability labels of an :func:`atlas_curve` answer (modified in place and returned).

    Adds ``branch``, ``classically_stable``, ``fission_stable``, ``bound`` and ``stability`` to every
    point and ``branch`` to every binding zero, and a list ``branches`` with, per branch, its
    omega and Q ranges, the sign of dQ/domega and its stability against small perturbations
    (dQ/domega < 0), fission (``d^2M/dQ^2 = 1/(dQ/domega) < 0``) and decay into quanta
    (``M_Q < Q m/|q|``: all, none or part of the branch).

    .. math:: \text{stable} \iff \frac{dQ}{d\omega} < 0 \iff \frac{d^2 M_Q}{dQ^2} < 0

    Examples
    --------
    >>> pts = [{"u": u, "charge": q, "omega": w, "binding": b, "mass": q - b}
    ...        for u, q, w, b in [(0, 2.0, 0.9, -1.0), (1, 3.0, 0.8, 1.0)]]
    >>> d = classify({"points": pts, "extrema": [], "binding_zeros": []})
    >>> d["branches"][0]["classical"], [p["stability"] for p in d["points"]]
    ('stable', ['metastable', 'stable'])
    """
    pts, ext = data["points"], data["extrema"]
    signs = _branch_signs(pts, ext)
    cuts = [e["u"] for e in ext]

    def branch_of(u):
        return sum(1 for c in cuts if u > c)

    branches = [{"index": i, "dQ_domega_sign": "-" if s > 0 else "+", "classically_stable": s > 0,
                 "fission_stable": s > 0, "classical": "stable" if s > 0 else "unstable", "points": 0,
                 "bound_points": 0} for i, s in enumerate(signs)]
    for p in pts:
        i = branch_of(p["u"])
        b = branches[i]
        p["branch"] = i
        p["classically_stable"] = p["fission_stable"] = b["classically_stable"]
        p["bound"] = bool(p["binding"] > 0)
        p["stability"] = ("unstable" if not p["classically_stable"] else
                          "stable" if p["bound"] else "metastable")
        b["points"] += 1
        b["bound_points"] += int(p["bound"])
        for key, val in (("charge", p["charge"]), ("omega", p["omega"])):
            lo, hi = b.get(key + "_min"), b.get(key + "_max")
            b[key + "_min"] = val if lo is None or val < lo else lo
            b[key + "_max"] = val if hi is None or val > hi else hi
    for z in data["binding_zeros"]:
        z["branch"] = branch_of(z["u"])
    for i, b in enumerate(branches):
        for e in ext[max(i - 1, 0):i + 1]:          # the folds that end this branch
            b["charge_min"] = e["charge"] if b.get("charge_min") is None else min(b["charge_min"], e["charge"])
            b["charge_max"] = e["charge"] if b.get("charge_max") is None else max(b["charge_max"], e["charge"])
        n, nb = b.pop("points"), b.pop("bound_points")
        b["quanta"] = "stable" if n and nb == n else ("unstable" if nb == 0 else "partly")
        b["stability"] = ("unstable" if not b["classically_stable"] else
                          {"stable": "stable", "unstable": "metastable", "partly": "stable above Q_s"}[b["quanta"]])
    data["branches"] = branches
    return data
