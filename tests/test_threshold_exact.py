"""The exact L-ball threshold (issue 12, item 4): continuous onset at the origin vs first-order."""

import json
import subprocess
import sys

import numpy as np
import sympy as sp

from qsym.models import mssm as M

POINT = ["--param", "m_H=1", "--param", "m_L=1", "--param", "m_l=1", "--param", "y=0.3",
         "--param", "g1=0.36", "--param", "g2=0.65"]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "qsym.cli.app", *args], capture_output=True, text=True,
                          timeout=120)


def test_degenerate_onset_is_exact():
    d = M.degenerate_onset()
    assert d["verified"]
    # f at s = 0 reproduces the local threshold: min_a m_H^2 K / (y^2 a (1-a))
    a = np.linspace(1e-4, 1 - 1e-4, 200001)
    vals = {M.m_H: 1, M.y: 0.3, M.g1: 0.36, M.g2: 0.65}
    K = sp.lambdify(sp.Symbol("a", nonnegative=True), d["K"].subs(vals), "numpy")(a)
    loc = float(M.local_threshold().subs(vals))
    assert abs((K / (0.09 * a * (1 - a))).min() - loc) < 1e-8


def test_toy_point_continuous_30_digits():
    p = cli("mssm", "threshold", "--scan", "A", *POINT, "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["kind"] == "continuous" and d["certified"] is True and d["steps"] == 0
    # the closed form, evaluated independently at 50 digits
    cf = sp.sympify(d["closed_form"]["sympy"], locals={"m_H": sp.Symbol("m_H"), "y": M.y, "g1": M.g1,
                                                        "g2": M.g2})
    exact = sp.N(cf.subs({sp.Symbol("m_H"): 1, M.y: sp.Rational(3, 10), M.g1: sp.Rational(36, 100),
                          M.g2: sp.Rational(65, 100)}), 50)
    assert d["threshold"] == str(sp.N(exact, 30))
    assert len(d["threshold"].replace(".", "")) == 30
    lo, hi = (sp.Rational(b) for b in d["bracket"])
    assert lo <= sp.Rational(str(exact)) <= hi and hi - lo < sp.Rational(1, 10**30)
    # the old bisection bracket contained it
    assert 1.155609 < float(exact) < 1.155884
    assert "\\sqrt" in d["closed_form"]["latex"]
    assert any("below" in n and "no Q-ball" in n for n in d["notes"])
    assert any("above" in n and "Q-ball exists" in n for n in d["notes"])


def test_dps_option():
    r = M.continuous_threshold({**M.DEFAULTS, "m_l": "1", "y": "0.3"}, "A", 45)
    assert len(r["text"].replace(".", "")) == 45
    assert r["above"] - r["below"] < sp.Rational(1, 10**46)


def test_unequal_masses_first_order_bisection():
    assert M.continuous_threshold({**M.DEFAULTS, "y": "0.3"}, "A", 30) is None
    p = cli("mssm", "threshold", "--scan", "A", "--param", "y=0.3", "--rtol", "1e-4", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["kind"] == "first-order" and d["certified"] is True and d["closed_form"] is None
    lo, hi = (float(b) for b in d["bracket"])
    assert hi - lo <= 1e-4 * hi and lo > 1 + 0.44**0.5      # above m_H + sqrt(m_l^2 - m_L^2)


def test_equal_masses_first_order_matches_exact_condition():
    """m_L = m_l, small y: the exact condition fails at s > 0; bisection agrees with the 2-D minimum."""
    vals = {**M.DEFAULTS, "m_l": "1", "y": "0.1"}
    assert M.continuous_threshold(vals, "A", 30) is None
    d = M.degenerate_onset()
    sub = {M.m_H: 1, M.y: sp.Rational(1, 10), M.g1: sp.Rational(36, 100), M.g2: sp.Rational(65, 100)}
    aa = sp.Symbol("a", nonnegative=True)
    K, B, C = (sp.lambdify(aa, d[k].subs(sub), "numpy") for k in ("K", "B", "C"))
    a = np.linspace(1e-4, 1 - 1e-4, 400001)
    G = (K(a) - np.minimum(0, B(a))**2 / (4 * float(C(0)))) / (0.01 * a * (1 - a))
    A_th = float(np.sqrt(G.min()))
    assert A_th < float(sp.sqrt(M.local_threshold().subs(sub)))
    p = cli("mssm", "threshold", "--scan", "A", "--param", "m_l=1", "--param", "y=0.1", "--rtol", "1e-4",
            "--json")
    j = json.loads(p.stdout)
    assert j["kind"] == "first-order" and j["certified"]
    assert float(j["bracket"][0]) - 1e-6 <= A_th <= float(j["bracket"][1]) + 1e-6


def test_vanishing_gauge_couplings_closed_form():
    r = M.continuous_threshold({**M.DEFAULTS, "g1": "0", "g2": "0"}, "A", 30)
    assert r["kind"] == "continuous"
    assert sp.simplify(r["value"] - (1 + sp.sqrt(sp.Rational(44, 100)))) == 0
