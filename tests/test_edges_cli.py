"""The cases of the issue "Trustworthy at the edges", as a user types them: every one ends with an
answer or one clean line (exit 2 bad input, 1 no solution / not converged), never a traceback, a hang
or a silent wrong number."""

import json
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

from qsym import InputError, Potential

TIMEOUT = 300  # against hangs only; speed lives in benchmarks/

P4 = "phi**2/2 - phi**3 + phi**4"
LONG = "phi**2/2 - phi**3 + " + " + ".join(f"phi**{k}/{k**3}" for k in range(4, 404))


def run(*args):
    p = subprocess.run([sys.executable, "-m", "qsym.cli.app", *args, "--json"], capture_output=True,
                       text=True, timeout=TIMEOUT)
    assert "Traceback" not in p.stderr and "internal error" not in p.stderr, p.stderr
    return p.returncode, json.loads(p.stdout), p.stderr


def test_symbolic_parameter_value_pi_over_3():
    """--param m=pi/3 used to crash the numeric code (it read SymPy .p/.q)."""
    rc, out, err = run("qball", "--potential", "m**2*phi**2/2 - phi**3 + phi**4", "--field", "phi",
                       "--param", "m=pi/3", "--charge", "10", "--dps", "15")
    assert rc == 0, err
    m = float(sp.pi / 3)
    assert float(out["omega"]) < m and float(out["mass"]) < 10 * m  # bound and below free quanta


def test_degenerate_vacuum_potential():
    """phi^2 (1-phi)^2 / 2: min mu^2 = 0 at phi = 1, the window is (0, 1); no traceback."""
    rc, out, err = run("qball", "--potential", "phi**2*(1-phi)**2/2", "--field", "phi",
                       "--charge", "10", "--dps", "15")
    assert rc == 0, err
    assert 0 < float(out["omega"]) < 1 and float(out["mass"]) < 10
    assert out["thin_wall"]["valid"] is False and "degenerate" in out["thin_wall"]["reason"]


@pytest.mark.parametrize("cmd", ["bounce", "qball", "mu2"])
def test_huge_polynomial_is_refused_cleanly(cmd):
    extra = {"bounce": [], "qball": ["--charge", "10"], "mu2": []}[cmd]
    fld = ["--fields", "phi"] if cmd == "mu2" else ["--field", "phi"]
    rc, out, err = run(cmd, "--potential", LONG, *fld, *extra)
    # the engines refuse the degree; mu2 decides it: U(1) = -1/2 + sum_{k>=4} 1/k^3 < 0, a deeper vacuum
    want = "deeper" if cmd == "mu2" else "degree"
    assert rc == 2 and out["kind"] == "input" and want in out["error"], err


def test_dps_above_the_maximum():
    from qsym.bridge import MAX_DPS
    rc, out, err = run("bounce", "--potential", "phi**2/2 - phi**3", "--field", "phi", "--dps", str(2 * MAX_DPS))
    assert rc == 2 and str(MAX_DPS) in out["error"]


def test_api_argument_types():
    from qsym.api.bounce import bounce
    from qsym.api.mu2 import mu2_minimum
    from qsym.api.solve import qball
    for call in (lambda: qball(P4, 10), lambda: bounce(P4), lambda: mu2_minimum(P4)):
        with pytest.raises(InputError, match="Potential"):
            call()
    P = Potential("phi**2/2 - A*phi**3", ["phi"], params={"A": np.float64(1.0)})
    res = bounce(P, omega=np.float64(0.5), dps=15)
    S_psi = 4.8511374129163528741
    # U_omega = (1 - omega^2) phi^2/2 - phi^3: S = S_psi (1 - omega^2)^(3/2) exactly (d = 3 scaling)
    assert abs(float(res.action) / (S_psi * 0.75 ** 1.5) - 1) < 1e-13
    with pytest.raises(InputError):
        qball(Potential(P4, ["phi"]), "ten")
    with pytest.raises(InputError):
        qball(Potential(P4, ["phi"]), 10, dps=20.5)


def test_paper_potential_small_and_large_charge_cli():
    """Q = 0.01 (thick wall, omega -> m) and Q = 1e12 (thin wall) are found, with their limits."""
    rc, small, err = run("qball", "--potential", P4, "--field", "phi", "--charge", "0.01", "--dps", "15")
    assert rc == 0, err
    thick = float(small["thick_wall"]["mass"])
    assert abs(float(small["mass"]) / thick - 1) < 1e-9
    rc, big, err = run("qball", "--potential", P4, "--field", "phi", "--charge", "1e12", "--dps", "15")
    assert rc == 0, err
    surf = float(big["thin_wall"]["mass_surface_corrected"])
    assert abs(float(big["mass"]) / surf - 1) < 1e-6


def test_tiny_trilinear_coupling():
    """A = 1e-10: eps ~ 7e-21, deep in the thick-wall regime (it used to say 'massless')."""
    rc, out, err = run("qball", "--potential", "phi**2/2 - A*phi**3 + phi**4", "--field", "phi",
                       "--param", "A=1e-10", "--charge", "10", "--dps", "15")
    assert rc == 0, err
    assert out["thick_wall"]["valid"] is True
    assert abs(float(out["mass"]) / float(out["thick_wall"]["mass"]) - 1) < 1e-12


def test_no_qball_states_the_proven_reason():
    rc, out, err = run("qball", "--potential", "phi**2/2 - phi**4 + phi**6", "--field", "phi",
                       "--charge", "27.9", "--dps", "15")
    assert rc == 1 and out["kind"] == "no_solution" and "Q_min" in out["error"], err


def test_qball_dps_limit_is_its_own():
    """The Q-ball solver carries guard digits: its limit is stated as such, not as an inner call's."""
    from qsym.bridge import MAX_DPS
    from qsym.numeric.qball import GUARD
    rc, out, err = run("qball", "--potential", P4, "--field", "phi", "--charge", "10", "--dps", str(MAX_DPS))
    assert rc == 2 and f"{MAX_DPS - GUARD}]" in out["error"] and "Q-balls" in out["error"]
