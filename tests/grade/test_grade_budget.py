"""The watchdog: a submission never runs past its time budget, and the rows say so."""

from __future__ import annotations

import csv

import nbformat
import pytest
from grade_fixtures import insert_after_imports, run_grade, solution

from course._grading.batch.collect import lesson_exercises

pytestmark = pytest.mark.slow


def test_a_submission_out_of_budget_is_stopped_and_reported(tmp_path):
    nb = solution("01_neuron_and_sigmoid")
    for _ in range(4):
        insert_after_imports(nb, "while True:\n    pass\n")
    nbformat.write(nb, tmp_path / "slow.ipynb")
    out = tmp_path / "g.csv"
    proc = run_grade(tmp_path / "slow.ipynb", "--out", out, "--timeout", 2, "--budget", 5,
                     "--no-install-check", "-q")
    assert proc.returncode == 1
    with open(out, newline="", encoding="utf-8") as fh:
        (row,) = csv.DictReader(fh)
    points = sum(ex.points for ex in lesson_exercises("01_neuron_and_sigmoid"))  # as it grows
    assert row["total"] == "0" and float(row["max"]) == points >= 2
    assert "stopped after its time budget of 5 s" in row["reason"]
