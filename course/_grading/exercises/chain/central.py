"""``chain.central_difference``: a function of (f, x, eps), checked on several functions and steps.

The step is ε (``eps``), as in lesson 04 and lesson 00's notation table: in lesson 02 ``h`` is
the hidden activation. The answer is called by position, ``answer(f, x, eps)``, so a parameter
named ``h`` works as well.
"""

from __future__ import annotations

import numpy as np

from course._grading.answers import as_number
from course._grading.exercises.chain.reference import LESSON, d, s
from course._grading.guards import LearnerError, call_learner
from course._grading.references import NUMERICAL_GRADIENT
from course._grading.registry import Exercise, register
from course._grading.result import CheckResult


def central_difference(f, x, eps=1e-5):
    """The reference: (f(x + ε) − f(x − ε)) / 2ε."""
    return (f(x + eps) - f(x - eps)) / (2 * eps)


#: (name of f, f, f', x, h): large steps first, where every mistake shows plainly
CASES = (
    ("x³", lambda t: t**3, lambda t: 3 * t**2, 2.0, 0.5),
    ("sin x", np.sin, np.cos, 1.0, 0.1),
    ("eˣ", np.exp, np.exp, 0.5, 0.2),
    ("s(x)", s, d, 0.3, 0.25),
    ("x² − 3x", lambda t: t * t - 3 * t, lambda t: 2 * t - 3, -1.5, 0.3),
    ("1/x", lambda t: 1 / t, lambda t: -1 / t**2, 2.0, 0.01),
    ("sin x", np.sin, np.cos, -0.7, 1e-4),
)

#: (id, meaning, estimate(f, x, h), message); compared at every case
CD_MISTAKES = (
    ("forward-difference", "(f(x+ε) − f(x)) / ε",
     lambda f, x, h: (f(x + h) - f(x)) / h,
     "that is the forward difference (f(x+ε) − f(x))/ε; the central difference steps both "
     "ways: (f(x+ε) − f(x−ε))/(2ε)"),
    ("backward-difference", "(f(x) − f(x−ε)) / ε",
     lambda f, x, h: (f(x) - f(x - h)) / h,
     "that is the backward difference (f(x) − f(x−ε))/ε; the central difference steps both "
     "ways: (f(x+ε) − f(x−ε))/(2ε)"),
    ("divided-by-h", "(f(x+ε) − f(x−ε)) / ε: exactly 2× too large",
     lambda f, x, h: (f(x + h) - f(x - h)) / h,
     "your estimate is exactly 2× too large: x+ε and x−ε are 2ε apart, so divide by 2ε, "
     "not ε"),
    ("sign", "(f(x−ε) − f(x+ε)) / 2ε",
     lambda f, x, h: (f(x - h) - f(x + h)) / (2 * h),
     "your estimate has the wrong sign: subtract the left value from the right one, "
     "f(x+ε) − f(x−ε)"),
    ("precedence", "f(x+ε) − f(x−ε)/(2ε): brackets missing",
     lambda f, x, h: f(x + h) - f(x - h) / (2 * h),
     "only f(x−ε) is divided by 2ε: put the difference in brackets, "
     "(f(x+eps) − f(x−eps)) / (2*eps)"),
    ("precedence-2h", "(f(x+ε) − f(x−ε))/2*ε: divided by 2, then multiplied by ε",
     lambda f, x, h: (f(x + h) - f(x - h)) / 2 * h,
     "`/2*eps` divides by 2 and then multiplies by eps (Python reads left to right); write "
     "`/ (2*eps)`"),
    ("forward-over-2h", "(f(x+ε) − f(x)) / 2ε",
     lambda f, x, h: (f(x + h) - f(x)) / (2 * h),
     "you divided a one-sided step, f(x+ε) − f(x), by 2ε; the central difference uses "
     "f(x+ε) − f(x−ε), which spans 2ε"),
    ("plus-instead-of-minus", "(f(x+ε) + f(x−ε)) / 2ε",
     lambda f, x, h: (f(x + h) + f(x - h)) / (2 * h),
     "you added f(x+ε) + f(x−ε); a slope is rise over run, so take their difference: "
     "(f(x+ε) − f(x−ε))/(2ε)"),
    ("half-step", "(f(x+ε/2) − f(x−ε/2)) / ε",
     lambda f, x, h: (f(x + h / 2) - f(x - h / 2)) / h,
     "you stepped ε/2 each way; a central difference too, but this course's (and lesson "
     "04's) convention is x ± ε, divided by 2ε"),
)


def _grade_central(answer, opts) -> CheckResult:
    eid = "chain.central_difference"
    if isinstance(answer, str) or not callable(answer):
        raise LearnerError(
            "this exercise wants a function central_difference(f, x, eps) that calls f, not "
            f"a {type(answer).__name__}", kind="type")
    mine, truth = [], []
    for name, f, _, x, h in CASES:
        mine.append(as_number(call_learner(answer, f, x, h),
                              f" for f(x) = {name} at x = {x:g}, ε = {h:g}"))
        truth.append(float(central_difference(f, x, h)))
    mine, truth = np.array(mine), np.array(truth)
    ok = np.isclose(mine, truth, rtol=1e-7, atol=1e-12)
    if ok.all():
        return CheckResult(eid, True, n_cases=len(CASES), summary=(
            f"correct — your estimate matches (f(x+ε) − f(x−ε))/(2ε) for {len(CASES)} "
            "functions, steps and points"))
    bad = int(np.argmin(ok))
    name, f, df, x, h = CASES[bad]
    result = CheckResult(eid, False, point={"x": x, "eps": h}, learner_value=float(mine[bad]),
                         expected_value=float(truth[bad]), n_cases=len(CASES))
    result.details.append(f"The case shown uses f(x) = {name}, whose true derivative there "
                          f"is {float(df(x)):.10g}.")
    for mid, _, fn, message in CD_MISTAKES:
        theirs = np.array([float(fn(g, xx, hh)) for _, g, _, xx, hh in CASES])
        if np.allclose(mine, theirs, rtol=1e-7, atol=1e-12):
            result.mistake, result.summary = mid, message
            return result
    exact = np.array([float(g1(xx)) for _, _, g1, xx, _ in CASES])
    if np.allclose(mine, exact, rtol=1e-5, atol=1e-9):
        result.mistake = "h-ignored"
        result.summary = ("your estimate is close to the exact derivative, not to the central "
                          "difference with the ε you were given: use the argument eps, don't "
                          "pick your own step")
        return result
    result.summary = (f"your estimate differs from (f(x+ε) − f(x−ε))/(2ε) in "
                      f"{int((~ok).sum())} of {len(CASES)} cases")
    return result


register(Exercise(
    forbidden=NUMERICAL_GRADIENT,
    reference=central_difference,
    id="chain.central_difference", lesson=LESSON, answer_name="central_difference",
    title="central_difference(f, x, eps): the slope of f at x estimated from x − ε and x + ε",
    grade=_grade_central, answer_kinds="function of (f, x, eps)",
    mistakes={**{mid: meaning for mid, meaning, _, _ in CD_MISTAKES},
              "h-ignored": "a step of its own instead of the argument ε"},
    hints=(
        "Evaluate f one step ε to the right of x and one step ε to the left.",
        "Those two points are 2ε apart: the slope of the line through them is their "
        "difference divided by 2ε.",
        "Two calls of f, one subtraction, one division — the two points are 2ε apart, not ε. "
        "Bracket the whole difference and the whole denominator.",
    ),
))


