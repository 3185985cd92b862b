r"""A per-point time limit that cannot hang: each point runs in a helper process that is killed on time-out.

A worker (a Dask worker process, or the client in a serial scan) keeps one
helper process per thread (``python -m qsym.scans.runner``), started on the
first point and reused for the next ones (its imports and caches stay warm).
Points go to it as one JSON line on its stdin; the row comes back as one JSON
line.  The worker waits for the answer with ``select`` and a deadline; when
the deadline passes it kills the helper (SIGKILL: nothing inside the
computation -- a C call, a loop that never checks a flag -- can delay it),
records the point ``timeout`` and starts a fresh helper for the next point.
A helper that dies on its own (out of memory, a crash) gives a ``failed``
row; a helper whose worker went away exits by itself (stdin closes; a
watchdog thread also checks the parent's pid every second).

.. math:: t_i > T_{\text{limit}} \;\Rightarrow\; \text{status}_i = \text{timeout}

>>> from qsym.scans.spec import parse_spec
>>> s = parse_spec({"computation": "mssm", "vary": {"A": {"values": [0]}}})
>>> run_limited(s.to_json(), 0, {"A": "0"}, 60.0)["outputs"]["qball_exists"]
'false'
"""

from __future__ import annotations

import atexit
import json
import os
import pathlib
import select
import signal
import subprocess
import sys
import threading
import time

__all__ = ["run_limited", "Helper", "shutdown"]

#: seconds a new helper may take to import qsym before it counts as dead
STARTUP_LIMIT = 300.0

_local = threading.local()
_all: list = []
_lock = threading.Lock()


class Helper:
    """One helper process and the pipe to it (not thread-safe: one per thread)."""

    def __init__(self):
        root = str(pathlib.Path(__file__).resolve().parents[2])       # the directory holding qsym/
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
               "QSYM_PROGRESS": "0"}
        self.proc = subprocess.Popen([sys.executable, "-m", "qsym.scans.runner"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                                     start_new_session=True)
        self._buf = b""
        self.ready = False

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.kill()
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:      # pragma: no cover - a process that ignores SIGKILL
            pass
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass

    def ask(self, request: dict, limit: float):
        """The helper's answer (a dict), ``"timeout"``, or ``("died", returncode)``.

        The clock starts once the helper has imported qsym (its first line, ``ready``):
        start-up is not charged to the point."""
        if not self.ready:
            line = self._line(STARTUP_LIMIT)
            if not isinstance(line, bytes):
                return ("died", self.proc.poll()) if line == "timeout" else line
            self.ready = True
        try:
            self.proc.stdin.write((json.dumps(request) + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return ("died", self.proc.poll())
        line = self._line(limit)
        return json.loads(line) if isinstance(line, bytes) else line

    def _line(self, limit: float):
        """The next line from the helper (bytes), ``"timeout"`` or ``("died", code)``."""
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + limit
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return "timeout"
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return ("died", self.proc.wait())
            self._buf += chunk
        line, _, self._buf = self._buf.partition(b"\n")
        return line


def _helper() -> Helper:
    h = getattr(_local, "helper", None)
    if h is None or not h.alive():
        h = _local.helper = Helper()
        with _lock:
            _all.append(h)
    return h


def _drop(h: Helper) -> None:
    h.kill()
    _local.helper = None
    with _lock:
        if h in _all:
            _all.remove(h)


def shutdown() -> None:
    """Stop every helper process of this process (also run at exit)."""
    with _lock:
        hs = list(_all)
        _all.clear()
    for h in hs:
        h.kill()
    _local.helper = None


atexit.register(shutdown)


def run_limited(spec_json: str, idx: int, point: dict, limit: float) -> dict:
    r"""One point computed in this thread's helper process, stopped after ``limit`` seconds.

    Returns the row of :func:`qsym.scans.worker.compute_here`, or a ``timeout``
    row (the helper is killed and replaced), or a ``failed`` row when the
    helper died.

    .. math:: \text{row}_i = \begin{cases} f(x_i) & t_i \le T \\ \text{timeout} & t_i > T \end{cases}

    >>> run_limited('{"not": "a spec"}', 0, {}, 60.0)["status"]
    'failed'
    """
    t0 = time.perf_counter()
    h = _helper()
    ans = h.ask({"spec": spec_json, "idx": idx, "point": point}, float(limit))
    if isinstance(ans, dict):
        ans["worker"] = _worker_name()          # the worker's name, not the helper's
        return ans
    _drop(h)
    row = {"idx": idx, "outputs": {}, "seconds": time.perf_counter() - t0, "worker": _worker_name()}
    if ans == "timeout":
        row.update(status="timeout", message=f"no answer within the time limit of {limit:g} s "
                                             "(the computing process was stopped)")
    else:
        code = ans[1]
        why = (f"killed by signal {-code}" if isinstance(code, int) and code < 0 else f"exit code {code}")
        row.update(status="failed", message=f"the computing process died ({why})")
    from qsym import __version__
    row["version"] = __version__
    return row


def _worker_name() -> str:
    import socket
    return f"{socket.gethostname()}:{os.getpid()}"


def _watch_parent(ppid: int) -> None:
    while True:
        time.sleep(1.0)
        if os.getppid() != ppid:
            os._exit(3)


def _serve() -> None:
    """The helper's loop: a request line in, a row line out, until stdin closes."""
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)                       # anything printed by library code goes to stderr (discarded)
    signal.signal(signal.SIGINT, signal.SIG_IGN)      # Ctrl-C of the scan: the parent decides
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    from qsym.scans.worker import compute_here
    import qsym.api.mu2, qsym.models.mssm, qsym.scans.computations  # noqa: F401,E401 - before "ready"
    out.write("ready\n")
    out.flush()
    for line in sys.stdin:
        req = json.loads(line)
        row = compute_here(req["spec"], req["idx"], req["point"])
        out.write(json.dumps(row) + "\n")
        out.flush()


if __name__ == "__main__":
    _serve()
