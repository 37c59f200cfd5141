"""Calling a learner's code safely: time limit, bounded output, clear errors.

Whatever the learner's function does (raise, loop forever, print megabytes,
call ``sys.exit``), the caller gets either its return value or a
``LearnerError`` whose message is written for the learner. ``KeyboardInterrupt``
(the learner pressing stop) always propagates.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import signal
import sys
import threading
import traceback

from course._paths import in_package

__all__ = ["LearnerError", "LearnerExit", "NotAttempted", "call_learner", "time_limit",
           "learner_frame", "capture_output", "CapturedOutput", "record_output"]

_MAX_OUTPUT = 2_000
#: files whose lines the time limit never interrupts (the checker's own clean-up)
_SPARED = frozenset({__file__, contextlib.__file__})


class NotAttempted(Exception):
    """The learner's answer is still a stub (``raise NotImplementedError``).

    ``stub`` names the function that raised when it is not the one that was checked
    (the answer is written, but calls another exercise's stub), else ``""``.
    """

    def __init__(self, message: str = "", stub: str = ""):
        super().__init__(message)
        self.stub = stub


def _raising_stub(err: BaseException, checked) -> str:
    """The learner function that raised ``err``, when it is not ``checked`` itself (for an
    error raised in the grading sandbox, the name it reported)."""
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if not in_package(f.filename)]
    name = frames[-1].name if frames else ""
    remote = getattr(err, "learner_stub", None)
    if isinstance(remote, str):
        name = remote
    return "" if name in ("", "<module>", getattr(checked, "__name__", "")) else name


class LearnerError(Exception):
    """Something in the learner's answer went wrong; ``str(err)`` is for the learner.

    ``kind`` names the class of problem (``exception``, ``type``, ``timeout``, ``exit``,
    ``mutation``, ``formula``, ``signature``); ``check`` turns it into the mistake id.
    """

    def __init__(self, message: str, kind: str = "error"):
        super().__init__(message)
        self.kind = kind


class LearnerExit(Exception):
    """The learner's code called ``sys.exit`` in the grading sandbox (``code`` as given);
    the grader raises this instead of a real ``SystemExit``, which would end it."""

    def __init__(self, code=None):
        super().__init__(code)
        self.code = code


class _Timeout(BaseException):
    """Raised inside the learner's code by the alarm (a BaseException so ``except
    Exception`` in learner code does not swallow it)."""


class CapturedOutput(io.TextIOBase):
    """A text sink that keeps the first few thousand characters and counts the rest.

    Attributes
    ----------
    text : str
        What was kept (at most ``limit`` characters).
    total : int
        How many characters were written in all.
    """

    def __init__(self, limit: int = _MAX_OUTPUT):
        self.limit, self._kept, self._room, self.total = limit, [], limit, 0

    def writable(self) -> bool:
        return True

    def write(self, s) -> int:
        s = str(s)
        if self._room > 0:
            self._kept.append(s[:self._room])
            self._room -= len(self._kept[-1])
        self.total += len(s)
        return len(s)

    @property
    def text(self) -> str:
        return "".join(self._kept)


_active_sink: contextvars.ContextVar[CapturedOutput | None] = contextvars.ContextVar(
    "course_learner_output", default=None)


@contextlib.contextmanager
def capture_output(limit: int = _MAX_OUTPUT):
    """Collect what every ``call_learner`` inside the block prints (bounded).

    >>> with capture_output() as out:
    ...     _ = call_learner(print, "hello")
    >>> out.text
    'hello\\n'
    """
    sink = CapturedOutput(limit)
    token = _active_sink.set(sink)
    try:
        yield sink
    finally:
        _active_sink.reset(token)


@contextlib.contextmanager
def time_limit(seconds: float):
    """Interrupt the block after ``seconds`` with a ``LearnerError`` (main thread, Unix).

    When the alarm fires it raises inside the running code and, from then on, raises
    again at every line (a trace function, and the alarm repeating every 0.05 s for
    code blocked in C), so even a loop whose bare ``except:`` swallows everything is
    stopped. Once the block is left the alarm is disarmed before anything else runs.
    Elsewhere (threads, Windows) the block runs without a limit.
    """
    if not seconds or not _alarm_usable():
        yield
        return
    alarm = _Alarm(_with_statement_frame(sys._getframe(1)))
    alarm.arm(seconds)
    timed_out = False
    try:
        try:
            yield
        finally:
            alarm.disarm()
    except _Timeout:
        timed_out = True
    finally:
        alarm.restore()
    if timed_out:
        raise LearnerError(
            f"your code ran for more than {seconds:g} s and was stopped — is there a loop "
            "that never ends (a `while` whose condition never becomes false)?",
            kind="timeout",
        )


def _alarm_usable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _with_statement_frame(frame):
    """The frame running the ``with time_limit(...)`` statement (past contextlib's)."""
    while frame is not None and frame.f_code.co_filename in _SPARED:
        frame = frame.f_back
    return frame


class _Alarm:
    """SIGALRM that raises ``_Timeout`` in the block, then at every line of it (a trace
    function on the new frames and on those between the signal and ``owner``)."""

    def __init__(self, owner):
        self.owner, self.armed = owner, False
        self.old_trace = sys.gettrace()
        self.old_handler = self.old_timer = None

    def arm(self, seconds: float) -> None:
        self.armed = True
        self.old_handler = signal.signal(signal.SIGALRM, self.on_alarm)
        self.old_timer = signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)

    def disarm(self) -> None:
        self.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)

    def restore(self) -> None:
        """Disarmed, and the handler, trace function and any outer timer put back."""
        self.disarm()
        signal.signal(signal.SIGALRM, self.old_handler)
        sys.settrace(self.old_trace)
        if self.old_timer[0]:
            signal.setitimer(signal.ITIMER_REAL, *self.old_timer)

    def tracer(self, frame, event, arg):
        if not self.armed:
            return None
        if event == "line" and frame.f_code.co_filename not in _SPARED:
            raise _Timeout()
        return self.tracer

    def on_alarm(self, signum, frame):
        if not self.armed:
            return
        sys.settrace(self.tracer)                             # new frames
        while frame is not None and frame is not self.owner:  # and those inside the block
            frame.f_trace = self.tracer
            frame = frame.f_back
        raise _Timeout()


def record_output(text: str) -> None:
    """Add ``text`` (printed by learner code elsewhere) to the enclosing ``capture_output``."""
    sink = _active_sink.get()
    if sink is not None:
        sink.write(text)


def learner_frame(exc: BaseException) -> str:
    """`` in dO_dw1, line 3 (`return ...`)`` for the innermost frame outside the package
    (for an error raised in the grading sandbox, the place it reported)."""
    where = getattr(exc, "learner_where", None)
    if isinstance(where, str):
        return where
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if not in_package(f.filename)]
    if not frames:
        return ""
    f = frames[-1]
    code = f" (`{f.line.strip()}`)" if f.line else ""
    return f" in {f.name}, line {f.lineno}{code}"


def call_learner(fn, *args, **kwargs):
    """Call ``fn(*args, **kwargs)``, turning every failure into a learner-facing error.

    Output printed by ``fn`` is captured (at most a few thousand characters kept, into
    the sink of an enclosing ``capture_output`` if there is one) so a function that
    prints megabytes cannot flood the notebook.

    Raises
    ------
    NotAttempted
        ``fn`` raised ``NotImplementedError`` (the stub is still there).
    LearnerError
        ``fn`` raised anything else, or called ``sys.exit``.
    KeyboardInterrupt
        Passed on untouched: the learner pressed stop.
    """
    sink = _active_sink.get() or CapturedOutput()
    try:
        if getattr(fn, "runs_elsewhere", False) is True:
            # the batch grader's stand-in for a function that runs in a sandbox: it prints
            # nothing here, and swapping sys.stdout is not safe in the grader's threads
            return fn(*args, **kwargs)
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            return fn(*args, **kwargs)
    except (_Timeout, KeyboardInterrupt):
        raise
    except NotImplementedError as err:
        raise NotAttempted(str(err), stub=_raising_stub(err, fn)) from None
    except (SystemExit, LearnerExit) as err:
        raise LearnerError(
            f"your code called exit()/sys.exit({err.code!r}); a checked function should "
            "return its answer instead", kind="exit",
        ) from None
    except RecursionError as err:
        raise LearnerError(
            f"your code recursed too deeply{learner_frame(err)} — does a function call "
            "itself without a base case?", kind="exception",
        ) from None
    except MemoryError:
        raise LearnerError(
            "your code ran out of memory — is an array far larger than it should be?",
            kind="exception") from None
    except BaseException as err:  # Exception, and odd ones such as GeneratorExit
        message = str(err)
        if len(message) > 300:
            message = message[:297] + "..."
        raise LearnerError(
            f"your code raised {type(err).__name__}: {message}{learner_frame(err)}",
            kind="exception",
        ) from None
