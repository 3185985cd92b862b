r"""Single-field Q-balls from bounces: Q(omega), E(omega), M_Q(Q), radii, branches.

Numeric layer (mpmath/numpy only).  It receives the potential as an
:class:`~qsym.bridge.OmegaFamily` (``family.at(omega)`` is the numeric
``U_omega``) and the window ``(omega_min, omega_max)`` from
:mod:`qsym.window`.

For each omega the bounce of ``U_omega`` in d = 3 gives (paper eqs (7)-(8))

.. math::  S_\omega = \int[\tfrac12\phi'^2 + U_\omega],\quad
           Q = \omega q^2 \int \phi^2 d^3x = -\frac{dS_\omega}{d\omega},\quad
           E = S_\omega + \omega Q ,

and dE/dQ = omega holds identically (checked in the tests).  Given Q, the
solver scans Q(omega) over the window in double precision, brackets every
crossing (every branch) and refines each with a bracketing root finder at the
requested precision.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import mpmath

from .bounce.single import solve_bounce, solve_bounce_double
from .errors import ConvergenceError, InputError, NoSolutionError

__all__ = ["QBall", "qball_at_omega", "charge_curve", "solve_charge", "solve_charge_with", "SCAN_POINTS"]

#: points of the double-precision scan of Q(omega) used to bracket the branches
SCAN_POINTS = 48
#: extra digits for the bounces inside the root finder
GUARD = 6


@dataclass(frozen=True)
class QBall:
    """One Q-ball: omega, charge, mass E, radii, error estimate, stability flags.

    ``radius`` is the paper's ``(m^2 - q^2 omega^2)^(-1/2)`` (eq (15)); ``rms_radius``
    is ``sqrt(int r^2 phi^2 / int phi^2)`` of the profile.  ``error`` bounds the
    relative error of ``mass`` and ``charge``.
    """

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

    def rms_radius(self, dps: int = 15):
        """rms radius of the charge distribution (quadrature of the profile at ``dps``)."""
        b = self.bounce
        with mpmath.workdps(dps):
            def f2(r):  # charge density over omega (unit charges for several fields)
                v = b.profile(r)
                return mpmath.fsum(x**2 for x in v) if isinstance(v, (tuple, list)) else v**2
            R = mpmath.mpf(b.R_match) * 2
            num = mpmath.quad(lambda r: r**4 * f2(r), [0, R / 4, R / 2, R, mpmath.inf])
            den = mpmath.quad(lambda r: r**2 * f2(r), [0, R / 4, R / 2, R, mpmath.inf])
            return mpmath.sqrt(num / den)


#: digits of the mpmath fallback when the double path cannot certify its result
FALLBACK_DPS = 18


def _bounce(num, dps):
    if dps is not None:
        return solve_bounce(num, dim=3, dps=dps)
    try:
        return solve_bounce_double(num, dim=3)
    except ConvergenceError:  # e.g. near the thick-wall end: same answer from the mp path
        return solve_bounce(num, dim=3, dps=FALLBACK_DPS)


def qball_at_omega(family, omega, dps: int | None = 30) -> QBall:
    """The Q-ball of frequency ``omega`` (``dps=None``: double precision)."""
    ctx_dps = dps if dps is not None else 15
    with mpmath.workdps(ctx_dps + GUARD):
        w = mpmath.mpf(omega) if dps is not None else float(omega)
        b = _bounce(family.at(w), dps)
        q2 = mpmath.mpf(family.charge2.numerator) / family.charge2.denominator
        I2 = b.charge_integral if dps is not None else float(b.charge_integral)
        S = b.action
        Q = w * q2 * I2
        E = S + w * Q
        m2 = mpmath.mpf(family.mass2.p) / family.mass2.q
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


def _scan_grid(wmin: float, wmax: float, n: int) -> list:
    """Points clustered towards both ends of the window (Chebyshev-like)."""
    return [wmin + (wmax - wmin) * (1 - math.cos(math.pi * (k + 0.5) / n)) / 2 for k in range(n)]


#: relative accuracy of the double-precision bracketing refinement of omega
DOUBLE_OMEGA_RTOL = 1e-12
#: cap on root-finding iterations (double and multiprecision)
MAX_ROOT_ITER = 60


def _refine_double(evaluate, a: float, b: float, Qt: float) -> float:
    """Illinois (regula falsi) on Q(omega) - Qt in double precision inside [a, b]."""
    fa = float(evaluate(a, None).charge) - Qt
    fb = float(evaluate(b, None).charge) - Qt
    side = 0
    for _ in range(MAX_ROOT_ITER):
        if fa == 0:
            return a
        if fb == 0 or abs(b - a) <= DOUBLE_OMEGA_RTOL * abs(b):
            return b
        c = (a * fb - b * fa) / (fb - fa)
        fc = float(evaluate(c, None).charge) - Qt
        if fc * fb < 0:
            a, fa = b, fb
            if side == -1:
                fa /= 2
            side = -1
        else:
            if side == 1:
                fa /= 2
            side = 1
        b, fb = c, fc
    return b


def _secant(evaluate, w0: float, Qt, dps: int, tol):
    """Secant iteration on Q(omega) = Qt at ``dps + GUARD`` digits from the double-precision root.

    Returns ``(omega, QBall, dQ/domega)``; raises ConvergenceError after
    MAX_ROOT_ITER steps.  Converges superlinearly from ~1e-13, so a handful of
    bounces suffice.
    """
    with mpmath.workdps(dps + GUARD):
        w_prev = mpmath.mpf(w0) * (1 + mpmath.mpf(10) ** -9)
        q_prev = evaluate(w_prev, dps + GUARD)
        w = mpmath.mpf(w0)
        for _ in range(MAX_ROOT_ITER):
            qb = evaluate(w, dps + GUARD)
            slope = (qb.charge - q_prev.charge) / (w - w_prev)
            step = (qb.charge - Qt) / slope
            if abs(step) <= tol * abs(w):
                return w, qb, slope
            w_prev, q_prev = w, qb
            w = w - step
        raise ConvergenceError(f"omega did not converge in {MAX_ROOT_ITER} secant steps "
                               f"(last step {mpmath.nstr(step, 3)}); try a larger dps")


def solve_charge(family, Q, window, dps: int = 20, scan_points: int = SCAN_POINTS) -> list:
    """All Q-balls of charge Q (one per branch) of a one-field family, lowest mass first.

    ``window = (omega_min, omega_max)``.  Raises InputError for Q <= 0 and
    NoSolutionError when no branch of Q(omega) reaches Q (the message gives
    the range of Q that the scan found).
    """
    q2 = mpmath.mpf(family.charge2.numerator) / family.charge2.denominator
    with mpmath.workdps(dps + GUARD):
        m = mpmath.sqrt(mpmath.mpf(family.mass2.p) / family.mass2.q / q2)
    return solve_charge_with(lambda w, d: qball_at_omega(family, w, d), m, Q, window, dps, scan_points)


def solve_charge_with(evaluate, m_per_charge, Q, window, dps: int = 20,
                      scan_points: int = SCAN_POINTS) -> list:
    """:func:`solve_charge` for any ``evaluate(omega, dps) -> QBall`` (e.g. several fields).

    ``m_per_charge`` is the lightest charged mass per unit charge (absolute
    stability is ``M_Q < Q m_per_charge``).
    """
    with mpmath.workdps(dps + GUARD):
        Qt = mpmath.mpf(Q)
        if not (Qt > 0) or not mpmath.isfinite(Qt):
            raise InputError(f"the charge must be a positive finite number, got {Q}")
        wmin, wmax = (float(x) for x in window)
        pts = []
        for w in _scan_grid(wmin, wmax, scan_points):
            try:
                qb = evaluate(w, None)
            except (ConvergenceError, NoSolutionError):
                continue  # e.g. a wall too thin to resolve at the very end of the window
            pts.append((w, float(qb.charge)))
        if len(pts) < 2:
            raise ConvergenceError("could not solve bounces across the omega window; try a larger dps")
        brackets = [(a, b) for (a, qa), (b, qb) in zip(pts, pts[1:]) if (qa - float(Qt)) * (qb - float(Qt)) <= 0]
        if not brackets:
            qs = [q for _, q in pts]
            raise NoSolutionError(f"no Q-ball of charge {mpmath.nstr(Qt, 8)}: the scanned branches span "
                                  f"Q in [{min(qs):.6g}, {max(qs):.6g}]")
        tol = mpmath.mpf(10) ** (-(dps + 2))
        sols = []
        for a, b in brackets:
            w0 = _refine_double(evaluate, a, b, float(Qt))
            w, qb, dQ = _secant(evaluate, w0, Qt, dps, tol)
            resid = abs(qb.charge - Qt) / Qt
            err = max(mpmath.mpf(qb.error), resid, tol)
            classical = bool(dQ < 0)
            absolute = bool(qb.mass < Qt * m_per_charge)
            sols.append(QBall(qb.omega, Qt, qb.mass, qb.action, qb.radius, qb.phi0, err, dps,
                              dQ, classical, absolute, qb.bounce))
        return sorted(sols, key=lambda s: s.mass)
