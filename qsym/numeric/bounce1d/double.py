r"""The double-precision path: bracket, Illinois regula falsi, then guarded Newton.

Bisection-type shots run to their overshoot/undershoot event, where the energy

.. math::  E = \tfrac12 \psi'^2 - \tilde U(\psi)

changes sign linearly at the bounce; once a shot follows the bounce into the
linear tail, Newton on the shooting parameter takes over, every step kept
inside the bracket and below :data:`NEWTON_TRUST`.
"""

from __future__ import annotations

import math

import mpmath

from qsym.errors import ConvergenceError, NoSolutionError
from qsym.numeric.bounce1d.shoot import _Overflow, _newton_step, _shoot
from qsym.numeric.bounce1d.side import _Side

#: the double path trusts Newton steps up to this size in x (a thin wall moves
#: by 1/m per unit of x = ln(delta); larger steps leave the linear regime)
NEWTON_TRUST = 0.25
#: the double path tries Newton on shots that came this close to the false vacuum (times the
#: side's nonlinearity scale ``lin``)
NEWTON_PSI = 0.1
#: the bracket search gives up beyond phi(0) = MAX_PSI0 * phi_e (no overshoot)
MAX_PSI0 = 2.0 ** 20
#: a second minimum beyond this (units of the escape point) counts as far: the bracket search
#: doubles psi(0) from the escape point first
FAR_PSI_T = 16.0
#: safety cap on Newton / bisection iterations
MAX_ITER = 200
#: decimal digits of the double path (float64 has 15.95)
DOUBLE_DIGITS = 15
#: rounding floor of Newton (:class:`_Floor`): this many consecutive steps without progress
FLOOR_STALLS = 3
#: a Newton step counts as progress below this fraction of the smallest step so far
FLOOR_PROGRESS = 0.25
#: steps above this relative size are never taken for rounding noise
FLOOR_REL = 1e-8


def _double_solve(side: _Side):
    r"""Bracket, bisect, then Newton, in floats.  Returns ``(x, |dx|, shot, counts)``.

    .. math::  x_{n+1} = x_n - F(x_n)/F'(x_n), \qquad F = \psi'(R) - \kappa(R)\,\psi(R)

    Bisection (shots run to their overshoot/undershoot event) continues until
    a shot follows the bounce into the linear tail, ``|psi| < PSI_LINEAR``;
    Newton then takes over, each step kept inside the bracket.  The parameter
    itself is kept as an mpf with 20 guard bits: in a thin wall ``x = ln(delta)``
    is large and a float would resolve it too coarsely.  Newton stops at the
    x tolerance or at the rounding floor of the shot (:class:`_Floor`), and
    ``|dx|`` is then the size of the noise-dominated steps.

    >>> from qsym.numeric.bounce1d.problem import PolyPotential, _Problem
    >>> prob = _Problem(PolyPotential([0, 0, 0.5, -1.0 / 3]), 3, None, None)
    >>> x, dx, sh, counts = _double_solve(_Side(prob, 1, None))
    >>> round(float(x), 6), dx < 1e-10
    (2.794455, True)
    """
    with mpmath.workprec(side.prec):
        return _double_solve_body(side)


class _Floor:
    """Detects Newton stalling at the rounding floor of a double-precision shot.

    In an extreme thin wall (wall radius ``R >> 1/m``) the matching condition
    depends on ``x`` only through the friction ``(d-1)/R``: the rounding of the
    O(1) wall energy, ``~2**-53``, moves the root by ``~2**-53 R**2`` in ``x``
    (measured: 2e-6 at ``R = 2e5``, far above the ``2**-44 |x|`` tolerance).
    Newton steps there are noise: once :data:`FLOOR_STALLS` consecutive steps
    fail to shrink below :data:`FLOOR_PROGRESS` of the smallest step so far (and
    the steps are below :data:`FLOOR_REL` relative), x is as good as the shot
    resolves, and the largest of those steps is its honest error.
    """

    def __init__(self):
        self.best = math.inf
        self.recent = []

    def stalled(self, rel: float, step: float) -> bool:
        if step < FLOOR_PROGRESS * self.best or rel > FLOOR_REL:
            self.recent = []
        else:
            self.recent.append(step)
        self.best = min(self.best, step)
        return len(self.recent) >= FLOOR_STALLS

    @property
    def noise(self) -> float:
        return max(self.recent + [self.best])


def _double_solve_body(side: _Side):
    tol_log2 = -float(DOUBLE_DIGITS + 2) * math.log2(10)
    x0, direction = side.x_bracket()
    br = _Bracket(mpmath.mpf(x0), direction)
    counts = {"bracket": 0, "bisection": 0, "newton": 0}

    def shoot(x, key, quad=False):
        counts[key] += 1
        sh = _shoot(side, x, tol_log2, quad=quad, newton_trust=NEWTON_TRUST)
        br.record(x, sh)
        return sh

    x, sh, stepsize = _find_bracket(side, br, shoot)
    return _refine(side, br, shoot, counts, x, sh, stepsize, tol_log2)


def _find_bracket(side: _Side, br: "_Bracket", shoot):
    """Step 1: from the undershooting end (or a thin-wall estimate) outwards
    until an overshoot is seen or a shot is close enough for Newton.
    Returns ``(x, shot, stepsize)``."""
    guess = side.thin_wall_guess()
    direction = br.direction
    # a second minimum far beyond the escape point (psi_t > FAR_PSI_T, e.g. the Taylor polynomial
    # of a non-polynomial U near the thick-wall end): psi(0) first doubles from the escape point,
    # as without a second minimum, instead of jumping to psi_t - (psi_t - 1)/e
    far = guess is None and side.thin and float(side.psi_t) > FAR_PSI_T
    p0 = 2.0
    if guess is not None:
        x = mpmath.mpf(guess)
        stepsize = 1.0
    elif far:
        x = mpmath.log(side.psi_t - p0)
        stepsize = 1.0
    else:
        stepsize = 1.0 if side.thin else max(1.0, float(br.x_under))
        x = br.x_under + direction * stepsize
    for _ in range(80):
        if not side.thin and x > MAX_PSI0:
            raise NoSolutionError(
                f"no bounce found: every shot up to phi(0) = {float(x):.3g} phi_e undershoots (the "
                f"potential may grow too steeply at large field for d = {side.d}); check the potential")
        try:
            sh = shoot(x, "bracket")
        except (_Overflow, OverflowError, ZeroDivisionError) as exc:
            raise NoSolutionError(f"no bounce found: the shooting overflows before it overshoots "
                                  f"({exc}); the potential may grow too steeply for d = {side.d}") from None
        if sh.reason not in ("over", "under") or br.x_over is not None and br.has_under_shot:
            return x, sh, stepsize
        if sh.min_psi < NEWTON_PSI * side.lin and abs(_newton_step(side, sh)) <= NEWTON_TRUST:
            return x, sh, stepsize  # close enough for Newton already
        if far and sh.reason == "under" and 4 * p0 < float(side.psi_t):
            p0 *= 2
            x = mpmath.log(side.psi_t - p0)
            continue
        far = False
        stepsize *= 2
        if sh.reason == "under":
            x = x + direction * stepsize
        else:  # overshoot from a thin-wall guess: move back towards the undershoot
            x = x - direction * stepsize
            if (x - br.x_under) * direction <= 0:
                x = 0.5 * (br.x_under + br.x_over)
    raise NoSolutionError("no overshoot found: the shooting never crosses the false vacuum; "
                          "check that the potential has a barrier and a region with U < 0")


def _refine(side: _Side, br: "_Bracket", shoot, counts, x, sh, stepsize, tol_log2):
    """Step 2: Illinois on the event energy until a shot reaches the linear tail
    and proposes a trusted Newton step; then Newton, guarded by the bracket,
    until the x tolerance or the rounding floor.  Returns ``(x, |dx|, shot, counts)``."""
    # x resolution of a float shot (rounding in the profile moves the root by
    # a few ulps of x); Newton steps or brackets below it mean convergence
    x_tol = 2.0 ** -44
    floor = _Floor()
    dxa = math.inf
    for it in range(MAX_ITER):
        if sh.min_psi < NEWTON_PSI * side.lin:
            dx = _newton_step(side, sh)
            rel = float(side.dx_rel(x, dx))
            if rel <= x_tol:
                return x, float(abs(dx)), sh, counts
            if floor.stalled(rel, float(abs(dx))):
                return x, floor.noise, sh, counts
            xn = x + dx
            if abs(dx) <= NEWTON_TRUST and br.inside(xn):
                dxa = float(abs(dx))
                x = xn
                # a step this small makes the next shot the last one (order 3/2):
                # give it the quadratures right away
                sh = shoot(x, "newton", quad=rel <= x_tol ** 0.6)
                continue
        if sh.reason not in ("over", "under"):
            # a deviate/final stop without a usable step: classify it
            counts["bisection"] += 1
            sh = _shoot(side, x, tol_log2, newton=False)
            br.record(x, sh)
        if br.x_over is None:
            # Newton gave up before an overshoot was seen: resume the outward search
            stepsize *= 2
            x = br.x_under + br.direction * stepsize
            if not side.thin and x > MAX_PSI0:
                raise NoSolutionError("no bounce found: no overshoot up to phi(0) = "
                                      f"{float(x):.3g} phi_e; check the potential")
            sh = shoot(x, "bracket")
            continue
        width = abs(br.x_over - br.x_under)
        if side.dx_rel(x, width) <= x_tol:
            return x, float(width), _shoot(side, x, tol_log2, quad=True), counts
        x = br.next_point()
        sh = shoot(x, "bisection")
    raise ConvergenceError(f"double-precision shooting did not converge in {MAX_ITER} iterations "
                           f"(last |dx| = {dxa:.3g}); the barrier may be too thin for the bracket")


class _Bracket:
    """Undershoot/overshoot bracket with event energies (Illinois regula falsi)."""

    def __init__(self, x_under, direction):
        self.x_under, self.x_over = x_under, None
        self.e_under = self.e_over = None
        self.has_under_shot = False
        self.direction = direction
        self.kept = 0

    def record(self, x, sh):
        if sh.reason == "over":
            if self.x_over is None or (x - self.x_over) * self.direction < 0:
                self.x_over, self.e_over = x, sh.energy
                if self.kept == -1 and self.e_under is not None:
                    self.e_under /= 2  # Illinois: the under end was kept twice
                self.kept = -1
        elif sh.reason == "under":
            if (x - self.x_under) * self.direction > 0:
                self.x_under, self.e_under = x, sh.energy
                self.has_under_shot = True
                if self.kept == 1 and self.e_over is not None:
                    self.e_over /= 2
                self.kept = 1

    def inside(self, x):
        if not mpmath.isfinite(x):
            return False
        if self.x_over is None:
            return (x - self.x_under) * self.direction > 0
        lo, hi = sorted((self.x_under, self.x_over))
        return lo < x < hi

    def next_point(self):
        a, b = self.x_under, self.x_over
        x = (a + b) / 2
        if self.e_under is not None and self.e_over is not None and self.e_over > 0 > self.e_under:
            xf = a - self.e_under * (b - a) / (self.e_over - self.e_under)
            if min(abs(xf - a), abs(xf - b)) > abs(b - a) / 64:
                x = xf
        return x
