r"""One escape direction of a bounce problem in dimensionless form, at one precision.

Units: the field in units of the escape point ``phi_e`` (``psi = phi/phi_e``) and the radius in
units of ``1/m``, so that

.. math::  \tilde U(\psi) = \frac{U(\phi_e \psi)}{m^2 \phi_e^2}, \qquad \tilde U''(0) = 1 .

:class:`_Side` holds that potential in the integrator's arithmetic
(:mod:`qsym.numeric.kernels.taylor`), the shooting parameter (``x = psi(0)``, or
``x = ln(psi_t - psi(0))`` when a second minimum ``psi_t`` exists) and the start of a shot.
"""

from __future__ import annotations

import functools
import math

import mpmath
import numpy as np

from qsym.errors import ConvergenceError

from qsym.numeric.bounce1d.problem import _Problem, _fnum
from qsym.numeric.kernels import tails
from qsym.numeric.kernels.online import OnlineProgram, float_loss_bits
from qsym.numeric.kernels.taylor import Arith, Model

#: the nonlinearity scale of a side is this times the field scale of U over the escape point
#: (capped at 1: a polynomial such as psi^2/2 - psi^3 keeps 1)
LIN_FACTOR = 4.0
#: polynomials with more terms than this are truncated per shot to the terms that matter there
#: (:meth:`_Side.models_for`)
TRUNC_MIN_TERMS = 8
#: floats integrate psi - psi_t when the centre is this close to psi_t
SHIFT_DELTA = 0.1
#: first number of Taylor terms tried for a non-polynomial U (doubled as needed)
SERIES_START = 16
#: floats use the online Taylor arithmetic of U when its series loses at most this many guard
#: bits at the origin (omega close to m cancels digits in U'' that doubles cannot spare)
ONLINE_MAX_GUARD = 24
#: ... and the field scale and mass lie in this range (doubles hold the scaled products)
ONLINE_RANGE = (1e-60, 1e60)
#: ... and a double evaluation of U, U', U'' along the path loses at most this many bits to
#: cancellation (a ball bound: ~6 for a benign program; else the online run is in fixed
#: point with the lost bits on top)
ONLINE_MAX_LOSS = 10
#: terms of the series of U' about the true vacuum used by the float step near psi_t
NEAR_TERMS = 18


@functools.lru_cache(maxsize=1)
def _gauss_legendre():
    return np.polynomial.legendre.leggauss(64)


def _root(prob: _Problem, bracket, k: int, prec: int):
    r"""The root of ``U^(k)`` (k = 0: escape point, 1: second minimum) in ``bracket`` to ``prec``
    bits, remembered per problem: a later side at no more bits rounds it, one at more bits refines it
    from a bracket of relative half-width ``2^{8 - p}`` about the root known to ``p`` bits (a few
    Newton steps instead of a search from the landscape's bracket; the verified sign change is
    checked again, and the landscape's bracket is used if it fails).

    .. math:: U^{(k)}(\phi_*) = 0, \qquad |\phi - \phi_*| \le 2^{-\text{prec}} |\phi_*|
    """
    cache = prob.__dict__.setdefault("_side_roots", {})
    key = (k, tuple(bracket))
    got = cache.get(key)
    if got is not None and got[0] >= prec:
        with mpmath.workprec(prec + 10):
            return +got[1]
    root = None
    if got is not None:
        with mpmath.workprec(prec + 10):
            w = abs(got[1]) * mpmath.mpf(2) ** (8 - got[0])
            near = (got[1] - w, got[1] + w)
        try:
            root = prob.refine(near, k, prec)
        except ConvergenceError:
            root = None
    if root is None:
        root = prob.refine(bracket, k, prec)
    cache[key] = (prec, root)
    return root


class _Side:
    """One escape direction in dimensionless form at one precision."""

    def __init__(self, prob: _Problem, sign: int, P: int | None):
        self.prob = prob
        self.sign = sign
        self.d = prob.d
        self.nu = mpmath.mpf(prob.d) / 2 - 1
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
            pe = _root(prob, pe_b, 0, prec)
            self.phi_s = pe
            m2 = self.m ** 2
            if prob.poly:
                c = [_fnum(x) for x in prob.coeffs]
                self.u = [c[i] * pe ** (i - 2) / m2 if i >= 2 else mpmath.mpf(0)
                          for i in range(len(c))]
            else:
                self.u = None
            if pt_b is not None:
                pt = _root(prob, pt_b, 1, prec)
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
                if self.shift:
                    shifted = [mpmath.mpf(0)] * len(self.u)
                    for j in range(len(self.u)):
                        shifted[j] = sum(math.comb(i, j) * self.u[i] * self.shift ** (i - j)
                                         for i in range(j, len(self.u)))
                    self.poly_shifted = [self.A.from_mpf(v) for v in shifted]
                else:
                    self.poly_shifted = list(self.poly)
            else:
                self.poly = self.poly_shifted = None
            # |U'''(0)|/6 in scaled units: size of the neglected cubic tail
            self.c3 = abs(self.deriv_scaled(3, mpmath.mpf(0))) / 6
            # the field scale (units of the escape point) where U departs from its quadratic
            # form: 1, or less when the nonlinearity sets in well inside (a plateau, log(1 + phi^2)
            # far out); the tail tests of a shot count psi as small relative to it
            self.lin = min(1.0, LIN_FACTOR * float(abs(prob.scale / pe)))
        # floats in a thin wall: U' next to the true vacuum comes from its series about psi_t
        near = self._near_vacuum() if (P is None and self.shift and not prob.poly
                                       and getattr(prob.num, "program", None) is not None) else None
        online = self._online(prob, P, vacuum_fprime=near is None)
        self.model = Model(self.A, self.d, poly=self.poly,
                           derivs=None if prob.poly else self._derivs,
                           online=online[:5] + (mpmath.mpf(0), online[5], None) if online else None)
        # the same potential about psi_t (chi = psi - psi_t), used inside a
        # thin-wall bubble by the float path; the tail goes back to psi, whose
        # small values floats hold with relative precision (and U'(psi_t + chi), which doubles
        # would evaluate with an absolute error 2^-53 against a value O(chi), from its series)
        near = near if online and online[5] is None else None
        self.model_shifted = Model(self.A, self.d, poly=self.poly_shifted,
                                   derivs=None if prob.poly else self._derivs_shifted,
                                   online=online[:5] + (self.shift, online[5], near) if online else None)
        self._trunc: dict = {}

    def models_for(self, x):
        r"""``(model, model_shifted)`` for a shot with parameter ``x``: a polynomial U without the
        top terms that cannot matter on that shot.  A shot stays within ``|psi| <= B = |psi(0)| + 1`` (the field falls from its centre value; an overshoot or undershoot stops
        within the step that shows it), so terms ``i >= n`` with

        .. math:: \sum_{i \ge n} i^2 |u_i| B^i \le 2^{-(P + 16)}

        change U', U'' there by less than the rounding of the step (the Taylor polynomials of a
        non-polynomial U near the thick-wall end carry ~50 digits of terms; doubles need a third).
        In a thin wall psi(0) = psi_t - exp(x) lies below psi_t.  B is taken to the next power of two (one truncation per bucket)."""
        if self.u is None or len(self.u) <= TRUNC_MIN_TERMS:
            return self.model, self.model_shifted
        with mpmath.workprec(self.prec):
            B = abs(self.psi0(x))
            e = max(0, int(math.ceil(float(mpmath.log(B + 1, 2)))))
        if e not in self._trunc:
            self._trunc[e] = self._truncated(mpmath.mpf(2) ** e)
        return self._trunc[e]

    def _truncated(self, B):
        tol = mpmath.mpf(2) ** (-((self.P or 53) + 16))
        n = len(self.u)
        with mpmath.workprec(self.prec):
            acc, keep = mpmath.mpf(0), n
            for i in range(n - 1, 3, -1):
                acc += i * i * abs(self.u[i]) * B ** i
                if acc > tol:
                    break
                keep = i
        if keep == n:
            return self.model, self.model_shifted
        poly = self.poly[:keep]
        if self.shift:
            with mpmath.workprec(self.prec):
                shifted = [sum(math.comb(i, j) * self.u[i] * self.shift ** (i - j) for i in range(j, keep))
                           for j in range(keep)]
            poly_s = [self.A.from_mpf(v) for v in shifted]
        else:
            poly_s = list(poly)
        return Model(self.A, self.d, poly=poly), Model(self.A, self.d, poly=poly_s)

    def _online(self, prob, P, vacuum_fprime: bool = True):
        """Non-polynomial U with an Arb program: ``(OnlineProgram, xscale, f_scale, g_scale, u_scale,
        Pw)`` for the online Taylor arithmetic (:mod:`qsym.numeric.kernels.online`), else None (the
        Taylor expansion of U at each step).  ``Pw`` is None for a run in doubles, else the bits of a
        fixed-point run: the step's bits (53 in the double path) plus those that cancel in U, U',
        U'' (at the origin: ``guard_bits``; along the path: :func:`float_loss_bits`) and the scalings.
        The double path runs in doubles when nothing cancels, else in fixed point with the lost bits
        on top (its coefficients converted exactly), so that its U, U', U'' keep 53 bits."""
        prog = getattr(prob.num, "program", None)
        if prog is None or len(prog.outputs) < 3:
            return None
        with mpmath.workprec(self.prec_u):
            ps, m2 = self.phi_s, self.m ** 2
            scales = (ps, 1 / (m2 * ps), 1 / m2, 1 / (m2 * ps * ps))
        if prob.online is None:
            prob.online = OnlineProgram(prog)
        loss = self._float_loss(prob, prog, scales, vacuum_fprime)
        inrange = all(ONLINE_RANGE[0] < abs(v) < ONLINE_RANGE[1] for v in scales)
        if (P is None and inrange and prob.guard_bits <= ONLINE_MAX_GUARD
                and loss <= ONLINE_MAX_LOSS):
            return (prob.online,) + scales + (None,)
        if not prob.online.fixed_ok() or not math.isfinite(loss):
            return None
        # fixed point: the scalings and the cancellation cost bits on top of the step's
        big = max(abs(int(mpmath.log(abs(v), 2))) for v in scales if v)
        # a large constant (1/(a^2 Delta) of a rescaled family near its thick-wall end) multiplies
        # intermediates that fixed point holds only to 2^-Pw absolute: as many bits again
        Pw = (P or 53) + max(prob.guard_bits, int(loss) + 8, 0) + big + prob.online.const_bits() + 16
        return (prob.online,) + scales + (Pw,)

    def _near_vacuum(self):
        r"""``(f, rho)``: the Taylor coefficients ``f_j`` (floats) of the scaled ``U'`` about
        ``psi_t`` and the radius ``rho`` within which they give ``U'(psi_t + chi)`` to 2^-60
        relative to its linear term (the float step's ``F_0`` inside a thin-wall bubble).

        .. math:: \tilde U'(\psi_t + \chi) = \sum_{j < J} f_j \chi^j, \qquad
                  |f_j| \rho^{j} \le 2^{-60} |f_1| \rho \ (j \ge J - 2)

        Doubles evaluate ``U'`` near the true vacuum with an absolute error ``2^{-53}`` times its
        terms, while the value is ``O(chi)`` (deep in a thin wall ``chi ~ 1e-9``): the Newton on
        ``x = ln(delta)`` then stalls at that noise.  None when the series is of no use."""
        with mpmath.workprec(self.prec_u):
            try:
                cs = self.series_scaled(self.psi_t, NEAR_TERMS + 1)
            except (ArithmeticError, ValueError, ConvergenceError):
                return None
            f = [(j + 1) * cs[j + 1] for j in range(NEAR_TERMS)]
            if not f[1]:
                return None
            rho = mpmath.mpf(1)
            for j in (NEAR_TERMS - 2, NEAR_TERMS - 1):
                if f[j]:
                    rho = min(rho, (mpmath.mpf(2) ** -60 * abs(f[1]) / abs(f[j])) ** (mpmath.mpf(1) / (j - 1)))
            return [float(v) for v in f], float(rho)

    def _float_loss(self, prob, prog, scales, vacuum_fprime: bool = True):
        """Bits a double evaluation of the scaled U, U', U'' loses along the escape path
        (:func:`float_loss_bits` at a few points from the centre to the escape point or the
        second minimum; computed once per problem and direction).  Without ``vacuum_fprime``
        U' at the second minimum is left out (it vanishes there, so any evaluation of it cancels;
        the float step takes it from its series about psi_t, :meth:`_near_vacuum`)."""
        key = ("_float_loss", self.sign, vacuum_fprime)
        cache = prob.__dict__
        if key not in cache:
            ps = self.phi_s
            top = self.psi_t if self.psi_t is not None else mpmath.mpf(1)
            pts = [ps * top * f for f in (mpmath.mpf(1) / 8, mpmath.mpf(1) / 2, 1)]
            sc = (scales[3], scales[1], scales[2])         # U, U', U'' in scaled units
            if vacuum_fprime or self.psi_t is None:
                cache[key] = float_loss_bits(prog, pts, sc)
            else:
                cache[key] = max(float_loss_bits(prog, pts[:2], sc),
                                 float_loss_bits(prog, pts[2:], (sc[0], 0, sc[2])))
        return cache[key]

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
        on = self.model.online
        if on is not None and on[6] is None:
            # doubles lose little here (ONLINE_MAX_LOSS): U from the online program's constant terms
            return on[0].value_float(float(on[1]) * psi) * float(on[4])
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
