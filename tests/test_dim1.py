"""Q-balls in one space dimension (issue 11, part 5, D = 1): quadrature, closed form, laws."""

import json

import mpmath
import pytest
import sympy as sp

import qsym
from qsym.api.atlas import thick_wall_exponent
from qsym.api.dim1 import qball_1d, qball_1d_omega
from qsym.errors import InputError, OutsideWindowError
from qsym.symbolic.dim1 import closed_form, reduced_integrals
from qsym.symbolic.thickwall import charge_exponent

PAPER = qsym.Potential("phi**2/2 - phi**3 + phi**4", fields="phi")
SEXTIC = qsym.Potential("phi**2/2 - phi**4 + phi**6", fields="phi")
CUBIC = qsym.Potential("phi**2/2 - phi**3", fields="phi")
phi, w = sp.symbols("phi omega", positive=True)


@pytest.mark.parametrize("P", [PAPER, SEXTIC, CUBIC])
def test_closed_form_equals_quadrature_at_two_precisions(P):
    for dps in (20, 40):
        r = qball_1d_omega(P, "0.75", dps=dps)
        cf = r.closed_form
        assert cf is not None
        tol = mpmath.mpf(10) ** -(dps - 2)
        assert abs(r.charge - cf["charge"]) < tol * r.charge
        assert abs(r.mass - cf["mass"]) < tol * r.mass
        assert abs(r.mass - r.action - r.omega * r.charge) < tol * r.mass


def test_closed_form_dE_dQ_is_omega_exactly():
    for U in (phi**2 / 2 - phi**3 + phi**4, phi**2 / 2 - phi**4 + phi**6):
        cf = closed_form(U, phi, w)
        resid = (sp.diff(cf["E"], w) - w * sp.diff(cf["Q"], w)).subs(w, sp.Rational(17, 20))
        assert abs(sp.N(resid, 50)) < 1e-45


def test_classical_phi4_kink_like_forms():
    # U_omega = phi^2 (Delta - phi^2)/2: Q = 2 omega sqrt(1 - omega^2) (elementary, the phi^4 case)
    assert sp.simplify(closed_form(phi**2 / 2 - phi**4 / 2, phi, w)["Q"] - 2 * w * sp.sqrt(1 - w**2)) == 0
    # the pure cubic: Q = 2 omega Delta^(3/2)/3
    assert sp.simplify(closed_form(phi**2 / 2 - phi**3, phi, w)["Q"] - 2 * w * (1 - w**2) ** sp.Rational(3, 2) / 3) == 0
    assert reduced_integrals(1, -1, 0, 1) == [2, sp.Rational(4, 3)]
    assert closed_form(phi**2 / 2 - phi**3 + phi**5, phi, w) is None


def test_dE_dQ_equals_omega_by_quadrature_at_two_precisions():
    """Non-polynomial U (no closed form): central differences of E and Q in omega."""
    P = qsym.Potential("phi**2/2 - phi**3*exp(-phi)", fields="phi")
    wv, h = mpmath.mpf("0.9"), mpmath.mpf("1e-8")
    for dps in (20, 30):
        with mpmath.workdps(dps + 5):
            rp, rm = (qball_1d_omega(P, wv + s * h, dps=dps) for s in (1, -1))
            slope = (rp.mass - rm.mass) / (rp.charge - rm.charge)
        assert abs(slope - wv) < 1e-12
        assert rp.closed_form is None


def test_thick_wall_exponent_in_one_dimension():
    """Q ~ Delta^(2/(n-2) - 1/2): n = 3 gives 3/2, n = 4 gives 1/2, so Q -> 0 at the thick-wall end."""
    assert charge_exponent(3, 1) == sp.Rational(3, 2) == thick_wall_exponent(3, 1)
    assert charge_exponent(4, 1) == sp.Rational(1, 2) == thick_wall_exponent(4, 1)
    for P, n in ((PAPER, 3), (SEXTIC, 4)):
        logs = []
        for delta in ("1e-8", "1e-10"):
            with mpmath.workdps(40):
                om = mpmath.sqrt(1 - mpmath.mpf(delta))
            r = qball_1d_omega(P, om, dps=30)
            logs.append((mpmath.log(mpmath.mpf(delta)), mpmath.log(r.charge)))
        slope = (logs[1][1] - logs[0][1]) / (logs[1][0] - logs[0][0])
        assert abs(slope - float(charge_exponent(n, 1))) < 1e-3


def test_qball_of_given_charge_down_to_small_charge():
    for Q in ("1e-6", "10"):
        r = qball_1d(PAPER, Q, dps=20)
        s = r.solutions[0]
        assert abs(s.charge / sp.Float(Q, 30) - 1) < 1e-18
        assert abs(s.closed_form["mass"] - s.mass) < 1e-18 * s.mass
        assert s.classically_stable and s.absolutely_stable


def test_bad_input():
    with pytest.raises(OutsideWindowError):
        qball_1d_omega(PAPER, "1.5", dps=15)
    with pytest.raises(InputError):
        qball_1d(PAPER, "-1", dps=15)
    with pytest.raises(qsym.NoSolutionError):
        qball_1d_omega(PAPER, "0.5", dps=15)          # below omega_min = 1/sqrt(2): U_omega > 0


def test_cli_dim1(capsys):
    from qsym.cli.app import main
    code = main(["qball", "--potential", "phi**2/2 - phi**3 + phi**4", "--field", "phi", "--charge", "2",
                 "--dim", "1", "--dps", "15", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["dim"] == 1 and out["closed_form"]["mass"] == out["mass"]
    for dim in ("0", "11"):
        code = main(["qball", "--potential", "phi**2/2 - phi**3 + phi**4", "--field", "phi", "--charge", "2",
                     "--dim", dim, "--json"])
        out = json.loads(capsys.readouterr().out)
        assert code == 2 and "[1, 10]" in out["error"]


def test_qsym_qball_routes_dim_1_to_the_quadrature():
    import qsym
    from qsym.api.dim1 import qball_1d
    P = qsym.Potential("phi**2/2 - phi**3 + phi**4", fields="phi")
    a, b = qsym.qball(P, 10, dps=15, dim=1), qball_1d(P, 10, 15)
    assert a["solutions"][0].mass == b["solutions"][0].mass
