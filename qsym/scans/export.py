r"""Export a scan's store to CSV or Parquet (every stored number kept as its exact decimal text).

Columns: ``idx``, the varied parameters, ``status``, the outputs, ``message``,
``seconds``, ``qsym_version``, ``worker``, ``finished_at``; Parquet stores
``idx`` as int64, ``seconds`` as float64 and the rest as strings (convert
with ``float`` or :func:`mpmath.mpf` as needed), so nothing is rounded.

.. math:: \text{row}_i = (i, x^{(i)}, \text{status}_i, f(x^{(i)}), \dots)

>>> import tempfile, os
>>> from qsym.scans.spec import parse_spec
>>> from qsym.scans.engine import run_scan
>>> d = tempfile.mkdtemp()
>>> rep = run_scan(parse_spec({"computation": "mssm", "vary": {"A": {"values": [3]}}}),
...                os.path.join(d, "t.sqlite"), workers=0)
>>> export(rep.store, os.path.join(d, "t.csv"))["rows"]
1
"""

from __future__ import annotations

import csv
import os

from qsym.errors import InputError
from qsym.scans.store import Store

__all__ = ["export", "FORMATS", "open_store"]

FORMATS = ("csv", "parquet")


def open_store(path) -> Store:
    """An existing scan store (InputError if missing or not a store)."""
    path = str(path)
    if not os.path.exists(path):
        raise InputError(f"scan store {path!r} not found")
    st = Store(path)
    if "key" not in st.meta():
        st.close()
        raise InputError(f"{path!r} is not a qsym scan store")
    return st


def export(store, out, fmt: str | None = None) -> dict:
    r"""Write the table of ``store`` to ``out`` (format from ``fmt`` or the suffix: .csv, .parquet).

    Returns ``{"out", "format", "rows", "columns"}``.

    .. math:: \text{SQLite} \to \text{CSV} \mid \text{Parquet}

    >>> export("no-such.sqlite", "x.csv")
    Traceback (most recent call last):
    ...
    qsym.errors.InputError: scan store 'no-such.sqlite' not found
    """
    out = str(out)
    fmt = fmt or ("parquet" if out.endswith((".parquet", ".pq")) else "csv" if out.endswith(".csv") else None)
    if fmt not in FORMATS:
        raise InputError(f"export format {fmt!r} unknown: use --format csv|parquet or a .csv/.parquet name")
    st = open_store(store)
    try:
        rows = st.rows(with_timing=True)
        inputs, outputs = st.columns()
    finally:
        st.close()
    cols = ["idx", *inputs, "status", *outputs, "message", "seconds", "qsym_version", "worker", "finished_at"]
    if fmt == "csv":
        with open(out, "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=cols)
            w.writeheader()
            w.writerows(rows)
    else:
        _parquet(rows, cols, out)
    return {"out": out, "format": fmt, "rows": len(rows), "columns": cols}


def _parquet(rows, cols, out) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    types = {"idx": pa.int64(), "seconds": pa.float64()}
    arrays = [pa.array([r[c] for r in rows], type=types.get(c, pa.string())) for c in cols]
    pq.write_table(pa.Table.from_arrays(arrays, names=cols), out)
