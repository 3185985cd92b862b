r"""The ray minimum ``g(psi)`` of mu^2, its rigorous lower bounds on boxes, a local descent.

On the ray ``phi = F s psi`` the minimum over ``F >= 0`` is in closed form,

.. math::

    g(\psi) = \min_{F \ge 0} \frac{2(u_2 + u_3 F + u_4 F^2)}{c}
            = \frac{2}{c}\Big[u_2 - \frac{\max(0, -u_3)^2}{4 u_4}\Big],

and on a box of a chart its lower bound is the best of (1) the naive bound
from interval ranges of ``u_2, u_3, u_4, c``, (2) a one-sided mean-value form
with an interval gradient (quadratic convergence at interior and boundary
minima), and two exact criteria that lift it to ``m_0`` near the degenerate
directions: the Cauchy-Schwarz bound ``rho_bar <= 1`` and
``4 p_2 u_4 >= max(0, -u_3)^2``.

Numeric layer: numpy only.

>>> import numpy as np
>>> g, F = g_from_values(np.array([0.5]), np.array([-1.0]), np.array([1.0]), np.array([1.0]))
>>> float(g[0]), float(F[0])
(0.5, 0.5)
"""

from __future__ import annotations

import numpy as np

from .patches import Chart
from .poly import TINY, down, idiv_pos, imul, up

__all__ = ["g_from_values", "naive_lower", "g_and_grad", "local_descent", "g_lower"]


def g_from_values(u2, u3, u4, c):
    r"""Float ``g = min_F 2(u2 + u3 F + u4 F^2)/c`` and the minimising ``F`` (arrays).

    .. math:: F^* = \max(0, -u_3) / (2 u_4)

    >>> g, F = g_from_values(np.array([1.0]), np.array([1.0]), np.array([1.0]), np.array([2.0]))
    >>> float(g[0]), float(F[0])
    (1.0, 0.0)
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        neg = u3 < 0
        Fst = np.where(neg, np.where(u4 > 0, -u3 / (2 * u4), np.inf), 0.0)
        N = np.where(neg, np.where(u4 > 0, u2 - u3**2 / (4 * u4), -np.inf), u2)
        N = np.where((~neg) & (u4 < 0), -np.inf, N)
        g = np.where(c > 0, 2 * N / c, np.where(N > 0, np.inf, -np.inf))
    return g, Fst


def naive_lower(u2l, u3l, u4l, cl, ch):
    r"""Lower bound of ``g`` from the lower ends of ``u2, u3, u4`` and the range ``[cl, ch]`` of ``c``.

    .. math:: g \ge 2\,\underline{N} / c,\quad \underline N = \underline{u_2} - \overline{u_3^2/(4u_4)}

    >>> float(naive_lower(*(np.array([v]) for v in (1.0, 0.0, 1.0, 1.0, 2.0)))[0]) <= 1.0
    True
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        neg = u3l < 0
        Nlo = np.where(neg, np.where(u4l > 0, down(u2l - up(u3l**2 / (4 * u4l))), -np.inf), u2l)
        Nlo = np.where((~neg) & (u4l < 0), -np.inf, Nlo)
        Nlo = down(Nlo)
        glo = np.where(Nlo >= 0, down(2 * Nlo / np.maximum(ch, TINY)),
                       np.where(cl > 0, down(2 * Nlo / np.maximum(cl, TINY)), -np.inf))
    return np.nan_to_num(glo, nan=-np.inf, neginf=-np.inf)


def g_and_grad(ch: Chart, z: np.ndarray):
    r"""Float ``g`` and its gradient (exact polynomial derivatives) at chart points (rows).

    .. math:: \partial_j g = 2(\partial_j N\, c - N\, \partial_j c)/c^2

    >>> ch = _example_chart()                      # g = 1 - 2 z (1 - ...) on psi = (1, z)
    >>> g, dg = g_and_grad(ch, np.array([[0.0]]))
    >>> float(g[0]), float(dg[0, 0])
    (2.0, 0.0)
    """
    u2, u3, u4, c = (q.value(z) for q in ch.polys())
    g, _ = g_from_values(u2, u3, u4, c)
    v = np.maximum(0.0, -u3)
    with np.errstate(all="ignore"):
        N = u2 - v * v / (4 * u4)
        grad = np.empty_like(z)
        for j, (du2, du3, du4, dc) in enumerate(ch.grads):
            dN = du2.value(z) + v * du3.value(z) / (2 * u4) + v * v * du4.value(z) / (4 * u4 * u4)
            grad[:, j] = 2 * (dN * c - N * dc.value(z)) / (c * c)
    return g, grad


def local_descent(ch: Chart, z: np.ndarray, iters: int = 60) -> np.ndarray:
    r"""Projected gradient descent with backtracking on ``[0, 1]^d``.

    A heuristic that only improves the upper bound; the certificate never depends on it.

    .. math:: z \leftarrow \Pi_{[0,1]^d}(z - s\,\nabla g)

    >>> ch = _example_chart()
    >>> z = local_descent(ch, np.array([[0.5]]))
    >>> bool(g_and_grad(ch, z)[0][0] <= g_and_grad(ch, np.array([[0.5]]))[0][0])
    True
    """
    if not z.shape[1]:
        return z
    g, gr = g_and_grad(ch, z)
    step = np.full(z.shape[0], 0.1)
    for _ in range(iters):
        ok_rows = np.isfinite(g) & np.all(np.isfinite(gr), axis=1)
        if not ok_rows.any():
            break
        trial = np.clip(z - step[:, None] * gr, 0.0, 1.0)
        gt, grt = g_and_grad(ch, trial)
        better = ok_rows & np.isfinite(gt) & (gt < g)
        z = np.where(better[:, None], trial, z)
        g = np.where(better, gt, g)
        gr = np.where(better[:, None], grt, gr)
        step = np.where(better, step * 1.5, step / 4)
        if np.all(step < 1e-14):
            break
    return z


def g_lower(ch: Chart, lo, hi, m0_hi, parts: dict | None = None):
    r"""Rigorous lower bound of ``g`` on boxes of a chart: ``(bounds, upper end of u4, anchors)``.

    The naive bound is combined with a one-sided mean-value form
    ``g(a) + sum_j min([dg/dz_j] * [lo_j - a_j, hi_j - a_j])`` with the anchor
    ``a_j`` at the end of the box where the interval gradient says ``g`` is
    smaller.  ``rho_bar <= 1`` or ``E >= 0`` lift the bound to ``m0``.  ``parts``
    (a dict, optional) receives the naive bounds (``"naive"``) and the lifted rows
    (``"lift"``): the hints of the ball-arithmetic certificate.

    .. math:: g(z) \ge g(a) + \sum_j \min\big([\partial_j g]\,[\mathrm{lo}_j - a_j, \mathrm{hi}_j - a_j]\big)

    >>> ch = _example_chart()
    >>> glo, _, _ = g_lower(ch, np.array([[0.0]]), np.array([[1.0]]), 2.0)
    >>> z = np.linspace(0, 1, 101)[:, None]
    >>> bool(glo[0] <= g_and_grad(ch, z)[0].min())
    True
    """
    U2, U3, U4, C = (q.interval(lo, hi) for q in ch.polys())
    glo = naive_lower(U2[0], U3[0], U4[0], C[0], C[1])
    naive, anc = glo, None
    if lo.shape[1]:
        mv, anc = _mean_value_lower(ch, lo, hi, U2, U3, U4, C)
        glo = np.maximum(glo, mv)
    lift = _rho_bar_ok(ch, lo, hi, U4) | _e_test_ok(ch, lo, hi)
    if parts is not None:
        parts["naive"], parts["lift"] = naive, lift
    glo = np.where(lift, np.maximum(glo, m0_hi), glo)
    return glo, U4[1], anc


def _example_chart() -> Chart:
    """A two-field chart for the examples: U = a^2 + b^2 - a^2 b + a^4 + b^4, charges (1, 1)."""
    from fractions import Fraction
    from .patches import charts, make_patch
    from .problem import OrthantData
    one = Fraction(1)
    o = OrthantData((1, 1), {(2, 0): one, (0, 2): one}, {(2, 1): -one}, {(4, 0): one, (0, 4): one},
                    {(2, 0): one, (0, 2): one})
    return charts(make_patch(o, 2, Fraction(2), 15))[0]


def _rho_bar_ok(ch: Chart, lo, hi, U4) -> np.ndarray:
    """Rows where the Cauchy-Schwarz bound ``rho_bar <= 1`` proves ``g >= m0``."""
    if ch.rho is None:
        return np.zeros(lo.shape[0], dtype=bool)
    if not ch.rho.nterms:
        return np.ones(lo.shape[0], dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        _, rh = ch.rho.interval(lo, hi)
        rbar = np.where(U4[0] > 0, up(rh / (4 * U4[0])), np.inf)
    return rbar <= 1.0


def _e_test_ok(ch: Chart, lo, hi) -> np.ndarray:
    """Rows where ``E = p2 - max(0,-u3)^2/(4 u4) >= 0``, i.e. ``4 p2' u4' >= max(0,-u3')^2 r^e_pow``."""
    if ch.e_p2 is None:
        return np.zeros(lo.shape[0], dtype=bool)
    P2l, _ = ch.e_p2.interval(lo, hi)
    E3l, _ = ch.e_u3.interval(lo, hi)
    E4l, _ = ch.e_u4.interval(lo, hi)
    v = np.maximum(0.0, -E3l)
    rfac = hi[:, 0] ** ch.e_pow if (ch.j is not None and ch.e_pow) else 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        return (E4l > 0) & (P2l >= 0) & (down(4 * down(P2l * E4l)) >= up(up(v * v) * rfac))


def _interval_gradient(ch: Chart, lo, hi, U2, U3, U4, C):
    """Interval gradient of ``g`` on the boxes, one ``(lower, upper)`` pair per variable."""
    # interval of N = u2 - v^2/(4 u4), v = max(0, -u3)
    vl, vh = np.maximum(0.0, -U3[1]), np.maximum(0.0, -U3[0])
    vv = imul(vl, vh, vl, vh)
    with np.errstate(divide="ignore", invalid="ignore"):
        Nl = down(U2[0] - up(vv[1] / np.where(U4[0] > 0, 4 * U4[0], np.nan)))
        Nh = up(U2[1] - down(vv[0] / np.where(U4[1] > 0, 4 * U4[1], np.nan)))
    c2 = imul(*C, *C)
    u4sq4 = imul(4 * U4[0], 4 * U4[1], U4[0], U4[1])
    Gs = []
    for du2, du3, du4, dc in ch.grads:
        d2, d3, d4, dcc = (q.interval(lo, hi) for q in (du2, du3, du4, dc))
        # dN = du2 + v du3/(2 u4) + v^2 du4/(4 u4^2);  dg = 2 (dN c - N dc)/c^2
        t1 = idiv_pos(*imul(vl, vh, *d3), 2 * U4[0], 2 * U4[1])
        t2 = idiv_pos(*imul(*vv, *d4), *u4sq4)
        dNl, dNh = down(d2[0] + t1[0] + t2[0]), up(d2[1] + t1[1] + t2[1])
        a1 = imul(dNl, dNh, *C)
        a2 = imul(Nl, Nh, *dcc)
        Gs.append(idiv_pos(down(2 * (a1[0] - a2[1])), up(2 * (a1[1] - a2[0])), *c2))
    return Gs


def _mean_value_lower(ch: Chart, lo, hi, U2, U3, U4, C):
    """One-sided mean-value lower bound (rows where u4, c > 0 on the box), else -inf; and the anchors."""
    Gs = _interval_gradient(ch, lo, hi, U2, U3, U4, C)
    # anchor: the low end where g increases, the high end where it decreases
    anc = (lo + hi) / 2
    for jj, (gl, gh) in enumerate(Gs):
        anc[:, jj] = np.where(gl >= 0, lo[:, jj], np.where(gh <= 0, hi[:, jj], anc[:, jj]))
    A = [q.interval(anc, anc) for q in ch.polys()]
    ga = naive_lower(A[0][0], A[1][0], A[2][0], A[3][0], A[3][1])
    total = np.zeros(lo.shape[0])
    for jj, (gl, gh) in enumerate(Gs):
        tl, _ = imul(gl, gh, lo[:, jj] - anc[:, jj], hi[:, jj] - anc[:, jj])
        total = down(total + tl)
    with np.errstate(invalid="ignore"):
        out = down(ga + total)
    ok = (U4[0] > 0) & (C[0] > 0) & np.isfinite(out)
    return np.where(ok, out, -np.inf), anc
