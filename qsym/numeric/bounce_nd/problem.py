"""The radial problem: validation of the false vacuum at the origin, scaled units, normal modes.

Units: the field in units of ``Phi`` (the escape distance of the best ray) and the radius
in units of ``1/m``, ``m^2`` the lowest eigenvalue of the mass matrix at the origin.

Numeric layer: numpy / mpmath only (a SymPy expression is only walked by type name).
"""

from __future__ import annotations

import mpmath
import numpy as np

from qsym.errors import InputError, NoFalseVacuumError, NotAnalyticError
from qsym.numeric.bounce_nd.constants import ORIGIN_CHECK_DPS, ORIGIN_TOL


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
            raise NotAnalyticError(f"U contains {name}(...) of the fields: the bounce solver needs U "
                             "smooth (real-analytic); write it without it")
        stack.extend(getattr(e, "args", ()))


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
                raise NoFalseVacuumError(f"U(0) = {mpmath.nstr(u0, 6)}: the false vacuum must be at the "
                                 "origin with U(0) = 0")
            for k, g in enumerate(g0):
                if abs(g) > ORIGIN_TOL * scale:
                    raise NoFalseVacuumError(f"dU/d{num.vars[k]} = {mpmath.nstr(g, 6)} at the origin: "
                                     "the origin is not a minimum of U")
            if not ev[0] > ORIGIN_TOL * scale:
                raise NoFalseVacuumError("the origin is not a non-degenerate minimum of U (lowest mass^2 "
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
