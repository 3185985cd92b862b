r"""Exact decisions at single directions: unbounded below, a deeper vacuum, or a Q-ball witness.

At a rational direction ``psi`` the ray data are evaluated exactly (in
:class:`fractions.Fraction` when every coefficient and ``m_0`` are rational,
otherwise at 60+ digits with a margin).  With
``N = u_2 - u_3^2 / (4 u_4)`` (for ``u_3 < 0 < u_4``):

.. math::

    u_4 < 0 \Rightarrow \text{unbounded below},\quad
    N < 0 \Rightarrow U < 0 \text{ on the ray},\quad
    N - \tfrac{m_0}{2} c < 0 \Rightarrow \text{a Q-ball exists}.

A ``"witness"`` here only nominates the point: the branch and bound accepts it
once :func:`qsym.numeric.mu2.ballbounds.ball_witness` has proven
``mu^2(F s psi) < m_0`` at it in ball arithmetic.

Numeric layer: mpmath only.

>>> from fractions import Fraction
>>> from qsym.numeric.mu2.patches import make_patch
>>> from qsym.numeric.mu2.problem import OrthantData
>>> o = OrthantData((1,), {(2,): Fraction(1, 2)}, {(3,): Fraction(-1)}, {(4,): Fraction(1)},
...                 {(2,): Fraction(1)})
>>> classify_point(make_patch(o, 1, Fraction(1), 15), [1.0], Fraction(1), 15)[0]
'witness'
"""

from __future__ import annotations

from fractions import Fraction

import mpmath

from .patches import Patch
from .poly import as_mp

__all__ = ["classify_point", "point_text"]


def _exact_values(p: Patch, psi_f, m0, dps):
    """Exact (or 60+ digit) values of u2, u3, u4, c at a point: ``(values, point, exact?)``."""
    rational = all(q.rational for q in p.polys()) and isinstance(m0, Fraction)
    if rational:
        x = [Fraction(float(v)) for v in psi_f]
        return [q.exact_value(x) for q in p.polys()], x, True
    with mpmath.workdps(max(dps, 40) + 20):
        x = [mpmath.mpf(float(v)) for v in psi_f]
        return [mpmath.mpf(q.exact_value(x)) for q in p.polys()], x, False


def classify_point(p: Patch, psi_f, m0, dps: int):
    r"""``("unbounded" | "negative" | "witness" | None, exact point)`` at the direction ``psi_f``.

    ``"negative"``: U < 0 on the ray (a deeper vacuum); ``"witness"``: mu^2
    drops below ``m0`` on the ray (a Q-ball exists).

    .. math:: u_2 - \frac{u_3^2}{4u_4} - \frac{m_0}{2}c < 0 \iff \min_F \mu^2 < m_0

    >>> from qsym.numeric.mu2.patches import make_patch
    >>> from qsym.numeric.mu2.problem import OrthantData
    >>> o = OrthantData((1,), {(2,): Fraction(1, 2)}, {(3,): Fraction(-2)}, {(4,): Fraction(1)},
    ...                 {(2,): Fraction(1)})      # U = p^2/2 - 2 p^3 + p^4 < 0 near p = 1
    >>> classify_point(make_patch(o, 1, Fraction(1), 15), [1.0], Fraction(1), 15)[0]
    'negative'
    """
    (u2, u3, u4, c), x, exact = _exact_values(p, psi_f, m0, dps)
    margin = 0 if exact else mpmath.mpf(10) ** (-(max(dps, 40)))
    with mpmath.workdps(max(dps, 40) + 20):
        if u4 < -margin or (abs(u4) <= margin and u3 < -margin):
            return "unbounded", x
        if u3 < 0 and u4 > margin:
            N = u2 - u3 * u3 / (4 * u4)
            if N < -margin:
                return "negative", x
            m0v = m0 if exact else as_mp(m0)
            if N - m0v * c / 2 < -margin * (1 + abs(m0v)):
                return "witness", x
    return None, x


def point_text(fields, signs, x, scale: float = 1.0) -> str:
    r"""``"H=0.5, L=1"``: a direction (times ``scale``) as text, six digits.

    .. math:: \phi_k = s_k\,F\,\psi_k

    >>> point_text(["a", "b"], (1, -1), [0.5, 1.0])
    'a=0.5, b=-1'
    """
    return ", ".join(f"{f}={s * scale * float(v):.6g}" for f, s, v in zip(fields, signs, x))
