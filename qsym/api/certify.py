r"""Certified bounce actions of polynomial single-field potentials: :func:`certify_bounce`.

The proof (docs/certified.md, part 2) runs in Arb ball arithmetic in
:mod:`qsym.numeric.certify`; this module checks the input, takes the exact coefficients of
U (or :math:`U_\omega = U - \omega^2\phi^2/2`) from SymPy through :mod:`qsym.bridge`, and asks
the (uncertified) engine :mod:`qsym.numeric.bounce1d` for a starting value of :math:`\phi(0)`.

.. math::  S = \Omega_d \int_0^\infty r^{d-1}\Big(\tfrac12\phi'^2 + U(\phi)\Big)dr \in [\mathrm{lo}, \mathrm{hi}]

The example is in :func:`certify_bounce`.
"""

from __future__ import annotations

from fractions import Fraction

import flint
import mpmath
import sympy as sp

from qsym import bridge
from qsym.api.bounce import bounce
from qsym.errors import InputError
from qsym.numeric.certify.driver import DIGITS_SHORT, certify_polynomial_bounce
from qsym.numeric.certify.qball import certify_qball_point, charge_root
from qsym.numeric.certify.result import CertifiedBounceResult, CertifiedQBallResult, decimal_down, decimal_up
from qsym.results import CONVERGED, REDUCED, UNCERTIFIED
from qsym.symbolic.potential import Potential

__all__ = ["certify_bounce", "certify_qball_omega", "certify_qball", "check_qball_input", "CertifiedBounceResult",
           "CertifiedQBallResult", "POLY_ONLY"]

#: the one-line refusal for input outside the certified class
POLY_ONLY = "--certify handles polynomial single-field potentials"
#: digits beyond dps at which the engine supplies the shooting guess
ENGINE_EXTRA_DPS = 15


def _coefficients(expr, var, dps):
    """Exact Fractions of U's coefficients (mpf at dps + 10 digits for irrational ones, with ``rel``)."""
    try:
        poly = sp.Poly(sp.expand(expr), var)
    except sp.PolynomialError:
        raise InputError(f"{POLY_ONLY}; U = {expr} is not a polynomial in {var}") from None
    if poly.free_symbols - {var}:
        raise InputError(f"{POLY_ONLY}; U has symbols without values")
    cs, rel = [], 0.0
    for c in poly.all_coeffs()[::-1]:
        if c.is_Rational:
            cs.append(Fraction(int(c.p), int(c.q)))
        else:
            cs.append(bridge.to_mpf(c, dps + 10))
            rel = 10.0 ** (-(dps + 9))
    return cs, rel


def _prepare(potential, omega, dim, dps):
    """Input checks, the exact coefficients of U (or U_omega) and the engine's bounce (the guess)."""
    if not isinstance(potential, Potential):
        raise InputError(f"expected a qsym.symbolic.potential.Potential, got {type(potential).__name__}")
    if len(potential.fields) != 1:
        raise InputError(f"{POLY_ONLY} (got {len(potential.fields)} fields)")
    if isinstance(dim, bool) or not isinstance(dim, int) or dim < 2:
        raise InputError(f"--certify needs an integer dimension d >= 2, got {dim!r}")
    dps = bridge.check_dps(dps)
    var, expr = potential.single_field()
    if omega is not None:
        from qsym.api.bounce import _omega_value
        expr = potential.U_omega(_omega_value(omega)).subs(potential.values)
    coeffs, rel = _coefficients(expr, var, dps)
    eng = bounce(potential, omega=omega, dim=dim, dps=dps + ENGINE_EXTRA_DPS)
    return coeffs, rel, eng, dps


def certify_bounce(potential, omega=None, dim: int = 3, dps: int = 50, R=None) -> CertifiedBounceResult:
    r"""A proven enclosure of the bounce action of a polynomial single-field potential.

    .. math::  \phi'' + \frac{d-1}{r}\phi' = U'(\phi), \quad \phi'(0) = 0, \ \phi(\infty) = 0,
               \qquad U(0) = U'(0) = 0 < U''(0)

    ``omega`` certifies the bounce of :math:`U_\omega = U - \omega^2\phi^2/2` (the Q-ball
    profile equation).  ``dim`` is an integer >= 2; ``R`` fixes the matching radius (default:
    chosen for a relative width of about ``10**-(dps - 8)``).  The result's ``enclosure``
    holds outward-rounded decimal strings; ``status`` is ``converged``/``reduced`` when proven,
    ``uncertified`` (with ``stats["reason"]``) when an ingredient did not close.

    >>> from qsym.symbolic.potential import Potential
    >>> r = certify_bounce(Potential("phi**2/2 - phi**3", ["phi"]), dps=15)
    >>> r.status, r.enclosure[0][:12], r.enclosure[1][:12], float(r.enclosure[0]) <= float(r.cgm_upper)
    ('converged', '4.8511374129', '4.8511374129', True)
    """
    coeffs, rel, eng, dps = _prepare(potential, omega, dim, dps)

    def amplitude(r):
        return abs(eng.profile(r))
    return certify_polynomial_bounce(coeffs, dim, dps, eng.sign, eng.phi0, amplitude, eng.action,
                                     rel=rel, R=R)


# ---------------------------------------------------------------------------------------------
# Part 3: certified Q-balls (d = 3)

#: the omega interval's half-width at given charge is this many times the target width of Q
#: divided by |dQ/domega| (the engine's), widened by OMEGA_GROW if the sign change is not proven
OMEGA_SPREAD = 8
OMEGA_GROW = 16
OMEGA_TRIES = 3
#: the assumption of the theorem at given charge (docs/certified.md, part 3, F)
FAMILY_ASSUMPTION = ("F: the Q-balls form a C^1 family on the omega interval through the two certified "
                     "ones, with Q(omega) monotone there (no turning point dQ/domega = 0)")


def check_qball_input(potential) -> None:
    r"""Raise :class:`~qsym.errors.InputError` (one line) unless ``potential`` is a one-field
    polynomial with a rational charge: the class :func:`certify_qball` proves.

    .. math::  U(\phi) = \sum_{k=2}^{n} u_k \phi^k, \qquad q^2 \in \mathbb{Q}

    >>> from qsym.symbolic.potential import Potential
    >>> check_qball_input(Potential("phi**2/2 - phi**3 + phi**4", ["phi"]))
    """
    if not isinstance(potential, Potential):
        raise InputError(f"expected a qsym.symbolic.potential.Potential, got {type(potential).__name__}")
    if len(potential.fields) != 1:
        raise InputError(f"{POLY_ONLY} (got {len(potential.fields)} fields)")
    var, expr = potential.single_field()
    _coefficients(expr, var, 15)
    _charge2(potential, var)


def _charge2(potential, var) -> Fraction:
    q2 = sp.expand(potential.charge_norm() / var ** 2)
    if not q2.is_Rational:
        raise InputError(f"--certify needs a rational charge q, got q^2 = {q2}")
    return Fraction(int(q2.p), int(q2.q))


def _omega_exact(omega, dps):
    """omega as a Fraction (rational) or an mpf at dps + 10 digits with its relative radius."""
    from qsym.api.bounce import _omega_value
    w = _omega_value(omega)
    if w.is_Rational:
        return Fraction(int(w.p), int(w.q)), 0.0
    return bridge.to_mpf(w, dps + 10), 10.0 ** (-(dps + 9))


def _point(potential, omega, dps, **breakers):
    """The certified balls of the Q-ball at omega and the engine's bounce."""
    wv, relw = _omega_exact(omega, dps)
    coeffs, rel, eng, dps = _prepare(potential, omega, 3, dps)
    q2 = _charge2(potential, potential.single_field()[0])

    def amplitude(r):
        return abs(eng.profile(r))
    balls = certify_qball_point(coeffs, wv, q2, dps, eng.sign, eng.phi0, amplitude, eng.action,
                                rel=max(rel, relw), **breakers)
    with mpmath.workdps(dps + ENGINE_EXTRA_DPS):
        w = mpmath.mpf(wv.numerator) / wv.denominator if isinstance(wv, Fraction) else wv
        Qe = w * mpmath.mpf(q2.numerator) / q2.denominator * eng.charge_integral
        engine = {"omega": w, "charge": Qe, "mass": eng.action + w * Qe, "action": eng.action}
    return balls, engine, eng.sign


def _dec(ball, dps):
    return decimal_down(ball, dps + 5), decimal_up(ball, dps + 5)


def _phi0(cert, sign, dps):
    ends = sorted([-cert.phi0_lo if sign < 0 else cert.phi0_lo, -cert.phi0_hi if sign < 0 else cert.phi0_hi],
                  key=lambda b: float(b.mid()))
    return decimal_down(ends[0], dps + 5), decimal_up(ends[1], dps + 5)


def _rel_half(ball) -> float:
    return float(ball.rad()) / max(abs(float(ball.mid())), 1e-300)


def _status(certified, err, dps):
    if not certified:
        return UNCERTIFIED
    return CONVERGED if err <= 2 * 10.0 ** (-(dps - DIGITS_SHORT)) else REDUCED


def certify_qball_omega(potential, omega, dps: int = 30, **breakers) -> CertifiedQBallResult:
    r"""Proven enclosures of the charge and the energy of the Q-ball of frequency ``omega`` (D = 3,
    one field, polynomial U; ``omega`` exact, or irrational as a ball of relative radius
    :math:`10^{-(\mathrm{dps}+9)}`).  Both belong to the same proven bounce of :math:`U_\omega`.

    .. math::  Q = \omega q^2 \int d^3x\,\phi^2, \qquad E = S_\omega + \omega Q

    ``breakers`` go to :func:`~qsym.numeric.certify.action.certify_action` (tests only).

    >>> from qsym.symbolic.potential import Potential
    >>> r = certify_qball_omega(Potential("phi**2/2 - phi**3 + phi**4", ["phi"]), "9/10", dps=15)
    >>> r.status, r.charge_enclosure[0][:9], r.enclosure[0][:9]
    ('converged', '11.853679', '11.277990')
    """
    balls, engine, sign = _point(potential, omega, dps, **breakers)
    dps = bridge.check_dps(dps)
    c = balls.cert
    with flint.ctx.workprec(balls.prob.prec):
        err = max(_rel_half(balls.Q), _rel_half(balls.E))
        out = dict(omega=mpmath.mpf(balls.omega.mid()), charge=mpmath.mpf(balls.Q.mid()),
                   mass=mpmath.mpf(balls.E.mid()), error=err, enclosure=_dec(balls.E, dps),
                   charge_enclosure=_dec(balls.Q, dps), omega_enclosure=_dec(balls.omega, dps),
                   action_enclosure=_dec(balls.S, dps), phi0_interval=_phi0(c, sign, dps))
    stats = dict(c.stats, reason=c.reason, attempts=balls.tries)
    return CertifiedQBallResult(**out, engine=engine, R_match=balls.R, dps=dps,
                                status=_status(balls.certified, err, dps), stats=stats)


def _engine_root(potential, Q, dps):
    """The engine's lowest-energy Q-ball of charge Q: (omega*, dQ/domega or None)."""
    from qsym.api.solve import qball
    from qsym.bridge import MAX_DPS
    from qsym.numeric.qball import GUARD
    res = qball(potential, Q, dps=min(dps + 5, MAX_DPS - GUARD))
    best = min(res["solutions"], key=lambda s: mpmath.mpf(s.mass))
    return best, best.dQ_domega


def _omega_pair(w, hw, dps, offset=0):
    """Exact rationals omega* + (offset -+ 1) hw (decimal, dps + 12 digits)."""
    with mpmath.workdps(dps + 20):
        return tuple(Fraction(mpmath.nstr(mpmath.mpf(w) + (offset + s) * hw, dps + 12)) for s in (-1, 1))


def certify_qball(potential, Q, dps: int = 30, spread=None, offset=0, **breakers) -> CertifiedQBallResult:
    r"""A proven enclosure of the mass :math:`M_Q` and of :math:`\omega^*` of the Q-ball of charge
    ``Q`` (the engine's lowest-energy branch; D = 3, one field, polynomial U).

    Q is certified at two exact frequencies :math:`\omega_{\rm lo} < \omega_{\rm hi}` around the
    engine's :math:`\omega^*`; a proven :math:`Q(\omega_{\rm lo}) < Q < Q(\omega_{\rm hi})` (or the
    reverse) gives :math:`\omega^*` by the intermediate value theorem, and :math:`dE/dQ = \omega`
    encloses :math:`M_Q`, under the family assumption F (``FAMILY_ASSUMPTION``, docs/certified.md):

    .. math::  M_Q \in E(\omega_{\rm lo}) + [\omega_{\rm lo}, \omega_{\rm hi}]\,(Q - Q(\omega_{\rm lo}))

    ``spread`` fixes the half-width of the omega interval (default: ``OMEGA_SPREAD`` target
    widths of Q over the engine's :math:`|dQ/d\omega|`); ``offset`` moves the interval by that many
    half-widths and ``breakers`` go to the point certificates (both only to break it in tests).

    >>> from qsym.symbolic.potential import Potential
    >>> r = certify_qball(Potential("phi**2/2 - phi**3 + phi**4", ["phi"]), 12, dps=15)  # doctest: +SKIP
    >>> r.status, r.enclosure[0][:12], r.omega_enclosure[0][:9]                           # doctest: +SKIP
    ('converged', '11.409610687', '0.8990731')
    """
    from qsym.symbolic.potential import parse_value
    dps = bridge.check_dps(dps)
    Qr = parse_value(Q, "the charge")
    if not (Qr.is_Rational and Qr > 0):
        raise InputError(f"--certify needs a positive rational charge, got {Q!r}")
    Qf = Fraction(int(Qr.p), int(Qr.q))
    check_qball_input(potential)
    best, dQ = _engine_root(potential, Qr, dps)
    rel_target = 10.0 ** (-(dps - DIGITS_SHORT))
    if spread is not None:
        hw = mpmath.mpf(spread)
    elif dQ is not None and dQ != 0:
        hw = OMEGA_SPREAD * rel_target * float(Qf) / abs(float(dQ))
    else:
        hw = OMEGA_SPREAD * rel_target * float(best.omega)
    tries = []
    for _ in range(1 if spread is not None or offset else OMEGA_TRIES):
        w_lo, w_hi = _omega_pair(best.omega, hw, dps, offset)
        lo, e_lo, sign = _point(potential, sp.Rational(w_lo.numerator, w_lo.denominator), dps, **breakers)
        hi, e_hi, _ = _point(potential, sp.Rational(w_hi.numerator, w_hi.denominator), dps, **breakers)
        prec = max(lo.prob.prec, hi.prob.prec)
        M, om, ok, why = charge_root(lo, hi, Qf, prec)
        if ok and dQ is not None and dQ != 0 and (lo.Q < hi.Q) != (dQ > 0):
            ok, M, why = False, None, ("inconsistent with F: Q(omega_hi) - Q(omega_lo) and the engine's "
                                       "dQ/domega have opposite signs")
        tries.append(f"omega half-width {float(hw):.3g}: " + (why or "proven"))
        if ok or "sign change" not in why or not (lo.certified and hi.certified):
            break
        hw = hw * OMEGA_GROW
    return _charge_result(best, Qf, lo, hi, M, om, ok, why, sign, dps, tries)


def _charge_result(best, Qf, lo, hi, M, om, ok, why, sign, dps, tries) -> CertifiedQBallResult:
    with flint.ctx.workprec(max(lo.prob.prec, hi.prob.prec)):
        Mb = M if M is not None else lo.E.union(hi.E)
        Qh = lo.Q.union(hi.Q)
        err = _rel_half(Mb) if ok else mpmath.inf
        p_lo, p_hi = _phi0(lo.cert, sign, dps), _phi0(hi.cert, sign, dps)
        phi0 = (min(p_lo[0], p_hi[0], key=float), max(p_lo[1], p_hi[1], key=float))
        out = dict(omega=mpmath.mpf(om.mid()), charge=mpmath.mpf(Qf.numerator) / Qf.denominator,
                   mass=mpmath.mpf(Mb.mid()), error=err, enclosure=_dec(Mb, dps),
                   charge_enclosure=_dec(Qh, dps), omega_enclosure=_dec(om, dps), action_enclosure=None,
                   phi0_interval=phi0)
    engine = {"omega": best.omega, "mass": best.mass, "charge": best.charge}
    stats = dict(reason=why, attempts=tries, engine_dQ_domega=str(best.dQ_domega),
                 omega_lo=str(lo.omega.mid()), omega_hi=str(hi.omega.mid()),
                 cpu=lo.cert.stats.get("cpu", 0) + hi.cert.stats.get("cpu", 0),
                 R=(lo.R, hi.R), charge_lo=_dec(lo.Q, dps), charge_hi=_dec(hi.Q, dps))
    return CertifiedQBallResult(**out, engine=engine, R_match=max(lo.R, hi.R), dps=dps,
                                status=_status(ok, err, dps), stats=stats, assumption=FAMILY_ASSUMPTION)
