"""Exception classes of qsym, in one place.

Every error carries the CLI exit status it maps to: 2 for bad input, 1 for a
physics "no solution" answer or a failed numerical check.  Messages are one
line and name the problem (and, where there is one, the remedy).
"""

__all__ = ["QsymError", "InputError", "NoSolutionError", "ConvergenceError", "BudgetError",
           "NotAnalyticError", "NoFalseVacuumError", "DeeperVacuumError", "UnboundedBelowError",
           "OutsideWindowError", "NoQBallError", "error_kind"]


class QsymError(Exception):
    """Base class of all qsym errors."""

    exit_code = 1
    #: the ``kind`` of the CLI's JSON error object
    kind = "convergence"


class InputError(QsymError, ValueError):
    """The input is malformed or violates a premise (exit status 2)."""

    exit_code = 2
    kind = "input"


class NoSolutionError(QsymError):
    """The input is valid but no solution exists (exit status 1); the message gives the proven reason."""

    exit_code = 1
    kind = "no_solution"


class ConvergenceError(QsymError):
    """A numerical method failed to reach its tolerance (exit status 1)."""

    exit_code = 1
    kind = "convergence"


class BudgetError(ConvergenceError):
    """A work or time budget ran out before the answer was reached (exit status 1)."""


# --------------------------------------------------------------------------
# specific cases that callers branch on (subclasses keep the exit status and JSON kind)
# --------------------------------------------------------------------------
class NotAnalyticError(InputError):
    """U has no Taylor series where a solver needs one (e.g. ``phi**2*log(phi**2)`` at the origin)."""


class NoFalseVacuumError(InputError):
    """The origin is not a false vacuum: U(0) != 0, U'(0) != 0, or the origin is not a minimum."""


class DeeperVacuumError(InputError):
    """U < 0 somewhere: a vacuum deeper than the origin, so no Q-ball is stable (paper sec. 2)."""


class UnboundedBelowError(DeeperVacuumError):
    """U is unbounded below along some direction of field space."""


class OutsideWindowError(InputError):
    """omega (or a family parameter) lies outside the Q-ball window ``omega_0 < |omega| < m/q``."""


class NoQBallError(NoSolutionError):
    """No Q-ball of the requested charge (or in the requested range) exists; the message says why."""


def error_kind(exc: BaseException) -> str:
    """``input``, ``no_solution`` or ``convergence``: the JSON ``kind`` of an error."""
    return getattr(exc, "kind", "convergence")
