"""``U_omega`` of a Q-ball family from one numeric ``U``: the omega term is added at call time.

Numeric layer: mpmath / numpy only.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath


class ShiftedND:
    r"""``U_omega = U - omega^2/2 sum_k c_k phi_k^2`` from a numeric ``U`` (a
    :class:`~qsym.bridge.NumericND`) without a new lambdify per omega.

    .. math::  U_\omega(\phi) = U(\phi) - \frac{\omega^2}{2}\sum_k c_k \phi_k^2

    ``c`` are the squared charges and ``omega2`` is omega^2, exact (:class:`fractions.Fraction`;
    the mpmath callables evaluate it at the caller's precision).  ``poly`` (optional) is U as ``{exponents: Fraction}``; the shifted one
    is then available as ``self.poly`` (the exact polynomial of U_omega).

    >>> import sympy as sp
    >>> from qsym.bridge import numeric_nd
    >>> a, b = sp.symbols("a b")
    >>> s = ShiftedND(numeric_nd(a**2 + b**2, [a, b]), [Fraction(1), Fraction(0)], Fraction(1, 4))
    >>> float(s.U(1, 1)), s.grad_np(1.0, 1.0)
    (1.875, [1.75, 2.0])
    """

    def __init__(self, base, c, omega2, poly=None):
        self.base, self.vars, self.expr = base, base.vars, getattr(base, "expr", None)
        self.c = [Fraction(v) for v in c]
        self.w2 = Fraction(omega2)
        self._w2f = float(self.w2)
        self.poly = None
        if poly is not None:
            pl = dict(poly)
            n = len(self.c)
            for k in range(n):
                e = tuple(2 if i == k else 0 for i in range(n))
                pl[e] = pl.get(e, Fraction(0)) - self.w2 * self.c[k] / 2
            self.poly = {e: v for e, v in pl.items() if v != 0}

    def _w2mp(self):
        return mpmath.mpf(self.w2.numerator) / self.w2.denominator

    def U(self, *phi):
        w2 = self._w2mp()
        return self.base.U(*phi) - w2 / 2 * mpmath.fsum(
            mpmath.mpf(ck.numerator) / ck.denominator * p * p for ck, p in zip(self.c, phi) if ck)

    def grad(self, *phi):
        w2 = self._w2mp()
        g = self.base.grad(*phi)
        return [gk - w2 * (mpmath.mpf(ck.numerator) / ck.denominator) * p if ck else gk
                for gk, ck, p in zip(g, self.c, phi)]

    def hess(self, *phi):
        w2 = self._w2mp()
        H = [list(row) for row in self.base.hess(*phi)]
        for k, ck in enumerate(self.c):
            if ck:
                H[k][k] = H[k][k] - w2 * (mpmath.mpf(ck.numerator) / ck.denominator)
        return H

    def U_np(self, *phi):
        u = self.base.U_np(*phi)
        return u - self._w2f / 2 * sum(float(ck) * p * p for ck, p in zip(self.c, phi) if ck)

    def grad_np(self, *phi):
        g = self.base.grad_np(*phi)
        return [gk - self._w2f * float(ck) * p if ck else gk for gk, ck, p in zip(g, self.c, phi)]

    def hess_np(self, *phi):
        H = [list(row) for row in self.base.hess_np(*phi)]
        for k, ck in enumerate(self.c):
            if ck:
                H[k][k] = H[k][k] - self._w2f * float(ck)
        return H
