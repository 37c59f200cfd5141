"""The computational graph: nodes are operations, edges carry local derivatives.

Every value a network computes is a node made by one operation from its parents. The edge
from a parent ``p`` to a node ``n`` carries the *local derivative* ∂n/∂p, and the chain rule
over the whole graph reads

    ∂out/∂x = Σ over every path x → … → out of the product of the local derivatives on it.

Reverse mode (backprop) computes the same sum without listing the paths: visit the nodes in
reverse topological order and pass ``grad(n) · ∂n/∂p`` back to every parent (the sum rule
adds what arrives along different paths).

This module has two parts:

* ``topological_order`` and ``paths``: the two graph algorithms, for any node type with a
  way to list its parents (``Value`` of ``course.nn.autograd`` uses them too);
* ``Graph`` and ``Node``: a small expression graph evaluated with numpy at many points at
  once, whose edges know their local derivative *and its name* (``w2``, ``s'(z2)``), so a
  derivative can be written as a sum over paths of named factors.

>>> g = Graph()
>>> x, w = g.input("x"), g.input("w")
>>> y = g.sigmoid(g.mul(x, w), name="y")
>>> [" · ".join(g.factor_names(p)) for p in g.paths(w, y)]
["x · s'(x·w)"]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from course.nn.activations import relu, relu_prime, sigmoid, sigmoid_prime, tanh, tanh_prime

__all__ = ["topological_order", "paths", "Node", "Graph"]


def topological_order(roots: Iterable, parents: Callable[[object], Iterable]) -> list:
    """Every node reachable from ``roots``, each after all of its parents.

    Iterative (no recursion limit: a graph of a million nodes is fine).

    Parameters
    ----------
    roots : iterable
        The nodes to start from (e.g. the output).
    parents : callable
        ``parents(node)`` -> the nodes it was computed from.
    """
    order, seen = [], set()
    for root in roots:
        if id(root) in seen:
            continue
        seen.add(id(root))
        stack = [(root, iter(parents(root)))]
        while stack:
            node, pending = stack[-1]
            for parent in pending:
                if id(parent) not in seen:
                    seen.add(id(parent))
                    stack.append((parent, iter(parents(parent))))
                    break
            else:
                stack.pop()
                order.append(node)
    return order


def paths(source, target, parents: Callable[[object], Iterable]) -> list[tuple]:
    """Every path ``(source, …, target)`` along which ``source`` influences ``target``.

    A node used twice by the same child (``x·x``) gives one path; that edge's local
    derivative adds both uses (``Graph.edge``: 2x).
    """
    found: list[tuple] = []
    memo: dict[int, list[tuple]] = {}

    def from_(node) -> list[tuple]:        # the paths from source to node
        if node is source:
            return [(source,)]
        if id(node) not in memo:
            unique = {id(parent): parent for parent in parents(node)}.values()
            memo[id(node)] = [p + (node,) for parent in unique for p in from_(parent)]
        return memo[id(node)]

    for node in topological_order([target], parents):   # fill the memo bottom-up, no recursion
        from_(node)
    found.extend(from_(target))
    return found


@dataclass(frozen=True, eq=False)
class Node:
    """One value of a ``Graph``: a free name (``op == "input"``), a constant, or an operation
    of its ``parents``. ``constant`` holds a constant's value or a power's exponent."""

    name: str
    op: str
    parents: tuple[Node, ...] = ()
    constant: float | None = None

    def __repr__(self) -> str:
        return f"Node({self.name!r}, {self.op})"


#: op -> (forward from the parents' values, local derivatives ∂node/∂parent_i)
_OPS: dict[str, tuple[Callable, Callable]] = {
    "add": (lambda a, b, k: a + b, lambda a, b, out, k: (1.0, 1.0)),
    "sub": (lambda a, b, k: a - b, lambda a, b, out, k: (1.0, -1.0)),
    "mul": (lambda a, b, k: a * b, lambda a, b, out, k: (b, a)),
    "div": (lambda a, b, k: a / b, lambda a, b, out, k: (1 / b, -a / b**2)),
    "neg": (lambda a, k: -a, lambda a, out, k: (-1.0,)),
    "pow": (lambda a, k: a**k, lambda a, out, k: (k * a ** (k - 1),)),
    "exp": (lambda a, k: np.exp(a), lambda a, out, k: (out,)),
    "log": (lambda a, k: np.log(a), lambda a, out, k: (1 / a,)),
    "sigmoid": (lambda a, k: sigmoid(a), lambda a, out, k: (sigmoid_prime(a),)),
    "tanh": (lambda a, k: tanh(a), lambda a, out, k: (tanh_prime(a),)),
    "relu": (lambda a, k: relu(a), lambda a, out, k: (relu_prime(a),)),
}
_SYMBOL = {"add": "+", "sub": "−", "mul": "·", "div": "/"}
_PRIME = {"sigmoid": "s'", "tanh": "tanh'", "relu": "relu'", "exp": "exp"}


class Graph:
    """A computational graph built operation by operation, evaluated with numpy.

    Build with ``input``/``const`` and the operations (``add``, ``mul``, ``sigmoid``, ...);
    give a node a ``name`` to see it in paths and factor names (``z2``, ``h2``), otherwise it
    is named after its expression (``h1·w2``). Names are unique within a graph.
    """

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}

    # ---- building --------------------------------------------------------------------------
    def _add(self, node: Node) -> Node:
        if node.name in self.nodes:
            raise ValueError(f"the graph already has a node named {node.name!r}")
        self.nodes[node.name] = node
        return node

    def input(self, name: str) -> Node:
        """A free name: an input or a parameter, given a value at evaluation."""
        return self._add(Node(name, "input"))

    def const(self, value: float, name: str | None = None) -> Node:
        """A constant (named after its value unless ``name`` is given)."""
        return self._add(Node(name or self._unique(f"{value:g}"), "const",
                              constant=float(value)))

    def op(self, op: str, *parents: Node, name: str | None = None,
           constant: float | None = None) -> Node:
        """Any operation of ``_OPS`` by name, e.g. ``g.op("mul", h1, w2, name="h1w2")``."""
        if op not in _OPS:
            raise ValueError(f"unknown operation {op!r}; known: {', '.join(sorted(_OPS))}")
        return self._add(Node(name or self._auto_name(op, parents, constant), op,
                              tuple(parents), constant))

    def _auto_name(self, op, parents, constant) -> str:
        return self._unique(f"{parents[0].name}{_SYMBOL[op]}{parents[1].name}" if op in _SYMBOL
                            else f"{parents[0].name}^{constant:g}" if op == "pow"
                            else f"-{parents[0].name}" if op == "neg"
                            else f"{op}({parents[0].name})")

    def _unique(self, base: str) -> str:
        name, n = base, 2
        while name in self.nodes:
            name, n = f"{base}#{n}", n + 1
        return name

    def add(self, a, b, name=None): return self.op("add", a, b, name=name)
    def sub(self, a, b, name=None): return self.op("sub", a, b, name=name)
    def mul(self, a, b, name=None): return self.op("mul", a, b, name=name)
    def div(self, a, b, name=None): return self.op("div", a, b, name=name)
    def neg(self, a, name=None): return self.op("neg", a, name=name)
    def pow(self, a, k: float, name=None): return self.op("pow", a, name=name, constant=k)
    def exp(self, a, name=None): return self.op("exp", a, name=name)
    def log(self, a, name=None): return self.op("log", a, name=name)
    def sigmoid(self, a, name=None): return self.op("sigmoid", a, name=name)
    def tanh(self, a, name=None): return self.op("tanh", a, name=name)
    def relu(self, a, name=None): return self.op("relu", a, name=name)

    # ---- reading ---------------------------------------------------------------------------
    def __getitem__(self, name: str) -> Node:
        return self.nodes[name]

    @property
    def inputs(self) -> tuple[str, ...]:
        """The free names, in the order they were made."""
        return tuple(n.name for n in self.nodes.values() if n.op == "input")

    def order(self, output: Node | None = None) -> list[Node]:
        """The nodes ``output`` depends on (all nodes by default), parents first."""
        roots = [output] if output is not None else list(self.nodes.values())
        return topological_order(roots, lambda n: n.parents)

    def paths(self, source: Node | str, target: Node | str) -> list[tuple[Node, ...]]:
        """Every path from ``source`` to ``target`` (see ``paths``)."""
        return paths(self._node(source), self._node(target), lambda n: n.parents)

    def _node(self, node: Node | str) -> Node:
        return self.nodes[node] if isinstance(node, str) else node

    # ---- numbers ---------------------------------------------------------------------------
    def evaluate(self, values: dict, output: Node | str | None = None) -> dict[str, object]:
        """The value of every node, for ``values`` of the free names (floats or arrays that
        broadcast). Missing free names raise ``KeyError`` naming them."""
        missing = [n for n in self.inputs if n not in values]
        if missing:
            raise KeyError(f"no value for {', '.join(missing)}")
        out: dict[str, object] = {}
        target = self._node(output) if output is not None else None
        for node in self.order(target):
            if node.op == "input":
                out[node.name] = values[node.name]
            elif node.op == "const":
                out[node.name] = node.constant
            else:
                args = [out[p.name] for p in node.parents]
                out[node.name] = _OPS[node.op][0](*args, node.constant)
        return out

    def local_derivatives(self, node: Node | str, values: dict) -> tuple:
        """∂node/∂parent for each parent, from the evaluated ``values`` (of ``evaluate``)."""
        node = self._node(node)
        args = [values[p.name] for p in node.parents]
        return _OPS[node.op][1](*args, values[node.name], node.constant)

    def edge(self, parent: Node, child: Node, values: dict):
        """The local derivative on one edge (summed when ``child`` uses ``parent`` twice)."""
        locals_ = self.local_derivatives(child, values)
        return sum(local for p, local in zip(child.parents, locals_) if p is parent)

    def path_product(self, path, values: dict):
        """The product of the local derivatives along one path."""
        product = 1.0
        for parent, child in zip(path, path[1:]):
            product = product * self.edge(parent, child, values)
        return product

    def derivative(self, output: Node | str, wrt: Node | str, values: dict):
        """∂output/∂wrt at ``values`` of the free names, as a sum over paths."""
        evaluated = self.evaluate(values)
        found = self.paths(wrt, output)
        return sum((self.path_product(p, evaluated) for p in found), 0.0 * evaluated[
            self._node(output).name])

    def gradient(self, output: Node | str, values: dict) -> dict[str, object]:
        """∂output/∂x for every node x, in one reverse pass (backprop)."""
        output = self._node(output)
        evaluated = self.evaluate(values, output)
        grads: dict[str, object] = {output.name: np.ones_like(evaluated[output.name], float)
                                    if np.ndim(evaluated[output.name]) else 1.0}
        for node in reversed(self.order(output)):
            if node.name not in grads or not node.parents:
                continue
            for parent, local in zip(node.parents, self.local_derivatives(node, evaluated)):
                grads[parent.name] = grads.get(parent.name, 0.0) + grads[node.name] * local
        return grads

    # ---- names -----------------------------------------------------------------------------
    def factor_names(self, path) -> list[str]:
        """The name of each edge's local derivative along ``path``: the other operand of a
        product (``w2``), ``s'(z2)`` for a sigmoid, ``1`` for a sum."""
        return [self.edge_name(parent, child) for parent, child in zip(path, path[1:])]

    def edge_name(self, parent: Node, child: Node) -> str:
        op, names = child.op, [p.name for p in child.parents]
        if op == "mul":
            others = [p.name for p in child.parents if p is not parent]
            return others[0] if others else f"2·{parent.name}"
        if op in _PRIME:
            return f"{_PRIME[op]}({parent.name})"
        first = child.parents[0] is parent
        if op == "add":
            return "1"
        if op in ("sub", "neg"):
            return "1" if op == "sub" and first else "−1"
        if op == "log":
            return f"1/{parent.name}"
        if op == "div":
            return f"1/{names[1]}" if first else f"−{names[0]}/{names[1]}²"
        base = f"({parent.name})" if not parent.name.isidentifier() else parent.name
        power = child.constant - 1                                            # pow
        return (f"{child.constant:g}·{base}" if power == 1 else f"{child.constant:g}"
                if power == 0 else f"{child.constant:g}·{base}^{power:g}")

    def __repr__(self) -> str:
        return f"Graph({len(self.nodes)} nodes, inputs {', '.join(self.inputs)})"
