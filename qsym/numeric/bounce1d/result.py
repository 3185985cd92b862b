r"""The result of a single-field bounce and its assembly from the recorded shot.

:func:`_finish` adds the closed-form pieces to the shot's quadratures (tail beyond
``R_match``, interior of a thin-wall bubble; :mod:`qsym.numeric.kernels.tails`) and
forms the error estimate; the action is returned both directly and in virial form,

.. math::  S = T + V, \qquad S_{\rm virial} = \frac{2}{d} T .
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Callable

import mpmath

from qsym.errors import InputError
from qsym.numeric.bounce1d.shoot import _Shot, second_order, sensitivity_bits
from qsym.numeric.bounce1d.side import _Side
from qsym.numeric.kernels import tails
from qsym.results import CONVERGED, REDUCED, Result, latex_pm, latex_rows as _latex_rows, number_text

@dataclass(frozen=True)
class BounceResult(Result):
    r"""A radial bounce and its integrals (physical units of the input).

    ``action`` is ``S = T + V`` (direct), ``action_virial`` is ``(2/d) T``;
    ``error`` estimates the relative error of ``action``; ``profile_error``
    bounds the absolute error of the profile (same units as phi).
    ``profile(r)`` and ``dprofile(r)`` evaluate ``phi`` and ``phi'`` at the
    working precision for any ``r >= 0`` (Taylor series inside ``R_match``, the
    asymptotic Bessel form beyond).  ``charge_integral`` is ``int phi^2 d^dx``.
    ``nodes`` counts the sign changes of the profile (counted on the recorded Taylor steps; the
    ground-state solver raises ConvergenceError unless it is 0).
    ``iterations`` (also ``stats``) counts the shots of each phase; ``status`` is
    :data:`~qsym.results.CONVERGED` or :data:`~qsym.results.REDUCED` (error above the tolerance).

    .. math::  S = \Omega_d \int_0^\infty \Big(\tfrac12 \phi'^2 + U(\phi)\Big) r^{d-1} dr

    >>> from qsym.numeric.bounce1d import PolyPotential, solve_bounce
    >>> r = solve_bounce(PolyPotential([0, 0, "1/2", -1]), dps=20)
    >>> sorted(r.to_json())[:4], r.status
    (['R_match', 'action', 'action_virial', 'charge_integral'], 'converged')
    """

    VALUES = ("action", "action_virial", "phi0", "charge_integral")

    phi0: object
    action: object
    action_virial: object
    kinetic: object
    potential: object
    charge_integral: object
    error: object
    profile_error: object
    dps: int | None
    dim: int
    sign: int
    R_match: object
    iterations: dict
    status: str
    profile: Callable = field(repr=False, compare=False)
    dprofile: Callable = field(repr=False, compare=False)
    #: sign changes of the profile on (0, inf), counted on the recorded steps (0: the ground state)
    nodes: int = 0

    @property
    def stats(self) -> dict:
        """The shot counts (``iterations``) under the shared name of :class:`qsym.results.Result`."""
        return self.iterations

    def to_json(self, dps: int | None = None) -> dict:
        """The payload of ``qsym bounce --json``: action, action_virial, phi0, charge_integral
        (``dps`` digits), R_match (10 digits), dim, sign, dps, error (3 digits), iterations, status."""
        d = dps if dps is not None else (self.dps or 15)
        out = {name: number_text(getattr(self, name), d) for name in self.VALUES}
        out.update(R_match=number_text(self.R_match, 10), dim=self.dim, sign=self.sign, dps=d,
                   error=number_text(self.error, 3), iterations=dict(self.iterations), status=self.status)
        return out

    def _repr_latex_(self) -> str:
        """Jupyter: the action and the central value with their errors."""
        return _latex_rows([
            ("S", latex_pm(self.action, self.error, dps=self.dps)),
            (r"\phi(0)", latex_pm(self.phi0, self.profile_error, relative=False, dps=self.dps)),
        ], f"bounce in d = {self.dim}, {self.status}")


def _finish(prob, side: _Side, x, dx, sh: _Shot, counts, dps, tol):
    r"""Assemble a BounceResult from the final (quadrature) shot (status against ``tol``).

    The shot ran at ``x``; the result is that of ``x + dx`` (the last Newton correction)
    to first order: ``T``, ``V``, ``int psi^2`` plus ``dx`` times their x-derivatives, the
    tail matched with the slope ``kappa psi`` at the corrected amplitude
    ``psi(R) + dx y(R)``, the profile ``psi + dx y``.  With that tail ``S = T + V`` is
    stationary in x, so the remainder is second order (:func:`shoot.second_order`).

    .. math::  \frac{dS}{dx} = R^{d-1}\, y(R)\,\big(\psi'(R) - \kappa \psi(R)\big) = 0 \text{ at the bounce}
    """
    A = side.A
    d = side.d
    prec = side.prec
    with mpmath.workprec(prec):
        R = A.to_mpf(sh.R)
        pR = A.to_mpf(sh.p) + sh.shift
        yR = A.to_mpf(sh.y)
        q = {k: A.to_mpf(v) for k, v in sh.quad.items()}
        tl = tails.tail_integrals(d, R, pR + dx * yR)
        Aamp = tl["A"]
        T = q["T"] + dx * q["dT"] + tl["T"]
        V = q["V"] + dx * q["dV"] + tl["V"]
        Q2 = q["Q"] + dx * q["dQ"] + tl["Q"]
        r1 = sh.r_start
        if r1:
            # interior of a thin-wall bubble, psi = psi_t - delta Lambda(r), in closed form
            mu, pt = side.mu, side.psi_t
            delta = mpmath.exp(x + dx)
            lam, dlam = side.lam(r1)
            IL2 = tails.regular_sq_integral(d, mu, r1)
            vol = r1 ** d / d
            T += delta ** 2 / 2 * (r1 ** (d - 1) * lam * dlam - mu ** 2 * IL2)
            V += side.deriv_scaled(0, pt) * vol + mu ** 2 * delta ** 2 / 2 * IL2
            Q2 += pt ** 2 * vol - 2 * pt * delta * r1 ** (d - 1) * dlam / mu ** 2 + delta ** 2 * IL2
        S = T + V
        Sv = 2 * T / d
        P = side.P if side.P else 53
        e_vir = abs(S - Sv) / abs(S)
        # second-order remainder of the corrections, and the reduced precision
        # (sensitivity_bits) of the derivatives they use
        Pr = sensitivity_bits(P) if side.P else P
        e_der = (abs(q["dT"]) + abs(q["dV"]) + abs(q["dQ"])) * abs(dx) * mpmath.mpf(2) ** (16 - Pr)
        e_x = (second_order(side, sh, dx) + e_der) / abs(S)
        e_tail = side.c3 * abs(pR) ** 3 * R ** (d - 1) / abs(S)
        # rounding: a few units of 2**-P per step, relative to O(1) integrals
        e_round = 4 * mpmath.mpf(sh.steps) * mpmath.mpf(2) ** (-P)
        # profile: psi + dx y, second order in dx (growing mode, largest at R), the
        # reduced precision of y, plus rounding; absolute, in units of phi_e
        ydx = abs(dx) * max(abs(yR), 1)
        # (beyond R: the linear tail, relative error ~ c3 psi(R) from the neglected cubic)
        prof_err = ydx ** 2 + ydx * mpmath.mpf(2) ** (16 - Pr) + mpmath.mpf(2) ** (-P) * sh.steps \
            + 2 * side.c3 * pR ** 2
        if not side.P:
            # floats: dx itself is rounding noise, amplified through the wall like the
            # growing mode (measured: the correction does not reduce it); first order
            prof_err += ydx
        # the returned numbers are rounded to dps digits (or to float64)
        e_repr = mpmath.mpf(2) ** (1 - (mpmath.libmp.dps_to_prec(dps) if dps else 53))
        err = e_vir + e_x + e_tail + e_round + e_repr
        if not side.P:
            # floats: the charge integral is not stationary in x (the action is), and the corrected
            # x is still uncertain by a few |dx| (rounding noise through the wall): first order in Q
            err += 4 * abs(q["dQ"] * dx) / abs(Q2) if Q2 else 0
        omega = 2 * mpmath.pi ** (mpmath.mpf(d) / 2) / mpmath.gamma(mpmath.mpf(d) / 2)
        ps, m = side.phi_s, side.m
        fac = omega * ps ** 2 * m ** (2 - d)
        out = dict(S=fac * S, Sv=fac * Sv, T=fac * T, V=fac * V,
                   Q=omega * ps ** 2 * m ** (-d) * Q2, err=err,
                   phi0=ps * side.psi0(x + dx), R=R / m,
                   perr=abs(ps) * (prof_err + e_repr * abs(side.psi0(x + dx))))
    prof, dprof = _make_profile(side, sh, Aamp, dps, dx)
    if dps is None:
        conv = float
    else:
        def conv(v):
            with mpmath.workdps(dps):
                return +v
    return BounceResult(
        phi0=conv(out["phi0"]), action=conv(out["S"]), action_virial=conv(out["Sv"]),
        kinetic=conv(out["T"]), potential=conv(out["V"]), charge_integral=conv(out["Q"]),
        error=conv(out["err"]), profile_error=conv(out["perr"]), dps=dps, dim=d,
        sign=side.sign, R_match=conv(out["R"]),
        iterations=counts, status=CONVERGED if out["err"] <= tol else REDUCED, profile=prof, dprofile=dprof)


def _make_profile(side: _Side, sh: _Shot, Aamp, dps, dx=0):
    """phi(r) and phi'(r) in physical units from the recorded Taylor steps (corrected by ``dx y``)."""
    A = side.A
    steps = sh.store
    prec = side.prec
    ps, m = side.phi_s, side.m
    with mpmath.workprec(prec):
        starts = [A.to_mpf(st.r0) for st in steps]
        hs = [A.to_mpf(st.h) for st in steps]
        ends = [starts[i] + hs[i] * A.to_mpf(st.sigma) for i, st in enumerate(steps)]
        R = ends[-1]
        r_start = sh.r_start if sh.r_start is not None else mpmath.mpf(0)
        delta = mpmath.exp(side.x_final) if side.thin else None
    out_prec = prec if dps is not None else 53
    coeffs: dict = {}    # step index -> its Taylor coefficients as mpf (converted once per step)

    def _eval(r, deriv):
        with mpmath.workprec(prec):
            r = mpmath.mpf(r) * m
            if r < 0:
                raise InputError("the profile is defined for r >= 0")
            if r > R:
                v = tails.tail_profile(side.d, Aamp, r, deriv=deriv)
            elif side.thin and r < r_start:
                if deriv:
                    lam, dlam = side.lam(r) if r > 0 else (mpmath.mpf(1), mpmath.mpf(0))
                    v = -delta * dlam
                else:
                    v = side.psi_t - delta * (tails.regular_value(side.d, side.mu, r) if r > 0 else 1)
            else:
                i = max(0, bisect.bisect_right(starts, r) - 1)
                st = steps[i]
                s = (r - starts[i]) / hs[i]
                cs = coeffs.get(i)
                if cs is None:
                    cs = [A.to_mpf(c) for c in st.b]
                    if st.Y is not None and dx:
                        cs = [c + dx * A.to_mpf(v) for c, v in zip(cs, st.Y)]
                    coeffs[i] = cs
                if deriv:
                    v = mpmath.polyval([k * cs[k] for k in range(len(cs) - 1, 0, -1)], s) / hs[i]
                else:
                    v = mpmath.polyval(cs[::-1], s) + st.shift
            v = ps * v * (m if deriv else 1)
        with mpmath.workprec(out_prec):
            return +v if dps is not None else float(v)

    return (lambda r: _eval(r, False)), (lambda r: _eval(r, True))
