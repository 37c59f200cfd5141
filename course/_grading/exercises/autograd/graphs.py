"""Graphs built from any micrograd-style ``Value`` class with the checker's own closures.

``Ops(cls, log)`` makes nodes of the learner's class (``cls(data, children, op)``) and
gives every node a correct ``_backward`` closure that also records each call
``(node, node.grad at the call)`` in ``log`` — so the order of a learner's ``backward()``
can be read afterwards. The builders return ``(root, named nodes)``.
"""

from __future__ import annotations

import math

from course.nn.activations import sigmoid, sigmoid_prime, tanh_prime
from course.nn.graph import topological_order
from course.nn.networks import PARAMS, DiamondNet

__all__ = ["Ops", "OrderedChildren", "build_diamond", "build_two_depths", "build_two_chains",
           "build_chain",
           "reference_backward", "topological"]


class OrderedChildren(set):
    """A set of children whose iteration order is fixed (``order``), not the hash order.

    ``_prev`` is a set, so a learner's walk meets the children in an order that changes from
    run to run; the checker swaps in this set to run one graph with every child order."""

    def __init__(self, order):
        super().__init__(order)
        self._order = list(order)

    def __iter__(self):
        return iter(self._order)


class Ops:
    """Node makers for class ``cls``, recording every ``_backward`` call in ``log``.

    ``order``: ``None`` leaves the learner's ``_prev`` as it is; ``"written"`` or
    ``"reversed"`` makes every node list its children in the order the operands are written
    (``a`` before ``b`` for ``a * b``) or the opposite one."""

    def __init__(self, cls, log: list, order: str | None = None):
        self.cls, self.log, self.order = cls, log, order

    def _node(self, data, children, op, backward):
        node = self.cls(data, tuple(children), op)
        if self.order and isinstance(getattr(node, "_prev", None), (set, frozenset)):
            unique = list({id(c): c for c in children}.values())
            node._prev = OrderedChildren(unique if self.order == "written" else unique[::-1])
        log = self.log

        def _backward():
            log.append((node, node.grad))
            backward(node)
        node._backward = _backward
        return node

    def leaf(self, x, label=""):
        node = self._node(x, (), "", lambda out: None)
        node.label = label
        return node

    def add(self, a, b):
        def back(out):
            a.grad += out.grad
            b.grad += out.grad
        return self._node(a.data + b.data, (a, b), "+", back)

    def mul(self, a, b):
        def back(out):
            a.grad += b.data * out.grad
            b.grad += a.data * out.grad
        return self._node(a.data * b.data, (a, b), "*", back)

    def tanh(self, a):
        def back(out):                  # 1 - tanh(a)^2, accurate in the tails
            a.grad += tanh_prime(a.data) * out.grad
        return self._node(math.tanh(a.data), (a,), "tanh", back)

    def sigmoid(self, a):
        def back(out):                  # s'(a) = s(a)(1 - s(a)), accurate in the tails
            a.grad += sigmoid_prime(a.data) * out.grad
        return self._node(float(sigmoid(a.data)), (a,), "sigmoid", back)


def _named(node, label):
    node.label = label
    return node


def build_diamond(ops: Ops, I=1.0, **params):
    """The diamond of lessons 03-05: ``(O, {"w1": node, ..., "b4": node})``."""
    p = {**DiamondNet().params, **params}
    leaves = {k: ops.leaf(p[k], k) for k in PARAMS}
    x = ops.leaf(I, "I")

    def times(a, w):
        return _named(ops.mul(a, leaves[w]), f"{a.label}·{w}")

    z1 = _named(ops.add(times(x, "w1"), leaves["b1"]), "z1")
    h1 = _named(ops.sigmoid(z1), "h1")
    z2 = _named(ops.add(times(h1, "w2"), leaves["b2"]), "z2")
    z3 = _named(ops.add(times(h1, "w3"), leaves["b3"]), "z3")
    h2, h3 = _named(ops.sigmoid(z2), "h2"), _named(ops.sigmoid(z3), "h3")
    paths = _named(ops.add(times(h2, "w4"), times(h3, "w5")), "h2·w4 + h3·w5")
    zO = _named(ops.add(paths, leaves["b4"]), "zO")
    return _named(ops.sigmoid(zO), "O"), leaves


def build_two_depths(ops: Ops):
    """``w = tanh(tanh(u)) + u`` with ``u = x·a``: u is needed at depth 1 and at depth 3."""
    x, a = ops.leaf(0.8, "x"), ops.leaf(-1.3, "a")
    u = _named(ops.mul(x, a), "u")
    inner = _named(ops.tanh(u), "tanh(u)")
    return _named(ops.add(_named(ops.tanh(inner), "tanh(tanh(u))"), u), "w"), {"x": x, "a": a}


def build_two_chains(ops: Ops):
    """``w = tanh(tanh(u)) + s(s(u))`` with ``u = x·a``: two equal-length paths meet at u."""
    x, a = ops.leaf(0.6, "x"), ops.leaf(1.7, "a")
    u = _named(ops.mul(x, a), "u")
    left = _named(ops.tanh(_named(ops.tanh(u), "tanh(u)")), "tanh(tanh(u))")
    right = _named(ops.sigmoid(_named(ops.sigmoid(u), "s(u)")), "s(s(u))")
    return _named(ops.add(left, right), "w"), {"x": x, "a": a}


def build_chain(ops: Ops):
    """A graph without shared nodes: ``tanh(x·w + b)·c``."""
    x, w, b, c = (ops.leaf(v, k) for k, v in (("x", 0.5), ("w", -1.2), ("b", 0.3), ("c", 2.0)))
    return ops.mul(ops.tanh(ops.add(ops.mul(x, w), b)), c), {"x": x, "w": w, "b": b, "c": c}


def topological(root) -> list:
    """Every node after all of its children: ``course.nn.graph.topological_order`` over any
    micrograd-style class (children in ``_prev``)."""
    return topological_order([root], lambda node: node._prev)


def reference_backward(root) -> None:
    """Seed ``root.grad = 1`` and run every closure in reverse topological order."""
    root.grad = 1.0
    for node in reversed(topological(root)):
        node._backward()
