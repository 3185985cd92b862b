"""Property-based checks over random admissible potentials U = phi^2/2 + a3 phi^3 + a4 phi^4.

Admissible: a3 < 0 (escape towards phi > 0) and a4 > a3^2/2 (U > 0 away from the origin, so the origin
is the global minimum), which also opens the Q-ball window omega^2 in (1 - a3^2/(2 a4), 1).
"""

from fractions import Fraction

import mpmath
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qsym import Potential
from qsym.bridge import OmegaFamily
from qsym.numeric.qball import qball_at_omega

coef = st.fractions(min_value=Fraction(-2), max_value=Fraction(-1, 5), max_denominator=20)
stretch = st.fractions(min_value=Fraction(21, 20), max_value=Fraction(4), max_denominator=20)
where = st.fractions(min_value=Fraction(1, 10), max_value=Fraction(9, 10), max_denominator=50)

SETTINGS = settings(max_examples=6, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


def _setup(a3, t, s):
    a4 = a3**2 / 2 * t
    P = Potential(f"phi**2/2 + ({a3})*phi**3 + ({a4})*phi**4", ["phi"])
    w2min = 1 - a3**2 / (2 * a4)
    with mpmath.workdps(40):
        wmin = mpmath.sqrt(mpmath.mpf(w2min.numerator) / w2min.denominator)
        w = wmin + (1 - wmin) * mpmath.mpf(s.numerator) / s.denominator
    return OmegaFamily(P), w


@SETTINGS
@given(coef, stretch, where)
def test_dE_dQ_is_omega(a3, t, s):
    fam, w = _setup(a3, t, s)
    with mpmath.workdps(30):
        h = mpmath.mpf(10) ** -7
        lo, hi = qball_at_omega(fam, w - h, 30), qball_at_omega(fam, w + h, 30)
        slope = (hi.mass - lo.mass) / (hi.charge - lo.charge)
        assert abs(slope - w) < mpmath.mpf(10) ** -10


@SETTINGS
@given(coef, stretch, where)
def test_virial_and_two_precisions(a3, t, s):
    fam, w = _setup(a3, t, s)
    with mpmath.workdps(40):
        a = qball_at_omega(fam, w, 20).bounce
        b = qball_at_omega(fam, w, 32).bounce
        assert abs(b.action - b.action_virial) <= 2 * b.error * abs(b.action) + mpmath.mpf(10) ** -30
        assert abs(a.action - b.action) <= max(a.error, mpmath.mpf(10) ** -20) * abs(b.action) * 10
