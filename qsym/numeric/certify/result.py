r"""The certified bounce result and directed decimal strings of balls.

``enclosure`` holds decimal strings rounded *outward* from the ball's exact ends
(:func:`decimal_down`, :func:`decimal_up`), so that ``[lo, hi]`` as printed still contains S.

Numeric layer: python-flint, mpmath.

>>> from flint import arb
>>> decimal_down(arb(1) / 3, 5), decimal_up(arb(1) / 3, 5), decimal_up(-arb(1) / 3, 5)
('0.33333', '0.33334', '-0.33333')
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from flint import arb

from qsym.results import CONVERGED, Result, number_text

__all__ = ["CertifiedBounceResult", "CertifiedQBallResult", "decimal_down", "decimal_up", "exact_fraction"]


def exact_fraction(x: arb) -> Fraction:
    """The exact binary value of an exact ball (``x.lower()``, ``x.upper()``, ``x.mid()``)."""
    man, exp = x.mid().man_exp()
    man, exp = int(man), int(exp)
    return Fraction(man * 2 ** exp) if exp >= 0 else Fraction(man, 2 ** (-exp))


def _directed(f: Fraction, digits: int, up: bool) -> str:
    if f == 0:
        return "0"
    neg = f < 0
    a = -f if neg else f
    e10 = len(str(a.numerator // a.denominator)) - 1 if a >= 1 else -len(str(a.denominator // a.numerator))
    while Fraction(10) ** e10 > a:
        e10 -= 1
    while Fraction(10) ** (e10 + 1) <= a:
        e10 += 1
    scale = Fraction(10) ** (digits - 1 - e10)
    v = a * scale
    n = v.numerator // v.denominator
    if (up != neg) and n != v:             # away from zero for an upper end of a positive number
        n += 1
    s = str(n)
    if len(s) > digits:                    # 9.99.. rounded up to 10.0..
        e10 += 1
        s = s[:digits]
    sign = "-" if neg else ""
    if -6 <= e10 < digits:
        if e10 >= 0:
            body = s[:e10 + 1].ljust(e10 + 1, "0") + ("." + s[e10 + 1:] if len(s) > e10 + 1 else "")
        else:
            body = "0." + "0" * (-e10 - 1) + s
    else:
        body = s[0] + ("." + s[1:] if len(s) > 1 else "") + f"e{e10}"
    return sign + body


def decimal_down(x: arb, digits: int) -> str:
    r"""A decimal string :math:`\le` every point of the ball ``x`` (``digits`` significant digits).

    .. math:: \mathrm{str} \le \inf x
    """
    return _directed(exact_fraction(x.lower()), digits, up=False)


def decimal_up(x: arb, digits: int) -> str:
    r"""A decimal string :math:`\ge` every point of the ball ``x``.

    .. math:: \mathrm{str} \ge \sup x
    """
    return _directed(exact_fraction(x.upper()), digits, up=True)


@dataclass(frozen=True)
class CertifiedBounceResult(Result):
    r"""A bounce action with a proof: ``enclosure = (lo, hi)`` (outward-rounded decimal strings)
    contains the action of an exact bounce whose :math:`\phi(0)` lies in ``phi0_interval``.

    ``action`` is the midpoint of the enclosure, ``error`` its relative half-width,
    ``cgm_upper`` the Coleman-Glaser-Martin upper bound of the computed trial profile (an
    independent check: ``lo <= cgm_upper`` always), ``engine_action`` the value of the
    (uncertified) engine at the precision it was run.  ``status`` is
    :data:`~qsym.results.CONVERGED` (certified, width at the target),
    :data:`~qsym.results.REDUCED` (certified, wider) or
    :data:`~qsym.results.UNCERTIFIED` (``stats["reason"]`` says which ingredient failed).

    .. math::  S \in [\mathrm{lo}, \mathrm{hi}], \qquad S \le S_{\rm red}[\phi_{\rm trial}] = \mathrm{cgm\_upper}
    """

    VALUES = ("action", "engine_action")

    action: object
    error: object
    enclosure: tuple
    cgm_upper: object
    phi0_interval: tuple
    engine_action: object
    dim: int
    sign: int
    R_match: float
    dps: int
    status: str
    stats: dict

    @property
    def certified(self) -> bool:
        """True when the enclosure is proven (status converged or reduced)."""
        return self.status != "uncertified"

    def to_json(self, dps: int | None = None) -> dict:
        """``qsym bounce --certify --json``: action, enclosure, cgm_upper, certified, phi0_interval, ..."""
        out = super().to_json(dps)
        out.update(enclosure=list(self.enclosure), cgm_upper=self.cgm_upper, certified=self.certified,
                   phi0_interval=list(self.phi0_interval), dim=self.dim, sign=self.sign,
                   R_match=number_text(self.R_match, 6))
        return out

    def latex_rows_spec(self) -> list:
        lo, hi = self.enclosure
        rows = [("S", rf"[{lo},\ {hi}]")]
        if self.cgm_upper is not None:
            rows.append((r"S_{\rm CGM}", str(self.cgm_upper)))
        return rows

    def _repr_latex_(self) -> str:
        """Jupyter: :math:`S \\in [lo, hi]` and the CGM bound, in one aligned block."""
        lo, hi = self.enclosure
        body = rf"S &\in [{lo},\ {hi}]"
        if self.cgm_upper is not None:
            body += rf" \\ S &\le S_{{\rm CGM}} = {self.cgm_upper}"
        return (rf"$$\begin{{aligned}} {body} \end{{aligned}}\quad"
                rf"\text{{(certified bounce in d = {self.dim}, {self.status})}}$$")

    @property
    def converged(self) -> bool:
        return self.status == CONVERGED


@dataclass(frozen=True)
class CertifiedQBallResult(Result):
    r"""A Q-ball with a proof (docs/certified.md, part 3), at given omega or at given charge.

    ``enclosure`` contains the energy :math:`E = S_\omega + \omega Q` (at given charge: :math:`M_Q`),
    ``charge_enclosure`` the charge (at given charge: the hull of the certified
    :math:`Q(\omega_{\rm lo})`, :math:`Q(\omega_{\rm hi})`, which brackets Q), ``omega_enclosure``
    :math:`\omega` (at given charge: :math:`[\omega_{\rm lo}, \omega_{\rm hi}] \ni \omega^*`),
    ``action_enclosure`` :math:`S_\omega` (at given omega; None at given charge).  All are
    outward-rounded decimal strings.  ``omega``, ``charge``, ``mass`` are midpoints, ``error`` the
    largest relative half-width; ``engine`` holds the uncertified engine's values.  ``assumption``
    names what the theorem assumes beyond the balls (at given charge: the family assumption F).

    .. math::  E \in [\mathrm{lo}, \mathrm{hi}], \qquad Q \in \texttt{charge\_enclosure}
    """

    VALUES = ("omega", "charge", "mass")

    omega: object
    charge: object
    mass: object
    error: object
    enclosure: tuple
    charge_enclosure: tuple
    omega_enclosure: tuple
    action_enclosure: tuple | None
    phi0_interval: tuple
    engine: dict
    R_match: float
    dps: int
    status: str
    stats: dict
    assumption: str = ""

    @property
    def certified(self) -> bool:
        """True when the enclosures are proven (status converged or reduced)."""
        return self.status != "uncertified"

    def to_json(self, dps: int | None = None) -> dict:
        """JSON: omega, charge, mass, error, enclosure, charge_enclosure, omega_enclosure, certified, ..."""
        out = super().to_json(dps)
        out.update(enclosure=list(self.enclosure), charge_enclosure=list(self.charge_enclosure),
                   omega_enclosure=list(self.omega_enclosure), certified=self.certified,
                   phi0_interval=list(self.phi0_interval), R_match=number_text(self.R_match, 6),
                   engine={k: number_text(v, self.dps) for k, v in self.engine.items()})
        if self.action_enclosure is not None:
            out["action_enclosure"] = list(self.action_enclosure)
        if self.assumption:
            out["assumption"] = self.assumption
        return out

    def latex_rows_spec(self) -> list:
        return [(r"\omega", r"[{},\ {}]".format(*self.omega_enclosure)),
                ("Q", r"[{},\ {}]".format(*self.charge_enclosure)),
                ("E", r"[{},\ {}]".format(*self.enclosure))]

    def _repr_latex_(self) -> str:
        """Jupyter: the three enclosures in one aligned block."""
        body = r" \\ ".join(rf"{k} &\in {v}" for k, v in self.latex_rows_spec())
        return rf"$$\begin{{aligned}} {body} \end{{aligned}}\quad\text{{(certified Q-ball, {self.status})}}$$"
