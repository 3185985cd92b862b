r"""Bessel tails of radial solitons: matching constant, tail integrals, asymptotic profile.

Far from a bounce or Q-ball every field obeys the linearised radial equation
of a field of mass ``m`` in ``d`` Euclidean dimensions,

.. math::  \phi'' + \frac{d-1}{r}\phi' = m^2 \phi ,

whose decaying solution is ``phi = A r^{-nu} K_nu(m r)`` with ``nu = d/2 - 1``.
Shooting codes match to it at a finite radius ``R`` (the logarithmic
derivative :func:`kappa`) and add the integrals beyond ``R`` in closed form
(:func:`tail_integrals`); :func:`tail_profile` evaluates the tail itself.
The regular solution about a minimum of curvature ``mu^2`` (the interior of a
thin-wall bubble), normalised to 1 at the origin, is :func:`regular_profile`.

Numeric layer: mpmath only.  Every function works at the caller's mpmath
precision (``mp.workprec``); ``*_float`` variants use Python floats.

>>> import mpmath
>>> mpmath.nstr(kappa(3, mpmath.mpf(2)), 10)          # -(1 + 1/R) for d = 3
'-1.5'
"""

from __future__ import annotations

import mpmath

__all__ = ["kappa", "kappa_float", "tail_amplitude", "tail_profile", "tail_integrals",
           "regular_profile", "regular_sq_integral"]

#: beyond this argument kappa_float uses the large-argument expansion (even d)
_ASYMPTOTIC_Z = 200.0
#: from this argument on kappa_float uses Steed's continued fraction (even d; mpmath below)
_CF_Z = 2.0


def _nu(d: int):
    return mpmath.mpf(d) / 2 - 1


def kappa(d: int, R, m=1):
    r"""Logarithmic derivative of the decaying tail at ``R``: ``phi'(R) = kappa phi(R)``.

    .. math::  \kappa = -m\,\frac{K_{\nu+1}(mR)}{K_\nu(mR)}, \qquad \nu = d/2 - 1 .

    Odd ``d`` (half-integer ``nu``): exact and cheap, from ``K_{3/2}/K_{1/2} = 1 + 1/z``
    and the recurrence ``K_{n+1}/K_n = K_{n-1}/K_n + 2n/z``.  Works at the current
    mpmath precision.

    >>> import mpmath
    >>> mpmath.nstr(kappa(5, mpmath.mpf(1)), 12)     # 1/(1 + 1/z) + 3/z at z = 1
    '-3.5'
    >>> abs(kappa(4, mpmath.mpf(3)) + mpmath.besselk(2, 3) / mpmath.besselk(1, 3)) < 1e-14
    True
    """
    z = m * mpmath.mpf(R)
    nu = _nu(d)
    if d % 2:
        rho = 1 + 1 / z
        n = mpmath.mpf(1) / 2
        while n < nu:
            n += 1
            rho = 1 / rho + 2 * n / z
        return -m * rho
    return -m * mpmath.besselk(nu + 1, z) / mpmath.besselk(nu, z)


def kappa_float(d: int, R: float, m: float = 1.0) -> float:
    r""":func:`kappa` in double precision (closed form for odd ``d``).

    .. math::  \kappa = -m\,K_{\nu+1}(mR)/K_\nu(mR)

    Even ``d`` beyond ``mR = 200``: the large-argument expansion (relative error ~1e-11).

    >>> kappa_float(3, 2.0)
    -1.5
    """
    z = m * R
    nu = d / 2 - 1
    if d % 2:
        rho = 1 + 1 / z
        n = 0.5
        while n < nu:
            n += 1
            rho = 1 / rho + 2 * n / z
        return -m * rho
    if z > _ASYMPTOTIC_Z:
        m1, m2 = 4 * nu ** 2, 4 * (nu + 1) ** 2

        def a(mu):
            return (1 + (mu - 1) / (8 * z) + (mu - 1) * (mu - 9) / (128 * z * z)
                    + (mu - 1) * (mu - 9) * (mu - 25) / (3072 * z ** 3))
        return -m * a(m2) / a(m1)
    if z >= _CF_Z:
        rho = _k1_over_k0(z)
        n = 0
        while n < nu:
            n += 1
            rho = 1 / rho + 2 * n / z
        return -m * rho
    with mpmath.workprec(53):
        return float(kappa(d, mpmath.mpf(z))) * m


def _k1_over_k0(x: float) -> float:
    r"""``K_1(x)/K_0(x)`` in double precision for ``x >= 2`` (Steed's continued fraction).

    .. math::  \frac{K_1(x)}{K_0(x)} = \frac{x + 1/2 - h}{x}

    with ``h`` the continued fraction of Temme's CF2 (Numerical Recipes, ``bessik``, mu = 0).

    >>> abs(_k1_over_k0(3.0) - float(mpmath.besselk(1, 3) / mpmath.besselk(0, 3))) < 1e-15
    True
    """
    b = 2 * (1 + x)
    dd = 1 / b
    h = delh = dd
    a = -0.25
    for i in range(2, 10000):
        a -= 2 * (i - 1)
        b += 2
        dd = 1 / (b + a * dd)
        delh = (b * dd - 1) * delh
        h += delh
        if abs(delh) < 1e-17 * abs(h):
            break
    return (x + 0.5 - 0.25 * h) / x


def tail_amplitude(d: int, R, value, m=1):
    r"""Amplitude ``A`` of the tail ``A r^{-nu} K_nu(m r)`` through ``phi(R) = value``.

    .. math::  A = \phi(R)\, R^{\nu} / K_\nu(mR)

    >>> import mpmath
    >>> A = tail_amplitude(3, mpmath.mpf(2), mpmath.mpf(1))
    >>> mpmath.nstr(tail_profile(3, A, mpmath.mpf(2)), 12)
    '1.0'
    """
    nu = _nu(d)
    R = mpmath.mpf(R)
    return value * R ** nu / mpmath.besselk(nu, m * R)


def tail_profile(d: int, A, r, m=1, deriv: bool = False):
    r"""The tail ``phi(r) = A r^{-nu} K_nu(m r)`` (or its derivative) at ``r > 0``.

    .. math::  \phi'(r) = -A\, m\, r^{-\nu} K_{\nu+1}(m r)

    >>> import mpmath
    >>> mpmath.nstr(tail_profile(3, 1, mpmath.mpf(1), deriv=True) / tail_profile(3, 1, 1), 12)
    '-2.0'
    """
    nu = _nu(d)
    r = mpmath.mpf(r)
    if deriv:
        return -A * m * r ** (-nu) * mpmath.besselk(nu + 1, m * r)
    return A * r ** (-nu) * mpmath.besselk(nu, m * r)


def tail_integrals(d: int, R, value, slope=None, m=1) -> dict:
    r"""Radial integrals of the tail beyond ``R`` (measure ``r^{d-1} dr``, no solid angle).

    With ``phi(R) = value`` and ``phi'(R) = slope`` (default: ``kappa(d, R, m) value``):

    .. math::  Q = \int_R^\infty \phi^2 r^{d-1} dr
               = \frac{A^2 R^2}{2}\left(K_{\nu-1}K_{\nu+1} - K_\nu^2\right)(mR),
               \quad T = -\tfrac12\left(R^{d-1}\phi\phi' + m^2 Q\right), \quad V = \tfrac12 m^2 Q

    (``T = int phi'^2/2``, ``V = int m^2 phi^2/2``; ``T`` follows from ``(r^{d-1}phi')' = m^2 r^{d-1} phi``).
    Returns ``{"Q", "T", "V", "A"}``.

    >>> import mpmath
    >>> t = tail_integrals(3, mpmath.mpf(2), mpmath.mpf(1))
    >>> abs(t["Q"] - mpmath.quad(lambda r: tail_profile(3, t["A"], r)**2 * r**2, [2, mpmath.inf])) < 1e-14
    True
    """
    nu = _nu(d)
    R = mpmath.mpf(R)
    z = m * R
    if slope is None:
        slope = kappa(d, R, m) * value
    kz = mpmath.besselk(nu, z)
    A = value * R ** nu / kz
    # int_R^inf r K_nu(m r)^2 dr = (1/m^2) z^2/2 (K_{nu-1} K_{nu+1} - K_nu^2)(z)
    Q = A ** 2 * R ** 2 / 2 * (mpmath.besselk(nu - 1, z) * mpmath.besselk(nu + 1, z) - kz ** 2)
    T = -(R ** (d - 1) * value * slope + m ** 2 * Q) / 2
    return {"Q": Q, "T": T, "V": m ** 2 * Q / 2, "A": A}


def regular_profile(d: int, mu, r) -> tuple:
    r"""Regular solution of ``Lambda'' + (d-1)/r Lambda' = mu^2 Lambda``, ``Lambda(0) = 1``, and ``Lambda'``.

    .. math::  \Lambda(r) = \Gamma(\nu+1) (2/\mu r)^{\nu} I_\nu(\mu r), \qquad
               \Lambda'(r) = \Gamma(\nu+1) (2/\mu r)^{\nu} \mu I_{\nu+1}(\mu r)

    (the interior of a thin-wall bubble, ``phi = phi_t - delta Lambda``).

    >>> import mpmath
    >>> lam, dlam = regular_profile(3, 1, mpmath.mpf(1))
    >>> abs(lam - mpmath.sinh(1)) < 1e-14, abs(dlam - (mpmath.cosh(1) - mpmath.sinh(1))) < 1e-14
    (True, True)
    """
    nu = _nu(d)
    z = mu * mpmath.mpf(r)
    pref = mpmath.gamma(nu + 1) * (2 / z) ** nu
    return pref * mpmath.besseli(nu, z), pref * mu * mpmath.besseli(nu + 1, z)


def regular_value(d: int, mu, r):
    r"""``regular_profile(d, mu, r)[0]`` alone; for ``d = 3`` in closed form (no Bessel series).

    .. math::  \Lambda(r) = \frac{\sinh(\mu r)}{\mu r} \quad (d = 3)

    >>> import mpmath
    >>> abs(regular_value(3, 2, mpmath.mpf(1)) - regular_profile(3, 2, mpmath.mpf(1))[0]) < 1e-14
    True
    """
    if d == 3:
        z = mu * mpmath.mpf(r)
        return mpmath.sinh(z) / z
    return regular_profile(d, mu, r)[0]


def regular_sq_integral(d: int, mu, r) -> object:
    r"""``int_0^r Lambda(s)^2 s^{d-1} ds`` of :func:`regular_profile` in closed form.

    .. math::  \int_0^r \Lambda^2 s^{d-1} ds = \frac{c^2}{\mu^2}\,\frac{z^2}{2}
               \left(I_\nu^2 - I_{\nu-1} I_{\nu+1}\right)(z), \quad z = \mu r,\ c = \Gamma(\nu+1)(2/\mu)^\nu

    >>> import mpmath
    >>> v = regular_sq_integral(3, 2, mpmath.mpf(1))
    >>> abs(v - mpmath.quad(lambda s: regular_profile(3, 2, s)[0]**2 * s**2, [0, 1])) < 1e-14
    True
    """
    nu = _nu(d)
    z = mu * mpmath.mpf(r)
    c = mpmath.gamma(nu + 1) * (2 / mu) ** nu
    return c ** 2 / mu ** 2 * z ** 2 / 2 * (mpmath.besseli(nu, z) ** 2
                                             - mpmath.besseli(nu - 1, z) * mpmath.besseli(nu + 1, z))
