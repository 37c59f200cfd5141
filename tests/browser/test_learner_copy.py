"""The learner's own copy, hints and worked answers, as a learner sees them in JupyterLab."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from test_lab import assert_runs_clean

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]

RIGHT_DO_DW1 = [
    "import course\nfrom course import check, hint\nfrom course.nn.activations import "
    "sigmoid as s, sigmoid_prime as d",
    """\
def dO_dw1(I, w1, w2, w3, w4, w5):
    z1 = I * w1 + 1
    z2 = s(z1) * w2 + 1
    z3 = s(z1) * w3 + 1
    zO = s(z2) * w4 + s(z3) * w5 + 1
    return d(zO) * (w4 * d(z2) * w2 + w5 * d(z3) * w3) * d(z1) * I

check("diamond.dO_dw1", dO_dw1)""",
    "for _ in range(3):\n    hint('diamond.dO_dw2')\nhint('diamond.dO_dw2')",
]


def test_course_start_copy_runs_all_and_leaves_the_checkout_alone(lab, lab_server):
    before = {p.name: p.read_bytes() for p in (ROOT / "lessons").glob("*.ipynb")}
    made = subprocess.run([sys.executable, "-m", "course", "start", "ws"], cwd=lab_server.root,
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    copied = sorted(p.name for p in (lab_server.root / "ws").glob("*.ipynb"))
    assert len(copied) >= 9
    assert_runs_clean(lab, "ws/00_start_here.ipynb")
    lab.screenshot("ws-00-start-here-run-all")
    assert before == {p.name: p.read_bytes() for p in (ROOT / "lessons").glob("*.ipynb")}


def test_a_pass_reveals_the_typeset_worked_answer_and_hints_end(lab, make_notebook):
    path = make_notebook("scratch/right_dO_dw1.ipynb", RIGHT_DO_DW1)
    assert_runs_clean(lab, path)
    reveal = lab.locator(".course-check--pass .course-reveal").first
    reveal.wait_for()
    lab.locator(".course-reveal mjx-container").first.wait_for(timeout=30_000)   # typeset
    lab.screenshot("check-pass-reveal", lab.locator(".course-check--pass").first)
    done = lab.locator(".course-hint-done").first
    done.wait_for()
    assert "No more hints for diamond.dO_dw2" in done.inner_text()
    lab.screenshot("hint-no-more", done)
