"""Check a learner's answer and name the mistake.

>>> from course.checks import check
>>> check("diamond.dO_dw1", "d(zO)*(d(z2)*d(z1)*I + d(z3)*d(z1)*I)")   # doctest: +SKIP

``check`` never lets an exception from the learner's code (or from the checker)
escape, except in grading mode, where a failing check raises ``CheckFailed`` so that
a solution notebook whose own checks fail fails the run.
"""

from __future__ import annotations

from course._env import grading_mode
from course._grading.registry import CheckOptions, Exercise, all_exercises, get_exercise
from course._grading.result import CODE_FONT, CheckResult
from course._grading.run import run_check
from course.tracker import record

__all__ = [
    "check", "explain", "run_check", "hint", "reset_hints", "CheckResult", "CheckFailed",
    "CheckOptions", "Exercise", "all_exercises", "get_exercise",
]

_hint_level: dict[str, int] = {}


class CheckFailed(AssertionError):
    """Raised by ``check`` in grading mode when an attempted answer is wrong."""


def _options(n_cases, seed, timeout) -> CheckOptions:
    defaults = CheckOptions()
    return CheckOptions(n_cases=n_cases or defaults.n_cases,
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
        check (defaults: ``CheckOptions``).

    Returns
    -------
    CheckResult
        Shows itself as a feedback box in a notebook and as text in a terminal.

    Raises
    ------
    CheckFailed
        Only in grading mode (``COURSE_GRADING=1``), for an attempted, wrong answer.
    """
    result = _with_reveal(run_check(exercise_id, answer, _options(n_cases, seed, timeout)))
    if result.mistake != "unknown-exercise":
        record(result)
    if grading_mode() and result.attempted and not result.passed:
        raise CheckFailed(str(result))
    return result


def explain(exercise_id: str, answer, *, n_cases: int | None = None,
            seed: int | None = None, timeout: float | None = None) -> CheckResult:
    """Like ``check`` but for demonstrations: not recorded, never raises in grading mode."""
    return _with_reveal(run_check(exercise_id, answer, _options(n_cases, seed, timeout)))


def _with_reveal(result: CheckResult) -> CheckResult:
    """A passing result carries the exercise's worked answer; any other result never does."""
    if result.passed and result.mistake != "unknown-exercise":
        result.reveal = get_exercise(result.exercise_id).reveal
    return result


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
        ``"Hint 2 of 3 for <id>: ..."``; once every hint has been shown, a "no more hints"
        message saying how to see one again. In a notebook it shows as a styled box.
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
        if shown >= count:
            return _Hint(f"No more hints for {exercise_id}: you have seen all {count}. "
                         f"`hint(\"{exercise_id}\", level={count})` shows the last one again; "
                         "run the check to see what your answer gets wrong.", kind="done")
    _hint_level[exercise_id] = shown + 1
    return _Hint(f"Hint {shown + 1} of {count} for {exercise_id}: {ex.hints[shown]}")


def reset_hints(exercise_id: str | None = None) -> None:
    """Start the hints of one exercise (or of all) from the gentlest again."""
    if exercise_id is None:
        _hint_level.clear()
    else:
        _hint_level.pop(exercise_id, None)


class _Hint(str):
    """A hint: plain text in a terminal, a styled box in a notebook (no quotes either way)."""

    def __new__(cls, text: str, kind: str = "hint"):
        self = super().__new__(cls, text)
        self.kind = kind
        return self

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        import html
        import re

        colour = "#0072B2" if self.kind == "hint" else "#999999"
        head, sep, body = str(self).partition(": ")
        if not sep:
            head, body = "", head
        code = f"<code style=\"{CODE_FONT}\">\\1</code>"
        text = re.sub(r"`([^`]+)`", code, html.escape(body))
        title = f"<b>{html.escape(head)}</b>: " if head else ""
        return (f"<div class='course-hint course-hint-{self.kind}' style='border-left:4px solid "
                f"{colour};padding:6px 10px;margin:4px 0;color:inherit'>{title}{text}</div>")
