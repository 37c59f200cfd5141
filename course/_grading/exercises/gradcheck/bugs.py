"""Lesson 04, exercise 4: ``find_bug(gradient) -> name or None``.

``gradient(net, I, y)`` is a backward function of the diamond's loss L = ½(O − y)²
returning the nine entries dL/d(param), ``w1..b4``; at most one of them is wrong. The
learner's ``find_bug`` gradient-checks it (with their ``check_loss`` of exercise 3) at a few
random points and names the wrong entry. The checker hands it several backward functions
(``BUGS``: some bugs only show away from the symmetric worked example, one function is
correct) and diagnoses checking only at the worked example, false alarms, wrong names and
answers that ignore the argument.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from course._grading.exercises.gradcheck._other_quantity import (
    loss_gradient,
    other_quantity,
    same_answer_everywhere,
)
from course._grading.exercises.gradcheck.loss import check_loss
from course._grading.exercises.gradcheck.relative import relative_error
from course._grading.guards import LearnerError, call_learner
from course._grading.references import DIAMOND_GRADIENT
from course._grading.registry import Exercise, register
from course._grading.result import CheckResult, Shown
from course.nn.networks import PARAMS, DiamondNet

__all__ = ["Bug", "BUGS", "LESSON_BUG", "buggy_gradient", "find_bug"]

LESSON = "04_gradient_checking"


@dataclass(frozen=True)
class Bug:
    """A backward function of the loss with one wrong entry (``param``; None: nothing wrong).

    ``wrong(f, delta, net, I)`` gives the wrong dL/d(param) from the forward cache ``f`` and
    the deltas δ = ∂L/∂z (keys ``zO, z2, z3, z1``) of :meth:`DiamondNet.backward` with the
    target y.
    """

    param: str | None
    what: str
    wrong: Callable | None = None

    def gradient(self, net: DiamondNet, I, y) -> dict:
        """The nine dL/d(param), ``param``'s replaced by the wrong value."""
        r = DiamondNet.backward(net, I, y)                   # δ = ∂L/∂z, the nine ∂L/∂θ
        grads = dict(r["grads"])
        if self.param is not None:
            grads[self.param] = self.wrong(r["forward"], r["deltas"], net, I)
        return grads

    def function(self):
        """``gradient`` as a plain function ``backward(net, I, y)`` (what the learner is
        given)."""
        def gradient(*args, **kwargs):
            if len(args) + len(kwargs) != 3:
                raise TypeError(
                    "gradient takes three arguments, gradient(net, I, y): the DiamondNet, the "
                    "input I and the target y of the loss L = ½(O − y)² — it was called with "
                    f"{len(args) + len(kwargs)}")
            return self.gradient(*args, **kwargs)
        return gradient


#: the lesson's planted bug: dL/dw2 uses δ3 where δ2 belongs (equal at the worked example)
LESSON_BUG = Bug("w2", "uses δ3 (the delta at h3) where δ2 belongs",
                 lambda f, d, net, I: d["z3"] * f["h1"])
buggy_gradient = LESSON_BUG.function()
buggy_gradient.__doc__ = ("The nine gradients dL/d(param) of the diamond's loss "
                          "L = ½(O − y)² at input I, target y — one entry is wrong. Which one?")

#: the checker's backward functions, in order; none repeats the lesson's bug
BUGS = (
    Bug("w4", "uses h3 where h2 belongs (equal at the worked example)",
        lambda f, d, net, I: d["zO"] * f["h3"]),
    Bug(None, "has no bug: every entry is right"),
    Bug("b2", "equals the weight gradient δ2·h1 instead of δ2",
        lambda f, d, net, I: d["z2"] * f["h1"]),
    Bug("w1", "is missing the input factor I (invisible at I = 1)",
        lambda f, d, net, I: d["z1"]),
    Bug("b1", "collects only the path through h2",
        lambda f, d, net, I: d["z2"] * net.w2 * f["h1"] * (1 - f["h1"])),
    Bug("w3", "has the wrong sign", lambda f, d, net, I: -d["z3"] * f["h1"]),
)

#: why a bug hides at the worked example: param -> (mistake id, what a learner's points lacked)
_HIDING = {
    "w4": ("symmetric-point",
           "this bug hides wherever h2 = h3, as at the worked example's parameters (w2 = w3, "
           "b2 = b3) whatever the input. Did you keep those parameters and vary only I? Draw "
           "random parameters too"),
    "w1": ("input-one",
           "this bug hides at I = 1, where the missing factor changes nothing (δ1·1 = δ1), "
           "whatever the parameters. Did you vary the parameters but keep I = 1? Draw a "
           "random input I too"),
}

#: the learner's helpers from the earlier exercises, by name
_HELPERS = {"numerical_gradient": "exercise 1", "relative_error": "exercise 2",
            "check_loss": "exercise 3"}

#: a point away from the worked example where every bug above shows: (net, I, y)
_PROBE = (DiamondNet(0.9, -1.3, 0.4, 1.7, -0.6, 0.2, -0.8, 1.1, -0.3), -1.3, 0.2)
#: the worked example with the lesson's target y = 0
_WORKED = (DiamondNet(), 1.0, 0.0)


def find_bug(gradient, n_points: int = 3, tol: float = 1e-4):
    """The name of the entry of ``gradient(net, I, y)`` that disagrees with finite
    differences of the loss.

    Checks at random points — parameters, input and target — never only at the symmetric
    worked example; None if all agree.
    """
    rng = np.random.default_rng(0)
    for _ in range(n_points):
        net = DiamondNet(**{k: float(rng.uniform(-1.5, 1.5)) for k in PARAMS})
        I = float(rng.choice([-1, 1]) * rng.uniform(0.5, 2.0))     # away from 0 and 1
        y = float(rng.uniform(0, 1))
        errors = check_loss(gradient, net, I, y)
        worst = max(errors, key=errors.get)
        if errors[worst] > tol:
            return worst
    return None


def _error_at(bug: Bug, net: DiamondNet, I: float, y: float) -> float:
    return relative_error(float(bug.gradient(net, I, y)[bug.param]),
                          float(loss_gradient(net, I, y)[bug.param]))


def _hidden(bug: Bug) -> bool:
    """True when the bug gives the right number at the worked example."""
    return bug.param is not None and _error_at(bug, *_WORKED) < 1e-12


@dataclass(frozen=True)
class _StubCalled:
    """The learner's find_bug ran into a stub (NotImplementedError) in a function it calls."""

    name: str


def _calling(answer):
    """``answer`` with a stub raised by a function it *calls* returned as ``_StubCalled``.

    A stub in ``answer`` itself stays a NotImplementedError (not attempted).
    """
    def run(gradient):
        try:
            return answer(gradient)
        except NotImplementedError as err:
            remote = getattr(err, "learner_stub", None)     # raised in the grading sandbox
            if isinstance(remote, str):
                if remote and remote != getattr(answer, "__name__", ""):
                    return _StubCalled(remote)
                raise
            frames = traceback.extract_tb(err.__traceback__)
            if len(frames) > 2 and frames[-1].name != frames[1].name:
                return _StubCalled(frames[-1].name)
            raise
    return run


def _stub_message(name: str) -> str:
    which = f" ({_HELPERS[name]})" if name in _HELPERS else ""
    return (f"your find_bug calls {name}, which is still a stub — it raises "
            f"NotImplementedError. Write {name}{which} first and run its cell, then run "
            "this check again")


def _not_a_name(out) -> str | None:
    """A message when ``out`` is neither None nor one of the nine names."""
    if out is None or (isinstance(out, str) and out in PARAMS):
        return None
    if isinstance(out, str):
        return (f"your find_bug returned {out!r}; return the parameter's name exactly as the "
                f"gradient dict's key — one of {', '.join(PARAMS)} (e.g. 'w4', not 'dw4')")
    return (f"your find_bug returned a {type(out).__name__} ({out!r:.60}); return one name, a "
            "string such as 'w4', or None when every entry agrees")


_NO_BUG = "None (every entry of that backward function is right)"


def _grade(answer, opts) -> CheckResult:
    eid = "gradcheck.find_bug"
    if isinstance(answer, str) or not callable(answer):
        raise LearnerError(
            "this exercise wants a function find_bug(gradient) that tests the backward "
            f"function it is given and returns a name, not a {type(answer).__name__}",
            kind="type")
    answers = [call_learner(_calling(answer), bug.function()) for bug in BUGS]
    stub = next((out for out in answers if isinstance(out, _StubCalled)), None)
    if stub is not None:
        return CheckResult(eid, False, attempted=False, summary=_stub_message(stub.name))
    expected = [bug.param for bug in BUGS]
    n = len(BUGS)
    if answers == expected:
        return CheckResult(eid, True, n_cases=n, summary=(
            f"correct — your find_bug named the wrong entry of {n - 1} buggy backward "
            "functions, including two whose bug hides at the worked example, and returned "
            "None for a correct one"))
    for out in answers:
        message = _not_a_name(out)
        if message:
            return CheckResult(eid, False, mistake="not-a-parameter", summary=message, n_cases=n)
    i = next(j for j in range(n) if answers[j] != expected[j])
    bug = BUGS[i]
    n_wrong = sum(a != e for a, e in zip(answers, expected, strict=True))
    def shown(value, none_means="None"):          # None is an answer here: show it
        return Shown(none_means) if value is None else value

    result = CheckResult(eid, False, learner_value=shown(answers[i]),
                         expected_value=shown(expected[i], _NO_BUG),
                         n_cases=n, summary=f"your find_bug is wrong for {n_wrong} of {n} "
                         "backward functions")
    if bug.param is not None:
        at_seed, away = _error_at(bug, *_WORKED), _error_at(bug, *_PROBE)
        result.details.append(
            f"In the backward function shown, dL/d{bug.param} {bug.what}: its relative error "
            f"is {at_seed:.1e} at the worked example and {away:.1e} at I = {_PROBE[1]}, "
            f"y = {_PROBE[2]} with other parameters.")
    missed = {j for j in range(n) if expected[j] and answers[j] is None}
    hidden = {j for j in range(n) if _hidden(BUGS[j])}
    if len(set(answers)) == 1 and answers[0] is not None:
        result.mistake, result.summary = same_answer_everywhere(_calling(answer), answers[0])
    elif answers[expected.index(None)] is not None:
        named = other_quantity(_calling(answer), answers[expected.index(None)])
        result.mistake, result.summary = named or ("false-alarm", (
            f"your find_bug named {answers[expected.index(None)]!r} for a backward function "
            "with no bug. A correct gradient's relative errors are about 1e-9 (up to 1e-6 for "
            "entries near 0): return None unless the largest one is above about 1e-4. If "
            "yours are large for a correct function, your numerical side differentiates "
            "something else than what gradient(net, I, y) returns, dL/d(param) of "
            "L = ½(O − y)² for that net, that I and that y"))
        result.learner_value = answers[expected.index(None)]
        result.expected_value = Shown(_NO_BUG)
    elif any(answers[j] not in (None, expected[j]) for j in range(n)):
        j = next(j for j in range(n) if answers[j] not in (None, expected[j]))
        result.mistake, result.summary = "wrong-parameter", (
            f"your find_bug named {answers[j]!r}, but that entry is right; the wrong one was "
            f"{expected[j]!r}. Return the name whose relative error is largest")
    elif missed and missed == hidden:
        result.mistake, result.summary = "worked-example-only", (
            "your find_bug misses exactly the bugs that hide at the worked example: there "
            "w2 = w3 and b2 = b3, so h2 = h3 and δ2 = δ3, and I = 1 — a swapped h2/h3 or a "
            "missing factor I gives the right number. Check at random parameters, a random "
            "input I ≠ 1 and a random target y")
    elif missed and missed <= hidden:
        bug = BUGS[min(missed)]
        result.mistake, why = _HIDING[bug.param]
        result.summary = (
            f"your find_bug finds the other bugs but returned None for a backward function "
            f"whose dL/d{bug.param} {bug.what.split(' (')[0]}: {why}")
        result.learner_value, result.expected_value = Shown("None"), bug.param
    else:
        result.mistake, result.summary = "missed-bug", (
            f"your find_bug returned None for a backward function whose dL/d{bug.param} is "
            "wrong: compare every entry with the numerical gradient of the loss by relative "
            "error, and flag the largest when it is above about 1e-4")
    return result


register(Exercise(
    forbidden=DIAMOND_GRADIENT,
    reference=find_bug, provided={"buggy_gradient": buggy_gradient},
    id="gradcheck.find_bug", lesson=LESSON, answer_name="find_bug",
    title="find_bug(gradient): which entry of a loss backward function gradient(net, I, y) "
          "is wrong?",
    grade=_grade, answer_kinds="function of a backward function",
    reveal=r"At each of a few **random** points — nine parameters drawn from about "
           r"$[-1.5, 1.5]$, an input $I$ away from $0$ and $1$, a target $y \in [0, 1]$ — "
           r"`errors = check_loss(gradient, DiamondNet(**params), I, y)`; if the largest "
           r"error is above $10^{-4}$, return its name; after all points, return `None`. "
           r"One random point already finds every planted bug; the worked example alone "
           r"misses two (its symmetry $h_2 = h_3$ hides a swapped branch, $I = 1$ a missing "
           r"factor $I$).",
    mistakes={
        "worked-example-only": "checks only at the worked example, where symmetric bugs hide",
        "symmetric-point": "a random input but the worked example's symmetric parameters",
        "input-one": "random parameters but the input I = 1, which hides a missing factor I",
        "missed-bug": "returns None for a backward function with a wrong entry",
        "false-alarm": "names a parameter although every entry is right",
        "wrong-parameter": "names a parameter whose entry is right",
        "ignores-argument": "gives the same answer whatever backward function it is given",
        "different-quantity": "its numerical gradient is of another quantity than the "
                              "backward function's dL/d(param)",
        "numerical-of-output": "the numerical side differentiates the output O, the backward "
                               "the loss L",
        "loss-half-missing": "the numerical side differentiates (O − y)², without the ½",
        "numerical-at-worked-parameters": "the numerical side at the worked example's "
                                          "parameters, the backward at others",
        "numerical-at-input-one": "the numerical side at I = 1, the backward at another I",
        "numerical-at-other-target": "the numerical side with a fixed target y, the backward "
                                     "with another",
        "numerical-sign": "the numerical gradient with the opposite sign",
        "not-a-parameter": "returns something other than a parameter name or None",
    },
    hints=(
        "Your check_loss(gradient, net, I, y) from exercise 3 already does the comparison at "
        "one point: it returns the nine relative errors. find_bug only has to choose the "
        "points and read the errors.",
        "Which point? Not the worked example: there w2 = w3 and b2 = b3 (so h2 = h3) and "
        "I = 1, and some bugs give the right number. Draw the nine parameters, the input I and "
        "the target y at random (rng = np.random.default_rng(0); rng.uniform(-1.5, 1.5) per "
        "parameter; I away from 0 and 1; y between 0 and 1).",
        "What to return? At each point look at the largest of the nine errors: a correct "
        "gradient's are about 1e-9, a bug's about 1e-1 or more. Above about 1e-4, return "
        "that entry's name, a string such as 'w4'. Return None only after every point "
        "was clean.",
        "Put it together: a loop over about three points; per point build a DiamondNet from "
        "the random parameters, take the errors of gradient at (that net, I, y), and return "
        "the name of the largest one when it is above the threshold; after the loop, None.",
    ),
))
