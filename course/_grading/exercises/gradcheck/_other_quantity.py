"""What a learner's find_bug compares with, when it flags a correct backward function.

``find_bug`` (lesson 04) compares ``gradient(net, I)`` — dO/d(param) for that net at that
input — with a numerical gradient. When the learner's version names an entry even for a
correct backward function, it either never calls the function it is given, or its
numerical side differentiates another quantity. Handing it backward functions that return
the candidates (the worked example's parameters, I = 1, the opposite sign, a loss) finds
which: the one it accepts (returns None for) is what its numbers are.
"""

from __future__ import annotations

from course._grading.guards import call_learner
from course.nn.networks import DiamondNet

__all__ = ["other_quantity", "same_answer_everywhere"]


def _loss_gradient(y: float, half: bool):
    """A backward function returning d/d(param) of the loss (½)(O − y)²."""
    def backward(net, I):
        upstream = (1.0 if half else 2.0) * (DiamondNet.output(net, I) - y)
        return {k: upstream * v for k, v in DiamondNet.gradient(net, I).items()}
    return backward


#: what a learner's numerical side may differentiate instead of the backward pass's quantity:
#: (mistake id, a backward function returning that quantity, what differs)
_QUANTITIES = (
    ("numerical-at-worked-parameters",
     lambda net, I: DiamondNet.gradient(DiamondNet(), I),
     "its numerical side uses the worked example's parameters (DiamondNet()), not the "
     "parameters of the net it hands to gradient(net, I): build both sides from the same "
     "params — numerical_gradient(lambda **p: DiamondNet(**p).output(I), params) and "
     "gradient(DiamondNet(**params), I)"),
    ("numerical-at-input-one",
     lambda net, I: DiamondNet.gradient(net, 1.0),
     "its numerical side differentiates O at the input I = 1, while gradient(net, I) is "
     "called at another input: use the same I on both sides"),
    ("numerical-sign",
     lambda net, I: {k: -v for k, v in DiamondNet.gradient(net, I).items()},
     "its numerical gradient has the opposite sign: the central difference is "
     "(O(p + ε) − O(p − ε)) / (2ε), the nudge up first"),
    *(("numerical-of-loss", _loss_gradient(y, half),
       "its numerical side differentiates a loss, "
       + ("½(O − y)²" if half else "(O − y)²") + ", but gradient(net, I) is dO/d(param), the "
       "derivative of the output O itself: differentiate DiamondNet(**params).output(I)")
      for y in (0.0, 1.0, 0.5) for half in (True, False)),
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

    def correct(net, I):
        calls.append((net, I))
        return DiamondNet.gradient(net, I)

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
        "I) returns dO/d(param) for that net's parameters at that input I — differentiate "
        "O = DiamondNet(**params).output(I) at the same params and the same I (not the loss, "
        "not another point)")
