"""Shared numeric kernels: Taylor arithmetic and integration, spectral machinery, Bessel tails."""
