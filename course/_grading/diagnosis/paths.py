"""The derivative as paths of named factors, read off a ``course.nn.graph.Graph``.

``GraphTarget`` declares the exercise (graph, output, wrt, which free names are
parameters); ``edges(target)`` lists each path's factors once (what kind each is: a
weight, a slope s′, the input, a constant, the loss factor, ...); ``Structure`` holds
their values at the points an answer is checked at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from course.nn.activations import relu_prime, sigmoid_prime, tanh_prime
from course.nn.graph import Graph, Node

__all__ = ["GraphTarget", "Edge", "Factor", "Structure"]

#: an activation's op -> (its derivative, how the lesson writes the activation itself)
ACTIVATIONS = {"sigmoid": (sigmoid_prime, "s"), "tanh": (tanh_prime, "tanh"),
               "relu": (relu_prime, "relu")}
EXPLICIT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")       # a name given, not made up


@dataclass(frozen=True, eq=False)
class GraphTarget:
    """What a scalar exercise computes: d(``output``)/d(``wrt``) in ``graph``.

    See the package docstring for the fields; ``quantity`` defaults to ``d<output>/d<wrt>``.
    """

    graph: Graph
    output: str
    wrt: str
    params: tuple[str, ...] = ()
    prime: str = "s′({})"
    inputs: Callable[[dict], dict] | None = None
    upstream: tuple[str, ...] = ()
    prediction: str | None = None
    path_names: tuple[str, ...] = ()
    labels: dict = field(default_factory=dict)
    loss_factor: str = ""

    @property
    def quantity(self) -> str:
        return f"d{self.output}/d{self.wrt}"

    def label(self, text: str) -> str:
        """How the lesson prints a factor (``labels`` overrides the generated name)."""
        return self.labels.get(text, text)

    @cached_property
    def paths(self) -> tuple[tuple[Edge, ...], ...]:
        """Each path's edges that carry a factor (sums' 1s left out), source first."""
        return tuple(_edges(self, p) for p in self.graph.paths(self.wrt, self.output))

    @cached_property
    def names(self) -> tuple[str, ...]:
        """A short name per path: ``h2`` for the path through h2."""
        if self.path_names:
            return self.path_names
        found = self.graph.paths(self.wrt, self.output)
        out = []
        for i, path in enumerate(found):
            others = {n.name for j, p in enumerate(found) if j != i for n in p}
            alone = [n for n in path[1:-1] if n.name not in others]
            own = [n for n in alone if EXPLICIT.match(n.name)]
            acts = [n for n in own if n.op in ACTIVATIONS]
            # a path with no named node of its own (a skip edge) is named by its first node
            out.append((acts or own or alone)[0].name if (acts or own or alone)
                       else f"path {i + 1}")
        return tuple(out)

    def paths_between(self, source: str, target: str) -> list:
        """``graph.paths(source, target)``, remembered (the graph does not change)."""
        memo = self.__dict__.setdefault("_paths_memo", {})
        if (source, target) not in memo:
            memo[source, target] = self.graph.paths(source, target)
        return memo[source, target]

    def values(self, points: dict) -> dict:
        """Every node's value at ``points`` (the exercise's variables, held ones applied)."""
        free = self.inputs(points) if self.inputs else {k: points[k] for k in self.graph.inputs}
        with np.errstate(all="ignore"):
            return self.graph.evaluate(free)


@dataclass(frozen=True)
class Edge:
    """One factor of a path: ``d<dst>/d<src> = label`` (``dst``, ``src``: the nearest named
    nodes, ``z2`` and ``h1`` for the edge h1 → h1·w2). ``kind``: ``weight``, ``input``,
    ``slope``, ``constant``, ``power``, ``sign``, ``upstream``, ``loss`` or ``other``."""

    parent: Node
    child: Node
    kind: str
    label: str
    src: str
    dst: str

    @property
    def why(self) -> str:
        if self.kind == "slope":
            act = f"{ACTIVATIONS[self.child.op][1]}({self.parent.name})"
            return (f"{self.child.name} = {act} passes every change of {self.parent.name} on "
                    f"multiplied by {self.label}")
        return f"d{self.dst}/d{self.src} = {self.label}"


def _kind(target: GraphTarget, parent: Node, child: Node, first: bool, after_prediction: bool
          ) -> str:
    if after_prediction:
        return "loss"
    if child.op in ACTIVATIONS:
        return "slope"
    if child.op == "mul":
        other = [p for p in child.parents if p is not parent]
        if not other:
            return "power"
        o = other[0]
        if o.op == "const":
            return "constant"
        if o.name in target.params:
            return "weight"
        if o.name in target.upstream:
            return "upstream"
        return "input" if first else "other"
    if child.op == "pow":
        return "power"
    if child.op == "neg" or (child.op == "sub" and child.parents[0] is not parent):
        return "sign"
    return "other"


def _edges(target: GraphTarget, path) -> tuple[Edge, ...]:
    g = target.graph
    named = [i for i, n in enumerate(path) if EXPLICIT.match(n.name)]
    seen_prediction = False
    out = []
    for i, (parent, child) in enumerate(zip(path, path[1:])):
        seen_prediction = seen_prediction or parent.name == target.prediction
        if child.op == "add" or (child.op == "sub" and child.parents[0] is parent):
            continue                                          # a sum's 1
        src = path[max(j for j in named if j <= i)].name
        dst = path[min((j for j in named if j > i), default=len(path) - 1)].name
        kind = _kind(target, parent, child, i == 0, seen_prediction)
        label = g.edge_name(parent, child)
        if kind == "slope":
            label = target.prime.format(parent.name)
        out.append(Edge(parent, child, kind, target.label(label), src, dst))
    return tuple(out)


@dataclass(frozen=True, eq=False)
class Factor:
    """An edge's factor at the points: ``value`` (n,), printed as ``label``."""

    edge: Edge
    label: str
    value: np.ndarray


class Structure:
    """The target's paths with their factor values at one set of points.

    ``paths[i]`` is a tuple of ``Factor`` (source first); ``alt`` holds the values a slope
    mistake uses: ``alt[label] = (value at the activation, the activation itself)``.
    """

    def __init__(self, target: GraphTarget, points: dict, n: int):
        self.target, self.n = target, n
        self.nodes = target.values(points)
        g, v = target.graph, self.nodes
        self.alt: dict[str, tuple] = {}
        paths = []
        with np.errstate(all="ignore"):
            for edges in target.paths:
                row = []
                for e in edges:
                    value = self.full(g.edge(e.parent, e.child, v))
                    row.append(Factor(e, e.label, value))
                    if e.kind == "slope":
                        prime, s = ACTIVATIONS[e.child.op]
                        act = target.label(target.prime.format(e.child.name))
                        itself = target.label(f"{s}({e.parent.name})")
                        self.alt[e.label] = ((act, self.full(prime(v[e.child.name]))),
                                             (itself, self.full(v[e.child.name])))
                paths.append(tuple(row))
        self.paths = tuple(paths)
        labels = [{f.label for f in p} for p in self.paths]
        #: labels on every path (d(zO), d(z1), I for dO/dw1)
        self.shared = set.intersection(*labels) if labels else set()

    def full(self, value) -> np.ndarray:
        return np.broadcast_to(np.asarray(value, dtype=float), (self.n,))

    def derivative(self, output: str, wrt: str) -> np.ndarray:
        """d(output)/d(wrt) at the points, as a sum over paths (0 if no path)."""
        g = self.target.graph
        total = np.zeros(self.n)
        with np.errstate(all="ignore"):
            for p in self.target.paths_between(wrt, output):
                total = total + self.full(g.path_product(p, self.nodes))
        return total

    def between(self, source: str, target: str) -> str:
        """The factors from ``source`` to ``target``, output first, paths joined by +:
        ``w4·d(zO)``."""
        terms = []
        for p in self.target.paths_between(source, target):
            labels = [e.label for e in reversed(_edges(self.target, p))]
            terms.append("·".join(labels) or "1")
        return " + ".join(dict.fromkeys(terms))

    def edge(self, label: str) -> Edge:
        """The edge of the factor printed ``label``."""
        return next(f.edge for p in self.paths for f in p if f.label == label)

    def factor(self, label: str) -> np.ndarray:
        """The value of the factor printed ``label`` (the first path holding it)."""
        for p in self.paths:
            for f in p:
                if f.label == label:
                    return f.value
        raise KeyError(label)
