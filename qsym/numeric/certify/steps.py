r"""Validated Taylor integration of the bounce equation on ``[0, R]`` in Arb balls.

Two kinds of steps, each returning the Taylor polynomial (ball coefficients), a rigorous
bound of its remainder for :math:`\phi` and :math:`\phi'`, the state at the end of the step
and, on request, the enclosures of the step's kinetic and potential integrals.

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

**Regular step** ``[t, t+h]``, ``t > 0``.  A rough enclosure ``Y`` of :math:`(\phi, \phi')` on
the step is proven by the Picard inclusion :math:`Y_0 + [0, h]\,F([t, t+h], Y) \subseteq Y`
(**S2**, F the first-order field); then by Lagrange (**S3**), with :math:`M_{N+1}` the ball
recurrence of :mod:`~qsym.numeric.certify.series` evaluated on ``([t, t+h], Y)``,

.. math::  |\phi(t+s) - P_N(s)| \le M_{N+1} h^{N+1}, \qquad |\phi'(t+s) - P_N'(s)| \le (N+1) M_{N+1} h^N .

**Quadrature** (**S4**): :math:`\int (t+s)^{d-1} P_N'^2/2` and :math:`\int (t+s)^{d-1} U(P_N)` are
integrated exactly (arb_poly), and the remainders add
:math:`h (t+h)^{d-1} E_2 (|Y'| + E_2/2)` and :math:`h (t+h)^{d-1} E_1 \sup|U'(Y \pm E_1)|`.

Numeric layer: python-flint only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flint import acb, arb, arb_poly

from qsym.errors import ConvergenceError
from qsym.numeric.certify.series import taylor_coefficients

__all__ = ["Integration", "integrate", "origin_step", "regular_step", "StepFailure"]

#: the origin step ends at R1_FRACTION of the proven analyticity radius rho (q = 1/2: one bit a term)
R1_FRACTION = arb(1) / 2
#: first trial radius of the origin disk (units 1/m) and its halvings
RHO0 = 1.0
#: largest regular step (units 1/m): the first-order Picard inclusion needs h Lip < 1
H_MAX = 0.6
#: Picard iterations (with inflation) before the step is halved
PICARD_TRIES = 8
#: most Taylor terms per step
MAX_ORDER = 400
#: most steps of one integration
MAX_STEPS = 4000


class StepFailure(ConvergenceError):
    """A validated step could not be closed (Picard inclusion or remainder)."""


@dataclass
class Integration:
    """The result of :func:`integrate`: state at R, integrals, per-step records."""

    phi: object
    dphi: object
    T: object = None
    V: object = None
    steps: int = 0
    terms: int = 0
    max_remainder: object = None
    pieces: list = field(default_factory=list)


def _hull0(h):
    """The ball [0, h]."""
    return arb(h / 2, h / 2) if not isinstance(h, arb) else (h / 2).union(h / 2) + arb(0, h.upper() / 2)


def _quad(prob, t0, a, h, E1, E2, Yphi, Ydphi):
    """(T, V) of the step: exact polynomial integrals plus the remainder bounds (S4)."""
    d = prob.dim
    P = arb_poly(a)
    dP = P.derivative()
    w = arb_poly([t0, 1]) ** (d - 1)
    Tp = (w * dP * dP).integral()
    UP = arb_poly([prob.u[-1]])
    for c in reversed(prob.u[2:-1]):
        UP = UP * P + arb_poly([c])
    Vp = (w * (UP * P * P)).integral()
    T = Tp(h) / 2
    V = Vp(h)
    wmax = (t0 + h) ** (d - 1)
    eT = h * wmax * E2 * (abs(Ydphi).upper() + E2 / 2)
    Yw = Yphi + arb(0, E1)
    eV = h * wmax * E1 * abs(prob.f(Yw)).upper()
    return T + arb(0, eT.upper()), V + arb(0, eV.upper())


def origin_step(prob, phi0, eta, quad=True, scale=1):
    r"""The origin step (S1): ``(r1, a, phi(r1), phi'(r1), T, V, remainder)``.

    .. math::  \phi_0 + D_{\rho^2} f(B)/(2d) \subseteq B \Rightarrow |\phi| \le \sup|B| \text{ on } |z| \le \rho
    """
    d = prob.dim
    rho = arb(RHO0) / prob.m
    for _ in range(30):
        B = _complex_enclosure(prob, phi0, rho)
        if B is not None:
            break
        rho = rho * 3 / 4
    else:
        raise StepFailure("origin step: no complex Picard enclosure")
    M = abs(B).upper()
    r1 = arb((rho * R1_FRACTION).mid())
    q = r1 / rho
    N = 4
    while not (M * q ** (N + 1) / (1 - q) < eta):
        N += 2
        if N > 4 * MAX_ORDER:
            raise StepFailure("origin step: remainder above eta")
    a = taylor_coefficients(prob.n, d, arb(0), phi0, arb(0), N)
    E1 = (M * q ** (N + 1) / (1 - q)).upper()
    E2 = (M / rho * ((N + 1) * q ** N / (1 - q) + q ** (N + 1) / (1 - q) ** 2)).upper()
    E1, E2 = E1 * scale, E2 * scale
    P = arb_poly(a)
    phi = P(r1) + arb(0, E1)
    dphi = P.derivative()(r1) + arb(0, E2)
    T = V = None
    if quad:
        Yphi = B.real
        Ydphi = arb(0, (r1 * abs(prob.f(B)) / d).upper())
        T, V = _quad(prob, arb(0), a, r1, E1, E2, Yphi, Ydphi)
    return r1, a, phi, dphi, T, V, max(E1, E2)


def _complex_enclosure(prob, phi0, rho):
    """A complex ball B with phi0 + D f(B) / (2d) inside B (then returned: the image), or None."""
    r2 = (rho * rho).upper()
    D = acb(arb(0, r2), arb(0, r2)) / (2 * prob.dim)
    c = acb(phi0)
    Z = c + D * prob.f(c)
    for _ in range(PICARD_TRIES):
        pad = Z.real.rad() + Z.imag.rad()
        W = acb(Z.real + arb(0, pad), Z.imag + arb(0, pad))
        Z = c + D * prob.f(W)
        if W.contains(Z):
            return Z
    return None


def _rough_enclosure(prob, t0, phi, dphi, h):
    """(Yphi, Ydphi) on [t0, t0+h] proven by the Picard inclusion (S2), or None."""
    d = prob.dim
    T = arb(t0 + h / 2, h / 2)
    H = arb(h / 2, h / 2)
    Y = (phi, dphi)

    def image(Y):
        return (phi + H * Y[1], dphi + H * (prob.f(Y[0]) - (d - 1) * Y[1] / T))
    Z = image(Y)
    for _ in range(PICARD_TRIES):
        W = tuple(z + arb(0, 2 * z.rad() + abs(z).upper() * 2.0 ** -20) for z in Z)
        Z = image(W)
        if W[0].contains(Z[0]) and W[1].contains(Z[1]):
            return Z
    return None


def regular_step(prob, t0, phi, dphi, h, eta, quad=True, scale=1, max_order=None):
    r"""One regular step (S2, S3): ``(a, phi(t0+h), phi'(t0+h), T, V, remainder)`` or None when
    the Picard inclusion fails or the remainder exceeds ``eta`` (the caller halves ``h``).

    .. math::  |\phi(t+s) - P_N(s)| \le M_{N+1} h^{N+1}
    """
    Y = _rough_enclosure(prob, t0, phi, dphi, h)
    if Y is None:
        return None
    hb = arb(h)
    T = arb(t0 + h / 2, h / 2)
    big = taylor_coefficients(prob.n, prob.dim, T, Y[0], Y[1], max_order or MAX_ORDER)
    N = None
    for k in range(4, len(big)):
        M = abs(big[k]).upper()
        if k * M * hb ** (k - 1) < eta or k == max_order:
            N = k - 1
            break
    if N is None:
        return None
    E1 = (M * hb ** (N + 1)).upper()
    E2 = ((N + 1) * M * hb ** N).upper()
    E1, E2 = E1 * scale, E2 * scale
    a = taylor_coefficients(prob.n, prob.dim, t0, phi, dphi, N)
    P = arb_poly(a)
    nphi = P(hb) + arb(0, E1)
    ndphi = P.derivative()(hb) + arb(0, E2)
    TV = _quad(prob, t0, a, hb, E1, E2, Y[0], Y[1]) if quad else (None, None)
    return a, nphi, ndphi, TV[0], TV[1], max(E1, E2)


def integrate(prob, phi0, R, eta, quad: bool = True, keep: bool = False, scale=1,
              max_order: int | None = None) -> Integration:
    r"""Validated integration from the origin to ``R`` (all in balls): the state at R and, with
    ``quad``, the enclosures of :math:`\int_0^R r^{d-1}\phi'^2/2` and :math:`\int_0^R r^{d-1}U(\phi)`.

    .. math::  T_R = \int_0^R r^{d-1}\tfrac12\phi'^2\,dr, \qquad V_R = \int_0^R r^{d-1} U(\phi)\,dr

    ``eta`` bounds each step's remainder (absolute); ``keep`` records the pieces.  ``scale``
    multiplies every remainder bound and ``max_order`` caps the Taylor order (both only to
    break the proof in tests: a remainder scaled below 1 is no longer a bound).
    """
    r1, a, phi, dphi, T, V, rem = origin_step(prob, phi0, eta, quad=quad, scale=scale)
    out = Integration(phi, dphi, T, V, steps=1, terms=len(a), max_remainder=rem)
    if keep:
        out.pieces.append((arb(0), r1, a))
    t = r1
    h = float(t.mid()) / 2
    while True:
        left = R - t
        if left.is_zero():
            break
        h = min(h, float(left.mid()))
        last = h >= float(left.mid())
        hh = left if last else arb(h)
        res = regular_step(prob, t, out.phi, out.dphi, hh, eta, quad=quad, scale=scale, max_order=max_order)
        if res is None:
            h /= 2
            if h < 1e-6:
                raise StepFailure(f"step at r = {float(t.mid()):.4g} could not be validated")
            continue
        a, out.phi, out.dphi, dT, dV, rem = res
        if quad:
            out.T += dT
            out.V += dV
        if keep:
            out.pieces.append((t, hh, a))
        out.steps += 1
        out.terms += len(a)
        out.max_remainder = max(out.max_remainder, rem)
        t = R if last else t + hh
        if out.steps > MAX_STEPS:
            raise StepFailure("too many steps")
        h = min(h * 1.5, H_MAX / float(prob.m.mid()), float(t.mid()) / 2)
    return out
