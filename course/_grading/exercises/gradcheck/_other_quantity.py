"""What a learner's find_bug compares with, when it flags a correct backward function.

``find_bug`` (lesson 04) compares ``gradient(net, I, y)`` — dL/d(param) of the loss
L = ½(O − y)² for that net, input and target — with a numerical gradient. When the learner's
version names an entry even for a correct backward function, it either never calls the
function it is given, or its numerical side differentiates another quantity. Handing it
backward functions that return the candidates (the output O instead of the loss, the loss
without its ½, the worked example's parameters, I = 1, a fixed target, the opposite sign)
finds which: the one it accepts (returns None for) is what its numbers are.
"""

from __future__ import annotations

from course._grading.guards import call_learner
from course.nn.networks import DiamondNet

__all__ = ["loss_gradient", "other_quantity", "same_answer_everywhere"]


def loss_gradient(net: DiamondNet, I, y, scale: float = 1.0) -> dict:
    """``scale``·dL/d(param) for L = ½(O − y)²: the chain rule one step past dO/d(param)."""
    return {k: scale * v for k, v in DiamondNet.loss_gradient(net, I, y).items()}


_SAME = ("build both sides from the same point: the loss ½(DiamondNet(**params).output(I) − "
         "y)² for the numerical side, gradient(DiamondNet(**params), I, y) for the other")

#: what a learner's numerical side may differentiate instead of the backward pass's quantity:
#: (mistake id, a backward function returning that quantity, what differs)
_QUANTITIES = (
    ("numerical-of-output",
     lambda net, I, y: DiamondNet.gradient(net, I),
     "its numerical side differentiates the network's output O, but gradient(net, I, y) "
     "returns dL/d(param) of the loss L = ½(O − y)², one factor (O − y) more: nudge the "
     "parameters inside the loss (your check_loss of exercise 3 does)"),
    ("loss-half-missing",
     lambda net, I, y: loss_gradient(net, I, y, 2.0),
     "its numerical side differentiates (O − y)², without the ½: its numbers are exactly 2× "
     "dL/d(param) of L = ½(O − y)²"),
    ("numerical-at-worked-parameters",
     lambda net, I, y: loss_gradient(DiamondNet(), I, y),
     "its numerical side uses the worked example's parameters (DiamondNet()), not the "
     f"parameters of the net it hands to gradient(net, I, y): {_SAME}"),
    ("numerical-at-input-one",
     lambda net, I, y: loss_gradient(net, 1.0, y),
     "its numerical side takes the loss at the input I = 1, while gradient(net, I, y) is "
     "called at another input: use the same I on both sides"),
    *(("numerical-at-other-target",
       (lambda net, I, y, c=c: loss_gradient(net, I, c)),
       f"its numerical side takes the loss with the target y = {c:g}, while gradient(net, I, "
       "y) is called with another y: use the same target on both sides")
      for c in (0.0, 1.0, 0.5)),
    ("numerical-sign",
     lambda net, I, y: {k: -v for k, v in loss_gradient(net, I, y).items()},
     "its numerical gradient has the opposite sign: the central difference is "
     "(L(p + ε) − L(p − ε)) / (2ε), the nudge up first"),
)


def other_quantity(run, name) -> tuple[str, str] | None:
    """(mistake, message) when the learner's find_bug accepts a backward function returning
    another quantity (so that is what its numerical side differentiates)."""
    for mistake, quantity, why in _QUANTITIES:
        if call_learner(run, quantity) is None:
            return mistake, (f"your find_bug calls the backward function it is given, but "
                             f"names {name!r} even for a correct one: {why}")
    return None


def same_answer_everywhere(run, name) -> tuple[str, str]:
    """Why the learner's find_bug names ``name`` for every backward function, a correct one
    included: it never calls the function it is given, or — calling it — its numerical side
    differentiates another quantity (found by handing it backward functions that return
    the candidates: the one it accepts is what its numbers are)."""
    calls = []

    def correct(net, I, y):
        calls.append((net, I, y))
        return loss_gradient(net, I, y)

    if call_learner(run, correct) is not None and not calls:
        return "ignores-argument", (
            f"your find_bug returned {name!r} for every backward function it was given, a "
            "correct one included, and never called the function passed in as its argument "
            "`gradient`: test that function, not the lesson's buggy_gradient")
    found = other_quantity(run, name)
    if found:
        return found
    return "different-quantity", (
        f"your find_bug calls the backward function it is given, but names {name!r} even for "
        "a correct one, so its numerical gradient is of a different quantity: gradient(net, "
        "I, y) returns dL/d(param) of L = ½(O − y)² for that net's parameters, that input I "
        "and that target y — differentiate ½(DiamondNet(**params).output(I) − y)² at the same "
        "params, I and y (your check_loss does)")
