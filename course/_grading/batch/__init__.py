"""``python -m course grade``: grade a folder of submitted notebooks into a CSV.

Each submission runs in an operating-system sandbox (``sandbox``, bubblewrap): its notebook
in fresh kernels (``execute``, driven by ``inside``), its answers served from a second
sandbox (``serve``). The checks run here, in the grader, calling the learner's functions
over a channel of plain numbers and arrays (``remote``, ``wire``, ``verdicts``); results
become one CSV row, a JSON record and a feedback file (``report``), all written here.
Every submission gets a row, whatever it is.

Exit code: 0 when every submission was fully graded, 1 when any could not be (the
``reason`` column says why), 2 for a usage error, 130 after Ctrl-C (the rows graded by then
are written; the others say they were not graded).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from course._grading.batch.model import ExerciseGrade, GradingOptions, SubmissionGrade

__all__ = ["add_arguments", "main", "grade", "GradingOptions", "SubmissionGrade",
           "ExerciseGrade"]


def _positive(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
        return value
    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m course grade``."""
    parser.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION",
                        help="notebooks (.ipynb) or folders of them (searched recursively)")
    parser.add_argument("--out", type=Path, default=Path("grades.csv"),
                        help="the CSV to write (default grades.csv); a .json with every "
                             "detail and a <name>_feedback/ folder are written beside it")
    parser.add_argument("--timeout", type=_positive(float), default=30.0, metavar="SECONDS",
                        help="time limit per notebook cell (default 30)")
    parser.add_argument("--budget", type=_positive(float), default=None, metavar="SECONDS",
                        help="time limit per submission, restarts included "
                             "(default 10 × timeout + 60)")
    parser.add_argument("--jobs", "-j", type=_positive(int), default=1, metavar="N",
                        help="submissions graded in parallel (default 1)")
    parser.add_argument("--lesson", metavar="NN_name",
                        help="the lesson every submission should be; others score 0")
    parser.add_argument("--cases", type=_positive(int), default=200, metavar="N",
                        help="random cases per exercise (default 200; the notebook uses 48)")
    parser.add_argument("--seed", type=int, default=GradingOptions.seed,
                        help="seed of the grading cases")
    parser.add_argument("--no-install-check", action="store_true",
                        help="kept for old scripts; has no effect (the sandbox sees the "
                             "installation read-only)")
    parser.add_argument("--unsafe-no-sandbox", action="store_true",
                        help="run submissions WITHOUT the bubblewrap sandbox: only for "
                             "notebooks you trust (they could read the answer keys, change "
                             "other grades and the grader's files)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    parser.add_argument("--resume", action="store_true",
                        help="after a run that was killed: keep the rows it finished (from "
                             "<out>.journal.jsonl) and do not run again the notebook that was "
                             "running when it stopped")


def journal_path(out: Path) -> Path:
    """Where a run records each submission as it starts and ends (removed when it ends)."""
    out = Path(out)
    return out.with_name(f"{out.stem}.journal.jsonl")


_MAX_JOURNAL = 256 * 1024 ** 2


def _open_regular(path: Path, flags: int) -> int:
    """Open ``path`` without blocking and only if it is a regular file (not a FIFO, a
    device or a symbolic link); a descriptor in blocking mode again."""
    import os
    import stat

    fd = os.open(path, flags | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a regular file")
        os.set_blocking(fd, True)
    except OSError:
        os.close(fd)
        raise
    return fd


def journal_key(journal: Path, create: bool = False) -> bytes | None:
    """The key that signs ``journal``'s lines: kept in the grader's own cache folder
    (``~/.cache/course-grade/keys``, readable by its user only), never beside the journal
    and never in a sandbox. ``create`` makes a new one (a run that starts over)."""
    import hashlib
    import os
    import secrets

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = cache / "course-grade" / "keys"
    name = hashlib.sha256(str(Path(journal).resolve()).encode()).hexdigest()[:40]
    path = folder / name
    try:
        if create:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            key = secrets.token_bytes(32)
            fd = _open_regular(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            with os.fdopen(fd, "wb") as fh:
                fh.write(key)
            return key
        with os.fdopen(_open_regular(path, os.O_RDONLY), "rb") as fh:
            key = fh.read(64)
        return key if len(key) == 32 else None
    except OSError:
        return None


def _mac(key: bytes, entry: dict) -> str:
    import hashlib
    import hmac
    import json

    body = json.dumps(entry, ensure_ascii=False, sort_keys=True)
    return hmac.new(key, body.encode("utf-8", "backslashreplace"), hashlib.sha256).hexdigest()


def journal_line(key: bytes, entry: dict) -> str:
    """One signed line of the journal."""
    import json

    return json.dumps({**entry, "mac": _mac(key, entry)}, ensure_ascii=False) + "\n"


def _read_journal(path: Path, key: bytes | None = None) -> tuple[dict, set]:
    """``(rows finished, names started but never finished)`` of an interrupted run.

    Only this grader writes the journal (no sandbox can see it), and it signs every line
    (``journal_key``): a line without its signature — or all of them, when the key is gone
    — is not trusted. It is read without blocking, only when it is a regular file, and at
    most ``_MAX_JOURNAL`` bytes.
    """
    import hmac
    import json
    import os

    done, started = {}, set()
    key = key or journal_key(path)
    if key is None:
        return done, started
    try:
        fd = _open_regular(path, os.O_RDONLY)
    except OSError:
        return done, started
    with os.fdopen(fd, "rb") as fh:
        lines = fh.read(_MAX_JOURNAL).decode("utf-8", errors="replace").splitlines()
    for line in lines:
        try:
            event = json.loads(line)
            mac = event.pop("mac")
            if not (isinstance(mac, str) and hmac.compare_digest(mac, _mac(key, event))):
                continue                  # not a line this grader wrote
            name = str(event["file"])
            if event["event"] == "start":
                started.add(name)
            elif event["event"] == "done":
                done[name] = SubmissionGrade.from_json(event["row"])
            elif event["event"] == "cancel":         # Ctrl-C stopped it: run it again
                started.discard(name)
        except (ValueError, KeyError, TypeError, AttributeError):
            continue                  # a line cut short when the run was killed
    return done, started - set(done)


def grade(paths, out: Path, options: GradingOptions, jobs: int = 1,
          progress: bool = True, between=None, resume: bool = False) -> list[SubmissionGrade]:
    """Grade ``paths`` (files or folders) and write ``out``; the rows, one per submission.

    With ``resume``, the rows an interrupted run (killed, e.g. by a notebook) finished are
    kept from its journal, and a notebook that was running when it stopped is not run again:
    its row says so.

    Raises
    ------
    course._grading.batch.collect.UsageError
        Nothing to grade, or a path does not exist.
    """
    import os

    from course._grading.batch.collect import find_submissions
    from course._grading.batch.pipeline import grade_all
    from course._grading.batch.report import write_outputs

    start = time.monotonic()
    found = find_submissions(paths)
    names = [str(p) for p in found]
    journal = journal_path(out)
    kept, stopped_in = _read_journal(journal) if resume else ({}, set())
    key = (journal_key(journal) if resume else None) or journal_key(journal, create=True)
    if key is None:
        import secrets

        key = secrets.token_bytes(32)         # no cache folder: this run's rows only
    for name in stopped_in:
        kept[name] = SubmissionGrade(file=name, notes=[
            "grading stopped while this notebook ran (did it kill the grader?); on --resume "
            "it was not run again: not graded"])
    todo = [(p, n) for p, n in zip(found, names) if n not in kept]
    trouble: list[str] = []
    fh = _open_journal(journal, resume and bool(kept), trouble)

    def record(event: str, name: str, row: SubmissionGrade | None) -> None:
        """One signed line; a journal that cannot be written (a full disk) is reported
        and given up, never the run."""
        if fh is None:
            return
        entry = {"event": event, "file": name}
        if row is not None:
            entry["row"] = row.to_json()
        try:
            fh.write(journal_line(key, entry))
            fh.flush()
            os.fsync(fh.fileno())
        except OSError as err:
            if not trouble:
                trouble.append(f"the journal {journal} could not be written ({err}): this "
                               "run cannot be resumed, but every row is still written")
                print(f"grade: {trouble[-1]}", file=sys.stderr)

    try:
        graded = grade_all([p for p, _ in todo], options, jobs=jobs, progress=progress,
                           names=[n for _, n in todo], between=between, journal=record)
    finally:
        if fh is not None:
            try:
                fh.close()
            except OSError:
                pass
    by_name = {**kept, **{row.file: row for row in graded}}
    rows = [by_name[n] for n in names]
    write_outputs(rows, out, options, elapsed=time.monotonic() - start)
    if any(row.interrupted for row in rows):
        return rows                  # the journal stays: --resume grades the rest
    journal.unlink(missing_ok=True)
    _forget_key(journal)
    return rows


def _open_journal(journal: Path, append: bool, trouble: list):
    """The journal, open for writing; ``None`` (and why, in ``trouble``) when it cannot be
    (a full disk, a folder that is not writable): the run goes on without it."""
    import os

    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    try:
        journal.parent.mkdir(parents=True, exist_ok=True)
        return os.fdopen(_open_regular(journal, flags), "w", encoding="utf-8",
                         errors="backslashreplace")
    except OSError as err:
        trouble.append(f"the journal {journal} could not be opened ({err}): this run cannot "
                       "be resumed")
        print(f"grade: {trouble[-1]}", file=sys.stderr)
        return None


def _forget_key(journal: Path) -> None:
    import hashlib
    import os

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    name = hashlib.sha256(str(Path(journal).resolve()).encode()).hexdigest()[:40]
    (cache / "course-grade" / "keys" / name).unlink(missing_ok=True)


def _check_usage(args) -> str | None:
    from course._grading.batch.collect import known_lessons

    if args.out.suffix.lower() == ".json":
        return f"--out {args.out}: give the CSV's name (the JSON is written beside it)"
    if args.out.exists() and args.out.is_dir():
        return f"--out {args.out} is a folder; give a file name such as grades.csv"
    if args.lesson and args.lesson not in known_lessons():
        return (f"--lesson {args.lesson!r} is not a lesson with checked exercises; expected "
                f"one of: {', '.join(known_lessons())}")
    return None


def _adopt_orphans() -> None:
    """With ``--unsafe-no-sandbox`` only: become the parent of every process a notebook
    starts and then abandons (Linux's child subreaper), so that none outlives grading."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)    # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass                     # not Linux: kernels' process groups are still ended


def _end_leftovers() -> int:
    """Kill and reap every child still alive (kernels and checkers are done by now:
    what is left was started by a notebook); how many there were."""
    import os
    import signal

    ended = 0
    for _ in range(20):                       # orphans of the ones killed come up next
        kids = []
        for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == os.getpid():
                kids.append(int(entry))
        if not kids:
            break
        for pid in kids:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                ended += 1
            except (ProcessLookupError, ChildProcessError):
                pass
        time.sleep(0.05)
    return ended


def main(args) -> int:
    """Run ``python -m course grade`` with parsed ``args``; the exit code."""
    from course._grading.batch.collect import UsageError

    problem = _check_usage(args)
    if problem:
        print(f"grade: {problem}", file=sys.stderr)
        return 2
    if not args.unsafe_no_sandbox:
        from course._grading.batch.sandbox import check_works

        why = check_works()
        if why:
            print(f"grade: {why}", file=sys.stderr)
            return 2
    else:
        print("grade: --unsafe-no-sandbox: submissions run WITHOUT isolation; grade only "
              "notebooks you trust", file=sys.stderr)
    options = GradingOptions(timeout=args.timeout, budget=args.budget, lesson=args.lesson,
                             n_cases=args.cases, seed=args.seed,
                             sandbox=not args.unsafe_no_sandbox)
    journal = journal_path(args.out)
    if journal.exists() and not args.resume:
        print(f"grade: {journal} is left from a run that stopped before it ended (a notebook "
              "may have killed it): add --resume to keep that run's rows and skip the notebook "
              "it stopped in; starting over now", file=sys.stderr)
    unsafe = args.unsafe_no_sandbox          # without PID namespaces, leftovers are ours
    if unsafe:
        _adopt_orphans()
    try:
        rows = grade(args.submissions, args.out, options, jobs=args.jobs,
                     progress=not args.quiet, between=_end_leftovers if unsafe else None,
                     resume=args.resume)
    except UsageError as err:
        print(f"grade: {err}", file=sys.stderr)
        return 2
    finally:
        leftovers = _end_leftovers() if unsafe else 0
    if leftovers:
        print(f"grade: ended {leftovers} process(es) that notebooks had left running",
              file=sys.stderr)
    incomplete = [r for r in rows if not r.fully_graded]
    if any(r.interrupted for r in rows):
        print(f"grade: interrupted (Ctrl-C): wrote {args.out} with the "
              f"{sum(r.fully_graded for r in rows)} submission(s) graded before it; the others "
              "say \"not graded\" (--resume grades them)", file=sys.stderr)
        return 130
    print(f"graded {len(rows) - len(incomplete)} of {len(rows)} submissions fully; "
          f"wrote {args.out}, {args.out.with_suffix('.json')} and "
          f"{args.out.with_name(args.out.stem + '_feedback')}/")
    for r in incomplete:
        print(f"  not fully graded: {r.file}: {r.reason or 'see the JSON'}", file=sys.stderr)
    return 1 if incomplete else 0
