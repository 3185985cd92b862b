r"""Multi-field radial bounces: the Improved Action on Chebyshev elements, then Newton.

One module per concept: :mod:`.chebyshev` (element data, mesh), :mod:`.problem` (false
vacuum, units, modes), :mod:`.escape` (escape directions), :mod:`.lbfgs` (the reduced-action
minimiser), :mod:`.collocation` and :mod:`.newton` (field equations, O(elements) Newton
steps on :mod:`.banded` solves), :mod:`.mesh` (mesh design), :mod:`.integrals`,
:mod:`.mixed` (high precision), :mod:`.profile`, :mod:`.signs`, :mod:`.solver` (the driver),
:mod:`.charge` (Q-balls of a given charge), :mod:`.shifted` (``U_omega`` of a family),
:mod:`.result`.  Potential-level entry points: :mod:`qsym.api.multi`.

.. math::  \phi_i'' + \frac{d-1}{r}\phi_i' = \frac{\partial U}{\partial\phi_i}

>>> import sympy as sp
>>> from qsym.bridge import numeric_nd
>>> a, b = sp.symbols("a b")
>>> round(solve_bounce_multi(numeric_nd(a**2/2 - a**3 + b**2, [a, b])).action, 6)
4.851137
"""

from qsym.numeric.bounce_nd.charge import solve_charge_multi
from qsym.numeric.bounce_nd.result import MultiBounceResult, MultiQBallResult
from qsym.numeric.bounce_nd.shifted import ShiftedND
from qsym.numeric.bounce_nd.solver import solve_bounce_multi

__all__ = ["solve_bounce_multi", "solve_charge_multi", "MultiBounceResult", "MultiQBallResult", "ShiftedND"]
