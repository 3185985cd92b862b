r"""Gauged Q-balls of a :class:`~qsym.symbolic.potential.Potential`: the bridge from SymPy to the numeric solver.

Conventions and equations: :mod:`qsym.symbolic.gauged` (``1/2|D Phi|^2``, ``D = d - i e q A``,
``-F^2/4``, Heaviside-Lorentz, ``g = omega - e A_0``); solver: :mod:`qsym.numeric.gauged`.
The family is parametrised by the central frequency ``g0 = g(0)`` in ``(omega_min, m/|q|)``
(the global window, :mod:`qsym.symbolic.window`); ``family`` scans it, ``charge_max`` refines the
largest charge Q_max(e) (an interior maximum of Q(g0), or the last Q-ball before the
family ends).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import sympy as sp

from qsym.bridge import check_dps, evaluate, exact_rational, poly_coefficients
from qsym.results import CONVERGED, REDUCED, UNCERTIFIED, Result, latex_pm
from qsym.errors import ConvergenceError, InputError, NoQBallError, NoSolutionError
from qsym.numeric.gauged import float_point, solve_g0
from qsym.symbolic.potential import Potential, parse_value
from qsym.symbolic.window import qball_window

__all__ = ["gauged_qball", "family", "charge_max", "qball_charge", "qmax_curve", "thin_wall_numbers",
           "local_u1_verdict"]


@dataclass(frozen=True)
class ChargeMaxResult(Result):
    r"""The largest charge of a gauged Q-ball family (``kind`` says whether it is an interior
    maximum of Q(g0), the end of the solved family, or the end of the scanned window).

    .. math:: Q_{\max} = \max_{g_0} Q(g_0)
    """

    VALUES = ("Q_max", "g0", "omega", "energy")

    Q_max: object
    g0: object
    omega: object
    energy: object
    kind: str
    error: object
    dps: int
    qball: object = field(default=None, repr=False, compare=False)
    g0_end: tuple | None = None
    status: str = CONVERGED
    stats: dict = field(default_factory=dict)


@dataclass(frozen=True)
class GaugedChargeResult(Result):
    """Every gauged Q-ball of charge ``charge`` found on the scanned g(0) window (one per branch),
    the largest charge seen on the scan ``Q_scan_max``, the scalar mass ``m`` and coupling ``e``."""

    VALUES = ("charge", "Q_scan_max")

    charge: object
    solutions: tuple
    Q_scan_max: object
    m: object
    e: object
    error: object
    dps: int
    status: str = CONVERGED
    stats: dict = field(default_factory=dict)

    def latex_rows_spec(self) -> list:
        return [(f"M_Q^{{({k + 1})}}", latex_pm(b.energy, b.error, dps=self.dps))
                for k, b in enumerate(self.solutions)]


def _setup(P: Potential, e):
    var, U = P.single_field()
    co = poly_coefficients(U, var)
    if co is None:
        raise InputError("the gauged solver needs U as a polynomial in the field with rational coefficients")
    ev = parse_value(e, "the gauge coupling")
    if not ev.is_Rational:
        ev = exact_rational(evaluate(ev, 40))
    if ev < 0:
        raise InputError(f"the gauge coupling must be >= 0, got {e}")
    q = sp.nsimplify(P.charges[0])
    q2 = Fraction(int((q**2).p), int((q**2).q))
    m2 = co[2] * 2 if len(co) > 2 else Fraction(0)
    if m2 <= 0:
        raise InputError("U''(0) must be positive (massive quanta) for a gauged Q-ball")
    win = qball_window(P)
    wmin = evaluate(sp.sqrt(win["omega_min2"]), 30) * abs(evaluate(q, 30))  # q * omega_min: g0 bound
    return list(co), q2, Fraction(int(ev.p), int(ev.q)) ** 2, m2, wmin, ev


def gauged_qball(P: Potential, e, g0, dps: int = 20):
    r"""The gauged Q-ball of central frequency ``g0`` (see :class:`qsym.numeric.gauged.GaugedQBall`).

    The scalar profile and the electrostatic potential solve the coupled radial equations
    (derived in :mod:`qsym.symbolic.gauged`) with :math:`g = \omega - e A_0`:

    .. math:: \phi'' + \tfrac{2}{r}\phi' = U'(\phi) - q^2 g^2\phi, \qquad
              g'' + \tfrac{2}{r} g' = e^2 q^2 g\,\phi^2

    >>> import qsym
    >>> b = gauged_qball(qsym.Potential("phi**2/2 - phi**3 + phi**4", fields="phi"), "1/10", "0.9", 15)
    >>> round(float(b.charge), 8), b.status
    (11.73179728, 'converged')"""
    dps = check_dps(dps)
    co, q2, e2, m2, _, _ = _setup(P, e)
    return solve_g0(co, q2, e2, m2, exact_rational(g0) if not isinstance(g0, Fraction) else g0, dps)


def _frac(x):
    r = exact_rational(x)
    return Fraction(int(r.p), int(r.q))


def _grid(wmin, m2, q2, n, lo=0.02, hi=0.98):
    m = mpmath.sqrt(mpmath.mpf(m2.numerator) / m2.denominator / (mpmath.mpf(q2.numerator) / q2.denominator))
    return [_frac(mpmath.mpf(wmin) + (lo + (hi - lo) * i / (n - 1)) * (m - wmin)) for i in range(n)]


def family(P: Potential, e, n: int = 10, dps: int = 15, lo: float = 0.02, hi: float = 0.98) -> list:
    """Gauged Q-balls on ``n`` central frequencies spread over the g0 window (None where none exists)."""
    co, q2, e2, m2, wmin, _ = _setup(P, e)
    m = mpmath.sqrt(mpmath.mpf(m2.numerator) / m2.denominator / (mpmath.mpf(q2.numerator) / q2.denominator))
    out = []
    for i in range(n):
        t = lo + (hi - lo) * i / (n - 1)
        g0 = _frac(mpmath.mpf(wmin) + t * (m - wmin))
        try:
            out.append(solve_g0(co, q2, e2, m2, g0, dps))
        except NoSolutionError:
            out.append(None)
    return out


def _family_end(co, q2, e2, m2, m, tol: float = 1e-5):
    """Float bisection in g0 for the low end of the family (below it no decaying profile: omega
    reaches m).  Returns (points, g0_good, g0_bad); points = [(g0, omega, Q, E)] on the family.
    Each solve starts from the centre value of the nearest solved g0 (``hint``)."""
    pts, good, bad, hint = [], None, None, None
    info = {}
    g = 0.9 * m
    while g > 1e-3 * m:
        try:
            pts.append((g, *float_point(co, q2, e2, m2, g, hint, info)))
            good, hint = g, info["phi0"]
        except NoSolutionError:
            bad = g
            break
        g -= 0.1 * m
    if good is None or bad is None:
        raise ConvergenceError("the gauged family: no Q-ball at g(0) = 0.9 m, or no end found; try a smaller e")
    while good - bad > tol * m:
        mid = (good + bad) / 2
        try:
            pts.append((mid, *float_point(co, q2, e2, m2, mid, hint, info)))
            good, hint = mid, info["phi0"]
        except NoSolutionError:
            bad = mid
    return sorted(pts), good, bad


def _extrapolate(pts, m):
    """Q and E extrapolated to omega = m from the three points nearest the end (quadratic in omega);
    the error is the difference from the linear extrapolation."""
    near = sorted(pts, key=lambda t: -t[1])[:3]
    with mpmath.workdps(30):
        xs = [mpmath.mpf(t[1]) for t in near]
        out = []
        for j in (2, 3):
            ys = [mpmath.mpf(t[j]) for t in near]
            quad = sum(ys[i] * mpmath.fprod((m - xs[k]) / (xs[i] - xs[k]) for k in range(3) if k != i)
                       for i in range(3))
            lin = ys[0] + (ys[1] - ys[0]) * (m - xs[0]) / (xs[1] - xs[0])
            out.append((quad, abs(quad - lin)))
    return out


def thin_wall_numbers(P: Potential, e) -> dict:
    r"""The 1989 thin-wall estimate (:func:`qsym.symbolic.gauged.thin_wall_estimate`) for ``P``:
    ``Q_end`` (omega = m), ``Q_stab`` (E = m Q) and ``screening`` = e phi_0 R at Q_end.

    .. math:: Q_{\mathrm{end}} = \frac{4\sqrt3\,\pi\,(m-\omega_0)^{3/2}}{e^3\sqrt{\rho_0}},
              \qquad \rho_0 = \omega_0\phi_0^2

    >>> d = thin_wall_numbers(Potential("phi**2/2 - phi**3 + phi**4", fields="phi"), "1/5")
    >>> round(float(d["Q_end"]), 1), round(float(d["Q_stab"] / d["Q_end"]), 4)
    (1025.7, 2.1517)
    """
    from qsym.symbolic.gauged import thin_wall_estimate
    var, U = P.single_field()
    ev = parse_value(e, "the gauge coupling")
    f = sp.cancel(2 * U / var**2)
    crit = [c for c in sp.solve(sp.diff(f, var), var) if c.is_real and c > 0]
    phi0 = min(crit, key=lambda c: f.subs(var, c))
    w0 = sp.sqrt(f.subs(var, phi0))
    m = sp.sqrt(sp.diff(U, var, 2).subs(var, 0))
    d = thin_wall_estimate()
    Q, ms, ws, rs, ps = d["symbols"]
    sub = {ms: m, ws: w0, rs: w0 * phi0**2, ps: phi0, sp.Symbol("e", positive=True): ev}
    return {k: evaluate(d[k].subs(sub), 30) for k in ("Q_end", "Q_stab", "screening")} | {
        "omega0": evaluate(w0, 30), "phi0": evaluate(phi0, 30)}


def charge_max(P: Potential, e, dps: int = 15, tol: float = 1e-7) -> ChargeMaxResult:
    r"""Q_max(e): the supremum of the charge on the gauged family, at its end where omega -> m.

    Q(g0) grows monotonically as g(0) decreases (checked on the scan); the family ends where the
    frequency omega = dE/dQ reaches the quantum mass m (the tail stops decaying; below that g(0)
    no localised profile exists).  The end is bracketed in g(0) by a double-precision bisection
    (width ``tol`` m); Q and E are extrapolated to omega = m from the three points nearest the end.

    .. math:: Q_{\max} = \lim_{\omega\to m} Q(\omega) = \sup_{g_0} Q(g_0)

    ``error`` is relative (quadratic vs. linear extrapolation, and vs. the extrapolation without the
    nearest point); status REDUCED (not ``dps`` digits).
    When the centre value merges with the runaway threshold before omega reaches m (seen for
    small e, e.g. e = 1/10 at g(0) ~ 0.6532, omega ~ 0.90), the g(0) parametrisation ends: then
    ``kind`` says so, status is UNCERTIFIED and ``Q_max`` is only the last charge (a lower bound).
    """
    dps = check_dps(dps)
    co, q2, e2, m2, _, ev = _setup(P, e)
    m = float(mpmath.sqrt(mpmath.mpf(m2.numerator) / m2.denominator / (mpmath.mpf(q2.numerator) / q2.denominator)))
    pts, good, bad = _family_end(co, q2, e2, m2, m, tol)
    qs = [t[2] for t in sorted(pts, key=lambda t: -t[0])]
    monotone = all(b >= a for a, b in zip(qs, qs[1:]))
    (Qx, dQ), (Ex, dE) = _extrapolate(pts, m)
    if len(pts) >= 4:                      # and against the extrapolation without the nearest point
        near = sorted(pts, key=lambda t: -t[1])
        (Qy, _), (Ey, _) = _extrapolate(near[1:], m)
        dQ, dE = max(dQ, abs(Qx - Qy)), max(dE, abs(Ex - Ey))
    last = min(pts, key=lambda t: t[0])
    if Qx < last[2]:                       # extrapolation from too far: keep the proven lower bound
        Qx, dQ, Ex, dE = mpmath.mpf(last[2]), abs(Qx - last[2]), mpmath.mpf(last[3]), dE
    kind, status, rel = "end of the family (omega -> m)", REDUCED, dQ / Qx
    if m - last[1] > max(1e-3, 100 * tol) * m:
        # the centre value merged with the runaway threshold before omega reached m (small e, thin
        # walls): the g(0) parametrisation ends there; sup Q is not established, Q_last is a lower bound
        kind, status = "end of the solved family (omega < m): a lower bound", UNCERTIFIED
        Qx, Ex, rel = mpmath.mpf(last[2]), mpmath.mpf(last[3]), mpmath.inf
    fam = sorted(pts)
    dedq = max((abs((b[3] - a[3]) / (b[2] - a[2]) / ((a[1] + b[1]) / 2) - 1)
                for a, b in zip(fam, fam[1:]) if b[0] - a[0] < 1e-2 * m), default=None)
    return ChargeMaxResult(Qx, last[0], m, Ex, kind, rel, dps, g0_end=(good, bad), status=status,
                           stats={"Q_last": last[2], "omega_last": last[1], "E_last": last[3],
                                  "monotone": monotone, "points": len(pts), "E_error": dE,
                                  "dEdQ_minus_omega": dedq,
                                  "family": [(t[0], t[1], t[2], t[3]) for t in pts]})


def qmax_curve(P: Potential, es, dps: int = 15, tol: float = 1e-4) -> list:
    r"""Q_max(e) for each coupling in ``es`` with the thin-wall estimates: rows of dicts
    ``{"e", "Q_max", "error", "Q_end_thin", "Q_stab_thin", "E_over_mQ"}`` (for the figure).

    .. math:: Q_{\max}(e) \;\text{vs.}\; Q_{\mathrm{end}} \propto e^{-3}
    """
    rows = []
    for e in es:
        c = charge_max(P, e, dps=dps, tol=tol)
        tw = thin_wall_numbers(P, e)
        rows.append({"e": float(parse_value(e, "e")), "Q_max": float(c.Q_max), "error": float(c.error),
                     "Q_end_thin": float(tw["Q_end"]), "Q_stab_thin": float(tw["Q_stab"]),
                     "E_over_mQ": float(c.energy / (c.Q_max * c.omega)), "kind": c.kind,
                     "omega_last": c.stats["omega_last"]})
    return rows


def local_u1_verdict(dps: int = 15, e: str = "1/5") -> tuple:
    r"""Verdict on "in the case of a local symmetry, Q-balls are stable as long as their charge is less
    than some maximal value" for U = phi^2/2 - phi^3 + phi^4 at gauge coupling ``e`` (text; default 1/5): (verdict, evidence LaTeX).

    Computed: the gauged family's end (a double-precision bisection in g(0) to 1e-2 m), Q and
    E/(mQ) on it, the extrapolation of Q to omega = m, and the 1989 thin-wall numbers.

    .. math:: Q < Q_{\max} \;\Leftrightarrow\; \exists\ \text{gauged Q-ball}, \qquad E < mQ
    """
    P = Potential("phi**2/2 - phi**3 + phi**4", fields="phi")
    c = charge_max(P, e, dps=dps, tol=1e-3)
    tw = thin_wall_numbers(P, e)
    fam = c.stats["family"]
    stable = all(t[3] < t[2] for t in fam)
    bounded = c.stats["monotone"] and c.status != UNCERTIFIED
    worst = max(t[3] / t[2] for t in fam)
    dedq = c.stats["dEdQ_minus_omega"]
    verdict = "confirmed" if (bounded and stable) else "corrected"
    ev = (rf"$U=\phi^2/2-\phi^3+\phi^4$, $e={e}$: the gauged family ends at $g(0)\in"
          rf"[{c.g0_end[1]:.4f},{c.g0_end[0]:.4f}]$ where $\omega\to m$; $Q$ grows monotonically along it "
          rf"up to $Q_{{\max}}\approx{float(c.Q_max):.0f}$ (last computed $Q={c.stats['Q_last']:.1f}$ at "
          rf"$\omega={c.stats['omega_last']:.4f}$); no Q-ball of larger charge exists; every computed Q-ball has "
          rf"$E<mQ$ (max $E/mQ={worst:.4f}$); $dE/dQ=\omega$ along it to {dedq:.0e} (finite differences). The 1989 thin-wall estimate gives the end "
          rf"$Q_{{\rm end}}={float(tw['Q_end']):.0f}$ ($\omega=dE/dQ=m$) and $E=mQ$ only at "
          rf"$Q_{{\rm stab}}={float(tw['Q_stab']):.0f}=(5/3)^{{3/2}}Q_{{\rm end}}$, beyond the end: "
          r"the maximal charge is set by $\omega\to m$, not by $E=mQ$.")
    return verdict, ev


def qball_charge(P: Potential, e, Q, dps: int = 20, tol: float = 1e-4) -> GaugedChargeResult:
    r"""The gauged Q-ball(s) of Noether charge ``Q`` on the whole family (every branch).

    The family is scanned in g(0) down to its end (:func:`charge_max`); each interval where
    Q(g0) crosses ``Q`` is refined by a double-precision secant in g(0), then by a secant at ``dps``.

    .. math:: Q(g_0) = 4\pi\int_0^\infty r^2 q^2 g\,\phi^2\,dr = Q_{\mathrm{target}}

    Raises :class:`InputError` for ``e < 0`` or ``Q <= 0``, :class:`NoQBallError` (naming Q_max)
    when ``Q`` exceeds the supremum of the family's charge, :class:`ConvergenceError` when ``Q``
    lies within the extrapolated last stretch before the end (omega within ~``tol`` of m).
    """
    dps = check_dps(dps)
    Qv = parse_value(Q, "the charge")
    if not Qv.is_number or not Qv > 0:
        raise InputError(f"the charge must be > 0, got {Q}")
    co, q2, e2, m2, _, ev = _setup(P, e)
    cm = charge_max(P, e, dps=15, tol=tol)
    Qt = float(evaluate(Qv, 20))
    if cm.status != UNCERTIFIED and Qt > cm.Q_max * (1 + 10 * cm.error):
        raise NoQBallError(f"no gauged Q-ball of charge Q = {Q} (e = {ev}): the family's charge is bounded by "
                           f"Q_max = {mpmath.nstr(cm.Q_max, 8)}, reached where omega -> m "
                           f"(g(0) -> {cm.g0_end[0]:.6f})")
    m = float(cm.omega)
    pts = sorted(cm.stats["family"], key=lambda t: -t[0])         # g0 decreasing: Q increasing
    k = 1
    while pts[0][2] > Qt and k < 16:                                # small Q: g0 closer to m
        g = m * (1 - 0.1 / 2**k)
        pts.insert(0, (g, *float_point(co, q2, e2, m2, g)))
        k += 1
    if Qt > pts[-1][2]:
        raise ConvergenceError(f"Q = {Q} lies above the last computed Q-ball ({pts[-1][2]:.6g}, omega = "
                               f"{pts[-1][1]:.8f}; {cm.kind}, Q_max = {float(cm.Q_max):.8g}): not resolved")
    sols = [_refine(co, q2, e2, m2, a, b, Qt, Qv, dps) for a, b in zip(pts, pts[1:])
            if (a[2] - Qt) * (b[2] - Qt) <= 0]
    if not sols:
        raise ConvergenceError(f"no gauged Q-ball of charge Q = {Q} bracketed on the family (e = {ev})")
    err = max(mpmath.mpf(b.error) for b in sols)
    with mpmath.workdps(dps + 10):
        Qm = evaluate(Qv, dps + 10)
    return GaugedChargeResult(Qm, tuple(sols), cm.Q_max, mpmath.sqrt(mpmath.mpf(m2.numerator) / m2.denominator),
                              ev, err, dps, stats={"branches": len(sols), "Q_max_error": cm.error})


def _refine(co, q2, e2, m2, a, b, Qt, Qv, dps):
    """Secant in g0: double precision (float_point) to ~1e-12, then at ``dps`` (solve_g0)."""
    x0, f0, x1, f1 = a[0], a[2] - Qt, b[0], b[2] - Qt
    for _ in range(40):
        if f1 == f0 or abs(f1) < 1e-12 * Qt:
            break
        x2 = x1 - f1 * (x1 - x0) / (f1 - f0)
        x0, f0, x1, f1 = x1, f1, x2, float_point(co, q2, e2, m2, x2)[1] - Qt
    with mpmath.workdps(dps + 10):
        Qm = evaluate(Qv, dps + 10)
        y0 = mpmath.mpf(x1)
        b0 = solve_g0(co, q2, e2, m2, _frac(y0), dps)
        y1 = y0 * (1 + mpmath.mpf(10) ** -8)
        qb = solve_g0(co, q2, e2, m2, _frac(y1), dps)
        h0, h1 = b0.charge - Qm, qb.charge - Qm
        for _ in range(20):
            if h1 == h0 or abs(h1) <= mpmath.mpf(10) ** -(dps + 1) * Qm:
                break
            y2 = y1 - h1 * (y1 - y0) / (h1 - h0)
            qb = solve_g0(co, q2, e2, m2, _frac(y2), dps)
            y0, h0, y1, h1 = y1, h1, y2, qb.charge - Qm
            if abs(y1 - y0) < mpmath.mpf(10) ** -(dps + 4):
                break
    return qb
