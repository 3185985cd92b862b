r"""Reference potentials that the CLI (``--model NAME``) and the API can name.

Each entry is written in qsym's amplitude ``phi`` (README, Conventions): the complex field is
``exp(i omega t) phi(r)`` with kinetic terms ``|d phi|^2/2``, so the canonically normalised field of
the literature, with kinetic term ``|d Phi|^2``, is

.. math:: \Phi = \frac{\phi}{\sqrt 2}\,e^{i\omega t}, \qquad
          U(\phi) = U_{\mathrm{lit}}\big(|\Phi| = \phi/\sqrt2\big), \qquad
          Q = \omega\int\phi^2\,d^3x = 2\omega\int|\Phi|^2\,d^3x .

So a paper's ``U_lit(|Phi|)`` becomes a qsym potential by the substitution ``|Phi| -> phi/sqrt(2)``;
the mass of the quanta is the same (``U ~ m^2 phi^2/2`` iff ``U_lit ~ m^2 |Phi|^2``), and so are
``Q``, ``omega`` and ``M_Q``.

Catalogue (parameters with their defaults, as exact text):

========== ===================================================================== =====================
name       U(phi)                                                                 source
========== ===================================================================== =====================
paper      ``M^2 phi^2/2 - A phi^3 + lam phi^4``                                  eq. (13) of the paper
sextic     ``m^2 phi^2/2 - g phi^4 + h phi^6``                                    Q_min > 0 (sec. 2 end)
gmsb       ``m^4 log(1 + phi^2/(2 m^2))``                                         gauge mediation, flat
gravity    ``m^2 phi^2/2 (1 + K log(phi^2/(2 M^2))) + h phi^6`` (K < 0)           gravity mediation
========== ===================================================================== =====================

SymPy only (models layer).

>>> sorted(names())
['gmsb', 'gravity', 'paper', 'sextic']
>>> model_potential("paper").U()
phi**4 - phi**3 + phi**2/2
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qsym.errors import InputError
from qsym.symbolic.potential import Potential

__all__ = ["CatalogueModel", "CATALOGUE", "names", "get_model", "model_potential"]


@dataclass(frozen=True)
class CatalogueModel:
    """One reference potential: its text in qsym's amplitude, the field name, the parameters with
    their default values (exact text), and what it is."""

    name: str
    potential: str
    params: dict
    title: str
    literature: str
    notes: str = ""
    fields: tuple = ("phi",)
    charges: tuple = (1,)
    extra: dict = field(default_factory=dict)
    #: why the numeric engines cannot take this model yet (None: they can)
    unsupported: str | None = None

    def describe(self) -> dict:
        """Plain data for ``--json`` and the documentation.

        >>> get_model("gmsb").describe()["params"]
        {'m': '1'}
        """
        return {"name": self.name, "potential": self.potential, "fields": list(self.fields),
                "params": dict(self.params), "title": self.title, "literature": self.literature,
                "notes": self.notes, "numeric_engines": self.unsupported is None}


CATALOGUE = {
    "paper": CatalogueModel(
        "paper", "M**2*phi**2/2 - A*phi**3 + lam*phi**4", {"M": "1", "A": "1", "lam": "1"},
        "the paper's cubic-quartic potential", "A. Kusenko, hep-ph/9704273, eq. (13)",
        "thin wall at omega -> omega_min, thick wall (sec. 3) at omega -> M; Q_min = 0"),
    "sextic": CatalogueModel(
        "sextic", "m**2*phi**2/2 - g*phi**4 + h*phi**6", {"m": "1", "g": "1", "h": "1"},
        "quartic-sextic potential", "the counterexample of qsym's audit (sec2-no-lower-limit)",
        "leading small-field nonlinearity phi^4: Q(omega) has an interior minimum Q_min > 0"),
    "gmsb": CatalogueModel(
        "gmsb", "m**4*log(1 + phi**2/(2*m**2))", {"m": "1"},
        "gauge-mediated flat direction (logarithmic plateau)",
        "Dvali, Kusenko, Shaposhnikov, Phys. Lett. B417 (1998) 99; U_lit = m^4 log(1 + |Phi|^2/m^2)",
        "mu^2 -> 0 at large field: the window reaches omega -> 0 and M_Q grows as Q^(3/4)"),
    "gravity": CatalogueModel(
        "gravity", "m**2*phi**2/2*(1 + K*log(phi**2/(2*M**2))) + h*phi**6",
        {"m": "1", "K": "-1/10", "M": "1", "h": "1/1000"},
        "gravity-mediated flat direction (one-loop logarithm, K < 0), lifted by a phi^6 term",
        "Enqvist, McDonald, Phys. Lett. B425 (1998) 309; U_lit = m^2 |Phi|^2 (1 + K log(|Phi|^2/M^2)) "
        "+ 8 h |Phi|^6",
        "not analytic at phi = 0 (U ~ phi^2 log phi^2, no mass gap): Gaussian tails, window omega_min < "
        "omega < infinity, Q -> 0 as omega -> infinity (the gausson, qsym.symbolic.flatdir.gausson, "
        "when h = 0); h > 0 (the non-renormalisable term) keeps U bounded below: h = 0 is refused"),
}


def names() -> list:
    """The catalogue's names.

    .. math:: \\{\\text{paper}, \\text{sextic}, \\text{gmsb}, \\text{gravity}\\}

    >>> "gmsb" in names()
    True
    """
    return list(CATALOGUE)


def get_model(name: str) -> CatalogueModel:
    r"""The catalogue entry ``name`` (InputError naming the known ones otherwise).

    .. math:: U_{\mathrm{name}}(\phi)

    >>> get_model("sextic").params["h"]
    '1'
    """
    key = str(name).strip().lower()
    if key not in CATALOGUE:
        raise InputError(f"unknown model {name!r}; the catalogue has: {', '.join(CATALOGUE)}")
    return CATALOGUE[key]


def model_potential(name: str, params: dict | None = None, charges=None) -> Potential:
    r"""The validated :class:`Potential` of a catalogue model, with ``params`` overriding the defaults.

    A parameter the model does not have is an InputError (never silently ignored).

    .. math:: U(\phi) = U_{\mathrm{lit}}(\phi/\sqrt2)

    >>> model_potential("sextic", {"g": "3/2"}).U()
    phi**6 - 3*phi**4/2 + phi**2/2
    """
    m = get_model(name)
    if m.unsupported:
        raise InputError(m.unsupported)
    params = dict(params or {})
    unknown = sorted(set(params) - set(m.params))
    if unknown:
        raise InputError(f"model {m.name!r} has no parameter {unknown[0]!r} (its parameters: "
                         f"{', '.join(m.params)})")
    return Potential(m.potential, list(m.fields), charges if charges is not None else list(m.charges),
                     {**m.params, **params})
