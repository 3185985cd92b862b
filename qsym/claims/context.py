"""Remaining checkable statements of the paper: eq. (18), and the statements qsym cannot check (with why)."""

from __future__ import annotations

import sympy as sp

from ..audit import claim, tex


@claim("eq18", "sec. 4, eq. (18)", r"$H = F\sin\xi$, $L = F\cos\xi\sin\theta$, $l = F\cos\xi\cos\theta$ parametrise "
       "the field space of $(H, L, l)$.", 4)
def _eq18():
    F = sp.Symbol("F", nonnegative=True)
    xi, th = sp.symbols("xi theta", real=True)
    H, L, l = F * sp.sin(xi), F * sp.cos(xi) * sp.sin(th), F * sp.cos(xi) * sp.cos(th)
    norm = sp.simplify(H**2 + L**2 + l**2)
    jac = sp.simplify(sp.Matrix([H, L, l]).jacobian([F, xi, th]).det())
    if norm == F**2 and sp.simplify(jac**2 - F**4 * sp.cos(xi)**2) == 0:
        return ("confirmed", tex(norm, "H^2 + L^2 + l^2") + " and the Jacobian determinant is "
                + tex(jac) + r" (SymPy), $F^2\cos\xi$ up to orientation: spherical coordinates, one-to-one on "
                r"$F > 0$, $\xi \in " + sp.latex(sp.Interval.Ropen(0, sp.pi / 2)) + r"$, $\theta \in "
                + sp.latex(sp.Interval(0, sp.pi / 2)) + "$ for non-negative amplitudes (phases are fixed by "
                r"eq17-phases).")
    return "refuted", "norm " + tex(norm) + ", Jacobian " + tex(jac)


def _outside(reason):
    return "unchecked", "not checked because " + reason


@claim("sec1-spherical", "sec. 1, after eq. (8) (ref. [6])", "The minimising solution is spherically "
       "symmetric; the ground-state soliton has zero angular momentum.", 1)
def _spherical():
    return _outside("it is the theorem of Coleman, Glaser and Martin [6], which qsym uses as its radial "
                    "ansatz rather than tests; all qsym solutions are $O(3)$-symmetric by construction.")


@claim("sec4-local-u1", "sec. 4 (ref. [10])", "Q-balls of a local $U(1)$ are stable as long as their charge is "
       "below a maximal value.", 4)
def _local():
    return _outside("gauged Q-balls (with the gauge field's Coulomb energy) are outside qsym's global-$U(1)$ model.")


@claim("sec4-unit-charge", "sec. 4 and footnote 5", "An electrically neutral $SU(2)$-singlet $L = 1$ bead with "
       "zero spin cannot decay: no other MSSM state carries these quantum numbers.", 4)
def _unit():
    return _outside("it is a statement about the full MSSM spectrum and quantum corrections at $Q = 1$, "
                    "which the semiclassical toy model does not contain; checking it needs the MSSM "
                    "spectrum with its conservation laws (charges, lepton number, spin) at $Q = 1$ and a "
                    "quantum treatment of the bead.")


@claim("sec4-evaporation", "sec. 4 (ref. [16])", "Large B and L balls evaporate into fermions from the surface, "
       "at a rate proportional to the area.", 4)
def _evap():
    return _outside("the fermion sector and its Pauli blocking are not part of qsym's scalar field theory.")


@claim("sec4-abundance", "sec. 4 (ref. [13])", r"Soliton number to entropy ratio $Y_Q \sim c\,Q^{-3/2} e^{-Q}$.", 4)
def _abund():
    return _outside("it is a thermal-fluctuation estimate from ref. [13], not derivable from the static "
                    "field equations qsym solves; checking it needs a finite-temperature effective "
                    "potential and a Boltzmann treatment of Q-ball formation in the early Universe.")
