r"""Online Taylor arithmetic of a potential along the bounce series (double precision).

The Taylor integrator (:mod:`qsym.numeric.kernels.taylor`) needs the coefficients of
``U'(psi(s))`` and ``U''(psi(s))`` one at a time: ``b_{k+2}`` follows from ``F_k`` and ``F_k``
needs ``b_0 .. b_k``.  A polynomial U composes cheaply with the powers of ``psi - psi_0``; for
any other U composing through its Taylor series at ``psi_0`` costs ``O(N)`` series products per
coefficient.  Here the straight-line program of ``U, U', U''`` (an
:class:`~qsym.numeric.kernels.arbprog.ArbProgram` with three outputs) runs *online* on the
series itself: every node gets its k-th coefficient from the classical recurrences

.. math:: (e^a)_k = \frac1k\sum_{j=1}^k j a_j (e^a)_{k-j}, \quad
          (\log a)_k = \frac{1}{a_0}\Big(a_k - \frac1k\sum_{j=1}^{k-1} j (\log a)_j a_{k-j}\Big), \quad
          (a^r)_k = \frac{1}{k a_0}\sum_{j=1}^k \big((r+1)j - k\big) a_j (a^r)_{k-j}

(and sin/cos, sinh/cosh pairs; tan, tanh as quotients; atan, asin, acos, asinh, atanh from
their derivatives), so a step costs ``O(nodes N^2)`` like a polynomial of that many terms.

>>> from fractions import Fraction
>>> from qsym.numeric.kernels.arbprog import ArbProgram
>>> code = [("var",), ("fn", "exp", 0)]                    # U = U' = U'' = exp(x)
>>> run = OnlineProgram(ArbProgram(code, outputs=[1, 1, 1])).start(1.0, 0.0, 1.0, 1.0, 1.0)
>>> _ = run.advance(0.0); F1, G1, U1 = run.advance(1.0); F2, G2, U2 = run.advance(0.0)
>>> round(F2 / F1, 12)                                     # exp(t): coefficient 2 over 1 is 1/2
0.5
"""

from __future__ import annotations

import math
import re
import operator

import flint
import mpmath
from mpmath.libmp import MPZ, to_fixed

__all__ = ["OnlineProgram", "RunFixed", "FIXED_OPS", "float_loss_bits"]

#: operations the fixed-point run supports (the inverse trigonometric ones run in floats only)
FIXED_OPS = {"var", "const", "add", "scale", "mul", "sq", "recip", "exp", "log", "pow", "sqrt",
             "sin", "cos", "sinh", "cosh", "tan", "tanh"}

_mul = operator.mul
#: constants up to 2^CONST_FREE_BITS need no extra bits in fixed point (:meth:`OnlineProgram.const_bits`)
CONST_FREE_BITS = 20
#: a product b^n f (f not a power of b) is built as a chain of n products by b up to this n
MONOMIAL_CHAIN = 8


def _conv(a: list, b: list, k: int) -> float:
    """``sum_{i=0}^k a_i b_{k-i}``."""
    return sum(map(_mul, a[:k + 1], b[k::-1]))


def _wconv(a: list, b: list, k: int) -> float:
    """``sum_{j=1}^k j a_j b_{k-j}`` (the weighted sum of the exp-type recurrences)."""
    return sum(j * a[j] * b[k - j] for j in range(1, k + 1))


class _Node:
    __slots__ = ("op", "args", "c", "aux", "val")

    def __init__(self, op, args, val=None):
        self.op, self.args, self.c, self.aux, self.val = op, args, [], None, val


class OnlineProgram:
    """A program with outputs ``(U, U', U'')`` prepared for online evaluation in floats.

    Constants are rounded to doubles once; n-ary products become binary ones, constant factors
    plain scalings, integer powers products (or a reciprocal).
    """

    def __init__(self, prog):
        self.outputs = list(prog.outputs)
        self.nodes: list = []
        self._memo: dict = {}
        #: node -> (b, n) for the nodes that are a power b^n of a base node b (the variable, or a
        #: node raised to an integer power somewhere)
        self._mono: dict = {}
        #: fixed point: the constants at Pw bits (and the scalings of a run), computed once
        self._fixed_cache: dict = {}
        idx = {}
        for k, ins in enumerate(prog.code[:max(self.outputs) + 1]):
            op = ins[0]
            if op == "const":
                idx[k] = self._emit("const", (), float(prog._const(k, ins[1], 53).mid()))
                self.nodes[idx[k]].aux = (lambda prec, k=k, c=ins[1]: _const_mpf(prog, k, c, prec),)
            elif op == "var":
                idx[k] = self._emit("var", ())
                self._mono[idx[k]] = (idx[k], 1)
            elif op == "add" and len(ins) == 2:
                idx[k] = idx[ins[1]]                    # a one-term sum is its term
            elif op == "add":
                idx[k] = self._emit("add", tuple(idx[i] for i in ins[1:]))
            elif op == "mul":
                idx[k] = self._mul([idx[i] for i in ins[1:]])
            elif op == "powi":
                idx[k] = self._powi(idx[ins[1]], ins[2])
                if ins[2] > 1:
                    b, n = self._mono.setdefault(idx[ins[1]], (idx[ins[1]], 1))
                    self._mono.setdefault(idx[k], (b, n * ins[2]))
            elif op == "pow":
                idx[k] = self._emit("pow", (idx[ins[1]],), self.nodes[idx[ins[2]]].val)
                self.nodes[idx[k]].aux = self.nodes[idx[ins[2]]].aux
            else:
                idx[k] = self._emit(ins[1], (idx[ins[2]],))
        self.out = [idx[i] for i in self.outputs]
        # nodes that U' and U'' read (U itself is needed at k = 0 only)
        need = set()
        stack = list(self.out[1:])
        while stack:
            i = stack.pop()
            if i not in need:
                need.add(i)
                stack.extend(self.nodes[i].args)
        self.need = sorted(need)
        need_f = set()
        stack = [self.out[1]]
        while stack:
            i = stack.pop()
            if i not in need_f:
                need_f.add(i)
                stack.extend(self.nodes[i].args)
        #: the nodes U' alone reads (the variational series may stop before the main one)
        self.need_f = sorted(need_f)
        #: k >= 1: one compiled function per arithmetic appending the k-th coefficient of every
        #: node U' and U'' read (floats; fixed point, and fixed point for U' alone)
        self.adv_float = _compile(self.nodes, self.need, False)
        self.adv_fixed = _compile(self.nodes, self.need, True)
        self.adv_fixed_f = _compile(self.nodes, self.need_f, True)

    def _emit(self, op, args, val=None) -> int:
        # common subexpressions (x**2 twice, x**3*exp(-x) in U and U' ...) are one node; constants,
        # scalings and real powers keep their own node (their exact values live in ``aux``)
        key = None
        if op not in ("const", "scale", "pow"):
            key = (op, tuple(sorted(args)) if op in ("add", "mul") else args, val)
            if key in self._memo:
                return self._memo[key]
        self.nodes.append(_Node(op, args, val))
        if key is not None:
            self._memo[key] = len(self.nodes) - 1
        return len(self.nodes) - 1

    def _mul(self, args: list) -> int:
        scale = 1.0
        rest, exact = [], []
        # a power b^n (b the variable, or any node raised to an integer power) times other factors
        # f becomes b (b (... f)): the products b^j f of one f with several j (U, U', U'' of
        # x^n e^-x: x^3 e^-x, x^2 e^-x, x e^-x) then share their chain, one Cauchy product per
        # degree instead of powers and one product per term
        for a in args:
            if self.nodes[a].op == "const":
                scale *= self.nodes[a].val
                exact += self.nodes[a].aux
            else:
                rest.append(a)
        bases = {self._mono[a][0] for a in rest if a in self._mono}
        deg = 0
        if len(bases) == 1:
            (b,) = bases
            other = [a for a in rest if a not in self._mono]
            deg = sum(self._mono[a][1] for a in rest if a in self._mono)
            if other and deg <= MONOMIAL_CHAIN:
                rest = other
            else:
                deg = 0
        if not rest:
            out = self._emit("const", (), scale)
        else:
            out = rest[0]
            for a in rest[1:]:
                out = self._emit("mul", (out, a))
            for _ in range(deg):
                out = self._emit("mul", (b, out))
            if not exact:
                return out
            out = self._emit("scale", (out,), scale)
        self.nodes[out].aux = tuple(exact)
        return out

    def _powi(self, a: int, n: int) -> int:
        if n < 0:
            return self._emit("recip", (self._powi(a, -n),))
        if n == 0:
            out = self._emit("const", (), 1.0)
            self.nodes[out].aux = (lambda prec: mpmath.mpf(1),)
            return out
        out, base = None, a
        while n:
            if n & 1:
                out = base if out is None else self._emit("mul", (out, base))
            n >>= 1
            if n:
                base = self._emit("sq", (base,))
        return out

    def const_bits(self) -> int:
        """``log2`` of the largest constant factor beyond ``2^CONST_FREE_BITS`` (0 below): the bits
        a fixed-point run adds so that the tiny intermediates such a constant multiplies keep theirs.

        >>> from qsym.numeric.kernels.arbprog import ArbProgram
        >>> OnlineProgram(ArbProgram([("var",), ("const", 2**40), ("mul", 0, 1)], outputs=[2, 2, 2])).const_bits()
        40
        """
        top = max([abs(nd.val) for nd in self.nodes if nd.op in ("const", "scale") and nd.val] + [1.0])
        bits = math.ceil(math.log2(top))
        return bits if bits > CONST_FREE_BITS else 0

    def fixed_ok(self) -> bool:
        """True when every node the outputs need runs in fixed point."""
        return all(nd.op in FIXED_OPS for nd in self.nodes)

    def start_fixed(self, P: int, Pw: int, shift, xscale, f_scale, g_scale):
        """A fixed-point run (see :class:`RunFixed`); the scales are mpf, taken at ``Pw`` bits."""
        key = (Pw, shift, xscale, f_scale, g_scale)
        got = self._fixed_cache.get(key)
        if got is None:
            if Pw not in self._fixed_cache:
                self._fixed_cache[Pw] = [(_fx(_product(nd.aux, Pw), Pw) if nd.op in ("const", "scale")
                                          else None) for nd in self.nodes]
            got = (self._fixed_cache[Pw], _fx(shift, Pw), _fx(xscale, Pw), _fx(f_scale, Pw), _fx(g_scale, Pw))
            self._fixed_cache[key] = got
        # (the run writes its start constants into its own copy of the list)
        return RunFixed(self, P, Pw, list(got[0]), *got[1:])

    def value_float(self, x: float) -> float:
        """``U(x)`` in floats (the constant terms of the run: a cheap value for event energies)."""
        return _Run(self, 0.0, 0.0, 1.0, 1.0, 1.0).advance(x)[2]

    def start(self, x0: float, shift: float, xscale: float, f_scale: float, g_scale: float):
        """A fresh run: the variable is ``xscale (b + shift)`` where ``b`` arrives coefficient by
        coefficient; :meth:`_Run.advance` returns ``(f_scale U'_k, g_scale U''_k, U_k)``."""
        return _Run(self, x0, shift, xscale, f_scale, g_scale)


def _compile(nodes: list, order: list, fixed: bool):
    """``adv(c, k, x, coef, nodes, K, Pw, wt)``: append the k-th coefficient (k >= 1) of the nodes in
    ``order`` to their lists ``c[i]``.  Straight-line code generated from the node list (no user
    text: operation names from a fixed table, integer indices; the constants arrive in ``K``):
    the simple nodes and exp inline (sums, scalings, Cauchy products as C-level ``sum(map(mul, ..))``,
    ``wt[i]`` the weights ``j c_j`` of node i), the others through ``coef(i, nodes[i], k, x)`` (the recurrences of the run)."""
    lines = ["def adv(c, k, x, coef, nodes, K, Pw, wt):"]
    for i in order:
        nd = nodes[i]
        op, a = nd.op, nd.args
        if op == "var":
            e = "x"
        elif op == "const":
            e = "0" if fixed else "0.0"
        elif op == "add":
            e = " + ".join(f"c[{j}][k]" for j in a)
        elif op == "scale":
            e = f"(K[{i}] * c[{a[0]}][k]) >> Pw" if fixed else f"K[{i}] * c[{a[0]}][k]"
        elif op in ("mul", "sq"):
            e = f"sum(map(_mul, c[{a[0]}][:k + 1], c[{a[-1]}][k::-1]))" + (" >> Pw" if fixed else "")
        elif op == "exp":
            # (e^a)_k = sum_j j a_j (e^a)_{k-j} / k, with the weights j a_j of the argument kept in wt
            lines.append(f"    w = wt[{a[0]}]")
            lines.append(f"    if len(w) == k:")
            lines.append(f"        w.append(k * c[{a[0]}][k])")
            s = f"sum(map(_mul, w[1:k + 1], c[{i}][k - 1::-1]))"
            e = f"({s} >> Pw) // k" if fixed else f"{s} / k"
        elif op == "recip":
            s = f"sum(map(_mul, c[{a[0]}][1:k + 1], c[{i}][k - 1::-1]))"
            e = f"-({s} // c[{a[0]}][0])" if fixed else f"-{s} / c[{a[0]}][0]"
        elif op == "log":
            # (log a)_k = (a_k - sum_{j<k} j L_j a_{k-j} / k) / a_0, the weights j L_j in wt[i]
            lines.append(f"    w = wt[{i}]")
            lines.append(f"    if len(w) < k:")
            lines.append(f"        w.append((k - 1) * c[{i}][k - 1])")
            s = f"sum(map(_mul, w[1:k], c[{a[0]}][k - 1:0:-1]))"
            e = (f"((c[{a[0]}][k] - ({s} >> Pw) // k) << Pw) // c[{a[0]}][0]" if fixed
                 else f"(c[{a[0]}][k] - {s} / k) / c[{a[0]}][0]")
        else:
            e = f"coef({i}, nodes[{i}], k, x)"
        lines.append(f"    c[{i}].append({e})")
    lines.append("    return None")
    src = "\n".join(lines)
    _check_generated(src)
    ns = {"_mul": _mul}
    exec(compile(src, "<online program>", "exec"), ns)  # noqa: S102 - generated, checked above
    return ns["adv"]


#: the only names generated code may contain (the templates of :func:`_compile`)
_GENERATED_NAMES = frozenset({"def", "adv", "c", "k", "x", "coef", "nodes", "K", "Pw", "wt", "w", "if",
                              "len", "append", "sum", "map", "_mul", "return", "None"})
_GENERATED_CHARS = re.compile(r"^[ \w\[\]():.+\-*/<>=,]*$")


def _check_generated(src: str) -> None:
    r"""The straight-line source of :func:`_compile` uses only its templates: names from
    ``_GENERATED_NAMES``, integer literals and operators (no strings, no attribute beyond
    ``append``, no dunder).  Anything else is a bug: refuse to execute it.

    .. math:: \text{source} \in \text{templates}(\text{node list})

    >>> _check_generated("    c[0].append(c[1][k])")
    >>> _check_generated("__import__('os')")
    Traceback (most recent call last):
    ...
    RuntimeError: generated online program failed its check: __import__('os')
    """
    for line in src.split("\n"):
        names = set(re.findall(r"[A-Za-z_]\w*", line))
        if not _GENERATED_CHARS.match(line) or "__" in line or not names <= _GENERATED_NAMES:
            raise RuntimeError(f"generated online program failed its check: {line.strip()[:60]}")


class _Run:
    def __init__(self, prog: OnlineProgram, x0, shift, xscale, fs, gs):
        self.p = prog
        self.shift, self.xscale, self.fs, self.gs = shift, xscale, fs, gs
        self.c = [[] for _ in prog.nodes]
        self.aux = [None] * len(prog.nodes)
        self.wt = [[0] for _ in prog.nodes]
        self.k = 0
        #: the scalings' float factors by node
        self.K = [nd.val for nd in prog.nodes]

    def advance(self, bk: float):
        """Take the next coefficient ``b_k`` of the series; return ``(F_k, G_k, U_k)``
        (``U_k`` for k = 0 only, later None: the step needs U at its start)."""
        c = self.c
        k = self.k
        self.k += 1
        iu, i1, i2 = self.p.out
        if k == 0:
            x = self.xscale * (bk + self.shift)
            for i, nd in enumerate(self.p.nodes):
                c[i].append(self._coef(i, nd, 0, x))
            return self.fs * c[i1][0], self.gs * c[i2][0], c[iu][0]
        self.p.adv_float(c, k, self.xscale * bk, self._coef, self.p.nodes, self.K, 0, self.wt)
        return self.fs * c[i1][k], self.gs * c[i2][k], None

    def _coef(self, i, nd, k, x):  # noqa: C901 - one branch per operation
        c, op, a = self.c, nd.op, nd.args
        ci = c[i]
        if op == "var":
            return x
        if op == "const":
            return nd.val if k == 0 else 0.0
        if op == "add":
            v = c[a[0]][k]
            for j in a[1:]:
                v += c[j][k]
            return v
        if op == "scale":
            return nd.val * c[a[0]][k]
        if op == "mul":
            return _conv(c[a[0]], c[a[1]], k)
        if op == "sq":
            return _conv(c[a[0]], c[a[0]], k)
        A = c[a[0]]
        if op == "recip":
            if k == 0:
                return 1.0 / A[0]
            return -sum(map(_mul, A[1:k + 1], ci[k - 1::-1])) / A[0]
        if op == "exp":
            return math.exp(A[0]) if k == 0 else sum(map(_mul, self._w(a[0], k)[1:k + 1], ci[k - 1::-1])) / k
        if op == "log":
            if k == 0:
                return math.log(A[0])
            s = sum(map(_mul, self._w(i, k - 1)[1:k], A[k - 1:0:-1])) if k > 1 else 0.0
            return (A[k] - s / k) / A[0]
        if op in ("pow", "sqrt"):
            r = nd.val if op == "pow" else 0.5
            if k == 0:
                return A[0] ** r
            sw = sum(map(_mul, self._w(a[0], k)[1:k + 1], ci[k - 1::-1]))
            s0 = sum(map(_mul, A[1:k + 1], ci[k - 1::-1]))
            return ((r + 1) * sw - k * s0) / (k * A[0])
        if op in ("sin", "cos", "sinh", "cosh", "tan", "tanh"):
            return self._trig(i, op, A, k)
        return self._inverse(i, op, A, k)

    def _w(self, i, k):
        """``[j c_j]`` of node i up to index k (cached, extended on demand; starts ``[0]``)."""
        w = self.wt[i]
        ci = self.c[i]
        while len(w) <= k:
            w.append(len(w) * ci[len(w)])
        return w

    def _trig(self, i, op, A, k):
        hyp = op in ("sinh", "cosh", "tanh")
        if self.aux[i] is None:
            self.aux[i] = ([], [], [])        # sin-type, cos-type, quotient
        s, co, q = self.aux[i]
        if k == 0:
            s.append(math.sinh(A[0]) if hyp else math.sin(A[0]))
            co.append(math.cosh(A[0]) if hyp else math.cos(A[0]))
        else:
            s.append(_wconv(A, co, k) / k)
            co.append((1 if hyp else -1) * _wconv(A, s, k) / k)
        if op in ("sin", "sinh"):
            return s[k]
        if op in ("cos", "cosh"):
            return co[k]
        q.append((s[k] - sum(co[j] * q[k - j] for j in range(1, k + 1))) / co[0])
        return q[k]

    def _inverse(self, i, op, A, k):
        """atan, asin, acos, asinh, atanh: ``f' = a' g(a)`` with ``g`` built online."""
        if self.aux[i] is None:
            self.aux[i] = ([], [], [])        # w = 1 +- a^2, g (w^-1 or w^-1/2), a' g
        w, g, dg = self.aux[i]
        m = k - 1 if k else 0
        # extend w, g to index k - 1 (f_k needs (a' g)_{k-1})
        if k == 0:
            a0 = A[0]
            return {"atan": math.atan, "asin": math.asin, "acos": math.acos, "asinh": math.asinh,
                    "atanh": math.atanh}[op](a0)
        sq = _conv(A, A, m)
        sign = 1.0 if op in ("atan", "asinh") else -1.0
        w.append((1.0 if m == 0 else 0.0) + sign * sq)
        if op in ("atan", "atanh"):
            g.append((1.0 / w[0]) if m == 0 else -sum(w[j] * g[m - j] for j in range(1, m + 1)) / w[0])
        else:                                   # w^(-1/2)
            g.append(w[0] ** -0.5 if m == 0 else
                     sum((0.5 * j - m) * w[j] * g[m - j] for j in range(1, m + 1)) / (m * w[0]))
        da = [(j + 1) * A[j + 1] for j in range(m + 1)]
        dg.append(_conv(da, g, m))
        return (-1.0 if op == "acos" else 1.0) * dg[m] / k


def float_loss_bits(prog, points, scales, prec: int = 64) -> float:
    r"""Bits by which a float evaluation of ``U, U', U''`` misses ``2^{-53}`` in scaled units
    (relative to the value where the scaled value exceeds 1).

    The program (all its instructions) runs on exact Arb balls at ``prec`` bits; the radius
    of output ``j`` times its scale ``s_j`` is the rounding error of the evaluation in units of
    the scaled potential, about ``2^{-prec}`` times the largest intermediate value.  Doubles
    round every operation at ``2^{-53}`` relative, so they miss by the same factor:

    .. math:: \text{loss} = \max_{x, j} \log_2\frac{\text{rad}(U^{(j)}(x))\, s_j}
              {\max(1, |U^{(j)}(x)|\, s_j)} + \text{prec}

    (cancellation, e.g. ``log(1 + a^2 psi^2) - a^2 psi^2`` for a tiny field scale ``a``: the
    value is ``O(a^4)`` while its terms are ``O(1)``).  ``+inf`` where the program fails.

    >>> from qsym.numeric.kernels.arbprog import ArbProgram
    >>> p = ArbProgram([("var",), ("fn", "exp", 0)], outputs=[1, 1, 1])
    >>> float_loss_bits(p, [0.5], [1, 1, 1]) < 4
    True
    """
    from qsym.numeric.kernels.arbprog import FUNCTIONS
    worst = -math.inf
    top = max(prog.outputs)
    with flint.ctx.workprec(prec):
        for x in points:
            regs = []
            try:
                for k, ins in enumerate(prog.code[:top + 1]):
                    op = ins[0]
                    if op == "var":
                        v = flint.arb(mpmath.mpf(x))
                    elif op == "const":
                        v = prog._const(k, ins[1], prec)
                    elif op in ("add", "mul"):
                        v = regs[ins[1]]
                        for i in ins[2:]:
                            v = v + regs[i] if op == "add" else v * regs[i]
                    elif op == "powi":
                        v = regs[ins[1]] ** ins[2]
                    elif op == "pow":
                        v = regs[ins[1]] ** regs[ins[2]]
                    else:
                        v = FUNCTIONS[ins[1]](regs[ins[2]])
                    regs.append(v)
            except (ArithmeticError, ValueError):
                return math.inf
            for j, sc in zip(prog.outputs, scales):
                v = regs[j]
                if not v.is_finite():
                    return math.inf
                # (relative to the value where it exceeds 1: doubles hold large values to 2^-53
                # relative, and a bounce far out needs no more)
                rad = float(v.rad()) * abs(float(sc)) / max(1.0, abs(float(v.mid())) * abs(float(sc)))
                if rad > 0:
                    worst = max(worst, math.log2(rad) + prec)
    return worst


def _const_mpf(prog, k, c, prec: int):
    """Constant ``c`` of instruction k of an Arb program, as an mpf of ``prec`` bits."""
    with flint.ctx.workprec(prec):
        return _arb_mpf(prog._const(k, c, prec))


def _arb_mpf(x):
    man, exp = x.mid().man_exp()
    return mpmath.mpf((int(man), int(exp)))


def _product(fns, P: int):
    """The product of the constants ``fn(P)`` at P + 20 bits."""
    with mpmath.workprec(P + 20):
        v = mpmath.mpf(1)
        for f in fns:
            v *= f(P + 20)
        return v


def _fx(v, P: int):
    """An mpf as a fixed-point integer with P fraction bits (an mpf is taken exactly, not
    rounded to the global precision)."""
    if not isinstance(v, mpmath.mpf):
        with mpmath.workprec(P + 20):
            v = mpmath.mpf(v)
    return MPZ(to_fixed(v._mpf_, P))


def _mp(v, P: int):
    return mpmath.mpf((MPZ(v), -P))


_ELEMENTARY = {"exp": mpmath.exp, "log": mpmath.log, "sin": mpmath.sin, "cos": mpmath.cos,
               "sinh": mpmath.sinh, "cosh": mpmath.cosh, "atan": mpmath.atan, "asin": mpmath.asin,
               "acos": mpmath.acos, "asinh": mpmath.asinh, "atanh": mpmath.atanh}


class RunFixed:
    """The online evaluation in fixed point: integers with ``Pw`` fraction bits (the working bits
    of the step plus guard bits for the scalings); inputs ``b_k`` and outputs ``F_k, G_k`` with
    ``P`` fraction bits.  Same recurrences as the float run; the constant terms (exp, log, ... of
    the start value) come from mpmath at ``Pw`` bits."""

    def __init__(self, prog: OnlineProgram, P: int, Pw: int, consts: list, shift, xscale, fs, gs):
        self.p, self.P, self.Pw = prog, P, Pw
        self.consts = consts
        self.shift = shift
        self.xs, self.fs, self.gs = xscale, fs, gs
        self.c = [[] for _ in prog.nodes]
        self.aux = [None] * len(prog.nodes)
        self.wt = [[0] for _ in prog.nodes]
        self.k = 0
        self.g_on = True

    def advance(self, bk, with_g: bool = True):
        """``(F_k, G_k, U_0 or None)``; with ``with_g`` False only U' is advanced (G_k None; once
        off it stays off: the nodes of U'' are not extended any more)."""
        c, k, Pw, P = self.c, self.k, self.Pw, self.P
        self.k += 1
        b = bk << (Pw - P)
        if k == 0:
            b += self.shift
        x = (self.xs * b) >> Pw
        iu, i1, i2 = self.p.out
        nodes = self.p.nodes
        if k == 0:
            for i, nd in enumerate(nodes):
                c[i].append(self._coef(i, nd, 0, x))
        else:
            # (once U'' is off, the nodes only it reads stay behind)
            adv = self.p.adv_fixed if with_g and self.g_on else self.p.adv_fixed_f
            self.g_on = self.g_on and with_g
            adv(c, k, x, self._coef, nodes, self.consts, Pw, self.wt)
        sh = 2 * Pw - P
        F = (self.fs * c[i1][k]) >> sh
        G = (self.gs * c[i2][k]) >> sh if with_g else None
        return F, G, (c[iu][0] if k == 0 else None)

    def _coef(self, i, nd, k, x):  # noqa: C901 - one branch per operation
        c, op, a, Pw = self.c, nd.op, nd.args, self.Pw
        ci = c[i]
        if op == "var":
            return x
        if op == "const":
            return self.consts[i] if k == 0 else 0
        if op == "add":
            v = c[a[0]][k]
            for j in a[1:]:
                v += c[j][k]
            return v
        if op == "scale":
            return (self.consts[i] * c[a[0]][k]) >> Pw
        if op == "mul":
            return _conv(c[a[0]], c[a[1]], k) >> Pw
        if op == "sq":
            return _conv(c[a[0]], c[a[0]], k) >> Pw
        A = c[a[0]]
        if k == 0:
            return self._start(i, nd, A[0])
        if op == "recip":
            return -(sum(map(_mul, A[1:k + 1], ci[k - 1::-1])) // A[0])
        if op == "exp":
            return (sum(map(_mul, self._w(a[0], k)[1:k + 1], ci[k - 1::-1])) >> Pw) // k
        if op == "log":
            s = (sum(map(_mul, self._w(i, k - 1)[1:k], A[k - 1:0:-1])) >> Pw) // k if k > 1 else 0
            return ((A[k] - s) << Pw) // A[0]
        if op in ("pow", "sqrt"):
            r1 = self.consts[i]               # (r + 1) in fixed point
            sw = sum(map(_mul, self._w(a[0], k)[1:k + 1], ci[k - 1::-1]))
            s0 = sum(map(_mul, A[1:k + 1], ci[k - 1::-1]))
            s = (r1 * sw - (k << Pw) * s0) >> (2 * Pw)
            return (s << Pw) // (k * A[0])
        if op in ("sin", "cos", "sinh", "cosh", "tan", "tanh"):
            return self._trig(i, op, A, k)
        raise ArithmeticError(f"online fixed point: {op} not supported")

    _w = _Run._w

    def _start(self, i, nd, a0):
        """The constant term of a non-linear node, from mpmath at Pw bits."""
        Pw, op = self.Pw, nd.op
        with mpmath.workprec(Pw + 20):
            v = _mp(a0, Pw)
            if op == "recip":
                return (MPZ(1) << (2 * Pw)) // a0
            if op in ("pow", "sqrt"):
                r = _product(nd.aux, Pw) if op == "pow" else mpmath.mpf(1) / 2
                if not v > 0:
                    raise ArithmeticError("a real power of a non-positive argument")
                self.consts[i] = _fx(mpmath.mpf(r) + 1, Pw)
                return _fx(v ** r, Pw)
            if op in ("sin", "cos", "sinh", "cosh", "tan", "tanh"):
                hyp = op in ("sinh", "cosh", "tanh")
                s0 = _fx(mpmath.sinh(v) if hyp else mpmath.sin(v), Pw)
                c0 = _fx(mpmath.cosh(v) if hyp else mpmath.cos(v), Pw)
                self.aux[i] = ([s0], [c0], [(s0 << Pw) // c0] if c0 else [0])
                return {"sin": s0, "sinh": s0, "cos": c0, "cosh": c0}.get(op, self.aux[i][2][0])
            if op == "log" and not v > 0:
                raise ArithmeticError("log of a non-positive argument")
            return _fx(_ELEMENTARY[op](v), Pw)

    def _trig(self, i, op, A, k):
        hyp = op in ("sinh", "cosh", "tanh")
        Pw = self.Pw
        s, co, q = self.aux[i]
        s.append((_wconv(A, co, k) >> Pw) // k)
        cv = (_wconv(A, s, k) >> Pw) // k
        co.append(cv if hyp else -cv)
        if op in ("sin", "sinh"):
            return s[k]
        if op in ("cos", "cosh"):
            return co[k]
        q.append(((s[k] - (sum(co[j] * q[k - j] for j in range(1, k + 1)) >> Pw)) << Pw) // co[0])
        return q[k]
