"""``qsym bounce``: the radial bounce of U (or U_omega) from the false vacuum at the origin."""

from __future__ import annotations

import mpmath

from qsym.bridge import MAX_DPS, MIN_DPS
from qsym.errors import InputError
from qsym.cli.common import add_charge_args, add_json, add_potential_args, field_names, potential_from_args


def add_parser(subparsers):
    p = subparsers.add_parser(
        "bounce", help="radial bounce action (one field, or several with --fields)",
        description="Bounce of U (or U_omega with --omega) from the false vacuum at the "
                    "origin, in whichever direction the escape takes.")
    add_potential_args(p, multi=True)
    p.add_argument("--omega", default=None,
                   help="frequency: bounce of U_omega = U - omega^2/2 sum q_k^2 phi_k^2")
    add_charge_args(p)
    p.add_argument("--dim", type=int, default=3, help="Euclidean dimension d >= 2 (default 3)")
    p.add_argument("--dps", type=int, default=30,
                   help=f"decimal digits ({MIN_DPS}..{MAX_DPS}, default 30)")
    p.add_argument("--certify", action="store_true",
                   help="prove an enclosure of the action in ball arithmetic (polynomial U, one field, "
                        "d >= 2; docs/certified.md)")
    add_json(p)
    return p



def _run_multi(pot, args):
    from qsym.api.multi import bounce_multi
    res = bounce_multi(pot, omega=args.omega, dim=args.dim, dps=args.dps)
    payload = res.as_dict()
    text = (f"multi-field bounce in d = {res.dim} ({len(res.phi0)} fields)\n"
            f"  action S  = {payload['action']}\n"
            f"  (2/d) T   = {payload['action_virial']}\n"
            f"  phi(0)    = {', '.join(payload['phi0'])}\n"
            f"  rel. error estimate {payload['error']}")
    return payload, text


def _run_certify(pot, args):
    from qsym.api.certify import certify_bounce
    res = certify_bounce(pot, omega=args.omega, dim=args.dim, dps=args.dps)
    payload = res.to_json()
    lo, hi = res.enclosure
    cgm = f"  CGM upper bound {res.cgm_upper}\n" if res.cgm_upper is not None else ""
    text = (f"certified bounce in d = {res.dim}: {res.status}\n"
            f"  S in [{lo},\n        {hi}]\n{cgm}"
            f"  phi(0) in [{res.phi0_interval[0]}, {res.phi0_interval[1]}]\n"
            f"  relative half-width {payload['error']}")
    if not res.certified:
        text += f"\n  not certified: {res.stats.get('reason')}"
        payload["_exit"] = 1
    return payload, text


def run(args):
    from qsym.api.bounce import bounce
    names = field_names(args)
    if getattr(args, "certify", False):
        if len(names) > 1:
            from qsym.api.certify import POLY_ONLY
            raise InputError(f"{POLY_ONLY} (got {len(names)} fields)")
        if getattr(args, "charges", None) or getattr(args, "charge_of", None):
            raise InputError("--certify takes no charges (one field: U_omega = U - omega^2 phi^2/2)")
    pot = potential_from_args(args)
    if pot.free_parameters():
        names = ", ".join(p.name for p in pot.free_parameters())
        raise InputError(f"parameters without values: {names} (give them with --param k=v)")
    if getattr(args, "certify", False):
        return _run_certify(pot, args)
    if len(names) > 1:
        return _run_multi(pot, args)
    from qsym.cli.app import progress_printer
    res = bounce(pot, omega=args.omega, dim=args.dim, dps=args.dps, progress=progress_printer())
    dps = args.dps
    with mpmath.workdps(dps):
        payload = {
            "action": mpmath.nstr(res.action, dps),
            "action_virial": mpmath.nstr(res.action_virial, dps),
            "phi0": mpmath.nstr(res.phi0, dps),
            "charge_integral": mpmath.nstr(res.charge_integral, dps),
            "R_match": mpmath.nstr(res.R_match, 10),
            "dim": res.dim,
            "sign": res.sign,
            "dps": dps,
            "error": mpmath.nstr(res.error, 3),
            "iterations": res.iterations,
            "status": res.status,
        }
    text = (f"bounce in d = {res.dim} ({'+' if res.sign > 0 else '-'} direction)\n"
            f"  action S  = {payload['action']}\n"
            f"  (2/d) T   = {payload['action_virial']}\n"
            f"  phi(0)    = {payload['phi0']}\n"
            f"  int phi^2 = {payload['charge_integral']}\n"
            f"  rel. error estimate {payload['error']}")
    return payload, text
