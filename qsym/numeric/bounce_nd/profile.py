"""Profile evaluation: element interpolation inside R, Bessel tails of every normal mode beyond.

Numeric layer: mpmath only.
"""

from __future__ import annotations

import bisect

import mpmath

from qsym.errors import InputError
from qsym.numeric.bounce_nd.chebyshev import _cheb


def _profile_fn(P, mesh_edges, N, nodes_psi, mu, O, R, prec, dps):
    """Profile r -> tuple(phi_k) (and derivatives) from element interpolation + Bessel tails."""
    n, d = P.n, P.d
    wp = prec if prec is not None else 60
    with mpmath.workprec(wp):
        x, bw, D, _, _, _ = _cheb(N, wp)
        edges = [mpmath.mpf(float(v)) for v in mesh_edges]
        vals = [[mpmath.mpf(v) for v in row] for row in nodes_psi]
        Rm = mpmath.mpf(R)
        nu = mpmath.mpf(d) / 2 - 1
        muv = [mpmath.mpf(m) for m in mu]
        Ov = [[mpmath.mpf(O[i][j]) for j in range(n)] for i in range(n)]
        aR = [sum(Ov[i][j] * vals[i][-1] for i in range(n)) for j in range(n)]
        KR = [mpmath.besselk(nu, m * Rm) for m in muv]
        Phi = mpmath.mpf(P.Phi)
        m1 = mpmath.sqrt(mpmath.mpf(P.m2))
    E = len(edges) - 1

    def ev(r, deriv):
        with mpmath.workprec(wp):
            rho = mpmath.mpf(r) * m1
            if rho < 0:
                raise InputError("the profile is defined for r >= 0")
            if rho > Rm:
                out = []
                a = []
                for j in range(n):
                    if deriv:
                        a.append(-aR[j] * muv[j] * (Rm / rho) ** nu
                                 * mpmath.besselk(nu + 1, muv[j] * rho) / KR[j])
                    else:
                        a.append(aR[j] * (Rm / rho) ** nu * mpmath.besselk(nu, muv[j] * rho) / KR[j])
                out = [sum(Ov[k][j] * a[j] for j in range(n)) for k in range(n)]
            else:
                e = min(max(bisect.bisect_right(edges, rho) - 1, 0), E - 1)
                he = edges[e + 1] - edges[e]
                xl = 2 * (rho - edges[e]) / he - 1
                segs = [vals[k][e * N:e * N + N + 1] for k in range(n)]
                if deriv:
                    segs = [[2 / he * mpmath.fdot(D[j], s) for j in range(N + 1)] for s in segs]
                hit = [j for j in range(N + 1) if xl == x[j]]
                if hit:
                    out = [s[hit[0]] for s in segs]
                else:
                    t = [bw[j] / (xl - x[j]) for j in range(N + 1)]
                    st = mpmath.fsum(t)
                    out = [mpmath.fdot(t, s) / st for s in segs]
            fac = Phi * (m1 if deriv else 1)
            res = [fac * v for v in out]
        if dps is None:
            return tuple(float(v) for v in res)
        with mpmath.workdps(dps):
            return tuple(+v for v in res)

    return (lambda r: ev(r, False)), (lambda r: ev(r, True))
