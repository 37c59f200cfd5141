"""A notebook cannot kill the grader or touch its journal; a grader killed from outside
resumes with ``--resume``, keeping only the rows it wrote itself."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from grade_fixtures import (
    TIMEOUT,
    insert_after_imports,
    require_sandbox,
    run_grade,
    solution,
    wrong_answers,
)

from course._grading.batch import _read_journal, journal_key, journal_line, journal_path
from course._grading.batch.model import SubmissionGrade

pytestmark = pytest.mark.slow

KILL_GRADER = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"
# forged "done" rows with full marks, appended to every journal the notebook can find
FORGE_JOURNAL = '''\
import glob, json
rows = {"file": "", "lesson": "03_diamond_network", "exercises": []}
for top in ("/box", "/tmp", "/home", "/work", "/root", "/"):
    for path in glob.glob(top + "/**/*.journal.jsonl", recursive=True)[:50]:
        try:
            with open(path, "a") as fh:
                for name in ("a_forger.ipynb", "c_full.ipynb"):
                    fh.write(json.dumps({"event": "done", "file": name,
                                         "row": {**rows, "file": name}}) + "\\n")
        except OSError:
            pass
'''


def _rows(out: Path) -> dict:
    with open(out, newline="", encoding="utf-8") as fh:
        return {Path(r["file"]).name: r for r in csv.DictReader(fh)}


def test_a_notebook_that_kills_its_parent_does_not_kill_the_grader(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    nbformat.write(insert_after_imports(solution(), KILL_GRADER), subs / "a_killer.ipynb")
    nbformat.write(solution(), subs / "b_full.ipynb")
    out = tmp_path / "grades.csv"
    proc = run_grade(subs, "--out", out, "--timeout", TIMEOUT, "--quiet")
    assert proc.returncode == 1, proc.stderr
    rows = _rows(out)
    assert rows["a_killer.ipynb"]["total"] == "0"
    assert "ended from inside it" in rows["a_killer.ipynb"]["reason"]
    assert rows["b_full.ipynb"]["total"] == rows["b_full.ipynb"]["max"] != "0"


def test_forged_journal_rows_and_a_killed_grader_change_nothing_on_resume(tmp_path):
    require_sandbox()
    subs = tmp_path / "subs"
    subs.mkdir()
    forger = insert_after_imports(wrong_answers(solution()), FORGE_JOURNAL)
    nbformat.write(forger, subs / "a_forger.ipynb")
    nbformat.write(solution(), subs / "b_full.ipynb")
    nbformat.write(solution(), subs / "c_full.ipynb")
    out = tmp_path / "grades.csv"
    args = [str(subs), "--out", str(out), "--timeout", str(TIMEOUT), "--jobs", "1", "--quiet"]
    grader = subprocess.Popen([sys.executable, "-m", "course", "grade", *args],
                              start_new_session=True)
    journal = journal_path(out)
    end = time.monotonic() + 600
    while time.monotonic() < end and grader.poll() is None:
        done, _ = _read_journal(journal)
        if "b_full.ipynb" in {Path(n).name for n in done}:
            break
        time.sleep(0.2)
    os.killpg(grader.pid, signal.SIGKILL)                  # the grader dies mid-run
    grader.wait()
    lines = [json.loads(line) for line in journal.read_text().splitlines() if line]
    assert all(Path(e["file"]).parent == subs for e in lines)     # only rows it wrote
    resumed = run_grade(*args, "--resume")
    assert resumed.returncode in (0, 1), resumed.stderr
    rows = _rows(out)
    assert list(rows) == ["a_forger.ipynb", "b_full.ipynb", "c_full.ipynb"]
    assert rows["a_forger.ipynb"]["total"] == "0"
    assert rows["b_full.ipynb"]["total"] == rows["b_full.ipynb"]["max"] != "0"
    assert not journal.exists()


def test_journal_lines_cut_short_are_ignored(tmp_path):
    row = SubmissionGrade(file="a.ipynb", lesson="03_diamond_network", notes=["x"])
    path = tmp_path / "g.journal.jsonl"
    key = journal_key(path, create=True)
    path.write_text("".join([
        journal_line(key, {"event": "start", "file": "a.ipynb"}),
        journal_line(key, {"event": "done", "file": "a.ipynb", "row": row.to_json()}),
        journal_line(key, {"event": "start", "file": "b.ipynb"}),
        '{"event": "done", "file": "b.ip',                      # the kill came mid-write
    ]), encoding="utf-8")
    done, stopped = _read_journal(path)
    assert list(done) == ["a.ipynb"] and done["a.ipynb"].notes == ["x"]
    assert stopped == {"b.ipynb"}


def test_journal_lines_without_the_graders_signature_are_not_trusted(tmp_path):
    full = SubmissionGrade(file="a.ipynb", lesson="03_diamond_network", notes=["forged"])
    path = tmp_path / "g.journal.jsonl"
    key = journal_key(path, create=True)
    honest = journal_line(key, {"event": "done", "file": "b.ipynb",
                                "row": SubmissionGrade(file="b.ipynb").to_json()})
    forged = [json.dumps({"event": "done", "file": "a.ipynb", "row": full.to_json()}),
              json.dumps({"event": "done", "file": "c.ipynb", "row": full.to_json(),
                          "mac": "0" * 64}),
              journal_line(b"another key, not the grader's.", {"event": "start",
                                                               "file": "d.ipynb"})]
    path.write_text(honest + "\n".join(forged) + "\n", encoding="utf-8")
    assert _read_journal(path) == ({"b.ipynb": _read_journal(path)[0]["b.ipynb"]}, set())
    assert list(_read_journal(path, key=b"x" * 32)[0]) == []     # another key: nothing
    signed_edit = honest.replace('"notes": []', '"notes": ["edited"]')
    path.write_text(signed_edit, encoding="utf-8")
    assert _read_journal(path) == ({}, set())


def test_a_fifo_in_place_of_the_journal_never_blocks(tmp_path):
    path = tmp_path / "g.journal.jsonl"
    os.mkfifo(path)
    start = time.monotonic()
    assert _read_journal(path) == ({}, set())
    assert time.monotonic() - start < 5
