"""User text is data, never code: the whitelist parser, its size bounds, every charge honoured,
the JSON error contract and the audit's selectors (issue "edges")."""

import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from qsym import InputError, Potential
from qsym.audit.engine import run_audit
from qsym.symbolic.parse import MAX_EXPONENT, check_size, number_from, parse_expression, parse_number
from qsym.symbolic.potential import parse_value

TIMEOUT = 120  # a generous bound against hangs; never an assertion on speed

CUBIC = "phi**2/2 - phi**3"
QUARTIC = "M**2*phi**2/2 - A*phi**3 + lam*phi**4"
PARAMS = ["--param", "M=1", "--param", "A=1", "--param", "lam=0.6"]


def run(*args, cwd=None, env=None):
    p = subprocess.run([sys.executable, "-m", "qsym.cli.app", *args], capture_output=True, text=True,
                       timeout=TIMEOUT, cwd=cwd, env={**os.environ, **(env or {})})
    return p.returncode, p.stdout, p.stderr


def injections(marker: Path):
    m = str(marker)
    return [
        f"__import__('os').system('touch {m}')",
        f"open('{m}', 'w')",
        f"(lambda: __import__('os').system('touch {m}'))()",
        f"phi.__class__.__init__.__globals__['os'].system('touch {m}')",
        "[c for c in ().__class__.__bases__[0].__subclasses__()][0]",
        f"exec('import os; os.system(\"touch {m}\")')",
        "eval('1')",
        "getattr(phi, '__class__')",
        f"phi if __import__('os').system('touch {m}') else phi",
    ]


# --- the parser ------------------------------------------------------------------
def test_parser_exact_numbers_and_functions():
    phi = sp.Symbol("phi", real=True)
    assert parse_expression("phi**2/2 - 0.6*phi^3", {"phi": phi}) == phi**2 / 2 - sp.Rational(3, 5) * phi**3
    assert parse_number("1e-3") == sp.Rational(1, 1000)
    assert parse_number("2.5E+2") == 250
    assert parse_number("pi/3") == sp.pi / 3
    assert parse_number("Rational(2, 6)") == sp.Rational(1, 3)
    assert parse_number("log(8, 2)").equals(3)
    e = parse_expression("exp(phi)*log(1 + phi**2) + atanh(phi**2/(2 + phi**2)) + sqrt(2)*Abs(phi)",
                         {"phi": phi})
    assert e.has(sp.exp, sp.log, sp.atanh, sp.Abs)


@pytest.mark.parametrize("text", [
    "__import__('os')", "phi.real", "phi[0]", "'abc'", "lambda: 1", "phi < 1", "phi and 1",
    "f(phi)", "exp", "phi(2)", "x", "1j*phi", "True*phi", "0x10*phi", "phi,phi", "{1: 2}",
    "(phi := 2)", "sin(phi, 2)", "exp(x=phi)", "phi**", "nan*phi", "oo", "1/0", "",
    "(" * 300 + "phi" + ")" * 300, "phi" + "+phi" * 60000,
])
def test_parser_rejects(text):
    phi = sp.Symbol("phi", real=True)
    with pytest.raises(InputError) as ei:
        parse_expression(text, {"phi": phi})
    assert "\n" not in str(ei.value)


@pytest.mark.parametrize("text", ["10**10**10", "2**(10**9)", "(10001/10000)**(10**10)",
                                  "sqrt(2)**(10**10)", "1e100000", "9" * 20000, "phi**(10**9)",
                                  "(1+phi)**(-10**6)"])
def test_size_bounds(text):
    """Exponent towers and huge numbers are refused before SymPy evaluates them."""
    phi = sp.Symbol("phi", real=True)
    with pytest.raises(InputError, match="too large|out of range|digits|too long"):
        parse_expression(text, {"phi": phi})


def test_parameter_substitution_is_bounded():
    """A huge power can also arise only when parameter values are substituted."""
    with pytest.raises(InputError, match="too large"):
        Potential("phi**2/2 - A**n*phi**3", ["phi"], params={"A": 10, "n": "10**6"})
    with pytest.raises(InputError, match="too large"):
        Potential("phi**2/2 - phi**n", ["phi"], params={"n": 10**9})
    assert MAX_EXPONENT >= 400  # a 400-term polynomial is legitimate


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="phi0123456789.eE+-*/^()_ ,'[]:=<>abcdefgmnostrx\"", max_size=40))
def test_parser_total(text):
    """Any text either parses to an expression in phi or is an InputError: nothing else escapes."""
    phi = sp.Symbol("phi", real=True)
    try:
        e = parse_expression(text, {"phi": phi})
    except InputError as exc:
        assert "\n" not in str(exc)
    else:
        assert isinstance(e, sp.Expr) and e.free_symbols <= {phi}


def test_number_types():
    """API values: Python, NumPy, Fraction, mpmath and SymPy numbers; never strings as code."""
    import mpmath
    assert parse_value(np.float64(0.6)) == sp.Rational(3, 5)
    assert parse_value(np.int64(7)) == 7
    assert parse_value(Fraction(1, 3)) == sp.Rational(1, 3)
    assert parse_value(mpmath.mpf("0.5")) == sp.Rational(1, 2)
    assert parse_value(sp.sqrt(2)) == sp.sqrt(2)
    for bad in (True, None, [1], float("inf"), np.float64("nan"), sp.I, sp.Symbol("x"), "1+I"):
        with pytest.raises(InputError):
            number_from(bad)
    P = Potential("phi**2/2 - A*phi**3", "phi", params={"A": np.float64(0.5)})
    assert P.values[sp.Symbol("A", real=True)] == sp.Rational(1, 2)
    with pytest.raises(InputError, match="text or a SymPy expression"):
        Potential(3.5, ["phi"])
    with pytest.raises(InputError, match="mapping"):
        Potential(CUBIC, ["phi"], params=[("A", 1)])
    with pytest.raises(InputError, match="not a valid identifier"):
        Potential(CUBIC, ["__class__"])


def test_sympy_input_is_size_checked():
    x = sp.Symbol("phi")
    with pytest.raises(InputError, match="too large"):
        check_size(x**(10**9))
    assert Potential(x**2 / 2 - x**3, ["phi"]).U() == parse_expression(CUBIC, {"phi": sp.Symbol("phi", real=True)})


# --- no code from input: API and every CLI argument ------------------------------
def test_api_injection_leaves_no_trace(tmp_path):
    marker = tmp_path / "pwned"
    for s in injections(marker):
        for call in (lambda: Potential(s, ["phi"]),
                     lambda: Potential("phi**2/2 - A*phi**3", ["phi"], params={"A": s}),
                     lambda: Potential(CUBIC, ["phi"], charges=[s]),
                     lambda: parse_value(s)):
            with pytest.raises(InputError):
                call()
    assert not marker.exists()


def test_cli_injection_leaves_no_trace(tmp_path):
    marker = tmp_path / "pwned"
    s = injections(marker)[0]
    cases = [
        ["bounce", "--potential", s, "--field", "phi"],
        ["bounce", "--potential", "phi**2/2 - A*phi**3", "--field", "phi", "--param", f"A={s}"],
        ["bounce", "--potential", CUBIC, "--field", "phi", "--omega", s],
        ["bounce", "--potential", CUBIC, "--fields", "phi", "--charges", s, "--omega", "0.5"],
        ["qball", "--potential", QUARTIC, "--field", "phi", *PARAMS, "--charge", s],
        ["qball", "--potential", QUARTIC, "--field", "phi", *PARAMS, "--charge", "10", "--charge-of", f"phi={s}"],
        ["qball", "--potential", QUARTIC, "--fields", "phi", *PARAMS, "--charge", "10", "--charges", s],
        ["mu2", "--potential", "x**2 + y**2 - x*y**2", "--fields", "x,y", "--charges", f"1,{s}"],
        ["mssm", "--param", f"A={s}"],
        ["mssm", "threshold", "--scan", "A", "--to", s],
    ]
    for args in cases:
        rc, out, err = run(*args, "--json")
        assert rc == 2, (args, rc, err)
        assert "Traceback" not in err and "internal error" not in err, err
        obj = json.loads(out)
        assert obj["kind"] == "input" and obj["error"] in err
    assert not marker.exists()


def test_cli_exponent_tower_is_refused():
    rc, out, err = run("bounce", "--potential", "phi**2/2 - A*phi**3", "--field", "phi",
                       "--param", "A=10**10**10")
    assert rc == 2 and "too large" in err and "Traceback" not in err


# --- every charge honoured ------------------------------------------------------------
def test_cli_single_field_charges_honoured(capsys, monkeypatch):
    """U_omega = U - q^2 omega^2 phi^2/2: the charge-q Q-ball of charge Q has the mass of the
    charge-1 Q-ball of charge Q/q, and omega = omega_1/q (exact scaling).  In process: the three
    spellings of q = 5 must build the same potential (same U, fields, charge norm), which is then
    solved once; a spelling that built another potential would be solved (and checked) afresh."""
    import qsym.api.solve
    from qsym.cli.app import main
    solve, solved = qsym.api.solve.qball, {}

    def once(P, Q, dps=20, progress=None, dim=3):
        key = (str(P.U()), tuple(map(str, P.fields)), str(P.charge_norm()), str(Q), dps, dim)
        if key not in solved:
            solved[key] = solve(P, Q, dps=dps, progress=progress, dim=dim)
        return solved[key]

    monkeypatch.setattr(qsym.api.solve, "qball", once)

    def run_here(*args):
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    base = ["qball", "--potential", "phi**2/2 - phi**3 + phi**4", "--dps", "15", "--json"]
    rc1, out1, err1 = run_here(*base, "--field", "phi", "--charge", "2")
    assert rc1 == 0, err1
    one = json.loads(out1)
    for flags in (["--fields", "phi", "--charges", "5"], ["--field", "phi", "--charge-of", "phi=5"],
                  ["--fields", "phi", "--charge-of", "phi=5"]):
        rc, out, err = run_here(*base, *flags, "--charge", "10")
        assert rc == 0, err
        q5 = json.loads(out)
        assert abs(float(q5["mass"]) / float(one["mass"]) - 1) < 1e-12, flags
        assert abs(5 * float(q5["omega"]) / float(one["omega"]) - 1) < 1e-12, flags


def test_cli_charge_flags_checked():
    base = ["qball", "--potential", "x**2/2 + y**2 - x**3", "--charge", "5"]
    for flags, msg in ((["--fields", "x,y", "--charges", "1"], "1 charge(s) for 2 field(s)"),
                       (["--fields", "x,y", "--charge-of", "z=2"], "not a field"),
                       (["--fields", "x,y", "--charges", "1,1", "--charge-of", "x=2"], "not both"),
                       (["--field", "x", "--charge-of", "x"], "field=q")):
        rc, out, err = run(*base, *flags)
        assert rc == 2 and msg in err, (flags, err)


def test_mu2_charge_of_equals_charges():
    a = run("mu2", "--potential", "x**2 + y**2 - x*y**2 + x**4 + y**4", "--fields", "x,y",
            "--charges", "0,1", "--dps", "15", "--json")
    b = run("mu2", "--potential", "x**2 + y**2 - x*y**2 + x**4 + y**4", "--fields", "x,y",
            "--charge-of", "x=0", "--dps", "15", "--json")
    assert a[0] == b[0] == 0, (a[2], b[2])
    assert json.loads(a[1])["mu2_min"] == json.loads(b[1])["mu2_min"]


# --- the error contract ---------------------------------------------------------------
def test_json_error_objects():
    rc, out, err = run("bounce", "--potential", "phi**2/2 +", "--field", "phi", "--json")
    assert rc == 2 and json.loads(out) == {"error": err.strip()[len("qsym: error: "):], "kind": "input"}
    rc, out, err = run("qball", "--potential", "phi**2/2 + phi**4", "--field", "phi", "--charge", "3", "--json")
    assert rc == 1 and json.loads(out)["kind"] == "no_solution"
    rc, out, err = run("--time-limit", "0.5", "bounce", "--potential", CUBIC, "--field", "phi",
                       "--dps", "400", "--json")
    assert rc == 1 and json.loads(out)["kind"] == "convergence" and "time limit" in err
    rc, out, err = run("nonsense", "--json")
    assert rc == 2 and json.loads(out)["kind"] == "input"
    # without --json, nothing on stdout
    rc, out, err = run("bounce", "--potential", "phi**2/2 +", "--field", "phi")
    assert rc == 2 and out == "" and len(err.strip().splitlines()) == 1


def test_audit_selectors_are_checked():
    with pytest.raises(InputError, match="unknown claim"):
        run_audit(ids=["nope"])
    with pytest.raises(InputError, match="section"):
        run_audit(section=9)
    assert [r.id for r in run_audit(ids=["eq7"])] == ["eq7"]
    rc, out, err = run("verify", "--id", "nope", "--json")
    assert rc == 2 and json.loads(out)["kind"] == "input"


def test_reproduce_leaves_no_stale_files(tmp_path):
    out = tmp_path / "rep"
    out.mkdir()
    for stale in ("mass_curve.pdf", "profiles.pdf", "report.pdf"):
        (out / stale).write_text("from an earlier full run")
    (out / "notes.txt").write_text("the user's own file")
    rc, stdout, err = run("reproduce", "--out", str(out), "--section", "1", "--no-pdf", "--json")
    assert rc == 0, err
    names = sorted(p.name for p in out.iterdir())
    assert names == ["claims.json", "notes.txt", "report.tex"], names
    claims = json.loads((out / "claims.json").read_text())["claims"]
    assert claims and all(c["section"] == 1 for c in claims)


def test_progress_on_request():
    rc, out, err = run("verify", "--section", "1", env={"QSYM_PROGRESS": "1"})
    assert rc == 0 and "checking" in err


def test_long_polynomial_is_not_deep():
    """A 400-term polynomial is a flat sum (no nesting limit hit, no recursion)."""
    text = "phi**2/2 - phi**3 + " + " + ".join(f"phi**{k}/{k**3}" for k in range(4, 404))
    P = Potential(text, ["phi"])
    assert len(P.U().args) == 402 and P.mu2_origin() == 1
    assert parse_number("1" + "-1+1" * 5000) == 1


def test_mpmath_numbers_keep_every_bit():
    import mpmath
    with mpmath.workdps(50):
        x = -mpmath.mpf(1) / 3
        r = number_from(x)
        assert r < 0 and mpmath.mpf(r.p) / r.q == x   # exact binary value, sign kept, no double rounding
    for bad in (mpmath.inf, -mpmath.inf, mpmath.nan):
        with pytest.raises(InputError):
            number_from(bad)


def test_no_eval_based_parsing_anywhere():
    """No module of qsym calls sympify, parse_expr, S(...) on text, eval or exec: every string that
    becomes an expression goes through qsym.symbolic.parse (static check of every call in the package)."""
    import ast
    import qsym
    banned = {"sympify", "parse_expr", "eval", "exec", "compile", "__import__"}
    root = Path(qsym.__file__).parent
    found = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
                if name in banned and not (isinstance(f, ast.Attribute) and name == "compile"):  # re.compile
                    found.append(f"{path.relative_to(root)}:{node.lineno} {name}")
    # the one exemption: the online Taylor programs compile straight-line code generated from the
    # internal node list (integer indices, fixed templates; checked name by name before exec,
    # qsym.numeric.kernels.online._check_generated), never from user text
    allowed = {"numeric/kernels/online.py": {"exec", "compile"}}
    found = [f for f in found if f.split(" ")[1] not in allowed.get(f.split(":")[0], set())]
    assert not found, found
