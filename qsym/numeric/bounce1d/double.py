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
#: the double path tries Newton on shots that came this close to the false vacuum
NEWTON_PSI = 0.1
#: the bracket search gives up beyond phi(0) = MAX_PSI0 * phi_e (no overshoot)
MAX_PSI0 = 2.0 ** 20
#: safety cap on Newton / bisection iterations
MAX_ITER = 200
#: decimal digits of the double path (float64 has 15.95)
DOUBLE_DIGITS = 15


def _double_solve(side: _Side):
    """Bracket, bisect, then Newton, in floats.  Returns (x, |dx|, shot, counts).

    Bisection (shots run to their overshoot/undershoot event) continues until
    a shot follows the bounce into the linear tail, ``|psi| < PSI_LINEAR``;
    Newton then takes over, each step kept inside the bracket.  The parameter
    itself is kept as an mpf with 20 guard bits: in a thin wall ``x = ln(delta)``
    is large and a float would resolve it too coarsely.
    """
    with mpmath.workprec(side.prec):
        return _double_solve_body(side)


def _double_solve_body(side: _Side):
    tol_log2 = -float(DOUBLE_DIGITS + 2) * math.log2(10)
    x0, direction = side.x_bracket()
    br = _Bracket(mpmath.mpf(x0), direction)
    counts = {"bracket": 0, "bisection": 0, "newton": 0}
    # x resolution of a float shot (rounding in the profile moves the root by
    # a few ulps of x); Newton steps or brackets below it mean convergence
    x_tol = 2.0 ** -44

    def shoot(x, key, quad=False):
        counts[key] += 1
        sh = _shoot(side, x, tol_log2, quad=quad, newton_trust=NEWTON_TRUST)
        br.record(x, sh)
        return sh

    # 1. bracket: from the undershooting end (or a thin-wall estimate) outwards
    guess = side.thin_wall_guess()
    if guess is not None:
        x = mpmath.mpf(guess)
        stepsize = 1.0
    else:
        stepsize = 1.0 if side.thin else max(1.0, float(x0))
        x = br.x_under + direction * stepsize
    sh = None
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
            break
        if sh.min_psi < NEWTON_PSI and abs(_newton_step(side, sh)) <= NEWTON_TRUST:
            break  # close enough for Newton already
        stepsize *= 2
        if sh.reason == "under":
            x = x + direction * stepsize
        else:  # overshoot from a thin-wall guess: move back towards the undershoot
            x = x - direction * stepsize
            if (x - br.x_under) * direction <= 0:
                x = 0.5 * (br.x_under + br.x_over)
    else:
        raise NoSolutionError("no overshoot found: the shooting never crosses the false vacuum; "
                              "check that the potential has a barrier and a region with U < 0")
    # 2. Illinois on the event energy until a shot reaches the linear tail and
    #    proposes a trusted Newton step; then Newton, guarded by the bracket
    dxa = math.inf
    for it in range(MAX_ITER):
        if sh.min_psi < NEWTON_PSI:
            dx = _newton_step(side, sh)
            if side.dx_rel(x, dx) <= x_tol:
                return x, float(abs(dx)), sh, counts
            xn = x + dx
            if abs(dx) <= NEWTON_TRUST and br.inside(xn):
                dxa = float(abs(dx))
                x = xn
                # a step this small makes the next shot the last one (order 3/2):
                # give it the quadratures right away
                sh = shoot(x, "newton", quad=side.dx_rel(x, dx) <= x_tol ** 0.6)
                continue
        if sh.reason not in ("over", "under"):
            # a deviate/final stop without a usable step: classify it
            counts["bisection"] += 1
            sh = _shoot(side, x, tol_log2, newton=False)
            br.record(x, sh)
        if br.x_over is None:
            # Newton gave up before an overshoot was seen: resume the outward search
            stepsize *= 2
            x = br.x_under + direction * stepsize
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
