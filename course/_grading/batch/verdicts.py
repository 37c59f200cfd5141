"""One record per exercise, from the learner's answers in the sandbox.

Every check runs *here*, in the grader, with the answer key and the mistake space; the
learner's answer stays in its sandbox and is reached through ``course._grading.batch.remote``:

- a formula or a number arrives as plain data;
- a function is called over the channel with plain numbers and arrays, and answers with
  plain numbers and arrays (no learner ``__eq__``, ``__float__`` or ``__array__`` runs here);
- a function the check hands it (the ``f`` of a central difference, a buggy backward pass)
  stays here and is *called back* by the sandbox with plain values; the course's public
  objects it hands over (a ``DiamondNet``, an ``MLP``, a numpy ``Generator``) cross as
  their state, and what the answer changed in its arguments comes back as plain data;
- a class (lesson 08's ``Value``) is worked on in the sandbox by a public driver
  (``course._grading.drivers``), which returns only plain observations.

Each record has ``status``, ``summary``, ``feedback``, ``mistake``, ``n_cases``,
``review`` (and ``crashed`` when the answer ended its process).
"""

from __future__ import annotations

from course._grading.batch.remote import AnswerSession
from course._grading.references import forbidden_for, reference_summary

__all__ = ["grade_with_values"]

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


#: the summary of an exercise the submission's time budget left no time for
OUT_OF_BUDGET = "not graded: the submission's time budget ran out before it was checked"


def _out_of_budget(session: AnswerSession) -> bool:
    import time

    return time.monotonic() >= session.budget_deadline - 0.05


def grade_with_values(ex, session: AnswerSession, options) -> dict:
    """Check ``ex`` here, its answer called in the sandbox through ``session``."""
    from course._grading.run import run_check

    if _out_of_budget(session):
        return {"status": "not graded", "summary": OUT_OF_BUDGET, "budget": True}
    session.begin(forbidden_for(ex.id), seconds=options.check_timeout + 5,
                  call_timeout=options.check_timeout)
    kind, answer = session.stand_in(ex.answer_name)
    if kind != "ok":
        if _out_of_budget(session):
            return {"status": "not graded", "summary": OUT_OF_BUDGET, "budget": True}
        return _not_readable(ex.answer_name, kind, answer)
    result = run_check(ex.id, answer, options, guarded=False)
    if session.failure is not None:
        kind, message = session.failure
        if kind == "timeout" and _out_of_budget(session):
            return {"status": "not graded", "summary": OUT_OF_BUDGET, "budget": True}
        mistake = {"timeout": "bad-answer:timeout", "flood": "bad-answer:timeout",
                   "crashed": "crashed-grader"}.get(
            kind, "not-plain-data")
        if kind == "objects":
            return {"status": "not graded", "summary": message}
        return _failed(ex.id, mistake, message, crashed=kind == "crashed")
    if session.refused:
        names = sorted(session.refused)
        return _failed(ex.id, "uses-reference", reference_summary(names), review=names)
    return _from_result(ex, result)
