r"""The description of a parameter scan: TOML schema, validation and the list of points.

A scan file (TOML) names a computation, the parameters that vary, the fixed
ones and the precision::

    computation = "mssm"          # mu2 | mssm | mssm_threshold | mssm_winner | bounce | qball | atlas
    dps = 15                      # digits of the stored numbers
    design = "grid"               # grid (Cartesian product) | sobol | halton
    # points = 256                # sobol / halton only: number of points
    # seed = 1                    # sobol / halton only: reproducible randomisation
    # store = "toy.sqlite"        # default: beside the file, <name>.sqlite
    # time_limit = 60             # seconds per point (default 3600; 0: none); a point
                                  # that takes longer is stopped and stored "timeout"

    [vary.A]                      # one table per varied parameter
    from = 0
    to = 3
    points = 31                   # grid only
    # log = true                  # log-spaced (from, to > 0)
    # values = ["0.1", "1/3"]     # or an explicit list instead of from/to

    [fixed]                       # parameter values (numbers or exact text "1/3")
    m_H = 1

    [potential]                   # mu2, bounce, qball: the potential as text
    text = "m**2*phi**2/2 - A*phi**3 + lam*phi**4"
    fields = ["phi"]
    charges = [1]                 # optional, default all 1

    [options]                     # per computation, see qsym.scans.computations
    polish = false

Numbers are read exactly (``0.1`` is ``1/10``): a point is the same number on
every machine.  The scan's identity (its hash) covers everything but the
store's file name and the time limit, so re-running the same file resumes the
same scan (also with another ``time_limit``).

.. math:: N_{grid} = \prod_k n_k,\qquad N_{sobol} = \text{points}

>>> s = parse_spec({"computation": "mssm", "vary": {"A": {"from": 0, "to": 2, "points": 3}}})
>>> [p["A"] for p in s.points()], s.dps
(['0', '1', '2'], 15)
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import pathlib
import re
import tomllib
from fractions import Fraction

from qsym.errors import InputError
from qsym.scans import designs

__all__ = ["Axis", "ScanSpec", "parse_spec", "load_spec", "DESIGNS", "DEFAULT_DPS", "DEFAULT_TIME_LIMIT"]

DESIGNS = ("grid", "sobol", "halton")
DEFAULT_DPS = 15
#: seconds one point may take before it is stopped and stored ``timeout`` (0: no limit)
DEFAULT_TIME_LIMIT = 3600.0
_TOP = {"computation", "dps", "design", "points", "seed", "store", "vary", "fixed", "potential", "options",
        "time_limit"}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _text(v, what: str) -> str:
    """A number of the spec as exact text (bool and non-numbers refused)."""
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise InputError(f"{what} must be a number or numeric text, got {v!r}")
    s = str(v).strip()
    try:
        Fraction(s)
    except (ValueError, ZeroDivisionError):
        if isinstance(v, str) and s:      # symbolic text such as "pi/3": checked by the computation
            return s
        raise InputError(f"{what} is not a number: {v!r}") from None
    return s


@dataclasses.dataclass(frozen=True)
class Axis:
    """One varied parameter: a range ``[lo, hi]`` with ``n`` points (grid), or explicit ``values``."""
    name: str
    lo: str | None = None
    hi: str | None = None
    n: int | None = None
    log: bool = False
    values: tuple | None = None

    def grid(self) -> list[str]:
        """The axis' values on a grid design."""
        if self.values is not None:
            return list(self.values)
        make = designs.log_values if self.log else designs.grid_values
        return make(self.lo, self.hi, self.n)


@dataclasses.dataclass(frozen=True)
class ScanSpec:
    """A validated scan (see the module docstring for the schema); :meth:`points` lists its points."""
    computation: str
    axes: tuple
    design: str = "grid"
    npoints: int | None = None
    seed: int | None = 0
    fixed: tuple = ()
    potential: tuple | None = None      # (text, fields, charges)
    options: tuple = ()
    dps: int = DEFAULT_DPS
    store: str | None = None
    time_limit: float = DEFAULT_TIME_LIMIT

    def identity(self) -> dict:
        """Everything that defines the scan's numbers (not the store's name nor the time limit), as JSON data."""
        d = dataclasses.asdict(self)
        d.pop("store")
        d.pop("time_limit")
        return d

    def key(self) -> str:
        """A hash of :meth:`identity`: the scan's name in the store and in Dask task keys."""
        text = json.dumps(self.identity(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def to_json(self) -> str:
        """The spec as canonical JSON text (what workers receive; they rebuild everything from it)."""
        return json.dumps(dataclasses.asdict(self), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "ScanSpec":
        d = json.loads(text)
        d["axes"] = tuple(Axis(**{**a, "values": tuple(a["values"]) if a["values"] is not None else None})
                          for a in d["axes"])
        d["fixed"] = tuple(tuple(x) for x in d["fixed"])
        d["options"] = tuple(tuple(x) for x in d["options"])
        if d["potential"] is not None:
            t, f, c = d["potential"]
            d["potential"] = (t, tuple(f), None if c is None else tuple(c))
        return cls(**d)

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.axes]

    def option(self, name: str, default=None):
        return dict(self.options).get(name, default)

    def points(self) -> list[dict]:
        """The points in their fixed order: dicts varied-parameter name -> exact text."""
        if self.design == "grid":
            return [dict(zip(self.names, combo)) for combo in itertools.product(*(a.grid() for a in self.axes))]
        gen = designs.sobol if self.design == "sobol" else designs.halton
        units = gen(self.npoints, len(self.axes), self.seed)
        return [{a.name: designs.unit_to_value(u, a.lo, a.hi, a.log) for a, u in zip(self.axes, us)}
                for us in units]


def _axis(name: str, d, design: str) -> Axis:
    if not _NAME.match(name):
        raise InputError(f"parameter name {name!r} is not an identifier")
    if not isinstance(d, dict):
        raise InputError(f"[vary.{name}] must be a table with from/to/points or values")
    unknown = set(d) - {"from", "to", "points", "log", "values"}
    if unknown:
        raise InputError(f"[vary.{name}]: unknown key(s) {sorted(unknown)}; known: from, to, points, log, values")
    log = d.get("log", False)
    if not isinstance(log, bool):
        raise InputError(f"[vary.{name}] log must be true or false")
    if "values" in d:
        vals = d["values"]
        if not isinstance(vals, list) or not vals:
            raise InputError(f"[vary.{name}] values must be a non-empty list")
        if design != "grid":
            raise InputError(f"[vary.{name}] explicit values need design = \"grid\"")
        return Axis(name, values=tuple(_text(v, f"{name} value") for v in vals))
    if "from" not in d or "to" not in d:
        raise InputError(f"[vary.{name}] needs from and to (or values)")
    lo, hi = _text(d["from"], f"{name} from"), _text(d["to"], f"{name} to")
    try:
        flo, fhi = Fraction(lo), Fraction(hi)
    except ValueError:
        raise InputError(f"[vary.{name}] from/to must be rational numbers") from None
    n = d.get("points")
    if design == "grid":
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise InputError(f"[vary.{name}] points must be a positive integer (grid design), got {n!r}")
        if n > 1 and flo == fhi:
            raise InputError(f"[vary.{name}] empty range: from = to = {lo} with {n} points")
    elif n is not None:
        raise InputError(f"[vary.{name}] points is set once for a {design} design (top-level points)")
    if fhi < flo or (design != "grid" and fhi == flo):
        raise InputError(f"[vary.{name}] empty range: from {lo} to {hi}")
    if log and (flo <= 0 or fhi <= 0):
        raise InputError(f"[vary.{name}] a log range needs from, to > 0")
    return Axis(name, lo, hi, n, log)


def _design(d) -> tuple:
    design = d.get("design", "grid")
    if design not in DESIGNS:
        raise InputError(f"unknown design {design!r}; known: {', '.join(DESIGNS)}")
    n, seed = d.get("points"), d.get("seed", 0)
    if design == "grid":
        if n is not None or "seed" in d:
            raise InputError("top-level points/seed belong to a sobol or halton design; a grid sets "
                             "points per [vary.NAME]")
        return design, None, None
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InputError(f"a {design} design needs points = a positive integer, got {n!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise InputError(f"seed must be an integer, got {seed!r}")
    return design, n, seed


def _potential(d):
    if d is None:
        return None
    if not isinstance(d, dict) or not isinstance(d.get("text"), str):
        raise InputError("[potential] needs text = \"<SymPy text of U>\"")
    unknown = set(d) - {"text", "fields", "charges"}
    if unknown:
        raise InputError(f"[potential]: unknown key(s) {sorted(unknown)}; known: text, fields, charges")
    fields = d.get("fields")
    if isinstance(fields, str):
        fields = [f.strip() for f in fields.split(",")]
    if not fields or not all(isinstance(f, str) and _NAME.match(f) for f in fields):
        raise InputError("[potential] fields must be a list of field names")
    charges = d.get("charges")
    if charges is not None:
        if not isinstance(charges, list) or len(charges) != len(fields):
            raise InputError(f"[potential] charges must list one charge per field ({len(fields)})")
        charges = tuple(_text(c, "charge") for c in charges)
    return (d["text"], tuple(fields), charges)


def _time_limit(v) -> float:
    """The per-point time limit in seconds (None: the default; 0: none)."""
    if v is None:
        return DEFAULT_TIME_LIMIT
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not (0 <= v < float("inf")):
        raise InputError(f"time_limit must be a number of seconds >= 0 (0: no limit), got {v!r}")
    return float(v)


def parse_spec(d: dict, store: str | None = None) -> ScanSpec:
    r"""A :class:`ScanSpec` from a TOML-like dict, checked (unknown keys, empty ranges, names).

    The computation-specific checks (parameter names, potential) are done by
    :func:`qsym.scans.computations.check`.

    .. math:: \text{spec} \mapsto \{x^{(i)}\}_{i=0}^{N-1}

    >>> parse_spec({"computation": "mssm", "design": "sobol", "points": 2, "seed": 3,
    ...             "vary": {"A": {"from": 0, "to": 1}}}).npoints
    2
    """
    if not isinstance(d, dict):
        raise InputError("a scan spec is a table (TOML file or dict)")
    unknown = set(d) - _TOP
    if unknown:
        raise InputError(f"unknown key(s) {sorted(unknown)} in the scan spec; known: {', '.join(sorted(_TOP))}")
    comp = d.get("computation")
    if not isinstance(comp, str):
        raise InputError("the scan spec needs computation = \"mu2\" | \"mssm\" | \"mssm_threshold\" | "
                         "\"mssm_winner\" | \"bounce\" | \"qball\" | \"atlas\"")
    design, n, seed = _design(d)
    vary = d.get("vary") or {}
    if not isinstance(vary, dict) or not vary:
        raise InputError("the scan varies nothing: add a [vary.NAME] table")
    axes = tuple(_axis(k, v, design) for k, v in vary.items())
    fixed = d.get("fixed") or {}
    if not isinstance(fixed, dict):
        raise InputError("[fixed] must be a table name = value")
    both = sorted(set(fixed) & set(vary))
    if both:
        raise InputError(f"parameter(s) {both} are both fixed and varied")
    for k in fixed:
        if not _NAME.match(k):
            raise InputError(f"parameter name {k!r} is not an identifier")
    options = d.get("options") or {}
    if not isinstance(options, dict):
        raise InputError("[options] must be a table")
    dps = d.get("dps", DEFAULT_DPS)
    if isinstance(dps, bool) or not isinstance(dps, int) or not 5 <= dps <= 1000:
        raise InputError(f"dps must be an integer in 5..1000, got {dps!r}")
    spec = ScanSpec(comp, axes, design, n, seed, tuple(sorted((k, _text(v, k)) for k, v in fixed.items())),
                    _potential(d.get("potential")), tuple(sorted(options.items())), dps,
                    store if store is not None else d.get("store"), _time_limit(d.get("time_limit")))
    from qsym.scans.computations import check
    check(spec)
    return spec


def load_spec(path) -> ScanSpec:
    r"""Read and check a TOML scan file; the store defaults to ``<file stem>.sqlite`` beside it.

    .. math:: \text{file.toml} \mapsto \text{file.sqlite}

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "toy.toml"
    >>> _ = f.write_text('computation = "mssm"\n[vary.A]\nfrom = 0\nto = 1\npoints = 2\n')
    >>> load_spec(f).store.endswith("toy.sqlite")
    True
    """
    path = pathlib.Path(path)
    try:
        d = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise InputError(f"scan file {str(path)!r} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read scan file {str(path)!r}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"scan file {str(path)!r} does not parse as TOML: {exc}") from None
    store = d.get("store")
    store = str(path.parent / (store if store else path.stem + ".sqlite"))
    return parse_spec(d, store=store)
