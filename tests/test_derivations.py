"""The derivation scripts run, assert their steps, and print LaTeX."""

import pathlib
import subprocess
import sys

import pytest

SCRIPTS = sorted((pathlib.Path(__file__).parent.parent / "derivations").glob("sec*.py"))


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_derivation_script(script):
    p = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    assert "\\" in p.stdout  # some LaTeX was printed


def test_scripts_exist_for_sections_1_to_3():
    names = [s.name for s in SCRIPTS]
    for n in (1, 2, 3):
        assert any(x.startswith(f"sec{n}_") for x in names)
