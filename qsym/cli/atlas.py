"""``qsym atlas --potential EXPR --field phi [--param k=v] [--charge-of phi=q] [--dim D] [--points N]
[--dps 15] [--json] [--out DIR]``: the stability atlas of a one-field Q-ball family."""

from __future__ import annotations

import os

from qsym.errors import InputError

from qsym.cli.common import add_charge_args, add_json, add_model_arg, potential_from_args


def add_parser(sub):
    p = sub.add_parser("atlas", help="branches, Q_min, Q_s and stability of a one-field Q-ball family",
                       description="Q(omega) and E(omega) over the whole window with every branch; the folds "
                                   "of Q(omega) (cusps of M(Q)), Q_min and Q_s refined; classical, fission "
                                   "and quanta stability per branch.  --out DIR writes DIR/atlas.pdf and "
                                   "DIR/atlas.json.")
    p.add_argument("--potential", default=None, help="SymPy text of U (or --model NAME)")
    add_model_arg(p)
    p.add_argument("--field", default=None, help="name of the field (not with --model)")
    add_charge_args(p)
    p.add_argument("--param", action="append", default=[], metavar="k=v", help="parameter value, repeatable")
    p.add_argument("--dim", default="3", help="number of space dimensions D >= 2 (default 3)")
    p.add_argument("--points", type=int, default=100, help="points of the sampled curve (default 100)")
    p.add_argument("--dps", type=int, default=15, help="digits of Q_min, Q_s and the cusps (default 15)")
    p.add_argument("--out", default=None, metavar="DIR", help="write the figure and the JSON into DIR")
    add_json(p)
    return p


def _dim(text) -> int:
    try:
        return int(str(text).strip())
    except ValueError:
        raise InputError(f"--dim must be an integer >= 2, got {text!r}") from None


def run(args):
    import json

    from qsym.api.atlas import atlas
    from qsym.cli.app import progress_printer
    from qsym.results import number_text

    P = potential_from_args(args)
    res = atlas(P, dim=_dim(args.dim), points=args.points, dps=args.dps, progress=progress_printer("atlas"))
    payload = res.to_json()
    d = args.dps
    lines = [f"Q-ball atlas of U = {res.potential} in D = {res.dim} ({len(res.points)} points, "
             f"{len(res.branches)} branch(es)); m/|q| = {number_text(res.m_per_charge, d)}"]
    for b in payload["branches"]:
        lines.append(f"  branch {b['index']}: Q in [{number_text(float(b['charge_min']), 6)}, "
                     f"{number_text(float(b['charge_max']), 6)}], dQ/domega {b['dQ_domega_sign']}: "
                     f"{b['stability']} (classical: {b['classical']}, fission: "
                     f"{'stable' if b['fission_stable'] else 'unstable'}, quanta: {b['quanta']})")
    for c in payload["cusps"]:
        lines.append(f"  cusp ({c['kind']} of Q(omega)): Q = {c['charge']}, omega = {c['omega']}, M = {c['mass']}")
    lines.append(f"  Q_min = {payload['Q_min']}" if res.Q_min is not None else "  Q_min: none")
    lines.append(f"  Q_s   = {payload['Q_s']} (M_Q < Q m/|q| above)" if res.Q_s is not None else "  Q_s: none")
    for end in ("thick_end", "thin_end"):
        e = payload[end]
        lines.append(f"  {end.replace('_', '-wall ')}: d log Q/du = {e['slope']} (derived {e['predicted']}), "
                     f"Q -> {e['limit']}")
    lines += [f"  note: {n}" for n in res.notes]
    if args.out:
        from qsym.report.atlas_figure import figure_atlas
        try:
            os.makedirs(args.out, exist_ok=True)
        except OSError as exc:
            raise InputError(f"--out {args.out!r}: cannot create the directory ({exc.strerror})") from None
        fig = figure_atlas(os.path.join(args.out, "atlas.pdf"), res)
        with open(os.path.join(args.out, "atlas.json"), "w") as fh:
            json.dump(payload, fh, indent=1)
        payload["figure"] = fig
        lines.append(f"  figure: {fig}")
    return payload, "\n".join(lines)
