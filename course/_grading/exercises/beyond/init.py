"""Lesson 09, exercise 5: ``init_std(n_in, n_out, activation)``, the scale of a layer's W.

The lesson derives ``Var(z) = n_in · σ² · Var(a)``: a layer feeding a sigmoid or tanh keeps
the forward signal's variance with LeCun's ``sqrt(1 / n_in)``, and Xavier/Glorot's
``sqrt(2 / (n_in + n_out))`` balances it with the backward pass's ``1 / n_out`` — both are
accepted there. A ReLU switches half its units off, so its layers need twice the variance:
He ``sqrt(2 / n_in)`` (``course.nn.init``). The answer is checked on layers of both kinds
and many sizes; each kind's values are compared with the candidate formulas below (data: a
name, a formula, a message), so "He for the sigmoid layers" is named even when the ReLU
layers are right.
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
    "lecun": (lambda i, o: math.sqrt(1 / i), "LeCun sqrt(1/n_in): the forward variance kept"),
    "fan-out": (lambda i, o: math.sqrt(2 / o), "sqrt(2/n_out): the fan-out, not the fan-in"),
    "variance": (lambda i, o: None, "the variance, not the standard deviation"),
    "uniform-limit": (lambda i, o: math.sqrt(6 / (i + o)),
                      "sqrt(6/(n_in+n_out)): the bound of Xavier's uniform version"),
    "constant": (lambda i, o: 0.01, "a fixed 0.01, whatever the layer's size"),
}
#: what each kind of layer accepts (the first is the course's own choice)
_RIGHT = {"relu": ("he",), **dict.fromkeys(_SMOOTH, ("xavier", "lecun"))}
MEANINGS = {
    "he-for-sigmoid": "He's sqrt(2/n_in) used for sigmoid/tanh layers (its factor 2 assumes "
                      "half the units are off, as with ReLU)",
    "xavier-for-relu": "Xavier used for ReLU layers: the signal halves at every layer",
    "variance-not-std": "2/n_in (a variance) returned where the standard deviation belongs",
    "fan-out": "n_out where n_in belongs",
    "lecun-for-relu": "sqrt(1/n_in) for ReLU layers: the factor 2 for the half that is off "
                      "is missing",
    "uniform-limit": "sqrt(6/(n_in+n_out)), the uniform bound, not the standard deviation",
    "constant": "the same small number for every layer",
    "wrong-std": "a standard deviation no formula explains",
}


def _accepted(value: float, n_in: int, n_out: int, act: str) -> bool:
    """Is ``value`` a right std for this layer (``act`` may also name one candidate)?"""
    ids = (act,) if act in CANDIDATES else _RIGHT[act]
    return any(np.isclose(value, CANDIDATES[cid][0](n_in, n_out), rtol=1e-6) for cid in ids)


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
    return {"he": "he-for-sigmoid"}.get(found, "wrong-std")


_MESSAGES = {
    "he-for-sigmoid": "your sigmoid and tanh layers get He's sqrt(2/n_in). He's factor 2 "
                      "makes up for ReLU switching half the units off; a sigmoid or tanh keeps "
                      "them all, so that scale doubles the variance at every layer and pushes "
                      "the units toward saturation. Without the 2, Var(z) = n_in·σ²·Var(a) "
                      "stays put: LeCun's sqrt(1/n_in), or Xavier's sqrt(2/(n_in + n_out)), "
                      "which also balances the backward pass.",
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
        if not all(_accepted(v, i, o, act) for v, (i, o, act) in zip(mine, layers)):
            wrong[kind] = _name(kind, _which(mine, layers))
    n = len(CASES)
    if not wrong:
        smooth = [(v, c) for v, c in zip(values, CASES) if c[2] in _SMOOTH]
        used = " and ".join(dict.fromkeys(
            "LeCun's sqrt(1/n_in)" if _accepted(v, i, o, "lecun") else
            "Xavier's sqrt(2/(n_in+n_out))" for v, (i, o, _) in smooth))
        return CheckResult(eid, True, n_cases=n, summary=(
            f"correct — He's sqrt(2/n_in) for the ReLU layers and {used} for the sigmoid/tanh "
            f"layers, on {n} layers of different sizes (LeCun's keeps the forward variance; "
            "Xavier's also balances the backward pass — both are right there)"))
    kind = ("smooth" if wrong.get("smooth", "wrong-std") != "wrong-std"
            else next(iter(wrong)))
    mistake = wrong[kind]
    k = next(i for i, c in enumerate(CASES) if (c[2] == "relu") == (kind == "relu"))
    n_in, n_out, act = CASES[k]
    parts = [_MESSAGES.get(m, "") for m in dict.fromkeys(wrong.values()) if m in _MESSAGES]
    summary = " ".join(parts) or ("your scale matches no known formula: He sqrt(2/n_in) for "
                                  "ReLU layers; Xavier sqrt(2/(n_in+n_out)) or LeCun "
                                  "sqrt(1/n_in) for sigmoid/tanh.")
    if set(wrong) == {"smooth"}:
        summary = "your ReLU layers are right. " + summary[:1].upper() + summary[1:]
    elif set(wrong) == {"relu"}:
        summary = "your sigmoid/tanh layers are right. " + summary[:1].upper() + summary[1:]
    expected = CANDIDATES[_RIGHT[act][0]][0](n_in, n_out)
    return CheckResult(eid, False, mistake=mistake, n_cases=n, summary=summary,
                       point={"n_in": n_in, "n_out": n_out, "activation": act},
                       learner_value=values[k], expected_value=expected)


_N_IN, _N_OUT = r"n_{\text{in}}", r"n_{\text{out}}"
_REVEAL = "\n".join((
    rf"From $\operatorname{{Var}}(z) = {_N_IN}\,\sigma^2\,\operatorname{{Var}}(a)$:",
    "",
    "| rule | std of $W$ | for |",
    "|---|---|---|",
    rf"| **LeCun** (1998) | $\sqrt{{1/{_N_IN}}}$ | sigmoid, tanh: keeps the forward variance |",
    rf"| **Xavier / Glorot** (2010) | $\sqrt{{2/({_N_IN} + {_N_OUT})}}$ | sigmoid, tanh, "
    rf"softmax: balances $1/{_N_IN}$ (forward) and $1/{_N_OUT}$ (backward) |",
    rf"| **He / Kaiming** (2015) | $\sqrt{{2/{_N_IN}}}$ | ReLU: it zeroes about half the "
    "units, so the weights double the variance |",
    "",
    '`np.sqrt(2 / n_in)` if `activation == "relu"`, else `np.sqrt(2 / (n_in + n_out))` '
    "(or `np.sqrt(1 / n_in)`).",
))


register(Exercise(
    forbidden=("course.nn.init.init_std", "course.nn.init.he_std", "course.nn.init.xavier_std"),
    reference=init_std,
    reveal=_REVEAL,
    id="init.scale", lesson=LESSON, answer_name="init_std",
    title="init_std(n_in, n_out, activation): the std that keeps Var(z) level, per activation",
    grade=_grade, answer_kinds="function of (n_in, n_out, activation)", mistakes=MEANINGS,
    hints=("Var(z) = n_in · Var(w) · Var(a): which Var(w) keeps Var(z) equal to Var(a)?",
           "A ReLU switches about half its units off, halving the variance: its layers need "
           "twice the variance. A sigmoid or tanh layer keeps all its units.",
           "Two formulas, chosen by the activation; the variance depends on the fan-in (for "
           "sigmoid/tanh you may average it with the fan-out, as Xavier does); return the "
           "square root, the standard deviation."),
))
