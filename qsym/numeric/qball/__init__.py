r"""Single-field Q-balls from bounces: Q(omega), E(omega), M_Q(Q), radii, branches.

Numeric layer (mpmath/numpy only).  It receives the potential as an
:class:`~qsym.bridge.OmegaFamily` (``family.at(omega)`` is the numeric
``U_omega``) and the window ``(omega_min, omega_max)`` from
:mod:`qsym.symbolic.window`.

For each omega the bounce of ``U_omega`` in d space dimensions (``chart.dim`` / ``dim``, any
d >= 2; the paper's d = 3 by default) gives (paper eqs (7)-(8))

.. math::  S_\omega = \int[\tfrac12\phi'^2 + U_\omega],\quad
           Q = \omega q^2 \int \phi^2 d^dx = -\frac{dS_\omega}{d\omega},\quad
           E = S_\omega + \omega Q ,

and dE/dQ = omega holds identically (checked in the tests).  Given Q,
:func:`solve_charge_chart` works in the chart ``u = log(Delta/(D - Delta))``,
``Delta = m^2 - q^2 omega^2``, which reaches both ends of the window (log Q is
asymptotically linear in u there): it scans log Q(u) in double precision,
marches beyond either end when Q lies outside the scanned range, refines the
extrema of Q(omega) (Q_min, Q_max) to the working precision, brackets every
crossing (every branch) and refines each at the requested precision.  A
"no Q-ball" answer states the proven reason (e.g. Q below the refined Q_min).
:mod:`qsym.numeric.qball.atlas` samples the whole family (every branch, folds, zeros of the
binding energy) for the stability atlas.
"""

from qsym.numeric.qball.chart import qball_at_u
from qsym.numeric.qball.family import FALLBACK_DPS, charge_curve, qball_at_omega
from qsym.numeric.qball.result import DOUBLE_DIGITS, GUARD, QBall, qball_status
from qsym.numeric.qball.solve import charge_extremum, solve_charge_chart

__all__ = ["QBall", "qball_status", "qball_at_omega", "charge_curve", "qball_at_u", "solve_charge_chart",
           "charge_extremum", "GUARD", "DOUBLE_DIGITS", "FALLBACK_DPS"]
