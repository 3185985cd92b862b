"""Snapshot of the public API (cf. pyhf): a change here must be deliberate."""

import qsym


def test_public_api():
    assert set(qsym.__all__) >= {"Potential", "OMEGA", "QsymError", "InputError", "NoSolutionError",
                                 "ConvergenceError", "__version__"}
    for name in qsym.__all__:
        assert hasattr(qsym, name)


def test_layers_apart():
    """Symbolic modules import no mpmath/numpy; numeric modules import no sympy."""
    import pathlib
    root = pathlib.Path(qsym.__file__).parent
    symbolic = ["potential.py", "noether.py", "thinwall.py", "thickwall.py", "latex.py"]
    for name in symbolic:
        src = (root / name).read_text()
        assert "import mpmath" not in src and "import numpy" not in src, name
    for path in (root / "bounce").glob("*.py"):
        src = path.read_text()
        assert "import sympy" not in src and "from sympy" not in src, path
