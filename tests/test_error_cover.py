"""A double-precision Q-ball's claimed error covers its true error (against dps 20), also near the
thin-wall end where the charge integral is first order in the rounding noise of the shooting
parameter (the action is stationary there, the charge is not)."""

import pytest

import qsym
from qsym.api.atlas import atlas_chart
from qsym.numeric.qball.chart import qball_at_u


@pytest.fixture(scope="module")
def chart():
    return atlas_chart(qsym.Potential("phi**2/2 - phi**4 + phi**6", ["phi"]), 3, 15)


@pytest.mark.parametrize("u", [5.0, 6.0, 7.0])
def test_claimed_error_covers_the_true_one(chart, u):
    d = qball_at_u(chart, u, None)
    m = qball_at_u(chart, u, 20)
    true_q = abs(float(d.charge) / float(m.charge) - 1)
    true_m = abs(float(d.mass) / float(m.mass) - 1)
    assert max(true_q, true_m) <= float(d.error) < 1e-10
