"""Taylor-series integrator of the radial bounce equation (private).

The equation, in the dimensionless units of :mod:`qsym.numeric.bounce1d.solver`
(field in units of the escape point, radius in units of the inverse mass), is

.. math::  \\psi'' + \\frac{d-1}{r}\\psi' = \\tilde U'(\\psi),

integrated together with its variational equation
``y'' + (d-1)/r y' = U''(psi) y`` (``y = d psi / d x`` for the shooting
parameter ``x``).  About an expansion point ``r0`` with ``r = r0 + s h`` the
scaled Taylor coefficients ``b_k = a_k h^k`` obey the exact recurrence
(multiply the equation by ``r``)

.. math::  b_{k+2} = \\frac{h^2 F_k + (h^3/r_0) F_{k-1} - (h/r_0)(k+1)(k+d-1) b_{k+1}}{(k+2)(k+1)}

and at ``r0 = 0`` (regular solution, even in r) ``b_{k+2} = h^2 F_k / ((k+2)(k+d))``,
where ``F_k`` are the scaled coefficients of ``U'(psi(r0 + s h))``.  Those come
from the Taylor coefficients ``c_j = U^{(j)}(psi_0)/j!`` of the potential at
the expansion point and the Cauchy powers of ``Delta = psi - psi_0``:
``F = sum_j (j+1) c_{j+1} Delta^j``.  For a polynomial U the ``c_j`` follow
exactly from its coefficients (a Taylor shift); otherwise they are exact
derivatives supplied by the bridge.

Arithmetic is either Python floats (the fast double path) or fixed point:
integers (gmpy2 ``mpz`` when available) scaled by ``2**P``.  Fixed point makes
every Cauchy product one C-level ``sum(map(mul, ...))`` followed by one shift;
the absolute rounding error per operation is ``2**-P`` in units where the
field is O(1).

Order and step follow Jorba & Zou (Exp. Math. 14 (2005) 99): with absolute
tolerance ``eps = 2**-P`` the optimal order is ``N = ln(1/eps)/2`` and the step
``h = rho / e**2``, ``rho`` the radius of convergence estimated from the last
two coefficients; the truncation error per step is then about ``eps``.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field

import mpmath
from mpmath.libmp import MPZ, to_fixed

from qsym.numeric.kernels.fixedstep import cubic_step
from qsym.numeric.kernels.relaxed import Relaxed
from qsym.numeric.kernels.stepops import (  # noqa: F401  (the integrator's step operations, re-exported)
    _MAX_GROWTH, _NOISE_BITS, _RADIUS_WINDOW, cauchy, horner, integrate_series, integrate_weighted,
    kron_cauchy, radius_factor, step_integrands)

_mul = operator.mul
_add = operator.add

#: fixed point from this order on (dps ~420): relaxed products with operand cuts (qsym.numeric.kernels.relaxed);
#: below, the naive products of the shrinking coefficients are as fast (measured at N = 370, 421, 567)
RELAXED_MIN_ORDER = 500
#: fixed point, U of degree <= 3, naive products: the whole step in one loop
#: (qsym.numeric.kernels.fixedstep, the same integers)
FUSED_CUBIC = True
#: fixed point: fraction of the working bits (and of the order) with which the
#: variational series y is computed (Newton needs the derivative to only a
#: third of the digits when each step gains a factor 3/2; half is safe)
VAR_FRACTION = 0.5


#: order of the double path's Taylor steps (see :class:`Arith`)
FLOAT_ORDER = 25


class Arith:
    """Number system of one integration: floats (``P is None``) or fixed point."""

    def __init__(self, P: int | None):
        self.P = P
        self.fixed = P is not None
        self.one = (MPZ(1) << P) if self.fixed else 1.0
        # order and step fraction from the tolerance 2**-P.  Fixed point: the
        # cost of a step grows like N**2 (big-integer Cauchy products), and the
        # optimum is Jorba-Zou's N = ln(1/eps)/2, h = rho/e**2.  Floats: the
        # cost is dominated by per-coefficient interpreter overhead, i.e. it
        # grows like N; minimising N/h = N/(rho eps**(1/N)) gives N = ln(1/eps),
        # h = rho/e (measured then: 1.6x faster than the N**2 optimum at 53 bits).
        # Since the per-step work outside the coefficients went down (numpy quadratures, compiled
        # online programs) the optimum moved to FLOAT_ORDER, h = rho eps**(1/(N-2)) (measured,
        # double solves of polynomial, exp-type and log-plateau Q-balls: N = 39 / 30 / 24 / 20 / 16
        # -> 1 / 0.85 / 0.75 / 0.8 / 1.05 of the time; same truncation 2**-53 per step).
        if self.fixed:
            self.order = int(math.ceil(P * math.log(2) / 2)) + 3
            self.step_fraction = math.exp(-2.0)
        else:
            self.order = FLOAT_ORDER
            self.step_fraction = math.exp(-53 * math.log(2) / (FLOAT_ORDER - 2))

    # conversions --------------------------------------------------------
    def from_mpf(self, x):
        if self.fixed:
            return MPZ(to_fixed(mpmath.mpf(x)._mpf_, self.P))
        return float(x)

    def to_mpf(self, v):
        if self.fixed:
            return mpmath.mpf((MPZ(v), -self.P))
        return mpmath.mpf(v)

    def to_float(self, v) -> float:
        if self.fixed:
            try:
                return int(v) / (1 << self.P) if v else 0.0
            except OverflowError:
                return math.inf if v > 0 else -math.inf
        return v

    def from_float(self, x: float):
        if self.fixed:
            if not math.isfinite(x):
                raise OverflowError(f"non-finite value {x!r} in fixed point")
            # exact: x = man * 2**ex with a 53-bit integer man (no float overflow)
            man, ex = math.frexp(x)
            man = int(man * 2.0**53)
            sh = self.P + ex - 53
            return MPZ(man) << sh if sh >= 0 else MPZ(man) >> -sh
        return x

    # arithmetic ---------------------------------------------------------
    def mul(self, a, b):
        return (a * b) >> self.P if self.fixed else a * b

    def div(self, a, b):
        """a / b for two numbers of this system."""
        return (a << self.P) // b if self.fixed else a / b

    def idiv(self, a, n: int):
        return a // n if self.fixed else a / n

    def dot(self, a, b):
        """sum(a_i b_i) for aligned sequences."""
        s = sum(map(_mul, a, b))
        return s >> self.P if self.fixed else s

    def log2abs(self, v) -> float:
        """log2 |v| (in units of one); -inf for zero."""
        if not v:
            return -math.inf
        if self.fixed:
            return int(v).bit_length() - self.P if v > 0 else (-int(v)).bit_length() - self.P
        return math.log2(abs(v))


@dataclass
class Step:
    """One Taylor step: ``psi(r0 + s h) = sum b_k s^k`` for ``0 <= s <= sigma``."""

    r0: object      # expansion point (mpf or float)
    h: object       # scale of the coefficients
    sigma: object   # end of the step in units of h
    b: list         # scaled coefficients (Arith numbers)
    shift: float = 0.0  # the series is of psi - shift
    Y: list | None = None  # scaled coefficients of y = d psi/dx (first-order profile correction)


def taylor_shift_poly(A: Arith, u: list, x0) -> list:
    """``c_j = U^(j)(x0)/j!`` for ``U = sum u_i x^i`` (fixed/float coefficients)."""
    n = len(u)
    c = list(u)
    # repeated synthetic division (Horner shift), exact in the chosen arithmetic
    for i in range(n):
        for k in range(n - 2, i - 1, -1):
            c[k] = c[k] + A.mul(x0, c[k + 1])
    return c


@dataclass
class Model:
    """The dimensionless potential in one arithmetic.

    ``poly`` are the coefficients ``u_i`` of ``U = sum u_i psi^i`` (Arith
    numbers) or None; then ``derivs(x0, n)`` returns ``[U^(j)(x0)/j!]_{j<n}``
    as Arith numbers (exact derivatives from the bridge).
    """

    A: Arith
    d: int
    poly: list | None = None
    derivs: object = None
    deriv_cache: dict = field(default_factory=dict)
    #: floats, non-polynomial U: ``(OnlineProgram, xscale, f_scale, g_scale, u_scale, shift)`` for the
    #: online evaluation of U', U'' along the series (:mod:`qsym.numeric.kernels.online`)
    online: tuple | None = None

    def taylor(self, x0, n: int, beta=None) -> list:
        """``[U^(j)(x0)/j!]`` for ``j < n``; for a non-polynomial U the list may
        stop early once ``|c_j| j^2 beta^(j-2)`` is negligible (``beta`` bounds
        ``sum_k |b_k|``, so that ``|(Delta^j)_k| <= beta^j``)."""
        if self.poly is not None:
            c = taylor_shift_poly(self.A, self.poly, x0)
            return (c + [0] * n)[:max(n, len(c))]
        return self.derivs(x0, n, beta)


def step_coeffs(M: Model, p0, dp0, y0, dy0, r0, h, N: int, var: bool = True, beta=None,
                out: dict | None = None):
    r"""Scaled Taylor coefficients of psi (and y) about r0 with scale h.

    .. math::  b_{k+2} = \frac{h^2 F_k + (h^3/r_0) F_{k-1} - (h/r_0)(k+1)(k+d-1) b_{k+1}}{(k+2)(k+1)}

    ``r0, h`` are Arith numbers; ``r0 == 0`` selects the regular expansion at
    the origin.  Returns ``(b, Y, c, F)``: the coefficients of psi and y, the
    Taylor coefficients ``c`` of U at ``p0`` and those of ``U'(psi(s))``.
    With a dict ``out``, also stores the powers of ``Delta = psi - p0``
    (``out["D"]``, columns ``0..N-2``), ``out["fc"]``, the scale exponent ``out["e"]`` and ``out["F"]``.

    >>> A = Arith(None)
    >>> M = Model(A, 3, poly=[0.0, 0.0, 0.5, -1.0])      # U = psi^2/2 - psi^3
    >>> b, Y, c, F = step_coeffs(M, 1.0, 0.0, 1.0, 0.0, 0, 1.0, 6)
    >>> b[:3], F[0]                                       # psi'' (0) = U'(1)/3
    ([1.0, 0.0, -0.3333333333333333], -2.0)
    """
    A = M.A
    if M.online is not None:
        return _step_online(M, p0, dp0, y0, dy0, r0, h, N, var)
    c, fc, gc, e = _derivative_columns(M, p0, N, beta)
    JP = max(len(fc), len(gc), 2)
    fixed, P = A.fixed, A.P
    if (FUSED_CUBIC and fixed and M.poly is not None and JP <= 3 and N < RELAXED_MIN_ORDER
            and (not var or (VAR_FRACTION < 1 and _ReducedVariational.order(N) < N - 1))):
        b, Y, F, D = cubic_step(P, M.d, fc, gc, p0, dp0, y0, dy0, r0, h, N, var,
                                _ReducedVariational.bits(P), _ReducedVariational.order(N))
        if out is not None:
            out.update(D=D, fc=fc, e=e, F=F)
        return b, (Y if var else None), c, F
    if fixed:
        b = [p0, (h * dp0) >> P]
        Y = [y0, (h * dy0) >> P]
    else:
        b = [p0, h * dp0]
        Y = [y0, h * dy0]
    rec = _Recurrence(A, M.d, r0, h)
    pw = _Powers(A, b, e, JP, N)
    vs = None
    if var:
        reduced = fixed and VAR_FRACTION < 1 and _ReducedVariational.order(N) < N - 1
        vs = (_ReducedVariational if reduced else _Variational)(A, Y, gc, N, pw.rel)
    F = []
    for k in range(N - 1):
        col = pw.column(k)
        s = sum(map(_mul, fc, col))
        Fk = s >> P if fixed else s
        F.append(Fk)
        b.append(rec.next_b(k, Fk, F[k - 1] if k else 0, b[k + 1]))
        if vs is not None:
            vs.advance(k, col, rec)
    if out is not None:
        out.update(D=pw.D, fc=fc, e=e, F=F)
    return b, (Y if var else None), c, F


def _step_online(M: Model, p0, dp0, y0, dy0, r0, h, N: int, var: bool):
    """:func:`step_coeffs` in floats with U', U'' evaluated online along the series (a
    non-polynomial U: no Taylor expansion of U at p0, no powers of Delta)."""
    A = M.A
    prog, xs, fs, gs, us, shift, Pw, near = M.online
    fixed, P = A.fixed, A.P
    if not fixed and Pw is not None:
        return _step_online_mixed(M, p0, dp0, y0, dy0, r0, h, N, var)
    if fixed:
        run = prog.start_fixed(P, Pw, shift, xs, fs, gs)
        b = [p0, (h * dp0) >> P]
        Y = [y0, (h * dy0) >> P]
    else:
        run = prog.start(p0, float(shift), float(xs), float(fs), float(gs))
        b = [p0, h * dp0]
        Y = [y0, h * dy0]
    rec = _Recurrence(A, M.d, r0, h)
    F, G = [], []
    u0 = 0
    GYprev = 0
    # fixed point: y feeds only the Newton derivative and needs a fraction of the digits
    # (as _ReducedVariational): its series stops at that order, later coefficients are zero
    Nv = _ReducedVariational.order(N) if fixed and VAR_FRACTION < 1 else N - 1
    for k in range(N - 1):
        wg = var and k < Nv
        Fk, Gk, Uk = run.advance(b[k], wg) if fixed else run.advance(b[k])
        if k == 0:
            u0 = (Uk * _fixed_of(us, Pw)) >> (2 * Pw - P) if fixed else Uk * float(us)
            if near is not None and abs(b[0]) <= near[1]:
                # next to the true vacuum U' is O(chi): from its series about psi_t, not from the
                # cancelling terms of the program (side._near_vacuum)
                Fk = 0.0
                for f in reversed(near[0]):
                    Fk = Fk * b[0] + f
        F.append(Fk)
        b.append(rec.next_b(k, Fk, F[k - 1] if k else 0, b[k + 1]))
        if wg:
            G.append(Gk)
            GY = sum(map(_mul, G, Y[k::-1]))
            if fixed:
                GY >>= P
            Y.append(rec.next_y(k, GY, GYprev, Y[k + 1]))
            GYprev = GY
        elif var:
            Y.append(0)
    return b, (Y if var else None), [u0], F


def _step_online_mixed(M: Model, p0, dp0, y0, dy0, r0, h, N: int, var: bool):
    """The double path's step when a double evaluation of U, U', U'' would lose bits to
    cancellation: the series in floats, the online run of the program in fixed point with ``Pw``
    bits (every float coefficient converted exactly, every output rounded once to a float)."""
    A = M.A
    prog, xs, fs, gs, us, shift, Pw, _ = M.online
    run = prog.start_fixed(Pw, Pw, shift, xs, fs, gs)
    ldexp = math.ldexp
    b = [p0, h * dp0]
    Y = [y0, h * dy0]
    rec = _Recurrence(A, M.d, r0, h)
    F, G = [], []
    u0 = 0.0
    GYprev = 0.0
    for k in range(N - 1):
        try:
            Fi, Gi, Ui = run.advance(int(ldexp(b[k], Pw)), var)
        except ValueError:                      # a NaN coefficient: the shot left the range
            raise OverflowError("non-finite Taylor coefficient in the double path") from None
        if k == 0:
            u0 = ldexp(float((Ui * _fixed_of(us, Pw)) >> Pw), -Pw)
        Fk = ldexp(float(Fi), -Pw)
        F.append(Fk)
        b.append(rec.next_b(k, Fk, F[k - 1] if k else 0, b[k + 1]))
        if var:
            G.append(ldexp(float(Gi), -Pw))
            GY = sum(map(_mul, G, Y[k::-1]))
            Y.append(rec.next_y(k, GY, GYprev, Y[k + 1]))
            GYprev = GY
    return b, (Y if var else None), [u0], F


def _fixed_of(v, P: int):
    """An mpf as a fixed-point integer with P fraction bits (exactly, whatever the global precision)."""
    return MPZ(to_fixed(v._mpf_ if isinstance(v, mpmath.mpf) else mpmath.mpf(v)._mpf_, P))


def _derivative_columns(M: Model, p0, N: int, beta):
    """Taylor coefficients ``c`` of U at p0 and those of U', U'' in powers of Delta.

    Returns ``(c, fc, gc, e)`` with ``F = sum fc_j Delta^j``, ``G = sum gc_j Delta^j``.
    Fixed point, non-polynomial U: when ``c_j`` grows like ``g**j`` (radius of
    convergence ``1/g < 1``) the absolute rounding ``2**-P`` of every ``(Delta^j)_k``
    would be amplified by ``c_j``; the powers are then taken of ``Delta / lam``,
    ``lam = 2**-e ~ 1/g``, and ``fc_j, gc_j`` carry ``lam**j`` (exact shifts).
    """
    A = M.A
    J = N + 2 if M.poly is None else len(M.poly)
    c = M.taylor(p0, J + 1, beta)
    J = min(J, len(c) - 1)
    fc = [(j + 1) * c[j + 1] for j in range(J)]
    gc = [(j + 2) * (j + 1) * c[j + 2] for j in range(J - 1)]
    e = 0
    if A.fixed and M.poly is None:
        for j in range(3, len(c)):
            if c[j]:
                e = max(e, int(A.log2abs(c[j]) // j))
    if e:
        fc = [v >> (e * j) for j, v in enumerate(fc)]
        gc = [v >> (e * j) for j, v in enumerate(gc)]
    while fc and not fc[-1]:
        fc.pop()
    while gc and not gc[-1]:
        gc.pop()
    return c, fc, gc, e


class _Recurrence:
    """The linear part of the Taylor recurrence (origin or regular point)."""

    def __init__(self, A: Arith, d: int, r0, h):
        self.A, self.d = A, d
        self.fixed, self.P = A.fixed, A.P
        self.h2 = (h * h) >> A.P if A.fixed else h * h
        self.origin = not r0
        if not self.origin:
            self.B = A.div(A.mul(self.h2, h), r0)
            self.C = A.div(h, r0)

    def next_b(self, k: int, Fk, Fprev, b1):
        """``b_{k+2}`` from ``F_k``, ``F_{k-1}`` and ``b_{k+1}``."""
        P, h2 = self.P, self.h2
        if self.origin:
            den = (k + 2) * (k + self.d)
            return ((h2 * Fk) >> P) // den if self.fixed else h2 * Fk / den
        den = (k + 2) * (k + 1)
        num = h2 * Fk - self.C * ((k + 1) * (k + self.d - 1)) * b1
        if k:
            num += self.B * Fprev
        return (num >> P) // den if self.fixed else num / den

    def next_y(self, k: int, GY, GYprev, y1):
        """``Y_{k+2}`` of the variational series (same linear map as :meth:`next_b`)."""
        P, h2 = self.P, self.h2
        if self.origin:
            den = (k + 2) * (k + self.d)
            return ((h2 * GY) >> P) // den if self.fixed else h2 * GY / den
        den = (k + 2) * (k + 1)
        num = h2 * GY + self.B * GYprev - self.C * ((k + 1) * (k + self.d - 1)) * y1
        return (num >> P) // den if self.fixed else num / den


class _Powers:
    """Column by column Cauchy powers ``(Delta^j)_k`` of ``Delta = psi - p0``, ``j < JP``."""

    def __init__(self, A: Arith, b: list, e: int, JP: int, N: int):
        self.A, self.b, self.e, self.JP = A, b, e, JP
        self.fixed, self.P = A.fixed, A.P
        # D[j] holds the coefficients of Delta^j; D[1] = (0, b1, b2, ...).
        # (Delta^j)_k vanishes for k < j; the convolutions run over all
        # i = 1..k-1 with those zeros included, which keeps the slices simple.
        self.D1 = [0, b[1] << e if e else b[1]]
        self.D = [None, self.D1] + [[0, 0] for _ in range(2, JP)]
        self.zeros = [0] * (JP + 1)
        # fixed point, high order: the products run as relaxed (online) products,
        # most of their pairs in big Kronecker multiplications (exact, same sums)
        self.rel = None
        if A.fixed and N >= RELAXED_MIN_ORDER:
            # (tiles to 2**(P - 8) per coefficient: their sums are shifted by P)
            self.rel = [None, None] + [Relaxed(self.D[j - 1], self.D1, limit=N, tolerance_bits=self.P - 8)
                                       for j in range(2, JP)]

    def column(self, k: int) -> list:
        """``[(Delta^0)_k, ..., (Delta^(JP-1))_k]`` (needs ``b_k``)."""
        JP, zeros, D1 = self.JP, self.zeros, self.D1
        if k == 0:
            return [self.A.one] + zeros[:JP - 1]
        if k == 1:
            return [0, D1[1]] + zeros[:JP - 2]
        e = self.e
        bk = self.b[k] << e if e else self.b[k]
        D1.append(bk)
        col = [0, bk]
        head = D1[1:k]
        prev = D1
        D, rel, fixed, P = self.D, self.rel, self.fixed, self.P
        for j in range(2, min(JP, k + 1)):
            Dj = D[j]
            if rel:
                s = rel[j].coef(k)
            elif j == 2:
                # square: symmetric sum, half the products
                hk = (k - 1) // 2
                s = sum(map(_mul, D1[1:hk + 1], D1[k - 1:k - hk - 1:-1])) * 2
                if not k & 1:
                    s += D1[k >> 1] * D1[k >> 1]
            else:
                s = sum(map(_mul, head, prev[k - 1:0:-1]))
            if fixed:
                s >>= P
            Dj.append(s)
            col.append(s)
            prev = Dj
        for j in range(max(2, k + 1), JP):
            D[j].append(0)
        col += zeros[:JP - len(col)]
        return col


class _Variational:
    """The variational series ``y`` at the working precision: ``G = U''(psi)``, ``GY = G y``."""

    def __init__(self, A: Arith, Y: list, gc: list, N: int, rel):
        self.A, self.Y, self.gc, self.N = A, Y, gc, N
        self.G = []
        self.GYprev = 0
        self.rel = None
        self.relaxed = rel is not None

    def advance(self, k: int, col: list, rec: _Recurrence):
        A, Y, G = self.A, self.Y, self.G
        s = sum(map(_mul, self.gc, col))
        G.append(s >> A.P if A.fixed else s)
        if self.relaxed:
            if k == 0:
                self.rel = Relaxed(G, Y, limit=self.N)
            s = self.rel.coef(k)
        else:
            s = sum(map(_mul, G, Y[k::-1]))
        GY = s >> A.P if A.fixed else s
        Y.append(rec.next_y(k, GY, self.GYprev, Y[k + 1]))
        self.GYprev = GY


class _ReducedVariational:
    """Fixed point: ``y`` only feeds the Newton derivative (and error estimates),
    which needs a fraction :data:`VAR_FRACTION` of the digits; its convolution
    runs on operands cut to that many bits relative to their size, and only to
    the order that precision needs (coefficients beyond it are zero)."""

    def __init__(self, A: Arith, Y: list, gc: list, N: int, rel):
        P = A.P
        self.A, self.Y, self.gc = A, Y, gc
        Pv = self.bits(P)
        self.Pv = Pv
        self.Nv = self.order(N)
        self.sg = max(0, P - Pv)
        self.sy = max(0, max(abs(int(Y[0])).bit_length(), abs(int(Y[1])).bit_length()) - Pv)
        self.sgy = self.sg + self.sy - P
        self.Gs = []
        self.Ys = [Y[0] >> self.sy, Y[1] >> self.sy]
        self.GYprev = 0
        self.relaxed = rel is not None
        self.rel = None

    @staticmethod
    def bits(P: int) -> int:
        """Bits of the variational series (relative to its size at the step's start)."""
        return int(P * VAR_FRACTION) + 32

    @staticmethod
    def order(N: int) -> int:
        """Number of variational coefficients computed (beyond two initial ones)."""
        return min(N - 1, int(N * VAR_FRACTION) + 8)

    def advance(self, k: int, col: list, rec: _Recurrence):
        Y = self.Y
        if k < self.Nv:
            s = sum(map(_mul, self.gc, col))
            self.Gs.append(s >> (self.A.P + self.sg))
            if self.relaxed:
                if k == 0:
                    # (to 2**(Pv - 8) per coefficient: Gs and Ys carry Pv bits)
                    self.rel = Relaxed(self.Gs, self.Ys, limit=self.Nv, tolerance_bits=self.Pv - 8)
                s = self.rel.coef(k)
            else:
                s = sum(map(_mul, self.Gs, self.Ys[k::-1]))
            sgy = self.sgy
            GY = s << sgy if sgy >= 0 else s >> -sgy
            Y.append(rec.next_y(k, GY, self.GYprev, Y[k + 1]))
        else:
            GY = 0
            Y.append(0)
        self.GYprev = GY
        self.Ys.append(Y[-1] >> self.sy)
