r"""Potential-level bounce entry points: :func:`bounce` and :func:`s_psi`.

They take a :class:`~qsym.symbolic.potential.Potential` (or the fixed potential of the
paper's eq (13)), convert it once through :mod:`qsym.bridge`, and call the numeric
engine :mod:`qsym.numeric.bounce1d`, which solves

.. math::  \phi'' + \frac{d-1}{r}\phi' = U'(\phi), \qquad \phi'(0) = 0, \quad \phi(\infty) = 0 .

>>> from qsym.symbolic.potential import Potential
>>> res = bounce(Potential("phi**2/2 - phi**3", ["phi"]), dim=3, dps=20)
>>> mpmath.nstr(res.action, 15), res.error < mpmath.mpf(10)**-20
('4.85113741291635', True)
"""

from __future__ import annotations

from typing import Callable

import mpmath
import numpy as np

from qsym.bridge import check_dps, numeric_1d
from qsym.errors import InputError, NotAnalyticError, OutsideWindowError
from qsym.numeric.bounce1d import BounceResult, solve_bounce
from qsym.symbolic.potential import Potential, parse_value

__all__ = ["bounce", "s_psi", "s_psi_bounce"]


def _omega_value(omega):
    """``omega`` (number, numpy scalar, SymPy number or text) as an exact SymPy number."""
    if isinstance(omega, (bool, np.bool_)):
        raise InputError(f"omega must be a number, got {omega!r}")
    if isinstance(omega, np.integer):
        omega = int(omega)
    elif isinstance(omega, np.floating):
        omega = float(omega)
    return parse_value(omega)


def bounce(potential, omega=None, dim: int = 3, dps: int = 30, sign: int | None = None,
           progress: Callable[[str], None] | None = None) -> BounceResult:
    r"""Bounce of a single-field :class:`~qsym.symbolic.potential.Potential` (of U_omega if omega is given).

    .. math::  U_\omega(\phi) = U(\phi) - \tfrac12 \omega^2 \phi^2

    ``omega`` may be a number (numpy scalars included), a SymPy number or text
    (parsed by :func:`qsym.symbolic.potential.parse_value`); ``progress`` as in
    :func:`qsym.numeric.bounce1d.solve_bounce`.  Raises
    :class:`~qsym.errors.OutsideWindowError` for ``omega >= m`` and
    :class:`~qsym.errors.NotAnalyticError` when U cannot be evaluated as an analytic function.

    >>> from qsym.symbolic.potential import Potential
    >>> r = bounce(Potential("phi**2/2 - phi**3", ["phi"]), omega="1/2", dps=15)
    >>> r.status, r.dim
    ('converged', 3)
    """
    if not isinstance(potential, Potential):
        raise InputError(f"expected a qsym.symbolic.potential.Potential, got {type(potential).__name__}")
    dps = check_dps(dps)
    var, expr = potential.single_field()
    if omega is not None:
        om = _omega_value(omega)
        m2 = potential.mass_matrix()[0, 0]
        if (m2 - om**2).is_positive is False:
            raise OutsideWindowError(f"omega = {omega} is not below the mass sqrt(U''(0)) = {m2**0.5}: "
                                     "U_omega has no false vacuum at the origin (Q-balls need omega < m)")
        expr = potential.U_omega(om).subs(potential.values)
    try:
        num = numeric_1d(expr, var)
    except (ValueError, NotImplementedError, TypeError) as exc:
        if isinstance(exc, InputError):
            raise
        raise NotAnalyticError(f"U cannot be evaluated numerically ({type(exc).__name__}); the bounce "
                               "solver needs a real-analytic U") from None
    return solve_bounce(num, dim=dim, dps=dps, sign=sign, progress=progress)


#: the bounce of psi^2/2 - psi^3 per dps (one cache: S_psi and its moments both read it)
_S_PSI_BOUNCES: dict = {}


def s_psi_bounce(dps: int = 30):
    r"""The d = 3 bounce of the canonical potential :math:`\tfrac12\psi^2 - \psi^3` (a
    :class:`~qsym.numeric.bounce1d.result.BounceResult`), solved once per ``dps``.

    .. math::  \psi'' + \tfrac{2}{r}\psi' = \psi - 3\psi^2, \qquad \psi'(0) = 0,\ \psi(\infty) = 0

    >>> b = s_psi_bounce(20)
    >>> mpmath.nstr(b.phi0, 10)
    '1.397227651'
    """
    dps = check_dps(dps)
    if dps not in _S_PSI_BOUNCES:
        _S_PSI_BOUNCES[dps] = bounce(Potential("psi**2/2 - psi**3", ["psi"]), dim=3, dps=dps)
    return _S_PSI_BOUNCES[dps]


def s_psi(dps: int = 30):
    r"""``(S_psi, error)``: the d = 3 bounce action of ``psi^2/2 - psi^3`` (paper eq (13): ~4.85).

    .. math::  S_\psi = 4\pi \int_0^\infty \Big(\tfrac12 \psi'^2 + \tfrac12\psi^2 - \psi^3\Big) r^2 dr

    ``error`` is the estimated relative error.  The bounce is cached per ``dps``
    (:func:`s_psi_bounce`).

    >>> S, err = s_psi(20)
    >>> mpmath.nstr(S, 12), err < mpmath.mpf(10)**-20
    ('4.85113741292', True)
    """
    b = s_psi_bounce(dps)
    return b.action, b.error
