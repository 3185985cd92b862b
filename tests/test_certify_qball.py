"""Certified Q-balls (issue 14, part 4; docs/certified.md part 3): every new ingredient and its breakage.

Q(omega) and E(omega) are checked against the engine at twice the precision and against the
identity dE/dQ = omega across two nearby frequencies; the charge integral's pieces against the
exact free solution; M_Q at given charge against the engine; and each new ingredient (the charge
tail, the omega interval's sign change) is broken once to see the certificate fail.
"""

import json
import pickle
from fractions import Fraction

import flint
import mpmath
import pytest
from flint import arb

import qsym
import qsym.numeric.certify.qball as qball_cert
from qsym.api.certify import certify_qball, certify_qball_omega, check_qball_input
from qsym.cli.app import main as cli_main
from qsym.errors import InputError
from qsym.numeric.certify.qball import QBallBalls, charge_root
from qsym.numeric.certify.steps import integrate
from qsym.numeric.certify.tail import contraction, linear_at, tail_charge, tail_charge_identity
from qsym.symbolic.potential import Potential

PAPER = Potential("phi**2/2 - phi**3 + phi**4", ["phi"])


def _inside(pair, value, dps=60):
    with mpmath.workdps(dps):
        lo, hi = (mpmath.mpf(x) for x in pair)
        return lo <= mpmath.mpf(value) <= hi


def _frac(pair):
    return tuple(Fraction(x) for x in pair)


@pytest.fixture(scope="module", autouse=True)
def _one_proof_per_bounce():
    """A bounce proof is a pure function of its exact inputs: one proof serves every test of this module
    that asks for the same one (M_Q at Q = 12 and the CLI at Q = 12; the shifted interval's lower end and
    M_Q's upper end; the charge-2 field at omega = 9/20 and the charge-1 field at 9/10, whose U_omega
    are the same polynomial).  Inputs that differ in any bit (or a breaker) are proven afresh."""
    prove, proofs = qball_cert.prove, {}

    def shared(coeffs, dim, dps, sign, phi0, amplitude, engine_action, **kw):
        # the amplitude is the engine's profile, fixed by the other inputs
        try:
            key = pickle.dumps((coeffs, dim, dps, sign, phi0, engine_action, sorted(kw.items())))
        except Exception:  # noqa: BLE001 - not picklable: no sharing
            return prove(coeffs, dim, dps, sign, phi0, amplitude, engine_action, **kw)
        if key not in proofs:
            proofs[key] = prove(coeffs, dim, dps, sign, phi0, amplitude, engine_action, **kw)
        return proofs[key]

    mp = pytest.MonkeyPatch()
    mp.setattr(qball_cert, "prove", shared)
    yield proofs
    mp.undo()


@pytest.fixture(scope="module")
def at_09():
    return certify_qball_omega(PAPER, "9/10", dps=15)


@pytest.fixture(scope="module")
def at_0901():
    return certify_qball_omega(PAPER, "901/1000", dps=15)


# ---------------------------------------------------------------------------------------------
# Q and E at given omega
# ---------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_qball_omega_encloses_the_engine_at_twice_the_precision(at_09):
    r = at_09
    assert r.status == "converged" and r.certified
    qb = qsym.qball_omega(PAPER, "0.9", dps=30)
    assert _inside(r.charge_enclosure, qb.charge) and _inside(r.enclosure, qb.mass)
    assert _inside(r.action_enclosure, qb.action)
    assert r.omega_enclosure[0] == r.omega_enclosure[1] == "0.9" or _inside(r.omega_enclosure, "0.9")
    assert r.error < 1e-12
    j = r.to_json()
    assert j["certified"] is True and len(j["charge_enclosure"]) == 2 and "action_enclosure" in j


@pytest.mark.slow
def test_dE_dQ_is_omega_across_two_nearby_omegas(at_09, at_0901):
    """E(w2) - E(w1) = int w dQ: with Q monotone the quotient lies in [w1, w2]; the proven
    enclosures of the quotient (width ~1e-11) must meet that interval (width 1e-3)."""
    E1, E2 = _frac(at_09.enclosure), _frac(at_0901.enclosure)
    Q1, Q2 = _frac(at_09.charge_enclosure), _frac(at_0901.charge_enclosure)
    dE = (E2[0] - E1[1], E2[1] - E1[0])
    dQ = (Q2[0] - Q1[1], Q2[1] - Q1[0])
    assert dQ[1] < 0 and dE[1] < 0                    # this branch: Q and E decrease with omega
    ratio = sorted(a / b for a in dE for b in dQ)
    assert ratio[-1] - ratio[0] < Fraction(1, 10 ** 9)
    assert ratio[-1] >= Fraction(9, 10) and ratio[0] <= Fraction(901, 1000)


@pytest.mark.slow
def test_irrational_omega_and_a_charged_field():
    """omega = sqrt(3)/2 enters as a ball; a field of charge q = 2 (U_omega = U - 2 omega^2 phi^2)."""
    r = certify_qball_omega(PAPER, "sqrt(3)/2", dps=15)
    with mpmath.workdps(45):
        w = mpmath.sqrt(3) / 2
        qb = qsym.qball_omega(PAPER, w, dps=30)
    assert r.certified and _inside(r.charge_enclosure, qb.charge) and _inside(r.enclosure, qb.mass)
    Pq = Potential("phi**2/2 - phi**3 + phi**4", ["phi"], charges=[2])
    rq = certify_qball_omega(Pq, "9/20", dps=15)
    qq = qsym.qball_omega(Pq, "0.45", dps=30)
    assert rq.certified and _inside(rq.charge_enclosure, qq.charge) and _inside(rq.enclosure, qq.mass)
    # Q = omega q^2 int phi^2: the charge-2 field at omega/2 has the profile of the charge-1 field at omega
    assert abs(float(rq.charge) - 2 * qsym.qball_omega(PAPER, "0.9", dps=15).charge) < 1e-9


def test_input_outside_the_class_is_refused():
    with pytest.raises(InputError, match="polynomial single-field"):
        check_qball_input(Potential("phi**2/2 - phi**3 + sin(phi)**4", ["phi"]))
    with pytest.raises(InputError, match="polynomial single-field"):
        certify_qball(Potential("a**2/2 - a**3 + b**2 + a**4", ["a", "b"]), 10, dps=15)
    with pytest.raises(InputError, match="positive rational"):
        certify_qball(PAPER, -3, dps=15)


# ---------------------------------------------------------------------------------------------
# the pieces: the charge integral against exact values (the free field phi0 sinh(r)/r, d = 3)
# ---------------------------------------------------------------------------------------------
def _free(prec):
    from qsym.numeric.certify.problem import CertProblem
    with flint.ctx.workprec(prec):
        return CertProblem((arb(0), arb(0), arb(1) / 2), (arb(1),), arb(1), 3, prec, 1, 4 * arb.pi())


def test_interior_charge_integral_and_its_variation_are_exact():
    P = _free(128)
    with flint.ctx.workprec(128):
        R, p0 = arb(6), arb("0.75")
        run = integrate(P, p0, R, arb(2) ** -120, quad=True, variational=True, charge=True)
        W = p0 ** 2 * ((2 * R).sinh() / 4 - R / 2)          # int_0^R r^2 phi^2
        for ball, exact in ((run.W, W), (run.dW, 2 * W / p0)):   # dW/dphi0 = 2 W / phi0
            assert ball.overlaps(exact) and ball.rad() < 1e-25
        # the remainder bound set to zero at a low order: the charge integral misses the exact value
        bad = integrate(P, p0, R, arb(2) ** -120, quad=True, charge=True, scale=0, max_order=6)
        assert not bad.W.overlaps(W)


def test_charge_tail_forms_hold_the_exact_tail():
    """Free field: phi = c K exactly, K = sqrt(pi/2) e^(-r)/r, int_R^oo r^2 phi^2 = c^2 (pi/4) e^(-2R)."""
    P = _free(128)
    with flint.ctx.workprec(128):
        R, c = arb(8), arb("0.3")
        lin = linear_at(P, R)
        con = contraction(P, lin, 1)
        exact = c * c * arb.pi() / 4 * (-2 * R).exp()
        t1 = tail_charge(lin, con, c)
        t2 = tail_charge_identity(P, lin, con, c, c * lin.K, c * lin.dK)
        assert t1.overlaps(exact) and t2.overlaps(exact) and t1.rad() < 1e-30
        assert not tail_charge(lin, con, c, scale=arb("1.000001")).overlaps(exact)


# ---------------------------------------------------------------------------------------------
# breaking the new ingredients: the certificate fails
# ---------------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("scale", [0, 1.001])
def test_wrong_charge_tail_fails(scale):
    r = certify_qball_omega(PAPER, "9/10", dps=15, charge_scale=scale)
    assert not r.certified and r.status == "uncertified"
    assert "charge tail" in r.stats["reason"]


def test_charge_root_logic():
    w1, w2 = arb(1) / 2, arb(3) / 4
    up = (QBallBalls(w1, 0, 0, arb(9), arb(20), True), QBallBalls(w2, 0, 0, arb(11), arb(21), True))
    M, om, ok, _ = charge_root(*up, 10)
    assert ok and M.lower() >= 20 and M.upper() <= 21 and om.contains(arb("0.6"))
    down = (QBallBalls(w1, 0, 0, arb(11), arb(21), True), QBallBalls(w2, 0, 0, arb(9), arb(20), True))
    assert charge_root(*down, 10)[2]
    # E rising while Q falls contradicts dE = omega dQ: the two forms of M_Q are disjoint
    wrong = (QBallBalls(w1, 0, 0, arb(11), arb(20), True), QBallBalls(w2, 0, 0, arb(9), arb(21), True))
    assert "inconsistent" in charge_root(*wrong, 10)[3]
    same_side = (QBallBalls(w1, 0, 0, arb(11), arb(20), True), QBallBalls(w2, 0, 0, arb(12), arb(21), True))
    M, _, ok, why = charge_root(*same_side, 10)
    assert M is None and not ok and "sign change" in why
    wide = (QBallBalls(w1, 0, 0, arb(10, 1), arb(20), True), QBallBalls(w2, 0, 0, arb(11), arb(21), True))
    assert not charge_root(*wide, 10)[2]                 # Q(omega_lo) not proven below Q
    failed = (QBallBalls(w1, 0, 0, arb(9), arb(20), False, "x"), up[1])
    assert not charge_root(*failed, 10)[2]


@pytest.mark.slow
def test_omega_interval_without_the_sign_change_fails():
    shrunk = certify_qball(PAPER, 12, dps=15, spread="1e-18")       # inside the width of Q
    assert not shrunk.certified and "sign change" in shrunk.stats["reason"]
    # both ends on one side of omega*: omega* + hw (proven on the far side of Q = 12 by the converged
    # certificate below, whose upper end it is) and omega* + 3 hw
    shifted = certify_qball(PAPER, 12, dps=15, offset=2)
    assert not shifted.certified and "sign change" in shifted.stats["reason"]


# ---------------------------------------------------------------------------------------------
# M_Q at given charge, and the CLI
# ---------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_mass_at_given_charge_encloses_the_engine():
    r = certify_qball(PAPER, 12, dps=15)
    assert r.status == "converged" and r.certified and r.assumption.startswith("F:")
    e = qsym.qball(PAPER, 12, dps=30).solutions[0]
    assert _inside(r.enclosure, e.mass) and _inside(r.omega_enclosure, e.omega)
    assert _inside(r.charge_enclosure, 12)
    assert r.error < 1e-12


def _cli(capsys, *argv):
    """``qsym`` run in this process (the console script's main), as ``(exit code, stdout, stderr)``."""
    code = cli_main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.slow
def test_cli_certify_json(capsys):
    """In process, so the bounce proofs of test_mass_at_given_charge_encloses_the_engine serve (the CLI
    must ask for the very same ones to get them)."""
    cmd = ["qball", "--potential", "phi**2/2 - phi**3 + phi**4", "--field", "phi", "--charge", "12"]
    code, out, err = _cli(capsys, *cmd, "--dps", "15", "--certify", "--json")
    assert code == 0, err
    j = json.loads(out)
    assert j["certified"] is True and {"enclosure", "omega_enclosure", "charge_enclosure"} <= set(j)
    assert _inside(j["enclosure"], j["mass"]) and _inside(j["omega_enclosure"], j["omega"])
    for extra in (["--dim", "2"], ["--nodes", "1"]):
        code, _, err = _cli(capsys, *cmd, "--certify", *extra)
        assert code == 2 and "D = 3" in err and len(err.strip().splitlines()) == 1
    code, _, err = _cli(capsys, *cmd[:2], "phi**2/2 - phi**3 + exp(phi) - 1 - phi", *cmd[3:], "--certify")
    assert code == 2 and "polynomial" in err
