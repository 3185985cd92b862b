"""Exception classes of qsym, in one place.

Every error carries the CLI exit status it maps to: 2 for bad input, 1 for a
physics "no solution" answer or a failed numerical check.  Messages are one
line and name the problem (and, where there is one, the remedy).
"""

__all__ = ["QsymError", "InputError", "NoSolutionError", "ConvergenceError", "BudgetError", "error_kind"]


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


def error_kind(exc: BaseException) -> str:
    """``input``, ``no_solution`` or ``convergence``: the JSON ``kind`` of an error."""
    return getattr(exc, "kind", "convergence")
