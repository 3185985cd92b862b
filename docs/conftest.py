"""pytest collects the tutorial's doctests (*.rst) here, never the Sphinx configuration or extension
(they import Sphinx/docutils, which only the `docs` extra installs)."""

collect_ignore = ["conf.py"]
collect_ignore_glob = ["_ext/*", "_build/*"]
