r"""Parameter scans: ``qsym.scan(spec)`` and ``qsym scan SPEC`` on Dask, resumable, deterministic.

A scan (see :mod:`qsym.scan.spec` for the TOML schema) computes one
:mod:`qsym.scan.computations` entry at every point of a design
(:mod:`qsym.scan.designs`), on a local Dask cluster (one worker process per
core) or on a running Dask scheduler (:mod:`qsym.scan.engine`), and stores
one row per point in an SQLite file (:mod:`qsym.scan.store`) as results
arrive.  Re-running resumes.  :mod:`qsym.scan.export` writes CSV/Parquet and
:mod:`qsym.scan.plots` draws curves and existence maps.

The modules: ``spec``, ``designs``, ``computations``, ``worker``, ``store``,
``engine``, ``export``, ``plots``.
"""

from __future__ import annotations

import pathlib
import sys
import types

__all__ = ["scan"]


def scan(spec, store=None, workers: int | None = None, scheduler: str | None = None, progress: bool = False):
    r"""Run (or resume) a parameter scan; return its :class:`~qsym.scan.engine.ScanReport`.

    Parameters
    ----------
    spec : str, pathlib.Path, dict or ScanSpec
        A TOML file (its store defaults to ``<file>.sqlite`` beside it), or the
        same content as a dict (see :mod:`qsym.scan.spec`).
    store : str or None
        The SQLite results file (overrides the spec's).
    workers : int or None
        Local Dask worker processes (default: one per core); 0: serial, in this process.
    scheduler : str or None
        Address of a running Dask scheduler, e.g. ``"tcp://10.0.0.5:8786"``.
    progress : bool
        A progress bar on stderr.

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
    from qsym.scan.engine import run_scan
    from qsym.scan.spec import ScanSpec, load_spec, parse_spec
    if isinstance(spec, (str, pathlib.Path)):
        spec = load_spec(spec)
    elif isinstance(spec, dict):
        spec = parse_spec(spec)
    elif not isinstance(spec, ScanSpec):
        from qsym.errors import InputError
        raise InputError(f"a scan spec is a TOML file, a dict or a ScanSpec, got {type(spec).__name__}")
    return run_scan(spec, store, workers=workers, scheduler=scheduler, progress=progress)


class _CallableModule(types.ModuleType):
    """``qsym.scan`` is both this package and the function :func:`scan` (``qsym.scan(...)`` works
    whether or not a submodule was imported first)."""

    def __call__(self, *args, **kwargs):
        return scan(*args, **kwargs)

    def __setattr__(self, name, value):
        # a sub-module bound on the package is bound on the function too: qsym.scan.engine works
        super().__setattr__(name, value)
        if isinstance(value, types.ModuleType):
            setattr(scan, name, value)


sys.modules[__name__].__class__ = _CallableModule


class _Facade(types.ModuleType):
    """The ``qsym`` package keeps the public *function* ``qsym.scan`` when the import system binds
    the sub-package ``qsym.scan`` on it (``import qsym.scan.store`` before ``qsym.scan`` is used)."""

    def __setattr__(self, name, value):
        if name == "scan" and isinstance(value, types.ModuleType):
            value = scan
        super().__setattr__(name, value)


_parent = sys.modules.get(__name__.rpartition(".")[0])
if _parent is not None and type(_parent) is types.ModuleType:
    _parent.__class__ = _Facade
