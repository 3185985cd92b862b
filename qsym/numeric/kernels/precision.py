r"""Precision limits of the numeric layer: the accepted range of ``dps`` (decimal digits).

The one definition of the limits (:mod:`qsym.bridge` re-exports them).  The cost of a high-precision bounce grows
roughly like

.. math::  t(\mathrm{dps}) \propto \mathrm{dps}^{3}

(S_psi: see ``benchmarks/bench_bounce.py --high`` for 100 / 300 / 1000 digits); beyond
:data:`MAX_DPS` a solve would take many minutes.

>>> check_dps(30)
30
"""

from __future__ import annotations

import numpy as np

from qsym.errors import InputError

__all__ = ["MIN_DPS", "MAX_DPS", "check_dps"]

#: smallest accepted dps (below it the double-precision paths are the right tool)
MIN_DPS = 15
#: largest accepted dps
MAX_DPS = 2000


def check_dps(dps) -> int:
    r"""Validate a requested number of decimal digits (an integer, numpy integers included).

    .. math::  \mathrm{MIN\_DPS} \le \mathrm{dps} \le \mathrm{MAX\_DPS}

    >>> check_dps(30), check_dps(np.int64(40))
    (30, 40)
    """
    if isinstance(dps, (bool, np.bool_)) or not isinstance(dps, (int, np.integer)):
        raise InputError(f"dps must be an integer in [{MIN_DPS}, {MAX_DPS}], got {dps!r}")
    d = int(dps)
    if not MIN_DPS <= d <= MAX_DPS:
        raise InputError(f"dps must be an integer in [{MIN_DPS}, {MAX_DPS}], got {dps!r}")
    return d
