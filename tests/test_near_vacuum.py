"""The float step next to the true vacuum, the chained monomial products of the online program (their values against Arb's series: test_speed_paths.py), and
the rescaled program of a Q-ball family (no SymPy per omega).

- Deep in a thin wall the centre sits ``chi ~ 1e-9`` below the true vacuum; doubles evaluate
  ``U'(psi_t + chi)`` from terms of size O(1) that cancel to O(chi), so the value carried ~1e-7
  relative noise, the double path's Newton on ``x = ln(delta)`` stalled at 1e-8 and the chart
  point fell back to the mpmath path (3e-9 claimed error).  The series of U' about psi_t gives
  the value to the last bit; the double path now converges there and agrees with dps 20.
- ``x^n f`` is built as ``x (x (... f))``: the products of one f share their chain (four Cauchy
  products for U', U'' of ``x^3 e^-x`` instead of six), and the coefficients equal the Arb series.
- ``V(psi) = c psi^2 + R(a psi)/(a^2 Delta)`` from the program of ``R = U - k phi^2`` (k phi^2 the
  quadratic term U writes): the same values as the SymPy substitution, the same Q-ball as the
  Taylor polynomial near the thick-wall end, and ``log(1 + phi^2)`` (no quadratic term, k = 0)
  without the cancellation that subtracting m^2 phi^2/2 would bring at large field.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

import qsym
from qsym.api.atlas import atlas_chart
from qsym.bridge import arb_program
from qsym.numeric.bounce1d import solve_bounce, solve_bounce_double
from qsym.numeric.bounce1d.problem import _Problem
from qsym.numeric.bounce1d.side import _Side
from qsym.numeric.kernels.online import OnlineProgram
from qsym.numeric.qball import qball_at_u
from qsym.numeric.qball.chart import _delta_of_u

x = sp.Symbol("x")
U_TEXT = "phi**2/2 - phi**3*exp(-phi)"


@pytest.fixture(scope="module")
def chart():
    return atlas_chart(qsym.Potential(U_TEXT, fields="phi"), 3, 15)


def _side(chart, u):
    with mpmath.workdps(30):
        delta, _ = _delta_of_u(chart, mpmath.mpf(u))
        kind, num, a = chart.scaled(delta)
    assert kind == "direct"
    return _Side(_Problem(num, 3, 1, None), 1, None)


def test_series_about_the_true_vacuum_beats_the_cancelling_program(chart):
    side = _side(chart, 4)
    assert side.thin and side.model.online is not None and side.model.online[6] is None
    near = side.model_shifted.online[7]
    assert near is not None
    f, rho = near
    assert rho > 1e-3
    on = side.model.online
    prog, xs, fs = on[0], float(on[1]), float(on[2])
    for chi in (-1e-9, -1e-6, -rho / 2):
        with mpmath.workprec(side.prec_u + 60):
            exact = side.deriv_scaled(1, side.psi_t + mpmath.mpf(chi))
            series = mpmath.mpf(0)
            for c in reversed(f):
                series = series * chi + c
            assert abs(series - exact) <= 1e-15 * abs(exact)
    # the program in doubles at psi_t - 1e-9: the cancellation the series avoids (relative noise
    # far above the series' 1e-15; measured ~1e-7)
    run = prog.start(0.0, float(side.shift) - 1e-9, xs, fs, 1.0)
    F0 = run.advance(0.0)[0]
    with mpmath.workprec(side.prec_u + 60):
        exact = side.deriv_scaled(1, side.psi_t - mpmath.mpf(1e-9))
        assert abs(F0 - exact) > 1e-12 * abs(exact)


def test_deep_thin_wall_double_path_converges_and_agrees(chart):
    # the double path itself (no fallback): before, its estimate was 3.1e-9 and it raised
    with mpmath.workdps(30):
        delta, _ = _delta_of_u(chart, mpmath.mpf(4))
        kind, num, a = chart.scaled(delta)
    bd = solve_bounce_double(num, dim=3, sign=1)
    assert bd.error < 1e-12
    bm = solve_bounce(num, dim=3, dps=20, sign=1)
    with mpmath.workdps(30):
        assert bm.error < 1e-19
        for q in ("action", "charge_integral"):
            assert abs(getattr(bd, q) - getattr(bm, q)) <= 1e-12 * abs(getattr(bm, q))
    assert qball_at_u(chart, 4, None).error < 1e-12


def test_monomial_products_share_one_chain():
    prog = OnlineProgram(arb_program(x**2 / 2 - x**3 * sp.exp(-x), x, derivatives=2))
    convs = [i for i in prog.need if prog.nodes[i].op in ("mul", "sq", "exp")]
    assert len(convs) == 4                        # exp, x e, x (x e), x (x (x e))
    # a power beyond the chain limit stays a product of squares
    prog = OnlineProgram(arb_program(x**2 / 2 - x**12 * sp.exp(-x), x, derivatives=2))
    assert any(nd.op == "sq" for i, nd in enumerate(prog.nodes) if i in prog.need)


@pytest.mark.parametrize("text", [U_TEXT, "log(1 + phi**2)", "phi**2/2 - phi**4*cos(phi)/4 + phi**6/100"])
def test_rescaled_program_equals_the_substituted_expression(text):
    from fractions import Fraction
    from qsym.api.solve import _single_chart
    from qsym.bridge import exact_rational
    P = qsym.Potential(text, fields="phi")
    win, ch = _single_chart(P, 20)
    psi = sp.Symbol("psi")
    for u in (-3, 0, 3):
        with mpmath.workdps(40):
            delta, _ = _delta_of_u(ch, mpmath.mpf(u))
            d, ar = exact_rational(delta), exact_rational(mpmath.mpf(3) / 7)
            prog = ch._rescaled(ar, d)
            V = (ch.U.subs(ch.var, ar * psi) - (ch.m2_exact - d) * ar**2 * psi**2 / 2) / (ar**2 * d)
            for p in (mpmath.mpf(1) / 3, mpmath.mpf(2)):
                got = prog.series(p, 3)
                want = [sp.diff(V, psi, k).subs(psi, p) / sp.factorial(k)
                        for k in range(3)]
                for g, w in zip(got, want):
                    w = mpmath.mpf(sp.N(w, 45))
                    assert abs(g - w) <= mpmath.mpf(10) ** -30 * max(1, abs(w))
    assert isinstance(ch._rprog[1], Fraction)


def test_program_and_taylor_polynomial_give_the_same_qball(chart, monkeypatch):
    import qsym.api.solve as solve
    fast = qball_at_u(chart, -6, None)
    with mpmath.workdps(30):
        delta, _ = _delta_of_u(chart, mpmath.mpf(-6))
        kind, num, a = chart.scaled(delta)
    assert num.program is not None and num.coeffs is None          # the rescaled program
    monkeypatch.setattr(solve, "RESCALED_MAX_LOSS", -float("inf"))
    taylor = qball_at_u(atlas_chart(qsym.Potential(U_TEXT, fields="phi"), 3, 15), -6, None)
    for a_, b_ in ((fast.charge, taylor.charge), (fast.mass, taylor.mass)):
        assert abs(a_ - b_) / abs(b_) < 1e-13
    assert fast.error < 1e-12


def test_thick_wall_end_in_fixed_point_keeps_the_tiny_intermediates(chart):
    # at u = -40 the rescaled program multiplies (a psi)^3 ~ e^-120 by 1/(a^2 Delta) ~ e^120: fixed
    # point holds the small factor only to 2^-Pw absolute, so the run adds the constant's bits
    # (before: the dps-20 Newton left its basin; the stop-19 code answered Q = 1e-12 with a false
    # 'no overshoot found')
    with mpmath.workdps(30):
        delta, _ = _delta_of_u(chart, mpmath.mpf(-40))
        kind, num, a = chart.scaled(delta)
    assert OnlineProgram(num.program).const_bits() > 100
    qd = qball_at_u(chart, -40, None)
    with mpmath.workdps(40):
        qm = qball_at_u(chart, -40, 20)
        assert qm.error < 1e-19
        assert abs(qd.charge - qm.charge) / qm.charge < 1e-12
