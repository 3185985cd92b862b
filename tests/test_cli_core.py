"""The CLI contract of DESIGN.md for series / verify / reproduce, run in a subprocess."""

import json
import subprocess
import sys

import pytest


def qsym(*args, timeout=300):
    p = subprocess.run([sys.executable, "-m", "qsym.cli.app", *args], capture_output=True, text=True,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def test_series_json_exact():
    code, out, err = qsym("series", "mass", "--order", "12", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["quantity"] == "mass" and d["variable"] == "epsilon" and d["order"] == 12
    assert d["coefficients"]["0"] == "1" and d["coefficients"]["2"] == "-1/6"
    assert d["coefficients"]["4"] == "-1/8" and d["coefficients"]["12"] == "-2261/1024"
    assert max(int(k) for k in d["coefficients"]) == 12


def test_series_latex():
    code, out, _ = qsym("series", "radius", "--order", "4", "--latex")
    assert code == 0
    assert out.startswith(r"\frac{1}{R_Q \epsilon M} = 1 + \frac{\epsilon^{2}}{2} + \frac{7 \epsilon^{4}}{8}")


@pytest.mark.parametrize("args", [
    ["series", "mass", "--order", "-3", "--json"],
    ["series", "mass", "--order", "2.5"],
    ["series", "mass", "--order", "100000"],
    ["series", "energy", "--order", "4"],
    ["series", "mass"],
    ["series", "mass", "--order", "4", "--latex", "--json"],
    ["verify", "--section", "9"],
    ["verify", "--id", "no-such-claim"],
    ["nonsense"],
    [],
])
def test_bad_input_exit_2_one_line(args):
    code, out, err = qsym(*args)
    assert code == 2
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and err.startswith("qsym: error:")


def test_version_fast_and_quiet():
    code, out, err = qsym("--version")
    assert code == 0 and out.startswith("qsym ") and err == ""


def test_verify_json_shape():
    code, out, err = qsym("verify", "--json", "--section", "3")
    assert code == 0, err
    claims = json.loads(out)["claims"]
    assert claims and {"id", "where", "statement", "verdict", "evidence"} <= set(claims[0])
    byid = {c["id"]: c for c in claims}
    assert byid["eq14"]["verdict"] == "confirmed"
    assert byid["eq15"]["verdict"] == "confirmed"


def test_reproduce_writes_report(tmp_path):
    code, out, err = qsym("reproduce", "--out", str(tmp_path / "r"), "--no-pdf", "--json", "--section", "1")
    assert code == 0, err
    d = json.loads(out)
    tex = (tmp_path / "r" / "report.tex").read_text()
    assert tex.startswith(r"\documentclass") and tex.rstrip().endswith(r"\end{document}")
    claims = json.loads((tmp_path / "r" / "claims.json").read_text())["claims"]
    assert len(claims) == sum(d["verdicts"].values())
    assert "[" in err  # progress was shown on stderr


def test_bounce_multi_field_cli():
    """Two fields whose potential has the symmetry line y = 0: the single-field S_psi."""
    code, out, err = qsym("bounce", "--potential", "(x**2+y**2)/2 - x**3 + x*y**2/4 + y**4/10",
                          "--fields", "x,y", "--dps", "30", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert {"action", "phi0", "dps", "error"} <= set(d) and len(d["phi0"]) == 2
    code, out1, _ = qsym("bounce", "--potential", "x**2/2 - x**3", "--field", "x", "--dps", "30", "--json")
    single = json.loads(out1)
    assert d["action"][:28] == single["action"][:28]
