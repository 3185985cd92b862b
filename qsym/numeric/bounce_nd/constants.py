"""Named tolerances and limits of the multi-field bounce engine (one place, every module reads them).

Numeric layer: numpy only.
"""

from __future__ import annotations

import numpy as np


#: extra decimal digits carried beyond the requested ``dps``
GUARD_DIGITS = 10
#: digits the double path designs its mesh for (float64 carries 15.95; the
#: collocation solve loses about two to conditioning)
DOUBLE_DIGITS = 13
#: relative error the double path guarantees (else ConvergenceError)
DOUBLE_TOL = 1e-10
#: when the float solve is noise-limited, the double path polishes with mpmath
#: residuals to this many digits beyond DOUBLE_DIGITS
FALLBACK_DIGITS = 6
#: unit roundoff of float64
EPS = float(np.finfo(float).eps)
#: U(0), grad U(0) count as zero below this, relative to the mass scale
#: (checked at ORIGIN_CHECK_DPS digits)
ORIGIN_TOL = 1e-20
ORIGIN_CHECK_DPS = 30
#: Chebyshev points per element in the minimiser, and its largest number of elements
N_MIN = 10
MAX_MIN_ELEMENTS = 200
#: growth factor of the minimiser's elements beyond the trial profile
MIN_GROWTH = 1.3
#: Chebyshev points per element: first Newton mesh, and the cap before an element is split
N_NEWTON = 16
N_MAX = 48
#: guard bits of the fixed-point derivative sums in the high-precision residual
FIXED_GUARD_BITS = 24
#: the high-precision mesh is designed for this many digits beyond the target (the
#: decay rates are extrapolated from double-precision coefficients)
HP_DESIGN_MARGIN = 3
#: largest element (units 1/m) of the Newton mesh's tail, and the growth of the tail elements
H_TAIL = 4.0
TAIL_GROWTH = 1.5
#: most elements of a Newton mesh (beyond that: ConvergenceError)
MAX_ELEMENTS = 1500
#: the block-tridiagonal solve of the condensed Jacobian (no pivoting between blocks) is
#: accepted when its residual is below this, relative to |rhs| + |M| |x|; otherwise
#: the pivoted banded LU (banded.BandLU, O(elements)) is used
BTD_RESID_TOL = 1e-9
BTD_SCALE_FLOOR = 1e-300
#: steps of the continuation in the dimension (d < 3 starts from d = 3)
DIM_STEPS = 4
#: a double-precision Newton correction below this (relative) that no longer
#: shrinks quadratically is rounding noise; it enters the error estimate
NEWTON_FLOOR = 1e-9
#: a solved bounce is a warm start (Newton from its profile) when its lowest mass^2 is
#: within this factor of the problem's
WARM_M2_RATIO = 1.5
#: iteration caps
MAX_MIN_ITER = 4000
MAX_NEWTON = 40
MAX_REFINE = 8
MAX_MP_ITER = 30
#: L-BFGS memory
LBFGS_MEMORY = 12
#: the minimiser stops when the reduced action changes by less than this
#: (relative) over MIN_STALL iterations: Newton only needs its basin
MIN_FTOL = 1e-8
MIN_STALL = 3
#: the polished action must agree with the minimum of the reduced action to this
#: (relative; the minimiser's own discretisation error is far smaller)
AGREE_TOL = 2e-3
#: at most this many escape directions are minimised
MAX_CANDIDATES = 3
#: a second direction is a candidate when its trial action is below this factor times the best
CANDIDATE_FACTOR = 2.0
#: rounding floor of the Chebyshev coefficients of a double-precision solution
#: (relative to max |psi|): coefficients below it count as resolved
COEFF_FLOOR = 1e3 * EPS
#: elements are refined until their last Chebyshev coefficients fall below
#: 10**-digits; the truncation error estimate is this multiple of that size
TRUNC_SAFETY = 10.0
