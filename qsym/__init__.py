"""qsym: Q-ball physics derived symbolically and checked numerically.

Reference text: A. Kusenko, "Solitons in the supersymmetric extensions of the
Standard Model", hep-ph/9704273 (1997).

The functions a physicist calls are here, by name (``qsym.__all__``); they are
imported on first use, so ``import qsym`` stays light:

>>> import qsym
>>> P = qsym.Potential("m**2*phi**2/2 - A*phi**3 + lam*phi**4", fields="phi",
...                    params={"m": 1, "A": "1/2", "lam": "1/10"})
>>> qsym.series("mass", 4)
{0: 1, 2: -1/6, 4: -1/8}

The layers behind them: :mod:`qsym.symbolic` (SymPy), :mod:`qsym.bridge`,
:mod:`qsym.numeric` (mpmath/numpy), :mod:`qsym.api` (Potential-level entry
points), :mod:`qsym.audit`, :mod:`qsym.report`, :mod:`qsym.cli`.
"""

import importlib

from qsym.errors import (BudgetError, ConvergenceError, DeeperVacuumError, InputError, NoFalseVacuumError,
                         NoQBallError, NoSolutionError, NotAnalyticError, OutsideWindowError, QsymError,
                         UnboundedBelowError)
from qsym.symbolic.potential import OMEGA, Potential

__version__ = "0.1.0"

#: public name -> module that defines it (imported on first access)
_LAZY = {
    # numbers from a Potential
    "bounce": "qsym.api.bounce",
    "s_psi": "qsym.api.bounce",
    "qball": "qsym.api.solve",
    "qball_omega": "qsym.api.solve",
    "charge_minimum": "qsym.api.solve",
    "thin_wall_estimate": "qsym.api.solve",
    "thick_wall_estimate": "qsym.api.solve",
    "mu2_minimum": "qsym.api.mu2",
    "threshold_scan": "qsym.api.mu2",
    "gauged_qball": "qsym.api.gauged",
    "scan": "qsym.scans",
    "atlas": "qsym.api.atlas",
    "excited_bounce": "qsym.api.excited",
    "excited_qball": "qsym.api.excited",
    "law_errors": "qsym.api.laws",
    "certify_bounce": "qsym.api.certify",
    "certify_qball": "qsym.api.certify",
    "certify_qball_omega": "qsym.api.certify",
    "model_potential": "qsym.models.catalogue",
    # exact results
    "series": "qsym.symbolic.thickwall",
    "thin_wall": "qsym.symbolic.thinwall",
    "qball_window": "qsym.symbolic.window",
    "derive_section1": "qsym.symbolic.noether",
    # the audit and the report
    "verify": "qsym.audit.engine",
    "reproduce": "qsym.report.document",
    # the result type
    "Result": "qsym.results",
}
#: public name -> attribute name in its module, where they differ
_RENAMED = {"verify": "run_audit", "reproduce": "write_report"}

__all__ = sorted([
    "Potential", "OMEGA", "__version__",
    "QsymError", "InputError", "NoSolutionError", "ConvergenceError", "BudgetError",
    "NotAnalyticError", "NoFalseVacuumError", "DeeperVacuumError", "UnboundedBelowError",
    "OutsideWindowError", "NoQBallError",
    *_LAZY,
])


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), _RENAMED.get(name, name))
        globals()[name] = value
        return value
    raise AttributeError(f"module 'qsym' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
