"""Snapshot of the public API (cf. pyhf): a change here must be deliberate.

``qsym.__all__`` holds what a physicist calls (functions, the Potential, the result type, the
errors), not modules; every public function documents its mathematics (a ``.. math::`` line) and
shows a runnable example (doctests run in the suite).
"""

import dataclasses
import inspect
import json

import mpmath
import pytest

import qsym
from qsym.results import CONVERGED, REDUCED, STATUSES, Result, latex_pm

PUBLIC = sorted([
    "OMEGA", "Potential", "Result", "__version__",
    "BudgetError", "ConvergenceError", "DeeperVacuumError", "InputError", "NoFalseVacuumError", "NoQBallError",
    "NoSolutionError", "NotAnalyticError", "OutsideWindowError", "QsymError", "UnboundedBelowError",
    "atlas", "bounce", "certify_bounce", "certify_qball", "certify_qball_omega", "charge_minimum", "derive_section1", "excited_bounce", "excited_qball", "gauged_qball",
    "law_errors", "model_potential", "mu2_minimum", "qball", "qball_omega",
    "qball_window", "reproduce", "s_psi", "scan", "series", "thick_wall_estimate", "thin_wall", "thin_wall_estimate",
    "threshold_scan", "verify",
])


def test_public_api_snapshot():
    assert sorted(qsym.__all__) == PUBLIC
    for name in qsym.__all__:
        assert hasattr(qsym, name), name
        assert not inspect.ismodule(getattr(qsym, name)), name
    with pytest.raises(AttributeError):
        qsym.no_such_function


FUNCTIONS = [n for n in PUBLIC if inspect.isfunction(getattr(qsym, n))]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_public_functions_document_math_and_example(name):
    doc = inspect.getdoc(getattr(qsym, name)) or ""
    assert ".. math::" in doc, f"qsym.{name}: no .. math:: line"
    assert ">>>" in doc, f"qsym.{name}: no runnable example"


def test_errors_are_specific_and_keep_exit_codes():
    assert issubclass(qsym.DeeperVacuumError, qsym.InputError) and qsym.DeeperVacuumError.exit_code == 2
    assert issubclass(qsym.UnboundedBelowError, qsym.DeeperVacuumError)
    assert issubclass(qsym.NoQBallError, qsym.NoSolutionError) and qsym.NoQBallError.kind == "no_solution"
    assert issubclass(qsym.NotAnalyticError, qsym.InputError)
    assert issubclass(qsym.NoFalseVacuumError, qsym.InputError)
    assert issubclass(qsym.OutsideWindowError, qsym.InputError)


@dataclasses.dataclass(frozen=True)
class _Toy(Result):
    VALUES = ("x", "pair")
    x: object
    pair: tuple
    error: object
    dps: int
    status: str = CONVERGED
    stats: dict = dataclasses.field(default_factory=dict)


def test_result_type_json_latex_and_dict_access():
    with mpmath.workdps(40):
        r = _Toy(x=mpmath.mpf(2) / 3, pair=(mpmath.mpf(1) / 7, 3), error=mpmath.mpf("1e-30"), dps=30,
                 stats={"newton": 4})
    j = r.to_json()
    assert j["x"] == "0.666666666666666666666666666667" and len(j["x"]) == 32
    assert j["pair"] == ["0.142857142857142857142857142857", "3"]
    assert j["error"] == "1.0e-30" and j["status"] == "converged" and j["stats"] == {"newton": 4}
    assert json.loads(json.dumps(j)) == j
    assert r.to_json(5)["x"] == "0.66667"
    assert r["x"] == r.x and r.get("nope") is None
    with pytest.raises(KeyError):
        r["nope"]
    tex = r._repr_latex_()
    assert tex.startswith("$$") and r"\begin{aligned}" in tex and "converged" in tex
    assert r.replace(status=REDUCED).status == "reduced" and REDUCED in STATUSES
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.x = 1


def test_latex_pm_shows_the_digits_the_error_leaves():
    assert latex_pm(mpmath.mpf(2) / 3, 1e-7) == r"0.6666666\ldots \pm 6.7\times 10^{-8}"
    assert latex_pm(1234567.5, 0) == r"1.2345675\times 10^{6}"


def test_every_solver_result_is_the_one_result_type():
    """The numeric answers of the public functions are all :class:`qsym.Result`."""
    P = qsym.Potential("phi**2/2 - phi**3 + phi**4", fields="phi")
    answers = [qsym.qball(P, 50, dps=15), qsym.qball_omega(P, "0.9", dps=15),
               qsym.bounce(qsym.Potential("phi**2/2 - phi**3", fields="phi"), dps=15),
               qsym.gauged_qball(P, "1/10", "0.9", 15),
               qsym.mu2_minimum(P, dps=15)]
    for a in answers:
        assert isinstance(a, Result), type(a)
        assert a.status in STATUSES
        j = a.to_json()
        assert j["status"] in STATUSES and "error" in j
        json.dumps(j)
