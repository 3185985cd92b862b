r"""Q-balls at given omega: bounces of U_omega and their charges (paper eqs (7)-(8)).

Part of :mod:`qsym.numeric.qball` (numeric layer: mpmath/numpy only).
"""

from __future__ import annotations

import mpmath

from qsym.errors import ConvergenceError, InputError, OutsideWindowError
from qsym.numeric.bounce1d import solve_bounce, solve_bounce_double
from qsym.numeric.qball.result import GUARD, QBall

FALLBACK_DPS = 18


def _bounce(num, dps, sign=None, dim=3):
    try:
        return _bounce_raw(num, dps, sign, dim)
    except (ValueError, ZeroDivisionError, ArithmeticError) as exc:
        if isinstance(exc, InputError):
            raise
        raise ConvergenceError(f"the bounce engine failed ({type(exc).__name__}: {str(exc)[:80]}); "
                               "try a larger dps or report the potential") from None


def _bounce_raw(num, dps, sign=None, dim=3):
    if dps is not None:
        return solve_bounce(num, dim=dim, dps=dps, sign=sign)
    try:
        return solve_bounce_double(num, dim=dim, sign=sign)
    except ConvergenceError:  # e.g. near the thick-wall end: same answer from the mp path
        return solve_bounce(num, dim=dim, dps=FALLBACK_DPS, sign=sign)


def qball_at_omega(family, omega, dps: int | None = 30, dim: int = 3) -> QBall:
    r"""The Q-ball of frequency ``omega`` in ``dim`` space dimensions (``dps=None``: double precision).

    .. math:: Q = \omega q^2 \int \phi^2 d^Dx, \qquad E = S_\omega + \omega Q
    """
    ctx_dps = dps if dps is not None else 15
    with mpmath.workdps(ctx_dps + GUARD):
        w = mpmath.mpf(omega) if dps is not None else float(omega)
        q2 = mpmath.mpf(family.charge2.numerator) / family.charge2.denominator
        m2 = mpmath.mpf(family.mass2.p) / family.mass2.q
        if q2 * mpmath.mpf(w) ** 2 >= m2:
            raise OutsideWindowError(f"omega = {mpmath.nstr(w, 10)} is not below m/|q| = "
                                     f"{mpmath.nstr(mpmath.sqrt(m2 / q2), 10)}: U_omega has no false vacuum "
                                     "at the origin (outside the Q-ball window)")
        b = _bounce(family.at(w), dps, dim=dim)
        I2 = b.charge_integral if dps is not None else float(b.charge_integral)
        S = b.action
        Q = w * q2 * I2
        E = S + w * Q
        rad = 1 / mpmath.sqrt(m2 - q2 * w**2)
        return QBall(w, Q, E, S, rad, b.phi0, b.error, dps, bounce=b)


def charge_curve(family, omegas, dps: int | None = None, progress=None, dim: int = 3) -> list:
    """Q-balls at each omega (double precision by default): the curve M_Q(Q)."""
    out = []
    for i, w in enumerate(omegas):
        out.append(qball_at_omega(family, w, dps, dim=dim))
        if progress:
            progress(i + 1, len(omegas))
    return out
