"""Gauged Q-balls: derived equations, e -> 0 limit, dE/dQ = omega, precision agreement, bad input."""

from fractions import Fraction

import mpmath
import pytest

from qsym.symbolic import gauged as G
from qsym.errors import InputError
from qsym.api.gauged import gauged_qball
from qsym.symbolic.potential import Potential

PAPER = "phi**2/2 - phi**3 + phi**4"


@pytest.fixture(scope="module")
def P():
    return Potential(PAPER, ["phi"])


def test_symbolic_global_limit_and_energy_identity():
    assert all(G.global_limit().values())
    assert G.energy_identity() == 0
    assert G.coulomb_tail() == 0


def test_e_zero_reproduces_global(P):
    from qsym.api.solve import qball_omega
    b = gauged_qball(P, 0, Fraction(4, 5), dps=15)
    with mpmath.workdps(25):
        qb = qball_omega(P, mpmath.mpf(4) / 5, 20)
    assert b.omega == Fraction(4, 5) or abs(b.omega - mpmath.mpf(4) / 5) < mpmath.mpf(10) ** -14
    assert abs(b.charge / qb.charge - 1) < mpmath.mpf(10) ** -13
    assert abs(b.energy / qb.mass - 1) < mpmath.mpf(10) ** -13
    assert abs(b.field_energy) < mpmath.mpf(10) ** -12


def test_dE_dQ_is_omega(P):
    h = Fraction(1, 10**5)
    b1 = gauged_qball(P, Fraction(1, 5), Fraction(85, 100) - h, dps=15)
    b2 = gauged_qball(P, Fraction(1, 5), Fraction(85, 100) + h, dps=15)
    slope = (b2.energy - b1.energy) / (b2.charge - b1.charge)
    assert abs(slope - (b1.omega + b2.omega) / 2) < 1e-8
    assert b1.field_energy > 0 and b1.omega > b1.g0     # Coulomb: g rises outwards


def test_two_precisions_agree(P):
    a = gauged_qball(P, Fraction(1, 5), Fraction(85, 100), dps=15)
    b = gauged_qball(P, Fraction(1, 5), Fraction(85, 100), dps=20)
    assert abs(a.charge / b.charge - 1) < mpmath.mpf(10) ** -13
    assert abs(a.energy / b.energy - 1) < mpmath.mpf(10) ** -13


def test_negative_coupling_is_bad_input(P):
    with pytest.raises(InputError):
        gauged_qball(P, -1, Fraction(85, 100), dps=15)


def test_family_continues_past_the_old_float_end(P):
    """g(0) = 18/25 lies below the former 'end of the family' (0.738137943710, Q = 143.5467): that end
    was a bisection on [0, top] landing on a spurious overshoot band; bracketing from the top finds the
    Q-ball, with the charge of a 45-digit bisection (203.7397948) and dE/dQ = omega < m still."""
    b = gauged_qball(P, Fraction(1, 5), Fraction(18, 25), dps=15)
    assert abs(b.charge - mpmath.mpf("203.7397948")) < 1e-6
    assert b.charge > mpmath.mpf("143.55") and b.omega < 1


def test_cli_negative_coupling_exit_2():
    import json
    import subprocess
    import sys
    from pathlib import Path
    exe = Path(sys.executable).with_name("qsym")
    p = subprocess.run([str(exe), "qball", "--potential", PAPER, "--field", "phi", "--charge", "50",
                        "--gauge-coupling", "-1", "--json"], capture_output=True, text=True)
    assert p.returncode == 2
    assert json.loads(p.stdout)["kind"] == "input"


def test_thin_wall_estimate_ratio_and_numbers(P):
    import sympy as sp
    from qsym.api.gauged import thin_wall_numbers
    d = G.thin_wall_estimate()
    assert sp.simplify(d["ratio"] - sp.Rational(5, 3) ** sp.Rational(3, 2)) == 0
    Q, m, w0, rho0, _ = d["symbols"]
    dl = sp.Symbol("delta", positive=True)                              # m = omega_0 + delta
    assert sp.simplify((d["omega"].subs(Q, d["Q_end"]) - m).subs(m, w0 + dl)) == 0   # dE/dQ = m
    tw = thin_wall_numbers(P, "1/5")
    assert abs(tw["Q_end"] - mpmath.mpf("1025.7")) < 0.1


def test_family_continues_above_the_top_and_ends_at_omega_m():
    """Below the global window the centre value lies above the top of -U_g0 (g(0) = 0.65: Q = 764.39,
    omega = 0.9616); at g(0) = 0.63 omega would exceed m: no Q-ball (proven by the tail)."""
    from qsym.numeric.gauged import float_point
    from qsym.errors import NoQBallError
    co = [0, 0, Fraction(1, 2), -1, 1]
    w, Q, E = float_point(co, 1, Fraction(1, 25), 1, 0.65)
    assert abs(Q - 764.3928777610) < 1e-6 and abs(w - 0.96158433654) < 1e-9 and E < Q
    with pytest.raises(NoQBallError):
        float_point(co, 1, Fraction(1, 25), 1, 0.63)


def test_charge_above_qmax_is_no_qball_naming_qmax(P):
    """e = 1/2: the family ends (omega -> m) at Q_max ~ 49.8; Q = 60 has no Q-ball (NoQBallError naming it)."""
    from qsym.api.gauged import qball_charge
    from qsym.errors import NoQBallError
    with pytest.raises(NoQBallError, match=r"Q_max = 49\.834"):
        qball_charge(P, "1/2", 60, dps=15, tol=1e-3)
