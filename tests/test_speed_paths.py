"""The fast paths of non-polynomial Q-balls give the digits of the slow ones.

- the double path's online run of U in fixed point where doubles would cancel (the thick-wall
  end of a plateau, log(1 + a^2 psi^2) - a^2 psi^2 with a tiny a): against dps 30;
- the linear-tail tests at the nonlinearity scale of a plateau (thin-wall end of log(1 + phi^2)):
  the double path converges there, and agrees with dps 20;
- common subexpressions and the compiled coefficient functions of the online program: the same
  coefficients as the Arb series of U', U'';
- the escape point remembered per problem: rounding or refining it gives the fresh root.
"""

from __future__ import annotations

import math

import mpmath
import pytest
import sympy as sp

import qsym
from qsym.api.atlas import atlas_chart
from qsym.bridge import arb_program, numeric_1d
from qsym.numeric.bounce1d.problem import _Problem
from qsym.numeric.bounce1d.side import _root, _Side
from qsym.numeric.kernels.online import OnlineProgram, float_loss_bits
from qsym.numeric.qball import qball_at_u
from qsym.numeric.qball.chart import _delta_of_u

x = sp.Symbol("x")


@pytest.fixture(scope="module")
def plateau():
    return atlas_chart(qsym.Potential("log(1 + phi**2)", fields="phi"), 3, 15)


def _scaled(chart, u):
    with mpmath.workdps(30):
        delta, _ = _delta_of_u(chart, mpmath.mpf(u))
        kind, num, a = chart.scaled(delta)
    assert kind == "direct"
    return num


def test_cancelling_program_runs_in_fixed_point_and_keeps_the_digits(plateau):
    num = _scaled(plateau, -10)
    side = _Side(_Problem(num, 3, 1, None), 1, None)
    # doubles would lose ~30 bits to the cancellation: the double path's run is in fixed point
    assert side._float_loss(side.prob, num.program, side.model.online[1:5]) > 20
    assert side.model.online[6] is not None and side.model.online[6] > 53 + 20
    qd = qball_at_u(plateau, -10, None)
    with mpmath.workdps(40):
        qm = qball_at_u(plateau, -10, 30)
        assert qd.error < 1e-12
        for a, b in ((qd.charge, qm.charge), (qd.mass, qm.mass)):
            assert abs(a - b) / abs(b) < 1e-12


def test_benign_program_stays_in_doubles(plateau):
    side = _Side(_Problem(_scaled(plateau, 1), 3, 1, None), 1, None)
    assert side.model.online is not None and side.model.online[-1] is None


def test_float_loss_bits_sees_the_cancellation():
    a2 = sp.Rational(1, 2**40)
    cancel = arb_program((sp.log(1 + a2 * x**2) - a2 * x**2) / a2**2, x, derivatives=2)
    benign = arb_program(x**2 / 2 - x**3 * sp.exp(-x), x, derivatives=2)
    assert float_loss_bits(cancel, [0.5, 1], [1, 1, 1]) > 30       # ~2^-53 / a2 of O(1)
    assert float_loss_bits(benign, [0.5, 1], [1, 1, 1]) < 10


def test_plateau_thin_wall_end_in_double_precision(plateau):
    # the nonlinearity of log(1 + phi^2) sets in ~100 times inside the escape point at u = 8: the
    # linear-tail tests use that scale (before: the double path failed, and so did dps 18)
    side = _Side(_Problem(_scaled(plateau, 8), 3, 1, None), 1, None)
    assert side.lin < 0.1
    qd = qball_at_u(plateau, 8, None)
    with mpmath.workdps(40):
        qm = qball_at_u(plateau, 8, 20)
        assert qd.error < 1e-12 and qm.error < 1e-19
        assert abs(qd.mass - qm.mass) / qm.mass < 1e-12


def test_common_subexpressions_are_one_node():
    expr = x**2 / 2 - x**3 * sp.exp(-x)
    prog = OnlineProgram(arb_program(expr, x, derivatives=2))
    keys = [(nd.op, nd.args) for nd in prog.nodes if nd.op not in ("const", "scale", "pow")]
    assert len(keys) == len(set(keys))
    assert sum(nd.op == "exp" for nd in prog.nodes) == 1


ONLINE_CASES = [
    # exp, log, sqrt and a quotient together
    (x**2 / 2 - x**3 * sp.exp(-x / 3) + sp.log(1 + x**2) * x / 5 + sp.sqrt(2 + x) / 7 + x**3 / (2 + x) / 9,
     sp.Rational(3, 4), 24),
    # powers of x times sin, cos, exp: the chained products x (x (... f)) of test_near_vacuum.py
    (x**2 / 2 - x**5 * sp.exp(-x) * sp.sin(x) / 3 + x**4 * sp.cos(x) / 7 - 2 * x * sp.exp(x / 5) / 11,
     sp.Rational(5, 4), 20),
]


@pytest.mark.parametrize("case", range(len(ONLINE_CASES)))
@pytest.mark.parametrize("fixed", [False, True])
def test_compiled_online_run_matches_the_arb_series(fixed, case):
    # along x(s) = x0 + s the k-th coefficients of U'(x(s)), U''(x(s)) are the Taylor coefficients
    # of U', U'' at x0: (k+1) c_{k+1} and (k+2)(k+1) c_{k+2} of U's series
    expr, x0, n = ONLINE_CASES[case]
    ap = arb_program(expr, x, derivatives=2)
    prog = OnlineProgram(ap)
    x0 = mpmath.mpf(x0.p) / x0.q
    with mpmath.workprec(300):
        c = ap.series(x0, n + 3)
        P = Pw = 200
        one = mpmath.mpf(1)
        run = prog.start_fixed(P, Pw, mpmath.mpf(0), one, one, one) if fixed else \
            prog.start(float(x0), 0.0, 1.0, 1.0, 1.0)
        tol = mpmath.mpf(2) ** -180 if fixed else mpmath.mpf(10) ** -13
        for k in range(n):
            b = x0 if k == 0 else (one if k == 1 else 0)
            F, G, _ = run.advance(int(b * 2**P) if fixed else float(b))
            F = mpmath.mpf(F) / 2**P if fixed else mpmath.mpf(F)
            G = mpmath.mpf(G) / 2**P if fixed else mpmath.mpf(G)
            assert abs(F - (k + 1) * c[k + 1]) <= tol * max(1, abs(c[k + 1]) * (k + 1))
            assert abs(G - (k + 2) * (k + 1) * c[k + 2]) <= tol * max(1, abs(c[k + 2]) * (k + 2) * (k + 1))


def test_remembered_escape_point_is_the_fresh_root():
    num = numeric_1d(x**2 / 2 - x**3 * sp.exp(-x / 3), x)
    prob = _Problem(num, 3, 1, None)
    bracket = prob.sides[1][0]
    low = _root(prob, bracket, 0, 80)
    high = _root(prob, bracket, 0, 300)          # refined from the 80-bit root
    again = _root(prob, bracket, 0, 120)         # rounded from the 300-bit root
    with mpmath.workprec(320):
        fresh = _Problem(num, 3, 1, None).refine(bracket, 0, 300)
        assert abs(high - fresh) <= abs(fresh) * mpmath.mpf(2) ** -295
        assert abs(again - fresh) <= abs(fresh) * mpmath.mpf(2) ** -115
        assert abs(low - fresh) <= abs(fresh) * mpmath.mpf(2) ** -75
        assert abs(num.U(fresh)) < mpmath.mpf(2) ** -290
    assert math.isfinite(float(high))


def test_truncated_taylor_polynomial_and_far_minimum_give_the_full_answer(monkeypatch):
    # near the thick-wall end a non-polynomial U is its Taylor polynomial (~30 terms, a spurious
    # second minimum far out): the double path truncates it per shot and walks psi(0) up from the
    # escape point; switching both off must give the same Q-ball to rounding
    import qsym.api.solve as solve
    import qsym.numeric.bounce1d.double as dbl
    import qsym.numeric.bounce1d.side as sd
    # (the chart now prefers the rescaled program of U where doubles do not cancel: the Taylor
    # polynomial is what this test is about, so the program is refused here)
    monkeypatch.setattr(solve, "RESCALED_MAX_LOSS", -math.inf)
    chart = atlas_chart(qsym.Potential("phi**2/2 - phi**3*exp(-phi)", fields="phi"), 3, 15)
    side = _Side(_Problem(_scaled(chart, -6), 3, 1, None), 1, None)
    assert side.psi_t is not None and side.psi_t > dbl.FAR_PSI_T and len(side.u) > 20
    assert len(side.models_for(mpmath.log(side.psi_t - 3))[0].poly) < len(side.u) / 2
    fast = qball_at_u(chart, -6, None)
    monkeypatch.setattr(sd, "TRUNC_MIN_TERMS", 10**6)
    monkeypatch.setattr(dbl, "FAR_PSI_T", math.inf)
    slow = qball_at_u(chart, -6, None)
    for a, b in ((fast.charge, slow.charge), (fast.mass, slow.mass)):
        assert abs(a - b) / abs(b) < 1e-13
    assert fast.error < 1e-12 and slow.error < 1e-12
