"""The expression tree of a parsed formula: numpy evaluation and Python-syntax rendering.

Sums and products are n-ary (``a + b - c`` is one ``Sum``), so a long chain of terms
stays one level deep; only brackets, signs, powers and calls nest. Every node
evaluates with numpy on floats or arrays (0-d arrays for scalars, so ``1/0`` gives
``inf`` rather than raising) and renders itself with as few brackets as Python needs.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Num", "Var", "Call", "Neg", "Pow", "Sum", "Product"]

# binding strength for rendering, as in Python: a + b < a*b < -a < a**b < atoms
_SUM, _PRODUCT, _NEG, _POW, _ATOM = 1, 2, 3, 4, 5


def _wrap(node, tighter_than: int) -> str:
    """Render ``node``, bracketed unless it binds tighter than ``tighter_than``."""
    text = node.render()
    return text if node.prec > tighter_than else f"({text})"


class Num:
    """A number literal (never negative: ``-2`` is ``Neg(Num(2))``)."""

    __slots__ = ("value",)
    prec = _ATOM

    def __init__(self, value: float):
        self.value = np.float64(value)

    def evaluate(self, env):
        return self.value

    def render(self) -> str:
        v = float(self.value)
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


class Var:
    """A variable, looked up in the evaluation environment."""

    __slots__ = ("name",)
    prec = _ATOM

    def __init__(self, name: str):
        self.name = name

    def evaluate(self, env):
        return env[self.name]

    def render(self) -> str:
        return self.name


class Call:
    """A one-argument function ``name(arg)``; ``func`` maps an array to an array."""

    __slots__ = ("name", "func", "arg")
    prec = _ATOM

    def __init__(self, name: str, func, arg):
        self.name, self.func, self.arg = name, func, arg

    def evaluate(self, env):
        # asarray: sigmoid returns a Python float for a scalar, and float/0 would raise
        return np.asarray(self.func(self.arg.evaluate(env)), dtype=float)

    def render(self) -> str:
        return f"{self.name}({self.arg.render()})"


class Neg:
    """Unary minus."""

    __slots__ = ("arg",)
    prec = _NEG

    def __init__(self, arg):
        self.arg = arg

    def evaluate(self, env):
        return -self.arg.evaluate(env)

    def render(self) -> str:
        return "-" + _wrap(self.arg, _NEG)


class Pow:
    """``base ** exponent`` (right-associative, binds tighter than unary minus)."""

    __slots__ = ("base", "exponent")
    prec = _POW

    def __init__(self, base, exponent):
        self.base, self.exponent = base, exponent

    def evaluate(self, env):
        return self.base.evaluate(env) ** self.exponent.evaluate(env)

    def render(self) -> str:
        exponent = self.exponent.render()
        if self.exponent.prec < _POW:
            exponent = f"({exponent})"
        return f"{_wrap(self.base, _POW)}**{exponent}"


class Sum:
    """``t0 ± t1 ± t2 ...``, evaluated left to right; ``signs[k]`` is +1 or -1 (signs[0] = +1)."""

    __slots__ = ("terms", "signs")
    prec = _SUM

    def __init__(self, terms: list, signs: list):
        self.terms, self.signs = terms, signs

    def evaluate(self, env):
        terms = self.terms
        acc = terms[0].evaluate(env)
        for k in range(1, len(terms)):
            value = terms[k].evaluate(env)
            acc = acc + value if self.signs[k] > 0 else acc - value
        return acc

    def render(self) -> str:
        parts = [self.terms[0].render()]
        for term, sign in zip(self.terms[1:], self.signs[1:], strict=True):
            parts.append(" + " if sign > 0 else " - ")
            # a + (b + c) and a + (-b) keep their brackets; a + b*c needs none
            text = term.render()
            parts.append(f"({text})" if term.prec in (_SUM, _NEG) else text)
        return "".join(parts)


class Product:
    """``f0 * f1 / f2 ...``, evaluated left to right; ``ops[k]`` is '*' or '/' (ops[0] = '*')."""

    __slots__ = ("factors", "ops")
    prec = _PRODUCT

    def __init__(self, factors: list, ops: list):
        self.factors, self.ops = factors, ops

    def evaluate(self, env):
        factors = self.factors
        acc = factors[0].evaluate(env)
        for k in range(1, len(factors)):
            value = factors[k].evaluate(env)
            acc = acc * value if self.ops[k] == "*" else acc / value
        return acc

    def render(self) -> str:
        first = self.factors[0]
        parts = [first.render() if first.prec >= _PRODUCT else f"({first.render()})"]
        for factor, op in zip(self.factors[1:], self.ops[1:], strict=True):
            parts.append(op)
            parts.append(_wrap(factor, _NEG))
        return "".join(parts)


def combine(kind, left, right, op):
    """``left op right`` as a Sum or Product, extending ``left`` if it already is one.

    Only the left operand is flattened, so ``a - (b + c)`` keeps its brackets and the
    evaluation order is exactly the written one.
    """
    if isinstance(left, kind):
        items, ops = (left.terms, left.signs) if kind is Sum else (left.factors, left.ops)
        return kind(items + [right], ops + [op])
    return kind([left, right], [1 if kind is Sum else "*", op])
