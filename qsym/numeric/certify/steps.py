r"""Validated Taylor integration of the bounce equation on ``[0, R]`` in Arb balls.

Each step returns the Taylor polynomial (ball coefficients), a rigorous bound of its
remainder, the state at the end of the step and, on request, enclosures of the step's
integrals.  With ``variational=True`` the variation :math:`y = \partial\phi/\partial\phi_0`
(:math:`y(0) = 1`, :math:`y'(0) = 0`) is carried along, for the mean-value forms of
:mod:`~qsym.numeric.certify.action`.

**Origin step** ``[0, r_1]`` (regular singular point).  The regular solution is the fixed
point of the Volterra operator

.. math::  (P\phi)(z) = \phi_0 + \frac{z^2}{2d}\,\big\langle f(\phi)\big\rangle,
           \qquad \langle g \rangle = 2d\int_0^1 u\int_0^1 v^{d-1} g(zuv)\,dv\,du ,

a weighted mean.  If a complex ball ``B`` satisfies
:math:`\phi_0 + D_{\rho^2} f(B) / (2d) \subseteq B` (:math:`D_{\rho^2}` the square
:math:`|\mathrm{Re}|, |\mathrm{Im}| \le \rho^2`, which holds every :math:`z^2`, :math:`|z| \le \rho`),
P maps the analytic functions with values in B on the disk into themselves, its iterates
converge (Volterra, Lipschitz f), so :math:`|\phi| \le M = \sup |B|` on :math:`|z| \le \rho`
and the Cauchy estimate :math:`|a_j| \le M \rho^{-j}` bounds the remainder (**S1**):

.. math::  |\phi - P_N| \le M \frac{q^{N+1}}{1-q}, \quad
           |\phi' - P_N'| \le \frac{M}{\rho}\Big(\frac{(N+1) q^N}{1-q} + \frac{q^{N+1}}{(1-q)^2}\Big),
           \quad q = r_1/\rho .

The variation is the fixed point of :math:`y = 1 + z^2\langle f'(\phi) y\rangle/(2d)`, enclosed the
same way (:math:`1 + D_{\rho^2} f'(B) Y/(2d) \subseteq Y`).

**Regular step** ``[t, t+h]``, ``t > 0``.  A rough enclosure ``Y`` of the state on the step is
proven by the Picard inclusion :math:`Y_0 + [0, h]\,F([t, t+h], Y) \subseteq Y` (**S2**, F the
first-order field); then by Lagrange (**S3**), with :math:`M_{N+1}` the ball recurrence of
:mod:`~qsym.numeric.certify.series` evaluated on ``([t, t+h], Y)``,

.. math::  |\phi(t+s) - P_N(s)| \le M_{N+1} h^{N+1}, \qquad |\phi'(t+s) - P_N'(s)| \le (N+1) M_{N+1} h^N .

**Quadrature** (**S4**): :math:`\int (t+s)^{d-1} P_N'^2/2` and :math:`\int (t+s)^{d-1} U(P_N)` are
integrated exactly (arb_poly), and the remainders add
:math:`h (t+h)^{d-1} E_2 (|Y'| + E_2/2)` and :math:`h (t+h)^{d-1} E_1 \sup|U'(Y \pm E_1)|`
(for the variation: :math:`\int r^{d-1}\phi' y'` and :math:`\int r^{d-1} f(\phi) y` likewise).

Numeric layer: python-flint only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flint import acb, arb, arb_poly

from qsym.errors import ConvergenceError
from qsym.numeric.certify.series import taylor_coefficients, variational_coefficients

__all__ = ["Integration", "integrate", "StepFailure"]

#: the origin step ends at R1_FRACTION of the proven analyticity radius rho (q = 1/2: one bit a term)
R1_FRACTION = arb(1) / 2
#: first trial radius of the origin disk (units 1/m), shrunk by 3/4 until the inclusion holds
RHO0 = 1.0
#: largest regular step (units 1/m): the first-order Picard inclusion needs h Lip < 1
H_MAX = 0.6
#: Picard iterations (with inflation) before the step is halved
PICARD_TRIES = 8
#: most Taylor terms per step
MAX_ORDER = 400
#: a step's remainder target is max(eta, REL_TOL x the smallest radius of the state)
REL_TOL = arb(2) ** -12
#: most steps of one integration
MAX_STEPS = 4000


class StepFailure(ConvergenceError):
    """A validated step could not be closed (Picard inclusion or remainder)."""


@dataclass
class Integration:
    """The result of :func:`integrate`: the state at R (balls), the integrals, counters.

    ``T, V``: :math:`\\int_0^R r^{d-1}\\phi'^2/2` and :math:`\\int_0^R r^{d-1}U(\\phi)`;
    with the variation ``y, dy`` (:math:`y(R), y'(R)`) and ``dT, dV``
    (:math:`\\int_0^R r^{d-1}\\phi' y'`, :math:`\\int_0^R r^{d-1} f(\\phi) y`); with ``charge``
    ``W`` (:math:`\\int_0^R r^{d-1}\\phi^2`) and ``dW`` (:math:`2\\int_0^R r^{d-1}\\phi y`).
    """

    phi: object
    dphi: object
    y: object = None
    dy: object = None
    T: object = None
    V: object = None
    dT: object = None
    dV: object = None
    W: object = None
    dW: object = None
    steps: int = 0
    terms: int = 0
    max_remainder: object = None
    pieces: list = field(default_factory=list)


@dataclass
class _Piece:
    """One step: origin t0 (ball), length h (ball), coefficients, remainders and rough enclosures."""

    t0: object
    h: object
    a: list
    E1: object
    E2: object
    Yphi: object
    Ydphi: object
    b: list = None
    Ey1: object = None
    Ey2: object = None
    Yy: object = None
    Ydy: object = None


def _integral(poly: arb_poly, t0, h, d):
    """:math:`\\int_0^h (t_0+s)^{d-1} p(s)\\,ds` exactly (a ball)."""
    w = arb_poly([t0, 1]) ** (d - 1)
    return (w * poly).integral()(h)


def _quad(prob, pc: _Piece, quad, variational, charge=False):
    r"""The step's integrals (S4): exact polynomial parts plus the remainder bounds; with ``charge``
    also :math:`\int r^{d-1}\phi^2` (with ``quad``) and :math:`2\int r^{d-1}\phi y` (with
    ``variational``), remainders :math:`|P^2 - \phi^2| \le E_1(2|Y| + E_1)` and
    :math:`|Pq - \phi y| \le E_1|Y_y| + E_{y1}|Y \pm E_1|` (docs/certified.md, part 3, Q1)."""
    d, h = prob.dim, pc.h
    wh = h * (pc.t0 + h) ** (d - 1)
    P = arb_poly(pc.a)
    dP = P.derivative()
    Yw = pc.Yphi + arb(0, pc.E1)
    out = []
    if quad:
        UP = arb_poly([prob.u[-1]])
        for c in reversed(prob.u[2:-1]):
            UP = UP * P + arb_poly([c])
        T = _integral(dP * dP, pc.t0, h, d) / 2
        V = _integral(UP * P * P, pc.t0, h, d)
        eT = wh * pc.E2 * (abs(pc.Ydphi).upper() + pc.E2 / 2)
        eV = wh * pc.E1 * abs(prob.f(Yw)).upper()
        out += [T + arb(0, eT.upper()), V + arb(0, eV.upper())]
    if variational:
        Q = arb_poly(pc.b)
        fP = prob.f(P)
        dT = _integral(dP * Q.derivative(), pc.t0, h, d)
        dV = _integral(fP * Q, pc.t0, h, d)
        Ydw = pc.Ydphi + arb(0, pc.E2)
        edT = wh * (pc.E2 * abs(pc.Ydy).upper() + pc.Ey2 * abs(Ydw).upper())
        edV = wh * (pc.E1 * abs(prob.df(Yw) * pc.Yy).upper() + pc.Ey1 * abs(prob.f(Yw)).upper())
        out += [dT + arb(0, edT.upper()), dV + arb(0, edV.upper())]
    if charge and quad:
        W = _integral(P * P, pc.t0, h, d)
        eW = wh * pc.E1 * (2 * abs(pc.Yphi).upper() + pc.E1)
        out.append(W + arb(0, eW.upper()))
    if charge and variational:
        dW = 2 * _integral(P * arb_poly(pc.b), pc.t0, h, d)
        edW = 2 * wh * (pc.E1 * abs(pc.Yy).upper() + pc.Ey1 * abs(Yw).upper())
        out.append(dW + arb(0, edW.upper()))
    return out


def _inflate_c(Z):
    pad = Z.real.rad() + Z.imag.rad()
    return acb(Z.real + arb(0, pad), Z.imag + arb(0, pad))


def _complex_enclosure(prob, phi0, rho, variational):
    """Complex balls (B, Yv) with phi0 + D f(B) / (2d) in B and 1 + D f'(B) Yv / (2d) in Yv, or None."""
    r2 = (rho * rho).upper()
    D = acb(arb(0, r2), arb(0, r2)) / (2 * prob.dim)
    c = acb(phi0)
    Z = c + D * prob.f(c)
    B = None
    for _ in range(PICARD_TRIES):
        W = _inflate_c(Z)
        Z = c + D * prob.f(W)
        if W.contains(Z):
            B = Z
            break
    if B is None or not variational:
        return B, None
    g = D * prob.df(B)
    Z = 1 + g
    for _ in range(PICARD_TRIES):
        W = _inflate_c(Z)
        Z = 1 + g * W
        if W.contains(Z):
            return B, Z
    return None, None


def _cauchy_tail(M, rho, q, N):
    """Cauchy-estimate remainders (S1) of a function bounded by M on |z| <= rho, at q = r/rho."""
    E1 = (M * q ** (N + 1) / (1 - q)).upper()
    E2 = (M / rho * ((N + 1) * q ** N / (1 - q) + q ** (N + 1) / (1 - q) ** 2)).upper()
    return E1, E2


def _origin(prob, phi0, eta, variational, scale):
    """The origin step (S1) as a _Piece and the state at r1."""
    d = prob.dim
    rho = arb(RHO0) / prob.m
    for _ in range(30):
        B, Yv = _complex_enclosure(prob, phi0, rho, variational)
        if B is not None:
            break
        rho = rho * 3 / 4
    else:
        raise StepFailure("origin step: no complex Picard enclosure")
    Ms = [abs(B).upper()] + ([abs(Yv).upper()] if variational else [])
    r1 = arb((rho * R1_FRACTION).mid())
    q = r1 / rho
    N = 4
    while not all(e < eta for M in Ms for e in _cauchy_tail(M, rho, q, N)):
        N += 2
        if N > 4 * MAX_ORDER:
            raise StepFailure("origin step: remainder above eta")
    a = taylor_coefficients(prob.n, d, arb(0), phi0, arb(0), N)
    E1, E2 = (e * scale for e in _cauchy_tail(Ms[0], rho, q, N))
    fB = prob.f(B)
    pc = _Piece(arb(0), r1, a, E1, E2, B.real, arb(0, (r1 * abs(fB) / d).upper()))
    if variational:
        pc.b = variational_coefficients(prob.n, d, arb(0), a, arb(1), arb(0), N)
        pc.Ey1, pc.Ey2 = (e * scale for e in _cauchy_tail(Ms[1], rho, q, N))
        pc.Yy = Yv.real
        pc.Ydy = arb(0, (r1 * abs(prob.df(B) * Yv) / d).upper())
    return pc


def _rough_enclosure(prob, t0, state, h):
    """A box holding the state on [t0, t0+h], proven by the Picard inclusion (S2), or None."""
    d = prob.dim
    T = arb(t0 + h / 2, h / 2)
    H = arb(h / 2, h / 2)

    def image(Y):
        out = [state[0] + H * Y[1], state[1] + H * (prob.f(Y[0]) - (d - 1) * Y[1] / T)]
        if len(state) == 4:
            out += [state[2] + H * Y[3], state[3] + H * (prob.df(Y[0]) * Y[2] - (d - 1) * Y[3] / T)]
        return out
    Z = image(state)
    for _ in range(PICARD_TRIES):
        W = [z + arb(0, 2 * z.rad() + abs(z).upper() * 2.0 ** -20) for z in Z]
        Z = image(W)
        if all(w.contains(z) for w, z in zip(W, Z)):
            return Z
    return None


def _regular(prob, t0, state, h, eta, scale, max_order):
    """One regular step (S2, S3) as a _Piece, or None (the caller halves h)."""
    Y = _rough_enclosure(prob, t0, state, h)
    if Y is None:
        return None
    d = prob.dim
    T = arb(t0 + h / 2, h / 2)
    top = max_order or MAX_ORDER
    big = taylor_coefficients(prob.n, d, T, Y[0], Y[1], top)
    bigy = variational_coefficients(prob.n, d, T, big, Y[2], Y[3], top) if len(state) == 4 else None
    N = None
    for k in range(4, top + 1):
        Ms = [abs(big[k]).upper()] + ([abs(bigy[k]).upper()] if bigy else [])
        if all(k * M * h ** (k - 1) < eta for M in Ms) or k == max_order:
            N = k - 1
            break
    if N is None:
        return None
    E = [((M * h ** (N + 1)).upper() * scale, ((N + 1) * M * h ** N).upper() * scale) for M in Ms]
    a = taylor_coefficients(prob.n, d, t0, state[0], state[1], N)
    pc = _Piece(t0, h, a, E[0][0], E[0][1], Y[0], Y[1])
    if bigy:
        pc.b = variational_coefficients(prob.n, d, t0, a, state[2], state[3], N)
        pc.Ey1, pc.Ey2, pc.Yy, pc.Ydy = E[1][0], E[1][1], Y[2], Y[3]
    return pc


def _advance(pc: _Piece, variational):
    """The state at the end of the piece: polynomial values plus the remainder balls."""
    P = arb_poly(pc.a)
    st = [P(pc.h) + arb(0, pc.E1), P.derivative()(pc.h) + arb(0, pc.E2)]
    if variational:
        Q = arb_poly(pc.b)
        st += [Q(pc.h) + arb(0, pc.Ey1), Q.derivative()(pc.h) + arb(0, pc.Ey2)]
    return st


def integrate(prob, phi0, R, eta, quad: bool = True, variational: bool = False, keep: bool = False,
              scale=1, max_order: int | None = None, charge: bool = False) -> Integration:
    r"""Validated integration from the origin to ``R`` (all in balls): the state at R and, with
    ``quad``, the enclosures of :math:`\int_0^R r^{d-1}\phi'^2/2` and :math:`\int_0^R r^{d-1}U(\phi)`.

    .. math::  T_R = \int_0^R r^{d-1}\tfrac12\phi'^2\,dr, \qquad V_R = \int_0^R r^{d-1} U(\phi)\,dr

    ``eta`` bounds each step's remainder (absolute); ``variational`` carries
    :math:`y = \partial\phi/\partial\phi_0` and its integrals; ``keep`` records the pieces.
    ``scale`` multiplies every remainder bound and ``max_order`` caps the Taylor order (both
    only to break the proof in tests: a remainder scaled below 1 is no longer a bound).
    ``charge`` adds the charge integral ``W`` (with ``quad``) and its variation ``dW``.
    """
    pc = _origin(prob, phi0, eta, variational, scale)
    acc = _quad(prob, pc, quad, variational, charge)
    state = _advance(pc, variational)
    out = Integration(*state[:2], steps=1, terms=len(pc.a), max_remainder=max(pc.E1, pc.E2))
    if keep:
        out.pieces.append(pc)
    t = pc.h
    h = float(t.mid()) / 2
    hmax = H_MAX / float(prob.m.mid())
    while not (R - t).is_zero():
        left = float((R - t).mid())
        last = h >= left
        hh = R - t if last else arb(h)
        # a remainder far below the state's own radius buys nothing: the target follows the radius
        tol = max(eta, min(x.rad() for x in state) * REL_TOL)
        pc = _regular(prob, t, state, hh, tol, scale, max_order)
        if pc is None:
            h = min(h, left) / 2
            if h < 1e-6:
                raise StepFailure(f"step at r = {float(t.mid()):.4g} could not be validated")
            continue
        acc = [x + y for x, y in zip(acc, _quad(prob, pc, quad, variational, charge))]
        state = _advance(pc, variational)
        if keep:
            out.pieces.append(pc)
        out.steps += 1
        out.terms += len(pc.a)
        out.max_remainder = max(out.max_remainder, pc.E1, pc.E2)
        t = R if last else t + hh
        if out.steps > MAX_STEPS:
            raise StepFailure("too many steps")
        h = min(h * 1.5, hmax, float(t.mid()) / 2)
    out.phi, out.dphi = state[:2]
    if variational:
        out.y, out.dy = state[2:]
    names = ((["T", "V"] if quad else []) + (["dT", "dV"] if variational else [])
             + (["W"] if charge and quad else []) + (["dW"] if charge and variational else []))
    for name, val in zip(names, acc):
        setattr(out, name, val)
    return out
