r"""Radial bounces of any number of fields, by the Improved Action method.

Solves the coupled radial equations

.. math::  \phi_i'' + \frac{d-1}{r}\phi_i' = \frac{\partial U}{\partial\phi_i},
           \qquad \phi_i'(0) = 0, \quad \phi_i(\infty) = 0,

for a false vacuum at the origin (``U(0) = 0``, ``grad U(0) = 0``, positive
definite mass matrix) in ``d >= 2`` Euclidean dimensions, in whichever
direction of field space the escape takes (``d = 2``, where the reduced
action degenerates, is reached by continuing the ``d = 3`` solution in the
dimension).  ``d = 3`` with ``U -> U_omega``
is the multi-flavour Q-ball of the paper's section 1 (eq (8)).

Method
------
1. **Start.** Straight rays from the origin locate the region ``U < 0``;
   Gaussian and tanh-wall trial profiles along each ray (the wall radius is
   scanned, for thin walls) give first values of the reduced action and pick
   the escape direction(s): the best few and the nearest escape are
   minimised, and the lowest minimum is polished.
2. **Improved Action.** With ``T = int |grad phi|^2/2`` and ``V = int U``,

   .. math::  \tilde S[\phi] = \frac{2}{d}\Big(\frac{d-2}{d}\Big)^{(d-2)/2}
              \frac{T^{d/2}}{(-V)^{(d-2)/2}}

   is *minimal* (not a saddle) at the bounce, where it equals the bounce
   action (Coleman, Glaser, Martin).  It is minimised over the nodal values
   of a spectral-element discretisation (Chebyshev-Lobatto elements on
   ``[0, L]``) by L-BFGS preconditioned with the discrete ``-Laplacian + m^2``
   (numpy only).  The minimiser is the bounce up to ``r -> lambda r``; the
   Derrick factor ``lambda^2 = (d-2) T / (d (-V))`` restores the virial
   identity ``S = (2/d) T``.  Configurations with ``V >= 0`` are rejected, so
   potentials unbounded below away from the bounce are no problem.
3. **Newton polish (double).** Collocation of the field equations on
   Chebyshev-Lobatto elements, continuity of ``phi'`` across element
   interfaces, ``phi'(0) = 0``, and at the outer radius ``R`` the matching of
   every normal mode ``a_j`` of the mass matrix to its decaying linear
   solution ``r^{-nu} K_nu(m_j r)``, ``nu = d/2 - 1``.  ``R`` is where the
   neglected cubic tail ``|phi(R)|^3 R^{d-1}`` is below the tolerance.  The
   elements are refined until the Chebyshev coefficients of every element
   have decayed to the tolerance.  The Jacobian is solved by static
   condensation (element interiors eliminated element by element, then a
   block-tridiagonal system in the interface values, n x n blocks, solved by
   block cyclic reduction with a residual check and a pivoted banded LU as
   fallback), so a Newton step costs O(elements); no dense matrix of the
   whole system is ever formed.  The minimiser's preconditioner
   ``-Laplacian + m^2`` is block tridiagonal in the same way.  The Newton
   solution must reproduce the minimum of the
   reduced action (an independent check that Newton found the bounce and not
   another solution).  When the float solve is noise-limited above
   ``DOUBLE_TOL`` (very thin walls: an ill-conditioned Jacobian), the double
   path finishes with step 4 at a few digits beyond double.
4. **High precision** (``dps`` given): the element orders are chosen from the
   measured decay rates of the double-precision coefficients, and Newton is
   continued as mixed-precision iterative refinement: residuals in mpmath at
   ``dps + GUARD_DIGITS`` digits (the derivative sums as exact integer dot
   products of fixed-point numbers), corrections from the double-precision
   Jacobian (each step gains about ten digits).  The coefficients are checked
   again a posteriori at full precision.
5. **Integrals.** ``T``, ``V`` and ``int phi_k^2`` by Clenshaw-Curtis
   quadrature per element plus the linear tails beyond ``R`` in closed form
   (Bessel functions).  ``action = T + V`` (stationary at the solution) and
   ``action_virial = (2/d) T`` are returned separately; the error estimate
   adds their difference, the coefficient tails, the neglected cubic tail, the
   last Newton correction and a rounding bound.

Where a sign flip ``phi_k -> -phi_k`` (or a pattern of flips) is a symmetry of
``U``, the reported centre values follow the paper's convention ``phi_k >= 0``.

Units inside: the field in units of the escape distance ``Phi`` along the
best ray and the radius in units of ``1/m``, ``m^2`` the lowest eigenvalue of
the mass matrix, so that every tolerance below is relative to O(1) numbers.

>>> import sympy as sp
>>> from qsym.bridge import numeric_nd
>>> a, b = sp.symbols("a b")
>>> res = solve_bounce_multi(numeric_nd(a**2/2 - a**3 + b**2 + a**2*b**2, [a, b]))
>>> round(res.action, 9), res.error < 1e-10
(4.851137413, True)
>>> abs(res.action - res.action_virial) < res.error * res.action
True
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

import mpmath
import numpy as np

from qsym.errors import ConvergenceError, InputError, NoSolutionError
from qsym.numeric.bounce_nd.banded import BandLU, BlockTridiag

__all__ = ["MultiBounceResult", "MultiQBallResult", "solve_bounce_multi", "bounce_multi",
           "qball_multi", "solve_charge_multi"]

# --------------------------------------------------------------------------
# named tolerances and limits
# --------------------------------------------------------------------------
#: extra decimal digits carried beyond the requested ``dps``
GUARD_DIGITS = 10
#: digits the double path designs its mesh for (float64 carries 15.95; the
#: collocation solve loses about two to conditioning)
DOUBLE_DIGITS = 13
#: relative error the double path guarantees (else ConvergenceError)
DOUBLE_TOL = 1e-10
#: when the float solve is noise-limited, the double path polishes with mpmath
#: residuals to this many digits beyond DOUBLE_DIGITS
FALLBACK_DIGITS = 6
#: unit roundoff of float64
EPS = float(np.finfo(float).eps)
#: U(0), grad U(0) count as zero below this, relative to the mass scale
#: (checked at ORIGIN_CHECK_DPS digits)
ORIGIN_TOL = 1e-20
ORIGIN_CHECK_DPS = 30
#: Chebyshev points per element in the minimiser, and its largest number of elements
N_MIN = 10
MAX_MIN_ELEMENTS = 200
#: growth factor of the minimiser's elements beyond the trial profile
MIN_GROWTH = 1.3
#: Chebyshev points per element: first Newton mesh, and the cap before an element is split
N_NEWTON = 16
N_MAX = 48
#: guard bits of the fixed-point derivative sums in the high-precision residual
FIXED_GUARD_BITS = 24
#: the high-precision mesh is designed for this many digits beyond the target (the
#: decay rates are extrapolated from double-precision coefficients)
HP_DESIGN_MARGIN = 3


def _n_cap(digits):
    """Points per element allowed before splitting: N_MAX, or about one per digit at
    high precision (fewer, larger elements are cheaper there)."""
    return max(N_MAX, int(math.ceil(0.8 * digits)) // 2 * 2)
#: largest element (units 1/m) of the Newton mesh's tail, and the growth of the tail elements
H_TAIL = 4.0
TAIL_GROWTH = 1.5
#: most elements of a Newton mesh (beyond that: ConvergenceError)
MAX_ELEMENTS = 1500
#: the block-tridiagonal solve of the condensed Jacobian (no pivoting between blocks) is
#: accepted when its residual is below this, relative to |rhs| + |M| |x|; otherwise
#: the pivoted banded LU (banded.BandLU, O(elements)) is used
BTD_RESID_TOL = 1e-9
BTD_SCALE_FLOOR = 1e-300
#: steps of the continuation in the dimension (d < 3 starts from d = 3)
DIM_STEPS = 4
#: a double-precision Newton correction below this (relative) that no longer
#: shrinks quadratically is rounding noise; it enters the error estimate
NEWTON_FLOOR = 1e-9
#: a solved bounce is a warm start (Newton from its profile) when its lowest mass^2 is
#: within this factor of the problem's
WARM_M2_RATIO = 1.5
#: iteration caps
MAX_MIN_ITER = 4000
MAX_NEWTON = 40
MAX_REFINE = 8
MAX_MP_ITER = 30
#: L-BFGS memory
LBFGS_MEMORY = 12
#: the minimiser stops when the reduced action changes by less than this
#: (relative) over MIN_STALL iterations: Newton only needs its basin
MIN_FTOL = 1e-8
MIN_STALL = 3
#: the polished action must agree with the minimum of the reduced action to this
#: (relative; the minimiser's own discretisation error is far smaller)
AGREE_TOL = 2e-3
#: at most this many escape directions are minimised
MAX_CANDIDATES = 3
#: a second direction is a candidate when its trial action is below this factor times the best
CANDIDATE_FACTOR = 2.0
#: rounding floor of the Chebyshev coefficients of a double-precision solution
#: (relative to max |psi|): coefficients below it count as resolved
COEFF_FLOOR = 1e3 * EPS
#: elements are refined until their last Chebyshev coefficients fall below
#: 10**-digits; the truncation error estimate is this multiple of that size
TRUNC_SAFETY = 10.0


# --------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class MultiBounceResult:
    """A multi-field radial bounce.

    ``phi0`` are the centre values, ``action`` = ``kinetic + potential``
    (``T + V``), ``action_virial`` = ``(2/d) T``, ``charge_integrals`` are
    ``int phi_k^2 d^dx`` for every field, ``error`` estimates the relative
    error of ``action``.  Numbers are mpf at ``dps`` digits, or floats when
    ``dps`` is None.  ``profile(r)`` returns the tuple of field values at
    radius ``r`` (``dprofile`` their derivatives), at the same precision.
    """

    phi0: tuple
    action: object
    action_virial: object
    kinetic: object
    potential: object
    charge_integrals: tuple
    error: object
    dps: int | None
    dim: int
    iterations: dict
    status: str
    R_match: object = None
    profile: Callable = field(default=None, repr=False, compare=False)
    dprofile: Callable = field(default=None, repr=False, compare=False)
    #: the double-precision solution in scaled units (warm start of a nearby problem)
    state: dict = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict:
        """The CLI payload: action, phi0 (list), dps, error (strings at dps digits)."""
        def s(v):
            if self.dps is None:
                return repr(float(v))
            return mpmath.nstr(v, self.dps)
        return {"action": s(self.action), "phi0": [s(v) for v in self.phi0],
                "dps": self.dps, "error": mpmath.nstr(mpmath.mpf(self.error), 3),
                "action_virial": s(self.action_virial),
                "charge_integrals": [s(v) for v in self.charge_integrals],
                "dim": self.dim, "status": self.status}

    def _repr_latex_(self) -> str:
        """Jupyter: the action with its error and the centre values."""
        from qsym.results import latex_pm, latex_rows as _latex_rows
        phi0 = r",\ ".join(latex_pm(v, dps=self.dps) for v in self.phi0)
        return _latex_rows([("S", latex_pm(self.action, self.error, dps=self.dps)),
                            (r"\phi_k(0)", rf"\left({phi0}\right)")],
                           f"{len(self.phi0)}-field bounce in d = {self.dim}, {self.status}")


@dataclass(frozen=True)
class MultiQBallResult:
    """A multi-field Q-ball at frequency ``omega`` (paper eqs (5)-(8)).

    ``charges[k] = omega q_k^2 int phi_k^2`` (derived from eqs (1), (6)),
    ``charge`` their sum, ``energy = S_omega + omega Q`` (eq (8) at the
    bounce of ``U_omega``), ``bounce`` the bounce of ``U_omega``.
    """

    omega: object
    charge: object
    energy: object
    charges: tuple
    error: object
    dps: int | None
    bounce: MultiBounceResult = field(repr=False)

    def _repr_latex_(self) -> str:
        """Jupyter: omega, the charge and the energy with their error, the charge per field."""
        from qsym.results import latex_pm, latex_rows as _latex_rows
        qk = r",\ ".join(latex_pm(v, self.error, dps=self.dps) for v in self.charges)
        return _latex_rows([(r"\omega", latex_pm(self.omega, dps=self.dps)),
                            ("Q", latex_pm(self.charge, self.error, dps=self.dps)),
                            ("E", latex_pm(self.energy, self.error, dps=self.dps)),
                            ("Q_k", rf"\left({qk}\right)")],
                           f"{len(self.charges)}-field Q-ball")


# --------------------------------------------------------------------------
# Chebyshev-Lobatto element data
# --------------------------------------------------------------------------
_CHEB_CACHE: dict = {}


def _cheb(N: int, prec: int | None):
    """Nodes (ascending), barycentric weights, D, D^2, Clenshaw-Curtis weights and
    the values -> coefficients matrix on [-1, 1]; floats (``prec`` None) or mpf."""
    key = (N, prec)
    if key in _CHEB_CACHE:
        return _CHEB_CACHE[key]
    if len(_CHEB_CACHE) > 64:
        _CHEB_CACHE.clear()
    if prec is None:
        _CHEB_CACHE[key] = _cheb_float(N)
        return _CHEB_CACHE[key]
    with mpmath.workprec(prec + 10):
        # cos(pi m / N) for m = 0 .. 2N-1: every cosine below is one of these
        ct = [mpmath.cospi(mpmath.mpf(m) / N) for m in range(2 * N)]
        cs = lambda m: ct[m % (2 * N)]  # noqa: E731
        x = [-ct[j] for j in range(N + 1)]
        x[0], x[N] = mpmath.mpf(-1), mpmath.mpf(1)
        if N % 2 == 0:
            x[N // 2] = mpmath.mpf(0)
        bw = [mpmath.mpf((-1) ** j) * (mpmath.mpf(1) / 2 if j in (0, N) else 1) for j in range(N + 1)]
        D = [[mpmath.mpf(0)] * (N + 1) for _ in range(N + 1)]
        for i in range(N + 1):
            s = mpmath.mpf(0)
            for j in range(N + 1):
                if i != j:
                    D[i][j] = (bw[j] / bw[i]) / (x[i] - x[j])
                    s += D[i][j]
            D[i][i] = -s
        # second derivative, O(N^2): D2_ij = 2 D_ij (D_ii - 1/(x_i - x_j)), rows sum to zero
        D2 = [[mpmath.mpf(0)] * (N + 1) for _ in range(N + 1)]
        for i in range(N + 1):
            s = mpmath.mpf(0)
            for j in range(N + 1):
                if i != j:
                    D2[i][j] = 2 * D[i][j] * (D[i][i] - 1 / (x[i] - x[j]))
                    s += D2[i][j]
            D2[i][i] = -s
        # Clenshaw-Curtis weights (Trefethen, Spectral Methods in MATLAB, clencurt)
        w = [mpmath.mpf(0)] * (N + 1)
        v = [mpmath.mpf(1)] * (N + 1)
        if N % 2 == 0:
            w[0] = w[N] = mpmath.mpf(1) / (N * N - 1)
            for k in range(1, N // 2):
                for j in range(1, N):
                    v[j] -= 2 * cs(2 * k * j) / (4 * k * k - 1)
            for j in range(1, N):
                v[j] -= cs(N * j) / (N * N - 1)
        else:
            w[0] = w[N] = mpmath.mpf(1) / (N * N)
            for k in range(1, (N - 1) // 2 + 1):
                for j in range(1, N):
                    v[j] -= 2 * cs(2 * k * j) / (4 * k * k - 1)
        for j in range(1, N):
            w[j] = 2 * v[j] / N
        # coefficients: c_k = (2/N) g_k sum'' f_j cos(k pi (N-j)/N)
        C = [[(mpmath.mpf(2) / N) * (mpmath.mpf(1) / 2 if k in (0, N) else 1)
              * (mpmath.mpf(1) / 2 if j in (0, N) else 1) * cs(k * (N - j))
              for j in range(N + 1)] for k in range(N + 1)]
    if prec is None:
        out = (np.array([float(t) for t in x]), np.array([float(t) for t in bw]),
               np.array([[float(t) for t in row] for row in D]),
               np.array([[float(t) for t in row] for row in D2]),
               np.array([float(t) for t in w]),
               np.array([[float(t) for t in row] for row in C]))
    else:
        with mpmath.workprec(prec):
            out = tuple([+t for t in x]), tuple([+t for t in bw]), \
                [[+t for t in row] for row in D], [[+t for t in row] for row in D2], \
                tuple([+t for t in w]), [[+t for t in row] for row in C]
    _CHEB_CACHE[key] = out
    return out


def _cheb_float(N: int):
    """The double-precision version of :func:`_cheb` (numpy; same formulas)."""
    j = np.arange(N + 1)
    x = -np.cos(np.pi * j / N)
    x[0], x[N] = -1.0, 1.0
    if N % 2 == 0:
        x[N // 2] = 0.0
    bw = (-1.0) ** j
    bw[0] *= 0.5
    bw[N] *= 0.5
    dx = x[:, None] - x[None, :]
    np.fill_diagonal(dx, 1.0)
    D = (bw[None, :] / bw[:, None]) / dx
    np.fill_diagonal(D, 0.0)
    np.fill_diagonal(D, -D.sum(axis=1))
    D2 = D @ D
    th = np.pi * j / N
    w = np.zeros(N + 1)
    v = np.ones(N - 1)
    if N % 2 == 0:
        w[0] = w[N] = 1.0 / (N * N - 1)
        for k in range(1, N // 2):
            v -= 2 * np.cos(2 * k * th[1:N]) / (4 * k * k - 1)
        v -= np.cos(N * th[1:N]) / (N * N - 1)
    else:
        w[0] = w[N] = 1.0 / (N * N)
        for k in range(1, (N - 1) // 2 + 1):
            v -= 2 * np.cos(2 * k * th[1:N]) / (4 * k * k - 1)
    w[1:N] = 2 * v / N
    g = np.where((j == 0) | (j == N), 0.5, 1.0)
    C = (2.0 / N) * g[:, None] * g[None, :] * np.cos(np.pi * j[:, None] * (N - j[None, :]) / N)
    return x, bw, D, D2, w, C


_GL16 = np.polynomial.legendre.leggauss(16)


def _trial_quadrature(top: float):
    """Composite 16-point Gauss-Legendre nodes and weights on [0, top] (panels of width 4)."""
    k = int(math.ceil(top / 4))
    a = np.arange(k)[:, None] * (top / k)
    x = (a + (top / k) * (_GL16[0][None, :] + 1) / 2).ravel()
    w = np.tile(_GL16[1] * (top / k) / 2, k)
    return x, w


class _Mesh:
    """Chebyshev-Lobatto elements with float edges ``0 = e_0 < ... < e_E = R``."""

    def __init__(self, edges, N: int):
        self.edges = np.asarray(edges, dtype=float)
        self.N = int(N)
        self.E = len(self.edges) - 1
        self.h = np.diff(self.edges)
        self.Np = self.E * self.N + 1
        x, bw, D, D2, w, C = _cheb(self.N, None)
        self.x, self.bw, self.D, self.D2, self.w, self.C = x, bw, D, D2, w, C
        self.idx = (np.arange(self.E)[:, None] * self.N + np.arange(self.N + 1)[None, :])
        self.r = np.empty(self.Np)
        self.r[self.idx] = self.edges[:-1, None] + self.h[:, None] * (x[None, :] + 1) / 2
        self.r[0] = 0.0
        self.R = float(self.edges[-1])

    def weights(self, d):
        """Quadrature weights of ``int f r^{d-1} dr`` at the global nodes."""
        W = np.zeros(self.Np)
        loc = (self.h[:, None] / 2) * self.w[None, :] * self.r[self.idx] ** (d - 1)
        np.add.at(W, self.idx, loc)
        return W

    def interp(self, vals, rr):
        """Values of the piecewise interpolant (n, Np) at radii rr (zero beyond R)."""
        rr = np.atleast_1d(np.asarray(rr, dtype=float))
        out = np.zeros((vals.shape[0], len(rr)))
        e = np.clip(np.searchsorted(self.edges, rr, side="right") - 1, 0, self.E - 1)
        inside = rr <= self.R
        for i in np.nonzero(inside)[0]:
            ei = e[i]
            xl = 2 * (rr[i] - self.edges[ei]) / self.h[ei] - 1
            diff = xl - self.x
            hit = np.nonzero(diff == 0)[0]
            seg = vals[:, self.idx[ei]]
            if len(hit):
                out[:, i] = seg[:, hit[0]]
            else:
                t = self.bw / diff
                out[:, i] = seg @ t / t.sum()
        return out

    def coeffs(self, vals):
        """Chebyshev coefficients per element: array (n, E, N+1)."""
        return vals[:, self.idx] @ self.C.T


# --------------------------------------------------------------------------
# block-tridiagonal solves (the radial problem on elements is block-banded)
# --------------------------------------------------------------------------
#: the block-tridiagonal solver (block cyclic reduction) and its pivoted banded fallback
_BlockTridiag = BlockTridiag


# --------------------------------------------------------------------------
# the problem: validation, scaling, modes
# --------------------------------------------------------------------------
def _bcast(vals, shape):
    return np.stack([np.broadcast_to(np.asarray(v, dtype=float), shape) for v in vals])


#: SymPy function classes that make U non-analytic (the spectral method needs smooth U)
_NON_ANALYTIC = {"Abs", "sign", "Heaviside", "Piecewise", "Min", "Max", "floor", "ceiling",
                 "DiracDelta", "frac", "re", "im", "arg", "Mod"}


def _check_analytic(expr):
    """Reject non-analytic functions of the fields (walks the expression tree by type name;
    constants such as ``Abs(A*y)`` with numbers are already numbers here)."""
    stack = [expr] if expr is not None else []
    while stack:
        e = stack.pop()
        name = type(e).__name__
        if name in _NON_ANALYTIC and getattr(e, "free_symbols", None):
            raise InputError(f"U contains {name}(...) of the fields: the bounce solver needs U "
                             "smooth (real-analytic); write it without it")
        stack.extend(getattr(e, "args", ()))


# --------------------------------------------------------------------------
# U_omega of a family: one numeric U, the omega term added at call time
# --------------------------------------------------------------------------
class ShiftedND:
    r"""``U_omega = U - omega^2/2 sum_k c_k phi_k^2`` from a numeric ``U`` (a
    :class:`~qsym.bridge.NumericND`) without a new lambdify per omega.

    .. math::  U_\omega(\phi) = U(\phi) - \frac{\omega^2}{2}\sum_k c_k \phi_k^2

    ``c`` are the squared charges and ``omega2`` is omega^2, exact (:class:`fractions.Fraction`;
    the mpmath callables evaluate it at the caller's precision).  ``poly`` (optional) is U as ``{exponents: Fraction}``; the shifted one
    is then available as ``self.poly`` (the exact polynomial of U_omega).

    >>> import sympy as sp
    >>> from qsym.bridge import numeric_nd
    >>> a, b = sp.symbols("a b")
    >>> s = ShiftedND(numeric_nd(a**2 + b**2, [a, b]), [Fraction(1), Fraction(0)], Fraction(1, 4))
    >>> float(s.U(1, 1)), s.grad_np(1.0, 1.0)
    (1.875, [1.75, 2.0])
    """

    def __init__(self, base, c, omega2, poly=None):
        self.base, self.vars, self.expr = base, base.vars, getattr(base, "expr", None)
        self.c = [Fraction(v) for v in c]
        self.w2 = Fraction(omega2)
        self._w2f = float(self.w2)
        self.poly = None
        if poly is not None:
            pl = dict(poly)
            n = len(self.c)
            for k in range(n):
                e = tuple(2 if i == k else 0 for i in range(n))
                pl[e] = pl.get(e, Fraction(0)) - self.w2 * self.c[k] / 2
            self.poly = {e: v for e, v in pl.items() if v != 0}

    def _w2mp(self):
        return mpmath.mpf(self.w2.numerator) / self.w2.denominator

    def U(self, *phi):
        w2 = self._w2mp()
        return self.base.U(*phi) - w2 / 2 * mpmath.fsum(
            mpmath.mpf(ck.numerator) / ck.denominator * p * p for ck, p in zip(self.c, phi) if ck)

    def grad(self, *phi):
        w2 = self._w2mp()
        g = self.base.grad(*phi)
        return [gk - w2 * (mpmath.mpf(ck.numerator) / ck.denominator) * p if ck else gk
                for gk, ck, p in zip(g, self.c, phi)]

    def hess(self, *phi):
        w2 = self._w2mp()
        H = [list(row) for row in self.base.hess(*phi)]
        for k, ck in enumerate(self.c):
            if ck:
                H[k][k] = H[k][k] - w2 * (mpmath.mpf(ck.numerator) / ck.denominator)
        return H

    def U_np(self, *phi):
        u = self.base.U_np(*phi)
        return u - self._w2f / 2 * sum(float(ck) * p * p for ck, p in zip(self.c, phi) if ck)

    def grad_np(self, *phi):
        g = self.base.grad_np(*phi)
        return [gk - self._w2f * float(ck) * p if ck else gk for gk, ck, p in zip(g, self.c, phi)]

    def hess_np(self, *phi):
        H = [list(row) for row in self.base.hess_np(*phi)]
        for k, ck in enumerate(self.c):
            if ck:
                H[k][k] = H[k][k] - self._w2f * float(ck)
        return H


class _Problem:
    def __init__(self, num, dim):
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or dim < 2:
            raise InputError(f"dim must be an integer >= 2, got {dim!r}")
        self.d = int(dim)
        self.num = num
        try:
            self.n = len(num.vars)
        except (AttributeError, TypeError):
            raise InputError("solve_bounce_multi needs a NumericND (qsym.bridge.numeric_nd)") from None
        if self.n < 1:
            raise InputError("at least one field is required")
        n = self.n
        _check_analytic(getattr(num, "expr", None))
        with mpmath.workdps(ORIGIN_CHECK_DPS):
            z = [mpmath.mpf(0)] * n
            try:
                u0 = mpmath.mpf(num.U(*z))
                g0 = [mpmath.mpf(v) for v in num.grad(*z)]
                H0 = [[mpmath.mpf(v) for v in row] for row in num.hess(*z)]
            except (TypeError, ValueError, ZeroDivisionError) as exc:
                raise InputError(f"U cannot be evaluated at the origin ({type(exc).__name__}); "
                                 "it must be smooth there") from None
            if len(g0) != n or len(H0) != n or any(len(row) != n for row in H0):
                raise InputError(f"the potential's gradient has {len(g0)} components for "
                                 f"{n} fields: fields and potential do not match")
            if not all(mpmath.isfinite(v) for v in [u0] + g0 + [h for row in H0 for h in row]):
                raise InputError("U or its derivatives are not finite at the origin")
            Hs = mpmath.matrix(H0)
            ev, _ = mpmath.eigsy(Hs)
            ev = sorted(ev)
            scale = max(abs(ev[0]), abs(ev[-1]), mpmath.mpf(10) ** -300)
            if abs(u0) > ORIGIN_TOL * scale:
                raise InputError(f"U(0) = {mpmath.nstr(u0, 6)}: the false vacuum must be at the "
                                 "origin with U(0) = 0")
            for k, g in enumerate(g0):
                if abs(g) > ORIGIN_TOL * scale:
                    raise InputError(f"dU/d{num.vars[k]} = {mpmath.nstr(g, 6)} at the origin: "
                                     "the origin is not a minimum of U")
            if not ev[0] > ORIGIN_TOL * scale:
                raise InputError("the origin is not a non-degenerate minimum of U (lowest mass^2 "
                                 f"{mpmath.nstr(ev[0], 6)}): no false vacuum to decay from")
        self.m2 = float(ev[0])           # the radius unit is 1/sqrt(m2)
        self.H0 = H0
        self.Phi = None                  # field unit, set by _directions

    # scaled potential: U~(psi) = U(Phi psi)/(m2 Phi^2) --------------------------
    def U_np(self, psi):
        phi = [self.Phi * psi[k] for k in range(self.n)]
        with np.errstate(all="ignore"):
            u = np.asarray(self.num.U_np(*phi), dtype=float)
        return np.broadcast_to(u, psi.shape[1:]) / (self.m2 * self.Phi ** 2)

    def grad_np(self, psi):
        phi = [self.Phi * psi[k] for k in range(self.n)]
        with np.errstate(all="ignore"):
            g = _bcast(self.num.grad_np(*phi), psi.shape[1:])
        return g / (self.m2 * self.Phi)

    def hess_np(self, psi):
        phi = [self.Phi * psi[k] for k in range(self.n)]
        with np.errstate(all="ignore"):
            h = self.num.hess_np(*phi)
        shp = psi.shape[1:]
        return np.stack([_bcast(row, shp) for row in h]) / self.m2

    def U_mp(self, psi):
        Phi = mpmath.mpf(self.Phi)
        return mpmath.mpf(self.num.U(*[Phi * p for p in psi])) / (mpmath.mpf(self.m2) * Phi ** 2)

    def grad_mp(self, psi):
        Phi = mpmath.mpf(self.Phi)
        c = mpmath.mpf(self.m2) * Phi
        return [mpmath.mpf(g) / c for g in self.num.grad(*[Phi * p for p in psi])]

    def modes(self, prec):
        """Scaled mode masses mu_j and orthogonal O (columns), float or mpf."""
        if prec is None:
            M = np.array([[float(v) for v in row] for row in self.H0]) / self.m2
            ev, O = np.linalg.eigh(M)
            return np.sqrt(np.maximum(ev, 0)), O
        with mpmath.workprec(prec):
            z = [mpmath.mpf(0)] * self.n
            M = mpmath.matrix([[mpmath.mpf(v) for v in row] for row in self.num.hess(*z)])
            M = M / mpmath.mpf(self.m2)
            ev, O = mpmath.eigsy(M)
            # same order and signs as the double-precision modes (the Jacobian is double)
            _, Od = self.modes(None)
            order = sorted(range(self.n), key=lambda j: ev[j])
            mu, cols = [], []
            for j in order:
                col = [O[i, j] for i in range(self.n)]
                jd = len(cols)
                if sum(float(col[i]) * Od[i, jd] for i in range(self.n)) < 0:
                    col = [-v for v in col]
                mu.append(mpmath.sqrt(ev[j]))
                cols.append(col)
            Ol = [[cols[j][i] for j in range(self.n)] for i in range(self.n)]
            return mu, Ol


# --------------------------------------------------------------------------
# 1. escape directions and trial profiles
# --------------------------------------------------------------------------
def _sphere(n):
    if n == 1:
        return np.array([[1.0], [-1.0]])
    if n == 2:
        t = np.arange(72) * (2 * np.pi / 72)
        return np.stack([np.cos(t), np.sin(t)], axis=1)
    rng = np.random.default_rng(20260401)
    v = rng.normal(size=(40 * n, n))
    v /= np.linalg.norm(v, axis=1)[:, None]
    ax = np.concatenate([np.eye(n), -np.eye(n), np.ones((1, n)) / math.sqrt(n)])
    return np.concatenate([ax, v])


#: trial shapes: Gaussian (0) and tanh walls at these radii (units of the wall width)
TRIAL_SHAPES = (0, 2, 5, 10, 20, 40, 80, 160, 320)


def _trial_shape(sh, x):
    """Trial profile g_s(x) with g_s(0) = 1 and its derivative."""
    if sh == 0:
        g = np.exp(-x ** 2 / 2)
        return g, -x * g
    n0 = 1 - math.tanh(-sh)
    th = np.tanh(x - sh)
    return (1 - th) / n0, -(1 - th ** 2) / n0


def _directions(P: _Problem):
    """Candidate escape directions: list of (trial action, e, amplitude, width) best first."""
    n, d = P.n, P.d
    dirs = _sphere(n)
    t = np.geomspace(1e-8, 1e8, 1601)
    phi = [dirs[:, k, None] * t[None, :] for k in range(n)]
    with np.errstate(all="ignore"):
        U = np.broadcast_to(np.asarray(P.num.U_np(*phi), dtype=float), (len(dirs), len(t)))
    neg = (U < 0) & np.isfinite(U)
    has = neg.any(axis=1)
    if not has.any():
        raise NoSolutionError("no bounce: U >= 0 along every direction from the origin "
                              "(no region below the false vacuum to tunnel into)")
    first = np.argmax(neg, axis=1)
    # trial profiles psi = A e g_s(x): reduced action as a function of A and the shape s
    amps = np.geomspace(1.0, 30.0, 40)
    best = {}
    falling = False
    prev_best = math.inf
    for sh in TRIAL_SHAPES:
        shape_best = math.inf
        rho, wq = _trial_quadrature(sh + 8.0)
        wq = wq * rho ** (d - 1)
        g, dg = _trial_shape(sh, rho)
        T0 = 0.5 * np.sum(wq * dg ** 2)
        for i in np.nonzero(has)[0]:
            te = t[first[i]]
            A = te * amps
            arg = [dirs[i, k] * A[:, None] * g[None, :] for k in range(n)]
            with np.errstate(all="ignore"):
                Uv = np.broadcast_to(np.asarray(P.num.U_np(*arg), dtype=float), (len(A), len(rho)))
                V = Uv @ wq
                T = T0 * A ** 2
                S = np.where((V < 0) & np.isfinite(V), T ** (d / 2) / np.abs(V) ** ((d - 2) / 2),
                             np.inf)
            # first local minimum in A: for potentials that fall faster than the critical
            # power the reduced action tends to zero at large amplitude (no global minimum)
            fin = np.nonzero(np.isfinite(S))[0]
            if not len(fin):
                continue
            j = int(fin[0])
            while j + 1 < len(S) and S[j + 1] < S[j]:
                j += 1
            if j == len(S) - 1 and S[j] < S[fin[0]]:
                falling = True
                continue     # still falling at the largest amplitude: no bounce-like minimum
            shape_best = min(shape_best, float(S[j]))
            if np.isfinite(S[j]) and (i not in best or S[j] < best[i][0]):
                lam = math.sqrt((d - 2) * T[j] / (d * -V[j]))
                best[i] = (float(S[j]), dirs[i], float(A[j]), lam, float(te), sh)
        # the reduced action is unimodal in the wall radius: stop once it grows again
        if sh >= TRIAL_SHAPES[2] and shape_best > prev_best:
            break
        prev_best = min(prev_best, shape_best)
    cands = list(best.values())
    if not cands and falling:
        raise ConvergenceError("the reduced action has no minimum along any trial direction: U "
                               "falls at least as fast as the critical power "
                               f"phi^({Fraction(2 * d, d - 2)}) at large fields, where the "
                               "Improved Action method does not apply")
    if not cands:
        raise NoSolutionError("no bounce: no trial configuration with negative potential energy "
                              "was found (the region U < 0 may be too narrow)")
    cands.sort(key=lambda c: c[0])
    chosen = [cands[0]]
    near = min(cands, key=lambda c: c[4])     # the nearest escape is always tried
    if near is not cands[0]:
        chosen.append(near)
    for c in cands[1:]:
        if len(chosen) >= MAX_CANDIDATES or c[0] > CANDIDATE_FACTOR * cands[0][0]:
            break
        if all(np.arccos(np.clip(np.dot(c[1], o[1]), -1, 1)) > 0.3 for o in chosen):
            chosen.append(c)
    return chosen


# --------------------------------------------------------------------------
# 2. Improved Action minimiser
# --------------------------------------------------------------------------
def _element_stiffness(mesh: _Mesh, d):
    """Per element: ``K_e = D^T diag(wl) D`` (E, N+1, N+1) and the weights ``wl`` (E, N+1),
    so that T = (1/2) sum_k psi_k^T K psi_k (without the solid angle), K = sum_e K_e."""
    wl = (mesh.h[:, None] / 2) * mesh.w[None, :] * mesh.r[mesh.idx] ** (d - 1) \
        * (2 / mesh.h[:, None]) ** 2
    Ke = np.einsum("ji,ej,jk->eik", mesh.D, wl, mesh.D)
    return Ke, wl


def _stiffness_apply(mesh: _Mesh, wl, u):
    """``K u`` for u of shape (n, Np), element by element (O(E N^2) per field)."""
    N = mesh.N
    seg = u[:, mesh.idx]                                   # (n, E, N+1)
    loc = ((seg @ mesh.D.T) * wl[None]) @ mesh.D           # (n, E, N+1)
    out = np.zeros_like(u)
    out[:, mesh.idx[:, :N]] = loc[:, :, :N]                # nodes e N + j, j < N: each once
    out[:, mesh.idx[:, N]] += loc[:, :, N]                 # the right end of every element
    return out


def _preconditioner(mesh: _Mesh, Ke, Wf, mass2=None):
    """Block-tridiagonal factorisation of ``K + m_k^2 diag(W)`` on the free nodes (all but
    the last), one per distinct field mass ``m_k^2`` (the diagonal of the scaled mass
    matrix; 1 when None): blocks of the N nodes ``e N ... e N + N - 1`` of each element.
    A heavy spectator next to a light escape field (near the thick-wall end of a Q-ball
    family the ratio reaches 1e5) would otherwise make the minimiser crawl.  Returns
    ``apply(q)``: row k of q times ``(K + m_k^2 W)^{-1}``, q of shape (n, Np - 1)."""
    E, N = mesh.E, mesh.N
    A = np.zeros((E, N, N))
    B0 = np.zeros((E, N, N))
    C = np.zeros((E, N, N))
    B0 += Ke[:, :N, :N]
    C[:, :, 0] = Ke[:, :N, N]
    A[1:, 0, :] = Ke[:-1, N, :N]
    B0[1:, 0, 0] += Ke[:-1, N, N]
    Wb = Wf.reshape(E, N)
    facs = {}

    def fac(m2):
        if m2 not in facs:
            B = B0.copy()
            B[:, np.arange(N), np.arange(N)] += m2 * Wb
            facs[m2] = _BlockTridiag(A, B, C)
        return facs[m2]

    if mass2 is None:
        f1 = fac(1.0)

        def apply(q):
            n = q.shape[0]
            x = f1.solve(q.T.reshape(E, N, n))
            return x.reshape(E * N, n).T
        return apply
    groups = {}
    for k, m2 in enumerate(mass2):
        groups.setdefault(float(m2), []).append(k)
    for m2 in groups:
        fac(m2)

    def apply_k(q):
        out = np.empty_like(q)
        for m2, ks in groups.items():
            x = facs[m2].solve(q[ks].T.reshape(E, N, len(ks)))
            out[ks] = x.reshape(E * N, len(ks)).T
        return out
    return apply_k


def _reduced_const(d):
    return (2 / d) * ((d - 2) / d) ** ((d - 2) / 2)


def _minimise(P: _Problem, e, amp, width, shape, iters):
    """Minimise the reduced action from a trial profile along e; returns (mesh, psi, S~, T, V)
    with the profile rescaled by the Derrick factor (virial identity exact)."""
    d, n = P.d, P.n
    mu, _ = P.modes(None)
    w = width * math.sqrt(P.m2)          # width in units of 1/m
    L = (shape + 5) * w + 20.0
    h = min(1.0, w / 2, max(2.0 / float(mu[-1]), w / 8))
    # uniform over the trial profile and its heaviest tail, then growing to size 1
    x1 = min(L, (shape + 4) * w + 4.0 / float(mu[-1]))
    E1 = min(int(math.ceil(x1 / h)), MAX_MIN_ELEMENTS)
    edges = list(np.linspace(0, x1, E1 + 1))
    step = x1 / E1
    while edges[-1] < L - 1e-9:
        step = min(1.0, max(step, 1e-3) * MIN_GROWTH)
        edges.append(min(L, edges[-1] + step))
    mesh = _Mesh(np.array(edges), N_MIN)
    W = mesh.weights(d)
    Ke, wl = _element_stiffness(mesh, d)
    free = slice(0, mesh.Np - 1)
    Wf = W[free]
    # q -> q (K + m_k^2 W)^{-1} field by field, O(E N^3); m_k^2 from the scaled mass matrix
    mass2 = [max(float(P.H0[k][k]) / P.m2, 1.0) for k in range(n)]
    Pinv = _preconditioner(mesh, Ke, Wf, mass2)

    def Kf_apply(u):
        full = np.zeros((n, mesh.Np))
        full[:, free] = u
        return _stiffness_apply(mesh, wl, full)[:, free]
    psi0 = (amp / P.Phi) * e[:, None] * _trial_shape(shape, mesh.r[free] / w)[0][None, :]

    def fg(u):
        Ku = Kf_apply(u)
        T = 0.5 * float(np.sum(u * Ku))
        full = np.zeros((n, mesh.Np))
        full[:, free] = u
        V = float(P.U_np(full)[free] @ Wf)
        if not (V < 0 and np.isfinite(V) and T > 0):
            return math.inf, None, T, V
        f = (d / 2) * math.log(T) - ((d - 2) / 2) * math.log(-V)
        G = P.grad_np(full)[:, free] * Wf[None, :]
        g = (d / 2) * Ku / T - ((d - 2) / 2) * G / V
        if not np.all(np.isfinite(g)):
            return math.inf, None, T, V
        return f, g, T, V

    u = psi0
    f, g, T, V = fg(u)
    if not math.isfinite(f):
        raise NoSolutionError("no bounce: the trial configuration has no negative potential energy")
    S_list, Y_list = [], []
    stall = 0
    it = 0
    for it in range(1, MAX_MIN_ITER + 1):
        # two-loop recursion with H0 = gamma P^{-1}
        q = g.copy()
        al = []
        for s, y in reversed(list(zip(S_list, Y_list))):
            rho_ = 1.0 / np.sum(y * s)
            a = rho_ * np.sum(s * q)
            al.append((a, rho_, s, y))
            q -= a * y
        z = Pinv(q)
        if S_list:
            s, y = S_list[-1], Y_list[-1]
            z *= np.sum(s * y) / np.sum(y * Pinv(y))
        else:
            z *= 1e-2 / max(1e-300, math.sqrt(max(np.sum(g * Pinv(g)), 1e-300)))
        for a, rho_, s, y in reversed(al):
            b = rho_ * np.sum(y * z)
            z += s * (a - b)
        p = -z
        slope = np.sum(g * p)
        if not slope < 0:
            S_list.clear()
            Y_list.clear()
            p = -Pinv(g)
            slope = np.sum(g * p)
        step = 1.0
        for _ in range(60):
            un = u + step * p
            fn, gn, Tn, Vn = fg(un)
            if fn <= f + 1e-4 * step * slope:
                break
            step *= 0.5
        else:
            break
        s, y = un - u, gn - g
        if np.sum(s * y) > 1e-300:
            S_list.append(s)
            Y_list.append(y)
            if len(S_list) > LBFGS_MEMORY:
                S_list.pop(0)
                Y_list.pop(0)
        df = f - fn
        u, f, g, T, V = un, fn, gn, Tn, Vn
        stall = stall + 1 if df <= MIN_FTOL * max(1.0, abs(f)) else 0
        if stall >= MIN_STALL:
            break
    iters["minimiser"] = iters.get("minimiser", 0) + it
    full = np.zeros((n, mesh.Np))
    full[:, free] = u
    lam = math.sqrt((d - 2) * T / (d * -V))
    om = _solid_angle_f(d)
    S_red = _reduced_const(d) * (om * T) ** (d / 2) / (om * -V) ** ((d - 2) / 2)
    mesh2 = _Mesh(mesh.edges * lam, mesh.N)
    return mesh2, full, S_red


def _solid_angle_f(d):
    return 2 * math.pi ** (d / 2) / math.gamma(d / 2)


# --------------------------------------------------------------------------
# 3. collocation system
# --------------------------------------------------------------------------
def _kappa(mu, R, d, prec=None):
    """Log-derivatives of r^-nu K_nu(mu r) at R for every mode."""
    wp = prec if prec is not None else 60
    with mpmath.workprec(wp):
        nu = mpmath.mpf(d) / 2 - 1
        R = mpmath.mpf(R)
        ks = [-m * mpmath.besselk(nu + 1, m * R) / mpmath.besselk(nu, m * R) for m in mu]
    return np.array([float(k) for k in ks]) if prec is None else ks


class _System:
    """Collocation equations on one mesh (double precision), element by element.

    Rows (per field, at the global nodes): ``phi'(0) = 0`` at node 0, the
    field equation times ``(h/2)^2`` at element-interior nodes, the jump of
    ``phi'`` times the mean half-width at interfaces, and at ``R`` (row k is
    mode k) the matching ``a_k' = kappa_k a_k`` times ``h/2``.
    """

    def __init__(self, P: _Problem, mesh: _Mesh):
        self.P, self.mesh = P, mesh
        d, N, E = P.d, mesh.N, mesh.E
        self.mu, self.O = P.modes(None)
        self.kap = _kappa(self.mu, mesh.R, d)
        D, D2 = mesh.D, mesh.D2
        # interior rows of every element: Lloc[e, j, :] for j = 1..N-1
        self.cfac = (d - 1) * (mesh.h[:, None] / 2) / mesh.r[mesh.idx[:, 1:N]]     # (E, N-1)
        self.Lloc = D2[None, 1:N, :] + self.cfac[:, :, None] * D[None, 1:N, :]       # (E, N-1, N+1)
        self.sc = (mesh.h / 2) ** 2                                                   # (E,)
        self.sint = (mesh.h[:-1] + mesh.h[1:]) / 4                                    # (E-1,)
        self.noise_row = float(max(np.max(np.sum(np.abs(self.Lloc), axis=2)),
                                   2 * np.max(np.sum(np.abs(D), axis=1))))

    def residual(self, psi):
        m = self.mesh
        N, h = m.N, m.h
        seg = psi[:, m.idx]                                  # (n, E, N+1)
        d1 = seg @ m.D.T
        G = self.P.grad_np(psi)
        F = np.empty_like(psi)
        F[:, m.idx[:, 1:N]] = (np.einsum("ejk,nek->nej", self.Lloc, seg)
                               - self.sc[None, :, None] * G[:, m.idx[:, 1:N]])
        F[:, 0] = d1[:, 0, 0]
        if m.E > 1:
            F[:, m.idx[1:, 0]] = self.sint[None, :] * (2 / h[None, :-1] * d1[:, :-1, N]
                                                       - 2 / h[None, 1:] * d1[:, 1:, 0])
        F[:, -1] = self.O.T @ d1[:, -1, N] - (h[-1] / 2) * self.kap * (self.O.T @ psi[:, -1])
        return F

    def factor(self, psi):
        """Statically condensed LU of the Jacobian at psi; returns a solver r -> J^{-1} r."""
        return _Condensed(self, psi)


class _Condensed:
    """Jacobian solve by static condensation: element interiors are eliminated
    (one small dense inverse per element, batched), leaving a block-tridiagonal
    system (n x n blocks) in the ``n (E+1)`` element-boundary values, solved by
    block cyclic reduction: O(E) per factorisation and per solve."""

    def __init__(self, sysm: _System, psi):
        m, P = sysm.mesh, sysm.P
        n, N, E = P.n, m.N, m.E
        Ni = N - 1
        self.sysm, self.n, self.N, self.E = sysm, n, N, E
        H = P.hess_np(psi[:, m.idx[:, 1:N]])                 # (n, n, E, N-1)
        A = np.zeros((E, n * Ni, n * Ni))
        C = np.zeros((E, n * Ni, 2 * n))
        eye = np.arange(Ni)
        for k in range(n):
            A[:, k * Ni:(k + 1) * Ni, k * Ni:(k + 1) * Ni] = sysm.Lloc[:, :, 1:N]
            C[:, k * Ni:(k + 1) * Ni, k] = sysm.Lloc[:, :, 0]
            C[:, k * Ni:(k + 1) * Ni, n + k] = sysm.Lloc[:, :, N]
            for l in range(n):
                A[:, k * Ni + eye, l * Ni + eye] -= sysm.sc[:, None] * H[k, l]
        try:
            self.Ainv = np.linalg.inv(A)
        except np.linalg.LinAlgError:
            raise ConvergenceError("singular element Jacobian in the bounce Newton iteration; "
                                   "the potential may be degenerate") from None
        self.Q = self.Ainv @ C                                # (E, nNi, 2n)
        # boundary rows: direct coefficients on the boundary values, and couplings to
        # interiors.  Row (node b, field k) couples to the values at nodes b-1, b, b+1
        # only: the condensed matrix is block tridiagonal with n x n blocks.
        Ab = np.zeros((E + 1, n, n))
        Bb = np.zeros((E + 1, n, n))
        Cb = np.zeros((E + 1, n, n))
        blocks = {-1: Ab, 0: Bb, 1: Cb}
        rows, els, vecs = [], [], []
        D, h = m.D, m.h

        def ent(node, k, col, l, val):
            blocks[col - node][node, k, l] += val

        def add(node, k, e, vec):
            rows.append(node * n + k)
            els.append(e)
            vecs.append(vec)
            q = vec @ self.Q[e]                                # columns: nodes e and e + 1
            blocks[e - node][node, k, :] -= q[:n]
            blocks[e + 1 - node][node, k, :] -= q[n:]

        for k in range(n):      # origin
            ent(0, k, 0, k, D[0, 0])
            ent(0, k, 1, k, D[0, N])
            v = np.zeros(n * Ni)
            v[k * Ni:(k + 1) * Ni] = D[0, 1:N]
            add(0, k, 0, v)
        for b in range(1, E):   # interfaces
            s = sysm.sint[b - 1]
            fl, fr = s * 2 / h[b - 1], s * 2 / h[b]
            for k in range(n):
                ent(b, k, b - 1, k, fl * D[N, 0])
                ent(b, k, b, k, fl * D[N, N] - fr * D[0, 0])
                ent(b, k, b + 1, k, -fr * D[0, N])
                v = np.zeros(n * Ni)
                v[k * Ni:(k + 1) * Ni] = fl * D[N, 1:N]
                add(b, k, b - 1, v)
                v = np.zeros(n * Ni)
                v[k * Ni:(k + 1) * Ni] = -fr * D[0, 1:N]
                add(b, k, b, v)
        O, kap = sysm.O, sysm.kap
        for k in range(n):      # modes at R
            v = np.zeros(n * Ni)
            for l in range(n):
                ent(E, k, E - 1, l, O[l, k] * D[N, 0])
                ent(E, k, E, l, O[l, k] * D[N, N] - (h[-1] / 2) * kap[k] * O[l, k])
                v[l * Ni:(l + 1) * Ni] = O[l, k] * D[N, 1:N]
            add(E, k, E - 1, v)
        self.rows = np.array(rows)
        self.els = np.array(els)
        self.vecs = np.array(vecs)
        self.blocks = (Ab, Bb, Cb)
        self.band = None
        try:
            self.btd = BlockTridiag(Ab, Bb, Cb)
        except np.linalg.LinAlgError:
            self.btd = None

    def _banded(self):
        """Pivoted banded LU of the boundary system (when block elimination without pivoting
        is inaccurate): O(E n^3), never a dense matrix."""
        if self.band is None:
            try:
                self.band = BandLU(*self.blocks)
            except np.linalg.LinAlgError:
                raise ConvergenceError("singular Jacobian in the bounce Newton iteration; "
                                       "the potential may be degenerate") from None
        return self.band

    def solve(self, r):
        """J^{-1} r for a residual array r of shape (n, Np)."""
        m = self.sysm.mesh
        n, N, E = self.n, self.N, self.E
        Ni = N - 1
        rI = r[:, m.idx[:, 1:N]].transpose(1, 0, 2).reshape(E, n * Ni)     # (E, nNi)
        Pv = np.einsum("eij,ej->ei", self.Ainv, rI)
        rb = r[:, m.idx[:, 0].tolist() + [m.Np - 1]].T.reshape(-1)          # (E+1)*n, node-major
        rhs = rb.copy()
        np.subtract.at(rhs, self.rows, np.einsum("ri,ri->r", self.vecs, Pv[self.els]))
        dB = None
        if self.btd is not None and self.band is None:
            x = self.btd.solve(rhs.reshape(E + 1, n, 1))
            res = self.btd.matvec(x) - rhs.reshape(E + 1, n, 1)
            scale = np.max(np.abs(rhs)) + self.btd.norm * np.max(np.abs(x)) + BTD_SCALE_FLOOR
            if np.all(np.isfinite(x)) and np.max(np.abs(res)) <= BTD_RESID_TOL * scale:
                dB = x.reshape(-1)
        if dB is None:
            dB = self._banded().solve(rhs.reshape(E + 1, n, 1)).reshape(-1)
            if not np.all(np.isfinite(dB)):
                raise ConvergenceError("non-finite Jacobian solve in the bounce Newton iteration")
        dBe = np.stack([dB[e * n:(e + 2) * n] for e in range(E)])          # (E, 2n)
        dI = Pv - np.einsum("eij,ej->ei", self.Q, dBe)
        out = np.empty((n, m.Np))
        out[:, m.idx[:, 1:N]] = dI.reshape(E, n, Ni).transpose(1, 0, 2)
        out[:, m.idx[:, 0]] = dB[:E * n].reshape(E, n).T
        out[:, -1] = dB[E * n:]
        return out


def _newton_double(P, mesh, psi, iters):
    """Newton on the collocation equations in floats; returns (psi, |last dx|)."""
    sysm = _System(P, mesh)
    n, Np = P.n, mesh.Np
    F = sysm.residual(psi)
    nF = np.max(np.abs(F))
    # rounding level of the residual: the collocation rows have entries up to ~N^4
    noise = 10 * EPS * sysm.noise_row
    dx_last = math.inf
    for it in range(MAX_NEWTON):
        dx = -sysm.factor(psi).solve(F)
        step = 1.0
        for _ in range(30):
            pn = psi + step * dx
            Fn = sysm.residual(pn)
            nFn = np.max(np.abs(Fn))
            if np.isfinite(nFn) and (nFn < nF or nFn < noise * max(1.0, np.max(np.abs(pn)))):
                break
            step *= 0.5
        else:
            break
        iters["newton"] = iters.get("newton", 0) + 1
        dxa = step * np.max(np.abs(dx))
        psi, F, nF = pn, Fn, nFn
        scale = max(1.0, np.max(np.abs(psi)))
        if dxa <= 16 * EPS * scale:
            return psi, dxa
        if dxa <= NEWTON_FLOOR * scale and dxa > 0.25 * dx_last:
            return psi, dxa          # no longer shrinking: the rounding level
        dx_last = dxa
    if dx_last <= NEWTON_FLOOR * max(1.0, np.max(np.abs(psi))):
        return psi, dx_last
    raise ConvergenceError("Newton on the bounce equations did not converge (last correction "
                           f"{dx_last:.3g}); the minimiser's start may be outside its basin")


# --------------------------------------------------------------------------
# mesh design
# --------------------------------------------------------------------------
def _decay_radius(core, amp, digits, d):
    """Outer radius: the cubic tail (amp e^{-l})^3 (core+l)^{d-1} below 10^-digits."""
    l = 1.0
    for _ in range(60):
        lhs = 3 * (math.log(max(amp, 1e-300)) - l) + (d - 1) * math.log(core + l)
        if lhs <= -digits * math.log(10):
            break
        l += 0.5
    return core + l


def _tail_edges(start, R, h0):
    """Element edges from ``start`` to ``R``: sizes growing geometrically from ``h0``
    (by TAIL_GROWTH) up to H_TAIL.  Heavy modes decay within a few of the first,
    small elements; the lightest mode's e^-r needs no more than H_TAIL."""
    edges = []
    x, step = start, h0
    while x < R - 1e-9:
        x = min(R, x + step)
        edges.append(x)
        step = min(H_TAIL, step * TAIL_GROWTH)
    return edges


def _initial_mesh(P, mesh0, psi0, digits):
    """Newton mesh from the minimiser's rescaled profile.

    Elements of size ``hc`` over the core, where ``hc`` follows the profile's
    own length scale ``|psi|_max / |psi'|_max`` (not the heaviest mass: a heavy
    field that the bounce hardly excites needs no fine mesh; refinement adds
    elements where the coefficients ask for them), then a graded tail.
    """
    mu, _ = P.modes(None)
    amp = np.max(np.abs(psi0))
    big = np.nonzero(np.max(np.abs(psi0), axis=0) > 1e-2 * amp)[0]
    core = float(mesh0.r[big[-1]]) if len(big) else 1.0
    a_core = 1e-2 * amp
    R = _decay_radius(core, a_core, digits, P.d)
    dl = psi0[:, mesh0.idx] @ mesh0.D.T * (2 / mesh0.h)[None, :, None]
    ell = amp / max(float(np.max(np.abs(dl))), 1e-300)
    hc = min(1.0, max(2.0 / float(mu[-1]), ell / 2))
    nc = max(1, int(math.ceil(core / hc)))
    edges = list(np.linspace(0, core, nc + 1)) + _tail_edges(core, R, hc)
    if len(edges) - 1 > MAX_ELEMENTS:
        raise ConvergenceError(f"the bounce needs more than {MAX_ELEMENTS} elements (core radius "
                               f"{core:.3g} in units of the lightest mass); the mass hierarchy or "
                               "the wall may be too extreme")
    return _Mesh(np.array(edges), N_NEWTON)


def _element_need(mesh, psi, digits):
    """Per element: decay rate of the Chebyshev coefficients and the points needed for
    10^-digits (relative to max |psi|)."""
    c = np.abs(mesh.coeffs(psi))                      # (n, E, N+1)
    scale = max(np.max(np.abs(psi)), 1e-300)
    c = np.max(c, axis=0) / scale                     # (E, N+1)
    floor = COEFF_FLOOR
    N = mesh.N
    need = np.zeros(mesh.E)
    tail = np.zeros(mesh.E)
    for e in range(mesh.E):
        ce = c[e]
        tail[e] = max(ce[N - 1], ce[N])
        top = max(ce[0], ce[1], ce[2], 1e-300)
        above = np.nonzero(ce > max(floor, 1e-300))[0]
        if ce.max() <= 10 ** -digits:
            need[e] = 4
            continue
        k = above[-1] if len(above) else 2
        if k >= N - 1:
            need[e] = math.inf if tail[e] > floor else N
            continue
        k = max(k, 2)
        rate = max(math.log(top / max(ce[k], 1e-300)) / k, 1e-3)
        need[e] = math.log(max(top, 10 ** -digits) / 10 ** -digits) / rate + 2
    return need, tail


def _refine(mesh, need, Ncap):
    """Split elements that need more than Ncap points; returns new edges and N."""
    edges = [mesh.edges[0]]
    for e in range(mesh.E):
        a, b = mesh.edges[e], mesh.edges[e + 1]
        k = 1
        if need[e] > Ncap:
            k = 2 if math.isfinite(need[e]) and need[e] < 2 * Ncap else 3
        for i in range(1, k + 1):
            edges.append(a + (b - a) * i / k)
    fin = [v for v in need if math.isfinite(v)]
    N = int(min(Ncap, max(N_NEWTON, math.ceil(max(fin) if fin else N_NEWTON))))
    N += N % 2
    return np.array(edges), N


def _solve_on_meshes(P, mesh, psi, digits, iters):
    """Double Newton with h/p refinement until every element resolves 10^-min(digits, DOUBLE)."""
    dd = min(digits, DOUBLE_DIGITS)
    dx = math.inf
    for rnd in range(MAX_REFINE):
        psi, dx = _newton_double(P, mesh, psi, iters)
        need, tail = _element_need(mesh, psi, dd)
        # coefficients below the rounding floor of the double solution (which _element_need
        # already counts as resolved) cannot be pushed lower by refinement
        if np.all(need <= mesh.N) and np.max(tail) <= max(10.0 ** -dd, COEFF_FLOOR):
            return mesh, psi, dx
        edges, N = _refine(mesh, need, N_MAX)
        if len(edges) - 1 > MAX_ELEMENTS:
            break
        new = _Mesh(edges, max(N, mesh.N))
        iters["refinements"] = iters.get("refinements", 0) + 1
        psi = mesh.interp(psi, new.r)
        mesh = new
    raise ConvergenceError("the bounce profile could not be resolved by mesh refinement; "
                           "the potential may have a singular or extremely thin-walled bounce")


def _hp_mesh(P, mesh, psi, digits, c3):
    """Mesh for 10^-digits, designed from the measured coefficient decay of the double
    solution, extended outwards until its decaying tail makes the neglected cubic
    term ``c3 |phi(R)|^3 R^(d-1)`` smaller than 10^-digits."""
    need, _ = _element_need(mesh, psi, digits + HP_DESIGN_MARGIN)
    edges, N = _refine(mesh, need, _n_cap(digits))
    d, R = P.d, mesh.R
    mu, _ = P.modes(None)
    aR = max(float(np.max(np.abs(psi[:, -1]))), 1e-300)
    log_tol = -digits * math.log(10) - math.log(max(c3, 1.0))
    Rn = R
    while Rn < 10 * R + 100:
        la = math.log(aR) - (Rn - R) - (d - 1) / 2 * math.log(Rn / R)
        if 3 * la + (d - 1) * math.log(Rn) <= log_tol:
            break
        Rn += 0.5
    edges = list(edges)
    edges += _tail_edges(edges[-1], Rn, max(edges[-1] - edges[-2], 2.0 / float(mu[-1])))
    return _Mesh(np.array(edges), N)


# --------------------------------------------------------------------------
# integrals (double)
# --------------------------------------------------------------------------
def _tail_pieces(mu, O, psiR, dpsiR, R, d):
    """Tail (r > R) contributions of the linear modes: (T, V, [int psi_k^2]) without the
    solid angle), in mpmath at the caller's precision.

    Mode ``j`` beyond ``R`` is ``c_j r^-nu K_nu(mu_j r)``; with
    ``X_jl = int_R^oo r K_nu(mu_j r) K_nu(mu_l r) dr`` (closed form),
    ``int r^{d-1} a_j^2 = c_j^2 X_jj``, ``int r^{d-1} a_j'^2 = -R^{d-1} a_j a_j' - mu_j^2 int r^{d-1} a_j^2``.
    """
    n = len(mu)
    nu = mpmath.mpf(d) / 2 - 1
    R = mpmath.mpf(R)
    a = [sum(O[i][j] * psiR[i] for i in range(n)) for j in range(n)]
    da = [sum(O[i][j] * dpsiR[i] for i in range(n)) for j in range(n)]
    Kn = [mpmath.besselk(nu, m * R) for m in mu]
    K1 = [mpmath.besselk(nu + 1, m * R) for m in mu]
    Km = [mpmath.besselk(nu - 1, m * R) for m in mu]
    c = [a[j] * R ** nu / Kn[j] for j in range(n)]
    X = [[None] * n for _ in range(n)]
    for j in range(n):
        for l in range(n):
            if abs(mu[j] - mu[l]) <= mpmath.mpf(10) ** -6 * mu[j]:
                mm = (mu[j] + mu[l]) / 2
                kn, k1, km = (mpmath.besselk(nu, mm * R), mpmath.besselk(nu + 1, mm * R),
                              mpmath.besselk(nu - 1, mm * R))
                X[j][l] = R ** 2 / 2 * (km * k1 - kn ** 2)
            else:
                X[j][l] = R * (mu[j] * K1[j] * Kn[l] - mu[l] * Kn[j] * K1[l]) / (mu[j] ** 2 - mu[l] ** 2)
    T = mpmath.mpf(0)
    V = mpmath.mpf(0)
    for j in range(n):
        Qj = c[j] ** 2 * X[j][j]
        T += (-R ** (d - 1) * a[j] * da[j] - mu[j] ** 2 * Qj) / 2
        V += mu[j] ** 2 * Qj / 2
    Qk = []
    for k in range(n):
        s = mpmath.mpf(0)
        for j in range(n):
            for l in range(n):
                s += O[k][j] * O[k][l] * c[j] * c[l] * X[j][l]
        Qk.append(s)
    return T, V, Qk


def _integrals_double(P, mesh, psi):
    d, N = P.d, mesh.N
    W = mesh.weights(d)
    dl = psi[:, mesh.idx] @ mesh.D.T * (2 / mesh.h)[None, :, None]     # (n, E, N+1)
    wl = (mesh.h[:, None] / 2) * mesh.w[None, :] * mesh.r[mesh.idx] ** (d - 1)
    T = 0.5 * float(np.sum(wl[None] * dl ** 2))
    V = float(P.U_np(psi) @ W)
    Q = [float(psi[k] ** 2 @ W) for k in range(P.n)]
    mu, O = P.modes(None)
    dR = dl[:, -1, N]
    with mpmath.workprec(80):
        Tt, Vt, Qt = _tail_pieces([mpmath.mpf(float(m)) for m in mu],
                                  [[mpmath.mpf(float(O[i, j])) for j in range(P.n)] for i in range(P.n)],
                                  [mpmath.mpf(float(v)) for v in psi[:, -1]],
                                  [mpmath.mpf(float(v)) for v in dR], mesh.R, d)
    return T + float(Tt), V + float(Vt), [Q[k] + float(Qt[k]) for k in range(P.n)]


def _cubic_coefficient(P):
    """Size of the non-quadratic part of U~ near the origin (for the tail error bound)."""
    dirs = _sphere(P.n)
    r = 0.05
    psi = (r * dirs).T
    U = P.U_np(psi)
    M = np.array([[float(v) for v in row] for row in P.H0]) / P.m2
    quad = 0.5 * np.einsum("ki,kl,li->i", psi, M, psi)
    with np.errstate(all="ignore"):
        c = np.nanmax(np.abs(U - quad)) / r ** 3
    return float(c) if np.isfinite(c) else 1.0


# --------------------------------------------------------------------------
# 4. high precision: mixed-precision iterative refinement
# --------------------------------------------------------------------------
class _FixedPoly:
    r"""A polynomial U (``P.num.poly``: ``{exponents: Fraction}``) in the scaled units of
    ``P``, evaluated on integer arrays at scale 2^bits (numpy object arrays, shape (n, ...)):
    the value :math:`\tilde U` and the gradient, at the same scale.

    .. math::  \tilde U(\psi) = \sum_e a_e \frac{\Phi^{|e|-2}}{m^2}\,\psi^e, \qquad
               \frac{\partial\tilde U}{\partial\psi_k}
               = \sum_e a_e e_k \frac{\Phi^{|e|-2}}{m^2}\,\psi^{e - 1_k}

    Products are truncated to the scale after each multiplication (error a few 2^-bits for
    O(1) fields); the coefficients are exact fractions of the float units Phi and m^2.

    >>> import sympy as sp
    >>> from qsym.bridge import numeric_nd
    >>> a, b = sp.symbols("a b")
    >>> s = ShiftedND(numeric_nd(a**2 + a*b**2, [a, b]), [1, 0], 0,
    ...               poly={(2, 0): Fraction(1), (1, 2): Fraction(1)})
    >>> P = type("P", (), {"num": s, "n": 2, "Phi": 1.0, "m2": 2.0})()
    >>> f = _FixedPoly.of(P, 40)
    >>> X = np.array([[2 ** 40], [2 ** 39]], dtype=object)
    >>> [int(v[0]) / 2 ** 40 for v in f.grad(X)], int(f.value(X)[0]) / 2 ** 40
    ([1.125, 0.5], 0.625)
    """

    @classmethod
    def of(cls, P, bits):
        """The evaluator of ``P``'s potential, or None when it has no polynomial form."""
        poly = getattr(P.num, "poly", None)
        return cls(P, poly, bits) if poly else None

    def __init__(self, P, poly, bits):
        n = self.n = P.n
        self.bits = bits
        Phi, m2 = Fraction(P.Phi), Fraction(P.m2)
        one = 1 << bits
        self.uterms = []                         # (fixed coefficient, exponents)
        self.gterms = [[] for _ in range(n)]
        for e, a in poly.items():
            c = Fraction(a) * Phi ** (sum(e) - 2) / m2
            self.uterms.append((round(c * one), tuple(e)))
            for k in range(n):
                if e[k]:
                    ek = tuple(v - (i == k) for i, v in enumerate(e))
                    self.gterms[k].append((round(c * e[k] * one), ek))
        self.top = [max([t[1][i] for t in self.uterms] + [1]) for i in range(n)]

    def _powers(self, X):
        B = self.bits
        pw = []
        for i in range(self.n):
            p = [None, X[i]]
            for _ in range(2, self.top[i] + 1):
                p.append((p[-1] * X[i]) >> B)
            pw.append(p)
        return pw

    def _sum(self, terms, pw, shape):
        B = self.bits
        acc = np.zeros(shape, dtype=object)
        for c, ek in terms:
            mono = None
            for i in range(self.n):
                if ek[i]:
                    mono = pw[i][ek[i]] if mono is None else (mono * pw[i][ek[i]]) >> B
            acc = acc + ((c * mono) >> B if mono is not None else c)
        return acc

    def grad(self, X):
        pw = self._powers(X)
        out = np.empty(X.shape, dtype=object)
        for k in range(self.n):
            out[k] = self._sum(self.gterms[k], pw, X.shape[1:])
        return out

    def value(self, X):
        return self._sum(self.uterms, self._powers(X), X.shape[1:])


class _MPSystem:
    def __init__(self, P, mesh, prec):
        self.P, self.mesh, self.prec = P, mesh, prec
        with mpmath.workprec(prec):
            x, bw, D, D2, w, C = _cheb(mesh.N, prec)
            self.x, self.bw, self.D, self.D2, self.w, self.C = x, bw, D, D2, w, C
            self.edges = [mpmath.mpf(float(v)) for v in mesh.edges]
            self.h = [self.edges[e + 1] - self.edges[e] for e in range(mesh.E)]
            N = mesh.N
            self.r = [None] * mesh.Np
            for e in range(mesh.E):
                for j in range(N + 1):
                    self.r[e * N + j] = self.edges[e] + self.h[e] * (x[j] + 1) / 2
            self.r[0] = mpmath.mpf(0)
            self.mu, self.O = P.modes(prec)
            self.kap = _kappa(self.mu, self.edges[-1], P.d, prec)
            # fixed-point copies of D and D^2 (integers at scale 2^bits) for the residual
            self.bits = prec + FIXED_GUARD_BITS
            sc = mpmath.mpf(2) ** self.bits
            self.Dint = np.array([[int(mpmath.nint(v * sc)) for v in row] for row in D], dtype=object)
            self.D2int = np.array([[int(mpmath.nint(v * sc)) for v in row] for row in D2], dtype=object)
            # interior rows of the fixed-point residual: (d-1)(h/2)/r and (h/2)^2 at 2^bits
            Ni = mesh.idx[:, 1:N]
            self.fac_int = np.array([[int(mpmath.nint((P.d - 1) * (self.h[e] / 2) / self.r[g] * sc))
                                      for g in Ni[e]] for e in range(mesh.E)], dtype=object)
            self.c_int = np.array([int(mpmath.nint((self.h[e] / 2) ** 2 * sc)) for e in range(mesh.E)],
                                  dtype=object)
            # quadrature weights (h/2) w_j r^(d-1) at 2^bits, and (2/h)^2/2 of the kinetic term
            self.W_int = np.array([[int(mpmath.nint(self.h[e] / 2 * w[j] * self.r[e * N + j] ** (P.d - 1) * sc))
                                    for j in range(N + 1)] for e in range(mesh.E)], dtype=object)
            self.kin_int = np.array([int(mpmath.nint(2 / self.h[e] ** 2 * sc)) for e in range(mesh.E)],
                                    dtype=object)
        self.fp = _FixedPoly.of(P, self.bits)

    def _to_fixed(self, v):
        """An mpf as an integer at scale 2^bits (truncated: error below 2^-bits)."""
        sign, man, exp, _ = v._mpf_          # mpmath's raw (sign, |mantissa|, exponent, bits)
        sh = exp + self.bits
        mag = int(man) << sh if sh >= 0 else int(man) >> -sh
        return -mag if sign else mag

    def residual(self, psi, derivs: bool = True):
        """psi: list of n lists of mpf; returns (F as float array (n, Np), local derivatives
        as mpf, or None without ``derivs``).

        The derivative sums (the O(E N^2) part) are exact integer dot products of
        fixed-point numbers at scale 2^(prec + FIXED_GUARD_BITS) (numpy object arrays of
        Python integers: several times faster than mpf dot products); the error of the
        truncation to fixed point is far below 2^-prec relative to max |psi| = O(1)."""
        P, m = self.P, self.mesh
        n, N, E, d = P.n, m.N, m.E, P.d
        F = np.zeros((n, m.Np))
        b2 = -2 * self.bits
        with mpmath.workprec(self.prec):
            X = np.array([[self._to_fixed(v) for v in row] for row in psi], dtype=object)
            seg = X[:, m.idx]                                   # (n, E, N+1)
            d1i = seg @ self.Dint.T                             # scale 2^(2 bits)
            d2i = seg[:, :, :] @ self.D2int[1:N].T              # interior rows only
            mpf = mpmath.mpf
            if self.fp is not None:
                return self.residual_fixed(X, derivs)
            d1s = [[[mpf((int(v), b2)) for v in d1i[k, e]] for k in range(n)] for e in range(E)]
            for e in range(E):
                he = self.h[e]
                base = e * N
                d1 = d1s[e]
                c = (he / 2) ** 2
                for j in range(1, N):
                    g = base + j
                    G = P.grad_mp([psi[k][g] for k in range(n)])
                    fac = (d - 1) * (he / 2) / self.r[g]
                    for k in range(n):
                        F[k, g] = float(mpf((int(d2i[k, e, j - 1]), b2)) + fac * d1[k][j] - c * G[k])
            for k in range(n):
                F[k, 0] = float(d1s[0][k][0])
                for e in range(E - 1):
                    s = (self.h[e] + self.h[e + 1]) / 4
                    F[k, (e + 1) * N] = float(s * (2 / self.h[e] * d1s[e][k][N]
                                                   - 2 / self.h[e + 1] * d1s[e + 1][k][0]))
            hl = self.h[-1] / 2
            for j in range(n):
                F[j, -1] = float(sum(self.O[l][j] * (d1s[-1][l][N] - hl * self.kap[j] * psi[l][-1])
                                     for l in range(n)))
        return F, d1s

    def to_fixed(self, psi):
        """psi (lists of mpf) as an integer array (n, Np) at scale 2^bits."""
        return np.array([[self._to_fixed(v) for v in row] for row in psi], dtype=object)

    def residual_fixed(self, X, derivs: bool = False):
        """:meth:`residual` for a polynomial U from the fixed-point fields X (n, Np): the
        interior rows entirely in integers (the gradient by :class:`_FixedPoly`)."""
        with mpmath.workprec(self.prec):
            return self._residual_fixed(X, derivs)

    def _residual_fixed(self, X, derivs):
        P, m = self.P, self.mesh
        n, N, E, B = P.n, m.N, m.E, self.bits
        seg = X[:, m.idx]                                   # (n, E, N+1)
        d1i = seg @ self.Dint.T                             # scale 2^(2 bits)
        d2i = seg @ self.D2int[1:N].T
        F = np.zeros((n, m.Np))
        G = self.fp.grad(seg[:, :, 1:N])                    # (n, E, N-1) at 2^B
        Fi = d2i + ((self.fac_int[None] * d1i[:, :, 1:N]) >> B) - self.c_int[None, :, None] * G
        F[:, m.idx[:, 1:N]] = np.ldexp(Fi.astype(float), -2 * B)
        mpf = mpmath.mpf
        b2 = -2 * B
        ends = [[[mpf((int(d1i[k, e, 0]), b2)), mpf((int(d1i[k, e, N]), b2))] for k in range(n)]
                for e in range(E)]
        for k in range(n):
            F[k, 0] = float(ends[0][k][0])
            for e in range(E - 1):
                s = (self.h[e] + self.h[e + 1]) / 4
                F[k, (e + 1) * N] = float(s * (2 / self.h[e] * ends[e][k][1]
                                               - 2 / self.h[e + 1] * ends[e + 1][k][0]))
        hl = self.h[-1] / 2
        for j in range(n):
            F[j, -1] = float(sum(self.O[l][j] * (ends[-1][l][1] - hl * self.kap[j] * mpf((int(X[l, -1]), -B)))
                                 for l in range(n)))
        if not derivs:
            return F, None
        return F, [[[mpf((int(v), b2)) for v in d1i[k, e]] for k in range(n)] for e in range(E)]

    def residual_fdot(self, psi):
        """:meth:`residual` with mpf dot products (the reference the tests compare with)."""
        P, m = self.P, self.mesh
        n, N, E, d = P.n, m.N, m.E, P.d
        F = np.zeros((n, m.Np))
        with mpmath.workprec(self.prec):
            D, D2 = self.D, self.D2
            d1s = []
            for e in range(E):
                he = self.h[e]
                base = e * N
                segs = [psi[k][base:base + N + 1] for k in range(n)]
                d1 = [[mpmath.fdot(D[j], segs[k]) for j in range(N + 1)] for k in range(n)]
                d1s.append(d1)
                c = (he / 2) ** 2
                for j in range(1, N):
                    g = base + j
                    G = P.grad_mp([psi[k][g] for k in range(n)])
                    fac = (d - 1) * (he / 2) / self.r[g]
                    for k in range(n):
                        F[k, g] = float(mpmath.fdot(D2[j], segs[k]) + fac * d1[k][j] - c * G[k])
            for k in range(n):
                F[k, 0] = float(d1s[0][k][0])
                for e in range(E - 1):
                    s = (self.h[e] + self.h[e + 1]) / 4
                    F[k, (e + 1) * N] = float(s * (2 / self.h[e] * d1s[e][k][N]
                                                   - 2 / self.h[e + 1] * d1s[e + 1][k][0]))
            hl = self.h[-1] / 2
            for j in range(n):
                F[j, -1] = float(sum(self.O[l][j] * (d1s[-1][l][N] - hl * self.kap[j] * psi[l][-1])
                                     for l in range(n)))
        return F, d1s

    def integrals_of(self, psi):
        """(T, V, [int psi_k^2], psi'(R)) of the solution psi (lists of mpf), with the tails."""
        if self.fp is None:
            return self.integrals(psi, self.residual(psi)[1])
        with mpmath.workprec(self.prec):
            return self.integrals_fixed(self.to_fixed(psi))

    def integrals_fixed(self, X):
        """:meth:`integrals` in fixed point (polynomial U): exact integer sums, one rounding."""
        P, m = self.P, self.mesh
        n, N, B = P.n, m.N, self.bits
        seg = X[:, m.idx]                                   # (n, E, N+1)
        d1i = seg @ self.Dint.T                             # 2^(2B)
        W = self.W_int                                      # (E, N+1) at 2^B
        kin = int(np.sum((self.kin_int[:, None] * W) * np.sum(d1i * d1i, axis=0)))     # 2^(6B)
        pot = int(np.sum(W * self.fp.value(seg)))           # 2^(2B)
        Qs = [int(np.sum(W * seg[k] * seg[k])) for k in range(n)]                      # 2^(3B)
        mpf = mpmath.mpf
        T, V = mpf((kin, -6 * B)), mpf((pot, -2 * B))
        Q = [mpf((q, -3 * B)) for q in Qs]
        psiR = [mpf((int(X[k, -1]), -B)) for k in range(n)]
        dR = [2 / self.h[-1] * mpf((int(d1i[k, -1, N]), -2 * B)) for k in range(n)]
        Tt, Vt, Qt = _tail_pieces(self.mu, self.O, psiR, dR, self.edges[-1], P.d)
        return T + Tt, V + Vt, [Q[k] + Qt[k] for k in range(n)], dR

    def integrals(self, psi, d1s):
        P, m = self.P, self.mesh
        n, N, E, d = P.n, m.N, m.E, P.d
        with mpmath.workprec(self.prec):
            T = mpmath.mpf(0)
            V = mpmath.mpf(0)
            Q = [mpmath.mpf(0)] * n
            for e in range(E):
                he = self.h[e]
                for j in range(N + 1):
                    g = e * N + j
                    wt = he / 2 * self.w[j] * self.r[g] ** (d - 1)
                    if wt == 0:
                        continue
                    vals = [psi[k][g] for k in range(n)]
                    T += wt * sum((2 / he * d1s[e][k][j]) ** 2 for k in range(n)) / 2
                    V += wt * P.U_mp(vals)
                    for k in range(n):
                        Q[k] += wt * vals[k] ** 2
            dR = [2 / self.h[-1] * d1s[-1][k][N] for k in range(n)]
            Tt, Vt, Qt = _tail_pieces(self.mu, self.O, [psi[k][-1] for k in range(n)], dR,
                                      self.edges[-1], d)
            return T + Tt, V + Vt, [Q[k] + Qt[k] for k in range(n)], dR

    def tails(self, psi):
        """Largest |c_{N-1}|, |c_N| over elements and fields, relative to max |psi|."""
        m = self.mesh
        N = m.N
        with mpmath.workprec(self.prec):
            scale = max(abs(v) for row in psi for v in row)
            worst = mpmath.mpf(0)
            for e in range(m.E):
                for k in range(self.P.n):
                    seg = psi[k][e * N:e * N + N + 1]
                    for kk in (N - 1, N):
                        worst = max(worst, abs(mpmath.fdot(self.C[kk], seg)))
            return worst / scale


def _refine_mp(P, mesh, psi_d, digits, iters):
    """Mixed-precision Newton to 10^-digits on ``mesh``; returns (mp system, psi, |last dx|)."""
    prec = int(math.ceil(digits * math.log2(10))) + 16
    msys = _MPSystem(P, mesh, prec)
    dsys = _System(P, mesh)
    n, Np = P.n, mesh.Np
    Jsolve = dsys.factor(psi_d).solve
    with mpmath.workprec(prec):
        psi = [[mpmath.mpf(float(v)) for v in psi_d[k]] for k in range(n)]
    scale = float(np.max(np.abs(psi_d)))
    target = 10.0 ** -digits * scale
    prev = math.inf
    B = msys.bits
    X = msys.to_fixed(psi) if msys.fp is not None else None
    for it in range(MAX_MP_ITER):
        if X is not None:
            F, _ = msys.residual_fixed(X)
        else:
            F, _ = msys.residual(psi, derivs=False)
        dx = -Jsolve(F)
        iters["mp_newton"] = iters.get("mp_newton", 0) + 1
        dxa = float(np.max(np.abs(dx)))
        if not math.isfinite(dxa):
            raise ConvergenceError("high-precision refinement produced a non-finite correction")
        if X is not None:
            X = X + np.array([[int(v) for v in row] for row in np.ldexp(dx, B)], dtype=object)
        else:
            with mpmath.workprec(prec):
                for k in range(n):
                    row = psi[k]
                    for g in range(Np):
                        row[g] += dx[k, g]
        if dxa <= target:
            if X is not None:
                with mpmath.workprec(prec):
                    psi = [[+mpmath.mpf((int(v), -B)) for v in row] for row in X]
            return msys, psi, dxa
        if dxa > 0.5 * prev and it > 2:
            raise ConvergenceError(f"high-precision refinement stalled at |dx| = {dxa:.3g} "
                                   f"(dps target 1e-{digits}); try a smaller dps")
        prev = dxa
    raise ConvergenceError(f"high-precision refinement did not converge in {MAX_MP_ITER} steps")


# --------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------
def _profile_fn(P, mesh_edges, N, nodes_psi, mu, O, R, prec, dps):
    """Profile r -> tuple(phi_k) (and derivatives) from element interpolation + Bessel tails."""
    n, d = P.n, P.d
    wp = prec if prec is not None else 60
    with mpmath.workprec(wp):
        x, bw, D, _, _, _ = _cheb(N, wp)
        edges = [mpmath.mpf(float(v)) for v in mesh_edges]
        vals = [[mpmath.mpf(v) for v in row] for row in nodes_psi]
        Rm = mpmath.mpf(R)
        nu = mpmath.mpf(d) / 2 - 1
        muv = [mpmath.mpf(m) for m in mu]
        Ov = [[mpmath.mpf(O[i][j]) for j in range(n)] for i in range(n)]
        aR = [sum(Ov[i][j] * vals[i][-1] for i in range(n)) for j in range(n)]
        KR = [mpmath.besselk(nu, m * Rm) for m in muv]
        Phi = mpmath.mpf(P.Phi)
        m1 = mpmath.sqrt(mpmath.mpf(P.m2))
    E = len(edges) - 1

    def ev(r, deriv):
        with mpmath.workprec(wp):
            rho = mpmath.mpf(r) * m1
            if rho < 0:
                raise InputError("the profile is defined for r >= 0")
            if rho > Rm:
                out = []
                a = []
                for j in range(n):
                    if deriv:
                        a.append(-aR[j] * muv[j] * (Rm / rho) ** nu
                                 * mpmath.besselk(nu + 1, muv[j] * rho) / KR[j])
                    else:
                        a.append(aR[j] * (Rm / rho) ** nu * mpmath.besselk(nu, muv[j] * rho) / KR[j])
                out = [sum(Ov[k][j] * a[j] for j in range(n)) for k in range(n)]
            else:
                import bisect
                e = min(max(bisect.bisect_right(edges, rho) - 1, 0), E - 1)
                he = edges[e + 1] - edges[e]
                xl = 2 * (rho - edges[e]) / he - 1
                segs = [vals[k][e * N:e * N + N + 1] for k in range(n)]
                if deriv:
                    segs = [[2 / he * mpmath.fdot(D[j], s) for j in range(N + 1)] for s in segs]
                hit = [j for j in range(N + 1) if xl == x[j]]
                if hit:
                    out = [s[hit[0]] for s in segs]
                else:
                    t = [bw[j] / (xl - x[j]) for j in range(N + 1)]
                    st = mpmath.fsum(t)
                    out = [mpmath.fdot(t, s) / st for s in segs]
            fac = Phi * (m1 if deriv else 1)
            res = [fac * v for v in out]
        if dps is None:
            return tuple(float(v) for v in res)
        with mpmath.workdps(dps):
            return tuple(+v for v in res)

    return (lambda r: ev(r, False)), (lambda r: ev(r, True))


#: a reflection counts as a symmetry of U when U changes by less than this
#: (relative, at SYMMETRY_DPS digits) at a few test points
SYMMETRY_TOL = 1e-25
SYMMETRY_DPS = 30
#: all 2^n sign patterns are tried up to this many fields (single flips beyond)
SIGN_SEARCH_MAX_FIELDS = 8


def _canonical_signs(P, psi):
    """Apply the sign flip ``phi_k -> s_k phi_k`` (a symmetry of U) that makes the most
    centre values ``>= 0`` (the paper's convention ``phi_k >= 0``); for example
    ``H L l`` allows flipping any two of the three fields."""
    rng = np.random.default_rng(7)
    pts = rng.normal(size=(4, P.n))

    def symmetric(signs):
        with mpmath.workdps(SYMMETRY_DPS):
            for x in pts:
                u = [mpmath.mpf(float(v)) for v in x]
                uf = [s * v for s, v in zip(signs, u)]
                a, b = P.num.U(*u), P.num.U(*uf)
                if abs(a - b) > SYMMETRY_TOL * max(abs(a), abs(b), 1):
                    return False
        return True

    c = psi[:, 0]
    if P.n <= SIGN_SEARCH_MAX_FIELDS:
        patterns = [np.array(sg) for sg in itertools.product((1, -1), repeat=P.n)]
    else:
        patterns = [np.where(np.arange(P.n) == k, -1, 1) for k in range(P.n)] + [-np.ones(P.n)]

    def score(sg):
        v = sg * c
        return (int(np.sum(v >= 0)), float(np.sum(v)))

    now = score(np.ones(P.n))
    for sg in sorted(patterns, key=score, reverse=True):
        if score(sg) <= now:
            break
        if symmetric(list(sg)):
            return psi * sg[:, None]
    return psi


def _polish(P, cand, digits, iters):
    """Minimise from one candidate direction and polish: returns a dict of double results."""
    _, e, amp, width, _, shape = cand
    mesh0, psi0, S_red = _minimise(P, e, amp, width, shape, iters)
    mesh = _initial_mesh(P, mesh0, psi0, digits)
    psi = mesh0.interp(psi0, mesh.r)
    mesh, psi, dx = _solve_on_meshes(P, mesh, psi, digits, iters)
    T, V, Q = _integrals_double(P, mesh, psi)
    S = T + V
    if not (S > 0 and np.max(np.abs(psi)) > 0.1):
        raise ConvergenceError("Newton converged to the trivial solution instead of the bounce")
    S_full = S * _solid_angle_f(P.d)
    if abs(S_full - S_red) > AGREE_TOL * S_full:
        raise ConvergenceError(f"the polished bounce (action {S_full:.6g}, scaled units) does not "
                               f"match the minimum of the reduced action ({S_red:.6g}): Newton "
                               "found another solution")
    return dict(mesh=mesh, psi=psi, dx=dx, T=T, V=V, Q=Q, S=S, S_red=S_red)


def _continue_dim(P, best, d, digits, iters):
    """Newton continuation of a polished bounce from dimension P.d to d (real steps)."""
    mesh, psi = best["mesh"], best["psi"]
    for dc in np.linspace(P.d, d, DIM_STEPS + 1)[1:]:
        P.d = float(dc) if dc != d else d
        psi, _ = _newton_double(P, mesh, psi, iters)
    P.d = d
    mesh, psi, dx = _solve_on_meshes(P, mesh, psi, digits, iters)
    T, V, Q = _integrals_double(P, mesh, psi)
    S = T + V
    if not (S > 0 and np.max(np.abs(psi)) > 0.1):
        raise ConvergenceError(f"continuation of the bounce to d = {d} lost the solution")
    return dict(mesh=mesh, psi=psi, dx=dx, T=T, V=V, Q=Q, S=S, S_red=None)


def _warm_start(P, start, digits, iters):
    """Newton from a nearby problem's solution (``start.state``): the same mesh and profile in
    scaled units (radius in 1/m, field in a unit that makes max |psi| = 1); returns the dict
    of :func:`_polish`.  Only for a start whose lowest mass^2 is within WARM_M2_RATIO."""
    st = start.state
    if not 1 / WARM_M2_RATIO <= P.m2 / st["m2"] <= WARM_M2_RATIO:
        raise ConvergenceError("the warm start is too far away")
    psi0 = np.array(st["psi"], dtype=float)
    amp = float(np.max(np.abs(psi0)))
    P.Phi = st["Phi"] * amp
    mesh = _Mesh(np.asarray(st["edges"]), st["N"])
    mesh, psi, dx = _solve_on_meshes(P, mesh, psi0 / amp, digits, iters)
    T, V, Q = _integrals_double(P, mesh, psi)
    S = T + V
    if not (S > 0 and np.max(np.abs(psi)) > 0.1):
        raise ConvergenceError("the warm-started Newton iteration lost the bounce")
    iters["warm_start"] = 1
    return dict(mesh=mesh, psi=psi, dx=dx, T=T, V=V, Q=Q, S=S, S_red=None)


def _cold_start(P, digits, iters):
    """Escape directions, minimisation of the reduced action, Newton polish of the best."""
    cands = _directions(P)
    # field unit: escape distance of the best direction (a float: exact in every precision)
    P.Phi = float(cands[0][4])
    errors = []
    mins = []
    for c in cands:
        try:
            mins.append((_minimise(P, c[1], c[2], c[3], c[5], iters)[2], c))
        except (ConvergenceError, NoSolutionError) as exc:
            errors.append(exc)
    mins.sort(key=lambda t: t[0])
    for S_red, c in mins:
        try:
            return _polish(P, c, digits, iters)
        except ConvergenceError as exc:
            errors.append(exc)
    if errors:
        raise errors[-1]
    raise NoSolutionError("no bounce found")


def solve_bounce_multi(num, dim: int = 3, dps: int | None = None, start=None) -> MultiBounceResult:
    """Bounce of a :class:`~qsym.bridge.NumericND` potential (false vacuum at the origin).

    ``dps=None`` is the fast double-precision path (relative error below
    ``DOUBLE_TOL`` or ConvergenceError); an integer ``dps`` gives the action
    to ``dps`` digits (error estimate below ``10**-dps``).  Raises
    InputError (bad input), NoSolutionError (no region ``U < 0``) or
    ConvergenceError (with a remedy); never returns an unchecked number.

    ``start`` (a result of a nearby potential with the same fields and dimension, e.g. the
    same family at a nearby omega) replaces the search for the escape direction and the
    minimisation by Newton from its solution; on failure the search runs as usual.  The
    caller is responsible for checking that the answer continues ``start`` (a warm start
    has no independent reduced-action check).
    """
    if dps is not None:
        from qsym.bridge import check_dps
        dps = check_dps(dps)
    P = _Problem(num, dim)
    d, n = P.d, P.n
    if d < 3:
        # the reduced action needs d > 2: start in d = 3, then continue the Newton
        # solution in the (real) dimension down to d
        P.d = 3
    iters: dict = {}
    digits = DOUBLE_DIGITS if dps is None else dps + GUARD_DIGITS
    best = None
    if start is not None and getattr(start, "state", None) and start.dim == d and P.d == d \
            and len(start.phi0) == n:
        try:
            best = _warm_start(P, start, digits, iters)
        except (ConvergenceError, NoSolutionError):
            best = None
    if best is None:
        best = _cold_start(P, digits, iters)
    if P.d != d:
        best = _continue_dim(P, best, d, digits, iters)
    mesh, psi = best["mesh"], best["psi"]
    psi = best["psi"] = _canonical_signs(P, psi)
    state = dict(Phi=P.Phi, m2=P.m2, edges=mesh.edges.copy(), N=mesh.N, psi=psi.copy())
    om_f = _solid_angle_f(d)
    c3 = _cubic_coefficient(P)
    mu, O = P.modes(None)
    if dps is None:
        T, V, Q, S = best["T"], best["V"], best["Q"], best["S"]
        _, tail = _element_need(mesh, psi, DOUBLE_DIGITS)
        e_vir = abs(S - 2 * T / d) / abs(S)
        e_trunc = TRUNC_SAFETY * float(np.max(tail))
        e_tail = c3 * float(np.max(np.abs(psi[:, -1]))) ** 3 * mesh.R ** (d - 1) / abs(S)
        # rounding: the quadrature sums of Np terms of size |T| + |V| (the profile's own
        # rounding errors enter S only quadratically and T through e_vir)
        e_round = 4 * EPS * math.sqrt(n * mesh.Np) * (abs(T) + abs(V)) / abs(S)
        e_dx = best["dx"] / max(1.0, float(np.max(np.abs(psi))))
        err = e_vir + e_trunc + e_tail + e_round + e_dx
        if not err <= DOUBLE_TOL:
            # noise-limited in floats (e.g. a thin wall: an ill-conditioned Jacobian):
            # polish with residuals in mpmath at a few digits beyond double
            iters["fallback"] = "mixed precision"
            return _high_precision(P, mesh, psi, None, DOUBLE_DIGITS + FALLBACK_DIGITS, c3,
                                   iters, as_float=True, state=state)
        fac = P.Phi ** 2 * P.m2 ** ((2 - d) / 2) * om_f
        qfac = P.Phi ** 2 * P.m2 ** (-d / 2) * om_f
        prof, dprof = _profile_fn(P, mesh.edges, mesh.N, psi, [float(m) for m in mu],
                                  [[float(O[i, j]) for j in range(n)] for i in range(n)],
                                  mesh.R, None, None)
        return MultiBounceResult(
            phi0=tuple(float(P.Phi * v) for v in psi[:, 0]), action=fac * S,
            action_virial=fac * 2 * T / d, kinetic=fac * T, potential=fac * V,
            charge_integrals=tuple(qfac * q for q in Q), error=float(err), dps=None, dim=d,
            iterations=iters, status="converged", R_match=mesh.R / math.sqrt(P.m2),
            profile=prof, dprofile=dprof, state=state)
    # ---- high precision ----------------------------------------------------
    return _high_precision(P, mesh, psi, dps, digits, c3, iters, state=state)


def _high_precision(P, mesh, psi, dps, digits, c3, iters, as_float=False, state=None):
    """Mixed-precision polish to 10^-digits from the double solution; the result at
    ``dps`` digits (or as floats with ``as_float``, the double path's fallback)."""
    d, n = P.d, P.n
    hp = _hp_mesh(P, mesh, psi, digits, c3)
    psi_h = mesh.interp(psi, hp.r)
    psi_h, _ = _newton_double(P, hp, psi_h, iters)
    for rnd in range(3):
        msys, psi_m, dx = _refine_mp(P, hp, psi_h, digits, iters)
        tail = msys.tails(psi_m)
        if tail <= mpmath.mpf(10) ** -digits:
            break
        # refine where the full-precision coefficients say so
        with mpmath.workprec(msys.prec):
            arr = np.array([[float(v) for v in row] for row in psi_m])
        need = np.zeros(hp.E)
        for e in range(hp.E):
            worst = 0.0
            for k in range(n):
                seg = psi_m[k][e * hp.N:e * hp.N + hp.N + 1]
                with mpmath.workprec(msys.prec):
                    worst = max(worst, float(max(abs(mpmath.fdot(msys.C[kk], seg))
                                                 for kk in (hp.N - 1, hp.N))))
            need[e] = 2 * hp.N if worst > 10.0 ** -digits * float(np.max(np.abs(arr))) else 0
        edges, _ = _refine(hp, need, hp.N)
        new = _Mesh(edges, hp.N)
        iters["refinements"] = iters.get("refinements", 0) + 1
        psi_h, _ = _newton_double(P, new, hp.interp(arr, new.r), iters)
        hp = new
    else:
        raise ConvergenceError(f"the bounce could not be resolved to {digits} digits; try a smaller dps")
    prec = msys.prec
    T, V, Q, _ = msys.integrals_of(psi_m)
    tol = mpmath.mpf(DOUBLE_TOL) if as_float else mpmath.mpf(10) ** -dps
    with mpmath.workprec(prec):
        S = T + V
        Sv = 2 * T / d
        e_vir = abs(S - Sv) / abs(S)
        e_trunc = TRUNC_SAFETY * tail
        psiR = max(abs(psi_m[k][-1]) for k in range(n))
        e_tail = mpmath.mpf(c3) * psiR ** 3 * msys.edges[-1] ** (d - 1) / abs(S)
        e_round = 4 * hp.Np * n * mpmath.mpf(2) ** (-prec)
        e_dx = mpmath.mpf(dx) / max(1, float(np.max(np.abs(psi_h))))
        # the returned numbers are rounded to dps digits (or to float64)
        e_repr = mpmath.mpf(EPS) if as_float else mpmath.mpf(10) ** (-dps) / 10
        err = e_vir + e_trunc + e_tail + e_round + e_dx + e_repr
        if not err <= tol:
            raise ConvergenceError(f"bounce error estimate {mpmath.nstr(err, 3)} exceeds "
                                   f"{mpmath.nstr(tol, 3)}; try a larger dps or check the potential")
        Phi = mpmath.mpf(P.Phi)
        m2 = mpmath.mpf(P.m2)
        om = 2 * mpmath.pi ** (mpmath.mpf(d) / 2) / mpmath.gamma(mpmath.mpf(d) / 2)
        fac = Phi ** 2 * m2 ** (mpmath.mpf(2 - d) / 2) * om
        qfac = Phi ** 2 * m2 ** (-mpmath.mpf(d) / 2) * om
        out = dict(S=fac * S, Sv=fac * Sv, T=fac * T, V=fac * V, Q=[qfac * q for q in Q],
                   phi0=[Phi * psi_m[k][0] for k in range(n)], R=msys.edges[-1] / mpmath.sqrt(m2))
    if as_float:
        rd = float
        prof, dprof = _profile_fn(P, hp.edges, hp.N, psi_m, msys.mu, msys.O, msys.edges[-1],
                                  prec, None)
        return MultiBounceResult(
            phi0=tuple(rd(v) for v in out["phi0"]), action=rd(out["S"]),
            action_virial=rd(out["Sv"]), kinetic=rd(out["T"]), potential=rd(out["V"]),
            charge_integrals=tuple(rd(q) for q in out["Q"]), error=rd(err), dps=None, dim=d,
            iterations=iters, status="converged", R_match=rd(out["R"]),
            profile=prof, dprofile=dprof, state=state)
    with mpmath.workdps(dps):
        rd = lambda v: +v  # noqa: E731
        prof, dprof = _profile_fn(P, hp.edges, hp.N, psi_m, msys.mu, msys.O, msys.edges[-1], prec, dps)
        return MultiBounceResult(
            phi0=tuple(rd(v) for v in out["phi0"]), action=rd(out["S"]),
            action_virial=rd(out["Sv"]), kinetic=rd(out["T"]), potential=rd(out["V"]),
            charge_integrals=tuple(rd(q) for q in out["Q"]), error=rd(err), dps=dps, dim=d,
            iterations=iters, status="converged", R_match=rd(out["R"]),
            profile=prof, dprofile=dprof, state=state)


# --------------------------------------------------------------------------
# Potential-level entry points
# --------------------------------------------------------------------------
#: Potential-level families kept (numeric U and solved bounces for warm starts)
FAMILY_CACHE = 8
#: solved bounces kept per family
WARM_SOLVED = 64
#: a solved bounce of the family is a warm start for an omega within this relative distance
WARM_REL = 0.1
#: a warm-started bounce must continue its start: |S - S0 + (Q + Q0)(omega - omega0)/2| (the
#: trapezoid rule for dS_omega/domega = -Q) below this fraction of |S - S0|, plus WARM_ABS |S|
WARM_TOL = 0.1
WARM_ABS = 1e-8
_FAMILIES: dict = {}


def _poly_of(U, fields):
    """U as ``{exponents: Fraction}`` when it is a polynomial with rational coefficients, else None."""
    import sympy as sp
    try:
        pl = sp.Poly(U, *fields)
    except sp.PolynomialError:
        return None
    out = {}
    for mon, coef in pl.terms():
        if not coef.is_Rational:
            return None
        out[tuple(int(v) for v in mon)] = Fraction(int(coef.p), int(coef.q))
    return out


class _MultiFamily:
    """U of a Potential made numeric once; ``U_omega`` for every omega from it (no lambdify
    per omega), and the bounces solved so far (warm starts for nearby omega)."""

    def __init__(self, potential):
        from qsym.bridge import numeric_nd, to_fraction
        from qsym.errors import InputError as _IE
        self.potential = potential
        self.num = numeric_nd(potential.U(), potential.fields)
        try:
            self.c = [to_fraction(q ** 2) for q in potential.charges]
        except _IE:
            self.c = None        # irrational charges: U_omega made numeric per omega
        self.poly = _poly_of(potential.U(), potential.fields)
        self.solved = []

    @classmethod
    def of(cls, potential):
        key = (potential.U(), tuple(potential.fields), tuple(potential.charges))
        fam = _FAMILIES.get(key)
        if fam is None:
            if len(_FAMILIES) >= FAMILY_CACHE:
                _FAMILIES.pop(next(iter(_FAMILIES)))
            fam = _FAMILIES[key] = cls(potential)
        return fam

    def numeric(self, w):
        """The numeric ``U_omega`` (``w`` exact SymPy number)."""
        w2 = w ** 2
        if self.c is not None and w2.is_Rational:
            return ShiftedND(self.num, self.c, Fraction(int(w2.p), int(w2.q)), poly=self.poly)
        from qsym.bridge import numeric_nd
        P = self.potential
        return numeric_nd(P.U_omega(w).subs(P.values), P.fields)

    def nearest(self, wf, dim):
        """The solved bounce nearest to ``wf`` within WARM_REL, as (omega, result), or None."""
        cand = [(abs(w - wf), w, r) for w, r in self.solved if r.dim == dim]
        if not cand:
            return None
        dist, w, r = min(cand, key=lambda t: t[0])
        return (w, r) if dist <= WARM_REL * abs(wf) else None

    def add(self, wf, res):
        self.solved.append((wf, res))
        if len(self.solved) > WARM_SOLVED:
            self.solved.pop(0)

    def charge(self, wf, res):
        """Q = omega sum_k q_k^2 int phi_k^2 (float)."""
        return wf * sum(float(ck) * float(I) for ck, I in zip(self.c, res.charge_integrals))

    def continues(self, w0, r0, wf, r1):
        """Whether ``r1`` (at wf) continues ``r0`` (at w0): the trapezoid rule for
        dS_omega/domega = -Q."""
        S0, S1 = float(r0.action), float(r1.action)
        jump = S1 - S0 + (self.charge(w0, r0) + self.charge(wf, r1)) * (wf - w0) / 2
        return abs(jump) <= WARM_TOL * abs(S1 - S0) + WARM_ABS * abs(S1)


def bounce_multi(potential, omega=None, dim: int = 3, dps: int | None = None) -> MultiBounceResult:
    """Bounce of a :class:`~qsym.symbolic.potential.Potential` with any number of fields.

    With ``omega`` the bounce of ``U_omega = U - omega^2/2 sum_k q_k^2 phi_k^2``
    (paper eq (5), each field with its own charge).  ``result.as_dict()`` is the
    CLI payload (action, phi0, dps, error).  Bounces of the same potential at nearby
    omega start from the nearest one solved before (and are checked to continue it).
    """
    from qsym.symbolic.potential import parse_value
    fam = _MultiFamily.of(potential)
    try:
        if omega is None:
            return solve_bounce_multi(fam.num, dim=dim, dps=dps)
        w = parse_value(omega)
        num = fam.numeric(w)
        wf = float(w)
        near = fam.nearest(wf, dim) if fam.c is not None else None
        res = solve_bounce_multi(num, dim=dim, dps=dps, start=near[1] if near else None)
        if near and res.iterations.get("warm_start") and not fam.continues(near[0], near[1], wf, res):
            res = solve_bounce_multi(num, dim=dim, dps=dps)
        if fam.c is not None:
            fam.add(wf, res)
        return res
    except InputError as exc:
        if omega is not None and "non-degenerate minimum" in str(exc):
            raise InputError(f"omega = {omega} is too large: U_omega has no false vacuum at the "
                             "origin (omega^2 q_k^2 must stay below the masses^2)") from None
        raise


def qball_multi(potential, omega, dim: int = 3, dps: int | None = None) -> MultiQBallResult:
    """The multi-field Q-ball at frequency ``omega``: charge, energy, per-field charges.

    ``Q = omega sum_k q_k^2 int phi_k^2`` and ``E = S_omega + omega Q``, where
    ``S_omega`` is the bounce action in ``U_omega`` (paper eq (8) at its
    stationary point).
    """
    from qsym.bridge import evaluate
    from qsym.symbolic.potential import parse_value
    w = parse_value(omega)
    res = bounce_multi(potential, omega=w, dim=dim, dps=dps)
    wp = dps if dps is not None else 20
    with mpmath.workdps(wp + 5):
        wm = evaluate(w, wp + 5)
        q2 = [evaluate(q ** 2, wp + 5) for q in potential.charges]
        ch = [wm * q2[k] * mpmath.mpf(res.charge_integrals[k]) for k in range(len(q2))]
        Q = mpmath.fsum(ch)
        E = mpmath.mpf(res.action) + wm * Q
    conv = float if dps is None else (lambda v: +v)
    with mpmath.workdps(wp):
        return MultiQBallResult(omega=conv(wm), charge=conv(Q), energy=conv(E),
                                charges=tuple(conv(c) for c in ch), error=res.error,
                                dps=dps, bounce=res)


# --------------------------------------------------------------------------
# Q-balls of given charge (several fields)
# --------------------------------------------------------------------------
#: Chebyshev points of the double-precision scan of Q(omega) over the window
MULTI_SCAN_POINTS = 16
#: extension of the scan towards an end of the window: the distance to the end shrinks
#: by this factor per step, at most MULTI_END_STEPS steps, never below MULTI_END_MIN
#: (relative to the width of the window)
MULTI_END_FACTOR = 5.0
MULTI_END_STEPS = 6
MULTI_END_MIN = 1e-7
#: the double-precision root of Q(omega) = Q is refined to this relative accuracy in omega
#: (or to the noise of the double bounces): the high-precision secant converges
#: superlinearly from there, so a finer double root would only cost bounces
MULTI_DOUBLE_RTOL = 1e-9
#: relative size of |Q - Q_target| at which the double root is noise-limited (the double
#: bounces carry an error estimate below 1e-10)
MULTI_DOUBLE_NOISE = 1e-11
#: step of the five-point central difference for dQ/domega at the double root, relative to
#: the scale of Q(omega) there (the distance to the nearer end of the window): truncation
#: error ~30 (step)^4 and noise 1e-13/step balance near 1e-10, so that the first
#: high-precision secant step lands within 10^-10 of its own size of the root
MULTI_SLOPE_STEP = 1e-3
#: relative accuracy in omega of the double-precision refinement of an extremum of Q(omega)
MULTI_EXTREMUM_RTOL = 1e-6
#: iteration caps of the double and the high-precision root finders
MULTI_MAX_ITER = 60
#: extra digits of the bounces inside the high-precision secant
MULTI_GUARD = 6


def _chebyshev_grid(a: float, b: float, n: int) -> list:
    """Points clustered towards both ends of [a, b]."""
    return [a + (b - a) * (1 - math.cos(math.pi * (k + 0.5) / n)) / 2 for k in range(n)]


class _ChargeCurve:
    """Double-precision Q(omega) with a memo; None where the bounce cannot be solved
    (e.g. a wall too thin to resolve at the very end of the window)."""

    def __init__(self, evaluate, progress):
        self.evaluate, self.progress = evaluate, progress
        self.pts: dict = {}
        self.count = 0

    def __call__(self, w: float):
        w = float(w)
        if w not in self.pts:
            self.count += 1
            try:
                self.pts[w] = float(self.evaluate(w, None).charge)
            except (ConvergenceError, NoSolutionError):
                self.pts[w] = None
            if self.progress:
                q = self.pts[w]
                self.progress(f"bounce {self.count}: omega = {w:.10g}, "
                              + (f"Q = {q:.8g}" if q is not None else "not solvable in double precision"))
        return self.pts[w]

    def good(self):
        return sorted((w, q) for w, q in self.pts.items() if q is not None)


def _extend_end(curve, wmin, wmax, Qt, upper: bool):
    """March towards one end of the window while Q(omega) moves towards Qt there.

    Returns None when the end is settled (Q moves away from Qt there, or Qt was passed),
    else a one-line description of where the march had to stop while Q was still
    approaching Qt (a bounce that cannot be solved, or the closest distance allowed)."""
    width = wmax - wmin
    for _ in range(MULTI_END_STEPS + 1):
        g = curve.good()
        if len(g) < 2:
            return "fewer than two solvable bounces"
        (w1, q1), (w2, q2) = (g[-2], g[-1]) if upper else (g[1], g[0])
        towards = (q2 - q1) * (Qt - q2) > 0        # still approaching Qt at the end
        if not towards:
            return None
        dist = (wmax - w2) if upper else (w2 - wmin)
        dist /= MULTI_END_FACTOR
        w = wmax - dist if upper else wmin + dist
        where = (f"Q(omega) = {q2:.8g} at omega = {w2:.10g} is still approaching the target "
                 f"towards the {'upper' if upper else 'lower'} end {wmax if upper else wmin:.10g} "
                 "of the window")
        if dist < MULTI_END_MIN * width:
            return where + " (closest scan point allowed)"
        if curve(w) is None:
            return where + f" (the bounce at omega = {w:.10g} cannot be solved)"
    return where


def _golden_extremum(curve, a, b, c, sign):
    """Refine a local minimum (sign=+1) or maximum (sign=-1) of Q bracketed by a < b < c
    (Q(b) beyond both ends) by golden-section search; returns (omega, Q)."""
    f = lambda w: None if curve(w) is None else sign * curve(w)  # noqa: E731
    fb = f(b)
    invphi = (math.sqrt(5) - 1) / 2
    for _ in range(MULTI_MAX_ITER):
        if c - a <= MULTI_EXTREMUM_RTOL * abs(b):
            break
        # probe the larger sub-interval
        if (c - b) > (b - a):
            x = b + (1 - invphi) * (c - b)
            fx = f(x)
            if fx is None:
                break
            if fx < fb:
                a, b, fb = b, x, fx
            else:
                c = x
        else:
            x = b - (1 - invphi) * (b - a)
            fx = f(x)
            if fx is None:
                break
            if fx < fb:
                c, b, fb = b, x, fx
            else:
                a = x
    return b, sign * fb


def _refine_double_root(curve, a, qa, b, qb, Qt):
    """Safeguarded secant on Q(omega) - Qt in the bracket [a, b] (bisection whenever the
    secant leaves the bracket or stops shrinking it), to MULTI_DOUBLE_RTOL or to the noise
    of the double bounces; returns (omega, slope of the last secant)."""
    lo, flo, hi, fhi = (a, qa - Qt, b, qb - Qt) if a < b else (b, qb - Qt, a, qa - Qt)
    if flo == 0:
        return lo, (fhi - flo) / (hi - lo)
    if fhi == 0:
        return hi, (fhi - flo) / (hi - lo)
    x0, f0, x1, f1 = lo, flo, hi, fhi
    slope = (fhi - flo) / (hi - lo)
    for _ in range(MULTI_MAX_ITER):
        width = hi - lo
        if width <= MULTI_DOUBLE_RTOL * abs(hi):
            break
        c = x1 - f1 * (x1 - x0) / (f1 - f0) if f1 != f0 else (lo + hi) / 2
        if not (lo < c < hi) or (abs(c - x1) > width / 2 and abs(f1) > abs(f0) / 2):
            c = (lo + hi) / 2            # outside the bracket or not converging: bisect
        qc = curve(c)
        if qc is None:
            break
        fc = qc - Qt
        if c != x1 and fc != f1:
            slope = (fc - f1) / (c - x1)
        x0, f0, x1, f1 = x1, f1, c, fc
        if fc == 0:
            return c, slope
        if (fc < 0) == (flo < 0):
            lo, flo = c, fc
        else:
            hi, fhi = c, fc
        # the secant step is below the relative accuracy of Q itself: noise-limited
        if abs(fc) <= MULTI_DOUBLE_NOISE * abs(Qt):
            break
    return x1, slope


def _slope_5(curve, w0: float, h: float, slope0: float) -> float:
    r"""dQ/domega at ``w0`` by the five-point central difference (``slope0`` when a bounce
    fails or the sign disagrees with it).

    .. math::  Q'(\omega) \approx \frac{8[Q(\omega+h) - Q(\omega-h)] - [Q(\omega+2h) - Q(\omega-2h)]}{12 h}

    >>> c = _ChargeCurve(lambda w, dps: type("Q", (), {"charge": w ** 3})(), None)
    >>> round(_slope_5(c, 2.0, 1e-3, 1.0), 9)
    12.0
    """
    if not h > 0:
        return slope0
    q = [curve(w0 + k * h) for k in (-2, -1, 1, 2)]
    if any(v is None for v in q):
        return slope0
    s = (8 * (q[2] - q[1]) - (q[3] - q[0])) / (12 * h)
    return s if s * slope0 > 0 else slope0


def _secant_hp(evaluate, w0: float, slope0: float, Qt, dps: int, tol, progress):
    """High-precision secant on Q(omega) = Qt from the double root ``w0`` and the double
    slope ``slope0`` (the first step), until both the step in omega and the relative
    charge residual are below ``tol``; returns (omega, QBall, dQ/domega)."""
    wp = dps + MULTI_GUARD
    with mpmath.workdps(wp):
        w = mpmath.mpf(w0)
        qb = evaluate(w, wp)
        slope = mpmath.mpf(slope0)
        prev = None
        step = None
        for it in range(MULTI_MAX_ITER):
            if prev is not None:
                dw = w - prev[0]
                if dw != 0 and qb.charge != prev[1].charge:
                    slope = (qb.charge - prev[1].charge) / dw
            if not (slope != 0 and mpmath.isfinite(slope)):
                raise ConvergenceError("dQ/domega vanishes at the root (an extremum of Q(omega) at "
                                       f"omega = {mpmath.nstr(w, 12)}): try a slightly different charge")
            step = (qb.charge - Qt) / slope
            if progress:
                progress(f"secant at dps {wp}: omega = {mpmath.nstr(w, 12)}, relative step "
                         f"{mpmath.nstr(abs(step / w), 2)}")
            # converged when the charge itself is on target (near an end of the window
            # dlog Q/dlog omega is large, so a small omega step is not enough)
            if abs(step) <= tol * abs(w) and abs(qb.charge - Qt) <= tol * abs(Qt):
                return w, qb, slope
            prev = (w, qb)
            w = w - step
            qb = evaluate(w, wp)
    raise ConvergenceError(f"omega did not converge in {MULTI_MAX_ITER} secant steps (last step "
                           f"{mpmath.nstr(step, 3)}); try a larger dps")


def solve_charge_multi(evaluate, m_per_charge, Q, window, dps: int = 20, progress=None,
                       notes: list | None = None) -> list:
    """All Q-balls of charge Q (one per branch) of a family ``evaluate(omega, dps) -> QBall``
    (several fields), lowest mass first.

    1. Q(omega) is scanned in double precision at MULTI_SCAN_POINTS Chebyshev points of
       ``window = (omega_min, omega_max)``; towards each end the scan is extended
       (geometrically) while Q still moves towards the target there.
    2. Every sign change of Q - Q_target brackets a root; every interior extremum of the
       scanned values is refined (golden section) and, when it passes Q_target, splits
       into two brackets (two branches between neighbouring scan points).
    3. Each root is refined in double precision to MULTI_DOUBLE_RTOL, then by a secant
       at ``dps + MULTI_GUARD`` digits whose first step uses the double slope.

    ``m_per_charge`` is the lightest charged mass per unit charge (absolute stability is
    ``M_Q < Q m_per_charge``).  ``progress`` (callable(str) or None) receives one line
    per bounce.  When the scan had to stop at an end of the window while Q(omega) was
    still approaching Q there, a line is appended to ``notes`` (a list, if given): more
    branches may lie beyond.  Raises InputError (bad Q), NoSolutionError (no branch
    reaches Q and both ends are settled; the message gives the range of Q found) or
    ConvergenceError (no root in the scan, and an end that cannot be settled).
    """
    from qsym.numeric.qball import QBall
    with mpmath.workdps(dps + MULTI_GUARD):
        Qt = mpmath.mpf(Q)
        if not (Qt > 0) or not mpmath.isfinite(Qt):
            raise InputError(f"the charge must be a positive finite number, got {Q}")
        Qf = float(Qt)
        wmin, wmax = (float(x) for x in window)
        curve = _ChargeCurve(evaluate, progress)
        for w in _chebyshev_grid(wmin, wmax, MULTI_SCAN_POINTS):
            curve(w)
        if len(curve.good()) < 2:
            raise ConvergenceError("could not solve bounces across the omega window; try a larger dps")
        open_ends = [x for x in (_extend_end(curve, wmin, wmax, Qf, upper=True),
                                 _extend_end(curve, wmin, wmax, Qf, upper=False)) if x]
        pts = curve.good()
        # interior extrema of the scanned values: refine, and split brackets that hide two roots
        extra = []
        for i in range(1, len(pts) - 1):
            (a, qa), (b, qb), (c, qc) = pts[i - 1], pts[i], pts[i + 1]
            for sign in (1, -1):
                # strict on the left, not on the right: a pair of equal values (a symmetric
                # extremum between them) is caught at its left point
                if sign * (qb - qa) < 0 and sign * (qb - qc) <= 0 and sign * (qb - Qf) > 0:
                    we, qe = _golden_extremum(curve, a, b, c, sign)
                    extra.append((we, qe))
        if extra:
            pts = curve.good()
        brackets = [(a, qa, b, qb) for (a, qa), (b, qb) in zip(pts, pts[1:]) if (qa - Qf) * (qb - Qf) <= 0]
        if notes is not None:
            notes.extend(f"further branches may lie beyond the scan: {x}" for x in open_ends)
        if not brackets and open_ends:
            raise ConvergenceError(f"no Q-ball of charge {mpmath.nstr(Qt, 8)} found inside the scan, "
                                   f"and the scan cannot go on: {open_ends[0]}; try a charge "
                                   "nearer the middle of the family or a single-field reduction")
        if not brackets:
            qs = [q for _, q in pts]
            raise NoSolutionError(f"no Q-ball of charge {mpmath.nstr(Qt, 8)}: the branches found span "
                                  f"Q in [{min(qs):.8g}, {max(qs):.8g}] (extrema refined to "
                                  f"{MULTI_EXTREMUM_RTOL:g} in omega)")
        tol = mpmath.mpf(10) ** (-(dps + 2))
        sols = []
        for a, qa, b, qb in brackets:
            w0, slope0 = _refine_double_root(curve, a, qa, b, qb, Qf)
            # a central difference on the scale of Q(omega) for the first high-precision
            # step (the secant slope of the double root is noise-limited)
            slope0 = _slope_5(curve, w0, MULTI_SLOPE_STEP * min(w0 - wmin, wmax - w0, abs(w0)), slope0)
            w, qbh, dQ = _secant_hp(evaluate, w0, slope0, Qt, dps, tol, progress)
            resid = abs(qbh.charge - Qt) / Qt
            err = max(mpmath.mpf(qbh.error), resid, tol)
            classical = bool(dQ < 0)
            absolute = bool(qbh.mass < Qt * m_per_charge)
            if any(abs(s.omega - w) <= 10 * tol * abs(w) for s in sols):
                continue                 # the same root from two brackets (Q = Q_target at a scan point)
            sols.append(QBall(qbh.omega, Qt, qbh.mass, qbh.action, qbh.radius, qbh.phi0, err, dps,
                              dQ, classical, absolute, qbh.bounce))
        return sorted(sols, key=lambda s: s.mass)
