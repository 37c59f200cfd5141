"""Answers out of sight: worked answers come with a pass, hints stop short of the answer."""

from __future__ import annotations

import re

import pytest

from course import check, explain
from course.checks import all_exercises, get_exercise
from course.notebook import reveal

WORKED = {   # exercise -> a right answer (formula)
    "diamond.dO_dw4": "d(zO)*h2",
    "diamond.dO_dw2": "d(zO)*w4*d(z2)*h1",
    "diamond.dO_dw3": "d(zO)*w5*d(z3)*h1",
    "diamond.dO_dw1": "d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(z1)*I",
    "backprop.delta_h1": "(delta2*w2 + delta3*w3)*h1*(1-h1)",
    "diamond.dL_dw4": "(O - y)*d(zO)*h2",
    "diamond.dL_dw1": "(O - y)*d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(z1)*I",
    "backprop.delta_O": "(O - y)*O*(1 - O)",
}
SEED_MISTAKE = "d(zO)*(d(z2)*d(z1)*I + d(z3)*d(z1)*I)"


@pytest.fixture(autouse=True)
def fresh(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_GRADING", raising=False)
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))


@pytest.mark.parametrize("eid", sorted(WORKED) + ["backprop.backward", "chain.dy_dw2",
                                                 "chain.dy_dw1", "dense.backward",
                                                 "dense.mlp_backward", "gradcheck.relative_error",
                                                 "gradcheck.loss_check", "gradcheck.find_bug",
                                                 "sgd.bce_grad", "sgd.output_deltas"])
def test_the_lessons_worked_answers_exist(eid):
    assert len(get_exercise(eid).reveal) > 20


def test_a_pass_shows_the_worked_answer_and_a_failure_never_does():
    wrong = check("diamond.dO_dw1", SEED_MISTAKE)
    assert not wrong.passed and wrong.reveal == ""
    assert "boxed" not in wrong._repr_html_() and "Worked answer" not in str(wrong)
    right = check("diamond.dO_dw1", WORKED["diamond.dO_dw1"])
    assert right.passed and "\\boxed" in right.reveal
    assert "course-reveal" in right._repr_html_() and "\\boxed" in right._repr_html_()
    assert "Worked answer: " in str(right)


def test_reveal_shows_only_what_was_passed():
    shown = reveal("diamond.dO_dw4", "diamond.dO_dw1")
    assert shown.shown == {} and shown.locked == ["diamond.dO_dw4", "diamond.dO_dw1"]
    assert "🔒 diamond.dO_dw1" in str(shown) and "\\boxed" not in str(shown)
    assert 'confirm="show me"' in shown._repr_html_().replace("&quot;", '"')
    check("diamond.dO_dw4", WORKED["diamond.dO_dw4"])
    check("diamond.dO_dw4", "d(zO)*h3")                   # a later failure keeps the pass
    shown = reveal("diamond.dO_dw4", "diamond.dO_dw1")
    assert list(shown.shown) == ["diamond.dO_dw4"] and shown.locked == ["diamond.dO_dw1"]
    assert "course-reveal" in shown._repr_html_()


def test_explain_does_not_unlock_reveal():
    explain("diamond.dO_dw1", WORKED["diamond.dO_dw1"])
    assert reveal("diamond.dO_dw1").locked == ["diamond.dO_dw1"]


def test_show_me_needs_the_exact_confirmation():
    assert list(reveal("diamond.dO_dw1", confirm="show me").shown) == ["diamond.dO_dw1"]
    with pytest.raises(ValueError, match='confirm="show me"'):
        reveal("diamond.dO_dw1", confirm="yes")
    with pytest.raises(ValueError, match="name at least one exercise"):
        reveal()
    with pytest.raises(KeyError, match="diamond.dO_dw1"):
        reveal("diamond.dO_dW1")


def _candidates(text: str):
    """Every piece of a hint that could be typed in as a formula."""
    text = (text.replace("·", "*").replace("−", "-").replace("²", "**2").replace("δ", "delta")
            .replace("return ", ""))
    for piece in re.split(r"[:;,—]| with | and | then ", text):
        for side in piece.split("="):
            side = side.strip(" .")
            if side:
                yield side


@pytest.mark.parametrize("exercise", [e for e in all_exercises() if e.hints],
                         ids=lambda e: e.id)
def test_the_last_hint_is_a_nudge_not_the_answer(exercise):
    last = exercise.hints[-1]
    code = (r"\bdef \w+\(|\breturn \S*[(\[{*/+@-]|\w+ [-+*/@]?= \S+ [-+*/@] \S+"
            r"|\b\w+ = \w+\(")
    assert not re.search(code, last), last
    if "formula" in exercise.answer_kinds:
        passing = [c for c in _candidates(last) if explain(exercise.id, c, n_cases=8).passed]
        assert not passing, f"the last hint of {exercise.id} hands in as an answer: {passing}"


def test_the_nudge_test_would_catch_a_hint_that_is_the_answer():
    candidates = list(_candidates("dO/dw4 = d(zO)·h2, with d(z) = s(z)(1 − s(z))"))
    assert any(explain("diamond.dO_dw4", c, n_cases=8).passed for c in candidates)


def test_fixed_variables_are_explained_in_plain_words():
    result = explain("diamond.dO_dw1", SEED_MISTAKE)
    note = next(d for d in result.details if "does not use" in d)
    assert note == ("Your answer does not use b1, b2, b3, b4, so the checker kept them at the "
                    "worked example's values (b1 = 1, b2 = 1, b3 = 1, b4 = 1) at every point.")
    assert "Held there" not in str(result)


def test_lesson_recaps_reveal_instead_of_printing_answers():
    """Recaps that named an exercise's answer now call reveal() for it."""
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "lessons"
    wanted = {"03_diamond_network": ["diamond.dO_dw4", "diamond.dO_dw1"],
              "04_gradient_checking": ["gradcheck.relative_error"],
              "05_backprop_algorithm": ["backprop.delta_O", "backprop.delta_h1",
                                        "backprop.backward"],
              "06_vectorized_backprop": ["dense.backward"],
              "07_training_with_sgd": ["sgd.bce_grad", "sgd.output_deltas"]}
    for lesson, ids in wanted.items():
        cells = json.loads((root / f"{lesson}.ipynb").read_text(encoding="utf-8"))["cells"]
        text = ["".join(c["source"]) for c in cells]
        reveals = [t for t in text if t.startswith("course.notebook.reveal(")]
        assert reveals and all(f'"{i}"' in reveals[-1] for i in ids), lesson   # the recap
        markdown = "".join(t for t, c in zip(text, cells) if c["cell_type"] == "markdown")
        assert "\\boxed" not in markdown, lesson
    diamond = "".join("".join(c["source"]) for c in json.loads(
        (root / "03_diamond_network.ipynb").read_text(encoding="utf-8"))["cells"])
    assert "w_3\\bigr)\\, s'(z_1)\\, I" not in diamond        # the boxed dO/dw1 is gone
