r"""One shot of the radial bounce equation, its quadratures and the Newton correction.

A shot integrates

.. math::  \psi'' + \frac{d-1}{r}\psi' = \tilde U'(\psi), \qquad y'' + \frac{d-1}{r} y' = \tilde U''(\psi) y

from the centre with Taylor steps (:mod:`qsym.numeric.kernels.taylor`) until an
overshoot, an undershoot, the point where its predicted Newton deviation
becomes non-linear, or (``final``) where the neglected cubic tail is below the
tolerance.  With ``quad=True`` it also records the steps (the profile) and
integrates ``T``, ``V``, ``int psi^2`` and their x-derivatives exactly per step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mpmath
import numpy as np

from qsym.errors import ConvergenceError
from qsym.numeric.bounce1d.side import _Side
from qsym.numeric.kernels import taylor as tay
from qsym.numeric.kernels.taylor import Arith, Step

#: the tail counts as linear (auto-matching test on; bisection hands over to
#: Newton) once |psi| is below this (field in units of phi_e) times the side's
#: nonlinearity scale ``lin`` (1, or less when U departs from its quadratic form
#: well inside the escape point, e.g. a plateau): the neglected nonlinearity is
#: then a 1% effect, well inside Newton's basin
PSI_LINEAR = 1e-2
#: stop a Newton shot where the predicted deviation reaches this fraction of psi
DEVIATION_FRACTION = 0.5
#: a shot that records the profile (the last one) stops earlier, where the
#: predicted deviation is this fraction of psi, so the matched tail amplitude
#: (and the profile beyond R) is that accurate even at the rounding floor of x
DEVIATION_FRACTION_FINAL = 1e-2
#: largest tail step (units of 1/m) of the recorded shot
TAIL_STEP = 1.0
#: fraction of the working bits of the x-derivatives of T, V, int psi^2 (recorded shot;
#: they multiply a Newton correction below 10**(-0.87 target), solver.PREFINAL_FRACTION)
SENS_FRACTION = 0.25
#: safety cap on Taylor steps in one shot
MAX_STEPS = 200000


class _Overflow(ConvergenceError):
    """A shot left the representable range (huge field or vanishing step)."""


@dataclass
class _Shot:
    reason: str              # 'over', 'under', 'deviate', 'final'
    linear: bool             # reached |psi| < PSI_LINEAR before stopping
    R: object                # Arith number
    p: object
    dp: object
    y: object
    dy: object
    steps: int
    min_psi: float
    store: list | None = None
    quad: dict | None = None
    r_start: object = None
    shift: float = 0.0       # psi = p + shift at the end of the shot
    energy: float = 0.0      # psi'^2/2 - U at the event: > 0 overshoot, < 0 undershoot


def _shoot(side: _Side, x, tol_final_log2: float, quad: bool = False, newton: bool = True,
           newton_trust: float = math.inf):
    r"""One shot from the centre (or the thin-wall start) for the shooting parameter x.

    .. math::  \psi'' + \frac{d-1}{r}\psi' = \tilde U'(\psi), \qquad y'' + \frac{d-1}{r} y' = \tilde U''(\psi) y

    Taylor steps until an overshoot, an undershoot, a Newton step's deviation
    (``deviate``) or the neglected cubic tail below ``2**tol_final_log2``
    (``final``).  ``quad`` records the steps and the integrals of the step.

    >>> from qsym.numeric.bounce1d.problem import PolyPotential, _Problem
    >>> side = _Side(_Problem(PolyPotential([0, 0, 0.5, -1.0 / 3]), 3, None, None), 1, None)
    >>> _shoot(side, 2.0, -50, newton=False).reason, _shoot(side, 4.0, -50, newton=False).reason
    ('under', 'over')
    """
    A = side.A
    d = side.d
    N = A.order
    r0, p, dp, y, dy, r_start, shift = side.start(x)
    h = A.one if not r0 else A.from_float(1.0)
    store = [] if quad else None
    var = newton or quad
    beta = None  # bound on |psi - psi(r0)| over the next step (non-polynomial U)
    stop = _Stop(side, tol_final_log2, newton, newton_trust,
                 DEVIATION_FRACTION_FINAL if quad else DEVIATION_FRACTION)
    M_full, M_shifted = side.models_for(x)
    M = M_shifted if shift else M_full
    acc = [0] * 6  # T, V, int psi^2, dT/dx, dV/dx, d(int psi^2)/dx
    binom = [math.comb(d - 1, j) for j in range(d)]
    # work of one step: the Cauchy products of order N (big integers: ~N^2 limb
    # products of P bits; floats: interpreter overhead ~N^2 / 8)
    JP = min(len(M.poly) if M.poly is not None else N, N)
    step_work = N * JP * ((A.P or 64) // 64 + 1)
    steps = 0
    while True:
        steps += 1
        if steps > MAX_STEPS:
            raise ConvergenceError("bounce integration took too many steps; the potential may be "
                                   "too stiff for the Taylor integrator (try a smaller dps)")
        side.prob.charge(step_work)
        powers = {} if quad and A.fixed and M.poly is not None else None
        b, Y, c, F = tay.step_coeffs(M, p, dp, y, dy, r0, h, N, var=var, beta=beta, out=powers)
        sig, grow = _step_scale(A, b, h, shift, quad and stop.reached)
        if beta is not None or not side.prob.poly:
            beta, redo = _next_beta(A, b, sig, grow, beta)
            if redo:
                steps -= 1
                continue
        s = A.from_float(sig)
        pn, dv = tay.horner(A, b, s)
        yn = dyv = 0
        if var:
            yn, dyv = tay.horner(A, Y, s)
        if quad:
            store.append(Step(r0, h, s, b, shift, Y))
            bs = [b[0] + shift] + b[1:] if shift else b
            q = _step_integrals(A, d, binom, r0, h, s, bs, Y, c, F, N, powers, (pn, dv))
            acc = [a + v for a, v in zip(acc, q)]
        r0 = r0 + A.mul(h, s)
        p, dp = pn, A.div(dv, h)
        y, dy = yn, (A.div(dyv, h) if var else 0)
        h = A.mul(h, A.from_float(grow))
        if shift and A.to_float(p) + shift < 0.5 * shift:
            # out of the bubble: back to psi itself
            p = p + shift
            shift = 0.0
            M = M_full
        if stop.check(A, r0, p, dp, y, dy, h, shift):
            break
    qd = dict(zip(("T", "V", "Q", "dT", "dV", "dQ"), acc)) if quad else None
    return _Shot(stop.reason, stop.reached, r0, p, dp, y, dy, steps, stop.min_psi, store, qd,
                 r_start, shift, stop.energy)


def _step_scale(A: Arith, b: list, h, shift, tail_window: bool):
    """Step length ``sig`` (units of h) and growth factor of the next trial scale."""
    if shift:
        # floats near the true vacuum: chi is tiny and carries relative
        # precision, so the truncation tolerance is relative to it
        est = tay.radius_factor(A, b, min(0.0, math.log2(max(abs(b[0]), abs(b[1]), 1e-300))))
    else:
        est = tay.radius_factor(A, b)
    # fixed point: rounding noise 2**-P in b_k must not be amplified by
    # sigma**k, so evaluate inside the trial scale and grow the next one
    sig = min(est, 1.0 if A.fixed else tay._MAX_GROWTH)
    grow = min(est, tay._MAX_GROWTH)
    if tail_window and not A.fixed:
        # the recorded shot must stop inside the window where its deviation
        # is between DEVIATION_FRACTION_FINAL and 1 of psi: that deviation
        # grows like exp(2 r), so the tail steps are kept below TAIL_STEP/m
        hf = A.to_float(h)
        sig = min(sig, TAIL_STEP / hf)
        grow = min(grow, TAIL_STEP / hf)
    return sig, grow


def _next_beta(A: Arith, b: list, sig: float, grow: float, beta):
    """Bound on ``|Delta|`` over the step actually taken (non-polynomial U).

    Returns ``(beta, redo)``: if the truncated expansion of U assumed less than
    the step needs, the step is redone with the full expansion (``beta = None``).
    """
    if A.fixed:
        bsum = sum(abs(A.to_float(v)) * sig ** k for k, v in enumerate(b) if k)
    else:
        bsum = 0.0                      # sum_k |b_k| sig^k, k >= 1, by Horner
        for v in reversed(b[1:]):
            bsum = (bsum + abs(v)) * sig
    if beta is not None and bsum > beta:
        return None, True
    beta = 2 * bsum * max(1.0, grow / sig)
    return beta, False


class _Stop:
    """The stopping rules of a shot: overshoot, undershoot, final, deviate."""

    def __init__(self, side: _Side, tol_final_log2: float, newton: bool, newton_trust: float,
                 dev_fraction: float):
        self.side, self.tol = side, tol_final_log2
        self.newton, self.trust, self.dev_fraction = newton, newton_trust, dev_fraction
        self.reached = False
        self.min_psi = math.inf
        self.energy = 0.0
        self.reason = None

    def check(self, A: Arith, r0, p, dp, y, dy, h, shift) -> bool:
        """Update with the state at the end of a step; True when the shot stops."""
        side = self.side
        pf = A.to_float(p) + shift
        dpf = A.to_float(dp)
        rf = A.to_float(r0)
        apf = abs(pf)
        if not (math.isfinite(pf) and math.isfinite(dpf) and rf > 0 and A.to_float(h) > 0):
            raise _Overflow(f"the shot overflowed near r = {rf:.3g}/m")
        self.min_psi = min(self.min_psi, apf)
        lin = side.lin
        if apf < PSI_LINEAR * lin:
            self.reached = True
        if pf < 0 or dpf > 0:
            self.reason = "over" if pf < 0 else "under"
            self.energy = 0.5 * dpf * dpf - side.U_float(pf)
            return True
        if self.reached:
            # final: neglected cubic tail below tolerance
            # (fixed point: log2 |psi| from the integer; beyond dps ~900 the tolerance
            # needs |psi| below the float range, where to_float gives 0)
            if A.fixed and not shift:
                lp = A.log2abs(p)
            else:
                lp = math.log2(apf) if apf else -math.inf
            # (a nonlinearity at a field scale lin < 1: the next term, ~ psi^4 / lin^2, as well)
            c = float(side.c3) + 1 + (apf / (lin * lin) if lin < 1 else 0.0)
            lg = 3 * lp + (side.d - 1) * math.log2(max(rf, 1.0)) + math.log2(c)
            if lg <= self.tol:
                self.reason = "final"
                return True
            if self.newton and self._deviates(A, rf, pf, dpf, apf, y, dy):
                self.reason = "deviate"
                return True
        if rf > 1e7:
            raise ConvergenceError("bounce integration ran past r = 1e7 m^-1 without converging")
        return False

    def _deviates(self, A: Arith, rf, pf, dpf, apf, y, dy) -> bool:
        side = self.side
        yf, dyf = A.to_float(y), A.to_float(dy)
        kap = side.kappa_float(rf)
        den = dyf - kap * yf
        res = dpf - kap * pf
        # only once the growing mode dominates y is the Newton estimate sound
        # (in a thin wall y starts as a shift of the wall, a decaying mode),
        # and only if the residual exceeds the mismatch that the neglected
        # nonlinearity alone produces, ~ (c3 + 1) psi^2 (plus ~ psi^3 / lin^2 when the
        # nonlinearity sets in at a field scale lin < 1 of the escape point)
        lin = side.lin
        nl = 4 * (float(side.c3) + 1) * pf * pf
        if lin < 1:
            nl += 4 * apf * (pf / lin) ** 2
        if (den != 0 and math.isfinite(den) and abs(den) >= 0.5 * (abs(dyf) + abs(kap * yf))
                and abs(res) > nl):
            dx = -res / den
            return abs(dx * yf) >= self.dev_fraction * apf and abs(dx) <= self.trust
        return False


def _step_integrals(A: Arith, d, binom, r0, h, s, b, Y, c, F, N, powers=None, end=None):
    r"""Integrals of one step: T, V, int psi^2, dT/dx, dV/dx (radial measure r^(d-1) dr).

    With ``r = r0 + t h`` and ``D(t) = h psi'`` (scaled series), the integrands
    are ``D^2 W/(2h)``, ``U W h``, ``psi^2 W h``, ``D D_y W / h`` and
    ``U'(psi) y W h`` with ``W = (r0 + t h)^(d-1)``, integrated exactly over
    ``0 <= t <= s``; ``U`` comes from ``dU/dt = U'(psi) D``.  Fixed point with
    the step's powers of Delta (``powers``, polynomial U) and its end values
    ``end = (b(s), b'(s))``: T by parts, as the equation ``(W b')' = h^2 W U'(psi)`` gives

    .. math::  \int_0^s \frac{D^2 W}{2h} dt = \frac{1}{2h}\Big([W b D]_0^s - h^2 \int_0^s W \psi U'(\psi) dt\Big)

    and ``U``, ``psi U'``, ``psi^2`` are sums of those powers (one product per step).
    """
    W = []
    for j in range(d):
        w = A.one * binom[j]
        for _ in range(d - 1 - j):
            w = A.mul(w, r0)
        for _ in range(j):
            w = A.mul(w, h)
        W.append(w)
    if not A.fixed:
        # floats: numpy convolutions (the series are short; this is ~10x faster)
        b_ = np.asarray(b, dtype=float)
        Y_ = np.asarray(Y, dtype=float)
        F_ = np.asarray(F, dtype=float)
        W_ = np.asarray(W, dtype=float)
        k = np.arange(1, len(b_))
        D = k * b_[1:]
        DY = k * Y_[1:]
        U_ = np.concatenate(([c[0]], np.convolve(F_, D)[:len(F_)] / np.arange(1, len(F_) + 1)))

        def integ(series, n):
            ser = np.convolve(series[:n], W_)[:n]
            kk = np.arange(1, len(ser) + 1)
            return float(np.dot(ser, s ** kk / kk))

        return (integ(np.convolve(D, D), N) / (2 * h), h * integ(U_, N), h * integ(np.convolve(b_, b_), N),
                integ(np.convolve(D, DY), N) / h, h * integ(np.convolve(F_, Y_), len(F_)),
                2 * h * integ(np.convolve(b_, Y_), N))
    if powers is not None and not powers["e"]:
        main = _step_integrals_by_parts(A, W, h, s, b, c, powers, end, N)
    else:
        main = _step_integrals_products(A, W, h, s, b, c, F, N)
    return main + _step_sensitivities(A, W, h, s, b, Y, F, N)


def _step_integrals_by_parts(A: Arith, W, h, s, b, c, powers, end, N):
    """T (by parts), V and int psi^2 of one fixed-point step from its powers of Delta."""
    U, PF, PP = tay.step_integrands(A, b, c, powers, N)
    Ws = tay.horner(A, W, s)[0]
    bs, Ds = end
    # [W b D]_0^s with D = db/dt: W(0) = W_0, b(0) = b_0, D(0) = b_1
    bnd = A.mul(A.mul(Ws, bs), Ds) - A.mul(A.mul(W[0], b[0]), b[1])
    h2 = A.mul(h, h)
    T = A.div(bnd - A.mul(h2, tay.integrate_weighted(A, PF, W, s)), 2 * h)
    return (T, A.mul(h, tay.integrate_weighted(A, U, W, s)), A.mul(h, tay.integrate_weighted(A, PP, W, s)))


def _step_integrals_products(A: Arith, W, h, s, b, c, F, N):
    """T, V and int psi^2 of one fixed-point step by three Kronecker products."""
    D = [(k + 1) * b[k + 1] for k in range(len(b) - 1)]
    FD = tay.kron_cauchy(F, D, len(F), A.P)
    Useries = [c[0]] + [A.idiv(FD[k], k + 1) for k in range(len(FD))]
    DD = tay.kron_cauchy(D, D, N, A.P)
    PP = tay.kron_cauchy(b, b, N, A.P)
    return (A.div(tay.integrate_series(A, tay.cauchy(A, DD, W, N), s), 2 * h),
            A.mul(h, tay.integrate_series(A, tay.cauchy(A, Useries, W, N), s)),
            A.mul(h, tay.integrate_series(A, tay.cauchy(A, PP, W, N), s)))


def sensitivity_bits(P: int) -> int:
    """Bits of the x-derivatives of the recorded shot's integrals (fixed point, ``P`` bits).

    They multiply the last Newton correction, below ``10**(-PREFINAL_FRACTION target)``:
    ``SENS_FRACTION`` of the bits leave a margin of about twice the digits needed.
    """
    return min(P, int(P * SENS_FRACTION) + 48)


def _step_sensitivities(A: Arith, W, h, s, b, Y, F, N):
    r"""dT/dx, dV/dx and d(int psi^2)/dx of one fixed-point step, at reduced precision.

    .. math::  \frac{dT}{dx} = \int \frac{D D_y W}{h} dt, \quad \frac{dV}{dx} = h \int U'(\psi) y W dt,
               \quad \frac{dQ}{dx} = 2 h \int \psi y W dt

    They multiply the last Newton correction dx (first-order corrections of the
    recorded shot), which is below 10**(-0.87 target): ``SENS_FRACTION`` of the
    bits suffice (y itself is known to that many), relative to each series' largest
    coefficient in the step (block exponents: y grows like ``exp(r)``, psi decays
    like ``exp(-r)``).  Three Kronecker products.
    """
    P = A.P
    # long tail steps: psi ~ exp(-r) and y ~ exp(r) have coefficients up to
    # exp(h) times their values, which cancel in the products: those bits on top
    grow = sum(max(0, _bitlen(v) - _bitlen(v[:1])) for v in (b, Y))
    Pr = min(P, sensitivity_bits(P) + grow)
    Ar = Arith(Pr)
    Yr, ey = _block(Y, Pr)
    br, eb = _block(b, Pr)
    Fr, ef = _block(F, Pr)
    # the products need no more terms than Pr bits (relative) resolve: their terms
    # decay like the series' (y is zero beyond VAR_FRACTION of the order)
    n = min(len(Yr), len(br), len(Fr) + 1)
    while n > 3 and abs(Yr[n - 1]) <= 1 and abs(br[n - 1]) <= 1 and abs(Fr[n - 2]) <= 1:
        n -= 1
    Yr, br, Fr = Yr[:n], br[:n + 1], Fr[:n]
    sh = P - Pr
    Wr = [v >> sh for v in W]
    hr, sr = h >> sh, s >> sh
    D = [k * br[k] for k in range(1, len(br))]
    DY = [k * Yr[k] for k in range(1, len(Yr))]
    n = min(len(D), len(DY))
    dT = Ar.div(tay.integrate_weighted(Ar, tay.kron_cauchy(D, DY, n, Pr), Wr, sr), hr)
    n = min(len(Fr), len(Yr))
    dV = Ar.mul(hr, tay.integrate_weighted(Ar, tay.kron_cauchy(Fr, Yr, n, Pr), Wr, sr))
    n = min(len(br), len(Yr))
    dQ = 2 * Ar.mul(hr, tay.integrate_weighted(Ar, tay.kron_cauchy(br, Yr, n, Pr), Wr, sr))
    return tuple(_shift(v, P - Pr - ey - e) for v, e in ((dT, eb), (dV, ef), (dQ, eb)))


def _bitlen(v: list) -> int:
    return int(max(map(abs, v), default=0)).bit_length()


def _block(v: list, bits: int):
    """``(v >> e, e)`` with the largest entry cut to about ``bits`` bits (a block exponent)."""
    m = _bitlen(v)
    e = m - bits
    return [_shift(x, e) for x in v], e


def _shift(v, e: int):
    return v >> e if e >= 0 else v << -e


def second_order(side: _Side, sh: _Shot, dx):
    r"""Bound on the second-order remainder of the first-order corrections in dx (mpf).

    .. math::  R^{d-1}\,\big(y(R)^2 + |y(R)\,(y'(R) - \kappa y(R))|\big)\,dx^2

    (``S`` is stationary in x; ``T``, ``V`` and ``int psi^2`` are corrected to first order,
    their curvature is dominated by the growing mode at R).
    """
    A = side.A
    with mpmath.workprec(side.prec):
        R = A.to_mpf(sh.R)
        y = A.to_mpf(sh.y)
        dF = A.to_mpf(sh.dy) - _kappa(side, R) * y
        return R ** (side.d - 1) * (y * y + abs(y * dF)) * mpmath.mpf(dx) ** 2


def _kappa(side: _Side, R):
    """kappa(R) at the side's precision (floats for the double path: no Bessel K for even d)."""
    return side.kappa(R) if side.P else mpmath.mpf(side.kappa_float(float(R)))


def _newton_step(side: _Side, sh: _Shot):
    """Newton correction dx from the matching condition at the shot's end (mpf)."""
    A = side.A
    with mpmath.workprec(side.prec):
        R = A.to_mpf(sh.R)
        kap = _kappa(side, R)
        F = A.to_mpf(sh.dp) - kap * (A.to_mpf(sh.p) + sh.shift)
        dF = A.to_mpf(sh.dy) - kap * A.to_mpf(sh.y)
        if dF == 0:
            raise ConvergenceError("degenerate shooting derivative; try another dps")
        return -F / dF
