"""Lesson 08: micrograd's own engine tests (``test_sanity_check``, ``test_more_ops``) run
against the learner's ``Value``.

micrograd compares with PyTorch; here the reference numbers are hard-coded. They were
computed exactly (rational arithmetic with forward-mode dual numbers) and are re-derived
in ``tests/nn/test_micrograd_engine.py``.
"""

from __future__ import annotations

import inspect
import math

from course._grading.drivers.autograd import (  # noqa: F401  (more_ops, sanity_check: old names)
    TESTS,
    engine_numbers,
    more_ops,
    sanity_check,
)
from course._grading.exercises.autograd import traversal
from course._grading.guards import LearnerError
from course._grading.registry import Exercise, register
from course._grading.result import CheckResult

LESSON = "08_autograd_from_scratch"

#: (name, the expected numbers)
EXPECTED = {
    "test_sanity_check": {"y.data": -20.0, "x.grad": 46.0},
    "test_more_ops": {"g.data": 24.70408163265306, "a.grad": 138.83381924198252,
                      "b.grad": 645.5772594752186},
}


def test_code(name: str) -> str:
    """micrograd's test ``name`` as lines a learner can paste into a cell (it is public)."""
    lines = inspect.getsource(TESTS[name]).splitlines()[1:]        # no def line
    body = [line[4:] for line in lines if line.strip() and not line.strip().startswith(
        ('"""', "return"))]
    return "\n".join(body)


def _backward_first(answer) -> str:
    """A sentence pointing at autograd.backward when that check fails too, else ''."""
    try:
        verdict = traversal._grade(answer, None)
    except LearnerError:
        return ""
    if verdict.passed:
        return ""
    return (f" Your backward() does not pass check(\"autograd.backward\", Value) yet "
            f"({verdict.mistake}): fix it first — these tests run it.")


def _grade(answer, opts) -> CheckResult:
    eid = "autograd.engine"
    numbers = engine_numbers(answer, eid)
    for name in TESTS:
        got = numbers.get(name)
        if not isinstance(got, dict):
            raise ValueError("the driver ran fewer tests than there are")
        if "error" in got:
            message, kind = got["error"]
            raise LearnerError(str(message), kind=str(kind))
        expected = EXPECTED[name]
        if set(got) != set(expected):
            raise ValueError("the driver's numbers do not match the test's")
        wrong = {k: v for k, v in got.items()
                 if not isinstance(v, (int, float)) or not math.isclose(v, expected[k],
                                                                        rel_tol=1e-9)}
        if wrong:
            return CheckResult(eid, False, mistake="engine-test-fails", n_cases=len(TESTS),
                               summary=(f"micrograd's {name} fails: {', '.join(wrong)} "
                                        f"differ.{_backward_first(answer)} Its code — paste it "
                                        "into a cell and print each value after its line:\n"
                                        + test_code(name)),
                               learner_value={k: got[k] for k in wrong},
                               expected_value={k: expected[k] for k in wrong})
    return CheckResult(eid, True, n_cases=len(TESTS), summary=(
        "correct — micrograd's test_sanity_check and test_more_ops pass with your Value "
        "(+, *, **, -, /, relu, radd/rmul/rsub/rtruediv and backward)"))


register(Exercise(
    forbidden=("course.nn.autograd.Value",),
    id="autograd.engine", lesson=LESSON, answer_name="Value",
    title="micrograd's engine tests, run against your Value",
    grade=_grade, answer_kinds="the Value class", points=0.5,
    mistakes={"engine-test-fails": "a number of micrograd's tests differs"},
    hints=("Paste the failing test's code (shown with the result) into a cell, print each "
           "value after its line and compare with a hand computation: which operation gives "
           "the first wrong number?",),
))
