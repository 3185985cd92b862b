r"""Asymptotic laws against the exact Q-ball curve: relative error and the order of convergence.

The thin wall (paper eqs (10)-(11), with and without the surface energy) holds at large
charge, the thick wall (paper sec. 3: the closed form and the series (P14)) at small charge.
Each is a claim about how fast it becomes exact; here the claim is *measured*: the exact
``M_Q(Q)`` of :func:`qsym.api.curves.canonical_curve` (double-precision bounces, relative
error about 1e-13) is compared with every law at the same charges, and the order ``p`` of

.. math:: \left|\frac{M_{\mathrm{law}}(Q) - M_Q}{M_Q}\right| \simeq C\,Q^{\mp p}

is fitted on the end where the law applies (large Q for the thin wall, small Q for the thick
wall), by least squares on ``log|err|`` against ``log Q``.  The orders *derived* symbolically
(:func:`derived_orders`) come from the first neglected term:

- thin wall, volume term only: the surface energy ``4 pi sigma R_0^2`` with ``R_0 ~ Q^{1/3}``
  is a relative correction of order ``Q^{-1/3}``;
- thick wall, closed form (cubic only): the first quartic correction
  ``lambda S_1 (M^2-omega^2)^{5/2}/A^4`` with ``M^2 - omega^2 ~ eps^2 M^2`` and
  ``M_Q ~ Q M ~ eps``: relative order ``eps^4``, i.e. ``Q^4``;
- thick wall through ``eps^2`` (P14): the next term of the series is relative ``eps^2``...
  but the quartic correction ``eps^4`` and the series' own ``eps^4`` term compete: order 4
  unless the potential is purely cubic (derived from the series coefficients).

>>> import qsym
>>> d = derived_orders()
>>> d["thin wall (P11)"], d["thick wall, closed form"]
(-1/3, 4)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import sympy as sp

from qsym.api.curves import approximation_curves, approximation_domains, canonical_curve, mass_unit
from qsym.api.solve import _canonical_coeffs, s_psi_moments
from qsym.results import REDUCED, Result
from qsym.symbolic import thickwall as tw
from qsym.symbolic.potential import Potential

__all__ = ["law_errors", "derived_orders", "LawErrors"]

#: relative errors below this are at the level of the double-precision curve: not used in a fit
NOISE_FLOOR = 1e-11
#: points of each law's asymptotic end used in the fit of the order
FIT_POINTS = 5


def derived_orders() -> dict:
    r"""The order of each law's relative error, derived with SymPy: ``{label: exponent of Q}``.

    Thin wall: ``R_0 = (3 Q/(4 pi omega_0 phi_0^2))^{1/3}`` (eq (11)), so the neglected surface
    energy over the volume energy is ``4 pi sigma R_0^2 / (omega_0 Q) ~ Q^{-1/3}``.  Thick wall:
    ``M^2 - omega^2 = 2 eps^2 M^2/(1 + sqrt(1 - 4 eps^2))`` on the minimum branch, the quartic
    correction ``~ (M^2 - omega^2)^{5/2}`` over ``M_Q ~ Q M`` with ``eps ~ Q``.

    .. math:: \frac{\Delta M}{M} \sim \frac{Q^{2/3}}{Q} = Q^{-1/3}, \qquad
              \frac{\Delta M}{M} \sim \frac{\epsilon^5}{\epsilon} = Q^{4}

    >>> derived_orders()["thick wall (P14) through $\\epsilon^2$"]
    4
    """
    Q, w0, phi0, sigma, e = sp.symbols("Q omega_0 phi_0 sigma epsilon", positive=True)
    R0 = (3 * Q / (4 * sp.pi * w0 * phi0**2)) ** sp.Rational(1, 3)
    thin = sp.limit(Q * sp.diff(sp.log(4 * sp.pi * sigma * R0**2 / (w0 * Q)), Q), Q, sp.oo)
    s2 = 2 * e**2 / (1 + sp.sqrt(1 - 4 * e**2))             # (M^2 - omega^2)/M^2 on the minimum branch
    quartic = sp.limit(e * sp.diff(sp.log(s2 ** sp.Rational(5, 2) / e), e), e, 0)
    mass = tw.closed_form("mass")                            # M_Q/(Q M), cubic only
    ser2 = sum(c * e**k for k, c in tw.series("mass", 2).items()).subs(tw.eps, e)
    trunc = sp.series(mass.subs(tw.eps, e) - ser2, e, 0, 8).removeO()
    trunc_order = min(sp.Poly(trunc, e).monoms())[0] if trunc != 0 else sp.oo
    return {"thin wall (P11)": thin, "thick wall, closed form": quartic,
            "thick wall (P14) through $\\epsilon^2$": min(quartic, trunc_order)}


@dataclass(frozen=True)
class LawErrors(Result):
    r"""Relative error of each asymptotic law along the exact curve, with the fitted orders.

    ``laws``: ``{label: [(Q, relative error)]}``; ``orders``: ``{label: fitted exponent of Q}``
    (None where too few points lie above the noise floor); ``derived``: the SymPy orders
    (:func:`derived_orders`) for the laws that have one; ``error`` is the noise floor of the
    exact curve (double-precision bounces).

    .. math:: \mathrm{err}(Q) = \frac{M_{\mathrm{law}}(Q)}{M_Q} - 1
    """

    potential: str
    laws: dict
    orders: dict
    derived: dict
    error: object = NOISE_FLOOR
    dps: int | None = None
    status: str = REDUCED
    stats: dict = field(default_factory=dict)

    def to_json(self, dps: int | None = None) -> dict:
        out = super().to_json(dps)
        out.update(potential=self.potential,
                   laws={k: [[q, e] for q, e in v] for k, v in self.laws.items()},
                   orders={k: (None if v is None else round(v, 4)) for k, v in self.orders.items()},
                   derived={k: str(v) for k, v in self.derived.items()})
        return out

    def latex_rows_spec(self) -> list:
        rows = []
        for k, v in self.orders.items():
            d = self.derived.get(k)
            rows.append((r"p_{\text{" + k.replace("$", "").replace("\\", "") + "}}",
                         ("-" if v is None else f"{v:.3f}") + ("" if d is None else rf"\ (\text{{derived }} {sp.latex(d)})")))
        return rows


def _fit_order(pts: list, large: bool):
    """Least-squares slope of log|err| against log Q over the :data:`FIT_POINTS` points at the law's end."""
    use = sorted((q, abs(e)) for q, e in pts if abs(e) > NOISE_FLOOR and q > 0)
    use = use[-FIT_POINTS:] if large else use[:FIT_POINTS]
    if len(use) < 3:
        return None
    xs = [math.log(q) for q, _ in use]
    ys = [math.log(e) for _, e in use]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else None


def law_errors(P: Potential, n: int = 24, max_points: int = 60, progress: Callable | None = None) -> LawErrors:
    r"""Relative error of the thin- and thick-wall laws against the exact ``M_Q(Q)`` of ``P``, and
    the fitted order of each (compared with :func:`derived_orders`).

    ``n``, ``max_points``: the exact curve (:func:`qsym.api.curves.canonical_curve`).  The thick-wall
    laws need ``U = M^2 phi^2/2 - A phi^3 + lam phi^4``; other potentials get the thin-wall laws only.

    .. math:: p = \lim \frac{d \log|M_{\mathrm{law}}/M_Q - 1|}{d \log Q}

    >>> r = law_errors(Potential("phi**2/2 - phi**3 + 3*phi**4/5", fields="phi"), n=12, max_points=12)
    >>> round(r.orders["thin wall (P11)"], 1), round(r.orders["thick wall, closed form"])
    (-0.3, 4)
    """
    curve = canonical_curve(P, n=n, max_points=max_points, progress=progress)
    m = mass_unit(P)
    s_psi = float(s_psi_moments(15)["S"]) if _canonical_coeffs(P) is not None else None
    dom = approximation_domains(P, s_psi)
    Qs = [q for _, q, _ in curve]
    exact = {q: M / (q * m) for _, q, M in curve}
    laws, orders = {}, {}
    for label, _, pts in approximation_curves(P, Qs, s_psi=s_psi, dom=dom):
        errs = [(q, r / exact[q] - 1) for q, r in pts]
        laws[label] = errs
        orders[label] = _fit_order(errs, large=label.startswith("thin"))
    der = {k: v for k, v in derived_orders().items() if k in laws}
    return LawErrors(str(P.U()), laws, orders, der, stats={"points": len(curve)})
