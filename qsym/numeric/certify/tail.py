r"""The field beyond the matching radius R: a contraction around the decaying linear solution.

For :math:`r \ge R` write :math:`f(\phi) = m^2\phi + \mathcal N(\phi)`,
:math:`\mathcal N = \sum_{k\ge2} n_k \phi^k`, and take the linear solutions (:math:`\nu = d/2 - 1`)

.. math::  K(r) = r^{-\nu} K_\nu(mr), \quad I(r) = r^{-\nu} I_\nu(mr), \quad
           K I' - K' I = r^{1-d} .

The decaying solutions are the fixed points of
:math:`\phi = cK + \mathcal T\phi`,
:math:`(\mathcal T\phi)(r) = \int_r^\infty s^{d-1}\,[K(r) I(s) - I(r) K(s)]\,\mathcal N(\phi(s))\,ds`.
Elementary facts used (d >= 2, docs/certified.md):

- (L1) :math:`K_{\nu+1} \ge K_\nu` (:math:`K_\mu = \int_0^\infty e^{-x\cosh t}\cosh \mu t\,dt`), so
  :math:`|K'/K| = m K_{\nu+1}/K_\nu \ge m` and :math:`K(s) \le K(r) e^{-m(s-r)}` for :math:`s \ge r`;
- (L2) I and :math:`r^{d-1} I` increase (power series in :math:`r^2` with positive coefficients);
- (W) from the Wronskian, :math:`s^{d-1} I K = 1/(I'/I + |K'|/K) \le 1/m`.

:math:`\mathcal T` maps :math:`X_\rho = \{|\phi - cK| \le \rho |c| K\}` into itself when
:math:`A(\rho) \le \rho` and is a contraction (weighted norm :math:`\sup|u|/K`) when
:math:`L(\rho) < 1/2`, where, with :math:`\varepsilon = |c| K(R)`,

.. math::  A = \sum_{k\ge2} \frac{|n_k| (1+\rho)^k \varepsilon^{k-1}}{m^2 (k-1)}, \qquad
           L = \sum_{k\ge2} \frac{k |n_k| (1+\rho)^{k-1} \varepsilon^{k-1}}{m^2 (k-1)} .

Then (**T1**) :math:`|\phi_c(r) - cK(r)| \le A |c| K(r)` and, from
:math:`(r^{d-1} e')' = r^{d-1}(m^2 e + \mathcal N)` for :math:`e = \phi_c - cK`, (**T2**)

.. math::  |\phi_c'(r) - cK'(r)| \le |c|\big(\rho |K'(r)| + \beta K(r)\big), \quad
           \beta = \sum_{k\ge2} \frac{|n_k| (1+\rho)^k \varepsilon^{k-2} c_{\max}}{m^2 (k-1) R^{d-1} I(R)},
           \quad r \ge R .

Numeric layer: python-flint only.
"""

from __future__ import annotations

from dataclasses import dataclass

import flint
from flint import arb

from qsym.errors import ConvergenceError

__all__ = ["Linear", "Contraction", "TailError", "linear_at", "contraction", "match_residual",
           "amplitude", "tail_action", "tail_kinetic", "tail_charge", "tail_charge_identity"]

#: iterations of rho <- A(rho) (with a 1 % margin) before the self-map test
RHO_ITER = 6
#: the contraction must have L below this (the tail amplitude is then monotone in c, see g(c))
L_MAX = arb(1) / 2


class TailError(ConvergenceError):
    """The contraction beyond R could not be proven (R too small, or |c| too large)."""


@dataclass(frozen=True)
class Linear:
    r"""K, K', I, I' at R, :math:`\kappa = |K'|/K`, and the exact integrals
    :math:`J_2 = \int_R^\infty r^{d-1} K^2`, :math:`J_K' = \int_R^\infty r^{d-1} K'^2` and the bound
    :math:`J_{KK'} \ge \int_R^\infty r^{d-1} K |K'|`."""

    R: object
    K: object
    dK: object
    I: object
    dI: object
    kappa: object
    J2: object
    JdK: object
    JKdK: object


@dataclass(frozen=True)
class Contraction:
    """The proven radius rho >= A(rho), A, L, beta (T2) and the amplitude bound eps = c_max K(R)."""

    rho: object
    A: object
    L: object
    beta: object
    eps: object
    c_max: object


def linear_at(prob, R) -> Linear:
    r"""The linear solutions at R (Arb Bessel functions) and their exact tail integrals.

    .. math::  J_2 = \frac{X^2}{2m^2}\big(K_{\nu-1}K_{\nu+1} - K_\nu^2\big)(X), \quad
               \int_R^\infty r^{d-1}K'^2 = -R^{d-1}KK' - m^2 J_2, \quad
               \int_R^\infty r^{d-1}K|K'| = \tfrac12 R^{d-1}K^2 + \tfrac{d-1}{2}\int_R^\infty r^{d-2}K^2
    """
    m, d = prob.m, prob.dim
    nu = arb(d - 2) / 2
    X = m * R
    s = R ** (-nu)
    Kn, Kn1, Knm = (_bessel(X, mu, "k") for mu in (nu, nu + 1, abs(nu - 1)))     # K_{-mu} = K_mu
    K, dK = s * Kn, -m * s * Kn1
    I, dI = s * _bessel(X, nu, "i"), m * s * _bessel(X, nu + 1, "i")
    J2 = X * X / (2 * m * m) * (Knm * Kn1 - Kn * Kn)
    JdK = -R ** (d - 1) * K * dK - m * m * J2
    JKdK = R ** (d - 1) * K * K / 2 + (d - 1) * J2 / (2 * R)        # int r^(d-2) K^2 <= J2 / R
    return Linear(R, K, dK, I, dI, -dK / K, J2, JdK, JKdK)


def _bessel(X, nu, kind):
    """K_nu(X) or I_nu(X) as a ball, evaluated with 3 X extra bits (Arb's integer-order K loses up
    to ~2.9 X bits for moderate X); the ball is valid at any precision."""
    with flint.ctx.workprec(flint.ctx.prec + int(3 * float(X.upper())) + 20):
        return X.bessel_k(nu) if kind == "k" else X.bessel_i(nu)


def _sums(prob, rho, eps):
    m2 = prob.m * prob.m
    A = L = G = arb(0)
    for k in range(2, prob.p + 1):
        nk = abs(prob.n[k - 1])
        if nk == 0:
            continue
        t = nk * (1 + rho) ** k / (m2 * (k - 1))
        A += t * eps ** (k - 1)
        L += k * t * eps ** (k - 1) / (1 + rho)
        G += t * eps ** (k - 2)
    return arb(A.upper()), arb(L.upper()), G


def contraction(prob, lin: Linear, c_max, rho_scale=1) -> Contraction:
    r"""Prove the contraction for every :math:`|c| \le c_{\max}` (T1, T2); ``rho_scale < 1`` only in tests.

    .. math::  A(\rho) \le \rho, \qquad L(\rho) < 1/2
    """
    c_max = arb(arb(c_max).upper())
    eps = arb((c_max * lin.K).upper())
    rho = arb(0)
    for _ in range(RHO_ITER):
        A, _, _ = _sums(prob, rho, eps)
        rho = arb((A * arb(101) / 100).upper())
    rho = rho * rho_scale
    A, L, G = _sums(prob, rho, eps)
    if not (A <= rho):
        raise TailError(f"tail contraction: A(rho) = {A.upper()} > rho = {rho.upper()} (|c| K(R) = "
                        f"{eps.upper()}): R too small")
    if not (L < L_MAX):
        raise TailError(f"tail contraction: Lipschitz constant {L.upper()} >= 1/2: R too small")
    beta = arb((G * c_max / (lin.R ** (prob.dim - 1) * lin.I)).upper())
    return Contraction(rho, A, L, beta, eps, c_max)


def amplitude(lin: Linear, con: Contraction, p):
    r"""The ball of c with :math:`\phi_c(R) = p` (from T1: :math:`p \in cK(R)(1 \pm A)`).

    .. math::  c \in p / \big(K(R)\,(1 + [-A, A])\big)
    """
    if not (abs(p) <= con.c_max * lin.K * (1 - con.A)):
        raise TailError("the interior amplitude at R is outside the proven tail range |c| <= c_max")
    return p / (lin.K * (1 + arb(0, con.A.upper())))


def match_residual(lin: Linear, con: Contraction, p, q):
    r"""A ball containing :math:`H = \phi'(R) - \phi_c'(R)` for the c with :math:`\phi_c(R) = p`.

    .. math::  \phi_c'(R) \in cK'(R) \pm |c|\big(\rho |K'(R)| + \beta K(R)\big)
    """
    c = amplitude(lin, con, p)
    sig = con.rho * abs(lin.dK) + con.beta * lin.K
    return q - (c * lin.dK + arb(0, (abs(c) * sig).upper()))


def _derivative_error(lin: Linear, con: Contraction):
    r""":math:`\int_R^\infty r^{d-1}(|K'||e'| + e'^2/2) / c^2` bounded with T2 and the exact integrals."""
    rho, beta = con.rho, con.beta
    return rho * lin.JdK + beta * lin.JKdK + rho * rho * lin.JdK + beta * beta * lin.J2


def tail_action(prob, lin: Linear, con: Contraction, c):
    r"""Enclosure of :math:`\int_R^\infty r^{d-1}(\phi'^2/2 + U(\phi))\,dr` for the tail with amplitude c.

    .. math::  c^2\Big(-\tfrac12 R^{d-1} K K'\Big) \pm c^2 \big(\rho J_{K'} + \beta J_{KK'}
               + \rho^2 J_{K'} + \beta^2 J_2 + m^2\rho J_2 + m^2\rho^2 J_2/2\big)
               \pm \sum_{k\ge3} |u_k| \big((1+\rho)|c|\big)^k J_k,

    :math:`J_k \le K(R)^{k-1} / (m^2 (k-1) I(R))` (L1, W).
    """
    m, rho = prob.m, con.rho
    main = -c * c * lin.R ** (prob.dim - 1) * lin.K * lin.dK / 2
    ca = arb(abs(c).upper())
    err = ca * ca * (_derivative_error(lin, con) + m * m * lin.J2 * (rho + rho * rho / 2))
    for k in range(3, len(prob.u)):
        Jk = lin.K ** (k - 1) / (m * m * (k - 1) * lin.I)
        err += abs(prob.u[k]) * ((1 + rho) * ca) ** k * Jk
    return main + arb(0, err.upper())


def tail_kinetic(prob, lin: Linear, con: Contraction, c):
    r"""Enclosure of :math:`\int_R^\infty r^{d-1}\phi'^2/2` (T2 and the exact :math:`J_{K'}`).

    .. math::  \tfrac12 c^2 J_{K'} \pm c^2 \big(\rho J_{K'} + \beta J_{KK'} + \rho^2 J_{K'} + \beta^2 J_2\big)
    """
    ca = arb(abs(c).upper())
    return c * c * lin.JdK / 2 + arb(0, (ca * ca * _derivative_error(lin, con)).upper())


def tail_charge(lin: Linear, con: Contraction, c, scale=1):
    r"""Enclosure of :math:`\int_R^\infty r^{d-1}\phi^2` from T1 (:math:`|\phi - cK| \le A|c|K`),
    (**Q2**, docs/certified.md part 3); ``scale`` multiplies it (only to break it in tests).

    .. math::  \int_R^\infty r^{d-1}\phi^2 \in c^2 J_2 \pm c^2 (2A + A^2) J_2
    """
    ca = arb(abs(c).upper())
    A = con.A
    return scale * (c * c * lin.J2 + arb(0, (ca * ca * (2 * A + A * A) * lin.J2).upper()))


def tail_charge_identity(prob, lin: Linear, con: Contraction, c, p, q):
    r"""A second enclosure of :math:`\int_R^\infty r^{d-1}\phi^2` (**Q3**): multiplying
    :math:`(r^{d-1}\phi')' = r^{d-1} f(\phi)` by :math:`\phi` and integrating over :math:`[R, \infty)`,

    .. math::  m^2 \int_R^\infty r^{d-1}\phi^2 = -R^{d-1}\phi(R)\phi'(R) - 2\int_R^\infty r^{d-1}\tfrac12\phi'^2
               - \int_R^\infty r^{d-1}\phi\,\mathcal N(\phi),

    with ``p``, ``q`` enclosures of :math:`\phi(R)`, :math:`\phi'(R)`, the kinetic tail from T2 and
    :math:`|\int r^{d-1}\phi\mathcal N| \le \sum_k |n_k| ((1+\rho)|c|)^{k+1} J_{k+1}`.
    """
    m, rho = prob.m, con.rho
    ca = arb(abs(c).upper())
    G = arb(0)
    for k in range(2, prob.p + 1):
        Jk1 = lin.K ** k / (m * m * k * lin.I)           # J_(k+1) <= K^k / (m^2 k I)
        G += abs(prob.n[k - 1]) * ((1 + rho) * ca) ** (k + 1) * Jk1
    T = tail_kinetic(prob, lin, con, c)
    return (-lin.R ** (prob.dim - 1) * p * q - 2 * T + arb(0, G.upper())) / (m * m)
