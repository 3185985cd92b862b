r"""High-level Q-ball answers: the exact solution next to the thin- and thick-wall formulas.

This module joins the layers: it takes a :class:`~qsym.symbolic.potential.Potential`,
asks the symbolic layer for the window and the approximations, evaluates
them through :mod:`qsym.bridge`, and calls the numeric solver
:mod:`qsym.numeric.qball`.  :func:`qball` returns a :class:`ChargeResult` (a
:class:`qsym.results.Result`); the estimates are dicts of mpf values (the CLI formats them).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import sympy as sp

from qsym.symbolic import thickwall as tw
from qsym.bridge import (OmegaFamily, arb_program, check_dps, evaluate, exact_rational, mp_callable, numeric_1d,
                         numeric_1d_program)
from qsym.numeric.kernels.online import float_loss_bits
from qsym.numeric.kernels.rescale import rescaled_program
from qsym.errors import InputError
from qsym.results import CONVERGED, REDUCED, Result, latex_pm
from qsym.symbolic.potential import Potential
from qsym.numeric.qball import qball_at_omega, solve_charge_chart
from qsym.symbolic.thinwall import Q as Qsym
from qsym.symbolic.thinwall import thin_wall
from qsym.symbolic.window import qball_window
from qsym.api.window import window_numeric  # noqa: F401  (re-exported: qsym.api.solve.window_numeric)

__all__ = ["window_numeric", "thin_wall_estimate", "thick_wall_estimate", "qball", "qball_omega",
           "ChargeResult", "qball_multi_charge", "s_psi_moments", "DeltaChart", "charge_minimum"]


def thin_wall_estimate(P: Potential, Q, dps: int = 30, window: dict | None = None) -> dict:
    r"""Eqs (10)-(11) at the minimum of mu^2, plus the surface-energy correction.

    The wall tension ``sigma = int_0^{phi_0} sqrt(2 U_{omega_0}) dphi`` is
    integrated numerically (tanh-sinh quadrature at ``dps``); to first order the
    mass is ``M_Q + 4 pi sigma R_0^2``.  ``window``: the result of
    ``window_numeric(P, dps + 10)`` when the caller has it (one field; not decided again).

    .. math:: M_Q \approx Q\,\omega_0 + 4\pi\sigma R_0^2, \qquad
              \sigma = \int_0^{\phi_0} \sqrt{2 U_{\omega_0}}\, d\phi

    >>> import qsym
    >>> t = thin_wall_estimate(qsym.Potential("phi**2/2 - phi**3 + phi**4", fields="phi"), 1000, 15)
    >>> round(float(t["mass"]), 6), round(float(t["mass_surface_corrected"]), 4)
    (707.106781, 752.3418)
    """
    if len(P.fields) == 1:
        win = (window if window is not None else window_numeric(P, dps + 10))["exact"]
    else:
        win = qball_window(P)
    if win["phi_at_min"] == sp.oo:
        return {"valid": False, "reason": "mu^2 has no minimum (its infimum is approached at infinite field, "
                "a plateau): eqs (10)-(11) do not apply; see qsym.symbolic.flatdir for the plateau law"}
    if win["omega_min2"] == 0:
        return {"valid": False, "reason": "degenerate vacuum (min mu^2 = 0): the thin-wall limit omega -> 0 "
                "has U(phi_0) = 0, so eqs (10)-(11) give no radius"}
    phi0 = win["phi_at_min"]
    tw_ = thin_wall(P, {P.fields[0].name: phi0})
    Qr = sp.nsimplify(Q) if not isinstance(Q, sp.Basic) else Q
    sub = {Qsym: Qr}
    w0 = sp.sqrt(win["omega_min2"])
    # the integrand needs numbers: omega_min^2 may be algebraic (CRootOf), so take it as an exact
    # rational at twice the working precision (the quadrature's own precision)
    w02 = win["omega_min2"] if win["omega_min2"].is_Rational else \
        exact_rational(evaluate(win["omega_min2"], 2 * dps + 20))
    Uw0 = P.U_omega(sp.sqrt(w02))
    f = mp_callable(sp.sqrt(2 * sp.Max(Uw0, 0)), [P.fields[0]])
    with mpmath.workdps(2 * dps + 10):  # U_omega0 ~ (phi - phi0)^2 cancels half the digits near phi0
        sigma = mpmath.quad(f, [0, evaluate(phi0, 2 * dps + 10)])
    with mpmath.workdps(dps + 5):
        R0 = evaluate(tw_["R0"].subs(sub), dps + 5)
        M0 = evaluate(tw_["M_Q"].subs(sub), dps + 5)
        M1 = M0 + 4 * mpmath.pi * sigma * R0**2
        rms = mpmath.sqrt(mpmath.mpf(3) / 5) * R0   # uniform ball
        return {"valid": True, "mass": M0, "radius": R0, "rms_radius": rms, "omega": evaluate(w0, dps + 5),
                "sigma": sigma, "mass_surface_corrected": M1}


@functools.lru_cache(maxsize=16)
def s_psi_moments(dps: int = 30) -> dict:
    """``S_psi``, ``I2 = int psi^2``, ``I4 = int psi^4`` (d^3 xi) of ``psi^2/2 - psi^3`` (the bounce of
    :func:`qsym.api.bounce.s_psi_bounce`, solved once per dps)."""
    from qsym.api.bounce import s_psi_bounce
    b = s_psi_bounce(dps)
    with mpmath.workdps(dps + 5):
        R = mpmath.mpf(b.R_match)
        I4 = 4 * mpmath.pi * mpmath.quad(lambda r: r**2 * b.profile(r) ** 4, [0, R / 4, R / 2, R, mpmath.inf])
    return {"S": b.action, "I2": b.charge_integral, "I4": I4, "error": b.error}


def _canonical_coeffs(P: Potential):
    """(M^2, A, lam) if U = M^2 phi^2/2 - A phi^3 + lam phi^4 exactly, else None."""
    phi = P.fields[0]
    try:
        p = sp.Poly(sp.expand(P.U()), phi)
    except sp.PolynomialError:
        return None
    if p.free_symbols - {phi} or p.degree() > 4:
        return None
    c = {k[0]: v for k, v in zip(p.monoms(), p.coeffs())}
    if set(c) - {2, 3, 4} or 3 not in c:
        return None
    return 2 * c.get(2, 0), -c[3], c.get(4, 0)


def thick_wall_estimate(P: Potential, Q, dps: int = 30, order: int | None = None) -> dict:
    r"""Paper sec. 3 for ``U = M^2 phi^2/2 - A phi^3 + lam phi^4``: closed form (or series of ``order``).

    Returns mass, radius (= ``1/sqrt(M^2 - omega^2)``), omega, epsilon and
    ``valid`` (epsilon <= 1/2); with the first-order quartic correction
    ``mass_quartic_corrected``.

    .. math:: \epsilon = \frac{Q A^2}{3 S_\psi M^2}, \qquad
              M_Q = Q M \frac{2 + \sqrt{1-4\epsilon^2}}{3\sqrt{(1+\sqrt{1-4\epsilon^2})/2}}

    >>> import qsym
    >>> t = thick_wall_estimate(qsym.Potential("phi**2/2 - phi**3", fields="phi"), 2, 15)
    >>> round(float(t["epsilon"]), 10), round(float(t["mass"]), 10)
    (0.1374248161, 1.9936130153)
    """
    co = _canonical_coeffs(P)
    if co is None:
        return {"valid": False, "reason": "the thick-wall formulas need U = M^2 phi^2/2 - A phi^3 + lam phi^4"}
    M2, A, lam = co
    # charge q: U_omega depends on q omega only and Q = q (q omega) int phi^2, so the charge-q
    # Q-ball of charge Q is the charge-1 Q-ball of charge Q/|q| at frequency |q| omega (same mass)
    qa = abs(sp.nsimplify(P.charges[0]))
    if qa == 0:
        return {"valid": False, "reason": "the field carries no U(1) charge"}
    mom = s_psi_moments(dps)
    with mpmath.workdps(dps + 5):
        qn = evaluate(qa, dps + 5)
        Mn, An, ln = evaluate(sp.sqrt(M2), dps + 5), abs(evaluate(A, dps + 5)), evaluate(lam, dps + 5)
        Q1 = mpmath.mpf(Q) / qn
        eps = Q1 * An**2 / (3 * mom["S"] * Mn**2)
        out = {"epsilon": +eps, "S_psi": +mom["S"]}
        if eps > mpmath.mpf(1) / 2:
            out.update(valid=False, reason=f"epsilon = {mpmath.nstr(eps, 6)} > 1/2: no thick-wall minimum")
            return out

        def ev(quantity):
            if order is None:
                return mp_callable(tw.closed_form(quantity), [tw.eps])(eps)
            return sum(mpmath.mpf(c.p) / c.q * eps**k for k, c in tw.series(quantity, order).items())

        mass = Q1 * Mn * ev("mass")
        omega = Mn * ev("omega") / qn
        # 1 - w^2 on the minimum branch without cancellation (tiny eps: omega rounds to M)
        s2 = 2 * eps**2 / (1 + mpmath.sqrt(1 - 4 * eps**2))
        radius = 1 / (eps * Mn * ev("radius")) if order is not None else 1 / (Mn * mpmath.sqrt(s2))
        # first-order quartic correction: delta M = lam S_1 (M^2 - omega^2)^(5/2) / A^4, S_1 = I4
        dM = ln * mom["I4"] * (Mn**2 * s2) ** mpmath.mpf(2.5) / An**4
        out.update(valid=True, mass=mass, omega=omega, radius=radius, mass_quartic_corrected=mass + dM,
                   kappa=ln * Mn**2 * s2 / An**2)
    return out


def _leading_nonlinearity(U, var):
    """``(n, c_n)``: the first nonzero Taylor term ``c_n phi^n`` with n >= 3, or None.

    A non-polynomial U: the derivatives at the origin first (``U^(n)(0)/n!``, exact; a SymPy
    series of ``exp`` or ``log`` terms costs ~0.1 s), the series where a derivative has no value
    there by substitution."""
    try:
        p = sp.Poly(sp.expand(U), var)
        if p.free_symbols - {var}:
            return None
    except sp.PolynomialError:
        d = sp.diff(U, var, 2)
        for k in range(3, LEAD_DERIVATIVES + 1):
            d = sp.diff(d, var)
            v = d.subs(var, 0)
            if not (v.is_number and v.is_finite and v.is_real) or v.is_zero is None:
                break                               # no value by substitution: the series decides
            if not v.is_zero:
                return k, v / sp.factorial(k)
        try:
            p = sp.Poly(sp.series(U, var, 0, 13).removeO(), var)
        except (sp.PolynomialError, ValueError, NotImplementedError, TypeError):
            return None
    for (k,), c in sorted(zip(p.monoms(), p.coeffs())):
        if k >= 3 and c != 0:
            return k, c
    return None


#: derivatives at the origin tried for the leading nonlinearity before SymPy's series
LEAD_DERIVATIVES = 8

#: the rescaled program of a non-polynomial U is used when a double evaluation of V, V', V'' at
#: these scaled fields loses at most RESCALED_MAX_LOSS bits (else the Taylor polynomial near the
#: thick-wall end, or the fixed-point online run of the bounce engine)
RESCALED_POINTS = (0.25, 0.5, 1.0)
RESCALED_MAX_LOSS = 10

#: Taylor terms of a non-polynomial U kept near the thick-wall end (see DeltaChart._taylor_scaled)
TAYLOR_TERMS = 40
#: largest scaled field the truncated Taylor polynomial must represent there
TAYLOR_PSI_MAX = 8

#: below this size the single small coupling of the rescaled problem is handled by interpolation
#: (:class:`qsym.numeric.qball._SmallModel`): the engine's landscape analysis fails below ~1e-8
SMALL_EPS = 1e-6


#: exact Taylor coefficients of the potentials solved recently (SymPy's series of a non-polynomial
#: U costs ~0.2 s; every solve of the same potential builds a new chart)
_TAYLOR_CACHE: dict = {}
_TAYLOR_CACHE_SIZE = 32


def _exact_taylor(U, var) -> dict:
    r"""``{k: c_k}`` with ``U = \sum_{k < TAYLOR_TERMS} c_k var^k + O(var^TAYLOR_TERMS)``, every
    ``c_k`` rational, or ``{}`` (not a rational series); remembered per ``(U, var)``.

    .. math:: c_k = U^{(k)}(0)/k!

    >>> x = sp.Symbol("x")
    >>> _exact_taylor(x**2 * sp.exp(x), x)[4]
    1/2
    """
    key = (U, var)
    got = _TAYLOR_CACHE.get(key)
    if got is not None:
        return got
    try:
        ser = sp.series(U, var, 0, TAYLOR_TERMS).removeO()
        p = sp.Poly(ser, var)
        cs = dict(zip((k[0] for k in p.monoms()), p.coeffs()))
        ok = all(c.is_Rational for c in cs.values()) and not p.free_symbols - {var}
    except (sp.PolynomialError, ValueError, NotImplementedError, TypeError):
        ok = False
    if len(_TAYLOR_CACHE) >= _TAYLOR_CACHE_SIZE:
        _TAYLOR_CACHE.clear()
    _TAYLOR_CACHE[key] = cs if ok else {}
    return _TAYLOR_CACHE[key]


class DeltaChart:
    r"""The Q-balls of a one-field potential in the variable ``Delta = m^2 - q^2 omega^2``.

    ``scaled(Delta)`` is the bounce problem in units where ``U_omega`` has unit mass and an
    O(1) field scale: ``V(psi) = U_omega(a psi)/(a^2 Delta)`` with ``r = xi/sqrt(Delta)``,
    ``a = (Delta/|c_n|)^(1/(n-2))`` for the leading small-field term ``c_n phi^n < 0``.  For
    ``U = M^2 phi^2/2 - A phi^3 + lam phi^4`` this is the canonical family of
    :mod:`qsym.symbolic.canonical`, ``V = psi^2/2 - psi^3 + kappa psi^4``, so every Q-ball is one
    solve of a one-parameter problem whatever the sizes of M, A, lam, Q.  Attributes (mpf at
    ``dps + 30`` digits): ``m2 = U''(0)``, ``q = |q|``, ``Omega_min2 = q^2 omega_min^2``,
    ``D = m2 - Omega_min2``; ``thick_slope``, ``thin_slope`` are the asymptotic slopes of
    ``log Q`` in ``u = log(Delta/(D - Delta))`` (see :func:`qsym.numeric.qball.solve_charge_chart`).
    """

    def __init__(self, P: Potential, win: dict, dps: int = 20):
        var, U = P.single_field()
        self.var, self.U = var, U
        self.psi = sp.Dummy("psi")
        prec = dps + 30
        q = sp.nsimplify(P.charges[0])
        m2 = sp.diff(U, var, 2).subs(var, 0)
        Om2 = q**2 * win["omega_min2"]
        self.m2_exact = m2
        self.m2 = evaluate(m2, prec)
        self.q = evaluate(abs(q), prec)
        self.Omega_min2 = evaluate(Om2, prec) if Om2 != 0 else mpmath.mpf(0)
        self.D = evaluate(m2 - Om2, prec)
        lead = _leading_nonlinearity(U, var)
        self.lead = lead
        if lead is not None and lead[1] < 0:
            n = lead[0]
            self.thick_slope = 2 / (n - 2) - 1.5       # Q ~ Delta^(2/(n-2) - 3/2), d = 3
            self._cn = evaluate(-lead[1], prec)
        else:
            self.thick_slope = None
            self._cn = None
        pam = win["phi_at_min"]
        plateau = pam == sp.oo          # inf mu^2 approached at infinite field (not attained)
        self._phi_scale = evaluate(pam, prec) if not plateau else mpmath.mpf(1)
        # thin wall: R ~ 1/(Omega^2 - Omega_min^2) and Q ~ R^3; with Omega_min = 0, Q ~ Omega R^3, R ~ 1/Omega^2;
        # a plateau (mu^2 -> 0 at infinite field, sec. flat directions): Q ~ omega^-4 ~ exp(2u)
        self.thin_slope = 3.0 if Om2 != 0 else (2.0 if plateau else 2.5)
        try:
            self._coeffs = sp.Poly(sp.expand(U), var).all_coeffs()[::-1]
            if not all(c.is_Rational for c in self._coeffs):
                self._coeffs = None
        except sp.PolynomialError:
            self._coeffs = None
        # one small coupling besides the leading term: V = psi^2/2 - psi^n + eps psi^k (interpolated
        # by qsym.numeric.qball when eps is too small for the bounce engine's landscape analysis)
        self.small_power = None
        if self._coeffs is not None and self._cn is not None:
            others = [k for k, c in enumerate(self._coeffs) if k >= 3 and k != self.lead[0] and c != 0]
            if len(others) == 1:
                self.small_power = others[0]
                self.small_sign = 1 if self._coeffs[others[0]] > 0 else -1
        self._cache: dict = {}
        self._series = None
        self._dU = None
        self._rprog = None

    def _taylor_scaled(self, ar, d, a, delta):
        r"""Near the thick-wall end (tiny field scale ``a``) a non-polynomial analytic U is its
        Taylor polynomial: ``V(psi) = psi^2/2 + sum_k c_k a^(k-2)/Delta psi^k``, truncated where
        ``|c_k| (a psi_max)^k/(a^2 Delta)`` is below ``10^-(2 dps)`` for ``psi <= TAYLOR_PSI_MAX``
        (exact rational coefficients: the polynomial engine, no cancellation of
        ``U - m^2 phi^2/2`` in floating point).  None when the series does not converge fast
        enough there."""
        if self._series is None:
            self._series = _exact_taylor(self.U, self.var)
        cs = self._series
        if not cs or max(cs) < 3:
            return None
        tol = mpmath.mpf(10) ** -(2 * mpmath.mp.dps + 20)
        x = abs(a) * TAYLOR_PSI_MAX
        with mpmath.workdps(30):
            scale = 1 / (a**2 * mpmath.mpf(delta))
            terms = [(k, c) for k, c in sorted(cs.items()) if k >= 3]
            tail = [abs(mpmath.mpf(c.p) / c.q) * x**k * scale for k, c in terms[-3:]]
            if max(tail) > tol:
                return None
        psi = self.psi
        return psi**2 / 2 + sp.Add(*[c * ar ** (k - 2) / d * psi**k for k, c in terms
                                     if abs(mpmath.mpf(c.p) / c.q) * x**k * scale > tol / 100])

    def _rescaled(self, ar, d):
        r"""The Arb program of ``(V, V', V'')`` at ``a = ar``, ``Delta = d`` (exact rationals) from
        the program of ``R = U - k phi^2`` and its derivatives (built once per chart; ``k phi^2``
        the quadratic term U writes, removed exactly), or None (no Arb program of R, or an
        irrational k or m^2: the SymPy substitution then keeps every constant exact).

        .. math:: V(\psi) = \frac{2k - m^2 + \Delta}{2\Delta}\,\psi^2 + \frac{R(a\psi)}{a^2\Delta}
        """
        if self._rprog is None:
            self._rprog = False
            x = self.var
            k2 = sp.Add(*[t.as_coeff_Mul()[0] for t in sp.Add.make_args(self.U)
                          if t.as_coeff_Mul()[1] == x**2])
            if k2.is_Rational and self.m2_exact.is_Rational:
                R = self.U - k2 * x**2
                R1 = sp.diff(R, x)
                prog = arb_program(R, x, derivatives=2, derivative_exprs=(R1, sp.diff(R1, x)))
                if prog is not None:
                    self._rprog = (prog, Fraction(int(k2.p), int(k2.q)),
                                   Fraction(int(self.m2_exact.p), int(self.m2_exact.q)))
        if self._rprog is False:
            return None
        prog, k2, m2 = self._rprog
        a, delta = Fraction(int(ar.p), int(ar.q)), Fraction(int(d.p), int(d.q))
        return rescaled_program(prog, a, delta, (2 * k2 - m2 + delta) / (2 * delta))

    def base(self, eps):
        """Numeric1D of ``psi^2/2 - psi^n + eps psi^k`` (eps an mpf, taken exactly)."""
        e = exact_rational(eps)
        psi = self.psi
        return numeric_1d(psi**2 / 2 - psi ** self.lead[0] + e * psi ** self.small_power, psi)

    def scaled(self, delta):
        """``("direct", Numeric1D of V(psi), a)`` at ``Delta`` (an mpf, taken exactly), or
        ``("small", eps, a)`` when ``V = psi^2/2 - psi^n + eps psi^k`` with ``|eps| < SMALL_EPS``."""
        d = exact_rational(delta)
        if d not in self._cache:
            if len(self._cache) > 256:
                self._cache.clear()
            if self._cn is not None:
                n = self.lead[0]
                a = (mpmath.mpf(delta) / self._cn) ** (mpmath.mpf(1) / (n - 2))
            else:
                a = self._phi_scale
            ar = exact_rational(a)
            psi = self.psi
            if self.small_power is not None:
                k = self.small_power
                eps = self._coeffs[k] * ar ** (k - 2) / d
                if abs(eps) < SMALL_EPS:
                    self._cache[d] = ("small", evaluate(eps, mpmath.mp.dps + 5), a)
                    return self._cache[d]
            if self._coeffs is not None:
                # psi^2/2 exactly (the mass terms cancel), then c_k a^(k-2)/Delta psi^k
                expr = psi**2 / 2 + sp.Add(*[c * ar ** (k - 2) / d * psi**k
                                            for k, c in enumerate(self._coeffs) if k >= 3 and c != 0])
            else:
                rp = self._rescaled(ar, d)
                # the program where doubles evaluate V without cancellation (else the exact
                # Taylor polynomial near the thick-wall end, e.g. the plateau log(1 + phi^2))
                expr = None
                if rp is None or float_loss_bits(rp, RESCALED_POINTS, (1, 1, 1)) > RESCALED_MAX_LOSS:
                    expr = self._taylor_scaled(ar, d, a, delta)
                if rp is not None and expr is None:
                    # V(psi) = psi^2/2 + R(a psi)/(a^2 Delta) from R's program: no SymPy per omega
                    self._cache[d] = ("direct", numeric_1d_program(rp, psi, (0, 0, 1)), a)
                    return self._cache[d]
                if expr is None:
                    expr = (self.U.subs(self.var, ar * psi) - (self.m2_exact - d) * ar**2 * psi**2 / 2) / (ar**2 * d)
                    if self._dU is None:
                        self._dU = (sp.diff(self.U, self.var), sp.diff(self.U, self.var, 2))
                    at = {self.var: ar * psi}
                    ders = (self._dU[0].subs(at) / (ar * d) - (self.m2_exact - d) * psi / d,
                            self._dU[1].subs(at) / d - (self.m2_exact - d) / d)
                    # V(0) = V'(0) = 0, V''(0) = 1 by construction: not decided again by SymPy
                    self._cache[d] = ("direct", numeric_1d(expr, psi, origin=(0, 0, 1), derivatives=ders), a)
                    return self._cache[d]
            # psi^2/2 + terms of order >= 3: V(0) = V'(0) = 0, V''(0) = 1 exactly, not decided again
            self._cache[d] = ("direct", numeric_1d(expr, psi, origin=(0, 0, 1)), a)
        return self._cache[d]


def _single_chart(P: Potential, dps: int):
    win = window_numeric(P, dps + 10)
    return win, DeltaChart(P, win["exact"], dps)


def charge_minimum(P: Potential, dps: int = 20):
    r"""The minimal charge of a one-field Q-ball family, refined to ``dps`` digits, or None.

    Returns ``(Q_min, omega, relative_error)`` when Q(omega) has an interior minimum:

    .. math:: \frac{dQ}{d\omega}\Big|_{\omega_*} = 0, \qquad Q_{\min} = Q(\omega_*)

    >>> import qsym
    >>> Q, w, err = charge_minimum(qsym.Potential("phi**2/2 - phi**4 + phi**6", fields="phi"), 15)
    >>> round(float(Q), 8), err < 1e-14
    (27.96492563, True)
    """
    from qsym.numeric.qball import charge_extremum
    dps = check_dps(dps)
    _, chart = _single_chart(P, dps)
    r = charge_extremum(chart, dps, kind=1)
    if r is None:
        return None
    qb, err = r
    return qb.charge, qb.omega, err


def _multi_evaluator(P: Potential, origin_value):
    """``evaluate(omega, dps) -> QBall`` from the multi-field engine (one warm-start family per
    evaluator, i.e. per Q-ball search: nothing carries over to the next search)."""
    from qsym.api.multi import MultiFamily, qball_multi
    from qsym.numeric.qball import QBall
    family = MultiFamily(P)

    def evaluate(w, dps):
        if isinstance(w, mpmath.mpf):
            # exact binary value: a high-precision omega must not pass through float
            sign, man, exp, _ = w._mpf_
            w = (-1) ** sign * sp.Integer(int(man)) * sp.Integer(2) ** int(exp) if w else sp.Integer(0)
        r = qball_multi(P, w, dps=dps, family=family)
        b = r.bounce
        with mpmath.workdps((dps or 15) + 5):
            wv = mpmath.mpf(r.omega)
            rad = 1 / mpmath.sqrt(mpmath.mpf(origin_value) - wv**2)
            return QBall(r.omega, r.charge, r.energy, b.action, rad if dps else float(rad), b.phi0,
                         r.error, dps, bounce=b)
    return evaluate


def qball_multi_charge(P: Potential, Q, dps: int = 20, progress=None) -> dict:
    """Several fields: the Q-ball(s) of charge Q, next to the thin-wall result of sec. 2 for the same U.

    The window is ``sqrt(min mu^2) < omega < sqrt(lim_{phi->0} mu^2)`` from the certified
    minimum of :func:`qsym.api.mu2.mu2_minimum`; the thin wall sits at its minimiser.
    The branches are found by :func:`qsym.numeric.bounce_nd.charge.solve_charge_multi`; ``notes`` (in
    the result) says where the scan could not settle an end of the window (further
    branches may lie beyond).  ``progress`` (callable(str) or None) receives one line per
    stage and per bounce.
    """
    from qsym.numeric.bounce_nd import solve_charge_multi
    from qsym.errors import NoSolutionError
    from qsym.api.mu2 import mu2_minimum

    if progress:
        progress("certified minimum of mu^2 (existence and the omega window)")
    m = mu2_minimum(P, dps=dps + 10, progress=progress)
    if not m.qball_exists:
        raise NoSolutionError(f"no Q-ball: min mu^2 = {mpmath.nstr(m.mu2_min, 8)} is not below its origin "
                              f"value {mpmath.nstr(m.origin_value, 8)}")
    with mpmath.workdps(dps + 10):
        window = (mpmath.sqrt(m.mu2_min), mpmath.sqrt(m.origin_value))
        m_per_charge = mpmath.sqrt(m.origin_value)
    Qr = sp.Rational(Q)          # exact charge (a Rational, int or decimal text)
    with mpmath.workdps(dps + 10):
        Qv = mpmath.mpf(Qr.p) / Qr.q
    if progress:
        progress(f"scanning Q(omega) on ({mpmath.nstr(window[0], 8)}, {mpmath.nstr(window[1], 8)})")
    notes: list = []
    sols = solve_charge_multi(_multi_evaluator(P, m.origin_value), m_per_charge, Qv, window, dps,
                              progress=progress, notes=notes)
    # thin wall (eqs (10)-(11)) at the minimiser of mu^2
    if not all(mpmath.isfinite(v) for v in m.at.values()):
        thin = {"valid": False, "reason": "inf mu^2 is approached at infinite field (a plateau): eqs (10)-(11) "
                                          "do not apply"}
    else:
        phi0 = {k: sp.Float(mpmath.nstr(v, dps + 10), dps + 10) for k, v in m.at.items()}
        tw_ = thin_wall(P, phi0)
        with mpmath.workdps(dps + 5):
            # M_Q = Q sqrt(mu^2(phi_0)) is stationary in phi_0: use the certified value, not the minimiser
            thin = {"mass": Qv * mpmath.sqrt(m.mu2_min),
                    "radius": evaluate(tw_["R0"].subs(Qsym, Qr), dps + 5),
                    "omega": mpmath.sqrt(m.mu2_min)}
    return {"solutions": sols, "window": {"omega_min": window[0], "omega_max": window[1]},
            "thin_wall": thin, "mu2": m, "notes": notes,
            "thick_wall": {"valid": False, "reason": "the thick-wall formulas of sec. 3 are for one field"}}


def _check_degree(P: Potential) -> None:
    """A polynomial U of one field beyond the bounce engine's degree limit is bad input (said at once)."""
    from qsym.numeric.bounce1d.problem import MAX_POLY_DEGREE
    U = P.U()
    if len(P.fields) == 1 and U.is_polynomial(P.fields[0]):
        deg = sp.degree(U, P.fields[0])
        if deg > MAX_POLY_DEGREE:
            raise InputError(f"U has degree {deg}; the Q-ball solver accepts polynomials up to degree "
                             f"MAX_POLY_DEGREE = {MAX_POLY_DEGREE}")


@dataclass(frozen=True)
class ChargeResult(Result):
    r"""Every Q-ball of a given charge, with the thin- and thick-wall comparisons.

    ``solutions`` are the :class:`qsym.numeric.qball.QBall` of charge ``charge`` on every branch
    (the lightest first); ``window`` the omega window; ``thin_wall`` / ``thick_wall`` the
    approximations of secs. 2 and 3 for the same charge (each with ``valid`` and, if not, a
    ``reason``); ``notes`` what the search could not settle; ``error`` the largest relative error
    of the solutions.
    """

    charge: object
    solutions: tuple
    window: dict
    thin_wall: dict
    thick_wall: dict
    error: object
    dps: int
    status: str = CONVERGED
    notes: tuple = ()
    stats: dict = field(default_factory=dict)
    family: object = field(default=None, repr=False, compare=False)
    mu2: object = field(default=None, repr=False, compare=False)

    VALUES = ("charge",)

    def latex_rows_spec(self) -> list:
        return [(f"M_Q^{{({k + 1})}}", latex_pm(s.mass, s.error, dps=self.dps))
                for k, s in enumerate(self.solutions)]

    def latex_caption(self) -> str:
        return f"Q = {self.charge}: {len(self.solutions)} Q-ball(s), {self.status}"


def _answer(charge, sols, dps, **rest) -> ChargeResult:
    err = max((mpmath.mpf(s.error) for s in sols), default=mpmath.mpf(0))
    status = CONVERGED if all(getattr(s, "status", CONVERGED) == CONVERGED for s in sols) else REDUCED
    notes = tuple(str(n) for n in rest.pop("notes", ()))
    return ChargeResult(charge=charge, solutions=tuple(sols), error=err, dps=dps, status=status,
                        notes=notes, stats={"branches": len(sols)}, **rest)


def qball(P: Potential, Q, dps: int = 20, progress=None, dim: int = 3) -> ChargeResult:
    r"""Every Q-ball of charge ``Q`` of the potential ``P`` (any number of fields), with the
    thin- and thick-wall comparisons.

    The Q-ball extremises the energy at fixed charge; it is the bounce of
    :math:`U_\omega = U - \tfrac12\omega^2\phi^2` (one field, unit charge), and

    .. math:: Q = \omega \int d^3x\, \phi^2, \qquad E = S_\omega + \omega Q, \qquad
              \frac{dE}{dQ} = \omega

    Parameters
    ----------
    P : Potential
    Q : number or text
        The charge (exact: ``"1/3"``, ``"1e6"``).
    dps : int
        Working precision in decimal digits.
    progress : callable(str) or None
        Receives one line per stage of the multi-field solver.
    dim : int
        Space dimensions D >= 1 (one field; D = 1 by quadrature, :mod:`qsym.api.dim1`; the thin-
        and thick-wall formulas of secs. 2-3 are for D = 3 and are marked invalid otherwise).

    Examples
    --------
    >>> import qsym
    >>> P = qsym.Potential("phi**2/2 - phi**3 + phi**4", fields="phi")
    >>> r = qsym.qball(P, 50, dps=15)
    >>> r.solutions[0].stability, r.error < 1e-12
    ('stable', True)
    """
    from qsym.symbolic.potential import parse_value, require_potential
    require_potential(P, "qball")
    dps = check_dps(dps)
    from qsym.bridge import MAX_DPS
    from qsym.numeric.qball import GUARD
    if dps > MAX_DPS - GUARD:
        raise InputError(f"dps must be an integer in [15, {MAX_DPS - GUARD}] for Q-balls (the solver "
                         f"carries {GUARD} guard digits), got {dps}")
    if progress is not None and not callable(progress):
        raise InputError(f"progress must be a callable(str) or None, got {type(progress).__name__}")
    _check_degree(P)
    Qr = parse_value(Q, "the charge")
    if not Qr.is_Rational:
        raise InputError(f"the charge must be a rational number, got {Q!r}")
    if not Qr > 0:
        raise InputError(f"the charge must be positive, got {Q}")
    with mpmath.workdps(dps + 10):
        Qv = mpmath.mpf(Qr.p) / Qr.q
    if getattr(P, "log_origin", None) is not None:   # phi^2 log phi^2 at the origin: Gaussian tails
        from qsym.api.logflat import qball_log
        return qball_log(P, Qr, dps, dim)
    if dim == 1 and not isinstance(dim, bool):
        from qsym.api.dim1 import qball_1d          # D = 1: by quadrature (closed form alongside)
        return qball_1d(P, Qr, dps)
    if dim != 3:
        return _qball_in_dim(P, Qr, Qv, dps, dim)
    if len(P.fields) > 1:
        r = qball_multi_charge(P, Qr, dps, progress=progress)
        return _answer(Qr, r["solutions"], dps, window=r["window"], thin_wall=r["thin_wall"],
                       thick_wall=r["thick_wall"], notes=r["notes"], mu2=r["mu2"])
    win, chart = _single_chart(P, dps)
    fam = OmegaFamily(P)
    sols = solve_charge_chart(chart, Qv, dps=dps)
    return _answer(Qr, sols, dps, window=win, thin_wall=thin_wall_estimate(P, Qr, dps, window=win),
                   thick_wall=thick_wall_estimate(P, Qv, dps), family=fam)


def _qball_in_dim(P: Potential, Qr, Qv, dps: int, dim: int) -> ChargeResult:
    """One field in ``dim`` space dimensions: the chart solver with the D-dependent asymptotics of
    :func:`qsym.api.atlas.atlas_chart`; the paper's thin/thick-wall formulas are for D = 3."""
    from qsym.api.atlas import atlas_chart
    if isinstance(dim, bool) or not isinstance(dim, int) or not 1 <= dim <= 10:
        raise InputError(f"dim must be an integer in [1, 10] (space dimensions of the Q-ball), got {dim!r}")
    if len(P.fields) > 1:
        raise InputError(f"Q-balls of several fields are solved in D = 3 only, got dim = {dim}")
    chart = atlas_chart(P, dim, dps)
    sols = solve_charge_chart(chart, Qv, dps=dps)
    reason = {"valid": False, "reason": f"the formulas of secs. 2-3 are for D = 3 (this is D = {dim})"}
    return _answer(Qr, sols, dps, window=window_numeric(P, dps + 10), thin_wall=dict(reason),
                   thick_wall=dict(reason), notes=list(getattr(chart, "notes", [])))


def qball_omega(P: Potential, omega, dps: int = 20):
    r"""The Q-ball of frequency ``omega`` (inside the window :math:`\omega_0 < \omega < m/|q|`).

    .. math:: Q = \omega \int d^3x\, q^2\phi^2, \qquad E = S_\omega + \omega Q

    Examples
    --------
    >>> import qsym
    >>> P = qsym.Potential("phi**2/2 - phi**3 + phi**4", fields="phi")
    >>> qb = qsym.qball_omega(P, "0.9", dps=15)
    >>> round(float(qb.charge), 5)
    11.85368
    """
    if getattr(P, "log_origin", None) is not None:
        from qsym.api.logflat import qball_log_omega
        return qball_log_omega(P, omega, dps)
    return qball_at_omega(OmegaFamily(P), omega, dps)
