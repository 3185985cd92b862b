"""Numeric layer (mpmath / numpy / gmpy2 / python-flint only): kernels, the single- and
multi-field bounce solvers, the mu^2 branch and bound, the Q-ball solvers.

Nothing here imports SymPy or :mod:`qsym.symbolic`; inputs arrive as callables and
exact numbers made by :mod:`qsym.bridge`.
"""
