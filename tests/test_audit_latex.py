"""The claims audit as LaTeX: every claim's statement, evidence and correction are typeset math.

The audit runs once (conftest.full_audit, shared with test_audit.py); the typeset section is compiled
once, in a minimal document, and the log must have no overfull box wider than
1 pt, no LaTeX error and no undefined reference.
"""

import json
import re
import shutil
import subprocess

import pytest

from qsym.audit.engine import plain_text, registry, tex, tex_display, tex_num
from qsym.report.audit_section import PREAMBLE_PACKAGES, audit_section, verdict_counts

RAW = ("**", "!=", "->")


def _outside_math(latex: str) -> str:
    """The text of a LaTeX paragraph with its math ($...$, \\[...\\], environments) removed."""
    s = re.sub(r"\\begin\{(multline\*|gather\*|align\*|equation\*?)\}.*?\\end\{\1\}", " ", latex, flags=re.S)
    s = re.sub(r"\\\[.*?\\\]", " ", s, flags=re.S)
    s = re.sub(r"(?<!\\)\$.*?(?<!\\)\$", " ", s, flags=re.S)
    return s


@pytest.fixture(scope="module")
def results(full_audit):
    return full_audit()


def test_every_claim_has_latex_fields(results):
    assert len(results) == len(registry())
    for r in results:
        assert r.statement_latex and r.evidence_latex, r.id
        assert r.statement and r.evidence, r.id
        if r.verdict == "corrected":
            assert r.correction_latex and r.correction_latex == r.latex, r.id


@pytest.mark.parametrize("field", ["statement_latex", "evidence_latex"])
def test_no_raw_ascii_math_outside_math(results, field):
    for r in results:
        text = _outside_math(getattr(r, field))
        for bad in RAW:
            assert bad not in text, (r.id, bad, text)
        assert not re.search(r"(?<!\\)_[a-zA-Z0-9{]", text), (r.id, text)   # phi_k, A_th: math only
        assert text.count("$") % 2 == 0 or "\\$" in text, r.id


def test_math_is_balanced(results):
    for r in results:
        for f in (r.statement_latex, r.evidence_latex, r.correction_latex):
            assert len(re.findall(r"(?<!\\)\$", f)) % 2 == 0, (r.id, f)
            assert f.count("{") - f.count(r"\{") == f.count("}") - f.count(r"\}"), (r.id, f)
            assert f.count(r"\begin{") == f.count(r"\end{"), (r.id, f)


def test_claims_json_has_text_and_latex(results):
    payload = json.loads(json.dumps({"claims": [r.as_json() for r in results]}))
    for c in payload["claims"]:
        for text_key, latex_key in (("statement", "statement_latex"), ("evidence", "evidence_latex"),
                                    ("correction", "correction_latex")):
            assert text_key in c and latex_key in c
        assert c["statement"] and c["statement_latex"] and c["evidence"] and c["evidence_latex"]
        assert "latex" in c and c["latex"] == c["correction_latex"]


def test_plain_text_is_readable():
    assert plain_text(r"$\frac{\omega^{2}}{2} \ne \varphi_{k}$") == "omega^2/2 != phi_k"
    assert plain_text(r"$\sqrt{2} m$ \& 5\%") == "sqrt(2) m & 5%"


def test_long_formulas_are_broken_not_scaled():
    import sympy as sp
    x, y = sp.symbols("x y")
    long = sp.expand((1 + x + y) ** 6)
    d = tex_display(long, "P")
    assert d.startswith(r"\begin{multline*}") and d.count(r"\\") >= 2
    assert tex(x + 1) == "$x + 1$" and tex(long).startswith(r"\begin{multline*}")
    assert "resizebox" not in d and "scalebox" not in d
    assert tex_num("2.3e-41") == r"2.3\times 10^{-41}"


def test_verdict_counts(results):
    counts = verdict_counts(results)
    assert sum(counts.values()) == len(results)
    sec = audit_section(results)
    for v, n in counts.items():
        assert rf"\qsymbadge{{{v}}}~{n}" in sec


DOC = (r"\documentclass[11pt]{article}" "\n" r"\usepackage[margin=2cm]{geometry}" "\n"
       r"\usepackage[T1]{fontenc}" "\n" "%s\n" r"\begin{document}" "\n%s\n" r"\end{document}" "\n")


@pytest.fixture(scope="module")
def compiled(results, tmp_path_factory):
    exe = shutil.which("pdflatex")
    if not exe:
        pytest.skip("pdflatex not installed")
    d = tmp_path_factory.mktemp("audit_tex")
    (d / "audit.tex").write_text(DOC % (PREAMBLE_PACKAGES, audit_section(results)))
    proc = subprocess.run([exe, "-interaction=nonstopmode", "-halt-on-error", "audit.tex"], cwd=d,
                          capture_output=True, text=True, timeout=300)
    log = (d / "audit.log").read_text(errors="replace")
    return proc.returncode, log, d


@pytest.mark.slow
def test_audit_compiles_without_errors(compiled):
    rc, log, d = compiled
    errors = [ln for ln in log.splitlines() if ln.startswith("!")]
    assert rc == 0 and not errors, errors[:5]
    assert (d / "audit.pdf").exists()
    assert "undefined" not in log.lower() or not re.search(r"(Reference|Citation|Control sequence) .*undefined",
                                                           log), "undefined reference"


@pytest.mark.slow
def test_audit_has_no_overfull_boxes(compiled):
    _, log, _ = compiled
    over = [float(m) for m in re.findall(r"Overfull \\hbox \(([0-9.]+)pt too wide\)", log)]
    assert not [w for w in over if w > 1.0], over


def test_verify_latex_and_json_cli(capsys):
    from qsym.cli.app import main
    assert main(["verify", "--id", "eq1", "--id", "eq7", "--latex"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("%") and r"\qsymbadge{corrected}" in out and r"\texttt{eq7}" in out
    assert r"\section{" not in out and r"\providecommand{\qsymbadge}" in out
    assert main(["verify", "--id", "eq7", "--json"]) == 0
    c = json.loads(capsys.readouterr().out)["claims"][0]
    assert {"statement", "statement_latex", "evidence", "evidence_latex", "correction", "correction_latex",
            "latex", "verdict", "id", "where"} <= set(c)
    assert c["correction_latex"].startswith("Q = ")
