"""Check a learner's answer and name the mistake.

>>> from course.checks import check
>>> check("diamond.dO_dw1", "d(zO)*(d(z2)*d(z1)*I + d(z3)*d(z1)*I)")   # doctest: +SKIP

``check`` never lets an exception from the learner's code (or from the checker)
escape, except in grading mode, where a failing check raises ``CheckFailed`` so that
a solution notebook whose own checks fail fails the run.
"""

from __future__ import annotations

from course.checks.references import forbidden_for, is_reference, methods_guarded, reference_summary
from course.checks.registry import Exercise, GradeOptions, all_exercises, get_exercise, register
from course.checks.result import CheckResult
from course.checks.sandbox import LearnerError, NotAttempted, _Timeout, capture_output, time_limit

__all__ = [
    "check", "explain", "run_check", "hint", "reset_hints", "CheckResult", "CheckFailed",
    "Exercise", "GradeOptions", "all_exercises", "get_exercise", "register",
]

_NOT_ATTEMPTED = (
    "not attempted yet — your answer still raises NotImplementedError. Replace the "
    "`raise NotImplementedError` line with your code and run the cell again."
)
_hint_level: dict[str, int] = {}


def _not_attempted(answer, stub: str = "") -> str:
    """Why an answer counts as not attempted, in the learner's terms."""
    mine = getattr(answer, "__name__", "")
    if stub and mine and stub != mine and not isinstance(answer, type):
        mine = "answer" if mine == "<lambda>" else mine
        return (f"not attempted yet — your {mine} calls {stub}, which still raises "
                f"NotImplementedError: write {stub} first (or use the course's version "
                "while you work on it), then run this check again.")
    if isinstance(answer, str):
        return ("not attempted yet — the formula is empty: type or paste it between the "
                "quotes and run the cell again.")
    if answer is None or answer is Ellipsis:
        return ("not attempted yet — you passed None: pass your function itself, "
                "check(id, my_function) without brackets, or a formula string.")
    return _NOT_ATTEMPTED


class CheckFailed(AssertionError):
    """Raised by ``check`` in grading mode when an attempted answer is wrong."""


def _mistake_id(err: LearnerError) -> str:
    return "bad-formula" if err.kind == "formula" else f"bad-answer:{err.kind}"


def _grade(ex: Exercise, answer, options: GradeOptions) -> CheckResult:
    try:
        with time_limit(options.timeout):
            return ex.grade(answer, options)
    except NotAttempted as err:
        return CheckResult(ex.id, False, attempted=False,
                           summary=_not_attempted(answer, getattr(err, "stub", "")))
    except LearnerError as err:
        return CheckResult(ex.id, False, mistake=_mistake_id(err), summary=str(err))
    except _Timeout:   # the alarm fired while the limit was being lifted
        return CheckResult(ex.id, False, mistake="bad-answer:timeout", summary=(
            f"your code ran for more than {options.timeout:g} s and was stopped"))
    except Exception as err:  # a bug in the checker must not look like the learner's fault
        return CheckResult(
            ex.id, False, attempted=True, mistake="checker-error", internal_error=err,
            summary=("the checker itself failed on this answer (a bug in the course, not "
                     f"necessarily in your answer: {type(err).__name__}). Please report it."))


def run_check(exercise_id: str, answer, options: GradeOptions | None = None) -> CheckResult:
    """Grade ``answer`` without recording it or raising: the path ``check``, ``explain``
    and batch grading share.

    Parameters
    ----------
    exercise_id : str
        ``<topic>.<name>``.
    answer : callable or str
        As for ``check``.
    options : GradeOptions, optional
        Cases, seed and time limit (defaults: ``GradeOptions()``).

    Returns
    -------
    CheckResult
        Never raises for anything the answer does; an unknown id gives a failed result
        with ``mistake == "unknown-exercise"``.
    """
    options = GradeOptions() if options is None else options
    try:
        ex = get_exercise(exercise_id)
    except KeyError as err:
        return CheckResult(str(exercise_id), False, attempted=True,
                           mistake="unknown-exercise", summary=err.args[0])
    forbidden = forbidden_for(ex.id)
    itself = is_reference(answer, forbidden)
    if itself:
        return _uses_reference(ex, (itself,))
    with capture_output() as printed, methods_guarded(forbidden) as called:
        result = _grade(ex, answer, options)
    if called:
        return _uses_reference(ex, tuple(sorted(called)))
    if printed.total:
        result.output, result.output_chars = printed.text, printed.total
    result.title = ex.title
    if (result.hint is None and ex.hints and result.attempted and not result.passed
            and not (result.mistake or "").startswith(("bad-answer:", "bad-formula"))):
        # the gentlest hint is about the maths: not shown for a crash, a type or a typo
        result.hint = ex.hints[0]
    return result


def _uses_reference(ex: Exercise, names: tuple[str, ...]) -> CheckResult:
    return CheckResult(ex.id, False, attempted=True, mistake="uses-reference",
                       references=names, title=ex.title, summary=reference_summary(names))


def _options(n_cases, seed, timeout) -> GradeOptions:
    defaults = GradeOptions()
    return GradeOptions(n_cases=n_cases or defaults.n_cases,
                        seed=defaults.seed if seed is None else seed,
                        timeout=defaults.timeout if timeout is None else timeout)


def check(exercise_id: str, answer, *, n_cases: int | None = None,
          seed: int | None = None, timeout: float | None = None) -> CheckResult:
    """Check ``answer`` for the exercise ``exercise_id`` and record the result.

    Parameters
    ----------
    exercise_id : str
        ``<topic>.<name>``; ``python -m course exercises`` lists them.
    answer : callable or str
        A function (called with the keyword arguments it names) or a formula string
        (Python syntax or LaTeX), as the exercise asks.
    n_cases, seed, timeout : optional
        How many random cases, their seed, and the time limit in seconds for the whole
        check (defaults: ``GradeOptions``).

    Returns
    -------
    CheckResult
        Shows itself as a feedback box in a notebook and as text in a terminal.

    Raises
    ------
    CheckFailed
        Only in grading mode (``COURSE_GRADING=1``), for an attempted, wrong answer.
    """
    from course._env import grading_mode
    from course.tracker import record

    result = run_check(exercise_id, answer, _options(n_cases, seed, timeout))
    if result.mistake != "unknown-exercise":
        record(result)
    if grading_mode() and result.attempted and not result.passed:
        raise CheckFailed(str(result))
    return result


def explain(exercise_id: str, answer, *, n_cases: int | None = None,
            seed: int | None = None, timeout: float | None = None) -> CheckResult:
    """Like ``check`` but for demonstrations: not recorded, never raises in grading mode."""
    return run_check(exercise_id, answer, _options(n_cases, seed, timeout))


def hint(exercise_id: str, level: int | None = None) -> str:
    """The next hint for an exercise, gentlest first, one level per call.

    Parameters
    ----------
    exercise_id : str
    level : int, optional
        Show hint number ``level`` (1 = the gentlest) instead of the next one; the
        following call then continues from there.

    Returns
    -------
    str
        ``"Hint 2 of 3 for <id>: ..."`` (repeats the last once all are shown).
    """
    try:
        ex = get_exercise(exercise_id)
    except KeyError as err:
        return _Hint(err.args[0])
    if not ex.hints:
        return _Hint(f"{exercise_id} has no hints.")
    count = len(ex.hints)
    if level is not None:
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= count:
            raise ValueError(f"level must be a whole number from 1 to {count} for "
                             f"{exercise_id}, got {level!r}")
        shown = level - 1
    else:
        shown = _hint_level.get(exercise_id, 0)
    _hint_level[exercise_id] = min(shown + 1, count - 1)
    return _Hint(f"Hint {shown + 1} of {count} for {exercise_id}: {ex.hints[shown]}")


def reset_hints(exercise_id: str | None = None) -> None:
    """Start the hints of one exercise (or of all) from the gentlest again."""
    if exercise_id is None:
        _hint_level.clear()
    else:
        _hint_level.pop(exercise_id, None)


class _Hint(str):
    """A string that displays as itself (no quotes) in a notebook."""

    def __repr__(self) -> str:
        return str(self)
