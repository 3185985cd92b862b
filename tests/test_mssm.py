"""Sec. 4 toy model: symbolic identities, audit verdicts and the ``qsym mssm`` command."""

import json
import subprocess
import sys

import pytest
import sympy as sp

from qsym.models import mssm as M


def cli(*args):
    return subprocess.run([sys.executable, "-m", "qsym.cli.app", *args], capture_output=True, text=True,
                          timeout=120)


# --- symbolic identities -----------------------------------------------------
def test_phase_reduction_and_u1():
    pr = M.phase_reduction()
    assert pr["verified"]
    assert sp.simplify(pr["trilinear"] + 2 * M.y * M.A * sp.Symbol("H", nonnegative=True)
                       * sp.Symbol("L", nonnegative=True) * sp.Symbol("l", nonnegative=True)
                       * sp.cos(M.ALPHA)) == 0
    u1 = M.u1_invariance()
    assert u1["invariant"] and u1["H_rotation_changes_U"] and u1["L_alone_changes_U"]


def test_complex_form_matches_real_slice():
    Uc = M.toy_potential(complex=True)
    zero = {s: 0 for s in Uc.free_symbols if s.name.startswith("alpha")}
    Ur = M.real_slice()
    names = {s.name: s for s in Ur.free_symbols}
    back = {s: names[s.name] for s in Uc.free_symbols if s.name in ("H", "L", "l")}
    assert sp.expand(Uc.subs(zero).subs(back) - Ur) == 0


def test_gammas_form_and_factor_two():
    g = M.gammas()
    mu2 = M.mu2_parametrised()
    rebuilt = (g["gamma2"] - M.y * M.A * g["gamma3"] * M.F + g["gamma4"] * M.F**2) / sp.cos(M.XI)**2
    assert sp.simplify(mu2 - rebuilt) == 0
    assert sp.simplify(g["gamma3"] - 2 * M.printed_gamma3()) == 0
    # numeric spot check of the whole chain against 2U/(L^2+l^2) at a random point
    vals = {M.m_H: 1.3, M.m_L: 0.7, M.m_l: 1.1, M.y: 0.4, M.A: 1.7, M.g1: 0.3, M.g2: 0.6,
            M.F: 0.83, M.XI: 0.41, M.THETA: 1.02}
    U = M.real_slice().subs(M.parametrisation(), simultaneous=True)
    direct = (2 * U / (M.F * sp.cos(M.XI))**2).subs(vals)
    assert abs(float(direct - rebuilt.subs(vals))) < 1e-12


def test_gamma_sos_and_no_lball_certificate():
    assert M.gamma_nonnegativity()["verified"]
    assert M.no_lball_certificate()["verified"]


def test_vertex_threshold_formula():
    vt = M.vertex_threshold()
    mH, D = sp.Symbol("m_H", positive=True), sp.Symbol("D", positive=True)
    assert sp.simplify(vt["threshold"] - (mH + D)) == 0
    # the maximum of the blown-up ratio, checked by sampling s/t
    import numpy as np
    z = np.logspace(-4, 4, 20001)
    A_, mH_, D_ = 1.7, 1.0, 0.6
    rho = A_**2 * z / ((mH_**2 * z + D_**2) * (z + 1))
    assert abs(rho.max() - A_**2 / (mH_ + D_)**2) < 1e-6


def test_dterm_generators():
    chk = M.d_term_gauge_check()
    assert chk["printed"] == {"g1": ((1, -1, 0), 2), "g2": ((1, 1, -2), -2)}
    assert all(v[1] == 0 for v in chk["corrected"].values())


def test_eq17_readings():
    rd = M.eq17_readings()
    assert len(rd["readings"]) == 32
    cons = rd["consistent"]
    assert len(cons) == 2 and all(c["labels"] == "swapped" and c["vd_identity"] for c in cons)
    assert not any(r["labels"] == "usual" for r in rd["readings"])
    lit = {c["lepton"]: c["fields"] for c in cons}
    # the reading with unit positive lepton numbers: L = e_L, l = e_R = (e^c)^*, H = (H_1^0)^*
    assert lit[(1, 1)] == {"H": ("H_1^0", True), "L": ("e_L", False), "l": ("e^c", True)}
    assert lit[(-1, -1)] == {"H": ("H_1^0", False), "L": ("e_L", True), "l": ("e^c", False)}
    assert all(c["source"] and c["trilinear_Y"] == 0 and c["trilinear_T3"] == 0 for c in cons)
    # the literal reading (no conjugates) is not invariant: hypercharge of H L* l is 1
    literal = next(r for r in rd["readings"] if r["fields"] == {"H": ("H_1^0", False), "L": ("e_L", False),
                                                                   "l": ("e^c", False)})
    assert not literal["consistent"] and literal["trilinear_Y"] == 1


def test_fterm_cubic_has_H1_conjugate():
    cub = M.superpotential_f_terms()["cubic"]
    assert cub.has(sp.conjugate(sp.Symbol("H1"))) and not cub.has(sp.Symbol("H2"))


def test_local_and_dflat_thresholds():
    loc = M.local_threshold()
    # direct minimisation over theta of the second-order ratio
    import numpy as np
    th = np.linspace(0.01, np.pi / 2 - 0.01, 20001)
    s2, c2 = np.sin(th)**2, np.cos(th)**2
    y, g1, g2 = 0.5, 0.36, 0.65
    R = (y**2 * s2 * c2 + g1**2 / 8 * s2**2 + g2**2 / 8 * (s2 - 2 * c2)**2) / (y**2 * s2 * c2)
    val = float(loc.subs({M.m_H: 1, M.y: y, M.g1: g1, M.g2: g2}))
    assert abs(val - R.min()) < 1e-7
    assert sp.simplify(M.d_flat_threshold() - (M.m_H**2 + M.m_L**2 + M.m_l**2 - M.A**2 / 3)) == 0


def test_potential_object():
    P = M.potential_object(M.DEFAULTS)
    assert [f.name for f in P.fields] == ["H", "L", "l"]
    assert list(P.charges) == [0, 1, 1]
    assert P.mu2_origin() == 2
    assert "m_H" in str(P.U(numeric=False)) and "m_H**2" in str(P.U(numeric=False))
    from qsym.errors import InputError
    with pytest.raises(InputError):
        M.potential_object({"mass": 1})
    with pytest.raises(InputError):
        M.toy_potential(dterms="other")


# --- audit -------------------------------------------------------------------
def test_sec4_audit_verdicts(full_audit):
    """Section 4 of the full audit (conftest.full_audit: run once per test run, as test_audit.py's)."""
    res = {r.id: r for r in full_audit() if r.section == 4}
    expect = {"eq16-fterm-cubic": "corrected", "eq17-quartic": "confirmed", "eq17-u1": "confirmed",
              "eq17-dterms": "confirmed", "eq17-phases": "confirmed", "eq19-mu2": "confirmed",
              "eq19-gamma3": "corrected", "eq19-gamma-nonneg": "confirmed",
              "eq19-min-F-nonzero": "refuted", "origin-not-local-min": "refuted",
              "lballs-any-trilinear": "refuted", "mssm-threshold-nonzero": "refuted",
              "stable-qball-always": "refuted", "footnote4": "confirmed", "bballs-same": "refuted"}
    assert {k: res[k].verdict for k in expect} == expect
    for r in res.values():
        if r.verdict == "corrected":
            assert r.latex


# --- command line ------------------------------------------------------------
def test_cli_mssm_json():
    p = cli("mssm", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    for k in ("gamma2", "gamma3", "gamma4", "mu2_min", "origin_value", "qball_exists", "at"):
        assert k in d
    assert d["qball_exists"] is True and d["certified"] is True
    assert sp.simplify(sp.sympify(d["gamma3"]) / sp.sympify(d["gamma3_printed"])) == 2
    assert set(d["at"]) == {"H", "L", "l"}
    assert d["mu2_min"].startswith("1.88541996577705")


def test_cli_mssm_no_lball_and_bad_input():
    p = cli("mssm", "--param", "A=0.5", "--json")
    assert p.returncode == 0
    d = json.loads(p.stdout)
    assert d["qball_exists"] is False and d["mu2_min"] == d["origin_value"]
    p = cli("mssm", "--param", "A=4", "--json")          # deeper vacuum
    assert p.returncode == 2 and "deeper" in p.stderr
    p = cli("mssm", "--param", "mass=1")
    assert p.returncode == 2 and "unknown parameter" in p.stderr
    p = cli("mssm", "threshold")
    assert p.returncode == 2 and "--scan" in p.stderr


def test_cli_mssm_threshold():
    p = cli("mssm", "threshold", "--scan", "A", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["parameter"] == "A" and d["certified"] is True
    assert d["kind"] == "first-order" and d["closed_form"] is None and d["status"] == "converged"
    assert abs(float(d["threshold"]) - 1.860982) < 1e-5
    p = cli("mssm", "threshold", "--scan", "A", "--from", "2", "--json")   # already above
    assert p.returncode == 1
    p = cli("mssm", "threshold", "--scan", "q")
    assert p.returncode == 2
