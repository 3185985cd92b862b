r"""``qsym scan``: parameter scans on Dask, stored in SQLite, resumable; export and plots.

Run (or resume) the scan of a TOML file (schema: :mod:`qsym.scans.spec`; the
store defaults to ``SPEC.sqlite`` beside the file), the same scan given by
flags (``NAME=lo:hi:n`` grid, ``lo:hi:n:log`` log grid, ``lo:hi`` for
sobol/halton, ``v1,v2,...`` explicit values), export a store, or plot it::

    qsym scan SPEC.toml [--store FILE] [--workers N | --scheduler ADDRESS] [--point-time-limit S]
              [--retry-timeouts] [--json]
    qsym scan --computation NAME --vary A=0:3:31 [--vary m_l=0.5:2:11:log] [--fixed k=v ...]
              [--potential TEXT --fields a,b --charges 0,1] [--option k=v ...]
              [--design sobol --points N --seed S] [--dps D] [--store FILE]
    qsym scan export STORE --out FILE.csv|FILE.parquet
    qsym scan plot STORE --out FILE.png [--x NAME] [--y NAME] [--z OUTPUT]

JSON (run): ``store, key, computation, total, computed, reused, counts, seconds, engine``.
Exit 0 when every point has an answer, 1 when some points failed (re-run to retry
them) or timed out (``--retry-timeouts`` retries them, with a larger
``--point-time-limit``), 2 on bad input (nothing is written to the store).
"""

from __future__ import annotations

import os
import signal
import sys

from qsym.errors import InputError
from qsym.cli.common import add_json, parse_params

ACTIONS = ("export", "plot")


def add_parser(sub):
    p = sub.add_parser(
        "scan", help="parameter scan on Dask (resumable SQLite store); scan export|plot STORE",
        description="Run a parameter scan from a TOML file or from flags, on a local Dask cluster "
                    "(one worker process per core) or an existing scheduler; results go to an SQLite "
                    "store as they arrive and a re-run resumes. 'qsym scan export STORE --out F' writes "
                    "CSV/Parquet, 'qsym scan plot STORE --out F.png' draws the curve or map.")
    p.add_argument("target", nargs="*", metavar="SPEC | export STORE | plot STORE",
                   help="a TOML scan file, or export/plot and a store")
    g = p.add_argument_group("engine")
    g.add_argument("--store", default=None, help="SQLite results file (default: SPEC.sqlite beside SPEC)")
    g.add_argument("--workers", type=int, default=None,
                   help="local Dask worker processes (default: one per core; 0: serial, no Dask)")
    g.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="address of a running Dask scheduler, e.g. tcp://host:8786")
    g.add_argument("--point-time-limit", type=float, default=None, metavar="SECONDS",
                   help="seconds one point may take (overrides the spec's time_limit, default 3600; 0: none); "
                        "a point that takes longer is stopped and stored 'timeout'")
    g.add_argument("--retry-timeouts", action="store_true",
                   help="recompute the points stored 'timeout' (a re-run keeps them otherwise)")
    s = p.add_argument_group("scan from flags (instead of SPEC)")
    s.add_argument("--computation", default=None,
                   help="mu2 | mssm | mssm_threshold | mssm_winner | bounce | qball | atlas")
    s.add_argument("--vary", action="append", default=[], metavar="NAME=RANGE",
                   help="lo:hi:n (grid), lo:hi:n:log, lo:hi (sobol/halton), or v1,v2,... (repeatable)")
    s.add_argument("--fixed", action="append", default=[], metavar="k=v", help="fixed parameter (repeatable)")
    s.add_argument("--potential", default=None, help="SymPy text of U (mu2, bounce, qball)")
    s.add_argument("--fields", default=None, help="comma-separated field names")
    s.add_argument("--charges", default=None, help="comma-separated charges")
    s.add_argument("--option", action="append", default=[], metavar="k=v", help="computation option")
    s.add_argument("--design", default=None, help="grid (default) | sobol | halton")
    s.add_argument("--points", type=int, default=None, help="number of points (sobol/halton)")
    s.add_argument("--seed", type=int, default=None, help="seed of the sobol/halton randomisation")
    s.add_argument("--dps", type=int, default=None, help="digits of the stored numbers (default 15)")
    o = p.add_argument_group("export / plot")
    o.add_argument("--out", default=None, help="output file (export: .csv/.parquet; plot: .png/.pdf/.svg)")
    o.add_argument("--format", default=None, choices=("csv", "parquet"), help="export format")
    o.add_argument("--x", default=None, help="plot: parameter on the horizontal axis")
    o.add_argument("--y", default=None, help="plot: parameter on the vertical axis")
    o.add_argument("--z", default=None, help="plot: output shown")
    add_json(p)
    return p


def _scalar(v: str):
    low = v.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    try:
        return int(v)
    except ValueError:
        return v.strip()


def _vary(item: str) -> tuple[str, dict]:
    name, sep, rng = item.partition("=")
    name, rng = name.strip(), rng.strip()
    if not sep or not name or not rng:
        raise InputError(f"--vary {item!r} is not of the form NAME=lo:hi:n, NAME=lo:hi or NAME=v1,v2,...")
    if ":" not in rng:
        return name, {"values": [v.strip() for v in rng.split(",")]}
    parts = [x.strip() for x in rng.split(":")]
    log = parts[-1] == "log"
    parts = parts[:-1] if log else parts
    if len(parts) not in (2, 3) or not all(parts):
        raise InputError(f"--vary {item!r}: the range is lo:hi:n (grid), lo:hi:n:log or lo:hi (sobol/halton)")
    d = {"from": parts[0], "to": parts[1], "log": log}
    if len(parts) == 3:
        try:
            d["points"] = int(parts[2])
        except ValueError:
            raise InputError(f"--vary {item!r}: the number of points {parts[2]!r} is not an integer") from None
    return name, d


def spec_from_flags(args):
    """A ScanSpec from the command-line flags."""
    from qsym.scans.spec import parse_spec
    if not args.computation:
        raise InputError("give a scan file (qsym scan SPEC.toml) or --computation with --vary")
    d = {"computation": args.computation, "vary": {}}
    for item in args.vary:
        name, rng = _vary(item)
        if name in d["vary"]:
            raise InputError(f"--vary {name!r} given twice")
        d["vary"][name] = rng
    if args.fixed:
        d["fixed"] = parse_params(args.fixed)
    if args.option:
        d["options"] = {k: _scalar(v) for k, v in parse_params(args.option).items()}
    if args.potential is not None:
        d["potential"] = {"text": args.potential, "fields": args.fields or ""}
        if args.charges:
            d["potential"]["charges"] = [c.strip() for c in args.charges.split(",")]
    for k in ("design", "points", "seed", "dps"):
        if getattr(args, k) is not None:
            d[k] = getattr(args, k)
    return parse_spec(d, store=args.store)


def _progress() -> bool:
    flag = os.environ.get("QSYM_PROGRESS")
    return flag == "1" or (flag != "0" and sys.stderr.isatty())


def _run_scan(args):
    from qsym.scans.engine import run_scan
    from qsym.scans.spec import load_spec
    if len(args.target) > 1:
        raise InputError(f"one scan file expected, got {len(args.target)}: {' '.join(args.target)}")
    if args.target:
        flags = [f for f in ("computation", "potential", "design", "points", "seed", "dps") if getattr(args, f)]
        if flags or args.vary or args.fixed or args.option:
            raise InputError("give the scan either as a file or with flags (--computation, --vary, ...), not both")
        spec = load_spec(args.target[0])
    else:
        spec = spec_from_flags(args)
    if args.workers is not None and args.scheduler is not None:
        raise InputError("--workers starts a local cluster; --scheduler uses an existing one: give one of them")
    if args.point_time_limit is not None:
        import dataclasses
        from qsym.scans.spec import _time_limit
        spec = dataclasses.replace(spec, time_limit=_time_limit(args.point_time_limit))
    if args.time_limit is None and not os.environ.get("QSYM_TIME_LIMIT") and hasattr(signal, "setitimer"):
        signal.setitimer(signal.ITIMER_REAL, 0)     # a scan is resumable: no default wall-time budget
    rep = run_scan(spec, args.store, workers=args.workers, scheduler=args.scheduler, progress=_progress(),
                   retry_timeouts=args.retry_timeouts)
    payload = rep.as_json()
    if rep.counts.get("failed") or rep.counts.get("timeout"):
        payload["_exit"] = 1
    counts = ", ".join(f"{v} {k}" for k, v in sorted(rep.counts.items()))
    text = (f"scan {rep.key} ({rep.computation}): {rep.total} points, {rep.computed} computed now, "
            f"{rep.reused} already stored; {counts}\nstore: {rep.store}\nengine: {rep.engine}, "
            f"{rep.seconds:.1f} s" + ("\nsome points failed: run the same command again to retry them"
                                      if rep.counts.get("failed") else "")
            + ("\nsome points timed out: add --retry-timeouts (and a larger --point-time-limit) to retry them"
               if rep.counts.get("timeout") else ""))
    return payload, text


def run(args):
    if args.target and args.target[0] in ACTIONS:
        action, rest = args.target[0], args.target[1:]
        if len(rest) != 1:
            raise InputError(f"'qsym scan {action}' needs exactly one STORE")
        if not args.out:
            raise InputError(f"'qsym scan {action}' needs --out FILE")
        if action == "export":
            from qsym.scans.export import export
            res = export(rest[0], args.out, args.format)
            return res, f"wrote {res['rows']} rows to {res['out']} ({res['format']})"
        from qsym.scans.plots import plot
        res = plot(rest[0], args.out, args.x, args.y, args.z)
        return res, f"wrote {res['kind']} of {res['z']} ({res['points']} points) to {res['out']}"
    return _run_scan(args)
