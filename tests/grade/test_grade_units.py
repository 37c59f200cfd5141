"""The grader's parts that need no kernel: usage errors, lesson detection, the report."""

from __future__ import annotations

import csv
import json

import nbformat
import pytest
from grade_fixtures import blank, run_grade, solution

from course._grading.batch.collect import (
    detect_lesson,
    find_submissions,
    read_submission,
)
from course._grading.batch.model import ExerciseGrade, GradingOptions, SubmissionGrade
from course._grading.batch.report import csv_columns, feedback_names, write_outputs


# --- command line ---------------------------------------------------------------------
def test_a_missing_path_is_a_usage_error(tmp_path):
    proc = run_grade(tmp_path / "nowhere", "--out", tmp_path / "g.csv")
    assert proc.returncode == 2
    assert "nowhere: no such file or folder; pass notebooks (.ipynb)" in proc.stderr
    assert not (tmp_path / "g.csv").exists()


def test_a_folder_without_notebooks_is_a_usage_error(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    proc = run_grade(tmp_path, "--out", tmp_path / "g.csv")
    assert proc.returncode == 2 and "no submissions found" in proc.stderr


def test_an_unknown_lesson_is_a_usage_error_listing_the_lessons(tmp_path):
    proc = run_grade(tmp_path, "--lesson", "99_nothing", "--out", tmp_path / "g.csv")
    assert proc.returncode == 2
    assert "--lesson '99_nothing' is not a lesson with checked exercises" in proc.stderr
    assert "01_neuron_and_sigmoid" in proc.stderr


@pytest.mark.parametrize("flag, value", [("--timeout", "0"), ("--jobs", "-1"),
                                         ("--timeout", "soon")])
def test_non_positive_limits_are_usage_errors(tmp_path, flag, value):
    proc = run_grade(tmp_path, flag, value)
    assert proc.returncode == 2 and f"expected a positive number, got '{value}'" in proc.stderr


def test_out_must_name_the_csv(tmp_path):
    proc = run_grade(tmp_path, "--out", tmp_path / "grades.json")
    assert proc.returncode == 2 and "give the CSV's name" in proc.stderr


# --- finding and reading submissions --------------------------------------------------
def test_folders_are_searched_recursively_sorted_without_checkpoints(tmp_path):
    for rel in ("b/2.ipynb", "a/1.ipynb", "a/.ipynb_checkpoints/1-checkpoint.ipynb", "c.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("{}")
    found = find_submissions([tmp_path, tmp_path / "a" / "1.ipynb"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a/1.ipynb", "b/2.ipynb"]


def test_a_symlink_gets_its_own_row_and_is_not_graded(tmp_path):
    nbformat.write(solution(), tmp_path / "bob.ipynb")
    (tmp_path / "alice.ipynb").symlink_to(tmp_path / "bob.ipynb")
    found = find_submissions([tmp_path])
    assert [p.name for p in found] == ["alice.ipynb", "bob.ipynb"]     # bob is not hidden
    alice, bob = (read_submission(p) for p in found)
    assert "symbolic link" in alice.problem and bob.problem == ""


def test_lesson_comes_from_metadata_then_file_name_then_check_calls(tmp_path):
    nb = blank("01_neuron_and_sigmoid")
    assert detect_lesson(nb, tmp_path / "anything.ipynb") == "01_neuron_and_sigmoid"
    del nb.metadata["course"]
    assert detect_lesson(nb, tmp_path / "alice-00_start_here.ipynb") == "00_start_here"
    assert detect_lesson(nb, tmp_path / "alice.ipynb") == "01_neuron_and_sigmoid"  # check(...)
    nb.cells = [c for c in nb.cells if "check(" not in c.source]
    assert detect_lesson(nb, tmp_path / "alice.ipynb") is None


def test_an_unknown_lesson_without_lesson_option_is_reported(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    path = tmp_path / "mystery.ipynb"
    nbformat.write(nb, path)
    sub = read_submission(path)
    assert sub.problem.startswith("could not tell which lesson this is")
    assert "pass --lesson NN_name" in sub.problem
    assert read_submission(path, "01_neuron_and_sigmoid").problem == ""


def test_a_notebook_with_only_blank_code_cells_is_empty(tmp_path):
    nb = solution("01_neuron_and_sigmoid")
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = "   \n"
    path = tmp_path / "01_neuron_and_sigmoid.ipynb"
    nbformat.write(nb, path)
    assert read_submission(path).problem == "empty notebook (no code cells to run)"


# --- the report -----------------------------------------------------------------------
def _row(file, points, reason=""):
    row = SubmissionGrade(file=file, lesson="01_neuron_and_sigmoid", executed=True)
    row.exercises = [ExerciseGrade("sigmoid.sigmoid", "sigmoid", 1.0, points, "passed"),
                     ExerciseGrade("sigmoid.extra", "extra", 0.0, 0.0, "not defined")]
    if reason:
        row.notes.append(reason)
    return row


def test_feedback_names_stay_readable_and_unique_when_stems_clash():
    rows = [_row("alice/01.ipynb", 1), _row("bob/01.ipynb", 0), _row("carol.ipynb", 1)]
    assert feedback_names(rows) == ["alice__01.txt", "bob__01.txt", "carol.txt"]


def test_outputs_csv_json_and_feedback_written_atomically(tmp_path):
    rows = [_row("alice.ipynb", 1), _row("=cmd.ipynb", 0, "-bad")]
    out = tmp_path / "grades.csv"
    paths = write_outputs(rows, out, GradingOptions())
    assert csv_columns(rows) == ["file", "lesson", "sigmoid.sigmoid", "total", "max", "reason",
                                 "review"]                 # optional 0-point exercise left out
    with open(out, newline="", encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert table[0]["total"] == "1" and table[0]["max"] == "1"
    assert table[1]["file"] == "'=cmd.ipynb" and table[1]["reason"] == "'-bad"  # no formulas
    assert json.loads(paths["json"].read_text())["submissions"][1]["reason"] == "-bad"
    assert sorted(p.name for p in paths["feedback_dir"].iterdir()) == ["_cmd.txt", "alice.txt"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left


def test_lone_surrogates_and_tabs_never_cost_the_batch_its_outputs(tmp_path):
    # a learner's ValueError("\ud800") and a file name that is not UTF-8 (surrogateescape)
    rows = [_row("stud\udcff.ipynb", 0, "cell 3 raised ValueError: bad \ud800 value"),
            _row("\t=1+1.ipynb", 1), _row("alice.ipynb", 1)]
    out = tmp_path / "grades.csv"
    paths = write_outputs(rows, out, GradingOptions())
    with open(out, newline="", encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert [r["total"] for r in table] == ["0", "1", "1"]
    assert table[0]["file"] == "stud\\udcff.ipynb" and "\\ud800" in table[0]["reason"]
    assert table[1]["file"].startswith("'")                   # no formula after a tab either
    assert "\\ud800" in paths["json"].read_text(encoding="utf-8")
    assert len(list(paths["feedback_dir"].iterdir())) == 3


# --- no sandbox -----------------------------------------------------------------------
def _without_bwrap() -> dict:
    import os
    import sys

    return {**os.environ, "PATH": os.path.dirname(sys.executable)}     # no bwrap on it


def test_without_bubblewrap_grade_refuses_and_says_what_to_do(tmp_path):
    import subprocess
    import sys

    nbformat.write(solution("01_neuron_and_sigmoid"), tmp_path / "a.ipynb")
    proc = subprocess.run([sys.executable, "-m", "course", "grade", str(tmp_path / "a.ipynb"),
                           "--out", str(tmp_path / "g.csv")], capture_output=True, text=True,
                          env=_without_bwrap(), timeout=300)
    assert proc.returncode == 2 and not (tmp_path / "g.csv").exists()
    assert "bubblewrap (`bwrap`) is not installed" in proc.stderr
    assert "apt-get install bubblewrap" in proc.stderr and "--unsafe-no-sandbox" in proc.stderr


@pytest.mark.slow
def test_unsafe_no_sandbox_grades_trusted_notebooks_without_bwrap(tmp_path):
    import subprocess
    import sys

    nbformat.write(solution("01_neuron_and_sigmoid"), tmp_path / "a.ipynb")
    out = tmp_path / "g.csv"
    proc = subprocess.run([sys.executable, "-m", "course", "grade", str(tmp_path / "a.ipynb"),
                           "--out", str(out), "--unsafe-no-sandbox", "-q"],
                          capture_output=True, text=True, env=_without_bwrap(), timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "WITHOUT isolation" in proc.stderr
    with open(out, newline="", encoding="utf-8") as fh:
        (row,) = csv.DictReader(fh)
    assert row["total"] == row["max"] != "0"
