r"""Newton polish of the mu^2 minimiser at ``dps`` digits.

From the best branch-and-bound point, Newton's method on the active
components (those not on the boundary ``psi_i = 0``) of

.. math:: \nabla_\psi \mu^2(\psi) = 0

in the orthant's amplitudes ``psi >= 0`` (``phi = signs * psi``, so that
``|phi|^3``-type terms are smooth).  The polished point is accepted only if it
stays in the domain and its value lies in the certified bracket; otherwise the
branch-and-bound point is returned with the bracket width as its error.  The
steps are plain ``lu_solve`` Newton steps (``mpmath.findroot``'s MDNewton does
the same iteration but stops on a residual test that the tiny gradients near
the minimum never pass reliably, and it has no notion of the frozen boundary
components).

Numeric layer: mpmath only.

>>> import mpmath
>>> class Quad:                        # mu^2 = 1 + (y - 1/3)^2
...     U = staticmethod(lambda y: 1 + (y - mpmath.mpf(1) / 3) ** 2)
...     grad = staticmethod(lambda y: [2 * (y - mpmath.mpf(1) / 3)])
...     hess = staticmethod(lambda y: [[mpmath.mpf(2)]])
>>> val, y, err = newton_polish(Quad, [0.3], 1.0, 0.9, 1e-9, 30)
>>> mpmath.nstr(y[0], 20), val
('0.33333333333333333333', mpf('1.0'))
"""

from __future__ import annotations

import mpmath

__all__ = ["newton_polish"]


def _newton(num, y, active, target):
    """Newton steps on the active components; ``(y, converged, last step norm)``."""
    sn = mpmath.inf
    for _ in range(100):
        g = num.grad(*y)
        h = num.hess(*y)
        G = mpmath.matrix([g[i] for i in active])
        Hm = mpmath.matrix([[h[i][j] for j in active] for i in active])
        step = mpmath.lu_solve(Hm, G)
        for k, i in enumerate(active):
            y[i] -= step[k]
        sn = mpmath.norm(step)
        if sn < target:
            return y, True, sn
    return y, False, sn


def newton_polish(num, y0, upper: float, lower: float, tol: float, dps: int):
    r"""Polish a minimiser of mu^2 in the amplitudes: ``(value, point, error)``.

    ``num`` has mpmath callables ``U`` (mu^2), ``grad``, ``hess`` of the
    amplitudes; ``y0`` the starting amplitudes (floats); ``[lower, upper]`` the
    certified bracket of the minimum.

    .. math:: \psi \leftarrow \psi - H^{-1}\nabla\mu^2 \quad\text{(active components)}
    """
    scale = max(abs(v) for v in y0)
    active = [i for i, v in enumerate(y0) if v > 1e-7 * scale]
    work = dps + 10
    err = max(upper - lower, tol)
    y = [mpmath.mpf(v) if i in active else mpmath.mpf(0) for i, v in enumerate(y0)]
    ok = False
    with mpmath.workdps(work):
        try:
            target = mpmath.mpf(10) ** (-work + 3) * max(1, scale)
            y, ok, sn = _newton(num, y, active, target)
            # a component that converged to the boundary from outside is on it
            edge = mpmath.mpf(10) ** (-(dps // 2)) * max(1, scale)
            y = [mpmath.mpf(0) if (v < 0 and abs(v) < edge) else v for v in y]
            val = num.U(*y)
            inside = lower - 10 * tol <= float(val) <= upper + 10 * tol
            ok = ok and inside and all(v >= 0 for v in y)
        except (ZeroDivisionError, ArithmeticError, NameError, TypeError, ValueError):
            ok = False
        if ok:
            err = float(max(mpmath.mpf(10) ** (-dps), abs(sn) * max(1, abs(val))))
        else:
            y = [mpmath.mpf(v) for v in y0]
            val = num.U(*y)
        return +val, y, err
