"""The layer rule of DESIGN.md, checked on every import statement of the package.

symbolic (SymPy only) -> bridge (the one place SymPy becomes numbers) -> numeric (mpmath / numpy /
gmpy2 / python-flint only) -> api -> audit -> report -> cli.  Every ``import`` and ``from ... import``
is parsed (absolute and relative at any level, at module level or inside functions, classes and
``if``/``try`` blocks), and so is every ``importlib.import_module("...")`` / ``__import__("...")``
with a literal name.  A module may import only what its layer allows.
"""

import ast
import pathlib

import pytest

import qsym

ROOT = pathlib.Path(qsym.__file__).parent
NUMERIC_LIBS = {"mpmath", "numpy", "gmpy2", "flint", "scipy"}
PLOT_LIBS = {"matplotlib"}

#: layer -> (forbidden third-party top-level packages, forbidden qsym sub-packages/modules)
RULES = {
    "symbolic": (NUMERIC_LIBS | PLOT_LIBS, {"qsym.numeric", "qsym.bridge", "qsym.results", "qsym.api",
                                            "qsym.audit", "qsym.report", "qsym.cli", "qsym.models"}),
    "models": (NUMERIC_LIBS | PLOT_LIBS, {"qsym.numeric", "qsym.bridge", "qsym.results", "qsym.api",
                                          "qsym.audit", "qsym.report", "qsym.cli"}),
    "errors": (NUMERIC_LIBS | PLOT_LIBS | {"sympy"}, {"qsym."}),
    "results": ({"sympy", "numpy"} | PLOT_LIBS, {"qsym.symbolic", "qsym.models", "qsym.numeric", "qsym.bridge",
                                                  "qsym.api", "qsym.audit", "qsym.report", "qsym.cli"}),
    "numeric": ({"sympy"} | PLOT_LIBS, {"qsym.symbolic", "qsym.models", "qsym.bridge", "qsym.api",
                                        "qsym.audit", "qsym.report", "qsym.cli", "qsym.parse"}),
    # the bridge feeds the numeric layer: it may use its kernels (limits, numeric models), not its solvers
    "bridge": (PLOT_LIBS, {"qsym.numeric.bounce1d", "qsym.numeric.bounce_nd", "qsym.numeric.mu2",
                           "qsym.numeric.qball", "qsym.numeric.gauged", "qsym.api", "qsym.audit",
                           "qsym.report", "qsym.cli"}),
    "api": (PLOT_LIBS, {"qsym.audit", "qsym.report", "qsym.cli"}),
    "audit": (PLOT_LIBS, {"qsym.report", "qsym.cli"}),
    "report": (set(), {"qsym.cli", "qsym.numeric", "qsym.bridge"}),
    "scans": (set(), {"qsym.numeric", "qsym.bridge", "qsym.audit", "qsym.report", "qsym.cli"}),
    "cli": (set(), set()),
    # the top-level package is the public facade: it names functions of every layer (imported lazily)
    "package": (NUMERIC_LIBS | PLOT_LIBS, set()),
}


def layer_of(path: pathlib.Path) -> str:
    rel = path.relative_to(ROOT)
    if len(rel.parts) == 1:
        return {"__init__.py": "package", "errors.py": "errors", "results.py": "results",
                "bridge.py": "bridge"}[rel.name]
    return rel.parts[0]


def module_name(path: pathlib.Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = ["qsym", *rel.parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    p = ROOT.parent / name.replace(".", "/")
    return p.with_suffix(".py").exists() or (p / "__init__.py").exists()


def imports_of(path: pathlib.Path) -> set:
    """Every module name imported anywhere in ``path`` (relative imports resolved)."""
    mod = module_name(path)
    package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            out.add(target)
            for a in node.names:      # `from qsym.x import submodule`
                if target.startswith("qsym") and _is_module(f"{target}.{a.name}"):
                    out.add(f"{target}.{a.name}")
        elif isinstance(node, ast.Call):
            f = node.func
            fname = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
            if fname in ("import_module", "__import__") and node.args \
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                out.add(node.args[0].value)
    return out


def violations(path: pathlib.Path) -> set:
    libs, internal = RULES[layer_of(path)]
    bad = set()
    for name in imports_of(path):
        top = name.split(".")[0]
        if top in libs:
            bad.add(name)
        if top == "qsym" and any(name == p or name.startswith(p if p.endswith(".") else p + ".")
                                 for p in internal):
            bad.add(name)
    return bad


MODULES = sorted(ROOT.rglob("*.py"))


def test_every_module_has_a_layer():
    for path in MODULES:
        assert layer_of(path) in RULES, path


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_layer_rule(path):
    assert not violations(path), f"{module_name(path)} ({layer_of(path)} layer) imports {sorted(violations(path))}"


def test_the_checker_sees_every_form():
    """The checker must catch relative imports at any level, imports inside functions and
    importlib calls: a planted numeric module doing each of them is caught."""
    fake = ROOT / "numeric" / "_layer_probe_test.py"
    fake.write_text("def f():\n    from ..symbolic import potential\n    import sympy.core\n"
                    "    import importlib\n    importlib.import_module('qsym.api.solve')\n"
                    "class C:\n    from .. import bridge\n")
    try:
        assert violations(fake) == {"qsym.symbolic", "qsym.symbolic.potential", "sympy.core",
                                    "qsym.api.solve", "qsym.bridge"}
    finally:
        fake.unlink()


def test_no_control_characters_in_sources():
    """A docstring written through a non-raw string once turned ``\\frac`` into a form feed + "rac"
    (the LaTeX broke silently); no module may contain control characters other than newline."""
    for path in MODULES:
        text = path.read_text()
        bad = sorted({hex(ord(ch)) for ch in text if ord(ch) < 32 and ch not in "\n"})
        assert not bad, f"{path.relative_to(ROOT)}: control characters {bad}"
