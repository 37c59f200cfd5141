"""The watchdog: a submission never runs past its time budget, and the rows say so."""

from __future__ import annotations

import csv
import json

import nbformat
import pytest
from grade_fixtures import insert_after_imports, run_grade, solution

from course._grading.batch.checkrun import _read_results
from course._grading.batch.collect import lesson_exercises
from course._grading.batch.worker import sign

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


def test_only_lines_signed_with_the_jobs_key_count(tmp_path):
    key, other = b"k" * 32, b"x" * 32
    start = {"id": "a.b", "event": "start"}
    good = {"id": "a.b", "event": "result", "status": "failed", "points": 0.0}
    forged = {"id": "a.b", "event": "result", "status": "passed", "points": 1.0}
    path = tmp_path / "results.jsonl"
    path.write_text("\n".join([
        json.dumps({**start, "mac": sign(start, key)}),
        json.dumps({**good, "mac": sign(good, key)}),
        json.dumps({**forged, "mac": sign(forged, other)}),
        json.dumps(forged),
        "not json",
    ]) + "\n")
    done, running, _, rejected = _read_results(path, key)
    assert done["a.b"]["status"] == "failed" and running is None and rejected == 3
