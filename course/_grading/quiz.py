"""Self-test questions: predict a number, or pick one option — every wrong option named.

A lesson's self-test asks short questions the learner answers *before* looking anything up:
a multiple-choice question (answer ``"b"``) or a prediction (answer a number). Every wrong
option is a known mistake with a catalogue id and a one-paragraph explanation, so a wrong
pick is diagnosed exactly like a wrong derivative: ``check("quiz02.paths_add", q1)`` says
*which* misconception the pick reveals. A numeric question lists the numbers typical
mistakes give (a factor dropped, the wrong point) and names the one the learner's number
matches.

>>> q = Question("1 + 1 = ?", choices=(Choice("a", "2", why="counting"),
...                                    Choice("b", "11", "concatenated", "that joins strings")))
>>> grade_question("demo.q", q, "b").mistake
'concatenated'
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

from course._grading.guards import LearnerError, NotAttempted
from course._grading.registry import CheckOptions, Exercise, register
from course._grading.result import CheckResult

__all__ = ["Choice", "Near", "Question", "QUESTIONS", "grade_question", "quiz_exercise"]

#: exercise id -> its Question, for tests and tools
QUESTIONS: dict[str, Question] = {}


@dataclass(frozen=True)
class Choice:
    """One option of a multiple-choice question: ``mistake`` is None for the right one."""

    key: str                 # "a", "b", ...
    text: str                # the option as printed in the lesson
    mistake: str | None = None
    why: str = ""            # what choosing it means (for a wrong option: the misconception)


@dataclass(frozen=True)
class Near:
    """A number a typical mistake gives for a numeric question."""

    value: float
    mistake: str
    why: str


@dataclass(frozen=True)
class Question:
    """A multiple-choice question (``choices``) or a numeric prediction (``number``)."""

    prompt: str
    choices: tuple[Choice, ...] = ()
    number: float | None = None
    near: tuple[Near, ...] = ()           # numeric: the numbers known mistakes give
    rtol: float = 1e-3                    # numeric: how close a prediction must be
    explanation: str = ""                 # shown with a pass
    digits: int | None = None             # numeric: "to 4 significant digits" — then any
    #                                       rounding or truncation to that many digits passes
    #                                       (one unit in the last digit) and rtol is unused

    def __post_init__(self):
        if bool(self.choices) == (self.number is not None):
            raise ValueError("a Question has either choices or a number, not both/neither")
        if self.choices and sum(c.mistake is None for c in self.choices) != 1:
            raise ValueError(f"{self.prompt!r}: exactly one choice must be the right one")


#: what any numeric prediction can be told besides its own ``near`` mistakes
NUMBER_MISTAKES = {"rounding": "right, but rounded to fewer digits than the question asks",
                   "sign": "the right size with the wrong sign",
                   "not-exact": "close to the answer but not exact"}


def _blank(answer) -> bool:
    return answer is None or answer is Ellipsis or (isinstance(answer, str)
                                                    and not answer.strip())


def _choice_key(answer, question: Question) -> str:
    keys = [c.key for c in question.choices]
    if not isinstance(answer, str):
        raise LearnerError(f"answer with the letter of one option as a string, e.g. "
                           f"q = \"{keys[0]}\" — not a {type(answer).__name__}",
                           kind="type")
    key = answer.strip().strip("()[].:'\" ").lower()
    if key not in keys:
        raise LearnerError(f"{answer.strip()!r} is not one of the options; answer with one "
                           f"letter: {', '.join(repr(k) for k in keys)}", kind="type")
    return key


def _number(answer) -> float:
    if isinstance(answer, str):
        try:
            return float(answer.strip())
        except ValueError:
            raise LearnerError(f"{answer.strip()!r} is not a number; predict a number, e.g. "
                               "q = 0.25 (a plain number, no formula)", kind="type") from None
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise LearnerError(f"predict a number, e.g. q = 0.25 — not a {type(answer).__name__}",
                           kind="type")
    value = float(answer)
    if not math.isfinite(value):
        raise LearnerError(f"{value} is not a finite number", kind="type")
    return value


def _grade_choice(eid: str, question: Question, answer) -> CheckResult:
    key = _choice_key(answer, question)
    chosen = next(c for c in question.choices if c.key == key)
    if chosen.mistake is None:
        return CheckResult(eid, True, n_cases=1, summary=(
            f"correct — ({key}) {chosen.text}. {question.explanation or chosen.why}").strip())
    return CheckResult(eid, False, n_cases=1, mistake=chosen.mistake,
                       summary=f"({key}) {chosen.text}: {chosen.why}")


def _unit(x: float, digits: int) -> float:
    """One unit in the ``digits``-th significant digit of ``x`` (1e-5 for 0.0789…, 4)."""
    return 10.0 ** (math.floor(math.log10(abs(x))) - digits + 1) if x else 10.0 ** -digits


def _agrees(value: float, target: float, question: Question, digits: int | None = None) -> bool:
    """``value`` is ``target`` as the question asks for it (``digits`` overrides)."""
    digits = digits or question.digits
    if digits is None:
        return math.isclose(value, target, rel_tol=question.rtol, abs_tol=1e-12)
    return abs(value - target) <= _unit(target, digits) * (1 + 1e-9)


def _show(x: float) -> str:
    """``x`` with every digit it has (10.000001, not 10)."""
    return repr(float(x)).removesuffix(".0") if float(x).is_integer() else repr(float(x))


def _grade_number(eid: str, question: Question, answer) -> CheckResult:
    value, truth = _number(answer), float(question.number)
    if _agrees(value, truth, question):
        return CheckResult(eid, True, n_cases=1, summary=(
            f"correct — {truth:.{question.digits or 6}g}. {question.explanation}").strip())
    for near in question.near:   # a mistake's number, rounded as the learner may round it
        if _agrees(value, near.value, question) or _agrees(value, near.value, question, 3):
            return CheckResult(eid, False, n_cases=1, mistake=near.mistake, summary=near.why,
                               learner_value=value)
    return _not_it(eid, question, value, truth)


def _not_it(eid: str, question: Question, value: float, truth: float) -> CheckResult:
    """A number no known mistake gives: rounded too coarsely, the sign, close, or far off."""
    shown = _show(value)
    result = CheckResult(eid, False, n_cases=1, learner_value=value)
    if question.digits and truth and abs(value - truth) <= _unit(truth, 2):
        result.mistake = "rounding"
        result.summary = (f"{shown} is right but rounded too coarsely: round to "
                          f"{question.digits} significant digits: {truth:.{question.digits}g}")
    elif truth and math.isclose(value, -truth, rel_tol=max(question.rtol, 1e-9)):
        result.mistake = "sign"
        result.summary = (f"{shown} has the wrong sign: the size is right, but the answer is "
                          f"{'positive' if truth > 0 else 'negative'} — check each minus sign")
    elif truth and math.isclose(value, truth, rel_tol=1e-3):
        result.mistake = "not-exact"
        result.summary = (f"{shown} is close but not exact ({value / truth:.10g}× the answer): "
                          + ("the answer is a whole number here" if truth.is_integer() else
                             f"give it to {question.digits or 6} significant digits"))
    else:
        ratio = value / truth if truth else math.inf
        how = f"off by a factor {ratio:.4g}" if truth and ratio > 0 else "not it"
        want = (f"right to {question.digits} significant digits" if question.digits else
                "exact" if question.rtol <= 1e-6 else f"right to {question.rtol:.0e} relative")
        result.summary = (f"{shown} is {how}; work it out again step by step (a prediction "
                          f"must be {want})")
    return result


def grade_question(eid: str, question: Question, answer, name: str = "q") -> CheckResult:
    """The verdict on one answer to ``question``."""
    if _blank(answer):
        what, example = (("choice", f'{name} = "b"') if question.choices
                          else ("number", f"{name} = 0.25"))
        raise NotAttempted(f"not attempted yet — type your {what} "
                           f"after the = sign (e.g. {example}) and run the cell again.")
    if question.choices:
        return _grade_choice(eid, question, answer)
    return _grade_number(eid, question, answer)


def quiz_exercise(*, id: str, lesson: str, title: str, answer_name: str, question: Question,
                  hints: tuple[str, ...], points: float = 0.5) -> Exercise:
    """Register a self-test question as an exercise (``check(id, answer)``)."""
    mistakes = {c.mistake: c.text for c in question.choices if c.mistake}
    mistakes.update({n.mistake: n.why.split(":")[0] for n in question.near})
    if question.number is not None:
        mistakes.update(NUMBER_MISTAKES)

    def grade(answer, options: CheckOptions) -> CheckResult:
        return grade_question(id, question, answer, answer_name)

    kinds = "a letter (string)" if question.choices else "a number"
    QUESTIONS[id] = question
    return register(Exercise(id=id, lesson=lesson, title=title, answer_name=answer_name,
                             grade=grade, hints=hints, mistakes=mistakes, points=points,
                             answer_kinds=kinds))
