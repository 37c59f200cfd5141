"""Lessons 09 and 10 as a learner meets them: listed by the CLI, built like every lesson,
stubs in the student version, and the capstone's schedule the same in lesson and checker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course._grading.exercises.digits.reference import SCHEDULE

ROOT = Path(__file__).resolve().parents[1]
LESSONS = {"09_beyond_the_sigmoid": ("softmax.forward", "softmax.ce_grad", "relu.backward",
                                     "relu.leaky_backward", "init.scale"),
           "10_minibatches_and_real_data": ("minibatch.batches", "digits.step", "digits.train")}


def test_the_cli_lists_the_new_exercises():
    out = subprocess.run([sys.executable, "-m", "course", "exercises"], capture_output=True,
                         text=True, check=True).stdout
    for ids in LESSONS.values():
        for eid in ids:
            assert eid in out


def _text(nb, kind):
    return "\n".join(c.source for c in nb.cells if c.cell_type == kind)


@pytest.mark.parametrize("stem", sorted(LESSONS))
def test_lesson_has_the_house_sections_and_checks_every_exercise(stem):
    nb = nbformat.read(ROOT / "solutions" / f"{stem}.ipynb", as_version=4)
    markdown, code = _text(nb, "markdown"), _text(nb, "code")
    for section in ("**What you will learn**", "## Common mistakes", "## Recap", "$$"):
        assert section in markdown, section
    for eid in LESSONS[stem]:
        assert f'check("{eid}"' in code, eid
    assert "import course._grading" not in code and "from course._grading" not in code


@pytest.mark.parametrize("stem", sorted(LESSONS))
def test_student_version_has_stubs_not_solutions(stem):
    nb = nbformat.read(ROOT / "lessons" / f"{stem}.ipynb", as_version=4)
    code = _text(nb, "code")
    assert "BEGIN SOLUTION" not in code
    assert code.count("raise NotImplementedError") == len(LESSONS[stem])


def test_the_lesson_trains_with_the_checkers_schedule():
    code = _text(nbformat.read(ROOT / "solutions" / "10_minibatches_and_real_data.ipynb",
                               as_version=4), "code")
    assert (f"EPOCHS, LR, BATCH = {SCHEDULE['epochs']}, {SCHEDULE['lr']}, "
            f"{SCHEDULE['batch_size']}") in code
