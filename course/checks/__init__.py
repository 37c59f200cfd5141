"""Check a learner's answer and name the mistake.

>>> from course.checks import check
>>> check("diamond.dO_dw1", "d(zO)*(d(z2)*d(z1)*I + d(z3)*d(z1)*I)")   # doctest: +SKIP

``check`` never lets an exception from the learner's code (or from the checker)
escape, except in grading mode, where a failing check raises ``CheckFailed`` so that
a solution notebook whose own checks fail fails the run.
"""

from __future__ import annotations

from .registry import Exercise, GradeOptions, all_exercises, get_exercise, register
from .result import CheckResult
from .sandbox import LearnerError, NotAttempted, time_limit

__all__ = [
    "check", "explain", "hint", "CheckResult", "CheckFailed", "Exercise", "GradeOptions",
    "all_exercises", "get_exercise", "register",
]

_NOT_ATTEMPTED = (
    "not attempted yet — your answer still raises NotImplementedError. Replace the "
    "`raise NotImplementedError` line with your code and run the cell again."
)
_hint_level: dict[str, int] = {}


class CheckFailed(AssertionError):
    """Raised by ``check`` in grading mode when an attempted answer is wrong."""


def _run(exercise_id: str, answer, options: GradeOptions) -> CheckResult:
    try:
        ex = get_exercise(exercise_id)
    except KeyError as err:
        return CheckResult(str(exercise_id), False, attempted=False, summary=err.args[0])
    try:
        with time_limit(options.timeout):
            result = ex.grade(answer, options)
    except NotAttempted:
        result = CheckResult(ex.id, False, attempted=False, summary=_NOT_ATTEMPTED)
    except LearnerError as err:
        result = CheckResult(ex.id, False, mistake=f"bad-answer:{err.kind}", summary=str(err))
    except Exception as err:  # a bug in the checker must not look like the learner's fault
        result = CheckResult(
            ex.id, False, attempted=True, mistake="checker-error",
            summary=("the checker itself failed on this answer (a bug in the course, not "
                     f"necessarily in your answer: {type(err).__name__}). Please report it."))
        result.internal_error = err  # for maintainers and tests; never shown to the learner
    result.title = ex.title
    if result.hint is None and ex.hints and result.attempted and not result.passed:
        result.hint = ex.hints[0]
    return result


def check(exercise_id: str, answer, *, n_cases: int | None = None,
          seed: int | None = None) -> CheckResult:
    """Check ``answer`` for the exercise ``exercise_id`` and record the result.

    Parameters
    ----------
    exercise_id : str
        ``<topic>.<name>``; ``python -m course exercises`` lists them.
    answer : callable or str
        A function (called with the keyword arguments it names) or a formula string
        (Python syntax or LaTeX), as the exercise asks.
    n_cases, seed : int, optional
        How many random cases, and their seed (defaults: ``GradeOptions``).

    Returns
    -------
    CheckResult
        Shows itself as a feedback box in a notebook and as text in a terminal.
    """
    from .._env import grading_mode
    from ..tracker import record

    defaults = GradeOptions()
    options = GradeOptions(n_cases=n_cases or defaults.n_cases,
                           seed=defaults.seed if seed is None else seed)
    result = _run(exercise_id, answer, options)
    record(result)
    if grading_mode() and result.attempted and not result.passed:
        raise CheckFailed(str(result))
    return result


def explain(exercise_id: str, answer) -> CheckResult:
    """Like ``check`` but for demonstrations: not recorded, never raises in grading mode."""
    return _run(exercise_id, answer, GradeOptions())


def hint(exercise_id: str) -> str:
    """The next hint for an exercise (gentlest first; repeats the last when all are shown)."""
    try:
        ex = get_exercise(exercise_id)
    except KeyError as err:
        return err.args[0]
    if not ex.hints:
        return f"{exercise_id} has no hints."
    level = _hint_level.get(exercise_id, 0)
    _hint_level[exercise_id] = min(level + 1, len(ex.hints) - 1)
    return _Hint(f"Hint {level + 1} of {len(ex.hints)} for {exercise_id}: {ex.hints[level]}")


class _Hint(str):
    """A string that displays as itself (no quotes) in a notebook."""

    def __repr__(self) -> str:
        return str(self)
