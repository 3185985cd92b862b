import pytest
import sympy as sp

from qsym import InputError, Potential
from qsym.symbolic.potential import parse_value


def test_u_omega_and_mu2_multifield():
    P = Potential("x**2/2 + y**2 - x*y**2 + x**4 + y**4", ["x", "y"], [1, 2])
    x, y = P.fields
    w = sp.Symbol("omega", positive=True)
    assert sp.expand(P.U_omega(w) - (P.U() - w**2 / 2 * (x**2 + 4 * y**2))) == 0
    assert sp.simplify(P.mu2() - 2 * P.U() / (x**2 + 4 * y**2)) == 0
    assert P.mass_matrix() == sp.diag(1, 2)
    # lightest mass per unit charge: min(1/1, 2/4)
    assert P.mu2_origin() == sp.Rational(1, 2)


def test_gradient_and_hessian_exact():
    P = Potential("phi**2/2 - A*phi**3", ["phi"], params={"A": "1/3"})
    phi = P.fields[0]
    assert P.gradient() == [phi - phi**2]
    assert P.hessian() == sp.Matrix([[1 - 2 * phi]])


def test_neutral_field_schur_complement():
    # H neutral, mixing with the charged field: mu2 limit is the Schur complement
    P = Potential("h**2 + l**2 + h*l/2 + l**4", ["h", "l"], [0, 1])
    assert P.mu2_origin() == 2 - sp.Rational(1, 8)


def test_parse_value_exact():
    assert parse_value("0.6") == sp.Rational(3, 5)
    assert parse_value("1e-3") == sp.Rational(1, 1000)
    for bad in ("nan", "inf", "x+", "1/0", float("nan")):
        with pytest.raises(InputError):
            parse_value(bad)


@pytest.mark.parametrize("expr,fields,charges,params,msg", [
    ("phi**2/2 +", ["phi"], None, None, "cannot parse"),
    ("phi**2/2 + b*phi**3", ["phi"], None, None, "undeclared symbol"),
    ("phi**2/2", ["phi"], [1, 1], None, "2 charges given for 1 fields"),
    ("phi**2/2 + 1", ["phi"], None, None, "U(0) = 1"),
    ("phi**2/2 + phi", ["phi"], None, None, "not a minimum"),
    ("-phi**2/2 + phi**4", ["phi"], None, None, "not a non-degenerate local minimum"),
    ("x**2 + y**2 + 3*x*y", ["x", "y"], None, None, "not a non-degenerate local minimum"),
    ("phi**2", ["phi"], [0], None, "nonzero U(1) charge"),
    ("phi**2", ["phi"], None, {"phi": 1}, "both as field and parameter"),
    ("phi**2", ["1phi"], None, None, "not a valid identifier"),
    ("phi**2 + a*phi**3", ["phi"], None, {"a": "nan"}, "not a finite"),
    ("", ["phi"], None, None, "empty"),
])
def test_bad_input(expr, fields, charges, params, msg):
    with pytest.raises(InputError, match=None) as ei:
        Potential(expr, fields, charges, params)
    assert msg in str(ei.value)
    assert "\n" not in str(ei.value)


def test_symbolic_parameters_pass_through():
    # undecidable with symbolic parameters: no error
    P = Potential("m**2*phi**2/2 - A*phi**3", ["phi"], params={"m": None, "A": None})
    assert P.free_parameters() == list(P.params)
    Q = P.substitute(m=1, A=1)
    assert Q.free_parameters() == []
