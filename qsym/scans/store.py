r"""The results store of a scan: one SQLite file in WAL mode, one row per point.

Table ``points``: ``idx`` (the point's place in the design), one TEXT column
per varied parameter (exact text), ``status`` (``pending``, a result status
``converged``/``reduced``/``uncertified``, or ``no_solution``, ``bad_input``,
``failed``, ``timeout``), one TEXT column per output (decimal text with the scan's ``dps``
digits: bit-identical wherever computed), ``message`` (the error of a point
that did not give numbers), ``seconds``, ``qsym_version``, ``worker``,
``finished_at``.  Table ``meta``: the spec (JSON), its key, the column names.

Each result is committed as it arrives (WAL, ``synchronous=NORMAL``): a
process killed at any moment loses only the points in flight.  Re-running a
scan recomputes only ``pending`` and ``failed`` points, and ``timeout`` points
when asked (``todo(retry=("timeout",))``, ``qsym scan --retry-timeouts``).

.. math:: \text{todo} = \{ i : \text{status}_i \in \{\text{pending}, \text{failed}\} \}

>>> import tempfile, os
>>> from qsym.scans.spec import parse_spec
>>> s = parse_spec({"computation": "mssm", "vary": {"A": {"values": [0, 3]}}})
>>> st = Store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
>>> st.prepare(s); st.todo()
[(0, {'A': '0'}), (1, {'A': '3'})]
>>> st.close()
"""

from __future__ import annotations

import datetime
import json
import os
import sqlite3

from qsym.errors import InputError

__all__ = ["Store", "RESERVED", "REDO", "DONE_FAILED", "TIMEOUT"]

#: columns every row has besides inputs and outputs
RESERVED = ("idx", "status", "message", "seconds", "qsym_version", "worker", "finished_at")
#: statuses that a re-run computes again
REDO = ("pending", "failed")
DONE_FAILED = ("no_solution", "bad_input")
#: a point stopped by the scan's time limit: recomputed only when asked
TIMEOUT = "timeout"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Store:
    """A scan's SQLite store (created on :meth:`prepare`; never touched before the spec is valid)."""

    def __init__(self, path):
        self.path = str(path)
        self._db = None

    # -- connection ---------------------------------------------------------------------------
    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = sqlite3.connect(self.path, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def meta(self) -> dict:
        """The ``meta`` table as a dict (empty when the store does not exist yet)."""
        if not os.path.exists(self.path):
            return {}
        try:
            if not self.db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone():
                return {}       # an empty SQLite file: a new store
            return dict(self.db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as exc:
            raise InputError(f"{self.path!r} is not a qsym scan store ({exc})") from None

    # -- set-up -------------------------------------------------------------------------------
    def check(self, spec) -> None:
        """Refuse (InputError) a store that holds a different scan; read-only."""
        meta = self.meta()
        if meta and meta.get("key") != spec.key():
            raise InputError(f"the store {self.path!r} holds a different scan (key {meta.get('key')}, this one "
                             f"{spec.key()}); delete it or choose another store")

    def prepare(self, spec) -> None:
        """Create the tables and a ``pending`` row for every point not yet stored."""
        from qsym import __version__
        from qsym.scans.computations import COMPUTATIONS
        self.check(spec)
        inputs, outputs = list(spec.names), list(COMPUTATIONS[spec.computation].outputs)
        clash = sorted(set(inputs) & set(RESERVED))
        if clash:
            raise InputError(f"parameter name(s) {clash} are reserved column names of the store")
        cols = ([f"{_q('idx')} INTEGER PRIMARY KEY"] + [f"{_q(n)} TEXT" for n in inputs]
                + [f"{_q('status')} TEXT NOT NULL"] + [f"{_q(n)} TEXT" for n in outputs]
                + ["message TEXT", "seconds REAL", "qsym_version TEXT", "worker TEXT", "finished_at TEXT"])
        db = self.db
        with db:
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            db.execute(f"CREATE TABLE IF NOT EXISTS points ({', '.join(cols)})")
            meta = {"key": spec.key(), "spec": spec.to_json(), "computation": spec.computation,
                    "inputs": json.dumps(inputs), "outputs": json.dumps(outputs),
                    "fixed": json.dumps(dict(spec.fixed)), "created_by": __version__}
            db.executemany("INSERT OR IGNORE INTO meta VALUES (?, ?)", meta.items())
            have = {r[0] for r in db.execute("SELECT idx FROM points")}
            rows = [(i, *[p[n] for n in inputs]) for i, p in enumerate(spec.points()) if i not in have]
            marks = ", ".join("?" * (1 + len(inputs)))
            db.executemany(f"INSERT INTO points (idx, {', '.join(map(_q, inputs))}, status) "
                           f"VALUES ({marks}, 'pending')", rows)

    # -- rows ---------------------------------------------------------------------------------
    def columns(self) -> tuple[list, list]:
        m = self.meta()
        return json.loads(m["inputs"]), json.loads(m["outputs"])

    def todo(self, retry: tuple = ()) -> list[tuple[int, dict]]:
        """``(idx, point)`` of every point still to compute (pending or failed, and the statuses
        in ``retry``, e.g. ``("timeout",)``), in order."""
        inputs, _ = self.columns()
        redo = tuple(REDO) + tuple(retry)
        q = (f"SELECT idx, {', '.join(map(_q, inputs))} FROM points WHERE status IN "
             f"({', '.join('?' * len(redo))}) ORDER BY idx")
        return [(r[0], dict(zip(inputs, r[1:]))) for r in self.db.execute(q, redo)]

    def record(self, idx: int, row: dict) -> None:
        """Write one point's result (a :func:`qsym.scans.worker.compute` row) and commit."""
        _, outputs = self.columns_cache()
        vals = [row.get("outputs", {}).get(n) for n in outputs]
        sets = ", ".join(f"{_q(n)} = ?" for n in ["status", *outputs, "message", "seconds", "qsym_version",
                                                 "worker", "finished_at"])
        with self.db:
            self.db.execute(f"UPDATE points SET {sets} WHERE idx = ?",
                            [row["status"], *vals, row.get("message"), row.get("seconds"), row.get("version"),
                             row.get("worker"), datetime.datetime.now(datetime.timezone.utc).isoformat(), idx])

    def columns_cache(self):
        if not hasattr(self, "_cols"):
            self._cols = self.columns()
        return self._cols

    def rows(self, with_timing: bool = False) -> list[dict]:
        """Every row as a dict (ordered by idx); without timing/worker columns unless asked."""
        inputs, outputs = self.columns()
        cols = ["idx", *inputs, "status", *outputs, "message"]
        if with_timing:
            cols += ["seconds", "qsym_version", "worker", "finished_at"]
        cur = self.db.execute(f"SELECT {', '.join(map(_q, cols))} FROM points ORDER BY idx")
        return [dict(zip(cols, r)) for r in cur]

    def counts(self) -> dict:
        """Number of points per status."""
        return dict(self.db.execute("SELECT status, COUNT(*) FROM points GROUP BY status").fetchall())
