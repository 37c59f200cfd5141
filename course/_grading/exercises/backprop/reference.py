"""The diamond's backward pass written with deltas (the lesson-05 reference).

With ``δ = dO/dz`` at each node and ``s'(z) = h(1 − h)`` from the cached activation::

    δO = O(1 − O)
    δ2 = δO·w4·h2(1 − h2)            δ3 = δO·w5·h3(1 − h3)
    δ1 = (δ2·w2 + δ3·w3)·h1(1 − h1)  (h1 feeds both h2 and h3: the two paths add)
    dO/dw = δ of the node the edge enters × the value entering on the edge;  dO/db = δ

Everything works elementwise on numpy arrays, so the checker evaluates the reference and
every catalogued mistake at all its points at once.
"""

from __future__ import annotations

from types import SimpleNamespace

from course.nn.networks import DiamondNet

__all__ = ["delta_h1", "cache", "grads_from", "backward"]


def delta_h1(delta2, delta3, w2, w3, h1):
    """δ1 = dO/dz1 = (δ2·w2 + δ3·w3)·s'(z1), with s'(z1) = h1(1 − h1)."""
    return (delta2 * w2 + delta3 * w3) * h1 * (1 - h1)


def cache(net: DiamondNet, I) -> SimpleNamespace:
    """Forward values, parameters, slopes s'(z) = h(1 − h) and the true deltas (arrays ok)."""
    c = SimpleNamespace(I=I, **net.params, **DiamondNet.forward(net, I))
    c.sO, c.s2, c.s3, c.s1 = (h * (1 - h) for h in (c.O, c.h2, c.h3, c.h1))
    c.dO = c.sO
    c.d2, c.d3 = c.dO * c.w4 * c.s2, c.dO * c.w5 * c.s3
    c.d1 = (c.d2 * c.w2 + c.d3 * c.w3) * c.s1
    return c


def grads_from(c, dO=None, d2=None, d3=None, d1=None) -> dict:
    """The nine gradients from the deltas; a delta not given follows from the one above it."""
    dO = c.sO if dO is None else dO
    d2 = dO * c.w4 * c.s2 if d2 is None else d2
    d3 = dO * c.w5 * c.s3 if d3 is None else d3
    d1 = (d2 * c.w2 + d3 * c.w3) * c.s1 if d1 is None else d1
    return {"w1": d1 * c.I, "w2": d2 * c.h1, "w3": d3 * c.h1, "w4": dO * c.h2, "w5": dO * c.h3,
            "b1": d1, "b2": d2, "b3": d3, "b4": dO}


def backward(net: DiamondNet, I) -> dict:
    """All nine dO/d(param) of the diamond from one forward and one backward pass."""
    return grads_from(cache(net, I))
