r"""High-precision radial bounce of a single field.

Solves

.. math::  \phi'' + \frac{d-1}{r}\phi' = U'(\phi), \qquad \phi'(0) = 0,
           \quad \phi(\infty) = 0,

for a false vacuum at the origin (``U(0) = U'(0) = 0 < U''(0) = m^2``) in
``d >= 2`` Euclidean dimensions (``d = 3``: the Q-ball problem of the paper's
section 3; ``d = 4``: vacuum decay), in whichever direction of the field the
escape takes.

Method (chosen by measurement, see ``benchmarks/bench_bounce.py``):

* Units: the field in units of the escape point ``phi_e`` (``U(phi_e) = 0``,
  the edge of the classically forbidden region, taken with its sign) and the
  radius in units of ``1/m``; every tolerance below is then absolute in O(1)
  quantities, and a negative escape is the same problem.
* Integration: a Taylor-series method whose coefficients come from exact
  recurrences (:mod:`qsym.numeric.kernels.taylor`), in Python floats for the double
  path and in fixed-point big integers (gmpy2 ``mpz``) with
  ``dps + GUARD_DIGITS`` digits otherwise; order and step follow from the
  working precision.  Polynomial U: exact Taylor shifts of its coefficients;
  other analytic U: exact derivatives from the bridge (slower, same accuracy).
* Shooting parameter ``x``: ``phi(0)`` itself, or, when the potential has a
  second minimum ``phi_t`` beyond the barrier, ``x = ln(phi_t - phi(0))``.  In
  the thin-wall regime ``phi(0)`` is exponentially close to ``phi_t``; the
  integration then starts inside the bubble from the linearised solution
  about ``phi_t`` where its amplitude is ``eta = 2**(-P/2)`` (neglected
  ``eta**2 = 2**-P``).  So that this small start keeps P significant bits,
  fixed point uses 3P/2 bits there and floats integrate ``psi - phi_t`` until
  the wall.
* Matching: at a radius ``R`` the profile must follow the decaying solution of
  the linearised equation, ``r**(-nu) K_nu(m r)``, ``nu = d/2 - 1``:
  ``phi'(R) = kappa phi(R)`` with ``kappa = -m K_{nu+1}(mR)/K_nu(mR)`` (closed
  form for odd d).  The neglected nonlinearity shifts ``phi(0)`` by
  ``O(phi(R)**3)`` (the growing mode it induces is suppressed twice), so the
  last shot ends where ``|phi(R)|**3 R**(d-1)`` is below the tolerance.
* Root finding, double precision: a bracket of an undershoot and an
  overshoot (started from the thin-wall radius ``(d-1) sigma / eps`` when the
  wall is thin), Illinois regula falsi on the energy ``phi'^2/2 - U`` at the
  event (it vanishes linearly at the bounce), then Newton on ``x`` with the
  variational equation, steps kept inside the bracket and below
  ``NEWTON_TRUST``.  Each Newton shot ends where its predicted deviation from
  the bounce reaches a fraction of the field (beyond, the shot is no longer
  linear in ``x``); convergence is then of order 3/2.
* High precision: Newton from the double-precision root, each step at the
  precision its result can have (digits grow by 3/2 per step), until the
  correction of a full-precision shot is below the tolerance (or at the
  rounding floor of ``x``, which the error estimate then carries).
* Integrals: ``T = int phi'^2/2``, ``V = int U`` and ``int phi^2`` over
  ``[0, R]`` exactly from the Taylor series of each step, the interior of a
  thin-wall bubble and the tail beyond ``R`` in closed form (Bessel
  integrals).  ``S = T + V`` and the Derrick/virial form ``S = (2/d) T`` are
  returned separately; their difference (first order in any profile error,
  while ``S`` itself is stationary), the last Newton correction times
  ``dS/dx``, the neglected cubic tail, a rounding bound and the rounding of
  the returned number make up the error estimate.

Measured on the 2-core test machine (``benchmarks/bench_bounce.py``): S_psi to
50 digits in about 0.2 s and to 100 digits in about 0.5 s; the double path
reaches ~3e-15 on S_psi in less time than CosmoTransitions' defaults
(which give ~5e-4).

>>> from qsym.symbolic.potential import Potential
>>> res = bounce(Potential("phi**2/2 - phi**3", ["phi"]), dim=3, dps=20)
>>> mpmath.nstr(res.action, 15), res.error < mpmath.mpf(10)**-20
('4.85113741291635', True)
>>> abs(res.action - res.action_virial) < res.error * res.action
True
"""

from __future__ import annotations

import bisect
import functools
import math
from dataclasses import dataclass, field
from typing import Callable

import mpmath
import numpy as np

from qsym.errors import ConvergenceError, InputError, NoSolutionError
from qsym.numeric.kernels import tails, taylor as tay
from qsym.numeric.kernels.taylor import Arith, Model, Step
from qsym.results import latex_pm, latex_rows as _latex_rows

__all__ = ["BounceResult", "solve_bounce", "solve_bounce_double", "bounce", "s_psi"]

#: extra decimal digits carried beyond the requested ``dps``
GUARD_DIGITS = 12
#: the tail counts as linear (auto-matching test on; bisection hands over to
#: Newton) once |psi| is below this (field in units of phi_e): the neglected
#: nonlinearity is then a 1% effect, well inside Newton's basin
PSI_LINEAR = 1e-2
#: stop a Newton shot where the predicted deviation reaches this fraction of psi
DEVIATION_FRACTION = 0.5
#: a shot that records the profile (the last one) stops earlier, where the
#: predicted deviation is this fraction of psi, so the matched tail amplitude
#: (and the profile beyond R) is that accurate even at the rounding floor of x
DEVIATION_FRACTION_FINAL = 1e-2
#: the double path trusts Newton steps up to this size in x (a thin wall moves
#: by 1/m per unit of x = ln(delta); larger steps leave the linear regime)
NEWTON_TRUST = 0.25
#: the double path tries Newton on shots that came this close to the false vacuum
NEWTON_PSI = 0.1
#: the bracket search gives up beyond phi(0) = MAX_PSI0 * phi_e (no overshoot)
MAX_PSI0 = 2.0 ** 20
#: largest tail step (units of 1/m) of the recorded shot
TAIL_STEP = 1.0
#: floats integrate psi - psi_t when the centre is this close to psi_t
SHIFT_DELTA = 0.1
#: digits gained per high-precision Newton step assumed when planning the
#: precision ladder (the order is 3/2; the margin makes the planned last
#: full-precision shot the converged one)
LADDER_GAIN = 1.4
#: extra digits of the shot before the recorded one beyond 2/3 of the target
PREFINAL_MARGIN = 5
#: fraction of the target digits x must have before the recorded shot
PREFINAL_FRACTION = 0.8
#: safety cap on Newton / bisection iterations
MAX_ITER = 200
#: safety cap on Taylor steps in one shot
MAX_STEPS = 200000
#: digits at which the origin (U(0), U'(0), U''(0)) is decided when SymPy
#: cannot decide it exactly (exact input: exact decisions, no tolerance)
ORIGIN_DPS = 50
#: digits of the landscape search (field scale, signs of U and U'); a sign is
#: accepted when this and twice this precision agree, else the precision is
#: doubled up to MAX_SIGN_DPS
SCALE_DPS = 30
MAX_SIGN_DPS = 960
#: Taylor coefficients at the origin that set the field scale of a non-polynomial U
SCALE_TERMS = 12
#: a root of numpy.roots (double precision, scaled polynomial) counts as real
#: when its imaginary part is below this relative size (roots are verified by
#: a sign change in mpmath, then refined)
REAL_ROOT_TOL = 1e-8
#: relative half-width of the bracket checked around a float root (then its square root)
ROOT_BRACKET = 1e-9
#: the landscape is searched on |phi| in phi_* 10**(+-SCAN_DECADES) (phi_*: the
#: field scale where U departs from m^2 phi^2/2), SCAN_PER_DECADE points per decade
SCAN_DECADES = 8
SCAN_PER_DECADE = 200
#: root refinement (safeguarded Newton) iteration cap
MAX_ROOT_ITER = 400
#: polynomial degree limit (the integrator's cost per step grows with the degree)
MAX_POLY_DEGREE = 200
#: largest Euclidean dimension accepted
MAX_DIM = 64
#: work budget of one solve, in units of coefficient operations (per Taylor
#: step: order x terms of U x 64-bit limbs; per series evaluation of a
#: non-polynomial U: terms^2 x its size; per landscape point SCAN_COST),
#: summed over all shots.  Measured: S_psi at dps 30 / 300 / 500 needs about
#: 1e5 / 4e6 / 2e7 units (0.2 / 5 / 25 s of CPU); the budget ends any input
#: within about two minutes with ConvergenceError

WORK_BUDGET = 1e9
#: first number of Taylor terms tried for a non-polynomial U (doubled as needed)
SERIES_START = 16
#: work units charged per landscape grid point
SCAN_COST = 50
#: decimal digits of the double path (float64 has 15.95)
DOUBLE_DIGITS = 15
#: the double path raises if its (conservative) relative error estimate exceeds this
DOUBLE_TOL = 1e-12


# --------------------------------------------------------------------------
# result
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class BounceResult:
    """A radial bounce and its integrals (physical units of the input).

    ``action`` is ``S = T + V`` (direct), ``action_virial`` is ``(2/d) T``;
    ``error`` estimates the relative error of ``action``; ``profile_error``
    bounds the absolute error of the profile (same units as phi).
    ``profile(r)`` and ``dprofile(r)`` evaluate ``phi`` and ``phi'`` at the
    working precision for any ``r >= 0`` (Taylor series inside ``R_match``, the
    asymptotic Bessel form beyond).  ``charge_integral`` is ``int phi^2 d^dx``.
    ``iterations`` counts the shots of each phase.
    """

    phi0: object
    action: object
    action_virial: object
    kinetic: object
    potential: object
    charge_integral: object
    error: object
    profile_error: object
    dps: int | None
    dim: int
    sign: int
    R_match: object
    iterations: dict
    status: str
    profile: Callable = field(repr=False, compare=False)
    dprofile: Callable = field(repr=False, compare=False)

    def _repr_latex_(self) -> str:
        """Jupyter: the action and the central value with their errors."""
        return _latex_rows([
            ("S", latex_pm(self.action, self.error, dps=self.dps)),
            (r"\phi(0)", latex_pm(self.phi0, self.profile_error, relative=False, dps=self.dps)),
        ], f"bounce in d = {self.dim}, {self.status}")


# --------------------------------------------------------------------------
# the potential in dimensionless form
# --------------------------------------------------------------------------
def _fnum(x):
    return mpmath.mpf(x.numerator) / x.denominator


class _Problem:
    """Validated single-field problem: landscape and dimensionless potential."""

    def __init__(self, num, dim, sign=None, progress=None):
        if isinstance(dim, (bool, np.bool_)) or not isinstance(dim, (int, np.integer)) or dim < 2:
            raise InputError(f"dim must be an integer >= 2, got {dim!r}")
        if dim > MAX_DIM:
            raise InputError(f"dim must be at most {MAX_DIM}, got {dim!r}")
        if progress is not None and not callable(progress):
            raise InputError(f"progress must be a callable(str) or None, got {type(progress).__name__}")
        self.progress = progress
        self.d = int(dim)
        self.num = num
        self.coeffs = num.coeffs
        self.poly = self.coeffs is not None
        if self.poly and len(self.coeffs) - 1 > MAX_POLY_DEGREE:
            raise InputError(f"U has degree {len(self.coeffs) - 1}; the bounce solver accepts "
                             f"polynomials up to degree MAX_POLY_DEGREE = {MAX_POLY_DEGREE}")
        self.work = 0
        self._check_analytic()
        # the origin: exact (SymPy) decisions where possible, else ORIGIN_DPS digits
        u0, du0, m2 = num.origin(ORIGIN_DPS)
        if u0 != 0:
            raise InputError(f"U(0) = {mpmath.nstr(u0, 6)}: the false vacuum must be at the origin with U(0) = 0")
        if du0 != 0:
            raise InputError(f"U'(0) = {mpmath.nstr(du0, 6)}: the origin is not a minimum of U")
        if not m2 > 0:
            raise InputError(f"U''(0) = {mpmath.nstr(m2, 6)}: the origin is not a non-degenerate "
                             "minimum of U (massless or tachyonic), no false vacuum to decay from")
        self.m2 = m2
        self.scale = self._field_scale()
        self.guard_bits = self._cancellation_bits()
        sides = self._landscape()
        if sign is not None:
            if isinstance(sign, (bool, np.bool_)) or sign not in (1, -1):
                raise InputError(f"sign must be +1, -1 or None, got {sign!r}")
            sides = {s: v for s, v in sides.items() if s == sign}
        if not sides:
            where = "" if sign is None else (" for positive field" if sign > 0 else " for negative field")
            raise NoSolutionError("no bounce: U >= 0 away from the origin" + where +
                                  " (no region below the false vacuum to tunnel into)")
        self.sides = sides  # sign -> (phi_e float, phi_t float or None)

    def charge(self, units: float):
        """Add ``units`` to the work counter; past WORK_BUDGET the solve ends."""
        self.work += units
        if self.work > WORK_BUDGET:
            raise ConvergenceError("the bounce exceeded its work budget (WORK_BUDGET = "
                                   f"{WORK_BUDGET:.0e} coefficient operations); try a smaller dps "
                                   "or a simpler potential")

    # -- validation ---------------------------------------------------------
    def _check_analytic(self):
        bad = {"Abs", "sign", "Heaviside", "Piecewise", "Min", "Max", "floor", "ceiling",
               "DiracDelta", "frac", "re", "im", "arg", "Mod"}
        stack = [self.num.expr]
        nodes = 0
        while stack:
            e = stack.pop()
            nodes += 1
            if type(e).__name__ in bad:
                raise InputError(f"U contains {type(e).__name__}(...): the bounce solver needs U "
                                 "real-analytic along the escape path; write it without it")
            stack.extend(getattr(e, "args", ()))
        self.series_cost = nodes
        if self.poly:
            return
        with mpmath.workdps(30):
            try:
                cs = self.num.taylor(mpmath.mpf(0), 5)
                ok = all(mpmath.isfinite(v) and mpmath.im(mpmath.mpmathify(v)) == 0 for v in cs)
            except (ArithmeticError, ValueError, TypeError) as exc:
                if isinstance(exc, InputError):
                    raise
                ok = False
        if not ok:
            raise InputError("U is not real-analytic at the origin (the solver needs its "
                             "Taylor expansion there)")

    def mass2(self, prec):
        """U''(0) to ``prec`` bits, relative (exact input: from SymPy)."""
        dps = int(prec / 3.3) + 5
        return mpmath.mpf(self.num.origin(max(dps, ORIGIN_DPS))[2])

    def _cancellation_bits(self):
        """Bits lost to cancellation when U's series evaluator computes U''(0).

        Compared with the exact U''(0): U_omega with omega close to m loses
        ``log2(U''(0)_raw / m_omega^2)`` bits; the series evaluations carry them
        on top of the working precision.
        """
        if self.poly:
            return 0
        p0 = 120
        with mpmath.workprec(p0):
            c2 = self.num.taylor(mpmath.mpf(0), 3)[2]
            rel = abs(2 * c2 - self.m2) / self.m2
        if rel == 0:
            return 8
        return max(0, int(p0 + float(mpmath.log(rel, 2)))) + 16

    def _origin_coeffs(self, n):
        """Taylor coefficients of U at the origin (mpf at SCALE_DPS digits)."""
        with mpmath.workdps(SCALE_DPS):
            if self.poly:
                c = [_fnum(x) for x in self.coeffs[:n]]
                return c + [mpmath.mpf(0)] * (n - len(c))
            return [mpmath.mpf(v) for v in self.num.taylor(mpmath.mpf(0), n)]

    def _field_scale(self):
        """The field scale where U departs from its quadratic form.

        ``phi_* = min_k (c_2/|c_k|)**(1/(k-2))`` over the Taylor coefficients
        ``c_k`` at the origin (all of them for a polynomial, the first
        SCALE_TERMS otherwise); every landscape search runs in units of it, so
        a tiny mass or a tiny coupling is the same problem as an O(1) one.
        """
        n = len(self.coeffs) if self.poly else SCALE_TERMS
        c = self._origin_coeffs(n)
        with mpmath.workdps(SCALE_DPS):
            c2 = self.m2 / 2
            best = None
            for k in range(3, len(c)):
                if c[k]:
                    v = (c2 / abs(c[k])) ** (mpmath.mpf(1) / (k - 2))
                    best = v if best is None else min(best, v)
            return best if best is not None else mpmath.mpf(1)

    # -- landscape (scaled, refined later) ----------------------------------
    def _landscape(self):
        """sign -> (phi_e, phi_t): escape point and second minimum (or None), as mpf.

        The field is searched on ``phi_* 10**(+-SCAN_DECADES)`` (``phi_*`` from
        :meth:`_field_scale`): a polynomial through the real roots of ``U/phi^2``
        and ``U'/phi`` in scaled units (numpy; every candidate re-checked in
        mpmath with the exact coefficients), any other U on a logarithmic grid
        in mpmath whose decisive signs are confirmed at twice the precision.
        Roots are bracketed by a verified sign change.
        """
        out = {}
        for s in (1, -1):
            if self.poly:
                found = self._landscape_poly(s)
            else:
                found = self._landscape_scan(s)
            if found is not None:
                out[s] = found
        return out

    def _sign_U(self, x, k=0, dps=SCALE_DPS):
        """Sign of U (k=0) or U' (k=1) at x, confirmed at two precisions.

        Returns -1, 0, +1; None where U is not real/finite (end of its domain).
        Raises ConvergenceError if the two precisions disagree up to
        MAX_SIGN_DPS digits.
        """
        while True:
            vals = []
            for dd in (dps, 2 * dps):
                with mpmath.workdps(dd):
                    v = self._eval(x, k)
                    if v is None:
                        return None
                    vals.append(v)
            a, b = vals
            if a == 0 and b == 0:
                return 0
            if (a > 0) == (b > 0) and abs(a - b) <= abs(b) / 8:
                return 1 if b > 0 else -1
            dps *= 2
            if dps > MAX_SIGN_DPS:
                raise ConvergenceError(f"the sign of U{chr(39) * k} at phi = {mpmath.nstr(x, 8)} "
                                       f"is not decided at {MAX_SIGN_DPS} digits; the potential "
                                       "is too ill-conditioned there")

    def _eval(self, x, k=0):
        """U^(k) (k = 0, 1, 2) at x (mpf at the current precision), None if not real."""
        try:
            if self.poly:
                c = self.coeffs
                cs = [_fnum(c[i]) * math.perm(i, k) for i in range(len(c) - 1, k - 1, -1)]
                v = mpmath.polyval(cs, mpmath.mpf(x)) if cs else mpmath.mpf(0)
            else:
                v = (self.num.U, self.num.dU, self.num.d2U)[k](mpmath.mpf(x))
            v = mpmath.mpmathify(v)
        except (ArithmeticError, ValueError, TypeError):
            return None
        if not isinstance(v, mpmath.mpf) or not mpmath.isfinite(v):
            return None
        return v

    def _landscape_poly(self, s):
        c = self.coeffs
        if len(c) <= 3:
            return None
        with mpmath.workdps(SCALE_DPS):
            ps = self.scale
            c2 = self.m2 / 2
            # U/(c2 phi^2) and U'/(2 c2 phi) in y = phi/phi_*: coefficients of size <= 1
            red = [float(_fnum(c[k]) * ps ** (k - 2) / c2) for k in range(2, len(c))]
            dred = [float(k * _fnum(c[k]) * ps ** (k - 2) / (2 * c2)) for k in range(2, len(c))]
        pe = self._first_root(lambda: np.roots(red[::-1]), s, 0, ps)
        if pe is None:
            return None
        pt = self._first_root(lambda: np.roots(dred[::-1]), s, 1, ps, beyond=pe[1])
        return pe, pt

    def _first_root(self, roots, s, k, ps, beyond=None):
        """Smallest verified crossing on side s of U (k=0) or U' (k=1) from its float roots."""
        try:
            with np.errstate(all="ignore"):
                rr = roots()
        except (np.linalg.LinAlgError, ValueError, FloatingPointError):
            rr = None
        if rr is None or not np.all(np.isfinite(rr)):
            # numpy could not find the roots: the grid scan decides instead
            return self._scan_crossing(s, k, beyond)
        cands = sorted(s * r.real for r in rr
                       if abs(r.imag) <= REAL_ROOT_TOL * abs(r) and s * r.real > 0)
        lo = abs(beyond) / ps if beyond is not None else 0
        for y in cands:
            if y <= lo * (1 + ROOT_BRACKET):
                continue
            br = self._verified_bracket(s * y * ps, s, k)
            if br is not None:
                return br
        return None

    def _verified_bracket(self, x, s, k):
        """(inner, outer) about the float root x with a verified sign change, or None."""
        want = (-1 if k == 0 else 1)   # sign after the crossing (of U, or of s*U')
        with mpmath.workdps(SCALE_DPS):
            x = mpmath.mpf(x)
            for w in (ROOT_BRACKET, ROOT_BRACKET ** 0.5):
                a, b = x * (1 - w), x * (1 + w)
                sa, sb = self._sign_U(a, k), self._sign_U(b, k)
                if sa is None or sb is None:
                    continue
                if k:
                    sa, sb = s * sa, s * sb
                if sb == want and sa == -want:
                    return (a, b)
        return None

    def _scan_crossing(self, s, k, beyond=None):
        """First verified crossing on a logarithmic grid (side s, beyond ``beyond``).

        k=0: U from + to -; k=1: s*U' from - to +.  Returns a bracket or None.
        """
        want = -1 if k == 0 else 1
        sgn = s if k else 1
        with mpmath.workdps(SCALE_DPS):
            ps = self.scale
            ys = np.logspace(-SCAN_DECADES, SCAN_DECADES, SCAN_PER_DECADE * 2 * SCAN_DECADES + 1)
            prev = None
            first = True
            for y in ys:
                x = s * ps * mpmath.mpf(float(y))
                if beyond is not None and abs(x) <= abs(beyond):
                    continue
                self.charge(SCAN_COST)
                v = self._eval(x, k)
                if v is None:
                    return None       # end of the domain of U
                sg = sgn * (1 if v > 0 else -1 if v < 0 else 0)
                if sg == want:
                    sc = self._sign_U(x, k)
                    if sc is not None and sgn * sc == want:
                        if prev is not None:
                            sp_ = self._sign_U(prev, k)
                            if sp_ is not None and sgn * sp_ == -want:
                                                return (prev, x)
                        elif first and k == 0:
                            raise ConvergenceError(
                                f"U < 0 at phi = {mpmath.nstr(x, 6)} although U''(0) > 0: the "
                                "landscape search starts too far out for this potential")
                elif sg == -want:
                    prev = x
                first = False
            return None

    def _landscape_scan(self, s):
        pe = self._scan_crossing(s, 0)
        if pe is None:
            return None
        pt = self._scan_crossing(s, 1, beyond=pe[1])
        return pe, pt

    def refine(self, bracket, k, prec):
        """The root of U (k=0) or U' (k=1) in ``bracket`` to ``prec`` bits.

        Newton safeguarded by bisection inside the verified sign change;
        at most MAX_ROOT_ITER iterations.
        """
        with mpmath.workprec(prec + 10):
            a, b = (mpmath.mpf(v) for v in bracket)
            fa = self._eval(a, k)
            fb = self._eval(b, k)
            if fa is None or fb is None or fa * fb > 0:
                raise ConvergenceError("a root of U lost its sign change on refinement; "
                                       "the potential is too ill-conditioned there")
            x = (a + b) / 2
            tol = mpmath.mpf(2) ** (-prec)
            for _ in range(MAX_ROOT_ITER):
                fx = self._eval(x, k)
                if fx is None:
                    raise ConvergenceError("U is not real inside a root bracket")
                if fx == 0:
                    return x
                if (fx > 0) == (fa > 0):
                    a, fa = x, fx
                else:
                    b, fb = x, fx
                dfx = self._eval(x, k + 1)
                xn = x - fx / dfx if dfx else None
                if xn is None or not (min(a, b) < xn < max(a, b)):
                    xn = (a + b) / 2
                if abs(xn - x) <= tol * abs(x) or abs(b - a) <= tol * abs(x):
                    return xn
                x = xn
        raise ConvergenceError(f"root refinement did not converge in {MAX_ROOT_ITER} iterations")

    def _U(self, x):
        with mpmath.workdps(20):
            return float(self.num.U(mpmath.mpf(x)))

    def _d2U(self, x):
        with mpmath.workdps(20):
            return float(self.num.d2U(mpmath.mpf(x)))


@functools.lru_cache(maxsize=1)
def _gauss_legendre():
    return np.polynomial.legendre.leggauss(64)


class _Side:
    """One escape direction in dimensionless form at one precision."""

    def __init__(self, prob: _Problem, sign: int, P: int | None):
        self.prob = prob
        self.sign = sign
        self.d = prob.d
        self.nu = mpmath.mpf(prob.d) / 2 - 1
        num = prob.num
        self._uf = None
        pe_b, pt_b = prob.sides[sign]
        # linear-start threshold eta = 2**(-P/2): the neglected eta**2 is 2**-P.
        # The start values then carry only P/2 significant bits in fixed point,
        # and that noise moves the shooting parameter; a thin-wall problem
        # therefore works with 3P/2 bits so that eta keeps P significant bits.
        # (an mpf: at high precision 2**(-P/2) is below the float range)
        self.theta = mpmath.mpf(2) ** (-(P if P else 53) / 2)
        if P and pt_b is not None:
            P = P + P // 2
        self.A = Arith(P)
        self.P = P
        prec = (P if P else 53) + 20
        self.prec = prec
        # non-polynomial U: its Taylor coefficients are evaluated with the bits
        # that cancel in U''(0) (omega close to m) on top
        self.prec_u = prec + prob.guard_bits
        with mpmath.workprec(prec):
            self.m = mpmath.sqrt(prob.mass2(prec))
            pe = prob.refine(pe_b, 0, prec)
            self.phi_s = pe
            m2 = self.m ** 2
            if prob.poly:
                c = [_fnum(x) for x in prob.coeffs]
                self.u = [c[i] * pe ** (i - 2) / m2 if i >= 2 else mpmath.mpf(0)
                          for i in range(len(c))]
            else:
                self.u = None
            if pt_b is not None:
                pt = prob.refine(pt_b, 1, prec)
                self.psi_t = pt / pe
                self.mu = mpmath.sqrt(self.d2U_scaled(self.psi_t))
            else:
                self.psi_t = None
                self.mu = None
            # floats integrate chi = psi - psi_t in a thin wall, so that the tiny
            # deviation from the true vacuum keeps its relative precision
            self.shift = self.psi_t if (P is None and self.psi_t is not None) else mpmath.mpf(0)
            self.shift_f = float(self.shift)
            if self.u is not None:
                self.poly = [self.A.from_mpf(v) for v in self.u]
                shifted = [mpmath.mpf(0)] * len(self.u)
                for j in range(len(self.u)):
                    shifted[j] = sum(mpmath.binomial(i, j) * self.u[i] * self.shift ** (i - j)
                                     for i in range(j, len(self.u)))
                self.poly_shifted = [self.A.from_mpf(v) for v in shifted]
            else:
                self.poly = self.poly_shifted = None
            # |U'''(0)|/6 in scaled units: size of the neglected cubic tail
            self.c3 = abs(self.deriv_scaled(3, mpmath.mpf(0))) / 6
        self.model = Model(self.A, self.d, poly=self.poly,
                           derivs=None if prob.poly else self._derivs)
        # the same potential about psi_t (chi = psi - psi_t), used inside a
        # thin-wall bubble by the float path; the tail goes back to psi, whose
        # small values floats hold with relative precision
        self.model_shifted = Model(self.A, self.d, poly=self.poly_shifted,
                                   derivs=None if prob.poly else self._derivs_shifted)

    # scaled potential: U~(psi) = U(phi_s psi) / (m^2 phi_s^2)
    def deriv_scaled(self, k, psi):
        if self.u is not None:
            tot = mpmath.mpf(0)
            for i in range(k, len(self.u)):
                tot += mpmath.ff(i, k) * self.u[i] * psi ** (i - k)
            return tot
        c = self.series_scaled(psi, k + 1)
        return c[k] * mpmath.factorial(k)

    def series_scaled(self, psi, n):
        """``[U~^(j)(psi)/j!]_{j<n}`` of the scaled non-polynomial potential (mpf).

        Taylor-mode differentiation of U (bridge), at ``prec_u`` bits, scaled
        by ``phi_s**j / (m^2 phi_s^2)``; the work is charged to the budget.
        """
        prob = self.prob
        prob.charge(n * n * prob.series_cost)
        with mpmath.workprec(self.prec_u):
            ps = self.phi_s
            raw = prob.num.taylor(ps * mpmath.mpf(psi), n)
            fac = 1 / (self.m ** 2 * ps ** 2)
            out = []
            for j, v in enumerate(raw):
                out.append(v * fac)
                fac *= ps
        with mpmath.workprec(self.prec):
            return [+v for v in out]

    def U_float(self, psi: float) -> float:
        """The scaled potential in double precision (for event energies)."""
        if self.u is not None:
            if self._uf is None:
                self._uf = [float(v) for v in self.u]
            v = 0.0
            for c in reversed(self._uf):
                v = v * psi + c
            return v
        with mpmath.workprec(self.prec):
            return float(self.deriv_scaled(0, mpmath.mpf(psi)))

    def d2U_scaled(self, psi):
        return self.deriv_scaled(2, psi)

    def _derivs_shifted(self, x0, n, beta=None):
        return self._derivs(x0, n, beta, self.shift)

    def _derivs(self, x0, n, beta=None, shift=0):
        """Taylor coefficients of U at x0 (Taylor-mode differentiation); with
        ``beta`` (a bound on the step's |Delta|) the list stops once three
        successive ``|c_j| j^2 beta^(j-2)`` are below 2**-(P+8): the number of
        terms is doubled from SERIES_START until that holds or n is reached."""
        A = self.A
        tiny = mpmath.mpf(2) ** (-((self.P or 53) + 8))
        with mpmath.workprec(self.prec):
            psi = A.to_mpf(x0) + shift
            m = n if beta is None else min(n, SERIES_START)
            while True:
                cs = self.series_scaled(psi, m)
                cut = None
                if beta is not None:
                    small = 0
                    b = mpmath.mpf(beta)
                    for j in range(4, len(cs)):
                        small = small + 1 if abs(cs[j]) * j * j * b ** (j - 2) < tiny else 0
                        if small >= 3:
                            cut = j + 1
                            break
                if cut is not None:
                    cs = cs[:cut]
                    break
                if m >= n:
                    break
                m = min(n, 2 * m)
            return [A.from_mpf(v) for v in cs]

    # -- Bessel pieces (m = 1 units; qsym.numeric.kernels.tails) --------------
    def kappa(self, R):
        """Log-derivative of the decaying tail r^-nu K_nu(r) at R (mpf)."""
        return tails.kappa(self.d, R)

    def kappa_float(self, R: float) -> float:
        """kappa(R) in double precision (closed form for odd d)."""
        return tails.kappa_float(self.d, R)

    def lam(self, r):
        """Regular linear solution about phi_t, normalised to 1 at r = 0, and its derivative."""
        return tails.regular_profile(self.d, self.mu, r)

    # -- shooting parameter -----------------------------------------------------
    @property
    def thin(self):
        return self.psi_t is not None

    def x_bracket(self):
        """(x_under, x_over_guess_direction): an undershooting x and the overshoot direction."""
        if self.thin:
            return float(mpmath.log(self.psi_t - 1)), -1.0
        return 1.0, +1.0

    def start(self, x):
        """Initial state for parameter x: (r, psi - shift, psi', y, y', r as mpf, shift).

        Floats integrate ``psi - psi_t`` (shift = psi_t) when the centre is
        within ``SHIFT_DELTA`` of the true vacuum, ``psi`` itself otherwise.
        """
        A = self.A
        with mpmath.workprec(self.prec):
            x = mpmath.mpf(x)
            if not self.thin:
                return 0, A.from_mpf(x), 0, A.one, 0, mpmath.mpf(0), 0.0
            delta = mpmath.exp(x)
            shift = self.shift if delta < SHIFT_DELTA else mpmath.mpf(0)
            if delta >= self.theta:
                return (0, A.from_mpf(self.psi_t - shift - delta), 0, A.from_mpf(-delta), 0,
                        mpmath.mpf(0), float(shift))
            # linear start where delta*Lambda(r1) ~ theta
            mu, nu = float(self.mu), float(self.nu)
            target = float(mpmath.log(self.theta) - x)  # ln Lambda(r1)
            z = max(target, 1.0)
            for _ in range(30):
                lnlam = (z - 0.5 * math.log(2 * math.pi * z) + math.lgamma(nu + 1)
                         + nu * math.log(2 / z))
                z_new = z + (target - lnlam)
                if z_new <= 0.5:
                    z_new = 0.5
                if abs(z_new - z) < 1e-9:
                    z = z_new
                    break
                z = z_new
            r1 = mpmath.mpf(z / mu)
            lam, dlam = self.lam(r1)
            eta, deta = delta * lam, delta * dlam
            while eta > 4 * self.theta:
                r1 *= mpmath.mpf(0.9)
                lam, dlam = self.lam(r1)
                eta, deta = delta * lam, delta * dlam
            return (A.from_mpf(r1), A.from_mpf(self.psi_t - shift - eta), A.from_mpf(-deta),
                    A.from_mpf(-eta), A.from_mpf(-deta), r1, float(shift))

    def thin_wall_guess(self):
        """x = ln(delta) from the thin-wall radius (d-1) sigma/eps, if the wall is thin.

        ``sigma = int_0^psi_t sqrt(2 max(U, 0))`` (the barrier), ``eps = -U(psi_t)``;
        the interior solution grows like exp(mu r), so ``ln delta ~ -mu R``.
        Returns None unless ``mu R > 20``.
        """
        if not self.thin:
            return None
        pt = float(self.psi_t)
        nodes, weights = _gauss_legendre()
        xs = 0.5 * pt * (nodes + 1)
        sig = 0.5 * pt * sum(w * math.sqrt(2 * max(self.U_float(float(v)), 0.0))
                             for v, w in zip(xs, weights))
        eps = -self.U_float(pt)
        if eps <= 0:
            return None
        mu_r = float(self.mu) * (self.d - 1) * sig / eps
        return -mu_r if mu_r > 20 else None

    def dx_rel(self, x, dx):
        """Size of a change dx of the shooting parameter, relative.

        Both the parameter itself (in a thin wall, x = ln(delta) sets the wall
        radius) and the centre value it implies (delta * dx) must be converged.
        """
        rel = abs(dx) / max(1, abs(x))
        if self.thin:
            rel = max(rel, abs(mpmath.exp(x) * dx) / abs(self.psi0(x)))
        return rel

    def psi0(self, x):
        with mpmath.workprec(self.prec):
            x = mpmath.mpf(x)
            return self.psi_t - mpmath.exp(x) if self.thin else x


# --------------------------------------------------------------------------
# one shot
# --------------------------------------------------------------------------
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
    A = side.A
    d = side.d
    N = A.order
    r0, p, dp, y, dy, r_start, shift = side.start(x)
    h = A.one if not r0 else A.from_float(1.0)
    store = [] if quad else None
    var = newton or quad
    beta = None  # bound on |psi - psi(r0)| over the next step (non-polynomial U)
    dev_fraction = DEVIATION_FRACTION_FINAL if quad else DEVIATION_FRACTION
    M = side.model_shifted if shift else side.model
    Tq = Vq = Qq = dTq = dVq = 0
    reached = False
    min_psi = math.inf
    energy = 0.0
    binom = [math.comb(d - 1, j) for j in range(d)]
    # work of one step: the Cauchy products of order N (big integers: ~N^2 limb
    # products of P bits; floats: interpreter overhead ~N^2 / 8)
    JP = min(len(M.poly) if M.poly is not None else N, N)
    step_work = N * JP * ((P_bits := (A.P or 64)) // 64 + 1)
    steps = 0
    reason = None
    while True:
        steps += 1
        if steps > MAX_STEPS:
            raise ConvergenceError("bounce integration took too many steps; the potential may be "
                                   "too stiff for the Taylor integrator (try a smaller dps)")
        side.prob.charge(step_work)
        b, Y, c, F = tay.step_coeffs(M, p, dp, y, dy, r0, h, N, var=var, beta=beta)
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
        if quad and reached and not A.fixed:
            # the recorded shot must stop inside the window where its deviation
            # is between DEVIATION_FRACTION_FINAL and 1 of psi: that deviation
            # grows like exp(2 r), so the tail steps are kept below TAIL_STEP/m
            hf = A.to_float(h)
            sig = min(sig, TAIL_STEP / hf)
            grow = min(grow, TAIL_STEP / hf)
        if beta is not None or not side.prob.poly:
            # bound on |Delta| over the step actually taken; if the truncated
            # expansion of U assumed less, redo the step with the full one
            bsum = sum(abs(A.to_float(v)) * sig ** k for k, v in enumerate(b) if k)
            if beta is not None and bsum > beta:
                beta = None
                steps -= 1
                continue
            beta = 2 * bsum * max(1.0, grow / sig)
            if not beta < 0.9:
                beta = None
        s = A.from_float(sig)
        hn = A.mul(h, s)
        h_next = A.mul(h, A.from_float(grow))
        pn, dv = tay.horner(A, b, s)
        dpn = A.div(dv, h)
        if var:
            yn, dyv = tay.horner(A, Y, s)
            dyn = A.div(dyv, h)
        else:
            yn = dyn = 0
        if quad:
            store.append(Step(r0, h, s, b, shift))
            bs = [b[0] + shift] + b[1:] if shift else b
            q = _step_integrals(A, d, binom, r0, h, s, bs, Y, c, F, N)
            Tq += q[0]
            Vq += q[1]
            Qq += q[2]
            dTq += q[3]
            dVq += q[4]
        r0 = r0 + hn
        p, dp, y, dy, h = pn, dpn, yn, dyn, h_next
        pf = A.to_float(p) + shift
        dpf = A.to_float(dp)
        if shift and pf < 0.5 * shift:
            # out of the bubble: back to psi itself
            p = p + shift
            shift = 0.0
            M = side.model
        rf = A.to_float(r0)
        apf = abs(pf)
        if not (math.isfinite(pf) and math.isfinite(dpf) and rf > 0 and A.to_float(h) > 0):
            raise _Overflow(f"the shot overflowed near r = {rf:.3g}/m")
        if apf < min_psi:
            min_psi = apf
        if apf < PSI_LINEAR:
            reached = True
        if pf < 0:
            reason = "over"
            energy = 0.5 * dpf * dpf - side.U_float(pf)
            break
        if dpf > 0:
            reason = "under"
            energy = 0.5 * dpf * dpf - side.U_float(pf)
            break
        if reached:
            # final: neglected cubic tail below tolerance
            lg = 3 * math.log2(max(apf, 1e-300)) + (d - 1) * math.log2(max(rf, 1.0)) \
                + math.log2(float(side.c3) + 1)
            if apf == 0.0 or lg <= tol_final_log2:
                reason = "final"
                break
            if newton:
                yf, dyf = A.to_float(y), A.to_float(dy)
                kap = side.kappa_float(rf)
                den = dyf - kap * yf
                res = dpf - kap * pf
                # only once the growing mode dominates y is the Newton estimate sound
                # (in a thin wall y starts as a shift of the wall, a decaying mode),
                # and only if the residual exceeds the mismatch that the neglected
                # nonlinearity alone produces, ~ (c3 + 1) psi^2
                if (den != 0 and math.isfinite(den) and abs(den) >= 0.5 * (abs(dyf) + abs(kap * yf))
                        and abs(res) > 4 * (float(side.c3) + 1) * pf * pf):
                    dx = -res / den
                    if abs(dx * yf) >= dev_fraction * apf and abs(dx) <= newton_trust:
                        reason = "deviate"
                        break
        if rf > 1e7:
            raise ConvergenceError("bounce integration ran past r = 1e7 m^-1 without converging")
    qd = None
    if quad:
        qd = dict(T=Tq, V=Vq, Q=Qq, dT=dTq, dV=dVq)
    return _Shot(reason, reached, r0, p, dp, y, dy, steps, min_psi, store, qd, r_start, shift,
                 energy)


def _step_integrals(A: Arith, d, binom, r0, h, s, b, Y, c, F, N):
    """Integrals of one step: T, V, int psi^2, dT/dx, dV/dx (radial measure r^(d-1) dr).

    With ``r = r0 + t h`` and ``D(t) = h psi'`` (scaled series), the integrands
    are ``D^2 W/(2h)``, ``U W h``, ``psi^2 W h``, ``D D_y W / h`` and
    ``U'(psi) y W h`` with ``W = (r0 + t h)^(d-1)``, integrated exactly over
    ``0 <= t <= s``; ``U`` comes from ``dU/dt = U'(psi) D``.
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
                integ(np.convolve(D, DY), N) / h, h * integ(np.convolve(F_, Y_), len(F_)))
    D = [(k + 1) * b[k + 1] for k in range(len(b) - 1)]
    FD = tay.kron_cauchy(F, D, len(F), A.P)
    Useries = [c[0]] + [A.idiv(FD[k], k + 1) for k in range(len(FD))]
    DD = tay.kron_cauchy(D, D, N, A.P)
    PP = tay.kron_cauchy(b, b, N, A.P)
    # dT/dx, dV/dx only enter the error estimate: a few digits suffice, so
    # they are computed in floats from the rounded series
    # (y grows like exp(r): at high precision the shot runs far enough for it
    # to leave the float range, so y is scaled by 2**-ey and the result back)
    Af = Arith(None)
    fl = [A.to_float(v) for v in (h, s, r0)]
    ey = max((A.log2abs(v) for v in Y if v), default=0)
    ey = int(ey) - 8 if ey > 512 else 0
    Ys = [A.to_float(v >> ey) for v in Y] if ey else [A.to_float(v) for v in Y]
    dT, dV = _step_integrals(Af, d, binom, fl[2], fl[0], fl[1],
                             [A.to_float(v) for v in b], Ys,
                             [A.to_float(v) for v in c[:2]], [A.to_float(v) for v in F], N)[3:]
    if ey:
        return (A.div(tay.integrate_series(A, tay.cauchy(A, DD, W, N), s), 2 * h),
                A.mul(h, tay.integrate_series(A, tay.cauchy(A, Useries, W, N), s)),
                A.mul(h, tay.integrate_series(A, tay.cauchy(A, PP, W, N), s)),
                A.from_mpf(mpmath.ldexp(_clip(dT), ey)), A.from_mpf(mpmath.ldexp(_clip(dV), ey)))
    return (A.div(tay.integrate_series(A, tay.cauchy(A, DD, W, N), s), 2 * h),
            A.mul(h, tay.integrate_series(A, tay.cauchy(A, Useries, W, N), s)),
            A.mul(h, tay.integrate_series(A, tay.cauchy(A, PP, W, N), s)),
            A.from_float(_clip(dT)), A.from_float(_clip(dV)))


def _clip(v: float) -> float:
    """A float sensitivity made finite (overflow only inflates the error estimate)."""
    return math.copysign(1e300, v) if not abs(v) < 1e300 else v


def _newton_step(side: _Side, sh: _Shot):
    """Newton correction dx from the matching condition at the shot's end (mpf)."""
    A = side.A
    with mpmath.workprec(side.prec):
        R = A.to_mpf(sh.R)
        kap = side.kappa(R)
        F = A.to_mpf(sh.dp) - kap * (A.to_mpf(sh.p) + sh.shift)
        dF = A.to_mpf(sh.dy) - kap * A.to_mpf(sh.y)
        if dF == 0:
            raise ConvergenceError("degenerate shooting derivative; try another dps")
        return -F / dF


# --------------------------------------------------------------------------
# drivers
# --------------------------------------------------------------------------
def _double_solve(side: _Side):
    """Bracket, bisect, then Newton, in floats.  Returns (x, |dx|, shot, counts).

    Bisection (shots run to their overshoot/undershoot event) continues until
    a shot follows the bounce into the linear tail, ``|psi| < PSI_LINEAR``;
    Newton then takes over, each step kept inside the bracket.  The parameter
    itself is kept as an mpf with 20 guard bits: in a thin wall ``x = ln(delta)``
    is large and a float would resolve it too coarsely.
    """
    with mpmath.workprec(side.prec):
        return _double_solve_body(side)


def _double_solve_body(side: _Side):
    tol_log2 = -float(DOUBLE_DIGITS + 2) * math.log2(10)
    x0, direction = side.x_bracket()
    br = _Bracket(mpmath.mpf(x0), direction)
    counts = {"bracket": 0, "bisection": 0, "newton": 0}
    # x resolution of a float shot (rounding in the profile moves the root by
    # a few ulps of x); Newton steps or brackets below it mean convergence
    x_tol = 2.0 ** -44

    def shoot(x, key, quad=False):
        counts[key] += 1
        sh = _shoot(side, x, tol_log2, quad=quad, newton_trust=NEWTON_TRUST)
        br.record(x, sh)
        return sh

    # 1. bracket: from the undershooting end (or a thin-wall estimate) outwards
    guess = side.thin_wall_guess()
    if guess is not None:
        x = mpmath.mpf(guess)
        stepsize = 1.0
    else:
        stepsize = 1.0 if side.thin else max(1.0, float(x0))
        x = br.x_under + direction * stepsize
    sh = None
    for _ in range(80):
        if not side.thin and x > MAX_PSI0:
            raise NoSolutionError(
                f"no bounce found: every shot up to phi(0) = {float(x):.3g} phi_e undershoots (the "
                f"potential may grow too steeply at large field for d = {side.d}); check the potential")
        try:
            sh = shoot(x, "bracket")
        except (_Overflow, OverflowError, ZeroDivisionError) as exc:
            raise NoSolutionError(f"no bounce found: the shooting overflows before it overshoots "
                                  f"({exc}); the potential may grow too steeply for d = {side.d}") from None
        if sh.reason not in ("over", "under") or br.x_over is not None and br.has_under_shot:
            break
        if sh.min_psi < NEWTON_PSI and abs(_newton_step(side, sh)) <= NEWTON_TRUST:
            break  # close enough for Newton already
        stepsize *= 2
        if sh.reason == "under":
            x = x + direction * stepsize
        else:  # overshoot from a thin-wall guess: move back towards the undershoot
            x = x - direction * stepsize
            if (x - br.x_under) * direction <= 0:
                x = 0.5 * (br.x_under + br.x_over)
    else:
        raise NoSolutionError("no overshoot found: the shooting never crosses the false vacuum; "
                              "check that the potential has a barrier and a region with U < 0")
    # 2. Illinois on the event energy until a shot reaches the linear tail and
    #    proposes a trusted Newton step; then Newton, guarded by the bracket
    dxa = math.inf
    for it in range(MAX_ITER):
        if sh.min_psi < NEWTON_PSI:
            dx = _newton_step(side, sh)
            if side.dx_rel(x, dx) <= x_tol:
                return x, float(abs(dx)), sh, counts
            xn = x + dx
            if abs(dx) <= NEWTON_TRUST and br.inside(xn):
                dxa = float(abs(dx))
                x = xn
                # a step this small makes the next shot the last one (order 3/2):
                # give it the quadratures right away
                sh = shoot(x, "newton", quad=side.dx_rel(x, dx) <= x_tol ** 0.6)
                continue
        if sh.reason not in ("over", "under"):
            # a deviate/final stop without a usable step: classify it
            counts["bisection"] += 1
            sh = _shoot(side, x, tol_log2, newton=False)
            br.record(x, sh)
        if br.x_over is None:
            # Newton gave up before an overshoot was seen: resume the outward search
            stepsize *= 2
            x = br.x_under + direction * stepsize
            if not side.thin and x > MAX_PSI0:
                raise NoSolutionError("no bounce found: no overshoot up to phi(0) = "
                                      f"{float(x):.3g} phi_e; check the potential")
            sh = shoot(x, "bracket")
            continue
        width = abs(br.x_over - br.x_under)
        if side.dx_rel(x, width) <= x_tol:
            return x, float(width), _shoot(side, x, tol_log2, quad=True), counts
        x = br.next_point()
        sh = shoot(x, "bisection")
    raise ConvergenceError(f"double-precision shooting did not converge in {MAX_ITER} iterations "
                           f"(last |dx| = {dxa:.3g}); the barrier may be too thin for the bracket")


class _Bracket:
    """Undershoot/overshoot bracket with event energies (Illinois regula falsi)."""

    def __init__(self, x_under, direction):
        self.x_under, self.x_over = x_under, None
        self.e_under = self.e_over = None
        self.has_under_shot = False
        self.direction = direction
        self.kept = 0

    def record(self, x, sh):
        if sh.reason == "over":
            if self.x_over is None or (x - self.x_over) * self.direction < 0:
                self.x_over, self.e_over = x, sh.energy
                if self.kept == -1 and self.e_under is not None:
                    self.e_under /= 2  # Illinois: the under end was kept twice
                self.kept = -1
        elif sh.reason == "under":
            if (x - self.x_under) * self.direction > 0:
                self.x_under, self.e_under = x, sh.energy
                self.has_under_shot = True
                if self.kept == 1 and self.e_over is not None:
                    self.e_over /= 2
                self.kept = 1

    def inside(self, x):
        if not mpmath.isfinite(x):
            return False
        if self.x_over is None:
            return (x - self.x_under) * self.direction > 0
        lo, hi = sorted((self.x_under, self.x_over))
        return lo < x < hi

    def next_point(self):
        a, b = self.x_under, self.x_over
        x = (a + b) / 2
        if self.e_under is not None and self.e_over is not None and self.e_over > 0 > self.e_under:
            xf = a - self.e_under * (b - a) / (self.e_over - self.e_under)
            if min(abs(xf - a), abs(xf - b)) > abs(b - a) / 64:
                x = xf
        return x


def _bits(digits: float) -> int:
    return int(math.ceil(digits * math.log2(10))) + 8


def _finish(prob, side: _Side, x, dx, sh: _Shot, counts, dps):
    """Assemble a BounceResult from the final (quadrature) shot."""
    A = side.A
    d = side.d
    prec = side.prec
    with mpmath.workprec(prec):
        R = A.to_mpf(sh.R)
        pR, dpR = A.to_mpf(sh.p) + sh.shift, A.to_mpf(sh.dp)
        q = {k: A.to_mpf(v) for k, v in sh.quad.items()}
        tl = tails.tail_integrals(d, R, pR, dpR)
        Aamp = tl["A"]
        T = q["T"] + tl["T"]
        V = q["V"] + tl["V"]
        Q2 = q["Q"] + tl["Q"]
        r1 = sh.r_start
        if r1:
            # interior of a thin-wall bubble, psi = psi_t - delta Lambda(r), in closed form
            mu, pt = side.mu, side.psi_t
            delta = mpmath.exp(x)
            lam, dlam = side.lam(r1)
            IL2 = tails.regular_sq_integral(d, mu, r1)
            vol = r1 ** d / d
            T += delta ** 2 / 2 * (r1 ** (d - 1) * lam * dlam - mu ** 2 * IL2)
            V += side.deriv_scaled(0, pt) * vol + mu ** 2 * delta ** 2 / 2 * IL2
            Q2 += pt ** 2 * vol - 2 * pt * delta * r1 ** (d - 1) * dlam / mu ** 2 + delta ** 2 * IL2
        S = T + V
        Sv = 2 * T / d
        dS = q["dT"] + q["dV"]
        e_vir = abs(S - Sv) / abs(S)
        e_x = abs(dS * dx) / abs(S)
        e_tail = side.c3 * abs(pR) ** 3 * R ** (d - 1) / abs(S)
        P = side.P if side.P else 53
        # rounding: a few units of 2**-P per step, relative to O(1) integrals
        e_round = 4 * mpmath.mpf(sh.steps) * mpmath.mpf(2) ** (-P)
        # profile: the residual Newton correction times the variation, largest
        # at R (growing mode), plus rounding; absolute, in units of phi_e
        prof_err = abs(dx) * max(abs(A.to_mpf(sh.y)), 1) + mpmath.mpf(2) ** (-P) * sh.steps
        # the returned numbers are rounded to dps digits (or to float64)
        e_repr = mpmath.mpf(2) ** (1 - (mpmath.libmp.dps_to_prec(dps) if dps else 53))
        err = e_vir + e_x + e_tail + e_round + e_repr
        omega = 2 * mpmath.pi ** (mpmath.mpf(d) / 2) / mpmath.gamma(mpmath.mpf(d) / 2)
        ps, m = side.phi_s, side.m
        fac = omega * ps ** 2 * m ** (2 - d)
        out = dict(S=fac * S, Sv=fac * Sv, T=fac * T, V=fac * V,
                   Q=omega * ps ** 2 * m ** (-d) * Q2, err=err,
                   phi0=ps * side.psi0(x + dx), R=R / m,
                   perr=abs(ps) * (prof_err + e_repr * abs(side.psi0(x + dx))))
    prof, dprof = _make_profile(side, sh, Aamp, dps)
    if dps is None:
        conv = float
    else:
        def conv(v):
            with mpmath.workdps(dps):
                return +v
    return BounceResult(
        phi0=conv(out["phi0"]), action=conv(out["S"]), action_virial=conv(out["Sv"]),
        kinetic=conv(out["T"]), potential=conv(out["V"]), charge_integral=conv(out["Q"]),
        error=conv(out["err"]), profile_error=conv(out["perr"]), dps=dps, dim=d,
        sign=side.sign, R_match=conv(out["R"]),
        iterations=counts, status="converged", profile=prof, dprofile=dprof)


def _make_profile(side: _Side, sh: _Shot, Aamp, dps):
    """phi(r) and phi'(r) in physical units from the recorded Taylor steps."""
    A = side.A
    steps = sh.store
    prec = side.prec
    ps, m = side.phi_s, side.m
    with mpmath.workprec(prec):
        starts = [A.to_mpf(st.r0) for st in steps]
        hs = [A.to_mpf(st.h) for st in steps]
        ends = [starts[i] + hs[i] * A.to_mpf(st.sigma) for i, st in enumerate(steps)]
        R = ends[-1]
        r_start = sh.r_start if sh.r_start is not None else mpmath.mpf(0)
        delta = mpmath.exp(side.x_final) if side.thin else None
    out_prec = prec if dps is not None else 53

    def _eval(r, deriv):
        with mpmath.workprec(prec):
            r = mpmath.mpf(r) * m
            if r < 0:
                raise InputError("the profile is defined for r >= 0")
            if r > R:
                v = tails.tail_profile(side.d, Aamp, r, deriv=deriv)
            elif side.thin and r < r_start:
                lam, dlam = side.lam(r) if r > 0 else (mpmath.mpf(1), mpmath.mpf(0))
                v = -delta * dlam if deriv else side.psi_t - delta * lam
            else:
                i = max(0, bisect.bisect_right(starts, r) - 1)
                st = steps[i]
                s = (r - starts[i]) / hs[i]
                cs = [A.to_mpf(c) for c in st.b]
                if deriv:
                    v = mpmath.polyval([k * cs[k] for k in range(len(cs) - 1, 0, -1)], s) / hs[i]
                else:
                    v = mpmath.polyval(cs[::-1], s) + st.shift
            v = ps * v * (m if deriv else 1)
        with mpmath.workprec(out_prec):
            return +v if dps is not None else float(v)

    return (lambda r: _eval(r, False)), (lambda r: _eval(r, True))


def _solve_side_double(prob, sign):
    side = _Side(prob, sign, None)
    x, dxa, sh, counts = _double_solve(side)
    if sh.quad is None:
        tol_log2 = -float(DOUBLE_DIGITS + 2) * math.log2(10)
        sh = _shoot(side, x, tol_log2, quad=True)
        counts["newton"] += 1
    dx = float(_newton_step(side, sh))
    side.x_final = x
    return side, x, dx, sh, counts


def _solve_side_mp(prob, sign, dps):
    # double-precision start
    dside = _Side(prob, sign, None)
    x, dxa, _, counts = _double_solve(dside)
    x = mpmath.mpf(x)
    cur_digits = max(1.0, -math.log10(max(dxa, 1e-300) / max(1.0, abs(float(x)))))
    cur_digits = min(cur_digits, 13.0)
    target = dps + GUARD_DIGITS
    counts["mp_newton"] = 0
    prev_final = None
    # precision ladder planned backwards from the target: each Newton step
    # gains a factor 3/2 in digits (LADDER_GAIN, with margin), so the shot
    # before the last runs at target/LADDER_GAIN digits and the last
    # full-precision shot is already the recorded one (quadratures)
    ladder = [float(target)]
    if target > 1.5 * cur_digits + 2:
        # the recorded shot runs to |psi|**3 R**(d-1) ~ 10**-target, where the
        # growing mode y/psi ~ 10**(2 target/3): x must already be good to
        # that (times DEVIATION_FRACTION_FINAL) for it to end 'final'
        # (2/3), plus the overshoot of the last tail step (~ R/e**2 long, so
        # ~0.09 target digits of growth): PREFINAL_FRACTION of the target
        ladder.append(PREFINAL_FRACTION * target + PREFINAL_MARGIN)
    while ladder[-1] > LADDER_GAIN * cur_digits + 2:
        ladder.append((ladder[-1] - 2) / LADDER_GAIN)
    ladder = ladder[::-1]
    for it in range(40):
        want = ladder.pop(0) if ladder else float(target)
        want = min(target, max(want, min(cur_digits + 2, target)))
        final = want >= target
        # the recorded shot (with quadratures) once x is expected converged
        # (x must be converged: the action's error is ~ (dx y(R))**2)
        quad = final and cur_digits >= target - 2
        P = _bits(want + 4)
        side = _Side(prob, sign, P)
        tol_log2 = -want * math.log2(10)
        if prob.progress is not None:
            prob.progress(f"bounce: Newton step {it + 1} at {want:.0f} digits "
                          f"(~{cur_digits:.0f} of {target} converged)")
        sh = _shoot(side, x, tol_log2, quad=quad)
        counts["mp_newton"] += 1
        if sh.reason in ("over", "under") and not sh.linear:
            raise ConvergenceError("high-precision Newton left the basin of the double-precision "
                                   "start; try a smaller dps or check the potential")
        with mpmath.workprec(side.prec):
            dx = _newton_step(side, sh)
            rel = side.dx_rel(x, dx)
            if quad and sh.reason == "final":
                # converged, or at the rounding floor of x (thin walls: x = ln(delta)
                # is fixed only to the relative rounding of eta at the start; the
                # profile is not affected, and dS/dx * dx enters the error estimate)
                if rel <= mpmath.mpf(10) ** (-target + 2) or (
                        prev_final is not None and abs(dx) >= abs(prev_final) / 4):
                    side.x_final = x
                    return side, x, dx, sh, counts
                prev_final = dx
            x = x + dx
        # after the step the error is ~ rel**(3/2), at best what this shot resolves
        gained = 1.5 * float(-mpmath.log10(rel)) if rel else target
        cur_digits = max(cur_digits, min(want, gained))
        if final and sh.reason == "final":
            cur_digits = target
    raise ConvergenceError(f"high-precision shooting did not converge (dps={dps}); "
                           "try a larger dps or report the potential")


def _solve(num, dim, dps, sign, progress=None):
    if not hasattr(num, "coeffs") or not hasattr(num, "taylor"):
        raise InputError(f"expected a numeric potential (qsym.bridge.numeric_1d), got "
                         f"{type(num).__name__}")
    prob = _Problem(num, dim, sign, progress)
    if progress is not None and dps is not None:
        progress(f"bounce: double-precision start ({len(prob.sides)} direction(s))")
    results = []
    for s in sorted(prob.sides, reverse=True):
        if dps is None:
            side, x, dx, sh, counts = _solve_side_double(prob, s)
        else:
            side, x, dx, sh, counts = _solve_side_mp(prob, s, dps)
        res = _finish(prob, side, x, dx, sh, counts, dps)
        tol = mpmath.mpf(10) ** -dps if dps else DOUBLE_TOL
        if not res.error <= tol:
            raise ConvergenceError(f"bounce error estimate {mpmath.nstr(res.error, 3)} exceeds the "
                                   f"tolerance {mpmath.nstr(tol, 3)}; try a larger dps")
        results.append(res)
    return min(results, key=lambda r: r.action)


def solve_bounce(num, dim: int = 3, dps: int = 30, sign: int | None = None,
                 progress: Callable[[str], None] | None = None) -> BounceResult:
    """Bounce of a :class:`~qsym.bridge.Numeric1D` potential to ``dps`` digits.

    ``sign`` restricts the escape direction (+1 / -1); by default both sides
    with a region ``U < 0`` are solved and the lower action is returned.
    ``progress``, if given, is called with a short message at each
    high-precision Newton step (library code never prints).
    Raises InputError (bad input), NoSolutionError (no barrier/no bounce) or
    ConvergenceError (with a remedy); every solve ends within WORK_BUDGET.
    """
    from qsym.bridge import check_dps
    dps = check_dps(dps)
    return _solve(num, dim, dps, sign, progress)


def solve_bounce_double(num, dim: int = 3, sign: int | None = None) -> BounceResult:
    """The fast double-precision path for scans (floats, same result object).

    Typical relative error 1e-15 to 1e-14 (estimate in ``error``, honest
    against the high-precision path); raises ConvergenceError if the estimate
    exceeds ``DOUBLE_TOL``.
    """
    return _solve(num, dim, None, sign)


def bounce(potential, omega=None, dim: int = 3, dps: int = 30, sign: int | None = None,
           progress: Callable[[str], None] | None = None) -> BounceResult:
    """Bounce of a single-field :class:`~qsym.symbolic.potential.Potential` (of U_omega if omega is given).

    ``omega`` may be a number (numpy scalars included), a SymPy number or text
    (parsed by :func:`qsym.symbolic.potential.parse_value`); ``progress`` as in
    :func:`solve_bounce`.
    """
    from qsym.bridge import check_dps, numeric_1d
    from qsym.symbolic.potential import Potential
    if not isinstance(potential, Potential):
        raise InputError(f"expected a qsym.symbolic.potential.Potential, got {type(potential).__name__}")
    dps = check_dps(dps)
    var, expr = potential.single_field()
    if omega is not None:
        from qsym.symbolic.potential import parse_value
        if isinstance(omega, (bool, np.bool_)):
            raise InputError(f"omega must be a number, got {omega!r}")
        if isinstance(omega, np.integer):
            omega = int(omega)
        elif isinstance(omega, np.floating):
            omega = float(omega)
        om = parse_value(omega)
        m2 = potential.mass_matrix()[0, 0]
        if (m2 - om**2).is_positive is False:
            raise InputError(f"omega = {omega} is not below the mass sqrt(U''(0)) = {m2**0.5}: "
                             "U_omega has no false vacuum at the origin (Q-balls need omega < m)")
        expr = potential.U_omega(om).subs(potential.values)
    try:
        num = numeric_1d(expr, var)
    except (ValueError, NotImplementedError, TypeError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"U cannot be evaluated numerically ({type(exc).__name__}); the bounce "
                         "solver needs a real-analytic U") from None
    return solve_bounce(num, dim=dim, dps=dps, sign=sign, progress=progress)


_S_PSI_CACHE: dict = {}


def s_psi(dps: int = 30):
    """``(S_psi, error)``: the d = 3 bounce action of ``psi^2/2 - psi^3`` (paper eq (13): ~4.85).

    ``error`` is the estimated relative error.  Results are cached per ``dps``.
    """
    from qsym.bridge import check_dps
    from qsym.symbolic.potential import Potential
    dps = check_dps(dps)
    if dps not in _S_PSI_CACHE:
        res = bounce(Potential("psi**2/2 - psi**3", ["psi"]), dim=3, dps=dps)
        _S_PSI_CACHE[dps] = (res.action, res.error)
    return _S_PSI_CACHE[dps]
