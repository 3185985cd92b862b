"""Single-field radial bounces: Newton shooting with a Taylor-series integrator at any precision."""
