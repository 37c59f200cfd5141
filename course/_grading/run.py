"""The verdict on one answer: ``run_check`` runs an exercise's grader with the in-process
guards (time limit, captured output, the course's own reference refused) and turns whatever
the answer does into a ``CheckResult``. ``course.check`` records and displays it; the batch
grader's worker calls it directly.
"""

from __future__ import annotations

from course._grading.guards import LearnerError, NotAttempted, _Timeout, capture_output, time_limit
from course._grading.references import (
    forbidden_for,
    is_reference,
    methods_guarded,
    reference_summary,
)
from course._grading.registry import CheckOptions, Exercise, get_exercise
from course._grading.result import CheckResult

__all__ = ["run_check"]

_NOT_ATTEMPTED = (
    "not attempted yet — your answer still raises NotImplementedError. Replace the "
    "`raise NotImplementedError` line with your code and run the cell again."
)


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


def _mistake_id(err: LearnerError) -> str:
    return "bad-formula" if err.kind == "formula" else f"bad-answer:{err.kind}"


def _grade(ex: Exercise, answer, options: CheckOptions) -> CheckResult:
    try:
        with time_limit(options.timeout):
            return ex.grade(answer, options)
    except NotAttempted as err:
        own = str(err) if str(err).startswith("not attempted yet —") else ""
        return CheckResult(ex.id, False, attempted=False,
                           summary=own or _not_attempted(answer, getattr(err, "stub", "")))
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


def run_check(exercise_id: str, answer, options: CheckOptions | None = None,
              guarded: bool = True) -> CheckResult:
    """Grade ``answer`` without recording it or raising: the path ``check``, ``explain``
    and batch grading share.

    Parameters
    ----------
    exercise_id : str
        ``<topic>.<name>``.
    answer : callable or str
        As for ``check``.
    options : CheckOptions, optional
        Cases, seed and time limit (defaults: ``CheckOptions()``).
    guarded : bool
        Refuse the course's own reference code as (or inside) the answer, in this process
        (the notebook). The batch grader passes ``False``: there the answer runs in a
        sandbox that refuses them itself (``course._grading.batch.serve``), and nothing of
        the learner's runs in the grader's process for a guard to see.

    Returns
    -------
    CheckResult
        Never raises for anything the answer does; an unknown id gives a failed result
        with ``mistake == "unknown-exercise"``.
    """
    options = CheckOptions() if options is None else options
    try:
        ex = get_exercise(exercise_id)
    except KeyError as err:
        return CheckResult(str(exercise_id), False, attempted=True,
                           mistake="unknown-exercise", summary=err.args[0])
    forbidden = forbidden_for(ex.id) if guarded else ()
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


