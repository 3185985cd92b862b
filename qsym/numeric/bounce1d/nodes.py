r"""Node counting of radial profiles, and the node-aware shot of the excited-state solver.

Two jobs, one concept (the zeros of a radial solution):

* :func:`count_sign_changes` counts the zeros of a recorded Taylor profile (the stored steps of a
  shot) on ``[0, R_match]``; beyond ``R_match`` the tail ``A r^{-nu} K_nu(m r)`` has one sign.
  The ground-state engine calls it on every answer (:func:`qsym.numeric.bounce1d.solver._check_ground`),
  the excited-state solver on its own.
* :func:`shoot_nodes` is one shot of the radial equation that goes *through* zeros of the field:

  .. math::  \psi'' + \frac{d-1}{r}\psi' = \tilde U'(|\psi|)\,\mathrm{sign}\,\psi

  i.e. the potential is taken as a function of the amplitude ``|psi|`` (a complex field's
  ``U(|Phi|)``, the Q-ball case; for an even U the same as ``U(psi)``).  Each Taylor step that
  crosses zero is cut at the crossing (Newton on the step's polynomial) and the state is
  reflected, ``(psi, psi', y, y') -> -(psi, psi', y, y')``: the integrator always carries
  ``chi = |psi| >= 0`` with the analytic model of U, and the recorded steps carry the sign.

A shot for an ``n``-node target is classified like a ground-state shot, with the crossings
counted: ``over`` after ``n + 1`` crossings; ``under`` when the field turns away from zero
before crossing (after at most ``n`` crossings); after the ``n``-th crossing and the following
turning point (the last "apex") the shot hands over to the ground-state stopping rules
(:class:`qsym.numeric.bounce1d.shoot._Stop`: linear tail, Newton deviation, final tolerance).
The number of crossings is non-decreasing in the centre value, so the ``n``-node solution is the
boundary between ``under`` (at most ``n`` crossings) and ``over`` (``n + 1``).
"""

from __future__ import annotations

import math

from qsym.errors import ConvergenceError
from qsym.numeric.bounce1d.shoot import (DEVIATION_FRACTION, DEVIATION_FRACTION_FINAL, MAX_STEPS, _next_beta,
                                         _Overflow, _Shot, _step_integrals, _step_scale, _Stop)
from qsym.numeric.kernels import taylor as tay
from qsym.numeric.kernels.taylor import Arith, Step

__all__ = ["count_sign_changes", "shoot_nodes", "sign_samples", "CROSSING_ITER"]

#: Newton / bisection iterations that locate a zero inside one Taylor step
CROSSING_ITER = 200
#: sample points per step (besides its ends) when counting sign changes of a recorded profile
SAMPLES_PER_STEP = 4
#: the first step is redone with a smaller trial scale when its step is below this fraction of it
FIRST_STEP_RESCALE = 0.25
#: values below this many units of 2**-P (fixed point) or 2**-40 (floats) carry no sign
NOISE_ULPS = 2 ** 20


def sign_samples(A: Arith, steps: list, attr: str = "b") -> list:
    """Values (floats) of a recorded profile (``attr="b"``) or of its variation ``y``
    (``attr="Y"``) at the ends and a few interior points of every stored step."""
    out = []
    for st in steps:
        coeffs = getattr(st, attr)
        if coeffs is None:
            continue
        shift = st.shift if attr == "b" else 0.0
        sig = A.to_float(st.sigma)
        for j in range(SAMPLES_PER_STEP + 2):
            s = A.from_float(sig * j / (SAMPLES_PER_STEP + 1))
            out.append(A.to_float(tay.horner(A, coeffs, s)[0]) + shift)
    return out


def count_sign_changes(A: Arith, steps: list, attr: str = "b") -> int:
    r"""Number of sign changes of a recorded profile on the stored steps (rounding noise ignored).

    .. math::  n = \#\{\, r \in (0, R] : \psi(r) = 0,\ \psi \text{ changes sign} \,\}

    >>> from qsym.numeric.kernels.taylor import Arith, Step
    >>> A = Arith(None)
    >>> count_sign_changes(A, [Step(0.0, 1.0, 1.0, [1.0, -2.0]), Step(1.0, 1.0, 1.0, [-1.0, 2.0])])
    2
    """
    noise = (NOISE_ULPS * 2.0 ** -A.P) if A.fixed else 2.0 ** -40
    prev = 0
    changes = 0
    for v in sign_samples(A, steps, attr):
        if abs(v) <= noise or not math.isfinite(v):
            continue
        s = 1 if v > 0 else -1
        if prev and s != prev:
            changes += 1
        prev = s
    return changes


def _crossing(A: Arith, b: list, s_hi):
    """The zero of ``sum b_k s^k`` in ``(0, s_hi)`` (``b(0) > 0 > b(s_hi)``): safeguarded Newton."""
    lo, hi = 0 * s_hi, s_hi
    v0 = tay.horner(A, b, hi)[0]
    v_lo = b[0]
    # linear interpolation start
    s = A.div(A.mul(hi, v_lo), v_lo - v0) if v_lo != v0 else (hi // 2 if A.fixed else hi / 2)
    tol = 4 if A.fixed else 4e-16 * float(hi)
    for _ in range(CROSSING_ITER):
        if not (lo < s < hi):
            s = (lo + hi) // 2 if A.fixed else (lo + hi) / 2
        v, dv = tay.horner(A, b, s)
        if v == 0:
            return s
        if v > 0:
            lo = s
        else:
            hi = s
        sn = s - A.div(v, dv) if dv else s
        if abs(sn - s) <= tol or hi - lo <= tol:
            return sn if lo <= sn <= hi else s
        s = sn
    raise ConvergenceError("a zero of the profile could not be located inside a Taylor step")


def _negate(v):
    return None if v is None else [-c for c in v]


class _Nodes:
    """Crossings and turning points of a node-aware shot (before the hand-over to :class:`_Stop`)."""

    def __init__(self, n: int):
        self.n = n
        self.crossings = 0
        self.sign = 1          # sign of psi = sign * chi
        self.inward = True     # chi decreasing (towards zero)
        self.tail = n == 0     # past the last apex: the ground-state rules decide

    def reflect(self, state: tuple) -> tuple:
        """The state after a zero of psi, ``-(chi, chi', y, y')``; counts the crossing."""
        self.sign, self.crossings, self.inward = -self.sign, self.crossings + 1, False
        return tuple(-v for v in state)

    def classify(self, A: Arith, p, dp, r0, h, shift) -> str | None:
        """``under`` when chi turns away from zero before crossing; marks the apex after a crossing
        (and the hand-over to the ground-state rules after the n-th); None: go on."""
        pf, dpf, rf = A.to_float(p) + shift, A.to_float(dp), A.to_float(r0)
        if not (math.isfinite(pf) and math.isfinite(dpf) and A.to_float(h) > 0):
            raise _Overflow(f"the shot overflowed near r = {rf:.3g}/m")
        if rf > 1e7:
            raise ConvergenceError("excited-state integration ran past r = 1e7 m^-1")
        if self.inward and dpf > 0:
            return "under"
        if not self.inward and dpf < 0:
            self.inward = True
            self.tail = self.crossings == self.n
        return None


def shoot_nodes(side, x, n: int, tol_final_log2: float, quad: bool = False, newton: bool = True,
                newton_trust: float = math.inf) -> _Shot:
    r"""One node-aware shot for the ``n``-node solution (see the module docstring).

    Returns a :class:`~qsym.numeric.bounce1d.shoot._Shot` (state at the end in the reflected
    variable ``chi = |psi|``; the stored steps carry the sign of psi) with an extra attribute
    ``crossings``.  ``reason``: ``over`` (n + 1 crossings), ``under`` (turned back after at most n),
    ``deviate`` / ``final`` as in :func:`qsym.numeric.bounce1d.shoot._shoot`.

    .. math::  (\psi, \psi', y, y') \to -(\psi, \psi', y, y') \quad \text{at each zero of } \psi

    >>> from qsym.numeric.bounce1d.problem import PolyPotential, _Problem
    >>> from qsym.numeric.bounce1d.side import _Side
    >>> side = _Side(_Problem(PolyPotential([0, 0, "1/2", -1]), 3, 1, None), 1, None)
    >>> [shoot_nodes(side, v, 1, -50, newton=False).crossings for v in (2.0, 12.0)]
    [0, 2]
    """
    A = side.A
    d = side.d
    N = A.order
    r0, p, dp, y, dy, r_start, shift = side.start(x)
    h = A.one if not r0 else A.from_float(1.0)
    store = [] if quad else None
    var = newton or quad
    beta = None
    stop = _Stop(side, tol_final_log2, newton, newton_trust,
                 DEVIATION_FRACTION_FINAL if quad else DEVIATION_FRACTION)
    M = side.model_shifted if shift else side.model
    acc = [0] * 6
    binom = [math.comb(d - 1, j) for j in range(d)]
    JP = min(len(M.poly) if M.poly is not None else N, N)
    step_work = N * JP * ((A.P or 64) // 64 + 1)
    nd = _Nodes(n)
    steps = 0
    reason = None
    while True:
        steps += 1
        if steps > MAX_STEPS:
            raise ConvergenceError("excited-state integration took too many steps; try a smaller dps")
        side.prob.charge(step_work)
        powers = {} if quad and A.fixed and M.poly is not None else None
        b, Y, c, F = tay.step_coeffs(M, p, dp, y, dy, r0, h, N, var=var, beta=beta, out=powers)
        sig, grow = _step_scale(A, b, h, shift, quad and stop.reached)
        if not r0 and sig < FIRST_STEP_RESCALE:
            # the first step from the centre with its trial scale h = 1 far above the radius of
            # convergence (large phi(0)): coefficients up to 2**(hundreds) lose the reduced-precision
            # sensitivities of the recorded shot; redo it with h = sig so that they are O(1)
            h = A.mul(h, A.from_float(sig))
            steps -= 1
            continue
        if beta is not None or not side.prob.poly:
            beta, redo = _next_beta(A, b, sig, grow, beta)
            if redo:
                steps -= 1
                continue
        s = A.from_float(sig)
        pn, dv = tay.horner(A, b, s)
        crossed = False
        if not nd.tail and pn + (A.from_float(shift) if shift else 0) < 0:
            if shift:
                raise ConvergenceError("the profile crossed zero inside the thin-wall shift region; "
                                       "try a larger dps")
            s = _crossing(A, b, s)
            pn, dv = tay.horner(A, b, s)
            crossed = True
        yn = dyv = 0
        if var:
            yn, dyv = tay.horner(A, Y, s)
        if quad:
            sgn = nd.sign
            store.append(Step(r0, h, s, b if sgn > 0 else _negate(b), shift,
                              Y if sgn > 0 else _negate(Y)))
            bs = [b[0] + shift] + b[1:] if shift else b
            q = _step_integrals(A, d, binom, r0, h, s, bs, Y, c, F, N, powers, (pn, dv))
            acc = [a + v for a, v in zip(acc, q)]
        r0 = r0 + A.mul(h, s)
        p, dp = pn, A.div(dv, h)
        y, dy = yn, (A.div(dyv, h) if var else 0)
        h = A.mul(h, A.from_float(grow))
        if shift and A.to_float(p) + shift < 0.5 * shift:
            p = p + shift                   # floats only (fixed point never shifts)
            shift = 0.0
            M = side.model
        if crossed:
            # reflect: integrate chi = |psi| with the same analytic model
            p, dp, y, dy = nd.reflect((p, dp, y, dy))
            beta = None
            if nd.crossings > n:
                reason = "over"
                break
        elif nd.tail:
            if stop.check(A, r0, p, dp, y, dy, h, shift):
                reason = stop.reason
                nd.crossings += reason == "over"    # the (n+1)-th zero, not followed
                break
        else:
            reason = nd.classify(A, p, dp, r0, h, shift)
            if reason:
                break
    sh = _Shot(reason, stop.reached, r0, p, dp, y, dy, steps, stop.min_psi, store,
               dict(zip(("T", "V", "Q", "dT", "dV", "dQ"), acc)) if quad else None, r_start, shift,
               stop.energy if reason == stop.reason else 0.0)
    sh.crossings = nd.crossings
    sh.sign = nd.sign
    return sh
