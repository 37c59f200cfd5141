"""The grader's watchdog over every running sandbox (one thread for all of them).

A sandbox is a PID namespace (bwrap ``--unshare-pid``). Twice a second the watchdog finds
the processes in each one (the host's ``/proc``: the processes whose ``ns/pid`` is the
sandbox's) and kills the whole sandbox (``SandboxProcess.kill``) when

- it holds more than ``Limits.processes`` processes (``RLIMIT_NPROC`` counts per real user,
  and every sandbox runs as the grader's own user outside its namespace, so it cannot
  bound one sandbox: this can);
- its processes together have used more than ``Limits.cpu_seconds`` of CPU (user + system
  time of the living processes and of the children they reaped: ``RLIMIT_CPU`` is per
  process and 200 forked processes would each get it);
- it uses more than one core's share: over the last ``Limits.window`` seconds more than
  ``Limits.burst`` cores, or since it started more than ``Limits.rate`` cores plus
  ``Limits.slack`` seconds (a notebook runs one kernel with single-threaded BLAS: one core;
  busy loops in many processes would otherwise take the CPU from the submissions graded
  beside it, whose cell limits are wall-clock);
- one of its writable tmpfs mounts holds more than ``Limits.files`` files (a tmpfs's size
  bounds its bytes, not the memory its inodes take).

Nothing here trusts the sandbox: it reads only the kernel's accounting, from outside.
Processes in a sandbox also run at ``nice`` 10 (``inside``): learner code yields the CPU to
the grader's own checks and to honest neighbours.
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from dataclasses import dataclass

__all__ = ["Limits", "watch", "members", "usage"]

_TICK = 0.5
_CLOCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class Limits:
    """What one sandbox may use, all its processes together."""

    processes: int = 32
    cpu_seconds: float = 600.0
    files: int = 20_000
    mounts: tuple[tuple[str, int], ...] = ()    # its tmpfs mounts inside, and their sizes
    burst: float = 1.5                  # cores, over ``window`` seconds
    window: float = 3.0
    rate: float = 1.1                   # cores since it started, past ``slack`` seconds
    slack: float = 10.0


_WATCHED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()
_THREAD: list[threading.Thread] = []


def watch(process, limits: Limits) -> None:
    """Watch ``process`` (a ``SandboxProcess``) until it ends."""
    with _LOCK:
        _WATCHED[process] = [limits, None, []]      # limits, its PID namespace, history
        if not _THREAD or not _THREAD[0].is_alive():
            thread = threading.Thread(target=_loop, name="sandbox-watchdog", daemon=True)
            _THREAD[:] = [thread]
            thread.start()


def _ns(pid: int | str) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return None


def _stat(pid: str) -> tuple[int, float] | None:
    """``(parent pid, CPU seconds of it and its reaped children)``."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    try:
        return int(fields[1]), sum(int(f) for f in fields[11:15]) / _CLOCK
    except (ValueError, IndexError):
        return None


def _table() -> dict[str, tuple[int, float, str | None]]:
    """Every process: ``pid -> (parent pid, CPU seconds, PID namespace)``."""
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            found = _stat(entry)
            if found is not None:
                table[entry] = (*found, _ns(entry))
    return table


def members(process, table=None, ns: str | None = None) -> tuple[str | None, list[str]]:
    """``(its PID namespace, the host pids in it)``; ``process`` is a ``SandboxProcess``."""
    table = _table() if table is None else table
    root = process.proc.pid
    if ns is None:
        own = _ns(root)
        ns = next((found for ppid, _, found in table.values()
                   if ppid == root and found and found != own), None)
    if ns is None:
        return None, []
    return ns, [pid for pid, entry in table.items() if entry[2] == ns]


def usage(process, table=None, ns=None) -> tuple[str | None, int, float]:
    """``(PID namespace, processes, CPU seconds)`` of the sandbox."""
    table = _table() if table is None else table
    ns, pids = members(process, table, ns)
    return ns, len(pids), sum(table[p][1] for p in pids)


def _files(pids, mounts) -> int:
    """The most files in one of the sandbox's tmpfs mounts (``(path, size)`` pairs), seen
    through ``/proc/<pid>/root``. A mount counts only when its size is the one it was given:
    a process that has not entered the sandbox's root yet (bwrap setting it up) shows the
    grader's own folders there, which are not the sandbox's."""
    worst = 0
    for pid in pids[:3]:
        for mount, size in mounts:
            try:
                st = os.statvfs(f"/proc/{pid}/root{mount}")
            except OSError:
                continue
            if abs(st.f_blocks * st.f_frsize - size) > 64 * 1024:
                continue
            worst = max(worst, st.f_files - st.f_ffree)
    return worst


def check(process, limits: Limits, ns=None, table=None,
          history: list | None = None) -> tuple[str | None, str | None]:
    """``(PID namespace, why it must stop or None)``; ``history`` holds this sandbox's
    ``(time, CPU seconds)`` of earlier checks."""
    table = _table() if table is None else table
    ns, pids = members(process, table, ns)
    if ns is None:
        return None, None
    if len(pids) > limits.processes:
        return ns, (f"it started more than {limits.processes} processes at once (a fork "
                    "flood?)")
    cpu = sum(table[p][1] for p in pids)
    if cpu > limits.cpu_seconds:
        return ns, (f"its processes used more than {limits.cpu_seconds:g} s of CPU "
                    "together")
    if history is not None:
        now = time.monotonic()
        history.append((now, cpu))
        start_time, start_cpu = history[0]
        while len(history) > 2 and history[1][0] <= now - limits.window:
            history.pop(1)                 # keeps the first (since it started) and a window
        then, before = history[1] if len(history) > 2 else history[0]
        if now - then >= limits.window * 0.8 and \
                cpu - before > limits.burst * (now - then):
            return ns, (f"its processes used more than {limits.burst:g} CPU cores at once "
                        "(busy loops in many processes?)")
        if cpu - start_cpu > limits.rate * (now - start_time) + limits.slack:
            return ns, (f"its processes used more CPU than {limits.rate:g} cores since it "
                        "started")
    if limits.mounts and pids and _files(pids, limits.mounts) > limits.files:
        return ns, f"it created more than {limits.files:,} files"
    return ns, None


def _loop() -> None:
    while True:
        time.sleep(_TICK)
        with _LOCK:
            watched = [(p, entry) for p, entry in _WATCHED.items()]
        live = [(p, e) for p, e in watched if p.proc.poll() is None]
        if not live:
            continue
        try:
            table = _table()
        except OSError:
            continue
        for process, entry in live:
            limits, ns, history = entry
            try:
                ns, why = check(process, limits, ns, table, history)
            except Exception:                    # noqa: BLE001 - the watchdog never dies
                continue
            entry[1] = ns
            if why:
                process.kill(why)
