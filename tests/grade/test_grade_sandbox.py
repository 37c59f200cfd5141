"""Attacks on the grader itself (issue 14), graded in one run with honest submissions.

Each attack notebook keeps the solution's answers only when its attack worked (see
``sandbox_attacks``), so "the attacker gains nothing" reads as "its row scores 0", and the
honest rows graded in the same run keep full marks.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from grade_fixtures import LESSON, run_grade, write_submissions
from sandbox_attacks import ATTACKS, MARK, attack_notebooks, derivative_names

from course._grading.batch.collect import lesson_exercises

pytestmark = pytest.mark.slow

MAX = sum(ex.points for ex in lesson_exercises(LESSON))
UNPICKLED = [Path("/tmp") / f"{MARK}-unpickled", Path.home() / f"{MARK}-unpickled"]


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    for mark in UNPICKLED:
        mark.unlink(missing_ok=True)
    root = tmp_path_factory.mktemp("attacks")
    notebooks = attack_notebooks()
    folder = write_submissions(root / "submissions", notebooks)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    out = root / "grades.csv"
    proc = run_grade(folder, "--out", out, "--timeout", 20, "--jobs", 2, "--lesson", LESSON,
                     "--quiet")
    with open(out, newline="", encoding="utf-8") as fh:
        rows = {Path(r["file"]).name: r for r in csv.DictReader(fh)}
    detail = {Path(s["file"]).name: s for s in
              json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))["submissions"]}
    return proc, rows, detail, folder, before


@pytest.mark.parametrize("kind", sorted(ATTACKS))
def test_an_attack_on_the_grader_gains_nothing(attacked, kind):
    _, rows, _, _, _ = attacked
    assert float(rows[f"a_{kind}.ipynb"]["total"]) == 0, rows[f"a_{kind}.ipynb"]


def test_honest_rows_graded_with_the_attacks_keep_full_marks(attacked):
    proc, rows, _, _, _ = attacked
    for name in ("z_honest_1.ipynb", "z_honest_2.ipynb"):
        assert float(rows[name]["total"]) == MAX and rows[name]["reason"] == "", rows[name]
    assert proc.returncode in (0, 1), proc.stderr


def test_no_submission_file_was_overwritten(attacked):
    _, _, _, folder, before = attacked
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_nothing_was_planted_in_the_installation_or_the_graders_home(attacked):
    import site

    import numpy

    import course

    planted = [Path(d) / f"zz_{MARK}.pth" for d in site.getsitepackages()]
    planted += [Path(numpy.__file__).parent / f"{MARK}.py",
                Path.home() / ".ipython" / "profile_default" / "startup" / f"00-{MARK}.py"]
    assert [p for p in planted if p.exists()] == []
    pyc = Path(course.__file__).parent / "nn" / "__pycache__" / "networks.cpython-311.pyc"
    assert not pyc.exists() or b"numpy.exp = lambda" not in pyc.read_bytes()


def test_code_run_while_answers_are_unpickled_stays_in_the_sandbox(attacked):
    assert [p for p in UNPICKLED if p.exists()] == []


def test_a_fork_chain_dies_with_its_sandbox(attacked):
    alive = []
    for entry in Path("/proc").iterdir():
        try:
            if MARK.encode() in (entry / "cmdline").read_bytes():
                alive.append(entry.name)
        except OSError:
            continue
    assert alive == [] or alive == [str(os.getpid())]


def test_an_answer_whose_eq_is_always_true_is_compared_by_the_checker(attacked):
    _, rows, detail, _, _ = attacked
    assert float(rows["a_eq.ipynb"]["total"]) == 0
    graded = [e for e in detail["a_eq.ipynb"]["exercises"] if e["max_points"]
              and e["answer_name"] in derivative_names()]
    assert {e["status"] for e in graded} == {"failed"}
    assert all("_Liar" in e["summary"] for e in graded), [e["summary"] for e in graded]


def test_the_courses_reference_through_a_trampoline_is_refused(attacked):
    _, rows, detail, _, _ = attacked
    assert float(rows["a_trampoline.ipynb"]["total"]) == 0
    graded = [e for e in detail["a_trampoline.ipynb"]["exercises"] if e["max_points"]
              and e["answer_name"] in derivative_names()]
    assert {e["mistake"] for e in graded} == {"uses-reference"}
    assert all("DiamondNet.gradient" in e["summary"] for e in graded)
