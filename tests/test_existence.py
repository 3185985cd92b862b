"""Certified minimum of mu^2 (eq (9)): exactness, sampling cross-checks, bad input, CLI."""

import json
import subprocess
import sys

import mpmath
import numpy as np
import pytest

from qsym.errors import InputError
from qsym.api.mu2 import mu2_minimum, threshold_scan
from qsym.models import mssm as M
from qsym.symbolic.potential import Potential


def cli(*args):
    return subprocess.run([sys.executable, "-m", "qsym.cli.app", *args], capture_output=True, text=True,
                          timeout=120)


def sampled_min(P, n=81, nF=400, Fmax=6.0):
    """Dense sampling of mu^2 over directions (cube facets) and F: an upper estimate."""
    f = P.fields
    from qsym.bridge import np_callable
    mu2 = np_callable(P.mu2(), f)
    g = np.linspace(0, 1, n)
    best = np.inf
    Fs = np.linspace(1e-3, Fmax, nF)
    for k in range(len(f)):
        grids = np.meshgrid(*([g] * (len(f) - 1)), indexing="ij")
        cols = [gr.ravel() for gr in grids]
        cols.insert(k, np.ones_like(cols[0]) if cols else np.ones(1))
        dirs = np.array(cols).T
        for F in Fs:
            pts = F * dirs
            with np.errstate(all="ignore"):
                v = mu2(*pts.T)
            v = np.where(np.isfinite(v), v, np.inf)
            best = min(best, float(np.min(v)))
    return best


@pytest.mark.parametrize("dps", [15, 30, 60])
def test_single_field_closed_form(dps):
    # mu^2 = M^2 - 2 A p + 2 lam p^2 -> min M^2 - A^2/(2 lam) at p = A/(2 lam)
    P = Potential("M**2*p**2/2 - A*p**3 + lam*p**4", ["p"], params={"M": 1, "A": "0.3", "lam": "0.2"})
    r = mu2_minimum(P, dps=dps)
    with mpmath.workdps(dps):
        exact = mpmath.mpf(1) - mpmath.mpf("0.09") / mpmath.mpf("0.4")
        assert abs(r.mu2_min - exact) < mpmath.mpf(10) ** (-dps + 2)
        assert abs(r.at["p"] - mpmath.mpf("0.75")) < mpmath.mpf(10) ** (-dps // 2)
    assert r.qball_exists and r.certified


@pytest.mark.parametrize("vals", [
    dict(M.DEFAULTS),
    {**M.DEFAULTS, "m_l": "1", "A": "1.2"},
    {**M.DEFAULTS, "m_H": "0.8", "y": "0.3", "A": "1.9", "g1": "0.5"},
    {**M.DEFAULTS, "A": "1.5"},
])
def test_certified_vs_sampling(vals):
    P = M.potential_object(vals)
    r = mu2_minimum(P, dps=20)
    assert r.certified
    s = sampled_min(P)
    # the certified minimum is below every sample, and sampling gets close to it
    assert float(r.mu2_min) <= s + 1e-12
    assert s - float(r.mu2_min) < 2e-3
    assert r.lower <= float(r.mu2_min) <= r.upper + 1e-12
    assert r.qball_exists == (float(r.mu2_min) < float(r.origin_value))


def test_precision_consistency():
    P = M.potential_object(M.DEFAULTS)
    r15, r50 = mu2_minimum(P, dps=15), mu2_minimum(P, dps=50)
    assert abs(r15.mu2_min - r50.mu2_min) < 1e-14
    with mpmath.workdps(50):
        # the polished point is stationary at 50 digits
        from qsym.bridge import numeric_nd
        num = numeric_nd(P.mu2(), P.fields)
        g = num.grad(*[r50.at[f.name] for f in P.fields])
        assert max(abs(x) for x in g) < mpmath.mpf(10) ** -40


def test_real_domain_equals_amplitudes_for_toy():
    # the toy potential uses |yA|, so signs cannot lower mu^2 further
    P = M.potential_object(M.DEFAULTS)
    a = mu2_minimum(P, dps=20)
    b = mu2_minimum(P, dps=20, domain="real")
    assert abs(a.mu2_min - b.mu2_min) < 1e-15


def test_signed_cubic_needs_real_domain():
    # -2 y A H L l with yA < 0: no gain on amplitudes >= 0, full gain over signs
    U = M.real_slice()
    vals = {**M.DEFAULTS, "A": "-2"}
    P = Potential(U, ["H", "L", "l"], [0, 1, 1], vals)
    assert not mu2_minimum(P, dps=15).qball_exists
    r = mu2_minimum(P, dps=15, domain="real")
    assert r.qball_exists and abs(float(r.mu2_min) - 1.885419965777052) < 1e-12


def test_no_qball_exact_origin_value():
    r = mu2_minimum(M.potential_object({**M.DEFAULTS, "A": "0.5"}), dps=20)
    assert not r.qball_exists and r.certified
    assert r.mu2_min == r.origin_value == 2
    assert all(v == 0 for v in r.at.values())


def test_degenerate_sleptons_local_threshold():
    # m_L = m_l: existence switches at the local threshold A^2 = m_H^2 min R
    loc = float(M.local_threshold().subs({M.m_H: 1, M.y: 0.5, M.g1: 0.36, M.g2: 0.65})) ** 0.5
    base = {**M.DEFAULTS, "m_l": "1"}
    below = mu2_minimum(M.potential_object({**base, "A": str(loc - 2e-3)}), dps=15)
    above = mu2_minimum(M.potential_object({**base, "A": str(loc + 2e-3)}), dps=15)
    assert below.existence_certified and not below.qball_exists
    assert above.qball_exists


@pytest.mark.parametrize("m_l", ["1.2", "1.5"])
def test_zero_gauge_couplings_threshold_is_mH_plus_D(m_l):
    # g1 = g2 = 0: the quartic vanishes on the slepton axes (blown-up charts are needed to certify);
    # the exact threshold is m_H + sqrt(m_l^2 - m_L^2), for any y
    base = {**M.DEFAULTS, "g1": "0", "g2": "0", "m_l": m_l}
    a0 = 1 + (float(m_l)**2 - 1) ** 0.5
    for y in ("0.5", "0.2"):
        below = mu2_minimum(M.potential_object({**base, "y": y, "A": repr(a0 * 0.995)}), dps=15)
        above = mu2_minimum(M.potential_object({**base, "y": y, "A": repr(a0 * 1.005)}), dps=15)
        assert below.certified and not below.qball_exists
        assert above.qball_exists and above.existence_certified


def test_zero_gauge_couplings_value_certified():
    r = mu2_minimum(M.potential_object({**M.DEFAULTS, "g1": "0", "g2": "0"}), dps=20)
    assert r.certified and r.qball_exists
    assert r.upper - r.lower < 1e-8


def test_threshold_scan_above_mH():
    th = threshold_scan(lambda v: M.potential_object({**M.DEFAULTS, "A": v}), "A", 0, rtol=1e-4)
    assert th.certified and th.below > 1 and abs(float(th.threshold) - 1.86098) < 1e-3


def test_bad_input():
    with pytest.raises(InputError, match="charges"):
        Potential("a**2 + b**2", ["a", "b"], [1])
    with pytest.raises(InputError, match="deeper"):
        mu2_minimum(M.potential_object({**M.DEFAULTS, "A": "4"}))
    with pytest.raises(InputError, match="unbounded"):
        mu2_minimum(Potential("a**2 + b**2 - a**2*b**2", ["a", "b"], [1, 1]))
    # a sextic is no longer refused (the non-polynomial path): mu^2 = 2 + 2 a^4 > 2 = its origin value
    r = mu2_minimum(Potential("a**2 + a**6", ["a"], [1]), dps=15)
    assert not r.qball_exists
    with pytest.raises(InputError, match="without values"):
        mu2_minimum(M.potential_object())
    with pytest.raises(InputError, match="dps"):
        mu2_minimum(M.potential_object(M.DEFAULTS), dps=3)


def test_cli_mu2_json():
    p = cli("mu2", "--potential", "m_H**2*H**2 + L**2 + l**2 - 2*A*H*L*l + (H**2*L**2 + H**2*l**2 + L**2*l**2)/4"
            " + (H**4 + L**4 + l**4)/8",
            "--fields", "H,L,l", "--charges", "0,1,1", "--param", "m_H=1", "--param", "A=1",
            "--dps", "25", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    for k in ("mu2_min", "at", "origin_value", "qball_exists", "certified"):
        assert k in d
    assert isinstance(d["mu2_min"], str) and isinstance(d["qball_exists"], bool)
    assert d["qball_exists"] is True and d["certified"] is True and set(d["at"]) == {"H", "L", "l"}
    assert d["mu2_min"].startswith("1.842906304248888") and len(d["mu2_min"]) >= 25
    assert d["status"] == "converged"


def test_cli_mu2_errors():
    p = cli("mu2", "--potential", "a**2+b**2", "--fields", "a,b", "--charges", "1", "--json")
    assert p.returncode == 2 and "charges" in p.stderr
    p = cli("mu2", "--potential", "a**2 - a**3", "--fields", "a", "--json")
    assert p.returncode == 2 and "unbounded" in p.stderr
    p = cli("mu2", "--potential", "a**2 + b**2 - 3*a**3 + a**4 + b**4", "--fields", "a,b", "--json")
    assert p.returncode == 2 and ("deeper" in p.stderr or "U < 0" in p.stderr)
    p = cli("mu2", "--potential", "a**2 +", "--fields", "a")
    assert p.returncode == 2


def test_irrational_origin_value_and_mixing():
    # mass mixing: the lightest quantum is (5 - sqrt 5)/2 ... with a mixed-sign eigenvector
    P = Potential("a**2 + 3*b**2/2 + a*b - a**2*b + a**4 + b**4", ["a", "b"], [1, 1])
    real = mu2_minimum(P, dps=25, domain="real")
    amp = mu2_minimum(P, dps=25)
    with mpmath.workdps(25):
        m0 = (5 - mpmath.sqrt(5)) / 2
        assert abs(real.origin_value - m0) < 1e-23
    assert real.qball_exists and real.certified
    assert not amp.qball_exists and amp.certified and float(amp.mu2_min) == 2.0
    # the certified real-domain minimum against sampling in both sign patterns
    from qsym.bridge import np_callable
    f = np_callable(P.mu2(), P.fields)
    g = np.linspace(-1.5, 1.5, 601)
    A_, B_ = np.meshgrid(g, g)
    with np.errstate(all="ignore"):
        v = f(A_, B_)
    s = np.nanmin(np.where(np.isfinite(v), v, np.nan))
    assert float(real.mu2_min) <= s + 1e-12 and s - float(real.mu2_min) < 1e-3
    # irrational coefficients (sqrt 2) take the 60-digit path of the witness test
    P2 = Potential("a**2 + 3*b**2/2 - a*b - sqrt(2)*a**2*b + a**4 + b**4", ["a", "b"], [1, 1])
    r2 = mu2_minimum(P2, dps=20)
    assert r2.qball_exists and r2.certified


def test_huge_or_unsupported_input_is_a_clean_error():
    # polynomials beyond degree 4 go to the non-polynomial path now (no longer refused): on the amplitude
    # a >= 0, mu^2 = 1 - 2a + 2a^3 has its minimum 1 - 4/(3 sqrt 3) at a = 1/sqrt 3
    r = mu2_minimum(Potential("a**2/2 - a**3 + a**5", ["a"]), dps=15)
    assert r.certified and abs(float(r.mu2_min) - (1 - 4 / (3 * 3 ** 0.5))) < 1e-12
    P = Potential("a**2/2 - a**3 + a**4", ["a"])
    for bad in (0, -1, "10", 2.5, True):
        with pytest.raises(InputError, match="max_boxes"):
            mu2_minimum(P, max_boxes=bad)
    with pytest.raises(InputError, match="rtol"):
        mu2_minimum(P, rtol="x")
    with pytest.raises(InputError, match="Potential"):
        mu2_minimum("a**2/2 - a**3 + a**4")
    f = [f"f{k}" for k in range(11)]
    with pytest.raises(InputError, match="at most 10"):
        mu2_minimum(Potential(" + ".join(f"{v}**2" for v in f) + " - f0**3", f), dps=15)
    g = f[:7]
    with pytest.raises(InputError, match="sign patterns"):
        mu2_minimum(Potential(" + ".join(f"{v}**2" for v in g) + " - f0**3 + f0**4", g), domain="real")


def test_numpy_parameters_and_small_budget():
    ref = mu2_minimum(Potential("m**2*p**2/2 - A*p**3 + p**4", ["p"], params={"m": 1, "A": "0.6"}), dps=20)
    P = Potential("m**2*p**2/2 - A*p**3 + p**4", ["p"], params={"m": np.float64(1), "A": np.float64(0.6)})
    r = mu2_minimum(P, dps=np.int64(20), max_boxes=np.int64(1000), rtol=np.float64(1e-9))
    assert r.certified and r.mu2_min == ref.mu2_min
    with mpmath.workdps(20):      # closed form: mu^2 = m^2 - 2 A p + 2 p^2 >= 1 - A^2/2 at m = 1
        assert abs(ref.mu2_min - (1 - mpmath.mpf(18) / 100)) < mpmath.mpf(10) ** -18
    # a budget of a few boxes ends the search without a certificate (never a hang)
    r = mu2_minimum(M.potential_object(M.DEFAULTS), dps=15, max_boxes=5)
    assert not r.certified and r.boxes < 1000


def test_progress_lines():
    lines = []
    r = mu2_minimum(M.potential_object(M.DEFAULTS), dps=15, progress=lines.append)
    assert r.certified and lines and all("\n" not in s for s in lines)
    steps = []
    th = threshold_scan(lambda v: M.potential_object({**M.DEFAULTS, "g1": "0", "g2": "0", "A": v}), "A",
                        0, rtol=1e-2, progress=steps.append)
    assert len(steps) >= th.steps and any("no Q-ball" in s for s in steps)
    with pytest.raises(InputError, match="progress"):
        mu2_minimum(M.potential_object(M.DEFAULTS), progress="stderr")


def test_results_status_and_specific_errors():
    from qsym.errors import DeeperVacuumError, UnboundedBelowError
    from qsym.results import Result
    r = mu2_minimum(Potential("m**2*p**2/2 - A*p**3 + p**4", ["p"], params={"m": 1, "A": 1}), dps=15)
    assert isinstance(r, Result) and r.status == "converged" and r.as_json()["status"] == "converged"
    assert r.to_json(8)["mu2_min"] == "0.5" and r.stats["boxes"] == r.boxes
    r = mu2_minimum(M.potential_object(M.DEFAULTS), dps=15, max_boxes=5)
    assert r.status == "uncertified"
    with pytest.raises(DeeperVacuumError, match="deeper"):
        mu2_minimum(M.potential_object({**M.DEFAULTS, "A": "4"}), dps=15)
    with pytest.raises(UnboundedBelowError, match="unbounded"):
        mu2_minimum(Potential("a**2 + b**2 - a**2*b**2", ["a", "b"], [1, 1]), dps=15)


def test_numeric_layer_takes_plain_numbers():
    """The branch and bound and the bisection run on Fractions and callables alone (no SymPy)."""
    from fractions import Fraction
    from qsym.numeric.mu2.branch_bound import minimize
    from qsym.numeric.mu2.problem import Mu2Problem, OrthantData
    from qsym.numeric.mu2.threshold import bisect_threshold
    F = Fraction
    # U = p^2/2 - (3/10) p^3 + (1/5) p^4: mu^2 = 1 - (3/5) p + (2/5) p^2 >= 1 - 9/40
    o = OrthantData((1,), {(2,): F(1, 2)}, {(3,): F(-3, 10)}, {(4,): F(1, 5)}, {(2,): F(1)})
    r = minimize(Mu2Problem(("p",), F(1), (o,)), dps=15, polish=False)
    assert r.qball_exists and r.certified and abs(float(r.mu2_min) - (1 - 9 / 40)) < 1e-12
    t = bisect_threshold(lambda v: (v * v > 2, True), "x", 0, 2, rtol=1e-9)
    assert t.certified and t.below ** 2 < 2 < t.above ** 2 and t.status == "converged"
