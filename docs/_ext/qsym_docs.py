"""Sphinx directives that generate qsym's reference pages from the code at build time.

* ``.. qsym-cli::`` -- the command-line reference, from ``qsym.cli.app.build_parser()``
  (every sub-command, its usage, description and options; nothing copied by hand).
* ``.. qsym-claims::`` -- the audit's claims, from ``qsym.audit.engine.registry()``: id,
  place in the paper and statement (the checks themselves run with ``qsym verify``).
* ``.. qsym-readme:: SECTION TITLE`` -- a section of README.md, converted from its
  Markdown (paragraphs, lists, pipe tables, code fences), so the README stays the one source.
* ``.. qsym-modules::`` -- the API reference: every module of the package, grouped by layer
  in the order of the data flow (found in the source tree, so no module is ever left out).
* ``.. qsym-math:: EXPRESSION`` -- display math: the LaTeX (``sympy.latex``) of a
  SymPy object that ``EXPRESSION`` computes with the ``qsym`` modules (option
  ``:lhs:`` puts a left-hand side in front).
"""

from __future__ import annotations

import argparse
import importlib
import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.statemachine import StringList

ROOT = Path(__file__).resolve().parents[2]


def rst_escape(text: str) -> str:
    """Plain text -> RST text that renders as the same characters."""
    return re.sub(r"([\\*`|_<>\[\]])", r"\\\1", str(text))


class _Generated(Directive):
    """Base: produce RST lines, parse them in place."""

    has_content = False

    def lines(self) -> list[str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def run(self):
        src = self.state_machine.document.attributes.get("source", "qsym_docs")
        sl = StringList()
        for ln in self.lines():
            sl.append(ln, src)
        node = nodes.section() if self.allow_sections else nodes.container()
        node.document = self.state.document
        if self.allow_sections:
            from sphinx.util.nodes import nested_parse_with_titles
            nested_parse_with_titles(self.state, sl, node)
        else:
            self.state.nested_parse(sl, self.content_offset, node)
        return node.children

    allow_sections = True


# --------------------------------------------------------------------------- CLI
def _option_signature(action: argparse.Action) -> str:
    if not action.option_strings:
        return action.metavar or action.dest
    if action.nargs == 0:
        return ", ".join(action.option_strings)
    metavar = action.metavar or action.dest.upper()
    return ", ".join(f"{o} {metavar}" for o in action.option_strings)


def _action_help(action: argparse.Action) -> str:
    text = action.help or ""
    try:                      # argparse %-formats every help string (``%%`` is a percent sign)
        text = text % {**vars(action), "prog": "qsym"}
    except (KeyError, TypeError, ValueError):
        pass
    extra = []
    if action.choices and not isinstance(action, argparse._SubParsersAction):
        extra.append("one of " + ", ".join(map(str, action.choices)))
    if action.required and action.option_strings:
        extra.append("required")
    if action.option_strings and action.default not in (None, False, [], argparse.SUPPRESS) \
            and action.nargs != 0 and "default" not in text:
        extra.append(f"default {action.default}")
    if isinstance(action, argparse._AppendAction) and "repeatable" not in text:
        extra.append("repeatable")
    out = rst_escape(text)
    if extra:
        out += (" " if out else "") + "(" + "; ".join(extra) + ")"
    return out or "(no description)"


def _parser_lines(parser: argparse.ArgumentParser, prog: str) -> list[str]:
    out = [".. code-block:: text", ""]
    out += ["   " + ln for ln in parser.format_usage().strip().splitlines()]
    out += ["", f".. program:: {prog}", ""]
    if parser.description:
        out += [rst_escape(parser.description), ""]
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        if action.option_strings:
            out += [f".. option:: {_option_signature(action)}", "", "   " + _action_help(action), ""]
        else:
            out += [f"``{action.metavar or action.dest}`` (positional)", "",
                    "   " + _action_help(action), ""]
    return out


class CliReference(_Generated):
    """The ``qsym`` command line, generated from the argparse definitions."""

    def lines(self):
        from qsym.cli.app import build_parser
        parser = build_parser()
        out = _parser_lines(parser, "qsym")
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        helps = {ca.dest: ca.help for s in subs for ca in s._choices_actions}
        for s in subs:
            for name, sub in s.choices.items():
                title = f"qsym {name}"
                out += ["", title, "-" * len(title), ""]
                if helps.get(name):
                    out += [f"*{rst_escape(helps[name])}*", ""]
                out += _parser_lines(sub, title)
                nested = [a for a in sub._actions if isinstance(a, argparse._SubParsersAction)]
                for ns in nested:
                    for nname, nsub in ns.choices.items():
                        t2 = f"{title} {nname}"
                        out += ["", t2, "^" * len(t2), ""] + _parser_lines(nsub, t2)
        return out


# --------------------------------------------------------------------------- claims
_TEXT_MACROS = {r"\,": " ", r"\;": " ", r"\ ": " ", "~": "\u00a0", "``": "\u201c", "''": "\u201d",
                r"\%": "%", r"\&": "&", r"\_": "_", "---": "\u2014", "--": "\u2013"}


def latex_text_to_rst(tex: str) -> str | None:
    """Text-mode LaTeX with ``$...$`` math -> RST with ``:math:`` roles; None if it has
    text-mode commands this converter does not know (the caller then uses the plain text)."""
    parts = re.split(r"(?<!\\)\$", tex)
    if len(parts) % 2 == 0:
        return None
    out = []
    for i, part in enumerate(parts):
        if i % 2:  # math
            if "`" in part:
                return None
            out.append(f":math:`{part.strip()}`")
            continue
        text = re.sub(r"\\(?:emph|textit|textbf|text)\{([^{}]*)\}", r"\1", part)
        for k, v in _TEXT_MACROS.items():
            text = text.replace(k, v)
        if "\\" in text or "{" in text or "}" in text:
            return None
        out.append(rst_escape(text))
    # a role must be separated from neighbouring word characters
    rst = ""
    for piece in out:
        if piece.startswith(":math:") and rst and not rst[-1].isspace() and rst[-1] not in "(\u00a0":
            rst += "\\ "
        elif rst.endswith("`") and piece and not piece[0].isspace() and piece[0] not in ".,;:)":
            rst += "\\ "
        rst += piece
    return rst


class ClaimsTable(_Generated):
    """Every audited claim: id, where in the paper, statement."""

    def lines(self):
        from qsym.audit.engine import registry
        claims = registry()
        out = []
        sections = sorted({c.section for c in claims})
        for sec in sections:
            title = f"Section {sec}" if sec else "Context"
            out += ["", title, "-" * len(title), "",
                    ".. list-table::", "   :header-rows: 1", "   :widths: 15 20 65", "",
                    "   * - id", "     - where", "     - statement"]
            for c in (c for c in claims if c.section == sec):
                stmt = None
                if getattr(c, "statement_latex", ""):
                    stmt = latex_text_to_rst(c.statement_latex)
                if stmt is None:
                    stmt = rst_escape(c.statement)
                out += [f"   * - ``{c.id}``", f"     - {rst_escape(c.where)}", f"     - {stmt}"]
            out.append("")
        return out


# --------------------------------------------------------------------------- README sections
def _md_inline(text: str) -> str:
    pieces = re.split(r"(`[^`]+`)", text)
    out = []
    for p in pieces:
        if p.startswith("`") and p.endswith("`") and len(p) > 1:
            out.append(f"``{p[1:-1]}``")
        else:
            bold = re.split(r"(\*\*[^*]+\*\*)", p)
            seg = []
            for b in bold:
                if b.startswith("**") and b.endswith("**") and len(b) > 4:
                    seg.append("**" + rst_escape(b[2:-2]) + "**")
                else:
                    seg.append(re.sub(r"\\\*([^*\s][^*]*)\\\*", r"*\1*", rst_escape(b)))
            out.append("".join(seg))
    # inline markup must be delimited by whitespace or punctuation
    joined = ""
    for piece in out:
        if piece.startswith("``") and joined and (joined[-1].isalnum()):
            joined += "\\ "
        if joined.endswith("``") and piece and piece[0].isalnum():
            joined += "\\ "
        joined += piece
    return joined


def _table(rows: list[str]) -> list[str]:
    cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows]
    header = None
    if len(cells) > 1 and all(set(c) <= set("-: ") for c in cells[1]):
        header, cells = cells[0], cells[2:]
    ncol = max(len(r) for r in ([header] if header else []) + cells)
    out = [".. list-table::"]
    if header:
        out.append("   :header-rows: 1")
    out.append("")
    for r in ([header] if header else []) + cells:
        r = r + [""] * (ncol - len(r))
        out.append(f"   * - {_md_inline(r[0]) or '..'}")
        out += [f"     - {_md_inline(c) or ' '}" for c in r[1:]]
    return out + [""]


def markdown_to_rst(md: str) -> list[str]:
    """The Markdown subset of README.md (paragraphs, '-' lists, pipe tables, code fences)."""
    out: list[str] = []
    lines = md.splitlines()
    i = 0
    para: list[str] = []

    def flush():
        if para:
            out.extend([_md_inline(" ".join(para)), ""])
            para.clear()

    while i < len(lines):
        ln = lines[i]
        if ln.startswith("```"):
            flush()
            lang = ln[3:].strip() or "text"
            lang = {"sh": "sh", "python": "python"}.get(lang, "text")
            i += 1
            body = []
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            out += [f".. code-block:: {lang}", ""] + ["   " + b for b in body] + [""]
        elif ln.startswith("|"):
            flush()
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(lines[i])
                i += 1
            out += _table(rows)
            continue
        elif ln.startswith("- "):
            flush()
            item = [ln[2:]]
            i += 1
            while i < len(lines) and lines[i].startswith("  ") and lines[i].strip():
                item.append(lines[i].strip())
                i += 1
            out += ["- " + _md_inline(" ".join(item)), ""]
            continue
        elif not ln.strip():
            flush()
        else:
            para.append(ln.strip())
        i += 1
    flush()
    return out


def readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text()
    m = re.search(rf"^## {re.escape(title)}[^\n]*\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    if not m:
        raise ValueError(f"README.md has no section '## {title}'")
    return m.group(1)


class ReadmeSection(_Generated):
    """A section of README.md (by the start of its title), as RST."""

    required_arguments = 1
    final_argument_whitespace = True

    def lines(self):
        self.state.document.settings.record_dependencies.add(str(ROOT / "README.md"))
        return markdown_to_rst(readme_section(self.arguments[0]))


# --------------------------------------------------------------------------- math from SymPy
class SympyMath(Directive):
    """Display math computed at build time: ``.. qsym-math:: thickwall.closed_form("mass")``."""

    required_arguments = 1
    final_argument_whitespace = True
    option_spec = {"lhs": directives.unchanged, "label": directives.unchanged}

    def run(self):
        import sympy as sp
        ns = {"sp": sp}
        for mod in ("noether", "thinwall", "thickwall", "canonical", "latex"):
            ns[mod] = importlib.import_module(f"qsym.symbolic.{mod}")
        ns["mssm"] = importlib.import_module("qsym.models.mssm")
        value = eval(self.arguments[0], ns)  # noqa: S307 - our own docs' source, not user input
        tex = value if isinstance(value, str) else sp.latex(value)
        if "lhs" in self.options:
            tex = f"{self.options['lhs']} = {tex}"
        node = nodes.math_block(tex, tex, nowrap=False, number=None,
                                docname=self.state.document.settings.env.docname,
                                label=self.options.get("label"))
        return [node]


# --------------------------------------------------------------------------- docstrings
_ABS = re.compile(r"(?<![\\|])\|(?=[^\s|])([^|\n]*?[^\s|\\])\|(?!\|)")
_LITERAL = re.compile(r"(:math:`[^`]*`|``.+?``|`[^`]*`)")


def escape_absolute_values(app, what, name, obj, options, lines):
    """Docstrings write ``|x|`` for an absolute value, which RST reads as a substitution:
    escape the bars in prose (not in doctests, literal or math blocks, or inline literals)."""
    block_indent = None     # indentation of a literal/math block's introducing line
    in_doctest = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if block_indent is not None:
            if not stripped or indent > block_indent:
                continue
            block_indent = None
        if in_doctest:
            if stripped:
                continue
            in_doctest = False
        if stripped.startswith(">>>"):
            in_doctest = True
            continue
        if stripped.startswith(".. math::") or stripped.endswith("::"):
            block_indent = indent
            if stripped.startswith(".."):
                continue
        parts = _LITERAL.split(line)
        parts = [p if k % 2 else _ABS.sub(r"\\|\1\\|", p) for k, p in enumerate(parts)]
        lines[i] = "".join(parts)


# --------------------------------------------------------------------------- API reference
#: (package, heading) in the order of the data flow
LAYERS = [("", "Package: the public API, errors, the result type"),
          ("symbolic", "Symbolic layer (SymPy only)"),
          ("models", "Named models"),
          ("bridge", "The bridge: SymPy becomes numbers here, and only here"),
          ("numeric", "Numeric layer (mpmath, numpy, gmpy2, python-flint)"),
          ("api", "Potential-level entry points"),
          ("scans", "Parameter scans (Dask, SQLite store)"),
          ("audit", "The claims audit"),
          ("report", "The report (typesetting, no solving)"),
          ("cli", "Command line")]


def module_names(root: Path = ROOT / "qsym") -> dict:
    """layer -> sorted module names (packages before their modules; private ``_x`` modules skipped)."""
    out: dict = {k: [] for k, _ in LAYERS}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if any(x.startswith("_") for x in parts) or parts[-1] == "__main__":
            continue
        name = ".".join(parts)
        layer = parts[1] if len(parts) > 1 else ""
        if layer in ("errors", "results"):
            layer = ""
        out.setdefault(layer, []).append(name)
    return out


class ModuleReference(_Generated):
    """Every module, by layer."""

    def lines(self):
        mods = module_names()
        out = []
        for layer, heading in LAYERS:
            if not mods.get(layer):
                continue
            out += [heading, "-" * len(heading), ""]
            for name in mods[layer]:
                out += [f".. automodule:: {name}"]
                if name == "qsym":
                    out += ["   :no-members:"]
                out += [""]
        return out


def setup(app):
    app.connect("autodoc-process-docstring", escape_absolute_values)
    app.add_directive("qsym-cli", CliReference)
    app.add_directive("qsym-claims", ClaimsTable)
    app.add_directive("qsym-readme", ReadmeSection)
    app.add_directive("qsym-math", SympyMath)
    app.add_directive("qsym-modules", ModuleReference)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
