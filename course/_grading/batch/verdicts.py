"""One record per exercise, from the learner's answers in the sandbox.

Two ways, chosen per exercise:

- **values** (most exercises: the answer is a formula, or a function of numbers and arrays
  that returns numbers or arrays): the check runs *here*, in the grader, with the answer
  key, calling the learner's function through ``course._grading.batch.remote``.
- **sandboxed checker** (``OBJECT_ANSWERS``: the answer is a class, mutates a model, or is
  handed a function or a network object): the check runs in a separate sandbox that has
  the answer keys, no network and nothing writable; its plain JSON verdict is validated
  here and the points follow from the status alone. A hostile answer there can only change
  its own exercise's verdict (it shares that process with the check), never another
  exercise, another submission, the files or the grader.

Each record has ``status``, ``summary``, ``feedback``, ``mistake``, ``n_cases``,
``review`` (and ``crashed`` when the answer ended its process).
"""

from __future__ import annotations

import time

from course._grading.batch.channel import ChannelClosed, ChannelTimeout, SandboxProcess
from course._grading.batch.remote import AnswerSession
from course._grading.references import forbidden_for, reference_summary

__all__ = ["OBJECT_ANSWERS", "grade_with_values", "grade_in_checker", "uses_values"]

#: exercises checked in the sandboxed checker: none any more. Every answer is checked here:
#: functions called over the channel, the checker's functions crossing as callbacks, the
#: course's public objects as their state (``remote``, ``objects``, ``mutation``), and
#: classes worked on by public drivers in the sandbox (``course._grading.drivers``).
OBJECT_ANSWERS: frozenset = frozenset()
_STATUSES = {"passed", "failed", "not attempted"}


def uses_values(exercise) -> bool:
    """Whether ``exercise`` is checked here through plain values (not when its answer is a
    class, even if the table above has not caught up with a new exercise)."""
    return exercise.id not in OBJECT_ANSWERS


def _failed(ex_id: str, mistake: str, summary: str, review=(), crashed=False) -> dict:
    return {"status": "failed", "passed": False, "mistake": mistake, "summary": summary,
            "feedback": f"✗ {ex_id}: {summary}", "n_cases": 0, "review": list(review),
            "crashed": crashed}


def _not_readable(name: str, kind: str, message: str) -> dict:
    if kind == "missing":
        return {"status": "not defined",
                "summary": f"the notebook never defines `{name}` (was its cell deleted or "
                           "renamed?)"}
    return {"status": "not readable",
            "summary": f"`{name}` could not be copied out of the notebook for grading: "
                       f"{message}"}


def _from_result(ex, result) -> dict:
    return {"status": str(result.status), "passed": result.passed is True,
            "mistake": None if result.mistake is None else str(result.mistake),
            "summary": str(result.summary), "feedback": str(result),
            "n_cases": int(result.n_cases or 0), "review": []}


def grade_with_values(ex, session: AnswerSession, options) -> dict:
    """Check ``ex`` here, its answer called in the sandbox through ``session``."""
    from course._grading.run import run_check

    session.begin(forbidden_for(ex.id), seconds=options.check_timeout + 5,
                  call_timeout=options.check_timeout)
    kind, answer = session.stand_in(ex.answer_name)
    if kind != "ok":
        return _not_readable(ex.answer_name, kind, answer)
    result = run_check(ex.id, answer, options, guarded=False)
    if session.failure is not None:
        kind, message = session.failure
        mistake = {"timeout": "bad-answer:timeout", "crashed": "crashed-grader"}.get(
            kind, "not-plain-data")
        if kind == "objects":
            return {"status": "not graded", "summary": message}
        return _failed(ex.id, mistake, message, crashed=kind == "crashed")
    if session.refused:
        names = sorted(session.refused)
        return _failed(ex.id, "uses-reference", reference_summary(names), review=names)
    return _from_result(ex, result)


# -- the sandboxed checker ---------------------------------------------------------------
def _validated(ex, message: dict) -> dict:
    """A verdict from the sandboxed checker, reduced to what it may say."""
    if message.get("status") == "unavailable":
        kind = "missing" if message.get("problem") == "missing" else "unreadable"
        return _not_readable(ex.answer_name, kind, str(message.get("message", ""))[:300])
    status = message.get("status")
    if status not in _STATUSES:
        return _failed(ex.id, "not-plain-data", "the checker's verdict was not readable")

    def text(key, limit=4000):
        value = message.get(key)
        return value[:limit] if isinstance(value, str) else ""

    mistake = message.get("mistake")
    n_cases = message.get("n_cases")
    return {"status": status, "passed": status == "passed",
            "mistake": mistake[:100] if isinstance(mistake, str) else None,
            "summary": text("summary"), "feedback": text("feedback") or f"{ex.id}: {status}",
            "n_cases": n_cases if type(n_cases) is int and 0 <= n_cases < 10**7 else 0,
            "review": []}


def _checker_round(command, job, todo, records, deadline) -> str | None:
    """One checker process over ``todo``; the id it was checking when it stopped, if any."""
    process = SandboxProcess(command)
    running = None
    try:
        process.send(job)
        while len(records) < len(job["expect"]):
            message = process.receive(deadline)
            ex_id = message.get("start") or message.get("verdict")
            if ex_id not in todo:
                continue                                   # not one it was asked for
            if "start" in message:
                running = ex_id
            elif ex_id not in records:
                records[ex_id] = _validated(todo[ex_id], message)
                running = None
    except (ChannelClosed, ChannelTimeout):
        return running or next((i for i in todo if i not in records), None)
    finally:
        process.close()
    return None


def grade_in_checker(exercises, command, options, budget: float) -> dict:
    """Check ``exercises`` in sandboxed checker processes; a record per id."""
    records: dict[str, dict] = {}
    remaining = {ex.id: ex for ex in exercises}
    end = time.monotonic() + budget
    while remaining and time.monotonic() < end:
        job = {"exercises": [{"id": i, "answer_name": ex.answer_name}
                             for i, ex in remaining.items()],
               "expect": list(remaining), "n_cases": options.n_cases, "seed": options.seed,
               "timeout": options.check_timeout, "cpu_seconds": budget}
        deadline = min(end, time.monotonic() + len(remaining) * (options.check_timeout + 5) + 30)
        found: dict[str, dict] = {}
        culprit = _checker_round(command, job, remaining, found, deadline)
        records.update(found)
        for i in found:
            remaining.pop(i, None)
        if culprit is not None:
            remaining.pop(culprit, None)
            records[culprit] = _failed(culprit, "crashed-grader", (
                "checking your answer stopped the process it ran in (it ended, crashed or ran "
                "past its time limit) — does your code call os._exit, crash Python or loop "
                "forever?"), crashed=True)
    for i in remaining:
        records[i] = {"status": "not graded", "summary": "the submission ran out of its time "
                      "budget before this exercise was checked"}
    return records
