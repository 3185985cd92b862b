"""qsym scan (issue 13): designs, spec checks, the SQLite store, and real Dask clusters.

Cheap points: the certified mu^2 minimum of a three-field polynomial (~0.1 s each) and, where a
scan must last long enough to be interrupted, the eq (17) toy model (~0.3 s each).
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from fractions import Fraction

import pytest

from qsym.cli.app import main
from qsym.errors import InputError
from qsym.scans import designs
from qsym.scans.engine import run_scan
from qsym.scans.spec import parse_spec

QSYM = [sys.executable, "-m", "qsym.cli"]
U3 = "h**2 + a**2 + 2*b**2 - 2*A*h*a*b + h**2*a**2 + h**2*b**2 + a**2*b**2 + (h**2-a**2)**2/8"
CHEAP = {"computation": "mu2", "potential": {"text": U3, "fields": ["h", "a", "b"], "charges": [0, 1, 1]},
         "vary": {"A": {"from": 0, "to": "2.4", "points": 7}}}
TOY = {"computation": "mssm", "vary": {"A": {"from": 0, "to": 3, "points": 12}}}
ENV = {**os.environ, "QSYM_PROGRESS": "0"}


def table(path):
    """The stored numbers (no timing columns) of a store."""
    db = sqlite3.connect(path)
    try:
        cols = [r[1] for r in db.execute("PRAGMA table_info(points)")]
        keep = [c for c in cols if c not in ("seconds", "qsym_version", "worker", "finished_at")]
        names = ", ".join('"' + c + '"' for c in keep)
        return [dict(zip(keep, r)) for r in db.execute(f"SELECT {names} FROM points ORDER BY idx")]
    finally:
        db.close()


def finished(path) -> int:
    if not os.path.exists(path):
        return 0
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute("SELECT COUNT(*) FROM points WHERE status != 'pending'").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


# ---- designs and spec --------------------------------------------------------------------------

def test_sobol_is_the_standard_sequence_and_seeded_shift_is_reproducible():
    plain = designs.sobol(8, 3, seed=None)
    assert [tuple(map(float, p)) for p in plain[:4]] == [(0, 0, 0), (.5, .5, .5), (.75, .25, .25), (.25, .75, .75)]
    assert designs.sobol(16, 2, seed=7) == designs.sobol(16, 2, seed=7) != designs.sobol(16, 2, seed=8)
    # every dyadic cell of width 1/8 in each coordinate holds exactly one of the first 8 points
    for j in range(3):
        assert sorted(int(p[j] * 8) for p in plain) == list(range(8))
    assert designs.grid_values("0", "1/3", 3) == ["0", "1/6", "1/3"]


def test_spec_points_are_exact_text():
    s = parse_spec({**CHEAP, "design": "sobol", "points": 4, "seed": 1,
                    "vary": {"A": {"from": 0, "to": "2.4"}}})
    pts = [p["A"] for p in s.points()]
    assert len(pts) == 4 and all(0 <= Fraction(p) <= Fraction("2.4") for p in pts)
    assert s.key() == parse_spec({**CHEAP, "design": "sobol", "points": 4, "seed": 1,
                                  "vary": {"A": {"from": 0, "to": "2.4"}}}).key()


@pytest.mark.parametrize("argv, words", [
    (["--computation", "nope", "--vary", "A=0:1:2"], "unknown computation"),
    (["--computation", "mssm", "--vary", "B=0:1:2"], "unknown parameter"),
    (["--computation", "mssm", "--vary", "A=1:1:3"], "empty range"),
    (["--computation", "mssm", "--vary", "A=2:1:3"], "empty range"),
    (["--computation", "mu2", "--potential", "a**2 + Z*a**4", "--fields", "a", "--vary", "A=0:1:2"],
     "unknown parameter"),
    (["--computation", "mssm", "--vary", "A=0:1:2", "--scheduler", "tcp://127.0.0.1:9"], "cannot reach"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, monkeypatch, argv, words):
    monkeypatch.setattr("qsym.scans.engine.CONNECT_TIMEOUT", 1.0)
    store = tmp_path / "s.sqlite"
    assert main(["scan", *argv, "--store", str(store), "--json"]) == 2
    out, err = capsys.readouterr()
    assert words in json.loads(out)["error"] and len(err.strip().splitlines()) == 1
    assert not store.exists()


def test_a_spec_file_that_does_not_parse(tmp_path, capsys):
    f = tmp_path / "bad.toml"
    f.write_text("computation = mssm\n")
    assert main(["scan", str(f)]) == 2
    assert "does not parse" in capsys.readouterr().err
    assert not (tmp_path / "bad.sqlite").exists()


# ---- serial engine, store, export, plot ----------------------------------------------------------

@pytest.fixture(scope="module")
def serial_cheap(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("serial") / "cheap.sqlite")
    rep = run_scan(parse_spec(CHEAP), path, workers=0)
    assert rep.computed == 7 and rep.counts == {"converged": 7}
    return path


def test_serial_scan_resumes_and_exports(serial_cheap, tmp_path):
    rows = table(serial_cheap)
    assert [r["qball_exists"] for r in rows] == ["false"] * 6 + ["true"]       # onset between 2 and 2.4
    rep = run_scan(parse_spec(CHEAP), serial_cheap, workers=0)
    assert rep.computed == 0 and rep.reused == 7
    assert main(["scan", "export", serial_cheap, "--out", str(tmp_path / "t.parquet")]) == 0
    import pyarrow.parquet as pq
    t = pq.read_table(tmp_path / "t.parquet").to_pylist()
    assert [{k: r[k] for k in rows[0]} for r in t] == rows                     # the same text, bit for bit
    assert main(["scan", "export", serial_cheap, "--out", str(tmp_path / "t.csv")]) == 0
    assert (tmp_path / "t.csv").read_text().splitlines()[0].startswith("idx,A,status,qball_exists")
    assert main(["scan", "plot", serial_cheap, "--out", str(tmp_path / "t.png")]) == 0
    assert (tmp_path / "t.png").stat().st_size > 1000


def test_toy_map_plot_with_bound(tmp_path):
    spec = parse_spec({"computation": "mssm", "vary": {"A": {"values": [0, 3]}, "m_l": {"values": [1, 2]}},
                       "fixed": {"m_L": 1}})
    rep = run_scan(spec, str(tmp_path / "toy.sqlite"), workers=0)
    from qsym.scans.plots import plot
    res = plot(rep.store, str(tmp_path / "toy.png"))
    assert res["kind"] == "existence map" and (tmp_path / "toy.png").exists()


def test_a_store_of_another_scan_is_refused(serial_cheap):
    other = parse_spec({**CHEAP, "dps": 20})
    with pytest.raises(InputError, match="different scan"):
        run_scan(other, serial_cheap, workers=0)


# ---- real Dask clusters --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster
    c = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(c)
    yield client
    client.close()
    c.close()


@pytest.fixture(scope="module")
def serial_toy(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("serial") / "toy.sqlite")
    run_scan(parse_spec(TOY), path, workers=0)
    return table(path)


def test_two_workers_give_the_serial_table(cluster, serial_cheap, tmp_path):
    rep = run_scan(parse_spec(CHEAP), str(tmp_path / "d.sqlite"), client=cluster)
    assert rep.computed == 7 and table(rep.store) == table(serial_cheap)
    assert len({r["worker"] for r in rep.rows(with_timing=True)}) >= 1


def test_killing_a_worker_mid_scan_still_completes_it(cluster, serial_toy, tmp_path):
    path = str(tmp_path / "k.sqlite")
    killed = []

    def killer():
        while finished(path) < 2:
            time.sleep(0.05)
        pids = cluster.run(os.getpid)
        pid = sorted(pids.values())[0]
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)
    t = threading.Thread(target=killer, daemon=True)
    t.start()
    rep = run_scan(parse_spec(TOY), path, client=cluster)
    t.join(5)
    assert killed and finished(path) == 12
    assert table(path) == serial_toy                     # every point, the same numbers
    cluster.wait_for_workers(2, timeout=60)


def test_sigkill_of_the_client_then_rerun_resumes(cluster, serial_toy, tmp_path):
    path = str(tmp_path / "c.sqlite")
    proc = subprocess.Popen([*QSYM, "scan", "--computation", "mssm", "--vary", "A=0:3:12", "--store", path,
                             "--scheduler", cluster.scheduler.address], env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while finished(path) < 3 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = {r["idx"]: r for r in run_scan.__globals__["Store"](path).rows(with_timing=True)
              if r["status"] != "pending"}
    assert 3 <= len(before) < 12
    rep = run_scan(parse_spec(TOY), path, client=cluster)
    assert rep.computed == 12 - len(before) and rep.reused == len(before)
    after = {r["idx"]: r for r in rep.rows(with_timing=True)}
    assert all(after[i]["finished_at"] == r["finished_at"] for i, r in before.items())   # not recomputed
    assert table(path) == serial_toy


def test_separately_started_scheduler_and_worker(serial_cheap, tmp_path):
    sfile = tmp_path / "scheduler.json"
    dask = os.path.join(os.path.dirname(sys.executable), "dask")
    procs = [subprocess.Popen([dask, "scheduler", "--port", "0", "--no-dashboard", "--scheduler-file",
                               str(sfile)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)]
    try:
        deadline = time.time() + 60
        while not sfile.exists() and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(0.2)
        address = json.loads(sfile.read_text())["address"]
        procs.append(subprocess.Popen([dask, "worker", address, "--nworkers", "1", "--nthreads", "1",
                                       "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      env=ENV))
        path = str(tmp_path / "remote.sqlite")                # (the CLI with --scheduler: test above)
        rep = run_scan(parse_spec(CHEAP), path, scheduler=address)
        assert rep.engine == f"dask {address}" and rep.computed == 7
        assert table(path) == table(serial_cheap)            # one remote worker == serial == two local workers
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()


def test_bounce_scan_from_a_file_and_option_errors(tmp_path, capsys):
    f = tmp_path / "b.toml"
    f.write_text('computation = "bounce"\ndps = 20\n[potential]\ntext = "phi**2/2 - phi**3"\nfields = ["phi"]\n'
                 '[vary.omega]\nvalues = ["0", "1/2"]\n[options]\ndim = 3\n')
    assert main(["scan", str(f), "--workers", "0", "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["store"] == str(tmp_path / "b.sqlite") and rep["counts"] == {"converged": 2}
    rows = table(rep["store"])
    assert rows[0]["action"].startswith("4.8511374129163")          # S_psi of the README
    assert len(rows[0]["action"].replace(".", "")) == 20                # dps digits, as text
    f.write_text(f.read_text().replace("dim = 3", "dimension = 3"))
    assert main(["scan", str(f), "--workers", "0"]) == 2
    assert "unknown option" in capsys.readouterr().err
