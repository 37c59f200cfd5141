"""The grader's side of an answer server: learner functions as plain-data proxies.

``AnswerSession`` starts ``course._grading.batch.inside serve`` in the submission's sandbox
and learns what each answer is. ``stand_in(name)`` gives what the exercise's checker is
handed in place of the learner's answer: a formula string or number as plain data, or a
``RemoteFunction`` — a callable with the learner's signature that sends its arguments to
the sandbox and returns the plain numbers or arrays that come back (decoded strictly,
``course._grading.batch.wire``). The checker, its references and its mistake space stay in
this process; no learner code ever runs here, and no learner ``__eq__``, ``__float__`` or
``__array__`` can: what comes back is already a float, an ndarray or an ``Opaque``.

What the checker hands the learner's function crosses as plain data too: its own functions
as callback ids (the sandbox calls them back; ``_called_back`` runs them here on checked
plain arguments, at most ``MAX_CALLBACKS`` times per exercise, inside its time limit), the
course's public objects as their state (``objects``), and what the call changed in its
arguments comes back and is written into the checker's own (``mutation``).

When a call runs past its time limit or the answer kills its own process, the session
records why and unwinds the checker (``course._grading.guards._Timeout``); the grader turns
that into the exercise's verdict and starts a fresh server for the next exercise.
"""

from __future__ import annotations

import builtins
import inspect
import time

from course._grading.batch import objects
from course._grading.batch.channel import ChannelClosed, ChannelTimeout, SandboxProcess
from course._grading.batch.mutation import changeable, settle
from course._grading.batch.wire import Opaque, WireError, _has_object, decode, encode, opaque
from course._grading.guards import LearnerError, LearnerExit, NotAttempted, _Timeout, record_output

__all__ = ["AnswerSession", "RemoteFunction", "RemoteError"]

_START_TIMEOUT = 60.0
_KEEP_BUILTIN = ("NotImplementedError", "RecursionError", "MemoryError")


class RemoteError(Exception):
    """An exception the learner's code raised in the sandbox (its name and message only)."""

    learner_where = ""


_ERROR_TYPES: dict[str, type] = {}


def _exception(raised: dict) -> BaseException:
    """A trusted exception standing for what the learner's code raised."""
    name, message = str(raised.get("type", "Exception"))[:100], str(raised.get("message", ""))
    if name == "LearnerError":                  # from a public driver (or a forgery of one:
        kind = str(raised.get("kind", ""))[:40]  # it can only make the answer fail)
        err = LearnerError(message[:2000], kind=kind if kind.isidentifier() else "error")
    elif name == "NotAttempted":
        stub = raised.get("stub")
        err = NotAttempted(message[:2000], stub=stub[:60] if isinstance(stub, str) else "")
    elif name in _KEEP_BUILTIN:
        err = getattr(builtins, name)(message)
    elif name == "SystemExit":
        code = raised.get("code")
        err = LearnerExit(code if isinstance(code, (int, str, type(None))) else None)
    else:
        if not name.isidentifier():
            name = "Exception"
        cls = _ERROR_TYPES.setdefault(name, type(name, (RemoteError,), {}))
        err = cls(message)
    err.learner_where = str(raised.get("where", ""))[:200]
    stub = raised.get("stub")
    err.learner_stub = stub[:60] if isinstance(stub, str) and stub.isidentifier() else ""
    if raised.get("shape") is not None:
        from course._grading.arrays.shapes import checked_facts

        err.shape_facts = checked_facts(raised["shape"])
    return err


def _signature(params) -> inspect.Signature | None:
    if not isinstance(params, list):
        return None
    try:
        return inspect.Signature([
            inspect.Parameter(str(n), inspect._ParameterKind(int(k)),
                              default=None if has_default else inspect.Parameter.empty)
            for n, k, has_default in params])
    except (ValueError, TypeError):
        return None


class RemoteFunction:
    """The learner's function as the checker sees it: called here, run in the sandbox."""

    runs_elsewhere = True          # call_learner leaves sys.stdout alone for it

    def __init__(self, session: AnswerSession, answer_name: str, description: dict):
        self._session, self._answer = session, answer_name
        self.__name__ = self.__qualname__ = str(description.get("name") or answer_name)
        self._signature = _signature(description.get("params"))

    @property
    def __signature__(self):
        if self._signature is None:
            raise ValueError("no signature")            # as inspect says for a builtin
        return self._signature

    def __call__(self, *args, **kwargs):
        return self._session.call(self._answer, args, kwargs)

    def drive(self, driver: str, args: tuple, kwargs: dict):
        """Run the public driver ``driver`` on the learner's object, in the sandbox
        (``course._grading.drivers``); its plain observations."""
        return self._session.call(self._answer, args, kwargs, driver=driver)

    def __repr__(self) -> str:
        return f"<the learner's {self.__name__}>"


class AnswerSession:
    """One answer server in the submission's sandbox.

    Parameters
    ----------
    command : list of str
        ``inside serve`` wrapped in the sandbox.
    job : dict
        Its job line.
    """

    def __init__(self, command: list[str], job: dict, limits=None, deadline: float = float("inf")):
        self.command, self.job, self.limits = command, job, limits
        #: when the whole submission's time budget ends: no exercise runs past it
        self.budget_deadline = deadline
        #: set on Ctrl-C (``Batch.stop``): no server starts any more
        self.stopping = None
        self.process: SandboxProcess | None = None
        self.answers: dict = {}
        self.forbidden: tuple[str, ...] = ()
        self.deadline = float("inf")
        self.call_timeout = 10.0
        self.refused: set[str] = set()
        self.failure: tuple[str, str] | None = None    # (kind, message) of the last exercise
        self._next = 0
        self._handed: dict[int, object] = {}        # ref -> the checker's function or object
        self._refs: dict[int, int] = {}
        self.callbacks = 0
        self._started = False
        self.broken = False

    # -- the process ---------------------------------------------------------------------
    def launch(self) -> None:
        """Start a server process; it imports while the notebook still runs."""
        self.close()
        if self.stopping is not None and self.stopping.is_set():
            raise ChannelClosed("grading was interrupted")       # Ctrl-C: no new sandbox
        self.process = SandboxProcess(self.command, limits=self.limits)

    def start(self) -> None:
        """Hand the (launched, else fresh) server its job and read what each answer is."""
        if self.process is None or self.process.exit_code is not None or self._started:
            self.launch()
        self._started = True
        self.answers = {}
        deadline = min(time.monotonic() + _START_TIMEOUT, self.budget_deadline)
        try:
            self.process.send(self.job, deadline)
            hello = self.process.receive(deadline)
        except (ChannelClosed, ChannelTimeout):
            self.broken = True                 # no second wait for the next exercise
            self.close()
            return
        answers = hello.get("answers")
        if isinstance(answers, dict):
            self.answers = {str(k): v for k, v in answers.items() if isinstance(v, dict)}

    def close(self) -> int | None:
        """Kill the server's sandbox; its exit code."""
        code = None
        if self.process is not None:
            code = self.process.close()
            self.process = None
        self._started = False
        return code

    def begin(self, forbidden, seconds: float, call_timeout: float) -> None:
        """Start an exercise: what it forbids, how long it may take."""
        alive = self.process is not None and self.process.exit_code is None
        if not self.broken and not (alive and self._started):
            self.start()
        self.forbidden, self.refused, self.failure = tuple(forbidden), set(), None
        self.callbacks, self._handed, self._refs = 0, {}, {}
        self.deadline = min(time.monotonic() + seconds, self.budget_deadline)
        self.call_timeout = call_timeout

    # -- the answers ---------------------------------------------------------------------
    def stand_in(self, name: str):
        """``(kind, value)``: what the checker gets for answer ``name``."""
        description = self.answers.get(name)
        if description is None:
            return "unreadable", "the answers could not be read out of the notebook's kernel"
        kind = description.get("kind")
        if kind == "missing":
            return "missing", ""
        if kind == "error":
            return "unreadable", str(description.get("message", ""))[:300]
        if kind == "value":
            if description.get("ellipsis"):
                return "ok", Ellipsis
            try:
                return "ok", decode(description.get("value"))
            except WireError as err:
                return "unreadable", f"its value is not plain data ({err})"
        if kind == "function":
            return "ok", RemoteFunction(self, name, description)
        return "ok", opaque(str(description.get("type", "object")))

    def call(self, name: str, args: tuple, kwargs: dict, driver: str | None = None):
        """Call the learner's ``name`` in the sandbox (or the public ``driver`` with it);
        its plain result."""
        request = self._request(name, args, kwargs)
        if driver is not None:
            request.update(op="drive", driver=driver)
        reply = self._exchange(request)
        try:
            self._write_back(reply.get("after"), args, kwargs)
            self.refused.update(str(r) for r in reply.get("refused") or ())
            printed = reply.get("printed")
            if isinstance(printed, str) and printed:
                record_output(printed)                   # into the checker's bounded sink
            if "raised" in reply and isinstance(reply["raised"], dict):
                raise _exception(reply["raised"])
            return self._result(reply.get("ok"), args, kwargs)
        except WireError as err:
            self._fail("protocol", f"the answer's process sent something that is not plain "
                                   f"numbers or arrays ({err})")

    def _result(self, data, args, kwargs):
        """The call's value; the grader's own argument when the answer returned that one."""
        if isinstance(data, dict) and set(data) == {"arg"} and type(data["arg"]) is int \
                and 0 <= data["arg"] < len(args):
            return args[data["arg"]]
        if isinstance(data, dict) and set(data) == {"kwarg"} and data["kwarg"] in kwargs:
            return kwargs[data["kwarg"]]
        return decode(data, extra=self._rebuild_public)

    def _request(self, name, args, kwargs) -> dict:
        self._next += 1
        try:
            return {"id": self._next, "op": "call", "name": name,
                    "args": [self._plain(a) for a in args],
                    "kwargs": {str(k): self._plain(v) for k, v in kwargs.items()},
                    "forbidden": list(self.forbidden)}
        except WireError as err:
            self._fail("objects", f"this exercise passes objects to the answer that cannot "
                                  f"cross to the sandbox ({err})")

    def _plain(self, value):
        """``value`` as it crosses to the sandbox: plain data, the course's public objects
        as their state, and the checker's functions as *callbacks* (an id: the function
        stays here and is called back with plain values)."""
        data = encode(value, extra=self._hand)
        if _has_object(data):
            raise WireError(f"a {type(value).__name__} holding something other than numbers, "
                            "arrays, functions and the course's public objects")
        return data

    def _hand(self, value, depth):
        kind = objects.kind_of(value)
        if kind is not None:
            ref = self._register(value)
            return {"obj": kind, "name": type(value).__name__[:60], "ref": ref,
                    "hooks": objects.hooks(value, kind),
                    "state": encode(objects.state(value, kind), depth + 1, self._hand)}
        if callable(value) and not isinstance(value, (type, Opaque)):
            return {"cb": self._register(value),
                    "name": str(getattr(value, "__name__", "f"))[:60]}
        return None

    def _register(self, value) -> int:
        ref = self._refs.get(id(value))
        if ref is None:                 # _handed keeps value alive: its id stays its own
            ref = self._refs[id(value)] = len(self._handed) + 1
            self._handed[ref] = value
        return ref

    # -- the channel -----------------------------------------------------------------------
    def _exchange(self, request: dict) -> dict:
        if self.process is None or self.process.exit_code is not None or not self._started:
            self.start()
        deadline = min(self.deadline, time.monotonic() + self.call_timeout)
        try:
            self.process.send(request, deadline)
            while True:
                reply = self.process.receive(deadline)
                if "callback" not in reply:
                    break
                self.process.send(self._called_back(reply), deadline)
        except ChannelTimeout:
            self.close()
            self._fail("timeout", "your code ran past the time limit and was stopped")
        except ChannelClosed as err:
            why = self.process.stopped_because if self.process is not None else None
            code = self.close()
            if why:
                self._fail("timeout", f"your code was stopped: {why}")
            self._fail("crashed", f"checking your answer ended the process it ran in ({err}; "
                                  f"exit code {code}) — does your code call os._exit, crash "
                                  "Python or use too much memory?")
        if reply.get("id") != request["id"]:
            self.close()
            self._fail("protocol", "the answer's process answered out of turn")
        return reply

    def _called_back(self, message: dict) -> dict:
        """Run the checker's function the learner's code called (with plain values only);
        the reply for the sandbox."""
        cid = message.get("cid")
        self.callbacks += 1
        if self.callbacks > MAX_CALLBACKS:
            self.close()
            self._fail("flood", f"your code called the function it was given more than "
                                f"{MAX_CALLBACKS:,} times while it was checked; stopped")
        target = self._handed.get(message.get("callback"))
        method = message.get("method")
        kind = objects.kind_of(target)
        if target is None or (method is not None and (
                kind is None or method not in objects.hooks(target, kind))):
            return {"cid": cid, "raised": {"type": "TypeError", "message": (
                "that function is no longer available (it was handed to an earlier call)")}}
        try:
            args = [decode(a, extra=self._rebuild_public) for a in message.get("args") or []]
            kwargs = {str(k): decode(v, extra=self._rebuild_public)
                      for k, v in (message.get("kwargs") or {}).items()}
            if method is not None:
                objects.assign(target, kind, decode(message.get("self"),
                                                    extra=self._rebuild_public))
        except (WireError, objects.ObjectError) as err:
            return {"cid": cid, "raised": {"type": "TypeError", "message": (
                f"the function you were given takes numbers and arrays only ({err})")}}
        reply: dict = {"cid": cid}
        try:
            value = getattr(target, method)(*args, **kwargs) if method else \
                target(*args, **kwargs)
            reply["ok"] = self._plain(value)
        except Exception as err:     # the checker's function rejected the learner's input
            reply["raised"] = {"type": type(err).__name__, "message": str(err)[:300]}
        if method is not None:
            reply["self"] = encode(objects.state(target, kind))
        return reply

    def _rebuild_public(self, tag, data, inner):
        """A public object from the sandbox: the checker's own object when it is one the
        checker handed over (its state written back into it), else the course's own class
        built from checked plain values; nothing else."""
        if tag != "obj":
            raise WireError(f"unknown tag {str(tag)[:20]!r}")
        kind = data.get("obj")
        try:
            values = inner(data.get("state"))
            mine = self._handed.get(data.get("ref")) if type(data.get("ref")) is int else None
            if mine is not None and objects.kind_of(mine) == kind:
                objects.build(kind, values)                     # checked first
                objects.assign(mine, kind, values)
                return mine
            return objects.build(kind, values)
        except objects.ObjectError as err:
            raise WireError(str(err)) from None

    def _fail(self, kind: str, message: str):
        self.failure = (kind, message)
        raise _Timeout()                          # unwinds the checker, whatever it catches

    def _write_back(self, changed, args, kwargs) -> None:
        """Copy the learner's changes to the arguments into the checker's own (so its
        checks see them, as in the notebook): in place where the learner changed them in
        place (``course._grading.batch.mutation``)."""
        if not isinstance(changed, dict):
            return
        for key, data in changed.items():
            if str(key).isdigit() and int(key) < len(args):
                target = args[int(key)]
            elif key in kwargs:
                target = kwargs[key]
            else:
                continue
            if changeable(target):
                settle(target, data, extra=self._rebuild_public)


#: how many times one exercise's checks may be called back from the sandbox
MAX_CALLBACKS = 200_000
