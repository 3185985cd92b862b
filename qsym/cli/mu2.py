"""``qsym mu2``: certified global minimum of mu^2 (paper eq (9)).

``qsym mu2 --potential EXPR --fields H,L,l --charges 0,1,1 [--param k=v ...]
[--dps 30] [--domain amplitudes|real] [--json]``

JSON keys: ``mu2_min``, ``at`` (field -> value), ``origin_value``,
``qball_exists``, ``certified`` (plus ``direction``, ``bound``, ``error``,
``dps``, ``boxes``, ``method``, ``notes``).  Numbers are strings with
``--dps`` digits.  Exit 0 on an answer (whether or not a Q-ball exists),
2 on bad input (including U unbounded below or a vacuum deeper than the
origin).
"""

from __future__ import annotations

from qsym.api.mu2 import mu2_minimum
from qsym.cli.common import add_charge_args, add_json, add_potential_args, potential_from_args


def add_parser(sub):
    p = sub.add_parser(
        "mu2", help="certified global minimum of mu^2 = 2U/sum q^2 phi^2 (eq (9))",
        description="Global minimum of mu^2 = 2U / sum_k q_k^2 phi_k^2 over phi != 0, with a "
                    "branch-and-bound certificate; a Q-ball exists iff it is below its limit "
                    "at the origin. U: a polynomial with terms of degree 2-4 (ray decomposition) or any "
                    "analytic U (exp, log, powers, sqrt, trig; up to 4 fields: Arb-ball branch and bound "
                    "with the large-field limits decided by SymPy first).")
    add_potential_args(p)
    add_charge_args(p)
    p.add_argument("--dps", type=int, default=30, help="digits of the result (default 30)")
    p.add_argument("--domain", choices=("amplitudes", "real"), default="amplitudes",
                   help="field domain: amplitudes >= 0 (default, the qsym convention) or all reals")
    add_json(p)
    return p


def result_text(res) -> str:
    j = res.as_json()
    at = ", ".join(f"{k} = {v}" for k, v in j["at"].items())
    verdict = "a Q-ball exists" if res.qball_exists else "no Q-ball (mu^2 never drops below its origin limit)"
    return "\n".join([
        f"mu^2 min     = {j['mu2_min']}",
        f"at           : {at}",
        f"origin limit = {j['origin_value']}",
        f"verdict      : {verdict}" + ("" if res.certified else
                                         " (existence proven, bracket not closed)" if res.existence_certified
                                         else " (NOT certified: branch-and-bound budget exhausted)"),
        f"bracket      : [{j['bound']['lower']}, {j['bound']['upper']}] ({j['boxes']} boxes)",
    ])


def run(args):
    P = potential_from_args(args)
    from qsym.cli.app import progress_printer
    res = mu2_minimum(P, dps=args.dps, domain=args.domain, progress=progress_printer())
    return res.as_json(), result_text(res)
