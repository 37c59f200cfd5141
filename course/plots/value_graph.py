"""A micrograd-style ``Value`` expression as a ``course.nn.graph.Graph``, to draw it like
every other computational graph of the course (``course.plots.compgraph``).

Each ``Value`` becomes a node of the same operation (``+`` → add, ``*`` → mul, ``**k`` → pow,
``exp``, ``log``, ``tanh``, ``sigmoid``, ``relu``) named by its ``label``; an unlabelled leaf
is a constant. The picture then shows the local derivative on every edge, each node's
``data``, and the ``grad`` that ``backward()`` left in it. Duck-typed: any object with
``data``, ``grad``, ``_prev``, ``_op`` and ``label`` works (the learner's class too); a
class that also keeps ``_operands`` (the children in the order written) gets labels in that
order, ``h1·w2``, every run.
"""

from __future__ import annotations

from course.nn.graph import Graph, topological_order
from course.plots.compgraph import GraphPicture, graph_svg

__all__ = ["value_graph", "show_value_graph"]

_OPS = {"+": "add", "*": "mul", "exp": "exp", "log": "log", "tanh": "tanh",
        "sigmoid": "sigmoid", "relu": "relu"}


def _operands(v) -> list:
    """``v``'s inputs in the order they were written (``h1 * w2`` → h1, w2) when the class
    keeps them (``_operands``), else ``_prev`` sorted: a set's order changes from run to run,
    and with it the picture's labels ("w2·h1" one time, "h1·w2" the next)."""
    written = getattr(v, "_operands", None)
    if isinstance(written, tuple) and {id(c) for c in written} == {id(c) for c in v._prev}:
        return list(written)
    return sorted(v._prev, key=lambda c: (getattr(c, "label", "") or "~", c.data, id(c)))


def _add_node(g: Graph, v, made: dict, values: dict):
    parents = [made[id(c)] for c in _operands(v)]
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
    if v._op in ("+", "*") and len(parents) == 1:         # a + a, a * a without _operands
        parents = parents * 2
    return g.op(_OPS[v._op], *parents, name=label)


def value_graph(root):
    """``(graph, output node, values of the free names, {node name: grad})``."""
    g, made, values, grads = Graph(), {}, {}, {}
    for v in topological_order([root], _operands):
        node = _add_node(g, v, made, values)
        made[id(v)] = node
        grads[node.name] = v.grad
    return g, made[id(root)], values, grads


def show_value_graph(root, title: str | None = None, grads: bool = True) -> GraphPicture:
    """The ``Value`` expression ending at ``root``: local derivatives on the edges, every
    node's data, and (``grads``) the ``.grad`` each node holds now."""
    g, out, values, grad = value_graph(root)
    return GraphPicture(graph_svg(g, out, values, grad if grads else False, title=title))
