"""A micrograd-style ``Value`` expression as a ``course.nn.graph.Graph``, to draw it like
every other computational graph of the course (``course.plots.compgraph``).

Each ``Value`` becomes a node of the same operation (``+`` → add, ``*`` → mul, ``**k`` → pow,
``exp``, ``log``, ``tanh``, ``sigmoid``, ``relu``) named by its ``label``; an unlabelled leaf
is a constant. The picture then shows the local derivative on every edge, each node's
``data``, and the ``grad`` that ``backward()`` left in it. Duck-typed: any object with
``data``, ``grad``, ``_prev``, ``_op`` and ``label`` works (the learner's class too).
"""

from __future__ import annotations

from course.nn.graph import Graph, topological_order
from course.plots.compgraph import GraphPicture, graph_svg

__all__ = ["value_graph", "show_value_graph"]

_OPS = {"+": "add", "*": "mul", "exp": "exp", "log": "log", "tanh": "tanh",
        "sigmoid": "sigmoid", "relu": "relu"}


def _add_node(g: Graph, v, made: dict, values: dict):
    parents = [made[id(c)] for c in v._prev]
    label = getattr(v, "label", "") or None
    if label in g.nodes:                                  # labels need not be unique
        label = g._unique(label)
    if not parents:
        if label is None:
            return g.const(v.data)
        values[label] = v.data
        return g.input(label)
    if v._op.startswith("**"):
        return g.pow(parents[0], float(v._op[2:]), name=label)
    if v._op not in _OPS:
        raise ValueError(f"cannot draw the operation {v._op!r} (known: **k, "
                         f"{', '.join(_OPS)})")
    if v._op in ("+", "*") and len(parents) == 1:         # a + a, a * a: _prev is a set
        parents = parents * 2
    return g.op(_OPS[v._op], *parents, name=label)


def value_graph(root):
    """``(graph, output node, values of the free names, {node name: grad})``."""
    g, made, values, grads = Graph(), {}, {}, {}
    for v in topological_order([root], lambda v: v._prev):
        node = _add_node(g, v, made, values)
        made[id(v)] = node
        grads[node.name] = v.grad
    return g, made[id(root)], values, grads


def show_value_graph(root, title: str | None = None, grads: bool = True) -> GraphPicture:
    """The ``Value`` expression ending at ``root``: local derivatives on the edges, every
    node's data, and (``grads``) the ``.grad`` each node holds now."""
    g, out, values, grad = value_graph(root)
    return GraphPicture(graph_svg(g, out, values, grad if grads else False, title=title))
