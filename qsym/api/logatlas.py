r"""The stability atlas of a log-origin potential (the gravity-mediated flat direction).

Same answer as :func:`qsym.api.atlas.atlas` (an :class:`~qsym.api.atlas.AtlasResult`), for
``U = P(phi) + kappa phi^2 log phi^2`` (:mod:`qsym.api.logflat`): the window is
``omega_min < omega < infinity``, sampled in

.. math:: u = -\log(\omega - \omega_{\min}), \qquad
          \frac{dQ}{d\omega} = -\frac{Q}{\omega - \omega_{\min}}\frac{d\log Q}{du},

so that ``u`` grows towards the thin-wall end, as on the polynomial chart.  Towards
``omega -> infinity`` the Q-balls approach the gausson of the logarithm alone and ``Q -> 0``;
towards ``omega_min`` (attained) ``Q -> infinity``.  The "mass of the quanta" is
``m_ref = sqrt(2 p_2)/|q|`` (:mod:`qsym.api.logflat`: there is no mass gap).
"""

from __future__ import annotations

import math

import mpmath

from qsym.errors import ConvergenceError, InputError
from qsym.results import CONVERGED, REDUCED, number_text

__all__ = ["atlas_log"]

#: the thin-wall end of the sampled window: omega - omega_min = THIN_OFFSET max(omega_min, 0.1)
THIN_OFFSET = 0.01
#: the sampled window ends on the other side where Q has fallen below this
Q_FLOOR = 1e-3
#: marching factor towards large omega
MARCH = 1.6


def _grid(fam, dim, points, progress):
    """(u, QBall) on a log grid of omega - omega_min, ends chosen from Q."""
    base = max(fam.omega_min, 0.1)
    lo = THIN_OFFSET * base
    hi = base * 0.2
    for _ in range(60):
        qb = fam.at(fam.omega_min + hi, None, dim)
        if float(qb.charge) < Q_FLOOR:
            break
        hi *= MARCH
    else:
        raise ConvergenceError("Q does not fall below 1e-3 at large omega")
    out, failed = [], 0
    for k in range(points):
        delta = math.exp(math.log(hi) + (math.log(lo) - math.log(hi)) * k / (points - 1))
        try:
            out.append((-math.log(delta), fam.at(fam.omega_min + delta, None, dim)))
        except ConvergenceError:
            failed += 1
        if progress:
            progress(f"atlas: {k + 1}/{points} Q-balls")
    return out, failed


def _slopes(us, gs):
    n = len(us)
    return [(gs[min(k + 1, n - 1)] - gs[max(k - 1, 0)]) / (us[min(k + 1, n - 1)] - us[max(k - 1, 0)])
            for k in range(n)]


def _extrema(grid, gs, sl):
    """Folds of Q(omega): sign changes of d log Q/du, located by a parabola through three points."""
    out = []
    for k in range(1, len(sl) - 1):
        if sl[k] * sl[k + 1] < 0 or sl[k] == 0:
            j = k if abs(sl[k]) < abs(sl[k + 1]) else k + 1
            j = min(max(j, 1), len(gs) - 2)
            u0, u1, u2 = grid[j - 1][0], grid[j][0], grid[j + 1][0]
            g0, g1, g2 = gs[j - 1], gs[j], gs[j + 1]
            den = (u0 - u1) * (u0 - u2) * (u1 - u2)
            A = (u2 * (g1 - g0) + u1 * (g0 - g2) + u0 * (g2 - g1)) / den
            B = (u2 * u2 * (g0 - g1) + u1 * u1 * (g2 - g0) + u0 * u0 * (g1 - g2)) / den
            uv = -B / (2 * A) if A else u1
            gv = g1 + (A * uv * uv + B * uv) - (A * u1 * u1 + B * u1)
            qb = grid[j][1]
            out.append({"kind": "minimum" if A > 0 else "maximum", "u": uv, "omega": qb.omega,
                        "charge": math.exp(gv), "mass": qb.mass, "error": abs(gv - g1) + 1e-12})
    return out


def _binding_zeros(fam, grid, dim):
    zs = []
    for k in range(len(grid) - 1):
        (u0, a), (u1, b) = grid[k], grid[k + 1]
        if a.binding is None or b.binding is None or a.binding * b.binding > 0:
            continue
        f = lambda u: float(fam.at(fam.omega_min + math.exp(-u), None, dim).binding)  # noqa: E731
        fa, fb = float(a.binding), float(b.binding)
        for _ in range(40):                                  # Illinois in u
            c = (u0 * fb - u1 * fa) / (fb - fa)
            fc = f(c)
            if abs(u1 - u0) < 1e-12 or fc == 0:
                break
            if fc * fb < 0:
                u0, fa = u1, fb
            else:
                fa /= 2
            u1, fb = c, fc
        qb = fam.at(fam.omega_min + math.exp(-u1), None, dim)
        zs.append({"u": u1, "omega": qb.omega, "charge": qb.charge, "mass": qb.mass,
                   "error": max(float(qb.error), 1e-12)})
    return zs


def _end(fam, grid, gs, outer, dim):
    """The measured slope d log Q/du at one end; at large omega the gausson's
    ``d log Q/d omega = 1/omega - q^2 omega/a`` (a = -kappa) gives the derived slope."""
    us = [u for u, _ in grid]
    i, j = (0, 1) if outer == "thick" else (-1, -2)
    s = (gs[j] - gs[i]) / (us[j] - us[i])
    lim = "0" if outer == "thick" else ("infinity" if s > 0.05 else "finite")
    pred = None
    if outer == "thin" and fam.window.get("attained", True):
        pred = f"{dim} (thin wall: R ~ 1/(omega - omega_min), Q ~ R^D)"
    if outer == "thick":
        um = 0.5 * (us[i] + us[j])
        w = fam.omega_min + math.exp(-um)
        pred = f"{(float(fam.q2) * w / -float(fam.kappa) - 1 / w) * math.exp(-um):.6g} (gausson)"
    return {"slope": s, "predicted": pred, "limit": lim, "Q_end": math.exp(gs[i]), "u_end": us[i]}


def atlas_log(P, dim: int = 3, points: int = 100, dps: int = 15, progress=None):
    r"""The :class:`~qsym.api.atlas.AtlasResult` of a log-origin potential (double-precision grid;
    folds located by parabolas, binding zeros by Illinois steps, both to about 1e-10).

    .. math:: \frac{d^2 M_Q}{dQ^2} = \Big(\frac{dQ}{d\omega}\Big)^{-1}

    >>> import qsym
    >>> a = atlas_log(qsym.model_potential("gravity"), points=8)
    >>> [b["classical"] for b in a.branches]
    ['stable']
    """
    from qsym.api.atlas import AtlasResult, _q_min, _q_s
    from qsym.api.logflat import LogFamily
    from qsym.numeric.qball.atlas import classify
    if isinstance(dim, bool) or not isinstance(dim, int) or not 2 <= dim <= 10:
        raise InputError(f"dim must be an integer in [2, 10] for a log-origin potential, got {dim!r}")
    fam = LogFamily(P)
    grid, failed = _grid(fam, dim, points, progress)
    if len(grid) < 5:
        raise ConvergenceError(f"only {len(grid)} of {points} Q-balls of the atlas grid could be solved")
    gs = [math.log(float(qb.charge)) for _, qb in grid]
    sl = _slopes([u for u, _ in grid], gs)
    pts = []
    for (u, qb), s in zip(grid, sl):
        delta = math.exp(-u)
        pts.append({"u": u, "omega": qb.omega, "charge": qb.charge, "mass": qb.mass,
                    "binding": qb.binding if qb.binding is not None else math.inf,
                    "dlogQ_du": s, "dQ_domega": -float(qb.charge) * s / delta, "error": qb.error})
    data = {"points": pts, "extrema": _extrema(grid, gs, sl), "binding_zeros": _binding_zeros(fam, grid, dim),
            "thick_end": _end(fam, grid, gs, "thick", dim),
            "thin_end": _end(fam, grid, gs, "thin", dim), "notes": [],
            "failed": failed, "bounces": len(grid) + failed}
    data = classify(data)
    notes = list(fam.window.get("notes", ())) + [
        "no mass gap (U'' -> infinity at phi = 0): 'bound' compares M_Q with Q m_ref, m_ref^2 = 2 p_2"]
    qmin = _q_min(data, notes)
    qs = _q_s(data, notes)
    errs = [e["error"] for e in data["extrema"]] + [z["error"] for z in data["binding_zeros"]]
    err = max(errs, default=max(float(qb.error) for _, qb in grid))
    m_q = float(fam.m_ref) if fam.m_ref is not None else 1.0
    status = CONVERGED if err <= 1e-10 else REDUCED
    stats = {"bounces": data["bounces"], "failed_points": failed, "branches": len(data["branches"])}
    if qmin is not None:
        stats["Q_min_error"] = number_text(qmin["error"], 3)
    if qs is not None:
        stats["Q_s_error"] = number_text(qs["error"], 3)
    return AtlasResult(
        potential=str(P.U()), dim=dim, charge_unit=fam.q, m_per_charge=m_q,
        window={"omega_min": fam.window["omega_min"], "omega_max": mpmath.inf},
        points=tuple(pts), branches=tuple(data["branches"]), cusps=tuple(data["extrema"]),
        binding_zeros=tuple(data["binding_zeros"]),
        Q_min=qmin["charge"] if qmin else None, Q_min_omega=qmin["omega"] if qmin else None,
        Q_s=qs["charge"] if qs else None, Q_s_omega=qs["omega"] if qs else None,
        thick_end=data["thick_end"], thin_end=data["thin_end"], error=err, dps=dps, status=status,
        notes=tuple(notes), stats=stats)
