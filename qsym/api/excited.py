r"""Radially excited Q-balls and bounces: the solutions with ``n`` nodes, found on purpose.

The Q-ball of frequency omega with ``n`` nodes is the radial solution of
``phi'' + (D-1)/r phi' = dU_omega(|phi|)/dphi`` with exactly ``n`` sign changes
(:func:`qsym.numeric.bounce1d.excited.solve_excited`).  The potential is a function of the
amplitude of the complex field, so across a node it is ``U(|phi|)`` (for the paper's
``-A phi^3`` that is ``-A |phi|^3``); for an even U this is ``U(phi)`` itself.  Then

.. math:: Q = \omega q^2 \int \phi^2\, d^Dx, \qquad E = S_\omega + \omega Q, \qquad \frac{dE}{dQ} = \omega

along each branch of fixed node count, as for the ground state.

Classical stability (what is proven and what is measured):

* ``L_-``, the operator of perturbations along the phase, has ``phi`` itself as its
  zero-energy solution; ``phi`` has ``n`` nodes, so by Sturm oscillation ``L_-`` has exactly
  ``n`` negative eigenvalues among radial perturbations (this is a theorem once the node count
  is right, and the node count is checked on every profile);
* ``L_+ = -Delta + U_omega''(phi)`` has the zero-energy regular solution
  ``y = d phi/d phi(0)`` (the variational solution of the shooting); its zeros on
  ``(0, inf)``, counted on the recorded profile (measured), are the negative eigenvalues of
  ``L_+`` among radial perturbations;
* the energy at fixed charge then has ``k = n(L_+) + n(L_-) - [dQ/domega < 0]`` negative
  directions among radial perturbations (Vakhitov-Kolokolov / Grillakis-Shatah-Strauss).
  ``k >= 1`` means the Q-ball is not a minimum of E at fixed Q: ``classically_stable`` is then
  False.  For ``n >= 1``, ``k >= n(L_-) - 1 + n(L_+) >= n >= 1`` whatever dQ/domega is.  When
  ``k`` is odd, the Hamiltonian-Krein count (Kapitula-Kevrekidis-Sandstede) forces a real
  growing mode among radial perturbations (linear instability); for even ``k`` that count
  alone does not decide between real, complex or Krein-signature pairs.  Non-radial sectors
  (which only add negative directions, e.g. ``phi'`` has zeros for ``n >= 1``) are not counted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import mpmath
import sympy as sp

from qsym.bridge import OmegaFamily, check_dps, numeric_1d
from qsym.errors import ConvergenceError, InputError, NoQBallError, OutsideWindowError
from qsym.numeric.bounce1d.excited import solve_excited
from qsym.results import CONVERGED, REDUCED, Result, latex_pm

__all__ = ["excited_bounce", "excited_qball", "ExcitedQBall", "ExcitedCharge", "stability_statement",
           "thin_wall_radius_ratio"]

#: guard digits of the excited-state solves beyond the requested dps
GUARD = 6
#: relative step of omega in the double-precision estimate of dQ/domega
DQ_STEP = 1e-4
#: the scan of Q(omega) in u = log(Delta/(Dw - Delta)), Delta = m^2 - q^2 omega^2
SCAN_U = (-7.0, 7.0)
SCAN_POINTS = 15
#: the scan is extended by this much in u at an end while the charge lies beyond it
SCAN_EXTEND = 3.5
MAX_EXTEND = 4
#: secant iterations of the root Q(omega) = Q at the working precision
MAX_SECANT = 30


def thin_wall_radius_ratio(nodes: int) -> int:
    r"""Radius of the n-node Q-ball over the ground state's at the same omega, thin-wall limit.

    Derivation (mechanical analogy, ``E = psi'^2/2 - U_omega`` with ``dE/dr = -(D-1) psi'^2/r``):
    the ground state leaves the hilltop ``phi_0`` (height ``eps = -U_omega(phi_0)``) at ``R_0`` and
    loses ``eps`` to friction in one wall, ``eps = (D-1) sigma/R_0``.  Friction only removes energy,
    so after a node the field can never again wait near ``|phi| = phi_0``: the n-node profile is the
    same plateau, then ``2n + 1`` wall crossings of ``[0, phi_0]`` (down, and ``n`` times out to
    ``|phi| -> phi_0`` and back) at the same radius, each costing ``(D-1) sigma/R``:

    .. math:: \frac{R_n}{R_0} = 2n + 1, \qquad \frac{Q_n}{Q_0} \to (2n+1)^D \quad (\omega \to \omega_0)

    Examples
    --------
    >>> thin_wall_radius_ratio(1), thin_wall_radius_ratio(2)
    (3, 5)
    """
    if isinstance(nodes, bool) or not isinstance(nodes, int) or nodes < 0:
        raise InputError(f"nodes must be an integer >= 0, got {nodes!r}")
    return 2 * nodes + 1


def stability_statement(nodes: int, n_lplus: int, dQ_domega=None) -> tuple:
    r"""``(classically_stable, negative_directions, text)`` from the radial mode counts.

    .. math:: k = n(L_+) + n(L_-) - [\,dQ/d\omega < 0\,], \qquad n(L_-) = \text{nodes}

    Examples
    --------
    >>> stability_statement(1, 2, -3.0)[:2]
    (False, 2)
    >>> stability_statement(0, 1, -3.0)[:2]
    (True, 0)
    """
    n_lminus = nodes
    if dQ_domega is None:
        k_min = n_lplus + n_lminus - 1
        stable = False if k_min >= 1 else None
        text = (f"n(L+) = {n_lplus} (zeros of the zero-energy solution, measured), n(L-) = {n_lminus} "
                f"(nodes of phi, Sturm); dQ/domega not computed: at least {k_min} negative direction(s) "
                "of E at fixed Q among radial perturbations")
        return stable, k_min, text
    k = n_lplus + n_lminus - (1 if dQ_domega < 0 else 0)
    text = (f"n(L+) = {n_lplus} (zeros of the zero-energy solution, measured), n(L-) = {n_lminus} "
            f"(nodes of phi, Sturm), dQ/domega {'<' if dQ_domega < 0 else '>'} 0: {k} negative "
            "direction(s) of E at fixed Q among radial perturbations")
    if k == 0:
        return True, 0, text + ": a local minimum of E at fixed Q (Vakhitov-Kolokolov)"
    if k % 2:
        return False, k, text + ": unstable; k odd forces a real growing mode (Kapitula-Kevrekidis-Sandstede)"
    return False, k, text + ": unstable (not a minimum of E at fixed Q); k even, so the count does not prove a real growing mode"


@dataclass(frozen=True)
class ExcitedQBall(Result):
    r"""A radially excited Q-ball (``omega`` given) or bounce (``omega`` None) with ``nodes`` nodes.

    ``charge`` ``Q = omega q^2 int phi^2`` and ``mass`` ``E = S + omega Q`` (None for a bounce);
    ``action`` the bounce action of ``U_omega``; ``negative_modes_L_plus`` the zeros of the
    zero-energy solution of ``L_+`` (radial); ``negative_directions`` the count ``k`` of
    :func:`stability_statement` (a lower bound when ``dQ_domega`` is None); ``stability_note``
    says what the stability claim rests on.  ``error``: relative, of action/charge/mass.

    .. math:: E = S_\omega + \omega Q, \qquad \#\{\phi = 0\} = n
    """

    VALUES = ("omega", "charge", "mass", "action", "phi0", "dQ_domega")

    nodes: int
    omega: object
    charge: object
    mass: object
    action: object
    phi0: object
    error: object
    dps: int | None
    negative_modes_L_plus: int
    negative_directions: int
    classically_stable: bool | None
    stability_note: str
    dQ_domega: object = None
    status: str = CONVERGED
    stats: dict = field(default_factory=dict)
    bounce: object = field(default=None, repr=False, compare=False)

    def to_json(self, dps: int | None = None) -> dict:
        out = super().to_json(dps)
        out.update(nodes=self.nodes, negative_modes_L_plus=self.negative_modes_L_plus,
                   negative_directions=self.negative_directions,
                   classically_stable=self.classically_stable, stability_note=self.stability_note)
        return out

    def latex_rows_spec(self) -> list:
        rows = [] if self.omega is None else [(r"\omega", latex_pm(self.omega, dps=self.dps))]
        if self.charge is not None:
            rows += [("Q", latex_pm(self.charge, self.error, dps=self.dps)),
                     ("M_Q", latex_pm(self.mass, self.error, dps=self.dps))]
        return rows + [("S", latex_pm(self.action, self.error, dps=self.dps))]

    def latex_caption(self) -> str:
        return f"{self.nodes}-node solution, {self.status}"


def _omega_value(P, omega, dps):
    from qsym.symbolic.potential import parse_value
    w = omega if isinstance(omega, mpmath.mpf) else parse_value(omega, "omega")
    with mpmath.workdps(dps + GUARD + 10):
        wv = w if isinstance(w, mpmath.mpf) else mpmath.mpf(sp.N(w, dps + GUARD + 10))
    if not wv > 0:
        raise OutsideWindowError(f"omega must be positive, got {omega}")
    return wv


def _solve_at(fam, w, nodes, dim, dps):
    """``(BounceResult, info, Q, E)`` of the n-node Q-ball at omega (an mpf; dps None: floats)."""
    q2 = mpmath.mpf(fam.charge2.numerator) / fam.charge2.denominator
    m2 = mpmath.mpf(fam.mass2.p) / fam.mass2.q
    if q2 * w ** 2 >= m2:
        raise OutsideWindowError(f"omega = {mpmath.nstr(w, 10)} is not below m/|q| = "
                                 f"{mpmath.nstr(mpmath.sqrt(m2 / q2), 10)} (outside the Q-ball window)")
    b, info = solve_excited(fam.at(w), nodes, dim=dim, dps=dps)
    with mpmath.workdps((dps or 15) + GUARD):
        Q = w * q2 * mpmath.mpf(b.charge_integral)
        E = mpmath.mpf(b.action) + w * Q
    return b, info, Q, E


def _dq_domega(fam, w, nodes, dim):
    """dQ/domega by a central difference of two double-precision solves (sign and size)."""
    with mpmath.workdps(20):
        h = w * DQ_STEP
        qs = [_solve_at(fam, w + s * h, nodes, dim, None)[2] for s in (1, -1)]
        return (qs[0] - qs[1]) / (2 * h)


def _check_one_field(P, what):
    from qsym.symbolic.potential import require_potential
    require_potential(P, what)
    if len(P.fields) != 1:
        raise InputError(f"{what} handles one field, got {len(P.fields)}")


def excited_bounce(potential, nodes: int, omega=None, dim: int = 3, dps: int = 20,
                   stability: bool = True) -> ExcitedQBall:
    r"""The radial solution with ``nodes`` nodes: of ``U_omega`` (a Q-ball) or of ``U`` (``omega`` None).

    ``U`` is taken as a function of ``|phi|`` (the complex field's amplitude; see the module
    docstring).  With ``omega`` the result carries ``charge`` and ``mass``; with ``stability``
    also ``dQ/domega`` (two double-precision solves) and the stability count.

    .. math:: \phi'' + \frac{D-1}{r}\phi' = \frac{dU_\omega(|\phi|)}{d\phi}, \qquad
              Q = \omega q^2 \int \phi^2 d^Dx, \quad E = S_\omega + \omega Q

    Examples
    --------
    >>> import qsym
    >>> P = qsym.Potential("phi**2/2 - phi**3 + phi**4", fields="phi")
    >>> r = excited_bounce(P, 1, omega="0.8", dps=15)
    >>> r.nodes, r.classically_stable, r.charge > 0
    (1, False, True)
    """
    _check_one_field(potential, "excited_bounce")
    dps = check_dps(dps)
    fam = OmegaFamily(potential)
    if omega is None:
        var, U = potential.single_field()
        b, info = solve_excited(numeric_1d(sp.expand(U), var), nodes, dim=dim, dps=dps + GUARD)
        stable, k, note = stability_statement(info["nodes"], info["negative_modes_L_plus"])
        return _result(b, info, None, None, None, dps, None, stable, k, note)
    w = _omega_value(potential, omega, dps)
    b, info, Q, E = _solve_at(fam, w, nodes, dim, dps + GUARD)
    dQ = _dq_domega(fam, w, nodes, dim) if stability else None
    stable, k, note = stability_statement(info["nodes"], info["negative_modes_L_plus"], dQ)
    return _result(b, info, w, Q, E, dps, dQ, stable, k, note)


def _result(b, info, w, Q, E, dps, dQ, stable, k, note, error=None):
    def rd(v):
        if v is None:
            return None
        with mpmath.workdps(dps):
            return +mpmath.mpf(v)
    # the numbers are returned rounded to dps digits: that rounding is part of the error
    err = max(mpmath.mpf(b.error if error is None else error), mpmath.mpf(2) ** (1 - mpmath.libmp.dps_to_prec(dps)))
    return ExcitedQBall(nodes=info["nodes"], omega=rd(w), charge=rd(Q), mass=rd(E), action=rd(b.action),
                        phi0=rd(b.phi0), error=err, dps=dps, negative_modes_L_plus=info["negative_modes_L_plus"],
                        negative_directions=k, classically_stable=stable, stability_note=note,
                        dQ_domega=None if dQ is None else mpmath.mpf(dQ),
                        status=CONVERGED if err <= mpmath.mpf(10) ** -dps else REDUCED,
                        stats=dict(b.iterations), bounce=b)


@dataclass(frozen=True)
class ExcitedCharge(Result):
    r"""Every ``n``-node Q-ball of charge ``charge`` found on the scan of the window (lightest first).

    .. math:: Q(\omega) = Q_*, \qquad \frac{dE}{dQ} = \omega
    """

    VALUES = ("charge",)

    charge: object
    nodes: int
    solutions: tuple
    error: object
    dps: int
    status: str = CONVERGED
    stats: dict = field(default_factory=dict)

    def latex_rows_spec(self) -> list:
        return [(f"M_Q^{{({k + 1})}}", latex_pm(s.mass, s.error, dps=self.dps))
                for k, s in enumerate(self.solutions)]


class _Branch:
    """log Q of the n-node branch as a function of u = log(Delta/(Dw - Delta))."""

    def __init__(self, P, nodes, dim):
        from qsym.api.solve import window_numeric
        self.fam = OmegaFamily(P)
        self.nodes, self.dim = nodes, dim
        win = window_numeric(P, 40)
        with mpmath.workdps(40):
            self.q2 = mpmath.mpf(self.fam.charge2.numerator) / self.fam.charge2.denominator
            self.m2 = mpmath.mpf(self.fam.mass2.p) / self.fam.mass2.q
            self.Dw = self.m2 - self.q2 * win["omega_min"] ** 2
        self.cache = {}

    def omega(self, u, dps):
        with mpmath.workdps(dps + GUARD + 10):
            u = mpmath.mpf(u)
            delta = self.Dw / (1 + mpmath.exp(-u))
            return mpmath.sqrt((self.m2 - delta) / self.q2)

    def logq(self, u):
        """Double precision log Q(u), or None where the solve fails."""
        if u not in self.cache:
            try:
                _, _, Q, _ = _solve_at(self.fam, self.omega(u, 15), self.nodes, self.dim, None)
                self.cache[u] = math.log(float(Q))
            except (ConvergenceError, NoQBallError, OverflowError, ZeroDivisionError):
                self.cache[u] = None
        return self.cache[u]


def _scan(br, gt):
    """Brackets ``(u_a, u_b)`` of log Q(u) = gt, extending the scan at an end while gt lies beyond it."""
    lo, hi = SCAN_U
    us = [lo + (hi - lo) * k / (SCAN_POINTS - 1) for k in range(SCAN_POINTS)]
    for _ in range(MAX_EXTEND + 1):
        pts = [(u, br.logq(u)) for u in us]
        pts = [(u, g) for u, g in pts if g is not None]
        if len(pts) < 2:
            raise ConvergenceError("the excited-state solver failed on the whole scan of the window")
        brs = [(a[0], b[0]) for a, b in zip(pts, pts[1:]) if (a[1] - gt) * (b[1] - gt) <= 0]
        if brs:
            return brs, pts
        g0, g1 = pts[0][1], pts[1][1]
        h1, h0 = pts[-2][1], pts[-1][1]
        ext = []
        if (g1 - g0) * (gt - g0) < 0:      # gt lies beyond the thick-wall end of the trend
            ext.append(us[0] - SCAN_EXTEND)
        if (h0 - h1) * (gt - h0) > 0:
            ext.append(us[-1] + SCAN_EXTEND)
        if not ext:
            break
        us = sorted(set(us + ext))
    span = f"[{math.exp(min(g for _, g in pts)):.6g}, {math.exp(max(g for _, g in pts)):.6g}]"
    k = min(range(len(pts)), key=lambda i: pts[i][1])
    where = ""
    if 0 < k < len(pts) - 1 and gt < pts[k][1]:
        where = (f"; its smallest charge on the scan is Q = {math.exp(pts[k][1]):.6g} at omega = "
                 f"{mpmath.nstr(br.omega(pts[k][0], 15), 8)} (an interior minimum of Q(omega))")
    # not proven absent (only beyond the scanned range): a convergence answer, not "no solution"
    raise ConvergenceError(f"no Q-ball with {br.nodes} node(s) and charge {math.exp(gt):.6g} found on the "
                           f"scanned window: Q(omega) of that branch spans {span} there{where} (not proven "
                           "absent beyond the scan)")


def _refine(br, a, b, gt, Qt, dps):
    """Secant in u at the working precision from a double-precision bracket."""
    ga, gb = br.logq(a) - gt, br.logq(b) - gt
    for _ in range(60):                     # Illinois in double precision
        if abs(b - a) < 1e-10:
            break
        c = b - gb * (b - a) / (gb - ga) if gb != ga else (a + b) / 2
        gc = br.logq(c)
        if gc is None:
            c, gc = (a + b) / 2, br.logq((a + b) / 2)
        gc -= gt
        if gc * gb < 0:
            a, ga = b, gb
        else:
            ga /= 2
        b, gb = c, gc
    u0 = b
    wd = dps + GUARD
    with mpmath.workdps(wd + 5):
        tol = mpmath.mpf(10) ** -(dps + 2)
        pts = []
        u = mpmath.mpf(u0)
        for _ in range(MAX_SECANT):
            w = br.omega(u, dps)
            bb, info, Q, E = _solve_at(br.fam, w, br.nodes, br.dim, wd)
            g = mpmath.log(Q) - mpmath.log(Qt)
            pts.append((u, g, w, bb, info, Q, E))
            if abs(g) <= tol:
                break
            if len(pts) == 1:           # Newton with the double-precision slope
                h = 1e-4
                ga_, gb_ = br.logq(u0 - h), br.logq(u0 + h)
                slope0 = (gb_ - ga_) / (2 * h) if ga_ is not None and gb_ is not None else 1.0
                u = u - g / slope0
                continue
            (u1, g1), (u2, g2) = pts[-2][:2], pts[-1][:2]
            u = u2 - g2 * (u2 - u1) / (g2 - g1)
        else:
            raise ConvergenceError("the charge root of the excited branch did not converge; try a smaller dps")
        u, g, w, bb, info, Q, E = pts[-1]
        slope = (pts[-1][1] - pts[-2][1]) / (pts[-1][0] - pts[-2][0]) if len(pts) > 1 else None
        mass = E + w * (Qt - Q)            # dE/dQ = omega
        err = max(mpmath.mpf(bb.error), abs(g) ** 2 * 10, tol)
        dQ = None
        if slope is not None:
            delta = br.m2 - br.q2 * w ** 2
            # dQ/domega = Q dlogQ/du du/ddelta ddelta/domega
            dQ = Qt * slope * br.Dw / (delta * (br.Dw - delta)) * (-2 * br.q2 * w)
        return bb, info, w, mass, err, dQ


def excited_qball(potential, Q, nodes: int, dps: int = 20, dim: int = 3) -> ExcitedCharge:
    r"""Every ``nodes``-node Q-ball of charge ``Q`` (one field) found on a scan of the window.

    Q(omega) of the n-node branch is scanned in double precision over
    ``u = log(Delta/(Dw - Delta))`` (extended at an end while ``Q`` lies beyond it), each crossing
    refined by secant steps at ``dps``; the mass is corrected to the exact charge with
    ``dE/dQ = omega``.  Raises ConvergenceError when the scanned branch never reaches ``Q`` (the
    message gives its range; absence beyond the scan is not proven, so it is not a "no Q-ball").

    .. math:: Q(\omega) = \omega q^2 \int \phi_n^2\, d^Dx = Q_*

    Examples
    --------
    >>> import qsym
    >>> P = qsym.Potential("phi**2/2 - phi**3 + phi**4", fields="phi")
    >>> r = excited_qball(P, 100, 1, dps=15)
    >>> s = r.solutions[0]
    >>> s.nodes, round(float(s.charge)), s.classically_stable
    (1, 100, False)
    """
    from qsym.symbolic.potential import parse_value
    _check_one_field(potential, "excited_qball")
    dps = check_dps(dps)
    Qr = parse_value(Q, "the charge")
    if not Qr.is_Rational or not Qr > 0:
        raise InputError(f"the charge must be a positive rational number, got {Q!r}")
    if isinstance(nodes, bool) or not isinstance(nodes, int) or nodes < 0:
        raise InputError(f"nodes must be an integer >= 0, got {nodes!r}")
    with mpmath.workdps(dps + GUARD + 10):
        Qt = mpmath.mpf(Qr.p) / Qr.q
        gt = float(mpmath.log(Qt))
    br = _Branch(potential, nodes, dim)
    brackets, _ = _scan(br, gt)
    sols = []
    for a, b in brackets:
        bb, info, w, mass, err, dQ = _refine(br, a, b, gt, Qt, dps)
        stable, k, note = stability_statement(info["nodes"], info["negative_modes_L_plus"], dQ)
        sols.append(_result(bb, info, w, Qt, mass, dps, dQ, stable, k, note, error=err))
    sols.sort(key=lambda s: s.mass)
    err = max(s.error for s in sols)
    return ExcitedCharge(charge=Qr, nodes=nodes, solutions=tuple(sols), error=err, dps=dps,
                         status=CONVERGED if all(s.status == CONVERGED for s in sols) else REDUCED,
                         stats={"branches": len(sols), "scan_points": len(br.cache)})
