"""Symbolic identities of secs. 1-3, checked independently of the code that derives them."""

from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from qsym.symbolic import thickwall as tw
from qsym.symbolic.noether import derive_section1, printed_section1
from qsym.symbolic.potential import Potential
from qsym.symbolic.thinwall import Q, thin_wall, thin_wall_generic


def test_charge_of_ansatz_has_charge_squared():
    d = derive_section1(2)
    q1, q2 = d["charges"]
    f1, f2 = d["amplitudes"]
    w = sp.Symbol("omega", positive=True)
    assert sp.expand(d["charge_density"] - w * (q1**2 * f1**2 + q2**2 * f2**2)) == 0
    p = printed_section1(2)
    # printed (7) agrees for unit charges only
    assert sp.simplify((d["charge_density"] - p["charge_density"]).subs({q1: 1, q2: 1})) == 0
    assert sp.simplify((d["charge_density"] - p["charge_density"]).subs({q1: 2, q2: 1})) != 0


def test_thin_wall_identities():
    g = thin_wall_generic()
    assert sp.simplify(sp.diff(g["M_Q"], Q) - g["omega"]) == 0       # dE/dQ = omega
    # virial-like balance at the minimum: rotation energy = potential energy
    U0, N = sp.symbols("U_0 N", positive=True)
    w = g["omega"]
    assert sp.simplify(w**2 * N * g["V"] / 2 - U0 * g["V"]) == 0


def test_thin_wall_on_potential_matches_mu2_minimum():
    P = Potential("phi**2/2 - phi**3 + phi**4", ["phi"])
    res = thin_wall(P, {"phi": sp.Rational(1, 2)})
    assert res["mu2"] == sp.Rational(1, 2)
    assert sp.simplify(res["M_Q"] - Q / sp.sqrt(2)) == 0


def _fraction_series(quantity, order):
    """Independent route: solve y = x + y^2 (y = 1 - w^2, x = eps^2) by fixed point in Fractions."""
    n = order // 2 + 1                   # number of coefficients in x
    y = [Fraction(0)] * (n + 1)
    for _ in range(n + 2):
        sq = [sum(y[i] * y[k - i] for i in range(k + 1)) for k in range(n + 1)]
        y = [(1 if k == 1 else 0) + sq[k] for k in range(n + 1)]

    def sqrt_series(a):  # sqrt of a series with a[0] = 1
        s = [Fraction(1)] + [Fraction(0)] * (len(a) - 1)
        for k in range(1, len(a)):
            s[k] = (a[k] - sum(s[i] * s[k - i] for i in range(1, k))) / 2
        return s

    def inv(a):
        b = [Fraction(1) / a[0]] + [Fraction(0)] * (len(a) - 1)
        for k in range(1, len(a)):
            b[k] = -sum(a[i] * b[k - i] for i in range(1, k + 1)) / a[0]
        return b

    w = sqrt_series([1 - y[0]] + [-c for c in y[1:n]])
    if quantity == "omega":
        c = w
    elif quantity == "radius":      # sqrt(y/x)
        c = sqrt_series(y[1:n + 1])
    else:                           # w + y/(3w)
        iw = inv(w)
        yiw = [sum(y[i] * iw[k - i] for i in range(k + 1)) for k in range(n)]
        c = [w[k] + yiw[k] / 3 for k in range(n)]
    return {2 * k: sp.Rational(v.numerator, v.denominator) for k, v in enumerate(c) if v != 0}


@pytest.mark.parametrize("quantity", ["mass", "radius", "omega"])
def test_series_against_independent_route(quantity):
    assert tw.series(quantity, 30) == _fraction_series(quantity, 30)


def test_printed_coefficients_and_identity():
    assert tw.series("mass", 4) == {0: 1, 2: sp.Rational(-1, 6), 4: sp.Rational(-1, 8)}
    assert tw.series("radius", 4) == {0: 1, 2: sp.Rational(1, 2), 4: sp.Rational(7, 8)}
    r = tw.identity_dM_dQ(24)
    assert r["series_residual"] == {} and r["closed_residual"] == 0


@pytest.mark.parametrize("dps", [15, 30, 60])
def test_series_converges_to_closed_form(dps):
    """Partial sums approach the closed form at eps = 1/5 at the rate of the next term (|4 eps^2| < 1)."""
    e = sp.Rational(1, 5)
    with mpmath.workdps(dps):
        exact = mpmath.mpf(str(sp.N(tw.closed_form("mass").subs(tw.eps, e), dps + 5)))
        prev = None
        for order in (10, 20, 40):
            s = tw.series("mass", order)
            part = sum(mpmath.mpf(c.p) / c.q * mpmath.mpf(e.p) ** k / mpmath.mpf(e.q) ** k for k, c in s.items())
            err = abs(part - exact)
            bound = 4 * abs(mpmath.mpf(e.p) / e.q) ** (order + 2) * 4 ** (order // 2 + 1)
            assert err < bound
            if prev is not None:
                assert err < prev
            prev = err


def test_branch_is_a_minimum_and_eps_limit():
    b = tw.branches()
    assert b["exists_iff"] == sp.Le(tw.eps, sp.Rational(1, 2))
    w = sp.Symbol("w", positive=True)
    d2 = b["d2E_domega2"]
    assert d2.subs(w, sp.Rational(3, 4)) > 0 and d2.subs(w, sp.Rational(1, 2)) < 0


def test_validity_bounds_are_the_printed_ones():
    v, p = tw.validity(), tw.printed_eq13()
    assert sp.simplify(v["Q_existence"] - p["Q_existence"]) == 0
    assert sp.simplify(v["Q_quartic"] - p["Q_quartic"]) == 0


@pytest.mark.parametrize("order", [-1, "x", 1.5, tw.MAX_ORDER + 1, True])
def test_bad_orders(order):
    from qsym import InputError
    with pytest.raises(InputError):
        tw.series("mass", order)


def test_thin_wall_volume_positive_at_a_symbolic_point():
    """With phi_0 symbolic the sign of the stationary volume is undecided by SymPy's assumptions;
    the physical root V* = Q/sqrt(2 N U_0) must be chosen (M_Q and omega positive at any point)."""
    import sympy as sp
    from qsym import Potential
    from qsym.symbolic.thinwall import Q, thin_wall
    a, b = sp.symbols("a b", real=True)
    P = Potential("x**2/2 + y**2 - x**3 + x**4 + y**4", ["x", "y"])
    tw = thin_wall(P, {"x": a, "y": b})
    at = {a: sp.Rational(1, 2), b: sp.Rational(1, 3), Q: 7}
    N = a**2 + b**2
    U0 = P.U().subs({P.fields[0]: a, P.fields[1]: b})
    assert sp.simplify((tw["V"] - Q / sp.sqrt(2 * N * U0)).subs(at)) == 0
    assert tw["M_Q"].subs(at) > 0 and tw["omega"].subs(at) > 0
