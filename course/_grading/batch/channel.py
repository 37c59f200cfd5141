"""A sandboxed process seen from the grader: JSON lines in, plain JSON lines out.

``SandboxProcess`` starts a command (already wrapped by ``course._grading.batch.sandbox``),
writes requests to its stdin and reads its stdout through pipes the grader created — never
a file the learner could replace — with a deadline on every write and every read (both
pipes are non-blocking: a sandbox that stops reading, or fills its own stdin through
``/proc/self/fd/0``, cannot make the grader wait past the deadline) and a size limit per
line. ``close`` kills its whole process group; bwrap's PID namespace takes every process
the learner started with it. Every live one is in ``LIVE`` (``kill_all`` on Ctrl-C), and
``course._grading.batch.watchdog`` watches its processes, CPU time and files.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import threading
import time
import weakref

from course._grading.batch.wire import MAX_LINE, WireError, dumps, loads

__all__ = ["SandboxProcess", "ChannelClosed", "ChannelTimeout", "kill_all", "LIVE"]

#: how long one write may wait for the sandbox to read, when the caller gives no deadline
SEND_TIMEOUT = 30.0
#: every sandbox process not closed yet
LIVE: weakref.WeakSet = weakref.WeakSet()
_LIVE_LOCK = threading.Lock()


def kill_all() -> int:
    """Kill every sandbox still running (Ctrl-C); how many there were."""
    with _LIVE_LOCK:
        live = list(LIVE)
    for process in live:
        process.kill()
    return len(live)


class ChannelClosed(Exception):
    """The process ended (or wrote something that is not a message) before answering."""


class ChannelTimeout(Exception):
    """The process did not answer before the deadline."""


def _ready(fd: int, event: int, left: float) -> bool:
    """Whether ``fd`` is ready for ``event`` (or has hung up) within ``left`` seconds (at
    most one): ``poll``, which has no limit on descriptor numbers."""
    poller = select.poll()
    poller.register(fd, event)
    return bool(poller.poll(max(0, min(left, 1.0)) * 1000))


class SandboxProcess:
    """One process in a sandbox, and the two pipes to it."""

    def __init__(self, command: list[str], cwd: str | None = None, env: dict | None = None,
                 limits=None):
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, cwd=cwd, env=env,
                                     start_new_session=True, bufsize=0)
        self._buffer = b""
        self.fd = self.proc.stdout.fileno()
        self.wfd = self.proc.stdin.fileno()
        os.set_blocking(self.fd, False)
        os.set_blocking(self.wfd, False)
        #: why the watchdog killed it (``None`` while it has not)
        self.stopped_because: str | None = None
        with _LIVE_LOCK:
            LIVE.add(self)
        if limits is not None:
            from course._grading.batch.watchdog import watch

            watch(self, limits)

    def send(self, message: dict, deadline: float | None = None) -> None:
        """Write one request before ``deadline`` (``time.monotonic()``; default
        ``SEND_TIMEOUT`` from now): ``ChannelTimeout`` when the process does not read it
        by then, ``ChannelClosed`` when it is gone."""
        data = memoryview(dumps(message))
        deadline = time.monotonic() + SEND_TIMEOUT if deadline is None else deadline
        while data:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChannelTimeout()
            try:
                if not _ready(self.wfd, select.POLLOUT, left):
                    continue
                written = os.write(self.wfd, data[:1 << 16])
            except BlockingIOError:
                continue
            except (OSError, ValueError):
                raise ChannelClosed("the process stopped reading") from None
            data = data[written:]

    def _read_more(self, deadline: float, most: int) -> None:
        """Append at most ``most`` bytes to the buffer, waiting no later than ``deadline``."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChannelTimeout()
            if not _ready(self.fd, select.POLLIN, left):
                continue
            try:
                chunk = os.read(self.fd, most)
            except BlockingIOError:
                continue
            except (OSError, ValueError):
                raise ChannelClosed("the process ended") from None
            if not chunk:
                raise ChannelClosed("the process ended")
            self._buffer += chunk
            return

    def receive(self, deadline: float) -> dict:
        """The next message, read before ``deadline`` (``time.monotonic()``)."""
        while b"\n" not in self._buffer:
            self._read_more(deadline, 1 << 20)
            if len(self._buffer) > MAX_LINE and b"\n" not in self._buffer:
                raise ChannelClosed("a message longer than the limit")
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            return loads(line)
        except WireError as err:
            raise ChannelClosed(f"not a message: {err}") from None

    def receive_bytes(self, size: int, deadline: float) -> bytes:
        """Exactly ``size`` raw bytes (after a message announcing them), before ``deadline``."""
        while len(self._buffer) < size:
            self._read_more(deadline, min(1 << 20, size - len(self._buffer)))
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    @property
    def exit_code(self) -> int | None:
        return self.proc.poll()

    def kill(self, why: str | None = None) -> None:
        """SIGKILL the sandbox (its PID namespace goes with it); no waiting, no closing:
        safe from another thread (the watchdog, Ctrl-C)."""
        if why and self.stopped_because is None:
            self.stopped_because = why
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                try:
                    self.proc.kill()
                except OSError:
                    pass

    def close(self) -> int | None:
        """Kill the process group (the sandbox and all in it); its exit code."""
        with _LIVE_LOCK:
            LIVE.discard(self)
        self.kill()
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass
        return self.proc.wait()
