"""Fixtures for the grader tests: ``graded_batch`` grades every hostile notebook of
``grade_fixtures`` in ONE run of the real command line (``--jobs 2``, 5 s cell limit);
the tests read its rows.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from grade_fixtures import LESSON, TIMEOUT, hostile_notebooks, run_grade, write_submissions


@pytest.fixture(scope="session")
def graded_batch(tmp_path_factory):
    """Grade every hostile notebook in one run; ``(proc, rows by file name, json, out)``."""
    root = tmp_path_factory.mktemp("batch")
    folder = write_submissions(root / "submissions", hostile_notebooks())
    out = root / "grades.csv"
    proc = run_grade(folder, "--out", out, "--timeout", TIMEOUT, "--jobs", 2, "--lesson", LESSON,
                     "--no-install-check", "--quiet")
    with open(out, newline="", encoding="utf-8") as fh:
        rows = {Path(r["file"]).name: r for r in csv.DictReader(fh)}
    detail = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    by_file = {Path(s["file"]).name: s for s in detail["submissions"]}
    return proc, rows, by_file, out
