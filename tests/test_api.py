"""Snapshot of the public API (cf. pyhf): a change here must be deliberate."""

import qsym


def test_public_api():
    assert set(qsym.__all__) >= {"Potential", "OMEGA", "QsymError", "InputError", "NoSolutionError",
                                 "ConvergenceError", "__version__"}
    for name in qsym.__all__:
        assert hasattr(qsym, name)
