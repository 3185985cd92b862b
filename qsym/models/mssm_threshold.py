r"""The exact L-ball threshold of the sec-4 toy model when the onset is continuous (at the origin).

:func:`degenerate_onset` derives the exact existence condition for degenerate sleptons,
:func:`continuous_threshold` decides (exactly, parameters rational) when the threshold in ``A``
is the closed form of :func:`qsym.models.mssm.local_threshold` or of
:func:`qsym.models.mssm.vertex_threshold`, and :func:`certified_enclosure` gives exact rational
bounds of an algebraic number.  SymPy only; re-exported by :mod:`qsym.models.mssm`.

.. math:: A_\mathrm{th}^2 = m_H^2 \min_a \frac{K(a)}{y^2 a(1-a)}
"""

from __future__ import annotations

from functools import lru_cache
from typing import Mapping

import sympy as sp

from qsym.errors import InputError
from qsym.models.mssm import (A, _hr, _Lr, _lr, g1, g2, local_threshold, m_H, m_L, m_l, no_lball_certificate,
                              toy_potential, vertex_threshold, y)
from qsym.symbolic.potential import parse_value

__all__ = ["degenerate_onset", "continuous_threshold", "certified_enclosure"]

_s, _a = sp.symbols("s a", nonnegative=True)     # s = H^2, a = L^2 on the ray with L^2 + l^2 = 1


@lru_cache(maxsize=None)
def _degenerate_onset():
    h, lam, nu, FF = sp.symbols("h lambda nu F", nonnegative=True)
    U = toy_potential(complex=False).subs(m_l, m_L)
    U = sp.expand(U.subs({_hr: FF * h, _Lr: FF * lam, _lr: FF * nu}, simultaneous=True))
    u2, u3, u4 = (U.coeff(FF, k) for k in (2, 3, 4))
    p2 = sp.expand(u2 - m_L**2 * (lam**2 + nu**2))     # u2 - m0 c / 2 with m0 = 2 m_L^2
    ok_p2 = sp.expand(p2 - m_H**2 * h**2) == 0
    ok_u3 = sp.expand(u3 + 2 * sp.Abs(y * A) * h * lam * nu) == 0
    # u4 depends on the squares only: write it in s = h^2, a = lam^2, b = nu^2 = 1 - a
    sq = sp.expand(u4).subs({h**2: _s, lam**2: _a, nu**2: 1 - _a})
    ok_sq = not sq.has(h, lam, nu)
    u4sa = sp.expand(sq)
    P = sp.Poly(u4sa, _s)
    K, B, C = (P.coeff_monomial(_s**k) for k in (0, 1, 2))
    f = sp.expand(m_H**2 * u4sa - A**2 * y**2 * _a * (1 - _a))
    return {"u4": u4sa, "K": sp.factor_terms(K), "B": sp.collect(sp.expand(B), _a),
            "C": sp.factor(C), "f": f, "p2": p2, "u3": u3,
            "verified": bool(ok_p2 and ok_u3 and ok_sq and sp.expand(f - m_H**2 * (K + B * _s + C * _s**2)
                                                               + A**2 * y**2 * _a * (1 - _a)) == 0)}


def degenerate_onset() -> dict:
    r"""The exact existence condition for degenerate sleptons ``m_L = m_l``, derived.

    On the ray ``(H, L, l) = F (h, lambda, nu)`` (amplitudes ``>= 0``,
    phases at their optimum) the existence function has
    ``p_2 = u_2 - m_0 c/2 = m_H^2 h^2`` *exactly* (``m_0 = 2 m_L^2``) and
    ``u_3 = -2|yA| h lambda nu``.  The ray dips below the origin limit iff
    ``u_3^2 > 4 p_2 u_4``, i.e. (for ``h > 0``) iff

    .. math:: f = m_H^2\,u_4(s, a) - A^2 y^2 a(1-a) < 0,
        \qquad u_4 = K(a) + B(a)\,s + C s^2,

    with ``s = h^2``, ``a = lambda^2``, ``lambda^2 + nu^2 = 1`` (``u_4``
    depends on squares only).  So an L-ball exists iff ``f < 0`` somewhere on
    ``s > 0``, ``0 <= a <= 1``: an exact two-variable condition, quadratic in
    each variable.  ``s -> 0`` is the origin; the local threshold
    (:func:`local_threshold`) is ``A^2 = m_H^2 min_a K/(y^2 a(1-a))``.

    Returns ``u4, K, B, C, f`` (SymPy, in ``s`` and ``a``) and ``verified``.

    >>> d = degenerate_onset()
    >>> d["verified"], d["C"]
    (True, (g1**2 + g2**2)/8)
    """
    return dict(_degenerate_onset())


def _rational_values(values: Mapping) -> dict:
    out = {}
    for k, v in values.items():
        r = parse_value(str(v)) if not isinstance(v, sp.Basic) else v
        if not r.is_Rational:
            raise InputError(f"{k} = {v!r}: the exact threshold needs rational parameter values")
        out[k] = sp.Rational(r)
    return out


def _sign(x) -> int:
    """Exact sign of a real algebraic number built from rationals and square roots."""
    x = sp.radsimp(sp.expand(x))
    if x == 0:
        return 0
    if x.is_Rational:
        return int(sp.sign(x))
    mp = sp.minimal_polynomial(x, sp.Symbol("_z"))
    # the real roots of the minimal polynomial, isolated by exact rational intervals
    # until the one containing x excludes 0
    poly = sp.Poly(mp, sp.Symbol("_z"))
    approx = sp.N(x, 30)
    eps = sp.Rational(1, 10**6) * max(abs(sp.Rational(str(approx))), sp.Rational(1, 10**20))
    for (lo, hi), _ in poly.intervals(eps=eps):
        if lo <= sp.Rational(str(approx)) + 2 * eps and hi >= sp.Rational(str(approx)) - 2 * eps:
            if lo > 0:
                return 1
            if hi < 0:
                return -1
    raise ArithmeticError(f"sign of {x} not decided")


def certified_enclosure(value: sp.Expr, dps: int) -> tuple:
    r"""Exact rational bounds ``lo <= value <= hi`` with ``hi - lo <= 10^{-dps-2}|value|``.

    ``value`` is a real algebraic number (rationals, radicals): its minimal
    polynomial is computed exactly and its real roots isolated by exact
    rational intervals (Sturm sequences, SymPy ``Poly.intervals``), refined to
    the width; the interval whose root is ``value`` is returned (the roots are
    separated first, so the choice is unambiguous).

    >>> lo, hi = certified_enclosure(sp.sqrt(2), 20)
    >>> lo < sp.sqrt(2) < hi and hi - lo < sp.Rational(1, 10**21)
    True
    """
    z = sp.Symbol("_z")
    if value.is_Rational:
        return sp.Rational(value), sp.Rational(value)
    poly = sp.Poly(sp.minimal_polynomial(value, z), z)
    approx = sp.Rational(str(sp.N(value, dps + 20)))
    eps = sp.Rational(1, 10**(dps + 2)) * max(abs(approx), sp.Rational(1, 10**(dps + 2)))
    roots = poly.intervals(eps=eps)
    hits = [(lo, hi) for (lo, hi), _ in roots if lo - eps <= approx <= hi + eps]
    if len(hits) != 1:
        raise ArithmeticError("root isolation did not single out the value")
    return hits[0]


def continuous_threshold(values: Mapping, scan: str = "A", dps: int = 30) -> dict | None:
    r"""The L-ball threshold in ``A`` when it is a continuous onset at the origin; else None.

    Only ``scan = "A"`` is handled (existence is monotone in ``|A|``: ``mu^2``
    decreases pointwise as ``|yA|`` grows); other scans return None.

    Two exact cases (parameters rational):

    - ``m_L = m_l`` and ``(g_1, g_2) != 0``: the threshold of the local
      condition at the origin is the closed form ``A^2 = `` :func:`local_threshold`.  It is the *global* threshold iff, at that value,
      ``f(s, a) >= 0`` on the whole quadrant (:func:`degenerate_onset`):
      ``f(0, a) = m_H^2 K - A^2 y^2 a(1-a)`` is ``>= 0`` with a double zero at
      ``a_0``, and ``min_{s>=0} f = f(0, a) - m_H^2 \min(0, B)^2/(4C)``;
      ``B`` is linear in ``a``, so the check is the sign of one quadratic on
      the interval where ``B < 0``, decided exactly.  Then for every smaller
      ``|A|`` no L-ball exists (``f`` decreases with ``A^2``) and for every
      larger one ``f(0^+, a_0) < 0`` is a witness: the onset is continuous.
      If the check fails, an L-ball appears first at ``s > 0`` (first-order
      onset) and None is returned.
    - ``g_1 = g_2 = 0`` (scan ``A``): the threshold is ``m_H + sqrt(|m_l^2 - m_L^2|)``
      (:func:`no_lball_certificate` below it, :func:`vertex_threshold` above).

    Returns ``kind, closed_form`` (SymPy, symbolic parameters), ``value``
    (SymPy number), ``below, above`` (exact rational enclosure of width
    ``<= 10^{-dps-2}|value|``), ``text`` (``dps`` digits) and ``proof`` (LaTeX-ready parts).
    """
    v = _rational_values(values)
    if scan != "A":
        return None     # existence is monotone in |A| only; other scans use the bisection
    syms = {s.name: s for s in (m_H, m_L, m_l, y, A, g1, g2)}
    target = syms[scan]
    others = {syms[k]: val for k, val in v.items() if k != scan and k in syms}
    if v.get("g1", 1) == 0 and v.get("g2", 1) == 0:
        case = _vertex_case(others)
    elif v.get("m_L") != v.get("m_l") or v.get("y", 0) == 0:
        return None
    else:
        case = _degenerate_case(others, target)
    if case is None:
        return None
    value, closed, proof, kind_note = case
    lo, hi = certified_enclosure(value, dps)
    return {"kind": "continuous", "closed_form": closed, "value": value, "below": lo, "above": hi,
            "text": str(sp.N(value, dps)), "proof": proof, "note": kind_note}


def _vertex_case(others: dict):
    r"""``g_1 = g_2 = 0``: ``(value, closed form, proof, note)`` of the threshold
    ``m_H + \sqrt{|m_l^2 - m_L^2|}`` at the parameters ``others``, or None.

    .. math:: |A|_\mathrm{th} = m_H + \sqrt{|m_l^2 - m_L^2|}
    """
    vt = vertex_threshold()["threshold"]
    D_, mH_ = sp.Symbol("D", positive=True), sp.Symbol("m_H", positive=True)
    closed = vt.subs({D_: sp.sqrt(sp.Abs(m_l**2 - m_L**2)), mH_: m_H})
    value = sp.nsimplify(closed.subs(others))
    if not (value > 0 and no_lball_certificate()["verified"]):
        return None
    proof = {"kind": "vertex", "closed": closed}
    kind_note = ("g1 = g2 = 0: no L-ball for |A| <= m_H + sqrt(|m_l^2 - m_L^2|) (exact SOS identity) "
                 "and a witness ray above it (blown-up vertex analysis): continuous onset at the origin")
    return value, closed, proof, kind_note


def _degenerate_case(others: dict, target):
    r"""``m_L = m_l``: ``(value, closed form, proof, note)`` of the local threshold when it is the
    global one (the exact quadrant check of :func:`continuous_threshold`), or None.

    .. math:: f(s, a) = m_H^2 u_4 - A^2 y^2 a(1-a) \ge 0 \text{ on } s \ge 0,\ 0 \le a \le 1
    """
    d = degenerate_onset()
    if not d["verified"]:
        return None
    # closed form of the local threshold (masses enter squared: m_H > 0 without loss)
    mHp = sp.Symbol("m_H", positive=True)
    closed = sp.sqrt(local_threshold().subs(m_H, mHp))
    value = sp.radsimp(closed.subs(m_H, mHp).subs({**{k: w for k, w in others.items() if k != m_H},
                                                    mHp: abs(others[m_H])}))
    if not value.is_real or not value.is_positive:
        return None
    pt = {**others, target: value}
    if any(pt.get(s_) is None for s_ in (m_H, y, A, g1, g2)):
        return None
    pt[m_H] = abs(pt[m_H])
    f0 = sp.expand(d["f"].subs(_s, 0).subs(pt))
    Ba = sp.expand(d["B"].subs(pt))
    Cv = d["C"].subs(pt)
    mH2 = pt[m_H]**2
    # f(0, a) >= 0 on [0, 1] with a double zero (the local threshold): its discriminant is 0
    f0p = sp.Poly(f0, _a)
    disc = sp.radsimp(sp.expand(f0p.discriminant()))
    lead = f0p.LC()
    if _sign(disc) != 0 or _sign(lead) <= 0:
        return None
    a0 = sp.radsimp(-f0p.coeff_monomial(_a) / (2 * lead))
    # where B(a) < 0 on [0, 1]: check q = 4 C f(0, a) - m_H^2 B^2 >= 0 there
    Bp = sp.Poly(Ba, _a)
    b1, b0 = Bp.coeff_monomial(_a), Bp.coeff_monomial(1)
    if b1 == 0:
        neg = (0, 1) if b0 < 0 else None
    else:
        r = -b0 / b1
        if b1 > 0:
            neg = (0, min(r, 1)) if r > 0 else None
        else:
            neg = (max(r, 0), 1) if r < 1 else None
    q = sp.expand(4 * Cv * f0 - mH2 * Ba**2)
    qmin_ok = True
    if neg is not None:
        qp = sp.Poly(q, _a)
        cands = [sp.Rational(neg[0]), sp.Rational(neg[1])]
        c2 = qp.coeff_monomial(_a**2)
        if _sign(c2) > 0:
            vx = sp.radsimp(-qp.coeff_monomial(_a) / (2 * c2))
            if _sign(vx - neg[0]) > 0 and _sign(neg[1] - vx) > 0:
                cands.append(vx)
        qmin_ok = all(_sign(q.subs(_a, c_)) >= 0 for c_ in cands)
    if not qmin_ok:
        return None
    proof = {"kind": "degenerate", "closed": closed, "a0": a0, "B": d["B"], "C": d["C"],
             "neg_interval": neg, "f0_lead": lead}
    kind_note = ("m_L = m_l: exact condition f(s, a) = m_H^2 u4 - A^2 y^2 a(1-a) >= 0 checked on the "
                 "whole quadrant at the local threshold (B(a) "
                 + ("< 0 on [" + str(neg[0]) + ", " + str(neg[1]) + "], where 4 C f(0,a) - m_H^2 B^2 >= 0"
                    if neg is not None else ">= 0 on [0, 1]")
                 + "): continuous onset at the origin")
    return value, closed, proof, kind_note
