r"""The task a Dask worker runs: one point, from plain text in, plain text out.

A worker receives the spec as JSON text and the point's parameter values as
text, rebuilds the spec (cached per process) and the potential (from its
text), computes, and returns a row: status, outputs (decimal text), message,
seconds, version, worker.  It never raises for a point's own failure: the
error is recorded for that point.  With a per-point time limit (the spec's
``time_limit``, default :data:`qsym.scans.spec.DEFAULT_TIME_LIMIT` seconds)
the point runs in a helper process that is killed when the limit passes
(:mod:`qsym.scans.runner`): the row is then ``timeout``.

.. math:: (\text{spec}, x_i) \mapsto (\text{status}_i, f(x_i))

>>> from qsym.scans.spec import parse_spec
>>> s = parse_spec({"computation": "mssm", "vary": {"A": {"values": [0]}}})
>>> row = compute(s.to_json(), 0, {"A": "0"})
>>> row["status"], row["outputs"]["qball_exists"]
('converged', 'false')
"""

from __future__ import annotations

import functools
import os
import socket
import time

__all__ = ["compute", "compute_here"]


@functools.lru_cache(maxsize=8)
def _spec(text: str):
    from qsym.scans.spec import ScanSpec
    return ScanSpec.from_json(text)


def compute(spec_json: str, idx: int, point: dict) -> dict:
    r"""One point of a scan: a row dict (never raises for the point's own failure).

    Status: the result's status (``converged``/``reduced``/``uncertified``), or
    ``no_solution`` / ``bad_input`` (a deterministic answer: not recomputed on
    resume), or ``failed`` (did not converge, budget, or an unexpected error:
    recomputed on resume), or ``timeout`` (the spec's ``time_limit`` passed:
    recomputed only when asked, ``--retry-timeouts``).

    .. math:: \text{row}_i = (\text{status}, f(x_i), t_i)

    >>> compute('{"not": "a spec"}', 0, {})["status"]
    'failed'
    """
    try:
        limit = _spec(spec_json).time_limit
    except Exception:  # noqa: BLE001 - a spec that does not rebuild: compute_here records why
        limit = 0
    if limit:
        from qsym.scans.runner import run_limited
        return run_limited(spec_json, idx, point, limit)
    return compute_here(spec_json, idx, point)


def compute_here(spec_json: str, idx: int, point: dict) -> dict:
    r"""One point computed in this process, without a time limit (see :func:`compute`).

    .. math:: \text{row}_i = (\text{status}, f(x_i), t_i)

    >>> compute_here('{"not": "a spec"}', 0, {})["status"]
    'failed'
    """
    from qsym import __version__
    from qsym.errors import InputError, NoSolutionError
    t0 = time.perf_counter()
    row = {"idx": idx, "outputs": {}, "message": None, "version": __version__,
           "worker": f"{socket.gethostname()}:{os.getpid()}"}
    try:
        from qsym.scans.computations import COMPUTATIONS
        spec = _spec(spec_json)
        out, res = COMPUTATIONS[spec.computation].run(spec, dict(point))
        row["outputs"] = out
        row["status"] = str(getattr(res, "status", "converged"))
    except NoSolutionError as exc:
        row["status"], row["message"] = "no_solution", _line(exc)
    except InputError as exc:
        row["status"], row["message"] = "bad_input", _line(exc)
    except Exception as exc:  # noqa: BLE001 - recorded for the point, retried on resume
        row["status"], row["message"] = "failed", f"{type(exc).__name__}: {_line(exc)}"
    row["seconds"] = time.perf_counter() - t0
    return row


def _line(exc) -> str:
    s = str(exc)
    return s.splitlines()[0] if s else type(exc).__name__
