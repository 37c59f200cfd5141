"""A reference written as a small program of matrix operations over named arrays.

The diagnosis edits this program (:mod:`.edits`), so it is kept as data: a list of
assignments ``name = expression`` whose expressions are nested tuples::

    ("var", "delta")            an array of the case, or an earlier assignment
    ("const", 1.0)           a number
    ("@", a, b) ("*", a, b) ("+", a, b) ("-", a, b) ("/", a, b)
    ("T", a)                 a.T
    ("neg", a)               -a
    ("s", a) ("sp", a)       sigmoid(a), sigmoid_prime(a)
    ("sum", a, axis, keep)   a.sum(axis=axis, keepdims=keep); axis None: everything
    ("mean", a, axis, keep)  a.mean(...)
    ("max", a, axis, keep)   a.max(...)
    ("exp", a)               np.exp(a)
    ("gt0", a)               (a > 0): the 0/1 mask of a ReLU (lesson 09)
    ("where", c, a, b)       np.where(c > 0, a, b): the slope of a leaky ReLU
    ("jac", P, G)            the softmax Jacobian of each row of P applied to G's row,
                             P ⊙ G − P ⊙ (P ⊙ G).sum(axis=1, keepdims=True)

For ``dense_backward``::

    delta      = dA * sigmoid_prime(Z)              # (m, n_out)
    dW      = A_prev.T @ delta                      # (n_in, n_out)
    db      = delta.sum(axis=0, keepdims=True)      # (1, n_out)
    dA_prev = delta @ W.T                           # (m, n_in)

:func:`render` writes an expression back as numpy code in the exercise's own names, so a
message can show the learner the line they wrote and the line that was meant.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from course.nn.activations import sigmoid, sigmoid_prime

__all__ = ["Program", "V", "C", "mm", "mul", "add", "sub", "div", "T", "neg", "s", "sp",
           "rowsum", "exp", "rowmax", "rowsum1", "gt0", "where", "HOLE", "render", "evaluate",
           "variables"]


def V(name: str) -> tuple:
    return ("var", name)


def C(value: float) -> tuple:
    return ("const", float(value))


def mm(a, b):
    return ("@", a, b)


def mul(a, b):
    return ("*", a, b)


def add(a, b):
    return ("+", a, b)


def sub(a, b):
    return ("-", a, b)


def div(a, b):
    return ("/", a, b)


def T(a):
    return ("T", a)


def neg(a):
    return ("neg", a)


def s(a):
    return ("s", a)


def sp(a):
    return ("sp", a)


def rowsum(a):
    """The sum over the batch that keeps the row shape: ``a.sum(axis=0, keepdims=True)``."""
    return ("sum", a, 0, True)


def rowsum1(a):
    """Each row's sum as a column: ``a.sum(axis=1, keepdims=True)``."""
    return ("sum", a, 1, True)


def rowmax(a):
    """Each row's maximum as a column: ``a.max(axis=1, keepdims=True)``."""
    return ("max", a, 1, True)


def exp(a):
    return ("exp", a)


def gt0(a):
    return ("gt0", a)


def where(c, a, b):
    return ("where", c, a, b)


#: the place of the answer's whole expression in a ``Program.extras`` template
HOLE = ("var", "□")


@dataclass(frozen=True)
class Program:
    """The reference as assignments, the outputs (learner's key -> assignment) and the
    arrays of a case it may read (inputs and derived arrays such as ``A = s(Z)``).

    ``roles`` says in words what an array is ("the layer's input"); ``derived`` gives, for
    an array computed from the inputs, its value from a case's inputs and how a learner
    writes it (``"sigmoid(Z)"``); ``frozen`` lists assignments that are not edited (a
    forward pass the exercise does not ask about). ``ids`` renames a generated mistake for
    this exercise (by ``kind`` or ``kind:old->new`` for a swapped operand) and ``notes`` adds
    the exercise's own explanation to a mistake id's message.
    """

    steps: tuple[tuple[str, tuple], ...]
    outputs: dict[str, str]
    inputs: tuple[str, ...]
    roles: dict[str, str] = field(default_factory=dict)
    derived: dict[str, tuple] = field(default_factory=dict)
    frozen: tuple[str, ...] = ()
    ids: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    #: ``(kind, template, why)``: a factor learners put on top of a whole output, the output
    #: standing at :data:`HOLE` (the softmax Jacobian on top of p − y)
    extras: tuple[tuple[str, tuple, str], ...] = ()
    #: inputs that are numbers (alpha), never swapped for an array
    scalars: tuple[str, ...] = ()
    #: the input whose rows are the batch (``m``); default: the first input
    batch: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for n, _ in self.steps)

    def expr(self, name: str) -> tuple:
        return dict(self.steps)[name]

    def arrays_before(self, name: str) -> tuple[str, ...]:
        """The arrays an assignment may read: the inputs, the derived arrays, the earlier
        assignments."""
        earlier = self.names[:self.names.index(name)]
        return (*self.inputs, *self.derived, *earlier)

    def upstream(self) -> dict[str, frozenset]:
        """For each assignment, the assignments its value depends on (itself included)."""
        up: dict[str, frozenset] = {}
        for name, expr in self.steps:
            deps = {name}
            for v in variables(expr):
                deps |= up.get(v, frozenset())
            up[name] = frozenset(deps)
        return up

    def env(self, case_inputs: dict) -> dict:
        """The case's arrays plus ``m`` (the rows of the batch) and the derived arrays."""
        first = case_inputs[self.batch] if self.batch else next(iter(case_inputs.values()))
        env = {**case_inputs, "m": float(np.shape(first)[0])}
        with np.errstate(all="ignore"):
            for name, (fn, _code) in self.derived.items():
                env[name] = fn(env)
        return env


def variables(expr) -> set:
    """The names an expression reads."""
    if expr[0] == "var":
        return {expr[1]}
    if expr[0] == "const":
        return set()
    out = set()
    for a in expr[1:]:
        if isinstance(a, tuple):
            out |= variables(a)
    return out


def evaluate(expr, lookup):
    """The value of ``expr``; ``lookup(name)`` gives an array. Raises on a shape error."""
    op = expr[0]
    if op == "var":
        return lookup(expr[1])
    if op == "const":
        return expr[1]
    a = evaluate(expr[1], lookup)
    if op == "@":
        return np.matmul(a, evaluate(expr[2], lookup))
    if op == "*":
        return np.multiply(a, evaluate(expr[2], lookup))
    if op == "+":
        return np.add(a, evaluate(expr[2], lookup))
    if op == "-":
        return np.subtract(a, evaluate(expr[2], lookup))
    if op == "/":
        return np.divide(a, evaluate(expr[2], lookup))
    if op == "T":
        return np.transpose(a)
    if op == "neg":
        return np.negative(a)
    if op == "s":
        return sigmoid(a)
    if op == "sp":
        return sigmoid_prime(a)
    if op == "sum":
        return np.sum(a, axis=expr[2], keepdims=expr[3])
    if op == "mean":
        return np.mean(a, axis=expr[2], keepdims=expr[3])
    if op == "max":
        return np.max(a, axis=expr[2], keepdims=expr[3])
    if op == "exp":
        return np.exp(a)
    if op == "gt0":
        return (np.asarray(a) > 0).astype(float)
    if op == "where":
        return np.where(np.asarray(a) > 0, evaluate(expr[2], lookup), evaluate(expr[3], lookup))
    if op == "jac":
        PG = a * evaluate(expr[2], lookup)
        return PG - a * PG.sum(axis=1, keepdims=True)
    raise ValueError(f"unknown operation {op!r}")


_LEVEL = {"+": 1, "-": 1, "@": 2, "*": 2, "/": 2, "neg": 3}


def _level(expr) -> int:
    return _LEVEL.get(expr[0], 4)


def render(expr, names: dict | None = None) -> str:
    """Numpy code for ``expr`` (``names`` may rename arrays, e.g. ``{"m": "len(X)"}``)."""
    names = names or {}
    op = expr[0]
    if op == "var":
        return names.get(expr[1], expr[1])
    if op == "const":
        v = expr[1]
        return str(int(v)) if v == int(v) else f"{v:g}"
    if op in ("s", "sp"):
        return f"{'sigmoid' if op == 's' else 'sigmoid_prime'}({render(expr[1], names)})"
    if op == "T":
        inner = render(expr[1], names)
        return f"{inner}.T" if _level(expr[1]) == 4 else f"({inner}).T"
    if op == "exp":
        return f"np.exp({render(expr[1], names)})"
    if op == "gt0":
        return f"({render(expr[1], names)} > 0)"
    if op == "where":
        c, a, b = (render(x, names) for x in expr[1:])
        return f"np.where({c} > 0, {a}, {b})"
    if op == "jac":
        return f"softmax_jacobian({render(expr[1], names)}) @ ({render(expr[2], names)})"
    if op in ("sum", "mean", "max"):
        inner = render(expr[1], names)
        inner = inner if _level(expr[1]) == 4 else f"({inner})"
        if expr[2] is None:
            return f"{inner}.{op}()"
        keep = ", keepdims=True" if expr[3] else ""
        return f"{inner}.{op}(axis={expr[2]}{keep})"
    if op == "neg":
        inner = render(expr[1], names)
        return f"-{inner}" if _level(expr[1]) >= 3 else f"-({inner})"
    left, right = render(expr[1], names), render(expr[2], names)
    level = _LEVEL[op]
    if _level(expr[1]) < level:
        left = f"({left})"
    if _level(expr[2]) < level or (_level(expr[2]) == level and op in ("-", "/", "@", "*")
                                    and expr[2][0] in _LEVEL and expr[2][0] != "neg"):
        right = f"({right})"
    return f"{left} {op} {right}"
