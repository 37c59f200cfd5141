"""A submission that rewrites the grader's installation is caught, and nothing after it is
trusted (graded in-process, watching a stand-in folder instead of site-packages)."""

from __future__ import annotations

import nbformat
import pytest
from grade_fixtures import insert_after_imports, solution

from course._grading.batch import grade
from course._grading.batch.model import GradingOptions

pytestmark = pytest.mark.slow


def test_a_notebook_that_changes_the_installation_stops_the_batch(tmp_path):
    site = tmp_path / "site-packages"
    site.mkdir()
    (site / "course_stub.py").write_text("OK = True\n")
    subs = tmp_path / "subs"
    subs.mkdir()
    evil = insert_after_imports(solution("01_neuron_and_sigmoid"),
                                f"open({str(site / 'course_stub.py')!r}, 'w').write('OK = 0')")
    nbformat.write(evil, subs / "a_evil.ipynb")
    nbformat.write(solution("01_neuron_and_sigmoid"), subs / "b_honest.ipynb")
    options = GradingOptions(timeout=10, watch_dirs=(str(site),))
    rows = grade([subs], tmp_path / "g.csv", options, jobs=1, progress=False)
    evil_row, honest_row = rows
    assert evil_row.total == 0 and not evil_row.fully_graded
    assert evil_row.reason.startswith("this notebook changed the grader's installation (")
    assert "course_stub.py" in evil_row.reason
    assert honest_row.total == 0 and not honest_row.fully_graded
    assert honest_row.reason.startswith("not graded: the grader's installation changed while")
