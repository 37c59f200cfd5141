"""A sandboxed process seen from the grader: JSON lines in, plain JSON lines out.

``SandboxProcess`` starts a command (already wrapped by ``course._grading.batch.sandbox``),
writes requests to its stdin and reads its stdout through a pipe the grader created — never
a file the learner could replace — with a deadline per read and a size limit per line.
``close`` kills its whole process group; bwrap's PID namespace takes every process the
learner started with it.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import time

from course._grading.batch.wire import MAX_LINE, WireError, dumps, loads

__all__ = ["SandboxProcess", "ChannelClosed", "ChannelTimeout"]


class ChannelClosed(Exception):
    """The process ended (or wrote something that is not a message) before answering."""


class ChannelTimeout(Exception):
    """The process did not answer before the deadline."""


class SandboxProcess:
    """One process in a sandbox, and the two pipes to it."""

    def __init__(self, command: list[str], cwd: str | None = None, env: dict | None = None):
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, cwd=cwd, env=env,
                                     start_new_session=True)
        self._buffer = b""
        self.fd = self.proc.stdout.fileno()

    def send(self, message: dict) -> None:
        """Write one request; ``ChannelClosed`` when the process is gone."""
        try:
            self.proc.stdin.write(dumps(message))
            self.proc.stdin.flush()
        except (OSError, ValueError):
            raise ChannelClosed("the process stopped reading") from None

    def receive(self, deadline: float) -> dict:
        """The next message, read before ``deadline`` (``time.monotonic()``)."""
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChannelTimeout()
            ready, _, _ = select.select([self.fd], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                raise ChannelClosed("the process ended")
            self._buffer += chunk
            if len(self._buffer) > MAX_LINE and b"\n" not in self._buffer:
                raise ChannelClosed("a message longer than the limit")
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            return loads(line)
        except WireError as err:
            raise ChannelClosed(f"not a message: {err}") from None

    @property
    def exit_code(self) -> int | None:
        return self.proc.poll()

    def close(self) -> int | None:
        """Kill the process group (the sandbox and all in it); its exit code."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                self.proc.kill()
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass
        return self.proc.wait()
