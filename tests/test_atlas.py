"""The stability atlas (issue 11 part 3) and Q-balls in D space dimensions (part 5)."""

import json
import math

import mpmath
import pytest

import qsym
from qsym.api.atlas import atlas, atlas_chart, thick_wall_exponent, thick_wall_law_holds, thin_wall_exponent
from qsym.bridge import OmegaFamily
from qsym.cli.app import main
from qsym.numeric.qball import qball_at_omega, qball_at_u

SEXTIC = "phi**2/2 - phi**4 + phi**6"
CUBIC = "phi**2/2 - phi**3 + phi**4"
#: Q_min of the sextic family in D = 3 (the value the Q-ball solver refines, 20 digits)
Q_MIN_SEXTIC = mpmath.mpf("27.964925628520031567")


def P(text):
    return qsym.Potential(text, fields="phi")


@pytest.fixture(scope="module")
def sextic():
    return atlas(P(SEXTIC), dim=3, points=16, dps=18)


def _interior(a):
    """grid points not next to a cusp (their finite-difference slope straddles the fold)."""
    cut = [c["u"] for c in a.cusps]
    us = sorted(p["u"] for p in a.points)
    h = us[1] - us[0]
    return [p for p in a.points if all(abs(p["u"] - c) > 1.5 * h for c in cut)]


def test_sextic_q_min_is_the_known_value(sextic):
    assert sextic.Q_min is not None
    with mpmath.workdps(30):
        assert abs(sextic.Q_min - Q_MIN_SEXTIC) / Q_MIN_SEXTIC < mpmath.mpf(10) ** -17
    assert len(sextic.cusps) == 1 and sextic.cusps[0]["kind"] == "minimum"
    assert sextic.status == "converged" and sextic.error < 1e-18
    # Q -> infinity at both ends in D = 3 (thick-wall exponent 2/(4-2) - 3/2 = -1/2)
    assert sextic.thick_end["limit"] == "infinity" and abs(sextic.thick_end["slope"] + 0.5) < 0.02
    assert sextic.thin_end["limit"] == "infinity" and abs(sextic.thin_end["slope"] - 3) < 0.02


def test_sextic_branches_and_labels_follow_dQ_domega(sextic):
    b0, b1 = sextic.branches
    assert (b0["classical"], b0["fission_stable"], b1["classical"], b1["fission_stable"]) == \
        ("unstable", False, "stable", True)
    assert b0["stability"] == "unstable" and b1["stability"] == "stable above Q_s"
    for p in _interior(sextic):
        assert p["classically_stable"] == (p["dQ_domega"] < 0) == p["fission_stable"]
        assert p["stability"] == ("unstable" if p["dQ_domega"] > 0 else "stable" if p["binding"] > 0
                                  else "metastable")


def test_sextic_q_s_is_the_sign_change_of_M_minus_Qm(sextic):
    qs = sextic.Q_s
    assert qs is not None and sextic.Q_min < qs
    z = [z for z in sextic.binding_zeros if z["charge"] == qs][0]
    with mpmath.workdps(30):
        assert abs(z["mass"] - qs * sextic.m_per_charge) / qs < mpmath.mpf(10) ** -16
    stable = [p for p in sextic.points if p["classically_stable"]]
    assert all((p["mass"] < p["charge"] * sextic.m_per_charge) == (p["charge"] > qs) for p in stable)
    assert any(p["charge"] < qs for p in stable) and any(p["charge"] > qs for p in stable)


def test_cubic_family_has_no_q_min_in_d3():
    a = atlas(P(CUBIC), dim=3, points=12, dps=15)
    assert a.Q_min is None and a.cusps == () and len(a.branches) == 1
    assert a.thick_end["limit"] == "0" and a.thick_end["predicted"] == "1/2"
    assert abs(a.thick_end["slope"] - 0.5) < 0.02
    assert a.branches[0]["stability"] == "stable" and a.Q_s is None
    assert any("Q -> 0" in n for n in a.notes)


def test_exponents_derived():
    assert str(thick_wall_exponent(3, 3)) == "1/2" and str(thick_wall_exponent(4, 3)) == "-1/2"
    assert str(thick_wall_exponent(3, 2)) == "1" and str(thick_wall_exponent(4, 2)) == "0"
    assert str(thick_wall_exponent(4, 4)) == "-1" and str(thick_wall_exponent(6, 3)) == "-1"
    assert thick_wall_law_holds(5, 3) and not thick_wall_law_holds(6, 3) and not thick_wall_law_holds(4, 4)
    assert str(thin_wall_exponent(2)) == "2" and str(thin_wall_exponent(4, degenerate=True)) == "7/2"


@pytest.mark.parametrize("text,dim", [(CUBIC, 2), (CUBIC, 4), (SEXTIC, 3)])
def test_thick_wall_exponent_against_direct_solutions(text, dim):
    """Q ~ Delta^(2/(n-2) - D/2) at the thick-wall end, measured on direct (chart) Q-balls."""
    chart = atlas_chart(P(text), dim, 15)
    us = (-14.0, -12.0)
    qs = [qball_at_u(chart, u, None) for u in us]
    # log Delta = u + log D - log(1 + e^u): slope of log Q against log Delta
    ld = [u + math.log(float(chart.D)) - math.log1p(math.exp(u)) for u in us]
    slope = (math.log(qs[1].charge) - math.log(qs[0].charge)) / (ld[1] - ld[0])
    assert abs(slope - float(chart.thick_exponent)) < 2e-3, (slope, chart.thick_exponent)


def test_critical_dimension_has_no_thick_wall_law():
    """phi^4 attraction is energy-critical in D = 4: no rescaled limit, no predicted exponent."""
    chart = atlas_chart(P(SEXTIC), 4, 15)
    assert chart.thick_exponent is None and "critical" in chart.notes[0]


@pytest.mark.parametrize("dim", [2, 4])
def test_chart_rescaling_matches_the_direct_bounce_in_dim(dim):
    """The chart's rescaled Q-ball (a^2 L^(D-2) S, a^2 L^D int psi^2) is the direct one at the same omega."""
    p = P(CUBIC)
    chart = atlas_chart(p, dim, 15)
    qb = qball_at_u(chart, 0.5, 15)
    direct = qball_at_omega(OmegaFamily(p), qb.omega, 15, dim=dim)
    with mpmath.workdps(20):
        assert abs(direct.charge / qb.charge - 1) < 1e-12
        assert abs(direct.mass / qb.mass - 1) < 1e-12
    assert direct.bounce.dim == dim


def test_dE_dQ_is_omega_in_d2():
    chart = atlas_chart(P(CUBIC), 2, 15)
    h = mpmath.mpf("1e-4")
    with mpmath.workdps(25):
        a, b, c = (qball_at_u(chart, u, 15) for u in (1 - h, 1, 1 + h))
        assert abs((c.mass - a.mass) / (c.charge - a.charge) / b.omega - 1) < 1e-7


def test_cli_json_and_figure(tmp_path, capsys):
    code = main(["atlas", "--potential", CUBIC, "--field", "phi", "--dim", "3", "--points", "8",
                 "--json", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    d = json.loads(out)
    assert d["dim"] == 3 and d["Q_min"] is None and len(d["points"]) == 8
    assert all(isinstance(p["charge"], str) and isinstance(p["mass"], str) for p in d["points"])
    assert d["thick_end"]["predicted"] == "1/2" and d["branches"][0]["classical"] == "stable"
    assert (tmp_path / "atlas.pdf").stat().st_size > 1000
    assert json.loads((tmp_path / "atlas.json").read_text())["dim"] == 3


@pytest.mark.parametrize("args,code,words", [
    (["--potential", CUBIC, "--field", "phi", "--dim", "1"], 2, "D = 1"),
    (["--potential", CUBIC, "--field", "phi", "--dim", "two"], 2, "integer"),
    (["--potential", "phi**2/2 + phi**4", "--field", "phi"], 1, "no Q-ball window"),
    (["--potential", "phi**2/2 - phi**3", "--field", "phi"], 2, "unbounded"),
])
def test_cli_bad_input(args, code, words, capsys):
    assert main(["atlas", *args, "--json"]) == code
    d = json.loads(capsys.readouterr().out)
    assert words in d["error"] and "Traceback" not in d["error"]


def test_api_bad_input():
    with pytest.raises(qsym.InputError, match="one field"):
        atlas(qsym.Potential("a**2/2 + b**2/2 - a*b**2 + a**4 + b**4", fields=["a", "b"]))
    with pytest.raises(qsym.InputError, match="points"):
        atlas(P(CUBIC), points=2)
    with pytest.raises(qsym.InputError, match="Potential"):
        atlas(CUBIC)
