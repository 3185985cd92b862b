r"""Newton polish of the mu^2 minimiser at ``dps`` digits.

From the best branch-and-bound point, Newton's method on the active
components (those not on the boundary ``psi_i = 0``) of

.. math:: \nabla_\psi \mu^2(\psi) = 0

in the orthant's amplitudes ``psi >= 0`` (``phi = signs * psi``, so that
``|phi|^3``-type terms are smooth).  The polished point is accepted only if it
stays in the domain and its value lies in the certified bracket; otherwise the
branch-and-bound point is returned with the bracket width as its error.  The
iteration is ``mpmath.findroot``'s multidimensional Newton (``mdnewton``) with the
analytic Hessian as Jacobian; the error estimate is the final gradient residual.

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


def _newton(num, y, active):
    """``mpmath.findroot`` (MDNewton, analytic Hessian) on the active components: ``(y, residual)``."""
    def full(ya):
        yy = list(y)
        for k, i in enumerate(active):
            yy[i] = ya[k]
        return yy

    def f(*ya):
        g = num.grad(*full(ya))
        return [g[i] for i in active]

    def J(*ya):
        h = num.hess(*full(ya))
        return mpmath.matrix([[h[i][j] for j in active] for i in active])

    x = mpmath.findroot(f, [y[i] for i in active], solver="mdnewton", J=J, maxsteps=100)
    y = full(list(x))
    return y, mpmath.norm(mpmath.matrix(f(*[y[i] for i in active])))


def newton_polish(num, y0, upper: float, lower: float, tol: float, dps: int):
    r"""Polish a minimiser of mu^2 in the amplitudes: ``(value, point, error)``.

    ``num`` has mpmath callables ``U`` (mu^2), ``grad``, ``hess`` of the
    amplitudes; ``y0`` the starting amplitudes (floats); ``[lower, upper]`` the
    certified bracket of the minimum.

    .. math:: \psi \leftarrow \psi - H^{-1}\nabla\mu^2 \quad\text{(active components)}

    The error is ``max(10^-dps, |grad| max(1, |psi|) max(1, |mu^2|))`` when the
    polish is accepted, else the bracket width.

    >>> import mpmath
    >>> class Num:                                   # mu^2 = 2 - y + y^2 (minimum 7/4 at y = 1/2)
    ...     U = staticmethod(lambda y: 2 - y + y * y)
    ...     grad = staticmethod(lambda y: [2 * y - 1])
    ...     hess = staticmethod(lambda y: [[mpmath.mpf(2)]])
    >>> val, y, err = newton_polish(Num, [0.4], 1.76, 1.74, 1e-9, 30)
    >>> str(val), str(y[0]), err <= 1e-30
    ('1.75', '0.5', True)
    """
    scale = max(abs(v) for v in y0)
    active = [i for i, v in enumerate(y0) if v > 1e-7 * scale]
    work = dps + 10
    err = max(upper - lower, tol)
    y = [mpmath.mpf(v) if i in active else mpmath.mpf(0) for i, v in enumerate(y0)]
    ok = False
    with mpmath.workdps(work):
        try:
            y, res = _newton(num, y, active)
            # a component that converged to the boundary from outside is on it
            edge = mpmath.mpf(10) ** (-(dps // 2)) * max(1, scale)
            y = [mpmath.mpf(0) if (v < 0 and abs(v) < edge) else v for v in y]
            val = num.U(*y)
            inside = lower - 10 * tol <= float(val) <= upper + 10 * tol
            ok = bool(active) and inside and all(v >= 0 for v in y)
        except (ZeroDivisionError, ArithmeticError, NameError, TypeError, ValueError):
            ok = False
        if ok:
            err = float(max(mpmath.mpf(10) ** (-dps), res * max(1, scale) * max(1, abs(val))))
        else:
            y = [mpmath.mpf(v) for v in y0]
            val = num.U(*y)
        return +val, y, err
