"""Potential-level entry points: take a :class:`qsym.Potential`, convert once through
:mod:`qsym.bridge`, then call the numeric layer."""
