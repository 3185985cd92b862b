"""Snapshot of the public API (cf. pyhf): a change here must be deliberate."""

import qsym


def test_public_api():
    assert set(qsym.__all__) >= {"Potential", "OMEGA", "QsymError", "InputError", "NoSolutionError",
                                 "ConvergenceError", "__version__"}
    for name in qsym.__all__:
        assert hasattr(qsym, name)


def _imports(path):
    """Top-level package names imported by real import statements (docstrings/doctests excluded)."""
    import ast
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_layers_apart():
    """Symbolic modules import no mpmath/numpy; numeric modules import no sympy; only the bridge both."""
    import pathlib
    root = pathlib.Path(qsym.__file__).parent
    symbolic = ["potential.py", "noether.py", "thinwall.py", "thickwall.py", "latex.py", "canonical.py",
                "window.py", "_existence_sym.py", "models/mssm.py"]
    numeric = ["qball.py", "existence.py", *[str(p.relative_to(root)) for p in (root / "bounce").glob("*.py")]]
    for name in symbolic:
        assert not _imports(root / name) & {"mpmath", "numpy"}, name
    for name in numeric:
        assert "sympy" not in _imports(root / name), name
