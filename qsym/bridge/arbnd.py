r"""A multi-field potential for the certified mu^2 minimiser when U is not a polynomial (part of
:mod:`qsym.bridge`): U as an n-variable Arb program, and its behaviour at large field decided by
SymPy's limits of mu^2 along rays.

On the ray ``phi = F s psi`` (``s`` a sign pattern, ``psi`` on a face ``psi_k = 1`` of the unit
cube, ``0 <= psi_j <= 1``) the limit

.. math:: L(\psi) = \lim_{F\to\infty} \frac{2\,U(F s\psi)}{F^2 \sum_j q_j^2\psi_j^2}

is taken with the free ``psi_j`` positive symbols, and again on every sub-face where some of them
vanish (the directions along which a decaying factor such as ``exp(-y)`` does not decay).

>>> x, y = sp.symbols("x y")
>>> len(arb_program_nd(x**2 + y**2*sp.exp(-x), (x, y))) > 0
True
>>> large_field(x**2/2 + y**2 - 3*x**2*y*sp.exp(-y) + x**4 + y**4, (x, y), (1, 0), [(1, 1)])["kind"]
'infinite'
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import sympy as sp

from qsym.bridge.arb import _ARB_FUNCS
from qsym.bridge.numbers import _MAX_WORK_DPS, to_mpf
from qsym.bridge.series import MAX_SERIES_NODES, _NotAnalytic
from qsym.errors import DeeperVacuumError, InputError, UnboundedBelowError

__all__ = ["arb_program_nd", "arb_gradient_nd", "large_field"]


def arb_program_nd(expr: sp.Expr, vars) -> list | None:
    r"""``expr(vars)`` as the instruction list of a :class:`qsym.numeric.mu2.program.ProgramND`
    (``("var", i)``, ``("const", c)``, ``("add", ...)``, ``("mul", ...)``, ``("powi", i, k)``,
    ``("pow", i, j)``, ``("fn", name, i)``), or None when it uses a function Arb cannot evaluate.

    .. math:: U(\phi_1, \dots, \phi_n) \mapsto (\text{op}_1, \dots, \text{op}_k)

    >>> a, b = sp.symbols("a b")
    >>> arb_program_nd(a * sp.exp(b), (a, b))
    [('var', 0), ('var', 1), ('fn', 'exp', 1), ('mul', 0, 2)]
    """
    vars = tuple(vars)
    code: list = []
    seen: dict = {}

    def emit(ins):
        code.append(ins)
        if len(code) > MAX_SERIES_NODES:
            raise InputError(f"U has more than {MAX_SERIES_NODES} nodes: too large for the ball arithmetic")
        return len(code) - 1

    def const(e):
        if e.is_Integer:
            return emit(("const", int(e)))
        if e.is_Rational:
            return emit(("const", Fraction(int(e.p), int(e.q))))
        if not (e.is_real or e.is_real is None):
            raise _NotAnalytic("complex constant")
        return emit(("const", lambda prec, e=e: to_mpf(e, min(int(prec / 3.32) + 5, _MAX_WORK_DPS))))

    def comp(e):
        if e in seen:
            return seen[e]
        if e in vars:
            r = emit(("var", vars.index(e)))
        elif not (e.free_symbols & set(vars)):
            r = const(e)
        elif e.is_Add or e.is_Mul:
            r = emit(("add" if e.is_Add else "mul", *[comp(a) for a in e.args]))
        elif e.is_Pow:
            base, ex = e.args
            if ex.free_symbols & set(vars):
                r = comp(sp.exp(ex * sp.log(base), evaluate=False))
            elif ex.is_Integer:
                r = emit(("powi", comp(base), int(ex)))
            elif ex == sp.Rational(1, 2):
                r = emit(("fn", "sqrt", comp(base)))
            else:
                r = emit(("pow", comp(base), const(ex)))
        elif isinstance(e, sp.Tuple):
            r = emit(("tuple", *[comp(a) for a in e.args]))
        elif isinstance(e, sp.Function) and len(e.args) == 1 and type(e).__name__ in _ARB_FUNCS:
            r = emit(("fn", type(e).__name__, comp(e.args[0])))
        else:
            raise _NotAnalytic(type(e).__name__)
        seen[e] = r
        return r

    try:
        comp(expr)
    except _NotAnalytic:
        return None
    return code


def arb_gradient_nd(expr: sp.Expr, vars) -> tuple | None:
    r"""``(code, outputs)``: one program computing ``U`` and its gradient ``dU/dphi_k`` (SymPy
    derivatives, common subexpressions compiled once), or None when Arb cannot evaluate it.

    .. math:: \phi \mapsto (U, \partial_1 U, \dots, \partial_n U)

    >>> a, b = sp.symbols("a b")
    >>> code, outs = arb_gradient_nd(a**2 * sp.exp(b), (a, b))
    >>> len(outs)
    3
    """
    vars = tuple(vars)
    exprs = [expr] + [sp.diff(expr, v) for v in vars]
    code = arb_program_nd(sp.Tuple(*exprs), vars)
    if code is None:
        return None
    outs = code.pop()[1:]          # the ("tuple", ...) instruction names the outputs
    return code, list(outs)


def _limit(e, F):
    try:
        return sp.limit(e, F, sp.oo)
    except (NotImplementedError, ValueError, TypeError, RecursionError, AttributeError):
        return None


def _face_minimum(L, free: list):
    """The minimum of a finite ray limit ``L(psi)`` over ``0 <= psi_j <= 1`` (one free variable; a
    constant for more), or None when SymPy cannot decide it."""
    syms = [t for t in free if t in L.free_symbols]
    if not syms:
        return L
    if len(syms) == 1:
        try:
            return sp.minimum(L, syms[0], sp.Interval(0, 1))
        except (NotImplementedError, ValueError, TypeError, RecursionError, InputError):
            return None
    return None


def _infinite_sign(L, free: list):
    """``oo * g(psi)`` (e.g. ``oo*sign(t**4 - t + 1)``, a limit SymPy leaves with a direction-dependent
    sign) as ``oo`` / ``-oo`` when the sign of ``g`` on ``0 <= psi_j <= 1`` is decided, else unchanged."""
    if L is None or not (L.is_Mul and (sp.oo in L.args or -sp.oo in L.args)):
        return L
    g = sp.Mul(*[a for a in L.args if a not in (sp.oo, -sp.oo)]) * (1 if sp.oo in L.args else -1)
    g = g.args[0] if isinstance(g, sp.sign) else g
    if g.has(sp.AccumBounds, sp.nan, sp.zoo):
        return L                # oscillating: refused by the caller
    lo = _face_minimum(g, free)
    if lo is not None and lo.is_number and lo.is_positive:
        return sp.oo
    hi = _face_minimum(-g, free)
    if hi is not None and hi.is_number and hi.is_positive:
        return -sp.oo
    return L


def large_field(U: sp.Expr, fields, charges, sign_patterns) -> dict:
    r"""How ``mu^2 = 2U / sum q_j^2 phi_j^2`` behaves as ``|phi| -> infinity`` in the orthants ``sign_patterns``.

    Returns ``{"kind": "infinite"}`` when mu^2 grows without bound along every ray, or
    ``{"kind": "finite", "value": v, "direction": {...}}`` with ``v >= 0`` the smallest finite limit
    (a plateau: the infimum may be approached at infinity).

    .. math:: \inf_{\psi} \lim_{F\to\infty} \mu^2(F s\psi)

    Raises
    ------
    UnboundedBelowError
        A limit is ``-infinity``.
    DeeperVacuumError
        A limit is negative (U < 0 at large field).
    InputError
        A limit SymPy cannot take or compare (the window is then undecided).

    >>> x, y = sp.symbols("x y")
    >>> large_field(sp.log(1 + x**2) + y**2, (x, y), (1, 1), [(1, 1)])["value"]
    0
    """
    n = len(fields)
    F = sp.Symbol("F", positive=True)
    best = None
    for signs in sign_patterns:
        for k in range(n):
            others = [j for j in range(n) if j != k]
            for zero in itertools.product((False, True), repeat=len(others)):
                psi, free = [sp.Integer(0)] * n, []
                psi[k] = sp.Integer(1)
                for j, z in zip(others, zero):
                    if not z:
                        psi[j] = sp.Symbol(f"t{j}", positive=True)
                        free.append(psi[j])
                c = sum((q if isinstance(q, sp.Basic) else sp.Rational(q)) ** 2 * p ** 2 for q, p in zip(charges, psi))
                if c == 0:
                    continue        # an uncharged direction: mu^2 is +infinity there (U > 0 checked elsewhere)
                sub = {f: s * p * F for f, s, p in zip(fields, signs, psi)}
                e = 2 * U.subs(sub, simultaneous=True) / (F ** 2 * c)
                L = _infinite_sign(_limit(e, F), free)
                where = ", ".join(f"{f} = {s * p}*F" for f, s, p in zip(fields, signs, psi))
                if L is None or L.has(sp.nan, sp.zoo, sp.AccumBounds, sp.Limit):
                    raise InputError(f"SymPy cannot take the limit of mu^2 as F -> infinity along ({where}): "
                                     "the large-field behaviour of U is undecided")
                if L == sp.oo:
                    continue
                if L == -sp.oo:
                    raise UnboundedBelowError(f"U is unbounded below along ({where}), F -> infinity: no "
                                              "Q-ball can be stable")
                m = _face_minimum(L, free)
                if m is None or not (m.is_number and m.is_real):
                    raise InputError(f"mu^2 tends to {L} along ({where}) as F -> infinity: SymPy cannot "
                                     "find its minimum over the directions, the window is undecided")
                if m.is_negative:
                    raise DeeperVacuumError(f"mu^2 -> {m} < 0 along ({where}) as F -> infinity: U < 0 at "
                                            "large field, a vacuum deeper than the origin")
                if best is None or sp.simplify(m - best[0]).is_negative:
                    best = (m, {str(f): s * p for f, s, p in zip(fields, signs, psi)})
    if best is None:
        return {"kind": "infinite"}
    return {"kind": "finite", "value": best[0], "direction": best[1]}
