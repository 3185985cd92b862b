r"""Radial bounces of any number of fields, by the Improved Action method.

Solves the coupled radial equations

.. math::  \phi_i'' + \frac{d-1}{r}\phi_i' = \frac{\partial U}{\partial\phi_i},
           \qquad \phi_i'(0) = 0, \quad \phi_i(\infty) = 0,

for a false vacuum at the origin (``U(0) = 0``, ``grad U(0) = 0``, positive
definite mass matrix) in ``d >= 2`` Euclidean dimensions, in whichever
direction of field space the escape takes (``d = 2``, where the reduced
action degenerates, is reached by continuing the ``d = 3`` solution in the
dimension).  ``d = 3`` with ``U -> U_omega``
is the multi-flavour Q-ball of the paper's section 1 (eq (8)).

Method
------
1. **Start.** Straight rays from the origin locate the region ``U < 0``;
   Gaussian and tanh-wall trial profiles along each ray (the wall radius is
   scanned, for thin walls) give first values of the reduced action and pick
   the escape direction(s): the best few and the nearest escape are
   minimised, and the lowest minimum is polished.
2. **Improved Action.** With ``T = int |grad phi|^2/2`` and ``V = int U``,

   .. math::  \tilde S[\phi] = \frac{2}{d}\Big(\frac{d-2}{d}\Big)^{(d-2)/2}
              \frac{T^{d/2}}{(-V)^{(d-2)/2}}

   is *minimal* (not a saddle) at the bounce, where it equals the bounce
   action (Coleman, Glaser, Martin).  It is minimised over the nodal values
   of a spectral-element discretisation (Chebyshev-Lobatto elements on
   ``[0, L]``) by L-BFGS preconditioned with the discrete ``-Laplacian + m^2``
   (numpy only).  The minimiser is the bounce up to ``r -> lambda r``; the
   Derrick factor ``lambda^2 = (d-2) T / (d (-V))`` restores the virial
   identity ``S = (2/d) T``.  Configurations with ``V >= 0`` are rejected, so
   potentials unbounded below away from the bounce are no problem.
3. **Newton polish (double).** Collocation of the field equations on
   Chebyshev-Lobatto elements, continuity of ``phi'`` across element
   interfaces, ``phi'(0) = 0``, and at the outer radius ``R`` the matching of
   every normal mode ``a_j`` of the mass matrix to its decaying linear
   solution ``r^{-nu} K_nu(m_j r)``, ``nu = d/2 - 1``.  ``R`` is where the
   neglected cubic tail ``|phi(R)|^3 R^{d-1}`` is below the tolerance.  The
   elements are refined until the Chebyshev coefficients of every element
   have decayed to the tolerance.  The Jacobian is solved by static
   condensation (element interiors eliminated element by element, then a
   block-tridiagonal system in the interface values, n x n blocks, solved by
   block cyclic reduction with a residual check and a pivoted banded LU as
   fallback), so a Newton step costs O(elements); no dense matrix of the
   whole system is ever formed.  The minimiser's preconditioner
   ``-Laplacian + m^2`` is block tridiagonal in the same way.  The Newton
   solution must reproduce the minimum of the
   reduced action (an independent check that Newton found the bounce and not
   another solution).  When the float solve is noise-limited above
   ``DOUBLE_TOL`` (very thin walls: an ill-conditioned Jacobian), the double
   path finishes with step 4 at a few digits beyond double.
4. **High precision** (``dps`` given): the element orders are chosen from the
   measured decay rates of the double-precision coefficients, and Newton is
   continued as mixed-precision iterative refinement: residuals in mpmath at
   ``dps + GUARD_DIGITS`` digits (the derivative sums as exact integer dot
   products of fixed-point numbers), corrections from the double-precision
   Jacobian (each step gains about ten digits).  The coefficients are checked
   again a posteriori at full precision.
5. **Integrals.** ``T``, ``V`` and ``int phi_k^2`` by Clenshaw-Curtis
   quadrature per element plus the linear tails beyond ``R`` in closed form
   (Bessel functions).  ``action = T + V`` (stationary at the solution) and
   ``action_virial = (2/d) T`` are returned separately; the error estimate
   adds their difference, the coefficient tails, the neglected cubic tail, the
   last Newton correction and a rounding bound.

Where a sign flip ``phi_k -> -phi_k`` (or a pattern of flips) is a symmetry of
``U``, the reported centre values follow the paper's convention ``phi_k >= 0``.

Units inside: the field in units of the escape distance ``Phi`` along the
best ray and the radius in units of ``1/m``, ``m^2`` the lowest eigenvalue of
the mass matrix, so that every tolerance below is relative to O(1) numbers.

>>> import sympy as sp
>>> from qsym.bridge import numeric_nd
>>> a, b = sp.symbols("a b")
>>> res = solve_bounce_multi(numeric_nd(a**2/2 - a**3 + b**2 + a**2*b**2, [a, b]))
>>> round(res.action, 9), res.error < 1e-10
(4.851137413, True)
>>> abs(res.action - res.action_virial) < res.error * res.action
True
"""


from __future__ import annotations

import math

import mpmath
import numpy as np

from qsym.errors import ConvergenceError, NoSolutionError
from qsym.numeric.kernels.precision import check_dps
from qsym.numeric.bounce_nd.chebyshev import _Mesh
from qsym.numeric.bounce_nd.constants import (AGREE_TOL, DIM_STEPS, DOUBLE_DIGITS, DOUBLE_TOL, EPS,
    FALLBACK_DIGITS, GUARD_DIGITS, TRUNC_SAFETY, WARM_M2_RATIO)
from qsym.numeric.bounce_nd.escape import _directions
from qsym.numeric.bounce_nd.integrals import _cubic_coefficient, _integrals_double
from qsym.numeric.bounce_nd.lbfgs import _minimise, _solid_angle_f
from qsym.numeric.bounce_nd.mesh import _element_need, _hp_mesh, _initial_mesh, _refine, _solve_on_meshes
from qsym.numeric.bounce_nd.mixed import _refine_mp
from qsym.numeric.bounce_nd.newton import _newton_double
from qsym.numeric.bounce_nd.problem import _Problem
from qsym.numeric.bounce_nd.profile import _profile_fn
from qsym.numeric.bounce_nd.result import MultiBounceResult, status_for
from qsym.numeric.bounce_nd.signs import _canonical_signs

__all__ = ["solve_bounce_multi", "REDUCED_MAX_ERROR"]

#: an error estimate above the requested tolerance but below this (relative) is returned
#: with status "reduced"; above it the solver raises ConvergenceError
REDUCED_MAX_ERROR = 1e-6
#: a high-precision solution starts the high-precision polish of a problem whose lowest
#: mass^2 differs by at most this (relative; e.g. the secant steps of a Q-ball charge)
HP_START_RTOL = 1e-6


def _polish(P, cand, digits, iters):
    """Minimise from one candidate direction and polish: returns a dict of double results."""
    _, e, amp, width, _, shape = cand
    mesh0, psi0, S_red = _minimise(P, e, amp, width, shape, iters)
    mesh = _initial_mesh(P, mesh0, psi0, digits)
    psi = mesh0.interp(psi0, mesh.r)
    mesh, psi, dx = _solve_on_meshes(P, mesh, psi, digits, iters)
    T, V, Q = _integrals_double(P, mesh, psi)
    S = T + V
    if not (S > 0 and np.max(np.abs(psi)) > 0.1):
        raise ConvergenceError("Newton converged to the trivial solution instead of the bounce")
    S_full = S * _solid_angle_f(P.d)
    if abs(S_full - S_red) > AGREE_TOL * S_full:
        raise ConvergenceError(f"the polished bounce (action {S_full:.6g}, scaled units) does not "
                               f"match the minimum of the reduced action ({S_red:.6g}): Newton "
                               "found another solution")
    return dict(mesh=mesh, psi=psi, dx=dx, T=T, V=V, Q=Q, S=S, S_red=S_red)


def _continue_dim(P, best, d, digits, iters):
    """Newton continuation of a polished bounce from dimension P.d to d (real steps)."""
    mesh, psi = best["mesh"], best["psi"]
    for dc in np.linspace(P.d, d, DIM_STEPS + 1)[1:]:
        P.d = float(dc) if dc != d else d
        psi, _ = _newton_double(P, mesh, psi, iters)
    P.d = d
    mesh, psi, dx = _solve_on_meshes(P, mesh, psi, digits, iters)
    T, V, Q = _integrals_double(P, mesh, psi)
    S = T + V
    if not (S > 0 and np.max(np.abs(psi)) > 0.1):
        raise ConvergenceError(f"continuation of the bounce to d = {d} lost the solution")
    return dict(mesh=mesh, psi=psi, dx=dx, T=T, V=V, Q=Q, S=S, S_red=None)


def _warm_start(P, start, digits, iters):
    """Newton from a nearby problem's solution (``start.state``): the same mesh and profile in
    scaled units (radius in 1/m, field in a unit that makes max |psi| = 1); returns the dict
    of :func:`_polish`.  Only for a start whose lowest mass^2 is within WARM_M2_RATIO."""
    st = start.state
    if not 1 / WARM_M2_RATIO <= P.m2 / st["m2"] <= WARM_M2_RATIO:
        raise ConvergenceError("the warm start is too far away")
    psi0 = np.array(st["psi"], dtype=float)
    amp = float(np.max(np.abs(psi0)))
    P.Phi = st["Phi"] * amp
    mesh = _Mesh(np.asarray(st["edges"]), st["N"])
    mesh, psi, dx = _solve_on_meshes(P, mesh, psi0 / amp, digits, iters)
    T, V, Q = _integrals_double(P, mesh, psi)
    S = T + V
    if not (S > 0 and np.max(np.abs(psi)) > 0.1):
        raise ConvergenceError("the warm-started Newton iteration lost the bounce")
    iters["warm_start"] = 1
    return dict(mesh=mesh, psi=psi, dx=dx, T=T, V=V, Q=Q, S=S, S_red=None)


def _cold_start(P, digits, iters):
    """Escape directions, minimisation of the reduced action, Newton polish of the best."""
    cands = _directions(P)
    # field unit: escape distance of the best direction (a float: exact in every precision)
    P.Phi = float(cands[0][4])
    errors = []
    mins = []
    for c in cands:
        try:
            mins.append((_minimise(P, c[1], c[2], c[3], c[5], iters)[2], c))
        except (ConvergenceError, NoSolutionError) as exc:
            errors.append(exc)
    mins.sort(key=lambda t: t[0])
    for S_red, c in mins:
        try:
            return _polish(P, c, digits, iters)
        except ConvergenceError as exc:
            errors.append(exc)
    if errors:
        raise errors[-1]
    raise NoSolutionError("no bounce found")


def _first_solution(P, start, d, digits, iters):
    """The double-precision bounce in dimension P.d: Newton from ``start`` when it fits, else
    (or when that fails) the search for the escape and the reduced-action minimum."""
    if start is not None and getattr(start, "state", None) and start.dim == d and P.d == d \
            and len(start.phi0) == P.n:
        try:
            return _warm_start(P, start, digits, iters)
        except (ConvergenceError, NoSolutionError):
            pass
    return _cold_start(P, digits, iters)


def solve_bounce_multi(num, dim: int = 3, dps: int | None = None, start=None) -> MultiBounceResult:
    r"""Bounce of a :class:`~qsym.bridge.NumericND` potential (false vacuum at the origin).

    ``dps=None`` is the fast double-precision path (relative error below
    ``DOUBLE_TOL``); an integer ``dps`` gives the action to ``dps`` digits (error
    estimate below ``10**-dps``).  An estimate above the tolerance (but below
    REDUCED_MAX_ERROR) gives ``status == "reduced"``.  Raises InputError (bad input;
    :class:`~qsym.errors.NoFalseVacuumError` when the origin is not a false vacuum),
    NoSolutionError (no region ``U < 0``) or ConvergenceError (with a remedy).

    ``start`` (a result of a nearby potential with the same fields and dimension, e.g. the
    same family at a nearby omega) replaces the search for the escape direction and the
    minimisation by Newton from its solution; on failure the search runs as usual.  The
    caller is responsible for checking that the answer continues ``start`` (a warm start
    has no independent reduced-action check).

    .. math::  S = \int d^dx\,\Big[\tfrac12|\nabla\phi|^2 + U(\phi)\Big]

    Examples
    --------
    >>> import sympy as sp
    >>> from qsym.bridge import numeric_nd
    >>> a, b = sp.symbols("a b")
    >>> res = solve_bounce_multi(numeric_nd(a**2/2 - a**3 + b**2 + a**2*b**2, [a, b]))
    >>> round(res.action, 9), res.status
    (4.851137413, 'converged')
    """
    if dps is not None:
        dps = check_dps(dps)
    P = _Problem(num, dim)
    d = P.d
    if d < 3:
        # the reduced action needs d > 2: start in d = 3, then continue the Newton
        # solution in the (real) dimension down to d
        P.d = 3
    iters: dict = {}
    digits = DOUBLE_DIGITS if dps is None else dps + GUARD_DIGITS
    hp_start = _hp_start_of(start, P, d, dps, digits)
    if hp_start is not None:
        try:
            return _high_precision_from(P, start, dps, digits, iters)
        except ConvergenceError:
            iters.clear()
    best = _first_solution(P, start, d, digits, iters)
    if P.d != d:
        best = _continue_dim(P, best, d, digits, iters)
    mesh = best["mesh"]
    psi = best["psi"] = _canonical_signs(P, best["psi"])
    state = dict(Phi=P.Phi, m2=P.m2, edges=mesh.edges.copy(), N=mesh.N, psi=psi.copy())
    c3 = _cubic_coefficient(P)
    if dps is not None:
        return _high_precision(P, mesh, psi, dps, digits, c3, iters, state=state)
    err = _double_error(P, best, c3)
    if not err <= DOUBLE_TOL:
        # noise-limited in floats (e.g. a thin wall: an ill-conditioned Jacobian):
        # polish with residuals in mpmath at a few digits beyond double
        iters["fallback"] = "mixed precision"
        return _high_precision(P, mesh, psi, None, DOUBLE_DIGITS + FALLBACK_DIGITS, c3,
                               iters, as_float=True, state=state)
    return _double_result(P, best, err, iters, state)


def _double_error(P, best, c3) -> float:
    """Relative error estimate of a double-precision bounce: virial defect, coefficient tails,
    neglected cubic tail beyond R, rounding of the quadrature, last Newton correction."""
    d, n = P.d, P.n
    mesh, psi = best["mesh"], best["psi"]
    T, V, S = best["T"], best["V"], best["S"]
    _, tail = _element_need(mesh, psi, DOUBLE_DIGITS)
    e_vir = abs(S - 2 * T / d) / abs(S)
    e_trunc = TRUNC_SAFETY * float(np.max(tail))
    e_tail = c3 * float(np.max(np.abs(psi[:, -1]))) ** 3 * mesh.R ** (d - 1) / abs(S)
    # rounding: the quadrature sums of Np terms of size |T| + |V| (the profile's own
    # rounding errors enter S only quadratically and T through e_vir)
    e_round = 4 * EPS * math.sqrt(n * mesh.Np) * (abs(T) + abs(V)) / abs(S)
    e_dx = best["dx"] / max(1.0, float(np.max(np.abs(psi))))
    return float(e_vir + e_trunc + e_tail + e_round + e_dx)


def _double_result(P, best, err, iters, state) -> MultiBounceResult:
    """The double-precision result in physical units (field Phi psi, radius r / m)."""
    d, n = P.d, P.n
    mesh, psi = best["mesh"], best["psi"]
    T, V, Q, S = best["T"], best["V"], best["Q"], best["S"]
    mu, O = P.modes(None)
    om_f = _solid_angle_f(d)
    fac = P.Phi ** 2 * P.m2 ** ((2 - d) / 2) * om_f
    qfac = P.Phi ** 2 * P.m2 ** (-d / 2) * om_f
    prof, dprof = _profile_fn(P, mesh.edges, mesh.N, psi, [float(m) for m in mu],
                              [[float(O[i, j]) for j in range(n)] for i in range(n)],
                              mesh.R, None, None)
    return MultiBounceResult(
        phi0=tuple(float(P.Phi * v) for v in psi[:, 0]), action=fac * S,
        action_virial=fac * 2 * T / d, kinetic=fac * T, potential=fac * V,
        charge_integrals=tuple(qfac * q for q in Q), error=err, dps=None, dim=d,
        iterations=iters, status=status_for(err, DOUBLE_TOL), R_match=mesh.R / math.sqrt(P.m2),
        profile=prof, dprofile=dprof, state=state)


def _hp_need(hp, msys, psi_m, digits):
    """Per element of ``hp``: 2N where the full-precision Chebyshev tails exceed 10^-digits."""
    with mpmath.workprec(msys.prec):
        scale = float(max(abs(v) for row in psi_m for v in row))
        need = np.zeros(hp.E)
        for e in range(hp.E):
            worst = 0.0
            for seg in (row[e * hp.N:e * hp.N + hp.N + 1] for row in psi_m):
                worst = max(worst, float(max(abs(mpmath.fdot(msys.C[kk], seg)) for kk in (hp.N - 1, hp.N))))
            need[e] = 2 * hp.N if worst > 10.0 ** -digits * scale else 0
    return need


def _hp_solve(P, mesh, psi, digits, c3, iters):
    """Mixed-precision Newton on the high-precision mesh, refined where the full-precision
    coefficients ask for it; returns (mesh, MP system, psi (mpf), float start, |dx|, tail)."""
    hp = _hp_mesh(P, mesh, psi, digits, c3)
    psi_h, _ = _newton_double(P, hp, mesh.interp(psi, hp.r), iters)
    for _ in range(3):
        msys, psi_m, dx = _refine_mp(P, hp, psi_h, digits, iters)
        tail = msys.tails(psi_m)
        if tail <= mpmath.mpf(10) ** -digits:
            return hp, msys, psi_m, psi_h, dx, tail
        with mpmath.workprec(msys.prec):
            arr = np.array([[float(v) for v in row] for row in psi_m])
        edges, _ = _refine(hp, _hp_need(hp, msys, psi_m, digits), hp.N)
        new = _Mesh(edges, hp.N)
        iters["refinements"] = iters.get("refinements", 0) + 1
        psi_h, _ = _newton_double(P, new, hp.interp(arr, new.r), iters)
        hp = new
    raise ConvergenceError(f"the bounce could not be resolved to {digits} digits; try a smaller dps")


def _hp_start_of(start, P, d, dps, digits):
    """``start.state["hp"]`` when ``start`` is a high-precision solution of a problem within
    HP_START_RTOL in mass^2, at the same digits and dimension; else None."""
    hp = (getattr(start, "state", None) or {}).get("hp") if dps is not None else None
    if hp is None or hp["digits"] != digits or start.dim != d or P.d != d or len(start.phi0) != P.n:
        return None
    return hp if abs(P.m2 / hp["m2"] - 1) <= HP_START_RTOL else None


def _high_precision_from(P, start, dps, digits, iters):
    """The high-precision bounce from a nearby problem's high-precision solution: mixed-precision
    Newton on its mesh from its profile (no double-precision search, no new mesh design)."""
    hps = start.state["hp"]
    P.Phi = hps["Phi"]
    hp = _Mesh(np.asarray(hps["edges"]), hps["N"])
    with mpmath.workprec(int(math.ceil(digits * math.log2(10))) + 16):
        psi_h = np.array([[float(v) for v in row] for row in hps["psi"]])
    msys, psi_m, dx = _refine_mp(P, hp, psi_h, digits, iters, psi0=hps["psi"])
    tail = msys.tails(psi_m)
    if not tail <= mpmath.mpf(10) ** -digits:
        raise ConvergenceError("the high-precision start does not resolve this problem")
    iters["hp_start"] = 1
    state = {k: v for k, v in start.state.items() if k != "hp"}
    return _hp_result(P, hp, msys, psi_m, psi_h, dx, tail, _cubic_coefficient(P), dps, digits,
                      iters, False, state)


def _high_precision(P, mesh, psi, dps, digits, c3, iters, as_float=False, state=None):
    """Mixed-precision polish to 10^-digits from the double solution; the result at
    ``dps`` digits (or as floats with ``as_float``, the double path's fallback)."""
    hp, msys, psi_m, psi_h, dx, tail = _hp_solve(P, mesh, psi, digits, c3, iters)
    return _hp_result(P, hp, msys, psi_m, psi_h, dx, tail, c3, dps, digits, iters, as_float, state)


def _hp_result(P, hp, msys, psi_m, psi_h, dx, tail, c3, dps, digits, iters, as_float, state):
    """Integrals, error estimate and the result of a high-precision solution ``psi_m``."""
    d, n = P.d, P.n
    prec = msys.prec
    T, V, Q, _ = msys.integrals_of(psi_m)
    tol = mpmath.mpf(DOUBLE_TOL) if as_float else mpmath.mpf(10) ** -dps
    with mpmath.workprec(prec):
        S = T + V
        Sv = 2 * T / d
        psiR = max(abs(psi_m[k][-1]) for k in range(n))
        # virial defect, coefficient tails, cubic tail beyond R, rounding, last correction,
        # and the rounding of the returned numbers to dps digits (or to float64)
        err = (abs(S - Sv) / abs(S) + TRUNC_SAFETY * tail
               + mpmath.mpf(c3) * psiR ** 3 * msys.edges[-1] ** (d - 1) / abs(S)
               + 4 * hp.Np * n * mpmath.mpf(2) ** (-prec)
               + mpmath.mpf(dx) / max(1, float(np.max(np.abs(psi_h))))
               + (mpmath.mpf(EPS) if as_float else mpmath.mpf(10) ** (-dps) / 10))
        if not err <= REDUCED_MAX_ERROR:
            raise ConvergenceError(f"bounce error estimate {mpmath.nstr(err, 3)} exceeds "
                                   f"{mpmath.nstr(tol, 3)}; try a larger dps or check the potential")
        Phi, m2 = mpmath.mpf(P.Phi), mpmath.mpf(P.m2)
        om = 2 * mpmath.pi ** (mpmath.mpf(d) / 2) / mpmath.gamma(mpmath.mpf(d) / 2)
        fac = Phi ** 2 * m2 ** (mpmath.mpf(2 - d) / 2) * om
        qfac = Phi ** 2 * m2 ** (-mpmath.mpf(d) / 2) * om
        out = dict(action=fac * S, action_virial=fac * Sv, kinetic=fac * T, potential=fac * V,
                   charge_integrals=[qfac * q for q in Q], phi0=[Phi * psi_m[k][0] for k in range(n)],
                   R_match=msys.edges[-1] / mpmath.sqrt(m2))
    status = status_for(err, tol)
    out_dps = None if as_float else dps
    if state is not None and not as_float:
        state = dict(state, hp=dict(edges=hp.edges.copy(), N=hp.N, psi=psi_m, Phi=P.Phi, m2=P.m2,
                                    digits=digits))
    with mpmath.workdps(dps or 15):
        rd = float if as_float else (lambda v: +v)
        prof, dprof = _profile_fn(P, hp.edges, hp.N, psi_m, msys.mu, msys.O, msys.edges[-1], prec, out_dps)
        vals = {k: (tuple(rd(x) for x in v) if isinstance(v, list) else rd(v)) for k, v in out.items()}
        return MultiBounceResult(error=rd(err), dps=out_dps, dim=d, iterations=iters, status=status,
                                 profile=prof, dprofile=dprof, state=state, **vals)
