r"""Selectron ball or sneutrino ball: which L-ball of the sec-4 toy model has the lower mass per charge.

The paper (sec. 4) notes that a neutral selectron L-ball ``{H, e_L, e_R}``
competes with a sneutrino ball ``{H, nu_L, nu_R}``.  Eq (17) is the selectron
ball (its printed D-terms are the gauge D-terms of ``H_1^0, e_L, e^c`` with the
labels ``g_1 <-> SU(2)_L``, ``g_2 <-> U(1)_Y``:
:func:`qsym.models.mssm.eq17_readings`).  The sneutrino ball is the same
potential for ``H_2^0, nu_L, nu^c`` (cubic ``y_nu A_nu H_2 nu_L nu^c`` from
``W = y_nu H_2 L nu^c``, the same F-term structure).  Its D-terms follow from
the charges ``2T_3 = (-1, 1, 0)``, ``2Y = (1, -1, 0)``; ``nu^c`` is a gauge
singlet:

.. math::

    U_{\tilde\nu} = m_H^2 H^2 + m_L^2 N^2 + m_{\nu R}^2 n^2 - 2|y_\nu A_\nu| H N n
        + y_\nu^2 (H^2N^2 + H^2n^2 + N^2n^2) + \tfrac{g_1^2 + g_2^2}{8}(H^2 - N^2)^2 .

``nu_L`` shares the doublet soft mass ``m_L``; ``m_nuR``, ``A_nu``, ``y_nu``
default to ``m_l``, ``A``, ``y`` (then the two balls differ by their D-terms
only, and the map shows which gauge charges make the lighter ball).

At a point both certified mu^2 minima are computed.  The candidates are the
selectron ball (when it exists), the sneutrino ball (when it exists) and free
quanta (``min`` of the two origin limits, i.e. twice the lightest slepton mass
squared); the winner is the lowest (``"none"`` when the quanta are).  It is
``certified`` when the certified brackets of the branch and bound separate the
winner from every other candidate; otherwise the winner is that of the point
values and ``certified = false``.

.. math:: \text{winner} = \arg\min\{\mu^2_{\tilde e}, \mu^2_{\tilde\nu}, \mu^2(0)\}

>>> from qsym.scans.spec import parse_spec
>>> from qsym.scans.computations import run_point
>>> s = parse_spec({"computation": "mssm_winner", "vary": {"A": {"values": [0]}}})
>>> out = run_point(s, {"A": "0"})
>>> out["winner"], out["certified"]
('none', 'true')
"""

from __future__ import annotations

from functools import lru_cache

import mpmath

from qsym.errors import DeeperVacuumError

__all__ = ["SNEUTRINO_TEXT", "SNEUTRINO_FIELDS", "EXTRA_PARAMS", "OUTPUTS", "sneutrino_potential", "decide",
           "run_winner", "WINNERS"]

#: the sneutrino-direction potential (fields H = H_2^0, nuL, nuR; amplitudes >= 0, phases at their optimum)
SNEUTRINO_TEXT = ("m_H**2*H**2 + m_L**2*nuL**2 + m_nuR**2*nuR**2 - 2*Abs(y_nu*A_nu)*H*nuL*nuR"
                  " + y_nu**2*(H**2*nuL**2 + H**2*nuR**2 + nuL**2*nuR**2) + (g1**2 + g2**2)/8*(H**2 - nuL**2)**2")
SNEUTRINO_FIELDS = ("H", "nuL", "nuR")
#: the sneutrino ball's own parameters, and the toy-model parameter each defaults to
EXTRA_PARAMS = {"m_nuR": "m_l", "A_nu": "A", "y_nu": "y"}
OUTPUTS = ("winner", "certified", "mu2_selectron", "mu2_sneutrino", "origin_value", "selectron_exists",
           "sneutrino_exists", "margin", "error")
WINNERS = ("selectron", "sneutrino", "none")
_MASSES = ("m_H", "m_L", "m_nuR")


@lru_cache(maxsize=64)
def _template(masses: tuple):
    from qsym.symbolic.potential import Potential
    params = {"m_H": None, "m_L": None, "m_nuR": None, "y_nu": None, "A_nu": None, "g1": None, "g2": None}
    params.update(dict(masses))
    return Potential(SNEUTRINO_TEXT, list(SNEUTRINO_FIELDS), [0, 1, 1], params)


def sneutrino_potential(values: dict):
    r"""The sneutrino-direction :class:`~qsym.symbolic.potential.Potential` at toy-model ``values``.

    ``values``: the toy model's parameters (all of them) and optionally ``m_nuR``,
    ``A_nu``, ``y_nu`` (defaults :data:`EXTRA_PARAMS`).  Validated once per masses.

    .. math:: U_{\tilde\nu}(H, N, n)

    >>> from qsym.models.mssm import DEFAULTS
    >>> sneutrino_potential(DEFAULTS).mu2_origin()
    2
    """
    v = {k: values[k] for k in ("m_H", "m_L", "g1", "g2")}
    for k, default in EXTRA_PARAMS.items():
        v[k] = values.get(k, values[default])
    return _template(tuple((k, str(v[k])) for k in _MASSES)).with_values(
        **{k: v[k] for k in ("y_nu", "A_nu", "g1", "g2")})


def _mpf(x):
    return mpmath.mpf(x.numerator) / x.denominator if hasattr(x, "denominator") else mpmath.mpf(x)


def decide(sel, snu) -> tuple[str, bool]:
    r"""``(winner, certified)`` from the two :class:`~qsym.numeric.mu2.result.Mu2Result`.

    .. math:: \text{certified} \iff \overline{\mu^2_W} < \underline{\mu^2_C}\ \forall C \ne W

    >>> from types import SimpleNamespace as R
    >>> a = R(qball_exists=True, existence_certified=True, certified=True, mu2_min=1.0, lower=0.9, upper=1.1,
    ...       origin_value=2)
    >>> b = R(qball_exists=True, existence_certified=True, certified=True, mu2_min=1.5, lower=1.4, upper=1.6,
    ...       origin_value=2)
    >>> decide(a, b), decide(b, a)
    (('selectron', True), ('sneutrino', True))
    """
    with mpmath.workdps(40):
        quanta = min(_mpf(sel.origin_value), _mpf(snu.origin_value))
        cands = [("none", quanta, quanta, quanta, True)]
        for name, r in (("selectron", sel), ("sneutrino", snu)):
            if r.qball_exists:
                ok = bool(r.certified and r.existence_certified)
                lo, hi = (_mpf(r.lower), _mpf(r.upper)) if ok else (None, None)
                cands.append((name, _mpf(r.mu2_min), lo, hi, ok))
        win = min(cands, key=lambda c: c[1])
        sure = all(r.existence_certified for r in (sel, snu)) and win[4]
        for c in cands:
            if c is not win:
                sure = sure and c[4] and win[3] < c[2]
        return win[0], bool(sure)


def run_winner(spec, values: dict, mu2_on) -> tuple[dict, object]:
    """The outputs of one winner-map point (``mu2_on(P, spec) -> (outputs, Mu2Result)``)."""
    from qsym.models import mssm as model
    toy = {k: values[k] for k in model.PARAMS}
    try:
        _, sel = mu2_on(model.potential_object(toy), spec)
    except DeeperVacuumError as exc:
        raise DeeperVacuumError(f"selectron direction: {exc}") from None
    try:
        _, snu = mu2_on(sneutrino_potential(values), spec)
    except DeeperVacuumError as exc:
        raise DeeperVacuumError(f"sneutrino direction: {exc}") from None
    winner, sure = decide(sel, snu)
    dps = spec.dps
    with mpmath.workdps(dps + 10):
        quanta = min(_mpf(sel.origin_value), _mpf(snu.origin_value))
        margin = _mpf(snu.mu2_min) - _mpf(sel.mu2_min)
        out = {"winner": winner, "certified": "true" if sure else "false",
               "mu2_selectron": mpmath.nstr(_mpf(sel.mu2_min), dps, strip_zeros=False),
               "mu2_sneutrino": mpmath.nstr(_mpf(snu.mu2_min), dps, strip_zeros=False),
               "origin_value": mpmath.nstr(quanta, dps, strip_zeros=False),
               "selectron_exists": "true" if sel.qball_exists else "false",
               "sneutrino_exists": "true" if snu.qball_exists else "false",
               "margin": mpmath.nstr(margin, dps, strip_zeros=False),
               "error": mpmath.nstr(max(_mpf(sel.error), _mpf(snu.error)), 3, strip_zeros=False)}
    status = sel if not sel.certified else snu
    return out, status
