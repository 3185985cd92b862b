r"""Choice of the matching radius and the certified result of a polynomial bounce.

The enclosure's width is set by the shooting interval (:math:`\delta \propto \varepsilon^2 e^{-mR}`,
:math:`\varepsilon = |\phi(R)|`) times the growth of the interior map, roughly

.. math::  w(R) \approx C\,\varepsilon(R)^2 e^{-mR} (mR)^3, \qquad C = \texttt{WIDTH\_CONSTANT},

so R starts where this estimate (from the engine's profile) meets the target
:math:`10^{-(\mathrm{dps} - \texttt{DIGITS\_SHORT})}|S|`; if the proven width is larger, R grows by
:math:`\ln(w/\mathrm{target})/(3m)` (the width falls like :math:`e^{-3mR}`) and the proof is redone.

Numeric layer: python-flint, mpmath.
"""

from __future__ import annotations

import math
from typing import Callable

import flint
import mpmath
from flint import arb

from qsym.numeric.certify.action import certify_action, working_prec
from qsym.numeric.certify.problem import CertProblem
from qsym.numeric.certify.result import CertifiedBounceResult, decimal_down, decimal_up
from qsym.numeric.certify.steps import StepFailure
from qsym.numeric.certify.tail import TailError
from qsym.results import CONVERGED, REDUCED, UNCERTIFIED

__all__ = ["certify_polynomial_bounce", "prove", "DIGITS_SHORT"]

#: the target relative width is 10**-(dps - DIGITS_SHORT) (dps 50: ~1e-42, dps 100: ~1e-92)
DIGITS_SHORT = 8
#: calibrated on S_psi (d = 3): the proven width at R is about this times eps^2 e^{-mR} (mR)^3
WIDTH_CONSTANT = 10.0
#: attempts with a larger R before the result is returned as it is
R_TRIES = 3
#: smallest matching radius (units 1/m): below it the interval runs are too wide for the mean-value
#: forms at low dps (the shooting interval is ~eps^2 e^{-mR}, its image grows like e^{mR})
R_MIN = 15.0


def _initial_R(m: float, amplitude: Callable, target: float) -> float:
    R = R_MIN / m
    while R < 1e4 / m:
        eps = abs(float(amplitude(R)))
        if eps > 0 and WIDTH_CONSTANT * eps ** 2 * math.exp(-m * R) * (m * R) ** 3 < target:
            return R
        R += 0.5 / m
    return R


def certify_polynomial_bounce(coeffs, dim: int, dps: int, sign: int, phi0, amplitude: Callable,
                              engine_action, rel: float = 0.0, R: float | None = None,
                              **breakers) -> CertifiedBounceResult:
    r"""Certified enclosure of the bounce action of :math:`U = \sum_k u_k \phi^k` (``coeffs``).

    ``sign``, ``phi0`` (the engine's shooting value, a positive mpf after mirroring) and
    ``amplitude(r)`` (the engine's :math:`|\phi(r)|`) only steer: every decision is made in
    balls.  ``R`` fixes the matching radius (no adaptation); ``breakers`` go to
    :func:`~qsym.numeric.certify.action.certify_action` (tests).

    .. math::  S \in [\mathrm{lo}, \mathrm{hi}] \subseteq [S_{\rm direct}] \cap [\tfrac2d T]
    """
    cert, prob, R, target, tries = prove(coeffs, dim, dps, sign, phi0, amplitude, engine_action,
                                         rel=rel, R=R, **breakers)
    return _result(cert, prob, dim, dps, sign, R, target, engine_action, tries)


def _relative_width(cert, prob) -> float:
    """The largest relative width of the enclosures (the action, and the charge integral if present)."""
    with flint.ctx.workprec(prob.prec):
        out = 0.0
        for b in (cert.action, cert.charge):
            if b is not None:
                w = float((b.upper() - b.lower()).mid())
                out = max(out, w / max(abs(float(b.mid())), 1e-300))
        return out


def prove(coeffs, dim: int, dps: int, sign: int, phi0, amplitude: Callable, engine_action,
          rel: float = 0.0, R: float | None = None, **breakers):
    r"""The certificate (:class:`~qsym.numeric.certify.action.Certificate`) with the matching radius
    chosen as in the module text, and ``(cert, prob, R, target, tries)``; ``breakers`` (and
    ``charge=True``) go to :func:`~qsym.numeric.certify.action.certify_action`.

    .. math::  w(R) \le 10^{-(\mathrm{dps} - 8)} |S|
    """
    u2 = coeffs[2]
    m = math.sqrt(2 * float(u2))
    with mpmath.workdps(dps + 10):
        S_abs = abs(mpmath.mpf(engine_action))
    rel_target = 10.0 ** (-(dps - DIGITS_SHORT))
    target = float(rel_target * max(float(S_abs), 1e-300))
    fixed = R is not None
    R = float(R) if fixed else _initial_R(m, amplitude, target)
    cert = prob = None
    tries = []
    for _ in range(1 if fixed else R_TRIES):
        prec = working_prec(dps, m * R)
        prob = CertProblem.from_coefficients(coeffs, dim, prec, sign=sign, rel=rel)
        try:
            cert = certify_action(prob, -phi0 if phi0 < 0 else phi0, R, **breakers)
        except (TailError, StepFailure) as exc:
            if fixed:
                raise
            tries.append(f"R = {R:.4g}: {exc}")
            R += 5 / m
            continue
        rw = _relative_width(cert, prob)
        tries.append(f"R = {R:.4g}: relative width {rw:.3g}")
        if fixed or not cert.certified or rw <= rel_target:
            break
        R += math.log(rw / rel_target) / (3 * m) + 0.5 / m
    if cert is None:
        raise TailError("; ".join(tries))
    return cert, prob, R, target, tries


def _result(cert, prob, dim, dps, sign, R, target, engine_action, tries) -> CertifiedBounceResult:
    digits = dps + 5
    with flint.ctx.workprec(prob.prec):
        S = cert.action
        width = float((S.upper() - S.lower()).mid())
        with mpmath.workdps(dps + 10):
            mid = mpmath.mpf(decimal_down(arb(S.mid()), digits + 10))
            err = mpmath.mpf(width / 2) / abs(mid) if mid else mpmath.inf
        enclosure = (decimal_down(S, digits), decimal_up(S, digits))
        sgn = (lambda x: -x) if sign < 0 else (lambda x: x)
        ends = sorted([sgn(cert.phi0_lo), sgn(cert.phi0_hi)], key=lambda b: float(b.mid()))
        phi0 = (decimal_down(ends[0], digits), decimal_up(ends[1], digits))
        cgm = decimal_up(cert.cgm_upper, digits) if cert.cgm_upper is not None else None
    if not cert.certified:
        status = UNCERTIFIED
    else:
        status = CONVERGED if width <= 2 * target else REDUCED
    stats = dict(cert.stats, width=width, target_width=target, reason=cert.reason, attempts=tries)
    return CertifiedBounceResult(mid, err, enclosure, cgm, phi0, engine_action, dim, sign, R, dps,
                                 status, stats)
