"""Lesson 04, exercise 2: ``relative_error(a, b) = |a - b| / max(|a| + |b|, 1e-12)``.

The checker tries pairs with equal zeros, opposite signs, a zero against a non-zero and the
worked example's true dO/dw1 against the 4x mistake (relative error 0.6), and names a
missing absolute value, a signed result, one-sided or max denominators, a plain absolute
difference and a missing guard for 0/0.
"""

from __future__ import annotations

import numpy as np

from course._grading.answers import as_number
from course._grading.guards import LearnerError, call_learner
from course._grading.registry import Exercise, register
from course._grading.result import CheckResult
from course.nn import gradcheck

__all__ = ["relative_error", "RE_CASES", "RE_MISTAKES"]

LESSON = "04_gradient_checking"


def relative_error(a: float, b: float) -> float:
    """``|a - b| / max(|a| + |b|, 1e-12)``: 0 when equal (zeros too), 1 for opposite signs.

    The exercise's answer signature (two numbers) over the library's one relative error,
    ``course.nn.gradcheck.relative_error`` (which also takes arrays and dicts of them).
    """
    return gradcheck.relative_error(a, b)


#: (a, b): the worked example's true dO/dw1 vs the 4x mistake first; zeros last
RE_CASES = ((0.0014291881022, 0.00571675240882), (2.0, 1.0), (-0.3, 0.1), (1e-3, 1.0001e-3),
            (-2.5, -2.4), (0.7, 0.0), (1.0, 1.0), (0.0, 0.0))


def _ratio(num, den, guard=0.0):
    """``num / den``; with ``guard`` > 0 the denominator is ``max(den, guard)``, as a learner
    who guards against 0/0 writes it (the same mistake, guarded)."""
    with np.errstate(all="ignore"):
        return np.float64(num) / np.float64(max(den, guard) if guard else den)


#: (id, meaning, variant(a, b, guard=0.0), message); ``guard`` is the learner's floor under
#: the denominator, if any: a mistake is named with or without one
RE_MISTAKES = (
    ("no-zero-guard", "|a − b| / (|a| + |b|) without a guard: 0/0 when both are 0",
     lambda a, b, g=0.0: _ratio(abs(a - b), abs(a) + abs(b), g),
     "right everywhere except a = b = 0, where yours divides 0 by 0; two equal gradients "
     "agree perfectly, so the answer there is 0: divide by max(|a| + |b|, 1e-12)"),
    ("signed", "(a − b) / (|a| + |b|): the sign kept",
     lambda a, b, g=0.0: _ratio(a - b, max(abs(a) + abs(b), 1e-12)),
     "yours can be negative: take the absolute value of the difference, |a − b| — an error "
     "is a distance, and a threshold test `error < 1e-7` must not pass a big negative error"),
    ("no-abs", "(a − b) / (a + b): no absolute values",
     lambda a, b, g=0.0: _ratio(a - b, a + b, g),
     "you left out the absolute values: |a − b| / (|a| + |b|). Without them the error can be "
     "negative, and a + b can be 0 when the signs differ"),
    ("abs-of-sum", "|a − b| / |a + b|",
     lambda a, b, g=0.0: _ratio(abs(a - b), abs(a + b), g),
     "you divided by |a + b|; divide by |a| + |b| (when a and b have opposite signs, a + b "
     "can be 0 and the error explodes)"),
    ("one-norm", "|a − b| / |a|: divided by one of the two only",
     lambda a, b, g=0.0: _ratio(abs(a - b), abs(a), g),
     "you divided by |a| only; divide by both sizes, |a| + |b|, so the error does not depend "
     "on the order of the arguments and stays finite when one of them is 0"),
    ("one-norm", "|a − b| / |b|: divided by one of the two only",
     lambda a, b, g=0.0: _ratio(abs(a - b), abs(b), g),
     "you divided by |b| only; divide by both sizes, |a| + |b|, so the error does not depend "
     "on the order of the arguments and stays finite when one of them is 0"),
    ("mean-denominator", "|a − b| / ((|a| + |b|)/2): divided by the mean size",
     lambda a, b, g=0.0: _ratio(abs(a - b), (abs(a) + abs(b)) / 2, g),
     "yours is exactly 2× the course's: you divided by the mean size (|a| + |b|)/2 — the "
     "'percent difference' — so opposite signs give 2, not 1 (property 4). Divide by the sum "
     "|a| + |b|"),
    ("max-denominator", "|a − b| / max(|a|, |b|)",
     lambda a, b, g=0.0: _ratio(abs(a - b), max(abs(a), abs(b), 1e-12)),
     "you divided by max(|a|, |b|) — another common definition, but this course divides by "
     "|a| + |b| (so opposite signs give exactly 1); the thresholds in the lesson assume it"),
    ("not-relative", "|a − b|: an absolute difference",
     lambda a, b, g=0.0: abs(a - b),
     "that is the absolute difference |a − b|; divide it by |a| + |b|. An absolute 1e-6 is "
     "tiny for a gradient of 10 but a 100% error for a gradient of 1e-6"),
    ("signed-difference", "a − b",
     lambda a, b, g=0.0: a - b,
     "you returned a − b, a signed absolute difference: take |a − b| and divide by |a| + |b|"),
)


def _grade_relerr(answer, opts) -> CheckResult:
    eid = "gradcheck.relative_error"
    if isinstance(answer, str) or not callable(answer):
        raise LearnerError("this exercise wants a function relative_error(a, b) of two "
                           f"numbers, not a {type(answer).__name__}", kind="type")
    mine, errors = [], {}
    for a, b in RE_CASES:
        try:
            with np.errstate(all="ignore"):
                mine.append(as_number(call_learner(answer, a, b), f" for a = {a:g}, b = {b:g}"))
        except LearnerError as err:
            if "ZeroDivisionError" not in str(err):
                raise
            errors[(a, b)] = str(err)
            mine.append(float("nan"))
    mine = np.array(mine)
    mine[~np.isfinite(mine)] = np.nan             # x/0: inf from numpy, an error from Python
    truth = np.array([relative_error(a, b) for a, b in RE_CASES])
    ok = np.isclose(mine, truth, rtol=1e-5, atol=1e-12)
    if ok.all():
        return CheckResult(eid, True, n_cases=len(RE_CASES), summary=(
            f"correct — your relative error matches for {len(RE_CASES)} pairs, equal zeros, "
            "opposite signs and the worked example's 4× mistake included"))
    i = int(np.argmin(ok))
    a, b = RE_CASES[i]
    result = CheckResult(eid, False, point={"a": a, "b": b}, learner_value=float(mine[i]),
                         expected_value=float(truth[i]), n_cases=len(RE_CASES),
                         summary=f"yours differs in {int((~ok).sum())} of {len(RE_CASES)} cases")
    if (a, b) in errors:
        result.details.append(errors[(a, b)])
    zero = np.array([a == b == 0 for a, b in RE_CASES])
    unguarded = bool(np.isnan(mine[zero]).any())
    for mid, _, variant, message in RE_MISTAKES:
        same = np.zeros(len(RE_CASES), bool)
        for guard in (0.0, 1e-12):                 # the mistake written without or with a guard
            theirs = np.array([float(variant(x, y, guard)) for x, y in RE_CASES])
            theirs[~np.isfinite(theirs)] = np.nan
            match = np.isclose(mine, theirs, rtol=1e-5, atol=1e-12, equal_nan=True)
            same = match if match.sum() > same.sum() else same
        if (same | (zero & unguarded)).all():      # a second slip, no guard, is told below
            result.mistake, result.summary = mid, message
            if unguarded and mid != "no-zero-guard":
                result.details.append("Also, at a = b = 0 yours divides 0 by 0; two equal "
                                      "gradients agree perfectly, so the answer there is 0.")
            break
    return result


register(Exercise(
    forbidden=("course.nn.gradcheck.relative_error",),
    reference=relative_error,
    id="gradcheck.relative_error", lesson=LESSON, answer_name="relative_error",
    title="relative_error(a, b) = |a − b| / max(|a| + |b|, 1e-12) for two numbers",
    grade=_grade_relerr, answer_kinds="function of (a, b)",
    reveal=r"$\operatorname{rel}(a, b) = \dfrac{|a - b|}{\max\bigl(|a| + |b|,\ "
           r"10^{-12}\bigr)}$ — the distance over the size. Opposite signs give "
           r"$|a| + |b|$ over itself, exactly $1$; equal zeros give $0/10^{-12} = 0$; "
           r"swapping $a$ and $b$ changes nothing, and so does scaling both.",
    mistakes={m[0]: m[1] for m in RE_MISTAKES},
    hints=(
        "How far apart are a and b, measured against how big they are?",
        "The distance is |a − b|, the size |a| + |b|. What happens when a = b = 0?",
        "Divide the distance by the size, but never by less than 1e-12 (the larger of the two), so"
        " that two zeros give 0 instead of a division by zero. abs and max are all you need.",
    ),
))


