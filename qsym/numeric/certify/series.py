r"""Taylor coefficients of the radial bounce equation in Arb balls.

With :math:`f = U'` a polynomial, :math:`f(\phi) = \sum_{j\ge1} n_j \phi^j`, the solution
:math:`\phi(t + s) = \sum_k a_k s^k` of

.. math::  (t + s)\,\phi'' + (d-1)\,\phi' = (t + s)\, f(\phi)

has the coefficients (compare the powers :math:`s^k`, :math:`F_k` the coefficients of
:math:`f(\phi(t+s))`, :math:`F_{-1} = 0`)

.. math::  a_{k+2} = \frac{t F_k + F_{k-1} - (k+1)(k+d-1)\, a_{k+1}}{t\,(k+2)(k+1)} ,

and at the regular singular point :math:`t = 0` (where :math:`a_1 = 0`)
:math:`a_{k+2} = F_k / ((k+2)(k+d))`.  The recurrence is a rational function of
:math:`(t, a_0, a_1)`, so evaluating it on balls (a ball :math:`t`, balls :math:`a_0, a_1`)
encloses the coefficients of *every* solution with data in those balls: this is what
the Lagrange remainder of :mod:`qsym.numeric.certify.steps` uses.

Numeric layer: python-flint only.

>>> from flint import arb
>>> a = taylor_coefficients([arb(1), arb(-3)], 3, arb(0), arb(1), arb(0), 6)
>>> [float(x.mid()) for x in a[:4]]     # phi''(0) / 2 = f(1) / (2 d) = -1 / 3
[1.0, 0.0, -0.3333333333333333, 0.0]
"""

from __future__ import annotations

from flint import arb

__all__ = ["taylor_coefficients", "variational_coefficients"]


def _cauchy(x: list, y: list, k: int):
    """Coefficient ``k`` of the product of the series ``x`` and ``y`` (both known to order ``k``)."""
    s = x[0] * y[k]
    for i in range(1, k + 1):
        s += x[i] * y[k - i]
    return s


def _square(x: list, k: int):
    """Coefficient ``k`` of ``x**2`` (half the products)."""
    h = (k + 1) // 2                      # pairs i < k - i
    s = None
    for i in range(h):
        s = x[i] * x[k - i] if s is None else s + x[i] * x[k - i]
    s = 2 * s if s is not None else 0
    if k % 2 == 0:
        s = x[k // 2] * x[k // 2] + s
    return s


def taylor_coefficients(n: list, d: int, t, a0, a1, order: int) -> list:
    r"""``[a_0, ..., a_order]``: the Taylor coefficients at ``t`` of the solution with
    :math:`\phi(t) = a_0`, :math:`\phi'(t) = a_1` (balls; ``t`` a ball, ``t = 0`` exactly the
    regular series at the origin, where ``a1`` must be 0).

    ``n = [n_1, n_2, ...]``: :math:`f(\phi) = \sum_j n_j \phi^j` with ball coefficients.

    .. math::  a_{k+2} = \frac{t F_k + F_{k-1} - (k+1)(k+d-1) a_{k+1}}{t (k+2)(k+1)}

    >>> from flint import arb
    >>> a = taylor_coefficients([arb(1)], 3, arb(1), arb(1), arb(-2), 8)  # e^{-r}/r * e at r = 1
    >>> abs(float(a[2].mid()) - 2.5) < 1e-12     # phi'' = phi - 2 phi' / r = 5
    True
    """
    p = len(n)
    origin = t.is_zero() if isinstance(t, arb) else t == 0
    a = [a0, a1]
    pw = [None, a] + [[] for _ in range(p - 1)]      # pw[j][k]: coefficient k of phi^j
    F = []
    for k in range(order - 1):
        if p >= 2:
            pw[2].append(_square(a, k))
        for j in range(3, p + 1):
            pw[j].append(_cauchy(pw[j - 1], a, k))
        Fk = n[0] * a[k]
        for j in range(2, p + 1):
            if n[j - 1] != 0:
                Fk += n[j - 1] * pw[j][k]
        F.append(Fk)
        if origin:
            a.append(Fk / ((k + 2) * (k + d)))
        else:
            num = t * Fk - (k + 1) * (k + d - 1) * a[k + 1]
            if k:
                num += F[k - 1]
            a.append(num / (t * ((k + 2) * (k + 1))))
    return a[:order + 1]


def variational_coefficients(n: list, d: int, t, a: list, b0, b1, order: int) -> list:
    r"""``[b_0, ..., b_order]``: Taylor coefficients at ``t`` of the variation
    :math:`y = \partial\phi/\partial\phi_0`, the solution of the linearised equation along
    :math:`\phi = \sum a_k s^k` (``a`` known to ``order``) with :math:`y(t) = b_0`, :math:`y'(t) = b_1`:

    .. math::  (t+s)\,y'' + (d-1)\,y' = (t+s)\, f'(\phi)\, y, \qquad
               b_{k+2} = \frac{t G_k + G_{k-1} - (k+1)(k+d-1) b_{k+1}}{t(k+2)(k+1)},

    :math:`G = f'(\phi) y` (at ``t = 0``: :math:`b_{k+2} = G_k/((k+2)(k+d))`).

    >>> from flint import arb
    >>> a = taylor_coefficients([arb(1)], 3, arb(1), arb(1), arb(-2), 6)
    >>> b = variational_coefficients([arb(1)], 3, arb(1), a, arb(1), arb(-2), 6)
    >>> all((x - y).contains(0) for x, y in zip(a, b))      # a linear equation: y = phi
    True
    """
    p = len(n)
    origin = t.is_zero() if isinstance(t, arb) else t == 0
    # f'(phi) = sum_j j n_j phi^(j-1): the powers of phi to order ``order``
    fp = [n[0]] + [arb(0)] * order
    pw = list(a[:order + 1])
    for j in range(2, p + 1):
        c = j * n[j - 1]
        for k in range(order + 1):
            fp[k] = fp[k] + c * pw[k]
        if j < p:
            pw = [_cauchy(pw, a, k) for k in range(order + 1)]
    b = [b0, b1]
    G = []
    for k in range(order - 1):
        Gk = _cauchy(fp, b, k)
        G.append(Gk)
        if origin:
            b.append(Gk / ((k + 2) * (k + d)))
        else:
            num = t * Gk - (k + 1) * (k + d - 1) * b[k + 1]
            if k:
                num += G[k - 1]
            b.append(num / (t * ((k + 2) * (k + 1))))
    return b[:order + 1]
