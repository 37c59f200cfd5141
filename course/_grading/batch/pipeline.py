"""Grading one submission end to end, and a batch of them in parallel.

Per submission, in a private folder (its *box*) that only its own sandboxes see:

1. ``execute``: the notebook runs in a sandbox (``course._grading.batch.sandbox``) in fresh
   kernels; its answers are copied out of the kernel into the box. The report it prints
   is read as plain data and only describes this submission.
2. ``serve``: a second sandbox (started at the same time, so its imports overlap the
   notebook's run) loads the answers; every check runs here, in the grader, with its
   answer key, calling the learner's functions over the channel and answering the
   callbacks of the functions it handed them (``remote``, ``verdicts``).

``grade_submission`` never raises: whatever happens the submission gets a row whose notes
say why. Rows, the journal and every output file are written here, never in a sandbox.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from course._grading.batch.channel import ChannelClosed, ChannelTimeout, SandboxProcess, kill_all
from course._grading.batch.collect import lesson_exercises, read_submission
from course._grading.batch.inside import MAX_ANSWERS
from course._grading.batch.model import ExerciseGrade, GradingOptions, SubmissionGrade
from course._grading.batch.remote import AnswerSession
from course._grading.batch.sandbox import remove_tree
from course._grading.batch.verdicts import grade_with_values
from course._grading.guards import _Timeout

__all__ = ["Batch", "grade_submission", "grade_all"]

_GRACE = 20.0           # seconds the execution sandbox gets past the budget to report


class Batch:
    """What the submissions of one run share: the options and the public course copy —
    and the sandboxes started ahead for the submissions next in line (``prepare``)."""

    def __init__(self, options: GradingOptions):
        from course._grading.batch.sandbox import public_course

        self.options = options
        self.lock = threading.Lock()
        self.root = Path(tempfile.mkdtemp(prefix="course-grade-"))
        self.public = public_course(self.root) if options.sandbox else None
        #: called after each submission (jobs == 1); unused with the sandbox
        self.between: Callable[[], int] | None = None
        self._ahead: dict[int, Prepared | None] = {}     # None: being started
        #: set on Ctrl-C: what finishes after it is not graded
        self.stopping = threading.Event()
        self._taken: set[int] = set()
        self._closed = False

    def command(self, box: Path, mode: str) -> list[str]:
        """``python -m course._grading.batch.inside MODE CPU BOX`` for ``box``, sandboxed."""
        cpu = self.options.total_budget * 2 if mode == "execute" else \
            _MAX_EXERCISES * (self.options.check_timeout + 5)
        argv = [sys.executable, "-I", "-B", "-m", "course._grading.batch.inside", mode,
                f"{cpu:g}", self.box_path(box)]
        if not self.options.sandbox:
            return argv
        from course._grading.batch.sandbox import Sandbox

        return Sandbox(box, public=self.public, mode=mode).command(argv)

    def limits(self, mode: str):
        """What one sandbox of ``mode`` may use, all its processes together (the watchdog
        enforces it from outside; ``None`` without the sandbox: no PID namespace to watch)."""
        if not self.options.sandbox:
            return None
        from course._grading.batch.sandbox import SCRATCH
        from course._grading.batch.watchdog import Limits

        return Limits(processes=MAX_PROCESSES, cpu_seconds=self.options.total_budget + 30,
                      files=MAX_FILES, mounts=tuple(SCRATCH[mode].items()))

    def box_path(self, box: Path) -> str:
        """The box as the sandboxed process sees it."""
        from course._grading.batch.sandbox import BOX

        return BOX if self.options.sandbox else str(box)

    def prepare(self) -> Prepared:
        """A new box and its two sandboxes, started now: the notebook's (which starts its
        first kernel at once) and the answer server (which imports)."""
        if self.stopping.is_set():
            raise ChannelClosed("grading was interrupted")       # Ctrl-C: no new sandbox
        box = Path(tempfile.mkdtemp(prefix="box-", dir=self.root))
        box.chmod(0o700)
        prepared = Prepared(box)
        try:
            prepared.execute = SandboxProcess(self.command(box, "execute"), cwd=str(box),
                                              limits=self.limits("execute"))
            prepared.session = AnswerSession(self.command(box, "serve"),
                                             {"box": self.box_path(box)},
                                             limits=self.limits("serve"))
            prepared.session.stopping = self.stopping
            prepared.session.launch()
        except BaseException:
            prepared.close()
            raise
        return prepared

    def ahead(self, index: int) -> None:
        """Start the sandboxes of submission ``index`` now, while others are graded (with
        the sandbox only: without it, ``between`` ends every process between submissions)."""
        if not self.options.sandbox or self.between is not None:
            return
        with self.lock:
            if self._closed or index in self._ahead:
                return
            self._ahead[index] = None                      # claimed
        try:
            prepared = self.prepare()
        except (OSError, ChannelClosed):
            prepared = None
        with self.lock:
            if self._closed or prepared is None or index in self._taken:
                self._ahead.pop(index, None)
            else:
                self._ahead[index] = prepared
                return
        if prepared is not None:
            prepared.close()

    def take(self, index: int) -> Prepared | None:
        """The sandboxes started ahead for submission ``index``, if any."""
        with self.lock:
            self._taken.add(index)
            return self._ahead.pop(index, None)

    def close(self) -> None:
        with self.lock:
            self._closed = True
            left, self._ahead = [p for p in self._ahead.values() if p], {}
        for prepared in left:
            prepared.close()
        remove_tree(self.root)

    def stop(self) -> None:
        """Ctrl-C: no new sandbox starts, and every running one is killed."""
        self.stopping.set()
        with self.lock:
            self._closed = True
        kill_all()


#: an upper bound on one lesson's exercises, for the answer server's early CPU limit
_MAX_EXERCISES = 40
#: processes one sandbox may hold at once, and files in each of its tmpfs mounts
MAX_PROCESSES = 32
MAX_FILES = 20_000


class Prepared:
    """One submission's box and the two sandboxes started for it."""

    def __init__(self, box: Path):
        self.box = box
        self.execute: SandboxProcess | None = None
        self.session: AnswerSession | None = None

    def close(self) -> None:
        """Kill both sandboxes (and all in them), then remove the box. Idempotent."""
        execute, session, self.execute, self.session = self.execute, self.session, None, None
        if execute is not None:
            execute.close()
        if session is not None:
            session.close()
        remove_tree(self.box)


def _strings(value, limit: int = 50, size: int = 500) -> list[str]:
    return [v[:size] for v in value[:limit] if isinstance(v, str)] \
        if isinstance(value, list) else []


def _cell_errors(value) -> list[dict]:
    out = []
    for e in value[:200] if isinstance(value, list) else ():
        if isinstance(e, dict) and type(e.get("cell")) is int:
            out.append({"cell": e["cell"], "ename": str(e.get("ename"))[:100],
                        "evalue": str(e.get("evalue", ""))[:200]})
    return out


def _execute(row: SubmissionGrade, sub, names, prepared: Prepared, batch: Batch,
             deadline: float):
    """Run the notebook in its sandbox; whether its answers were copied out."""
    options = batch.options
    job = {"notebook": sub.nb, "names": names, "timeout": options.timeout,
           "budget": options.total_budget, "max_restarts": options.max_restarts,
           "seconds": max(1.0, deadline - time.monotonic()),
           "box": batch.box_path(prepared.box), "cpu_seconds": options.total_budget * 2}
    process = prepared.execute
    data = b""
    try:
        process.send(job, deadline + _GRACE)
        report = process.receive(deadline + _GRACE)
        size = report.get("answers_bytes") if report.get("answers") is True else 0
        if type(size) is int and 0 < size <= MAX_ANSWERS:
            data = process.receive_bytes(size, deadline + _GRACE)
    except ChannelTimeout:
        row.executed = True
        row.notes.append(f"stopped after its time budget of {options.total_budget:g} s")
        return False
    except ChannelClosed:
        if process.stopped_because:
            row.executed = True
            row.notes.append(f"the notebook's sandbox was stopped: {process.stopped_because}")
        else:
            row.notes.append("the process that ran this notebook was ended from inside it "
                             "(did the notebook kill its own parent process?): not graded")
        return False
    finally:
        process.close()
    if data:
        # handed to the answer server as it came: never parsed, let alone unpickled, here
        prepared.session.job["answers"] = data.decode("utf-8", errors="replace")
    row.executed = True
    row.notes += _strings(report.get("notes"))
    row.cell_errors = _cell_errors(report.get("cell_errors"))
    if report.get("answers") is not True and report.get("out_of_time") is not True:
        row.notes.append("the answers could not be copied out of the notebook's kernel (did a "
                         "cell replace open, json or cloudpickle?)")
    return bool(data)


def _apply(row: SubmissionGrade, records: dict) -> None:
    for grade in row.exercises:
        rec = records.get(grade.exercise_id)
        if not rec:
            continue
        grade.status = str(rec.get("status", "not graded"))
        # the points follow from the verdict here, never from what a sandbox said
        grade.points = grade.max_points if grade.status == "passed" else 0.0
        grade.mistake = rec.get("mistake")
        grade.summary = str(rec.get("summary", ""))
        grade.feedback = str(rec.get("feedback") or f"{grade.exercise_id}: {grade.summary}")
        grade.n_cases = int(rec.get("n_cases") or 0)
        grade.review = [str(r) for r in rec.get("review") or []]
        optional_and_absent = grade.max_points == 0 and grade.status == "not defined"
        if (grade.status in ("not defined", "not readable") or rec.get("crashed")) \
                and not optional_and_absent:
            row.notes.append(f"{grade.exercise_id}: {grade.summary}")


def _check(row: SubmissionGrade, exercises, batch: Batch, session: AnswerSession) -> dict:
    """A record for every exercise, checked here with the answers in the sandbox — all of
    them within the submission's time budget (``session.budget_deadline``)."""
    records = {ex.id: grade_with_values(ex, session, batch.options) for ex in exercises}
    session.close()
    cut = [i for i, rec in records.items() if rec.get("budget")]
    if cut:
        row.notes.append(f"stopped after its time budget of {batch.options.total_budget:g} s "
                         f"while its answers were checked: {len(cut)} exercise(s) not graded")
    return records


def _grade_into(row: SubmissionGrade, path: Path, batch: Batch,
                prepared: Prepared | None) -> None:
    options = batch.options
    sub = read_submission(path, options.lesson)
    row.lesson = sub.lesson
    lesson = options.lesson or sub.lesson
    row.exercises = [ExerciseGrade(ex.id, ex.answer_name, float(ex.points))
                     for ex in (lesson_exercises(lesson) if lesson else [])]
    if sub.problem:
        row.notes.append(sub.problem)
        return
    exercises = lesson_exercises(row.lesson)
    deadline = time.monotonic() + options.total_budget
    prepared = prepared or batch.prepare()
    session = prepared.session          # (taken now: close() forgets it)
    session.job["cpu_seconds"] = len(exercises) * (options.check_timeout + 5)
    session.budget_deadline = deadline
    try:
        names = [ex.answer_name for ex in exercises]
        copied = _execute(row, sub, names, prepared, batch, deadline)
        if not exercises:
            row.notes.append(f"lesson {row.lesson} has no checked exercises to grade")
        elif copied:
            _apply(row, _check(row, exercises, batch, session))
    finally:
        prepared.close()


def grade_submission(path: Path, batch: Batch, name: str | None = None,
                     prepared: Prepared | None = None) -> SubmissionGrade:
    """Grade one notebook (in ``prepared``'s sandboxes when they were started ahead);
    never raises."""
    start = time.monotonic()
    row = SubmissionGrade(file=name or str(path))
    try:
        _grade_into(row, Path(path), batch, prepared)
    except (Exception, SystemExit, _Timeout) as err:  # every submission gets a row
        row.notes.append(f"internal grader error: {type(err).__name__}: {err}")
    finally:
        if prepared is not None:
            prepared.close()              # (a notebook of another lesson never used them)
    for grade in row.exercises:
        if not grade.has_verdict and not grade.summary:
            grade.summary = "not graded: " + (row.reason or "unknown reason")
            grade.feedback = f"{grade.exercise_id}: {grade.summary}"
    if batch.between is not None:
        ended = batch.between()
        if ended:
            row.notes.append(f"{ended} process(es) the notebook left running were ended")
    row.elapsed = time.monotonic() - start
    return row


INTERRUPTED = "grading was interrupted (Ctrl-C) before this notebook was graded: not graded"


def grade_all(paths, options: GradingOptions, jobs: int = 1, progress: bool = True,
              names=None, between: Callable[[], int] | None = None,
              journal: Callable[[str, str, SubmissionGrade | None], None] | None = None,
              ) -> list[SubmissionGrade]:
    """Grade every path (``jobs`` at a time); rows in the order of ``paths``.

    ``between`` (only used with ``jobs == 1``) is called after each submission and returns
    how many stray processes it ended. ``journal(event, name, row)`` hears ``"start"``
    before and ``"done"`` (with the row) after each submission, so a run that is killed
    can be resumed.

    Ctrl-C (``KeyboardInterrupt``) kills every sandbox and stops at once: the rows finished
    before it are returned, every other row says it was not graded (``interrupted``), and
    the journal hears ``"cancel"`` for the ones that were running (``--resume`` runs them).
    """
    from concurrent.futures import wait

    from tqdm import tqdm

    paths = list(paths)
    names = list(names) if names is not None else [str(p) for p in paths]
    batch = Batch(options)
    batch.between = between if jobs <= 1 else None
    rows: list[SubmissionGrade | None] = [None] * len(paths)
    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    pool_ahead = ThreadPoolExecutor(max_workers=1)
    try:
        with tqdm(total=len(paths), unit="notebook", desc="grading", disable=not progress,
                  dynamic_ncols=True) as bar:
            def one(index, path, name):
                if batch.stopping.is_set():
                    return None
                if journal is not None:
                    with batch.lock:
                        journal("start", name, None)
                prepared = batch.take(index)
                if index + jobs < len(paths):
                    # the submission that starts when a worker is free: its sandboxes and
                    # first kernel start up while this one runs
                    pool_ahead.submit(batch.ahead, index + jobs)
                row = grade_submission(path, batch, name, prepared)
                if batch.stopping.is_set():            # cut short by Ctrl-C: not a grade
                    if journal is not None:
                        with batch.lock:
                            journal("cancel", name, None)
                    return None
                if journal is not None:
                    with batch.lock:
                        journal("done", name, row)
                return row

            futures = {pool.submit(one, i, p, n): i
                       for i, (p, n) in enumerate(zip(paths, names))}
            try:
                for future in as_completed(futures):
                    i = futures[future]
                    rows[i] = future.result()
                    bar.set_postfix_str(Path(paths[i]).name[:30])
                    bar.update()
            except KeyboardInterrupt:
                batch.stop()
                for future in futures:
                    future.cancel()
                wait(futures, timeout=60)        # the running ones see their sandboxes die
                for future, i in futures.items():
                    if future.done() and not future.cancelled() and rows[i] is None \
                            and future.exception() is None:
                        rows[i] = future.result()
    finally:
        pool.shutdown(wait=not batch.stopping.is_set(), cancel_futures=True)
        pool_ahead.shutdown(wait=not batch.stopping.is_set(), cancel_futures=True)
        batch.close()
    for i, row in enumerate(rows):
        if row is None:
            rows[i] = SubmissionGrade(file=names[i], notes=[INTERRUPTED], interrupted=True)
    return rows
