"""Lesson 02 exercises (exercises.chain): references, accepted styles, named mistakes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course import explain, hint
from course._grading.exercises import chain
from course.checks import all_exercises, get_exercise
from course.nn.activations import sigmoid, sigmoid_prime
from course.nn.gradcheck import numerical_gradient

IDS = ("chain.central_difference", "chain.dy_dw2", "chain.dy_dw1")


def y_of(x, w1, w2, b1, b2):
    """The chain's output, written out independently of the module."""
    return 1 / (1 + math.exp(-(w2 / (1 + math.exp(-(w1 * x + b1))) + b2)))


# --- the references ----------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
def test_chain_references_match_finite_differences(seed):
    rng = np.random.default_rng(seed)
    p = dict(zip(chain.VARIABLES, rng.uniform(-2, 2, 5).tolist()))
    numeric = numerical_gradient(y_of, p)
    assert chain.dy_dw2(**p) == pytest.approx(numeric["w2"], rel=1e-7, abs=1e-10)
    assert chain.dy_dw1(**p) == pytest.approx(numeric["w1"], rel=1e-7, abs=1e-10)


def test_worked_example_values_follow_the_diamond_convention():
    f = chain.forward(**chain.WORKED)
    assert f["z1"] == pytest.approx(1.5) and f["z2"] == pytest.approx(0.5 * sigmoid(1.5) + 1)
    numeric = numerical_gradient(y_of, chain.WORKED)
    assert chain.dy_dw1(**chain.WORKED) == pytest.approx(numeric["w1"], rel=1e-7)


def test_exercises_are_listed_for_lesson_02_with_graded_hints():
    listed = {e.id: e for e in all_exercises()}
    for eid in IDS:
        assert listed[eid].lesson == "02_derivatives_and_chain_rule"
        assert len(listed[eid].hints) >= 3
        assert len(listed[eid].mistakes) >= 5
    first, second = hint("chain.dy_dw1"), hint("chain.dy_dw1")
    assert first.startswith("Hint 1 of 3") and second.startswith("Hint 2 of 3")


# --- central_difference ------------------------------------------------------------------------

def cd_plain(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (2 * h)


def cd_halves(f, x, h):
    right, left = f(x + h), f(x - h)
    return right / (2 * h) - left / (2 * h)


def cd_vectorized(f, x, h):
    right, left = f(np.array([x + h, x - h]))
    return float(right - left) / (2 * h)


@pytest.mark.parametrize("answer", [cd_plain, cd_halves, cd_vectorized])
def test_central_difference_accepts_correct_styles(answer):
    result = explain("chain.central_difference", answer)
    assert result.passed, str(result)


@pytest.mark.parametrize("mistake", [m[0] for m in chain.CD_MISTAKES])
def test_central_difference_catalogue_is_rejected_and_named(mistake):
    fn = {m[0]: m[2] for m in chain.CD_MISTAKES}[mistake]
    result = explain("chain.central_difference", fn)
    assert not result.passed and result.mistake == mistake


def test_central_difference_learner_style_mistakes():
    fwd = explain("chain.central_difference", lambda f, x, h: (f(x + h) - f(x)) / h)
    assert fwd.mistake == "forward-difference"
    assert "forward difference" in fwd.summary
    assert fwd.point == {"x": 2.0, "eps": 0.5} and fwd.expected_value == pytest.approx(12.25)
    assert any("x³" in line for line in fwd.details)

    two = explain("chain.central_difference", lambda f, x, h: (f(x + h) - f(x - h)) / h)
    assert two.mistake == "divided-by-h" and "2× too large" in two.summary

    own_h = explain("chain.central_difference",
                    lambda f, x, h: (f(x + 1e-6) - f(x - 1e-6)) / 2e-6)
    assert own_h.mistake == "h-ignored" and "use the argument eps" in own_h.summary


def test_central_difference_unnamed_mistake_still_shows_a_case():
    result = explain("chain.central_difference", lambda f, x, h: f(x))
    assert not result.passed and result.mistake is None
    assert "differs from" in result.summary and result.learner_value is not None


def test_central_difference_bad_answers_get_clear_messages():
    none = explain("chain.central_difference", lambda f, x, h: None)
    assert none.mistake == "bad-answer:type" and "forget `return`" in none.summary
    assert "f(x) = x³ at x = 2" in none.summary

    text = explain("chain.central_difference", "(f(x+h) - f(x-h))/(2*h)")
    assert text.mistake == "bad-answer:type"
    assert "wants a function central_difference(f, x, eps)" in text.summary

    def stub(f, x, h):
        raise NotImplementedError("write it")
    assert not explain("chain.central_difference", stub).attempted


# --- dy/dw2 and dy/dw1 -------------------------------------------------------------------------

def dw2_scalar(x, w1, w2):
    h = 1 / (1 + math.exp(-(w1 * x + 1)))
    y = 1 / (1 + math.exp(-(w2 * h + 1)))
    return y * (1 - y) * h


def dw1_vectorized(x, w1, w2, b1, b2):
    h = sigmoid(w1 * x + b1)
    return sigmoid_prime(w2 * h + b2) * w2 * sigmoid_prime(w1 * x + b1) * x


def dw1_scalar(x, w1, w2):
    h = 1 / (1 + math.exp(-(w1 * x + 1)))
    y = 1 / (1 + math.exp(-(w2 * h + 1)))
    return y * (1 - y) * w2 * h * (1 - h) * x


@pytest.mark.parametrize("eid, answer", [
    ("chain.dy_dw2", dw2_scalar), ("chain.dy_dw2", chain.dy_dw2),
    ("chain.dy_dw1", dw1_vectorized), ("chain.dy_dw1", dw1_scalar),
])
def test_chain_rule_accepts_correct_styles(eid, answer):
    result = explain(eid, answer)
    assert result.passed, str(result)


@pytest.mark.parametrize("eid, spec", [("chain.dy_dw2", chain.DY_DW2),
                                       ("chain.dy_dw1", chain.DY_DW1)])
def test_every_catalogued_mistake_is_rejected_and_named(eid, spec):
    for m in spec.mistakes:
        result = explain(eid, m.fn)
        assert not result.passed and result.mistake == m.id, (m.id, str(result))
        assert "{" not in result.summary, result.summary     # every field filled in


def test_dy_dw1_weight_dropped_is_named_in_the_learners_variables():
    def dropped(x, w1, w2):                      # a learner's code, biases left at 1
        h = sigmoid(w1 * x + 1)
        return sigmoid_prime(w2 * h + 1) * sigmoid_prime(w1 * x + 1) * x
    result = explain("chain.dy_dw1", dropped)
    assert result.mistake == "weight-dropped"
    assert "dropped the weight w2" in result.summary and "0.5 here" in result.summary
    assert result.learner_value == pytest.approx(2 * result.expected_value)


def test_dy_dw1_activation_instead_of_preactivation():
    def on_activations(x, w1, w2):
        h = sigmoid(w1 * x + 1)
        y = sigmoid(w2 * h + 1)
        return sigmoid_prime(y) * w2 * sigmoid_prime(h) * x
    result = explain("chain.dy_dw1", on_activations)
    assert result.mistake == "d-of-activation" and "pre-activations" in result.summary


def test_dy_dw2_learner_style_mistakes():
    def x_not_h(x, w1, w2):
        h = sigmoid(w1 * x + 1)
        return sigmoid_prime(w2 * h + 1) * x
    result = explain("chain.dy_dw2", x_not_h)
    assert result.mistake == "x-instead-of-h" and "w2 multiplies h" in result.summary

    def no_bias(x, w1, w2):
        h = sigmoid(w1 * x + 1)
        return sigmoid_prime(w2 * h) * h
    assert explain("chain.dy_dw2", no_bias).mistake == "bias-forgotten"


def test_probe_reports_where_the_answer_goes_wrong():
    def odd(x, w1, w2):                           # right only when w2 = 1: w2 cubed
        h = sigmoid(w1 * x + 1)
        return sigmoid_prime(w2 * h + 1) * w2**3 * sigmoid_prime(w1 * x + 1) * x
    result = explain("chain.dy_dw1", odd)
    assert not result.passed
    assert any("right whenever w2 = 1" in line for line in result.details)


def test_formula_answers_are_accepted_and_diagnosed():
    pytest.importorskip("course.formula")
    good = explain("chain.dy_dw1", "d(w2*s(w1*x+1)+1)*w2*d(w1*x+1)*x")
    assert good.passed, str(good)
    latex = explain("chain.dy_dw2", r"d\left(w_2s\left(w_1x+1\right)+1\right)\cdot s(w_1x+1)")
    assert latex.passed, str(latex)
    bad = explain("chain.dy_dw1", "d(w2*s(w1*x+1)+1)*d(w1*x+1)*x")
    assert bad.mistake == "weight-dropped"


def test_a_number_is_not_an_answer():
    result = explain("chain.dy_dw1", 0.0117708)
    assert result.mistake == "bad-answer:type" and "not a single number" in result.summary


def test_exercise_lookup():
    assert get_exercise("chain.dy_dw2").answer_name == "dy_dw2"


# --- formulas in the forward values, and the mistakes named since the review -----------------

@pytest.mark.parametrize("eid, answer", [
    ("chain.dy_dw2", "d(z2)*h"), ("chain.dy_dw2", "y*(1-y)*h"), ("chain.dy_dw2", "d(z_2)h"),
    ("chain.dy_dw1", "d(z2)*w2*d(z1)*x"), ("chain.dy_dw1", "y*(1 - y)*w2*h*(1 - h)*x"),
])
def test_formulas_may_name_the_forward_values(eid, answer):
    result = explain(eid, answer)
    assert result.passed, str(result)


def test_forward_values_as_function_arguments():
    def from_forward(z2, h):
        return sigmoid_prime(z2) * h
    assert explain("chain.dy_dw2", from_forward).passed


NAMED = [  # (exercise, formula, catalogue id or generic finding, words its message must contain)
    ("chain.dy_dw2", "d(z2)*h*d(z1)*x", "past-the-edge", ["past the edge w2", "s'(z1)·x"]),
    ("chain.dy_dw1", "d(w2*s(w1*x))*w2*d(w1*x)*x", "biases-forgotten", ["both biases"]),
    ("chain.dy_dw1", "d(z2)*w2*h*x", "s-instead-of-d-inner", ["h = s(z1)", "s'(z1)"]),
    ("chain.dy_dw1", "y*w2*d(z1)*x", "s-instead-of-d-outer", ["y = s(z2)", "s'(z2)"]),
    ("chain.dy_dw1", "d(z2)*w2*d(z1)*x*h", "extra-factor", ["extra factor h"]),
]


@pytest.mark.parametrize("eid, answer, mistake, words", NAMED,
                         ids=[f"{e}-{m}" for e, _, m, _ in NAMED])
def test_learner_formulas_are_named(eid, answer, mistake, words):
    result = explain(eid, answer)
    assert not result.passed and result.mistake == mistake, str(result)
    for word in words:
        assert word in result.summary, (word, result.summary)


def test_central_difference_with_plus_is_named():
    result = explain("chain.central_difference", lambda f, x, h: (f(x + h) + f(x - h)) / (2 * h))
    assert result.mistake == "plus-instead-of-minus" and "difference" in result.summary


def test_dy_dw1_stopped_at_h_is_named():
    def dh_dw1(x, w1, w2):                        # the chain stopped at h
        return sigmoid_prime(w1 * x + 1) * x
    result = explain("chain.dy_dw1", dh_dw1)
    assert result.mistake == "stopped-at-h", str(result)
    assert "dh/dw1" in result.summary and "×w2" in result.summary


def test_the_step_may_be_called_eps_or_h_it_is_passed_by_position():
    # lesson 02 names the step eps (h is the hidden activation there), as lesson 04 does
    assert explain("chain.central_difference",
                   lambda f, x, eps: (f(x + eps) - f(x - eps)) / (2 * eps)).passed
    assert explain("chain.central_difference",
                   lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h)).passed
    assert "central_difference(f, x, eps)" in get_exercise("chain.central_difference").title


def test_dy_dw1_hints_are_a_ladder_without_the_code():
    hints = get_exercise("chain.dy_dw1").hints
    assert len(hints) == 3
    assert "s'(z2)" not in hints[1] and "= x" not in hints[1]     # hint 2 no longer lists them
    assert len(hints[2]) > len(hints[1]) > len(hints[0]) - 20    # the last is the strongest
    assert "first" in hints[2] and "weight" in hints[2]
