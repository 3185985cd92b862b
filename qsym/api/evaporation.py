r"""Surface evaporation of Q-balls into fermions: the Cohen-Coleman-Georgi-Manohar bound.

Conventions (A. Cohen, S. Coleman, H. Georgi, A. Manohar, Nucl. Phys. B272 (1986) 301,
the paper's ref. [16]): natural units ``hbar = c = 1``; the Q-ball is
``phi(r) e^{i omega t}`` of the scalar with unit U(1) charge; the scalar couples
through a Yukawa term to *massless* fermions so that one scalar quantum (charge 1,
energy omega) turns into a fermion pair that carries the charge away, each
fermion with energy ``omega/2``.  Pauli blocking fills the Fermi sea inside the
Q-ball up to ``k_F = omega/2``; the largest charge flux is that Fermi sea
streaming out of the surface (one fermion species, one spin state, counted once
per pair):

.. math::  \frac{dQ}{dt\,dA} \le \int_{|k|<k_F,\ \cos\theta>0}\frac{d^3k}{(2\pi)^3}\cos\theta
           = \frac{k_F^3}{24\pi^2} = \frac{\omega^3}{192\pi^2},

derived by :func:`flux_bound` (SymPy).  The bound is saturated for large Yukawa
couplings ``f phi(0) >> omega`` and holds for thin walls (a wall thin against the
radius and the fermion wavelength ``2/omega`` short against the radius: the surface
is locally a plane).  For weak couplings the rate is smaller (it is the volume
decay rate, limited by the bound).  For thick walls the "surface" is not sharp:
:func:`surface_radii` gives three definitions (the paper's eq. (15)
``R = (m^2 - omega^2)^(-1/2)``, the uniform-ball radius ``sqrt(5/3) R_rms`` of the
charge distribution, and the radius where ``phi`` falls to ``phi(0)/2``), and every
result is given for each, so their spread is visible.

Scaling of the bound along the family (:func:`scaling_exponents`, SymPy): thin walls
``Gamma ~ Q^(2/3)`` (area law; ``Q^(1/5)`` for a degenerate vacuum, omega_min = 0);
thick walls with a leading nonlinearity ``-c phi^n``: ``R ~ Delta^(-1/2)``,
``Q ~ Delta^(2/(n-2) - 3/2)``, so ``Gamma ~ Q^(2(n-2)/(3n-10))``, ``Q^(-2)`` for the
paper's cubic: the bound *grows* as Q -> 0 (the thick-wall Q-ball spreads out).

Example (a few seconds, double-precision bounces):

>>> from qsym import Potential
>>> from qsym.api.evaporation import evaporation_family
>>> fam = evaporation_family(Potential("phi**2/2 - phi**3 + phi**4", ["phi"]))
>>> [round(float(fam.slope(end, "half")), 2) for end in ("thick", "thin")]
[-2.0, 0.67]
>>> fam.lifetime(100, "half") > 0
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import mpmath
import sympy as sp

from qsym.errors import InputError
from qsym.symbolic.potential import Potential

__all__ = ["flux_bound", "scaling_exponents", "surface_radii", "rate_bound", "evaporation_family",
           "EvaporationFamily", "DEFINITIONS"]

#: surface definitions: the paper's eq. (15) radius, the uniform-ball radius of the charge
#: distribution sqrt(5/3) R_rms, and the radius where phi = phi(0)/2
DEFINITIONS = ("paper", "rms", "half")

#: chart interval [u_lo, u_hi] of the sampled family (u = log(Delta/(D - Delta)); Delta = m^2 - omega^2):
#: e^-10 from the thick end, Q ~ e^{3 u} at the thin end
U_LO, U_HI = -8.0, 8.0
#: Chebyshev nodes of the sampled family
NODES = 16
#: iteration cap of the bisection for the half-height radius (2^-200: far below any dps used)
HALF_MAX_ITER = 200


def flux_bound() -> dict:
    r"""The CCGM bound derived in SymPy: ``{"per_area", "k_F", "flux_of_kF", "rate", "scaling"}``.

    ``flux_of_kF`` is the one-sided flux of a filled Fermi sea of one massless species,
    ``per_area`` the same at ``k_F = omega/2``; ``rate = per_area * A``; ``scaling`` is
    ``rate(lambda omega, A/lambda^2)/rate(omega, A)`` (natural units: a rate has mass
    dimension 1, so it must be ``lambda``).

    >>> flux_bound()["per_area"]
    omega**3/(192*pi**2)
    >>> flux_bound()["scaling"]
    lambda
    """
    fb = _flux_bound()
    return {**fb, "symbols": dict(fb["symbols"])}


@lru_cache(maxsize=None)
def _flux_bound() -> dict:
    """The derivation of :func:`flux_bound`, done once (SymPy objects are immutable; callers get copies)."""
    k, kF, w, A, lam = sp.symbols("k k_F omega A lambda", positive=True)
    c, ph = sp.symbols("c varphi", real=True)          # c = cos(theta)
    flux = sp.integrate(sp.integrate(sp.integrate(k**2 * c / (2 * sp.pi) ** 3, (k, 0, kF)), (c, 0, 1)),
                        (ph, 0, 2 * sp.pi))
    per_area = flux.subs(kF, w / 2)
    rate = per_area * A
    scaling = sp.simplify(rate.subs({w: lam * w, A: A / lam**2}, simultaneous=True) / rate)
    return {"per_area": per_area, "k_F": w / 2, "flux_of_kF": flux, "rate": rate, "scaling": scaling,
            "symbols": {"omega": w, "A": A, "k_F": kF, "lambda": lam}}


def scaling_exponents(n: int | None = 3, degenerate: bool = False) -> dict:
    r"""Exponents p of ``Gamma_max ~ Q^p`` at both ends of a family (SymPy Rationals).

    Thin wall: ``Q ~ omega R^3`` at fixed ``omega -> omega_min > 0`` and ``Gamma ~ omega^3 R^2``,
    so ``p = 2/3``; with ``omega_min = 0`` (``degenerate``) ``R ~ omega^(-2)`` and ``p = 1/5``.
    Thick wall, leading nonlinearity ``-c phi^n``: ``phi = a psi`` with
    ``a = (Delta/c)^(1/(n-2))``, ``r = xi/sqrt(Delta)``, so ``Q ~ a^2 Delta^(-3/2)`` and
    ``A ~ Delta^(-1)`` at ``omega -> m`` (``n=None``: no thick-wall limit).

    >>> scaling_exponents(3)["thick"], scaling_exponents(3)["thin"]
    (-2, 2/3)
    """
    D, R, w, c = sp.symbols("Delta R omega c", positive=True)
    if degenerate:
        Q_thin, G_thin = w * (w**-2) ** 3, w**3 * (w**-2) ** 2        # R ~ 1/omega^2
        thin = sp.simplify(sp.log(G_thin).expand(force=True).coeff(sp.log(w))
                           / sp.log(Q_thin).expand(force=True).coeff(sp.log(w)))
    else:
        thin = sp.simplify(sp.log(R**2).expand(force=True).coeff(sp.log(R))
                           / sp.log(R**3).expand(force=True).coeff(sp.log(R)))
    out = {"thin": thin, "thick": None, "Q_thick": None}
    if n is not None:
        a = (D / c) ** (sp.Integer(1) / (n - 2))
        Q = a**2 * D ** sp.Rational(-3, 2)
        eQ = sp.simplify(sp.log(Q).expand(force=True).coeff(sp.log(D)))
        eA = sp.Integer(-1)
        out.update(Q_thick=eQ, thick=sp.simplify(eA / eQ) if eQ != 0 else None)
    return out


def _half_radius(b, dps):
    """The radius where the profile falls to phi(0)/2 (bisection-safe root find)."""
    with mpmath.workdps(dps + 5):
        target = mpmath.mpf(b.phi0) / 2
        hi = mpmath.mpf(b.R_match)
        for _ in range(60):
            if b.profile(hi) < target:
                break
            hi *= 2
        lo = mpmath.mpf(0)
        # bisection to the working precision (the profile of a double bounce is ~1e-15 accurate)
        tol = hi * mpmath.mpf(10) ** -dps
        for _ in range(HALF_MAX_ITER):
            if hi - lo <= tol:
                break
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if b.profile(mid) > target else (lo, mid)
        return (lo + hi) / 2


def surface_radii(qb, dps: int = 15) -> dict:
    """The three surface radii of a :class:`~qsym.numeric.qball.QBall` (see :data:`DEFINITIONS`)."""
    with mpmath.workdps(dps + 5):
        rms = mpmath.mpf(qb.rms_radius(dps))
        return {"paper": mpmath.mpf(qb.radius), "rms": mpmath.sqrt(mpmath.mpf(5) / 3) * rms,
                "half": _half_radius(qb.bounce, dps)}


def rate_bound(omega, radius, dps: int = 15):
    r"""``omega^3 4 pi R^2 / (192 pi^2)``, evaluated from :func:`flux_bound`'s expression.

    .. math:: \Gamma_\mathrm{max} = \frac{\omega^3}{192\pi^2}\, 4\pi R^2

    >>> float(rate_bound(1, 1)) == float(1 / (48 * mpmath.pi))
    True
    """
    f = _rate_function()
    with mpmath.workdps(dps + 5):
        return f(mpmath.mpf(omega), 4 * mpmath.pi * mpmath.mpf(radius) ** 2)


@lru_cache(maxsize=None)
def _rate_function():
    """mpmath callable ``(omega, A) -> rate`` of :func:`flux_bound` (lambdified once)."""
    fb = _flux_bound()
    s = fb["symbols"]
    return sp.lambdify((s["omega"], s["A"]), fb["rate"], "mpmath")


def _cheb_values(t, n: int, kind: int = 1) -> list:
    r"""``[T_0(t), ..., T_{n-1}(t)]`` (``kind=1``) or ``[U_0(t), ...]`` (``kind=2``) by the three-term
    recurrence (exact polynomials; mpmath's ``chebyt`` goes through a hypergeometric series).

    .. math:: P_{j+1}(t) = 2t\,P_j(t) - P_{j-1}(t),\quad T_1 = t,\ U_1 = 2t

    >>> [float(v) for v in _cheb_values(mpmath.mpf("0.5"), 4)]
    [1.0, 0.5, -0.5, -1.0]
    """
    out = [mpmath.mpf(1), kind * t]
    t2 = 2 * t
    while len(out) < n:
        out.append(t2 * out[-1] - out[-2])
    return out[:n]


@dataclass
class EvaporationFamily:
    """The bound sampled along a Q-ball family on Chebyshev nodes in the chart u.

    ``rows``: per node, ``u, omega, Q, radii{def}, rate{def}``; ``exponents``: the symbolic
    thick/thin exponents of :func:`scaling_exponents`.  ``slope(end, d)`` is the measured
    ``dlog Gamma/dlog Q`` at an end (``"thick"`` or ``"thin"``), ``lifetime(Q, d)`` the
    bound ``tau(Q) >= int_0^Q dQ'/Gamma_max(Q')`` (``d`` one of :data:`DEFINITIONS`).
    """

    rows: list
    exponents: dict
    u_slopes: dict
    dps: int
    u_lo: float
    u_hi: float
    _cheb: dict = field(default_factory=dict, repr=False)

    def _ends(self, name):
        """Asymptotic slopes in u of log Q / log Gamma_d at the thick and thin ends."""
        s = self.u_slopes
        return s["Q"] if name == "Q" else (s["rate_thick"], s["rate_thin"][name])

    def _base(self, name, u, deriv=False):
        """``s_lo u + (s_hi - s_lo) log(1 + e^u)``: the asymptotes, subtracted before the fit."""
        lo, hi = (mpmath.mpf(x) for x in self._ends(name))
        u = mpmath.mpf(u)
        if deriv:
            return lo + (hi - lo) / (1 + mpmath.exp(-u))
        return lo * u + (hi - lo) * (u + mpmath.log1p(mpmath.exp(-u)) if u > 0 else mpmath.log1p(mpmath.exp(u)))

    def _fit(self, name):
        """Chebyshev coefficients on [u_lo, u_hi] of log Q (``"Q"``) or log Gamma_d (``d``), asymptotes
        subtracted (what remains is bounded and smooth)."""
        if name not in self._cheb:
            n = len(self.rows)
            vals = [mpmath.log(r["Q"] if name == "Q" else r["rate"][name]) - self._base(name, r["u"])
                    for r in self.rows]
            self._cheb[name] = [2 * mpmath.fsum(v * mpmath.cos(mpmath.pi * j * (i + mpmath.mpf(1) / 2) / n)
                                                for i, v in enumerate(vals)) / n for j in range(n)]
        return self._cheb[name]

    def _t(self, u):
        return (2 * mpmath.mpf(u) - self.u_lo - self.u_hi) / (self.u_hi - self.u_lo)

    def _eval(self, name, u, deriv=False, values=None):
        """The fit of ``name`` (or its u-derivative) at u; ``values`` = the Chebyshev values at u
        (``[T_j]``, or ``[U_j]`` with ``deriv``) when the caller already has them."""
        c = self._fit(name)
        if values is None:
            values = _cheb_values(self._t(u), len(c), 2 if deriv else 1)
        if not deriv:
            return c[0] / 2 + mpmath.fdot(c[1:], values[1:len(c)]) + self._base(name, u)
        # d T_j/dt = j U_{j-1}(t); dt/du = 2/(u_hi - u_lo)
        return mpmath.fdot(self._fit_deriv(name), values[:len(c) - 1]) \
            * 2 / (self.u_hi - self.u_lo) + self._base(name, u, True)

    def _fit_deriv(self, name):
        """``[j c_j]`` (j >= 1) of :meth:`_fit`: the coefficients of ``sum_j c_j T_j'`` on ``U_{j-1}``."""
        key = ("d", name)
        if key not in self._cheb:
            self._cheb[key] = [j * cj for j, cj in enumerate(self._fit(name)) if j]
        return self._cheb[key]

    def interpolation_error(self, name):
        """Size of the last two Chebyshev coefficients of ``name`` (estimate of the fit error)."""
        c = self._fit(name)
        return abs(c[-1]) + abs(c[-2])

    def slope(self, end: str, d: str = "half", points: int = 4):
        """Least-squares slope of log Gamma_d against log Q over the ``points`` sampled Q-balls
        nearest an end (``"thick"``: u_lo, ``"thin"``: u_hi); the Chebyshev nodes cluster there."""
        rows = sorted(self.rows, key=lambda r: r["u"])
        rows = rows[:points] if end == "thick" else rows[-points:]
        with mpmath.workdps(self.dps + 5):
            x = [mpmath.log(r["Q"]) for r in rows]
            y = [mpmath.log(r["rate"][d]) for r in rows]
            xm, ym = mpmath.fsum(x) / len(x), mpmath.fsum(y) / len(y)
            return mpmath.fsum((a - xm) * (b - ym) for a, b in zip(x, y)) / mpmath.fsum((a - xm) ** 2 for a in x)

    def _u_of_Q(self, Q):
        g = mpmath.log(Q)
        lo, hi = mpmath.mpf(self.u_lo), mpmath.mpf(self.u_hi)
        return mpmath.findroot(lambda u: self._eval("Q", u) - g, (lo, hi), solver="anderson")

    def lifetime(self, Q, d: str = "half"):
        """Lower bound on the time to evaporate from charge Q to 0: ``int_0^Q dQ'/Gamma_max``.

        Inside the sampled range the integral runs in u over the Chebyshev fits of log Q and
        log Gamma (Gauss-Legendre); below u_lo it is the thick-wall tail
        ``Q_lo/((1 - p) Gamma_lo)`` with the derived exponent p; above u_hi the thin-wall tail
        ``3 Q_hi^(2/3) (Q^(1/3) - Q_hi^(1/3))/Gamma_hi``.
        """
        if d not in DEFINITIONS:
            raise InputError(f"unknown surface definition {d!r}; use one of {', '.join(DEFINITIONS)}")
        p = self.exponents["thick"]
        if p is None or not p < 1:
            raise InputError("the lifetime integral from Q = 0 needs Q -> 0 at the thick-wall end "
                             "(a leading cubic); this family has a minimal charge")
        with mpmath.workdps(self.dps + 5):
            Q = mpmath.mpf(Q)
            if not Q > 0:
                raise InputError(f"the charge must be positive, got {Q}")
            Qlo, Glo = (mpmath.exp(self._eval(k, self.u_lo)) for k in ("Q", d))
            Qhi, Ghi = (mpmath.exp(self._eval(k, self.u_hi)) for k in ("Q", d))
            pf = mpmath.mpf(p.p) / p.q
            if Q <= Qlo:
                return Q / ((1 - pf) * Glo) * (Q / Qlo) ** (-pf)
            tau = Qlo / ((1 - pf) * Glo)
            u_top = self._u_of_Q(Q) if Q < Qhi else mpmath.mpf(self.u_hi)

            n = len(self._fit("Q"))

            def integrand(u):     # the Chebyshev values at u computed once for the three fits
                t = self._t(u)
                T, Uv = _cheb_values(t, n, 1), _cheb_values(t, n, 2)
                return mpmath.exp(self._eval("Q", u, values=T) - self._eval(d, u, values=T)) \
                    * self._eval("Q", u, True, Uv)
            tau += mpmath.quad(integrand, mpmath.linspace(self.u_lo, u_top, 5))
            if Q > Qhi:
                pt = self.exponents["thin"]
                ptf = mpmath.mpf(pt.p) / pt.q
                tau += (Q ** (1 - ptf) - Qhi ** (1 - ptf)) * Qhi**ptf / ((1 - ptf) * Ghi)
            return tau


def evaporation_family(P: Potential, dps: int = 15, nodes: int = NODES, u_range=(U_LO, U_HI)):
    r"""The CCGM bound along the Q-ball family of a one-field potential.

    Solves ``nodes`` Q-balls (double-precision bounces, radii by quadrature at ``dps``) at
    Chebyshev nodes of the chart ``u = log(Delta/(D - Delta))`` (:class:`qsym.api.solve.DeltaChart`)
    on ``u_range`` and returns an :class:`EvaporationFamily`.  Cost: ~0.2-0.4 s per node (16 nodes: ~4-6 s).

    >>> from qsym import Potential
    >>> fam = evaporation_family(Potential("phi**2/2 - phi**3 + 3*phi**4/5", ["phi"]))
    >>> round(float(fam.slope("thin", "rms")), 2)
    0.67
    """
    from qsym.numeric.qball import qball_at_u
    from qsym.api.solve import _single_chart
    if len(P.fields) != 1:
        raise InputError("evaporation_family needs a one-field potential")
    win, chart = _single_chart(P, dps)
    n = chart.lead[0] if chart.lead is not None and chart.lead[1] < 0 else None
    ex = scaling_exponents(n, degenerate=chart.Omega_min2 == 0)
    lo, hi = (float(x) for x in u_range)
    rows = []
    with mpmath.workdps(dps + 5):
        for i in range(nodes):
            t = mpmath.cos(mpmath.pi * (i + mpmath.mpf(1) / 2) / nodes)
            u = (lo + hi) / 2 + (hi - lo) / 2 * t
            qb = qball_at_u(chart, u, None)
            radii = surface_radii(qb, dps)
            w = mpmath.mpf(qb.omega)
            rows.append({"u": u, "omega": w, "Q": mpmath.mpf(qb.charge), "radii": radii,
                         "rate": {d: rate_bound(w, r, dps) for d, r in radii.items()}})
    # asymptotic slopes in u: log Q from the chart; the radii R ~ Delta^(-1/2) ~ e^(-u/2) at the thick
    # end (Gamma ~ e^-u); at the thin end R ~ 1/(D - Delta) ~ e^u for rms and half (the paper's radius
    # tends to D^(-1/2)), omega^3 -> omega_min^3, or with omega_min = 0: omega^3 ~ e^(-3u/2)
    w3 = -1.5 if chart.Omega_min2 == 0 else 0.0
    slopes = {"Q": (chart.thick_slope if chart.thick_slope is not None else 0.0, chart.thin_slope),
              "rate_thick": -1.0, "rate_thin": {"paper": w3, "rms": 2 + w3, "half": 2 + w3}}
    return EvaporationFamily(rows, ex, slopes, dps, lo, hi)
