"""``course.reset(exercise_id)``: an exercise's answer cell as shipped, to start afresh."""

from __future__ import annotations

import pytest

import course
from course.checks import all_exercises, hint
from course.notebook import reset


def test_reset_gives_the_shipped_stub_of_an_exercise():
    stub = course.reset("diamond.dO_dw1")
    assert "def dO_dw1(I, w1, w2, w3, w4, w5):" in stub.source
    assert "raise NotImplementedError" in stub.source
    assert "path_h2" not in stub.source                 # the solution never ships
    assert not stub.placed                              # no Jupyter frontend in the tests
    assert "Paste it over your answer cell" in str(stub)
    assert "<pre" in stub._repr_html_() and "def dO_dw1(" in stub._repr_html_()


def test_reset_starts_the_hints_again():
    hint("diamond.dO_dw2")
    hint("diamond.dO_dw2")
    reset("diamond.dO_dw2")
    assert hint("diamond.dO_dw2").startswith("Hint 1 of 3")


@pytest.mark.parametrize("exercise", [e for e in all_exercises() if e.points > 0],
                         ids=lambda e: e.id)
def test_every_graded_exercise_can_be_reset(exercise):
    stub = reset(exercise.id)
    assert exercise.answer_name in stub.source


def test_extra_practice_and_unknown_ids_explain_themselves():
    with pytest.raises(LookupError, match="extra practice.*dO_db3"):
        reset("diamond.dO_db3")
    with pytest.raises(KeyError, match="there is no exercise"):
        reset("diamond.nothing")
