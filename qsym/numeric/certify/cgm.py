r"""The Coleman-Glaser-Martin upper bound: the reduced action of a trial profile.

For a trial :math:`\phi` with :math:`V = \Omega_d\int r^{d-1} U(\phi) < 0` and
:math:`T = \Omega_d\int r^{d-1}\phi'^2/2`, the rescalings :math:`\phi(r/\lambda)` have
:math:`S(\lambda) = \lambda^{d-2} T + \lambda^d V`, maximal at
:math:`\lambda^2 = (d-2)T/(d(-V))`, and (Coleman, Glaser, Martin 1978, d >= 3)

.. math::  S_{\rm bounce} \le S_{\rm red}[\phi] = \max_\lambda S(\lambda)
           = \frac{2}{d}\, T \Big(\frac{(d-2)\,T}{d\,(-V)}\Big)^{(d-2)/2} .

The trial used here is the exact solution of the initial value problem with
:math:`\phi(0) = \phi_{0,\rm lo}` on :math:`[0, R]` (its integrals enclosed by the validated
integration), continued by :math:`\tilde c K(r)` with :math:`\tilde c = \phi(R)/K(R)`
(continuous, piecewise :math:`C^1`: an :math:`H^1` trial).

Numeric layer: python-flint only.

>>> from flint import arb
>>> float(reduced_action(arb(3), arb(-1), 3).mid())      # (2/3) 3 (3/3)^(1/2)
2.0
"""

from __future__ import annotations

from flint import arb

__all__ = ["reduced_action", "trial_upper"]


def reduced_action(T, V, d: int):
    r"""The reduced action (a ball) of integrals T > 0, V < 0 (balls).

    .. math::  S_{\rm red} = \frac{2}{d} T \Big(\frac{(d-2) T}{d(-V)}\Big)^{(d-2)/2}
    """
    if not (V < 0 and T > 0):
        raise ValueError("the reduced action needs T > 0 and V < 0 (proven)")
    lam2 = (d - 2) * T / (d * (-V))
    return 2 * T / d * lam2 ** (arb(d - 2) / 2)


def trial_upper(prob, lin, T_in, V_in, p):
    r"""Upper end of :math:`S_{\rm red}` of the trial profile (IVP solution on [0, R], then
    :math:`\tilde cK`), from the enclosures ``T_in``, ``V_in`` of its interior integrals
    (without :math:`\Omega_d`) and its value ``p`` at R; None when :math:`V < 0` is not proven.

    .. math::  \int_R^\infty r^{d-1}K'^2 = -R^{d-1}KK' - m^2 J_2, \qquad
               0 \le \int_R^\infty r^{d-1} K^k \le \frac{K(R)^{k-1}}{m^2(k-1)I(R)}
    """
    d, m = prob.dim, prob.m
    if d < 3:
        return None                           # d = 2: no maximum over the rescalings
    c = p / lin.K
    T = T_in + c * c * lin.JdK / 2
    V = V_in + c * c * m * m * lin.J2 / 2
    for k in range(3, len(prob.u)):
        Jk = lin.K ** (k - 1) / (m * m * (k - 1) * lin.I)
        V += prob.u[k] * c ** k * arb(Jk / 2, Jk / 2)
    if not (V < 0 and T > 0):
        return None                           # V < 0 not proven: no bound from this trial
    S = reduced_action(prob.omega_d * T, prob.omega_d * V, d)
    return arb(S.upper())
