"""Sub-commands of the ``qsym`` CLI, one module each (see :mod:`qsym.cli`)."""
