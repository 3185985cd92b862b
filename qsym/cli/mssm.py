"""``qsym mssm``: the sec-4 slepton/Higgs toy model, eqs (16)-(19).

``qsym mssm [--param k=v ...] [--dps 30] [--json]``
    gamma_2, gamma_3, gamma_4 of eq (19) (derived; SymPy text) and the
    certified minimum of mu^2 at the given parameters.  JSON keys:
    ``gamma2, gamma3, gamma4, mu2_min, origin_value, qball_exists, at``
    (plus ``certified``, ``parameters``, ``gamma3_printed``, ``gamma3_ratio``).

``qsym mssm threshold --scan A [--param k=v ...] [--from X] [--to Y] [--json]``
    smallest value of the scanned parameter for which an L-ball exists.
    A continuous onset at the origin (degenerate sleptons ``m_L = m_l``, or
    ``g1 = g2 = 0``; scan ``A``) is detected and given exactly: closed form,
    ``--dps`` digits (default 30), an exact rational enclosure, proven
    (:func:`qsym.models.mssm.continuous_threshold`) and confirmed by the
    certified mu^2 minimum just below and just above.  Otherwise the onset is
    first-order (the L-ball appears at finite field values) and the threshold
    comes from a certified bisection to ``--rtol``.  JSON keys: ``threshold,
    parameter`` (plus ``bracket, certified, steps, notes, kind`` =
    ``"continuous"|"first-order"`` and ``closed_form`` = ``{"sympy", "latex"}``
    or null).
"""

from __future__ import annotations

import sympy as sp

from qsym.errors import InputError
from qsym.api.mu2 import continuous_threshold_result, mu2_minimum, threshold_scan
from qsym.models import mssm as model
from qsym.cli.common import add_json, parse_params

_DEFAULTS_HELP = ", ".join(f"{k}={v}" for k, v in model.DEFAULTS.items())


def add_parser(sub):
    p = sub.add_parser(
        "mssm", help="the eq (17) slepton/Higgs toy model: gammas, mu^2 minimum, L-ball threshold",
        description="Toy model of sec. 4: U = m_H^2|H|^2 + m_L^2|L|^2 + m_l^2|l|^2 "
                    "- yA(H L* l + c.c.) + y^2(|HL|^2 + |Hl|^2 + |Ll|^2) + V_D, charges "
                    "(H, L, l) = (0, 1, 1). Parameters (defaults): " + _DEFAULTS_HELP
                    + ". Masses are in arbitrary units; U contains their squares.")
    p.add_argument("action", nargs="?", choices=("threshold",), default=None,
                   help="'threshold': scan a parameter for the L-ball threshold")
    p.add_argument("--param", action="append", default=[], metavar="k=v",
                   help="parameter value, repeatable; one of " + ", ".join(model.PARAMS))
    p.add_argument("--scan", default=None,
                   help="parameter to scan (threshold only; e.g. A). The bisection assumes that "
                        "L-balls switch on as the parameter grows (true for |A|: mu^2 decreases "
                        "pointwise with |yA|); it checks both ends")
    p.add_argument("--from", dest="scan_from", default="0",
                   help="start of the scan, where no L-ball exists (default 0)")
    p.add_argument("--to", dest="scan_to", default=None,
                   help="end of the scan (default: doubled until an L-ball exists)")
    p.add_argument("--rtol", type=float, default=1e-6, help="relative width of the threshold bracket")
    p.add_argument("--dps", type=int, default=30,
                   help="digits of mu2_min, and of an exact (continuous-onset) threshold (default 30)")
    add_json(p)
    return p


def _values(args) -> dict:
    given = parse_params(args.param)
    unknown = sorted(set(given) - set(model.PARAMS))
    if unknown:
        raise InputError(f"unknown parameter(s) {unknown}; known: {', '.join(model.PARAMS)}")
    return {**model.DEFAULTS, **given}


def run(args):
    values = _values(args)
    if args.action == "threshold":
        return _run_threshold(args, values)
    if args.scan is not None:
        raise InputError("--scan is only used with 'qsym mssm threshold'")
    g = model.gammas()
    ratio = sp.simplify(g["gamma3"] / model.printed_gamma3())
    from qsym.cli.app import progress_printer
    res = mu2_minimum(model.potential_object(values), dps=args.dps, progress=progress_printer())
    j = res.as_json()
    payload = {
        "gamma2": str(g["gamma2"]), "gamma3": str(g["gamma3"]), "gamma4": str(g["gamma4"]),
        "gamma3_printed": str(model.printed_gamma3()), "gamma3_ratio": str(ratio),
        "mu2_min": j["mu2_min"], "origin_value": j["origin_value"],
        "qball_exists": j["qball_exists"], "at": j["at"], "certified": j["certified"],
        "bound": j["bound"], "parameters": dict(values),
    }
    text = "\n".join([
        "eq (19): mu^2 = [gamma2 - y A gamma3 F + gamma4 F^2] / cos^2(xi)",
        f"gamma2 = {g['gamma2']}",
        f"gamma3 = {g['gamma3']}   (printed: {model.printed_gamma3()}; ratio {ratio})",
        f"gamma4 = {g['gamma4']}",
        "parameters: " + ", ".join(f"{k}={v}" for k, v in values.items()),
        f"mu^2 min = {j['mu2_min']} at " + ", ".join(f"{k}={v}" for k, v in j["at"].items()),
        f"origin   = {j['origin_value']}",
        "L-ball exists" if res.qball_exists else "no L-ball",
    ])
    return payload, text


def _run_threshold(args, values):
    if not args.scan:
        raise InputError("'qsym mssm threshold' needs --scan PARAMETER (e.g. --scan A)")
    if args.scan not in model.PARAMS:
        raise InputError(f"--scan {args.scan!r} is not a parameter; known: {', '.join(model.PARAMS)}")
    if not 0 < args.rtol < 0.1:
        raise InputError(f"--rtol must be in (0, 0.1), got {args.rtol}")
    from qsym.symbolic.potential import parse_value
    from fractions import Fraction

    def frac(text):
        v = parse_value(text)
        if not v.is_Rational:
            raise InputError(f"scan limits must be rational numbers, got {text!r}")
        return Fraction(int(v.p), int(v.q))

    lo = frac(args.scan_from)
    hi = frac(args.scan_to) if args.scan_to is not None else None
    if hi is not None and hi <= lo:
        raise InputError("--to must be larger than --from")

    def make(v):
        return model.potential_object({**values, args.scan: v})

    from qsym.bridge import check_dps
    from qsym.cli.app import progress_printer
    dps = check_dps(args.dps)
    exact = model.continuous_threshold(values, args.scan, dps) if lo >= 0 else None
    if exact is not None and lo < exact["below"] and (hi is None or exact["above"] < hi):
        cf = exact["closed_form"]
        res = continuous_threshold_result(
            args.scan, Fraction(int(exact["below"].p), int(exact["below"].q)),
            Fraction(int(exact["above"].p), int(exact["above"].q)), exact["text"],
            {"sympy": str(cf), "latex": sp.latex(cf)}, notes=[exact["note"]],
            check=lambda v: mu2_minimum(make(v), dps=15, polish=False), progress=progress_printer(), dps=dps)
    else:
        res = threshold_scan(make, args.scan, lo, hi, rtol=args.rtol, progress=progress_printer())
        res = res.replace(notes=[*res.notes, _first_order_note(values, args.scan, exact)])
    payload = res.as_json()
    if res.kind == "continuous":
        text = (f"L-ball threshold (continuous onset at the origin): {args.scan} = {payload['threshold']}\n"
                f"closed form: {args.scan} = {payload['closed_form']['sympy']}\n"
                f"exact enclosure [{payload['bracket'][0]}, {payload['bracket'][1]}]"
                + ("" if res.certified else "\nNOT certified: " + "; ".join(res.notes)))
        return payload, text
    text = (f"L-ball threshold (first-order onset): {args.scan} = {payload['threshold']} "
            f"(no L-ball at {payload['bracket'][0]}, L-ball at {payload['bracket'][1]})"
            + ("" if res.certified else "; NOT certified: " + "; ".join(res.notes)))
    return payload, text


def _first_order_note(values: dict, scan: str, exact) -> str:
    """Why the onset was treated as first-order (the L-ball appears at finite field values)."""
    from qsym.symbolic.potential import parse_value
    v = {k: parse_value(str(x)) for k, x in values.items()}
    if scan != "A":
        return "first-order: only scans of A are analysed at the origin; bisection"
    if v["g1"] == 0 and v["g2"] == 0:
        return "g1 = g2 = 0 but the closed-form threshold lies outside the scan range; bisection"
    if v["m_L"] != v["m_l"]:
        return ("first-order: m_L != m_l and (g1, g2) != 0, so the origin is a local minimum of mu^2 for "
                "every A (see the audit entry origin-not-local-min); the L-ball appears at finite F")
    if v["y"] == 0:
        return "y = 0: the trilinear vanishes"
    if exact is None:
        return ("first-order: m_L = m_l but at the local threshold the exact condition f(s, a) >= 0 fails "
                "at s = H^2 > 0, so an L-ball appears away from the origin first; bisection")
    return "the exact threshold lies outside the scan range; bisection"
