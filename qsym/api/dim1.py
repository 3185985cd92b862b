r"""Q-balls in one space dimension by quadrature (and in closed form where it exists).

In D = 1 the profile obeys ``phi'^2/2 = U_omega(phi)`` (qsym's sign of ``U_omega``, positive near
the origin; :mod:`qsym.symbolic.dim1`), so charge and energy are integrals over the field from 0
to ``phi_0``, the first positive root of ``U_omega``:

.. math:: Q = 2\omega q^2 \int_0^{\phi_0}\frac{\phi^2 d\phi}{\sqrt{2U_\omega}}, \qquad
          S_\omega = 2\int_0^{\phi_0}\sqrt{2U_\omega}\,d\phi, \qquad E = S_\omega + \omega Q .

Singularities and the substitution that removes them: ``phi_0`` is a simple root, so
``1/sqrt(2 U_omega)`` has an integrable inverse square root there; with

.. math:: \phi = \phi_0 (1 - t^2), \qquad U_\omega = \phi_0 t^2 H(\phi), \quad
          H = \frac{U_\omega(\phi)}{\phi_0 - \phi}, \qquad
          \int_0^{\phi_0} \frac{g\, d\phi}{\sqrt{2U_\omega}} = \sqrt{2\phi_0}\int_0^1 \frac{g(\phi(t))}{\sqrt{H(\phi(t))}}\, dt

the integrand is analytic on ``[0, 1]``.  ``H`` is formed without cancellation: for a polynomial
by synthetic division of ``U_omega/phi^2`` by ``phi - phi_0``; otherwise ``U_omega`` is evaluated at
``2 dps + 20`` digits and divided by ``phi_0 t^2`` (exact from t).  At the other end
(``phi -> 0``, ``t -> 1``) ``sqrt(2 U_omega) ~ sqrt(Delta) phi`` and the integrands of Q and S
vanish like ``phi``: the logarithm of the profile's position ``x(phi) ~ -log(phi)/sqrt(Delta)``
never enters Q, E or S.  The t-integrals are tanh-sinh quadratures (mpmath.quad) at ``dps + 10``
digits, split near ``t = 0`` at the scale where ``H`` varies (a near-double root close to the thin-wall
end).  The closed form of :func:`qsym.symbolic.dim1.closed_form` is evaluated alongside when it exists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import mpmath
import sympy as sp

from qsym.bridge import OmegaFamily, check_dps, evaluate
from qsym.errors import ConvergenceError, InputError, NoQBallError, NoSolutionError, OutsideWindowError
from qsym.results import CONVERGED, REDUCED, Result, latex_pm

__all__ = ["qball_1d", "qball_1d_omega", "QBall1D", "Charge1D"]

#: guard digits of the quadratures beyond the requested dps
GUARD = 10
#: u = log(Delta/(Dw - Delta)) scan of Q(omega) (double precision quadratures), extended at the ends
SCAN_U = (-8.0, 8.0)
SCAN_POINTS = 17
SCAN_EXTEND = 4.0
MAX_EXTEND = 12
#: largest |u| of the scan (the working precision grows by |u|/2.3 digits)
U_MAX = 400.0
#: relative step of the central difference giving dQ/domega
DQ_STEP_DIGITS = 0.4


@dataclass(frozen=True)
class QBall1D(Result):
    r"""A Q-ball in one space dimension: omega, charge, mass (energy), action ``S_omega``, ``phi0``.

    ``closed_form`` holds ``{"charge", "mass"}`` from :func:`qsym.symbolic.dim1.closed_form` (None
    when U is not of that form); ``error`` is the relative error estimate of the quadratures;
    ``dQ_domega`` (central difference) decides classical stability (Vakhitov-Kolokolov:
    ``dQ/domega < 0``); ``absolutely_stable`` is ``E < Q m/|q|``.

    .. math:: E = S_\omega + \omega Q, \qquad \frac{dE}{dQ} = \omega
    """

    VALUES = ("omega", "charge", "mass", "action", "phi0", "dQ_domega")

    omega: object
    charge: object
    mass: object
    action: object
    phi0: object
    error: object
    dps: int
    dQ_domega: object = None
    classically_stable: bool | None = None
    absolutely_stable: bool | None = None
    closed_form: dict | None = None
    #: the paper's radius ``(m^2 - q^2 omega^2)^(-1/2)`` (the decay length of the profile in D = 1)
    radius: object = None
    status: str = CONVERGED
    stats: dict = field(default_factory=dict)

    @property
    def stability(self) -> str:
        """``stable`` / ``metastable`` / ``unstable`` / ``unknown``, as :attr:`qsym.numeric.qball.QBall.stability`."""
        if self.classically_stable is None:
            return "unknown"
        if not self.classically_stable:
            return "unstable"
        return "stable" if self.absolutely_stable else "metastable"

    def to_json(self, dps: int | None = None) -> dict:
        out = super().to_json(dps)
        d = dps or self.dps
        out.update(dim=1, classically_stable=self.classically_stable, absolutely_stable=self.absolutely_stable,
                   closed_form=None if self.closed_form is None else
                   {k: mpmath.nstr(v, d) for k, v in self.closed_form.items()})
        return out

    def latex_rows_spec(self) -> list:
        return [(r"\omega", latex_pm(self.omega, dps=self.dps)),
                ("Q", latex_pm(self.charge, self.error, dps=self.dps)),
                ("M_Q", latex_pm(self.mass, self.error, dps=self.dps))]

    def latex_caption(self) -> str:
        return f"Q-ball in D = 1, {self.status}"


@dataclass(frozen=True)
class Charge1D(Result):
    r"""Every D = 1 Q-ball of charge ``charge`` found on the scan of the window (lightest first).

    .. math:: Q(\omega) = Q_*
    """

    VALUES = ("charge",)

    charge: object
    solutions: tuple
    error: object
    dps: int
    status: str = CONVERGED
    stats: dict = field(default_factory=dict)


def _phi0(num, prec: int):
    """The first positive root of U_omega to ``prec`` bits: exact real-root isolation (SymPy) for a
    polynomial (resolves the thin-wall end, where U_omega dips below 0 by exp(-|u|)); otherwise the
    landscape search of the bounce engine."""
    if num.coeffs is not None:
        K = sp.Poly([sp.Rational(f.numerator, f.denominator) for f in num.coeffs[::-1]][:-2], num.var)
        roots = [r for r in K.real_roots() if r > 0] if K.degree() > 0 else []
        if not roots:
            raise NoQBallError("no Q-ball at this omega: U_omega > 0 for every phi > 0 (omega at or "
                               "below the bottom of the window)")
        return evaluate(min(roots), int(prec / 3.32) + 10)
    from qsym.numeric.bounce1d.problem import _Problem
    try:
        prob = _Problem(num, 2, 1, None)
    except NoSolutionError:
        raise NoQBallError("no Q-ball at this omega: U_omega >= 0 for every phi > 0 (omega at or "
                           "below the bottom of the window)") from None
    bracket = prob.sides[1][0]
    return prob.refine(bracket, 0, prec)


def _h_function(num, phi0, wd):
    """``H(t) = U_omega(phi)/(phi_0 - phi)`` at ``phi = phi_0 (1 - t^2)`` (no cancellation)."""
    if num.coeffs is not None:
        with mpmath.workdps(wd):
            # U_omega = phi^2 K(phi) exactly (U(0) = U'(0) = 0); K = (phi - phi0) G + rem
            c = [mpmath.mpf(f.numerator) / f.denominator for f in num.coeffs][2:]
            g = [mpmath.mpf(0)] * (len(c) - 1)
            acc = mpmath.mpf(0)
            for k in range(len(c) - 1, 0, -1):
                acc = c[k] + phi0 * acc
                g[k - 1] = acc

        def H(t):
            phi = phi0 * (1 - t * t)
            return -phi * phi * mpmath.polyval(g[::-1], phi)
        return H
    hi = 2 * wd + 20
    with mpmath.workdps(hi):
        d1, d2 = -num.dU(phi0), num.d2U(phi0) * phi0 / 2
    small = mpmath.mpf(10) ** -(wd // 2 + 5)

    def H(t):
        with mpmath.workdps(hi):
            t = mpmath.mpf(t)
            if t < small:               # H = -U'(phi0) + U''(phi0) phi0 t^2/2 + O(t^4)
                v = d1 + d2 * t * t
            else:
                v = num.U(phi0 * (1 - t * t)) / (phi0 * t * t)
        return +v
    return H


def _quadratures(num, w, q2, dps):
    """``(Q, S, phi0, error)`` at omega = w (mpf) with ``dps`` digits."""
    wd = dps + GUARD
    with mpmath.workdps(wd):
        phi0 = _phi0(num, int((2 * wd + 20) * 3.33) if num.coeffs is None else int(wd * 3.33) + 20)
        H = _h_function(num, phi0, wd)
        h0 = H(mpmath.mpf(0))
        if not h0 > 0:
            raise ConvergenceError("U_omega has a multiple root at its first positive zero (the thin-wall "
                                   "end of the window): Q is infinite there")
        hmax = max(abs(H(mpmath.mpf(k) / 8)) for k in range(1, 8))
        tc = mpmath.sqrt(min(1, h0 / hmax))
        pts = [mpmath.mpf(0)] + sorted({x for x in (tc / 8, tc, 8 * tc) if 0 < x < 1}) + [mpmath.mpf(1)]
        c = mpmath.sqrt(2 * phi0)
        j2, e2 = mpmath.quad(lambda t: c * (phi0 * (1 - t * t)) ** 2 / mpmath.sqrt(H(t)), pts, error=True)
        js, es = mpmath.quad(lambda t: c * phi0 * t * t * mpmath.sqrt(H(t)), pts, error=True)
        Q = 2 * w * q2 * j2
        S = 4 * js
        err = max(abs(e2 / j2), abs(es / js), mpmath.mpf(10) ** -(dps + 3))
        return Q, S, phi0, err


class _Family:
    """The D = 1 Q-balls of one potential: U_omega numeric per omega, its window and mass."""

    def __init__(self, P):
        from qsym.symbolic.potential import require_potential
        require_potential(P, "qball_1d")
        if len(P.fields) != 1:
            raise InputError(f"D = 1 Q-balls are solved for one field, got {len(P.fields)}")
        self.P = P
        self.fam = OmegaFamily(P)
        self.var, self.U = P.single_field()
        self.q2 = sp.Rational(self.fam.charge2.numerator, self.fam.charge2.denominator)
        self.m2 = self.fam.mass2
        self._win = None

    def window(self):
        if self._win is None:
            from qsym.api.solve import window_numeric
            self._win = window_numeric(self.P, 40)
        return self._win

    def solve(self, w, dps, derivative=True, closed=True):
        """The QBall1D at omega = w (mpf or exact number)."""
        with mpmath.workdps(dps + GUARD):
            wv = mpmath.mpf(w) if not isinstance(w, sp.Basic) else evaluate(w, dps + GUARD)
            q2 = evaluate(self.q2, dps + GUARD)
            m2 = evaluate(self.m2, dps + GUARD)
            if not (wv > 0 and q2 * wv ** 2 < m2):
                raise OutsideWindowError(f"omega = {mpmath.nstr(wv, 10)} is not in (0, m/|q|) = (0, "
                                         f"{mpmath.nstr(mpmath.sqrt(m2 / q2), 10)}): outside the Q-ball window")
            Q, S, phi0, err = _quadratures(self.fam.at(wv), wv, q2, dps)
            E = S + wv * Q
            dQ = self._dq_domega(wv, q2, m2, dps) if derivative else None
            cf = self._closed(wv, dps) if closed else None
        err = max(err, mpmath.mpf(2) ** (1 - mpmath.libmp.dps_to_prec(dps)))   # rounding to dps digits
        with mpmath.workdps(dps):
            out = QBall1D(omega=+wv, charge=+Q, mass=+E, action=+S, phi0=+phi0, error=err, dps=dps,
                          dQ_domega=None if dQ is None else +dQ,
                          classically_stable=None if dQ is None else bool(dQ < 0),
                          absolutely_stable=bool(E < Q * mpmath.sqrt(m2 / q2)), closed_form=cf,
                          radius=1 / mpmath.sqrt(m2 - q2 * wv ** 2),
                          status=CONVERGED if err <= mpmath.mpf(10) ** -dps else REDUCED)
        return out

    def _dq_domega(self, wv, q2, m2, dps):
        """dQ/domega by a central difference in ``u = log(Delta/(Dw - Delta))`` (well conditioned at
        both ends of the window), or in omega when the window is not known (non-polynomial U)."""
        rel = mpmath.mpf(10) ** -int(DQ_STEP_DIGITS * dps + 2)
        try:
            om = mpmath.mpf(self.window()["omega_min"])
        except InputError:
            om = None
        if om is None:
            h = min(wv * rel, (mpmath.sqrt(m2 / q2) - wv) / 4)
            qs = [_quadratures(self.fam.at(wv + s * h), wv + s * h, q2, dps)[0] for s in (1, -1)]
            return (qs[0] - qs[1]) / (2 * h)
        Dw = m2 - q2 * om ** 2
        delta = m2 - q2 * wv ** 2
        u = mpmath.log(delta / (Dw - delta))
        hu = rel * max(1, abs(u))
        qs = []
        for s in (1, -1):
            w = mpmath.sqrt((m2 - Dw / (1 + mpmath.exp(-(u + s * hu)))) / q2)
            qs.append(_quadratures(self.fam.at(w), w, q2, dps)[0])
        return (qs[0] - qs[1]) / (2 * hu) * Dw / (delta * (Dw - delta)) * (-2 * q2 * wv)

    def _closed(self, wv, dps):
        from qsym.bridge import exact_rational
        from qsym.symbolic.dim1 import closed_form
        wr = exact_rational(wv)
        cf = closed_form(self.U, self.var, wr, self.q2)
        if cf is None:
            return None
        try:
            return {"charge": evaluate(cf["Q"], dps + GUARD), "mass": evaluate(cf["E"], dps + GUARD)}
        except (TypeError, ValueError, InputError):
            return None


def qball_1d_omega(P, omega, dps: int = 20) -> QBall1D:
    r"""The Q-ball of frequency ``omega`` in one space dimension (quadrature; closed form alongside).

    .. math:: Q = 2\omega q^2 \int_0^{\phi_0}\frac{\phi^2 d\phi}{\sqrt{2U_\omega}}, \qquad
              E = 4\int_0^{\phi_0}\frac{U d\phi}{\sqrt{2U_\omega}}

    Examples
    --------
    >>> import qsym
    >>> r = qball_1d_omega(qsym.Potential("phi**2/2 - phi**3 + phi**4", fields="phi"), "4/5", dps=20)
    >>> mpmath.nstr(r.charge, 15), mpmath.nstr(r.closed_form["charge"], 15), r.classically_stable
    ('0.227600375064376', '0.227600375064376', True)
    """
    from qsym.symbolic.potential import parse_value
    dps = check_dps(dps)
    fam = _Family(P)
    w = omega if isinstance(omega, mpmath.mpf) else parse_value(omega, "omega")
    return fam.solve(w, dps)


def _u_omega(fam, u, dps):
    with mpmath.workdps(dps + GUARD + 5):
        win = fam.window()
        m2 = evaluate(fam.m2, dps + GUARD + 5)
        q2 = evaluate(fam.q2, dps + GUARD + 5)
        Dw = m2 - q2 * mpmath.mpf(win["omega_min"]) ** 2
        delta = Dw / (1 + mpmath.exp(-mpmath.mpf(u)))
        return mpmath.sqrt((m2 - delta) / q2)


def qball_1d(P, Q, dps: int = 20) -> Charge1D:
    r"""Every Q-ball of charge ``Q`` in one space dimension (scan of the window, then a root at ``dps``).

    log Q is scanned in ``u = log(Delta/(Dw - Delta))`` (``Delta = m^2 - q^2 omega^2``) with
    double-precision quadratures, extended at an end while Q lies beyond it; each crossing is
    refined at ``dps`` (Anderson-Bjorck on log Q(u)).

    .. math:: Q(\omega) = Q_*

    Examples
    --------
    >>> import qsym
    >>> r = qball_1d(qsym.Potential("phi**2/2 - phi**3 + phi**4", fields="phi"), 10, dps=15)
    >>> s = r.solutions[0]
    >>> mpmath.nstr(s.charge, 10), s.classically_stable, s.absolutely_stable
    ('10.0', True, True)
    """
    from qsym.symbolic.potential import parse_value
    dps = check_dps(dps)
    Qr = parse_value(Q, "the charge")
    if not Qr.is_Rational or not Qr > 0:
        raise InputError(f"the charge must be a positive rational number, got {Q!r}")
    fam = _Family(P)
    fam.window()
    with mpmath.workdps(dps + GUARD):
        Qt = mpmath.mpf(Qr.p) / Qr.q
        gt = float(mpmath.log(Qt))
    cache = {}

    def g(u):
        if u not in cache:
            try:
                wd = 15 + _extra(u)
                with mpmath.workdps(wd):
                    w = _u_omega(fam, u, wd)
                    q2 = evaluate(fam.q2, wd + 5)
                    cache[u] = float(mpmath.log(_quadratures(fam.fam.at(w), w, q2, wd)[0]))
            except (ConvergenceError, NoQBallError, ZeroDivisionError):
                cache[u] = None
        return cache[u]

    brackets = _scan(g, gt)
    sols = []
    for a, b in brackets:
        wd = dps + _extra(max(abs(a), abs(b)))
        with mpmath.workdps(wd + GUARD):
            def f(u):
                w = _u_omega(fam, u, wd)
                q2 = evaluate(fam.q2, wd + GUARD)
                return mpmath.log(_quadratures(fam.fam.at(w), w, q2, wd)[0]) - mpmath.log(Qt)
            try:
                u = mpmath.findroot(f, (mpmath.mpf(a), mpmath.mpf(b)), solver="anderson",
                                    tol=mpmath.mpf(10) ** -(2 * dps + 4))
            except (ValueError, ZeroDivisionError):
                u = mpmath.findroot(f, (mpmath.mpf(a), mpmath.mpf(b)), solver="bisect",
                                    tol=mpmath.mpf(10) ** -(2 * dps + 4))
            qb = fam.solve(_u_omega(fam, u, wd), wd)
        with mpmath.workdps(dps):
            # the answer rounded to dps digits: that rounding enters the error
            err = max(mpmath.mpf(qb.error), mpmath.mpf(2) ** (1 - mpmath.libmp.dps_to_prec(dps)))
            sols.append(qb.replace(dps=dps, error=err, **{k: +getattr(qb, k) for k in QBall1D.VALUES + ("radius",)
                                                          if getattr(qb, k) is not None}))
    sols.sort(key=lambda s: s.mass)
    err = max(s.error for s in sols)
    return Charge1D(charge=Qr, solutions=tuple(sols), error=err, dps=dps,
                    status=CONVERGED if all(s.status == CONVERGED for s in sols) else REDUCED,
                    stats={"branches": len(sols), "scan_points": len(cache)})


def _extra(u) -> int:
    """Digits that resolve ``Delta`` (or ``Dw - Delta``) ~ exp(-|u|) next to O(1) numbers."""
    return int(abs(float(u)) / 2.3) + 1


def _scan(g, gt):
    """Brackets of log Q(u) = gt in u (the scan extended at an end while gt lies beyond it).

    Beyond the thick-wall end log Q is linear in u (a power of Delta), beyond the thin-wall end
    of D = 1 Q itself is (the plateau length grows like log(1/(omega - omega_min))): each
    extension steps to the extrapolated crossing (at least SCAN_EXTEND), up to |u| = U_MAX."""
    lo, hi = SCAN_U
    us = [lo + (hi - lo) * k / (SCAN_POINTS - 1) for k in range(SCAN_POINTS)]
    pts = []
    for _ in range(MAX_EXTEND + 1):
        pts = [(u, g(u)) for u in us]
        pts = [(u, v) for u, v in pts if v is not None]
        if len(pts) < 2:
            raise ConvergenceError("the D = 1 quadratures failed on the whole scan of the window")
        brs = [(a[0], b[0]) for a, b in zip(pts, pts[1:]) if (a[1] - gt) * (b[1] - gt) <= 0]
        if brs:
            return brs
        (u0, g0), (u1, g1) = pts[0], pts[1]
        (v1, h1), (v0, h0) = pts[-2], pts[-1]
        ext = []
        if (g1 - g0) * (gt - g0) < 0 and us[0] > -U_MAX:
            step = (gt - g0) * (u1 - u0) / (g1 - g0)
            ext.append(max(us[0] - 1.5 * abs(step), us[0] - 8 * SCAN_EXTEND, -U_MAX) if step < -SCAN_EXTEND
                       else us[0] - SCAN_EXTEND)
        if (h0 - h1) * (gt - h0) > 0 and us[-1] < U_MAX:
            e0, e1 = math.exp(h0), math.exp(h1)
            step = (math.exp(gt) - e0) * (v0 - v1) / (e0 - e1) if e0 != e1 else SCAN_EXTEND
            ext.append(min(us[-1] + max(1.2 * step, SCAN_EXTEND), U_MAX))
        if not ext:
            break
        us = sorted(set(us + ext))
    span = f"[{math.exp(min(v for _, v in pts)):.6g}, {math.exp(max(v for _, v in pts)):.6g}]"
    raise NoQBallError(f"no D = 1 Q-ball of charge {math.exp(gt):.6g} on the scanned window "
                       f"(|u| <= {U_MAX:g}, u = log(Delta/(Dw - Delta))): Q(omega) spans {span} there and is "
                       "monotone towards the ends of the scan")
