"""The landscape search of a non-polynomial U: the short cuts give the answers of the plain scan.

- the origin's Taylor proof (third derivative enclosed by Arb over ``[0, x]``) that ``U > 0`` on the
  first decades: ``U`` is positive there (checked at two precisions), and the brackets of the escape
  point and of the second minimum equal those of the scan without the proof;
- the grid points up to ``beyond`` skipped by index: the bracket of ``U'`` lies past the escape point;
- the root refinement ends on a converged Newton step (a step below one ulp used to end in ~70
  bisections): few evaluations, and the root agrees at two precisions.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from qsym.bridge import numeric_1d
from qsym.numeric.bounce1d import problem as pr
from qsym.numeric.bounce1d.problem import _Grid, _Problem

x = sp.Symbol("x")
CASES = [x**2 / 2 - x**3 * sp.exp(-x / 4),
         sp.log(1 + x**2) / 2 - x**4 / 7 + x**6 / 50,
         x**2 / 2 - 2 * x**4 * sp.cos(x / 3) + x**6 / 10]


def _plain(num, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(_Problem, "_origin_positive", lambda self, pt, n: -1)
        return _Problem(num, 3)


@pytest.mark.parametrize("expr", CASES)
def test_origin_proof_gives_the_brackets_of_the_plain_scan(expr, monkeypatch):
    num = numeric_1d(expr, x)
    fast = _Problem(num, 3)
    plain = _plain(num, monkeypatch)
    assert fast.sides.keys() == plain.sides.keys() and fast.sides
    for s, (pe, pt) in fast.sides.items():
        qe, qt = plain.sides[s]
        assert pe == qe and pt == qt
        # the bracket of U' lies past the escape point, U' changes sign in it
        if pt is not None:
            assert abs(pt[0]) >= abs(pe[1]) * (1 - 1e-12)
            assert s * fast._sign_U(pt[0], 1) == -1 and s * fast._sign_U(pt[1], 1) == 1


@pytest.mark.parametrize("expr", CASES)
def test_origin_proof_is_true(expr):
    prob = _Problem(numeric_1d(expr, x), 3)
    import numpy as np
    ys = np.logspace(-pr.SCAN_DECADES, pr.SCAN_DECADES, pr.SCAN_PER_DECADE * 2 * pr.SCAN_DECADES + 1)
    for s in (1, -1):
        with mpmath.workdps(pr.SCALE_DPS):
            grid = _Grid(s * prob.scale, ys)
            j = prob._origin_positive(grid, len(ys))
            assert j > pr.SCAN_PER_DECADE * 4          # at least the first four decades
            for i in sorted({0, j // 3, j // 2, j}):
                assert prob._sign_U(grid(i), 0) == 1   # two precisions agree: U > 0
            # the proof stops before the escape point
            if s in prob.sides:
                assert abs(grid(j)) < abs(prob.sides[s][0][0]) * (1 + 1e-12)


def test_refine_ends_on_newton_steps():
    prob = _Problem(numeric_1d(CASES[0], x), 3)
    pe, pt = prob.sides[1]
    calls = []
    orig = prob._eval

    def counted(v, k=0):
        calls.append(k)
        return orig(v, k)

    prob._eval = counted
    roots = {}
    for prec in (120, 240):
        for k, br in ((0, pe), (1, pt)):
            calls.clear()
            roots[(k, prec)] = prob.refine(br, k, prec)
            assert len(calls) < 40                   # Newton: ~6 steps of 2 evaluations
    with mpmath.workprec(240):
        for k in (0, 1):
            a, b = roots[(k, 120)], roots[(k, 240)]
            assert abs(a - b) <= abs(b) * mpmath.mpf(2) ** -115
            assert abs(orig(b, k)) < mpmath.mpf(2) ** -200


def test_centered_form_proves_signs_the_interval_run_misses():
    from qsym.bridge import arb_program
    from qsym.numeric.bounce1d.problem import _centered_sign
    # U = log(1 + y) - y + y^2/2 with y = x^2: ~x^6/3, a small difference of large terms
    prog = arb_program(sp.log(1 + x**2) - x**2 + x**4 / 2, x, derivatives=2)
    lo, hi = mpmath.mpf("0.30"), mpmath.mpf("0.31")
    assert prog.sign_on(lo, hi, 0, prec=116) == 0          # the interval run cannot tell
    assert _centered_sign(prog, lo, hi, 0, 116) == 1
    # never a wrong sign: across a root of U' of x^2/2 - x^3 e^{-x/4} no sign is claimed
    prog2 = arb_program(CASES[0], x, derivatives=2)
    with mpmath.workdps(30):
        for a in mpmath.linspace(0.05, 20, 80):
            b = a * mpmath.mpf("1.05")
            for k in (0, 1):
                got = _centered_sign(prog2, a, b, k, 116)
                if got:
                    for t in mpmath.linspace(a, b, 7):
                        v = prog2.value(t, k)
                        assert (v > 0) == (got > 0)
