r"""The certificate: lower bounds of the ray minimum ``g`` on boxes, and point values, in Arb balls.

The double-precision pass (:mod:`~qsym.numeric.mu2.bounds`) proposes which
boxes to discard; each one is discarded only after this module has bounded
``g`` on it again in ball arithmetic (python-flint, directed rounding, exact
coefficients from :mod:`~qsym.numeric.mu2.ballchart`).  The same four
inequalities as the float pass, with ``v = max(0, -u_3)`` and
``N = u_2 - v^2 / (4 u_4)`` (so that ``g = 2N/c``):

.. math::

    \text{(naive)}\quad g \ge \frac{2\underline N}{c},\quad
        \underline N = \underline{u_2} - \frac{\overline v^2}{4\underline{u_4}};\qquad
    \text{(mean value)}\quad g(z) \ge g(a) + \sum_j \min\big([\partial_j g]\,[\mathrm{lo}_j - a_j,
        \mathrm{hi}_j - a_j]\big);

    \text{(Cauchy-Schwarz)}\quad \frac{\overline{a^T M^{-1} a}}{4\underline{u_4}} \le 1
        \Rightarrow g \ge m_0;\qquad
    (E)\quad 4\,\underline{p_2'}\,\underline{u_4'} \ge \overline{v'}^2\,\overline{r}^{e}
        \Rightarrow g \ge m_0.

:func:`box_lower` returns the best of them as ``(lower bound, lifted)`` where
``lifted`` means ``g >= m_0`` is proven on the box; :func:`point_upper` is
``g`` at one direction (the upper end of the bracket); :func:`ball_witness`
decides ``mu^2(phi) < m_0`` at one field point.

Numeric layer: python-flint only.

>>> from qsym.numeric.mu2.bounds import _example_chart
>>> from qsym.numeric.kernels.balls import workprec, float_down
>>> ch = _example_chart()
>>> with workprec():
...     low, lifted = box_lower(ch, [0.5], [0.51], [0.5], ch.patch.m0)
...     1.9027 < float_down(low) <= 1.90588, lifted      # g(0.5) = 1.90588...
(True, False)
"""

from __future__ import annotations

from flint import arb

from qsym.numeric.kernels.balls import (ZERO, Monomials, iadd, idiv_pos, imul, isub, to_arb)

from .ballchart import BallChart, ball_chart
from .patches import Chart, Patch

__all__ = ["box_lower", "naive_lower_ball", "point_upper", "ball_witness", "ray_min_ball"]

_TWO, _FOUR = arb(2), arb(4)


def naive_lower_ball(U2l, U3l, U4l, Cl, Ch):
    r"""Lower bound (a ball; None for ``-inf``) of ``g`` from the lower ends of ``u2, u3, u4`` and
    the range of ``c``: the ball version of :func:`~qsym.numeric.mu2.bounds.naive_lower`.

    .. math:: g \ge \min(2\underline N/\underline c,\ 2\underline N/\overline c)

    >>> naive_lower_ball(arb(1), arb(-1), arb(1), arb(1), arb(2))
    0.750000000000000
    """
    if not U4l >= 0:
        return None                 # u4 may be negative: F -> infinity is not excluded
    if U3l >= 0:
        N = U2l                     # the minimum over F >= 0 is at F = 0
    elif U4l > 0:
        v = ZERO.max(-U3l)
        N = U2l - v * v / (_FOUR * U4l)
    else:
        return None
    if Cl > 0:
        return (_TWO * N / Cl).min(_TWO * N / Ch)
    if N >= 0 and Ch > 0:
        return _TWO * N / Ch
    return None


def _interval_gradient(bc: BallChart, mono, U2, U3, U4, C):
    """Interval gradient of g (ball pairs), one per box variable, assuming u4, c > 0 on the box."""
    vl, vh = ZERO.max(-U3[1]), ZERO.max(-U3[0])
    vv = (vl * vl, vh * vh)
    N = isub(U2, idiv_pos(vv, (_FOUR * U4[0], _FOUR * U4[1])))
    c2 = (C[0] * C[0], C[1] * C[1])
    u4sq4 = (_FOUR * U4[0] * U4[0], _FOUR * U4[1] * U4[1])
    two_u4 = (_TWO * U4[0], _TWO * U4[1])
    out = []
    for du2, du3, du4, dc in bc.grads:
        d2, d3, d4, dcc = (q.bounds(None, None, mono) for q in (du2, du3, du4, dc))
        dN = iadd(d2, iadd(idiv_pos(imul((vl, vh), d3), two_u4), idiv_pos(imul(vv, d4), u4sq4)))
        num = isub(imul(dN, C), imul(N, dcc))
        out.append(idiv_pos((_TWO * num[0], _TWO * num[1]), c2))
    return out


def _mean_value(bc: BallChart, mono, lo, hi, anc, U2, U3, U4, C):
    """One-sided mean-value lower bound (a ball), or None when u4 > 0 and c > 0 are not certain."""
    if not (U4[0] > 0 and C[0] > 0):
        return None
    G = _interval_gradient(bc, mono, U2, U3, U4, C)
    am = Monomials(anc)
    A = [q.point(am) for q in bc.polys()]
    ga = naive_lower_ball(A[0], A[1], A[2], A[3], A[3])
    if ga is None:
        return None
    total = ga
    for j, g in enumerate(G):
        a = arb(float(anc[j]))
        total = total + imul(g, (arb(float(lo[j])) - a, arb(float(hi[j])) - a))[0]
    return total


def _rho_bar_ok(bc: BallChart, mono, U4l) -> bool:
    """``rho_bar <= 1`` proven on the box (Cauchy-Schwarz; no cubic on the kernel: always)."""
    if bc.rho is None:
        return False
    if not bc.rho.nterms:
        return True
    if not U4l > 0:
        return False
    return bool(bc.rho.bounds(None, None, mono)[1] <= _FOUR * U4l)


def _e_test_ok(bc: BallChart, mono, hi) -> bool:
    """``E = p2 - max(0, -u3)^2/(4 u4) >= 0`` proven on the box (so ``g >= m0``)."""
    if bc.e_p2 is None:
        return False
    P2l = bc.e_p2.bounds(None, None, mono)[0]
    E3l = bc.e_u3.bounds(None, None, mono)[0]
    E4l = bc.e_u4.bounds(None, None, mono)[0]
    if not (E4l > 0 and P2l >= 0):
        return False
    v = ZERO.max(-E3l)
    rfac = arb(float(hi[0])) ** bc.e_pow if (bc.blown and bc.e_pow) else arb(1)
    return bool(_FOUR * P2l * E4l >= v * v * rfac)


def box_lower(ch: Chart, lo, hi, anc, m0, target: float | None = None, lift_enough: bool = True,
              hint: str | None = None):
    r"""Rigorous lower bound of ``g`` on the box ``lo <= z <= hi`` of ``ch``: ``(ball or None, lifted)``.

    ``g >= inf(ball)`` everywhere on the box (None: no finite bound); ``lifted``:
    ``g >= m0`` is proven by the Cauchy-Schwarz or the ``E`` test.  ``anc`` is
    the mean-value anchor (any point of the box).  With ``target``, the work
    stops as soon as a bound ``>= target`` is proven (or a lift, if
    ``lift_enough``); ``hint`` (``"naive"``, ``"lift"`` or ``"mv"``: which bound the
    double-precision pass found sufficient) only orders the work.  Call inside
    ``balls.workprec()``.

    .. math:: g(z) \ge \max(\text{naive}, \text{mean value}) \ \text{or}\ g \ge m_0

    >>> from qsym.numeric.mu2.bounds import _example_chart
    >>> from qsym.numeric.kernels.balls import workprec
    >>> with workprec():
    ...     low, lifted = box_lower(_example_chart(), [0.0], [0.01], [0.0], 2)
    ...     1.9997 < float(low.mid()) < 2, lifted
    (True, False)
    """
    bc = ball_chart(ch)
    mono = Monomials(lo, hi)
    U2, U3, U4, C = (q.bounds(None, None, mono) for q in bc.polys())
    best = naive_lower_ball(U2[0], U3[0], U4[0], C[0], C[1])
    done = target is not None
    if done and best is not None and best >= target:
        return best, False
    lifted = None
    if hint != "mv" or not done:
        lifted = _rho_bar_ok(bc, mono, U4[0]) or _e_test_ok(bc, mono, hi)
        if lifted and lift_enough and done:
            return best, True
    if len(lo):
        mv = _mean_value(bc, mono, lo, hi, anc, U2, U3, U4, C)
        if mv is not None:
            best = mv if best is None else best.max(mv)
    if lifted is None and not (best is not None and best >= target):
        lifted = _rho_bar_ok(bc, mono, U4[0]) or _e_test_ok(bc, mono, hi)
    return best, bool(lifted)


def ray_min_ball(u2, u3, u4, c):
    r"""``g = min_{F >= 0} 2 (u2 + u3 F + u4 F^2) / c`` from point balls (None when not finite).

    .. math:: g = \frac{2}{c}\Big[u_2 - \frac{\max(0,-u_3)^2}{4u_4}\Big]

    >>> ray_min_ball(arb(0.5), arb(-1), arb(1), arb(1))
    0.500000000000000
    >>> ray_min_ball(arb(1), arb(0), arb(0), arb(1))        # no quartic along this direction
    2.00000000000000
    """
    if not c > 0:
        return None
    if u3 >= 0 and u4 >= 0:
        return _TWO * u2 / c             # the minimum over F >= 0 is at F = 0
    if not u4 > 0:
        return None
    v = ZERO.max(-u3)
    return _TWO * (u2 - v * v / (_FOUR * u4)) / c


def point_upper(p: Patch, psi) -> arb | None:
    r"""``g`` at the direction ``psi`` (floats, taken exactly) in balls: its upper end bounds the
    infimum of mu^2 from above.

    .. math:: \inf \mu^2 \le g(\psi)

    >>> from qsym.numeric.mu2.bounds import _example_chart
    >>> from qsym.numeric.kernels.balls import workprec
    >>> with workprec():
    ...     float(point_upper(_example_chart().patch, [1.0, 0.0]).mid())
    2.0
    """
    x = [float(v) for v in psi]
    vals = [_patch_ball(p, q).at(x) for q in ("u2", "u3", "u4", "c")]
    return ray_min_ball(*vals)


def ball_witness(p: Patch, psi, F: float, m0) -> bool:
    r"""Whether ``mu^2 < m0`` is proven at the field point ``phi = F s psi`` (floats, taken exactly).

    .. math:: u_2 + u_3 F + u_4 F^2 - \tfrac{m_0}{2} c < 0 \iff \mu^2(F s \psi) < m_0

    >>> from qsym.numeric.mu2.bounds import _example_chart
    >>> from qsym.numeric.kernels.balls import workprec
    >>> with workprec():
    ...     ball_witness(_example_chart().patch, [1.0, 1.0], 0.25, 2)
    True
    """
    if not F > 0:
        return False
    x = [float(v) for v in psi]
    u2, u3, u4, c = (_patch_ball(p, q).at(x) for q in ("u2", "u3", "u4", "c"))
    Fb = arb(float(F))
    return bool(u2 + u3 * Fb + u4 * Fb * Fb - to_arb(m0, p.rel) * c / _TWO < 0)


def _patch_ball(p: Patch, name: str):
    """The orthant polynomial ``name`` with ball coefficients (cached on the patch)."""
    from qsym.numeric.kernels.balls import BallPoly
    cache = p.__dict__.setdefault("_balls", {})
    if name not in cache:
        q = getattr(p, name)
        cache[name] = BallPoly({tuple(int(v) for v in e): c for e, c in zip(q.exps, q.exact)}, q.n, p.rel)
    return cache[name]
