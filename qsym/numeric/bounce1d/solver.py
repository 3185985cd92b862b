r"""High-precision radial bounce of a single field.

Solves

.. math::  \phi'' + \frac{d-1}{r}\phi' = U'(\phi), \qquad \phi'(0) = 0,
           \quad \phi(\infty) = 0,

for a false vacuum at the origin (``U(0) = U'(0) = 0 < U''(0) = m^2``) in
``d >= 2`` Euclidean dimensions (``d = 3``: the Q-ball problem of the paper's
section 3; ``d = 4``: vacuum decay), in whichever direction of the field the
escape takes.

Method (chosen by measurement, see ``benchmarks/bench_bounce.py``):

* Units: the field in units of the escape point ``phi_e`` (``U(phi_e) = 0``,
  the edge of the classically forbidden region, taken with its sign) and the
  radius in units of ``1/m``; every tolerance below is then absolute in O(1)
  quantities, and a negative escape is the same problem.
* Integration: a Taylor-series method whose coefficients come from exact
  recurrences (:mod:`qsym.numeric.kernels.taylor`), in Python floats for the double
  path and in fixed-point big integers (gmpy2 ``mpz``) with
  ``dps + GUARD_DIGITS`` digits otherwise; order and step follow from the
  working precision.  Polynomial U: exact Taylor shifts of its coefficients;
  other analytic U: exact derivatives from the bridge (slower, same accuracy).
* Shooting parameter ``x``: ``phi(0)`` itself, or, when the potential has a
  second minimum ``phi_t`` beyond the barrier, ``x = ln(phi_t - phi(0))``.  In
  the thin-wall regime ``phi(0)`` is exponentially close to ``phi_t``; the
  integration then starts inside the bubble from the linearised solution
  about ``phi_t`` where its amplitude is ``eta = 2**(-P/2)`` (neglected
  ``eta**2 = 2**-P``).  So that this small start keeps P significant bits,
  fixed point uses 3P/2 bits there and floats integrate ``psi - phi_t`` until
  the wall.
* Matching: at a radius ``R`` the profile must follow the decaying solution of
  the linearised equation, ``r**(-nu) K_nu(m r)``, ``nu = d/2 - 1``:
  ``phi'(R) = kappa phi(R)`` with ``kappa = -m K_{nu+1}(mR)/K_nu(mR)`` (closed
  form for odd d).  The neglected nonlinearity shifts ``phi(0)`` by
  ``O(phi(R)**3)`` (the growing mode it induces is suppressed twice), so the
  last shot ends where ``|phi(R)|**3 R**(d-1)`` is below the tolerance.
* Root finding, double precision: a bracket of an undershoot and an
  overshoot (started from the thin-wall radius ``(d-1) sigma / eps`` when the
  wall is thin), Illinois regula falsi on the energy ``phi'^2/2 - U`` at the
  event (it vanishes linearly at the bounce), then Newton on ``x`` with the
  variational equation, steps kept inside the bracket and below
  ``NEWTON_TRUST``.  Each Newton shot ends where its predicted deviation from
  the bounce reaches a fraction of the field (beyond, the shot is no longer
  linear in ``x``); convergence is then of order 3/2.
* High precision: Newton from the double-precision root, each step at the
  precision its result can have (digits grow by 3/2 per step), until ``x`` is
  good to ``PREFINAL_FRACTION`` of the target; the next (first full-precision)
  shot is the recorded one, corrected to first order in its own Newton step
  ``dx`` (accepted once the second-order remainder ``R**(d-1) (y(R) dx)**2`` is
  below the tolerance, or at the rounding floor of ``x``).
* Integrals: ``T = int phi'^2/2``, ``V = int U`` and ``int phi^2`` over
  ``[0, R]`` exactly from the Taylor series of each step, the interior of a
  thin-wall bubble and the tail beyond ``R`` in closed form (Bessel
  integrals), plus ``dx`` times their x-derivatives (reduced precision).  The
  tail is matched with the slope ``kappa psi``, so ``S = T + V`` is stationary
  in ``x`` (``dS/dx = R**(d-1) y (psi' - kappa psi)``).  ``S`` and the
  Derrick/virial form ``S = (2/d) T`` are returned separately; their
  difference (first order in any profile error), the second-order remainder
  in ``dx``, the neglected cubic tail, a rounding bound and the rounding of
  the returned number make up the error estimate.

Measured on the 2-core test machine (``benchmarks/bench_bounce.py``): S_psi to
50 digits in about 0.2 s and to 100 digits in about 0.5 s; the double path
reaches ~3e-15 on S_psi in less time than CosmoTransitions' defaults
(which give ~5e-4).

>>> from qsym.numeric.bounce1d import PolyPotential
>>> res = solve_bounce(PolyPotential([0, 0, "1/2", -1]), dim=3, dps=20)
>>> mpmath.nstr(res.action, 15), res.error < mpmath.mpf(10)**-20
('4.85113741291635', True)
>>> abs(res.action - res.action_virial) < res.error * res.action
True
"""

from __future__ import annotations

import math
from typing import Callable

import mpmath

from qsym.errors import ConvergenceError, InputError
from qsym.numeric.bounce1d.double import DOUBLE_DIGITS, _double_solve
from qsym.numeric.bounce1d.nodes import count_sign_changes
from qsym.numeric.bounce1d.problem import MAX_POLY_DEGREE, _Problem
from qsym.numeric.bounce1d.result import BounceResult, _finish
from qsym.numeric.bounce1d.shoot import _newton_step, _shoot, second_order
from qsym.numeric.bounce1d.side import _Side
from qsym.numeric.kernels.precision import check_dps

__all__ = ["BounceResult", "solve_bounce", "solve_bounce_double", "MAX_POLY_DEGREE"]

#: extra decimal digits carried beyond the requested ``dps``
GUARD_DIGITS = 12
#: extra digits per requested digit beyond GUARD_DIGITS.  Was 0.06 while the tail used the
#: actual slope psi'(R) (dS/dx ~ y(R) ~ 10**(0.06 dps) then multiplied the residual dx);
#: with the kappa-psi tail S is stationary in x and the remainder is second order
#: (measured at dps 300: 310 correct digits unrounded at target 312, claimed 1.3e-310)
GUARD_PER_DIGIT = 0.0
#: digits gained per high-precision Newton step assumed when planning the
#: precision ladder (nominally 3/2; measured 1.35-1.41 at dps 1000, where the
#: error after a step is ~ y(R) dx**2): a rung that falls short of
#: PREFINAL_FRACTION costs a second full-precision shot
LADDER_GAIN = 1.35
#: extra digits of the shot before the recorded one beyond 2/3 of the target
PREFINAL_MARGIN = 5
#: fraction of the target digits x must have before the recorded shot: its integrals are
#: corrected to first order in the last Newton step dx, the remainder is ~ R**(d-1) y(R)**2 dx**2
#: with y(R) ~ 10**(0.35 target), so dx must be below ~10**(-0.85 target)
PREFINAL_FRACTION = 0.87
#: the double path raises if its (conservative) relative error estimate exceeds this
DOUBLE_TOL = 1e-12

#: an error estimate up to this factor above the tolerance is returned with status REDUCED
#: (a few digits short, honestly estimated); beyond it the solve raises ConvergenceError
REDUCED_FACTOR = 1e3


def _bits(digits: float) -> int:
    return int(math.ceil(digits * math.log2(10))) + 8


def _solve_side_double(prob, sign):
    side = _Side(prob, sign, None)
    x, dxa, sh, counts = _double_solve(side)
    if sh.quad is None:
        tol_log2 = -float(DOUBLE_DIGITS + 2) * math.log2(10)
        sh = _shoot(side, x, tol_log2, quad=True)
        counts["newton"] += 1
    dx = float(_newton_step(side, sh))
    side.x_final = x + dx
    return side, x, dx, sh, counts


def _solve_side_mp(prob, sign, dps):
    # double-precision start
    dside = _Side(prob, sign, None)
    x, dxa, _, counts = _double_solve(dside)
    return newton_ladder(prob, sign, x, dxa, counts, dps, _shoot)


def newton_ladder(prob, sign, x, dxa, counts: dict, dps: int, shoot, what: str = "the double-precision start"):
    r"""The high-precision Newton ladder from a double-precision start ``x`` (error ``dxa``): shots at growing
    precision, each gaining :data:`LADDER_GAIN` in digits, the last one recorded with quadratures and
    corrected to first order in its own Newton step.  ``shoot(side, x, tol_log2, quad)`` is the shot (the
    ground state's :func:`_shoot`, or a node-aware one for excited states); ``what`` names the basin in
    the messages.  Returns ``(side, x, dx, shot, counts)``.

    .. math:: x_{k+1} = x_k - \frac{\eta(x_k)}{\eta'(x_k)}, \qquad \text{digits}_{k+1} \approx
              \tfrac32\,\text{digits}_k
    """
    x = mpmath.mpf(x)
    cur_digits = max(1.0, -math.log10(max(dxa, 1e-300) / max(1.0, abs(float(x)))))
    cur_digits = min(cur_digits, 13.0)
    target = dps + GUARD_DIGITS + max(0, math.ceil(GUARD_PER_DIGIT * dps) - GUARD_DIGITS)
    counts["mp_newton"] = 0
    prev_final = None
    # precision ladder planned backwards from the target: each Newton step
    # gains a factor 3/2 in digits (LADDER_GAIN, with margin); the first
    # full-precision shot is already the recorded one (quadratures, corrected
    # to first order in its own Newton step)
    ladder = [float(target)]
    if target > 1.5 * cur_digits + 2:
        # the recorded shot runs to |psi|**3 R**(d-1) ~ 10**-target, where the
        # growing mode y/psi ~ 10**(2 target/3): x must already be good to
        # that (times DEVIATION_FRACTION_FINAL) for it to end 'final'
        # (2/3), plus the overshoot of the last tail step (~ R/e**2 long, so
        # ~0.09 target digits of growth): PREFINAL_FRACTION of the target
        ladder.append(PREFINAL_FRACTION * target + PREFINAL_MARGIN)
    while ladder[-1] > LADDER_GAIN * cur_digits + 2:
        ladder.append((ladder[-1] - 2) / LADDER_GAIN)
    ladder = ladder[::-1]
    for it in range(40):
        want = ladder.pop(0) if ladder else float(target)
        want = min(target, max(want, min(cur_digits + 2, target)))
        final = want >= target
        # the recorded shot (with quadratures) once x is good to PREFINAL_FRACTION
        # (the action's error after the first-order correction is ~ R**(d-1) (dx y(R))**2)
        quad = final and cur_digits >= PREFINAL_FRACTION * target
        P = _bits(want + 4)
        side = _Side(prob, sign, P)
        tol_log2 = -want * math.log2(10)
        if prob.progress is not None:
            prob.progress(f"bounce: Newton step {it + 1} at {want:.0f} digits "
                          f"(~{cur_digits:.0f} of {target} converged)")
        sh = shoot(side, x, tol_log2, quad)
        counts["mp_newton"] += 1
        if sh.reason in ("over", "under") and not sh.linear:
            raise ConvergenceError(f"high-precision Newton left the basin of {what}; try a smaller dps "
                                   "or check the potential")
        with mpmath.workprec(side.prec):
            dx = _newton_step(side, sh)
            rel = side.dx_rel(x, dx)
            if quad and sh.reason == "final":
                # converged, or at the rounding floor of x (thin walls: x = ln(delta)
                # is fixed only to the relative rounding of eta at the start; the
                # profile is not affected, and dS/dx * dx enters the error estimate)
                if second_order(side, sh, dx) <= mpmath.mpf(10) ** -target or (
                        prev_final is not None and abs(dx) >= abs(prev_final) / 4):
                    side.x_final = x + dx
                    return side, x, dx, sh, counts
                prev_final = dx
            x = x + dx
        # after the step the error is ~ rel**(3/2), at best what this shot resolves
        gained = 1.5 * float(-mpmath.log10(rel)) if rel else target
        cur_digits = max(cur_digits, min(want, gained))
        if final and sh.reason == "final":
            cur_digits = target
    raise ConvergenceError(f"high-precision shooting did not converge (dps={dps}); "
                           "try a larger dps or report the potential")


def _check_ground(side, sh) -> None:
    r"""The ground state has no node: count the sign changes of the recorded profile
    (:func:`qsym.numeric.bounce1d.nodes.count_sign_changes`) and refuse anything else.

    .. math::  \#\{r > 0 : \phi(r) = 0\} = 0
    """
    found = count_sign_changes(side.A, sh.store or [])
    if found:
        raise ConvergenceError(f"the bounce found has {found} node(s), not the ground state; "
                               "try another dps or use qsym.api.excited for excited states")


def _solve(num, dim, dps, sign, progress=None):
    if not hasattr(num, "coeffs") or not hasattr(num, "taylor"):
        raise InputError(f"expected a numeric potential (qsym.bridge.numeric_1d), got "
                         f"{type(num).__name__}")
    prob = _Problem(num, dim, sign, progress)
    if progress is not None and dps is not None:
        progress(f"bounce: double-precision start ({len(prob.sides)} direction(s))")
    results = []
    for s in sorted(prob.sides, reverse=True):
        if dps is None:
            side, x, dx, sh, counts = _solve_side_double(prob, s)
        else:
            side, x, dx, sh, counts = _solve_side_mp(prob, s, dps)
        tol = mpmath.mpf(10) ** -dps if dps else DOUBLE_TOL
        res = _finish(prob, side, x, dx, sh, counts, dps, tol)
        _check_ground(side, sh)
        if not res.error <= REDUCED_FACTOR * tol:
            raise ConvergenceError(f"bounce error estimate {mpmath.nstr(res.error, 3)} exceeds the "
                                   f"tolerance {mpmath.nstr(tol, 3)}; try a larger dps")
        results.append(res)
    return min(results, key=lambda r: r.action)


def solve_bounce(num, dim: int = 3, dps: int = 30, sign: int | None = None,
                 progress: Callable[[str], None] | None = None) -> BounceResult:
    r"""Bounce of a :class:`~qsym.bridge.Numeric1D` potential to ``dps`` digits.

    ``sign`` restricts the escape direction (+1 / -1); by default both sides
    with a region ``U < 0`` are solved and the lower action is returned.
    ``progress``, if given, is called with a short message at each
    high-precision Newton step (library code never prints).
    Raises InputError (bad input; NoFalseVacuumError, NotAnalyticError), NoSolutionError
    (no barrier/no bounce) or ConvergenceError (with a remedy); every solve ends within
    WORK_BUDGET.

    .. math::  \phi'' + \frac{d-1}{r}\phi' = U'(\phi), \quad \phi'(0) = 0, \quad \phi(\infty) = 0

    >>> from qsym.numeric.bounce1d import PolyPotential
    >>> r = solve_bounce(PolyPotential([0, 0, "1/2", -1]), dps=30)
    >>> mpmath.nstr(r.action, 25), r.status
    ('4.851137412916352874132294', 'converged')
    """
    dps = check_dps(dps)
    return _solve(num, dim, dps, sign, progress)


def solve_bounce_double(num, dim: int = 3, sign: int | None = None) -> BounceResult:
    r"""The fast double-precision path for scans (floats, same result object).

    Typical relative error 1e-15 to 1e-14 (estimate in ``error``, honest
    against the high-precision path); raises ConvergenceError if the estimate
    exceeds ``DOUBLE_TOL``.

    .. math::  S = \Omega_d \int_0^\infty \Big(\tfrac12 \phi'^2 + U(\phi)\Big) r^{d-1} dr

    >>> from qsym.numeric.bounce1d import PolyPotential
    >>> r = solve_bounce_double(PolyPotential([0, 0, "1/2", -1]))
    >>> abs(r.action - 4.851137412916352) < 1e-12, r.dps
    (True, None)
    """
    return _solve(num, dim, None, sign)
