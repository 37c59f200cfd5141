"""``python -m course validate`` on a small course tree (lesson 01 only)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from grade_fixtures import REPO, solution, wrong_answers

from course._grading.batch.collect import lesson_exercises
from course._grading.batch.model import ExerciseGrade, SubmissionGrade
from course.release import release
from course.validate import problems

LESSON = "01_neuron_and_sigmoid"


def validate(*args, cwd):
    return subprocess.run([sys.executable, "-m", "course", "validate", "-q", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=600)


def course_tree(root: Path) -> Path:
    (root / "solutions").mkdir(parents=True)
    nbformat.write(nbformat.read(REPO / "solutions" / f"{LESSON}.ipynb", as_version=4),
                   root / "solutions" / f"{LESSON}.ipynb")
    release(root)
    return root


@pytest.mark.slow
def test_a_consistent_course_validates(tmp_path):
    root = course_tree(tmp_path)
    proc = validate("--root", root, "--jobs", 2, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    n = len([ex for ex in lesson_exercises(LESSON) if ex.points > 0])   # as the lesson grows
    assert n >= 2 and f"✓ solutions/{LESSON}.ipynb ({n}/{n} checks pass" in proc.stdout
    assert f"✓ lessons/{LESSON}.ipynb (runs" in proc.stdout
    assert "validate: all 2 notebooks pass" in proc.stdout


@pytest.mark.slow
def test_a_failing_solution_and_a_leaky_lesson_fail_validation(tmp_path):
    root = course_tree(tmp_path)
    wrong = wrong_answers(solution(LESSON), LESSON)
    nbformat.write(wrong, root / "solutions" / f"{LESSON}.ipynb")
    nbformat.write(solution(LESSON), root / "lessons" / f"{LESSON}.ipynb")   # answers leaked
    proc = validate("--root", root, cwd=tmp_path)
    assert proc.returncode == 1
    out = proc.stdout
    assert f"✗ lessons/{LESSON}.ipynb: would be written — run `python -m course release`" in out
    assert "raised CheckFailed: ✗ sigmoid.sigmoid:" in out                  # the notebook's check
    assert "sigmoid.derivative is failed: s'(z) does not match" in out     # the grader's verdict
    assert "sigmoid.sigmoid passes on the student copy: the lesson gives its answer away" in out


def test_a_folder_with_no_notebooks_is_a_usage_error(tmp_path):
    proc = validate("--root", tmp_path, cwd=tmp_path)
    assert proc.returncode == 2 and "no notebooks under" in proc.stderr


def _row(*grades, errors=(), notes=()):
    row = SubmissionGrade(file="x.ipynb", lesson=LESSON, executed=True,
                          cell_errors=list(errors), notes=list(notes))
    row.exercises = list(grades)
    return row


def test_problems_of_a_solution_ignore_absent_optional_practice():
    row = _row(ExerciseGrade("a.main", "f", 1.0, 1.0, "passed"),
               ExerciseGrade("a.extra", "g", 0.0, 0.0, "not defined"))
    assert problems(Path("solutions/01_x.ipynb"), row) == []
    row.exercises[0].status, row.exercises[0].summary = "not attempted", "still a stub"
    assert problems(Path("solutions/01_x.ipynb"), row) == ["a.main is not attempted: still a stub"]


def test_problems_list_cell_errors_first_line_and_kernel_notes():
    row = _row(errors=[{"cell": 4, "ename": "NameError", "evalue": "name 'x' is not defined\n.."}],
               notes=["cell 2 (`import os`) killed the kernel"])
    assert problems(Path("lessons/01_x.ipynb"), row) == [
        "cell 4 raised NameError: name 'x' is not defined",
        "cell 2 (`import os`) killed the kernel"]
