r"""The chart u = log(Delta/(D - Delta)) over the whole window: rescaled bounces, the small-Delta model, the cached curve log Q(u).

Part of :mod:`qsym.numeric.qball` (numeric layer: mpmath/numpy only).
"""

from __future__ import annotations

import math

import mpmath

from qsym.errors import ConvergenceError, NoSolutionError
from qsym.numeric.qball.family import _bounce
from qsym.numeric.qball.result import GUARD, QBall

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

    def __init__(self, b, a, L, dim=3):
        self._b, self._a, self._L = b, a, L
        self.phi0 = a * b.phi0
        self.R_match = L * b.R_match
        self.action = a**2 * L ** (dim - 2) * b.action
        self.charge_integral = a**2 * L**dim * b.charge_integral

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
    r"""The Q-ball at chart point ``u`` (``dps=None``: double-precision bounce) in ``chart.dim``
    space dimensions (3 when the chart has no ``dim``).

    .. math:: \Delta = \frac{D}{1 + e^{-u}}, \quad S = a^2 L^{d-2} S_\psi, \quad
              \int\phi^2 d^dx = a^2 L^d \int\psi^2 d^d\xi, \quad L = \Delta^{-1/2}
    """
    u = mpmath.mpf(u)
    dim = getattr(chart, "dim", 3)
    extra = int(max(0, float(u)) / 2.3) + 1      # digits lost in D - Delta near the thin end
    with mpmath.workdps((dps or 15) + GUARD + extra):
        delta, rest = _delta_of_u(chart, u)
        kind, obj, a = chart.scaled(delta)
        rms_fn = None
        if kind == "small":
            b = _small_model(chart, dps).at(obj)
            rms_fn = b.rms_function(a, 1 / mpmath.sqrt(delta))
        else:
            # |phi| > 0: U depends on the modulus of the charged field
            b = _bounce(obj, dps, sign=1, dim=dim)
        L = 1 / mpmath.sqrt(delta)
        Om2 = chart.Omega_min2 + rest            # q^2 omega^2, exact near both ends
        Om = mpmath.sqrt(Om2)
        sb = _ScaledBounce(b, a, L, dim)
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
            self.dim = dim = getattr(chart, "dim", 3)
            for x in nodes:
                self.bounces.append((x, _bounce(chart.base(x), dps, sign=1, dim=dim)))
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
                    d = self.dim
                    num = mpmath.quad(lambda r: r ** (d + 1) * b.profile(r) ** 2, pts)
                    den = mpmath.quad(lambda r: r ** (d - 1) * b.profile(r) ** 2, pts)
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
