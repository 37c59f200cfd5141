"""The diamond's backward pass of the loss, written with deltas (the lesson-05 reference).

With the loss L = ½(O − y)², ``δ = ∂L/∂z`` at each node and ``s'(z)`` at each
pre-activation (``= h(1 − h)``)::

    δO = (O − y)·s'(zO)              (∂L/∂O = O − y: the loss factor)
    δ2 = δO·w4·s'(z2)                δ3 = δO·w5·s'(z3)
    δ1 = (δ2·w2 + δ3·w3)·s'(z1)      (h1 feeds both h2 and h3: the two paths add)
    ∂L/∂w = δ of the node the edge enters × the value entering on the edge;  ∂L/∂b = δ

The numbers come from ``DiamondNet.backward``, the one readable backward pass; ``grads_from``
re-runs its last steps from a changed delta, for the mistakes of ``catalogue``. Everything
works elementwise on numpy arrays, so the checker evaluates the reference and every
catalogued mistake at all its points at once.
"""

from __future__ import annotations

from types import SimpleNamespace

from course.nn.networks import DiamondNet

__all__ = ["delta_output", "delta_h1", "cache", "grads_from", "backward"]


def delta_output(O, y):
    """δO = ∂L/∂zO = (O − y)·s'(zO), with s'(zO) = O(1 − O) from the cached output."""
    return (O - y) * O * (1 - O)


def delta_h1(delta_2, delta_3, w2, w3, h1):
    """δ1 = ∂L/∂z1 = (δ2·w2 + δ3·w3)·s'(z1), with s'(z1) = h1(1 − h1)."""
    return (delta_2 * w2 + delta_3 * w3) * h1 * (1 - h1)


def cache(net: DiamondNet, I, y) -> SimpleNamespace:
    """Forward values, parameters, the target, slopes s'(z), the loss factor ``e = O − y``
    and the true deltas (arrays ok), all from the diamond's one backward pass."""
    r = DiamondNet.backward(net, I, y)
    c = SimpleNamespace(I=I, y=y, **net.params, **r["forward"])
    c.e = r["dL_dO"]
    c.sO, c.s2, c.s3, c.s1 = (r["s_prime"][z] for z in ("zO", "z2", "z3", "z1"))
    c.dO, c.d2, c.d3, c.d1 = (r["deltas"][z] for z in ("zO", "z2", "z3", "z1"))
    c.grads = r["grads"]
    return c


def grads_from(c, dO=None, d2=None, d3=None, d1=None) -> dict:
    """The nine gradients from the deltas; a delta not given follows from the one above it.

    With no delta given these are ``DiamondNet.backward``'s own gradients. The mistakes of
    ``catalogue`` pass a wrong delta, and this function carries it down the network the
    way BP2-BP4 would (the one place the diamond's backward pass is written with knobs).
    """
    if dO is d2 is d3 is d1 is None:
        return dict(c.grads)
    dO = c.e * c.sO if dO is None else dO
    d2 = dO * c.w4 * c.s2 if d2 is None else d2
    d3 = dO * c.w5 * c.s3 if d3 is None else d3
    d1 = (d2 * c.w2 + d3 * c.w3) * c.s1 if d1 is None else d1
    return {"w1": d1 * c.I, "w2": d2 * c.h1, "w3": d3 * c.h1, "w4": dO * c.h2, "w5": dO * c.h3,
            "b1": d1, "b2": d2, "b3": d3, "b4": dO}


def backward(net: DiamondNet, I, y) -> dict:
    """All nine ∂L/∂(param) of the diamond's loss ½(O − y)² from one forward and one
    backward pass (``DiamondNet.backward``)."""
    return DiamondNet.backward(net, I, y)["grads"]
