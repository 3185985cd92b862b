r"""One fixed-point Taylor step of the radial equation for a cubic potential, in one loop.

The general step (:func:`qsym.numeric.kernels.taylor.step_coeffs`) assembles the series
from small objects (powers of ``Delta = psi - psi_0`` column by column, the recurrence,
the variational series), a few Python calls per coefficient.  For a potential of degree
at most 3 (``U'`` quadratic: only ``Delta^2`` is needed; the canonical
``psi^2/2 - psi^3`` of S_psi) in fixed point with the naive (non-relaxed) products this
module runs the same integer operations in one loop, with the symmetric square

.. math::  (\Delta^2)_k = 2 \sum_{i=1}^{\lfloor (k-1)/2 \rfloor} \Delta_i \Delta_{k-i}
           + [k \text{ even}]\, \Delta_{k/2}^2, \qquad
           b_{k+2} = \frac{h^2 F_k + (h^3/r_0) F_{k-1} - (h/r_0)(k+1)(k+d-1) b_{k+1}}{(k+2)(k+1)}

and the reduced variational series (``Gs``, ``Ys`` cut to ``Pv`` bits, ``Nv`` terms).
The results are bit-for-bit those of the general step (same integers, same floors).

>>> from qsym.numeric.kernels import taylor
>>> A = taylor.Arith(200)
>>> M = taylor.Model(A, 3, poly=[A.from_float(v) for v in (0, 0, 0.5, -1.0)])   # psi^2/2 - psi^3
>>> args = (A.from_float(0.4), A.from_float(-0.3), A.from_float(2.0), A.one, A.from_float(3.0),
...         A.from_float(0.5))
>>> c, fc, gc, e = taylor._derivative_columns(M, args[0], 60, None)
>>> origin = args[:4] + (0, A.one)                                        # r0 = 0: the centre
>>> fused = [cubic_step(A.P, 3, fc, gc, *a, 60, True, 132, 38)[:3] for a in (args, origin)]
>>> taylor.FUSED_CUBIC = False                                              # the general step:
>>> general = [taylor.step_coeffs(M, *a, 60) for a in (args, origin)]
>>> taylor.FUSED_CUBIC = True
>>> fused == [(b, Y, F) for b, Y, c, F in general]
True
"""

from __future__ import annotations

import operator

__all__ = ["cubic_step"]

_mul = operator.mul


def cubic_step(P: int, d: int, fc: list, gc: list, p0, dp0, y0, dy0, r0, h, N: int, var: bool,
               Pv: int, Nv: int):
    r"""Scaled Taylor coefficients of psi and of the reduced variational series (fixed point).

    .. math::  F_k = \Big(\sum_j f_j (\Delta^j)_k\Big) \gg P, \qquad
               G_k = \Big(\sum_j g_j (\Delta^j)_k\Big) \gg (P + s_g)

    ``fc``, ``gc`` (at most 3 and 2 entries) are the coefficients of ``U'`` and ``U''`` in powers
    of Delta; ``Pv``, ``Nv`` the bits and order of the variational series
    (``taylor._ReducedVariational``).  Returns ``(b, Y, F, D)``: the coefficients of psi and y,
    those of ``U'(psi(s))`` and the powers ``D = [None, Delta, Delta^2]`` (columns ``0..N-2``,
    as :class:`taylor._Powers` leaves them; ``Delta^2`` only for a cubic U).
    """
    b = [p0, (h * dp0) >> P]
    Y = [y0, (h * dy0) >> P]
    h2 = (h * h) >> P
    origin = not r0
    if not origin:
        B = (((h2 * h) >> P) << P) // r0
        C = (h << P) // r0
    JP = max(len(fc), len(gc), 2)
    f = (list(fc) + [0, 0, 0])[:3]
    g = (list(gc) + [0, 0, 0])[:3]
    f0, f1, f2 = f
    g0, g1, g2 = g
    D1 = [0, b[1]]
    D2 = [0, 0]
    one = 1 << P
    # reduced variational series
    sg = max(0, P - Pv)
    sy = max(0, max(abs(int(y0)).bit_length(), abs(int(Y[1])).bit_length()) - Pv)
    sgy = sg + sy - P
    Gs = []
    Ys = [Y[0] >> sy, Y[1] >> sy]
    GYprev = 0
    F = []
    Fprev = 0
    Pg = P + sg
    for k in range(N - 1):
        # column k of the powers of Delta: (1, Delta_k, (Delta^2)_k)
        if k == 0:
            c0, c1, c2 = one, 0, 0
        elif k == 1:
            c0, c1, c2 = 0, D1[1], 0
        else:
            bk = b[k]
            D1.append(bk)
            c0, c1 = 0, bk
            if JP > 2:
                hk = (k - 1) >> 1
                s = sum(map(_mul, D1[1:hk + 1], D1[k - 1:k - hk - 1:-1])) * 2
                if not k & 1:
                    s += D1[k >> 1] * D1[k >> 1]
                c2 = s >> P
                D2.append(c2)
            else:
                c2 = 0
        Fk = (f0 * c0 + f1 * c1 + f2 * c2) >> P
        F.append(Fk)
        # the recurrence for b_{k+2}
        if origin:
            b.append(((h2 * Fk) >> P) // ((k + 2) * (k + d)))
        else:
            num = h2 * Fk - C * ((k + 1) * (k + d - 1)) * b[k + 1]
            if k:
                num += B * Fprev
            b.append((num >> P) // ((k + 2) * (k + 1)))
        Fprev = Fk
        if not var:
            continue
        if k < Nv:
            Gs.append((g0 * c0 + g1 * c1 + g2 * c2) >> Pg)
            s = sum(map(_mul, Gs, Ys[k::-1]))
            GY = s << sgy if sgy >= 0 else s >> -sgy
            if origin:
                Y.append(((h2 * GY) >> P) // ((k + 2) * (k + d)))
            else:
                num = h2 * GY + B * GYprev - C * ((k + 1) * (k + d - 1)) * Y[k + 1]
                Y.append((num >> P) // ((k + 2) * (k + 1)))
        else:
            GY = 0
            Y.append(0)
        GYprev = GY
        Ys.append(Y[-1] >> sy)
    D = [None, D1, D2] if JP > 2 else [None, D1]
    return b, Y, F, D
