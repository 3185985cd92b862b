r"""Q-ball existence, paper eq (9), from a :class:`~qsym.symbolic.potential.Potential`.

With ``phi_k(x, t) = exp(i q_k omega t) phi_k(r)`` the existence function is

.. math:: \mu^2(\phi) = \frac{2 U(\phi)}{\sum_k q_k^2 \phi_k^2},

and a Q-ball exists iff its infimum over ``phi != 0`` lies below its limit at
the origin ``m_0 = Potential.mu2_origin()``.  This module is the
Potential-level entry: :func:`mu2_minimum` takes the exact ray decomposition
of :func:`qsym.symbolic.rays.ray_data`, converts it once through
:mod:`qsym.bridge` (coefficients to Fractions or mpf, mu^2 to mpmath
callables) and runs the certified branch and bound of
:mod:`qsym.numeric.mu2.branch_bound`.  Any other analytic U (several fields, exp, log,
powers, higher degrees) goes to :mod:`qsym.numeric.mu2.nonpoly`: SymPy decides the large-field
behaviour (:func:`qsym.bridge.arbnd.large_field`), Arb programs of U
(:func:`qsym.bridge.arbnd.arb_program_nd`) bound mu^2 on boxes in between.
:func:`threshold_scan` and :func:`continuous_threshold_result` decide existence along a parameter.

>>> from qsym.symbolic.potential import Potential
>>> P = Potential("m**2*p**2/2 - A*p**3 + p**4", ["p"], params={"m": 1, "A": 1})
>>> r = mu2_minimum(P, dps=20)
>>> r.qball_exists, r.certified, r.mu2_min_str(12)
(True, True, '0.5')
"""

from __future__ import annotations

import functools
import itertools
from fractions import Fraction
from typing import Callable

import numpy as np
import sympy as sp

from qsym import bridge
from qsym.errors import DeeperVacuumError, InputError, UnboundedBelowError
from qsym.numeric.mu2.branch_bound import DEFAULT_RTOL, MAX_BOXES, minimize
from qsym.numeric.mu2.problem import Mu2Problem, OrthantData
from qsym.numeric.mu2.result import Mu2Result, ThresholdResult
from qsym.numeric.mu2.threshold import bisect_threshold, confirm_continuous
from qsym.symbolic.rays import DOMAINS, RayData, ray_data

__all__ = ["mu2_minimum", "threshold_scan", "continuous_threshold_result", "mu2_problem"]


def _exact(c, dps: int):
    """A SymPy coefficient as a Fraction, or an mpf at ``dps`` digits when irrational."""
    try:
        return bridge.to_fraction(c)
    except InputError:
        return bridge.to_mpf(c, dps)


def _numbers(poly: dict | None, dps: int) -> dict | None:
    return None if poly is None else {m: _exact(c, dps) for m, c in poly.items()}


def _mu2_numeric(rp):
    """mpmath callables of mu^2 in an orthant's amplitudes (built only when the minimiser polishes)."""
    return bridge.numeric_nd(rp.mu2_psi, rp.psi)


def mu2_problem(data: RayData, dps: int) -> Mu2Problem:
    r"""The numeric problem of :func:`qsym.numeric.mu2.branch_bound.minimize` from exact ray data.

    Coefficients become Fractions (mpf at ``dps`` digits when irrational), the
    origin limit a Fraction (or mpf at ``max(dps, 40) + 20`` digits); the mu^2
    callables of each orthant are built on demand by :func:`qsym.bridge.numeric_nd`.

    .. math:: \mu^2 = 2(u_2 + u_3 F + u_4 F^2)/c

    >>> from qsym.symbolic.potential import Potential
    >>> mu2_problem(ray_data(Potential("a**2 + a**4", ["a"])), 15).m0
    Fraction(2, 1)
    """
    try:
        m0 = bridge.to_fraction(data.m0)
    except InputError:
        m0 = bridge.to_mpf(data.m0, max(dps, 40) + 20)
    orthants = tuple(
        OrthantData(rp.signs, _numbers(rp.u2, dps), _numbers(rp.u3, dps), _numbers(rp.u4, dps),
                    _numbers(rp.c, dps), _numbers(rp.rho_num, dps), tuple(rp.notes),
                    functools.partial(_mu2_numeric, rp))
        for rp in data.patches)
    return Mu2Problem(tuple(f.name for f in data.fields), m0, orthants)


def _check_options(P, rtol, max_boxes, progress) -> float:
    try:
        rtol = float(rtol)
    except (TypeError, ValueError):
        raise InputError(f"rtol must be a number, got {rtol!r}") from None
    if not (0 < rtol < 1e-2):
        raise InputError(f"rtol must be in (0, 0.01), got {rtol!r}")
    if isinstance(max_boxes, bool) or not isinstance(max_boxes, (int, np.integer)) or max_boxes < 1:
        raise InputError(f"max_boxes must be a positive integer, got {max_boxes!r}")
    if progress is not None and not callable(progress):
        raise InputError("progress must be callable(str) or None")
    from qsym.symbolic.potential import Potential
    if not isinstance(P, Potential):
        raise InputError(f"mu2_minimum needs a qsym.Potential, got {type(P).__name__}")
    return rtol


def mu2_minimum(P, dps: int = 30, domain: str = "amplitudes", rtol: float = DEFAULT_RTOL,
                max_boxes: int = MAX_BOXES, polish: bool = True, progress=None) -> Mu2Result:
    r"""Certified global minimum of ``mu^2 = 2U / sum q_k^2 phi_k^2`` over ``phi != 0``.

    Parameters
    ----------
    P : Potential
        All parameters numeric.  U with quadratic, cubic and quartic parts in the
        amplitudes takes the ray decomposition (closed form in the ray length);
        any other analytic U (exp, log, powers, sqrt, trigonometric and hyperbolic
        functions, polynomials of higher degree, ``|phi|^k``) the non-polynomial
        minimiser (:mod:`qsym.numeric.mu2.nonpoly`: SymPy's limits of mu^2 along rays
        at large field, a branch and bound over ray length and direction in Arb
        balls for ``|phi|_inf <= 2^32``; up to MAX_FIELDS_NP = 4 fields).
    dps : int
        Digits of the polished result.
    domain : {"amplitudes", "real"}
        ``phi_k >= 0`` (the convention) or all real values.
    rtol : float
        Relative width of the certified bracket (relative to ``max(1, |m0|)``).
    max_boxes : int
        Branch-and-bound budget; when it runs out ``certified`` is False.
    polish : bool
        Refine the minimiser by Newton's method at ``dps`` digits (default);
        without it the value is the best branch-and-bound point (double
        precision, error = bracket width) -- enough for existence decisions.
    progress : callable(str) or None
        Receives one line per branch-and-bound level (boxes used, open boxes,
        best value); library code never prints.

    Returns
    -------
    Mu2Result
        ``status`` ``"converged"`` when the branch and bound closed, else ``"uncertified"``.

    Raises
    ------
    UnboundedBelowError
        U is unbounded below along some direction.
    DeeperVacuumError
        U is negative somewhere (a vacuum deeper than the origin).
    InputError
        U is not of the supported form (or its large-field behaviour cannot be
        decided), or an option is invalid.

    .. math:: \min_{\phi\neq 0}\mu^2 < \lim_{\phi\to 0}\mu^2 \iff \text{a Q-ball exists}

    >>> from qsym.symbolic.potential import Potential
    >>> P = Potential("a**2 + b**2 + a**4 + b**4", ["a", "b"], [1, 1])
    >>> r = mu2_minimum(P, dps=15)
    >>> r.qball_exists, r.certified, float(r.mu2_min), float(r.origin_value)
    (False, True, 2.0, 2.0)
    """
    dps = bridge.check_dps(dps)
    rtol = _check_options(P, rtol, max_boxes, progress)
    if domain in DOMAINS and not _ray_path(P, domain):
        return _mu2_minimum_nonpoly(P, dps, domain, rtol, None if max_boxes == MAX_BOXES else int(max_boxes),
                                    polish, progress)
    problem = mu2_problem(ray_data(P, domain), dps)
    return minimize(problem, dps, rtol, int(max_boxes), polish, progress)


def _ray_path(P, domain: str) -> bool:
    """Whether U is, in the amplitudes of every orthant of ``domain``, a polynomial with terms of degree
    2, 3 and 4 only (the ray decomposition's path: ``|phi|^3``-type terms are polynomials there);
    parameters count as numbers.  Anything else goes to the non-polynomial minimiser."""
    n = len(P.fields)
    U = P.U()
    if U.is_polynomial(*P.fields):          # the common case, decided without substituting orthants
        poly = sp.Poly(U, *P.fields)
        return all(sum(m) in (2, 3, 4) for m in poly.monoms()) or not _lower_degrees(poly)
    psi = sp.symbols(f"psi0:{n}", positive=True)
    patterns = [(1,) * n] if domain == "amplitudes" else itertools.product((1, -1), repeat=n)
    for signs in patterns:
        e = sp.expand(U.subs({f: s * p for f, s, p in zip(P.fields, signs, psi)}, simultaneous=True))
        try:
            poly = sp.Poly(e, *psi)
        except sp.PolynomialError:
            return False
        if any(sum(m) not in (2, 3, 4) for m in poly.monoms()):
            return not _lower_degrees(poly)     # linear or constant terms: the ray path says why
    return True


def _lower_degrees(poly) -> bool:
    """Whether the only terms outside degrees 2-4 are of higher degree (then the non-polynomial path
    takes U; a constant or linear term is refused by the ray path with its own message)."""
    return all(sum(m) > 4 for m in poly.monoms() if sum(m) not in (2, 3, 4))


#: most fields of the non-polynomial minimiser (its boxes live in n dimensions: ray length x direction)
MAX_FIELDS_NP = 4


def _origin_premise(U, fields) -> None:
    """U(0) = 0 and grad U(0) = 0, decided by SymPy (the Taylor bound about the origin needs them)."""
    zero = {f: 0 for f in fields}
    for name, v in [("U(0)", U.subs(zero))] + [(f"dU/d{f}(0)", sp.diff(U, f).subs(zero)) for f in fields]:
        v = sp.simplify(v)
        if v.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            raise InputError(f"{name} is not finite: U has no Taylor series at the origin, which the "
                             "multi-field mu^2 minimiser needs")
        if v != 0:
            raise InputError(f"{name} = {v}, not 0: the origin must be a stationary point with U(0) = 0")


def _orthant_program(U, fields, signs):
    """The Arb program of ``psi -> U(s psi)`` on ``psi >= 0`` (SymPy simplifies ``Abs`` there)."""
    from qsym.bridge.arbnd import arb_program_nd
    from qsym.numeric.mu2.program import ProgramND
    psi = sp.symbols(f"psi0:{len(fields)}", positive=True)
    e = U.subs({f: s * p for f, s, p in zip(fields, signs, psi)}, simultaneous=True)
    code = arb_program_nd(e, psi)
    if code is None:
        raise InputError("U uses a function the ball arithmetic cannot evaluate (allowed: + * **, exp, log, "
                         "sqrt, trigonometric and hyperbolic functions and their inverses): mu^2 is undecided")
    return ProgramND(code, len(fields))


def _mu2_numeric_factory(U, fields, charges):
    """``make(signs)``: mpmath callables of mu^2 in the amplitudes of an orthant (for the Newton polish)."""
    psi = sp.symbols(f"psi0:{len(fields)}", positive=True)

    def make(signs):
        e = U.subs({f: s * p for f, s, p in zip(fields, signs, psi)}, simultaneous=True)
        return bridge.numeric_nd(2 * e / sum(q ** 2 * p ** 2 for q, p in zip(charges, psi)), psi)
    return make


def _mu2_minimum_nonpoly(P, dps: int, domain: str, rtol: float, max_boxes, polish: bool, progress) -> Mu2Result:
    """:func:`mu2_minimum` for a non-polynomial U: SymPy decides the large-field behaviour and the premise
    at the origin, :func:`qsym.numeric.mu2.nonpoly.minimize_nonpoly` the rest in Arb balls."""
    from qsym.bridge.arbnd import large_field
    from qsym.numeric.mu2.nonpoly import MAX_BOXES_NP, NonPolyProblem, minimize_nonpoly
    free = P.free_parameters()
    if free:
        raise InputError("parameters without values: " + ", ".join(sorted(p.name for p in free)))
    fields, U = tuple(P.fields), P.U()
    if len(fields) > MAX_FIELDS_NP:
        raise InputError(f"{len(fields)} fields: the mu^2 minimiser of a non-polynomial U handles at most "
                         f"{MAX_FIELDS_NP} (its boxes live in n dimensions)")
    _origin_premise(U, fields)
    signs = ((1,) * len(fields),) if domain == "amplitudes" else \
        tuple(itertools.product((1, -1), repeat=len(fields)))
    programs = tuple(_orthant_program(U, fields, s) for s in signs)
    if progress:
        progress("mu^2 at large field: SymPy's limits along rays")
    inf = large_field(U, fields, P.charges, signs)
    if inf["kind"] == "finite":
        inf = dict(inf, value=bridge.to_mpf(inf["value"], dps + 10))
    m0 = P.mu2_origin()
    try:
        m0 = bridge.to_fraction(m0)
    except InputError:
        m0 = bridge.to_mpf(m0, max(dps, 40) + 20)
    q2 = tuple(_exact(q ** 2, dps + 10) for q in P.charges)
    problem = NonPolyProblem(tuple(f.name for f in fields), q2, m0, programs, signs, inf,
                             _mu2_numeric_factory(U, fields, P.charges),
                             ("U is not a polynomial: the minimum is searched for |phi|_inf <= 2^32 in Arb "
                              "balls, beyond by SymPy's limits along rays",))
    return minimize_nonpoly(problem, dps, rtol, max_boxes or MAX_BOXES_NP, polish, progress)


def _decider(make_potential: Callable, parameter: str, domain: str, progress) -> Callable:
    """``decide(v) -> (exists, decided)`` from the certified mu^2 minimum at rational ``v``;
    a deeper vacuum counts as a decided "exists" (mu^2 < 0 there)."""
    memo: dict = {}      # v -> (exists, decided, mu2_min - origin or None): every point decided once

    def decide(v: Fraction):
        if v not in memo:
            memo[v] = _decide(v)
        return memo[v][:2]

    def gap(v: Fraction):
        return memo[v][2] if v in memo else None

    def _decide(v: Fraction):
        try:
            r = mu2_minimum(make_potential(f"{v.numerator}/{v.denominator}"), dps=15,
                            domain=domain, max_boxes=MAX_BOXES // 4, polish=False)
        except UnboundedBelowError:
            raise
        except DeeperVacuumError:
            if progress:
                progress(f"{parameter} = {float(v):.12g}: deeper vacuum (counts as exists)")
            return True, True, None
        if progress:
            progress(f"{parameter} = {float(v):.12g}: "
                     + ("Q-ball exists" if r.qball_exists else "no Q-ball")
                     + ("" if r.existence_certified else " (undecided)"))
        try:
            g = float(r.mu2_min - r.origin_value) if r.qball_exists else None
        except (TypeError, ValueError, ArithmeticError):
            g = None
        return r.qball_exists, r.existence_certified, g
    decide.gap = gap
    return decide


def threshold_scan(make_potential: Callable, parameter: str, lo, hi=None, rtol: float = 1e-6,
                   domain: str = "amplitudes", max_steps: int = 60, progress=None) -> ThresholdResult:
    r"""Bisect on ``qball_exists`` for the parameter ``parameter``.

    ``make_potential(value_text)`` builds the potential at a parameter value
    (given as exact rational text).  Existence must be monotone in the
    parameter on ``[lo, hi]`` (true for ``|A|`` in the sec-4 toy model, whose
    mu^2 decreases pointwise as ``|yA|`` grows); it is checked at both ends.
    If ``hi`` is None it is doubled from ``max(2 lo, 1)`` until a Q-ball exists.
    A point where U has a deeper vacuum counts as "exists" (mu^2 < 0 there).
    ``progress`` (callable(str) or None) receives one line per decided point.

    .. math:: \text{threshold} = \inf\{v : \min\mu^2(v) < m_0(v)\}

    Raises
    ------
    NoSolutionError
        A Q-ball already exists at ``lo``, or none up to ``hi``.

    >>> from qsym.symbolic.potential import Potential
    >>> make = lambda a: Potential("p**2/2 - A*p**3 + p**4", ["p"], params={"A": a})
    >>> t = threshold_scan(make, "A", 0, 2, rtol=1e-3)
    >>> t.certified, round(float(t.threshold), 3)
    (True, 0.0)
    """
    decide = _decider(make_potential, parameter, domain, progress)
    return bisect_threshold(decide, parameter, lo, hi, rtol, max_steps, gap=decide.gap)


def continuous_threshold_result(parameter: str, below, above, text: str, closed_form: dict | None,
                                notes=(), check: Callable | None = None, progress=None,
                                dps: int | None = None) -> ThresholdResult:
    r"""A :class:`ThresholdResult` for a continuous onset known exactly.

    ``below <= threshold <= above`` is an exact (rational) enclosure of the
    threshold, ``text`` its decimal digits, ``closed_form`` ``{"sympy": ...,
    "latex": ...}`` or None.  ``check(value_text) -> Mu2Result`` (optional)
    builds the certified :func:`mu2_minimum` at a parameter value: it is run
    at rational points a relative 10^-3 below and above the threshold as an
    independent confirmation (no Q-ball below, one above); a disagreement
    makes the result uncertified, with a note.

    .. math:: \text{below} \le \text{threshold} \le \text{above}

    >>> r = continuous_threshold_result("A", Fraction(1), Fraction(1), "1", None)
    >>> r.kind, r.certified
    ('continuous', True)
    """
    decide = None
    if check is not None:
        def decide(v: Fraction):
            try:
                r = check(f"{v.numerator}/{v.denominator}")
                got, ok = r.qball_exists, r.existence_certified
            except UnboundedBelowError:
                got, ok = True, False
            except DeeperVacuumError:
                got, ok = True, True
            except InputError:
                got, ok = True, False
            if progress:
                progress(f"{parameter} = {float(v):.12g}: " + ("Q-ball exists" if got else "no Q-ball")
                         + ("" if ok else " (undecided)"))
            return got, ok
    return confirm_continuous(parameter, below, above, text, closed_form, notes, decide, dps)
