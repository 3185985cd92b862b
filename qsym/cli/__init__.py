"""The ``qsym`` command line: :mod:`qsym.cli.app` (parser, error handling, the only code that
prints) and one module per sub-command."""
