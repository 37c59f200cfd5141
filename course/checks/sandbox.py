"""Calling a learner's code safely: time limit, bounded output, clear errors.

Whatever the learner's function does (raise, loop forever, print megabytes,
call ``sys.exit``), the caller gets either its return value or a
``LearnerError`` whose message is written for the learner.
"""

from __future__ import annotations

import contextlib
import io
import signal
import threading
import traceback

__all__ = ["LearnerError", "NotAttempted", "call_learner", "time_limit", "learner_frame"]

_MAX_OUTPUT = 2_000


class NotAttempted(Exception):
    """The learner's answer is still a stub (``raise NotImplementedError``)."""


class LearnerError(Exception):
    """Something in the learner's answer went wrong; ``str(err)`` is for the learner."""

    def __init__(self, message: str, kind: str = "error"):
        super().__init__(message)
        self.kind = kind


class _Timeout(BaseException):
    """Raised inside the learner's code by the alarm (a BaseException so ``except
    Exception`` in learner code does not swallow it)."""


class _BoundedText(io.TextIOBase):
    """A text sink that keeps the first few thousand characters and counts the rest."""

    def __init__(self, limit: int = _MAX_OUTPUT):
        self.limit, self.kept, self.total = limit, [], 0

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        room = self.limit - sum(map(len, self.kept))
        if room > 0:
            self.kept.append(s[:room])
        self.total += len(s)
        return len(s)


@contextlib.contextmanager
def time_limit(seconds: float):
    """Interrupt the block after ``seconds`` with a ``LearnerError`` (main thread, Unix).

    The alarm repeats every 0.05 s after it first fires, so learner code with a bare
    ``except:`` inside a loop is interrupted too. Elsewhere (threads, Windows) the
    block runs without a limit.
    """
    usable = (
        hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    )
    if not usable or not seconds:
        yield
        return

    def on_alarm(signum, frame):
        raise _Timeout()

    old_handler = signal.signal(signal.SIGALRM, on_alarm)
    old_timer = signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)
    try:
        yield
    except _Timeout:
        raise LearnerError(
            f"your code ran for more than {seconds:g} s and was stopped — is there a loop "
            "that never ends (a `while` whose condition never becomes false)?",
            kind="timeout",
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        if old_timer[0]:
            signal.setitimer(signal.ITIMER_REAL, *old_timer)


def learner_frame(exc: BaseException) -> str:
    """``line 3 of your function dO_dw1`` for the innermost frame outside the course package."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if "/course/" not in f.filename.replace("\\", "/")]
    if not frames:
        return ""
    f = frames[-1]
    code = f" (`{f.line.strip()}`)" if f.line else ""
    return f" in {f.name}, line {f.lineno}{code}"


def call_learner(fn, *args, **kwargs):
    """Call ``fn(*args, **kwargs)``, turning every failure into a learner-facing error.

    Output printed by ``fn`` is captured (at most a few thousand characters kept) so a
    function that prints megabytes cannot flood the notebook.

    Raises
    ------
    NotAttempted
        ``fn`` raised ``NotImplementedError`` (the stub is still there).
    LearnerError
        ``fn`` raised anything else, called ``sys.exit``, or printed too much.
    """
    sink = _BoundedText()
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            return fn(*args, **kwargs)
    except _Timeout:
        raise
    except NotImplementedError as err:
        raise NotAttempted(str(err)) from None
    except SystemExit as err:
        raise LearnerError(
            f"your code called exit()/sys.exit({err.code!r}); a checked function should "
            "return its answer instead", kind="exit",
        ) from None
    except RecursionError as err:
        raise LearnerError(
            f"your code recursed too deeply{learner_frame(err)} — does a function call "
            "itself without a base case?", kind="exception",
        ) from None
    except Exception as err:
        raise LearnerError(
            f"your code raised {type(err).__name__}: {err}{learner_frame(err)}",
            kind="exception",
        ) from None
