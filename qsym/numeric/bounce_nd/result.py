r"""Results of the multi-field engine: :class:`MultiBounceResult` and :class:`MultiQBallResult`,
both :class:`qsym.results.Result` (frozen; ``error``, ``dps``, ``status``, ``stats``).

``status`` is ``converged`` when the error estimate meets the tolerance the solver was
asked for (``10^-dps``, or the double path's ``DOUBLE_TOL``) and ``reduced`` when it
does not (the number still carries its honest estimate).

.. math::  S = T + V, \qquad S_{\rm virial} = \tfrac{2}{d}\,T

Numeric layer: mpmath only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from qsym.results import CONVERGED, REDUCED, Result, latex_pm, latex_rows

__all__ = ["MultiBounceResult", "MultiQBallResult", "status_for"]


def status_for(error, tol) -> str:
    r"""``converged`` when ``error <= tol``, else ``reduced``.

    .. math::  \text{status} = \begin{cases}\text{converged} & \epsilon \le \text{tol}\\
               \text{reduced} & \text{otherwise}\end{cases}

    >>> status_for(1e-12, 1e-10), status_for(1e-8, 1e-10)
    ('converged', 'reduced')
    """
    return CONVERGED if error <= tol else REDUCED


@dataclass(frozen=True)
class MultiBounceResult(Result):
    r"""A multi-field radial bounce.

    ``phi0`` are the centre values, ``action`` = ``kinetic + potential``
    (``T + V``), ``action_virial`` = ``(2/d) T``, ``charge_integrals`` are
    ``int phi_k^2 d^dx`` for every field, ``error`` estimates the relative
    error of ``action``.  Numbers are mpf at ``dps`` digits, or floats when
    ``dps`` is None.  ``profile(r)`` returns the tuple of field values at
    radius ``r`` (``dprofile`` their derivatives), at the same precision.
    ``iterations`` (also ``stats``) counts the work done.

    .. math::  S = \int d^dx\,\Big[\tfrac12|\nabla\phi|^2 + U(\phi)\Big] = \tfrac{2}{d}\,T

    >>> r = MultiBounceResult((1.0, 0.5), 4.85, 4.85, 7.3, -2.4, (1.0, 2.0), 1e-12, None, 3, {},
    ...                       "converged")
    >>> sorted(r.as_dict()), r["action"]
    (['action', 'action_virial', 'charge_integrals', 'dim', 'dps', 'error', 'phi0', 'status'], 4.85)
    """

    VALUES = ("action", "phi0", "action_virial", "charge_integrals")

    phi0: tuple
    action: object
    action_virial: object
    kinetic: object
    potential: object
    charge_integrals: tuple
    error: object
    dps: int | None
    dim: int
    iterations: dict
    status: str
    R_match: object = None
    profile: Callable = field(default=None, repr=False, compare=False)
    dprofile: Callable = field(default=None, repr=False, compare=False)
    #: the double-precision solution in scaled units (warm start of a nearby problem)
    state: dict = field(default=None, repr=False, compare=False)

    @property
    def stats(self) -> dict:
        """The iteration counts (``iterations``)."""
        return self.iterations

    def to_json(self, dps: int | None = None) -> dict:
        """The values as decimal strings at ``dps`` digits, with ``dim``, ``status`` and ``stats``."""
        out = super().to_json(dps)
        out["dim"] = self.dim
        return out

    def as_dict(self) -> dict:
        """The CLI payload: action, phi0 (list), dps, error, action_virial, charge_integrals,
        dim, status (numbers as strings at ``dps`` digits)."""
        out = self.to_json()
        out.pop("stats", None)
        return out

    def latex_rows_spec(self) -> list:
        phi0 = r",\ ".join(latex_pm(v, dps=self.dps) for v in self.phi0)
        return [("S", latex_pm(self.action, self.error, dps=self.dps)),
                (r"\phi_k(0)", rf"\left({phi0}\right)")]

    def latex_caption(self) -> str:
        return f"{len(self.phi0)}-field bounce in d = {self.dim}, {self.status}"


@dataclass(frozen=True)
class MultiQBallResult(Result):
    r"""A multi-field Q-ball at frequency ``omega`` (paper eqs (5)-(8)).

    ``charges[k] = omega q_k^2 int phi_k^2`` (derived from eqs (1), (6)),
    ``charge`` their sum, ``energy = S_omega + omega Q`` (eq (8) at the
    bounce of ``U_omega``), ``bounce`` the bounce of ``U_omega``; ``status``
    and ``stats`` are the bounce's.

    .. math::  Q = \omega\sum_k q_k^2\int\phi_k^2\,d^3x, \qquad E = S_\omega + \omega Q

    >>> q = MultiQBallResult(0.9, 10.0, 9.5, (10.0, 0.0), 1e-12, None)
    >>> q.status, q.to_json()["charge"]
    ('converged', '10.0')
    """

    VALUES = ("omega", "charge", "energy", "charges")

    omega: object
    charge: object
    energy: object
    charges: tuple
    error: object
    dps: int | None
    bounce: MultiBounceResult = field(default=None, repr=False)
    status: str = CONVERGED
    stats: dict = field(default_factory=dict, repr=False, compare=False)

    def latex_rows_spec(self) -> list:
        qk = r",\ ".join(latex_pm(v, self.error, dps=self.dps) for v in self.charges)
        return [(r"\omega", latex_pm(self.omega, dps=self.dps)),
                ("Q", latex_pm(self.charge, self.error, dps=self.dps)),
                ("E", latex_pm(self.energy, self.error, dps=self.dps)),
                ("Q_k", rf"\left({qk}\right)")]

    def latex_caption(self) -> str:
        return f"{len(self.charges)}-field Q-ball"

    def _repr_latex_(self) -> str:
        """Jupyter: omega, the charge and the energy with their error, the charge per field."""
        return latex_rows(self.latex_rows_spec(), self.latex_caption())
