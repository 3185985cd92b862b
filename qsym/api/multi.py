r"""Multi-field bounces and Q-balls of a :class:`~qsym.symbolic.potential.Potential`.

The Potential-level entry points of the multi-field engine (:mod:`qsym.numeric.bounce_nd`):
``U`` is made numeric once per potential (:mod:`qsym.bridge`), ``U_omega`` for every omega
from it (:class:`~qsym.numeric.bounce_nd.shifted.ShiftedND`, exact omega^2, and the exact
polynomial of ``U_omega`` when U is a polynomial, for the fixed-point high-precision
residual), and bounces of the same potential at nearby omega start from the nearest one
solved before (checked to continue it).

.. math::  U_\omega = U - \frac{\omega^2}{2}\sum_k q_k^2 \phi_k^2, \qquad
           Q = \omega \sum_k q_k^2 \int \phi_k^2\, d^3x, \qquad E = S_\omega + \omega Q

API layer.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import sympy as sp

from qsym.bridge import evaluate, numeric_nd, to_fraction
from qsym.bridge.arbnd import arb_gradient_nd
from qsym.errors import InputError, NoFalseVacuumError, OutsideWindowError
from qsym.numeric.bounce_nd import MultiBounceResult, MultiQBallResult, ShiftedND, solve_bounce_multi
from qsym.numeric.bounce_nd.arbgrad import ArbGradientND
from qsym.symbolic.potential import parse_value

__all__ = ["bounce_multi", "qball_multi", "MultiFamily"]

#: solved bounces kept per family
WARM_SOLVED = 64
#: a solved bounce of the family is a warm start for an omega within this relative distance
WARM_REL = 0.1
#: a warm-started bounce must continue its start: |S - S0 + (Q + Q0)(omega - omega0)/2| (the
#: trapezoid rule for dS_omega/domega = -Q) below this fraction of |S - S0|, plus WARM_ABS |S|
WARM_TOL = 0.1
WARM_ABS = 1e-8
#: a high-precision solution at the same dps within this relative distance in omega is
#: preferred as the start (its high-precision profile is reused)
HP_NEAR = 1e-8



def _poly_of(U, fields):
    """U as ``{exponents: Fraction}`` when it is a polynomial with rational coefficients, else None."""
    try:
        pl = sp.Poly(U, *fields)
    except sp.PolynomialError:
        return None
    out = {}
    for mon, coef in pl.terms():
        if not coef.is_Rational:
            return None
        out[tuple(int(v) for v in mon)] = Fraction(int(coef.p), int(coef.q))
    return out


class MultiFamily:
    """U of a Potential made numeric once; ``U_omega`` for every omega from it (no lambdify
    per omega), and the bounces solved so far (warm starts for nearby omega).

    A family is created by the caller that wants warm starts (e.g. one Q-ball search) and
    passed to :func:`bounce_multi` / :func:`qball_multi` as ``family=``; nothing is kept
    between calls otherwise, so a bounce never depends on what was solved before it.
    """

    def __init__(self, potential):
        self.potential = potential
        self.num = numeric_nd(potential.U(), potential.fields)
        try:
            self.c = [to_fraction(q ** 2) for q in potential.charges]
        except InputError:
            self.c = None        # irrational charges: U_omega made numeric per omega
        self.poly = _poly_of(potential.U(), potential.fields)
        if self.poly is None:
            # a non-polynomial U: U and its gradient at high precision from one Arb program
            prog = arb_gradient_nd(potential.U(), potential.fields)
            if prog is not None:
                self.num = ArbGradientND(self.num, *prog)
        self.solved = []

    def numeric(self, w):
        """The numeric ``U_omega`` (``w`` exact SymPy number)."""
        w2 = w ** 2
        if self.c is not None and w2.is_Rational:
            return ShiftedND(self.num, self.c, Fraction(int(w2.p), int(w2.q)), poly=self.poly)
        P = self.potential
        return numeric_nd(P.U_omega(w).subs(P.values), P.fields)

    def nearest(self, wf, dim, dps=None):
        """The solved bounce to start from at ``wf``, as (omega, result), or None: a solution at
        the same ``dps`` within HP_NEAR (relative) first, else the nearest within WARM_REL."""
        cand = [(abs(w - wf), w, r) for w, r in self.solved if r.dim == dim]
        if not cand:
            return None
        near = abs(wf) * HP_NEAR
        dist, w, r = min(cand, key=lambda t: (not (t[0] <= near and t[2].dps == dps), t[0]))
        return (w, r) if dist <= WARM_REL * abs(wf) else None

    def add(self, wf, res):
        self.solved.append((wf, res))
        if len(self.solved) > WARM_SOLVED:
            self.solved.pop(0)

    def charge(self, wf, res):
        """Q = omega sum_k q_k^2 int phi_k^2 (float)."""
        return wf * sum(float(ck) * float(I) for ck, I in zip(self.c, res.charge_integrals))

    def continues(self, w0, r0, wf, r1):
        """Whether ``r1`` (at wf) continues ``r0`` (at w0): the trapezoid rule for
        dS_omega/domega = -Q."""
        S0, S1 = float(r0.action), float(r1.action)
        jump = S1 - S0 + (self.charge(w0, r0) + self.charge(wf, r1)) * (wf - w0) / 2
        return abs(jump) <= WARM_TOL * abs(S1 - S0) + WARM_ABS * abs(S1)


def bounce_multi(potential, omega=None, dim: int = 3, dps: int | None = None,
                 family: MultiFamily | None = None) -> MultiBounceResult:
    r"""Bounce of a :class:`~qsym.symbolic.potential.Potential` with any number of fields.

    With ``omega`` the bounce of ``U_omega = U - omega^2/2 sum_k q_k^2 phi_k^2``
    (paper eq (5), each field with its own charge).  ``result.as_dict()`` is the
    CLI payload (action, phi0, dps, error, ...).  With a :class:`MultiFamily` of the same
    potential as ``family``, bounces at nearby omega start from the nearest one that family
    solved before (and are checked to continue it).
    An omega at which the origin is no longer a minimum of ``U_omega`` raises
    :class:`~qsym.errors.OutsideWindowError`.

    .. math::  S_\omega = \int d^dx\,\Big[\tfrac12|\nabla\phi|^2 + U_\omega(\phi)\Big]

    Examples
    --------
    >>> from qsym.symbolic.potential import Potential
    >>> P = Potential("a**2/2 - a**3 + b**2 + a**2*b**2", ["a", "b"])
    >>> round(bounce_multi(P).action, 9)
    4.851137413
    """
    fam = family if family is not None else MultiFamily(potential)
    try:
        if omega is None:
            return solve_bounce_multi(fam.num, dim=dim, dps=dps)
        w = parse_value(omega)
        num = fam.numeric(w)
        wf = float(w)
        near = fam.nearest(wf, dim, dps) if fam.c is not None else None
        res = solve_bounce_multi(num, dim=dim, dps=dps, start=near[1] if near else None)
        if near and res.iterations.get("warm_start") and not fam.continues(near[0], near[1], wf, res):
            res = solve_bounce_multi(num, dim=dim, dps=dps)
        if fam.c is not None:
            fam.add(wf, res)
        return res
    except NoFalseVacuumError as exc:
        if omega is not None and "non-degenerate minimum" in str(exc):
            raise OutsideWindowError(f"omega = {omega} is too large: U_omega has no false vacuum at the "
                                     "origin (omega^2 q_k^2 must stay below the masses^2)") from None
        raise


def qball_multi(potential, omega, dim: int = 3, dps: int | None = None,
                family: MultiFamily | None = None) -> MultiQBallResult:
    r"""The multi-field Q-ball at frequency ``omega``: charge, energy, per-field charges.

    ``Q = omega sum_k q_k^2 int phi_k^2`` and ``E = S_omega + omega Q``, where
    ``S_omega`` is the bounce action in ``U_omega`` (paper eq (8) at its
    stationary point).  ``status`` is the bounce's.

    .. math::  Q = \omega\sum_k q_k^2\int\phi_k^2\,d^3x, \qquad E = S_\omega + \omega Q

    Examples
    --------
    >>> from qsym.symbolic.potential import Potential
    >>> P = Potential("x**2/2 + y**2 - 3*x**2*y + x**4 + y**4", ["x", "y"], charges=[1, 0])
    >>> q = qball_multi(P, "3/4")
    >>> round(q.charge, 6), q.charges[1], q.status
    (96.15262, 0.0, 'converged')
    """
    w = parse_value(omega)
    res = bounce_multi(potential, omega=w, dim=dim, dps=dps, family=family)
    wp = dps if dps is not None else 20
    with mpmath.workdps(wp + 5):
        wm = evaluate(w, wp + 5)
        q2 = [evaluate(q ** 2, wp + 5) for q in potential.charges]
        ch = [wm * q2[k] * mpmath.mpf(res.charge_integrals[k]) for k in range(len(q2))]
        Q = mpmath.fsum(ch)
        E = mpmath.mpf(res.action) + wm * Q
    conv = float if dps is None else (lambda v: +v)
    with mpmath.workdps(wp):
        return MultiQBallResult(omega=conv(wm), charge=conv(Q), energy=conv(E),
                                charges=tuple(conv(c) for c in ch), error=res.error,
                                dps=dps, bounce=res, status=res.status, stats=res.stats)
