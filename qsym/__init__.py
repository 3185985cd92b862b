"""qsym: Q-ball physics derived symbolically and checked numerically.

Reference text: A. Kusenko, "Solitons in the supersymmetric extensions of the
Standard Model", hep-ph/9704273 (1997).
"""

from qsym.errors import BudgetError, ConvergenceError, InputError, NoSolutionError, QsymError
from qsym.symbolic.potential import OMEGA, Potential

__version__ = "0.1.0"

__all__ = ["Potential", "OMEGA", "QsymError", "InputError", "NoSolutionError",
           "ConvergenceError", "BudgetError", "__version__"]
