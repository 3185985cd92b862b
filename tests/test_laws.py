"""Asymptotic laws against the exact Q-ball curve (issue 11, part 4): derived and measured orders."""

import json

import pytest
import sympy as sp

from qsym import Potential
from qsym.api.laws import derived_orders, law_errors


@pytest.fixture(scope="module")
def paper_laws():
    return law_errors(Potential("phi**2/2 - phi**3 + 3*phi**4/5", fields="phi"), n=12, max_points=12)


def test_derived_orders_are_exact():
    d = derived_orders()
    assert d["thin wall (P11)"] == sp.Rational(-1, 3)
    assert d["thick wall, closed form"] == 4
    assert d["thick wall (P14) through $\\epsilon^2$"] == 4


def test_measured_orders_agree_with_the_derived_ones(paper_laws):
    o, d = paper_laws.orders, paper_laws.derived
    for label, tol in (("thin wall (P11)", 0.03), ("thick wall, closed form", 0.05),
                       ("thick wall (P14) through $\\epsilon^2$", 0.05)):
        assert o[label] is not None and abs(o[label] - float(d[label])) < tol, (label, o[label])
    # the surface energy is the leading thin-wall correction: with it the law converges faster
    assert o["thin wall + surface"] < o["thin wall (P11)"] - 0.2


def test_errors_shrink_towards_the_law_end(paper_laws):
    thin = sorted(paper_laws.laws["thin wall (P11)"])
    thick = sorted(paper_laws.laws["thick wall, closed form"])
    assert abs(thin[-1][1]) < abs(thin[0][1]) / 10
    assert abs(thick[0][1]) < abs(thick[-1][1]) / 1e4


def test_json_and_non_canonical_potential(paper_laws):
    assert json.loads(json.dumps(paper_laws.to_json()))["orders"]["thin wall (P11)"] < 0
    r = law_errors(Potential("phi**2/2 - phi**4 + phi**6", fields="phi"), n=10, max_points=10)
    assert all(k.startswith("thin") for k in r.laws)          # no thick-wall formula for a sextic
    assert r.orders["thin wall (P11)"] == pytest.approx(-1 / 3, abs=0.05)
