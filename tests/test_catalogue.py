"""The catalogue of reference potentials (issue 11, part 7): names, conventions, and each model against
a limit it must obey."""

import json

import mpmath
import pytest
import sympy as sp

from qsym.cli.app import main
from qsym.errors import InputError
from qsym.models.catalogue import CATALOGUE, get_model, model_potential, names


def test_every_model_is_documented_and_builds_with_its_defaults():
    assert set(names()) >= {"paper", "sextic", "gmsb", "gravity"}
    for name, m in CATALOGUE.items():
        assert m.literature and m.title and m.params
        phi = sp.Symbol(m.fields[0], real=True)
        U = sp.sympify(m.potential, locals={k: sp.Symbol(k) for k in m.params}).subs(
            {sp.Symbol(k): sp.Rational(v) for k, v in m.params.items()}).subs(sp.Symbol("phi"), phi)
        # the quanta have mass m = 1 with the defaults: 2U/phi^2 -> 1 at small field (for gravity, after the
        # one-loop logarithm K log(phi^2/(2 M^2)) that makes it non-analytic at phi = 0)
        log_part = sp.Rational(-1, 10) * sp.log(phi**2 / 2) if name == "gravity" else 0
        assert sp.limit(sp.expand_log(2 * U / phi**2 - log_part, force=True), phi, 0) == 1, name


def test_canonical_field_map_of_the_flat_direction():
    # U(phi) = U_lit(|Phi| = phi/sqrt(2)): the gmsb entry is m^4 log(1 + |Phi|^2/m^2) of the literature
    m, Phi = sp.symbols("m Phi", positive=True)
    lit = m**4 * sp.log(1 + Phi**2 / m**2)
    P = model_potential("gmsb", {"m": "2"})
    phi = P.fields[0]
    assert sp.simplify(P.U() - lit.subs({Phi: phi / sp.sqrt(2), m: 2})) == 0


def test_parameters_override_and_bad_names():
    P = model_potential("paper", {"A": "1/2", "lam": "0"})
    assert sp.expand(P.U() - (P.fields[0]**2 / 2 - P.fields[0]**3 / 2)) == 0
    with pytest.raises(InputError, match="no parameter 'x'"):
        model_potential("sextic", {"x": "1"})
    with pytest.raises(InputError, match="unknown model"):
        get_model("gmsb2")


def test_paper_model_matches_the_paper_potential_through_the_cli(capsys):
    assert main(["bounce", "--model", "paper", "--param", "lam=0", "--dps", "20", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    # lam = 0: the bounce of phi^2/2 - phi^3 is S_psi
    assert mpmath.mpf(out["action"]) == pytest.approx(mpmath.mpf("4.8511374129163528741"), rel=1e-18)


def test_sextic_model_has_its_minimal_charge_in_the_atlas(capsys):
    assert main(["atlas", "--model", "sextic", "--points", "16", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert float(out["Q_min"]) == pytest.approx(27.964925628520031567, rel=1e-10)


@pytest.mark.parametrize("argv, msg", [
    (["qball", "--model", "nope", "--charge", "3"], "unknown model"),
    (["qball", "--model", "paper", "--potential", "phi**2", "--charge", "3"], "not both"),
    (["qball", "--charge", "3"], "give the potential"),
    (["qball", "--model", "paper", "--field", "x", "--charge", "3"], "has the field"),
    (["atlas", "--model", "sextic", "--param", "k=1"], "no parameter"),
])
def test_bad_model_input_is_one_line_exit_2(argv, msg, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and msg in err[0]


def test_models_command_lists_the_catalogue(capsys):
    assert main(["models", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [m["name"] for m in out["models"]] == names()


def test_gravity_model_is_solved_and_its_unlifted_form_refused(capsys):
    # the gravity-mediated direction runs through the Gaussian-tail engine (tests/test_gravity.py);
    # without its lift (h = 0) U is unbounded below: one line, exit 2
    assert main(["qball", "--model", "gravity", "--param", "h=0", "--charge", "10"]) == 2
    err = capsys.readouterr().err
    assert "unbounded below" in err and len(err.strip().splitlines()) == 1
    assert get_model("gravity").describe()["numeric_engines"] is True
