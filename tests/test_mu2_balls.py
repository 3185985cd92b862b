"""The ball-arithmetic certificate of the mu^2 minimum (issue 14, part 1).

Property tests compare the Arb enclosures against exact rational evaluation
(fractions.Fraction) on random boxes; the other tests break one ingredient of
the certificate (a shrunk enclosure, an inflated lower bound, a float pass that
proposes everything) and check that the certificate fails or that the balls,
not the floats, decide.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qsym.numeric.kernels import balls
from qsym.numeric.kernels.balls import (BallPoly, Monomials, float_down, float_up, idiv_pos, imul, to_arb,
                                        workprec)
from qsym.numeric.mu2 import ballbounds, bounds
from qsym.numeric.mu2.ballbounds import ball_witness, box_lower, point_upper
from qsym.numeric.mu2.branch_bound import minimize
from qsym.numeric.mu2.patches import charts, make_patch
from qsym.numeric.mu2.problem import Mu2Problem, OrthantData

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

coef = st.fractions(min_value=-5, max_value=5, max_denominator=50)
unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


def exact_poly(terms, x):
    """The exact value of ``sum c x^m`` at a Fraction point."""
    tot = Fraction(0)
    for e, c in terms.items():
        t = Fraction(c)
        for xi, k in zip(x, e):
            t *= xi ** k
        tot += t
    return tot


def inside(v: Fraction, lo_ball, hi_ball) -> bool:
    """``inf lo <= v <= sup hi`` with exact comparisons of the directed doubles."""
    return Fraction(float_down(lo_ball)) <= v <= Fraction(float_up(hi_ball))


@st.composite
def poly_and_box(draw, n=2, deg=4):
    exps = draw(st.lists(st.tuples(*[st.integers(0, deg)] * n), min_size=1, max_size=8, unique=True))
    terms = {e: draw(coef) for e in exps}
    a, b = draw(st.lists(unit, min_size=n, max_size=n)), draw(st.lists(unit, min_size=n, max_size=n))
    lo, hi = [min(u, v) for u, v in zip(a, b)], [max(u, v) for u, v in zip(a, b)]
    ts = draw(st.lists(st.fractions(0, 1), min_size=n, max_size=n))
    pt = [Fraction(l) + t * (Fraction(h) - Fraction(l)) for l, h, t in zip(lo, hi, ts)]
    return terms, lo, hi, pt


@FAST
@given(poly_and_box())
def test_poly_enclosure_contains_exact_values(data):
    terms, lo, hi, pt = data
    with workprec():
        p = BallPoly(terms, 2)
        l, h = p.bounds(lo, hi)
        assert inside(exact_poly(terms, pt), l, h)
        corner = [Fraction(v) for v in lo]
        val = p.at(lo)
        assert inside(exact_poly(terms, corner), val, val)


@FAST
@given(st.lists(st.fractions(-10, 10, max_denominator=30), min_size=6, max_size=6))
def test_interval_product_and_quotient_contain_exact(v):
    a = sorted(v[:2])
    b = sorted(v[2:4])
    c = sorted(abs(x) + Fraction(1, 7) for x in v[4:6])
    ta, tb = (a[0] + a[1]) / 2, b[0]
    with workprec():
        A = (to_arb(a[0]), to_arb(a[1]))
        B = (to_arb(b[0]), to_arb(b[1]))
        C = (to_arb(c[0]), to_arb(c[1]))
        pl, ph = imul(A, B)
        assert inside(ta * tb, pl, ph)
        ql, qh = idiv_pos(A, C)
        assert inside(ta / c[1], ql, qh) and inside(ta / c[0], ql, qh)


def _orthant(u2, u3, u4, c, rho=None):
    return OrthantData((1, 1), u2, u3, u4, c, rho)


ONE = Fraction(1)
# U = a^2 + b^2 - 3 a^2 b + a^4 + b^4, charges (1, 1): a Q-ball, mu2_min = 0.75371069253244...
QBALL_MIN = 0.753710692532446
QBALL = _orthant({(2, 0): ONE, (0, 2): ONE}, {(2, 1): -3 * ONE}, {(4, 0): ONE, (0, 4): ONE},
                 {(2, 0): ONE, (0, 2): ONE})
# U = a^2 + 2 b^2 + a^4 + b^4 - a^2 b / 4 (charges 1, 1): the origin limit is 2 (along a)
NEAR = _orthant({(2, 0): ONE, (0, 2): 2 * ONE}, {(2, 1): -ONE / 4}, {(4, 0): ONE, (0, 4): ONE},
                {(2, 0): ONE, (0, 2): ONE})

# U = a^2 + b^2 - a b^2 + a^2 b^2 + b^4: no a^4, so the facet a = 1 is blown up at its corner
BLOWN = _orthant({(2, 0): ONE, (0, 2): ONE}, {(1, 2): -ONE}, {(2, 2): ONE, (0, 4): ONE},
                 {(2, 0): ONE, (0, 2): ONE})


def exact_g(patch, psi):
    """``g`` at a Fraction direction, exactly (None where u4 <= 0 or c <= 0)."""
    u2, u3, u4, c = (exact_poly({tuple(int(v) for v in e): cf for e, cf in zip(q.exps, q.exact)}, psi)
                     for q in patch.polys())
    if u3 >= 0 and u4 >= 0 and c > 0:
        return 2 * u2 / c                   # the minimum over F >= 0 is at F = 0
    if u4 <= 0 or c <= 0:
        return None
    v = max(Fraction(0), -u3)
    return 2 * (u2 - v * v / (4 * u4)) / c


def _facet_point(ch, z):
    """The direction psi (Fractions) of the chart point z (two fields: a blown-up chart is x = r)."""
    z = list(z)
    return z[:ch.k] + [Fraction(1)] + z[ch.k:]


def test_blown_up_chart_exists():
    assert any(c.j is not None for c in charts(make_patch(BLOWN, 2, Fraction(2), 20)))


@FAST
@given(st.sampled_from([QBALL, NEAR, BLOWN]), st.integers(0, 1), unit, unit, st.fractions(0, 1))
def test_box_lower_below_exact_g(o, k, a, b, t):
    p = make_patch(o, 2, Fraction(2), 20)
    ch = [c for c in charts(p) if c.k == k][0]
    lo, hi = min(a, b), max(a, b)
    z = Fraction(lo) + t * (Fraction(hi) - Fraction(lo))
    with workprec():
        low, lifted = box_lower(ch, [lo], [hi], [lo], p.m0)
    g = exact_g(p, _facet_point(ch, [z]))
    if low is not None:
        assert Fraction(float_down(low)) <= g
    if lifted:
        assert g >= p.m0


def test_witness_and_upper_in_balls():
    p = make_patch(QBALL, 2, Fraction(2), 20)
    with workprec():
        up = point_upper(p, [1.0, 0.5])
        assert inside(exact_g(p, [ONE, ONE / 2]), up, up)
        assert ball_witness(p, [1.0, 0.5], 0.5, Fraction(2))
        assert not ball_witness(p, [1.0, 0.0], 0.5, Fraction(2))     # along a: mu^2 = 2 + F^2 > 2


def test_upper_where_the_quartic_vanishes():
    p = make_patch(BLOWN, 2, Fraction(2), 20)
    with workprec():
        up = point_upper(p, [1.0, 0.0])          # u3 = u4 = 0 along a: g = 2 u2 / c = 2
        assert up is not None and float_up(up) == 2.0


def test_irrational_coefficient_is_a_ball():
    import mpmath
    with workprec():
        x = to_arb(mpmath.sqrt(2), 1e-20)
        assert x.rad() > 0 and x.contains(to_arb(mpmath.sqrt(2)))


def _problem(o, m0=Fraction(2)):
    return Mu2Problem(("a", "b"), m0, (o,))


def test_certificate_is_ball_decided():
    r = minimize(_problem(QBALL), 15, polish=False)
    assert r.certified and r.qball_exists
    assert r.stats["ball_boxes"] > 0 and r.stats["ball_rejected"] == 0
    # the exact minimum lies in the bracket: g at the best direction is within [lower, upper]
    assert r.lower <= QBALL_MIN <= r.upper


def test_shrunk_enclosure_is_caught(monkeypatch):
    """A shrunk ball (lower end moved up by 5%) no longer contains the exact values."""
    real = BallPoly.bounds

    def shrunk(self, lo, hi, mono=None):
        l, h = real(self, lo, hi, mono)
        return l + abs(l) * 0.05 + 0.05, h
    monkeypatch.setattr(BallPoly, "bounds", shrunk)
    terms = {(1, 0): Fraction(-1), (0, 2): Fraction(1, 3)}
    with workprec():
        l, h = BallPoly(terms, 2).bounds([0.0, 0.0], [1.0, 1.0])
    assert not inside(exact_poly(terms, [Fraction(1), Fraction(0)]), l, h)      # p(1, 0) = -1


def test_inflated_lower_bound_fails_the_certificate(monkeypatch):
    """An unsound ball lower bound (+0.05) discards the minimiser's box: the bracket contradicts the
    certified value at the best point and the result is not certified."""
    real_naive, real_mv = ballbounds.naive_lower_ball, ballbounds._mean_value

    def bump(x):
        return None if x is None else x + 0.05
    monkeypatch.setattr(ballbounds, "naive_lower_ball", lambda *a: bump(real_naive(*a)))
    monkeypatch.setattr(ballbounds, "_mean_value", lambda *a: bump(real_mv(*a)))
    r = minimize(_problem(QBALL), 15, polish=False)
    assert not r.certified and r.stats["inconsistent"]


def test_float_pass_only_proposes(monkeypatch):
    """A float pass that claims every box can be discarded: the balls reject what they cannot prove,
    and the answer stays right (certified or not, never a wrong certificate)."""
    real = bounds.g_lower

    def liar(ch, lo, hi, m0_hi, parts=None):
        glo, u4h, anc = real(ch, lo, hi, m0_hi, parts)
        if parts is not None:
            parts["naive"] = parts["naive"] * 0 + math.inf
        return glo * 0 + 1e300, u4h, anc
    monkeypatch.setattr("qsym.numeric.mu2.branch_bound.g_lower", liar)
    r = minimize(_problem(QBALL), 15, polish=False, max_boxes=20_000)
    assert r.stats["ball_rejected"] > 0
    if r.certified:
        assert r.lower <= QBALL_MIN <= r.upper


def test_toy_model_certificate():
    from qsym.api.mu2 import mu2_problem
    from qsym.models import mssm
    from qsym.symbolic.rays import ray_data
    prob = mu2_problem(ray_data(mssm.potential_object(dict(mssm.DEFAULTS, A="1"))), 15)
    r = minimize(prob, 15, polish=False)
    assert r.certified and not r.qball_exists and r.existence_certified
    assert r.stats["ball_rejected"] == 0 and r.lower == 2.0 == r.upper


def test_workprec_restores_global_precision():
    import flint
    before = flint.ctx.prec
    with balls.workprec(200):
        assert flint.ctx.prec == 200
    assert flint.ctx.prec == before
    assert Monomials([0.5]).get((0,))[0] == 1
