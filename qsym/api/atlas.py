r"""The stability atlas of a one-field Q-ball family in D space dimensions (``qsym atlas``).

This module joins the layers: the window and the asymptotic laws come from SymPy
(:mod:`qsym.symbolic.window`, :func:`thick_wall_exponent`), the chart from
:class:`qsym.api.solve.DeltaChart` (given the dimension), the numbers from
:mod:`qsym.numeric.qball.atlas`.  :func:`atlas` returns an :class:`AtlasResult`.

Conventions: ``phi`` is the real amplitude of the complex field,
``phi(x, t) = exp(i q omega t) phi(r)``; the free quanta have mass ``m = sqrt(U''(0))`` and
charge ``q``, so a Q-ball of charge Q is stable against decay into quanta when
``M_Q < Q m/|q|``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mpmath
import sympy as sp

from qsym.bridge import check_dps
from qsym.errors import InputError
from qsym.results import CONVERGED, REDUCED, Result, latex_pm, number_text

__all__ = ["atlas", "AtlasResult", "atlas_chart", "thick_wall_exponent", "thick_wall_law_holds",
           "thin_wall_exponent"]

#: largest dimension accepted (the bounce engine's tails and quadratures are checked up to here)
MAX_DIM = 10


def thick_wall_exponent(n: int, dim) -> sp.Rational:
    r"""The exponent e of ``Q ~ Delta^e`` at the thick-wall end, for ``U_omega ~ Delta phi^2/2 - c phi^n``.

    Derived from the scaling symmetry of the radial equation
    ``phi'' + (D-1)/r phi' = Delta phi - n c phi^(n-1)``: with ``phi = Delta^alpha psi(r Delta^(-beta))``
    both sides scale alike when ``alpha - 2 beta = alpha + 1`` and ``alpha (n-1) = alpha + 1``;
    then ``Q = omega q^2 int phi^2 d^Dx ~ Delta^(2 alpha + D beta)``.

    .. math:: Q \propto \Delta^{\frac{2}{n-2} - \frac{D}{2}}

    Examples
    --------
    >>> thick_wall_exponent(3, 3), thick_wall_exponent(4, 3), thick_wall_exponent(3, 2)
    (1/2, -1/2, 1)
    """
    al, be, nn, D = sp.symbols("alpha beta n D")
    sol = sp.solve([sp.Eq(al - 2 * be, al + 1), sp.Eq(al * (nn - 1), al + 1)], [al, be], dict=True)[0]
    e = 2 * sol[al] + D * sol[be]
    return sp.nsimplify(e.subs({nn: n, D: dim}))


def thick_wall_law_holds(n: int, dim) -> bool:
    r"""Whether the thick-wall rescaling has a limit: the nonlinearity ``phi^(n-1)`` of the field
    equation must be below the critical (Sobolev) power, ``n - 1 < (D+2)/(D-2)``, for the scaled
    bounce of ``psi^2/2 - psi^n`` to exist in D dimensions (always for D <= 2).

    .. math:: n < \frac{2D}{D-2} \quad (D > 2)

    Examples
    --------
    >>> thick_wall_law_holds(4, 3), thick_wall_law_holds(4, 4), thick_wall_law_holds(6, 2)
    (True, False, True)
    """
    D = sp.Integer(dim)
    return bool(D <= 2 or sp.Integer(n) < 2 * D / (D - 2))


def thin_wall_exponent(dim, degenerate: bool = False) -> sp.Rational:
    r"""The slope of log Q in ``u = log(Delta/(D - Delta))`` at the thin-wall end.

    The wall radius grows as ``R ~ 1/(omega^2 - omega_0^2) ~ e^u`` and ``Q ~ omega R^D``; for a
    degenerate vacuum (``omega_0 = 0``) ``R ~ 1/omega^2`` and ``omega ~ e^(-u/2)``.

    .. math:: \frac{d\log Q}{du} \to D \quad (\omega_0 > 0), \qquad D - \tfrac12 \quad (\omega_0 = 0)

    Examples
    --------
    >>> thin_wall_exponent(3), thin_wall_exponent(3, degenerate=True)
    (3, 5/2)
    """
    return sp.Integer(dim) - (sp.Rational(1, 2) if degenerate else 0)


def plateau_thin_exponent(dim) -> sp.Rational:
    r"""The slope of log Q in ``u`` at the ``omega -> 0`` end of a flat direction (mu^2 -> 0 at large field).

    A plateau ball of radius R holds a free field, ``omega R = const``, and the plateau energy
    ``V_0 R^D``: ``E(R) = c_1 Q/R + c_2 V_0 R^D`` is stationary at ``R^{D+1} \propto Q``, so
    ``M_Q \propto Q^{D/(D+1)}``, ``omega = dM/dQ \propto Q^{-1/(D+1)}`` and, with
    ``omega^2 \propto e^{-u}``, ``log Q \simeq (D+1) u/2`` (SymPy solves the stationarity).  A logarithmic
    plateau (gauge mediation) adds a slowly varying ``V_0 ~ log Q``: the slope approaches this value
    from below, with corrections of relative order ``1/log Q``.

    .. math:: \frac{d\log Q}{du} \to \frac{D+1}{2}

    Examples
    --------
    >>> plateau_thin_exponent(3), plateau_thin_exponent(2)
    (2, 3/2)
    """
    D = sp.Integer(dim)
    Rr, Qq, c1, c2, V0 = sp.symbols("R Q c_1 c_2 V_0", positive=True)
    Rstar = sp.solve(sp.diff(c1 * Qq / Rr + c2 * V0 * Rr**D, Rr), Rr)[0]
    omega = sp.diff((c1 * Qq / Rr + c2 * V0 * Rr**D).subs(Rr, Rstar), Qq)      # dM/dQ
    k = sp.simplify(Qq * sp.diff(sp.log(omega), Qq))                            # omega ~ Q^k
    return sp.nsimplify(-1 / (2 * k))                                          # log Q ~ -(1/k) log omega


def _validate(P, dim):
    from qsym.symbolic.potential import require_potential
    require_potential(P, "atlas")
    if isinstance(dim, bool) or not isinstance(dim, int):
        try:
            dim = int(str(dim))
        except ValueError:
            raise InputError(f"the dimension must be an integer >= 2, got {dim!r}") from None
    if dim < 2 or dim > MAX_DIM:
        raise InputError(f"the atlas needs 2 <= D <= {MAX_DIM} space dimensions, got D = {dim}"
                         + (" (D = 1 Q-balls by quadrature: qsym qball --dim 1, or qsym.api.dim1)" if dim == 1 else ""))
    if len(P.fields) != 1:
        raise InputError(f"the atlas handles one field, got {len(P.fields)} ({', '.join(map(str, P.fields))})")
    var, U = P.single_field()
    if U.free_symbols - {var}:
        raise InputError("parameters without values: " + ", ".join(sorted(map(str, U.free_symbols - {var}))))
    if U.is_polynomial(var):
        from qsym.api.solve import _check_degree
        _check_degree(P)
    return dim


def atlas_chart(P, dim: int = 3, dps: int = 15):
    r"""The chart of :class:`qsym.api.solve.DeltaChart` set up for ``dim`` space dimensions.

    Its asymptotic slopes of log Q in u are :func:`thick_wall_exponent` and
    :func:`thin_wall_exponent` for that dimension.

    .. math:: u = \log\frac{\Delta}{D - \Delta}, \qquad \Delta = m^2 - q^2\omega^2

    Examples
    --------
    >>> from qsym.symbolic.potential import Potential
    >>> c = atlas_chart(Potential("phi**2/2 - phi**4 + phi**6", ["phi"]), 2)
    >>> c.dim, c.thick_slope, c.thin_slope
    (2, 0.0, 2.0)
    """
    from qsym.api.solve import _single_chart
    dim = _validate(P, dim)
    _, chart = _single_chart(P, dps)
    chart.dim = dim
    lead = chart.lead
    chart.thick_exponent = None
    chart.notes = []
    if lead is not None and lead[1] < 0:
        if thick_wall_law_holds(lead[0], dim):
            chart.thick_exponent = thick_wall_exponent(lead[0], dim)
        else:
            chart.notes.append(f"no thick-wall power law: the leading term phi^{lead[0]} is (super)critical in "
                               f"D = {dim} (n >= 2D/(D-2)), the rescaled bounce has no limit")
    chart.thick_slope = float(chart.thick_exponent) if chart.thick_exponent is not None else None
    chart.thin_exponent = thin_wall_exponent(dim, chart.Omega_min2 == 0)
    if not _u_polynomial(P):
        from qsym.api.solve import window_numeric
        win = window_numeric(P, dps)
        if not win.get("attained", True) and win["omega_min"] == 0:
            chart.thin_exponent = plateau_thin_exponent(dim)
            chart.notes.append("flat direction: mu^2 -> 0 at large field, the omega -> 0 end is the plateau "
                               "law (M_Q ~ Q^(D/(D+1)))")
    chart.thin_slope = float(chart.thin_exponent)
    return chart


def _u_polynomial(P) -> bool:
    """Whether the one-field U is a polynomial in its field."""
    var, U = P.single_field()
    return bool(U.is_polynomial(var))


@dataclass(frozen=True)
class AtlasResult(Result):
    r"""The stability atlas of a one-field Q-ball family.

    ``points``: the sampled family (double precision), each with omega, charge, mass, binding
    ``Q m/|q| - M``, dQ/domega, its branch and labels (``stability``: stable / metastable /
    unstable); ``branches``: per branch the ranges and its stability against perturbations,
    fission and quanta; ``cusps``: the folds of Q(omega) (cusps of M(Q)) refined to ``dps``;
    ``binding_zeros``: the zeros of ``Q m/|q| - M`` refined to ``dps``; ``Q_min`` (None when Q
    reaches 0 or a lower limit at an end of the window); ``Q_s``: the charge above which the
    classically stable Q-balls are bound (None when all are, or none: see ``notes``);
    ``thick_end``/``thin_end``: measured and derived asymptotic exponents.

    .. math:: M_Q < Q\,\frac{m}{|q|} \quad (Q > Q_s), \qquad \frac{dQ}{d\omega} = 0 \ \text{at a cusp}
    """

    potential: str
    dim: int
    charge_unit: object
    m_per_charge: object
    window: dict
    points: tuple
    branches: tuple
    cusps: tuple
    binding_zeros: tuple
    Q_min: object
    Q_min_omega: object
    Q_s: object
    Q_s_omega: object
    thick_end: dict
    thin_end: dict
    error: object
    dps: int
    status: str = CONVERGED
    notes: tuple = ()
    stats: dict = field(default_factory=dict)

    VALUES = ("Q_min", "Q_min_omega", "Q_s", "Q_s_omega", "m_per_charge")

    def to_json(self, dps: int | None = None) -> dict:
        """Every datum of the atlas; numbers as decimal strings (grid points with 16 digits)."""
        d = dps if dps is not None else self.dps
        out = super().to_json(d)
        out.update(potential=self.potential, dim=self.dim, charge_unit=number_text(self.charge_unit, d),
                   window=number_text(self.window, d), notes=list(self.notes),
                   thick_end=number_text(self.thick_end, 6), thin_end=number_text(self.thin_end, 6),
                   cusps=[_jsonify(c, d) for c in self.cusps],
                   binding_zeros=[_jsonify(z, d) for z in self.binding_zeros],
                   branches=[_jsonify(b, d) for b in self.branches],
                   points=[_jsonify(p, 16) for p in self.points])
        return out

    def latex_rows_spec(self) -> list:
        rows = []
        if self.Q_min is not None:
            rows.append((r"Q_{\min}", latex_pm(self.Q_min, self.stats.get("Q_min_error"), dps=self.dps)))
        if self.Q_s is not None:
            rows.append((r"Q_s", latex_pm(self.Q_s, self.stats.get("Q_s_error"), dps=self.dps)))
        for b in self.branches:
            rows.append((rf"\text{{branch {b['index']}}}", rf"\text{{{b['stability']}}}"))
        return rows

    def latex_caption(self) -> str:
        return f"Q-ball atlas of U = {self.potential}, D = {self.dim}: {len(self.branches)} branch(es), {self.status}"


def _jsonify(d: dict, digits: int) -> dict:
    return {k: (v if isinstance(v, (bool, str, int)) or v is None else number_text(v, digits if k != "error" else 3))
            for k, v in d.items()}


def _q_min(data, notes):
    """(Q_min, omega, error) of the family, or None (with a note saying why)."""
    mins = [e for e in data["extrema"] if e["kind"] == "minimum"]
    ends = [(name, data[name]) for name in ("thick_end", "thin_end")]
    zero = [n for n, e in ends if e["limit"] == "0"]
    if zero:
        notes.append(f"no Q_min: Q -> 0 at the {zero[0].replace('_', '-wall ')} of the window")
        return None
    best = min(mins, key=lambda e: e["charge"]) if mins else None
    finite = [(n, e) for n, e in ends if e["limit"] == "finite"]
    for n, e in finite:
        if best is None or e["Q_end"] < best["charge"]:
            notes.append(f"no Q_min: inf Q = {e['Q_end']:.6g} is approached (not attained) at the "
                         f"{n.replace('_', '-wall ')} of the window")
            return None
    if best is None:
        notes.append("no Q_min: Q(omega) has no interior minimum")
        return None
    return best


def _q_s(data, notes):
    """The binding zero on a classically stable branch (the charge above which M_Q < Q m/|q|)."""
    stable = [b["index"] for b in data["branches"] if b["classically_stable"]]
    zs = [z for z in data["binding_zeros"] if z["branch"] in stable]
    if zs:
        if len(zs) > 1:
            notes.append(f"{len(zs)} zeros of M_Q - Q m/|q| on classically stable branches; Q_s is the largest")
        return max(zs, key=lambda z: z["charge"])
    pts = [p for p in data["points"] if p["classically_stable"]]
    if pts and all(p["bound"] for p in pts):
        notes.append("no Q_s: every classically stable Q-ball has M_Q < Q m/|q| (stable against decay into quanta)")
    elif pts:
        notes.append("no Q_s: no classically stable Q-ball has M_Q < Q m/|q|")
    return None


def atlas(P, dim: int = 3, points: int = 100, dps: int = 15, progress=None) -> AtlasResult:
    r"""The stability atlas of the Q-balls of a one-field potential (polynomial or not) in ``dim`` space dimensions.

    Q(omega) and E(omega) over the whole window (every branch, double precision at ``points``
    chart points), the folds of Q(omega) = cusps of M(Q) and ``Q_min`` refined to ``dps`` digits,
    ``Q_s`` (the zero of the binding energy ``Q m/|q| - M_Q``, refined), and per branch the
    classical stability (sign of dQ/domega), the stability against fission (sign of
    ``d^2M/dQ^2 = 1/(dQ/domega)``) and against decay into quanta.

    .. math:: Q = \omega q^2 \int \phi^2 d^Dx, \quad E = S_\omega + \omega Q, \quad
              \frac{d^2 M_Q}{dQ^2} = \Big(\frac{dQ}{d\omega}\Big)^{-1}

    Parameters
    ----------
    P : Potential
        One field, U with values for every parameter (polynomial, analytic, or a flat direction).
    dim : int
        Number of space dimensions D >= 2.
    points : int
        Chart points of the sampled curve (double precision).
    dps : int
        Digits of the refined cusps, Q_min and Q_s.
    progress : callable(str) or None

    Examples
    --------
    >>> import qsym
    >>> a = qsym.atlas(qsym.Potential("phi**2/2 - phi**4 + phi**6", fields="phi"), points=20, dps=15)
    >>> round(float(a.Q_min), 8), [b["stability"] for b in a.branches]
    (27.96492563, ['unstable', 'stable above Q_s'])
    """
    from qsym.numeric.qball.atlas import atlas_curve, classify
    from qsym.api.solve import window_numeric
    dps = check_dps(dps)
    if isinstance(points, bool) or not isinstance(points, int) or not 5 <= points <= 10000:
        raise InputError(f"points must be an integer in [5, 10000], got {points!r}")
    if progress is not None and not callable(progress):
        raise InputError(f"progress must be a callable(str) or None, got {type(progress).__name__}")
    if getattr(P, "log_origin", None) is not None:     # phi^2 log phi^2 at the origin: Gaussian tails
        from qsym.api.logatlas import atlas_log
        return atlas_log(P, dim, points, dps, progress)
    chart = atlas_chart(P, dim, dps)
    win = window_numeric(P, dps)
    data = classify(atlas_curve(chart, points=points, dps=dps, progress=progress))
    notes = list(chart.notes) + list(data["notes"])
    for end in ("thick_end", "thin_end"):
        exp = chart.thick_exponent if end == "thick_end" else chart.thin_exponent
        data[end]["predicted"] = str(exp) if exp is not None else None
    qmin = _q_min(data, notes)
    qs = _q_s(data, notes)
    with mpmath.workdps(dps + 5):
        m_q = mpmath.sqrt(chart.m2) / chart.q
        errs = [e for e in ((qmin or {}).get("error"), (qs or {}).get("error")) if e is not None]
        err = max(errs, default=mpmath.mpf(0))
    status = CONVERGED if err <= mpmath.mpf(10) ** -dps else REDUCED
    stats = {"bounces": data["bounces"], "failed_points": data["failed"], "branches": len(data["branches"])}
    if qmin is not None:
        stats["Q_min_error"] = number_text(qmin["error"], 3)
    if qs is not None:
        stats["Q_s_error"] = number_text(qs["error"], 3)
    return AtlasResult(
        potential=str(P.U()), dim=chart.dim, charge_unit=chart.q, m_per_charge=m_q,
        window={"omega_min": win["omega_min"], "omega_max": win["omega_max"]},
        points=tuple(data["points"]), branches=tuple(data["branches"]), cusps=tuple(data["extrema"]),
        binding_zeros=tuple(data["binding_zeros"]),
        Q_min=qmin["charge"] if qmin else None, Q_min_omega=qmin["omega"] if qmin else None,
        Q_s=qs["charge"] if qs else None, Q_s_omega=qs["omega"] if qs else None,
        thick_end=data["thick_end"], thin_end=data["thin_end"], error=err, dps=dps, status=status,
        notes=tuple(notes), stats=stats)
