"""Symbolic results for the canonical family U = M^2 phi^2/2 - A phi^3 + lam phi^4."""

import sympy as sp

from qsym.symbolic import canonical as cn
from qsym.symbolic import thickwall as tw


def test_family_parameter_and_window():
    f = cn.family()
    assert sp.simplify(f["beta"] - tw.M**2 * tw.lam / tw.A**2) == 0
    # U(0)=0 global iff beta >= 1/2
    assert sp.simplify(f["premise_lambda_min"] * tw.M**2 / tw.A**2 - sp.Rational(1, 2)) == 0
    # the window opens at omega^2 = min mu^2, where kappa = 1/2
    assert sp.simplify(f["mu2_min"] - tw.M**2 * f["w2_min"]) == 0
    assert sp.simplify(f["kappa_of_w"].subs(cn.w**2, f["w2_min"]) - sp.Rational(1, 2)) == 0


def test_charge_identity_I2():
    c = cn.charge_energy_scaled()
    # I2 = 3 S + 2 kappa S'
    S = sp.Function("S")
    k = tw.rescaling()["kappa"]
    expected = 3 * S(k) + 2 * k * sp.Subs(sp.Derivative(S(sp.Symbol("_x")), sp.Symbol("_x")), sp.Symbol("_x"), k)
    assert sp.simplify((c["I2_identity"] - expected).doit()) == 0
    assert c["Q_scaled"] == sp.Symbol("I_2", positive=True) * cn.w * sp.sqrt(1 - cn.w**2)


def test_thin_wall_surface_tension_and_mass():
    t = cn.thin_wall_quartic()
    assert sp.simplify(t["sigma"] - sp.sqrt(2) * tw.A**3 / (48 * tw.lam ** sp.Rational(5, 2))) == 0
    # the surface term is O(Q^(2/3)) relative to the O(Q) volume term
    ratio = sp.simplify((t["M_Q1"] - t["M_Q0"]) / t["M_Q0"])
    assert sp.simplify(tw.Q * sp.diff(sp.log(ratio), tw.Q)) == sp.Rational(-1, 3)
    # the exact minimum over R of E(R) approaches M_Q1 with an O(Q^(1/3)) residual
    vals = {tw.M: 1, tw.A: 1, tw.lam: sp.Rational(3, 5)}
    R = sp.Symbol("R", positive=True)
    prev = None
    for Qv in (10**3, 10**5, 10**7):
        E = t["E_of_R"].subs(vals).subs(tw.Q, Qv)
        Rs = sp.nsolve(sp.diff(E, R), R, float(t["R0"].subs(vals).subs(tw.Q, Qv)))
        exact = E.subs(R, Rs)
        res = abs(exact - t["M_Q1"].subs(vals).subs(tw.Q, Qv)) / Qv ** sp.Rational(1, 3)
        if prev is not None:
            assert abs(res - prev) / prev < 0.5   # residual scales as Q^(1/3)
        prev = res


def test_quartic_correction_series():
    qc = cn.quartic_correction(8)
    s = qc["coefficient_series"]
    assert min(s) == 4 and s[4] == sp.Rational(1, 3)
