"""Radially excited bounces and Q-balls (issue 11, part 6) and the ground-state node check."""

import json

import mpmath
import pytest

import qsym
from qsym.api.excited import excited_bounce, excited_qball, stability_statement
from qsym.errors import ConvergenceError, InputError
from qsym.numeric.bounce1d import PolyPotential, solve_bounce, solve_bounce_double
from qsym.numeric.bounce1d.excited import _solve_double, solve_excited
from qsym.numeric.bounce1d.nodes import count_sign_changes
from qsym.numeric.bounce1d.problem import _Problem
from qsym.numeric.bounce1d.solver import _check_ground

CUBIC = PolyPotential([0, 0, "1/2", -1])                      # psi^2/2 - |psi|^3
DEEP = PolyPotential([0, 0, "1/2", -1, "6/25"])               # a true vacuum beyond the barrier
PAPER = qsym.Potential("phi**2/2 - phi**3 + phi**4", fields="phi")


def _sign_changes_on_grid(res, points=4000):
    """Sign changes of the returned profile sampled independently of the recorded steps."""
    R = float(res.R_match) * 1.5
    vals = [res.profile(R * (k + 0.5) / points) for k in range(points)]
    return sum(1 for a, b in zip(vals, vals[1:]) if a * b < 0)


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_n_node_profile_has_exactly_n_sign_changes(n):
    res, info = solve_excited(DEEP, n, dps=None)
    assert info["nodes"] == n == res.nodes
    assert _sign_changes_on_grid(res) == n
    # the zero-energy solution of L_+ has n + 1 zeros for these profiles (measured, Sturm count)
    assert info["negative_modes_L_plus"] == n + 1


def test_excited_profile_solves_the_equation_of_the_amplitude():
    """phi'' + 2/r phi' = dU(|phi|)/dphi at points on both sides of the node (U has an odd term)."""
    res, _ = solve_excited(CUBIC, 1, dps=30)
    with mpmath.workdps(30):
        for r in ("0.7", "2.1", "3.3", "5.0"):
            r = mpmath.mpf(r)
            phi = res.profile(r)
            d2 = mpmath.diff(res.dprofile, r)
            rhs = phi - 3 * phi * abs(phi)       # d/dphi (phi^2/2 - |phi|^3)
            assert abs(d2 + 2 / r * res.dprofile(r) - rhs) < mpmath.mpf(10) ** -20
    assert res.profile(mpmath.mpf(0)) > 0 and res.profile(res.R_match * 2) < 0   # the tail keeps its sign


def test_excited_action_at_two_precisions_and_virial():
    a, _ = solve_excited(CUBIC, 2, dps=20)
    b, _ = solve_excited(CUBIC, 2, dps=30)
    assert abs(a.action - b.action) < 10 * a.error * abs(b.action)
    assert abs(b.action - b.action_virial) < b.error * b.action
    g = solve_bounce(CUBIC, dps=20)
    assert g.action < a.action                  # the ground state has the least action


def test_node_count_input():
    with pytest.raises(InputError):
        solve_excited(CUBIC, -1, dps=None)
    with pytest.raises(InputError):
        solve_excited(CUBIC, 1.5, dps=None)


def test_ground_state_engine_counts_the_nodes_of_every_answer():
    # deep well (thin wall): the ground-state answer has no node
    for U in (DEEP, PolyPotential([0, 0, "1/2", -1, "249/1000"])):
        assert solve_bounce_double(U).nodes == 0
        assert solve_bounce(U, dps=20).nodes == 0
    # a converged 1-node shot handed to the ground-state check is refused
    prob = _Problem(DEEP, 3, 1, None)
    side, x, dx, sh, counts, _ = _solve_double(prob, 1, 1)
    assert count_sign_changes(side.A, sh.store) == 1
    with pytest.raises(ConvergenceError, match="node"):
        _check_ground(side, sh)


def test_excited_qball_dE_dQ_equals_omega_at_two_precisions():
    """Along the 1-node branch, (E(w+h) - E(w-h)) / (Q(w+h) - Q(w-h)) = w + O(h^2)."""
    w = mpmath.mpf("0.85")
    h = mpmath.mpf("1e-6")
    slopes = []
    for dps in (20, 30):
        with mpmath.workdps(dps + 6):
            rp = excited_bounce(PAPER, 1, omega=w + h, dps=dps, stability=False)
            rm = excited_bounce(PAPER, 1, omega=w - h, dps=dps, stability=False)
            slopes.append((rp.mass - rm.mass) / (rp.charge - rm.charge))
    assert abs(slopes[0] - w) < 1e-9 and abs(slopes[1] - w) < 1e-9
    assert abs(slopes[0] - slopes[1]) < 1e-12


@pytest.mark.slow
def test_excited_qball_of_given_charge_is_heavier_than_the_ground_state():
    r = excited_qball(PAPER, 100, 1, dps=20)
    s = r.solutions[0]
    assert s.nodes == 1 and abs(s.charge - 100) < 1e-15
    g = qsym.qball(PAPER, 100, dps=20).solutions[0]
    assert s.mass > g.mass
    assert s.omega > g.omega
    # stability: n(L-) = 1 (one node), n(L+) = 2 (measured): at least 2 negative directions
    assert s.classically_stable is False and s.negative_directions >= 2


def test_stability_statement_counts():
    assert stability_statement(0, 1, -1.0)[:2] == (True, 0)      # Vakhitov-Kolokolov stable
    st, k, text = stability_statement(0, 1, 2.0)
    assert (st, k) == (False, 1) and "real growing mode" in text
    st, k, text = stability_statement(2, 3, -1.0)
    assert (st, k) == (False, 4) and "does not prove" in text
    assert stability_statement(1, 2)[:2] == (False, 2)               # lower bound without dQ/domega


def test_cli_qball_nodes(capsys):
    from qsym.cli.app import main
    code = main(["qball", "--potential", "phi**2/2 - phi**3 + phi**4", "--field", "phi", "--charge", "3",
                 "--nodes", "1", "--dps", "15", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["nodes"] == 1 and out["classically_stable"] is False
    assert abs(float(out["mass"]) / 3 - 1) < 0.05
    code = main(["qball", "--potential", "phi**2/2 - phi**3 + phi**4", "--field", "phi", "--charge", "3",
                 "--nodes", "-1", "--json"])
    assert code == 2 and json.loads(capsys.readouterr().out)["kind"] == "input"


def test_large_centre_value_keeps_full_precision():
    """psi(0) ~ 10-18 phi_e (quartic 1-node, quintic): the first Taylor step from the centre is
    rescaled, so the recorded sensitivities stay O(1) and the action reaches the requested digits."""
    for coeffs, n in (([0, 0, "1/2", 0, -1], 1), ([0, 0, "1/2", 0, 0, -1], 1), ([0, 0, "1/2", 0, 0, -1], 0)):
        a, _ = solve_excited(PolyPotential(coeffs), n, dps=26)
        b, _ = solve_excited(PolyPotential(coeffs), n, dps=40)
        assert a.status == b.status == "converged"
        assert abs(a.action - b.action) < 1e-25 * b.action
        assert abs(b.action - b.action_virial) < 1e-39 * b.action


def test_thin_wall_limit_radius_ratio_2n_plus_1():
    """(Q_n/Q_0)^(1/3) at equal omega -> R_n/R_0 = 2n + 1 as omega -> omega_0 = 1/sqrt(2)."""
    from qsym.api.excited import thin_wall_radius_ratio
    dev = []
    for w in ("0.72", "0.708"):
        q = [excited_bounce(PAPER, n, omega=w, dps=15, stability=False).charge for n in (0, 1, 2)]
        dev.append([abs((q[n] / q[0]) ** (mpmath.mpf(1) / 3) - thin_wall_radius_ratio(n)) for n in (1, 2)])
    assert all(d < 1e-3 for d in dev[1])
    assert all(b < a / 10 for a, b in zip(*dev))          # converging towards the limit
