"""A notebook that kills the grader itself: the run dies, and --resume finishes it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import nbformat
from grade_fixtures import TIMEOUT, insert_after_imports, run_grade, solution

from course._grading.batch import _read_journal, journal_path
from course._grading.batch.model import SubmissionGrade

KILL_GRADER = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"


def test_a_killed_run_resumes_without_rerunning_the_killer(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    nbformat.write(solution(), subs / "a_full.ipynb")
    nbformat.write(insert_after_imports(solution(), KILL_GRADER), subs / "b_killer.ipynb")
    nbformat.write(solution(), subs / "c_full.ipynb")
    out = tmp_path / "grades.csv"
    args = (subs, "--out", out, "--timeout", TIMEOUT, "--jobs", 1, "--quiet",
            "--no-install-check")

    first = run_grade(*args)
    assert first.returncode == -9 and not out.exists()          # killed: nothing written
    assert journal_path(out).exists()

    again = run_grade(*args)                                     # without --resume: told
    assert again.returncode == -9 and "add --resume" in again.stderr

    resumed = run_grade(*args, "--resume")
    assert resumed.returncode == 1, resumed.stderr              # one row could not be graded
    with open(out, newline="", encoding="utf-8") as fh:
        rows = {Path(r["file"]).name: r for r in csv.DictReader(fh)}
    assert list(rows) == ["a_full.ipynb", "b_killer.ipynb", "c_full.ipynb"]
    assert rows["a_full.ipynb"]["total"] == rows["a_full.ipynb"]["max"] != "0"
    assert rows["c_full.ipynb"]["total"] == rows["c_full.ipynb"]["max"]
    assert rows["b_killer.ipynb"]["total"] == "0"
    assert "grading stopped while this notebook ran" in rows["b_killer.ipynb"]["reason"]
    assert not journal_path(out).exists()                         # a finished run removes it


def test_journal_lines_cut_short_are_ignored(tmp_path):
    row = SubmissionGrade(file="a.ipynb", lesson="03_diamond_network", notes=["x"])
    path = tmp_path / "g.journal.jsonl"
    path.write_text("\n".join([
        json.dumps({"event": "start", "file": "a.ipynb"}),
        json.dumps({"event": "done", "file": "a.ipynb", "row": row.to_json()}),
        json.dumps({"event": "start", "file": "b.ipynb"}),
        '{"event": "done", "file": "b.ip',                      # the kill came mid-write
    ]), encoding="utf-8")
    done, stopped = _read_journal(path)
    assert list(done) == ["a.ipynb"] and done["a.ipynb"].notes == ["x"]
    assert stopped == {"b.ipynb"}
