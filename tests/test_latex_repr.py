"""LaTeX where a user looks: ``series()`` results, ``qsym series --latex``, ``_repr_latex_``."""

import json
import os
import pickle
import re
import shutil
import subprocess
import sys

import mpmath
import pytest
import sympy as sp

from qsym import Potential
from qsym.symbolic import latex as L
from qsym.symbolic import thickwall as tw
from qsym.results import latex_pm


# --------------------------------------------------------------------------- series()
def test_series_is_still_a_dict():
    s = tw.series("mass", 6)
    assert isinstance(s, dict)
    assert s == {0: 1, 2: sp.Rational(-1, 6), 4: sp.Rational(-1, 8), 6: sp.Rational(-3, 16)}
    assert repr(s) == "{0: 1, 2: -1/6, 4: -1/8, 6: -3/16}" == repr(dict(s))
    assert json.loads(json.dumps({str(k): str(v) for k, v in s.items()}))["2"] == "-1/6"
    back = pickle.loads(pickle.dumps(s))
    assert back == s and back.quantity == "mass" and back.order == 6


@pytest.mark.parametrize("quantity", sorted(tw.QUANTITIES))
@pytest.mark.parametrize("order", [0, 1, 2, 5, 8, 13])
def test_series_latex_matches_the_expression(quantity, order):
    s = tw.series(quantity, order)
    assert s.latex() == L.series_latex(quantity, order)
    assert s._repr_latex_() == f"$\\displaystyle {s.latex()}$"
    assert s.next_power == (order + 1 if order % 2 else order + 2)
    # the broken form is the same text with line breaks, each line within the width
    broken = s.latex(width=12)
    assert broken.replace(" \\\\\n  ", " ") == s.latex()
    assert sp.simplify(s.expr() - sp.series(tw.closed_form(quantity), tw.eps, 0, order + 1).removeO()) == 0


def test_series_line_breaking_respects_width():
    s = tw.series("mass", 30)
    widths = s.term_widths()
    assert len(widths) == len(s.terms_latex()) == len(s) + 1
    lines = s.latex(width=28).split(" \\\\\n  ")
    assert len(lines) > 2
    k = 0
    for i, line in enumerate(lines):
        n = line.count(r"\epsilon^") + (1 if i == 0 else 0)  # the constant term has no epsilon
        used = (4.0 if i == 0 else 0.0) + sum(widths[k:k + n])
        assert used <= 28 or n == 1
        k += n


# --------------------------------------------------------------------------- qsym series --latex
def _cli(*args):
    p = subprocess.run([sys.executable, "-m", "qsym.cli.app", *args], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_series_latex_cli_short_and_long():
    short = _cli("series", "mass", "--order", "4", "--latex").splitlines()
    assert short[0] == tw.series("mass", 4).latex()
    assert all(line.startswith("%") for line in short[1:])
    assert sp.latex(tw.epsilon_of()["definition"]) in short[1] and "eq. (14)" in short[1]
    from qsym.cli.series import latex_block
    long = latex_block(tw.series("radius", 30)) + "\n"
    assert long.startswith("\\begin{multline}\n") and "\\end{multline}\n%" in long
    assert "amsmath" in long


@pytest.mark.slow
def test_series_latex_cli_compiles_without_overfull_boxes(tmp_path):
    """Every form ``--latex`` prints, pasted into an article, compiles with no overfull box."""
    if not shutil.which("pdflatex"):
        if os.environ.get("CI"):
            pytest.fail("pdflatex missing in CI: .ci/run must install texlive")
        pytest.skip("pdflatex not installed")
    from qsym.cli.series import latex_block
    parts = []
    for q in sorted(tw.QUANTITIES):
        for order in (4, 8, 12, 40):
            block = latex_block(tw.series(q, order))
            parts.append(block if block.startswith("\\begin") else
                         "\\begin{equation}\n" + block + "\n\\end{equation}")
            parts.append("Some text.")
    doc = ("\\documentclass{article}\n\\usepackage{amsmath}\n\\allowdisplaybreaks\n"
           "\\begin{document}\n" + "\n".join(parts) + "\n\\end{document}\n")
    (tmp_path / "s.tex").write_text(doc)
    p = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "s.tex"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120)
    log = (tmp_path / "s.log").read_text(errors="replace")
    assert p.returncode == 0, log[-2000:]
    over = [float(x) for x in re.findall(r"Overfull \\[hv]box \(([0-9.]+)pt", log)]
    assert not [x for x in over if x > 1.0], over


# --------------------------------------------------------------------------- value \pm error
@pytest.mark.parametrize("value, error, relative, expected", [
    (mpmath.mpf(2) / 3, 1e-7, True, r"0.6666666\ldots \pm 6.7\times 10^{-8}"),
    (0.9, None, True, "0.9"),
    (10, 1e-17, True, r"10 \pm 1\times 10^{-16}"),
    (2.0, 0, True, "2"),
    (-0.00123, 1e-3, True, r"-0.0012\ldots \pm 1.2\times 10^{-6}"),
    (1.0, 0.01, False, r"1 \pm 0.01"),
    (9.99999, 0.5, False, r"9\ldots \pm 0.5"),
    (2**200, None, True, r"1.60693804425899\ldots\times 10^{60}"),
])
def test_latex_pm(value, error, relative, expected):
    assert latex_pm(value, error, relative=relative) == expected


def test_latex_pm_s_psi_digits_are_the_true_ones():
    from qsym.api.bounce import s_psi
    v, e = s_psi(30)
    tex = latex_pm(v, e, dps=30)
    shown = re.match(r"([0-9.]+)\\ldots \\pm ([0-9.]+)\\times 10\^\{(-?\d+)\}", tex)
    assert shown, tex
    digits = shown.group(1)
    assert mpmath.nstr(v, 40).startswith(digits) or digits.startswith("4.85113741291635287")
    # truncated, never rounded: the shown digits are a prefix of the value
    assert mpmath.nstr(v, 30)[:len(digits) - 1] == digits[:-1]


# --------------------------------------------------------------------------- results in Jupyter
def _rows(tex):
    assert tex.startswith("$$\\begin{aligned}") and tex.endswith("$$")
    return tex


def test_bounce_result_latex():
    from qsym.api.bounce import bounce
    b = bounce(Potential("phi**2/2 - phi**3", ["phi"]), dps=25)
    tex = _rows(b._repr_latex_())
    assert r"S &= 4.851137412916352874" in tex and r"\pm" in tex and "converged" in tex


def test_multi_results_latex():
    from qsym.api.multi import bounce_multi, qball_multi
    m = bounce_multi(Potential("(x**2+y**2)/2 - x**3 + x*y**2/4", ["x", "y"]))
    tex = _rows(m._repr_latex_())
    assert r"S &= 4.851137" in tex and r"\phi_k(0)" in tex and "2-field" in tex
    q = qball_multi(Potential("x**2/2 + y**2 - 3*x**2*y + x**4 + y**4", ["x", "y"], charges=[1, 0]), 0.9)
    tex = _rows(q._repr_latex_())
    assert r"\omega &= 0.9 " in tex and tex.count(r"\pm") >= 2 and "Q_k" in tex


def test_qball_and_mu2_latex():
    from qsym.api.mu2 import mu2_minimum
    from qsym.api.solve import qball_omega
    P = Potential("M**2*phi**2/2 - A*phi**3 + lam*phi**4", ["phi"], params={"M": 1, "A": 1, "lam": "0.6"})
    qb = qball_omega(P, "0.9", dps=15)
    tex = _rows(qb._repr_latex_())
    assert r"\omega &= 0.9" in tex and "M_Q &=" in tex and tex.count(r"\pm") == 2 and "R_Q" in tex
    r = mu2_minimum(P, dps=20)
    tex = _rows(r._repr_latex_())
    assert r"\min_{\phi\neq 0}\mu^2 &= 0.1666666666666666666\ldots \pm" in tex
    assert r"\lim_{\phi\to 0}\mu^2 &= 1 " in tex and "a Q-ball exists, certified" in tex
