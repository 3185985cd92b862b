"""qsym scan (issue 13), second part: the per-point time limit, atlas quantities, the winner map,
and the report's scan summary.

Cheap: toy-model points (~0.1-0.4 s each); the one slow computation (an atlas, a few seconds) is
what the time limit stops.
"""

import json
import os
import sqlite3

import pytest

from qsym.cli.app import main
from qsym.errors import InputError
from qsym.scans import runner
from qsym.scans.computations import run_point
from qsym.scans.engine import run_scan
from qsym.scans.spec import DEFAULT_TIME_LIMIT, parse_spec

SEXTIC = {"computation": "atlas", "potential": {"text": "phi**2/2 - phi**4 + c*phi**6", "fields": ["phi"]},
          "vary": {"c": {"values": [1]}}, "options": {"points": 20}}
WIN = {"computation": "mssm_winner", "fixed": {"m_L": 1}, "options": {"rtol": "5e-3"},
       "vary": {"A": {"values": [0, 2]}, "m_l": {"values": ["0.8", "1.2"]}}}


def statuses(path):
    db = sqlite3.connect(path)
    try:
        return [r[0] for r in db.execute("SELECT status FROM points ORDER BY idx")]
    finally:
        db.close()


# ---- the per-point time limit -------------------------------------------------------------------

def test_time_limit_is_a_spec_key_outside_the_scan_identity():
    s = parse_spec({**WIN, "time_limit": 60})
    assert s.time_limit == 60.0 and parse_spec(WIN).time_limit == DEFAULT_TIME_LIMIT
    assert s.key() == parse_spec(WIN).key()                   # another limit resumes the same store
    for bad in (-1, "ten", True, float("inf")):
        with pytest.raises(InputError, match="time_limit"):
            parse_spec({**WIN, "time_limit": bad})


@pytest.mark.slow      # the retried atlas costs ~5 s of CPU
def test_a_point_over_the_limit_is_stopped_stored_timeout_and_retried_only_when_asked(tmp_path):
    path = str(tmp_path / "atlas.sqlite")
    runner.run_limited(parse_spec(WIN).to_json(), 0, {"A": "0", "m_l": "0.8"}, 60.0)   # a warm helper
    pid = runner._local.helper.proc.pid
    rep = run_scan(parse_spec({**SEXTIC, "time_limit": 1}), path, workers=0)  # the atlas takes seconds
    assert rep.counts == {"timeout": 1}
    row = rep.rows()[0]
    assert "time limit of 1 s" in row["message"] and row["Q_min"] is None
    with pytest.raises(ProcessLookupError):                  # the computing process was killed
        os.kill(pid, 0)
    again = run_scan(parse_spec(SEXTIC), path, workers=0)    # a plain re-run keeps the timeout
    assert again.computed == 0 and again.counts == {"timeout": 1}
    done = run_scan(parse_spec({**SEXTIC, "time_limit": 0}), path, workers=0, retry_timeouts=True)
    assert done.computed == 1 and done.counts == {"converged": 1}
    r = done.rows()[0]
    # the atlas doctest's Q_min, two stable-branch facts: one classically stable branch of two
    assert r["Q_min"].startswith("27.964925628") and r["has_stable_branch"] == "true"
    assert (r["branches"], r["stable_branches"]) == ("2", "1") and float(r["Q_s"]) > float(r["Q_min"])


def test_cli_timeouts_exit_1_and_retry_flag(tmp_path, capsys):
    store = str(tmp_path / "t.sqlite")
    argv = ["scan", "--computation", "mssm", "--vary", "A=0,3", "--store", store, "--workers", "0", "--json"]
    assert main([*argv, "--point-time-limit", "0.001"]) == 1          # nothing answers within 1 ms
    assert json.loads(capsys.readouterr().out)["counts"] == {"timeout": 2}
    assert main(argv) == 1                                              # kept: not retried
    assert json.loads(capsys.readouterr().out)["computed"] == 0
    assert main([*argv, "--retry-timeouts"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["computed"] == 2 and rep["counts"] == {"converged": 2}
    assert main([*argv[:-1], "--point-time-limit", "-1"]) == 2


def test_results_through_the_helper_equal_results_in_process():
    s = parse_spec(WIN)
    point = {"A": "2", "m_l": "1.2"}
    limited = runner.run_limited(s.to_json(), 0, point, 60.0)
    assert limited["outputs"] == run_point(s, point)                    # bit for bit, as text


# ---- atlas quantities and the winner map -------------------------------------------------------------

def test_winner_identities_and_the_sum_of_squares_bound():
    s = parse_spec(WIN)
    sel = parse_spec({"computation": "mssm", "fixed": {"m_L": 1}, "options": {"rtol": "5e-3"},
                      "vary": {"A": {"values": [0]}}})
    rows = {(a, m): run_point(s, {"A": a, "m_l": m}) for a in ("0", "2") for m in ("0.8", "1.2")}
    # inside |A| <= m_H + sqrt(|m_l^2 - m_L^2|): no L-ball in either direction, certified
    assert all(rows[("0", m)]["winner"] == "none" and rows[("0", m)]["certified"] == "true" for m in ("0.8", "1.2"))
    assert rows[("2", "1.2")]["winner"] == "selectron" and rows[("2", "0.8")]["winner"] == "sneutrino"
    for (a, m), out in rows.items():
        # the selectron ball IS the toy model: the same minimum as the mssm computation
        assert out["mu2_selectron"] == run_point(sel, {"A": a, "m_l": m})["mu2_min"]
        # margin = mu2_sneutrino - mu2_selectron, and the winner has the lower one
        assert abs(float(out["margin"]) - (float(out["mu2_sneutrino"]) - float(out["mu2_selectron"]))) < 1e-12
    # without gauge couplings the two potentials are the same: equal minima, no certified winner
    tie = parse_spec({**WIN, "fixed": {"m_L": 1, "g1": 0, "g2": 0}})
    out = run_point(tie, {"A": "2", "m_l": "1.2"})
    assert out["mu2_selectron"] == out["mu2_sneutrino"] and out["certified"] == "false"
    # the sneutrino's own couplings: A_nu = 0 removes its ball, the selectron ball wins alone
    alone = parse_spec({**WIN, "fixed": {"m_L": 1, "A_nu": 0}})
    out = run_point(alone, {"A": "2", "m_l": "0.8"})
    assert out["sneutrino_exists"] == "false" and out["winner"] == "selectron" and out["certified"] == "true"


def test_winner_and_atlas_spec_errors():
    with pytest.raises(InputError, match="unknown parameter"):
        parse_spec({**WIN, "fixed": {"m_nu": 1}})
    with pytest.raises(InputError, match="unknown parameter"):
        parse_spec({"computation": "mssm", "vary": {"A_nu": {"values": [1]}}})   # only the winner has it
    with pytest.raises(InputError, match="points"):
        parse_spec({**SEXTIC, "options": {"points": 2}})


def test_winner_scan_plots_and_report_summary(tmp_path):
    from qsym.report.scan_figure import SCAN_SPEC, figure_scans, scan_paragraph
    spec = {**SCAN_SPEC, "vary": WIN["vary"]}
    s = figure_scans(tmp_path, store=str(tmp_path / "w.sqlite"), spec=spec)
    assert (s["points"], s["selectron"], s["sneutrino"], s["none"]) == (4, 1, 1, 2)
    assert s["inside_bound"] == s["inside_none"] == 2 and s["certified"] == 4
    assert (tmp_path / "scan_winner.pdf").stat().st_size > 1000
    text = scan_paragraph(s)
    assert "as the bound proves" in text and "FAILED" not in text
    assert main(["scan", "plot", str(tmp_path / "w.sqlite"), "--out", str(tmp_path / "w.png")]) == 0
    assert main(["scan", "plot", str(tmp_path / "w.sqlite"), "--out", str(tmp_path / "e.png"),
                 "--z", "sneutrino_exists"]) == 0
