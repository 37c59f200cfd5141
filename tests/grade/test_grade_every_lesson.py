"""Every lesson grades: its solution scores full marks, its unfilled lesson scores 0.

One run of the real command line over all 18 notebooks (--jobs 2). A grading rule that
refuses a correct answer (a name the code review dislikes, a reference the lesson itself
uses) shows up here as a solution below full marks.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from grade_fixtures import REPO, run_grade

from course._grading.batch.collect import known_lessons


def test_solutions_score_full_and_unfilled_lessons_zero(tmp_path):
    subs = tmp_path / "subs"
    for kind in ("solutions", "lessons"):
        (subs / kind).mkdir(parents=True)
        for nb in sorted((REPO / kind).glob("[0-9][0-9]_*.ipynb")):
            shutil.copy(nb, subs / kind / nb.name)
    out = tmp_path / "grades.csv"
    proc = run_grade(subs, "--out", out, "--jobs", 2, "--quiet", "--no-install-check")
    assert proc.returncode == 0, proc.stderr
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    detail = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))["submissions"]
    graded = {(Path(r["file"]).parent.name, r["lesson"]): r for r in rows}
    for lesson in known_lessons():
        solved, blank = graded[("solutions", lesson)], graded[("lessons", lesson)]
        assert float(solved["max"]) > 0 and solved["total"] == solved["max"], solved
        assert (solved["reason"], solved["review"]) == ("", ""), solved
        assert blank["total"] == "0" and blank["max"] == solved["max"], blank
    statuses = {e["status"] for s in detail if "/lessons/" in s["file"] or
                s["file"].startswith("lessons") for e in s["exercises"] if e["max_points"]}
    assert statuses == {"not attempted"}
