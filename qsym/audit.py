"""The claims audit: every checked equation or statement of the paper.

A claim is registered with :func:`claim` on a function that *computes* its
verdict and returns ``(verdict, evidence)`` or ``(verdict, evidence, latex)``
where ``latex`` is the corrected formula when the verdict is "corrected".
Verdicts: ``confirmed``, ``corrected``, ``refuted``, ``unchecked`` (the
latter only with the reason as evidence).  Checks run lazily, when
:func:`run_audit` is called, and a check that raises is reported as
``unchecked`` with the error, never silently confirmed.

Claim modules live in :mod:`qsym.claims`; importing them registers them.

>>> from qsym.audit import run_audit
>>> res = run_audit(section=1)
>>> {r.verdict for r in res} <= set(VERDICTS)
True
"""

from __future__ import annotations

import importlib
import time
from dataclasses import asdict, dataclass, field
from typing import Callable

__all__ = ["Claim", "ClaimResult", "claim", "registry", "run_audit", "VERDICTS"]

VERDICTS = ("confirmed", "corrected", "refuted", "unchecked")

#: claim modules, in the paper's order; each registers its claims on import
CLAIM_MODULES = ["qsym.claims.sec1", "qsym.claims.sec2", "qsym.claims.sec3",
                 "qsym.claims.beads", "qsym.claims.sec4", "qsym.claims.context"]


@dataclass(frozen=True)
class Claim:
    id: str
    where: str
    statement: str
    section: int
    check: Callable = field(repr=False, compare=False)


@dataclass
class ClaimResult:
    id: str
    where: str
    statement: str
    verdict: str
    evidence: str
    latex: str = ""
    section: int = 0
    seconds: float = 0.0

    def as_json(self) -> dict:
        d = asdict(self)
        d["seconds"] = round(self.seconds, 3)
        return d


_REGISTRY: dict[str, Claim] = {}


def claim(id: str, where: str, statement: str, section: int):
    """Decorator registering a verdict-computing function as a paper claim."""
    def deco(fn):
        if id in _REGISTRY:
            raise RuntimeError(f"claim id {id!r} registered twice")
        _REGISTRY[id] = Claim(id, where, statement, section, fn)
        return fn
    return deco


def _load() -> None:
    for mod in CLAIM_MODULES:
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as exc:
            if exc.name != mod:
                raise


def registry() -> list[Claim]:
    """All registered claims in the paper's order (by section, then registration)."""
    _load()
    return sorted(_REGISTRY.values(), key=lambda c: c.section)


def run_audit(section: int | None = None, ids=None, progress: Callable | None = None) -> list[ClaimResult]:
    """Run the checks and return their results (nothing is printed).

    ``section`` (1-4) and ``ids`` (claim ids) select claims; an unknown section
    or id is an :class:`~qsym.errors.InputError`, never a silently empty list.
    ``progress(claim)`` is called before each check.
    """
    from .errors import InputError
    claims = registry()
    sections = sorted({c.section for c in claims})
    if section is not None:
        if isinstance(section, bool) or not isinstance(section, int) or section not in sections:
            raise InputError(f"section must be one of {', '.join(map(str, sections))}, got {section!r}")
    if ids is not None:
        if isinstance(ids, str):
            ids = [ids]
        ids = list(ids)
        known = {c.id for c in claims}
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise InputError(f"unknown claim id(s): {', '.join(map(str, unknown))} "
                             "(qsym verify --json lists the ids)")
        if section is not None and not any(c.id in ids and c.section == section for c in claims):
            raise InputError(f"none of the claim ids {', '.join(ids)} is in section {section}")
    out = []
    for c in claims:
        if section is not None and c.section != section:
            continue
        if ids is not None and c.id not in ids:
            continue
        if progress:
            progress(c)
        t0 = time.perf_counter()
        try:
            res = c.check()
            verdict, evidence = res[0], res[1]
            latex = res[2] if len(res) > 2 else ""
            if verdict not in VERDICTS:
                verdict, evidence = "unchecked", f"check returned invalid verdict {verdict!r}"
        except Exception as exc:  # noqa: BLE001 - a failing check must be visible, not fatal
            verdict, evidence, latex = "unchecked", f"check raised {type(exc).__name__}: {exc}", ""
        out.append(ClaimResult(c.id, c.where, c.statement, verdict, evidence, latex,
                               c.section, time.perf_counter() - t0))
    return out
