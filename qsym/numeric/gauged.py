r"""Numeric gauged Q-balls (mpmath/numpy only): shooting for the equations of :mod:`qsym.symbolic.gauged`.

Conventions of :mod:`qsym.symbolic.gauged` (``1/2|D Phi|^2``, ``D = d - i e q A``, ``-F^2/4``,
Heaviside-Lorentz).  With ``g = omega - e A_0`` the radial system is

    phi'' + 2 phi'/r = U'(phi) - q^2 g^2 phi,   g'' + 2 g'/r = e^2 q^2 g phi^2,

regular at r = 0 (``phi'(0) = g'(0) = 0``).  The family is parametrised by ``g0 = g(0)``
(at e = 0, ``g = omega``): for each g0 one shooting parameter ``phi0 = phi(0)`` is fixed
by decay, and ``omega = g(inf) = g(R) + R g'(R)`` (outside the charge g is Coulombic,
``g = omega - e^2 Q/(4 pi r)``).  Integrated alongside: ``Q(r) = int q^2 g phi^2``,
``G(r) = int (phi'^2/2 + U)``, ``K(r) = int q^2 g^2 phi^2`` and ``int r^2 rho``; the
energy is ``E = G + omega Q/2`` (derived identity, :func:`qsym.symbolic.gauged.energy_identity`)
and the electric field energy ``(omega Q - K)/2``.

Integrator: a Taylor-series method with exact recurrences (polynomial U), in floats for
the bisection (overshoot / undershoot) and in mpf at ``dps + GUARD`` for the secant on the
matching condition ``phi'(R) + (kappa(R) + 1/R) phi(R) = 0``, ``kappa = sqrt(m^2 - q^2 g^2)``,
at the radius R where ``phi(R)/phi0 ~ 10^-(dps+GUARD)/2``; the neglected tail is then
``O(10^-(dps+GUARD))`` relative and the leading tail integrals are added.  ``error`` is the
size of the tail plus the secant's last correction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from operator import mul

import mpmath
import numpy as np

from qsym.errors import ConvergenceError, NoQBallError, NoSolutionError
from qsym.results import CONVERGED, Result, latex_pm

__all__ = ["GaugedQBall", "solve_g0", "float_point", "GUARD"]

GUARD = 8
MAX_STEPS = 4000


@dataclass(frozen=True)
class GaugedQBall(Result):
    r"""One gauged Q-ball: central values, omega, charge, energy, electric field energy, radius, error.

    ``error`` bounds the relative error of ``charge`` and ``energy``:

    .. math:: E = \int d^3x\,[\tfrac12 \phi'^2 + \tfrac12 g^2\phi^2 + U + \tfrac12 g'^2/e^2]
    """

    VALUES = ("g0", "phi0", "omega", "charge", "energy", "field_energy", "radius")

    g0: object
    phi0: object
    omega: object
    charge: object
    energy: object
    field_energy: object
    radius: object
    error: object
    dps: int
    R_match: object = None
    status: str = CONVERGED
    stats: dict = field(default_factory=dict)

    def latex_rows_spec(self) -> list:
        return [(r"\omega", latex_pm(self.omega, dps=self.dps)),
                ("Q", latex_pm(self.charge, self.error, dps=self.dps)),
                ("E", latex_pm(self.energy, self.error, dps=self.dps)),
                (r"E_{\mathrm{field}}", latex_pm(self.field_energy, self.error, dps=self.dps))]


def _next_coefficients(a: list, b: list, F: list, H: list, k: int, r0) -> None:
    r"""One step of the Taylor recurrence, in place: ``a[k+2]``, ``b[k+2]`` of phi and g from ``F_k = U'(phi) -
    q^2 g^2 phi`` and ``H_k = e^2 q^2 g phi^2`` (the radial Laplacian in 3D, at the origin or at ``r0 > 0``).

    .. math:: a_{k+2} = \frac{r_0 F_k + F_{k-1} - (k+1)(k+2) a_{k+1}}{r_0 (k+2)(k+1)}
    """
    if r0 == 0:
        a[k + 2] = F[k] / ((k + 2) * (k + 3))
        b[k + 2] = H[k] / ((k + 2) * (k + 3))
    else:
        Fm = F[k - 1] if k else 0 * F[k]
        Hm = H[k - 1] if k else 0 * H[k]
        a[k + 2] = (r0 * F[k] + Fm - (k + 1) * (k + 2) * a[k + 1]) / (r0 * (k + 2) * (k + 1))
        b[k + 2] = (r0 * H[k] + Hm - (k + 1) * (k + 2) * b[k + 1]) / (r0 * (k + 2) * (k + 1))


def _series(r0, st, N, c, q2, e2, fsum):
    """Taylor coefficients (in t = r - r0) of phi, g and of the integrands of Q, G, K, M2."""
    p0, dp0, g0, dg0 = st
    a = [p0, dp0] + [0] * (N - 1)
    b = [g0, dg0] + [0] * (N - 1)
    deg = len(c) - 1
    P = [[0] * (N + 1) for _ in range(deg + 1)]   # powers phi^j
    gphi = [0] * (N + 1)
    g2phi = [0] * (N + 1)
    gphi2 = [0] * (N + 1)
    F = [0] * (N + 1)
    H = [0] * (N + 1)
    one = p0 * 0 + 1
    for k in range(N + 1):
        P[0][k] = one if k == 0 else 0 * one
        for j in range(1, deg + 1):
            P[j][k] = fsum(P[j - 1][i] * a[k - i] for i in range(k + 1))
        gphi[k] = fsum(b[i] * a[k - i] for i in range(k + 1))
        g2phi[k] = fsum(b[i] * gphi[k - i] for i in range(k + 1))
        gphi2[k] = fsum(gphi[i] * a[k - i] for i in range(k + 1))
        F[k] = fsum(j * c[j] * P[j - 1][k] for j in range(1, deg + 1)) - q2 * g2phi[k]
        H[k] = e2 * q2 * gphi2[k]
        if k + 2 <= N:
            _next_coefficients(a, b, F, H, k, r0)
    da = [(k + 1) * a[k + 1] for k in range(N)] + [0]
    dphi2 = [fsum(da[i] * da[k - i] for i in range(k + 1)) for k in range(N + 1)]
    Useries = [fsum(c[j] * P[j][k] for j in range(deg + 1)) for k in range(N + 1)]
    r2 = [r0 * r0, 2 * r0, 1]

    def times_r2(s, m=2):
        out = []
        for k in range(N + 1):
            out.append(fsum(rr * s[k - i] for i, rr in enumerate(r2) if k - i >= 0))
        return out
    dens_G = [dphi2[k] / 2 + Useries[k] for k in range(N + 1)]
    rho = [q2 * gphi2[k] for k in range(N + 1)]
    dQ = times_r2(rho)
    dG = times_r2(dens_G)
    dK = times_r2([q2 * fsum(b[i] * gphi2[k - i] for i in range(k + 1)) for k in range(N + 1)])
    dM = times_r2(times_r2(rho))
    return a, b, [dQ, dG, dK, dM]


def _horner(s, t):
    v = 0
    for x in reversed(s):
        v = v * t + x
    return v


def _integrate(s, t):
    v = 0
    for k in reversed(range(len(s))):
        v = v * t + s[k] / (k + 1)
    return v * t


def _dot(x, y_rev):
    """sum_i x[i] y_rev[i] (double precision, C loop)."""
    return sum(map(mul, x, y_rev))


def _series_float(r0, st, N, c, q2, e2, integrals: bool):
    """:func:`_series` in double precision with plain dot products (no exact summation), and without
    the integrand series when ``integrals`` is False (the under/overshoot classification runs)."""
    p0, dp0, g0, dg0 = st
    a = [p0, dp0] + [0.0] * (N - 1)
    b = [g0, dg0] + [0.0] * (N - 1)
    deg = len(c) - 1
    P = [[0.0] * (N + 1) for _ in range(deg + 1)]
    P[0][0] = 1.0
    gphi, g2phi, gphi2 = [0.0] * (N + 1), [0.0] * (N + 1), [0.0] * (N + 1)
    F, H = [0.0] * (N + 1), [0.0] * (N + 1)
    dc = [j * c[j] for j in range(deg + 1)]
    for k in range(N + 1):
        ar = a[k::-1]
        for j in range(1, deg + 1):
            P[j][k] = _dot(P[j - 1], ar)
        gphi[k] = _dot(b, ar)
        g2phi[k] = _dot(b, gphi[k::-1])
        gphi2[k] = _dot(gphi, ar)
        F[k] = sum(dc[j] * P[j - 1][k] for j in range(1, deg + 1)) - q2 * g2phi[k]
        H[k] = e2 * q2 * gphi2[k]
        if k + 2 <= N:
            _next_coefficients(a, b, F, H, k, r0)
    if not integrals:
        return a, b, None
    da = [(k + 1) * a[k + 1] for k in range(N)] + [0.0]
    dphi2 = [_dot(da, da[k::-1]) for k in range(N + 1)]
    Useries = [sum(c[j] * P[j][k] for j in range(deg + 1)) for k in range(N + 1)]
    r2a, r2b = r0 * r0, 2 * r0

    def times_r2(s):
        return [r2a * s[k] + (r2b * s[k - 1] if k >= 1 else 0.0) + (s[k - 2] if k >= 2 else 0.0)
                for k in range(N + 1)]
    rho = [q2 * x for x in gphi2]
    dQ = times_r2(rho)
    dG = times_r2([dphi2[k] / 2 + Useries[k] for k in range(N + 1)])
    dK = times_r2([q2 * _dot(b, gphi2[k::-1]) for k in range(N + 1)])
    dM = times_r2(dQ)
    return a, b, [dQ, dG, dK, dM]


class _Problem:
    def __init__(self, coeffs, q2, e2, m2, mp: bool, dps: int):
        self.mp = mp
        self.dps = dps
        if mp:
            self.conv = lambda x: mpmath.mpf(x.numerator) / x.denominator if hasattr(x, "numerator") \
                else mpmath.mpf(x)
            self.fsum = mpmath.fsum
            self.N = max(12, int(1.15 * (dps + GUARD)))
            self.eps = mpmath.mpf(10) ** (-(dps + GUARD))
        else:
            self.conv = float
            self.fsum = math.fsum
            self.N = 18
            self.eps = 1e-15
        self.cap = None        # runaway when a rising profile exceeds 2 max(phi0, cap)
        self.c = [self.conv(x) for x in coeffs]
        self.q2, self.e2, self.m2 = self.conv(q2), self.conv(e2), self.conv(m2)

    def run(self, phi0, g0, R=None, stop_small=None):
        """Integrate from 0.  Returns (kind, r, state, integrals): kind 'over', 'under', 'R', 'small',
        'nodecay' or 'runaway'.

        A profile that starts above the top of -U_g rises first (phi' > 0): that is not an
        undershoot until phi has turned down once; it is a 'runaway' when phi exceeds twice its
        start (the growing g moves the top of -U_g outwards, which can overtake a slow rise).
        """
        st = [phi0, phi0 * 0, g0, g0 * 0]
        descended = False
        I = [phi0 * 0] * 4
        r = phi0 * 0
        scale = abs(phi0)
        gscale = abs(g0) + 1
        need = R is not None or stop_small is not None      # the integrals are read only then
        for _ in range(MAX_STEPS):
            if self.mp:
                a, b, d = _series(r, st, self.N, self.c, self.q2, self.e2, self.fsum)
            else:
                a, b, d = _series_float(r, st, self.N, self.c, self.q2, self.e2, need)
            N = self.N
            rho = None
            for s, sc in ((a, scale), (b, gscale)):
                for k in (N - 1, N):
                    if s[k]:
                        v = (sc / abs(s[k])) ** (1.0 / k) if not self.mp else (sc / abs(s[k])) ** (mpmath.mpf(1) / k)
                        rho = v if rho is None or v < rho else rho
            h = rho / 7.4 if rho is not None else 1.0
            if R is not None and r + h >= R:
                h = R - r
            # event detection inside the step: sample phi
            pn = _horner(a, h)
            dpn = _horner([(k + 1) * a[k + 1] for k in range(N)], h)
            if R is None and not descended and dpn > 0:
                if pn > 2 * max(scale, self.cap or 0):
                    return "runaway", r + h, None, None
            elif R is None and (pn < 0 or dpn > 0):
                # locate roughly: halve the step until the event is at its end
                for _ in range(30):
                    h2 = h / 2
                    p2 = _horner(a, h2)
                    dp2 = _horner([(k + 1) * a[k + 1] for k in range(N)], h2)
                    if p2 < 0 or dp2 > 0:
                        h, pn, dpn = h2, p2, dp2
                    else:
                        break
                return ("over" if pn < 0 else "under"), r + h, None, None
            gn = _horner(b, h)
            dgn = _horner([(k + 1) * b[k + 1] for k in range(N)], h)
            if d is not None:
                I = [I[i] + _integrate(d[i], h) for i in range(4)]
            r = r + h
            st = [pn, dpn, gn, dgn]
            descended = descended or dpn < 0
            if R is not None and r >= R:
                return "R", r, st, I
            if stop_small is not None and pn < stop_small * scale:
                return "small", r, st, I
            if self.q2 * gn * gn >= self.m2 and pn < scale * 1e-3:
                return "nodecay", r, st, I
        if R is None and stop_small is None:
            return "linger", r, st, I          # near an equilibrium of the moving -U_g: over-side
        raise ConvergenceError("gauged shooting: too many integration steps; try a smaller e or dps")


def _phi_top(coeffs, q2, g0):
    """Largest positive root of U'(phi) - q^2 g0^2 phi (the top of -U_g0), float."""
    c = [float(x) for x in coeffs]
    d = [j * c[j] for j in range(1, len(c))]      # U' coefficients, ascending
    d[1] = d[1] - float(q2) * g0 * g0 if len(d) > 1 else d
    roots = np.roots(d[::-1])
    pos = [z.real for z in roots if abs(z.imag) < 1e-12 and z.real > 1e-12]
    return float(max(pos)) if pos else None


def solve_g0(coeffs, q2, e2, m2, g0, dps: int = 20) -> GaugedQBall:
    r"""The gauged Q-ball with central frequency ``g0`` (coefficients of U exact rationals).

    Double-precision shooting brackets the centre value phi(0) and the radius where the
    profile has decayed; a secant at ``dps`` then matches the decaying tail at a finite
    radius R, :math:`\phi'(R) = -(\kappa + 1/R)\,\phi(R)` with :math:`\kappa^2 = m^2 - q^2 g(R)^2`.
    Raises :class:`NoQBallError` when no decaying profile exists at this g0.
    """
    fl = _Problem(coeffs, q2, e2, m2, mp=False, dps=15)
    g0f = float(g0)
    phi0f = _centre_value(fl, coeffs, q2, g0f)
    R = _matching_radius(fl, q2, m2, phi0f, g0f, dps)
    with mpmath.workdps(dps + GUARD):
        mp = _Problem(coeffs, q2, e2, m2, mp=True, dps=dps)
        g0m = mpmath.mpf(g0) if not hasattr(g0, "numerator") else mpmath.mpf(g0.numerator) / g0.denominator
        Rm = mpmath.mpf(R)
        x1, step, s, I = _secant_centre(mp, g0m, Rm, mpmath.mpf(phi0f), dps)
        return _assemble(mp, g0m, Rm, x1, step, s, I, dps)


def _hinted_centre(fl, g0f: float, hint: float):
    """(lo, hi) bracketing the under/overshoot boundary next to ``hint`` (a nearby g0's phi(0)), or None."""
    for w in (1e-7, 1e-5, 1e-3):
        lo, hi = hint * (1 - w), hint * (1 + w)
        if fl.run(lo, g0f)[0] == "under" and fl.run(hi, g0f)[0] in ("over", "linger"):
            return lo, hi
    return None


def _centre_value(fl, coeffs, q2, g0f: float, hint: float | None = None) -> float:
    """phi(0) in double precision: the undershoot/overshoot boundary just below the runaway threshold.

    Profiles starting high enough run away (phi grows without bound); just below that threshold
    they linger near the moving top of -U_g and overshoot; further down they undershoot.  The
    Q-ball is the highest under/overshoot boundary (which may lie above the top of -U_g0: the
    Coulomb field raises g, moving the top outwards).  Lower overshoot bands are profiles that
    linger in the valley of -U_g while g grows past m (not localised).
    """
    br = _hinted_centre(fl, g0f, hint) if hint else None
    if br is not None:
        return _bisect_centre(fl, g0f, *br)
    x_run, x_ok = _runaway_bracket(fl, coeffs, q2, g0f)
    kind = fl.run(x_ok, g0f)[0]
    if kind == "under":
        raise NoQBallError(f"no Q-ball at g(0) = {g0f:.6g}: no overshooting profile below the runaway "
                           "threshold (the Coulomb repulsion wins)")
    hi, lo = x_ok, None
    d = 1e-9 * x_ok
    while d < x_ok:
        x = x_ok - d
        k = fl.run(x, g0f)[0]
        if k == "under":
            lo = x
            break
        hi = x
        d = d * 2 if d < x_ok / 64 else d + x_ok / 64
    if lo is None:
        raise NoQBallError(f"no Q-ball at g(0) = {g0f:.6g}: no undershooting profile")
    return _bisect_centre(fl, g0f, lo, hi)


def _bisect_centre(fl, g0f: float, lo: float, hi: float) -> float:
    """Bisection of the under (lo) / overshoot (hi) boundary to double precision."""
    for _ in range(60):
        mid = (lo + hi) / 2
        if fl.run(mid, g0f)[0] == "under":
            lo = mid
        else:
            hi = mid
        if hi - lo < 4e-16 * hi:
            break
    return (lo + hi) / 2


def _runaway_bracket(fl, coeffs, q2, g0f: float):
    """(x_run, x_ok): phi(0) values just above / below the runaway threshold (relative 1e-7)."""
    top = _phi_top(coeffs, q2, g0f) or _phi_top(coeffs, q2, math.sqrt(float(fl.m2) / float(q2)))
    if top is None:
        raise NoQBallError(f"no Q-ball at g(0) = {g0f:.6g}: U_g has no positive stationary point")
    fl.cap = top
    x_ok = x_run = None
    x = top
    for _ in range(80):
        if fl.run(x, g0f)[0] == "runaway":
            x_run = x
            if x_ok is not None:
                break
            x /= 1.05
        else:
            x_ok = x
            if x_run is not None:
                break
            x *= 1.05
    if x_ok is None or x_run is None:
        raise NoQBallError(f"no Q-ball at g(0) = {g0f:.6g}: no runaway threshold found")
    while x_run - x_ok > 1e-7 * x_run:
        mid = (x_run + x_ok) / 2
        if fl.run(mid, g0f)[0] == "runaway":
            x_run = mid
        else:
            x_ok = mid
    return x_run, x_ok


def _matching_radius(fl, q2, m2, phi0f: float, g0f: float, dps: int) -> float:
    """The radius where the decaying tail is below 10^-(dps+GUARD)/2 of phi(0) (extrapolated from
    the float-trustworthy radius where phi/phi0 ~ 1e-7)."""
    k, r7, st, _ = fl.run(phi0f, g0f, stop_small=1e-7)
    if k != "small":
        raise NoQBallError(f"no Q-ball at g(0) = {g0f:.6g}: no decaying profile ({k})")
    gR = st[2] + r7 * st[3]
    kap2 = float(m2) - float(q2) * gR * gR
    if kap2 <= 0:
        raise NoQBallError(f"no Q-ball at g(0) = {g0f:.6g}: omega reaches the quantum mass")
    kap = math.sqrt(kap2)
    target = (dps + GUARD) / 2 * math.log(10)
    return r7 + max(0.0, (target - 7 * math.log(10)) / kap) + 1.0


def _secant_centre(mp, g0m, Rm, x0, dps: int):
    """Secant on phi(0) for the tail condition at ``Rm``; returns (phi0, last step, state, integrals)."""
    def mismatch(p):
        _, r, s, I = mp.run(p, g0m, R=Rm)
        k2 = mp.m2 - mp.q2 * s[2] ** 2
        if k2 <= 0:
            raise NoQBallError(f"no Q-ball at g(0) = {mpmath.nstr(g0m, 8)}: g reaches the quantum mass "
                               "inside the matching radius (omega >= m)")
        kp = mpmath.sqrt(k2)
        return s[1] + (kp + 1 / r) * s[0], s, I

    x1 = x0 * (1 + mpmath.mpf(10) ** -(dps + GUARD))
    f0, _, _ = mismatch(x0)
    f1, s, I = mismatch(x1)
    step = None
    for _ in range(30):
        if f1 == f0:
            break
        x2 = x1 - f1 * (x1 - x0) / (f1 - f0)
        step = abs(x2 - x1)
        x0, f0 = x1, f1
        x1 = x2
        f1, s, I = mismatch(x1)
        if step < mp.eps * abs(x1):
            break
    else:
        raise ConvergenceError("gauged shooting: the secant on phi(0) did not converge; try another dps")
    return x1, step, s, I


def _assemble(mp, g0m, Rm, x1, step, s, I, dps: int) -> GaugedQBall:
    """Charge, energy, field energy and radius from the interior integrals plus the analytic tail."""
    phiR, dphiR, gR, dgR = s
    Qr, Gr, Kr, Mr = I
    kp = mpmath.sqrt(mp.m2 - mp.q2 * gR**2)
    fourpi = 4 * mpmath.pi
    tail = fourpi * Rm**2 * phiR**2 / (2 * kp)
    Q = fourpi * Qr + mp.q2 * gR * tail
    G = fourpi * Gr + tail * (kp**2 + mp.m2) / 2
    K = fourpi * Kr + mp.q2 * gR**2 * tail
    M2 = fourpi * Mr + mp.q2 * gR * tail * Rm**2
    omega = gR + Rm * dgR
    E = G + omega * Q / 2
    Ef = (omega * Q - K) / 2
    rad = mpmath.sqrt(M2 / Q)
    err = max(abs(mp.q2 * gR * tail / Q) + abs(step or 0) / abs(x1), mpmath.mpf(10) ** -(dps + 2))
    return GaugedQBall(g0m, x1, omega, Q, E, Ef, rad, err, dps, Rm)


def float_point(coeffs, q2, e2, m2, g0, hint: float | None = None, info: dict | None = None) -> tuple:
    r"""A double-precision gauged Q-ball at central frequency ``g0``: ``(omega, Q, E)`` (relative error
    ~1e-6; the profile is cut where :math:`\phi/\phi_0 < 10^{-7}` and the tail added analytically).

    .. math:: Q = 4\pi\int_0^R r^2 q^2 g\phi^2\,dr + q^2 g(R)\,\frac{4\pi R^2\phi(R)^2}{2\kappa}

    ``hint``: phi(0) of a nearby g0 (brackets the centre value around it first); ``info``: a dict
    that receives ``phi0``.  Raises :class:`NoQBallError` when no decaying profile exists at this g0.

    >>> from fractions import Fraction as F
    >>> w, Q, E = float_point([0, 0, F(1, 2), -1, 1], 1, F(1, 25), 1, 0.85)
    >>> round(Q, 3), E < Q
    (21.634, True)
    """
    fl = _Problem(coeffs, q2, e2, m2, mp=False, dps=15)
    g0f = float(g0)
    phi0 = _centre_value(fl, coeffs, q2, g0f, hint)
    if info is not None:
        info["phi0"] = phi0
    k, R, s, I = fl.run(phi0, g0f, stop_small=1e-7)
    if k != "small":
        raise NoQBallError(f"no Q-ball at g(0) = {g0f:.6g}: no decaying profile ({k})")
    kap2 = fl.m2 - fl.q2 * s[2] ** 2
    if kap2 <= 0:
        raise NoQBallError(f"no Q-ball at g(0) = {g0f:.6g}: omega reaches the quantum mass")
    kap = math.sqrt(kap2)
    tail = 4 * math.pi * R * R * s[0] ** 2 / (2 * kap)
    Q = 4 * math.pi * I[0] + fl.q2 * s[2] * tail
    G = 4 * math.pi * I[1] + tail * (kap2 + fl.m2) / 2
    omega = s[2] + R * s[3]
    if fl.q2 * omega * omega >= fl.m2:
        raise NoQBallError(f"no Q-ball at g(0) = {g0f:.6g}: omega reaches the quantum mass")
    return omega, Q, G + omega * Q / 2
