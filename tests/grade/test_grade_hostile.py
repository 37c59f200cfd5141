"""Every hostile submission gets a row with its reason (one grading run, see conftest).

Acceptance (issue 7): full solution, blank lesson, invalid JSON, infinite loop,
``os._exit``, tampering, empty — one row each; the full one scores full, the tampering
one no more than a wrong answer; the run ends within its time limits.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from grade_fixtures import LESSON, LINGERER_MARK, TIMEOUT, answer_names

from course._grading.batch.collect import lesson_exercises
from course._grading.quiz import QUESTIONS

pytestmark = pytest.mark.slow

MAX = sum(ex.points for ex in lesson_exercises(LESSON))
MAIN_IDS = [ex.id for ex in lesson_exercises(LESSON) if ex.points > 0]
POINTS = {ex.id: ex.points for ex in lesson_exercises(LESSON)}   # a self-test question: 0.5


def points(row) -> float:
    return float(row["total"])


def test_every_submission_gets_exactly_one_row(graded_batch):
    proc, rows, detail, out = graded_batch
    written = sorted(p.name for p in (out.parent / "submissions").iterdir())
    assert sorted(rows) == written
    assert len(detail) == len(written)
    # some submissions could not be graded (invalid, empty, other lesson): exit code 1
    assert proc.returncode == 1, proc.stderr
    assert "not fully graded: " in proc.stderr


def test_csv_columns_are_file_lesson_points_total_max_reason(graded_batch):
    _, rows, _, _ = graded_batch
    columns = list(next(iter(rows.values())))
    assert columns == ["file", "lesson", *MAIN_IDS, "total", "max", "reason", "review"]
    assert all(float(r["max"]) == MAX for r in rows.values())


def test_full_solution_scores_full_marks_without_a_reason(graded_batch):
    _, rows, detail, _ = graded_batch
    row = rows["full.ipynb"]
    assert points(row) == MAX and row["reason"] == "" and row["lesson"] == LESSON
    assert all(float(row[eid]) == POINTS[eid] for eid in MAIN_IDS)
    assert detail["full.ipynb"]["fully_graded"] is True


def test_blank_lesson_scores_zero_and_says_not_attempted(graded_batch):
    _, rows, detail, _ = graded_batch
    assert points(rows["blank.ipynb"]) == 0 and rows["blank.ipynb"]["reason"] == ""
    statuses = {e["status"] for e in detail["blank.ipynb"]["exercises"] if e["max_points"]}
    assert statuses == {"not attempted"}


@pytest.mark.parametrize("name, reason", [
    ("invalid_json.ipynb", "invalid JSON, not a notebook ("),  # + the parser's message
    ("not_a_notebook.ipynb", "not a Jupyter notebook (it has no 'cells' list)"),
    ("empty.ipynb", "empty notebook (no code cells to run)"),
    ("other_lesson.ipynb", f"notebook is lesson 00_start_here, expected {LESSON}"),
])
def test_ungradable_notebooks_score_zero_with_the_reason(graded_batch, name, reason):
    _, rows, detail, _ = graded_batch
    assert points(rows[name]) == 0
    assert rows[name]["reason"].startswith(reason)
    assert detail[name]["executed"] is False and detail[name]["fully_graded"] is False


def test_infinite_loop_is_interrupted_and_the_rest_still_counts(graded_batch):
    _, rows, _, _ = graded_batch
    row = rows["infinite_loop.ipynb"]
    assert row["reason"] == (f"cell 3 (`while True:`) ran past the {TIMEOUT} s limit and was "
                             "interrupted")
    assert points(row) == MAX


def test_a_loop_ignoring_interrupts_is_skipped_in_a_fresh_kernel(graded_batch):
    _, rows, _, _ = graded_batch
    row = rows["ignores_interrupt.ipynb"]
    assert row["reason"] == (f"cell 3 (`import time`) ran past the {TIMEOUT} s limit and "
                             "ignored the interrupt; it was skipped in a fresh kernel")
    assert points(row) == MAX


def test_os_exit_kills_the_kernel_the_cell_is_skipped_and_the_rest_counts(graded_batch):
    _, rows, detail, _ = graded_batch
    row = rows["os_exit.ipynb"]
    assert row["reason"] == ("cell 3 (`import os`) killed the kernel (os._exit? a crash?); it "
                             "was skipped in a fresh kernel")
    assert points(row) == MAX and detail["os_exit.ipynb"]["fully_graded"] is True


def test_deleted_answer_cell_scores_zero_for_that_answer_only(graded_batch):
    _, rows, detail, _ = graded_batch
    row = rows["deleted_cells.ipynb"]
    missing = answer_names()[-1]
    assert row["reason"] == (f"{MAIN_IDS[-1]}: the notebook never defines `{missing}` (was its "
                             "cell deleted or renamed?)")
    assert row[MAIN_IDS[-1]] == "0" and points(row) == MAX - POINTS[MAIN_IDS[-1]]
    by_id = {e["exercise_id"]: e for e in detail["deleted_cells.ipynb"]["exercises"]}
    assert by_id[MAIN_IDS[-1]]["status"] == "not defined"


def test_duplicated_cells_grade_like_the_original(graded_batch):
    _, rows, _, _ = graded_batch
    assert points(rows["duplicated_cells.ipynb"]) == MAX
    assert rows["duplicated_cells.ipynb"]["reason"] == ""


def test_tampering_scores_exactly_what_the_plain_wrong_answer_scores(graded_batch):
    """Replacing check, patching numpy and forging the progress file change nothing."""
    _, rows, detail, _ = graded_batch
    tamper, wrong = detail["tamper.ipynb"], detail["wrong.ipynb"]
    assert points(rows["tamper.ipynb"]) == points(rows["wrong.ipynb"]) == 0
    keep = ("exercise_id", "points", "status", "mistake", "summary")
    assert [{k: e[k] for k in keep} for e in tamper["exercises"]] == \
        [{k: e[k] for k in keep} for e in wrong["exercises"]]
    # ... and inside the notebook the forged check passed without a single error
    assert tamper["cell_errors"] == []


def test_an_answer_reaching_for_os_exit_loses_only_its_own_exercise(graded_batch):
    # random._os._exit(7): it ends the sandboxed process serving the answers while its
    # check calls it; a fresh one serves the other answers
    _, rows, detail, _ = graded_batch
    row = rows["escape.ipynb"]
    first = MAIN_IDS[0]
    assert row[first] == "0" and points(row) == MAX - POINTS[first]
    graded = next(e for e in detail["escape.ipynb"]["exercises"] if e["exercise_id"] == first)
    assert graded["status"] == "failed" and graded["mistake"] == "crashed-grader"
    assert "ended the process it ran in" in graded["summary"]


def test_answers_reading_the_checkers_frames_find_nothing(graded_batch):
    # the expected values live in the grader's process; the answer's frames are the
    # answer server's, in the sandbox
    _, rows, detail, _ = graded_batch
    for name in ("peek.ipynb", "peek_stealth.ipynb"):
        assert points(rows[name]) == 0
        main = [e for e in detail[name]["exercises"] if e["max_points"]]
        assert {e["status"] for e in main} == {"failed"}


def test_feedback_files_hold_the_learners_named_mistake_text(graded_batch):
    _, _, detail, out = graded_batch
    folder = out.with_name(out.stem + "_feedback")
    assert len(list(folder.glob("*.txt"))) == len(detail)
    wrong = (folder / "wrong.txt").read_text(encoding="utf-8")
    assert f"Score: 0 / {MAX:g}" in wrong
    assert "checked with 200 random cases" in wrong and "the notebook uses 48" in wrong
    for e in detail["wrong.ipynb"]["exercises"]:
        if e["max_points"]:
            assert e["feedback"] in wrong and e["feedback"].startswith(f"✗ {e['exercise_id']}")
    assert "invalid JSON" in (folder / "invalid_json.txt").read_text(encoding="utf-8")


def test_json_says_how_many_cases_the_grade_used(graded_batch):
    _, _, detail, out = graded_batch
    meta = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))["grader"]
    assert meta["n_cases"] == 200 and meta["notebook_n_cases"] == 48
    passed = [e for e in detail["full.ipynb"]["exercises"] if e["status"] == "passed"
              and e["exercise_id"] not in QUESTIONS]           # a self-test question: 1 case
    assert passed and all(e["n_cases"] > 200 for e in passed)   # + worked example and extras


def test_every_submission_ends_within_its_time_limits(graded_batch):
    _, _, detail, _ = graded_batch
    budget = 10 * TIMEOUT + 60
    check_limit = len(MAIN_IDS) * 9 * 15 + 60          # generous bound for the check phase
    assert all(s["elapsed_seconds"] < budget + check_limit for s in detail.values())


def test_result_lines_forged_by_a_process_the_notebook_left_running_are_ignored(graded_batch):
    _, rows, detail, _ = graded_batch
    assert points(rows["forger.ipynb"]) == points(rows["wrong.ipynb"]) == 0
    assert [e["status"] for e in detail["forger.ipynb"]["exercises"]] == \
        [e["status"] for e in detail["wrong.ipynb"]["exercises"]]


def test_processes_a_notebook_leaves_running_do_not_outlive_grading(graded_batch):
    proc, rows, _, _ = graded_batch
    assert points(rows["lingerer.ipynb"]) == MAX           # starting one is not a mistake
    alive = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if LINGERER_MARK.encode() in cmdline:
            alive.append(entry.name)
    assert alive == []                  # killed with the sandbox's PID namespace


def test_calling_the_courses_own_reference_is_not_an_answer(graded_batch):
    _, rows, detail, _ = graded_batch
    row = rows["reference.ipynb"]
    first, last = MAIN_IDS[0], MAIN_IDS[-1]
    assert row[first] == row[last] == "0" and points(row) == MAX - POINTS[first] - POINTS[last]
    by_id = {e["exercise_id"]: e for e in detail["reference.ipynb"]["exercises"]}
    assert by_id[last]["mistake"] == by_id[first]["mistake"] == "uses-reference"
    assert "course.nn.networks.DiamondNet.gradient" in by_id[last]["summary"]     # at run time
    assert "course.nn.gradcheck.numerical_gradient" in by_id[first]["summary"]
    assert "course.nn.networks.DiamondNet.gradient" in row["review"]
