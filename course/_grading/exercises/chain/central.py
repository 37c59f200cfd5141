"""``chain.central_difference``: a function of (f, x, h), checked on several functions and steps."""

from __future__ import annotations

import numpy as np

from course._grading.answers import as_number
from course._grading.exercises.chain.reference import LESSON, d, s
from course._grading.guards import LearnerError, call_learner
from course._grading.references import NUMERICAL_GRADIENT
from course._grading.registry import Exercise, register
from course._grading.result import CheckResult


def central_difference(f, x, h=1e-5):
    """The reference: (f(x + h) − f(x − h)) / 2h."""
    return (f(x + h) - f(x - h)) / (2 * h)


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
    ("forward-difference", "(f(x+h) − f(x)) / h",
     lambda f, x, h: (f(x + h) - f(x)) / h,
     "that is the forward difference (f(x+h) − f(x))/h; the central difference steps both "
     "ways: (f(x+h) − f(x−h))/(2h)"),
    ("backward-difference", "(f(x) − f(x−h)) / h",
     lambda f, x, h: (f(x) - f(x - h)) / h,
     "that is the backward difference (f(x) − f(x−h))/h; the central difference steps both "
     "ways: (f(x+h) − f(x−h))/(2h)"),
    ("divided-by-h", "(f(x+h) − f(x−h)) / h: exactly 2× too large",
     lambda f, x, h: (f(x + h) - f(x - h)) / h,
     "your estimate is exactly 2× too large: x+h and x−h are 2h apart, so divide by 2h, "
     "not h"),
    ("sign", "(f(x−h) − f(x+h)) / 2h",
     lambda f, x, h: (f(x - h) - f(x + h)) / (2 * h),
     "your estimate has the wrong sign: subtract the left value from the right one, "
     "f(x+h) − f(x−h)"),
    ("precedence", "f(x+h) − f(x−h)/(2h): brackets missing",
     lambda f, x, h: f(x + h) - f(x - h) / (2 * h),
     "only f(x−h) is divided by 2h: put the difference in brackets, "
     "(f(x+h) − f(x−h)) / (2*h)"),
    ("precedence-2h", "(f(x+h) − f(x−h))/2*h: divided by 2, then multiplied by h",
     lambda f, x, h: (f(x + h) - f(x - h)) / 2 * h,
     "`/2*h` divides by 2 and then multiplies by h (Python reads left to right); write "
     "`/ (2*h)`"),
    ("forward-over-2h", "(f(x+h) − f(x)) / 2h",
     lambda f, x, h: (f(x + h) - f(x)) / (2 * h),
     "you divided a one-sided step, f(x+h) − f(x), by 2h; the central difference uses "
     "f(x+h) − f(x−h), which spans 2h"),
    ("plus-instead-of-minus", "(f(x+h) + f(x−h)) / 2h",
     lambda f, x, h: (f(x + h) + f(x - h)) / (2 * h),
     "you added f(x+h) + f(x−h); a slope is rise over run, so take their difference: "
     "(f(x+h) − f(x−h))/(2h)"),
    ("half-step", "(f(x+h/2) − f(x−h/2)) / h",
     lambda f, x, h: (f(x + h / 2) - f(x - h / 2)) / h,
     "you stepped h/2 each way; a central difference too, but this course's (and lesson "
     "04's) convention is x ± h, divided by 2h"),
)


def _grade_central(answer, opts) -> CheckResult:
    eid = "chain.central_difference"
    if isinstance(answer, str) or not callable(answer):
        raise LearnerError(
            "this exercise wants a function central_difference(f, x, h) that calls f, not "
            f"a {type(answer).__name__}", kind="type")
    mine, truth = [], []
    for name, f, _, x, h in CASES:
        mine.append(as_number(call_learner(answer, f, x, h),
                              f" for f(x) = {name} at x = {x:g}, h = {h:g}"))
        truth.append(float(central_difference(f, x, h)))
    mine, truth = np.array(mine), np.array(truth)
    ok = np.isclose(mine, truth, rtol=1e-7, atol=1e-12)
    if ok.all():
        return CheckResult(eid, True, n_cases=len(CASES), summary=(
            f"correct — your estimate matches (f(x+h) − f(x−h))/(2h) for {len(CASES)} "
            "functions, steps and points"))
    bad = int(np.argmin(ok))
    name, f, df, x, h = CASES[bad]
    result = CheckResult(eid, False, point={"x": x, "h": h}, learner_value=float(mine[bad]),
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
                          "difference with the h you were given: use the argument h, don't "
                          "pick your own step")
        return result
    result.summary = (f"your estimate differs from (f(x+h) − f(x−h))/(2h) in "
                      f"{int((~ok).sum())} of {len(CASES)} cases")
    return result


register(Exercise(
    forbidden=NUMERICAL_GRADIENT,
    reference=central_difference,
    id="chain.central_difference", lesson=LESSON, answer_name="central_difference",
    title="central_difference(f, x, h): the slope of f at x estimated from x − h and x + h",
    grade=_grade_central, answer_kinds="function of (f, x, h)",
    mistakes={**{mid: meaning for mid, meaning, _, _ in CD_MISTAKES},
              "h-ignored": "a step of its own instead of the argument h"},
    hints=(
        "Evaluate f one step h to the right of x and one step h to the left.",
        "Those two points are 2h apart: the slope of the line through them is their "
        "difference divided by 2h.",
        "Two calls of f, one subtraction, one division — the two points are 2h apart, not h. "
        "Bracket the whole difference and the whole denominator.",
    ),
))


