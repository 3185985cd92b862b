r"""The answers of the mu^2 minimiser and of the threshold scans (subclasses of :class:`qsym.results.Result`).

:class:`Mu2Result` is the certified global minimum of
:math:`\mu^2 = 2U / \sum_k q_k^2 \phi_k^2` (paper eq (9)); :class:`ThresholdResult`
the smallest value of a scanned parameter for which a Q-ball exists.  Both keep
the JSON payloads of ``qsym mu2 --json`` / ``qsym mssm --json`` /
``qsym mssm threshold --json`` (``as_json()``; ``to_json(dps)`` is the same
payload at ``dps`` digits) and add ``status``: ``"converged"`` when the
certificate closed, ``"uncertified"`` otherwise.

Numeric layer: mpmath only.

>>> import mpmath
>>> r = Mu2Result(mpmath.mpf(2), {"p": mpmath.mpf(0)}, {"p": mpmath.mpf(1)}, mpmath.mpf(2), False, True,
...               2.0, 2.0, 0.0, 15, 10)
>>> r.status, r.as_json()["mu2_min"]
('converged', '2.0')
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath

from qsym.results import CONVERGED, UNCERTIFIED, Result, latex_pm

__all__ = ["Mu2Result", "ThresholdResult", "METHOD"]

METHOD = ("ray closed form in F + branch and bound over directions (double-precision proposals, "
          "every certifying decision in Arb ball arithmetic)")


@dataclass(frozen=True)
class Mu2Result(Result):
    r"""Certified global minimum of mu^2 (eq (9)).

    ``mu2_min`` is the infimum over ``phi != 0`` (mpf at ``dps`` digits);
    ``at`` the minimiser (field -> mpf; all zeros when the infimum is the
    origin limit); ``origin_value`` the limit at the origin;
    ``lower``/``upper`` the certified bracket of the infimum (floats, padded);
    ``certified`` whether the branch and bound closed within its budget
    (so that ``qball_exists`` is proven and ``lower <= mu2_min <= upper``);
    ``existence_certified`` whether ``qball_exists`` alone is proven (an
    exact witness proves existence even when the bracket did not close);
    ``error`` an estimate of the absolute error of ``mu2_min``; ``status``
    ``"converged"`` if ``certified`` else ``"uncertified"``.

    .. math:: \min_{\phi\neq 0} \mu^2 < \lim_{\phi\to 0}\mu^2 \iff \text{a Q-ball exists}
    """

    VALUES = ("mu2_min", "origin_value", "at", "direction")

    mu2_min: object
    at: dict
    direction: dict
    origin_value: object
    qball_exists: bool
    certified: bool
    lower: float
    upper: float
    error: float
    dps: int
    boxes: int
    method: str = METHOD
    notes: list = field(default_factory=list)
    existence_certified: bool = False
    status: str = ""
    stats: dict = field(default_factory=dict)

    def __post_init__(self):
        if not self.status:
            object.__setattr__(self, "status", CONVERGED if self.certified else UNCERTIFIED)

    def latex_rows_spec(self) -> list:
        """The minimum of mu^2 with its (absolute) error and the limit at the origin."""
        return [(r"\min_{\phi\neq 0}\mu^2", latex_pm(self.mu2_min, self.error, relative=False, dps=self.dps)),
                (r"\lim_{\phi\to 0}\mu^2", latex_pm(self.origin_value, dps=self.dps))]

    def latex_caption(self) -> str:
        verdict = "a Q-ball exists" if self.qball_exists else "no Q-ball"
        proof = "certified" if (self.existence_certified or self.certified) else "not certified"
        return f"{verdict}, {proof}"

    def mu2_min_str(self, digits=None) -> str:
        """``mu2_min`` as text with ``digits`` (default ``dps``) significant digits."""
        return mpmath.nstr(self.mu2_min, digits or self.dps)

    def to_json(self, dps: int | None = None) -> dict:
        """The ``qsym mu2 --json`` payload, numbers as strings with ``dps`` (default: own) digits."""
        d = dps or self.dps
        return {
            "mu2_min": mpmath.nstr(self.mu2_min, d),
            "at": {k: mpmath.nstr(v, d) for k, v in self.at.items()},
            "direction": {k: mpmath.nstr(v, d) for k, v in self.direction.items()},
            "origin_value": mpmath.nstr(self.origin_value, d),
            "qball_exists": bool(self.qball_exists),
            "certified": bool(self.certified),
            "existence_certified": bool(self.existence_certified),
            "bound": {"lower": repr(self.lower), "upper": repr(self.upper)},
            "error": mpmath.nstr(mpmath.mpf(self.error), 3),
            "dps": self.dps,
            "boxes": self.boxes,
            "method": self.method,
            "notes": list(self.notes),
            "status": self.status,
        }

    def as_json(self) -> dict:
        """``to_json()`` at the result's own precision."""
        return self.to_json()


@dataclass(frozen=True)
class ThresholdResult(Result):
    r"""Smallest value of a scanned parameter for which a Q-ball exists.

    ``threshold`` is the midpoint of the final certified bracket
    ``[below, above]``: at ``below`` no Q-ball exists, at ``above`` one does
    (each decided by a certified mu^2 minimum).  ``certified`` is False
    when a step could not be decided (then the bracket is the last decided one).

    ``kind`` is ``"first-order"`` (the Q-ball appears at a finite field value;
    found by bisection) or ``"continuous"`` (it appears at the origin, where the
    origin stops being a local minimum of mu^2; the threshold is then exact,
    ``closed_form`` holds its SymPy text and LaTeX, ``text`` its decimal digits
    and ``[below, above]`` an exact enclosure of it).  ``error`` is the relative
    half-width of the bracket.

    .. math:: \text{threshold} = (\text{below} + \text{above}) / 2
    """

    VALUES = ("threshold", "below", "above")

    parameter: str
    threshold: Fraction
    below: Fraction
    above: Fraction
    certified: bool
    steps: int
    notes: list = field(default_factory=list)
    kind: str = "first-order"
    closed_form: dict | None = None
    text: str | None = None
    error: float = math.nan
    dps: int | None = None
    status: str = ""
    stats: dict = field(default_factory=dict)

    def __post_init__(self):
        if not self.status:
            object.__setattr__(self, "status", CONVERGED if self.certified else UNCERTIFIED)
        if isinstance(self.error, float) and math.isnan(self.error):
            half = float(self.above - self.below) / 2
            object.__setattr__(self, "error", half / max(abs(float(self.threshold)), 1e-300))

    def latex_rows_spec(self) -> list:
        return [(self.parameter, latex_pm(_mpf(self.threshold), self.error, dps=self.dps or 17))]

    def latex_caption(self) -> str:
        return f"{self.kind} threshold, {self.status}"

    def as_json(self, digits: int | None = None) -> dict:
        """The ``qsym mssm threshold --json`` payload (``digits``: of the threshold; default what
        the bracket supports, or every digit of ``text`` for an exact threshold)."""
        if self.text is not None and digits is None:
            thr = self.text
            nd = len(self.text.replace("-", "").replace(".", "").lstrip("0")) + 3
            with mpmath.workdps(nd + 5):
                bracket = [mpmath.nstr(_mpf(b), nd) for b in (self.below, self.above)]
        else:
            if digits is None:      # as many digits as the bracket supports, plus one
                width = float(self.above - self.below) / max(abs(float(self.threshold)), 1e-300)
                digits = max(3, min(17, int(-math.log10(width)) + 2)) if width > 0 else 17
            thr = mpmath.nstr(_mpf(self.threshold), digits)
            bracket = [str(float(self.below)), str(float(self.above))]
        return {"parameter": self.parameter, "threshold": thr, "bracket": bracket,
                "certified": self.certified, "steps": self.steps, "notes": list(self.notes),
                "kind": self.kind, "closed_form": dict(self.closed_form) if self.closed_form else None,
                "status": self.status}

    def to_json(self, dps: int | None = None) -> dict:
        """``as_json(dps)``."""
        return self.as_json(dps)


def _mpf(x: Fraction):
    return mpmath.mpf(x.numerator) / x.denominator
