"""Lesson 09, exercise 5: ``init_std(n_in, n_out, activation)``, the scale of a layer's W.

Xavier/Glorot ``sqrt(2 / (n_in + n_out))`` for layers feeding a sigmoid or tanh, He
``sqrt(2 / n_in)`` for layers feeding a ReLU (``course.nn.init``). The answer is checked
on layers of both kinds and many sizes; each kind's values are compared with the candidate
formulas below (data: a name, a formula, a message), so "He for the sigmoid layers" is
named even when the ReLU layers are right.
"""

from __future__ import annotations

import math

import numpy as np

from course._grading.guards import LearnerError, call_learner
from course._grading.registry import Exercise, register
from course._grading.result import CheckResult
from course.nn.init import init_std

__all__ = ["CANDIDATES", "CASES"]

LESSON = "09_beyond_the_sigmoid"
#: (n_in, n_out, activation): fan-in and fan-out always different
CASES = ((64, 32, "relu"), (32, 10, "sigmoid"), (100, 50, "tanh"), (20, 80, "relu"),
         (784, 128, "sigmoid"), (12, 3, "tanh"), (300, 100, "relu"), (5, 40, "sigmoid"))
_SMOOTH = ("sigmoid", "tanh")

#: candidate formulas: id -> (formula, meaning)
CANDIDATES = {
    "xavier": (lambda i, o: math.sqrt(2 / (i + o)), "Xavier sqrt(2/(n_in+n_out))"),
    "he": (lambda i, o: math.sqrt(2 / i), "He sqrt(2/n_in)"),
    "lecun": (lambda i, o: math.sqrt(1 / i), "LeCun sqrt(1/n_in) (He without the 2)"),
    "fan-out": (lambda i, o: math.sqrt(2 / o), "sqrt(2/n_out): the fan-out, not the fan-in"),
    "variance": (lambda i, o: None, "the variance, not the standard deviation"),
    "uniform-limit": (lambda i, o: math.sqrt(6 / (i + o)),
                      "sqrt(6/(n_in+n_out)): the bound of Xavier's uniform version"),
    "constant": (lambda i, o: 0.01, "a fixed 0.01, whatever the layer's size"),
}
_RIGHT = {"relu": "he", **dict.fromkeys(_SMOOTH, "xavier")}
MEANINGS = {
    "he-for-sigmoid": "He's sqrt(2/n_in) used for sigmoid/tanh layers (it assumes half the "
                      "units are off, as with ReLU)",
    "xavier-for-relu": "Xavier used for ReLU layers: the signal halves at every layer",
    "variance-not-std": "2/n_in (a variance) returned where the standard deviation belongs",
    "fan-out": "n_out where n_in belongs",
    "lecun-for-relu": "sqrt(1/n_in) for ReLU layers: the factor 2 for the half that is off "
                      "is missing",
    "uniform-limit": "sqrt(6/(n_in+n_out)), the uniform bound, not the standard deviation",
    "constant": "the same small number for every layer",
    "wrong-std": "a standard deviation no formula explains",
}


def _which(values, layers) -> str | None:
    """The candidate that gives ``values`` on ``layers``, or None."""
    for cid, (formula, _) in CANDIDATES.items():
        if cid == "variance":
            continue
        if all(np.isclose(v, formula(i, o), rtol=1e-6) for v, (i, o, _) in zip(values, layers)):
            return cid
    for cid in ("he", "xavier"):
        f = CANDIDATES[cid][0]
        if all(np.isclose(v, f(i, o) ** 2, rtol=1e-6) for v, (i, o, _) in zip(values, layers)):
            return "variance"
    return None


def _name(kind: str, found: str | None) -> str:
    """A mistake id for what one kind of layer got."""
    if found == "variance":
        return "variance-not-std"
    if found in ("fan-out", "uniform-limit", "constant"):
        return found
    if kind == "relu":
        return {"xavier": "xavier-for-relu", "lecun": "lecun-for-relu"}.get(found, "wrong-std")
    return {"he": "he-for-sigmoid", "lecun": "he-for-sigmoid"}.get(found, "wrong-std")


_MESSAGES = {
    "he-for-sigmoid": "your sigmoid and tanh layers get He's sqrt(2/n_in) (or sqrt(1/n_in)). "
                      "He's factor 2 makes up for ReLU switching half the units off; a sigmoid "
                      "or tanh keeps them all, so that scale is too large there and pushes the "
                      "units toward saturation. Use Xavier's sqrt(2/(n_in + n_out)).",
    "xavier-for-relu": "your ReLU layers get Xavier's sqrt(2/(n_in + n_out)). A ReLU zeroes "
                       "about half its inputs, so the signal's variance halves at every layer "
                       "unless the weights double it: He's sqrt(2/n_in).",
    "lecun-for-relu": "your ReLU layers get sqrt(1/n_in): the factor 2 that makes up for the "
                      "half of the units a ReLU switches off is missing — He's sqrt(2/n_in).",
    "variance-not-std": "you returned a variance (like 2/n_in); the function returns the "
                        "standard deviation, its square root (np.random's `scale`).",
    "fan-out": "you divided by n_out; the forward pass adds up n_in products per unit, so the "
               "scale depends on the fan-in n_in.",
    "uniform-limit": "sqrt(6/(n_in + n_out)) is the limit a of Xavier's *uniform* version "
                     "U(−a, a), whose standard deviation is a/√3 = sqrt(2/(n_in + n_out)).",
    "constant": "the same number for every layer: a scale must shrink as n_in grows, or wide "
                "layers blow the signal up (and narrow ones let it fade).",
}


def _grade(answer, opts) -> CheckResult:
    eid = "init.scale"
    if isinstance(answer, (str, type)) or not callable(answer):
        raise LearnerError("this exercise wants your function init_std(n_in, n_out, "
                           f"activation), not a {type(answer).__name__}", kind="type")
    values = []
    for n_in, n_out, act in CASES:
        value = call_learner(answer, n_in, n_out, act)
        try:
            values.append(float(value))
        except (TypeError, ValueError):
            raise LearnerError(f"init_std({n_in}, {n_out}, {act!r}) returned "
                               f"{type(value).__name__}, not a number", kind="type") from None
    wrong = {}
    for kind in ("relu", "smooth"):
        layers = [c for c in CASES if (c[2] == "relu") == (kind == "relu")]
        mine = [v for v, c in zip(values, CASES) if c in layers]
        right = CANDIDATES[_RIGHT[layers[0][2]]][0]
        if not all(np.isclose(v, right(i, o), rtol=1e-6) for v, (i, o, _) in zip(mine, layers)):
            wrong[kind] = _name(kind, _which(mine, layers))
    n = len(CASES)
    if not wrong:
        return CheckResult(eid, True, n_cases=n, summary=(
            f"correct — He for the ReLU layers and Xavier for the sigmoid/tanh layers, on {n} "
            "layers of different sizes"))
    kind = ("smooth" if wrong.get("smooth", "wrong-std") != "wrong-std"
            else next(iter(wrong)))
    mistake = wrong[kind]
    k = next(i for i, c in enumerate(CASES) if (c[2] == "relu") == (kind == "relu"))
    n_in, n_out, act = CASES[k]
    parts = [_MESSAGES.get(m, "") for m in dict.fromkeys(wrong.values()) if m in _MESSAGES]
    summary = " ".join(parts) or ("your scale matches no known formula: He sqrt(2/n_in) for "
                                  "ReLU layers, Xavier sqrt(2/(n_in+n_out)) for sigmoid/tanh.")
    if set(wrong) == {"smooth"}:
        summary = "your ReLU layers are right. " + summary[:1].upper() + summary[1:]
    elif set(wrong) == {"relu"}:
        summary = "your sigmoid/tanh layers are right. " + summary[:1].upper() + summary[1:]
    expected = CANDIDATES[_RIGHT[act]][0](n_in, n_out)
    return CheckResult(eid, False, mistake=mistake, n_cases=n, summary=summary,
                       point={"n_in": n_in, "n_out": n_out, "activation": act},
                       learner_value=values[k], expected_value=expected)


register(Exercise(
    forbidden=("course.nn.init.init_std", "course.nn.init.he_std", "course.nn.init.xavier_std"),
    reference=init_std,
    reveal=r"He $\sqrt{2/n_{\text{in}}}$ for ReLU layers, Xavier "
           r"$\sqrt{2/(n_{\text{in}} + n_{\text{out}})}$ for sigmoid and tanh layers.",
    id="init.scale", lesson=LESSON, answer_name="init_std",
    title="init_std(n_in, n_out, activation): He for ReLU layers, Xavier for sigmoid/tanh",
    grade=_grade, answer_kinds="function of (n_in, n_out, activation)", mistakes=MEANINGS,
    hints=("Var(z) = n_in · Var(w) · Var(a): which Var(w) keeps Var(z) equal to Var(a)?",
           "A ReLU switches about half its units off, halving the variance: its layers need "
           "twice the variance. A sigmoid or tanh layer keeps all its units.",
           "Two formulas, chosen by the activation: one divides 2 by the fan-in alone, the "
           "other by the fan-in plus the fan-out; return the square root."),
))
