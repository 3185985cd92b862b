r"""The rescaled bounce potential of a Q-ball family as an Arb program, without SymPy.

A one-field family ``U_omega = U - omega^2 phi^2/2`` is solved in units where the false vacuum
has unit mass and the field an O(1) scale (:class:`qsym.api.solve.DeltaChart`): with
``Delta = m^2 - omega^2``, ``U = k phi^2 + R(phi)`` (``k phi^2`` the quadratic term U writes
explicitly, removed exactly, symbolically, once per family; ``k = 0`` when U has none, e.g.
``log(1 + phi^2)``: subtracting ``m^2 phi^2/2`` there would cancel at large field) and
``c = (2k - m^2 + Delta)/(2 Delta)`` (``1/2`` when ``k = m^2/2``),

.. math:: V(\psi) = \frac{U_\omega(a\psi)}{a^2\Delta} = c\,\psi^2 + \frac{R(a\psi)}{a^2\Delta},
          \quad V' = 2c\,\psi + \frac{R'(a\psi)}{a\Delta}, \quad V'' = 2c + \frac{R''(a\psi)}{\Delta}.

:func:`rescaled_program` builds the program of ``(V, V', V'')`` from the program of
``(R, R', R'')`` and the exact numbers ``a, Delta, c`` (``Fraction``): a copy of its
instructions, the variable replaced by ``a psi``, and the three outputs added.  Every omega of a
scan then costs a list copy instead of a SymPy substitution and a new compilation.

>>> from fractions import Fraction
>>> from qsym.numeric.kernels.arbprog import ArbProgram
>>> R = ArbProgram([("var",), ("powi", 0, 3), ("const", -1), ("mul", 1, 2),      # R = -x^3
...                 ("powi", 0, 2), ("const", -3), ("mul", 4, 5),                 # R' = -3 x^2
...                 ("const", -6), ("mul", 0, 7)], outputs=[3, 6, 8])             # R'' = -6 x
>>> V = rescaled_program(R, Fraction(1, 2), Fraction(1, 4), Fraction(1, 2))  # psi^2/2 - 2 psi^3
>>> [float(c) for c in V.series(1, 4)]
[-1.5, -5.0, -5.5, -2.0]
"""

from __future__ import annotations

from fractions import Fraction

from qsym.numeric.kernels.arbprog import ArbProgram

__all__ = ["rescaled_program"]


def rescaled_program(prog: ArbProgram, a: Fraction, delta: Fraction, c: Fraction) -> ArbProgram:
    r"""The program of ``(V, V', V'')`` (module docstring) from that of ``(R, R', R'')``.

    ``a``, ``delta`` (nonzero) and ``c`` are exact (``Fraction``); the constants ``a``, ``c``,
    ``1/(a^2 Delta)``, ``1/(a Delta)``, ``1/Delta`` enter exactly.  The instructions of R (through its first output)
    come before V, those of R', R'' after it, so that a run for V alone stops at V.

    .. math:: (R, R', R'')(x) \mapsto (V, V', V'')(\psi), \qquad x = a\psi
    """
    a, delta, c = Fraction(a), Fraction(delta), Fraction(c)
    if not a or not delta:
        raise ValueError("rescaled_program needs a nonzero field scale and Delta")
    if len(prog.outputs) < 3:
        raise ValueError("rescaled_program needs the program of R, R', R''")
    code: list = [("var",), ("const", a)]
    PSI, T = 0, 2
    code.append(("mul", PSI, 1))                  # t = a psi
    base = len(code)
    o0, o1, o2 = prog.outputs[:3]
    top = max(o0, o1, o2)
    head = o0 + 1                                 # R's own instructions
    tail_shift = 0                                # set once V's instructions are placed
    where: dict = {}

    def copy(k: int):
        ins = prog.code[k]
        op = ins[0]
        if op == "var":
            return ("add", T)                     # x -> a psi
        if op == "const":
            return ins
        if op in ("add", "mul"):
            return (op, *[where[i] for i in ins[1:]])
        if op == "powi":
            return ("powi", where[ins[1]], ins[2])
        if op == "pow":
            return ("pow", where[ins[1]], where[ins[2]])
        return ("fn", ins[1], where[ins[2]])

    for k in range(head):
        where[k] = base + k
        code.append(copy(k))
    # V = c psi^2 + R / (a^2 Delta)
    i = len(code)
    code += [("powi", PSI, 2), ("const", c), ("mul", i, i + 1),
             ("const", 1 / (a * a * delta)), ("mul", where[o0], i + 3), ("add", i + 2, i + 4)]
    out_v = len(code) - 1
    tail_shift = len(code) - (base + head)
    for k in range(head, top + 1):
        where[k] = base + k + tail_shift
        code.append(copy(k))
    # V' = 2 c psi + R'/(a Delta),  V'' = 2 c + R''/Delta
    i = len(code)
    code += [("const", 1 / (a * delta)), ("mul", where[o1], i), ("const", 2 * c), ("mul", PSI, i + 2),
             ("add", i + 3, i + 1)]
    out_v1 = len(code) - 1
    i = len(code)
    code += [("const", 1 / delta), ("mul", where[o2], i), ("const", 2 * c), ("add", i + 2, i + 1)]
    out_v2 = len(code) - 1
    return ArbProgram(code, outputs=[out_v, out_v1, out_v2])
