"""The grading process: ``python -m course._grading.batch.worker`` (started fresh per submission).

It imports the checks *before* any answer exists, then reads one job (JSON) from
stdin::

    {"answers": ".../answers.json", "results": ".../results.jsonl",
     "exercises": [{"id": "sigmoid.derivative", "answer_name": "sigmoid_prime"}, ...],
     "n_cases": 200, "seed": 1000003, "timeout": 10}

``answers.json`` maps each answer name to ``{"pickle": <base64 cloudpickle>}``,
``{"missing": true}`` or ``{"error": "..."}`` (written by the extraction cell in the
learner's kernel, so it is untrusted). For each exercise it appends a ``start`` line,
then a ``result`` line, to ``results.jsonl`` and flushes, so when an answer kills this
process (``os._exit``) the parent knows which exercise did it and keeps the rest.
Each line carries an HMAC under a key the job brings (``"key"``, over the private
stdin pipe), so lines forged by a process the notebook left running are ignored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import sys

from course._grading.batch.review import INTROSPECTION, library_references, scan
from course._grading.batch.unpickle import RefusedGlobal, load_answer
from course._grading.references import forbidden_for, reference_summary


def sign(record: dict, key: bytes) -> str:
    """HMAC of a record (its canonical JSON), so lines written by anyone else are ignored."""
    body = json.dumps({k: v for k, v in record.items() if k != "mac"}, sort_keys=True)
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def _line(fh, record: dict, key: bytes) -> None:
    fh.write(json.dumps({**record, "mac": sign(record, key)}) + "\n")
    fh.flush()
    os.fsync(fh.fileno())


def _entry(answers: dict, name: str):
    """``(answer, None)`` or ``(None, (status, summary))`` for one answer name."""
    entry = answers.get(name)
    if isinstance(entry, dict) and entry.get("missing"):
        return None, ("not defined",
                      f"the notebook never defines `{name}` (was its cell deleted or renamed?)")
    if not isinstance(entry, dict):
        return None, ("not readable", f"`{name}` was not copied out of the notebook's kernel "
                                      "(the kernel stopped while the answers were copied)")
    if "pickle" not in entry:
        error = str(entry.get("error", "unknown error"))[:300]
        return None, ("not readable", f"`{name}` could not be copied out of the notebook for "
                                      f"grading: {error}")
    try:
        return load_answer(base64.b64decode(entry["pickle"])), None
    except RefusedGlobal as err:
        return None, ("not readable", f"`{name}` was not graded: {err}")
    except BaseException as err:  # malformed bytes: never fatal for the other exercises
        return None, ("not readable", f"`{name}` could not be rebuilt for grading "
                                      f"({type(err).__name__})")


def read_code(answer) -> tuple[list[str], list[str]]:
    """``(suspicious names, library functions used)`` of an answer's code."""
    try:
        return scan(answer), library_references(answer)
    except Exception:  # an exotic object: grade it anyway
        return ["(code could not be read)"], []


def _failed(ex, mistake: str, summary: str, review) -> dict:
    """The record of an answer that fails before (or instead of) a normal check."""
    return {"status": "failed", "passed": False, "mistake": mistake, "summary": summary,
            "feedback": f"✗ {ex.id}: {summary}", "n_cases": 0, "review": list(review),
            "points": 0.0}


def _uses_reference(ex, names, review) -> dict:
    return _failed(ex, "uses-reference", reference_summary(names), [*review, *sorted(names)])


def grade_one(ex, answer, options, review=(), refs=()) -> dict:
    """Run the check of ``ex`` on ``answer``; a JSON-ready record (never learner objects)."""
    from course._grading.run import run_check  # the path of check(), without recording or raising

    review = list(review)
    peeking = sorted(set(review) & INTROSPECTION)
    if peeking:
        return _failed(ex, "needs-review", (
            f"not graded: your code uses {', '.join(peeking)}, which reaches into the grader's "
            "own frames and objects (where the expected values are). A derivative never "
            "needs that; your instructor will review this answer"), review)
    forbidden = forbidden_for(ex.id)
    used = set(forbidden) & set(refs)
    if used:
        return _uses_reference(ex, used, review)
    try:
        result = run_check(ex.id, answer, options)       # guards the reference methods
    except BaseException as err:  # KeyboardInterrupt, GeneratorExit... raised by the answer
        return _failed(ex, "bad-answer:exception",
                       f"your code raised {type(err).__name__} while it was checked", review)
    if result.mistake == "uses-reference":
        return _uses_reference(ex, result.references, review)
    passed = bool(result.passed is True)
    return {
        "status": str(result.status), "passed": passed,
        "mistake": None if result.mistake is None else str(result.mistake),
        "summary": str(result.summary), "feedback": str(result),
        "n_cases": int(result.n_cases or 0), "review": review,
        "points": float(ex.points) if passed else 0.0,
    }


def main() -> int:
    import numpy  # noqa: F401  - imported before any answer exists

    from course._grading.registry import CheckOptions, all_exercises, get_exercise

    all_exercises()                                   # load every exercise module now
    job = json.loads(sys.stdin.readline())
    key = bytes.fromhex(job.pop("key"))
    options = CheckOptions(n_cases=int(job["n_cases"]), seed=int(job["seed"]),
                           timeout=float(job["timeout"]))
    try:
        with open(job["answers"], encoding="utf-8") as fh:
            answers = json.load(fh)
        if not isinstance(answers, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError):
        answers = None
    with open(job["results"], "a", encoding="utf-8") as out:
        for item in job["exercises"]:
            ex = get_exercise(item["id"])
            if answers is None:
                _line(out, {"id": ex.id, "event": "start"}, key)
                record = {"status": "not graded", "summary": "the answers could not be read "
                          "out of the notebook's kernel"}
            else:
                _line(out, {"id": ex.id, "event": "start"}, key)
                answer, problem = _entry(answers, item["answer_name"])
                if problem:
                    record = {"status": problem[0], "summary": problem[1], "points": 0.0}
                else:
                    review, refs = read_code(answer)
                    _line(out, {"id": ex.id, "event": "start", "review": review}, key)
                    record = grade_one(ex, answer, options, review, refs)
            _line(out, {"id": ex.id, "event": "result", **record}, key)
    return 0


if __name__ == "__main__":
    sys.exit(main())
