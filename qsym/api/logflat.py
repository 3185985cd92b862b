r"""Q-balls of potentials with a logarithm at the origin (the gravity-mediated flat direction).

For ``U = P(phi) + kappa phi^2 log phi^2`` with ``kappa < 0`` (:mod:`qsym.symbolic.logorigin`;
the catalogue's ``gravity``: ``m^2 phi^2/2 (1 + K log(phi^2/(2 M^2)))`` plus a lifting term) the
curvature at the origin is infinite: ``mu^2 = 2U/(q^2 phi^2) -> +infinity`` as ``phi -> 0``, so the
window is ``omega_min < omega < infinity`` and the Q-balls have Gaussian tails.  Each Q-ball is
the matched solution of :mod:`qsym.numeric.bounce1d.gaussian` for ``U_omega = U - omega^2 q^2
phi^2/2``, and

.. math:: Q = \omega q^2 \int \phi^2 d^Dx, \qquad E = S_\omega + \omega Q, \qquad
          \frac{dE}{dQ} = \omega .

Quanta: ``U'' -> infinity`` at the origin (no mass gap), so no Q-ball can decay into free
quanta of this potential.  The literature compares with the mass at the field scale instead;
qsym's reference mass is ``m_ref^2 = 2 p_2`` (``p_2`` the ``phi^2`` coefficient of the polynomial
part: the value of mu^2 where ``log phi^2 = 0`` for a quadratic P; for the catalogue model
``m_ref^2 = m^2 (1 - K log(2 M^2))``, equal to ``m^2`` at ``M^2 = 1/2``), and ``binding = Q
m_ref/|q| - M_Q``.  ``R_Q`` is the half-maximum radius of the profile (there is no
``(m^2 - omega^2)^(-1/2)``).
"""

from __future__ import annotations

import math

import mpmath
import sympy as sp

from qsym.bridge import check_dps, evaluate
from qsym.errors import ConvergenceError, InputError, NoQBallError, NoSolutionError, OutsideWindowError
from qsym.numeric.bounce1d.gaussian import solve_gaussian
from qsym.numeric.qball.result import GUARD, QBall

__all__ = ["LogFamily", "log_family", "qball_log", "qball_log_omega"]

#: the float search for omega at given Q: first offset from omega_min (units of omega_min or 1)
FIRST_OFFSET = 0.05
#: marching factor of the offset and its bounds (relative to the first offset)
MARCH = 2.0
MAX_MARCH = 40
#: the thin-wall march stops below this fraction of the first offset (Q ~ 1e24 for the catalogue
#: model; omega - omega_min is then ~1e-8 omega, near the resolution of the float search)
MIN_OFFSET = 1e-7
#: largest factor of one predicted step of the offset towards omega_min
MAX_JUMP = 1e4
#: points of the monotonicity check between the marching ends
CHECK_POINTS = 8
#: secant iterations of the high-precision omega
MAX_SECANT = 8
#: a solution at omega' starts the solve at omega (no bisection) when |omega - omega'| is below
#: this fraction of the distance to omega_min (a node or a non-monotone answer falls back)
CONTINUATION = 0.3


class LogFamily:
    """The Q-balls of one log-origin potential, labelled by omega."""

    def __init__(self, P):
        from qsym.api.window import window_numeric
        split = P.log_origin
        if split is None:
            raise InputError("U has no phi^2 log phi^2 term at the origin")
        self.P = P
        self.poly = list(split["poly"]) + [sp.Integer(0)] * max(0, 3 - len(split["poly"]))
        self.kappa = split["kappa"]
        q = P.charges[0]
        self.q2 = q**2
        self.q = abs(q)
        self.window = window_numeric(P, 20)
        p2 = self.poly[2]
        self.m_ref = sp.sqrt(2 * p2) / self.q if p2.is_positive else None
        self.omega_min = float(self.window["omega_min"])
        self._starts: dict = {}     # dim -> [(omega, start)] of the last two solutions: continuation

    def coefficients(self, omega):
        """``p_j`` of ``U_omega`` as callables ``prec -> mpf`` (``omega`` float or mpf)."""
        out = []
        for j, c in enumerate(self.poly):
            def make(c=c, j=j):
                def f(prec):
                    dps = int(prec / 3.32) + 5
                    with mpmath.workdps(dps):
                        v = evaluate(c, dps) if c != 0 else mpmath.mpf(0)
                        if j == 2:
                            v -= mpmath.mpf(omega) ** 2 * evaluate(self.q2, dps) / 2
                        return v
                return f
            out.append(make())
        return out

    def _predict(self, dim, w, kap):
        """A start for omega from the last solutions (continuation), or None: the linear
        extrapolation of log psi(0) and log psi(R) in omega from the last two when both are near,
        else the gausson's scaling from the last one (``U_omega(lam psi) = lam^2 U_omega'(psi)``
        for quadratic P with ``log lam = (omega'^2 - omega^2) q^2/(4 kappa)``)."""
        near = [(w0, st) for k, (w0, st) in enumerate(self._starts.get(dim, []))
                if abs(w - w0) <= CONTINUATION * (k + 1) * (min(w, w0) - self.omega_min)]
        if not near or near[0][0] != self._starts[dim][0][0]:
            return None
        w0, (x0, rm, R, s0, eps, growth) = near[0]
        if len(near) == 2 and near[1][0] != w0:
            w1, (x1, _, _, s1, _, _) = near[1]
            t = (w - w0) / (w0 - w1)
            return (x0 * math.exp(t * math.log(x0 / x1)), rm, R, s0 + t * (s0 - s1), eps, growth)
        loglam = (w * w - w0 * w0) * float(self.q2) / (4 * kap)
        return (x0 * math.exp(loglam), rm, R, s0 + loglam, eps, growth)

    def at(self, omega, dps: int | None = 20, dim: int = 3) -> QBall:
        r"""The Q-ball of frequency ``omega`` (``dps=None``: double precision).

        .. math:: Q = \omega q^2 \int\phi^2 d^Dx, \qquad E = S_\omega + \omega Q
        """
        w = float(omega)
        if not w > self.omega_min:
            raise OutsideWindowError(f"omega = {w:.10g} is not above omega_min = {self.omega_min:.10g}: "
                                     "U_omega >= 0, no Q-ball")
        kap = float(self.kappa)
        start = self._predict(dim, w, kap)
        with mpmath.workdps((dps or 15) + GUARD):
            # (kappa exact to the working digits even for doubles: a thin wall's double path runs its
            # Newton at the bits the core needs, where a float kappa would be an input error)
            sol = solve_gaussian(self.coefficients(omega), evaluate(self.kappa, (dps or 15) + 20),
                                 dim, dps=dps, start=start)
            self._starts[dim] = ([(w, sol.start)] + self._starts.get(dim, [])[:1])
            wq = w if dps is None else mpmath.mpf(omega)
            q2 = float(self.q2) if dps is None else evaluate(self.q2, dps + GUARD)
            Q = wq * q2 * sol.I2
            E = sol.action + wq * Q
            binding = None
            if self.m_ref is not None:
                mr = float(self.m_ref) if dps is None else evaluate(self.m_ref, dps + GUARD)
                binding = Q * mr - E
            rms = sol.rms
            return QBall(wq, Q, E, sol.action, sol.r_match, sol.phi0, sol.error, dps, binding=binding,
                         rms_function=lambda _dps: rms, stats={"R": sol.R, "virial": float(sol.virial)})


def log_family(P) -> LogFamily:
    """The :class:`LogFamily` of ``P`` (InputError when U has no log term at the origin).

    .. math:: U = P(\\phi) + \\kappa\\phi^2\\log\\phi^2
    """
    return LogFamily(P)


def qball_log_omega(P, omega, dps: int = 20, dim: int = 3) -> QBall:
    r"""The Q-ball of frequency ``omega`` of a log-origin potential.

    .. math:: E = S_\omega + \omega Q

    >>> import qsym
    >>> P = qsym.model_potential("gravity")
    >>> qb = qball_log_omega(P, "1.1", dps=15)
    >>> qb.error < 1e-14
    True
    """
    dps = check_dps(dps)
    w = _omega_value(omega, dps)
    return LogFamily(P).at(w, dps, dim)


def _omega_value(omega, dps):
    from qsym.symbolic.potential import parse_value
    v = parse_value(omega, "omega")
    if not v.is_real or not v.is_finite:
        raise InputError(f"omega must be a finite real number, got {omega!r}")
    with mpmath.workdps(dps + 10):
        return evaluate(v, dps + 10)


def _float_q(fam, w, dim, cache):
    if w not in cache:
        cache[w] = fam.at(w, None, dim)
    return cache[w]


def _brackets(fam, Qt, dim, cache):
    """omega intervals (floats) on which log Q - log Qt changes sign."""
    base = max(fam.omega_min, 1.0) * FIRST_OFFSET
    w0 = fam.omega_min
    lg = math.log(float(Qt))

    def g(w):
        return math.log(float(_float_q(fam, w, dim, cache).charge)) - lg

    hi = base
    for _ in range(MAX_MARCH):                      # up: Q -> 0 as omega -> infinity
        try:
            if g(w0 + hi) < 0:
                break
        except NoSolutionError:                     # the profile left the landscape's field range
            raise ConvergenceError(f"the charge {Qt} is below the engine's reach: Q(omega) -> 0 as omega -> "
                                   f"infinity, and at omega = {w0 + hi:.6g} the Q-ball's field is below "
                                   "its landscape range") from None
        hi *= MARCH
    else:
        raise ConvergenceError("the charge does not fall below Q at large omega")
    lo = good = base
    last = None                                     # (log offset, g) of the previous good point
    for _ in range(MAX_MARCH):                      # down: Q grows towards omega_min (thin wall)
        if lo < MIN_OFFSET * base:
            raise ConvergenceError(f"the charge {Qt} lies deeper in the thin-wall regime than the engine "
                                   f"reaches (omega - omega_min < {lo:.3g}: omega itself is resolved only "
                                   "to ~1e-16 relative)")
        try:
            gl = g(w0 + lo)
            if gl > 0:
                break
            step = MARCH
            if last is not None and gl != last[1]:
                # thin wall: log Q is nearly linear in log(omega - omega_min) (Q ~ offset^-3 in
                # D = 3): aim a quarter beyond the predicted crossing instead of halving
                slope = (gl - last[1]) / (math.log(lo) - last[0])
                if slope < 0:
                    step = max(MARCH, min(math.exp(1.25 * gl / slope), MAX_JUMP))
            last = (math.log(lo), gl)
            good = lo
            lo /= step
        except ConvergenceError as exc:             # too thin a wall: step back towards the last good
            if lo > good / (1 + 1e-3):
                raise ConvergenceError(f"the charge {Qt} lies deeper in the thin-wall regime than the "
                                       f"engine reaches (omega - omega_min < {good:.3g}: {exc})") from None
            lo = math.sqrt(lo * good)
    else:
        raise ConvergenceError(f"the charge stays below {Qt} down to omega_min + {lo:.3g}: not decided "
                               "(Q(omega) may be bounded near omega_min)")
    ts = [math.log(lo) + (math.log(hi) - math.log(lo)) * k / (CHECK_POINTS + 1) for k in range(CHECK_POINTS + 2)]
    ws = [w0 + math.exp(t) for t in ts]
    gs = [g(w) for w in ws]
    return [(ws[k], ws[k + 1], gs[k], gs[k + 1]) for k in range(len(ws) - 1) if gs[k] * gs[k + 1] <= 0]


def _illinois(f, a, b, fa, fb, tol):
    side = 0
    for _ in range(100):
        c = (a * fb - b * fa) / (fb - fa) if fb != fa else 0.5 * (a + b)
        fc = f(c)
        if fc == 0 or abs(b - a) < tol * abs(c):
            return c
        if fc * fb < 0:
            a, fa = b, fb
            if side == -1:
                fb /= 2
            side = -1
        else:
            if side == 1:
                fa /= 2
            side = 1
        b, fb = c, fc
    return b


def _refine(fam, Qt, wf, dps, dim):
    """Secant in omega at ``dps`` digits from the double-precision root ``wf``; returns the Q-ball
    with ``mass`` corrected to the exact charge by ``dE/dQ = omega``, and ``dQ/domega``."""
    with mpmath.workdps(dps + GUARD):
        Qm = mpmath.mpf(Qt)
        w0, w1 = mpmath.mpf(wf), mpmath.mpf(wf) * (1 + mpmath.mpf(10) ** -8)
        b0, b1 = fam.at(w0, dps, dim), fam.at(w1, dps, dim)
        slope = None
        for _ in range(MAX_SECANT):
            g0, g1 = mpmath.log(b0.charge / Qm), mpmath.log(b1.charge / Qm)
            if g1 == g0:
                break
            slope = (g1 - g0) / (w1 - w0)
            if g1**2 <= mpmath.mpf(10) ** -(dps + GUARD):
                # the mass at the exact charge follows from dE/dQ = omega to second order in the
                # residual (entered in the error below): no further solve
                break
            w2 = w1 - g1 / slope
            w0, b0 = w1, b1
            w1, b1 = w2, fam.at(w2, dps, dim)
            if abs(w1 - w0) < mpmath.mpf(10) ** -(dps + 3) * abs(w1):
                break
        dq = b1.charge * slope if slope is not None else None
        mass = b1.mass + b1.omega * (Qm - b1.charge)
        err = mpmath.mpf(b1.error) + abs((Qm - b1.charge) / Qm) ** 2
        binding = None
        if fam.m_ref is not None:
            binding = Qm * evaluate(fam.m_ref, dps + GUARD) - mass
        return QBall(b1.omega, Qm, mass, b1.action, b1.radius, b1.phi0, err, dps, dQ_domega=dq,
                     classically_stable=bool(dq < 0) if dq is not None else None,
                     absolutely_stable=True, binding=binding, rms_function=b1.rms_function,
                     stats=dict(b1.stats))


def qball_log(P, Q, dps: int = 20, dim: int = 3):
    r"""Every Q-ball of charge ``Q`` of a log-origin potential (the :class:`ChargeResult` of
    :func:`qsym.qball`).

    .. math:: \frac{dE}{dQ} = \omega, \qquad Q(\omega) \to 0 \ (\omega \to \infty)

    >>> import qsym
    >>> r = qball_log(qsym.model_potential("gravity"), 100, dps=15)
    >>> len(r.solutions) >= 1 and r.error < 1e-14
    True
    """
    from qsym.api.solve import _answer
    from qsym.symbolic.potential import parse_value
    dps = check_dps(dps)
    Qr = parse_value(Q, "the charge")
    if not Qr.is_Rational or not Qr > 0:
        raise InputError(f"the charge must be a positive rational number, got {Q!r}")
    if isinstance(dim, bool) or not isinstance(dim, int) or not 2 <= dim <= 10:
        raise InputError(f"dim must be an integer in [2, 10] for a log-origin potential, got {dim!r}")
    fam = LogFamily(P)
    Qt = float(Qr)
    cache: dict = {}
    sols = []
    lg = math.log(Qt)
    for a, b, ga, gb in _brackets(fam, Qt, dim, cache):
        wf = _illinois(lambda w: math.log(float(_float_q(fam, w, dim, cache).charge)) - lg, a, b, ga, gb, 1e-13)
        sols.append(_refine(fam, Qr, wf, dps, dim))
    if not sols:
        raise NoQBallError(f"no Q-ball of charge {Qr} on the scanned window")
    sols.sort(key=lambda s: s.mass)
    from qsym.api.solve import thin_wall_estimate
    reason = {"valid": False, "reason": "U has no Taylor series at the origin (phi^2 log phi^2): the "
                                        "thick-wall expansion of sec. 3 assumes a mass gap"}
    thin = thin_wall_estimate(P, Qr, dps) if dim == 3 else {
        "valid": False, "reason": f"the formulas of secs. 2-3 are for D = 3 (this is D = {dim})"}
    notes = list(fam.window.get("notes", ())) + [
        "quanta: U'' -> infinity at phi = 0 (no mass gap), no Q-ball decays into free quanta; binding "
        "energies use m_ref^2 = 2 p_2" + (f" = {fam.m_ref**2}" if fam.m_ref is not None else " (undefined)")]
    return _answer(Qr, sols, dps, window=fam.window, thin_wall=thin, thick_wall=dict(reason),
                   notes=notes, family=fam)
