"""Single-field radial bounces: Newton shooting with a Taylor-series integrator at any precision.

Numeric layer (mpmath / numpy / gmpy2 only).  The Potential-level entry points
(``bounce``, ``s_psi``) live in :mod:`qsym.api.bounce`.
"""

from qsym.numeric.bounce1d.problem import PolyPotential
from qsym.numeric.bounce1d.result import BounceResult
from qsym.numeric.bounce1d.solver import solve_bounce, solve_bounce_double

__all__ = ["solve_bounce", "solve_bounce_double", "BounceResult", "PolyPotential"]
