r"""Safe parsing of user text into SymPy expressions (a whitelist; nothing is executed).

Every text a user gives qsym (a potential, a parameter value, a charge, an
omega) goes through :func:`parse_expression` or :func:`parse_number`.  The
text is read by Python's own parser into a syntax tree (``ast.parse`` in
``eval`` mode only builds the tree; it runs nothing), and the tree is then
walked by this module, which accepts only

* numbers (integers, decimals and scientific notation, converted *exactly*:
  ``0.6 -> 3/5``, ``1e-3 -> 1/1000``),
* the declared field and parameter names, and the constants ``pi`` and ``E``,
* the documented functions (:data:`FUNCTIONS`), called by name with
  positional arguments,
* ``+ - * / **`` (``^`` is read as a power, as in SymPy's ``convert_xor``),
  unary ``+``/``-`` and parentheses.

Anything else (attribute access, subscripts, strings, lambdas, comparisons,
keyword arguments, calls of undeclared names, dunder names) is an
:class:`~qsym.errors.InputError`.  What a text can build is bounded
(:data:`MAX_TEXT`, :data:`MAX_NODES`, :data:`MAX_DEPTH`, :data:`MAX_DIGITS`,
:data:`MAX_EXPONENT`), and every power of numbers is size-checked *before*
SymPy evaluates it, so an exponent tower such as ``10**10**10`` is refused at
once instead of being computed.  :func:`bounded_subs` applies the same guard
when parameter values are substituted into an expression.

This module imports SymPy only (symbolic layer).

>>> phi = sp.Symbol("phi", real=True)
>>> parse_expression("phi**2/2 - 0.6*phi^3", {"phi": phi})
-3*phi**3/5 + phi**2/2
>>> parse_number("1e-3"), parse_number("pi/3"), parse_number("-2.5e2")
(1/1000, pi/3, -250)
>>> parse_number("__import__('os').system('true')")
Traceback (most recent call last):
...
qsym.errors.InputError: attribute access ('.') is not allowed in a number
"""

from __future__ import annotations

import ast
import math
import numbers
import re
import warnings
from fractions import Fraction
from typing import Mapping

import sympy as sp

from qsym.errors import InputError

__all__ = ["parse_expression", "parse_number", "number_from", "check_size", "bounded_subs",
           "valid_name", "FUNCTIONS", "CONSTANTS", "MAX_TEXT", "MAX_NODES", "MAX_DEPTH",
           "MAX_DIGITS", "MAX_EXPONENT"]

#: functions a text may call, with the numbers of arguments they take
FUNCTIONS = {
    "sqrt": (sp.sqrt, (1,)), "cbrt": (sp.cbrt, (1,)), "exp": (sp.exp, (1,)),
    "log": (sp.log, (1, 2)), "ln": (sp.log, (1,)),
    "sin": (sp.sin, (1,)), "cos": (sp.cos, (1,)), "tan": (sp.tan, (1,)),
    "asin": (sp.asin, (1,)), "acos": (sp.acos, (1,)), "atan": (sp.atan, (1,)),
    "sinh": (sp.sinh, (1,)), "cosh": (sp.cosh, (1,)), "tanh": (sp.tanh, (1,)),
    "asinh": (sp.asinh, (1,)), "acosh": (sp.acosh, (1,)), "atanh": (sp.atanh, (1,)),
    "Abs": (sp.Abs, (1,)), "abs": (sp.Abs, (1,)), "Rational": (None, (2,)),
}
#: named constants (a declared field or parameter of the same name takes precedence)
CONSTANTS = {"pi": sp.pi, "E": sp.E}

#: longest accepted text (characters); a 400-term polynomial is about 6000
MAX_TEXT = 100_000
#: most syntax-tree nodes a text may have
MAX_NODES = 50_000
#: deepest nesting of operations
MAX_DEPTH = 200
#: most decimal digits of an exact number (numerator or denominator), typed or computed
MAX_DIGITS = 10_000
#: largest absolute exponent of a power of a field-dependent base (degree of a monomial)
MAX_EXPONENT = 10_000
#: most decimal digits of a numeric literal's mantissa
_MAX_LITERAL_DIGITS = 2_000

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.BitXor: "^"}
_LOG2_10 = math.log2(10)


def valid_name(name: str) -> bool:
    """A field or parameter name: a letter, then letters, digits, ``_``; not reserved.

    >>> valid_name("lam"), valid_name("m_H"), valid_name("__class__"), valid_name("exp")
    (True, True, False, False)
    """
    import keyword
    return (isinstance(name, str) and bool(_NAME.match(name)) and not keyword.iskeyword(name)
            and name not in FUNCTIONS)


# --------------------------------------------------------------------------
# size guards
# --------------------------------------------------------------------------
def _digits(n: int) -> int:
    """Decimal digits of |n| (from the bit length: no string conversion)."""
    return int(abs(n).bit_length() / _LOG2_10) + 1


def _check_number(x: sp.Expr, what: str) -> None:
    if x.is_Rational and max(_digits(x.p), _digits(x.q)) > MAX_DIGITS:
        raise InputError(f"a number in the {what} has more than {MAX_DIGITS} digits")


def _power_bits(base: sp.Expr):
    """Bits per unit exponent of an exact power of the number ``base`` (None: unknown, 0: |base| = 1 or 0)."""
    if base.is_Rational:
        if base == 0:
            return 0.0
        return max(math.log2(abs(int(base.p))), math.log2(int(base.q)))
    try:
        v = abs(complex(sp.N(base, 15)))
    except (TypeError, ValueError, OverflowError):
        return None
    if not math.isfinite(v):
        return None
    return abs(math.log2(v)) if v > 0 else 0.0


def _power(base: sp.Expr, exp: sp.Expr, what: str) -> sp.Expr:
    """``base**exp`` after checking that SymPy will not build a huge number or monomial."""
    if exp.is_number:
        ev = _finite_float(exp)
        if base.is_number:
            bits = _power_bits(base)
            if bits is None or (bits > 0 and (ev is None or bits * abs(ev) > MAX_DIGITS * _LOG2_10)):
                size = "" if bits is None or ev is None else f" (about 10^{bits * abs(ev) / _LOG2_10:.3g})"
                raise InputError(f"a power in the {what} is too large{size}; numbers are limited to "
                                 f"{MAX_DIGITS} digits")
        elif ev is None or abs(ev) > MAX_EXPONENT:
            raise InputError(f"an exponent in the {what} is too large ({_short(exp)}; "
                             f"at most {MAX_EXPONENT} in absolute value)")
    out = sp.Pow(base, exp)
    if out.is_Rational:
        _check_number(out, what)
    return out


def _finite_float(x: sp.Expr):
    """|x| as a float if it is a modest real number, None if huge or not real."""
    if x.is_Rational:
        if max(_digits(x.p), _digits(x.q)) > 300:
            return None
        return float(Fraction(int(x.p), int(x.q)))
    try:
        v = complex(sp.N(x, 15))
    except (TypeError, ValueError, OverflowError):
        return None
    if v.imag != 0 or not math.isfinite(v.real):
        return None
    return v.real


def _short(x) -> str:
    s = str(x)
    return s if len(s) <= 40 else s[:37] + "..."


def check_size(expr: sp.Basic, what: str = "expression") -> sp.Basic:
    """Raise InputError if ``expr`` is larger than qsym accepts (nodes, digits, exponents).

    >>> x = sp.Symbol("x")
    >>> check_size(x**3 + 1) == x**3 + 1
    True
    >>> check_size(x**(10**9))
    Traceback (most recent call last):
    ...
    qsym.errors.InputError: an exponent in the expression is too large (1000000000; at most 10000 in absolute value)
    """
    count = 0
    for node in sp.preorder_traversal(expr):
        count += 1
        if count > MAX_NODES:
            raise InputError(f"the {what} is too large (more than {MAX_NODES} terms and factors)")
        if node.is_Rational:
            _check_number(node, what)
        elif node.is_Pow and not node.exp.is_number:
            continue
        elif node.is_Pow and not node.base.is_number:
            ev = _finite_float(node.exp)
            if ev is None or abs(ev) > MAX_EXPONENT:
                raise InputError(f"an exponent in the {what} is too large ({_short(node.exp)}; "
                                 f"at most {MAX_EXPONENT} in absolute value)")
    return expr


def bounded_subs(expr: sp.Expr, values: Mapping, what: str = "potential") -> sp.Expr:
    """``expr`` with ``values`` substituted, every power size-checked before it is evaluated.

    Plain ``subs`` would evaluate ``A**n`` at ``A = 10, n = 10**10`` (and never
    return); here each node is rebuilt bottom-up through the same guard as the
    parser.

    >>> A, n = sp.symbols("A n")
    >>> bounded_subs(A**n + 1, {A: 2, n: 10})
    1025
    """
    if not values:
        return expr
    values = {k: v if isinstance(v, sp.Basic) else number_from(v) for k, v in values.items()}
    cache: dict = {}

    def rebuild(e):
        if e in cache:
            return cache[e]
        if e in values:
            out = values[e]
        elif not e.args or not e.free_symbols & set(values):
            out = e
        else:
            args = [rebuild(a) for a in e.args]
            out = _power(args[0], args[1], what) if e.is_Pow else e.func(*args)
        cache[e] = out
        return out

    return check_size(rebuild(expr), what)


# --------------------------------------------------------------------------
# the tree walker
# --------------------------------------------------------------------------
def _literal(text: str, node: ast.Constant, what: str) -> sp.Expr:
    val = node.value
    if isinstance(val, bool) or not isinstance(val, (int, float)):
        kind = "complex number" if isinstance(val, complex) else type(val).__name__
        raise InputError(f"a {kind} literal is not allowed in a {what}")
    src = ast.get_source_segment(text, node) or repr(val)
    src = src.replace("_", "")
    if isinstance(val, int) and not any(c in src for c in ".eE"):
        if src[:2].lower() in ("0x", "0o", "0b"):
            raise InputError(f"only decimal numbers are allowed in a {what}, got {src!r}")
        if len(src) > MAX_DIGITS:
            raise InputError(f"a number in the {what} has more than {MAX_DIGITS} digits")
        return sp.Integer(int(src))
    m = re.fullmatch(r"(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?", src)
    if not m or not (m.group(1) or m.group(2)):
        raise InputError(f"cannot read the number {src!r} in the {what}")
    ip, fp, ex = m.group(1), m.group(2), m.group(3)
    if len(ip) + len(fp) > _MAX_LITERAL_DIGITS or (ex is not None and len(ex) > 8):
        raise InputError(f"the number {_short(src)} in the {what} is too long")
    e10 = (int(ex) if ex else 0) - len(fp)
    mant = int((ip + fp) or "0")
    if mant == 0:
        return sp.Integer(0)
    if abs(e10) + len(str(mant)) > MAX_DIGITS:
        raise InputError(f"the number {_short(src)} in the {what} is out of range "
                         f"(at most {MAX_DIGITS} digits)")
    return sp.Integer(mant) * sp.Integer(10) ** e10 if e10 >= 0 else sp.Rational(mant, 10 ** (-e10))


class _Builder:
    def __init__(self, text: str, names: Mapping[str, sp.Basic], what: str):
        self.text, self.names, self.what = text, names, what
        self.nodes = 0

    def _chain(self, node, depth):
        """``a + b - c + ...`` or ``a * b / c ...``: a left-leaning chain, built without recursion
        (a 400-term polynomial is a chain of 400 nodes, not 400 levels of nesting)."""
        additive = isinstance(node.op, (ast.Add, ast.Sub))
        kinds = (ast.Add, ast.Sub) if additive else (ast.Mult, ast.Div)
        rest = []
        while isinstance(node, ast.BinOp) and isinstance(node.op, kinds):
            rest.append((node.op, node.right))
            node = node.left
        self.nodes += len(rest)
        if self.nodes > MAX_NODES:
            raise InputError(f"the {self.what} is too large (more than {MAX_NODES} terms and factors)")
        items = [self.build(node, depth + 1)]
        for op, right in reversed(rest):
            v = self.build(right, depth + 1)
            if isinstance(op, ast.Sub):
                v = -v
            elif isinstance(op, ast.Div):
                if v == 0:
                    raise InputError(f"division by zero in the {self.what}")
                v = 1 / v
            items.append(v)
        out = sp.Add(*items) if additive else sp.Mul(*items)
        if out.is_Rational:
            _check_number(out, self.what)
        return out

    def build(self, node, depth=0):
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise InputError(f"the {self.what} is too large (more than {MAX_NODES} terms and factors)")
        if depth > MAX_DEPTH:
            raise InputError(f"the {self.what} is nested too deeply (more than {MAX_DEPTH} levels)")
        w = self.what
        if isinstance(node, ast.Expression):
            return self.build(node.body, depth + 1)
        if isinstance(node, ast.Constant):
            return _literal(self.text, node, w)
        if isinstance(node, ast.Name):
            n = node.id
            if n in self.names:
                return self.names[n]
            if n in CONSTANTS:
                return CONSTANTS[n]
            if n in FUNCTIONS:
                raise InputError(f"the function {n} is used without arguments in the {w}")
            if n in ("nan", "NaN", "inf", "Infinity", "oo", "zoo", "infinity"):
                raise InputError(f"{n} in the {w}: values must be finite numbers (not a finite number)")
            raise InputError(f"undeclared symbol {n!r} in the {w}" + (
                "; declare fields with --field/--fields and parameters with --param"
                if w == "potential" else ""))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            v = self.build(node.operand, depth + 1)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            return self._chain(node, depth)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            a = self.build(node.left, depth + 1)
            b = self.build(node.right, depth + 1)
            op = type(node.op)
            if op is ast.Add:
                out = a + b
            elif op is ast.Sub:
                out = a - b
            elif op is ast.Mult:
                out = a * b
            elif op is ast.Div:
                if b == 0:
                    raise InputError(f"division by zero in the {w}")
                out = a / b
            else:
                out = _power(a, b, w)
            if out.is_Rational:
                _check_number(out, w)
            return out
        if isinstance(node, ast.Call):
            fname = node.func.id if isinstance(node.func, ast.Name) else None
            if fname not in FUNCTIONS:
                if fname is not None and fname in self.names:
                    raise InputError(f"{fname} is a declared name, not a function, in the {w} "
                                     "(write products with '*')")
                if fname is None:
                    raise InputError(f"{_describe(node.func)} is not allowed in a {w}")
                raise InputError(f"cannot call {fname} in a {w}: only the functions "
                                 + ", ".join(k for k in FUNCTIONS if k != "Rational") + " are allowed")
            if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
                raise InputError(f"{fname}() takes plain positional arguments in the {w}")
            func, arities = FUNCTIONS[fname]
            if len(node.args) not in arities:
                raise InputError(f"{fname}() takes {' or '.join(map(str, arities))} argument(s), "
                                 f"got {len(node.args)} in the {w}")
            args = [self.build(a, depth + 1) for a in node.args]
            if fname == "Rational":
                if not all(a.is_Integer for a in args) or args[1] == 0:
                    raise InputError(f"Rational(p, q) needs integers p and q != 0 in the {w}")
                return sp.Rational(args[0], args[1])
            if fname == "log" and len(args) == 2:
                return func(args[0]) / func(args[1])
            return func(*args)
        raise InputError(f"{_describe(node)} is not allowed in a {w} (only numbers, declared names, "
                         "+ - * / ** and the functions " + ", ".join(k for k in FUNCTIONS if k != "Rational")
                         + ")")


def _describe(node) -> str:
    kinds = {ast.Attribute: "attribute access ('.')", ast.Subscript: "indexing ('[ ]')",
             ast.Lambda: "a lambda", ast.Compare: "a comparison", ast.BoolOp: "and/or",
             ast.IfExp: "if/else", ast.List: "a list", ast.Tuple: "a tuple (a comma)",
             ast.Dict: "a dict", ast.Set: "a set", ast.JoinedStr: "a string",
             ast.NamedExpr: "':='", ast.Starred: "'*' unpacking"}
    for k, v in kinds.items():
        if isinstance(node, k):
            return v
    if isinstance(node, ast.BinOp):
        return f"the operator {type(node.op).__name__}"
    if isinstance(node, ast.UnaryOp):
        return f"the operator {type(node.op).__name__}"
    return type(node).__name__


def _tree(text, what: str):
    if not isinstance(text, str):
        raise InputError(f"the {what} must be text, got {type(text).__name__}")
    s = text.strip()
    if not s:
        raise InputError(f"empty {what}")
    if len(s) > MAX_TEXT:
        raise InputError(f"the {what} is too long ({len(s)} characters; at most {MAX_TEXT})")
    if any(ord(c) < 32 and c not in "\t\n\r" for c in s):
        raise InputError(f"the {what} contains control characters")
    s = " ".join(s.split())  # newlines and tabs become spaces (one logical line)
    s = s.replace("^", "**")  # a power, as SymPy's convert_xor reads it (no strings can be present)
    try:
        with warnings.catch_warnings():   # e.g. "invalid decimal literal": an InputError below
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(s, mode="eval")
    except SyntaxError as exc:
        raise InputError(f"cannot parse the {what} {_short(s)!r}: {exc.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise InputError(f"the {what} is nested too deeply or too large") from None
    return s, tree


#: texts longer than this are split into their top-level terms before parsing
_SPLIT_CHARS = 2000


def _top_level_terms(s: str):
    """Split ``s`` at its top-level binary ``+``/``-`` into ``[(sign, text), ...]``, or None.

    Python's parser recurses once per term of a sum and fails beyond a few
    thousand terms; a long polynomial is therefore parsed term by term.
    """
    import io
    import tokenize
    try:
        toks = list(tokenize.generate_tokens(io.StringIO(s).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    cuts, depth, prev = [], 0, None
    for t in toks:
        if t.type == tokenize.OP and t.string in "([{":
            depth += 1
        elif t.type == tokenize.OP and t.string in ")]}":
            depth -= 1
        elif (t.type == tokenize.OP and t.string in "+-" and depth == 0 and prev is not None
              and (prev.type in (tokenize.NUMBER, tokenize.NAME) or prev.string == ")")):
            cuts.append((t.start[1], t.string))
        if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER, tokenize.INDENT,
                          tokenize.DEDENT, tokenize.COMMENT):
            prev = t
    if not cuts:
        return None
    out, start, sign = [], 0, "+"
    for pos, op in cuts:
        out.append((sign, s[start:pos]))
        start, sign = pos + 1, op
    out.append((sign, s[start:]))
    return out


def parse_expression(text, names: Mapping[str, sp.Basic], what: str = "potential") -> sp.Expr:
    """Parse ``text`` with the declared ``names`` (name -> SymPy object) into a SymPy expression.

    Raises :class:`~qsym.errors.InputError` (one line) for anything outside the
    whitelist or the size bounds.
    """
    s = text.strip() if isinstance(text, str) else text
    if isinstance(s, str) and len(s) > MAX_TEXT:
        raise InputError(f"the {what} is too long ({len(s)} characters; at most {MAX_TEXT})")
    if isinstance(s, str) and len(s) > _SPLIT_CHARS:
        terms = _top_level_terms(" ".join(s.split()).replace("^", "**"))
        if terms and len(terms) > 1:
            if len(terms) > MAX_NODES:
                raise InputError(f"the {what} is too large (more than {MAX_NODES} terms)")
            parts = [parse_expression(t, names, what) for _, t in terms]
            out = sp.Add(*[p if sign == "+" else -p for (sign, _), p in zip(terms, parts)])
            return check_size(out, what)
    s, tree = _tree(text, what)
    try:
        out = _Builder(s, dict(names), what).build(tree)
    except RecursionError:
        raise InputError(f"the {what} is nested too deeply") from None
    except InputError:
        raise
    except (ValueError, TypeError, ZeroDivisionError, OverflowError, MemoryError) as exc:
        raise InputError(f"cannot build the {what}: {type(exc).__name__}") from None
    if not isinstance(out, sp.Expr):
        raise InputError(f"the {what} is not a scalar expression")
    if out.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise InputError(f"the {what} contains an infinite or undefined value")
    return out


def parse_number(text, what: str = "number") -> sp.Expr:
    """Parse text that must be one exact, finite, real number (no names but ``pi``, ``E``).

    >>> parse_number("0.6"), parse_number("sqrt(2)/2"), parse_number("Rational(1, 3)")
    (3/5, sqrt(2)/2, 1/3)
    """
    val = parse_expression(text, {}, what)
    return _finite_real(val, text, what)


def _finite_real(val, shown, what):
    if not val.is_number or val.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise InputError(f"{what} {_short(shown)!r} is not a finite real number")
    if val.is_real is False or (val.is_real is None and sp.im(sp.N(val, 30)) != 0):
        raise InputError(f"{what} {_short(shown)!r} is not real")
    if val.is_finite is False:
        raise InputError(f"{what} {_short(shown)!r} is not finite")
    return val


def number_from(value, what: str = "number") -> sp.Expr:
    """Any accepted number representation -> an exact SymPy number.

    Accepts text (parsed by :func:`parse_number`), Python and NumPy integers,
    floats (their exact decimal ``repr``, so ``0.1 -> 1/10``), ``Fraction`` and
    real SymPy numbers.  ``bool`` and everything else is an InputError.

    >>> number_from(0.1), number_from(3), number_from(Fraction(1, 3)), number_from("2e-3")
    (1/10, 3, 1/3, 1/500)
    """
    if isinstance(value, bool):
        raise InputError(f"{what} must be a number, got {value!r}")
    if isinstance(value, sp.Basic):
        if not isinstance(value, sp.Expr):
            raise InputError(f"{what} must be a number, got {type(value).__name__}")
        check_size(value, what)
        return _finite_real(value, value, what)
    if isinstance(value, str):
        return parse_number(value, what)
    if hasattr(value, "_mpf_"):   # an mpmath number (before numbers.Real: keep every bit)
        sign, man, exp, bc = value._mpf_
        if not man:
            if exp or bc:   # mpmath's inf, -inf and nan have a zero mantissa too
                raise InputError(f"{what} {value!r} is not a finite number")
            return sp.Integer(0)
        if abs(exp) > MAX_DIGITS * _LOG2_10:
            raise InputError(f"{what} {value!r} is out of range")
        out = sp.Integer(int(man)) * sp.Integer(2) ** int(exp)
        return -out if sign else out
    if isinstance(value, numbers.Integral):
        v = int(value)
        if _digits(v) > MAX_DIGITS:
            raise InputError(f"{what} has more than {MAX_DIGITS} digits")
        return sp.Integer(v)
    if isinstance(value, Fraction):
        return _finite_real(check_size(sp.Rational(value.numerator, value.denominator), what), value, what)
    if isinstance(value, numbers.Real):
        f = float(value)
        if not math.isfinite(f):
            raise InputError(f"{what} {value!r} is not a finite number")
        return sp.Rational(repr(f))
    raise InputError(f"{what} must be a number or text, got {type(value).__name__}")
