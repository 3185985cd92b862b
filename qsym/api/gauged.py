r"""Gauged Q-balls of a :class:`~qsym.symbolic.potential.Potential`: the bridge from SymPy to the numeric solver.

Conventions and equations: :mod:`qsym.symbolic.gauged` (``1/2|D Phi|^2``, ``D = d - i e q A``,
``-F^2/4``, Heaviside-Lorentz, ``g = omega - e A_0``); solver: :mod:`qsym.numeric.gauged`.
The family is parametrised by the central frequency ``g0 = g(0)`` in ``(omega_min, m/|q|)``
(the global window, :mod:`qsym.symbolic.window`); ``family`` scans it, ``charge_max`` refines the
largest charge Q_max(e) (an interior maximum of Q(g0), or the last Q-ball before the
family ends).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import sympy as sp

from qsym.bridge import check_dps, evaluate, exact_rational, poly_coefficients
from qsym.results import CONVERGED, REDUCED, Result, latex_pm
from qsym.errors import ConvergenceError, InputError, NoSolutionError
from qsym.numeric.gauged import solve_g0
from qsym.symbolic.potential import Potential, parse_value
from qsym.symbolic.window import qball_window

__all__ = ["gauged_qball", "family", "charge_max", "qball_charge"]


@dataclass(frozen=True)
class ChargeMaxResult(Result):
    r"""The largest charge of a gauged Q-ball family (``kind`` says whether it is an interior
    maximum of Q(g0), the end of the solved family, or the end of the scanned window).

    .. math:: Q_{\max} = \max_{g_0} Q(g_0)
    """

    VALUES = ("Q_max", "g0", "omega", "energy")

    Q_max: object
    g0: object
    omega: object
    energy: object
    kind: str
    error: object
    dps: int
    qball: object = field(default=None, repr=False, compare=False)
    g0_end: tuple | None = None
    status: str = CONVERGED
    stats: dict = field(default_factory=dict)


@dataclass(frozen=True)
class GaugedChargeResult(Result):
    """Every gauged Q-ball of charge ``charge`` found on the scanned g(0) window (one per branch),
    the largest charge seen on the scan ``Q_scan_max``, the scalar mass ``m`` and coupling ``e``."""

    VALUES = ("charge", "Q_scan_max")

    charge: object
    solutions: tuple
    Q_scan_max: object
    m: object
    e: object
    error: object
    dps: int
    status: str = CONVERGED
    stats: dict = field(default_factory=dict)

    def latex_rows_spec(self) -> list:
        return [(f"M_Q^{{({k + 1})}}", latex_pm(b.energy, b.error, dps=self.dps))
                for k, b in enumerate(self.solutions)]


def _setup(P: Potential, e):
    var, U = P.single_field()
    co = poly_coefficients(U, var)
    if co is None:
        raise InputError("the gauged solver needs U as a polynomial in the field with rational coefficients")
    ev = parse_value(e, "the gauge coupling")
    if not ev.is_Rational:
        ev = exact_rational(evaluate(ev, 40))
    if ev < 0:
        raise InputError(f"the gauge coupling must be >= 0, got {e}")
    q = sp.nsimplify(P.charges[0])
    q2 = Fraction(int((q**2).p), int((q**2).q))
    m2 = co[2] * 2 if len(co) > 2 else Fraction(0)
    if m2 <= 0:
        raise InputError("U''(0) must be positive (massive quanta) for a gauged Q-ball")
    win = qball_window(P)
    wmin = evaluate(sp.sqrt(win["omega_min2"]), 30) * abs(evaluate(q, 30))  # q * omega_min: g0 bound
    return list(co), q2, Fraction(int(ev.p), int(ev.q)) ** 2, m2, wmin, ev


def gauged_qball(P: Potential, e, g0, dps: int = 20):
    r"""The gauged Q-ball of central frequency ``g0`` (see :class:`qsym.numeric.gauged.GaugedQBall`).

    The scalar profile and the electrostatic potential solve the coupled radial equations
    (derived in :mod:`qsym.symbolic.gauged`) with :math:`g = \omega - e A_0`:

    .. math:: \phi'' + \tfrac{2}{r}\phi' = U'(\phi) - q^2 g^2\phi, \qquad
              g'' + \tfrac{2}{r} g' = e^2 q^2 g\,\phi^2

    >>> import qsym
    >>> b = gauged_qball(qsym.Potential("phi**2/2 - phi**3 + phi**4", fields="phi"), "1/10", "0.9", 15)
    >>> round(float(b.charge), 8), b.status
    (11.73179728, 'converged')"""
    dps = check_dps(dps)
    co, q2, e2, m2, _, _ = _setup(P, e)
    return solve_g0(co, q2, e2, m2, exact_rational(g0) if not isinstance(g0, Fraction) else g0, dps)


def _frac(x):
    r = exact_rational(x)
    return Fraction(int(r.p), int(r.q))


def _grid(wmin, m2, q2, n, lo=0.02, hi=0.98):
    m = mpmath.sqrt(mpmath.mpf(m2.numerator) / m2.denominator / (mpmath.mpf(q2.numerator) / q2.denominator))
    return [_frac(mpmath.mpf(wmin) + (lo + (hi - lo) * i / (n - 1)) * (m - wmin)) for i in range(n)]


def family(P: Potential, e, n: int = 10, dps: int = 15, lo: float = 0.02, hi: float = 0.98) -> list:
    """Gauged Q-balls on ``n`` central frequencies spread over the g0 window (None where none exists)."""
    co, q2, e2, m2, wmin, _ = _setup(P, e)
    m = mpmath.sqrt(mpmath.mpf(m2.numerator) / m2.denominator / (mpmath.mpf(q2.numerator) / q2.denominator))
    out = []
    for i in range(n):
        t = lo + (hi - lo) * i / (n - 1)
        g0 = _frac(mpmath.mpf(wmin) + t * (m - wmin))
        try:
            out.append(solve_g0(co, q2, e2, m2, g0, dps))
        except NoSolutionError:
            out.append(None)
    return out


def charge_max(P: Potential, e, dps: int = 15, n: int = 10, digits: int = 10) -> ChargeMaxResult:
    """The largest charge found on the gauged family, refined by golden section in g0.

    Returns Q_max, its g0, omega, energy, ``kind`` and a relative error.  ``kind`` is
    "interior maximum" (a proven local maximum of Q(g0) inside the scan), or "end of the
    solved family" / "end of the scanned window": then the value is only a LOWER bound on
    sup Q (the shooting found no solution beyond, which is not a proof that the family ends;
    for phi^2/2 - phi^3 + phi^4 at e = 1/5 the family continues below the global window).
    Raises :class:`ConvergenceError` when no gauged Q-ball is found on the scan.
    """
    dps = check_dps(dps)
    co, q2, e2, m2, wmin, ev = _setup(P, e)
    fam = family(P, e, n=n, dps=15)
    ok = [(i, b) for i, b in enumerate(fam) if b is not None]
    if not ok:
        raise ConvergenceError(f"no gauged Q-ball found at e = {ev} on the scanned g(0) window (the Coulomb "
                               "repulsion may exceed the binding; not proven): try a smaller e")
    i, best = max(ok, key=lambda t: t[1].charge)
    g = [b.g0 if b is not None else None for b in fam]
    g_grid = _grid(wmin, m2, q2, n)
    left = g[i - 1] if i > 0 and fam[i - 1] is not None else None
    right = g[i + 1] if i + 1 < len(fam) and fam[i + 1] is not None else None
    if left is None or right is None:
        # the family ends next to the maximum: bisect between the last g0 with a Q-ball and the first without
        nb = i - 1 if left is None else i + 1
        if nb < 0 or nb >= len(fam):
            return ChargeMaxResult(best.charge, best.g0, best.omega, best.energy, "end of the scanned window",
                                   best.error, dps, qball=best, status=REDUCED)
        good, bad = mpmath.mpf(best.g0), mpmath.mpf(g_grid[nb].numerator) / g_grid[nb].denominator
        with mpmath.workdps(dps + 10):
            while abs(good - bad) > mpmath.mpf(10) ** -(digits + 2):
                mid = (good + bad) / 2
                try:
                    solve_g0(co, q2, e2, m2, _frac(mid), 15)
                    good = mid
                except NoSolutionError:
                    bad = mid
            qb = solve_g0(co, q2, e2, m2, _frac(good), dps)
        return ChargeMaxResult(qb.charge, qb.g0, qb.omega, qb.energy, "end of the solved family",
                               max(qb.error, mpmath.mpf(10) ** -dps), dps, qball=qb, g0_end=(good, bad))
    # interior maximum: golden section on Q(g0) at the working precision
    a, b = left, right
    gr = (mpmath.sqrt(5) - 1) / 2
    with mpmath.workdps(dps + 10):
        a, b = mpmath.mpf(a), mpmath.mpf(b)
        c = b - gr * (b - a)
        d = a + gr * (b - a)
        fc = solve_g0(co, q2, e2, m2, _frac(c), dps).charge
        fd = solve_g0(co, q2, e2, m2, _frac(d), dps).charge
        # Q is quadratic near its maximum: g0 to dps/2 digits gives Q to dps digits
        while b - a > mpmath.mpf(10) ** (-(dps // 2 + 2)) * abs(b):
            if fc > fd:
                b, d, fd = d, c, fc
                c = b - gr * (b - a)
                fc = solve_g0(co, q2, e2, m2, _frac(c), dps).charge
            else:
                a, c, fc = c, d, fd
                d = a + gr * (b - a)
                fd = solve_g0(co, q2, e2, m2, _frac(d), dps).charge
        qb = solve_g0(co, q2, e2, m2, _frac((a + b) / 2), dps)
    return ChargeMaxResult(qb.charge, qb.g0, qb.omega, qb.energy, "interior maximum",
                           max(qb.error, mpmath.mpf(10) ** -dps), dps, qball=qb)


def qball_charge(P: Potential, e, Q, dps: int = 20, n: int = 8) -> GaugedChargeResult:
    """The gauged Q-ball(s) of Noether charge ``Q``: scan the family over g(0), bracket, secant in g(0).

    Returns a :class:`GaugedChargeResult` (``solutions``: one :class:`GaugedQBall` per
    bracketing interval of the scan).  Raises :class:`InputError` for ``e < 0`` or ``Q <= 0`` and
    :class:`ConvergenceError` when no Q-ball is found or ``Q`` exceeds the largest charge on the scan
    (neither is a proof: the scan covers the global window of g(0) only).
    """
    dps = check_dps(dps)
    Qv = parse_value(Q, "the charge")
    if not Qv.is_number or not Qv > 0:
        raise InputError(f"the charge must be > 0, got {Q}")
    co, q2, e2, m2, wmin, ev = _setup(P, e)
    fam = family(P, e, n=n, dps=15)
    ok = [b for b in fam if b is not None]
    if not ok:
        raise ConvergenceError(f"no gauged Q-ball found at e = {ev} on the scanned g(0) window (the Coulomb "
                               "repulsion may exceed the binding; not proven): try a smaller e")
    with mpmath.workdps(dps + 10):
        Qm = evaluate(Qv, dps + 10)
        qmax = max(b.charge for b in ok)
        if Qm > qmax:
            raise ConvergenceError(f"Q = {Q} exceeds the largest charge found on the scanned gauged family, "
                                   f"{mpmath.nstr(qmax, 10)} (e = {ev}); the family extends beyond the scanned "
                                   "g(0) window, so this is not a proven Q_max")
        sols = []
        for a, b in zip(fam, fam[1:]):
            if a is None or b is None or (a.charge - Qm) * (b.charge - Qm) > 0:
                continue
            x0, x1 = mpmath.mpf(a.g0), mpmath.mpf(b.g0)
            f0, f1 = a.charge - Qm, b.charge - Qm
            qb = a if abs(f0) < abs(f1) else b
            for _ in range(40):
                if f1 == f0:
                    break
                x2 = x1 - f1 * (x1 - x0) / (f1 - f0)
                qb = solve_g0(co, q2, e2, m2, _frac(x2), dps)
                x0, f0, x1, f1 = x1, f1, x2, qb.charge - Qm
                if abs(f1) <= mpmath.mpf(10) ** -(dps + 2) * Qm or abs(x1 - x0) < mpmath.mpf(10) ** -(dps + 4):
                    break
            sols.append(qb)
    if not sols:
        raise ConvergenceError(f"no gauged Q-ball of charge Q = {Q} found on the scanned family (e = {ev}); "
                               "not a proof that none exists")
    m = mpmath.sqrt(mpmath.mpf(m2.numerator) / m2.denominator)
    err = max((mpmath.mpf(b.error) for b in sols), default=mpmath.mpf(0))
    return GaugedChargeResult(Qm, tuple(sols), qmax, m, ev, err, dps, stats={"branches": len(sols)})
