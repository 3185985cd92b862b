r"""What a scan point computes: a registry of computations, each ``run(spec, point) -> outputs``.

Every computation rebuilds its potential from text at the point (never a pickled
SymPy object), calls one entry of :mod:`qsym.api`, and returns its numbers as
decimal text (``dps`` digits), so that a stored table is bit-identical
wherever the point ran.

* ``mu2`` -- parameters: those of ``[potential]``; outputs: qball_exists,
  mu2_min, origin_value, gap, certified, error.
* ``mssm`` -- parameters: m_H, m_L, m_l, y, A, g1, g2 (defaults of
  ``qsym mssm``); outputs: as mu2, for the eq (17) toy model.
* ``mssm_threshold`` -- parameters: the toy model's, except the one whose
  threshold is sought (``[options] parameter = "A"``); outputs: threshold,
  below, above, certified, error.
* ``bounce`` -- parameters: the potential's, and ``omega``; outputs: action,
  phi0, error.
* ``qball`` -- parameters: the potential's, and ``charge``; outputs: omega,
  mass, radius, error, stability.
* ``atlas`` -- parameters: those of a one-field ``[potential]``; outputs: the
  atlas quantities of :func:`qsym.api.atlas.atlas`: Q_min, Q_min_omega, Q_s,
  Q_s_omega, m_per_charge, branches, stable_branches (classically stable),
  has_stable_branch, error (``[options] dim``, ``points``).
* ``mssm_winner`` -- parameters: the toy model's and the sneutrino ball's
  ``m_nuR``, ``A_nu``, ``y_nu`` (defaults ``m_l``, ``A``, ``y``); outputs:
  winner (``selectron`` | ``sneutrino`` | ``none``), certified, mu2_selectron,
  mu2_sneutrino, origin_value, selectron_exists, sneutrino_exists, margin,
  error (:mod:`qsym.scans.winner`).

Options (``[options]``): mu2/mssm ``polish`` (default false: the certified
bracket decides existence; true polishes ``mu2_min`` to ``dps`` digits),
``domain`` (``amplitudes`` | ``real``), ``rtol`` (relative width of the certified
bracket, default 1e-9; existence is certified at any rtol, and a coarse one, e.g.
5e-3, makes a large existence map about 1.5x cheaper), the same for mssm_winner;
mssm_threshold ``parameter``, ``from``, ``to``, ``rtol``; bounce ``dim``; atlas ``dim``
(default 3), ``points`` (chart points, default 40).

.. math:: \text{gap} = \min_\phi \mu^2 - \lim_{\phi\to 0}\mu^2 < 0 \iff \text{a Q-ball exists}

>>> from qsym.scans.spec import parse_spec
>>> s = parse_spec({"computation": "mssm", "vary": {"A": {"values": ["0", "3"]}}})
>>> run_point(s, {"A": "3"})["qball_exists"], COMPUTATIONS["mssm"].outputs[:2]
('true', ('qball_exists', 'mu2_min'))
"""

from __future__ import annotations

import dataclasses
import re
from fractions import Fraction
from typing import Callable

import mpmath

from qsym.errors import InputError

__all__ = ["Computation", "COMPUTATIONS", "check", "run_point", "inputs_of"]

_MU2_OUT = ("qball_exists", "mu2_min", "origin_value", "gap", "certified", "error")


@dataclasses.dataclass(frozen=True)
class Computation:
    """A named computation: its outputs, its point-level inputs and options, and ``run``."""
    name: str
    outputs: tuple
    run: Callable
    inputs: tuple = ()           # point-level inputs besides the potential's parameters
    options: tuple = ()
    potential: bool = True       # needs a [potential] table


def _num(x, dps: int) -> str:
    """``x`` (mpf, float, int, Fraction or decimal text) as ``dps`` significant digits."""
    if x is None:
        return ""
    with mpmath.workdps(dps + 10):
        v = (mpmath.mpf(x.numerator) / x.denominator if isinstance(x, Fraction) else mpmath.mpf(x))
        return mpmath.nstr(v, dps, strip_zeros=False)


def _values(spec, point: dict) -> dict:
    return {**dict(spec.fixed), **point}


def _potential(spec, params: dict):
    from qsym.symbolic.potential import Potential
    text, fields, charges = spec.potential
    return Potential(text, list(fields), None if charges is None else list(charges), params)


def _mu2_outputs(res, dps: int) -> dict:
    with mpmath.workdps(dps + 10):
        gap = mpmath.mpf(res.mu2_min) - mpmath.mpf(res.origin_value)
    return {"qball_exists": "true" if res.qball_exists else "false", "mu2_min": _num(res.mu2_min, dps),
            "origin_value": _num(res.origin_value, dps), "gap": _num(gap, dps),
            "certified": "true" if res.existence_certified else "false", "error": _num(res.error, 3)}, res


def _mu2_on(P, spec):
    from qsym.api.mu2 import mu2_minimum
    kw = {"rtol": float(spec.option("rtol"))} if spec.option("rtol") is not None else {}
    res = mu2_minimum(P, dps=spec.dps, domain=spec.option("domain", "amplitudes"),
                      polish=bool(spec.option("polish", False)), **kw)
    return _mu2_outputs(res, spec.dps)


def _run_mu2(spec, point):
    return _mu2_on(_potential(spec, _values(spec, point)), spec)


def _toy_values(spec, point) -> dict:
    from qsym.models import mssm as model
    return {**model.DEFAULTS, **_values(spec, point)}


def _run_winner(spec, point):
    from qsym.scans.winner import EXTRA_PARAMS, run_winner
    values = _toy_values(spec, point)
    for k, default in EXTRA_PARAMS.items():
        values.setdefault(k, values[default])
    return run_winner(spec, values, _mu2_on)


def _run_atlas(spec, point):
    from qsym.api.atlas import atlas
    res = atlas(_potential(spec, _values(spec, point)), dim=int(spec.option("dim", 3)),
                points=int(spec.option("points", 40)), dps=spec.dps)
    stable = [b for b in res.branches if b.get("classically_stable")]
    return {"Q_min": _num(res.Q_min, spec.dps), "Q_min_omega": _num(res.Q_min_omega, spec.dps),
            "Q_s": _num(res.Q_s, spec.dps), "Q_s_omega": _num(res.Q_s_omega, spec.dps),
            "m_per_charge": _num(res.m_per_charge, spec.dps), "branches": str(len(res.branches)),
            "stable_branches": str(len(stable)), "has_stable_branch": "true" if stable else "false",
            "error": _num(res.error, 3)}, res


def _run_mssm(spec, point):
    from qsym.models import mssm as model
    return _mu2_on(model.potential_object(_toy_values(spec, point)), spec)


def _run_threshold(spec, point):
    from qsym.api.mu2 import threshold_scan
    from qsym.models import mssm as model
    values, par = _toy_values(spec, point), spec.option("parameter", "A")
    lo = Fraction(str(spec.option("from", 0)))
    hi = spec.option("to")
    res = threshold_scan(lambda v: model.potential_object({**values, par: v}), par, lo,
                         None if hi is None else Fraction(str(hi)), rtol=float(spec.option("rtol", 1e-6)))
    return {"threshold": _num(res.threshold, spec.dps), "below": _num(res.below, spec.dps),
            "above": _num(res.above, spec.dps), "certified": "true" if res.certified else "false",
            "error": _num(res.error, 3)}, res


def _run_bounce(spec, point):
    from qsym.api.bounce import bounce
    params = _values(spec, point)
    omega = params.pop("omega", None)
    res = bounce(_potential(spec, params), omega=omega, dim=int(spec.option("dim", 3)), dps=spec.dps)
    return {"action": _num(res.action, spec.dps), "phi0": _num(res.phi0, spec.dps),
            "error": _num(res.error, 3)}, res


def _run_qball(spec, point):
    from qsym.api.solve import qball
    params = _values(spec, point)
    charge = params.pop("charge")
    res = qball(_potential(spec, params), charge, dps=spec.dps)
    best = res.solutions[0]
    return {"omega": _num(best.omega, spec.dps), "mass": _num(best.mass, spec.dps),
            "radius": _num(best.radius, spec.dps), "error": _num(best.error, 3),
            "stability": str(best.stability)}, res


COMPUTATIONS = {c.name: c for c in [
    Computation("mu2", _MU2_OUT, _run_mu2, options=("polish", "domain", "rtol")),
    Computation("mssm", _MU2_OUT, _run_mssm, options=("polish", "domain", "rtol"), potential=False),
    Computation("mssm_threshold", ("threshold", "below", "above", "certified", "error"), _run_threshold,
                options=("parameter", "from", "to", "rtol"), potential=False),
    Computation("bounce", ("action", "phi0", "error"), _run_bounce, inputs=("omega",), options=("dim",)),
    Computation("qball", ("omega", "mass", "radius", "error", "stability"), _run_qball, inputs=("charge",)),
    Computation("atlas", ("Q_min", "Q_min_omega", "Q_s", "Q_s_omega", "m_per_charge", "branches",
                          "stable_branches", "has_stable_branch", "error"), _run_atlas, options=("dim", "points")),
    Computation("mssm_winner", ("winner", "certified", "mu2_selectron", "mu2_sneutrino", "origin_value",
                                "selectron_exists", "sneutrino_exists", "margin", "error"), _run_winner,
                options=("polish", "domain", "rtol"), potential=False),
]}


def inputs_of(spec) -> list[str]:
    r"""The names stored as inputs of each point (varied parameters, in spec order).

    .. math:: \text{inputs} = (x_1, \dots, x_k)

    >>> from qsym.scans.spec import parse_spec
    >>> inputs_of(parse_spec({"computation": "mssm", "vary": {"A": {"values": [1]}}}))
    ['A']
    """
    return list(spec.names)


def check(spec) -> None:
    r"""Check a spec against its computation: known names, a potential that parses, no clashes.

    Raises :class:`~qsym.errors.InputError` naming the problem (an unknown
    computation, option or parameter, a missing parameter value).

    .. math:: \text{names}(\text{vary}) \cup \text{names}(\text{fixed}) \subseteq \text{parameters}

    >>> from qsym.scans.spec import parse_spec
    >>> parse_spec({"computation": "mssm", "vary": {"B": {"values": [1]}}})
    Traceback (most recent call last):
    ...
    qsym.errors.InputError: unknown parameter(s) ['B'] of the mssm toy model; known: m_H, m_L, m_l, y, A, g1, g2
    """
    comp = COMPUTATIONS.get(spec.computation)
    if comp is None:
        raise InputError(f"unknown computation {spec.computation!r}; known: {', '.join(COMPUTATIONS)}")
    bad = sorted(set(dict(spec.options)) - set(comp.options))
    if bad:
        raise InputError(f"unknown option(s) {bad} for {comp.name}; known: {', '.join(comp.options) or 'none'}")
    _check_options(dict(spec.options))
    names = set(spec.names) | set(dict(spec.fixed))
    clash = sorted(names & set(comp.outputs))
    if clash:
        raise InputError(f"parameter name(s) {clash} clash with the outputs of {comp.name}")
    if comp.potential:
        _check_potential(spec, comp, names)
    else:
        _check_toy(spec, comp, names)


def _check_options(opts: dict) -> None:
    """Types and ranges of the options, checked before anything runs."""
    def bad(k, what):
        raise InputError(f"[options] {k} = {opts[k]!r}: {what}")
    if "polish" in opts and not isinstance(opts["polish"], bool):
        bad("polish", "must be true or false")
    if "domain" in opts and opts["domain"] not in ("amplitudes", "real"):
        bad("domain", "must be \"amplitudes\" or \"real\"")
    if "dim" in opts and (isinstance(opts["dim"], bool) or not isinstance(opts["dim"], int) or opts["dim"] < 2):
        bad("dim", "must be an integer >= 2")
    if "points" in opts and (isinstance(opts["points"], bool) or not isinstance(opts["points"], int)
                             or not 5 <= opts["points"] <= 10000):
        bad("points", "must be an integer in [5, 10000]")
    if "rtol" in opts:
        try:
            r = float(opts["rtol"])
        except (TypeError, ValueError):
            bad("rtol", "must be a number")
        if not 0 < r < 1e-2:
            bad("rtol", "must be in (0, 0.01)")
    for k in ("from", "to"):
        if k in opts:
            try:
                Fraction(str(opts[k]))
            except (ValueError, ZeroDivisionError):
                bad(k, "must be a rational number")


def _check_toy(spec, comp, names) -> None:
    from qsym.models import mssm as model
    if spec.potential is not None:
        raise InputError(f"{comp.name} is the fixed toy model of eq (17); remove the [potential] table")
    known = list(model.PARAMS)
    if comp.name == "mssm_winner":
        from qsym.scans.winner import EXTRA_PARAMS
        known += list(EXTRA_PARAMS)
    bad = sorted(names - set(known))
    if bad:
        raise InputError(f"unknown parameter(s) {bad} of the mssm toy model; known: {', '.join(known)}")
    if comp.name == "mssm_threshold":
        par = spec.option("parameter", "A")
        if par not in model.PARAMS:
            raise InputError(f"[options] parameter {par!r} is not a toy-model parameter")
        if par in names:
            raise InputError(f"{par!r} is the parameter whose threshold is sought; do not vary or fix it")
    point = spec.points()[0]
    values = _toy_values(spec, point)
    model.potential_object({k: values[k] for k in model.PARAMS})     # values parse, masses are valid
    if comp.name == "mssm_winner":
        from qsym.scans.winner import EXTRA_PARAMS, sneutrino_potential
        sneutrino_potential({**{k: values[d] for k, d in EXTRA_PARAMS.items()}, **values})


def _check_potential(spec, comp, names) -> None:
    if spec.potential is None:
        raise InputError(f"{comp.name} needs a [potential] table (text, fields, charges)")
    text, fields, _ = spec.potential
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
    bad = sorted(n for n in names - set(comp.inputs) if n not in words or n in fields)
    if bad:
        raise InputError(f"unknown parameter(s) {bad}: not symbols of the potential "
                         f"(fields: {', '.join(fields)})")
    missing = [n for n in comp.inputs if n == "charge" and n not in names]
    if missing:
        raise InputError(f"{comp.name} needs a value of {missing[0]!r} (vary it or fix it)")
    params = {k: v for k, v in _values(spec, spec.points()[0]).items() if k not in comp.inputs}
    _potential(spec, params)     # parses; an undeclared symbol is named by the parser


def run_point(spec, point: dict) -> dict:
    r"""The outputs of one point as decimal text (raises the computation's errors).

    .. math:: x \mapsto f(x) \text{ at } dps \text{ digits}

    >>> from qsym.scans.spec import parse_spec
    >>> s = parse_spec({"computation": "mssm", "vary": {"A": {"values": [0]}}})
    >>> run_point(s, {"A": "0"})["qball_exists"]
    'false'
    """
    out, _ = COMPUTATIONS[spec.computation].run(spec, point)
    return out
