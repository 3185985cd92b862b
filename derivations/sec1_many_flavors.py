"""Sec. 1 of hep-ph/9704273, step by step: eqs (1)-(9) from the charge, the energy and the ansatz.

Run: python derivations/sec1_many_flavors.py   (asserts every step, prints LaTeX)
"""

import sympy as sp

from qsym.audit.engine import run_audit
from qsym.symbolic.noether import derive_section1, printed_section1
from qsym.symbolic.potential import Potential

d = derive_section1(3)          # three flavours: nothing depends on the number
p = printed_section1(3)
q, f = d["charges"], d["amplitudes"]

# eqs (3)-(5): complete the square in d_t phi; the remainder is the omega-shift of U
assert d["identity_3_eq_4"] == 0 and not d["shift_has_velocity"]
assert sp.simplify(d["U_omega_shift"] - p["U_omega_shift"]) == 0
print("% eq (5):  \\hat U_omega = U +", sp.latex(d["U_omega_shift"]))

# eq (6): the first term of (4) vanishes only for phi_k = exp(i q_k omega t) phi_k(x)
assert d["ansatz_kinetic"] == 0
print("% eq (6):  phi(t) =", sp.latex(d["ansatz_solution"]))

# eq (7): the charge of the ansatz has q_k^2 (the paper prints q_k)
rho = d["charge_density"]
assert sp.expand(rho - d["norm"] * sp.Symbol("omega", positive=True)) == 0
diff = sp.factor(rho - p["charge_density"])
assert diff != 0 and diff.subs({qk: 1 for qk in q}) == 0
print("% eq (7) derived:  Q/int =", sp.latex(rho))

# eq (8): stationarity in omega reproduces the constraint
assert sp.simplify(d["dEdomega"] + rho) == 0

# eq (9): U_omega < 0 somewhere iff omega^2 > mu^2
print("% eq (9) derived:  mu^2 =", sp.latex(d["mu2"]))

# for a concrete potential: mu^2 and its origin limit (lightest mass per unit charge)
P = Potential("x**2/2 + 2*y**2 - x*y**2 + x**4 + y**4", ["x", "y"], [1, 2])
assert P.mu2_origin() == sp.Rational(1, 1)   # min(1/1, 4/4)
print("% example: mu^2 =", sp.latex(P.mu2()), "  origin limit:", P.mu2_origin())

for r in run_audit(section=1):
    print(f"% [{r.verdict}] {r.id}: {r.statement}")
    assert r.verdict in ("confirmed", "corrected") or (
        r.verdict == "unchecked" and r.evidence.startswith("not checked because")), r
