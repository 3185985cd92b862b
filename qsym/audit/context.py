"""Remaining checkable statements of the paper: eq. (18), and the statements qsym cannot check (with why)."""

from __future__ import annotations

import sympy as sp

from qsym.audit.engine import claim, tex, tex_num


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
    from qsym.api.gauged import local_u1_verdict
    return local_u1_verdict(e="1/2")


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
    import mpmath

    from qsym.api.evaporation import DEFINITIONS, evaporation_family, flux_bound
    from qsym.symbolic.potential import Potential
    fb = flux_bound()
    U = "phi**2/2 - phi**3 + phi**4"                  # the paper's potential (M = A = lam = 1)
    P = Potential(U, ["phi"])
    fam = evaporation_family(P)
    ex = fam.exponents
    sl = {(e, d): fam.slope(e, d) for e in ("thin", "thick") for d in DEFINITIONS}
    rows = sorted(fam.rows, key=lambda r: r["u"])
    Qthin = (rows[-4]["Q"], rows[-1]["Q"])
    Qthick = (rows[0]["Q"], rows[3]["Q"])
    pt, pk = (mpmath.mpf(ex[k].p) / ex[k].q for k in ("thin", "thick"))
    tol = mpmath.mpf("0.01")
    area_law = all(abs(sl[("thin", d)] - pt) < tol for d in ("rms", "half"))
    thick_ok = all(abs(sl[("thick", d)] - pk) < tol for d in DEFINITIONS)
    Qtau = 10**4
    tau = {d: fam.lifetime(Qtau, d) for d in DEFINITIONS}
    names = {"paper": r"R = (m^2-\omega^2)^{-1/2}", "rms": r"R = \sqrt{5/3}\,R_{\rm rms}",
             "half": r"\varphi(R) = \varphi(0)/2"}

    def num(x, d=4):
        return "$" + tex_num(mpmath.nstr(x, d)) + "$"
    ev = (r"Bound of Cohen, Coleman, Georgi and Manohar [16] (massless fermions with a Yukawa coupling to the "
          r"scalar, one scalar quantum of charge 1 and energy $\omega$ giving a fermion pair, $\hbar = c = 1$): "
          r"Pauli blocking fills the Fermi sea inside up to " + tex(fb["k_F"], "k_F") + r"; its one-sided flux "
          r"through the surface is " + tex(fb["flux_of_kF"]) + r" (SymPy), so " + tex(fb["rate"], r"\dot Q \le")
          + r" with $A$ the area; under $\omega \to \lambda\omega$, $A \to A/\lambda^2$ it scales as "
          + tex(fb["scaling"]) + r" (mass dimension 1, a rate). The bound is saturated for large Yukawa "
          r"couplings and assumes a thin wall (a locally plane surface). Computed on the Q-balls of "
          + tex(P.U(), "U", order="rev-lex") + r" (" + sp.latex(len(fam.rows)) + r" Q-balls across the family) with "
          r"three surface definitions: " + "; ".join(f"({k + 1}) ${names[d]}$" for k, d in enumerate(DEFINITIONS))
          + r". Thin walls ($Q$ from " + num(Qthin[0], 3) + " to " + num(Qthin[1], 3) + r"): the fitted slope of "
          r"$\log\dot Q_{\max}$ against $\log Q$ is " + ", ".join(num(sl[("thin", d)], 5) for d in DEFINITIONS)
          + r" for (1)-(3): (2) and (3) give the area law $Q^{" + sp.latex(ex["thin"]) + r"}$ "
          r"($\omega \to \omega_{\min}$, $A \propto R^2 \propto Q^{2/3}$), while the radius (1) of eq. (15) "
          r"tends to a constant and is no surface there. Thick walls ($Q$ from " + num(Qthick[0], 3) + " to "
          + num(Qthick[1], 3) + r"): $R \propto \Delta^{-1/2}$ and $Q \propto \Delta^{" + sp.latex(ex["Q_thick"])
          + r"}$ ($\Delta = m^2 - \omega^2$) give $\dot Q_{\max} \propto Q^{" + sp.latex(ex["thick"]) + r"}$, "
          r"fitted " + ", ".join(num(sl[("thick", d)], 5) for d in DEFINITIONS) + r": the bound grows as "
          r"$Q \to 0$ (a diffuse Q-ball, where the surface picture and the bound's thin-wall assumption fail). "
          r"Lifetime bound $\tau(Q) \ge \int_0^Q dQ'/\dot Q_{\max}$ at $Q = " + tex_num(str(Qtau))
          + "$: " + ", ".join(num(tau[d], 4) for d in DEFINITIONS) + r" (units $m = 1$) for (1)-(3); "
          r"for thin walls $\tau \propto Q^{" + sp.latex(1 - ex["thin"]) + r"}$. Within its domain (large $Q$, thin walls, strong Yukawa "
          r"coupling) the area law holds; for weak coupling the rate is below the bound.")
    if area_law and thick_ok:
        return "confirmed", ev
    return "refuted", ev


@claim("sec4-abundance", "sec. 4 (ref. [13])", r"Soliton number to entropy ratio $Y_Q \sim c\,Q^{-3/2} e^{-Q}$.", 4)
def _abund():
    return _outside("it is a thermal-fluctuation estimate from ref. [13], not derivable from the static "
                    "field equations qsym solves; checking it needs a finite-temperature effective "
                    "potential and a Boltzmann treatment of Q-ball formation in the early Universe.")
