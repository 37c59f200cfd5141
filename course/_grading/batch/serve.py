"""Inside the sandbox: the answer server.

``AnswerServer`` keeps the learner's answers (rebuilt from the notebook's kernel, in the
sandbox) and answers the grader's requests, one JSON line each way::

    → {"id": 7, "op": "call", "name": "dO_dw1", "args": [...], "kwargs": {...},
       "forbidden": ["course.nn.networks.DiamondNet.gradient", ...]}
    ← {"id": 7, "ok": <plain value>, "after": {...}, "printed": "...", "refused": [...]}
    ← {"id": 7, "raised": {"type": "ValueError", "message": "...", "where": "...",
                           "shape": <the failing frame's facts, for a shape error>}, ...}

``"op": "drive"`` runs a public driver (``course._grading.drivers``) with the answer
instead of calling it. Values are plain data (``course._grading.batch.wire``), plus, from
the grader: ``{"cb": id}`` — a function of the grader's, rebuilt here as a stub that calls it
back — and ``{"obj": kind, "state": ...}`` — a public object (``objects``). While a call
runs, the stub's calls go the other way on the same channel and wait for the answer::

    ← {"callback": id, "cid": 3, "args": [...], "kwargs": {...}}     (the learner called it)
    → {"cid": 3, "ok": <plain value>}                                 (the grader's answer)

``"after"`` is the arguments' state after the call (``mutation``). While a call runs, the course's
public functions the exercise forbids (``DiamondNet.gradient`` for a diamond derivative)
have their code replaced by one that records the refusal and raises: reached directly,
through a module attribute or a trampoline, the answer gets no value from them. This is
a courtesy for an honest learner's feedback, not a boundary: the answer keys themselves
(``course._grading.exercises``) are not in the sandbox at all. A *copy* of a forbidden
function (``types.FunctionType(DiamondNet.backward.__code__, ...)``, or its source pasted
into a cell) is named the same way: every function the answer reaches (its globals,
closures, defaults, the methods of its own classes) whose code is the forbidden code —
same bytecode, constants and names — is reported (``course._grading.batch.copies``).
Code changed by a single statement is not: that is a learner's own code as far as any
checker can tell.
"""

from __future__ import annotations

import builtins
import contextlib
import inspect
import io
import itertools
import json
import os
import sys
import traceback
import types

import numpy as np

from course._grading.batch import objects
from course._grading.batch.copies import copies
from course._grading.batch.copies import resolve as _resolve
from course._grading.batch.mutation import after, changeable, snapshot
from course._grading.batch.wire import decode, encode

__all__ = ["AnswerServer", "describe"]

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
        self.requests = iter(())
        self._cid = 0
        self._origins: dict[int, tuple] = {}     # id -> (object, the grader's ref) it came as
        self._copies: dict[tuple, list] = {}

    def run(self, requests) -> None:
        self._quiet_standard_streams()
        self.requests = iter(requests)
        self.say({"answers": {n: describe(*entry) for n, entry in self.answers.items()}})
        for line in self.requests:
            self._serve(json.loads(line))

    def _copied(self, name, forbidden) -> list[str]:
        key = (name, forbidden)
        if key not in self._copies:
            status, fn = self.answers.get(name, ("missing", None))
            self._copies[key] = copies(fn, forbidden) if status == "ok" else []
        return self._copies[key]

    def _serve(self, request: dict) -> None:
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

    # -- values in and out ---------------------------------------------------------------
    def inbound(self, data):
        """A value from the grader: plain data, callbacks and public objects rebuilt here."""
        return decode(data, extra=self._rebuild)

    def outbound(self, value):
        """A value for the grader: plain data; public objects as their state; generators
        as the list of what they yield."""
        return encode(value, extra=self._describe)

    def _rebuild(self, tag, data, inner):
        from course._grading.batch.wire import WireError

        if tag == "cb" and type(data.get("cb")) is int:
            return _callback_stub(self, data["cb"], str(data.get("name") or "f")[:60])
        if tag == "obj":
            kind, hooks = data.get("obj"), data.get("hooks") or []
            cls = _public_class(self, kind, str(data.get("name") or kind)[:60],
                                [str(h) for h in hooks], data.get("ref"))
            obj = objects.build(kind, inner(data.get("state")), cls)
            if type(data.get("ref")) is int:
                self._origins[id(obj)] = (obj, data["ref"])
            return obj
        raise WireError(f"unknown tag {str(tag)[:20]!r}")

    def _describe(self, value, depth):
        kind = objects.kind_of(value)
        if kind is not None:
            origin = self._origins.get(id(value))
            return {"obj": kind, "name": type(value).__name__[:60],
                    "ref": origin[1] if origin and origin[0] is value else None,
                    "state": encode(objects.state(value, kind), depth + 1, self._describe)}
        if isinstance(value, types.GeneratorType) or type(value) in (map, filter, zip):
            return encode(list(itertools.islice(value, _MAX_YIELDS)), depth, self._describe)
        return None

    # -- the grader's functions, called back ---------------------------------------------
    def callback(self, ref: int, method: str | None, obj, args, kwargs):
        """Call the grader's function ``ref`` (or ``obj``'s method) with plain values."""
        self._cid += 1
        cid = self._cid
        message = {"callback": ref, "cid": cid, "args": [self.outbound(a) for a in args],
                   "kwargs": {str(k): self.outbound(v) for k, v in kwargs.items()}}
        kind = objects.kind_of(obj) if method else None
        if kind is not None:
            message["method"] = method
            message["self"] = self.outbound(objects.state(obj, kind))
        self.say(message)
        for line in self.requests:
            reply = json.loads(line)
            if reply.get("cid") == cid:
                break
            self._serve(reply)                  # a call made while the callback runs
        else:
            raise SystemExit(0)                 # the grader is gone
        if kind is not None and isinstance(reply.get("self"), dict):
            objects.assign(obj, kind, self.inbound(reply["self"]))
        raised = reply.get("raised")
        if isinstance(raised, dict):
            raise _error(str(raised.get("type")), str(raised.get("message", "")))
        return self.inbound(reply.get("ok"))

    # -- one call of the learner's function ----------------------------------------------
    def call(self, request: dict) -> dict:
        status, fn = self.answers.get(request.get("name"), ("missing", None))
        if request.get("op") == "drive":        # a public driver, handed the answer first
            from course._grading.drivers import resolve

            driver, answer = resolve(request.get("driver", "")), fn
            if driver is None:
                return {"raised": {"type": "LookupError", "message": "no such driver"}}
            fn = lambda *args, **kwargs: driver(answer, *args, **kwargs)  # noqa: E731
        args = [self.inbound(a) for a in request.get("args", [])]
        kwargs = {k: self.inbound(v) for k, v in request.get("kwargs", {}).items()}
        tables = {str(i): snapshot(a) for i, a in enumerate(args) if changeable(a)}
        tables.update({k: snapshot(a) for k, a in kwargs.items() if changeable(a)})
        printed = io.StringIO()
        REFUSED.clear()
        forbidden = tuple(request.get("forbidden", ()))
        if forbidden and request.get("op") != "drive":
            REFUSED.update(self._copied(request.get("name"), forbidden))
        reply: dict = {}
        try:
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed), \
                    refusals(request.get("forbidden", ())), np.errstate(all="ignore"):
                out = fn(*args, **kwargs)
                reply["ok"] = self._result(out, args, kwargs)
                reply["after"] = {key: after(args[int(key)] if key.isdigit() else kwargs[key],
                                             table, self.outbound)
                                  for key, table in tables.items()}
        except BaseException as err:  # noqa: BLE001 - reported to the grader, whatever it is
            reply.pop("ok", None)
            reply["raised"] = _raised(err)
        reply["printed"] = printed.getvalue()[:_PRINTED]
        reply["printed_total"] = len(printed.getvalue())
        reply["refused"] = sorted(REFUSED)
        return reply

    def _result(self, out, args, kwargs):
        for i, a in enumerate(args):
            if out is a and changeable(a):
                return {"arg": i}
        for k, a in kwargs.items():
            if out is a and changeable(a):
                return {"kwarg": k}
        return self.outbound(out)


_MAX_YIELDS = 100_000
_BUILTIN_ERRORS = {name: getattr(builtins, name) for name in (
    "TypeError", "ValueError", "KeyError", "IndexError", "AttributeError", "RuntimeError",
    "ZeroDivisionError", "OverflowError", "FloatingPointError", "ArithmeticError",
    "LookupError", "NotImplementedError", "AssertionError")}


def _error(name: str, message: str) -> BaseException:
    """The exception a grader's function raised, as the learner's code sees it."""
    return _BUILTIN_ERRORS.get(name, RuntimeError)(message)


def _raised(err: BaseException) -> dict:
    from course._grading.guards import LearnerError, NotAttempted

    if type(err) in (LearnerError, NotAttempted):         # a driver's learner-facing error
        return {"type": type(err).__name__, "message": str(err)[:2000],
                "kind": str(getattr(err, "kind", ""))[:40],
                "stub": str(getattr(err, "stub", ""))[:60]}
    facts = None
    if isinstance(err, ValueError):         # a numpy shape error: the learner's failing line
        try:
            from course._grading.arrays.shapes import frame_facts

            facts = frame_facts(err)
        except Exception:                   # noqa: BLE001 - the plain message is enough
            facts = None
    stub = ""
    if isinstance(err, NotImplementedError):
        frames = [f for f in traceback.extract_tb(err.__traceback__)
                  if "/course/" not in f.filename.replace("\\", "/")]
        stub = frames[-1].name[:60] if frames else ""
    return {"type": type(err).__name__[:100], "message": str(err)[:300], "where": _where(err),
            "stub": stub, "shape": facts,
            "code": err.code if isinstance(err, SystemExit) and
            isinstance(err.code, (int, str, type(None))) else None}


def _callback_stub(server: AnswerServer, ref: int, name: str):
    """A function standing for the grader's function ``ref``: its arguments go to the
    grader as plain values, its plain result comes back. It holds no code of the grader's."""
    def callback(*args, **kwargs):
        return server.callback(ref, None, None, args, kwargs)
    callback.__name__ = callback.__qualname__ = name if name.isidentifier() else "f"
    return callback


def _public_class(server: AnswerServer, kind, name: str, hooks: list, ref):
    """The public class of ``kind``, its grader-side methods ``hooks`` called back."""
    base = objects.base_of(kind) if kind in ("DiamondNet", "MLP", "Generator") else None
    if base is None or not hooks or type(ref) is not int or base is np.random.Generator:
        return None

    def method(hook):
        def call(self, *args, **kwargs):
            return server.callback(ref, hook, self, args, kwargs)
        call.__name__ = call.__qualname__ = hook
        return call
    namespace = {h: method(h) for h in hooks if h.isidentifier()}
    namespace["__module__"] = base.__module__
    cls = type(name if name.isidentifier() else base.__name__, (base,), namespace)
    return cls


if __name__ == "__main__":      # pragma: no cover - run through course._grading.batch.inside
    sys.exit("use python -m course._grading.batch.inside")
