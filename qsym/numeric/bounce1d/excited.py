r"""Radially excited bounces: the radial solutions with exactly ``n`` nodes, found on purpose.

Solves, for a given number of nodes ``n >= 0``,

.. math::  \phi'' + \frac{d-1}{r}\phi' = \frac{d\,U(|\phi|)}{d\phi}, \qquad \phi'(0) = 0,
           \quad \phi(\infty) = 0, \qquad \#\{r > 0: \phi(r) = 0\} = n,

with the potential a function of the amplitude ``|phi|`` (the complex field of a Q-ball; for
an even U the same as ``U(phi)``).  Method: the integrator, the units, the shooting parameter and
the matching of :mod:`qsym.numeric.bounce1d.solver`, with the node-aware shot of
:mod:`qsym.numeric.bounce1d.nodes`:

* double precision: a bracket ``[x_under, x_over]`` of the shooting parameter with at most ``n``
  crossings at one end and ``n + 1`` at the other (outwards from the escape point by doubling
  steps), bisection (Illinois on the event energy once both ends are tail events), then Newton
  on the matching condition with the variational equation, kept inside the bracket;
* high precision: the Newton ladder of the ground-state solver (digits x 3/2 per step), the
  recorded shot corrected to first order in its own Newton step, assembled by
  :func:`qsym.numeric.bounce1d.result._finish` (the integrals are even in the sign of the field).

The answer is checked: the recorded profile must have exactly ``n`` sign changes
(:func:`~qsym.numeric.bounce1d.nodes.count_sign_changes`), else ConvergenceError.

Stability data (:func:`negative_modes`): ``y = d phi / d phi(0)`` is the regular zero-energy
solution of the radial fluctuation operator ``L_+ = -Delta + U_omega''(phi)``; by Sturm
oscillation its number of zeros on ``(0, inf)`` is the number of negative eigenvalues of
``L_+`` among radial perturbations.  Zeros on ``[0, R]`` are counted on the recorded steps;
beyond ``R`` (linear region, ``y = a I + b K``) there is one more iff ``y (y' - kappa y) < 0``
at ``R``, since ``sign a = sign(y' - kappa y)``.
"""

from __future__ import annotations

import dataclasses
import math

import mpmath

from qsym.errors import ConvergenceError, InputError, NoSolutionError
from qsym.numeric.bounce1d.double import MAX_ITER, MAX_PSI0, NEWTON_PSI, NEWTON_TRUST, _Bracket, _Floor
from qsym.numeric.bounce1d.nodes import count_sign_changes, shoot_nodes
from qsym.numeric.bounce1d.problem import _Problem
from qsym.numeric.bounce1d.result import BounceResult, _finish
from qsym.numeric.bounce1d.shoot import _kappa, _newton_step, _Overflow
from qsym.numeric.bounce1d.side import _Side
from qsym.numeric.bounce1d.solver import DOUBLE_TOL, REDUCED_FACTOR, newton_ladder
from qsym.numeric.kernels.precision import check_dps

__all__ = ["solve_excited", "negative_modes", "MAX_NODES"]

#: largest node count accepted
MAX_NODES = 50
#: decimal digits of the double-precision path
DOUBLE_DIGITS = 15
#: bracket search: largest number of doubling steps of the shooting parameter
MAX_BRACKET_STEPS = 60


def _check_nodes(nodes) -> int:
    if isinstance(nodes, bool) or not isinstance(nodes, int) or not 0 <= nodes <= MAX_NODES:
        raise InputError(f"nodes must be an integer in [0, {MAX_NODES}], got {nodes!r}")
    return nodes


class _Driver:
    """Shots of one side for one node count, with the bracket they build (double precision)."""

    def __init__(self, side: _Side, n: int):
        self.side, self.n = side, n
        self.tol_log2 = -float(DOUBLE_DIGITS + 2) * math.log2(10)
        x0, direction = side.x_bracket()
        self.br = _Bracket(mpmath.mpf(x0), direction)
        self.counts = {"bracket": 0, "bisection": 0, "newton": 0}

    def shoot(self, x, key, quad=False, newton=True):
        self.counts[key] += 1
        sh = shoot_nodes(self.side, x, self.n, self.tol_log2, quad=quad, newton=newton,
                         newton_trust=NEWTON_TRUST)
        self.br.record(x, sh)
        return sh

    def bracket(self):
        """Outwards from the undershooting end (doubling steps) until a shot has n + 1 crossings."""
        side, br = self.side, self.br
        step = 1.0 if side.thin else max(1.0, float(br.x_under))
        x = br.x_under + br.direction * step
        for _ in range(MAX_BRACKET_STEPS):
            if not side.thin and x > MAX_PSI0:
                break
            try:
                sh = self.shoot(x, "bracket", newton=False)
            except (_Overflow, OverflowError, ZeroDivisionError):
                break
            if sh.reason == "over":
                return
            step *= 2
            x = x + br.direction * step
        raise NoSolutionError(f"no radial solution with {self.n} node(s) found: no shot up to the largest "
                              f"centre value tried crosses zero {self.n + 1} times (the potential of "
                              "|phi| may not have that many bound oscillations)")

    def solve(self):
        """Bisection, then guarded Newton.  Returns ``(x, |dx|, shot, counts)``."""
        self.bracket()
        side, br = self.side, self.br
        x_tol = 2.0 ** -44
        floor = _Floor()
        x = br.next_point()
        sh = self.shoot(x, "bisection")
        for _ in range(MAX_ITER):
            if sh.reason in ("deviate", "final") or sh.min_psi < NEWTON_PSI and sh.reason != "over" \
                    and getattr(sh, "crossings", 0) == self.n:
                dx = _newton_step(side, sh)
                rel = float(side.dx_rel(x, dx))
                if rel <= x_tol:
                    return x, float(abs(dx)), sh, self.counts
                if floor.stalled(rel, float(abs(dx))):
                    return x, floor.noise, sh, self.counts
                if abs(dx) <= NEWTON_TRUST and br.inside(x + dx):
                    x = x + dx
                    sh = self.shoot(x, "newton", quad=rel <= x_tol ** 0.6)
                    continue
            if sh.reason not in ("over", "under"):
                self.counts["bisection"] += 1
                br.record(x, shoot_nodes(side, x, self.n, self.tol_log2, newton=False))
            width = abs(br.x_over - br.x_under)
            if side.dx_rel(x, width) <= x_tol:
                return x, float(width), self.shoot(x, "newton", quad=True), self.counts
            x = br.next_point()
            sh = self.shoot(x, "bisection")
        raise ConvergenceError(f"the {self.n}-node solution did not converge in double precision "
                               f"({MAX_ITER} shots); try another potential scale")


def _solve_double(prob, sign, n):
    side = _Side(prob, sign, None)
    x, dxa, sh, counts = _Driver(side, n).solve()
    if sh.quad is None:
        sh = shoot_nodes(side, x, n, -float(DOUBLE_DIGITS + 2) * math.log2(10), quad=True)
        counts["newton"] += 1
    with mpmath.workprec(side.prec):
        dx = _newton_step(side, sh)
    side.x_final = x + dx
    return side, x, dx, sh, counts, dxa


def _solve_mp(prob, sign, n, dps):
    """The Newton ladder of :func:`qsym.numeric.bounce1d.solver.newton_ladder` with node-aware shots."""
    _, x, _, _, counts, dxa = _solve_double(prob, sign, n)
    return newton_ladder(prob, sign, x, dxa, counts, dps,
                         lambda side, x, tol_log2, quad: shoot_nodes(side, x, n, tol_log2, quad=quad),
                         what=f"the {n}-node solution")


def negative_modes(side: _Side, sh) -> int:
    r"""Zeros on ``(0, inf)`` of ``y = d psi/dx``, the regular zero-energy solution of the radial
    fluctuation operator (Sturm: the number of its negative eigenvalues among radial modes).

    .. math::  \#\{y = 0\} = \#_{[0,R]} + [\,y(R)\,(y'(R) - \kappa y(R)) < 0\,]
    """
    A = side.A
    inner = count_sign_changes(A, sh.store, "Y")
    with mpmath.workprec(side.prec):
        R = A.to_mpf(sh.R)
        yR, dyR = A.to_mpf(sh.y), A.to_mpf(sh.dy)
        growing = dyR - _kappa(side, R) * yR
    return inner + (1 if yR * growing < 0 else 0)


def solve_excited(num, nodes: int, dim: int = 3, dps: int | None = 30, sign: int = 1):
    r"""The radial solution with exactly ``nodes`` zeros (``dps=None``: double precision).

    Returns ``(BounceResult, info)``; ``info`` has ``nodes`` (counted on the profile),
    ``negative_modes_L_plus`` (:func:`negative_modes`) and ``crossings`` (of the shot).
    The profile's sign alternates: ``phi(0)`` has the sign of ``sign`` (``sign = -1``: the
    potential is ``U(-|phi|)``, the escape towards negative field); beyond ``R_match`` the
    tail has the sign of the last segment.

    .. math::  \phi'' + \frac{d-1}{r}\phi' = \frac{d U(|\phi|)}{d\phi}, \qquad \#\{\phi = 0\} = n

    >>> from qsym.numeric.bounce1d import PolyPotential
    >>> r, info = solve_excited(PolyPotential([0, 0, "1/2", -1]), 1, dps=None)
    >>> info["nodes"], round(r.action / 4.851137412916352, 4) > 1
    (1, True)
    """
    n = _check_nodes(nodes)
    if dps is not None:
        dps = check_dps(dps)
    if sign not in (1, -1):
        raise InputError(f"sign must be +1 or -1, got {sign!r}")
    if not hasattr(num, "coeffs") or not hasattr(num, "taylor"):
        raise InputError(f"expected a numeric potential (qsym.bridge.numeric_1d), got {type(num).__name__}")
    prob = _Problem(num, dim, sign, None)
    if dps is None:
        side, x, dx, sh, counts, _ = _solve_double(prob, sign, n)
        tol = DOUBLE_TOL
    else:
        side, x, dx, sh, counts = _solve_mp(prob, sign, n, dps)
        tol = mpmath.mpf(10) ** -dps
    res = _finish(prob, side, x, dx, sh, counts, dps, tol)
    if not res.error <= REDUCED_FACTOR * tol:
        raise ConvergenceError(f"the {n}-node solution's error estimate {mpmath.nstr(res.error, 3)} exceeds "
                               f"the tolerance {mpmath.nstr(tol, 3)}; try a larger dps")
    found = count_sign_changes(side.A, sh.store)
    if found != n:
        raise ConvergenceError(f"the solution found has {found} node(s), not {n}; try another dps")
    res = _signed_tail(res, sh.sign)
    res = dataclasses.replace(res, nodes=found)
    info = {"nodes": found, "crossings": sh.crossings, "negative_modes_L_plus": negative_modes(side, sh)}
    return res, info


def _signed_tail(res: BounceResult, sgn: int) -> BounceResult:
    """The tail beyond R_match carries the sign of the last segment (the shot ends in |phi|)."""
    if sgn > 0:
        return res
    R = res.R_match
    prof, dprof = res.profile, res.dprofile

    def p(r):
        return -prof(r) if r > R else prof(r)

    def dp(r):
        return -dprof(r) if r > R else dprof(r)
    return dataclasses.replace(res, profile=p, dprofile=dp)
