r"""Single-field Q-balls from bounces: Q(omega), E(omega), M_Q(Q), radii, branches.

Numeric layer (mpmath/numpy only).  It receives the potential as an
:class:`~qsym.bridge.OmegaFamily` (``family.at(omega)`` is the numeric
``U_omega``) and the window ``(omega_min, omega_max)`` from
:mod:`qsym.symbolic.window`.

For each omega the bounce of ``U_omega`` in d = 3 gives (paper eqs (7)-(8))

.. math::  S_\omega = \int[\tfrac12\phi'^2 + U_\omega],\quad
           Q = \omega q^2 \int \phi^2 d^3x = -\frac{dS_\omega}{d\omega},\quad
           E = S_\omega + \omega Q ,

and dE/dQ = omega holds identically (checked in the tests).  Given Q,
:func:`solve_charge_chart` works in the chart ``u = log(Delta/(D - Delta))``,
``Delta = m^2 - q^2 omega^2``, which reaches both ends of the window (log Q is
asymptotically linear in u there): it scans log Q(u) in double precision,
marches beyond either end when Q lies outside the scanned range, refines the
extrema of Q(omega) (Q_min, Q_max) to the working precision, brackets every
crossing (every branch) and refines each at the requested precision.  A
"no Q-ball" answer states the proven reason (e.g. Q below the refined Q_min).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import mpmath

from qsym.numeric.bounce1d.solver import solve_bounce, solve_bounce_double
from qsym.errors import ConvergenceError, InputError, NoQBallError, NoSolutionError, OutsideWindowError
from qsym.results import CONVERGED, REDUCED, Result, latex_pm

__all__ = ["QBall", "qball_status", "qball_at_omega", "charge_curve", "qball_at_u", "solve_charge_chart", "charge_extremum"]

#: extra digits for the bounces inside the root finder
GUARD = 6
#: digits a double-precision Q-ball must reach to count as converged (its bounce reaches ~13)
DOUBLE_DIGITS = 10


def qball_status(error, dps: int | None) -> str:
    r"""CONVERGED when the relative ``error`` is below the requested ``10^-dps``, else REDUCED.

    .. math:: \text{converged} \iff \epsilon \le 10^{-d}, \quad d = \text{dps (10 for doubles)}

    Examples
    --------
    >>> qball_status(1e-25, 20), qball_status(1e-5, 20), qball_status(1e-13, None)
    ('converged', 'reduced', 'converged')
    """
    try:
        ok = mpmath.mpf(error) <= mpmath.mpf(10) ** -(dps if dps is not None else DOUBLE_DIGITS)
    except (TypeError, ValueError):
        ok = False
    return CONVERGED if ok else REDUCED


@dataclass(frozen=True)
class QBall(Result):
    r"""One Q-ball: omega, charge, mass E, radii, error estimate, stability flags.

    ``radius`` is the paper's ``(m^2 - q^2 omega^2)^(-1/2)`` (eq (15)); ``rms_radius``
    is ``sqrt(int r^2 phi^2 / int phi^2)`` of the profile.  ``error`` bounds the
    relative error of ``mass`` and ``charge``; ``status`` is ``converged`` when it is
    below ``10^-dps`` (``10^-DOUBLE_DIGITS`` for a double-precision Q-ball), else ``reduced``.

    .. math:: E = S_\omega + \omega Q, \qquad R_Q = (m^2 - q^2\omega^2)^{-1/2}

    Examples
    --------
    >>> qb = QBall(0.9, 2.0, 1.9, 0.1, 2.29, 1.0, 1e-14, None)
    >>> qb.status, qb.stability, qb["charge"]
    ('converged', 'unknown', 2.0)
    """

    VALUES = ("omega", "charge", "mass", "action", "radius", "phi0")

    omega: object
    charge: object
    mass: object
    action: object
    radius: object
    phi0: object
    error: object
    dps: int | None
    dQ_domega: object = None
    classically_stable: bool | None = None
    absolutely_stable: bool | None = None
    bounce: object = field(default=None, repr=False, compare=False)
    #: ``Q m/|q| - mass`` computed without cancellation (chart path), else None
    binding: object = None
    #: optional ``f(dps) -> rms radius`` (bounces known only through an interpolation model)
    rms_function: object = field(default=None, repr=False, compare=False)
    #: CONVERGED or REDUCED (None: decided from ``error`` and ``dps``)
    status: str | None = None
    stats: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        if self.status is None:
            object.__setattr__(self, "status", qball_status(self.error, self.dps))

    @property
    def stability(self) -> str:
        """``stable`` (classically and absolutely), ``metastable`` (classically only: it can decay
        into free quanta only by tunnelling) or ``unstable`` (dQ/domega > 0).  For one Q-ball family
        ``d^2M_Q/dQ^2 = 1/(dQ/domega)``, so classical stability is also stability against fission
        (M_Q(Q) concave)."""
        if self.classically_stable is None:
            return "unknown"
        if not self.classically_stable:
            return "unstable"
        return "stable" if self.absolutely_stable else "metastable"

    def latex_rows_spec(self) -> list:
        """omega, charge, mass (with their error) and the radius of eq (15)."""
        return [(r"\omega", latex_pm(self.omega, dps=self.dps)),
                ("Q", latex_pm(self.charge, self.error, dps=self.dps)),
                ("M_Q", latex_pm(self.mass, self.error, dps=self.dps)),
                ("R_Q", latex_pm(self.radius, dps=self.dps))]

    def latex_caption(self) -> str:
        return f"Q-ball, {self.stability}"

    def rms_radius(self, dps: int = 15):
        """rms radius of the charge distribution (quadrature of the profile at ``dps``)."""
        if self.rms_function is not None:
            return self.rms_function(dps)
        b = self.bounce
        with mpmath.workdps(dps):
            memo = {}

            def f2(r):  # charge density over omega (unit charges for several fields)
                if r not in memo:   # num and den are sampled on the same quadrature nodes
                    v = b.profile(r)
                    memo[r] = mpmath.fsum(x**2 for x in v) if isinstance(v, (tuple, list)) else v**2
                return memo[r]
            R = mpmath.mpf(b.R_match) * 2
            num = mpmath.quad(lambda r: r**4 * f2(r), [0, R / 4, R / 2, R, mpmath.inf])
            den = mpmath.quad(lambda r: r**2 * f2(r), [0, R / 4, R / 2, R, mpmath.inf])
            return mpmath.sqrt(num / den)


#: digits of the mpmath fallback when the double path cannot certify its result
FALLBACK_DPS = 18


def _bounce(num, dps, sign=None):
    try:
        return _bounce_raw(num, dps, sign)
    except (ValueError, ZeroDivisionError, ArithmeticError) as exc:
        if isinstance(exc, InputError):
            raise
        raise ConvergenceError(f"the bounce engine failed ({type(exc).__name__}: {str(exc)[:80]}); "
                               "try a larger dps or report the potential") from None


def _bounce_raw(num, dps, sign=None):
    if dps is not None:
        return solve_bounce(num, dim=3, dps=dps, sign=sign)
    try:
        return solve_bounce_double(num, dim=3, sign=sign)
    except ConvergenceError:  # e.g. near the thick-wall end: same answer from the mp path
        return solve_bounce(num, dim=3, dps=FALLBACK_DPS, sign=sign)


def qball_at_omega(family, omega, dps: int | None = 30) -> QBall:
    """The Q-ball of frequency ``omega`` (``dps=None``: double precision)."""
    ctx_dps = dps if dps is not None else 15
    with mpmath.workdps(ctx_dps + GUARD):
        w = mpmath.mpf(omega) if dps is not None else float(omega)
        q2 = mpmath.mpf(family.charge2.numerator) / family.charge2.denominator
        m2 = mpmath.mpf(family.mass2.p) / family.mass2.q
        if q2 * mpmath.mpf(w) ** 2 >= m2:
            raise OutsideWindowError(f"omega = {mpmath.nstr(w, 10)} is not below m/|q| = "
                                     f"{mpmath.nstr(mpmath.sqrt(m2 / q2), 10)}: U_omega has no false vacuum "
                                     "at the origin (outside the Q-ball window)")
        b = _bounce(family.at(w), dps)
        I2 = b.charge_integral if dps is not None else float(b.charge_integral)
        S = b.action
        Q = w * q2 * I2
        E = S + w * Q
        rad = 1 / mpmath.sqrt(m2 - q2 * w**2)
        return QBall(w, Q, E, S, rad, b.phi0, b.error, dps, bounce=b)


def charge_curve(family, omegas, dps: int | None = None, progress=None) -> list:
    """Q-balls at each omega (double precision by default): the curve M_Q(Q)."""
    out = []
    for i, w in enumerate(omegas):
        out.append(qball_at_omega(family, w, dps))
        if progress:
            progress(i + 1, len(omegas))
    return out


#: cap on root-finding iterations (double and multiprecision)
MAX_ROOT_ITER = 60


# --------------------------------------------------------------------------
# The whole window: Q-balls in the chart u = log(Delta / (D - Delta))
# --------------------------------------------------------------------------
#
# ``Delta = m^2 - q^2 omega^2`` is the mass^2 of U_omega at the origin; it runs over
# ``(0, D)`` with ``D = m^2 - q^2 omega_min^2``.  The chart variable
# ``u = log(Delta/(D - Delta))`` sends the thick-wall end (Delta -> 0) to u -> -inf and
# the thin-wall end (omega -> omega_min) to u -> +inf, and ``g(u) = log Q`` is
# asymptotically *linear* at both ends: ``g ~ e u`` at the thick end with
# ``e = 2/(n-2) - 3/2`` for a leading small-field nonlinearity ``-c phi^n`` (d = 3), and
# ``g ~ 3 u`` at the thin end (``5/2 u`` when omega_min = 0, a degenerate vacuum).
# So any Q, however small or large, is reached by a short march of secant steps in
# (u, log Q), and every branch is either bracketed by the scan or lies beyond one end.
# Every bounce is solved in units where U_omega has unit mass and an O(1) field scale
# (the chart's ``scaled(Delta)``), so tiny Delta (tiny A, tiny Q) is no harder than O(1).

#: chart points of the double-precision scan (uniform in u on [-CHART_SPAN, CHART_SPAN])
CHART_SCAN_POINTS = 17
#: half-width of the initial scan in u
CHART_SPAN = 8.0
#: step and maximal number of extra points when the scan is extended at an end
CHART_EXTEND_STEP = 3.0
CHART_EXTEND_MAX = 6
#: the end slope of log Q in u counts as asymptotic when it matches the prediction this well
CHART_SLOPE_RTOL = 0.15
#: maximal number of marching steps towards a root beyond an end of the scan
MAX_MARCH = 40
#: largest single marching step in u
MAX_MARCH_STEP = 60.0
#: absolute tolerance in u of the double-precision bracketing refinement
DOUBLE_U_TOL = 1e-9
#: width in u at which the double-precision golden section hands the extremum to the parabola rounds
GOLDEN_TOL = 1e-3
#: nearby points tried when a high-precision bounce fails inside the secant
RETRY_SHIFTS = 3
#: rounds of the high-precision extremum refinement (each halves the digits still missing)
MAX_EXTREMUM_ROUNDS = 12


class _ScaledBounce:
    """A bounce of the rescaled problem ``V(psi) = U_omega(a psi)/(a^2 Delta)``, ``r = L xi``,
    seen in physical units (``phi = a psi``); other attributes are those of the scaled bounce."""

    def __init__(self, b, a, L):
        self._b, self._a, self._L = b, a, L
        self.phi0 = a * b.phi0
        self.R_match = L * b.R_match
        self.action = a**2 * L * b.action
        self.charge_integral = a**2 * L**3 * b.charge_integral

    def profile(self, r):
        return self._a * self._b.profile(r / self._L)

    def dprofile(self, r):
        return self._a / self._L * self._b.dprofile(r / self._L)

    def __getattr__(self, name):
        return getattr(self._b, name)


def _delta_of_u(chart, u):
    """``Delta = D/(1 + e^-u)`` and ``D - Delta`` at the current precision (no cancellation)."""
    e = mpmath.exp(-mpmath.mpf(u))
    return chart.D / (1 + e), chart.D * e / (1 + e)


def qball_at_u(chart, u, dps: int | None = 30) -> QBall:
    """The Q-ball at chart point ``u`` (``dps=None``: double-precision bounce)."""
    u = mpmath.mpf(u)
    extra = int(max(0, float(u)) / 2.3) + 1      # digits lost in D - Delta near the thin end
    with mpmath.workdps((dps or 15) + GUARD + extra):
        delta, rest = _delta_of_u(chart, u)
        kind, obj, a = chart.scaled(delta)
        rms_fn = None
        if kind == "small":
            b = _small_model(chart, dps).at(obj)
            rms_fn = b.rms_function(a, 1 / mpmath.sqrt(delta))
        else:
            b = _bounce(obj, dps, sign=1)   # |phi| > 0: U depends on the modulus of the charged field
        L = 1 / mpmath.sqrt(delta)
        Om2 = chart.Omega_min2 + rest            # q^2 omega^2, exact near both ends
        Om = mpmath.sqrt(Om2)
        sb = _ScaledBounce(b, a, L)
        I2 = sb.charge_integral
        Q = chart.q * Om * I2
        E = sb.action + Om2 * I2
        err = mpmath.mpf(b.error)
        # binding energy Q m/q - E = Om I (m - Om) - S with m - Om = Delta/(m + Om): no cancellation
        m = mpmath.sqrt(chart.m2)
        bind = Om * I2 * delta / (m + Om) - sb.action
        return QBall(Om / chart.q, Q, E, sb.action, L, sb.phi0, err, dps, bounce=sb, rms_function=rms_fn,
                     binding=bind)


#: width of the interval of the small coupling over which the bounce data are interpolated
SMALL_WIDTH = 1e-4
#: the interpolation nodes start at this fraction of the width (the engine solves them directly)
SMALL_START = 0.01
#: assumed distance of the nearest singularity of S(eps) (thin-wall limit eps -> 1/2)
SMALL_RADIUS = 0.25

class _Interp:
    """Chebyshev interpolant of a bounce quantity in the small coupling."""

    def __init__(self, lo, hi, vals):
        n = len(vals)
        self.lo, self.hi, self.n = lo, hi, n
        self.c = [2 * mpmath.fsum(v * mpmath.cos(mpmath.pi * j * (i + mpmath.mpf(1) / 2) / n)
                                  for i, v in enumerate(vals)) / n for j in range(n)]

    def __call__(self, x):
        t = (2 * x - self.lo - self.hi) / (self.hi - self.lo)
        b1 = b2 = mpmath.mpf(0)
        for cj in reversed(self.c[1:]):
            b1, b2 = 2 * t * b1 - b2 + cj, b1
        val = t * b1 - b2 + self.c[0] / 2
        tail = abs(self.c[-1]) * max(1, abs(mpmath.chebyt(self.n - 1, t))) * 4
        return val, tail


class _ModelBounce:
    """Bounce data at a small coupling from the interpolation model (same attributes as a bounce)."""

    def __init__(self, model, eps):
        self.model, self.eps = model, eps
        S, eS = model.S(eps)
        I2, eI = model.I2(eps)
        p0, _ = model.phi0(eps)
        self.action, self.charge_integral, self.phi0 = S, I2, p0
        self.error = max(model.error, eS / abs(S), eI / abs(I2))
        near = min(model.bounces, key=lambda b: abs(b[0] - eps))[1]
        self.R_match, self.profile, self.dprofile = near.R_match, near.profile, near.dprofile

    def rms_function(self, a, L):
        def rms(dps):
            return L * self.model.rms(self.eps, dps)
        return rms


class _SmallModel:
    """``S``, ``int psi^2``, ``psi(0)`` of ``psi^2/2 - psi^n + eps psi^k`` for ``|eps| <= SMALL_WIDTH
    * SMALL_START``, interpolated from direct bounces at Chebyshev nodes in
    ``sign * [SMALL_START, 1] * SMALL_WIDTH`` (the engine's landscape analysis fails for couplings
    below ~1e-8, whose second minimum lies at psi ~ 1/eps).  The interpolation error
    ``~ (SMALL_WIDTH/(4 SMALL_RADIUS))^N`` is below the working precision by the choice of N and
    is estimated from the last Chebyshev coefficient."""

    def __init__(self, chart, dps):
        digits = (dps or 15) + GUARD + 2
        rate = -math.log10(SMALL_WIDTH / (4 * SMALL_RADIUS))
        n = int(math.ceil(digits / rate)) + 2
        sgn = chart.small_sign
        with mpmath.workdps(digits + 5):
            lo, hi = (mpmath.mpf(SMALL_START * SMALL_WIDTH), mpmath.mpf(SMALL_WIDTH))
            if sgn < 0:
                lo, hi = -hi, -lo
            nodes = [(lo + hi) / 2 + (hi - lo) / 2 * mpmath.cos(mpmath.pi * (i + mpmath.mpf(1) / 2) / n)
                     for i in range(n)]
            self.bounces = []
            for x in nodes:
                self.bounces.append((x, _bounce(chart.base(x), dps, sign=1)))
            ordered = self.bounces
            self.lo, self.hi = lo, hi
            self.S = _Interp(self.lo, self.hi, [mpmath.mpf(b.action) for _, b in ordered])
            self.I2 = _Interp(self.lo, self.hi, [mpmath.mpf(b.charge_integral) for _, b in ordered])
            self.phi0 = _Interp(self.lo, self.hi, [mpmath.mpf(b.phi0) for _, b in ordered])
            self.error = max(mpmath.mpf(b.error) for _, b in ordered)
        self._rms: dict = {}

    def at(self, eps):
        return _ModelBounce(self, eps)

    def rms(self, eps, dps):
        if dps not in self._rms:
            vals = []
            with mpmath.workdps(dps + 5):
                for _, b in self.bounces:
                    R = mpmath.mpf(b.R_match) * 2
                    pts = [0, R / 4, R / 2, R, mpmath.inf]
                    num = mpmath.quad(lambda r: r**4 * b.profile(r) ** 2, pts)
                    den = mpmath.quad(lambda r: r**2 * b.profile(r) ** 2, pts)
                    vals.append(mpmath.sqrt(num / den))
                self._rms[dps] = _Interp(self.lo, self.hi, vals)
        with mpmath.workdps(dps + 5):
            return +self._rms[dps](eps)[0]


def _small_model(chart, dps):
    models = chart.__dict__.setdefault("_small_models", {})
    if dps not in models:
        models[dps] = _SmallModel(chart, dps)
    return models[dps]


def _g(qb):
    return float(mpmath.log(qb.charge))


class _Curve:
    """log Q along the chart, with every evaluation counted (the work budget)."""

    def __init__(self, chart, budget):
        self.chart, self.budget, self.count = chart, budget, 0
        self.pts: dict = {}

    def __call__(self, u, dps=None):
        self.count += 1
        if self.count > self.budget:
            raise ConvergenceError(f"Q-ball search exceeded its budget of {self.budget} bounces; "
                                   "try a larger dps or report the potential")
        qb = qball_at_u(self.chart, u, dps)
        if dps is None:
            self.pts[float(u)] = _g(qb)
        return qb

    def g(self, u):
        """double-precision log Q, None where the bounce fails."""
        u = float(u)
        if u not in self.pts:
            try:
                self(u)
            except (ConvergenceError, NoSolutionError):
                self.pts[u] = None
        return self.pts[u]


def _scan(curve, scan_points: int):
    """Scan g(u), extending each end until its slope is asymptotic; returns sorted [(u, g)]."""
    chart = curve.chart
    us = [-CHART_SPAN + 2 * CHART_SPAN * k / (scan_points - 1) for k in range(scan_points)]
    for u in us:
        curve.g(u)

    def good():
        return sorted((u, g) for u, g in curve.pts.items() if g is not None)

    for end, expected in ((-1, chart.thick_slope), (1, chart.thin_slope)):
        for _ in range(CHART_EXTEND_MAX):
            p = good()
            if len(p) < 3:
                break
            (u0, g0), (u1, g1), (u2, g2) = (p[:3] if end < 0 else p[-3:][::-1])
            s01, s12 = (g1 - g0) / (u1 - u0), (g2 - g1) / (u2 - u1)
            ref = expected if expected is not None else s12
            if abs(s01 - ref) <= CHART_SLOPE_RTOL * max(abs(ref), 0.5) and s01 * s12 > 0:
                break
            unew = u0 + end * CHART_EXTEND_STEP
            if curve.g(unew) is None:
                break                     # the engine cannot go further: stop extending
    p = good()
    if len(p) < 3:
        raise ConvergenceError("could not solve bounces across the omega window; try a larger dps")
    return p


def _illinois(f, a, fa, b, fb, tol, maxit=MAX_ROOT_ITER):
    """Illinois regula falsi on a bracket ``[a, b]`` (``b`` the newest point): the end kept by a
    step has its value halved, which makes the order about 1.44 instead of linear."""
    for _ in range(maxit):
        if fa == 0:
            return a
        if fb == 0 or abs(b - a) <= tol:
            return b
        c = (a * fb - b * fa) / (fb - fa)
        fc = f(c)
        if fc is None:
            c = (a + b) / 2
            fc = f(c)
            if fc is None:
                raise ConvergenceError("a bounce failed inside a bracket of Q(omega); try a larger dps")
        if fc * fb < 0:
            a, fa = b, fb
        else:
            fa /= 2
        b, fb = c, fc
    raise ConvergenceError(f"bracketing refinement of omega did not converge in {maxit} steps; "
                           "try a larger dps")


def _march(curve, gt, u_end, g_end, slope, direction):
    """Step beyond an end of the scan (``direction`` -1: thick, +1: thin) until log Q crosses gt."""
    u, g = u_end, g_end
    for _ in range(MAX_MARCH):
        step = (gt - g) / slope if slope else direction * CHART_EXTEND_STEP
        step = direction * min(max(abs(step) * 1.25, 0.25), MAX_MARCH_STEP)
        un = u + step
        gn = curve.g(un)
        if gn is None:
            raise ConvergenceError(f"no bounce at the {'thick' if direction < 0 else 'thin'}-wall end "
                                   f"(u = {un:.4g}) where Q = {math.exp(gt):.6g} lies; the charge is beyond "
                                   "the reach of the bounce engine (use the "
                                   f"{'thick' if direction < 0 else 'thin'}-wall estimate)")
        if (gn - gt) * (g - gt) <= 0:
            return (u, un) if u < un else (un, u)
        if gn != g:
            slope = (gn - g) / (un - u)
        u, g = un, gn
    raise ConvergenceError(f"no bracket for Q = {math.exp(gt):.6g} after {MAX_MARCH} steps beyond the "
                           "scanned window; report the potential")


def _secant_u(curve, u0, gt, dps: int, tol):
    """Secant on log Q(u) = log Qt at ``dps + GUARD`` from the double-precision root.

    Returns ``(QBall, dg/du)``.
    """
    def ev(u):
        # a shot can fail at an isolated parameter (e.g. a very thin wall): a nearby point serves
        # the secant as well, since convergence is judged on the residual
        for k in range(RETRY_SHIFTS + 1):
            try:
                return u, curve(u, dps + GUARD)
            except ConvergenceError:
                if k == RETRY_SHIFTS:
                    raise
                u = u + mpmath.mpf(10) ** -(dps // 2 + 2 * k) * (1 + abs(u))

    with mpmath.workdps(dps + GUARD):
        gtm = mpmath.mpf(gt)
        u_prev, q_prev = ev(mpmath.mpf(u0) + mpmath.mpf(10) ** -7)
        u = mpmath.mpf(u0)
        for _ in range(MAX_ROOT_ITER):
            u, qb = ev(u)
            r = mpmath.log(qb.charge) - gtm
            slope = (mpmath.log(qb.charge) - mpmath.log(q_prev.charge)) / (u - u_prev)
            if abs(r) <= tol:
                return qb, slope
            step = r / slope
            u_prev, q_prev = u, qb
            u = u - step
        raise ConvergenceError(f"omega did not converge in {MAX_ROOT_ITER} secant steps; try a larger dps")


def _refine_extremum(curve, ua: float, ub: float, kind: int, dps: int):
    """The extremum of Q(u) in [ua, ub] (kind +1: minimum, -1: maximum) to the working precision.

    Double precision first (golden section / Brent on log Q), then rounds of
    centred three-point parabolas at ``dps + GUARD`` digits: the vertex error of
    each round is O(h^2 + error^2), so the digits of u double per round and the
    value of Q, stationary there, is exact to O(dlog Q/du^2 * du^2).
    Returns ``(u, QBall, error)`` with ``error`` bounding the relative error of Q.
    """
    def f(u):
        g = curve.g(u)
        if g is None:
            raise ConvergenceError("a bounce failed while refining an extremum of Q(omega); try a larger dps")
        return kind * g

    # golden section in double precision (robust, bounded number of steps)
    gr = (math.sqrt(5) - 1) / 2
    a, b = ua, ub
    c, d = b - gr * (b - a), a + gr * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(MAX_ROOT_ITER):
        if abs(b - a) < GOLDEN_TOL:
            break
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - gr * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + gr * (b - a)
            fd = f(d)
    P = dps + GUARD
    with mpmath.workdps(P):
        u = mpmath.mpf((a + b) / 2)
        h = mpmath.mpf(10) ** -3
        target = mpmath.mpf(10) ** -(dps + 2)
        err = None
        for _ in range(MAX_EXTREMUM_ROUNDS):
            gm, g0, gp = (mpmath.log(curve(x, P).charge) for x in (u - h, u, u + h))
            curv = (gp - 2 * g0 + gm) / h**2
            if kind * curv <= 0:
                raise ConvergenceError("Q(omega) is not convex at its extremum; try a larger dps")
            shift = -(gp - gm) / (2 * h * curv)
            if abs(shift) > h:
                u, h = u + shift, min(abs(shift) * 2, mpmath.mpf(1))
                continue
            u_new = u + shift
            # the vertex is off by O(h^2 * g'''/g'') + O(rounding / (h g'')): bound both
            du = max(h**2, abs(shift) ** 2, mpmath.mpf(10) ** -P / (h * abs(curv))) * 10
            err = abs(curv) * du**2 / 2 + mpmath.mpf(10) ** -P
            u = u_new
            if err <= target:
                qb = curve(u, P)
                return u, qb, err
            h = max(du, mpmath.mpf(10) ** (-P / 3))
        raise ConvergenceError(f"the extremum of Q(omega) did not converge in {MAX_EXTREMUM_ROUNDS} rounds; "
                               "try a larger dps")


def _u_of_omega_slope(chart, qb, dg_du):
    """dQ/domega from dlog Q/du at the Q-ball ``qb``."""
    delta = 1 / qb.radius**2
    rest = chart.D - delta
    du_dDelta = chart.D / (delta * rest) if rest != 0 else mpmath.inf
    return qb.charge * dg_du * du_dDelta * (-2 * chart.q**2 * qb.omega)


def solve_charge_chart(chart, Q, dps: int = 20, scan_points: int = CHART_SCAN_POINTS,
                       budget: int = 400) -> list:
    """All Q-balls of charge Q (one per branch) of a one-field family, lowest mass first.

    ``chart`` provides ``D``, ``m2``, ``q``, ``Omega_min2`` (mpf: ``q^2 omega_min^2``, 0 for a degenerate vacuum),
    ``thick_slope``, ``thin_slope`` (asymptotic d log Q/du, or None) and
    ``scaled(Delta) -> (Numeric1D, a)``: the bounce problem ``U_omega(a psi)/(a^2 Delta)``
    (see :class:`qsym.api.solve.DeltaChart`).  The scan in u covers the window to both ends
    (extended until log Q(u) is asymptotically linear there), roots beyond the scan are
    reached by marching along the asymptote, and interior extrema of Q are refined to
    the working precision before they decide whether a branch exists.  Raises
    NoQBallError with the refined Q_min (or Q_max) when Q lies outside the range of
    Q(omega), ConvergenceError when the bounce budget is exhausted.
    """
    with mpmath.workdps(dps + GUARD):
        Qt = mpmath.mpf(Q)
        if not (Qt > 0) or not mpmath.isfinite(Qt):
            raise InputError(f"the charge must be a positive finite number, got {Q}")
        gt = mpmath.log(Qt)
    gtf = float(gt)
    curve = _Curve(chart, budget)
    pts = _scan(curve, scan_points)
    us = [p[0] for p in pts]
    gs = [p[1] for p in pts]
    brackets = []
    for k in range(len(pts) - 1):
        if (gs[k] - gtf) * (gs[k + 1] - gtf) < 0 or gs[k + 1] == gtf:
            brackets.append((us[k], us[k + 1]))
    if gs[0] == gtf:
        brackets.append((us[0], us[0]))
    extrema = []   # refined (kind, u, QBall, error) of interior extrema whose value decides a branch pair
    for k in range(1, len(pts) - 1):
        kind = 1 if gs[k - 1] > gs[k] < gs[k + 1] else (-1 if gs[k - 1] < gs[k] > gs[k + 1] else 0)
        if kind == 0:
            continue
        # both roots near this extremum are already bracketed when gt lies strictly beyond g_k
        if kind * (gtf - gs[k]) > 0:
            continue
        uk, qk, ek = _refine_extremum(curve, us[k - 1], us[k + 1], kind, dps)
        extrema.append((kind, uk, qk, ek))
        with mpmath.workdps(dps + GUARD):
            gk = mpmath.log(qk.charge)
            margin = ek + mpmath.mpf(qk.error) * 4
            if abs(gk - gt) <= margin:
                raise ConvergenceError(f"Q = {mpmath.nstr(Qt, 10)} equals the extremum Q = "
                                       f"{mpmath.nstr(qk.charge, dps)} of Q(omega) within the error; "
                                       "try a larger dps")
            if kind * (gt - gk) > 0:     # a pair of roots either side of the extremum
                uf = float(uk)
                brackets = [br for br in brackets if not (br[0] <= uf <= br[1])]
                brackets += [(us[k - 1], uf), (uf, us[k + 1])]
    # beyond the ends: the asymptotes tell whether Q runs to 0 or infinity there
    s_lo = (gs[1] - gs[0]) / (us[1] - us[0])
    s_hi = (gs[-1] - gs[-2]) / (us[-1] - us[-2])
    if (s_lo > 0 and gtf < gs[0]) or (s_lo < 0 and gtf > gs[0]):
        brackets.append(_march(curve, gtf, us[0], gs[0], s_lo, -1))
    if (s_hi > 0 and gtf > gs[-1]) or (s_hi < 0 and gtf < gs[-1]):
        brackets.append(_march(curve, gtf, us[-1], gs[-1], s_hi, 1))
    if not brackets:
        raise NoQBallError(_no_solution_reason(Qt, gs, extrema, s_lo, s_hi, dps))
    sols = []
    tol = mpmath.mpf(10) ** (-(dps + 2))
    m_per_charge = mpmath.sqrt(chart.m2) / chart.q
    for a, b in sorted(set(brackets)):
        ga, gb = curve.g(a) - gtf, curve.g(b) - gtf
        u0 = _illinois(lambda x: (lambda v: None if v is None else v - gtf)(curve.g(x)), a, ga, b, gb,
                       DOUBLE_U_TOL * max(1.0, abs(a), abs(b))) if a != b else a
        qb, dg = _secant_u(curve, u0, gt, dps, tol)
        with mpmath.workdps(dps + GUARD):
            dQ = _u_of_omega_slope(chart, qb, dg)
            # first-order correction of the mass to the exact charge (dM/dQ = omega)
            mass = qb.mass + qb.omega * (Qt - qb.charge)
            resid = abs(qb.charge - Qt) / Qt
            err = max(mpmath.mpf(qb.error), resid**2 * 10, tol)
            bind = qb.binding + (m_per_charge - qb.omega) * (Qt - qb.charge)
            sols.append(QBall(qb.omega, Qt, mass, qb.action, qb.radius, qb.phi0, err, dps,
                              dQ, bool(dQ < 0), bool(bind > 0), qb.bounce,
                              binding=bind, rms_function=qb.rms_function))
    # the same root reached from two brackets (e.g. a bracket ending on an extremum): keep one
    out = []
    for s in sorted(sols, key=lambda s: s.omega):
        if out and abs(s.omega - out[-1].omega) <= mpmath.mpf(10) ** -(dps // 2) * s.omega:
            continue
        out.append(s)
    return sorted(out, key=lambda s: s.mass)


def _no_solution_reason(Qt, gs, extrema, s_lo, s_hi, dps):
    mins = [e for e in extrema if e[0] == 1]
    maxs = [e for e in extrema if e[0] == -1]
    if mins and s_lo < 0 and s_hi > 0 and Qt < min(e[2].charge for e in mins):
        k, u, qb, err = min(mins, key=lambda e: e[2].charge)
        return (f"no Q-ball of charge {mpmath.nstr(Qt, 10)}: Q below Q_min = {mpmath.nstr(qb.charge, dps)} "
                f"(relative error {mpmath.nstr(max(err, qb.error), 2)}) of this family, the minimum of "
                f"Q(omega) at omega = {mpmath.nstr(qb.omega, dps)}")
    if maxs and s_lo > 0 and s_hi < 0 and Qt > max(e[2].charge for e in maxs):
        k, u, qb, err = max(maxs, key=lambda e: e[2].charge)
        return (f"no Q-ball of charge {mpmath.nstr(Qt, 10)}: Q above Q_max = {mpmath.nstr(qb.charge, dps)} "
                f"(relative error {mpmath.nstr(max(err, qb.error), 2)}) of this family, the maximum of "
                f"Q(omega) at omega = {mpmath.nstr(qb.omega, dps)}")
    return (f"no Q-ball of charge {mpmath.nstr(Qt, 10)}: Q(omega) spans [{math.exp(min(gs)):.6g}, "
            f"{math.exp(max(gs)):.6g}] and is monotone towards both ends of the window")


def charge_extremum(chart, dps: int = 20, kind: int = 1, scan_points: int = CHART_SCAN_POINTS,
                    scan: list | None = None):
    r"""The refined interior minimum (``kind=1``) or maximum (``kind=-1``) of Q(omega), or None.

    Returns ``(QBall, error)``; ``error`` bounds the relative error of its charge.  When a list
    is passed as ``scan`` it receives the double-precision scan ``[(u, log Q)]`` (sorted in u)
    that located the extremum, so a caller can inspect the grid without solving it again.

    .. math:: \frac{d \log Q}{du}\Big|_{u_*} = 0

    Examples
    --------
    >>> from qsym.api.solve import _single_chart
    >>> from qsym.symbolic.potential import Potential
    >>> _, chart = _single_chart(Potential("phi**2/2 - phi**3 + 3*phi**4/5", ["phi"]), 15)
    >>> charge_extremum(chart, 15) is None       # Q runs monotonically from 0 to infinity
    True
    """
    curve = _Curve(chart, 400)
    pts = _scan(curve, scan_points)
    if scan is not None:
        scan[:] = pts
    us, gs = [p[0] for p in pts], [p[1] for p in pts]
    best = None
    for k in range(1, len(pts) - 1):
        if (kind == 1 and gs[k - 1] > gs[k] < gs[k + 1]) or (kind == -1 and gs[k - 1] < gs[k] > gs[k + 1]):
            if best is None or kind * gs[k] < kind * gs[best]:
                best = k
    if best is None:
        return None
    u, qb, err = _refine_extremum(curve, us[best - 1], us[best + 1], kind, dps)
    return qb, max(err, mpmath.mpf(qb.error))
