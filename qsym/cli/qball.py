"""``qsym qball --potential EXPR --field phi --charge Q [--charge-of phi=1] [--param k=v] [--dps 20] [--dim D] [--nodes N]``."""

from __future__ import annotations

import mpmath

from qsym.bridge import MAX_DPS, MIN_DPS
from qsym.numeric.qball import GUARD

from qsym.cli.common import add_charge_args, add_json, add_model_arg, potential_from_args
from qsym.errors import InputError

#: largest number of space dimensions (qsym.api.atlas.MAX_DIM)
MAX_DIM = 10


def add_parser(sub):
    p = sub.add_parser("qball", help="the Q-ball of a given charge (exact, with thin/thick-wall comparison)",
                       description="Solve for the Q-ball(s) of charge Q of a one-field potential: omega, "
                                   "mass, radius, error, every branch, and the thin- and thick-wall "
                                   "approximations for comparison.")
    p.add_argument("--potential", default=None, help="SymPy text of U (or --model NAME)")
    add_model_arg(p)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--field", help="name of the field")
    g.add_argument("--fields", help="several fields, comma-separated (use --charges)")
    add_charge_args(p)
    p.add_argument("--param", action="append", default=[], metavar="k=v", help="parameter value, repeatable")
    p.add_argument("--charge", required=True, help="the charge Q > 0")
    p.add_argument("--gauge-coupling", default=None, metavar="e",
                   help="gauge coupling e >= 0 of a local U(1) (gauged Q-ball, conventions of qsym.symbolic.gauged)")
    p.add_argument("--dps", type=int, default=20, help=f"decimal digits ({MIN_DPS}..{MAX_DPS - GUARD}, default 20)")
    p.add_argument("--dim", type=int, default=3,
                   help=f"space dimensions D in [1, {MAX_DIM}] (one field; default 3; D = 1 by quadrature)")
    p.add_argument("--nodes", type=int, default=0, metavar="N",
                   help="radially excited Q-ball with N nodes (one field, D >= 2; default 0: the ground state)")
    p.add_argument("--certify", action="store_true",
                   help="also prove enclosures of M_Q, omega and Q in ball arithmetic (one field, polynomial U, "
                        "D = 3; docs/certified.md part 3)")
    add_json(p)
    return p


def fmt(x, dps):
    """All ``dps`` significant digits of an mpf (no rounding to the global precision)."""
    if x is None or isinstance(x, bool):
        return x
    return mpmath.nstr(x, dps, strip_zeros=False) if dps > 3 else mpmath.nstr(x, dps)


def _approx(d, dps):
    out = {}
    for k, v in d.items():
        if isinstance(v, (mpmath.mpf, int, float)) and not isinstance(v, bool):
            out[k] = fmt(v, dps)
        elif isinstance(v, (str, bool)) or v is None:
            out[k] = v
    return out


def run(args):
    from qsym.cli.app import progress_printer
    from qsym.api.solve import qball

    P = potential_from_args(args)
    dim, nodes = args.dim, getattr(args, "nodes", 0)
    if not 1 <= dim <= MAX_DIM:
        raise InputError(f"dim must be an integer in [1, {MAX_DIM}] (space dimensions of the Q-ball), got {dim}")
    if nodes < 0:
        raise InputError(f"--nodes must be an integer >= 0, got {nodes}")
    if getattr(args, "certify", False):
        _certify_check(P, args)
    if getattr(args, "gauge_coupling", None) is not None:
        if nodes or dim != 3:
            raise InputError("--gauge-coupling solves the ground state in D = 3 (no --nodes, no --dim)")
        return _gauged(P, args)
    if dim == 1 and getattr(P, "log_origin", None) is not None:
        raise InputError("D = 1 is not solved for U with phi^2 log phi^2 at the origin (the quadrature needs "
                         "U analytic there); use --dim 2..10")
    if dim == 1:
        if nodes:
            raise InputError("excited states (--nodes) are solved in D >= 2; D = 1 gives the ground state")
        return _dim1(P, args)
    if nodes:
        return _excited(P, args)
    res = qball(P, args.charge, dps=args.dps, progress=progress_printer(), dim=args.dim)
    sols = res["solutions"]
    best = sols[0]
    d = args.dps
    branches = [{"omega": fmt(s.omega, d), "mass": fmt(s.mass, d), "radius": fmt(s.radius, d),
                 "error": fmt(s.error, 3), "classically_stable": s.classically_stable,
                 "absolutely_stable": s.absolutely_stable, "stability": s.stability} for s in sols]
    phi0 = [fmt(v, d) for v in best.phi0] if isinstance(best.phi0, (tuple, list)) else fmt(best.phi0, d)
    rms = best.rms_radius(min(d, 20))
    payload = {
        "charge": str(args.charge).strip(), "rms_radius": fmt(rms, min(d, 20)), "omega": fmt(best.omega, d), "mass": fmt(best.mass, d),
        "radius": fmt(best.radius, d), "phi0": phi0, "dps": d, "error": fmt(best.error, 3),
        "classically_stable": best.classically_stable, "absolutely_stable": best.absolutely_stable,
        "stability": best.stability,
        "branches": branches,
        "window": {"omega_min": fmt(res["window"]["omega_min"], d), "omega_max": fmt(res["window"]["omega_max"], d)},
        "thin_wall": _approx(res["thin_wall"], d), "thick_wall": _approx(res["thick_wall"], d),
    }
    lines = [f"Q = {payload['charge']}: omega = {payload['omega']}, M_Q = {payload['mass']}, "
             f"R = {payload['radius']} (relative error {payload['error']}; {best.stability})",
             ("  thin wall : " + (f"M_Q = {payload['thin_wall'].get('mass')}" + (
                                        f" (+ surface: {payload['thin_wall']['mass_surface_corrected']})"
                                        if payload['thin_wall'].get('mass_surface_corrected') else "")
                                    if res["thin_wall"].get("valid", True) else
                                    str(res["thin_wall"].get("reason")))),
             "  thick wall: " + (f"M_Q = {payload['thick_wall'].get('mass')}" if res["thick_wall"].get("valid")
                                  else str(res["thick_wall"].get("reason")))]
    notes = [str(n) for n in res.get("notes", [])]
    win = res["window"] if isinstance(res["window"], dict) else {}
    notes += [str(n) for n in win.get("notes", ()) if str(n) not in notes]     # e.g. a plateau: inf not attained
    payload["notes"] = notes
    lines += [f"  note: {n}" for n in notes]
    if len(sols) > 1:
        lines.append(f"  {len(sols)} branches; the others: " + "; ".join(
            f"omega = {b['omega']}, M_Q = {b['mass']}" for b in branches[1:]))
    if getattr(args, "certify", False):
        _add_certificate(P, args, payload, lines)
    return payload, "\n".join(lines)


def _certify_check(P, args):
    """``--certify``: one field, D = 3, no excited state, no gauge field (else exit 2, one line)."""
    from qsym.api.certify import check_qball_input
    if args.dim != 3 or getattr(args, "nodes", 0) or getattr(args, "gauge_coupling", None) is not None:
        raise InputError("--certify proves ground-state Q-balls in D = 3 (no --dim, --nodes, --gauge-coupling)")
    check_qball_input(P)


def _add_certificate(P, args, payload, lines):
    """The proven enclosures of M_Q, omega, Q (qsym.api.certify.certify_qball) into the payload."""
    from qsym.api.certify import certify_qball
    res = certify_qball(P, args.charge, dps=args.dps)
    payload.update(enclosure=list(res.enclosure), omega_enclosure=list(res.omega_enclosure),
                   charge_enclosure=list(res.charge_enclosure), certified=res.certified,
                   certificate={"status": res.status, "assumption": res.assumption,
                                "reason": res.stats.get("reason", ""),
                                "phi0_interval": list(res.phi0_interval)})
    lines += [f"  certified ({res.status}): M_Q in [{res.enclosure[0]}, {res.enclosure[1]}]",
              f"    omega in [{res.omega_enclosure[0]}, {res.omega_enclosure[1]}]",
              f"    Q(omega_lo), Q(omega_hi) bracket Q: [{res.charge_enclosure[0]}, {res.charge_enclosure[1]}]",
              f"    assumes {res.assumption}"]
    if not res.certified:
        lines.append(f"  not certified: {res.stats.get('reason')}")
        payload["_exit"] = 1


def _gauged(P, args):
    from qsym.api.gauged import qball_charge

    res = qball_charge(P, args.gauge_coupling, args.charge, dps=args.dps)
    d, m = args.dps, res["m"]
    sols = [{"g0": fmt(mpmath.mpf(b.g0), d), "omega": fmt(b.omega, d), "mass": fmt(b.energy, d),
             "radius": fmt(b.radius, d), "field_energy": fmt(b.field_energy, d), "error": fmt(b.error, 3),
             "stable_against_quanta": bool(b.energy < b.charge * m)} for b in res["solutions"]]
    payload = {"charge": str(args.charge).strip(), "gauge_coupling": str(args.gauge_coupling).strip(),
               "dps": d, **sols[0], "branches": sols, "Q_scan_max": fmt(res["Q_scan_max"], 10)}
    lines = [f"Q = {payload['charge']}, e = {payload['gauge_coupling']}: omega = {s['omega']}, "
             f"M_Q = {s['mass']}, R = {s['radius']}, electric field energy = {s['field_energy']} "
             f"(relative error {s['error']}; " + ("E < Q m: stable against decay into quanta" if
                                                   s["stable_against_quanta"] else "E >= Q m: unstable") + ")"
             for s in sols]
    return payload, "\n".join(lines)


def _dim1(P, args):
    """``--dim 1``: the quadrature path of :mod:`qsym.api.dim1` (closed form alongside)."""
    from qsym.api.dim1 import qball_1d
    res = qball_1d(P, args.charge, dps=args.dps)
    d = args.dps
    sols = res.solutions

    def one(s):
        return {"omega": fmt(s.omega, d), "mass": fmt(s.mass, d), "action": fmt(s.action, d),
                "radius": fmt(s.radius, d), "phi0": fmt(s.phi0, d), "error": fmt(s.error, 3),
                "dQ_domega": fmt(s.dQ_domega, 10), "stability": s.stability,
                "classically_stable": s.classically_stable, "absolutely_stable": s.absolutely_stable,
                "closed_form": None if s.closed_form is None else
                {k: fmt(v, d) for k, v in s.closed_form.items()}}
    best = one(sols[0])
    payload = {"charge": str(args.charge).strip(), "dim": 1, "dps": d, "method": "quadrature", **best,
               "branches": [one(s) for s in sols]}
    cf = best["closed_form"]
    lines = [f"Q = {payload['charge']} (D = 1): omega = {best['omega']}, M_Q = {best['mass']} "
             f"(relative error {best['error']}; " + ("classically stable" if best["classically_stable"]
                                                     else "classically unstable") + ")",
             "  closed form: " + (f"M_Q = {cf['mass']}" if cf else "none (U_omega/phi^2 is not a quadratic "
                                                                   "in phi or phi^2)")]
    if len(sols) > 1:
        lines.append(f"  {len(sols)} branches; the others: " + "; ".join(
            f"omega = {b['omega']}, M_Q = {b['mass']}" for b in payload["branches"][1:]))
    return payload, "\n".join(lines)


def _excited(P, args):
    """``--nodes N``: the radially excited Q-ball(s) of :func:`qsym.api.excited.excited_qball`."""
    from qsym.api.excited import excited_qball
    res = excited_qball(P, args.charge, args.nodes, dps=args.dps, dim=args.dim)
    d = args.dps

    def one(s):
        return {"omega": fmt(s.omega, d), "mass": fmt(s.mass, d), "action": fmt(s.action, d),
                "phi0": fmt(s.phi0, d), "error": fmt(s.error, 3), "nodes": s.nodes,
                "dQ_domega": fmt(s.dQ_domega, 10), "negative_modes_L_plus": s.negative_modes_L_plus,
                "negative_directions": s.negative_directions, "classically_stable": s.classically_stable,
                "stability_note": s.stability_note}
    best = one(res.solutions[0])
    payload = {"charge": str(args.charge).strip(), "dim": args.dim, "dps": d, **best,
               "branches": [one(s) for s in res.solutions]}
    lines = [f"Q = {payload['charge']}, {args.nodes} node(s) (D = {args.dim}): omega = {best['omega']}, "
             f"M_Q = {best['mass']} (relative error {best['error']})",
             f"  stability: {best['stability_note']}"]
    if len(res.solutions) > 1:
        lines.append(f"  {len(res.solutions)} branches; the others: " + "; ".join(
            f"omega = {b['omega']}, M_Q = {b['mass']}" for b in payload["branches"][1:]))
    return payload, "\n".join(lines)
