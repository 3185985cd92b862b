"""Certified single-field bounce actions in Arb ball arithmetic (python-flint).

The proof and where each inequality is evaluated: docs/certified.md, part 2 (bounces) and part 3
(Q-balls: the charge integral rides along with ``charge=True``; :mod:`~qsym.numeric.certify.qball`
assembles Q, E and the bracket in omega).
:mod:`~qsym.numeric.certify.series` (Taylor recurrences), :mod:`~qsym.numeric.certify.steps`
(validated steps and quadrature), :mod:`~qsym.numeric.certify.tail` (contraction beyond R),
:mod:`~qsym.numeric.certify.action` (shooting interval, matching, assembly),
:mod:`~qsym.numeric.certify.cgm` (the Coleman-Glaser-Martin upper bound).

Numeric layer: python-flint and mpmath only.
"""

from qsym.numeric.certify.action import Certificate, CertificateError, certify_action, working_prec
from qsym.numeric.certify.problem import CertProblem
from qsym.numeric.certify.tail import TailError

__all__ = ["CertProblem", "Certificate", "CertificateError", "TailError", "certify_action", "working_prec"]
