"""The catalogue of mistaken backward passes for ``backprop.backward`` (lesson 05).

Each ``Variant`` is a function of the forward cache ``c`` (:func:`.reference.cache`) giving
the entries a mistake changes; a wrong delta changes every entry below it, so one variant
can explain several entries. Upstream mistakes come first: they explain the most entries —
the loss factor ∂L/∂O = O − y (``c.e``) first of all, since every gradient carries it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from course._grading.exercises.backprop.reference import grads_from
from course.nn.activations import sigmoid_prime

__all__ = ["Variant", "VARIANTS", "MEANINGS"]


@dataclass(frozen=True)
class Variant:
    """A known mistake: the entries it changes, as a function of the cache ``c``."""

    id: str
    entries: Callable[[SimpleNamespace], dict]
    message: str


def _only(*keys):
    return lambda g: {k: g[k] for k in keys}


def _v(mid, fn, message, keys=None):
    pick = _only(*keys) if keys else (lambda g: g)
    return Variant(mid, lambda c: pick(fn(c)), message)


_WHY_S = "s' is taken at the pre-activation; with the cached activation it is h(1 − h)"


def _slopes_everywhere(c, slope) -> dict:
    """Every delta built with ``slope(h)`` in place of s'(z) = h(1 − h)."""
    dO = c.e * slope(c.O)
    d2, d3 = dO * c.w4 * slope(c.h2), dO * c.w5 * slope(c.h3)
    return grads_from(c, dO=dO, d2=d2, d3=d3, d1=(d2 * c.w2 + d3 * c.w3) * slope(c.h1))


_LOSS = "δO = ∂L/∂zO = (O − y)·O(1 − O)"

#: catalogue order: upstream mistakes first (they explain the most entries)
VARIANTS = (
    _v("loss-factor-missing", lambda c: grads_from(c, dO=c.sO),
       "every gradient is missing the loss factor ∂L/∂O = O − y: these are ∂O/∂(param), the "
       "output's derivatives of lesson 03, not the loss's. The loss L = ½(O − y)² comes "
       f"after O, so the backward pass starts one step earlier: {_LOSS}"),
    _v("loss-half-missing", lambda c: grads_from(c, dO=2 * c.e * c.sO),
       "every gradient is exactly 2× too large: δO starts from 2(O − y), the derivative of "
       "(O − y)²; the loss has a ½ in front, L = ½(O − y)², so ∂L/∂O = O − y"),
    _v("loss-itself", lambda c: grads_from(c, dO=0.5 * c.e ** 2 * c.sO),
       "δO starts from the loss itself, ½(O − y)²; the chain rule needs its derivative, "
       f"∂L/∂O = O − y: {_LOSS}"),
    _v("missing-s-prime", lambda c: _slopes_everywhere(c, np.ones_like),
       "no delta has its node's s'(z): δ = ∂L/∂z, and each node's h = s(z) multiplies by "
       "s'(z) = h(1 − h) — δO = (O − y)·O(1 − O), δ2 = δO·w4·h2(1 − h2), ..."),
    _v("s-prime-of-activation", lambda c: _slopes_everywhere(c, sigmoid_prime),
       "every delta uses s'(h), the slope at the activation; s' is taken at the "
       "pre-activation, which with the cached activation is h(1 − h) — not s'(h)"),
    _v("missing-s-prime", lambda c: grads_from(c, dO=c.e),
       "δO is missing s'(zO) = O(1 − O): O − y is ∂L/∂O; δO = ∂L/∂zO goes one step further "
       f"back, through O = s(zO): {_LOSS}"),
    _v("s-prime-of-activation", lambda c: grads_from(c, dO=c.e * sigmoid_prime(c.O)),
       f"δO uses s'(O) instead of s'(zO) = O(1 − O); {_WHY_S}"),
    _v("missing-s-prime", lambda c: grads_from(c, d2=c.dO * c.w4),
       "δ2 is missing s'(z2) = h2(1 − h2): δ2 = δO·w4·s'(z2)"),
    _v("missing-s-prime", lambda c: grads_from(c, d3=c.dO * c.w5),
       "δ3 is missing s'(z3) = h3(1 − h3): δ3 = δO·w5·s'(z3)"),
    _v("s-prime-of-activation", lambda c: grads_from(c, d2=c.dO * c.w4 * sigmoid_prime(c.h2)),
       f"δ2 uses s'(h2) instead of s'(z2) = h2(1 − h2); {_WHY_S}"),
    _v("s-prime-of-activation", lambda c: grads_from(c, d3=c.dO * c.w5 * sigmoid_prime(c.h3)),
       f"δ3 uses s'(h3) instead of s'(z3) = h3(1 − h3); {_WHY_S}"),
    _v("s-instead-of-slope", lambda c: _slopes_everywhere(c, lambda h: h),
       "every delta multiplies by h = s(z), the sigmoid itself, where its slope belongs: "
       "s'(z) = h(1 − h) — δO = (O − y)·O(1 − O), δ2 = δO·w4·h2(1 − h2), ..."),
    _v("s-instead-of-slope", lambda c: grads_from(c, dO=c.e * c.O),
       "δO = (O − y)·O multiplies by the sigmoid itself; δO = ∂L/∂zO multiplies by its "
       "slope, s'(zO) = O(1 − O)"),
    _v("wrong-weight", lambda c: grads_from(c, d2=c.dO * c.w2 * c.s2, d3=c.dO * c.w3 * c.s3),
       "δ2 and δ3 use w2 and w3, the weights of the edges *into* h2 and h3; a delta comes back "
       "along the edge *out of* its node, to O: δ2 = δO·w4·s'(z2), δ3 = δO·w5·s'(z3)"),
    _v("wrong-weight", lambda c: grads_from(c, d2=c.dO * c.w2 * c.s2),
       "δ2 uses w2, the weight of the edge into h2; δO comes back along the edge h2 → O, "
       "whose weight is w4: δ2 = δO·w4·s'(z2)"),
    _v("wrong-weight", lambda c: grads_from(c, d3=c.dO * c.w3 * c.s3),
       "δ3 uses w3, the weight of the edge into h3; δO comes back along the edge h3 → O, "
       "whose weight is w5: δ3 = δO·w5·s'(z3)"),
    _v("wrong-weight", lambda c: grads_from(c, d2=c.dO * c.w5 * c.s2, d3=c.dO * c.w4 * c.s3),
       "δ2 and δ3 use each other's weight: δ2 comes back along w4 (h2 → O), δ3 along w5 "
       "(h3 → O)"),
    _v("wrong-node-slope", lambda c: grads_from(c, d2=c.dO * c.w4 * c.s1),
       "δ2 uses h1's slope h1(1 − h1); each node multiplies by its own: δ2 = δO·w4·h2(1 − h2)"),
    _v("wrong-node-slope", lambda c: grads_from(c, d3=c.dO * c.w5 * c.s1),
       "δ3 uses h1's slope h1(1 − h1); each node multiplies by its own: δ3 = δO·w5·h3(1 − h3)"),
    _v("wrong-node-slope", lambda c: grads_from(c, d1=(c.d2 * c.w2 + c.d3 * c.w3) * c.s2),
       "δ1 uses h2's slope h2(1 − h2); each node multiplies by its own: "
       "δ1 = (δ2·w2 + δ3·w3)·h1(1 − h1)"),
    _v("wrong-node-slope", lambda c: grads_from(c, d1=(c.d2 * c.w2 + c.d3 * c.w3) * c.s3),
       "δ1 uses h3's slope h3(1 − h3); each node multiplies by its own: "
       "δ1 = (δ2·w2 + δ3·w3)·h1(1 − h1)"),
    _v("delta-extra-weight", lambda c: grads_from(c, d1=c.d1 * c.w1),
       "δ1 has w1 as an extra factor; w1 is on the edge into h1, below z1, so it is not part "
       "of δ1 = ∂L/∂z1 = (δ2·w2 + δ3·w3)·s'(z1) (it only multiplies I in z1)"),
    _v("delta-extra-weight", lambda c: grads_from(c, d2=c.d2 * c.w2, d3=c.d3 * c.w3),
       "δ2 and δ3 have w2 and w3 as extra factors; those edges lead into h2 and h3, below z2 "
       "and z3, so they are not part of δ2 = δO·w4·s'(z2) and δ3 = δO·w5·s'(z3)"),
    _v("missing-weight", lambda c: grads_from(c, d2=c.dO * c.s2),
       "δ2 is missing the weight w4: δO comes back along the edge h2 → O, so δ2 = δO·w4·s'(z2)"),
    _v("missing-weight", lambda c: grads_from(c, d3=c.dO * c.s3),
       "δ3 is missing the weight w5: δO comes back along the edge h3 → O, so δ3 = δO·w5·s'(z3)"),
    _v("delta1-one-path", lambda c: grads_from(c, d1=c.d2 * c.w2 * c.s1),
       "δ1 collects only the path through h2; h1 feeds h2 and h3, so δ1 = (δ2·w2 + δ3·w3)·s'(z1)"),
    _v("delta1-one-path", lambda c: grads_from(c, d1=c.d3 * c.w3 * c.s1),
       "δ1 collects only the path through h3; h1 feeds h2 and h3, so δ1 = (δ2·w2 + δ3·w3)·s'(z1)"),
    _v("delta1-weights-swapped", lambda c: grads_from(c, d1=(c.d2 * c.w3 + c.d3 * c.w2) * c.s1),
       "δ1 pairs δ2 with w3 and δ3 with w2; δ2 comes back along w2 (h1 → h2) and δ3 along w3"),
    _v("delta1-brackets", lambda c: grads_from(c, d1=c.d2 * c.w2 + c.d3 * c.w3 * c.s1),
       "δ1 multiplies only the path through h3 by s'(z1) — brackets: δ1 = (δ2·w2 + δ3·w3)·s'(z1), "
       "in code (delta_2*w2 + delta_3*w3) * h1*(1 - h1)"),
    _v("delta1-brackets", lambda c: grads_from(c, d1=c.d2 * c.w2 * c.s1 + c.d3 * c.w3),
       "δ1 multiplies only the path through h2 by s'(z1) — brackets: δ1 = (δ2·w2 + δ3·w3)·s'(z1), "
       "in code (delta_2*w2 + delta_3*w3) * h1*(1 - h1)"),
    _v("missing-s-prime", lambda c: grads_from(c, d1=c.d2 * c.w2 + c.d3 * c.w3),
       "δ1 is missing s'(z1) = h1(1 − h1): δ1 = (δ2·w2 + δ3·w3)·s'(z1)"),
    _v("s-prime-of-activation",
       lambda c: grads_from(c, d1=(c.d2 * c.w2 + c.d3 * c.w3) * sigmoid_prime(c.h1)),
       f"δ1 uses s'(h1) instead of s'(z1) = h1(1 − h1); {_WHY_S}"),
    _v("missing-weight", lambda c: grads_from(c, d1=(c.d2 + c.d3) * c.s1),
       "δ1 is missing the weights w2 and w3: δ1 = (δ2·w2 + δ3·w3)·s'(z1)"),
    _v("wrong-activation", lambda c: {"w1": c.d1 * c.h1, "w2": c.d2 * c.h2, "w3": c.d3 * c.h3,
                                      "w4": c.dO * c.O, "w5": c.dO * c.O},
       "you multiplied δ by the output of the node the edge enters; a weight's gradient is δ "
       "times the value entering on its edge (the previous layer's activation): "
       "∂L/∂w2 = δ2·h1, ∂L/∂w4 = δO·h2, ∂L/∂w1 = δ1·I"),
    _v("wrong-activation", lambda c: {"w4": c.dO * c.h3, "w5": c.dO * c.h2},
       "∂L/∂w4 and ∂L/∂w5 use each other's input: w4 carries h2 (∂L/∂w4 = δO·h2), w5 carries "
       "h3"),
    _v("missing-input", lambda c: {"w1": c.d1, "w2": c.d2, "w3": c.d3, "w4": c.dO, "w5": c.dO},
       "a weight's gradient is δ alone, like a bias's; it also multiplies by the value "
       "entering on the edge: ∂L/∂w1 = δ1·I, ∂L/∂w2 = δ2·h1, ∂L/∂w4 = δO·h2"),
    _v("bias-equals-weight-gradient", lambda c: {"b1": c.d1 * c.I, "b2": c.d2 * c.h1,
                                                 "b3": c.d3 * c.h1, "b4": c.dO * c.h2},
       "a bias gradient written like a weight's (δ times the value entering on an edge); a "
       "bias enters z as 1·b, so its gradient is its node's δ alone: ∂L/∂b = δ"),
    _v("bias-equals-weight-gradient", lambda c: {"b4": c.dO * c.h3},
       "a bias gradient written like a weight's (δ times the value entering on an edge); a "
       "bias enters z as 1·b, so its gradient is its node's δ alone: ∂L/∂b = δ"),
    _v("extra-weight", lambda c: {"w1": c.d1 * c.I * c.w1, "w2": c.d2 * c.h1 * c.w2,
                                  "w3": c.d3 * c.h1 * c.w3, "w4": c.dO * c.h2 * c.w4,
                                  "w5": c.dO * c.h3 * c.w5},
       "a weight's gradient has the weight itself as an extra factor: dz/dw is the value "
       "entering on the edge, nothing more"),
    _v("sign", lambda c: {k: -v for k, v in grads_from(c).items()},
       "the sign is wrong: the loss factor is ∂L/∂O = O − y (not y − O), and no other step "
       "of the backward pass brings a minus sign"),
)

#: catalogue id -> one-line meaning (``python -m course exercises --mistakes``)
MEANINGS = {
    "missing-s-prime": "a delta without its node's s'(z) = h(1 − h)",
    "loss-factor-missing": "the loss factor O − y missing: ∂O/∂(param) instead of ∂L/∂(param)",
    "loss-half-missing": "2(O − y) for the loss factor: the ½ of the loss left out",
    "loss-itself": "the loss ½(O − y)² where its derivative O − y belongs",
    "s-prime-of-activation": "s' applied to an activation (s'(h)) instead of h(1 − h)",
    "missing-weight": "a delta not multiplied by the weight of the edge it comes back along",
    "wrong-weight": "a delta multiplied by another edge's weight (the edge into its node)",
    "delta-extra-weight": "a delta with the weight of the edge into its node as an extra factor",
    "s-instead-of-slope": "a delta multiplied by h = s(z) instead of its slope h(1 − h)",
    "wrong-node-slope": "a delta multiplied by another node's slope",
    "delta1-brackets": "δ at h1 with s'(z1) on one path only (missing brackets)",
    "delta1-one-path": "δ at h1 collects only one of the two paths",
    "delta1-weights-swapped": "δ at h1 pairs δ2 with w3 and δ3 with w2",
    "wrong-activation": "dW uses the wrong activation (not the value entering on the edge)",
    "missing-input": "dW = δ alone, without the edge's input",
    "bias-equals-weight-gradient": "db = δ × input, like a weight's gradient",
    "extra-weight": "dW has the weight itself as an extra factor",
    "sign": "the wrong sign",
    "wrong-keys": "the dict is not keyed w1..w5, b1..b4",
    "no-target": "backward takes (net, I) only: the loss needs the target y",
    "numerical-not-analytic": "finite differences instead of the backward pass",
}
assert {v.id for v in VARIANTS} <= set(MEANINGS)
