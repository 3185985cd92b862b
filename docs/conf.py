"""Sphinx configuration of qsym's documentation (``make docs``; warnings are errors)."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "_ext"))
sys.path.insert(0, os.path.dirname(HERE))

import qsym  # noqa: E402

project = "qsym"
author = "the qsym developers"
copyright = "qsym developers; physics from A. Kusenko, hep-ph/9704273 (1997)"
release = version = qsym.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",        # certified.md (the proofs page) is Markdown
    "qsym_docs",          # _ext/qsym_docs.py: CLI reference, claims table, README sections
]

exclude_patterns = ["_build"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3
root_doc = "index"
html_theme = "alabaster"
html_theme_options = {"description": "Q-ball physics, derived and checked", "fixed_sidebar": True}
html_static_path = []

autodoc_member_order = "bysource"
autodoc_typehints = "none"
autodoc_default_options = {"members": True, "show-inheritance": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks = set()
default_role = "literal"     # `x` in a docstring is code, as in the README
