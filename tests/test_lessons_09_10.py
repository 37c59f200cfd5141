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


#: what each lesson-09 exercise asks for, as it would read if printed: none of it may appear
#: in a cell above the exercise's check (the lesson asks to derive it; reveal shows it after)
ANSWERS_09 = {"softmax.forward": ("Z.max(", "c = \\max", "subtract the row's maximum"),
              "softmax.ce_grad": ("P - Y", "p - y", "p_j - y_j", "(P - Y)"),
              "relu.backward": ("[Z > 0]", "(Z > 0)", "Z > 0)"),
              "relu.leaky_backward": ("np.where(Z > 0", "1 or α", "1.0, alpha"),
              "init.scale": ("\\sqrt{2 /", "\\sqrt{2/", "sqrt(2", "1/n_{\\text{in}}$;")}


def _cells(folder, stem):
    return [c.source for c in nbformat.read(ROOT / folder / f"{stem}.ipynb", as_version=4).cells]


def test_lesson_09_prints_no_answer_above_its_exercise_and_reveals_it_after_the_check():
    cells = _cells("lessons", "09_beyond_the_sigmoid")
    for eid, answers in ANSWERS_09.items():
        k = next(i for i, s in enumerate(cells) if s.startswith(f'check("{eid}"'))
        above = "\n".join(cells[:k])
        assert not [a for a in answers if a in above], eid
        reveals = [s for s in cells[k + 1:k + 5] if s.startswith("course.notebook.reveal(")]
        assert reveals and f'"{eid}"' in reveals[0], eid


@pytest.mark.parametrize("stem", sorted(LESSONS))
def test_lessons_name_dl_dz_delta_and_write_no_kronecker_delta(stem):
    import re

    for folder in ("solutions", "lessons"):
        text = "\n".join(_cells(folder, stem))
        assert not re.search(r"(?<![/\w])dZ\w*", text), (folder, stem)     # delta, delta1, …
        assert "\\delta_{ij}" not in text and "δ_" not in text
