"""Self-test questions (course._grading.quiz): every wrong option and known number named."""

from __future__ import annotations

import pytest

from course import explain
from course._grading.quiz import QUESTIONS, Choice, Question, grade_question
from course._grading.registry import all_exercises

QUIZZES = [e for e in all_exercises() if e.id in QUESTIONS]


def _question(eid):
    return QUESTIONS[eid]


def test_every_lesson_of_this_issue_ends_with_two_to_four_questions():
    for lesson in ("00_start_here", "02_derivatives_and_chain_rule", "03_diamond_network",
                   "04_gradient_checking", "05_backprop_algorithm", "06_vectorized_backprop",
                   "07_training_with_sgd", "08_autograd_from_scratch"):
        mine = [e for e in all_exercises() if e.lesson == lesson and e.id.startswith("quiz")]
        assert 2 <= len(mine) <= 4, lesson
        assert all(e.hints and e.points > 0 for e in mine)


CHOICE_CASES = [(e.id, c) for e in QUIZZES if e.answer_kinds.startswith("a letter")
                for c in _question(e.id).choices]


@pytest.mark.parametrize("eid, choice", CHOICE_CASES,
                         ids=[f"{eid}-{c.key}" for eid, c in CHOICE_CASES])
def test_every_option_is_graded_and_every_wrong_one_named(eid, choice):
    result = explain(eid, choice.key)
    assert result.passed == (choice.mistake is None)
    assert result.mistake == choice.mistake
    assert choice.why.split(":")[0][:30] in result.summary


NUMBER_CASES = [(e.id, n) for e in QUIZZES if e.answer_kinds == "a number"
                for n in _question(e.id).near]


@pytest.mark.parametrize("eid, near", NUMBER_CASES,
                         ids=[f"{eid}-{n.mistake}" for eid, n in NUMBER_CASES])
def test_every_known_wrong_number_is_named(eid, near):
    result = explain(eid, near.value)
    assert not result.passed and result.mistake == near.mistake
    assert explain(eid, _question(eid).number).passed
    assert explain(eid, str(_question(eid).number)).passed        # "12" works too


@pytest.mark.parametrize("answer", ["", "   ", None])
def test_a_blank_answer_is_not_attempted_and_says_what_to_type(answer):
    result = explain("quiz00.delta", answer)
    assert not result.attempted
    assert 'q1 = "b"' in result.summary


@pytest.mark.parametrize("answer", ["A", " (a) ", "a.", "'a'"])
def test_a_letter_is_read_generously(answer):
    assert explain("quiz00.delta", answer).passed


def test_a_letter_that_is_no_option_lists_the_options():
    result = explain("quiz00.delta", "e")
    assert result.mistake == "bad-answer:type" and "'a', 'b', 'c', 'd'" in result.summary
    assert "letter" in explain("quiz00.delta", 1).summary


def test_a_number_question_refuses_words_and_names_an_unknown_factor():
    assert "not a number" in explain("quiz08.backward_twice", "twelve").summary
    result = explain("quiz08.backward_twice", 24.0)
    assert not result.passed and result.mistake is None and "factor 2" in result.summary


def test_a_question_must_have_exactly_one_right_option():
    with pytest.raises(ValueError, match="exactly one"):
        Question("?", choices=(Choice("a", "x"), Choice("b", "y")))
    with pytest.raises(ValueError, match="either"):
        Question("?")


def test_grade_question_works_without_the_registry():
    q = Question("2 + 2?", number=4.0)
    assert grade_question("demo.q", q, 4).passed


def test_the_one_line_derivation_names_the_input_factor():
    from course._grading.exercises.quiz_02 import SPEC

    assert explain("quiz02.dy_db1", "d(z2)*w2*d(z1)").passed
    assert explain("quiz02.dy_db1", r"d\left(z_2\right)w_2d\left(z_1\right)").passed
    for mistake in SPEC.mistakes:
        assert explain("quiz02.dy_db1", mistake.fn).mistake == mistake.id
    assert explain("quiz02.dy_db1", "d(z2)*w2*d(z1)*x").mistake == "input-factor"


# --- numeric predictions: the digits the question asks for, named near misses -----------------

@pytest.mark.parametrize("answer", [0.07892, 0.078921, 0.07893, "0.07892"])
def test_a_prediction_to_the_digits_asked_for_passes(answer):
    assert "4 significant digits" in _question("quiz02.dy_dh").prompt
    assert explain("quiz02.dy_dh", answer).passed


@pytest.mark.parametrize("answer", [0.0789, 0.079])
def test_a_prediction_rounded_too_coarsely_says_how_to_round(answer):
    result = explain("quiz02.dy_dh", answer)
    assert not result.passed and result.mistake == "rounding"
    assert "round to 4 significant digits: 0.07892" in result.summary
    assert "work it out again" not in result.summary


@pytest.mark.parametrize("answer, mistake, words", [
    (0.1578, "weight-dropped", "s′(z2) alone"),
    (0.158, "weight-dropped", "w2 = 0.5"),
    (0.129, "input-for-weight", "∂y/∂w2"),
])
def test_a_rounded_mistake_is_still_named(answer, mistake, words):
    result = explain("quiz02.dy_dh", answer)
    assert not result.passed and result.mistake == mistake and words in result.summary


def test_a_prediction_close_but_not_exact_shows_its_digits():
    result = explain("quiz00.predict_slope", 10.000001)
    assert not result.passed and result.mistake == "not-exact"
    assert "10.000001 is close but not exact" in result.summary
    assert "off by a factor 1;" not in result.summary


def test_a_prediction_with_the_wrong_sign_is_named_in_a_sentence():
    result = explain("quiz00.predict_slope", -10)
    assert result.mistake == "sign"
    assert result.summary.startswith("-10 has the wrong sign: the size is right")


def test_near_misses_do_not_print_the_warm_up_answer():
    for value in (11.0, 14.0):
        assert "6x − 2" not in explain("quiz00.predict_slope", value).summary
    for formula in ("6*x - 1", "6*x + 2"):
        result = explain("warmup.derivative", formula)
        assert result.mistake in ("constant-kept", "sign-linear")
        assert "6x − 2" not in str(result) and "6x - 2" not in str(result)


def test_the_backward_twice_question_says_backward_sets_the_seed():
    assert "sets the seed, self.grad = 1" in _question("quiz08.backward_twice").prompt


@pytest.mark.parametrize("answer, mistake, words", [
    (-0.005625, "extra-activation", "exactly half of δ2"),
    (-0.045, "missing-s-prime", "∂L/∂h2"),
])
def test_quiz05_delta_2_names_the_usual_slips(answer, mistake, words):
    result = explain("quiz05.delta_2", answer)
    assert result.mistake == mistake and words in str(result)


@pytest.mark.parametrize("answer, mistake", [
    (-0.0128, None), (-0.00768, "bias-equals-weight-gradient"), (-0.08, "delta-above"),
    (-0.016, "s-instead-of-slope"), (-0.04, "output-bias"), (0.0128, "sign"),
])
def test_quiz05_bias_gradient_is_a_prediction(answer, mistake):
    result = explain("quiz05.bias_gradient", answer)
    assert result.passed == (mistake is None) and result.mistake == mistake


@pytest.mark.parametrize("answer, mistake", [("a", None), ("b", "one-pass-each"),
                                             ("c", "per-parameter-backprop"), ("d", "doubled")])
def test_quiz05_cost_asks_for_times(answer, mistake):
    result = explain("quiz05.cost", answer)
    assert result.passed == (mistake is None) and result.mistake == mistake
