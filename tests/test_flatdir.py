"""Flat directions: the plateau law derived and checked against exact Q-balls; the gausson."""

import mpmath
import pytest
import sympy as sp

import qsym
from qsym.symbolic.flatdir import derive_plateau, gausson, lit_to_qsym, plateau_law, plateau_mass


@pytest.mark.slow
def test_plateau_derivation():
    d = derive_plateau()
    V0, Q = sp.Symbol("V_0", positive=True), sp.Symbol("Q", positive=True)
    assert sp.simplify(d["C"] - 4 * sp.sqrt(2) * sp.pi / 3) == 0
    assert d["virial"] == 0
    assert sp.simplify(d["R_star"] ** 4 - Q / (4 * V0)) == 0
    # dM/dQ = omega = pi/R at the optimum (the plateau ball obeys dE/dQ = omega)
    assert sp.simplify(sp.diff(d["M"], Q) - sp.pi / d["R_star"]) == 0


def test_plateau_law_lambert_solution_and_flat_limit():
    law = plateau_law()
    cf = law["c_f"].evalf(40)
    Qs = sp.Symbol("Q", positive=True)
    for Qv in (10**4, 10**8):
        v = sp.N(law["v"].subs({law["c_f_symbol"]: cf, Qs: Qv}), 40)
        assert abs(sp.N(law["v_equation"].subs({law["v_symbol"]: v, law["c_f_symbol"]: cf, Qs: Qv}), 40)) < 1e-30
        assert v > sp.Rational(1, 2)
    # the flat reading is the law with v = 1
    assert sp.simplify(law["M"].subs(law["v_symbol"], 1) - law["M_flat"]) == 0


def _exact(omega):
    P = qsym.Potential("log(1 + phi**2)", fields="phi")
    qb = qsym.qball_omega(P, omega, dps=15)
    return float(qb.charge), float(qb.mass)


@pytest.mark.slow
def test_plateau_law_against_exact_qballs():
    """U = log(1 + phi^2) (m = 1) at omega = 0.3 ... 0.1, i.e. Q = 2e5 ... 2.6e7."""
    rows = []
    for w in ("0.3", "0.2", "0.15", "0.1"):
        Q, M = _exact(w)
        rows.append((Q, M, (float(plateau_mass(Q)) - M) / M, (float(plateau_mass(Q, flat=True)) - M) / M))
    Qs = [r[0] for r in rows]
    assert Qs == sorted(Qs)
    refined = [abs(r[2]) for r in rows]
    flat = [abs(r[3]) for r in rows]
    # the strictly flat reading does not converge: its error grows like (log Q)^(1/4)
    assert flat == sorted(flat) and flat[-1] > 0.3
    # the log-plateau reading: within 1 % over two decades of Q, and falling at the largest Q
    assert max(refined) < 0.01
    assert refined[-1] < refined[-2]


@pytest.mark.parametrize("d", [1, 2, 3, 4])
def test_gausson_solves_the_qball_equation(d):
    g = gausson(d)
    assert g["residual"] == 0
    assert g["dE_dQ_minus_omega"] == 0


def test_gausson_closed_forms_vs_quadrature():
    g = gausson(3)
    vals = {g["k"]: sp.Rational(1, 10), g["m"]: 1, g["M"]: 1, g["omega"]: sp.Rational(3, 2)}
    A = sp.sqrt(g["A2"].subs(vals))
    r = g["r"]
    prof = g["profile"].subs(vals).subs(sp.Symbol("A", positive=True), A)
    ph = sp.Symbol("phi", positive=True)
    U = g["U"].subs(vals)
    w = vals[g["omega"]]
    with mpmath.workdps(30):
        f = sp.lambdify(r, prof, "mpmath")
        df = sp.lambdify(r, sp.diff(prof, r), "mpmath")
        Uf = sp.lambdify(ph, U, "mpmath")
        I2 = mpmath.quad(lambda t: 4 * mpmath.pi * t**2 * f(t) ** 2, [0, 5, 20, mpmath.inf])
        E = mpmath.quad(lambda t: 4 * mpmath.pi * t**2 * (df(t) ** 2 / 2 + mpmath.mpf(w) ** 2 * f(t) ** 2 / 2
                                                          + Uf(f(t))), [0, 5, 20, mpmath.inf])
        Qc = mpmath.mpf(str(sp.N(g["Q"].subs(vals), 40)))
        Ec = mpmath.mpf(str(sp.N(g["E"].subs(vals), 40)))
        assert abs(mpmath.mpf(w) * I2 - Qc) < mpmath.mpf(10) ** -25 * Qc
        assert abs(E - Ec) < mpmath.mpf(10) ** -25 * abs(Ec)
    assert sp.simplify(g["sigma2"] - 1 / (2 * g["k"] * g["m"] ** 2)) == 0


def test_literature_map():
    P, p, m = sp.symbols("Phi phi m", positive=True)
    U = lit_to_qsym(m**4 * sp.log(1 + P**2 / m**2), P, p)
    # the mass of the quanta is the same: U_lit ~ m_lit^2 |Phi|^2 -> U ~ m_lit^2 phi^2 / 2 with m_lit^2 = m^2
    assert sp.simplify(sp.diff(U, p, 2).subs(p, 0) - m**2) == 0
