r"""The field beyond the matching radius R: a contraction around the decaying linear solution.

For :math:`r \ge R` write :math:`f(\phi) = m^2\phi + \mathcal N(\phi)`,
:math:`\mathcal N = \sum_{k\ge2} n_k \phi^k`, and take the linear solutions (:math:`\nu = d/2 - 1`)

.. math::  K(r) = r^{-\nu} K_\nu(mr), \quad I(r) = r^{-\nu} I_\nu(mr), \quad
           K I' - K' I = r^{1-d} .

The decaying solutions are the fixed points of
:math:`\phi = cK + \mathcal T\phi`,
:math:`(\mathcal T\phi)(r) = \int_r^\infty s^{d-1}\,[K(r) I(s) - I(r) K(s)]\,\mathcal N(\phi(s))\,ds`.
With the lemmas (d >= 3, :math:`\nu \ge 1/2`; elementary for d = 3, see docs/certified.md)

- (L1) :math:`K(s) \le K(r) e^{-m(s-r)}` for :math:`s \ge r` (:math:`K_{\nu+1} \ge K_\nu`),
- (L2) :math:`0 < I'/I \le m` (:math:`I_{\nu+1} \le I_\nu`),
- (L3) :math:`s^{d-1} I(s) K(s) = s I_\nu K_\nu(ms) \le 1/(2m)`,
- (L4) :math:`|K'/K| = m K_{\nu+1}/K_\nu(mr)` decreases in r,

:math:`\mathcal T` maps :math:`X_\rho = \{|\phi - cK| \le \rho |c| K\}` into itself when
:math:`A(\rho) \le \rho` and is a contraction (weighted norm :math:`\sup|u|/K`) when
:math:`L(\rho) < 1`, where, with :math:`\varepsilon = |c| K(R)`,

.. math::  A = \sum_{k\ge2} \frac{|n_k| (1+\rho)^k \varepsilon^{k-1}}{2m^2 (k-1)}, \quad
           B = \sum_{k\ge2} \frac{|n_k| (1+\rho)^k \varepsilon^{k-1}}{2m^2 k}, \quad
           L = \sum_{k\ge2} \frac{k |n_k| (1+\rho)^{k-1} \varepsilon^{k-1}}{2m^2 (k-1)} .

Then (**T1**) :math:`|\phi_c(r) - cK(r)| \le A |c| K(r)`, (**T2**)
:math:`|\phi_c'(r) - cK'(r)| \le |c| K(r)\,(\kappa_R A + m B)` for :math:`r \ge R`
(:math:`\kappa_R = |K'(R)|/K(R)`), and at R itself the sharper
:math:`|\phi_c'(R) - cK'(R)| \le |c|(|K'(R)| A + I'(R) K(R) B / I(R))`.

Numeric layer: python-flint only.
"""

from __future__ import annotations

from dataclasses import dataclass

from flint import arb

from qsym.errors import ConvergenceError

__all__ = ["Linear", "Contraction", "TailError", "linear_at", "contraction", "match_residual",
           "amplitude", "tail_action", "tail_kinetic"]

#: iterations of rho <- A(rho) (with a 1 % margin) before the self-map test
RHO_ITER = 6
#: the contraction must have L below this (the tail amplitude is then monotone in c, see g(c))
L_MAX = arb(1) / 2


class TailError(ConvergenceError):
    """The contraction beyond R could not be proven (R too small, or |c| too large)."""


@dataclass(frozen=True)
class Linear:
    """K, K', I, I' at R, kappa = |K'|/K, and the exact integral J2 = int_R^oo r^(d-1) K^2."""

    R: object
    K: object
    dK: object
    I: object
    dI: object
    kappa: object
    J2: object


@dataclass(frozen=True)
class Contraction:
    """The proven radius rho = A(rho) bound, B, L and the amplitude bound eps = c_max K(R)."""

    rho: object
    A: object
    B: object
    L: object
    eps: object
    c_max: object


def linear_at(prob, R) -> Linear:
    r"""The linear solutions at R (Arb Bessel functions; d = 3 is elementary).

    .. math::  J_2 = \int_R^\infty r^{d-1} K^2 dr = \frac{X^2}{2m^2}\big(K_{\nu-1}K_{\nu+1} - K_\nu^2\big)(X),
               \quad X = mR
    """
    m = prob.m
    nu = arb(prob.dim - 2) / 2
    X = m * R
    s = R ** (-nu)
    Kn, Kn1, Knm = X.bessel_k(nu), X.bessel_k(nu + 1), X.bessel_k(nu - 1)
    K, dK = s * Kn, -m * s * Kn1
    I, dI = s * X.bessel_i(nu), m * s * X.bessel_i(nu + 1)
    J2 = X * X / (2 * m * m) * (Knm * Kn1 - Kn * Kn)
    return Linear(R, K, dK, I, dI, -dK / K, J2)


def _sums(prob, rho, eps):
    m2 = prob.m * prob.m
    A = B = L = arb(0)
    for k in range(2, prob.p + 1):
        nk = abs(prob.n[k - 1])
        if nk == 0:
            continue
        t = nk * (1 + rho) ** k * eps ** (k - 1) / (2 * m2)
        A += t / (k - 1)
        B += t / k
        L += k * t / ((1 + rho) * (k - 1))
    return arb(A.upper()), arb(B.upper()), arb(L.upper())


def contraction(prob, lin: Linear, c_max, rho_scale=1) -> Contraction:
    r"""Prove the contraction for every :math:`|c| \le c_{\max}` (T1, T2); ``rho_scale < 1`` only in tests.

    .. math::  A(\rho) \le \rho, \qquad L(\rho) < 1/2
    """
    eps = arb((c_max * lin.K).upper())
    rho = arb(0)
    for _ in range(RHO_ITER):
        A, _, _ = _sums(prob, rho, eps)
        rho = arb((A * arb(101) / 100).upper())
    rho = rho * rho_scale
    A, B, L = _sums(prob, rho, eps)
    if not (A <= rho):
        raise TailError(f"tail contraction: A(rho) = {A.upper()} > rho = {rho.upper()} (|c| K(R) = "
                        f"{eps.upper()}): R too small")
    if not (L < L_MAX):
        raise TailError(f"tail contraction: Lipschitz constant {L.upper()} >= 1/2: R too small")
    return Contraction(rho, A, B, L, eps, c_max)


def amplitude(lin: Linear, con: Contraction, p):
    r"""The ball of c with :math:`\phi_c(R) = p` (from T1: :math:`p \in cK(R)(1 \pm A)`).

    .. math::  c \in p / \big(K(R)\,(1 + [-A, A])\big)
    """
    if not (abs(p) <= con.c_max * lin.K * (1 - con.A)):
        raise TailError("the interior amplitude at R is outside the proven tail range |c| <= c_max")
    return p / (lin.K * (1 + arb(0, con.A.upper())))


def match_residual(lin: Linear, con: Contraction, p, q):
    r"""A ball containing :math:`H = \phi'(R) - \phi_c'(R)` for the c with :math:`\phi_c(R) = p`.

    .. math::  \phi_c'(R) \in cK'(R) \pm |c|\big(|K'(R)| A + I'(R) K(R) B / I(R)\big)
    """
    c = amplitude(lin, con, p)
    sig = abs(lin.dK) * con.A + lin.dI * lin.K * con.B / lin.I
    return q - (c * lin.dK + arb(0, (abs(c) * sig).upper()))


def tail_action(prob, lin: Linear, con: Contraction, c):
    r"""Enclosure of :math:`\int_R^\infty r^{d-1}(\phi'^2/2 + U(\phi))\,dr` for the tail with amplitude c.

    .. math::  c^2\Big(-\tfrac12 R^{d-1} K K'\Big) \pm c^2 J_2 \big(\kappa_R\rho' + \rho'^2/2 + m^2\rho
               + m^2\rho^2/2\big) \pm \sum_{k\ge3} |u_k| \big((1+\rho)|c|\big)^k J_k,

    :math:`\rho' = \kappa_R A + m B`, :math:`J_k \le K(R)^{k-1} / (2m^2 (k-1) I(R))` (L1, L3).
    """
    d, m = prob.dim, prob.m
    rho = con.rho
    rho1 = lin.kappa * con.A + m * con.B
    main = -c * c * lin.R ** (d - 1) * lin.K * lin.dK / 2
    ca = arb(abs(c).upper())
    err = ca * ca * lin.J2 * (lin.kappa * rho1 + rho1 * rho1 / 2 + m * m * rho + m * m * rho * rho / 2)
    for k in range(3, len(prob.u)):
        Jk = lin.K ** (k - 1) / (2 * m * m * (k - 1) * lin.I)
        err += abs(prob.u[k]) * ((1 + rho) * ca) ** k * Jk
    return main + arb(0, err.upper())


def tail_kinetic(prob, lin: Linear, con: Contraction, c):
    r"""Enclosure of :math:`\int_R^\infty r^{d-1}\phi'^2/2` (T2 and the exact
    :math:`\int_R^\infty r^{d-1}K'^2 = -R^{d-1}KK' - m^2 J_2`, integration by parts).

    .. math::  \tfrac12 c^2 \int K'^2 \pm c^2 J_2 (\kappa_R \rho' + \rho'^2/2)
    """
    d, m = prob.dim, prob.m
    rho1 = lin.kappa * con.A + m * con.B
    main = c * c * (-lin.R ** (d - 1) * lin.K * lin.dK - m * m * lin.J2) / 2
    ca = arb(abs(c).upper())
    err = ca * ca * lin.J2 * (lin.kappa * rho1 + rho1 * rho1 / 2)
    return main + arb(0, err.upper())
