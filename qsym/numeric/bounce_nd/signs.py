"""Sign convention: a reflection ``phi_k -> s_k phi_k`` that is a symmetry of U is applied so
that the centre values follow the paper's ``phi_k >= 0``.

Numeric layer: numpy / mpmath only.
"""

from __future__ import annotations

import itertools

import mpmath
import numpy as np


#: a reflection counts as a symmetry of U when U changes by less than this
#: (relative, at SYMMETRY_DPS digits) at a few test points
SYMMETRY_TOL = 1e-25
SYMMETRY_DPS = 30
#: all 2^n sign patterns are tried up to this many fields (single flips beyond)
SIGN_SEARCH_MAX_FIELDS = 8


def _canonical_signs(P, psi):
    """Apply the sign flip ``phi_k -> s_k phi_k`` (a symmetry of U) that makes the most
    centre values ``>= 0`` (the paper's convention ``phi_k >= 0``); for example
    ``H L l`` allows flipping any two of the three fields."""
    rng = np.random.default_rng(7)
    pts = rng.normal(size=(4, P.n))

    def symmetric(signs):
        with mpmath.workdps(SYMMETRY_DPS):
            for x in pts:
                u = [mpmath.mpf(float(v)) for v in x]
                uf = [s * v for s, v in zip(signs, u)]
                a, b = P.num.U(*u), P.num.U(*uf)
                if abs(a - b) > SYMMETRY_TOL * max(abs(a), abs(b), 1):
                    return False
        return True

    c = psi[:, 0]
    if P.n <= SIGN_SEARCH_MAX_FIELDS:
        patterns = [np.array(sg) for sg in itertools.product((1, -1), repeat=P.n)]
    else:
        patterns = [np.where(np.arange(P.n) == k, -1, 1) for k in range(P.n)] + [-np.ones(P.n)]

    def score(sg):
        v = sg * c
        return (int(np.sum(v >= 0)), float(np.sum(v)))

    now = score(np.ones(P.n))
    for sg in sorted(patterns, key=score, reverse=True):
        if score(sg) <= now:
            break
        if symmetric(list(sg)):
            return psi * sg[:, None]
    return psi
