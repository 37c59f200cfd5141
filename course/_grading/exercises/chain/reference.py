"""The 1-1-1 chain of lesson 02 and its true derivatives (vectorized, elementwise)."""

from __future__ import annotations

from course.nn.activations import sigmoid, sigmoid_prime
from course.nn.graph import Graph

LESSON = "02_derivatives_and_chain_rule"
VARIABLES = ("x", "w1", "w2", "b1", "b2")
#: the forward values an answer may also name (computed from the same point)
DERIVED = ("z1", "h", "z2", "y")
#: the chain at the worked example's values (as in the diamond: weights 0.5, biases 1, x = 1)
WORKED = {"x": 1.0, "w1": 0.5, "w2": 0.5, "b1": 1.0, "b2": 1.0}

s, d = sigmoid, sigmoid_prime          # the lesson's names: s and its derivative d = s(1 - s)


def forward(x, w1, w2, b1=1.0, b2=1.0) -> dict:
    """The chain's forward pass: ``z1, h, z2, y`` (floats or arrays, elementwise)."""
    z1 = w1 * x + b1
    h = s(z1)
    z2 = w2 * h + b2
    return {"z1": z1, "h": h, "z2": z2, "y": s(z2)}


def dy_dw2(x, w1, w2, b1=1.0, b2=1.0):
    """dy/dw2 = s'(z2)·h: one local derivative, times the input of w2's edge."""
    f = forward(x, w1, w2, b1, b2)
    return d(f["z2"]) * f["h"]


def dy_dw1(x, w1, w2, b1=1.0, b2=1.0):
    """dy/dw1 = s'(z2)·w2·s'(z1)·x: every edge on the way contributes its factor."""
    f = forward(x, w1, w2, b1, b2)
    return d(f["z2"]) * w2 * d(f["z1"]) * x


def graph() -> Graph:
    """The chain as a computational graph (``course.nn.graph``): free names ``x, w1, w2, b1,
    b2``; named nodes ``z1, h, z2, y``."""
    g = Graph()
    x, w1, w2, b1, b2 = (g.input(k) for k in VARIABLES)
    h = g.sigmoid(g.add(g.mul(w1, x), b1, name="z1"), name="h")
    g.sigmoid(g.add(g.mul(w2, h), b2, name="z2"), name="y")
    return g
