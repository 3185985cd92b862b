r"""Parameter scans: ``qsym.scan(spec)`` and ``qsym scan SPEC`` on Dask, resumable, deterministic.

A scan (see :mod:`qsym.scans.spec` for the TOML schema) computes one
:mod:`qsym.scans.computations` entry at every point of a design
(:mod:`qsym.scans.designs`), on a local Dask cluster (one worker process per
core) or on a running Dask scheduler (:mod:`qsym.scans.engine`), and stores
one row per point in an SQLite file (:mod:`qsym.scans.store`) as results
arrive.  Re-running resumes.  :mod:`qsym.scans.export` writes CSV/Parquet and
:mod:`qsym.scans.plots` draws curves and existence maps.

The modules: ``spec``, ``designs``, ``computations``, ``worker``, ``store``,
``engine``, ``export``, ``plots``.
"""

from __future__ import annotations

import pathlib

__all__ = ["scan"]


def scan(spec, store=None, workers: int | None = None, scheduler: str | None = None, progress: bool = False,
         time_limit: float | None = None, retry_timeouts: bool = False):
    r"""Run (or resume) a parameter scan; return its :class:`~qsym.scans.engine.ScanReport`.

    Parameters
    ----------
    spec : str, pathlib.Path, dict or ScanSpec
        A TOML file (its store defaults to ``<file>.sqlite`` beside it), or the
        same content as a dict (see :mod:`qsym.scans.spec`).
    store : str or None
        The SQLite results file (overrides the spec's).
    workers : int or None
        Local Dask worker processes (default: one per core); 0: serial, in this process.
    scheduler : str or None
        Address of a running Dask scheduler, e.g. ``"tcp://10.0.0.5:8786"``.
    progress : bool
        A progress bar on stderr.
    time_limit : float or None
        Seconds per point (overrides the spec's ``time_limit``; 0: none); a
        point that takes longer is stopped and stored with status ``timeout``.
    retry_timeouts : bool
        Recompute the points stored ``timeout`` (otherwise a re-run keeps them).

    Every point's numbers are stored as decimal text of ``dps`` digits; the
    table does not depend on the workers or the order in which points finish.
    Run from a script, guard the call with ``if __name__ == "__main__":``
    (Dask starts its worker processes by importing the main module).

    .. math:: \{x^{(i)}\}_{i<N} \mapsto \{f(x^{(i)})\}_{i<N},\qquad
              \text{L-ball} \iff \min_\phi \mu^2 < \mu^2(0)

    >>> import qsym, tempfile, os
    >>> rep = qsym.scan({"computation": "mssm", "vary": {"A": {"values": [0, 3]}}},
    ...                 store=os.path.join(tempfile.mkdtemp(), "toy.sqlite"), workers=0)
    >>> [(r["A"], r["qball_exists"]) for r in rep.rows()]
    [('0', 'false'), ('3', 'true')]
    """
    from qsym.scans.engine import run_scan
    from qsym.scans.spec import ScanSpec, load_spec, parse_spec
    if isinstance(spec, (str, pathlib.Path)):
        spec = load_spec(spec)
    elif isinstance(spec, dict):
        spec = parse_spec(spec)
    elif not isinstance(spec, ScanSpec):
        from qsym.errors import InputError
        raise InputError(f"a scan spec is a TOML file, a dict or a ScanSpec, got {type(spec).__name__}")
    if time_limit is not None:
        import dataclasses
        from qsym.scans.spec import _time_limit
        spec = dataclasses.replace(spec, time_limit=_time_limit(time_limit))
    return run_scan(spec, store, workers=workers, scheduler=scheduler, progress=progress,
                    retry_timeouts=retry_timeouts)
