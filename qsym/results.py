r"""One result type for every numeric answer.

Every solver of qsym returns a :class:`Result` (a frozen dataclass whose subclasses name their
values): the value(s), a relative or absolute ``error`` estimate, a ``status`` that says how far
the answer can be trusted, iteration statistics ``stats``, and the working precision ``dps``.
``to_json(dps)`` gives the CLI payload (numbers as decimal strings with every requested digit),
``_repr_latex_`` the Jupyter rendering (value :math:`\pm` error, truncated to the digits the
error leaves).

Numeric layer: mpmath only, no SymPy.

>>> import mpmath
>>> latex_pm(mpmath.mpf(2) / 3, 1e-7)
'0.6666666\\ldots \\pm 6.7\\times 10^{-8}'
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import mpmath

__all__ = ["Result", "CONVERGED", "REDUCED", "UNCERTIFIED", "STATUSES", "latex_pm", "latex_rows",
           "LATEX_MAX_DIGITS"]

#: the answer met the requested tolerance (its error estimate is below it)
CONVERGED = "converged"
#: an answer with an honest error estimate, but above the requested tolerance
REDUCED = "reduced"
#: the answer is computed but the proof (certificate) it asked for did not close
UNCERTIFIED = "uncertified"
STATUSES = (CONVERGED, REDUCED, UNCERTIFIED)


@dataclass(frozen=True)
class Result:
    r"""Base of every numeric answer.

    Subclasses add their values as dataclass fields and list them in ``VALUES`` (the names
    ``to_json`` writes as decimal strings) and the rows of their LaTeX rendering in
    ``latex_rows_spec()``.  The shared fields:

    ``error``
        the error estimate (relative unless the subclass says otherwise);
    ``dps``
        the working precision in decimal digits (None: double precision);
    ``status``
        one of :data:`STATUSES`;
    ``stats``
        iteration counts and other diagnostics (plain ints/strings).

    .. math:: \text{value} \pm \text{error}
    """

    #: names of the fields that are numbers (written with every digit by ``to_json``)
    VALUES = ()

    def to_json(self, dps: int | None = None) -> dict:
        """Plain-JSON payload: the values as decimal strings at ``dps`` digits (default: the
        result's own), ``error`` with 3 digits, ``status``, ``stats``, ``dps``."""
        d = dps if dps is not None else self.dps
        out = {}
        for name in self.VALUES:
            out[name] = number_text(getattr(self, name), d)
        out["dps"] = self.dps
        out["error"] = number_text(self.error, 3)
        out["status"] = self.status
        stats = getattr(self, "stats", None)
        if stats:
            out["stats"] = dict(stats)
        return out

    def __getitem__(self, key):
        """``result["name"]`` is ``result.name`` (callers that used the former dict answers keep working)."""
        if isinstance(key, str) and key in {f.name for f in dataclasses.fields(self)}:
            return getattr(self, key)
        raise KeyError(key)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def replace(self, **changes):
        """A copy with some fields changed (results are immutable)."""
        return dataclasses.replace(self, **changes)

    def latex_rows_spec(self) -> list:
        """``[(lhs LaTeX, rhs LaTeX), ...]`` of the rendering; default: every value (tuples as lists)."""
        def one(v):
            if isinstance(v, (tuple, list)):
                return r"\left(" + r",\ ".join(one(x) for x in v) + r"\right)"
            if v is None or isinstance(v, (bool, str)):
                return rf"\text{{{v}}}"
            return latex_pm(v, dps=self.dps)
        return [(r"\mathrm{" + name.replace("_", r"\_") + "}", one(getattr(self, name))) for name in self.VALUES]

    def latex_caption(self) -> str:
        return f"{type(self).__name__}, {self.status}"

    def _repr_latex_(self) -> str:
        """Jupyter: the values with their errors, typeset."""
        return latex_rows(self.latex_rows_spec(), self.latex_caption())


def number_text(v, digits: int | None) -> object:
    """A number as JSON text: mpf/float/Fraction/int -> decimal string (``digits`` significant),
    tuples/lists/dicts element-wise, None/bool/str unchanged."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, dict):
        return {k: number_text(x, digits) for k, x in v.items()}
    if isinstance(v, (tuple, list)):
        return [number_text(x, digits) for x in v]
    if isinstance(v, int):
        return str(v)
    if digits is None:
        return repr(float(v))
    if isinstance(v, Fraction):
        with mpmath.workdps(digits + 5):
            return mpmath.nstr(mpmath.mpf(v.numerator) / v.denominator, digits)
    with mpmath.workdps(max(digits, 15) + 5):
        return mpmath.nstr(mpmath.mpf(v), digits)


# --------------------------------------------------------------------------
# LaTeX of computed numbers (value +- error), shared by every result
# --------------------------------------------------------------------------
#: most significant digits a LaTeX rendering of a number shows (``\ldots`` follows)
LATEX_MAX_DIGITS = 20


def _decimal(v) -> Decimal:
    """``v`` as an exact decimal: a float by its shortest repr, an mpf bit for bit."""
    if isinstance(v, float):
        return Decimal(repr(float(v)))
    sign, man, exp, _ = mpmath.mpf(v)._mpf_
    man = int(man)
    d = Decimal(man * 2**exp) if exp >= 0 else Decimal(man * 5**(-exp)).scaleb(exp)
    return -d if sign else d


def _latex_digits(v, digits: int) -> tuple:
    """``(mantissa digits, decimal exponent, exact)`` of ``|v|`` truncated to ``digits`` digits."""
    d = abs(_decimal(v))
    t = "".join(map(str, d.as_tuple().digits)).lstrip("0")
    e10 = d.adjusted()
    return t[:digits], e10, not t[digits:].strip("0")


def _latex_number(v, digits: int) -> str:
    """``v`` (an mpf or float) truncated to ``digits`` significant digits; ``\\ldots`` marks the cut."""
    if not isinstance(v, float):
        v = mpmath.mpf(v)
    if not mpmath.isfinite(v):
        return r"\mathrm{nan}" if mpmath.isnan(v) else (r"-\infty" if v < 0 else r"\infty")
    if v == 0:
        return "0"
    s, e10, exact = _latex_digits(v, digits)
    if exact:
        s = s.rstrip("0") or "0"
        if 0 <= e10 < 6:
            s = s.ljust(e10 + 1, "0")
    dots = "" if exact else r"\ldots"
    sign = "-" if v < 0 else ""
    if -3 <= e10 < 6 and len(s) >= e10 + 1:      # fixed notation, every digit significant
        if e10 >= 0:
            body = s[:e10 + 1] + ("." + s[e10 + 1:] if len(s) > e10 + 1 else "")
        else:
            body = "0." + "0" * (-e10 - 1) + s
        return sign + body + dots
    body = s[0] + ("." + s[1:] if len(s) > 1 else "") + dots
    return sign + body + (rf"\times 10^{{{e10}}}" if e10 else "")


def latex_pm(value, error=None, *, relative: bool = True, dps: int | None = None) -> str:
    r"""LaTeX of a computed number with its error: ``4.85113741\ldots \pm 2.3\times 10^{-41}``.

    ``error`` is relative to ``value`` (``relative=False``: absolute); the
    value shows the digits the error leaves (at most ``dps`` and
    :data:`LATEX_MAX_DIGITS`), truncated, and the absolute error two digits.
    Without an error (or with an error of zero: an exact number) no ``\pm``.

    >>> latex_pm(mpmath.mpf(2) / 3, 1e-7)
    '0.6666666\\ldots \\pm 6.7\\times 10^{-8}'
    >>> latex_pm(1234567.5, 0)
    '1.2345675\\times 10^{6}'
    """
    cap = min(dps or 15, LATEX_MAX_DIGITS)
    with mpmath.workdps(max(dps or 15, LATEX_MAX_DIGITS) + 20):
        return _latex_pm(value if isinstance(value, float) else mpmath.mpf(value), error, relative, cap)


def _latex_pm(v, error, relative, cap):
    if error is None or not mpmath.isfinite(v) or v == 0 and relative:
        return _latex_number(v, cap)
    err = abs(mpmath.mpf(error)) * (abs(v) if relative else 1)
    if err == 0:
        return _latex_number(v, cap)
    if not mpmath.isfinite(err):
        return _latex_number(v, 1) + r" \pm \infty"
    if v == 0:
        digits = 1
    else:
        with mpmath.workdps(30):
            digits = int(mpmath.floor(mpmath.log10(abs(v) / err))) if abs(v) > err else 1
    digits = max(1, min(digits, cap))
    with mpmath.workdps(30):                     # two digits, rounded to nearest
        e10 = int(mpmath.floor(mpmath.log10(err)))
        m = int(mpmath.nint(err / mpmath.mpf(10) ** (e10 - 1)))
        if m >= 100:
            m, e10 = 10, e10 + 1
        elif m < 10:
            m, e10 = int(mpmath.nint(err / mpmath.mpf(10) ** (e10 - 2))), e10 - 1
    em = f"{m // 10}.{m % 10}" if m % 10 else str(m // 10)
    if -3 <= e10 <= 3:
        ee = format(Decimal(m).scaleb(e10 - 1).normalize(), "f")
    else:
        ee = rf"{em}\times 10^{{{e10}}}"
    return f"{_latex_number(v, digits)} \\pm {ee}"


def latex_rows(rows, note: str = "") -> str:
    """``$$\\begin{aligned} name &= value \\\\ ... \\end{aligned}$$`` with a note in text."""
    body = r" \\ ".join(f"{name} &= {val}" for name, val in rows)
    text = note.replace("\\", "/").replace("_", r"\_").replace("&", r"\&").replace("%", r"\%")
    tail = rf"\quad \text{{({text})}}" if note else ""
    return rf"$$\begin{{aligned}} {body} \end{{aligned}}{tail}$$"
