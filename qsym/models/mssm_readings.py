r"""Eq (17) of the sec-4 toy model: readings under which the printed D-terms are the gauge D-terms.

:func:`eq17_readings` assigns the toy model's fields to MSSM chiral superfield components
(:data:`GAUGE_CHIRAL_FIELDS`) and checks which assignments make the printed ``V_D`` the
U(1)_Y x SU(2)_L D-terms and which cubic of the MSSM gives ``yA H L l``.  SymPy only;
re-exported by :mod:`qsym.models.mssm`.

.. math:: V_D = \tfrac{g'^2}{2}\Big(\sum_i Y_i|\phi_i|^2\Big)^2 + \tfrac{g^2}{2}\Big(\sum_i T_{3,i}|\phi_i|^2\Big)^2
"""

from __future__ import annotations

import itertools

import sympy as sp

from qsym.models.mssm import d_term_gauge_check, d_terms, g1, g2

__all__ = ["eq17_readings", "GAUGE_CHIRAL_FIELDS"]

_h12 = sp.Rational(1, 2)
#: neutral-Higgs and slepton components of the MSSM chiral superfields:
#: (hypercharge Y, weak isospin T_3, lepton number), Q = T_3 + Y;
#: ``e^c`` is the conjugate singlet (its scalar's conjugate is \tilde e_R)
GAUGE_CHIRAL_FIELDS = {
    "H_1^0": (-_h12, _h12, 0), "H_2^0": (_h12, -_h12, 0),
    "e_L": (-_h12, -_h12, 1), "nu_L": (-_h12, _h12, 1), "e^c": (sp.Integer(1), sp.Integer(0), -1),
}
#: the lepton Yukawa of the MSSM superpotential, W ⊃ y H_1 L e^c: with a neutral Higgs its
#: A-term is y A H_1^0 e_L e^c, and the mu-term F-term gives mu^* H_2^{0*} e_L e^c
_CUBIC_SOURCES = {("H_1^0", "e_L", "e^c", False): "A-term $yAH_1L e^c$",
                  ("H_2^0", "e_L", "e^c", True): r"F-term $\tilde\mu^* H_2^{*} L e^c$"}


def _field_latex(name: str, conj: bool) -> str:
    if name.startswith("H"):
        return name[:3] + "^{0" + ("*" if conj else "") + "}"
    base = {"e_L": r"\tilde e_L", "nu_L": r"\tilde\nu_L",
            "e^c": r"\tilde e^{c}"}[name]
    if conj and name == "e^c":
        return r"\tilde e_R"
    return base + ("^{*}" if conj else "")


def eq17_readings() -> dict:
    r"""Every identification of eq (17)'s ``H, L, l`` with MSSM fields, and which are consistent.

    Each paper field is a component of a chiral superfield or its conjugate
    (:data:`GAUGE_CHIRAL_FIELDS`): ``H`` one of ``H_1^0, H_2^0``, ``L`` one of
    ``\tilde e_L, \tilde\nu_L``, ``l`` the singlet ``\tilde e^c`` (or
    ``\tilde e_R = \tilde e^{c*}``), each possibly conjugated (32 readings).
    For each the checks are, with SymPy rationals:

    - gauge invariance of the trilinear ``H L^* l``: the *variables'* charges
      (a conjugated field has the opposite charges) satisfy
      ``Y_H - Y_L + Y_l = 0`` and ``T_{3H} - T_{3L} + T_{3l} = 0``;
    - the ``U(1)_L`` of (17): ``L`` and ``l`` carry the same nonzero lepton number;
    - the D-terms: a U(1) with charges ``q`` gives ``(g^2/2)(\sum_c q_c|c|^2)^2
      = (g^2/8)(\sum 2q_c|c|^2)^2`` (``D^{1,2}`` of SU(2) vanish with one
      component per doublet), summed over the *chiral* fields, so the bracket
      coefficients are ``2Y`` and ``2T_3`` of the underlying fields, whatever
      the conjugation.  The printed brackets ``(1, -1, 0)`` (``g_1``) and
      ``(1, 1, -2)`` (``g_2``) must equal them up to sign, with the usual
      labels (``g_1`` for ``U(1)_Y``) or swapped;
    - the source of the cubic in the MSSM (:data:`_CUBIC_SOURCES`).

    Returns ``{"printed": {label: vector}, "readings": [...], "consistent": [...]}``;
    every reading is a dict with ``fields`` (name, conjugated) for ``H, L, l``,
    ``trilinear_Y``, ``trilinear_T3``, ``lepton``, ``labels`` (``"usual"``,
    ``"swapped"`` or None), ``source`` and ``vd_identity`` (the D-terms
    rebuilt from the charges equal :func:`d_terms` exactly).

    >>> r = eq17_readings()
    >>> len(r["readings"]), [c["labels"] for c in r["consistent"]]
    (32, ['swapped', 'swapped'])
    """
    a, b, c = sp.symbols("a b c", nonnegative=True)     # |H|^2, |L|^2, |l|^2
    printed = {k: v[0] for k, v in d_term_gauge_check()["printed"].items()}
    P1, P2 = (sp.Matrix(printed[k]) for k in ("g1", "g2"))

    def same_up_to_sign(u, w):
        return u == w or u == -w

    out = []
    for hn, ln, sn in itertools.product(("H_1^0", "H_2^0"), ("e_L", "nu_L"), ("e^c",)):
        for ch, cl, cs in itertools.product((False, True), repeat=3):
            names, conj = (hn, ln, sn), (ch, cl, cs)
            chi = [GAUGE_CHIRAL_FIELDS[n] for n in names]
            var = [tuple(-q if cj else q for q in ch_) for ch_, cj in zip(chi, conj)]
            tri = [var[0][k] - var[1][k] + var[2][k] for k in range(3)]
            hY = sp.Matrix([2 * q[0] for q in chi])
            h3 = sp.Matrix([2 * q[1] for q in chi])
            labels = None
            if same_up_to_sign(hY, P1) and same_up_to_sign(h3, P2):
                labels = "usual"
            elif same_up_to_sign(h3, P1) and same_up_to_sign(hY, P2):
                labels = "swapped"
            vd = None
            if labels:
                gY, gW = (g1, g2) if labels == "usual" else (g2, g1)
                v = sp.Matrix([a, b, c])
                rebuilt = gY**2 / 8 * (hY.dot(v))**2 + gW**2 / 8 * (h3.dot(v))**2
                vd = sp.expand(rebuilt - d_terms(a, b, c)) == 0
            # the monomial H L^* l in terms of the chiral fields: (name, conjugated) per factor
            mono = [(names[0], conj[0]), (names[1], not conj[1]), (names[2], conj[2])]
            src = None
            for flip in (False, True):
                key = tuple(m[0] for m in mono) + (mono[0][1] ^ flip,)
                if all(m[1] == (mono[0][1]) for m in mono[1:]) and key in _CUBIC_SOURCES:
                    src = _CUBIC_SOURCES[key]
            rd = {"fields": dict(zip("HLl", zip(names, conj))),
                  "latex": dict(zip("HLl", (_field_latex(n, cj) for n, cj in zip(names, conj)))),
                  "charges": dict(zip("HLl", var)),
                  "trilinear_Y": tri[0], "trilinear_T3": tri[1], "trilinear_lepton": tri[2],
                  "lepton": (var[1][2], var[2][2]), "hypercharge_bracket": tuple(hY), "isospin_bracket": tuple(h3),
                  "labels": labels, "vd_identity": vd, "source": src}
            rd["consistent"] = bool(tri[0] == 0 and tri[1] == 0 and var[1][2] == var[2][2] != 0
                                    and var[0][2] == 0 and labels is not None and vd)
            out.append(rd)
    return {"printed": printed, "readings": out, "consistent": [r for r in out if r["consistent"]]}
