"""Grading one submission end to end, and a batch of them in parallel.

``grade_submission`` never raises: whatever happens (unreadable file, dead kernel, a
bug in the grader) the submission gets a ``SubmissionGrade`` whose notes say why.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from course._grading.batch.checkrun import CheckProcess, run_checks
from course._grading.batch.collect import lesson_exercises, read_submission
from course._grading.batch.execute import execute_submission
from course._grading.batch.integrity import Snapshot
from course._grading.batch.model import ExerciseGrade, GradingOptions, SubmissionGrade

__all__ = ["Batch", "grade_submission", "grade_all"]


class Batch:
    """State shared by the submissions of one run: the installation snapshot."""

    def __init__(self, options: GradingOptions):
        self.options = options
        self.lock = threading.Lock()
        self.compromised: str | None = None
        self.snapshot = Snapshot.take(options.watch_dirs) if options.check_install else None
        #: called after each submission when they run one at a time (the command line
        #: ends processes a notebook left running there)
        self.between: Callable[[], int] | None = None

    def verify(self, file: str) -> str | None:
        """After a kernel ran: a reason when the installation changed (then or before)."""
        if self.snapshot is None:
            return None
        with self.lock:
            if self.compromised is None:
                changed = Snapshot.take(self.options.watch_dirs).changed_since(self.snapshot)
                if changed:
                    shown = ", ".join(changed[:3]) + (" ..." if len(changed) > 3 else "")
                    self.compromised = (f"the grader's installation changed while {file} ran "
                                        f"({shown})")
                    return (f"this notebook changed the grader's installation ({shown}); it "
                            "was not graded — reinstall the course and grade again")
            return self.compromised and (f"not graded: {self.compromised}; reinstall the course "
                                         "and grade again")


def _kernel_env(workdir: Path) -> dict:
    env = dict(os.environ)
    env.update(COURSE_GRADING="1", COURSE_PROGRESS_FILE=str(workdir / "kernel" / "progress.json"))
    return env


def _apply(row: SubmissionGrade, records: dict, forged: int = 0) -> None:
    if forged:
        row.notes.append(f"{forged} result line(s) not written by the grading process were "
                         "ignored (a process left running by the notebook?)")
    for grade in row.exercises:
        rec = records.get(grade.exercise_id)
        if not rec:
            continue
        grade.status = str(rec.get("status", "not graded"))
        # the points follow from the verdict here, never from the record: a record is only
        # as trustworthy as the process that wrote it, and that process ran learner code
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
    if batch.compromised:
        row.notes.append(f"not graded: {batch.compromised}; reinstall the course and grade again")
        return
    exercises = lesson_exercises(row.lesson)
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="course-grade-") as tmp:
        workdir = Path(tmp)
        worker = CheckProcess(workdir)            # imports the checks while the kernel runs
        try:
            execution = execute_submission(
                sub.nb, [ex.answer_name for ex in exercises], workdir, options,
                start + options.total_budget, _kernel_env(workdir))
            row.executed = True
            row.notes += execution.notes
            row.cell_errors = execution.cell_errors
            problem = batch.verify(row.file)
            if problem:
                row.notes.append(problem)
                return
            if not exercises:
                row.notes.append(f"lesson {row.lesson} has no checked exercises to grade")
                return
            if not execution.answers_file.exists():
                if not execution.out_of_time:
                    row.notes.append("the answers could not be copied out of the notebook's "
                                     "kernel (did a cell replace open, json or cloudpickle?)")
                return
            check_deadline = time.monotonic() + len(exercises) * (options.check_timeout + 5) + 60
            records, forged = run_checks(exercises, execution.answers_file, workdir, options,
                                 check_deadline, first=worker)
        finally:
            worker.close()
    _apply(row, records, forged)


def grade_submission(path: Path, batch: Batch, name: str | None = None) -> SubmissionGrade:
    """Grade one notebook; never raises."""
    start = time.monotonic()
    row = SubmissionGrade(file=name or str(path))
    try:
        _grade_into(row, Path(path), batch)
    except Exception as err:  # every submission gets a row, whatever happens
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

    ``between`` (only used with ``jobs == 1``, when nothing of the next submission runs
    yet) is called after each submission and returns how many stray processes it ended.
    ``journal(event, name, row)`` hears ``"start"`` before and ``"done"`` (with the row)
    after each submission, so a run that is killed can be resumed.
    """
    from tqdm import tqdm

    paths = list(paths)
    names = list(names) if names is not None else [str(p) for p in paths]
    batch = Batch(options)
    batch.between = between if jobs <= 1 else None
    rows: list[SubmissionGrade | None] = [None] * len(paths)
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
    return rows
