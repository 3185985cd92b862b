r"""Potentials with a logarithm at the origin: ``U = P(phi) + kappa phi^2 log phi^2``.

The gravity-mediated flat direction (``U_lit = m^2 |Phi|^2 (1 + K log(|Phi|^2/M^2))``) has no
Taylor series at ``phi = 0``.  This module decides, exactly, whether a one-field U has the form

.. math:: U(\phi) = \sum_j p_j \phi^j + \kappa\,\phi^2\log\phi^2 \qquad (\phi > 0),

with a polynomial part vanishing to second order, and returns ``p_j`` and ``kappa``.  With
``kappa < 0`` the origin is a minimum of infinite curvature (``U'' -> +infinity``): there is no
mass gap and the Q-balls decay like Gaussians (:mod:`qsym.numeric.bounce1d.gaussian`).

SymPy only (symbolic layer).

>>> import sympy as sp
>>> phi = sp.Symbol("phi")
>>> split_log_origin(phi**2/2*(1 - sp.log(phi**2/2)/10), phi)["kappa"]
-1/20
"""

from __future__ import annotations

import sympy as sp

__all__ = ["split_log_origin", "LOG_ORIGIN_FORM"]

#: the non-analytic form the engines accept, for messages
LOG_ORIGIN_FORM = "polynomial + kappa*phi**2*log(phi**2) with kappa < 0"


def split_log_origin(U: sp.Expr, phi: sp.Symbol) -> dict | None:
    r"""``{"poly": [p_0, p_1, ...], "kappa": kappa}`` when ``U = sum p_j phi^j + kappa phi^2
    log phi^2`` on ``phi > 0`` with ``kappa != 0`` (exact SymPy numbers), else None.

    .. math:: U = P(\phi) + \kappa\,\phi^2\log\phi^2

    >>> phi = sp.Symbol("phi")
    >>> d = split_log_origin(phi**2 * sp.log(phi**2) * (-3) + phi**4, phi)
    >>> d["kappa"], d["poly"]
    (-3, [0, 0, 0, 0, 1])
    >>> split_log_origin(sp.log(1 + phi**2), phi) is None
    True
    """
    x = sp.Dummy("x", positive=True)
    e = sp.expand(sp.expand_log(U.subs(phi, x), force=True))
    if not e.has(sp.log(x)):
        return None
    L = sp.Dummy("L")
    e2 = e.subs(sp.log(x), L)
    if e2.has(x) and any(f.has(x) for f in e2.atoms(sp.Function)):
        return None
    try:
        poly = sp.Poly(e2, x, L)
    except sp.PolynomialError:
        return None
    if any(c.free_symbols for c in poly.coeffs()):
        return None
    B = {m: c for m, c in poly.terms() if m[1] >= 1}
    if set(B) != {(2, 1)}:
        return None
    kappa = B[(2, 1)] / 2
    A = {m[0]: c for m, c in poly.terms() if m[1] == 0}
    deg = max(A, default=0)
    p = [A.get(j, sp.Integer(0)) for j in range(deg + 1)]
    return {"poly": p, "kappa": kappa}
