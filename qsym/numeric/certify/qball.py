r"""Certified Q-balls (docs/certified.md, part 3): Q and E at given omega, M_Q at given Q.

A Q-ball of frequency :math:`\omega` is the bounce of :math:`U_\omega = U - \omega^2 q^2\phi^2/2`
in d = 3; with :math:`W = \int_0^\infty r^2\phi^2\,dr` enclosed for the *same* proven bounce as
its action :math:`S_\omega` (:func:`~qsym.numeric.certify.action.certify_action` with ``charge``),

.. math::  Q(\omega) = \omega q^2\,\Omega_3 W, \qquad E(\omega) = S_\omega + \omega Q(\omega) .

At given charge Q (:func:`charge_root`): if :math:`Q(\omega_{\rm lo}) < Q < Q(\omega_{\rm hi})` (or
the reverse) is proven, and the Q-balls form a :math:`C^1` family on
:math:`[\omega_{\rm lo}, \omega_{\rm hi}]` through the two certified ones with Q monotone there
(assumption F), the intermediate value theorem gives :math:`\omega^*` with :math:`Q(\omega^*) = Q`,
and :math:`dE/d\omega = \omega\, dQ/d\omega` (the bounce is stationary, :math:`dS_\omega/d\omega = -Q`)
with the mean value theorem for integrals gives

.. math::  M_Q = E(\omega^*) \in E(\omega_{\rm lo}) + [\omega_{\rm lo}, \omega_{\rm hi}]\,(Q - Q(\omega_{\rm lo}))
           \ \cap\ E(\omega_{\rm hi}) - [\omega_{\rm lo}, \omega_{\rm hi}]\,(Q(\omega_{\rm hi}) - Q) .

Numeric layer: python-flint, mpmath.

>>> from flint import arb
>>> M, w, ok, why = charge_root(QBallBalls(arb(1) / 2, arb(0), arb(0), arb(9), arb(20), True),
...                             QBallBalls(arb(3) / 4, arb(0), arb(0), arb(11), arb(21), True), 10)
>>> ok, float(M.lower()) >= 20, float(M.upper()) <= 20.75
(True, True, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import flint
from flint import arb

from qsym.numeric.certify.driver import prove
from qsym.numeric.kernels.balls import to_arb

__all__ = ["QBallBalls", "certify_qball_point", "charge_root", "omega_ball"]


@dataclass
class QBallBalls:
    r"""The proven balls of one Q-ball: :math:`\omega`, :math:`W`, :math:`S_\omega`, Q, E."""

    omega: object
    W: object
    S: object
    Q: object
    E: object
    certified: bool
    reason: str = ""
    cert: object = None
    prob: object = None
    R: float = 0.0
    target: float = 0.0
    tries: list = field(default_factory=list)


def omega_ball(omega, rel: float = 0.0):
    """omega as a ball: a Fraction/int exactly, an mpf with relative radius ``rel``."""
    if isinstance(omega, (int, Fraction)):
        return to_arb(Fraction(omega), 0.0)
    return to_arb(omega, rel)


def certify_qball_point(coeffs, omega, q2, dps: int, sign: int, phi0, amplitude, engine_action,
                        rel: float = 0.0, R=None, **breakers) -> QBallBalls:
    r"""Q and E of the certified bounce of :math:`U_\omega` (``coeffs``: its exact coefficients) in d = 3.

    ``omega`` (Fraction, or mpf with relative radius ``rel``) and ``q2`` (Fraction: :math:`q^2`) enter
    only the formulas below (the coefficients already hold :math:`-\omega^2 q^2/2`).

    .. math::  Q = \omega q^2 \Omega_3 \int_0^\infty r^2\phi^2\,dr, \qquad E = S_\omega + \omega Q
    """
    cert, prob, R, target, tries = prove(coeffs, 3, dps, sign, phi0, amplitude, engine_action, rel=rel,
                                         R=R, charge=True, **breakers)
    with flint.ctx.workprec(prob.prec):
        w = omega_ball(omega, rel)
        Q = w * to_arb(Fraction(q2), 0.0) * prob.omega_d * cert.charge
        E = cert.action + w * Q
    return QBallBalls(w, cert.charge, cert.action, Q, E, cert.certified, cert.reason, cert, prob, R,
                      target, tries)


def charge_root(lo: QBallBalls, hi: QBallBalls, Q, prec: int = 256):
    r"""The IVT test at the charge ``Q`` (exact: int, Fraction or text) and the enclosure of
    :math:`M_Q = E(\omega^*)`: ``(M, omega, certified, reason)`` (balls; M is None on failure).

    .. math::  M_Q \in E_{\rm lo} + \Omega\,(Q - Q_{\rm lo}) \,\cap\, E_{\rm hi} - \Omega\,(Q_{\rm hi} - Q),
               \quad \Omega = [\omega_{\rm lo}, \omega_{\rm hi}]
    """
    with flint.ctx.workprec(prec):
        Qb = to_arb(Fraction(Q), 0.0)
        om = arb(lo.omega.lower()).union(arb(hi.omega.upper()))
        if not (lo.certified and hi.certified):
            return None, om, False, "a point certificate failed: " + (lo.reason or hi.reason)
        if not (lo.omega < hi.omega):
            return None, om, False, "the omega interval is empty (omega_lo < omega_hi not proven)"
        up = lo.Q < Qb and Qb < hi.Q
        down = lo.Q > Qb and Qb > hi.Q
        if not (up or down):
            return None, om, False, ("no proven sign change of Q(omega) - Q over the omega interval "
                                     f"(Q(omega_lo) in {lo.Q.str(5)}, Q(omega_hi) in {hi.Q.str(5)})")
        M1 = lo.E + om * (Qb - lo.Q)
        M2 = hi.E - om * (hi.Q - Qb)
        if not M1.overlaps(M2):
            return None, om, False, "inconsistent: the two enclosures of M_Q are disjoint"
        return M1.intersection(M2), om, True, ""
