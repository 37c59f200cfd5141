"""What runs inside a submission's sandbox: ``python -m course._grading.batch.inside MODE``.

Everything here shares the sandbox with learner code, so nothing it prints is trusted:
the grader reads it as plain data through ``course._grading.batch.wire`` and uses it only
for the submission it came from.

Modes (each reads one JSON job line on stdin first):

``execute``
    Run the notebook (``execute.execute_submission``: fresh kernels, per-cell limits), copy
    the answers out of the kernel into ``/box/answers.json`` (cloudpickles, rebuilt only
    inside a sandbox), print one report line, then the answers file's bytes (at most
    ``MAX_ANSWERS``): the grader hands them to the answer server in its job line, without
    reading them. This process is not dumpable (``PR_SET_DUMPABLE``), so the kernel it
    starts cannot open its ``/proc/<pid>/fd/1`` — the grader's pipe — to write a report.
``serve``
    The *answer server*: load the answers, print what each one is (a function and its
    signature, a formula string, a number...) — from the answers the job line carries —
    then answer ``call`` requests: call the
    learner's function (or a public driver with the learner's object) with plain
    arguments, send back plain results (or the exception's name and message); the grader's
    functions it hands over are called back over the same channel. The course's public
    functions an exercise forbids are disabled
    while its calls run (``refusals``).
"""

from __future__ import annotations

import json
import os
import resource
import sys

__all__ = ["main", "set_limits"]

_GIB = 1024 ** 3
#: (resource, soft = hard limit) applied before any learner code runs
LIMITS = (
    (resource.RLIMIT_AS, 6 * _GIB),          # address space of each process
    (resource.RLIMIT_NPROC, 256),            # processes of the sandbox's user
    (resource.RLIMIT_NOFILE, 1024),
    (resource.RLIMIT_FSIZE, 256 * 1024 ** 2),  # no file above 256 MB (tmpfs is memory)
    (resource.RLIMIT_CORE, 0),
    (resource.RLIMIT_NICE, 0),               # nice 10 (``NICE``) cannot be lowered again
)
_BOX = ["/box"]
#: the largest answers file the notebook's sandbox hands over (bytes)
MAX_ANSWERS = 64 * 1024 ** 2
#: every process in a sandbox runs at this niceness (the grader's own checks do not)
NICE = 10


def set_limits(cpu_seconds: float) -> None:
    """Lower every limit (soft and hard, so learner code cannot raise them again)."""
    for which, value in (*LIMITS, (resource.RLIMIT_CPU, int(cpu_seconds) + 1)):
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass                               # already lower


def _say(message: dict) -> None:
    from course._grading.batch.wire import dumps

    sys.stdout.buffer.write(dumps(message))
    sys.stdout.buffer.flush()


def _kernel_env() -> dict:
    return {**os.environ, "COURSE_GRADING": "1"}


def _execute(job: dict, km=None) -> None:
    import time
    from pathlib import Path

    import nbformat

    from course._grading.batch.execute import execute_submission
    from course._grading.batch.model import GradingOptions

    nb = nbformat.from_dict(job["notebook"])
    options = GradingOptions(timeout=float(job["timeout"]), budget=float(job["budget"]),
                             max_restarts=int(job["max_restarts"]))
    execution = execute_submission(nb, list(job["names"]), Path(_BOX[0]), options,
                                   time.monotonic() + float(job["seconds"]), _kernel_env(),
                                   km=km)
    data = _read_answers(str(execution.answers_file))
    notes = list(execution.notes)
    if data is not None and len(data) > MAX_ANSWERS:
        notes.append(f"the answers took more than {MAX_ANSWERS >> 20} MB: not graded")
        data = None
    _say({"notes": notes, "cell_errors": execution.cell_errors,
          "completed": execution.completed, "out_of_time": execution.out_of_time,
          "answers": data is not None, "answers_bytes": len(data) if data is not None else 0})
    if data is not None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


def _read_answers(path: str) -> bytes | None:
    """The answers file's bytes (never blocking on a FIFO; one byte past the limit at most)."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            return fh.read(MAX_ANSWERS + 1)
    except OSError:
        return None


def _load_answers(text) -> dict:
    """Answer name -> the learner's object, or ``("problem", message)``; ``text`` is the
    answers file the notebook's sandbox wrote (carried in the job line)."""
    import base64

    import cloudpickle

    from course._grading.batch.extract import SOURCES, refile

    try:
        raw = json.loads(text) if isinstance(text, str) else {}
    except ValueError:
        return {}
    answers, sources = {}, {}
    if isinstance(raw, dict):
        sources = raw.pop(SOURCES, None)
        sources = sources if isinstance(sources, dict) else {}
        _remember_sources(sources.get("cells"))
    for name, entry in raw.items() if isinstance(raw, dict) else ():
        if not isinstance(entry, dict):
            continue
        if entry.get("missing"):
            answers[name] = ("missing", "")
        elif "pickle" not in entry:
            answers[name] = ("error", str(entry.get("error", "unknown error"))[:300])
        else:
            try:
                answers[name] = ("ok", cloudpickle.loads(base64.b64decode(entry["pickle"])))
                refile(answers[name][1], sources.get("codes"))
            except BaseException as err:  # noqa: BLE001 - anything the answer's pickle does
                answers[name] = ("error", f"it could not be rebuilt ({type(err).__name__})")
    return answers


def _remember_sources(sources) -> None:
    """The notebook's cells, so that the answers' tracebacks show the learner's lines."""
    import linecache

    for filename, text in sources.items() if isinstance(sources, dict) else ():
        if isinstance(filename, str) and isinstance(text, str):
            linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)


def _serve(job: dict) -> None:
    from course._grading.batch.serve import AnswerServer

    AnswerServer(_load_answers(job.get("answers")), _say).run(sys.stdin.buffer)


def _prepare(mode: str, box: str | None):
    """Work done before the job arrives (the grader starts this process early, even while
    the previous submission is graded): imports, and for ``execute`` the notebook's first
    kernel, in this sandbox's own box. What ``execute`` returns is that kernel."""
    import numpy  # noqa: F401

    if mode == "serve":
        import cloudpickle  # noqa: F401

        import course._grading.batch.serve  # noqa: F401
        import course._grading.drivers.autograd  # noqa: F401
    if mode == "execute":
        # nbformat imports jsonschema, whose optional IRI format check builds a grammar at
        # import (rfc3987_syntax: seconds of CPU per submission); notebooks need no IRI check
        sys.modules.setdefault("rfc3987_syntax", None)
        import nbformat  # noqa: F401

        from course._grading.batch.execute import prestart_kernel
        if box is not None:
            from pathlib import Path

            try:
                return prestart_kernel(Path(box) / "kernel", _kernel_env())
            except Exception:             # noqa: BLE001 - the first run starts its own
                return None
    return None


def _lower_priority() -> None:
    """Yield the CPU to the grader (``nice``; learner code cannot raise it back) and make
    this process undumpable: its ``/proc/<pid>/fd`` (the grader's pipes) closed to the
    processes it starts."""
    try:
        os.nice(NICE)
    except OSError:
        pass
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)      # PR_SET_DUMPABLE, 0
    except (OSError, AttributeError):
        pass


def main(argv=None) -> int:
    args = list(argv or sys.argv[1:] or [""])
    mode = args[0]
    _lower_priority()
    # ``MODE [CPU_SECONDS BOX]``: the limits hold from the start (a kernel started before
    # the job arrives inherits them), the box is where that kernel runs
    early = len(args) >= 3
    if early:
        _BOX[0] = args[2]
        set_limits(float(args[1]))
    km = _prepare(mode, args[2] if early else None)
    job = json.loads(sys.stdin.buffer.readline() or b"{}")
    _BOX[0] = str(job.get("box", _BOX[0]))
    set_limits(float(job.get("cpu_seconds", 600)))
    if mode == "execute":
        _execute(job, km)
    else:
        _serve(job)
    return 0


if __name__ == "__main__":
    sys.exit(main())
