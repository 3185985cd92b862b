"""``python -m qsym.cli``."""
import sys

from qsym.cli.app import main

sys.exit(main())
