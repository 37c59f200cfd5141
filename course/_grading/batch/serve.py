"""Inside the sandbox: the answer server and the sandboxed checker.

``AnswerServer`` keeps the learner's answers (rebuilt from the notebook's kernel, in the
sandbox) and answers the grader's requests, one JSON line each way::

    → {"id": 7, "op": "call", "name": "dO_dw1", "args": [...], "kwargs": {...},
       "forbidden": ["course.nn.networks.DiamondNet.gradient", ...]}
    ← {"id": 7, "ok": <plain value>, "mutated": {...}, "printed": "...", "refused": [...]}
    ← {"id": 7, "raised": {"type": "ValueError", "message": "...", "where": "..."}, ...}

Values are plain data (``course._grading.batch.wire``). While a call runs, the course's
public functions the exercise forbids (``DiamondNet.gradient`` for a diamond derivative)
have their code replaced by one that records the refusal and raises: reached directly,
through a module attribute or a trampoline, the answer gets no value from them. This is
a courtesy for an honest learner's feedback, not a boundary: the answer keys themselves
(``course._grading.exercises``) are not in the sandbox at all.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import os
import sys
import traceback

import numpy as np

from course._grading.batch.wire import encode

__all__ = ["AnswerServer", "check_in_sandbox", "describe"]

_PRINTED = 2_000
REFUSED = set()
_MARK = "__course_reference_refused__"


def describe(status: str, obj) -> dict:
    """What the grader needs to know about one answer, as plain data."""
    if status == "missing":
        return {"kind": "missing"}
    if status == "error":
        return {"kind": "error", "message": str(obj)[:300]}
    if isinstance(obj, (str, int, float, complex, np.ndarray, np.generic, type(None))) \
            or obj is Ellipsis:
        return {"kind": "value", "value": None if obj is Ellipsis else encode(obj),
                "ellipsis": obj is Ellipsis}
    if not callable(obj):
        return {"kind": "object", "type": type(obj).__name__[:100]}
    name = getattr(obj, "__name__", type(obj).__name__)
    return {"kind": "function", "name": str(name)[:100], "params": _params(obj),
            "is_class": isinstance(obj, type)}


def _params(fn):
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    return [[p.name, int(p.kind), p.default is not p.empty] for p in sig.parameters.values()]


def _resolve(qualified: str):
    """The function object of ``module.name`` or ``module.Class.method``, or ``None``."""
    parts = qualified.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            owner = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            owner = getattr(owner, part, None)
        return owner if inspect.isfunction(owner) else None
    return None


def _refusing_code(qualified: str):
    source = (f"def refused(*args, **kwargs):\n"
              f"    __import__('sys').modules['course._grading.batch.serve'].REFUSED.add("
              f"{qualified!r})\n"
              f"    raise RuntimeError({_MARK!r} + ': ' + {qualified!r} + ' is the course\\'s "
              f"own answer and is not available to an answer while it is graded')\n")
    namespace: dict = {}
    exec(compile(source, "<refused>", "exec"), namespace)   # our own constant source
    return namespace["refused"].__code__


@contextlib.contextmanager
def refusals(names):
    """Replace the code of the functions ``names`` while the block runs."""
    swapped = []
    for qualified in names:
        fn = _resolve(qualified)
        if fn is None or fn.__code__.co_freevars:
            continue
        swapped.append((fn, fn.__code__))
        fn.__code__ = _refusing_code(qualified)
    try:
        yield
    finally:
        for fn, code in reversed(swapped):
            fn.__code__ = code


def _where(err: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if "/course/" not in f.filename.replace("\\", "/")]
    if not frames:
        return ""
    f = frames[-1]
    code = f" (`{f.line.strip()[:100]}`)" if f.line else ""
    return f" in {f.name[:60]}, line {f.lineno}{code}"


class AnswerServer:
    """Serve ``call`` requests for ``answers`` (name -> ``(status, object)``)."""

    def __init__(self, answers: dict, say):
        self.answers, self.say = answers, say

    def run(self, requests) -> None:
        self._quiet_standard_streams()
        self.say({"answers": {n: describe(*entry) for n, entry in self.answers.items()}})
        for line in requests:
            import json

            request = json.loads(line)
            self.say({"id": request.get("id"), **self.call(request)})

    def _quiet_standard_streams(self) -> None:
        """Learner code printing (even with ``os.write(1, ...)``) cannot reach the channel."""
        channel = os.fdopen(os.dup(1), "wb")
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        from course._grading.batch.wire import dumps

        def say(message):
            channel.write(dumps(message))
            channel.flush()
        self.say = say

    def call(self, request: dict) -> dict:
        from course._grading.batch.wire import decode

        status, fn = self.answers.get(request.get("name"), ("missing", None))
        args = [decode(a) for a in request.get("args", [])]
        kwargs = {k: decode(v) for k, v in request.get("kwargs", {}).items()}
        before = self._arrays(args, kwargs)
        printed = io.StringIO()
        REFUSED.clear()
        reply: dict = {}
        try:
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed), \
                    refusals(request.get("forbidden", ())), np.errstate(all="ignore"):
                out = fn(*args, **kwargs)
            reply["ok"] = encode(out)
        except BaseException as err:  # noqa: BLE001 - reported to the grader, whatever it is
            reply["raised"] = {"type": type(err).__name__[:100], "message": str(err)[:300],
                               "where": _where(err),
                               "code": err.code if isinstance(err, SystemExit) and
                               isinstance(err.code, (int, str, type(None))) else None}
        reply["mutated"] = {key: encode(arr) for key, (arr, copy) in before.items()
                            if not np.array_equal(arr, copy, equal_nan=True)}
        reply["printed"] = printed.getvalue()[:_PRINTED]
        reply["printed_total"] = len(printed.getvalue())
        reply["refused"] = sorted(REFUSED)
        return reply

    @staticmethod
    def _arrays(args, kwargs) -> dict:
        found = {str(i): a for i, a in enumerate(args) if isinstance(a, np.ndarray)}
        found.update({k: a for k, a in kwargs.items() if isinstance(a, np.ndarray)})
        return {k: (a, a.copy()) for k, a in found.items()}


def check_in_sandbox(item: dict, answers: dict, job: dict) -> dict:
    """The verdict of one exercise whose answer is an object, checked here (plain data)."""
    from course._grading.registry import CheckOptions
    from course._grading.run import run_check

    status, answer = answers.get(item["answer_name"], ("missing", None))
    if status != "ok":
        return {"status": "unavailable", "problem": status, "message": str(answer or "")}
    options = CheckOptions(n_cases=int(job["n_cases"]), seed=int(job["seed"]),
                           timeout=float(job["timeout"]))
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        result = run_check(item["id"], answer, options)
    return {"status": str(result.status), "passed": result.passed is True,
            "mistake": None if result.mistake is None else str(result.mistake),
            "summary": str(result.summary), "feedback": str(result),
            "n_cases": int(result.n_cases or 0)}


if __name__ == "__main__":      # pragma: no cover - run through course._grading.batch.inside
    sys.exit("use python -m course._grading.batch.inside")
