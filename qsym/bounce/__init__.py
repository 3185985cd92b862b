"""Radial bounce solvers.

Single field (:mod:`qsym.bounce.single`): Newton shooting with a Taylor-series
integrator at any precision, asymptotic matching at a finite radius, and a fast
double-precision path for scans.

Several fields (:mod:`qsym.bounce.multi`): the Improved Action (reduced action
of Coleman, Glaser and Martin) minimised on Chebyshev elements, then Newton on
the collocated field equations to the working precision.

>>> from qsym.bounce import s_psi
>>> S, err = s_psi(20)
>>> mpmath.nstr(S, 12), err < 1e-19
('4.85113741292', True)
"""

import mpmath  # noqa: F401  (doctest namespace)

from .multi import (MultiBounceResult, MultiQBallResult, bounce_multi, qball_multi,
                    solve_bounce_multi)
from .single import (BounceResult, bounce, s_psi, solve_bounce,
                     solve_bounce_double)

__all__ = ["BounceResult", "solve_bounce", "solve_bounce_double", "bounce", "s_psi",
           "MultiBounceResult", "MultiQBallResult", "solve_bounce_multi", "bounce_multi", "qball_multi"]
