"""Typesetting helpers of the report (cheap: no bounces except one small adaptive curve)."""

import math
import re

import mpmath
import pytest
import sympy as sp

from qsym.symbolic.latex import LINE_WIDTH_EM, equation, latex_width, pm_latex, sci_latex, signed_terms


def test_pm_latex_cuts_at_the_error_and_keeps_every_mpf_digit():
    with mpmath.workdps(50):
        v = +mpmath.pi
    with mpmath.workdps(15):   # the caller's precision does not cut the digits of v
        s = pm_latex(v, mpmath.mpf("2.3e-41"), group=None)
    assert s == "3.14159265358979323846264338327950288419716" + r"\ldots \pm 2.3\times 10^{-41}"
    assert pm_latex("-1.25", "0.01", group=None) == r"-1.25\ldots \pm 0.01"
    assert pm_latex("12.3456789", "1e-6") == r"12.34567\,8\ldots \pm 1\times 10^{-6}"
    with pytest.raises(ValueError):
        pm_latex("nan", "1")


def test_sci_latex():
    assert sci_latex("1.0e-22", 2) == r"1.0\times 10^{-22}"
    assert sci_latex(42.1488, 3) == "42.1"
    assert sci_latex(mpmath.mpf(7.2767), 3) == "7.28"
    assert sci_latex(-12345.6, 2) == r"-1.2\times 10^{4}"


def test_long_sums_are_broken_not_scaled():
    x, y = sp.symbols("x y")
    expr = sp.Add(*[sp.sin(k * x) ** 2 * sp.cos(y) ** 2 / k for k in range(1, 25)])
    tex = equation(r"\gamma", expr, tag="P19")
    assert r"\begin{split}" in tex and r"\tag{P19}" in tex and "resizebox" not in tex
    lines = tex.split(r"\\")
    assert len(lines) > 2
    assert all(latex_width(ln.replace("&", "")) <= LINE_WIDTH_EM + 8 for ln in lines)
    # a product with one long sum: broken inside \Bigl( ... \Bigr)
    tex = equation("g", sp.Mul(2, sp.Add(*[x**k * y ** (30 - k) for k in range(30)]), evaluate=False))
    assert r"2 \Bigl(" in tex and tex.count(r"\Bigr)") == 1
    # short: one line, the running (R) number
    assert equation("a", x + 1) == "\\begin{equation}\na = x + 1\n\\end{equation}\n"


def test_signed_terms_rebuild_the_sum():
    x = sp.Symbol("x")
    terms = signed_terms(1 - x**2 / 6 - x**4 / 8, order="rev-lex")
    assert terms == ["1", r"- \frac{x^{2}}{6}", r"- \frac{x^{4}}{8}"]


def test_latex_width_monotone_and_fractions():
    assert latex_width(r"\frac{a}{b}") < latex_width("a/b") + 1
    assert latex_width(r"\sin^{2} {\theta}") < latex_width(r"\sin^{2}{\left(\theta \right)}") + 0.5
    assert latex_width("x" * 10) == pytest.approx(5.0)


def test_adaptive_curve_has_no_corners():
    """The exact M_Q/Q curve: refined until the polyline turns by at most max_turn_deg everywhere."""
    from qsym.api.curves import DEFAULT_POTENTIAL, canonical_curve
    from qsym.symbolic.potential import Potential
    P = Potential(DEFAULT_POTENTIAL[0], [DEFAULT_POTENTIAL[1]])
    turn_max = 8.0
    c = sorted(canonical_curve(P, n=12, max_points=60, max_turn_deg=turn_max, max_step=0.1), key=lambda t: t[1])
    assert len(c) < 60                               # converged before the budget
    xs = [math.log10(q) for _, q, _ in c]
    ys = [m / q for _, q, m in c]
    assert xs[-1] - xs[0] > 10                       # both ends of the window (11 decades of Q)
    assert all(b < a for a, b in zip(ys, ys[1:]))    # M_Q/Q decreasing in Q (stable branch)
    sx, sy = xs[-1] - xs[0], max(ys) - min(ys)
    pts = [(x / sx, y / sy) for x, y in zip(xs, ys)]
    for p, q, r in zip(pts, pts[1:], pts[2:]):
        a = math.atan2(q[1] - p[1], q[0] - p[0])
        b = math.atan2(r[1] - q[1], r[0] - q[0])
        assert math.degrees(abs((b - a + math.pi) % (2 * math.pi) - math.pi)) <= turn_max + 1e-9


def test_figures_write_pdf_and_png(tmp_path):
    from qsym.report.figures import figure_profiles
    out = figure_profiles(tmp_path / "prof.pdf", omegas=[0.6, 0.9], png=True)
    assert out == tmp_path / "prof.pdf"
    assert out.read_bytes().startswith(b"%PDF")
    assert (tmp_path / "prof.png").read_bytes().startswith(b"\x89PNG")


def test_curve_data_live_in_the_api_layer():
    """The report plots what qsym.api.curves computes: approximations only inside their domains."""
    from qsym.api.curves import approximation_curves, approximation_domains, default_potential
    P = default_potential()
    dom = approximation_domains(P, s_psi=4.85)
    curves = dict((lab, pts) for lab, _, pts in approximation_curves(P, [0.5, 1e3, 1e6], 4.85, dom))
    assert [q for q, _ in curves["thin wall (P11)"]] == [q for q in (1e3, 1e6) if q >= dom["thin_Q_min"]]
    assert all(q <= dom["thick_Q_max"] for q, _ in curves["thick wall, closed form"])
