"""The operating-system sandbox every submission runs in (bubblewrap).

``Sandbox(box, keys=False).command(argv)`` wraps a command in ``bwrap`` so that it runs

- as an unprivileged user in a user namespace of its own (uid 1000, no capabilities);
- in its own PID namespace (the command is PID 2 under bwrap's reaper; when it ends,
  every process it started is killed with it) that dies with the grader
  (``--die-with-parent``);
- without network (``--unshare-net``: only its own loopback) and without IPC, UTS or
  cgroup namespaces shared with the grader;
- with a private ``HOME``, ``/tmp``, ``/dev/shm``, ``/run`` and (for the notebook's
  sandbox) ``/box``: each a tmpfs of a fixed size (``SCRATCH``: their sum bounds the memory
  one sandbox can fill with files; nothing it writes reaches the grader's disk) and a
  read-only root and ``/dev`` (nothing else is writable);
- seeing, read-only, only the system libraries, the Python installation, and a *public*
  copy of the ``course`` package (no ``course/_grading/exercises``: no answer keys), mounted
  where ``course`` is installed — plus, for the answer server, its own empty submission
  folder read-only (``/box``). No other submission, no output folder, no journal, no
  grader HOME is visible.

Limits (CPU seconds, address space, processes, open files, file size) are set by the
command itself before any learner code runs (``course._grading.batch.inside``).

No sandbox of a submission ever sees the answer keys: every check runs in the grader
(``course._grading.batch.verdicts``). (``check_works`` mounts the real package only to
print ``1``.)
"""

from __future__ import annotations

import compileall
import functools
import os
import shutil
import sys
import tempfile
from pathlib import Path

__all__ = ["Sandbox", "SandboxUnavailable", "bwrap_path", "public_course", "remove_tree",
           "UNAVAILABLE"]

#: what ``grade`` says when it cannot isolate submissions
UNAVAILABLE = (
    "bubblewrap (`bwrap`) is not installed or cannot create user namespaces here, so "
    "submissions cannot be isolated from the grader, its answer keys and each other. "
    "Install it (Debian/Ubuntu: `apt-get install bubblewrap`; it needs Linux with user "
    "namespaces), or — only for notebooks you trust — pass --unsafe-no-sandbox")

_SYSTEM = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin")
_ETC = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
        "/etc/nsswitch.conf", "/etc/passwd", "/etc/group", "/etc/alternatives",
        "/etc/fonts", "/etc/mime.types")
BOX = "/box"
HOME = "/home/learner"
_MB = 1024 ** 2
#: the writable tmpfs mounts of each kind of sandbox and their sizes in bytes; a sandbox's
#: files live in memory, so the sum is what one sandbox can take (execute: 544 MB, serve:
#: 178 MB), and the watchdog bounds the number of files in them (``watchdog.Limits``)
SCRATCH = {
    "execute": {BOX: 256 * _MB, "/tmp": 192 * _MB, "/home": 64 * _MB, "/dev/shm": 31 * _MB,
                "/run": 1 * _MB},
    "serve": {"/tmp": 128 * _MB, "/home": 32 * _MB, "/dev/shm": 17 * _MB, "/run": 1 * _MB},
}


class SandboxUnavailable(RuntimeError):
    """``bwrap`` is missing or does not work on this machine."""


def bwrap_path() -> str | None:
    """The ``bwrap`` executable, or ``None``."""
    return shutil.which("bwrap")


def _course_dir() -> Path:
    """The installed ``course`` package (this file is course/_grading/batch/sandbox.py)."""
    return Path(__file__).resolve().parents[2]


def public_course(into: Path) -> Path:
    """A copy of the ``course`` package without the answer keys, compiled; its folder."""
    target = into / "course"
    keys = _course_dir() / "_grading" / "exercises"

    def ignore(folder, names):
        skip = {n for n in names if n in ("__pycache__", "tests") or n.endswith(".pyc")}
        if Path(folder).resolve() == keys.parent:
            skip.add("exercises")
        return skip

    shutil.copytree(_course_dir(), target, ignore=ignore)
    compileall.compile_dir(str(target), quiet=2, workers=1)
    return target


def _python_roots() -> list[str]:
    """Folders holding the interpreter, its standard library and site-packages."""
    roots = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix,
                                            sys.base_exec_prefix)}
    roots.add(os.path.dirname(os.path.dirname(os.path.realpath(sys.executable))))
    return sorted(r for r in roots if r and r != "/")


class Sandbox:
    """The ``bwrap`` command line for one submission.

    Parameters
    ----------
    box : Path
        The submission's own folder on the grader's side, seen as ``/box`` inside.
    public : Path or None
        The public ``course`` copy (``public_course``); ``None`` mounts the real package
        (only ``check_works`` does, to see that a sandbox starts).
    mode : str
        ``"execute"`` (the notebook's: ``/box`` is a private tmpfs) or ``"serve"`` (the
        answer server's: ``/box`` is the grader's empty folder, read-only).
    """

    def __init__(self, box: Path, public: Path | None, mode: str = "serve"):
        self.box, self.public, self.mode = Path(box), public, mode
        self.scratch = SCRATCH[mode]
        self.bwrap = bwrap_path()
        if self.bwrap is None:
            raise SandboxUnavailable(UNAVAILABLE)

    def _mounts(self) -> list[str]:
        args: list[str] = []
        for path in _SYSTEM:
            if os.path.islink(path):
                args += ["--symlink", os.readlink(path), path]
            elif os.path.isdir(path):
                args += ["--ro-bind", path, path]
        for path in _ETC:
            if os.path.exists(path):
                args += ["--ro-bind", path, path]
        for root in _python_roots():
            args += ["--ro-bind", root, root]
        course_dir = str(_course_dir())
        args += ["--ro-bind", str(self.public) if self.public else course_dir, course_dir]
        if BOX not in self.scratch:
            args += ["--ro-bind", str(self.box), BOX]
        return args

    def _scratch(self) -> list[str]:
        args: list[str] = []
        for mount, size in self.scratch.items():
            args += ["--size", str(size), "--tmpfs", mount]
        return args

    def command(self, argv: list[str]) -> list[str]:
        """``argv`` wrapped in ``bwrap``."""
        return [
            self.bwrap, "--unshare-all", "--unshare-user", "--uid", "1000", "--gid", "1000",
            "--die-with-parent", "--new-session", "--proc", "/proc", "--dev", "/dev",
            *self._scratch(), "--dir", HOME, *self._mounts(), "--remount-ro", "/dev",
            "--remount-ro", "/", "--chdir", BOX, "--clearenv",
            "--setenv", "HOME", HOME, "--setenv", "TMPDIR", "/tmp",
            "--setenv", "PATH", f"{os.path.dirname(sys.executable)}:/usr/bin:/bin",
            "--setenv", "LANG", "C.UTF-8", "--setenv", "COURSE_GRADING", "1",
            "--setenv", "COURSE_PROGRESS_FILE", f"{HOME}/progress.json",
            "--setenv", "MPLBACKEND", "Agg", "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
            "--setenv", "OPENBLAS_NUM_THREADS", "1", "--setenv", "OMP_NUM_THREADS", "1",
            "--setenv", "JUPYTER_PLATFORM_DIRS", "1",
            "--", *argv]


def remove_tree(path: Path) -> None:
    """Remove a folder whatever is in it (a tree 5,000 levels deep, a file the sandbox
    made unreadable); never raises. ``shutil.rmtree`` recurses per level in older
    Pythons, so ``rm -rf --one-file-system`` does it, then ``rmtree`` for what is left."""
    import shutil
    import subprocess

    try:
        subprocess.run(["rm", "-rf", "--one-file-system", "--", str(path)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120,
                       check=False)
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        shutil.rmtree(path, ignore_errors=True)
    except (RecursionError, OSError):
        pass


def unsandboxed_command(argv: list[str]) -> list[str]:
    """``argv`` as it runs with ``--unsafe-no-sandbox``: no isolation at all."""
    return list(argv)


@functools.cache
def check_works(tmp: Path | None = None) -> str | None:
    """``None`` when a sandbox starts here, else why not (for the message)."""
    import subprocess

    if bwrap_path() is None:
        return UNAVAILABLE
    with tempfile.TemporaryDirectory(dir=tmp) as box:
        sandbox = Sandbox(Path(box), public=None)
        try:
            proc = subprocess.run(sandbox.command([sys.executable, "-I", "-c", "print(1)"]),
                                  capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as err:
            return f"{UNAVAILABLE} ({type(err).__name__}: {err})"
    if proc.returncode != 0 or proc.stdout.strip() != b"1":
        why = proc.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        return f"{UNAVAILABLE} (bwrap said: {why[0][:200]})"
    return None
