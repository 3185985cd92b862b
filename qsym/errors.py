"""Exception classes of qsym, in one place.

Every error carries the CLI exit status it maps to: 2 for bad input, 1 for a
physics "no solution" answer or a failed numerical check.  Messages are one
line and name the problem (and, where there is one, the remedy).
"""

__all__ = ["QsymError", "InputError", "NoSolutionError", "ConvergenceError"]


class QsymError(Exception):
    """Base class of all qsym errors."""

    exit_code = 1


class InputError(QsymError, ValueError):
    """The input is malformed or violates a premise (exit status 2)."""

    exit_code = 2


class NoSolutionError(QsymError):
    """The input is valid but no solution exists (exit status 1)."""

    exit_code = 1


class ConvergenceError(QsymError):
    """A numerical method failed to reach its tolerance (exit status 1)."""

    exit_code = 1
