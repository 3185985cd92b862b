r"""The Q-ball result type and its status.

Part of :mod:`qsym.numeric.qball` (numeric layer: mpmath/numpy only).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mpmath

from qsym.results import CONVERGED, REDUCED, Result, latex_pm

GUARD = 6
#: digits a double-precision Q-ball must reach to count as converged (its bounce reaches ~13)
DOUBLE_DIGITS = 10


def qball_status(error, dps: int | None) -> str:
    r"""CONVERGED when the relative ``error`` is below the requested ``10^-dps``, else REDUCED.

    .. math:: \text{converged} \iff \epsilon \le 10^{-d}, \quad d = \text{dps (10 for doubles)}

    Examples
    --------
    >>> qball_status(1e-25, 20), qball_status(1e-5, 20), qball_status(1e-13, None)
    ('converged', 'reduced', 'converged')
    """
    try:
        ok = mpmath.mpf(error) <= mpmath.mpf(10) ** -(dps if dps is not None else DOUBLE_DIGITS)
    except (TypeError, ValueError):
        ok = False
    return CONVERGED if ok else REDUCED


@dataclass(frozen=True)
class QBall(Result):
    r"""One Q-ball: omega, charge, mass E, radii, error estimate, stability flags.

    ``radius`` is the paper's ``(m^2 - q^2 omega^2)^(-1/2)`` (eq (15)); ``rms_radius``
    is ``sqrt(int r^2 phi^2 / int phi^2)`` of the profile.  ``error`` bounds the
    relative error of ``mass`` and ``charge``; ``status`` is ``converged`` when it is
    below ``10^-dps`` (``10^-DOUBLE_DIGITS`` for a double-precision Q-ball), else ``reduced``.

    .. math:: E = S_\omega + \omega Q, \qquad R_Q = (m^2 - q^2\omega^2)^{-1/2}

    Examples
    --------
    >>> qb = QBall(0.9, 2.0, 1.9, 0.1, 2.29, 1.0, 1e-14, None)
    >>> qb.status, qb.stability, qb["charge"]
    ('converged', 'unknown', 2.0)
    """

    VALUES = ("omega", "charge", "mass", "action", "radius", "phi0")

    omega: object
    charge: object
    mass: object
    action: object
    radius: object
    phi0: object
    error: object
    dps: int | None
    dQ_domega: object = None
    classically_stable: bool | None = None
    absolutely_stable: bool | None = None
    bounce: object = field(default=None, repr=False, compare=False)
    #: ``Q m/|q| - mass`` computed without cancellation (chart path), else None
    binding: object = None
    #: optional ``f(dps) -> rms radius`` (bounces known only through an interpolation model)
    rms_function: object = field(default=None, repr=False, compare=False)
    #: CONVERGED or REDUCED (None: decided from ``error`` and ``dps``)
    status: str | None = None
    stats: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        if self.status is None:
            object.__setattr__(self, "status", qball_status(self.error, self.dps))

    @property
    def stability(self) -> str:
        """``stable`` (classically and absolutely), ``metastable`` (classically only: it can decay
        into free quanta only by tunnelling) or ``unstable`` (dQ/domega > 0).  For one Q-ball family
        ``d^2M_Q/dQ^2 = 1/(dQ/domega)``, so classical stability is also stability against fission
        (M_Q(Q) concave)."""
        if self.classically_stable is None:
            return "unknown"
        if not self.classically_stable:
            return "unstable"
        return "stable" if self.absolutely_stable else "metastable"

    def latex_rows_spec(self) -> list:
        """omega, charge, mass (with their error) and the radius of eq (15)."""
        return [(r"\omega", latex_pm(self.omega, dps=self.dps)),
                ("Q", latex_pm(self.charge, self.error, dps=self.dps)),
                ("M_Q", latex_pm(self.mass, self.error, dps=self.dps)),
                ("R_Q", latex_pm(self.radius, dps=self.dps))]

    def latex_caption(self) -> str:
        return f"Q-ball, {self.stability}"

    def rms_radius(self, dps: int = 15):
        """rms radius of the charge distribution (quadrature of the profile at ``dps``)."""
        if self.rms_function is not None:
            return self.rms_function(dps)
        b = self.bounce
        with mpmath.workdps(dps):
            memo = {}

            def f2(r):  # charge density over omega (unit charges for several fields)
                if r not in memo:   # num and den are sampled on the same quadrature nodes
                    v = b.profile(r)
                    memo[r] = mpmath.fsum(x**2 for x in v) if isinstance(v, (tuple, list)) else v**2
                return memo[r]
            R = mpmath.mpf(b.R_match) * 2
            d = getattr(b, "dim", 3)
            num = mpmath.quad(lambda r: r ** (d + 1) * f2(r), [0, R / 4, R / 2, R, mpmath.inf])
            den = mpmath.quad(lambda r: r ** (d - 1) * f2(r), [0, R / 4, R / 2, R, mpmath.inf])
            return mpmath.sqrt(num / den)


#: digits of the mpmath fallback when the double path cannot certify its result
