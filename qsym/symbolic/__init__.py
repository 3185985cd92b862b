"""Symbolic layer (SymPy only): the potential, sec. 1 charges, thin and thick walls, the canonical
family, the omega window, rays of mu^2, the gauged radial equations.

Nothing here imports mpmath or numpy; numbers are made from these expressions only in
:mod:`qsym.bridge`.
"""
