r"""Running a scan: serially, on a local Dask cluster, or on an existing Dask scheduler.

Points are independent tasks (:func:`qsym.scans.worker.compute`); each task
receives the spec as JSON text and its point as text, so workers rebuild
every SymPy object themselves.  Results are written to the store as they
arrive, in whatever order they finish; the table is keyed by the point's
index, so it does not depend on the number of workers or the finishing order.
A worker that dies has its points rescheduled by Dask; a point whose workers
died too often (``KilledWorker``) is recorded ``failed`` and retried on resume.

.. math:: T_N \approx \frac{T_1}{N} + \text{overhead}

>>> import tempfile, os
>>> from qsym.scans.spec import parse_spec
>>> s = parse_spec({"computation": "mssm", "vary": {"A": {"values": [0, 3]}}})
>>> rep = run_scan(s, os.path.join(tempfile.mkdtemp(), "t.sqlite"), workers=0)
>>> rep.computed, rep.counts
(2, {'converged': 2})
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
import time

from qsym.errors import InputError
from qsym.scans.store import Store
from qsym.scans.worker import compute

__all__ = ["ScanReport", "run_scan", "connect", "default_workers", "CONNECT_TIMEOUT"]

#: seconds to wait for a Dask scheduler before "cannot reach" (exit 2)
CONNECT_TIMEOUT = 5.0


@dataclasses.dataclass(frozen=True)
class ScanReport:
    """What a run did: the store, the number of points, how many were computed now, statuses."""
    store: str
    key: str
    computation: str
    total: int
    computed: int
    reused: int
    counts: dict
    seconds: float
    engine: str

    def as_json(self) -> dict:
        return dataclasses.asdict(self)

    def rows(self, with_timing: bool = False) -> list[dict]:
        """The stored table (every point), ordered by index."""
        st = Store(self.store)
        try:
            return st.rows(with_timing)
        finally:
            st.close()


def default_workers() -> int:
    """One worker process per core."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def connect(scheduler: str, timeout: float | None = None):
    """A ``dask.distributed.Client`` on ``scheduler`` or InputError (exit 2) naming the address."""
    from distributed import Client
    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    try:
        return Client(scheduler, timeout=f"{timeout}s")
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {scheduler!r} "
                         f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})") from None


def _local_client(n: int):
    from distributed import Client, LocalCluster
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=logging.ERROR)
    return Client(cluster), cluster


def _bar(total: int, progress: bool):
    from tqdm import tqdm
    return tqdm(total=total, file=sys.stderr, unit="pt", disable=not progress, dynamic_ncols=True,
                desc="qsym scan")


def _serial(spec, todo, store, bar) -> None:
    text = spec.to_json()
    for idx, point in todo:
        store.record(idx, compute(text, idx, point))
        bar.update()


def _on_dask(spec, todo, store, bar, client) -> None:
    from distributed import as_completed
    text, key = spec.to_json(), spec.key()
    futs = {client.submit(compute, text, idx, point, key=f"qsym-scan-{key}-{idx}", pure=False): idx
            for idx, point in todo}
    for fut in as_completed(futs):
        idx = futs[fut]
        try:
            row = fut.result()
        except Exception as exc:  # noqa: BLE001 - KilledWorker, cancelled: the point is retried on resume
            row = {"status": "failed", "message": f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"}
        store.record(idx, row)
        fut.release()
        bar.update()


def run_scan(spec, store=None, workers: int | None = None, scheduler: str | None = None,
             client=None, progress: bool = False, retry_timeouts: bool = False) -> ScanReport:
    r"""Compute every point of ``spec`` not yet in the store; return a :class:`ScanReport`.

    Parameters
    ----------
    spec : ScanSpec
    store : str or None
        The SQLite file (default ``spec.store``, else ``scan-<key>.sqlite`` in the working directory).
    workers : int or None
        Local worker processes (default one per core); ``0`` runs in this process without Dask.
    scheduler : str or None
        Address of a running Dask scheduler (``tcp://host:8786``); then ``workers`` is ignored.
    client : distributed.Client or None
        An existing client to use (not closed here).
    progress : bool
        A tqdm bar on stderr (rate, ETA).
    retry_timeouts : bool
        Also recompute the points stored ``timeout`` (stopped by the spec's
        ``time_limit``; raise it first, the scan stays the same).

    .. math:: \text{todo} = \{i : \text{status}_i \in \{\text{pending}, \text{failed}\}\}

    >>> import tempfile, os
    >>> from qsym.scans.spec import parse_spec
    >>> s = parse_spec({"computation": "mssm", "vary": {"A": {"values": [3]}}})
    >>> f = os.path.join(tempfile.mkdtemp(), "t.sqlite")
    >>> run_scan(s, f, workers=0).computed, run_scan(s, f, workers=0).reused
    (1, 1)
    """
    t0 = time.perf_counter()
    path = str(store or spec.store or f"scan-{spec.key()}.sqlite")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 0):
        raise InputError(f"workers must be an integer >= 0, got {workers!r}")
    st = Store(path)
    st.check(spec)                                  # read-only: a bad store writes nothing
    own = cluster = None
    if client is None and scheduler is not None:
        client = own = connect(scheduler)           # unreachable: InputError before the store is touched
    try:
        st.prepare(spec)
        todo = st.todo(("timeout",) if retry_timeouts else ())
        total = sum(st.counts().values())
        n = default_workers() if workers is None else workers
        if client is None and todo and n > 0:
            own, cluster = _local_client(n)
            client = own
        engine = ("serial" if client is None else f"dask {client.scheduler.address}")
        with _bar(len(todo), progress) as bar:
            if todo:
                (_serial(spec, todo, st, bar) if client is None else _on_dask(spec, todo, st, bar, client))
        return ScanReport(path, spec.key(), spec.computation, total, len(todo), total - len(todo), st.counts(),
                          time.perf_counter() - t0, engine)
    finally:
        st.close()
        if own is not None:
            own.close()
        if cluster is not None:
            cluster.close()
