"""Sec. 2 of hep-ph/9704273, step by step: the thin-wall Q-ball, eqs (10)-(11).

Run: python derivations/sec2_thin_wall.py   (asserts every step, prints LaTeX)
"""

import sympy as sp

from qsym.audit.engine import run_audit
from qsym.symbolic.potential import Potential
from qsym.symbolic.thinwall import N, Q, U0, V, thin_wall, thin_wall_generic

g = thin_wall_generic()
# eq (10): E(V) after eliminating omega through Q = omega N V
assert sp.simplify(g["E_of_V"] - (Q**2 / (2 * N * V) + U0 * V)) == 0
print("% eq (10): E(V) =", sp.latex(g["E_of_V"]))
# its minimum: V*, R_0, M_Q (eq (11)), and the multiplier
print("% V* =", sp.latex(g["V"]), "  R_0 =", sp.latex(g["R0"]))
print("% eq (11): M_Q =", sp.latex(g["M_Q"]))
assert g["second_derivative"].is_positive
# dE/dQ = omega and omega* = M_Q/Q = sqrt(mu^2)
assert sp.simplify(sp.diff(g["M_Q"], Q) - g["omega"]) == 0
assert sp.simplify(g["M_Q"] / Q - sp.sqrt(g["mu2"])) == 0

# a concrete potential: the best direction is the minimum of mu^2
P = Potential("phi**2/2 - phi**3 + phi**4", ["phi"])
phi = P.fields[0]
crit = [c for c in sp.solve(sp.diff(P.mu2(), phi), phi) if c.is_positive]
phi0 = crit[0]
tw = thin_wall(P, {"phi": phi0})
mu2min = P.mu2().subs(phi, phi0)
print(f"% example: phi_0 = {phi0}, mu^2_min = {mu2min} < origin value {P.mu2_origin()}")
assert mu2min < P.mu2_origin()
assert sp.simplify(tw["M_Q"] - Q * sp.sqrt(mu2min)) == 0

for r in run_audit(section=2):
    print(f"% [{r.verdict}] {r.id}: {r.statement}")
    assert r.verdict in ("confirmed", "corrected") or (
        r.verdict == "unchecked" and r.evidence.startswith("not checked because")), r
