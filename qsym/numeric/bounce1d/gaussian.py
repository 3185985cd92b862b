r"""Radial solitons of potentials with a logarithm at the origin: Gaussian tails.

For the gravity-mediated flat direction the effective potential is

.. math::  \tilde U(\psi) = \sum_j p_j \psi^j + \kappa\,\psi^2 \log\psi^2, \qquad \kappa < 0,

not analytic at :math:`\psi = 0`: its curvature :math:`\tilde U'' = P'' + 2\kappa(3 + 2\log\psi)`
grows without bound as :math:`\psi \to 0`, so there is no Bessel tail.  Writing
:math:`\psi = e^{w}`, the radial equation :math:`\psi'' + \frac{d-1}{r}\psi' = \tilde U'(\psi)`
has decaying solutions with

.. math::  w = -a r^2 + \varepsilon r + O(\log r), \qquad a = -\kappa ,

a one-parameter family (the Gaussian of :func:`qsym.symbolic.flatdir.gausson` when ``P`` is
quadratic).  Perturbations grow like :math:`e^{+a r^2}`, so a shot from the centre alone would
need twice the working digits.  Instead the solution is matched at a radius :math:`r_m` of the
core between an outward shot from the centre (parameter :math:`\psi(0)`) and an inward shot from
:math:`R` (parameter :math:`s = \log\psi(R)`, slope :math:`\psi'(R) = \lambda\psi(R)` with the
asymptotic :math:`\lambda = -2aR + \hat\varepsilon`): inward, the growing mode decays by
:math:`e^{-2a(R^2 - r_m^2)}`, and :math:`R` is chosen so that this is below the tolerance.

Taylor steps: with :math:`\psi = \sum a_k t^k` about :math:`r_0`, :math:`L = \log\psi` has
:math:`k a_0 L_k = k a_k - \sum_{j=1}^{k-1} j L_j a_{k-j}`, and

.. math::  a_{k+2} = \frac{r_0 G_k + G_{k-1} - (k+1)(k+d-1) a_{k+1}}{r_0 (k+2)(k+1)}, \qquad
           G = P'(\psi) + 2\kappa\psi(1 + 2L) .

Numeric layer: mpmath and floats only.  The same code runs on Python floats (bisection,
charts) and on mpf (the Newton solve).

>>> sol = solve_gaussian([0, 0, -0.3, 0, 0, 0, 0.001], -0.05, 3, dps=15)
>>> sol.phi0 > 0 and sol.error < 1e-10
True
"""

from __future__ import annotations

import bisect
import math
import operator
from dataclasses import dataclass

import gmpy2
import mpmath

from qsym.errors import ConvergenceError, InputError, NoSolutionError

__all__ = ["GaussianSoliton", "solve_gaussian", "solve_gaussian_double", "landscape"]

#: Taylor order of the double-precision shots
ORDER_FLOAT = 18
#: the first bisection in double precision stops at a relative bracket 2^-(SHALLOW 53): Newton
#: takes over from there when the two ends agree past the core (else the full depth 0.6)
SHALLOW = 0.35
#: largest precision (bits) of the bisection that finds the start (thin walls need many)
MAX_START_BITS = 1024
#: safety cap on Taylor steps in one shot
MAX_STEPS = 20000
#: a shot without integrals (bisection, Newton) gives up after this many steps (~50-200 normally)
MAX_SHOT_STEPS = 3000
#: Newton iterations of the matched solve (per precision)
MAX_NEWTON = 12
#: largest relative Newton correction of psi(0) trusted (beyond: the start was too far)
MAX_NEWTON_STEP = 0.05
#: continuation only from solutions whose core amplifies a change of psi(0) less than this
MAX_CONTINUATION_GROWTH = 1e3
#: the matching radius: where the double-precision profile has fallen to this fraction of psi(0)
MATCH_FRACTION = 0.5
#: thin-wall start (:func:`_thin_start`): the interior is linear about psi_t while
#: delta Lambda(r) <= THIN_ETA psi_t; the bisection in log(delta) starts THIN_DEPTH below
#: log(psi_t) (an overshoot) and stops at a bracket of THIN_XI_TOL
THIN_ETA = 1e-5
THIN_DEPTH = 1e7
THIN_XI_TOL = 1e-7
#: largest Newton correction of log(delta) trusted in the thin-wall solve
THIN_MAX_STEP = 0.5
#: marks a thin-wall start (its second entry is log delta, not psi(0))
THIN = -1
#: the growth recorded in the ``start`` of a thin-wall solution (not continued in psi(0); a
#: neighbour starts with the thin-wall start)
THIN_GROWTH = 1e300


@dataclass
class GaussianSoliton:
    """A decaying regular solution and its integrals over :math:`\\mathbb{R}^d` (per unit solid angle
    times the sphere's area, i.e. true d-dimensional integrals).

    ``phi0``: psi(0); ``T = int |grad psi|^2/2``, ``V = int U~(psi)``, ``I2 = int psi^2``,
    ``action = T + V`` (Derrick: ``V = -(d-2) T/d``, checked: ``virial``), ``error`` (estimate of
    the action's and I2's relative error), ``r_match``, ``R`` (inner and outer radii), ``rms``
    (``sqrt(int r^2 psi^2 / int psi^2)``).
    """

    phi0: object
    T: object
    V: object
    I2: object
    action: object
    virial: object
    error: float
    r_match: float
    R: float
    dps: int | None
    rms: object = None
    #: ``(psi(0), r_match, R, log psi(R), eps, growth)`` as floats: a start for a neighbouring solve
    #: (growth: how much the core amplifies a change of psi(0); inf when not measured)
    start: tuple | None = None


def _sphere(d: int):
    return 2 * mpmath.pi ** (mpmath.mpf(d) / 2) / mpmath.gamma(mpmath.mpf(d) / 2)


class _Eq:
    """The equation: polynomial part ``p`` (list, p[j] psi^j), ``kappa``, dimension ``d``, in the
    arithmetic of ``one`` (1.0 or mpf(1))."""

    def __init__(self, p, kappa, d, one):
        self.p = [one * c for c in p]
        while len(self.p) > 1 and self.p[-1] == 0:
            self.p.pop()
        self.kappa = one * kappa
        self.d = d
        self.one = one
        self.zero = one * 0
        self.log = math.log if isinstance(one, float) else gmpy2.log
        self.a = -self.kappa
        deg = len(self.p) - 1
        self.dp = [j * self.p[j] for j in range(1, deg + 1)]              # P' coefficients
        self.ddp = [j * (j - 1) * self.p[j] for j in range(2, deg + 1)]   # P''

    def U(self, x):
        return sum(c * x**j for j, c in enumerate(self.p)) + self.kappa * x * x * 2 * self.log(abs(x))

    def d2U(self, x):
        s = sum(c * x**j for j, c in enumerate(self.ddp))
        return s + 2 * self.kappa * (3 + 2 * self.log(abs(x)))

    def dU(self, x):
        s = sum(c * x**j for j, c in enumerate(self.dp))
        return s + 2 * self.kappa * x * (1 + 2 * self.log(abs(x)))


def _conv(a, b, k):
    return sum(map(operator.mul, a[:k + 1], b[k::-1]))


def _coeffs(eq: _Eq, r0, a0, a1, N, var=None):
    """Taylor coefficients about ``r0`` of psi (and of y, the variational solution, when ``var =
    (y0, y1)``), with L = log psi and the powers of psi."""
    zero = eq.zero
    a = [a0, a1] + [zero] * (N - 1)
    L = [eq.log(a0)] + [zero] * N
    deg = max(len(eq.p) - 1, 2)
    pw = [[eq.one] + [zero] * N, a] + [[zero] * (N + 1) for _ in range(deg - 1)]
    G = [zero] * (N + 1)
    y = Hy = H = None
    if var is not None:
        y = [var[0], var[1]] + [zero] * (N - 1)
        H = [zero] * (N + 1)
        Hy = [zero] * (N + 1)
    d, kap = eq.d, eq.kappa
    for k in range(N + 1):
        if k >= 1:
            L[k] = (k * a[k] - sum(j * L[j] * a[k - j] for j in range(1, k))) / (k * a0)
        for j in range(2, deg + 1):
            pw[j][k] = _conv(pw[j - 1], a, k)
        g = sum(c * pw[j][k] for j, c in enumerate(eq.dp))
        G[k] = g + 2 * kap * (a[k] + 2 * _conv(a, L, k))
        if var is not None:
            h = sum(c * pw[j][k] for j, c in enumerate(eq.ddp))
            H[k] = h + 2 * kap * (2 * L[k] + (3 if k == 0 else 0))
            Hy[k] = _conv(H, y, k)
        if k + 2 > N:
            continue
        a[k + 2] = _next(r0, G, k, a, d)
        if var is not None:
            y[k + 2] = _next(r0, Hy, k, y, d)
    return a, y, L, pw


def _next(r0, G, k, a, d):
    if not r0:
        return G[k] / ((k + 2) * (k + d))
    gm = G[k - 1] if k else 0
    return (r0 * G[k] + gm - (k + 1) * (k + d - 1) * a[k + 1]) / (r0 * (k + 2) * (k + 1))


def _horner(c, h):
    v = c[-1]
    for x in reversed(c[:-1]):
        v = v * h + x
    dv = c[-1] * (len(c) - 1)
    for k in range(len(c) - 2, 0, -1):
        dv = dv * h + c[k] * k
    return v, dv


def _step_size(a, tol, N):
    """Largest |h| with the last two terms below ``tol |psi|`` (and a safety factor)."""
    ref = abs(a[0])
    best = None
    for k in (N - 1, N):
        ak = abs(a[k])
        if ak == 0:
            continue
        hk = float((tol * ref / ak) ** (1.0 / k)) if isinstance(ak, float) else math.exp(
            float(gmpy2.log(tol * ref / ak)) / k)
        best = hk if best is None else min(best, hk)
    return 0.5 * (best if best is not None else 1.0)


def _integrals(eq: _Eq, r0, h, a, L, pw, N):
    """``int_{r0}^{r0+h} r^(d-1) f`` for f = psi'^2, U~(psi), psi^2 (exact on the truncated
    series)."""
    d = eq.d
    zero = eq.zero
    da = [(k + 1) * a[k + 1] for k in range(N)] + [zero]
    f_grad = [_conv(da, da, k) for k in range(N + 1)]
    f_sq = pw[2]
    f_U = [sum(c * pw[j][k] for j, c in enumerate(eq.p)) + 2 * eq.kappa * _conv(pw[2], L, k)
           for k in range(N + 1)]
    out = []
    for f, e in ((f_grad, d - 1), (f_U, d - 1), (f_sq, d - 1), (f_sq, d + 1)):
        # (r0 + t)^e = sum_j C(e, j) r0^(e-j) t^j
        w = [math.comb(e, j) * (r0 ** (e - j) if r0 else (1 if j == e else 0)) for j in range(e + 1)]
        s = zero
        hp = h
        for n in range(N + e + 1):
            c = sum(w[j] * f[n - j] for j in range(max(0, n - N), min(e, n) + 1))
            s += c * hp / (n + 1)
            hp *= h
        out.append(s)
    return out


def _shoot(eq: _Eq, r_from, p, dp, r_to, N, tol, var=None, quad=False, events=False, record=None,
           monotone=False):
    """Integrate from ``r_from`` to ``r_to`` (either direction); returns ``(p, dp, y, dy, reason,
    r, integrals)``.  With ``events`` (outward bisection shots) it stops at an undershoot
    (psi' > 0) or an overshoot (psi -> 0 steeper than the local decay rate)."""
    r = r_from
    sgn = 1 if r_to > r_from else -1
    y, dy = var if var is not None else (None, None)
    acc = [eq.zero] * 4
    steps = 0
    while True:
        steps += 1
        if steps > MAX_STEPS:
            raise ConvergenceError("the Gaussian-tail shot took too many steps")
        if not quad and steps > MAX_SHOT_STEPS:
            return p, dp, y, dy, "stalled", r, acc
        if p <= 0:
            return p, dp, y, dy, "over", r, acc
        cs, ys, L, pw = _coeffs(eq, r, p, dp, N, None if y is None else (y, dy))
        h = _step_size(cs, tol, N)
        if h < 1e-9 * (abs(float(r)) + 1):      # the steps collapse: psi runs into 0 (a singular point)
            return p, dp, y, dy, "over", r, acc
        last = sgn * (r_to - r) <= h
        if last:
            h = abs(r_to - r)
        hs = sgn * h
        if not isinstance(eq.one, float):
            hs = eq.one * hs
        if quad:
            for i, v in enumerate(_integrals(eq, r, hs, cs, L, pw, N)):
                acc[i] += v
        p, dp = _horner(cs, hs)
        if y is not None:
            y, dy = _horner(ys, hs)
        r = r_to if last else r + hs
        if record is not None:
            record.append((float(r), float(p), float(dp)))
        if monotone and (dp > 0 or p <= 0):
            raise _NotGround("the matched profile is not positive and decreasing (not the ground state)")
        if events:
            if dp > 0:
                return p, dp, y, dy, "under", r, acc
            if p <= 0:
                return p, dp, y, dy, "over", r, acc
            rate = math.sqrt(abs(float(eq.d2U(p)))) + (eq.d - 1) / float(r) + 1.0
            if -float(dp) / float(p) > 2 * rate:
                return p, dp, y, dy, "over", r, acc
            if float(p) < 1e-250:
                return p, dp, y, dy, "end", r, acc
        if last:
            return p, dp, y, dy, "end", r, acc


def landscape(p, kappa) -> tuple:
    """``(phi_e, phi_t)``: the first zero of U~ on phi > 0 (U~ < 0 beyond) and the minimum of U~
    beyond it (None when U~ decreases without bound; then no soliton is proven here).

    .. math:: \\tilde U(\\phi_e) = 0, \\qquad \\tilde U'(\\phi_t) = 0

    >>> pe, pt = landscape([0, 0, -0.3, 0, 0, 0, 0.001], -0.05)
    >>> 0 < pe < pt
    True
    """
    eq = _Eq(p, kappa, 3, 1.0)
    xs = [10.0 ** (k / 50.0) for k in range(-50 * 30, 50 * 30)]
    pe = None
    prev = None
    for x in xs:
        u = eq.U(x)
        if prev is not None and prev[1] > 0 and u < 0 and pe is None:
            pe = _bisect(eq.U, prev[0], x)
        if pe is not None and u > 0:
            break
        prev = (x, u)
    if pe is None:
        # close to omega_min U~ < 0 only on a sliver narrower than the grid: the minimum of
        # U~/phi^2 between grid points (golden section about the grid's smallest value)
        k = min(range(1, len(xs) - 1), key=lambda i: eq.U(xs[i]) / xs[i] ** 2)
        lo, hi = xs[k - 1], xs[k + 1]
        g = (math.sqrt(5) - 1) / 2
        for _ in range(200):
            a, b = hi - g * (hi - lo), lo + g * (hi - lo)
            if eq.U(a) / a**2 < eq.U(b) / b**2:
                hi = b
            else:
                lo = a
            if hi - lo <= 1e-15 * hi:
                break
        xm = 0.5 * (lo + hi)
        if eq.U(xm) < 0 and eq.U(xs[k - 1]) > 0:
            pe = _bisect(eq.U, xs[k - 1], xm)
    if pe is None:
        raise NoSolutionError("U_omega >= 0 on phi > 0: no Q-ball at this omega (no region below the "
                              "origin's value to roll through)")
    pt = None
    prev = (pe, eq.dU(pe))          # U~ falls through zero at phi_e (a sliver may end before the next x)
    for x in xs:
        if x <= pe:
            continue
        g = eq.dU(x)
        if prev is not None and prev[1] < 0 <= g:
            pt = _bisect(eq.dU, prev[0], x)
            break
        prev = (x, g)
    return pe, pt


def _bisect(f, lo, hi):
    flo = f(lo)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        fm = f(mid)
        if (fm > 0) == (flo > 0):
            lo, flo = mid, fm
        else:
            hi = mid
        if hi - lo <= 1e-16 * hi:
            break
    return 0.5 * (lo + hi)


def _bisection(eq: _Eq, prec: int, near=None, depth: float = 0.6):
    """psi(0) by bisection on under/overshoots at ``prec`` bits (floats at 53), with the profiles of
    the two ends of the final bracket (lists of float (r, psi, psi')).  ``near``: a previous answer
    at lower precision (the bracket starts at its relative width 1e-15 when that brackets)."""
    one = eq.one
    flt = isinstance(one, float)
    tol = 2.0 ** -(prec - 1) if flt else gmpy2.mul_2exp(one, -(prec - 1))
    N = ORDER_FLOAT if flt else _order(eq, prec)[0]
    r_end = one * 1e6

    def shoot(x, record=None):
        return _shoot(eq, 0 * one, x, 0 * one, r_end, N, tol, events=True, record=record)[4]

    pe, pt = landscape([float(c) for c in eq.p], float(eq.kappa))
    if pt is None:       # U~ falls without bound: find an overshooting start by doubling
        pt = one * 2 * pe
        for _ in range(60):
            if shoot(pt) == "over":
                break
            pt *= 2
        else:
            raise ConvergenceError("no overshooting start found below phi = 2^60 phi_e")
    else:
        pt = one * pt
        for _ in range(8):                           # the hilltop of -U~ to the working precision
            pt -= eq.dU(pt) / eq.d2U(pt)
    lo, hi = one * pe, pt
    if near is not None:
        a, b = one * near * (1 - 1e-15), one * near * (1 + 1e-15)
        if lo < a and b < hi and shoot(a) == "under" and shoot(b) == "over":
            lo, hi = a, b
    stop = 2.0 ** -(depth * prec)
    for _ in range(2 * prec):
        mid = (lo + hi) / 2
        reason = shoot(mid)
        if reason == "under":
            lo = mid
        elif reason == "over":
            hi = mid
        else:
            lo = hi = mid
            break
        if hi - lo <= stop * hi:
            break
    recs = []
    for x in (lo, hi):
        rec = []
        shoot(x, rec)
        recs.append(rec)
    return (lo + hi) / 2, recs


def _agree(recs, rel=1e-3):
    """The part of the first profile on which the two bracket ends agree to ``rel``."""
    lo, hi = recs
    rs = [r for r, _, _ in hi]
    out = []
    for r, p, dp in lo:
        k = bisect.bisect_left(rs, r)
        if k == 0:              # before the other profile's first step: both start at psi(0)
            out.append((r, p, dp))
            continue
        if k >= len(rs):
            break
        (r0, p0, d0), (r1, p1, d1) = hi[k - 1], hi[k]
        if p0 <= 0 or p1 <= 0 or p <= 0:
            break
        # cubic Hermite interpolation of log psi (values and slopes psi'/psi at both ends)
        h = r1 - r0
        t = (r - r0) / h
        w0, w1, s0, s1 = math.log(p0), math.log(p1), d0 / p0 * h, d1 / p1 * h
        w = ((2 * t**3 - 3 * t**2 + 1) * w0 + (t**3 - 2 * t**2 + t) * s0 + (-2 * t**3 + 3 * t**2) * w1
             + (t**3 - t**2) * s1)
        if abs(w - math.log(p)) > rel:
            break
        out.append((r, p, dp))
    return out


def _guess(eq: _Eq, x, recs, digits: float):
    """Matching radius, outer radius and the inward shot's start from the bisection's profiles
    (trusted where the two ends of the final bracket agree to 1e-3); ConvergenceError when that
    part does not reach past the core (the start needs more bits)."""
    a = float(eq.a)
    x = float(x)
    trusted = _agree(recs)
    rm = next((r for r, p, _ in trusted if p <= MATCH_FRACTION * x), None)
    if rm is None or trusted[-1][1] > 0.1 * x:
        raise ConvergenceError("the bisection's profiles separate before the core's edge")
    target = _target(x, digits)
    below = next(((r, p, dp) for r, p, dp in trusted if math.log(p) <= target), None)
    rg, pg, dpg = below or trusted[-1]
    eps = dpg / pg + 2 * a * rg
    if below:
        return rm, rg, math.log(pg), eps
    R = _radius(a, eps, rg, math.log(pg), target)
    return rm, R, target, eps


def _target(x, digits):
    """log psi(R) at which the inward shot's growing mode is damped by 10^-digits on its way to the
    matching point (it falls like psi(r)^2 relative to the decaying one)."""
    return math.log(float(x) * MATCH_FRACTION) - digits * math.log(10) / 2 - 1


def _radius(a, eps, r0, w0, target):
    """R >= r0 with w0 - a (R^2 - r0^2) + eps (R - r0) = target (the Gaussian extrapolation)."""
    C = a * r0 * r0 - eps * r0 + (w0 - target)
    return max(r0, (eps + math.sqrt(max(eps * eps + 4 * a * C, 0.0))) / (2 * a))


def solve_gaussian_double(p, kappa, d: int = 3) -> GaussianSoliton:
    """The decaying regular solution in double precision (bisection, then the matched solve at
    53 bits): :func:`solve_gaussian` with ``dps=None``.

    .. math:: \\psi'' + \\frac{d-1}{r}\\psi' = \\tilde U'(\\psi)

    >>> s = solve_gaussian_double([0, 0, -0.3, 0, 0, 0, 0.001], -0.05)
    >>> s.error < 1e-8
    True
    """
    return solve_gaussian(p, kappa, d, dps=None)


def solve_gaussian(p, kappa, d: int = 3, dps: int | None = 30, start=None) -> GaussianSoliton:
    r"""The decaying regular solution of :math:`\psi'' + \frac{d-1}{r}\psi' = \tilde U'(\psi)` with
    :math:`\tilde U = \sum_j p_j\psi^j + \kappa\psi^2\log\psi^2` and its integrals.

    ``p``: coefficients (numbers or callables ``prec -> mpf`` for irrational ones), ``kappa < 0``.
    ``start``: the ``start`` of a neighbouring solution (continuation: Newton from it, no
    bisection; a non-monotone answer falls back to the bisection).

    .. math:: T = \int \tfrac12|\nabla\psi|^2 d^dx, \quad V = \int \tilde U(\psi) d^dx, \quad
              S = T + V = \tfrac{2}{d} T

    >>> s = solve_gaussian([0, 0, -0.3, 0, 0, 0, 0.001], -0.05, dps=20)
    >>> abs(s.virial) < 1e-18
    True
    """
    if not kappa < 0:
        raise InputError("the logarithmic term must have kappa < 0 (U ~ kappa phi^2 log phi^2 is then "
                         "a minimum of infinite curvature at the origin)")
    pf = [float(c(53)) if callable(c) else float(c) for c in p]
    if any(c != 0 for c in pf[:2]):
        raise InputError("U(0) = U'(0) = 0 is required of the polynomial part")
    digits = 16 if dps is None else dps + 10
    if start is not None and start[-1] <= MAX_CONTINUATION_GROWTH:
        start = start[:-1]
        try:
            return _finish(p, pf, kappa, d, dps, digits, 53, *start, continued=True)
        except (ConvergenceError, _NotGround, ArithmeticError, ValueError):
            pass
    st = None
    if start is not None and start[-1] == THIN_GROWTH:
        # the neighbour was a thin wall: its start first (the bisection in psi(0) would fail)
        try:
            st = _thin_start(p, pf, kappa, d, digits)
        except (ConvergenceError, ArithmeticError, ValueError, OverflowError):
            st = None
    st = st or _start(p, pf, kappa, d, digits)
    try:
        return _finish(p, pf, kappa, d, dps, digits, *st)
    except ConvergenceError:
        if st[0] != 53:
            raise
        # the double-precision start was too coarse for this core (a thin wall): more bits
        return _finish(p, pf, kappa, d, dps, digits, *_start(p, pf, kappa, d, digits, 106, st[1]))


class _NotGround(ConvergenceError):
    """The matched solution has a node or is not monotone (not the ground state)."""


def _start(p, pf, kappa, d, digits, pb: int = 53, near=None):
    """``(bits, x, rm, R, s, eps)``: the bisection's start (from ``pb`` bits, ``near`` a previous
    psi(0)), at more bits for thin walls: first the thin-wall start (:func:`_thin_start`), then
    bisections in psi(0) at 106, 212, ... bits."""
    thin_tried = False
    while True:                     # thin walls: the start needs more bits than doubles carry
        if pb > 53 and not thin_tried:
            thin_tried = True
            try:
                return _thin_start(p, pf, kappa, d, digits)
            except (ConvergenceError, ArithmeticError, ValueError, OverflowError):
                pass
        x = None
        try:
            if pb == 53:
                eq = _Eq(pf, float(kappa), d, 1.0)
                try:                # a shallow bisection is enough when the core is not sensitive
                    x, recs = _bisection(eq, 53, depth=SHALLOW)
                    return (53, x) + _guess(eq, x, recs, digits)
                except ConvergenceError:
                    x, recs = _bisection(eq, 53)
                    return (53, x) + _guess(eq, x, recs, digits)
            with gmpy2.context(gmpy2.get_context(), precision=pb), mpmath.workprec(pb):
                eq = _Eq([_g(c(pb) if callable(c) else mpmath.mpf(c)) for c in p], _g(kappa), d, gmpy2.mpfr(1))
                x, recs = _bisection(eq, pb, near)
                return (pb, float(x)) + _guess(eq, x, recs, digits)
        except ConvergenceError:
            near = float(x) if x is not None else near
            pb *= 2
            if pb > MAX_START_BITS:
                raise ConvergenceError(f"the Q-ball's start needs more than {MAX_START_BITS} bits (a wall "
                                       "too thin for the shooting: omega too close to omega_min)") from None


def _lambda_radius(d: int, mu: float, lt: float):
    """``(r, Lambda'(r)/Lambda(r), f)`` (floats) with ``log Lambda(r) = lt + f > 0``, ``|f|`` below
    ``1e-9 max(1, lt)`` (:func:`regular_profile`, Newton on the log)."""
    from qsym.numeric.kernels.tails import regular_profile
    r = max(lt / mu, 1e-3)
    with mpmath.workprec(64):
        for _ in range(60):
            lam, dlam = regular_profile(d, mu, mpmath.mpf(r))
            f = float(mpmath.log(lam) - lt)
            if abs(f) < 1e-9 * max(1.0, lt):
                break
            r = max(r - f / float(dlam / lam), r / 2)
        else:
            raise ConvergenceError("no thin-wall matching radius")
        return r, float(dlam / lam), f


def _thin_start(p, pf, kappa, d, digits):
    r"""``(bits, x, rm, R, s, eps)`` for a thin wall: the centre sits ``delta`` below the second
    minimum, ``psi(0) = psi_t - delta`` with ``delta`` far below the rounding of doubles.  Inside,
    the field is linear about psi_t, ``psi = psi_t - delta Lambda(r)`` (:func:`regular_profile`,
    ``Lambda'' + (d-1)/r Lambda' = mu^2 Lambda``) up to ``r_1`` where ``delta Lambda = THIN_ETA psi_t``
    (the neglected term is ``(THIN_ETA psi_t)^2``); float shots from there classify under/overshoots
    and a bisection in ``xi = log delta`` (an O(1) bracket: no bits are needed for delta itself)
    gives the start.  ``x = psi_t - delta`` is returned at the bits its Newton needs.

    .. math:: \psi(r) = \psi_t - e^{\xi}\,\Lambda(r) + O(e^{2\xi}\Lambda^2), \quad r \le r_1
    """
    eq = _Eq(pf, float(kappa), d, 1.0)
    pe, pt = landscape(pf, float(kappa))
    if pt is None:
        raise ConvergenceError("no second minimum: not a thin wall")
    for _ in range(8):
        pt -= eq.dU(pt) / eq.d2U(pt)
    mu2 = eq.d2U(pt)
    if not mu2 > 0:
        raise ConvergenceError("the second minimum is degenerate")
    mu = math.sqrt(mu2)
    N, tol = ORDER_FLOAT, 2.0 ** -52

    def shoot(xi, record=None):
        delta = math.exp(xi)                        # (0 below the float range: then delta < eta)
        eta = THIN_ETA * pt
        if delta >= eta:
            r1, x1, dx1 = 0.0, pt - delta, 0.0
        else:
            r1, ratio, f = _lambda_radius(d, mu, math.log(eta) - xi)   # delta Lambda(r1) = eta e^f
            dev = eta * math.exp(f)
            x1, dx1 = pt - dev, -dev * ratio
        return _shoot(eq, r1, x1, dx1, r1 + 1e6, N, tol, events=True, record=record)[4]

    hi = math.log(pt - pe)                          # psi(0) = phi_e: an undershoot
    lo = math.log(pt) - THIN_DEPTH                  # psi(0) next to psi_t: an overshoot (thin wall)
    if shoot(hi) != "under" or shoot(lo) != "over":
        raise ConvergenceError("the thin-wall start does not bracket the bounce")
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        reason = shoot(mid)
        if reason == "under":
            hi = mid
        elif reason == "over":
            lo = mid
        else:
            lo = hi = mid
            break
        if hi - lo <= THIN_XI_TOL:
            break
    recs = []
    for xi in (hi, lo):                              # (the larger delta first: the lower psi(0))
        rec = []
        shoot(xi, rec)
        recs.append(rec)
    xi = 0.5 * (lo + hi)
    return (THIN, xi) + _guess(eq, pt - math.exp(xi), recs, digits)


def _thin_vacuum(eq: _Eq, pt_float: float):
    """``(psi_t, mu)`` at the precision of ``eq``: Newton on U~' from the float root."""
    pt = eq.one * pt_float
    for _ in range(16):                 # quadratic from 53 bits: 16 steps reach any working precision
        step = eq.dU(pt) / eq.d2U(pt)
        pt -= step
        if step == 0:
            break
    return pt, gmpy2.sqrt(eq.d2U(pt)) if not isinstance(eq.one, float) else math.sqrt(eq.d2U(pt))


class _ThinStart:
    """The start of the outward shot of a thin wall at ``xi = log delta``: ``r_1`` with
    ``delta Lambda(r_1) = eta`` (0 when delta >= eta: the centre itself), the field, its slope and
    their xi-derivatives there, and the interior integrals to second order in ``delta Lambda``
    (closed forms; the ``r^(d+1)`` moments by quadrature)."""

    def __init__(self, eq: _Eq, pt, mu, eta, xi, prec: int):
        self.eq, self.pt, self.mu, self.xi = eq, pt, mu, xi
        d = eq.d
        with mpmath.workprec(prec):
            ptm, mum, xim = _m(pt), _m(mu), _m(xi)
            delta = mpmath.exp(xim)
            lt = float(mpmath.log(_m(eta)) - xim)
            if lt <= 0:
                self.r1 = 0
                self.x1, self.dx1, self.y1, self.dy1 = pt - _g(delta), 0 * pt, -_g(delta), 0 * pt
                self.interior = None
                return
            r1f = _lambda_radius(d, float(mum), lt)[0]
            r1 = mpmath.mpf(r1f)
            from qsym.numeric.kernels.tails import regular_profile, regular_sq_integral
            lam, dlam = regular_profile(d, mum, r1)
            self.r1 = _g(r1)
            self.x1, self.dx1 = _g(ptm - delta * lam), _g(-delta * dlam)
            self.y1, self.dy1 = _g(-delta * lam), _g(-delta * dlam)
            self._parts = (prec, ptm, mum, delta, r1, lam, dlam)
            self.interior = True

    def integrals(self) -> list | None:
        """``int_0^{r_1}`` of ``psi'^2, U~(psi), psi^2`` times ``r^(d-1)`` and of ``psi^2 r^(d+1)``
        (None when the shot starts at the centre)."""
        if self.interior is None:
            return None
        from qsym.numeric.kernels.tails import regular_profile, regular_sq_integral
        eq, d = self.eq, self.eq.d
        prec, ptm, mum, delta, r1, lam, dlam = self._parts
        with mpmath.workprec(prec):
            # interior integrals (psi = psi_t - delta Lambda, U~(psi) = U~(psi_t) + mu^2 chi^2/2):
            # int Lambda r^(d-1) = r1^(d-1) Lambda'/mu^2, int Lambda'^2 r^(d-1) = r1^(d-1) Lambda
            # Lambda' - mu^2 int Lambda^2 r^(d-1)
            IL = r1 ** (d - 1) * dlam / mum**2
            IL2 = regular_sq_integral(d, mum, r1)
            IdL2 = r1 ** (d - 1) * lam * dlam - mum**2 * IL2
            vol = r1**d / d
            Ut = _m(eq.U(self.pt))
            T2 = delta**2 * IdL2                                  # int psi'^2 r^(d-1)
            V = Ut * vol + mum**2 * delta**2 / 2 * IL2
            Q = ptm**2 * vol - 2 * ptm * delta * IL + delta**2 * IL2
            # int Lambda r^(d+1) by parts with the equation (closed form); int Lambda^2 r^(d+1) over
            # the last 40/mu below r1 (the integrand grows like e^(2 mu r): the rest is below e^-80)
            f1 = (r1 ** (d + 1) * dlam - 2 * r1**d * lam + 2 * d * r1 ** (d - 1) * dlam / mum**2) / mum**2
            a = max(mpmath.mpf(0), r1 - 40 / mum)
            f2 = mpmath.quad(lambda r: regular_profile(d, mum, r)[0] ** 2 * r ** (d + 1),
                             mpmath.linspace(a, r1, 5))
            Q2 = ptm**2 * r1 ** (d + 2) / (d + 2) - 2 * ptm * delta * f1 + delta**2 * f2
            return [_g(v) for v in (T2, V, Q, Q2)]


def _newton_thin(eq, prec, pt, mu, eta, xi, s, rm, R, eps):
    """:func:`_newton` in ``(xi, s)``, ``xi = log delta``, the outward shot from the linearised
    interior (:class:`_ThinStart`): ``(xi, s, last correction)``."""
    N, tol = _order(eq, prec)
    lam = -2 * float(eq.a) * R + eps
    Rm, rmm = gmpy2.mpfr(R), gmpy2.mpfr(rm)
    last = None
    for _ in range(MAX_NEWTON):
        st = _ThinStart(eq, pt, mu, eta, xi, prec)
        o = _shoot(eq, st.r1, st.x1, st.dx1, rmm, N, tol, var=(st.y1, st.dy1))
        dxi, ds = _match_correction(eq, o, s, Rm, rmm, lam, N, tol, "thin-wall")
        if abs(float(dxi)) > THIN_MAX_STEP:
            raise ConvergenceError("the thin-wall Newton step left its basin (start too far)")
        xi, s = xi - dxi, s - ds
        size = max(abs(float(dxi)), abs(float(ds)))
        # (a wall at radius R ~ |xi|/mu: the rounding of the shot is ~|xi| ulps of xi)
        floor = max(1.0, abs(float(xi)))
        if size < 2.0 ** (-prec * 0.55) * floor or (last is not None and last < 2.0 ** (-prec * 0.4) * floor
                                                      and size >= last):
            return xi, s, size
        last = size
    raise ConvergenceError("the matched thin-wall Newton did not converge")


def _finish_thin(p, kappa, d, dps, digits, xi, rm, R, s, eps):
    """The thin-wall matched solve: Newton in ``(log delta, log psi(R))`` at 3/2 of the target
    bits (the start values near psi_t keep half of them for the deviation ``eta = 2^(-P/2)``,
    whose square is the neglected term), then the integrals."""
    P = 53 if dps is None else int(dps * 3.33) + 40
    prec = P + P // 2 + 20
    with gmpy2.context(gmpy2.get_context(), precision=prec), mpmath.workprec(prec):
        eq = _Eq([_g(c(prec) if callable(c) else mpmath.mpf(c)) for c in p], _g(kappa), d, gmpy2.mpfr(1))
        pt, mu = _thin_vacuum(eq, float(landscape([float(c(53)) if callable(c) else float(c) for c in p],
                                                  float(kappa))[1]))
        eta = pt * gmpy2.mul_2exp(gmpy2.mpfr(1), -(P // 2))
        target = _target(float(pt), digits)
        xi, s = gmpy2.mpfr(xi), gmpy2.mpfr(s)
        for _ in range(8):
            xi, s, size = _newton_thin(eq, prec, pt, mu, eta, xi, s, rm, R, eps)
            if float(s) <= target + 1:
                break
            R = _radius(float(eq.a), eps, R, float(s), target)
            s = gmpy2.mpfr(target)
        else:
            raise ConvergenceError("the Gaussian tail did not reach its damping target")
        st = _ThinStart(eq, pt, mu, eta, xi, prec)
        N, tol = _order(eq, prec)
        sol = _integrate(eq, pt - gmpy2.exp(xi), s, rm, R, -2 * float(eq.a) * R + eps, N, tol, P, dps,
                         size, eps, thin=st)
        sol.start = sol.start[:-1] + (THIN_GROWTH,)     # a thin wall: no continuation in psi(0)
        for k in ("phi0", "T", "V", "I2", "action", "virial", "rms"):
            v = _m(getattr(sol, k))
            setattr(sol, k, float(v) if dps is None else v)
    return sol


def _finish(p, pf, kappa, d, dps, digits, pb, x, rm, R, s, eps, continued=False):
    """Newton from the start and the integrals, at the precision the core's sensitivity needs."""
    if pb == THIN:
        return _finish_thin(p, kappa, d, dps, digits, x, rm, R, s, eps)
    target = 53 if dps is None else int(dps * 3.33) + 40
    # bits lost to the core: a perturbation of psi(0) grows by |y(r_m)| across it (thin walls)
    extra = pb
    if pb == 53:
        eq = _Eq(pf, float(kappa), d, 1.0)
        try:
            x, s, R, size, growth = _settle(eq, 53, x, s, rm, R, eps, digits)
            extra = max(0, int(math.log2(max(growth, 1.0))))
            if continued and growth > MAX_CONTINUATION_GROWTH:
                raise ConvergenceError("a sensitive core: the continuation is not trusted")
        except ConvergenceError:        # too sensitive for doubles: Newton at more bits from the start
            if continued:               # (a neighbour's start: back to the bisection instead)
                raise
            extra = 53
        if dps is None and extra < 10:
            N, tol = _order(eq, 53)
            sol = _integrate(eq, x, s, rm, R, -2 * float(eq.a) * R + eps, N, tol, 53, None, size, eps)
            sol.start = sol.start[:-1] + (growth,)
            return sol
    prec = max(target, 53) + extra + 10
    with gmpy2.context(gmpy2.get_context(), precision=prec):
        with mpmath.workprec(prec):
            pm = [_g(c(prec) if callable(c) else mpmath.mpf(c)) for c in p]
            sol = _matched(pm, _g(kappa), d, prec, _g(x), _g(s), rm, R, eps, dps, digits)
            for k in ("phi0", "T", "V", "I2", "action", "virial", "rms"):
                v = _m(getattr(sol, k))      # exact at prec bits
                setattr(sol, k, float(v) if dps is None else v)
    return sol


def _g(v):
    """mpf (or number) -> gmpy2 mpfr at the current gmpy2 precision."""
    sign, man, exp, _ = mpmath.mpf(v)._mpf_
    x = gmpy2.mul_2exp(gmpy2.mpfr(man), exp)
    return -x if sign else x


def _m(x):
    """gmpy2 mpfr -> mpf (exact)."""
    if not isinstance(x, type(gmpy2.mpfr(0))):
        return mpmath.mpf(x)
    man, exp = x.as_mantissa_exp()
    return mpmath.mpf((int(man), int(exp)))


def _matched(p, kappa, d, prec, x, s, rm, R, eps, dps, digits):
    """Newton on (psi(0), log psi(R)), then the integrals of the matched solution."""
    flt = isinstance(kappa, float)
    eq = _Eq(p, kappa, d, 1.0 if flt else gmpy2.mpfr(1))
    x, s, R, size, _ = _settle(eq, prec, x, s, rm, R, eps, digits)
    N, tol = _order(eq, prec)
    return _integrate(eq, x, s, rm, R, -2 * float(eq.a) * R + eps, N, tol, prec, dps, size, eps)


def _settle(eq, prec, x, s, rm, R, eps, digits):
    """:func:`_newton`, moving R outwards until psi(R) is below the damping target (the decay
    between the core and the Gaussian regime is slower than the Gaussian extrapolation assumed)."""
    target = _target(x, digits)
    for _ in range(8):
        x, s, size, growth = _newton(eq, prec, x, s, rm, R, eps)
        if float(s) <= target + 1:
            return x, s, R, size, growth
        R = _radius(float(eq.a), eps, R, float(s), target)
        s = eq.one * target
    raise ConvergenceError("the Gaussian tail did not reach its damping target")


def _order(eq, prec):
    if isinstance(eq.one, float):
        return ORDER_FLOAT, 2.0 ** -(prec + 4)
    return int(0.4 * prec * math.log10(2)) + 12, gmpy2.mul_2exp(gmpy2.mpfr(1), -(prec + 4))


def _newton(eq, prec, x, s, rm, R, eps):
    """Newton on (psi(0), s = log psi(R)) for continuity of psi and psi' at ``rm``:
    ``(x, s, last relative correction)``."""
    one = eq.one
    flt = isinstance(one, float)
    N, tol = _order(eq, prec)
    lam = -2 * float(eq.a) * R + eps
    Rm, rmm = (R, rm) if flt else (gmpy2.mpfr(R), gmpy2.mpfr(rm))
    last = None
    for _ in range(MAX_NEWTON):
        o = _shoot(eq, 0 * one, x, 0 * one, rmm, N, tol, var=(one, 0 * one))
        dx, ds = _match_correction(eq, o, s, Rm, rmm, lam, N, tol, "Gaussian-tail")
        if abs(float(dx / x)) > MAX_NEWTON_STEP:
            raise ConvergenceError("the matched Newton step left its basin (start too far)")
        x, s = x - dx, s - ds
        size = max(abs(float(dx / x)), abs(float(ds)))
        if size < 2.0 ** (-prec * 0.55) or (last is not None and last < 2.0 ** (-prec * 0.4) and size >= last):
            return x, s, size, abs(float(o[2]))
        last = size
    raise ConvergenceError("the matched Gaussian-tail Newton did not converge")


def _match_correction(eq, o, s, Rm, rmm, lam, N, tol, what: str):
    r"""The Newton correction ``(d parameter, ds)`` of the matching at ``rmm``: ``o`` is the outward
    shot (with the variational solution of its parameter), the inward shot starts at ``Rm`` with
    ``log psi(R) = s`` and slope ``lam psi(R)``.

    .. math:: J\,(dp, ds)^T = (\psi_o - \psi_i,\ \psi'_o - \psi'_i)^T \text{ at } r_m
    """
    pR = (math.exp if isinstance(eq.one, float) else gmpy2.exp)(s)
    i = _shoot(eq, Rm, pR, lam * pR, rmm, N, tol, var=(pR, lam * pR))
    if o[4] != "end" or i[4] != "end":
        raise ConvergenceError(f"the matched {what} solve left the field range")
    F1, F2 = o[0] - i[0], o[1] - i[1]
    J11, J12, J21, J22 = o[2], -i[2], o[3], -i[3]
    det = J11 * J22 - J12 * J21
    if det == 0:
        raise ConvergenceError(f"singular matching Jacobian ({what} solve)")
    return (F1 * J22 - F2 * J12) / det, (J11 * F2 - J21 * F1) / det


def _integrate(eq, x, s, rm, R, lam, N, tol, prec, dps, newton_size, eps, thin=None):
    one = eq.one
    flt = isinstance(one, float)
    exp = math.exp if flt else gmpy2.exp
    Rm = R if flt else gmpy2.mpfr(R)
    rmm = rm if flt else gmpy2.mpfr(rm)
    if thin is None:
        o = _shoot(eq, 0 * one, x, 0 * one, rmm, N, tol, quad=True, monotone=True)
    else:                   # a thin wall: from r_1, the interior's integrals in closed form
        o = _shoot(eq, thin.r1, thin.x1, thin.dx1, rmm, N, tol, quad=True, monotone=True)
        inner = thin.integrals()
        if inner is not None:
            o = o[:6] + ([a + b for a, b in zip(o[6], inner)],)
    pR = exp(s)
    i = _shoot(eq, Rm, pR, lam * pR, rmm, N, tol, quad=True, monotone=True)
    area = float(_sphere(eq.d)) if flt else _g(_sphere(eq.d))
    # inward integrals run with negative steps: they come out negative
    Tg = (o[6][0] - i[6][0]) * area
    V = (o[6][1] - i[6][1]) * area
    I2 = (o[6][2] - i[6][2]) * area
    rms = (((o[6][3] - i[6][3]) * area) / I2) ** 0.5 if flt else gmpy2.sqrt((o[6][3] - i[6][3]) * area / I2)
    T = Tg / 2
    # beyond R: psi ~ psi(R) exp(-a (r^2 - R^2)): int_R^inf r^(d-1) psi^2 ~ psi(R)^2 R^(d-2)/(4a)
    a = float(eq.a)
    tail = float(pR) ** 2 * R ** (eq.d - 2) / (4 * a) * float(area)
    S = T + V
    derrick = 2 * T / eq.d
    virial = (S - derrick) / (abs(derrick) if derrick != 0 else 1)
    rnd = 2.0 ** (-prec + 12)
    err = abs(float(virial)) + tail * (1 + R * R) / max(abs(float(I2)), 1e-300) + rnd + newton_size ** 2
    return GaussianSoliton(phi0=x, T=T, V=V, I2=I2, action=S, virial=virial, error=err,
                           r_match=float(rm), R=float(R), dps=dps, rms=rms,
                           start=(float(x), float(rm), float(R), float(s), float(eps), math.inf))
