r"""The claims audit typeset in LaTeX: one short entry per claim with a verdict badge.

:func:`audit_section` returns the LaTeX of the whole audit section (a string;
nothing is printed) and :data:`PREAMBLE_PACKAGES` the ``\usepackage`` lines and
macros it needs (Debian's texlive-latex-base and -recommended only).  The
statement, evidence and correction of each claim are the LaTeX fields of
:class:`qsym.audit.engine.ClaimResult`, whose formulas the checks built from their
SymPy objects and computed numbers.

>>> from qsym.audit.engine import ClaimResult
>>> r = ClaimResult("eq0", "sec. 1", "x", "confirmed", "y", statement_latex="$x$", evidence_latex="$y$")
>>> "\\qsymbadge{confirmed}" in audit_section([r])
True
"""

from __future__ import annotations

import re

from qsym.audit.engine import VERDICTS, ClaimResult

__all__ = ["audit_section", "claim_entry", "verdict_counts", "PREAMBLE_PACKAGES", "BADGE_COLORS"]

#: badge colour of each verdict (xcolor model rgb)
BADGE_COLORS = {"confirmed": "0.10,0.50,0.20", "corrected": "0.80,0.45,0.00",
                "refuted": "0.75,0.10,0.10", "unchecked": "0.45,0.45,0.45"}

#: packages and macros the audit section needs (put them in the document preamble)
PREAMBLE_PACKAGES = "\n".join(
    [r"\usepackage{amsmath,amssymb}",
     r"\usepackage{xcolor}"]
    + [rf"\definecolor{{qsym{v}}}{{rgb}}{{{c}}}" for v, c in BADGE_COLORS.items()]
    + [r"\providecommand{\qsymbadge}[1]{{\setlength{\fboxsep}{2pt}\colorbox{qsym#1}"
       r"{\rule[-0.3ex]{0pt}{2ex}\textcolor{white}{\sffamily\bfseries\small #1}}}}"]) + "\n"

_SECTION_TITLES = {1: r"Sec.~1: charge, energy and the existence condition (eqs.~(1)--(9))",
                   2: r"Sec.~2: thin-wall Q-balls (eqs.~(10)--(11))",
                   3: r"Sec.~3: thick-wall Q-balls (eqs.~(12)--(15))",
                   4: r"Sec.~4: the supersymmetric toy model (eqs.~(16)--(19))"}

_MEANING = {
    "confirmed": "the statement follows from the paper's starting points; the evidence says how it was derived "
                 "or computed.",
    "corrected": "the statement holds only in part or with a misprint; the corrected formula is given.",
    "refuted": "a computed counterexample or an exact certificate contradicts the statement; what holds "
               "instead is given.",
    "unchecked": "outside what qsym models; the reason is given.",
}

_ESC = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
        "~": r"\textasciitilde{}", "^": r"\^{}", "\\": r"\textbackslash{}"}


def _esc(text: str) -> str:
    return "".join(_ESC.get(ch, ch) for ch in str(text))


def _label(cid: str) -> str:
    return "claim:" + re.sub(r"[^A-Za-z0-9:-]", "-", cid)


def verdict_counts(results) -> dict:
    """``{verdict: number of claims}`` in the order of :data:`qsym.audit.engine.VERDICTS`."""
    counts = {v: 0 for v in VERDICTS}
    for r in results:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    return {v: n for v, n in counts.items() if n}


def _correction(latex: str) -> str:
    """A displayed correction; ``\\\\`` in it separates lines (gather*)."""
    lines = [ln.strip() for ln in latex.split(r"\\") if ln.strip()]
    if len(lines) == 1:
        return r"\[" + lines[0] + r"\]"
    return "\\begin{gather*}\n" + " \\\\\n".join(lines) + "\n\\end{gather*}"


def claim_entry(r: ClaimResult) -> str:
    """The LaTeX of one audited claim: heading with badge, statement, evidence, correction."""
    head = (rf"\subsubsection*{{\qsymbadge{{{r.verdict}}}\enspace\texttt{{{_esc(r.id)}}}"
            rf"\enspace{{\normalfont\small ({_esc(r.where)})}}}}\label{{{_label(r.id)}}}")
    parts = [head,
             r"\noindent\textbf{Claim.} \emph{" + (r.statement_latex or _esc(r.statement)) + "}\n",
             r"\noindent\textbf{Evidence.} " + (r.evidence_latex or _esc(r.evidence)) + "\n"]
    corr = r.correction_latex or r.latex
    if corr:
        word = "Corrected" if r.verdict == "corrected" else "What holds"
        parts.append(r"\noindent\textbf{" + word + ".}\n" + _correction(corr) + "\n")
    return "\n".join(parts)


def audit_section(results, heading: bool = True) -> str:
    """The LaTeX of the claims-audit section for ``results`` (from :func:`qsym.audit.engine.run_audit`).

    ``heading=False`` omits the ``\\section`` line (e.g. for ``qsym verify --latex``
    output pasted under a heading of one's own).
    """
    results = list(results)
    counts = verdict_counts(results)
    summary = ", ".join(rf"\qsymbadge{{{v}}}~{n}" for v, n in counts.items())
    out = [r"\begingroup\setlength{\emergencystretch}{3em}% long unbreakable formulas in prose"]
    if heading:
        out.append(r"\section{Claims audit}\label{sec:audit}")
    out.append("Each statement of hep-ph/9704273 that qsym checks is listed below in the paper's order, "
               "with the verdict computed by qsym, the evidence (every formula and number in it is "
               "produced by the check) and, where the statement does not hold as printed, the "
               "corrected statement. The verdicts mean:")
    out.append(r"\begin{description}" + "".join(
        rf"\item[\qsymbadge{{{v}}}] {_MEANING[v]}" + "\n" for v in VERDICTS) + r"\end{description}")
    out.append(rf"\noindent Summary of the {len(results)} claims: {summary}.")
    sec = None
    for r in results:
        if r.section != sec:
            sec = r.section
            out.append(r"\subsection{" + _SECTION_TITLES.get(sec, f"Sec.~{sec}") + "}")
        out.append(claim_entry(r))
    out.append(r"\endgroup")
    return "\n\n".join(out) + "\n"
