import mpmath
import pytest


@pytest.fixture(autouse=True)
def _restore_mpmath_precision():
    """No test may leak a changed global mpmath precision (cf. mpmath's own conftest)."""
    prec = mpmath.mp.prec
    yield
    assert mpmath.mp.prec == prec, "a test or library call changed mpmath's global precision"
    mpmath.mp.prec = prec
