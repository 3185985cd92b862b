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

import sympy as sp

from qsym import bridge
from qsym.api.bounce import bounce
from qsym.errors import InputError
from qsym.numeric.certify.driver import certify_polynomial_bounce
from qsym.numeric.certify.result import CertifiedBounceResult
from qsym.symbolic.potential import Potential

__all__ = ["certify_bounce", "CertifiedBounceResult", "POLY_ONLY"]

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

    def amplitude(r):
        return abs(eng.profile(r))
    return certify_polynomial_bounce(coeffs, dim, dps, eng.sign, eng.phi0, amplitude, eng.action,
                                     rel=rel, R=R)
