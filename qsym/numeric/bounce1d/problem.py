r"""Validated single-field bounce problem: the origin, the field scale and the landscape.

:class:`_Problem` checks the input (dimension, analyticity, a non-degenerate
false vacuum at the origin, ``U(0) = U'(0) = 0 < U''(0) = m^2``) and finds,
for each escape direction, the escape point ``phi_e`` (``U(phi_e) = 0``) and
the second minimum ``phi_t`` beyond the barrier, if any:

.. math::  U(\phi_e) = 0, \qquad U'(\phi_t) = 0, \quad |\phi_t| > |\phi_e| .

It also carries the work budget of one solve (:data:`WORK_BUDGET`).
"""

from __future__ import annotations

import math

import flint
import mpmath
import numpy as np

from qsym.errors import ConvergenceError, InputError, NoFalseVacuumError, NoSolutionError, NotAnalyticError

__all__ = ["PolyPotential", "MAX_POLY_DEGREE", "WORK_BUDGET"]

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
#: the scan of a non-polynomial U first tries blocks of this many grid points (doubled after a
#: block is proven of one sign by a ball enclosure, up to MAX_SCAN_BLOCK)
SCAN_BLOCK = 8
MAX_SCAN_BLOCK = 512
#: root refinement (safeguarded Newton) iteration cap
MAX_ROOT_ITER = 400
#: polynomial degree limit (the integrator's cost per step grows with the degree)
MAX_POLY_DEGREE = 200
#: largest Euclidean dimension accepted
MAX_DIM = 64
#: work budget of one solve, in units of coefficient operations (per Taylor
#: step: order x terms of U x 64-bit limbs; per series evaluation of a
#: non-polynomial U: terms^2 x its size; per landscape point SCAN_COST),
#: summed over all shots.  Measured (after the relaxed products and the
#: half-precision variational series): S_psi at dps 300 needs 3.8e6 units
#: (~2.5-4 s), dps 1000 a few 1e7 (~1-2 min, about 2 us per unit); the budget
#: lets dps up to MAX_DPS = 2000 finish for S_psi-like problems and ends any
#: input within about ten minutes with ConvergenceError
WORK_BUDGET = 3e8
#: work units charged per landscape grid point
SCAN_COST = 50


class PolyPotential:
    r"""A polynomial potential given by its exact coefficients, without SymPy.

    .. math::  U(\phi) = \sum_i u_i \phi^i, \qquad u_i \in \mathbb{Q}

    Implements the interface the bounce engine reads from :class:`qsym.bridge.Numeric1D`
    (``coeffs``, ``expr``, ``U``, ``dU``, ``d2U``, ``taylor``, ``origin``), so numeric code and
    tests can solve a polynomial bounce directly.

    >>> from fractions import Fraction
    >>> U = PolyPotential([0, 0, Fraction(1, 2), -1])
    >>> U.origin()
    (0, 0, mpf('1.0'))
    >>> float(U.U(mpmath.mpf(1)))
    -0.5
    """

    expr = None

    def __init__(self, coeffs):
        from fractions import Fraction
        self.coeffs = tuple(Fraction(c) for c in coeffs)

    def _eval(self, x, k: int):
        c = self.coeffs
        cs = [_fnum(c[i]) * math.perm(i, k) for i in range(len(c) - 1, k - 1, -1)]
        return mpmath.polyval(cs, mpmath.mpf(x)) if cs else mpmath.mpf(0)

    def U(self, x):
        return self._eval(x, 0)

    def dU(self, x):
        return self._eval(x, 1)

    def d2U(self, x):
        return self._eval(x, 2)

    def taylor(self, x0, n: int) -> list:
        """``[U^(j)(x0)/j!]_{j<n}`` (mpf at the current precision)."""
        return [self._eval(x0, j) / math.factorial(j) for j in range(n)]

    def origin(self, dps: int = 50):
        """``(U(0), U'(0), U''(0))``: exact 0 where the coefficient vanishes, else an mpf."""
        out = []
        for k in range(3):
            v = self.coeffs[k] * math.factorial(k) if k < len(self.coeffs) else 0
            if v == 0:
                out.append(0)
            else:
                with mpmath.workdps(dps):
                    out.append(_fnum(v))
        return tuple(out)


def _fnum(x):
    return mpmath.mpf(x.numerator) / x.denominator


def _centered_sign(prog, lo, hi, k, prec):
    r"""+1 / -1 when the mean-value form proves the sign of ``U^(k)`` on ``[lo, hi]``, else 0:

    .. math:: U^{(k)}([l, h]) \subset U^{(k)}(c) + U^{(k+1)}([l, h])\,[l - c, h - c],
              \qquad c = (l + h)/2

    (tighter than the interval run where ``U^(k)`` is a small difference of large terms; the
    value at ``c`` and the derivative over the interval are Arb enclosures)."""
    try:
        c = (lo + hi) / 2
        fc = prog.enclose(c, c, k, prec)
        d = prog.enclose(lo, hi, k + 1, prec)
        if not (fc.is_finite() and d.is_finite()):
            return 0
        with flint.ctx.workprec(prec):
            e = fc + d * flint.arb(0, flint.arb(mpmath.mpf(hi - lo)) / 2 * (1 + flint.arb(2) ** -40))
    except (ArithmeticError, ValueError):
        return 0
    return 1 if e > 0 else (-1 if e < 0 else 0)


class _Grid:
    """``c * y_i`` as mpf at the precision in force, each point built once."""

    __slots__ = ("c", "ys", "memo")

    def __init__(self, c, ys):
        self.c, self.ys, self.memo = c, ys, {}

    def __call__(self, i):
        v = self.memo.get(i)
        if v is None:
            v = self.memo[i] = self.c * mpmath.mpf(float(self.ys[i]))
        return v


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
        self.online = None        # the online program of a non-polynomial U (built by _Side)
        self._check_analytic()
        # the origin: exact (SymPy) decisions where possible, else ORIGIN_DPS digits
        u0, du0, m2 = num.origin(ORIGIN_DPS)
        if u0 != 0:
            raise NoFalseVacuumError(f"U(0) = {mpmath.nstr(u0, 6)}: the false vacuum must be at the origin with U(0) = 0")
        if du0 != 0:
            raise NoFalseVacuumError(f"U'(0) = {mpmath.nstr(du0, 6)}: the origin is not a minimum of U")
        if not m2 > 0:
            raise NoFalseVacuumError(f"U''(0) = {mpmath.nstr(m2, 6)}: the origin is not a non-degenerate "
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
                raise NotAnalyticError(f"U contains {type(e).__name__}(...): the bounce solver needs U "
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
            raise NotAnalyticError("U is not real-analytic at the origin (the solver needs its "
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

        k=0: U from + to -; k=1: s*U' from - to +.  Returns a bracket or None.  The grid points
        up to ``beyond`` are skipped by index; for k=0 the leading grid points on which
        :meth:`_origin_positive` proves ``U > 0`` are skipped too (the point-wise loop would
        only have set ``prev`` on them).
        """
        want = -1 if k == 0 else 1
        sgn = s if k else 1
        with mpmath.workdps(SCALE_DPS):
            ps = self.scale
            ys = np.logspace(-SCAN_DECADES, SCAN_DECADES, SCAN_PER_DECADE * 2 * SCAN_DECADES + 1)
            pt = _Grid(s * ps, ys)
            prev = None
            first = True
            i, block, next_try = 0, SCAN_BLOCK, 0
            if beyond is not None:
                # the first grid point past |beyond| (float guess, then the exact comparison)
                i = max(int(np.searchsorted(ys, float(abs(beyond) / ps))) - 2, 0)
                while i < len(ys) and abs(pt(i)) <= abs(beyond):
                    i += 1
            elif k == 0:
                j = self._origin_positive(pt, len(ys))
                if j >= 0:
                    self.charge(SCAN_COST)
                    prev, first, i = pt(j), False, j + 1
            while i < len(ys):
                x = pt(i)
                # a block of grid points on which a ball enclosure proves the sign -want: all of
                # them would set prev (the point-wise loop below gives the same answer)
                j = min(i + block, len(ys)) - 1
                if i >= next_try and j > i and self._block_sign(x, pt(j), k, sgn) == -want:
                    self.charge(SCAN_COST)
                    prev, first = pt(j), False
                    i, block = j + 1, min(2 * block, MAX_SCAN_BLOCK)
                    continue
                if i >= next_try and j > i and block > SCAN_BLOCK:
                    block //= 2         # the block failed: a shorter one (interval runs widen)
                    continue
                if i >= next_try:       # the shortest block failed: point-wise for a while
                    block, next_try = SCAN_BLOCK, i + SCAN_BLOCK
                i += 1
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

    def _origin_positive(self, pt, n):
        r"""The last grid index ``j`` with ``U > 0`` proven on ``(0, pt(j)]``, or -1.

        Taylor's theorem with the Lagrange remainder, the third derivative enclosed by Arb
        over the whole interval (no cancellation: the mass term does not reach it):

        .. math:: U(x) = \tfrac{m^2}{2} x^2 + \tfrac{U^{(3)}(\xi)}{6} x^3, \qquad
                  |x|\,\max_{[0, x]} |U^{(3)}|/6 < m^2/2 \Rightarrow U(x) > 0 .

        Binary search on the grid (the condition holds on an initial segment).
        """
        prog = getattr(self.num, "program", None)
        if prog is None:
            return -1
        c2 = self.m2 / 2 * (1 - mpmath.mpf(2) ** -60)     # m2: ORIGIN_DPS digits
        prec = int(SCALE_DPS * 3.33) + 16

        def ok(j):
            x = pt(j)
            try:
                e = prog.enclose(min(x, 0), max(x, 0), 3, prec=prec)
            except (ArithmeticError, ValueError):
                return False
            if not e.is_finite():
                return False
            with flint.ctx.workprec(prec):
                return bool(abs(e).upper() / 6 * flint.arb(abs(x)) < flint.arb(c2))

        lo, hi = -1, n - 1
        if ok(hi):
            return hi
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if ok(mid):
                lo = mid
            else:
                hi = mid
        return lo

    def _block_sign(self, a, b, k, sgn):
        """``sgn * sign(U^(k))`` on the whole interval between a and b when an Arb enclosure
        (the program of a non-polynomial U) proves it, else 0."""
        prog = getattr(self.num, "program", None)
        if prog is None:
            return 0
        lo, hi = (a, b) if a <= b else (b, a)
        prec = int(SCALE_DPS * 3.33) + 16
        got = prog.sign_on(lo, hi, k, prec=prec)
        return sgn * (got or _centered_sign(prog, lo, hi, k, prec))

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
                # converged Newton step first: a step below one ulp gives xn == x == a bracket end,
                # which the strict bracket test below would turn into ~70 bisections
                if xn is not None and min(a, b) <= xn <= max(a, b) and abs(xn - x) <= tol * abs(x):
                    return xn
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
