r"""Q-balls in one space dimension in closed form (SymPy only).

In D = 1 the radial equation ``phi'' = dU_omega/dphi`` has the first integral

.. math:: \tfrac12 \phi'^2 = U_\omega(\phi), \qquad U_\omega = U - \tfrac12 q^2\omega^2\phi^2

(qsym's sign: ``U_omega > 0`` near the origin, :mod:`qsym.symbolic.noether`; the literature's
``-U_omega`` is the same statement for the opposite sign convention), so with ``phi_0`` the first
positive root of ``U_omega`` and ``dx = dphi / sqrt(2 U_omega)`` over the two halves of the profile

.. math:: Q = 2\omega q^2 \int_0^{\phi_0} \frac{\phi^2\, d\phi}{\sqrt{2U_\omega}}, \qquad
          E = 4 \int_0^{\phi_0} \frac{U\, d\phi}{\sqrt{2U_\omega}}, \qquad
          S_\omega = E - \omega Q = 2\int_0^{\phi_0}\sqrt{2U_\omega}\, d\phi .

With ``W = 2 U_omega / phi^2`` these are integrals of ``s^k / sqrt(W)``.  They are elementary when
``W`` is a quadratic ``a + b s + c s^2`` in ``s = phi`` (U of degree <= 4: the paper's
``M^2 phi^2/2 - A phi^3 + lam phi^4``) or in ``s = phi^2`` (even U of degree <= 6: the
``phi^4`` and ``phi^6`` models).  :func:`closed_form` builds them from

.. math:: I_k = \int_0^{s_0} \frac{s^k ds}{\sqrt{a + b s + c s^2}}, \qquad
          k c I_k = -\delta_{k1}\sqrt a - (k-1) a I_{k-2} - (k-\tfrac12) b I_{k-1},

(``s_0`` the first positive root of W; the reduction is ``d(s^{k-1}\sqrt W)`` integrated,
``sqrt W`` vanishing at ``s_0``) and ``I_0`` in logs (``c > 0``), an arcsine (``c < 0``) or a
square root (``c = 0``).

>>> import sympy as sp
>>> phi, w = sp.symbols("phi omega", positive=True)
>>> cf = closed_form(phi**2/2 - phi**4/2, phi, w)
>>> sp.simplify(cf["Q"])
2*omega*sqrt(1 - omega**2)
"""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

__all__ = ["closed_form", "reduced_integrals"]


def _expr(v):
    """A SymPy number or expression from a SymPy object, int or Fraction (no text: never parsed here)."""
    if isinstance(v, sp.Basic):
        return v
    if isinstance(v, (int, Fraction)):
        return sp.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else sp.Integer(v)
    raise TypeError(f"expected a SymPy expression or an exact number, got {type(v).__name__}")


def reduced_integrals(a, b, c, kmax: int) -> list:
    r"""``[I_0, ..., I_kmax]`` with ``I_k = int_0^{s_0} s^k / sqrt(a + b s + c s^2) ds``.

    ``a > 0``; ``s_0`` is the first positive root of ``a + b s + c s^2`` (``b < 0`` when ``c >= 0``).

    .. math:: I_0 = \frac{1}{\sqrt c}\log\frac{\sqrt{b^2 - 4ac}}{-b - 2\sqrt{ac}} \quad (c > 0)

    >>> reduced_integrals(1, -1, 0, 1)
    [2, 4/3]
    """
    a, b, c = (_expr(v) for v in (a, b, c))
    disc = b**2 - 4 * a * c
    if c == 0:
        I = [-2 * sp.sqrt(a) / b]
        for k in range(2, kmax + 2):       # (k-1) a I_{k-2} + (k-1/2) b I_{k-1} = 0
            I.append(-(k - 1) * a * I[k - 2] / ((k - sp.Rational(1, 2)) * b))
        return I[:kmax + 1]
    if c.is_positive or (c.is_number and c > 0):
        I0 = sp.log(sp.sqrt(disc) / (-b - 2 * sp.sqrt(a * c))) / sp.sqrt(c)
    else:
        I0 = (sp.pi / 2 + sp.asin(b / sp.sqrt(disc))) / sp.sqrt(-c)
    I = [I0]
    for k in range(1, kmax + 1):
        prev2 = I[k - 2] if k >= 2 else 0
        I.append((-(sp.sqrt(a) if k == 1 else 0) - (k - 1) * a * prev2
                  - (k - sp.Rational(1, 2)) * b * I[k - 1]) / (k * c))
    return I


def closed_form(U, phi: sp.Symbol, omega, q2=1):
    r"""``{"Q", "E", "S", "variable"}`` of the D = 1 Q-ball of ``U`` at ``omega`` in closed form, or None.

    None unless ``W = 2 U_omega/phi^2`` is a quadratic in ``phi`` or in ``phi^2``.  ``omega`` may
    be a number or a positive symbol (then the answer is a function of it); the expressions assume
    ``omega`` inside the window (``W(0) > 0`` and a positive root of W).

    .. math:: Q = 2\omega q^2 I_1, \quad E = 4\sum_k u_k I_{k-1} \quad (s = \phi);
              \qquad Q = \omega q^2 I_0, \quad E = 2\sum_j u_{2j} I_{j-1} \quad (s = \phi^2)

    >>> import sympy as sp
    >>> phi = sp.Symbol("phi", positive=True)
    >>> cf = closed_form(phi**2/2 - phi**3 + phi**4, phi, sp.Rational(4, 5))
    >>> sp.N(cf["Q"], 12), cf["variable"]
    (0.227600375064, 'phi')
    """
    U = sp.expand(_expr(U))
    try:
        p = sp.Poly(U, phi)
    except sp.PolynomialError:
        return None
    if p.free_symbols - {phi} - ({omega} if isinstance(omega, sp.Symbol) else set()):
        return None
    Uw = sp.expand(U - q2 * omega**2 * phi**2 / 2)
    W = sp.Poly(sp.expand(sp.cancel(2 * Uw / phi**2)), phi)
    if W.degree() < 1 or any(m[0] < 0 for m in W.monoms()):
        return None
    coeffs = dict(zip((m[0] for m in W.monoms()), W.coeffs()))
    u = dict(zip((m[0] for m in p.monoms()), p.coeffs()))
    if W.degree() <= 2:
        a, b, c = (coeffs.get(k, 0) for k in range(3))
        I = reduced_integrals(a, b, c, max(max(u) - 1, 1))
        Q = 2 * omega * q2 * I[1]
        E = 4 * sum(uk * I[k - 1] for k, uk in u.items())
        var = "phi"
    elif W.degree() <= 4 and all(k % 2 == 0 for k in coeffs) and all(k % 2 == 0 for k in u):
        a, b, c = (coeffs.get(k, 0) for k in (0, 2, 4))
        I = reduced_integrals(a, b, c, max(max(u) // 2 - 1, 0))
        Q = omega * q2 * I[0]
        E = 2 * sum(uk * I[k // 2 - 1] for k, uk in u.items())
        var = "phi^2"
    else:
        return None
    return {"Q": Q, "E": E, "S": E - omega * Q, "variable": var}
