r"""The slepton/Higgs toy model of sec. 4 (paper eqs (16)-(19)), symbolically.

Fields: the Higgs ``H`` (U(1)_L neutral), the left slepton ``L`` (= \tilde L_L)
and the right slepton ``l`` (= \tilde l_R), both of unit lepton number.  Each
complex field is written ``amplitude * exp(i phase)``.  Eq (17):

.. math::

    U = m_H^2|H|^2 + m_L^2|L|^2 + m_l^2|l|^2 - yA(H L^* l + c.c.)
        + y^2(|H^2L^2| + |H^2 l^2| + |L^2 l^2|) + V_D,

    V_D = \tfrac{g_1^2}{8}(|H|^2-|L|^2)^2 + \tfrac{g_2^2}{8}(|H|^2+|L|^2-2|l|^2)^2 .

The only phase dependence is the trilinear term,
``-yA(H L* l + c.c.) = -2 y A |H||L||l| cos(alpha)`` with
``alpha = alpha_H - alpha_L + alpha_l``, so the minimum over phases has
``cos(alpha) = sign(yA)`` and leaves ``-2|yA| |H||L||l|``
(:func:`phase_reduction` proves it).  With real *signed* amplitudes
(``alpha = 0``) the cubic is ``-2 y A H L l``; the sign of the amplitudes is the
residual phase freedom, which is why eq (19) reads ``-yA gamma_3 F``.

Derived results (see :func:`gammas`): with the parametrisation (18),
``mu^2 = 2U/(|L|^2+|l|^2) = [gamma_2 - yA gamma_3 F + gamma_4 F^2]/cos^2(xi)``
with ``gamma_3 = 2 cos^2(xi) sin(xi) sin(2 theta)``, twice the printed value.

This module imports SymPy only.

>>> g = gammas()
>>> sp.simplify(g["gamma3"] / printed_gamma3())
2
"""

from __future__ import annotations

from functools import lru_cache
from typing import Mapping

import sympy as sp

from qsym.errors import InputError
from qsym.symbolic.potential import Potential, parse_value

__all__ = ["FIELDS", "CHARGES", "PARAMS", "DEFAULTS", "F", "XI", "THETA",
           "toy_potential", "real_slice", "d_terms", "corrected_d_terms", "d_term_gauge_check", "superpotential_f_terms",
           "phase_reduction", "u1_invariance", "parametrisation", "mu2_parametrised",
           "gammas", "printed_gamma3", "gamma_nonnegativity", "no_lball_certificate", "vertex_threshold",
           "local_threshold", "d_flat_threshold", "potential_object", "latex_gammas",
           "degenerate_onset", "continuous_threshold", "certified_enclosure", "eq17_readings",
           "GAUGE_CHIRAL_FIELDS"]

#: field names (real amplitudes) and their U(1)_L charges
FIELDS = ("H", "L", "l")
CHARGES = (0, 1, 1)
#: parameter names of eq (17) (U contains the squares of the masses)
PARAMS = ("m_H", "m_L", "m_l", "y", "A", "g1", "g2")
#: default parameter values of the ``qsym mssm`` command (exact decimals):
#: unit Higgs and left-slepton masses, a heavier right slepton, y = 1/2,
#: A = 2 (above the L-ball threshold, below the charge/colour-breaking bound)
#: and g1 = 0.36, g2 = 0.65 (the weak-scale g' and g in the printed label order).
#: Under the gauge-consistent readings of eq (17) (:func:`eq17_readings`) the
#: printed g1 multiplies the SU(2)_L D-term and g2 the hypercharge one, so the
#: weak-scale couplings are g1 = 0.65, g2 = 0.36 there; the audit reports both.
DEFAULTS = {"m_H": "1", "m_L": "1", "m_l": "1.2", "y": "0.5", "A": "2",
            "g1": "0.36", "g2": "0.65"}

# amplitudes >= 0 and phases
_h, _L, _l = sp.symbols("H L l", nonnegative=True)
_aH, _aL, _al = sp.symbols("alpha_H alpha_L alpha_l", real=True)
# the same names as real (signed) amplitudes, as Potential uses them
_hr, _Lr, _lr = sp.symbols("H L l", real=True)
m_H, m_L, m_l, y, A, g1, g2 = sp.symbols("m_H m_L m_l y A g1 g2", real=True)
#: parametrisation (18): radius and angles
F = sp.Symbol("F", nonnegative=True)
XI, THETA = sp.symbols("xi theta", real=True)
ALPHA = sp.Symbol("alpha", real=True)


def _complex_fields():
    return (_h * sp.exp(sp.I * _aH), _L * sp.exp(sp.I * _aL), _l * sp.exp(sp.I * _al))


def d_terms(H2, L2, l2) -> sp.Expr:
    """``V_D`` of eq (17) as a function of ``|H|^2, |L|^2, |l|^2``."""
    return g1**2 / 8 * (H2 - L2)**2 + g2**2 / 8 * (H2 + L2 - 2 * l2)**2


def corrected_d_terms(H2, L2, l2) -> sp.Expr:
    """D-terms invariant under the *literal* reading (``H, L, l`` all chiral fields); a different model.

    Kept for comparison only: :func:`eq17_readings` finds readings under
    which the printed :func:`d_terms` are already the gauge D-terms, so the
    audit does not use this form.

    The printed brackets correspond to charges ``(1, -1, 0)`` and
    ``(1, 1, -2)`` on ``(H, L, l)``; gauge invariance of ``H L* l`` needs
    ``X_H - X_L + X_l = 0``, which neither satisfies.  Moving ``-2|l|^2`` to
    the first bracket gives ``(1, -1, -2)`` (hypercharge of ``H_2^0``,
    ``e_L``, ``e_R`` up to a factor 2) and ``(1, 1, 0)`` (``T_3``), both
    invariant; see :func:`d_term_gauge_check`.
    """
    return g1**2 / 8 * (H2 - L2 - 2 * l2)**2 + g2**2 / 8 * (H2 + L2)**2


def d_term_gauge_check() -> dict:
    r"""Charges generating each D-term bracket and their action on ``H L* l`` (literal reading).

    The literal reading takes the bracket coefficients as the charges of the
    variables ``H, L, l`` themselves (no field is a conjugate); see
    :func:`eq17_readings` for all readings.

    A D-term of a U(1) with charges ``X`` is ``(g^2/8)(sum X_i |phi_i|^2)^2``
    (normalisation of eq (17)); the superpotential/soft term must be neutral:
    ``X_H - X_L + X_l = 0`` for ``H L* l``.

    >>> chk = d_term_gauge_check()
    >>> chk["printed"], chk["corrected"]
    ({'g1': ((1, -1, 0), 2), 'g2': ((1, 1, -2), -2)}, {'g1': ((1, -1, -2), 0), 'g2': ((1, 1, 0), 0)})
    """
    a, b, c = sp.symbols("a b c", nonnegative=True)     # |H|^2, |L|^2, |l|^2

    def generators(VD):
        out = {}
        for gk in (g1, g2):
            Q = sp.Poly(sp.expand(VD).coeff(gk**2) * 8, a, b, c)   # (X.v)^2
            vs = (a, b, c)
            sq = [Q.coeff_monomial(v**2) for v in vs]
            i0 = next(i for i, v in enumerate(sq) if v != 0)
            x0 = sp.sqrt(sq[i0])
            X = [Q.coeff_monomial(vs[i0] * vs[j]) / (2 * x0) if j != i0 else x0 for j in range(3)]
            # (X.v)^2 must reproduce the bracket exactly
            assert sp.expand((sum(x * v for x, v in zip(X, vs)))**2 - Q.as_expr()) == 0
            X = tuple(int(x) for x in X)
            out[gk.name] = (X, X[0] - X[1] + X[2])
        return out
    return {"printed": generators(d_terms(a, b, c)), "corrected": generators(corrected_d_terms(a, b, c))}


@lru_cache(maxsize=None)
def toy_potential(complex: bool = False, dterms: str = "printed") -> sp.Expr:
    r"""Eq (17).

    ``complex=True``: built from the complex fields ``H = H e^{i alpha_H}``,
    ``L = L e^{i alpha_L}``, ``l = l e^{i alpha_l}`` literally as printed
    (``|H^2 L^2|`` etc., ``+ c.c.``) and reduced to a real expression of the
    amplitudes and phases.  ``complex=False``: the real-amplitude potential
    (amplitudes ``H, L, l >= 0``) with the phases at their optimum, which
    gives the trilinear ``-2|yA| H L l``.  ``dterms="corrected"`` swaps in
    :func:`corrected_d_terms` (real amplitudes only).

    >>> U = toy_potential(complex=True)
    >>> sorted(s.name for s in U.free_symbols if s.name.startswith("alpha"))
    ['alpha_H', 'alpha_L', 'alpha_l']
    >>> toy_potential().coeff(sp.Symbol("H", real=True)*sp.Symbol("L", real=True)*sp.Symbol("l", real=True))
    -2*Abs(A*y)
    """
    if complex:
        Hc, Lc, lc = _complex_fields()
        # the exponentials of the cubic combined into one phase (exact): its real part is then a
        # single cosine, and expand_complex leaves no products of sines and cosines to simplify
        cub = sp.powsimp(Hc * sp.conjugate(Lc) * lc)
        U = (m_H**2 * sp.Abs(Hc)**2 + m_L**2 * sp.Abs(Lc)**2 + m_l**2 * sp.Abs(lc)**2
             - y * A * (cub + sp.conjugate(cub))
             + y**2 * (sp.Abs(Hc**2 * Lc**2) + sp.Abs(Hc**2 * lc**2) + sp.Abs(Lc**2 * lc**2))
             + d_terms(sp.Abs(Hc)**2, sp.Abs(Lc)**2, sp.Abs(lc)**2))
        return sp.expand(sp.expand_complex(U))
    VD = {"printed": d_terms, "corrected": corrected_d_terms}.get(dterms)
    if VD is None:
        raise InputError(f"dterms must be 'printed' or 'corrected', got {dterms!r}")
    U = (m_H**2 * _hr**2 + m_L**2 * _Lr**2 + m_l**2 * _lr**2
         - 2 * sp.Abs(y * A) * _hr * _Lr * _lr
         + y**2 * (_hr**2 * _Lr**2 + _hr**2 * _lr**2 + _Lr**2 * _lr**2)
         + VD(_hr**2, _Lr**2, _lr**2))
    return U


def real_slice() -> sp.Expr:
    """Eq (17) with all phases zero and real *signed* amplitudes ``H, L, l``.

    The cubic is ``-2 y A H L l``; flipping the sign of an amplitude is the
    phase ``alpha -> alpha + pi``, so the minimum over signs equals the
    minimum over phases.

    >>> real_slice().coeff(sp.Symbol("H", real=True)*sp.Symbol("L", real=True)*sp.Symbol("l", real=True))
    -2*A*y
    """
    return toy_potential(complex=False).subs(sp.Abs(y * A), y * A)


def superpotential_f_terms() -> dict:
    r"""F-terms of eq (16), ``W = y H_2 Phi phi + mu H_1 H_2``, with complex fields.

    Returns ``{"V_F": ..., "cubic": ..., "quartic": ...}`` where the cubic is
    the part of ``sum_i |dW/dX_i|^2`` of degree 3 in the fields.  With
    independent complex symbols the cubic comes out as
    ``y mu^* H_1^* Phi phi + c.c.``: it contains ``H_1`` (conjugated), not
    ``H_2`` as the text after (16) says.

    >>> ft = superpotential_f_terms()
    >>> sorted(str(s) for s in ft["cubic"].free_symbols)
    ['H1', 'Phi', 'mu', 'phi', 'y']
    """
    H1, H2, Phi, phi, mu = sp.symbols("H1 H2 Phi phi mu")
    yy = sp.Symbol("y")
    W = yy * H2 * Phi * phi + mu * H1 * H2
    fields = (H1, H2, Phi, phi)
    VF = sp.expand(sum(sp.diff(W, X) * sp.conjugate(sp.diff(W, X)) for X in fields))
    # degree in the fields (conjugates count): scale all fields by t
    t = sp.Symbol("t", positive=True)
    scaled = sp.expand(VF.subs({X: t * X for X in fields}, simultaneous=True))
    poly = sp.Poly(scaled, t)
    parts = {k[0]: v for k, v in zip(poly.monoms(), poly.coeffs())}
    return {"W": W, "V_F": VF, "quadratic": parts.get(2, 0), "cubic": parts.get(3, 0),
            "quartic": parts.get(4, 0)}


def _reduce(e) -> sp.Expr:
    """``e`` expanded (an exact normal form of these polynomials in the amplitudes and ``cos alpha``);
    simplified only when expanding leaves something."""
    x = sp.expand(e)
    return x if x == 0 else sp.simplify(e)


def _zero(e) -> bool:
    """True when ``e`` is identically zero (:func:`_reduce`)."""
    return _reduce(e) == 0


def phase_reduction() -> dict:
    r"""Proof that the phases enter only through ``alpha = alpha_H - alpha_L + alpha_l``.

    Returns a dict with

    - ``alpha``: the invariant phase combination;
    - ``U_alpha``: eq (17) as a function of the amplitudes and ``alpha``;
    - ``phase_free``: the phase-independent part;
    - ``trilinear``: ``-2 y A H L l cos(alpha)``;
    - ``excess``: ``U(alpha) - U(alpha_opt) = 2|yA| H L l (1 - cos(alpha - alpha_opt))``,
      with ``alpha_opt = 0`` if ``yA > 0`` and ``pi`` if ``yA < 0``, which is
      manifestly ``>= 0``: the optimum is ``cos(alpha) = sign(yA)``;
    - ``verified``: True when all identities simplify to zero.

    >>> pr = phase_reduction()
    >>> pr["verified"], pr["trilinear"]
    (True, -2*A*H*L*l*y*cos(alpha))
    """
    return dict(_phase_reduction())


@lru_cache(maxsize=None)
def _phase_reduction() -> dict:
    U = toy_potential(complex=True)
    alpha = _aH - _aL + _al
    # substitute alpha_H = alpha + alpha_L - alpha_l: U must then be free of alpha_L, alpha_l
    U_a = sp.expand(sp.expand_trig(U.subs(_aH, ALPHA + _aL - _al)))
    free_of_others = not (U_a.has(_aL) or U_a.has(_al))
    trilinear = -2 * y * A * _h * _L * _l * sp.cos(ALPHA)
    phase_free = sp.expand(U_a - trilinear)
    ok_split = not phase_free.has(ALPHA)
    U_opt_pos = U_a.subs(ALPHA, 0)        # yA > 0
    U_opt_neg = U_a.subs(ALPHA, sp.pi)    # yA < 0
    ok_opt = (_zero(U_opt_pos - (phase_free - 2 * y * A * _h * _L * _l))
              and _zero(U_opt_neg - (phase_free + 2 * y * A * _h * _L * _l)))
    # excess over the optimum, for each sign of yA
    exc_pos = _reduce(U_a - U_opt_pos - 2 * y * A * _h * _L * _l * (1 - sp.cos(ALPHA)))
    exc_neg = _reduce(U_a - U_opt_neg + 2 * y * A * _h * _L * _l * (1 + sp.cos(ALPHA)))
    # optimal value agrees with the real-amplitude potential of toy_potential()
    red = toy_potential(complex=False).subs({_hr: _h, _Lr: _L, _lr: _l})
    ok_red = all(_zero(red.subs(sp.Abs(y * A), s * y * A) - (phase_free - 2 * s * y * A * _h * _L * _l))
                 for s in (1, -1))
    verified = bool(free_of_others and ok_split and ok_opt and exc_pos == 0 and exc_neg == 0 and ok_red)
    return {"alpha": alpha, "U_alpha": U_a, "phase_free": phase_free, "trilinear": trilinear,
            "excess": 2 * sp.Abs(y * A) * _h * _L * _l * (1 - sp.cos(ALPHA - sp.Symbol("alpha_opt"))),
            "verified": verified}


def u1_invariance() -> dict:
    r"""U(1)_L check: ``L -> e^{i t} L``, ``l -> e^{i t} l``, ``H`` fixed leaves U unchanged.

    Also checks that ``H`` is *not* charged (a phase on ``H`` alone changes
    U when ``yA != 0``) and that each slepton alone is not a symmetry.

    >>> u1_invariance()["invariant"]
    True
    """
    return dict(_u1_invariance())


@lru_cache(maxsize=None)
def _u1_invariance() -> dict:
    U = toy_potential(complex=True)
    t = sp.Symbol("t", real=True)

    def reduce(e):
        # the phases enter through cos/sin of sums: expanding them is an exact normal form
        # for this trigonometric polynomial (much cheaper than simplify)
        return sp.expand(sp.expand_trig(sp.expand(e)))

    def nonzero(e):
        # a value far from zero at one rational point (evaluated to 30 digits) proves e != 0
        pt = {sym: sp.Rational(k + 2, k + 3) for k, sym in enumerate(sorted(e.free_symbols, key=str))}
        return bool(abs(sp.N(e.subs(pt), 30)) > sp.Rational(1, 10**20))

    rot = reduce(U.subs({_aL: _aL + t, _al: _al + t}, simultaneous=True) - U)
    if rot != 0:
        rot = sp.simplify(rot)
    rot_H = U.subs(_aH, _aH + t) - U
    rot_L = U.subs(_aL, _aL + t) - U
    return {"invariant": rot == 0, "H_rotation_changes_U": nonzero(rot_H),
            "L_alone_changes_U": nonzero(rot_L), "difference": rot}


def parametrisation() -> dict:
    """Eq (18): ``H = F sin xi, L = F cos xi sin theta, l = F cos xi cos theta``."""
    return {_hr: F * sp.sin(XI), _Lr: F * sp.cos(XI) * sp.sin(THETA),
            _lr: F * sp.cos(XI) * sp.cos(THETA)}


@lru_cache(maxsize=None)
def _gammas_cached():
    U = real_slice().subs(parametrisation(), simultaneous=True)
    denom = (F * sp.cos(XI))**2    # |L|^2 + |l|^2 under (18)
    # cos^2(xi) mu^2 = 2U/F^2, a quadratic polynomial in F
    poly = sp.Poly(sp.expand(2 * U / F**2), F)
    c = {k[0]: v for k, v in zip(poly.monoms(), poly.coeffs())}
    gam2 = sp.factor(c.get(0, 0))
    gam3 = sp.simplify(-c.get(1, 0) / (y * A))
    ratio = sp.simplify(gam3 / printed_gamma3())
    if ratio.is_number:     # present it in the printed form: (number) * cos^2 xi sin xi sin 2 theta
        gam3 = ratio * printed_gamma3()
    parts = sp.collect(sp.expand(c.get(2, 0)), [y**2, g1**2, g2**2], evaluate=False)
    if set(parts) <= {y**2, g1**2, g2**2}:
        gam4 = sp.Add(*[k * sp.factor(v) for k, v in parts.items()])
    else:
        gam4 = sp.factor_terms(sp.expand(c.get(2, 0)))
    # 2U/(L^2 + l^2) as derived (expanded numerator over the denominator of (18)); sp.simplify of it
    # costs ~1.6 s and only its zero tests use it (they reduce trig identities exactly)
    mu2 = sp.expand(2 * U) / denom
    return gam2, gam3, gam4, mu2


def gammas() -> dict:
    r"""``gamma_2, gamma_3, gamma_4`` of eq (19), derived.

    ``cos^2(xi) mu^2 = gamma_2 - yA gamma_3 F + gamma_4 F^2`` with
    ``mu^2 = 2U/(|L|^2 + |l|^2)`` and (18).

    >>> g = gammas()
    >>> sp.simplify(g["gamma3"] - 2*sp.cos(XI)**2*sp.sin(XI)*sp.sin(2*THETA))
    0
    >>> sp.simplify(g["gamma2"].subs(XI, 0))
    2*m_L**2*sin(theta)**2 + 2*m_l**2*cos(theta)**2
    """
    g2, g3, g4, _ = _gammas_cached()
    return {"gamma2": g2, "gamma3": g3, "gamma4": g4}


def printed_gamma3() -> sp.Expr:
    """``gamma_3`` as printed under eq (19): ``cos^2 xi sin xi sin 2 theta``."""
    return sp.cos(XI)**2 * sp.sin(XI) * sp.sin(2 * THETA)


def mu2_parametrised() -> sp.Expr:
    r"""``mu^2 = 2U/(|L|^2+|l|^2)`` under (18) (signed amplitudes, phases zero).

    >>> g = gammas()
    >>> e = mu2_parametrised() - (g["gamma2"] - y*A*g["gamma3"]*F + g["gamma4"]*F**2)/sp.cos(XI)**2
    >>> sp.simplify(e)
    0
    """
    return _gammas_cached()[3]


def gamma_nonnegativity() -> dict:
    r"""Sum-of-squares certificates for ``gamma_2 >= 0`` and ``gamma_4 >= 0``.

    ``gamma_2 = 2(m_H^2 s_xi^2 + m_L^2 c_xi^2 s_th^2 + m_l^2 c_xi^2 c_th^2)`` and
    ``gamma_4 = 2[y^2(s_xi^2 c_xi^2 + c_xi^4 s_th^2 c_th^2) + (g_1^2/8)(...)^2 + (g_2^2/8)(...)^2]``
    are sums of squares with non-negative coefficients.  Returns the SOS
    forms and ``verified`` (the identities hold exactly).

    >>> gamma_nonnegativity()["verified"]
    True
    """
    g = gammas()
    s, c = sp.sin(XI), sp.cos(XI)
    st, ct = sp.sin(THETA), sp.cos(THETA)
    sos2 = 2 * ((m_H * s)**2 + (m_L * c * st)**2 + (m_l * c * ct)**2)
    sos4 = 2 * ((y * s * c)**2 + (y * c**2 * st * ct)**2
                + g1**2 / 8 * (s**2 - c**2 * st**2)**2
                + g2**2 / 8 * (s**2 + c**2 * st**2 - 2 * c**2 * ct**2)**2)
    ok2 = sp.simplify(sp.expand_trig(g["gamma2"] - sos2)) == 0
    ok4 = sp.simplify(sp.expand(sp.expand_trig(g["gamma4"] - sos4))) == 0
    return {"gamma2_sos": sos2, "gamma4_sos": sos4, "verified": bool(ok2 and ok4)}


def no_lball_certificate() -> dict:
    r"""Proof that no L-ball exists when ``|A| <= m_H + sqrt(m_l^2 - m_L^2)`` (any ``y, g_1, g_2``).

    For amplitudes ``H, L, l >= 0`` and ``m_L <= m_l`` (the other case is the
    same with ``L <-> l``), write ``m_l^2 = m_L^2 + D^2`` (``D >= 0``).  The
    exact identity

    .. math::

        U - m_L^2(L^2 + l^2)
          = (m_H H - |y| L l)^2 + (D\,l - |y| H L)^2
            + 2|y|\,(m_H + D - |A|)\,H L l + y^2 H^2 l^2 + V_D

    holds.  If ``|A| <= m_H + D`` every term is ``>= 0``, so
    ``mu^2 = 2U/(L^2+l^2) >= 2 m_L^2 = mu^2(origin)`` everywhere and the
    L-ball existence condition (9) fails, however small ``yA != 0`` is.  The
    older, weaker form ``A^2 <= m_H^2`` is the case ``D = 0`` of the bound.
    For ``g_1 = g_2 = 0`` the bound is sharp (:func:`vertex_threshold`).

    >>> no_lball_certificate()["verified"]
    True
    """
    D = sp.Symbol("D", nonnegative=True)
    mH = sp.Symbol("m_H", positive=True)
    U = toy_potential(complex=False).subs({m_l**2: m_L**2 + D**2, m_H: mH})
    ay, aA = sp.Abs(y), sp.Abs(A)
    sos = ((mH * _hr - ay * _Lr * _lr)**2 + (D * _lr - ay * _hr * _Lr)**2
           + 2 * ay * (mH + D - aA) * _hr * _Lr * _lr + y**2 * _hr**2 * _lr**2
           + d_terms(_hr**2, _Lr**2, _lr**2))
    lhs = U - m_L**2 * (_Lr**2 + _lr**2)
    diff = sp.expand(lhs - sos)
    diff = sp.expand(diff.subs(sp.Abs(y * A), ay * aA).subs({ay**2: y**2, aA**2: A**2}))
    return {"identity_lhs": lhs, "sos": sos, "verified": diff == 0, "D": D,
            "statement": "mu^2 >= 2 min(m_L^2, m_l^2) whenever |A| <= m_H + sqrt(|m_l^2 - m_L^2|)"}


def vertex_threshold() -> dict:
    r"""Sharpness of :func:`no_lball_certificate` for vanishing gauge couplings.

    Near the lighter-slepton direction ``L = 1, H = r a, l = r b`` (``r -> 0``)
    with ``g_1 = g_2 = 0``: ``p_2 = U_2 - m_L^2(L^2+l^2) = r^2(m_H^2 a^2 + D^2 b^2)``,
    ``u_3 = -2|yA| r^2 a b`` and ``u_4 = y^2 r^2 (a^2 + b^2) + O(r^4)``.  A ray
    has mu^2 below the origin value iff ``rho = u_3^2/(4 p_2 u_4) > 1``; in the
    limit ``rho = A^2 s t / ((m_H^2 s + D^2 t)(s + t))`` (``s = a^2, t = b^2``),
    whose maximum over ``s/t`` is ``A^2/(m_H + D)^2``.  So for ``g_1 = g_2 = 0``
    L-balls exist iff ``|A| > m_H + D``: the threshold is
    ``m_H + sqrt(|m_l^2 - m_L^2|)``, independent of ``y``.

    >>> vertex_threshold()["threshold"]
    D + m_H
    """
    s, t, mH, D, AA = sp.symbols("s t m_H D A", positive=True)
    rho = AA**2 * s * t / ((mH**2 * s + D**2 * t) * (s + t))
    z = sp.Symbol("z", positive=True)       # z = s/t
    rz = sp.simplify(rho.subs(s, z * t))
    crit = sp.solve(sp.diff(rz, z), z)
    zmax = [c for c in crit if c.is_positive is not False][0]
    rmax = sp.simplify(sp.factor(rz.subs(z, zmax)))
    thr = sp.solve(sp.Eq(rmax, 1), AA)
    return {"rho": rho, "rho_max": rmax, "threshold": sp.simplify(thr[0]) if thr else None}


def local_threshold() -> sp.Expr:
    r"""``A^2`` above which the origin stops being a local minimum of mu^2 (``m_L = m_l``).

    For degenerate sleptons the origin-limit of mu^2 is attained on the whole
    circle ``H = 0``.  To second order in ``H`` around the slepton direction
    ``(L, l) = (sin theta, cos theta)`` the origin is a local minimum iff
    ``A^2 < m_H^2 R(theta)`` with
    ``R = (y^2 L^2 l^2 + V_D(0, L, l)) / (y^2 L^2 l^2)``; the local threshold is
    ``m_H^2 min_theta R``.  With ``t = tan^2 theta``,
    ``R - 1 = (g_1^2 t^2 + g_2^2 (t - 2)^2)/(8 y^2 t)``, minimal at
    ``t = 2 g_2/sqrt(g_1^2 + g_2^2)``.  (For ``m_L != m_l`` the origin is
    always a local minimum of mu^2: the threshold is then set by a
    finite-``F`` minimum, see :mod:`qsym.numeric.mu2`.)

    >>> local_threshold()
    m_H**2*(-g2*(g2 - sqrt(g1**2 + g2**2))/(2*y**2) + 1)
    """
    t = sp.Symbol("t", positive=True)
    G1, G2, Y = sp.symbols("g1 g2 y", positive=True)
    s2, c2 = t / (1 + t), 1 / (1 + t)
    R = (Y**2 * s2 * c2 + d_terms(0, s2, c2).subs({g1: G1, g2: G2})) / (Y**2 * s2 * c2)
    R = sp.cancel(R)
    crit = [r for r in sp.solve(sp.diff(R, t), t) if r.is_positive is not False]
    t0 = 2 * G2 / sp.sqrt(G1**2 + G2**2)
    assert any(sp.simplify(r - t0) == 0 for r in crit)
    Rmin = sp.simplify(R.subs(t, t0))
    Rmin = 1 + sp.factor(sp.simplify(Rmin - 1))
    return (m_H**2 * Rmin).subs({G1: g1, G2: g2, Y: y})


def d_flat_threshold() -> sp.Expr:
    r"""``A^2`` above which the D-flat ray ``H = L = l`` has ``mu^2 < 2 min(m_L^2, m_l^2)``.

    On that ray the D-terms vanish and the y-dependence cancels:
    ``min_F mu^2 = m_H^2 + m_L^2 + m_l^2 - A^2/3``.  Hence an L-ball exists
    (for any ``y != 0``) once ``A^2 > 3(m_H^2 + m_L^2 + m_l^2 - 2 min(m_L^2, m_l^2))``.
    Returned: the min over F of mu^2 on the ray.

    >>> d_flat_threshold()
    -A**2/3 + m_H**2 + m_L**2 + m_l**2
    """
    U = toy_potential(complex=False).subs({_hr: F, _Lr: F, _lr: F}).subs(sp.Abs(y * A), y * A)
    mu2 = sp.expand(2 * U / (2 * F**2))
    Fstar = sp.solve(sp.diff(mu2, F), F)[0]
    return sp.simplify(sp.expand(mu2.subs(F, Fstar)))


def potential_object(values: Mapping | None = None, dterms: str = "printed") -> Potential:
    """The toy model as a validated :class:`~qsym.symbolic.potential.Potential`.

    Fields ``H, L, l`` (real amplitudes ``>= 0``, phases at their optimum),
    charges ``0, 1, 1``; parameters ``m_H, m_L, m_l, y, A, g1, g2``.
    ``values`` gives numeric values (missing ones stay symbolic; pass
    :data:`DEFAULTS` for the command-line defaults).  ``dterms`` selects
    the printed V_D or :func:`corrected_d_terms`.

    >>> P = potential_object({"m_H": 1, "m_L": 1, "m_l": 2, "y": 1, "A": 1, "g1": 0, "g2": 0})
    >>> P.mu2_origin()
    2
    """
    values = dict(values or {})
    unknown = sorted(set(values) - set(PARAMS))
    if unknown:
        raise InputError(f"unknown toy-model parameter(s) {unknown}; known: {list(PARAMS)}")
    params = {p: values.get(p) for p in PARAMS}
    masses = tuple((p, params[p]) for p in MASS_PARAMS)
    if any(v is None for _, v in masses) or not _hashable(masses):
        return Potential(toy_potential(complex=False, dterms=dterms), list(FIELDS), list(CHARGES), params)
    # U(0), grad U(0) and the Hessian at the origin (all that Potential validates) depend on the masses
    # only: one validated potential per masses; with_values keeps its validation and mu2_origin
    return _validated_template(masses, dterms).with_values(**{k: params[k] for k in COUPLING_PARAMS})


#: parameters that enter U's value, gradient and Hessian at the origin (what Potential validates)
MASS_PARAMS = ("m_H", "m_L", "m_l")
#: the others (cubic and quartic couplings): set by Potential.with_values on a validated potential
COUPLING_PARAMS = ("y", "A", "g1", "g2")


def _hashable(x) -> bool:
    try:
        hash(x)
    except TypeError:
        return False
    return True


@lru_cache(maxsize=64)
def _validated_template(masses: tuple, dterms: str) -> Potential:
    """The toy model validated at the masses ``masses`` (the couplings symbolic)."""
    params = {p: None for p in PARAMS}
    params.update(dict(masses))
    return Potential(toy_potential(complex=False, dterms=dterms), list(FIELDS), list(CHARGES), params)


def latex_gammas() -> dict:
    """LaTeX of the derived ``gamma_k`` and of ``mu^2`` in the form of eq (19)."""
    g = gammas()
    out = {k: sp.latex(v) for k, v in g.items()}
    out["mu2"] = (r"\mu^2 = \frac{1}{\cos^2\xi}\left[\gamma_2 - yA\,\gamma_3 F + \gamma_4 F^2\right],"
                  r"\quad \gamma_3 = " + sp.latex(g["gamma3"]))
    return out


#: names defined in :mod:`qsym.models.mssm_threshold` and :mod:`qsym.models.mssm_readings`
#: (re-exported here, imported on first use: those modules import this one)
_MOVED = {"degenerate_onset": "mssm_threshold", "continuous_threshold": "mssm_threshold",
          "certified_enclosure": "mssm_threshold", "eq17_readings": "mssm_readings",
          "GAUGE_CHIRAL_FIELDS": "mssm_readings"}


def __getattr__(name):
    """``mssm.continuous_threshold`` etc.: the functions of the split-off modules (PEP 562)."""
    if _MOVED.get(name) == "mssm_threshold":
        from qsym.models import mssm_threshold
        return getattr(mssm_threshold, name)
    if _MOVED.get(name) == "mssm_readings":
        from qsym.models import mssm_readings
        return getattr(mssm_readings, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
