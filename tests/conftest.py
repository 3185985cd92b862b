import mpmath
import pytest


@pytest.fixture(autouse=True)
def _restore_mpmath_precision():
    """No test may leak a changed global mpmath precision (cf. mpmath's own conftest)."""
    prec = mpmath.mp.prec
    yield
    assert mpmath.mp.prec == prec, "a test or library call changed mpmath's global precision"
    mpmath.mp.prec = prec


def shared_once(tmp_path_factory, name, compute):
    """``compute()`` once per test run, for every test process: under pytest-xdist the first worker to
    ask computes it and pickles it beside the workers' temporary directories (under a file lock), the
    others wait for the lock and read it; without xdist (or without fcntl) it is computed here."""
    import os
    import pickle
    try:
        import fcntl
    except ImportError:     # no advisory locks: every process computes its own
        return compute()
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return compute()
    root = tmp_path_factory.getbasetemp().parent
    path = root / f"{name}.pickle"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if path.exists():
                return pickle.loads(path.read_bytes())
            value = compute()
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(pickle.dumps(value))
            os.replace(tmp, path)
            return value
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def full_audit(tmp_path_factory):
    """``() -> tuple of ClaimResult``: the full claims audit (``run_audit()``), run once per test run and
    shared by test_audit.py, test_audit_latex.py and the report of test_report_pdf.py (a call, so the
    report asks for it only when its own background processes are already running)."""
    from qsym.audit.engine import run_audit
    cache = []

    def get():
        if not cache:
            cache.append(shared_once(tmp_path_factory, "qsym-full-audit", lambda: tuple(run_audit())))
        return cache[0]
    return get
