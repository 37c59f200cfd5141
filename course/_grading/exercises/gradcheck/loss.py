"""Lesson 04, exercise 3: ``check_loss(backward, net, I, y)`` — gradient check the LOSS.

Training lowers the loss L = ½(O − y)², so the gradient to check is dL/d(param) =
(O − y)·dO/d(param). The learner's function returns, for each of the nine parameters, the
relative error between ``backward(net, I, y)`` and the numerical gradient of L. The checker
hands it a correct backward function (every error must be tiny) and a buggy one (the bug
must stand out), at points away from the worked example.

When the check fails, the checker finds out *what the learner's numerical side
differentiates*: it hands the learner's function backward functions that return the
candidates generated from the loss's computational graph (``course._grading.diagnosis``:
the loss factor missing — that is dO/d(param) —, the ½ missing, the sign, ...). The one
whose errors all vanish is what the learner's numbers are.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np

from course._grading.diagnosis import GraphTarget
from course._grading.diagnosis import edits as E
from course._grading.diagnosis.paths import Structure
from course._grading.exercises.gradcheck.numerical import numerical_gradient
from course._grading.exercises.gradcheck.relative import relative_error
from course._grading.guards import LearnerError, call_learner
from course._grading.references import DIAMOND_GRADIENT
from course._grading.registry import Exercise, register
from course._grading.result import CheckResult, Shown
from course.nn.graph import Graph
from course.nn.networks import PARAMS, DiamondNet

__all__ = ["check_loss", "loss", "loss_backward", "GRAPH", "CASES"]

LESSON = "04_gradient_checking"
EID = "gradcheck.loss_check"
#: a correct backward's relative errors stay below this; a bug's entry is above ``FLAG``
QUIET, FLAG = 1e-5, 1e-3


def loss(net: DiamondNet, I, y):
    """L = ½(O − y)², the squared error of the diamond's output O for the target y."""
    return DiamondNet.loss(net, I, y)


def loss_backward(net: DiamondNet, I, y) -> dict:
    """dL/d(param) = (O − y)·dO/d(param) for the nine parameters (the library's backward
    pass of the loss, ``DiamondNet.loss_gradient``)."""
    return DiamondNet.loss_gradient(net, I, y)


def check_loss(backward, net: DiamondNet, I, y, eps: float = 1e-6) -> dict:
    """Relative error of ``backward(net, I, y)`` against the numerical gradient of the loss."""
    analytic = backward(net, I, y)
    numeric = numerical_gradient(lambda **p: loss(DiamondNet(**p), I, y), net.params, eps)
    return {k: relative_error(float(analytic[k]), numeric[k]) for k in PARAMS}


def check_loss_of_the_output(backward, net: DiamondNet, I, y, eps: float = 1e-6) -> dict:
    """A mistaken ``check_loss`` for lesson 04's demonstration: its numerical side
    differentiates the output O instead of the loss L (handed to the lesson as a provided
    object, so the notebook shows the slip's diagnosis without printing an answer)."""
    analytic = backward(net, I, y)
    numeric = numerical_gradient(lambda **p: DiamondNet(**p).output(I), net.params, eps)
    return {k: relative_error(float(analytic[k]), numeric[k]) for k in PARAMS}


def _graph() -> Graph:
    """The diamond followed by its loss: e = O − y, e2 = e², L = ½·e2."""
    g = DiamondNet.graph()
    e = g.sub(g["O"], g.input("y"), name="e")
    g.mul(g.const(0.5, "½"), g.pow(e, 2, name="e2"), name="L")
    return g


GRAPH = _graph()
TARGETS = {p: GraphTarget(GRAPH, "L", p, params=PARAMS, prediction="O") for p in PARAMS}

_rng = np.random.default_rng(20261205)
#: (net, I, y) away from the worked example: no symmetry, I ≠ 1, y far from O
CASES = tuple((DiamondNet(**{k: float(_rng.uniform(-1.5, 1.5)) for k in PARAMS}),
               float(s * _rng.uniform(0.5, 2.0)), float(t))
              for s, t in zip((1, -1, 1), (0.05, 0.95, 0.2)))

#: the buggy backward: dL/dw2 through the wrong branch (δ3 where δ2 belongs)
BUG = "w2"


def _buggy_backward(net, I, y) -> dict:
    r = net.backward(I, y)                                # δ = ∂L/∂z at every node
    grads = dict(r["grads"])
    grads[BUG] = r["deltas"]["z3"] * r["forward"]["h1"]
    return grads


#: generated edit id -> (mistake id, what the learner's numerical side differentiates)
_NAMED = {
    "loss-factor-missing": (
        "numerical-of-output",
        "your numerical side differentiates the network's output O, not the loss "
        "L = ½(O − y)²: your errors vanish when backward returns dO/d(param). The loss adds "
        "one factor, dL/d(param) = (O − y)·dO/d(param), and your check leaves it out. Nudge "
        "the parameters of the loss itself: the function you hand to numerical_gradient must "
        "return L, not O"),
    "factor-dropped-½": (
        "loss-half-missing",
        "your numerical side differentiates (O − y)², without the ½: its numbers are exactly "
        "2× dL/d(param). The loss is L = ½(O − y)² (the ½ cancels the 2 of the square in "
        "dL/dO = O − y)"),
    "sign": (
        "numerical-sign",
        "your numerical gradient has the opposite sign: the central difference is "
        "(L(p + ε) − L(p − ε)) / (2ε), the nudge up first"),
}


def _candidates() -> dict:
    """Generated edit id -> a backward function returning that candidate at every case."""
    n = len(CASES)
    points = {"I": np.array([c[1] for c in CASES]), "y": np.array([c[2] for c in CASES]),
              **{k: np.array([c[0].params[k] for c in CASES]) for k in PARAMS}}
    table: dict = {eid: {} for eid in _NAMED}
    for p, target in TARGETS.items():
        S = Structure(target, points, n)
        base = E.Form(S.paths, (1,) * len(S.paths))
        for edit in E.singles(S):
            if edit.id in table and p not in table[edit.id]:
                table[edit.id][p] = E.value(edit.apply(base), n)
    return {eid: _lookup(values) for eid, values in table.items() if len(values) == len(PARAMS)}


def _lookup(values: dict) -> Callable:
    def backward(net, I, y):
        i = next(j for j, c in enumerate(CASES) if c[0] is net)
        return {k: float(values[k][i]) for k in PARAMS}
    return backward


def _errors(answer, backward, net, I, y) -> dict:
    """The learner's nine errors, checked to be nine non-negative numbers."""
    out = call_learner(answer, backward, net, I, y)
    if not isinstance(out, dict):
        raise LearnerError(f"your check_loss returned a {type(out).__name__}; return a dict "
                           "{name: relative error} with the nine names w1 … b4", kind="type")
    missing = [k for k in PARAMS if k not in out]
    if missing:
        raise LearnerError(f"your check_loss's dict has no entry for {', '.join(missing)}: "
                           "return one relative error per parameter, all nine", kind="type")
    bad = [k for k in PARAMS if not isinstance(out[k], numbers.Real) or not out[k] >= 0]
    if bad:
        raise LearnerError(f"your check_loss's entry {bad[0]} is {out[bad[0]]!r}; a relative "
                           "error is a number ≥ 0", kind="type")
    return {k: float(out[k]) for k in PARAMS}


def _what_differs(answer) -> tuple[str, str] | None:
    """(mistake id, message) when the learner's errors vanish for a generated candidate."""
    for eid, backward in _candidates().items():
        if all(max(_errors(answer, backward, *case).values()) <= QUIET for case in CASES):
            return _NAMED[eid]
    return None


def _grade(answer, opts) -> CheckResult:
    if isinstance(answer, str) or not callable(answer):
        raise LearnerError("this exercise wants a function check_loss(backward, net, I, y) "
                           f"that returns a dict of relative errors, not a "
                           f"{type(answer).__name__}", kind="type")
    n = 2 * len(CASES)
    for net, I, y in CASES:
        good = _errors(answer, loss_backward, net, I, y)
        worst = max(good, key=good.get)
        if good[worst] > QUIET:
            result = CheckResult(EID, False, n_cases=n, point={"I": I, "y": y},
                                 learner_value={worst: good[worst]},
                                 expected_value=Shown(f"below {QUIET:g} for every parameter"),
                                 summary=f"your check reports a relative error of "
                                 f"{good[worst]:.2g} for d L/d{worst} of a correct backward "
                                 "function".replace("d L", "dL"))
            named = _what_differs(answer)
            if named:
                result.mistake, result.summary = named
            else:
                result.mistake = "false-alarm"
                result.details.append("Your numerical gradient and the backward function "
                                      "differ: compare the numerical gradient of "
                                      "L(params) = ½·(O − y)² with backward(net, I, y).")
            return result
        flagged = _errors(answer, _buggy_backward, net, I, y)
        if flagged[BUG] <= FLAG or any(flagged[k] > QUIET for k in PARAMS if k != BUG):
            a, b = _buggy_backward(net, I, y)[BUG], loss_backward(net, I, y)[BUG]
            if np.isclose(flagged[BUG], abs(a - b), rtol=1e-3, atol=0.0):
                return CheckResult(
                    EID, False, mistake="absolute-difference", n_cases=n,
                    point={"I": I, "y": y}, learner_value=flagged[BUG],
                    expected_value=relative_error(a, b),
                    summary=f"your check compares absolute differences: for the wrong entry "
                            f"dL/d{BUG} yours is {flagged[BUG]:.2g}, its relative error "
                            f"{relative_error(a, b):.2g}. Loss gradients are small (here "
                            f"about {abs(b):.1g}), so every absolute difference looks tiny: "
                            "divide by |a| + |b| (your relative_error)")
            return CheckResult(
                EID, False, mistake="missed-bug", n_cases=n, point={"I": I, "y": y},
                learner_value=flagged, expected_value=Shown(f"{BUG} above {FLAG:g}, the "
                                                            f"others below {QUIET:g}"),
                summary=f"your check does not single out dL/d{BUG} of a backward function "
                        f"whose dL/d{BUG} is wrong: compare every entry by relative error")
    return CheckResult(EID, True, n_cases=n, summary=(
        f"correct — your check finds nothing wrong with a correct backward function and "
        f"singles out dL/d{BUG} of a buggy one, at {len(CASES)} points"))


register(Exercise(
    forbidden=DIAMOND_GRADIENT, reference=check_loss,
    provided={"loss": loss, "loss_backward": loss_backward,
              "check_loss_of_the_output": check_loss_of_the_output},
    id=EID, lesson=LESSON, answer_name="check_loss",
    title="check_loss(backward, net, I, y): gradient check the loss L = ½(O − y)²",
    grade=_grade, answer_kinds="function of a backward function, a network, I and y",
    mistakes={
        "numerical-of-output": "the numerical side differentiates the output O, not the loss",
        "loss-half-missing": "the numerical side differentiates (O − y)², without the ½",
        "numerical-sign": "the numerical gradient has the opposite sign",
        "false-alarm": "reports a large error for a correct backward function",
        "missed-bug": "does not single out the wrong entry of a buggy backward function",
        "absolute-difference": "compares absolute differences, not relative errors",
    },
    reveal=r"`numeric = numerical_gradient(lambda **p: 0.5 * (DiamondNet(**p).output(I) "
           r"- y)**2, net.params)`, then `{k: relative_error(backward(net, I, y)[k], "
           r"numeric[k]) for k in PARAMS}`. Both sides differentiate the **loss**: a "
           r"numerical gradient of $O$ differs from $\partial L/\partial\theta$ by the "
           r"factor $\partial L/\partial O = O - y$ at every entry.",
    hints=(
        "The numerical side must differentiate the same quantity as backward: the loss "
        "L = ½(O − y)², as a function of the nine parameters.",
        "numerical_gradient wants a function of the nine parameters as keyword arguments: "
        "build the network from them with DiamondNet(**p), take its output at the I you were "
        "given, and turn that output into the loss with the y you were given.",
        "Put the two sides next to each other: your backward's gradients at (net, I, y) and "
        "that numerical gradient of the loss; return one relative error per parameter name, in "
        "a dict.",
    ),
))
