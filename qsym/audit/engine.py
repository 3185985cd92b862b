"""The claims audit: every checked equation or statement of the paper.

A claim is registered with :func:`claim` on a function that *computes* its
verdict.  The statement is registered as LaTeX source (prose with ``$...$``
math); the check returns ``(verdict, evidence)`` or
``(verdict, evidence, correction)`` where ``evidence`` and ``correction`` are
LaTeX source too, their formulas built from the SymPy objects and numbers the
check computed (:func:`tex`, :func:`tex_display`, :func:`tex_num`), never
hand-typed.  ``correction`` is the corrected formula (math-mode LaTeX) when the
verdict is "corrected" or "refuted".  The plain-text forms (``statement``,
``evidence``, ``correction``) are derived from the LaTeX by :func:`plain_text`;
every :class:`ClaimResult` carries both.

Verdicts: ``confirmed``, ``corrected``, ``refuted``, ``unchecked`` (the
latter only with the reason as evidence).  Checks run lazily, when
:func:`run_audit` is called, and a check that raises is reported as
``unchecked`` with the error, never silently confirmed.

Claim modules live in :mod:`qsym.audit`; importing them registers them.

>>> from qsym.audit.engine import run_audit
>>> res = run_audit(section=1)
>>> {r.verdict for r in res} <= set(VERDICTS)
True
>>> plain_text(r"$\\frac{\\omega^{2}}{2}\\ne \\varphi_{k}$ and 50\\%")
'omega^2/2 != phi_k and 50%'
"""

from __future__ import annotations

import importlib
import re
import time
from dataclasses import asdict, dataclass, field
from typing import Callable

__all__ = ["Claim", "ClaimResult", "claim", "registry", "run_audit", "VERDICTS",
           "tex", "tex_display", "tex_num", "tex_text", "plain_text", "math_width"]

VERDICTS = ("confirmed", "corrected", "refuted", "unchecked")

#: claim modules, in the paper's order; each registers its claims on import
CLAIM_MODULES = ["qsym.audit.sec1", "qsym.audit.sec2", "qsym.audit.sec3",
                 "qsym.audit.beads", "qsym.audit.sec4", "qsym.audit.context"]

#: estimated width (in characters of math) above which a formula is displayed and broken
INLINE_WIDTH = 30
#: estimated width of one line of a displayed formula (the report's text is ~17 cm at 11pt)
DISPLAY_WIDTH = 62


# ----------------------------------------------------------------------------------------------
# LaTeX helpers for claim modules
# ----------------------------------------------------------------------------------------------

_ESC = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
        "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}", "<": r"\textless{}",
        ">": r"\textgreater{}"}


def tex_text(text) -> str:
    r"""Escape plain text (an error message, a repr) for LaTeX, in typewriter font."""
    return r"\texttt{" + "".join(_ESC.get(ch, ch) for ch in str(text)) + "}"


def _settings(obj, order=None) -> dict:
    """LaTeX printer settings: the paper's \\varphi for fields named phi, and the term order."""
    st = {"order": order} if order else {}
    names = {x: r"\varphi" + sp_name[3:] for x in getattr(obj, "free_symbols", ())
             if (sp_name := x.name).startswith("phi") and (len(sp_name) == 3 or sp_name[3] == "_")}
    if names:
        st["symbol_names"] = names
    return st


def _latex(obj, order=None) -> str:
    if isinstance(obj, str):
        return obj
    import sympy as sp
    return sp.latex(obj, **_settings(obj, order))


def _group(s: str, i: int) -> tuple[str, int]:
    """The brace group (or single token) starting at s[i]; returns (content, index after it)."""
    while i < len(s) and s[i] == " ":
        i += 1
    if i >= len(s):
        return "", i
    if s[i] != "{":
        if s[i] == "\\":
            m = re.match(r"\\[a-zA-Z]+|\\.", s[i:])
            return m.group(0), i + len(m.group(0))
        return s[i], i + 1
    depth, j = 0, i
    while j < len(s):
        if s[j] == "\\":
            j += 2
            continue
        if s[j] == "{":
            depth += 1
        elif s[j] == "}":
            depth -= 1
            if depth == 0:
                return s[i + 1:j], j + 1
        j += 1
    return s[i + 1:], len(s)


def math_width(latex: str) -> float:
    """A rough estimate of the printed width of math-mode LaTeX, in characters."""
    w, i, s = 0.0, 0, latex
    while i < len(s):
        c = s[i]
        if c == "\\":
            m = re.match(r"\\([a-zA-Z]+)|\\(.)", s[i:])
            name = m.group(1) or m.group(2)
            i += len(m.group(0))
            if name in ("frac", "dfrac", "tfrac"):
                a, i = _group(s, i)
                b, i = _group(s, i)
                w += max(math_width(a), math_width(b)) + 0.5
            elif name in ("left", "right", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "middle"):
                continue
            elif name in ("text", "mathrm", "operatorname", "textit", "emph", "mathit"):
                a, i = _group(s, i)
                w += len(a) * 0.9
            elif name in ("sqrt",):
                w += 1.5
            elif name in (",", ";", ":", "!", "quad", "qquad", " "):
                w += {"quad": 2, "qquad": 4, " ": 0.6}.get(name, 0.3)
            elif name in ("mathcal", "tilde", "hat", "bar", "mathbf", "boldsymbol", "operatorname*",
                          "displaystyle", "limits", "nolimits"):
                continue
            elif name in ("sum", "int", "min", "max", "lim", "log", "cos", "sin", "exp", "sinh", "cosh",
                          "tan", "atan", "operatorname"):
                w += len(name) * 0.8
            else:
                w += 1.0
        elif c in "^_":
            a, i = _group(s, i + 1)
            w += 0.7 * math_width(a)
        elif c in "{}":
            i += 1
        elif c in "=<>+-":
            w += 2.0
            i += 1
        elif c == " ":
            i += 1
        else:
            w += 1.0
            i += 1
    return w


def _terms(expr, order=None) -> list[str]:
    """LaTeX of the top-level terms of a SymPy Add, each with its sign (' + t' / ' - t')."""
    import sympy as sp
    from sympy.printing.latex import LatexPrinter
    pr = LatexPrinter(_settings(expr, order))
    out = []
    for k, t in enumerate(pr._as_ordered_terms(expr, order=order)):
        s = pr._print(t)
        if s.startswith("-"):
            out.append(("- " if k else "-") + s[1:].lstrip())
        else:
            out.append(("+ " if k else "") + s)
    return out


def _pieces(expr, order=None) -> list[str]:
    """Breakable LaTeX pieces of a formula: terms of a sum, factors of a long product."""
    import sympy as sp
    if isinstance(expr, str):
        return [expr]
    if isinstance(expr, sp.Add):
        return _terms(expr, order)
    if isinstance(expr, sp.Mul):
        num, den = sp.fraction(expr)
        sums = [a for a in sp.Mul.make_args(num) if isinstance(a, sp.Add)]
        if sums and den != 1 and math_width(_latex(expr)) > DISPLAY_WIDTH:
            # (stuff)/den with a long numerator: \frac{1}{den} \Bigl( terms \Bigr)
            big = max(sums, key=lambda a: len(sp.latex(a)))
            others = sp.Mul(*[a for a in sp.Mul.make_args(num) if a is not big]) / den
            ts = _terms(big, order)
            head = _latex(others)
            if head == "1":
                head = ""
            elif head == "-1":
                head = "-"
            return [head + r"\Bigl(" + ts[0]] + ts[1:-1] + [ts[-1] + r"\Bigr)"] if len(ts) > 1 \
                else [_latex(expr)]
        if sums and math_width(_latex(expr)) > DISPLAY_WIDTH:
            big = max(sums, key=lambda a: len(sp.latex(a)))
            others = sp.Mul(*[a for a in sp.Mul.make_args(num) if a is not big])
            ts = _terms(big, order)
            head = _latex(others)
            head = "" if head == "1" else "-" if head == "-1" else head
            return [head + r"\Bigl(" + ts[0]] + ts[1:-1] + [ts[-1] + r"\Bigr)"]
    return [_latex(expr, order)]


def tex_display(expr, lhs: str = "", order=None, width: float = DISPLAY_WIDTH) -> str:
    r"""A displayed formula ``lhs = expr``, broken over lines between terms when too long.

    ``expr`` is a SymPy object (or math-mode LaTeX); ``lhs`` is math-mode LaTeX
    (empty for none).  One line gives ``\[ ... \]``, several a ``multline*``.
    """
    import sympy as sp
    if not isinstance(expr, str) and isinstance(expr, sp.core.relational.Relational) and not lhs:
        lhs, expr = _latex(expr.lhs) + " " + {"==": "=", "<": "<", ">": ">", "<=": r"\le",
                                                  ">=": r"\ge", "!=": r"\ne"}[expr.rel_op], expr.rhs
    elif lhs:
        lhs = lhs + (" =" if not re.search(r"(=|<|>|\\le|\\ge|\\ne|\\approx|\\sim)\s*$", lhs) else "")
    pieces = _pieces(expr, order)
    lines, cur = [], (lhs + " ") if lhs else ""
    for p in pieces:
        if cur.strip() and math_width(cur + p) > width:
            lines.append(cur)
            cur = p
        else:
            cur += (" " if cur else "") + p
    lines.append(cur)
    if len(lines) == 1:
        return r"\[" + lines[0].strip() + r"\]"
    return "\\begin{multline*}\n" + " \\\\\n".join(ln.strip() for ln in lines) + "\n\\end{multline*}"


def tex(expr, lhs: str = "", order=None) -> str:
    """Inline math ``$lhs = expr$`` for a short formula, a broken display for a long one."""
    body = _latex(expr, order)
    full = (lhs + (" = " if lhs and not re.search(r"(=|<|>|\\le|\\ge|\\ne)\s*$", lhs) else " ")
            + body) if lhs else body
    if math_width(full) <= INLINE_WIDTH:
        return "$" + full.strip() + "$"
    return tex_display(expr, lhs, order)


def tex_num(x, digits: int | None = None) -> str:
    r"""Math-mode LaTeX of a computed number (mpmath, float, int or their string): ``2.3\times10^{-41}``."""
    if isinstance(x, str):
        s = x
    elif digits is not None:
        try:
            import mpmath
            s = mpmath.nstr(x, digits)
        except Exception:  # noqa: BLE001 - fall back to Python's formatting
            s = f"{float(x):.{digits}g}"
    else:
        s = str(x)
    m = re.fullmatch(r"\s*([-+]?[0-9.]+)[eE]([-+]?)0*([0-9]+)\s*", s)
    if m:
        mant, sign, exp = m.groups()
        sign = "-" if sign == "-" else ""
        return (("" if mant in ("1", "1.0") else mant + r"\times ") + f"10^{{{sign}{exp}}}")
    return s.replace("inf", r"\infty")


# ----------------------------------------------------------------------------------------------
# plain text from the LaTeX
# ----------------------------------------------------------------------------------------------

_PLAIN_CMDS = {"le": "<=", "leq": "<=", "ge": ">=", "geq": ">=", "ne": "!=", "neq": "!=", "to": "->",
               "rightarrow": "->", "iff": "<=>", "Rightarrow": "=>", "cdot": "*", "times": "x", "pm": "+-",
               "infty": "oo", "ll": "<<", "gg": ">>", "approx": "~", "sim": "~", "simeq": "~",
               "ldots": "...", "dots": "...", "cdots": "...", "partial": "d", "varphi": "phi",
               "epsilon": "eps", "varepsilon": "eps", "in": "in", "subset": "in", "supset": "contains",
               "lbrace": "{", "rbrace": "}", "langle": "<", "rangle": ">", "mid": "|", "vert": "|",
               "quad": " ", "qquad": " ", "textbackslash": "\\", "textasciitilde": "~", "textless": "<",
               "textgreater": ">", "S": "sec."}
_DROP_CMDS = {"left", "right", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "big", "Big", "middle",
              "displaystyle", "limits", "nolimits", "mathcal", "mathbf", "boldsymbol", "mathrm", "text",
              "emph", "textit", "textbf", "texttt", "operatorname", "tilde", "hat", "bar", "mathit", "rm",
              "noindent", "newline", "allowbreak", "ensuremath", "textrm", "textsc", "mbox"}


def _atomic(s: str) -> bool:
    return bool(re.fullmatch(r"[\w.]+(\^[\w.]+)?|\([^()]*\)", s))


def plain_text(latex: str) -> str:
    """A plain-text rendering of LaTeX source (for the ``statement``/``evidence`` text fields)."""
    s = latex
    s = re.sub(r"\\begin\{[a-z*]+\}|\\end\{[a-z*]+\}", " ", s)
    s = s.replace(r"\[", " ").replace(r"\]", " ").replace("\\\\", " ").replace("$", "")
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\":
            m = re.match(r"\\([a-zA-Z]+)\*?|\\(.)", s[i:])
            name = m.group(1) or m.group(2)
            i += len(m.group(0))
            if name in ("frac", "dfrac", "tfrac"):
                a, i = _group(s, i)
                b, i = _group(s, i)
                a, b = plain_text(a), plain_text(b)
                out.append((a if _atomic(a) else f"({a})") + "/" + (b if _atomic(b) else f"({b})"))
            elif name == "sqrt":
                a, i = _group(s, i)
                out.append(f"sqrt({plain_text(a)})")
            elif name in _PLAIN_CMDS:
                rep = _PLAIN_CMDS[name]
                if rep.isalpha() and out and out[-1][-1:].isalnum():
                    out.append(" ")
                out.append(f" {rep} " if not rep.isalnum() and rep not in ".,;:" else rep)
            elif name in _DROP_CMDS:
                pass
            elif name in (",", ";", ":", " ", "!"):
                out.append(" " if name != "!" else "")
            elif name in "{}%&#_$^":
                out.append(name)
            elif name.isalpha():
                if out and out[-1][-1:].isalnum():
                    out.append(" ")
                out.append(name)
                if i < len(s) and s[i].isalnum():
                    out.append(" ")
        elif c in "^_":
            a, i = _group(s, i + 1)
            a = plain_text(a)
            out.append(c + (a if _atomic(a) or (c == "_" and "," not in a and " " not in a) else f"({a})"))
        elif c in "{}":
            i += 1
        elif c == "&":
            i += 1
        elif c == "~":
            out.append(" ")
            i += 1
        else:
            out.append(c)
            i += 1
    text = "".join(out).replace("---", " - ").replace("--", "-")
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", text))


# ----------------------------------------------------------------------------------------------
# registry
# ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Claim:
    id: str
    where: str
    statement: str           # plain text (derived from statement_latex)
    section: int
    check: Callable = field(repr=False, compare=False)
    statement_latex: str = ""


@dataclass
class ClaimResult:
    """One audited claim; every text field exists as plain text and as LaTeX source.

    ``statement_latex`` / ``evidence_latex`` are paragraph LaTeX (prose with
    math); ``correction_latex`` (alias ``latex``) is math-mode LaTeX of the
    corrected formula, empty when there is none.
    """
    id: str
    where: str
    statement: str
    verdict: str
    evidence: str
    latex: str = ""
    section: int = 0
    seconds: float = 0.0
    statement_latex: str = ""
    evidence_latex: str = ""
    correction: str = ""
    correction_latex: str = ""

    def as_json(self) -> dict:
        d = asdict(self)
        d["seconds"] = round(self.seconds, 3)
        return d


_REGISTRY: dict[str, Claim] = {}


def claim(id: str, where: str, statement: str, section: int):
    """Decorator registering a verdict-computing function as a paper claim.

    ``statement`` is LaTeX source: prose with its math in ``$...$``.
    """
    def deco(fn):
        if id in _REGISTRY:
            raise RuntimeError(f"claim id {id!r} registered twice")
        _REGISTRY[id] = Claim(id, where, plain_text(statement), section, fn, statement)
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


def _result(c: Claim, verdict: str, evidence_latex: str, correction_latex: str, seconds: float) -> ClaimResult:
    return ClaimResult(c.id, c.where, c.statement, verdict, plain_text(evidence_latex), correction_latex,
                       c.section, seconds, c.statement_latex, evidence_latex,
                       plain_text(correction_latex), correction_latex)


#: rough CPU seconds of the expensive claims on the reference machine; only used to share the claims
#: between worker processes (anything not listed counts as 0.2 s)
COST_HINT = {"sec4-local-u1": 1.8, "eq17-dterms": 5.0, "sec2-no-lower-limit": 2.9, "mssm-threshold-nonzero": 2.6,
             "footnote4": 2.3, "sec4-evaporation": 1.7, "sec4-lbeads": 1.4, "beads-size": 1.2, "eq10": 0.7,
             "bballs-same": 0.7, "origin-not-local-min": 0.6, "sec2-global": 0.5, "eq14-numeric": 0.5}
#: claims that read the same cached certified mu^2 points of the toy model: kept in one process
SHARED_CACHE = ({"eq17-dterms", "mssm-threshold-nonzero", "footnote4", "origin-not-local-min"},)
#: below this hinted total (s) the claims run in this process (starting a worker costs ~1.5 s)
PARALLEL_MIN_COST = 8.0


def _bins(selected: list, workers: int) -> list:
    """Share the selected claims between ``workers`` processes (greedy by COST_HINT, groups of
    SHARED_CACHE kept together)."""
    units, seen = [], set()
    for group in SHARED_CACHE:
        members = [c for c in selected if c.id in group]
        if members:
            units.append(members)
            seen |= {c.id for c in members}
    units += [[c] for c in selected if c.id not in seen]
    cost = lambda u: sum(COST_HINT.get(c.id, 0.2) for c in u)  # noqa: E731
    bins = [[] for _ in range(workers)]
    for u in sorted(units, key=cost, reverse=True):
        min(bins, key=lambda b: sum(cost([c]) for c in b)).extend(u)
    return [b for b in bins if b]


def _check_one(c: Claim) -> ClaimResult:
    t0 = time.perf_counter()
    try:
        res = c.check()
        verdict, evidence = res[0], res[1]
        correction = res[2] if len(res) > 2 else ""
        if verdict not in VERDICTS:
            verdict, evidence, correction = ("unchecked", "check returned invalid verdict "
                                             + tex_text(repr(verdict)), "")
    except Exception as exc:  # noqa: BLE001 - a failing check must be visible, not fatal
        verdict, correction = "unchecked", ""
        evidence = "check raised " + tex_text(f"{type(exc).__name__}: {exc}")
    return _result(c, verdict, evidence, correction, time.perf_counter() - t0)


def _check_ids(ids: list) -> list:
    """Worker process: run the claims ``ids`` (the registry is rebuilt by importing the claim modules)."""
    by_id = {c.id: c for c in registry()}
    return [_check_one(by_id[i]) for i in ids]


def _workers(workers, selected) -> int:
    import os
    if workers is None:
        env = os.environ.get("QSYM_AUDIT_WORKERS")
        workers = int(env) if env and env.isdigit() else min(2, os.cpu_count() or 1)
        if sum(COST_HINT.get(c.id, 0.2) for c in selected) < PARALLEL_MIN_COST:
            workers = 1
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        from qsym.errors import InputError
        raise InputError(f"workers must be a positive integer, got {workers!r}")
    return workers


def _run_parallel(selected: list, workers: int, progress) -> list:
    """The first bin runs here, the others in spawned worker processes at the same time."""
    import concurrent.futures
    import multiprocessing
    bins = _bins(selected, workers)
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(len(bins) - 1, mp_context=ctx) as pool:
        futures = [pool.submit(_check_ids, [c.id for c in b]) for b in bins[1:]]
        done = []
        for c in bins[0]:
            if progress:
                progress(c)
            done.append(_check_one(c))
        for b, f in zip(bins[1:], futures):
            for c in b:
                if progress:
                    progress(c)
            done += f.result()
    order = {c.id: k for k, c in enumerate(selected)}
    return sorted(done, key=lambda r: order[r.id])


def run_audit(section: int | None = None, ids=None, progress: Callable | None = None,
              workers: int | None = None) -> list[ClaimResult]:
    r"""Run the checks and return their results (nothing is printed).

    ``section`` (1-4) and ``ids`` (claim ids) select claims; an unknown section
    or id is an :class:`~qsym.errors.InputError`, never a silently empty list.
    ``progress(claim)`` is called before each check.  ``workers`` processes share the claims
    (default: one per core, at most 2, when the selection is expensive; ``$QSYM_AUDIT_WORKERS``);
    the results and their order do not depend on it.  Each claim of the paper is
    re-derived (SymPy) or recomputed (numerics) and compared with the printed
    statement, e.g. the charge of sec. 1,

    .. math:: Q = \frac{1}{2i}\int d^3x\,(\phi^*\partial_t\phi - \phi\,\partial_t\phi^*)

    >>> from qsym.audit.engine import run_audit
    >>> [(c.id, c.verdict) for c in run_audit(ids=["eq1", "eq7"])]
    [('eq1', 'confirmed'), ('eq7', 'corrected')]
    """
    from qsym.errors import InputError
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
    selected = [c for c in claims if (section is None or c.section == section)
                and (ids is None or c.id in ids)]
    n = _workers(workers, selected)
    if n > 1 and len(selected) > 1:
        return _run_parallel(selected, n, progress)
    out = []
    for c in selected:
        if progress:
            progress(c)
        out.append(_check_one(c))
    return out
