"""Multi-field radial bounces: the Improved Action on Chebyshev elements, then Newton."""
