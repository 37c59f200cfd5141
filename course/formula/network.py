"""A network typed as lines ``name = expression``, read into a computational graph.

>>> net = parse_network('''
... n1 = w1*I + b1
... n2 = w2*s(n1) + b2
... n3 = w3*s(n1) + b3
... nO = w4*s(n2) + w5*s(n3) + b4
... ''')
>>> net.output, net.free
('nO', ('w1', 'I', 'b1', 'w2', 'b2', 'w3', 'b3', 'w4', 'w5', 'b4'))

Each right-hand side is a formula in the course's syntax (Python or pasted LaTeX, see
``course.formula``), with the functions ``s``/``sigmoid``, ``tanh``, ``relu``, ``exp``,
``log``, ``sqrt`` and powers by a number. A name assigned on an earlier line refers to that
node; every other name is free (an input or a parameter). The last assigned name is the
output unless another is asked for. Nothing is evaluated while reading, and learner text
never reaches ``eval``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from course.formula import DEFAULT_FUNCTIONS, FormulaError, parse_formula
from course.formula.errors import snippet
from course.formula.tree import Call, Neg, Num, Pow, Product, Sum, Var
from course.nn.activations import relu
from course.nn.graph import Graph, Node

__all__ = ["parse_network", "values_at", "parse_point", "Network", "NetworkError",
           "NETWORK_FUNCTIONS"]

#: functions a network line may use (``d``, the sigmoid's derivative, belongs in answers)
NETWORK_FUNCTIONS = MappingProxyType({
    **{k: v for k, v in DEFAULT_FUNCTIONS.items() if k != "d"}, "relu": relu,
    "sigmoid": DEFAULT_FUNCTIONS["s"]})
_GRAPH_OP = {"s": "sigmoid", "sigmoid": "sigmoid", "tanh": "tanh", "relu": "relu",
             "exp": "exp", "log": "log"}
_LINE = re.compile(r"^\s*(?P<name>[A-Za-z][A-Za-z0-9]*(?:_\{?[A-Za-z0-9]+\}?)?)\s*=(?!=)")
_WORD = re.compile(r"(?<![\\A-Za-z0-9_])([A-Za-z][A-Za-z0-9]*)(?:_\{?([A-Za-z0-9]+)\}?)?")
_COMMAND = re.compile(r"\\[A-Za-z]+")
MAX_LINES = 200


class NetworkError(ValueError):
    """A network could not be read: the message names the line (and position)."""


@dataclass(frozen=True)
class Network:
    """A network read from text.

    Attributes
    ----------
    graph : Graph
        Its computational graph (``course.nn.graph``); assigned names are nodes.
    output : str
        The output's name.
    free : tuple of str
        The free names (inputs and parameters), in order of first use.
    assigned : tuple of str
        The assigned names, in order.
    lines : tuple of str
        The lines as written (for messages).
    """

    graph: Graph
    output: str
    free: tuple[str, ...]
    assigned: tuple[str, ...]
    lines: tuple[str, ...]

    def evaluate(self, values: dict) -> dict:
        """Every assigned and free name's value at ``values`` of the free names."""
        return self.graph.evaluate(values)


def _plain_name(name: str, subscript: str | None) -> str:
    return name + (subscript or "")


def _statements(text: str) -> list[tuple[int, str, str, int]]:
    """``(line number, name, right-hand side, column of the right-hand side)`` per line."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.split("#", 1)[0]
        if not code.strip():
            continue
        m = _LINE.match(code)
        if not m:
            raise NetworkError(
                f"line {number} is not of the form `name = expression`:\n    {line.strip()}\n"
                "Write one assignment per line, e.g. `h1 = s(w1*I + b1)`.")
        name = m.group("name").replace("_", "").replace("{", "").replace("}", "")
        out.append((number, name, code[m.end():], m.end()))
    if not out:
        raise NetworkError("the network is empty: write one line `name = expression` per "
                           "node, e.g. `h1 = s(w1*I + b1)`, the output last.")
    if len(out) > MAX_LINES:
        raise NetworkError(f"the network has {len(out)} lines; the limit is {MAX_LINES}")
    return out


def _words(rhs: str) -> list[str]:
    """The names a right-hand side mentions (LaTeX commands left out)."""
    cleaned = _COMMAND.sub(lambda m: " " * len(m.group(0)), rhs)
    return [_plain_name(a, b) for a, b in _WORD.findall(cleaned)]


def parse_network(text: str, output: str | None = None, names=()) -> Network:
    """Read ``text`` (lines ``name = expression``) into a ``Network``.

    Parameters
    ----------
    text : str
        One assignment per line; ``#`` starts a comment.
    output : str, optional
        The output's name (default: the last assigned name).
    names : iterable of str, optional
        Free names known in advance (e.g. the keys of the asker's point), which lets glued
        LaTeX products such as ``Iw_1`` be split.

    Raises
    ------
    NetworkError
        For a malformed line (with its number and position), a name assigned twice, a name
        used before it is assigned (a circle), an unknown output, or ``d`` in a network.
    """
    if not isinstance(text, str):
        raise NetworkError(f"the network must be text (lines `name = expression`), "
                           f"got {type(text).__name__}")
    statements = _statements(text)
    assigned = [name for _, name, _, _ in statements]
    repeated = sorted({n for n in assigned if assigned.count(n) > 1})
    if repeated:
        raise NetworkError(f"{', '.join(repeated)} is assigned more than once: give every "
                           "node its own name")
    functions = set(NETWORK_FUNCTIONS) | {"d", "sigma", "ln"}
    known = {*names, *assigned}
    mentioned = {w for _, _, rhs, _ in statements for w in _words(rhs)} - functions - known
    # a glued product of known names (LaTeX ``Iw_1``) is not a new name
    mentioned = {w for w in mentioned if not _splits(w, known | functions | (mentioned - {w}))}
    vocabulary = tuple(dict.fromkeys([*names, *assigned, *sorted(mentioned)]))
    graph, nodes = _SharedGraph(), {}
    free: list[str] = []
    for position, (number, name, rhs, column) in enumerate(statements):
        later = set(assigned[position:])
        try:
            formula = parse_formula(rhs, vocabulary, functions={**NETWORK_FUNCTIONS,
                                                                "d": DEFAULT_FUNCTIONS["d"]})
        except FormulaError as err:
            raise NetworkError(_line_error(err, text.splitlines()[number - 1], number,
                                           column)) from None
        early = sorted(formula.names & later)
        if early:
            what = "itself" if early == [name] else ", ".join(early)
            raise NetworkError(
                f"line {number} ({name} = …) uses {what} before it is assigned: a node can "
                "only use inputs, parameters and nodes of earlier lines (no circles)")
        order = {w: k for k, w in reversed(list(enumerate(_words(rhs))))}
        for n in sorted(formula.names - set(assigned), key=lambda n: (order.get(n, 1e9), n)):
            if n not in free:
                free.append(n)
                nodes[n] = graph.input(n)
        nodes[name] = _build(graph, formula._tree, nodes, name, number)
    output = assigned[-1] if output is None else str(output)
    if output not in nodes:
        raise NetworkError(f"the output {output!r} is not a name of the network; its names "
                           f"are {', '.join(assigned)}")
    return Network(graph, output, tuple(free), tuple(assigned),
                   tuple(text.splitlines()))


class _SharedGraph(Graph):
    """A graph that makes one node for repeated unnamed operations on the same parents,
    so ``s(n1)`` written on two lines is one node feeding both (a fan-out, as drawn)."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict = {}

    def op(self, op, *parents, name=None, constant=None):
        if name is not None:
            return super().op(op, *parents, name=name, constant=constant)
        key = (op, tuple(id(p) for p in parents), constant)
        if key not in self._made:
            self._made[key] = super().op(op, *parents, constant=constant)
        return self._made[key]


def _line_error(err: FormulaError, line: str, number: int, column: int) -> str:
    """The formula's message, placed on the network's line: column and caret."""
    first = str(err).splitlines()[0]
    reason = first.split(": ", 1)[1] if first.startswith("could not read") else first
    return (f"line {number}, column {column + err.position + 1} could not be read: {reason}\n"
            + snippet(line, column + err.position))


def _splits(word: str, known: set) -> bool:
    """Whether ``word`` is two or more ``known`` names glued together."""
    reachable = {0: 0}                       # prefix length -> names used to reach it
    for end in range(1, len(word) + 1):
        for start, count in list(reachable.items()):
            if start < end and word[start:end] in known and end not in reachable:
                reachable[end] = count + 1
    return reachable.get(len(word), 0) >= 2


def _build(graph: Graph, tree, nodes: dict, name: str | None, number: int) -> Node:
    """The graph node of a formula tree; the top node gets the assigned ``name``."""
    def sub(child):
        return _build(graph, child, nodes, None, number)

    if isinstance(tree, Var):
        if name is None:
            return nodes[tree.name]
        return graph.add(nodes[tree.name], graph.const(0.0), name=name)   # name = other
    if isinstance(tree, Num):
        node = graph.const(float(tree.value))
        return node if name is None else graph.add(node, graph.const(0.0), name=name)
    if isinstance(tree, Neg):
        return graph.neg(sub(tree.arg), name=name)
    if isinstance(tree, Call):
        if tree.name == "d":
            raise NetworkError(f"line {number} uses d(…), the sigmoid's derivative: a network "
                               "line is the forward pass (s, tanh, relu, exp, log); d belongs "
                               "in the derivative you want checked")
        if tree.name == "sqrt":
            return graph.pow(sub(tree.arg), 0.5, name=name)
        return graph.op(_GRAPH_OP[tree.name], sub(tree.arg), name=name)
    if isinstance(tree, Pow):
        if not _constant(tree.exponent):
            raise NetworkError(f"line {number}: a power must have a number as its exponent "
                               "(write exp(b*log(a)) for a variable one)")
        return graph.pow(sub(tree.base), _constant(tree.exponent)[0], name=name)
    if isinstance(tree, Sum):
        acc = sub(tree.terms[0])
        for k, (term, sign) in enumerate(zip(tree.terms[1:], tree.signs[1:]), start=2):
            last = k == len(tree.terms)
            acc = graph.op("add" if sign > 0 else "sub", acc, sub(term),
                           name=name if last else None)
        return acc
    if isinstance(tree, Product):
        acc = sub(tree.factors[0])
        for k, (factor, op) in enumerate(zip(tree.factors[1:], tree.ops[1:]), start=2):
            last = k == len(tree.factors)
            acc = graph.op("mul" if op == "*" else "div", acc, sub(factor),
                           name=name if last else None)
        return acc
    raise NetworkError(f"line {number}: cannot build a node from {type(tree).__name__}")


def _constant(tree) -> tuple[float] | tuple:
    if isinstance(tree, Num):
        return (float(tree.value),)
    if isinstance(tree, Neg) and isinstance(tree.arg, Num):
        return (-float(tree.arg.value),)
    return ()


def values_at(network: Network, at: dict | None) -> dict:
    """The asker's point as floats; a clear error for a missing or unknown name."""
    at = dict(at or {})
    unknown = sorted(set(at) - set(network.free) - set(network.assigned))
    if unknown:
        raise NetworkError(f"the point names {', '.join(unknown)}, which the network does not "
                           f"use; its free names are {', '.join(network.free)}")
    computed = sorted(set(at) & set(network.assigned))
    if computed:
        raise NetworkError(f"{', '.join(computed)} is computed by the network; give values "
                           f"only for its free names ({', '.join(network.free)})")
    out = {}
    for name, value in at.items():
        try:
            out[name] = float(value)
        except (TypeError, ValueError):
            raise NetworkError(f"the value of {name} must be a number, got {value!r}") from None
        if not np.isfinite(out[name]):
            raise NetworkError(f"the value of {name} must be finite, got {value!r}")
    return out


def parse_point(text: str) -> dict | None:
    """``"I=1, w1=0.5"`` -> ``{"I": "1", "w1": "0.5"}`` (``ask`` checks the numbers);
    ``None`` for an empty box."""
    point = {}
    for item in text.replace(";", ",").split(","):
        if not item.strip():
            continue
        name, eq, value = item.partition("=")
        if not eq or not name.strip():
            raise NetworkError(f"the point takes name=value pairs separated by commas, e.g. "
                               f"I=1, w1=0.5; got {item.strip()!r}")
        point[name.strip()] = value.strip()
    return point or None
