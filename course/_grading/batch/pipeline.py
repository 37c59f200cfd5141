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

from course._grading.batch.channel import ChannelClosed, ChannelTimeout, SandboxProcess
from course._grading.batch.collect import lesson_exercises, read_submission
from course._grading.batch.model import ExerciseGrade, GradingOptions, SubmissionGrade
from course._grading.batch.remote import AnswerSession
from course._grading.batch.verdicts import grade_with_values
from course._grading.guards import _Timeout

__all__ = ["Batch", "grade_submission", "grade_all"]

_GRACE = 20.0           # seconds the execution sandbox gets past the budget to report


class Batch:
    """What the submissions of one run share: the options and the public course copy."""

    def __init__(self, options: GradingOptions):
        from course._grading.batch.sandbox import public_course

        self.options = options
        self.lock = threading.Lock()
        self._tmp = tempfile.TemporaryDirectory(prefix="course-grade-")
        self.root = Path(self._tmp.name)
        self.public = public_course(self.root) if options.sandbox else None
        #: called after each submission (jobs == 1); unused with the sandbox
        self.between: Callable[[], int] | None = None

    def command(self, box: Path, mode: str) -> list[str]:
        """``python -m course._grading.batch.inside MODE`` for ``box``, sandboxed."""
        argv = [sys.executable, "-I", "-B", "-m", "course._grading.batch.inside", mode]
        if not self.options.sandbox:
            return argv
        from course._grading.batch.sandbox import Sandbox

        return Sandbox(box, public=self.public, writable_box=mode == "execute").command(argv)

    def box_path(self, box: Path) -> str:
        """The box as the sandboxed process sees it."""
        from course._grading.batch.sandbox import BOX

        return BOX if self.options.sandbox else str(box)

    def close(self) -> None:
        self._tmp.cleanup()


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


def _execute(row: SubmissionGrade, sub, names, box: Path, batch: Batch, deadline: float):
    """Run the notebook in its sandbox; whether its answers were copied out."""
    options = batch.options
    job = {"notebook": sub.nb, "names": names, "timeout": options.timeout,
           "budget": options.total_budget, "max_restarts": options.max_restarts,
           "seconds": max(1.0, deadline - time.monotonic()), "box": batch.box_path(box),
           "cpu_seconds": options.total_budget * 2}
    process = SandboxProcess(batch.command(box, "execute"), cwd=str(box))
    try:
        process.send(job)
        report = process.receive(deadline + _GRACE)
    except ChannelTimeout:
        row.executed = True
        row.notes.append(f"stopped after its time budget of {options.total_budget:g} s")
        return False
    except ChannelClosed:
        row.notes.append("the process that ran this notebook was ended from inside it (did "
                         "the notebook kill its own parent process?): not graded")
        return False
    finally:
        process.close()
    row.executed = True
    row.notes += _strings(report.get("notes"))
    row.cell_errors = _cell_errors(report.get("cell_errors"))
    if report.get("answers") is not True and report.get("out_of_time") is not True:
        row.notes.append("the answers could not be copied out of the notebook's kernel (did a "
                         "cell replace open, json or cloudpickle?)")
    return report.get("answers") is True


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


def _check(exercises, batch: Batch, session: AnswerSession) -> dict:
    """A record for every exercise, checked here with the answers in the sandbox."""
    records = {ex.id: grade_with_values(ex, session, batch.options) for ex in exercises}
    session.close()
    return records


def _grade_into(row: SubmissionGrade, path: Path, batch: Batch) -> None:
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
    with tempfile.TemporaryDirectory(prefix="box-", dir=batch.root) as tmp:
        box = Path(tmp)
        box.chmod(0o700)
        session = AnswerSession(batch.command(box, "serve"),
                                {"box": batch.box_path(box),
                                 "cpu_seconds": len(exercises) * (options.check_timeout + 5)})
        session.launch()                    # imports while the notebook runs
        try:
            names = [ex.answer_name for ex in exercises]
            copied = _execute(row, sub, names, box, batch, deadline)
            if not exercises:
                row.notes.append(f"lesson {row.lesson} has no checked exercises to grade")
            elif copied:
                _apply(row, _check(exercises, batch, session))
        finally:
            session.close()


def grade_submission(path: Path, batch: Batch, name: str | None = None) -> SubmissionGrade:
    """Grade one notebook; never raises."""
    start = time.monotonic()
    row = SubmissionGrade(file=name or str(path))
    try:
        _grade_into(row, Path(path), batch)
    except (Exception, SystemExit, _Timeout) as err:  # every submission gets a row
        row.notes.append(f"internal grader error: {type(err).__name__}: {err}")
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


def grade_all(paths, options: GradingOptions, jobs: int = 1, progress: bool = True,
              names=None, between: Callable[[], int] | None = None,
              journal: Callable[[str, str, SubmissionGrade | None], None] | None = None,
              ) -> list[SubmissionGrade]:
    """Grade every path (``jobs`` at a time); rows in the order of ``paths``.

    ``between`` (only used with ``jobs == 1``) is called after each submission and returns
    how many stray processes it ended. ``journal(event, name, row)`` hears ``"start"``
    before and ``"done"`` (with the row) after each submission, so a run that is killed
    can be resumed.
    """
    from tqdm import tqdm

    paths = list(paths)
    names = list(names) if names is not None else [str(p) for p in paths]
    batch = Batch(options)
    batch.between = between if jobs <= 1 else None
    rows: list[SubmissionGrade | None] = [None] * len(paths)
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool, \
                tqdm(total=len(paths), unit="notebook", desc="grading", disable=not progress,
                     dynamic_ncols=True) as bar:
            def one(path, name):
                if journal is not None:
                    with batch.lock:
                        journal("start", name, None)
                row = grade_submission(path, batch, name)
                if journal is not None:
                    with batch.lock:
                        journal("done", name, row)
                return row

            futures = {pool.submit(one, p, n): i for i, (p, n) in enumerate(zip(paths, names))}
            for future in as_completed(futures):
                i = futures[future]
                rows[i] = future.result()
                bar.set_postfix_str(Path(paths[i]).name[:30])
                bar.update()
    finally:
        batch.close()
    return rows
