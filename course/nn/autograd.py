"""Autograd from scratch: a scalar ``Value`` that remembers how it was made.

Compatible with micrograd's ``Value`` (``data``, ``grad``, ``_prev``, ``_op``,
``_backward``). Every operation computes its result *and* writes, right beside it, a
``_backward`` closure with the local derivative: the chain rule for one node, ::

    child.grad += (d out / d child) * out.grad

``backward()`` visits the nodes in reverse topological order (``course.nn.graph``'s
``topological_order``, iterative: any depth works), so every ``out.grad`` is complete before
it is passed on. Gradients are *added* (``+=``): a node used twice, as in
``a + a`` or the diamond's h1, collects one contribution per use (the sum rule). As in
micrograd, ``backward()`` does not reset old gradients: call ``zero_grad()`` before running
it again on the same graph (e.g. after every training step).

The engine is generic; the diamond of lessons 03-05 built of ``Value`` objects is
``course.nn.networks.diamond_values``.
"""

from __future__ import annotations

import math

from course.nn.activations import sigmoid, sigmoid_prime, tanh_prime
from course.nn.graph import topological_order

__all__ = ["Value", "trace"]


class Value:
    """A scalar in a computational graph.

    Parameters
    ----------
    data : float
        The value.
    _children : tuple of Value
        The inputs of the operation that made it (empty for a leaf).
    _op : str
        That operation's symbol, e.g. ``"*"`` (for drawing the graph).
    label : str
        A name for pictures, e.g. ``"w1"``.
    """

    def __init__(self, data, _children=(), _op="", label=""):
        self.data = float(data)
        self.grad = 0.0                     # dL/d(this node), filled in by backward()
        self._backward = lambda: None       # a leaf passes nothing on
        self._prev = set(_children)
        self._operands = tuple(_children)   # the same, in the order written (for pictures)
        self._op = _op
        self.label = label

    def __repr__(self):
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # ---- operations: forward value and local derivative side by side ----------------------
    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():                    # d(a+b)/da = 1, d(a+b)/db = 1
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():                    # d(ab)/da = b, d(ab)/db = a
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k):
        if isinstance(k, bool) or not isinstance(k, (int, float)):
            raise TypeError(
                f"a Value can only be raised to a plain number (int or float), not "
                f"{type(k).__name__}; write exp(k * log(x)) for a variable exponent."
            )
        result = self.data**k
        if isinstance(result, complex):
            raise ValueError(f"{self.data!r} ** {k!r} is not a real number.")
        out = Value(result, (self,), f"**{k}")

        def _backward():                    # d(x^k)/dx = k x^(k-1)
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():                    # d(e^x)/dx = e^x
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def log(self):
        if self.data <= 0:
            raise ValueError(f"log needs a positive number, got {self.data!r}.")
        out = Value(math.log(self.data), (self,), "log")

        def _backward():                    # d(ln x)/dx = 1/x
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def tanh(self):
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward():                    # d(tanh x)/dx = 1 - tanh(x)^2 (accurate form)
            self.grad += tanh_prime(self.data) * out.grad
        out._backward = _backward
        return out

    def sigmoid(self):
        out = Value(sigmoid(self.data), (self,), "sigmoid")   # exact for any x

        def _backward():                    # s'(x) = s(x) (1 - s(x)) (accurate form)
            self.grad += sigmoid_prime(self.data) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(max(self.data, 0.0), (self,), "relu")

        def _backward():                    # 1 where x > 0, else 0
            self.grad += (self.data > 0) * out.grad
        out._backward = _backward
        return out

    # ---- the rest is built from the operations above --------------------------------------
    def __neg__(self):                      # -a
        return self * -1

    def __sub__(self, other):               # a - b
        return self + (-other)

    def __truediv__(self, other):           # a / b
        return self * other**-1

    def __radd__(self, other):              # 2 + a
        return self + other

    def __rmul__(self, other):              # 2 * a
        return self * other

    def __rsub__(self, other):              # 2 - a
        return (-self) + other

    def __rtruediv__(self, other):          # 2 / a
        return Value(other) * self**-1

    # ---- the backward pass ----------------------------------------------------------------
    def backward(self):
        """Add d(self)/d(node) to ``.grad`` of every node (start from ``zero_grad()``).

        Iterative: a graph of any depth works (a chain of 20,000 operations, a long
        training loop), no recursion limit.
        """
        self.grad = 1.0                     # d(self)/d(self)
        for node in reversed(_in_order(self)):
            node._backward()

    def zero_grad(self):
        """Set ``.grad = 0`` on every node of the graph that ends at this Value."""
        for node in _in_order(self):
            node.grad = 0.0


def _in_order(root: Value) -> list:
    """Every node of ``root``'s graph, each after the nodes it was made from (``root`` last):
    ``course.nn.graph.topological_order`` with a Value's children ``_prev`` as its parents."""
    return topological_order([root], lambda node: node._prev)


def trace(root: Value):
    """``(nodes, edges)`` of the graph, for drawing.

    ``nodes`` are in topological order (every node after its children, ``root`` last);
    ``edges`` go from child to parent, ``(a, a + b)``.
    """
    nodes = _in_order(root)
    edges = [(child, node) for node in nodes for child in node._prev]
    return nodes, edges
