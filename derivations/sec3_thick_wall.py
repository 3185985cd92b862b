"""Sec. 3 of hep-ph/9704273, step by step: Q-beads, eqs (12)-(15).

Run: python derivations/sec3_thick_wall.py   (asserts every step, prints LaTeX)
"""

import sympy as sp

from qsym.symbolic import thickwall as tw
from qsym.audit.engine import run_audit
from qsym.symbolic.latex import closed_form_latex, series_latex

# eq (12) and the rescaling to one dimensionless bounce
r = tw.rescaling()
print("% phi =", sp.latex(r["a"]), "psi,  r =", sp.latex(r["b"]), "xi,  kappa =", sp.latex(r["kappa"]))
print("% S_omega = S_psi *", sp.latex(r["prefactor"]))

# minimise E_omega(omega) = S_omega + omega Q over omega
print("% Q(omega) =", sp.latex(tw.stationary_charge()))
rel = tw.epsilon_of()["relation"]
print("% epsilon = QA^2/(3 S_psi M^2) =", sp.latex(rel), " (w = omega/M)")
b = tw.branches()
assert b["exists_iff"] == sp.Le(tw.eps, sp.Rational(1, 2))     # eq (13): epsilon <= 1/2

# closed forms and eqs (14)-(15) to eps^4 as printed, and further
for q in ("mass", "radius", "omega"):
    print(closed_form_latex(q))
    print(series_latex(q, 10))
printed = tw.printed_series()
for q in printed:
    s = tw.series(q, 4)
    assert all(s.get(k, 0) == c for k, c in printed[q].items()), (q, s)

# dM_Q/dQ = omega, order by order
assert tw.identity_dM_dQ(30)["series_residual"] == {}

for res in run_audit(section=3):
    print(f"% [{res.verdict}] {res.id}: {res.statement}")
    assert res.verdict in ("confirmed", "corrected", "unchecked"), res
