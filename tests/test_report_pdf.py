"""The LaTeX report compiles (required in CI, where .ci/run installs pdflatex)."""

import os
import shutil

import pytest

from qsym.report import compile_pdf, write_report


@pytest.mark.slow
def test_report_compiles(tmp_path):
    if not shutil.which("pdflatex"):
        if os.environ.get("CI"):
            pytest.fail("pdflatex missing in CI: .ci/run must install texlive")
        pytest.skip("pdflatex not installed")
    summary = write_report(tmp_path, pdf=False)
    ok, msg = compile_pdf(tmp_path / "report.tex")
    assert ok, msg
    assert (tmp_path / "report.pdf").stat().st_size > 10_000
    assert sum(summary["verdicts"].values()) >= 20
