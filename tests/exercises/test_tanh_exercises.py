"""Lesson 01's tanh.derivative: f(x) = 1.7159·tanh(2x/3) and its inner factor 2/3."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course import explain
from course._grading.exercises import tanh as ex
from course._grading.registry import get_exercise
from course.formula import FormulaError, parse_formula
from course.nn.activations import tanh_prime
from course.nn.gradcheck import numerical_gradient

A, B = 1.7159, 2 / 3


def vectorized(x):
    return 1.7159 * 2 / 3 * (1 - np.tanh(2 * x / 3) ** 2)


def via_sech(x):
    return 1.7159 * (2 / 3) / np.cosh(2 * x / 3) ** 2


def scalar_only(x):
    t = math.tanh(2 * x / 3)
    return 1.7159 * 2 / 3 * (1 - t * t)


def chain_rule_spelled_out(x):
    u = 2 * x / 3
    outer = 1.7159 * (1 - np.tanh(u) ** 2)
    du_dx = 2 / 3
    return outer * du_dx


CORRECT = [
    vectorized, via_sech, scalar_only, chain_rule_spelled_out,
    lambda x: np.float32(A * B) * (1 - np.tanh(np.float32(B) * np.float32(x)) ** 2),
    "1.7159*2/3*(1-tanh(2*x/3)**2)",
    "1.7159*(2/3)*(1 - tanh(2x/3)^2)",
    "1.7159*0.666666667*(1 - tanh(0.666666667*x)^2)",   # 2/3 to 1e-9: exact enough
    "1.7159*2/(3*cosh(2*x/3)^2)",
    r"1.7159\cdot\frac{2}{3}\left(1-\tanh^{2}\left(\frac{2x}{3}\right)\right)",
    r"\frac{2\cdot1.7159}{3}\operatorname{sech}^{2}\left(\frac{2}{3}x\right)",
    r"\frac{1.7159\cdot2}{3\cosh^{2}\left(\frac{2x}{3}\right)}",
]


@pytest.mark.parametrize("answer", CORRECT, ids=range(len(CORRECT)))
def test_correct_forms_pass(answer):
    result = explain("tanh.derivative", answer)
    assert result.passed, str(result)


def test_the_reference_matches_central_differences():
    for x in (-3.0, -0.7, 0.0, 1.0, 2.5):
        numeric = numerical_gradient(lambda x: float(ex.scaled_tanh(x)), {"x": x})["x"]
        assert float(ex.scaled_tanh_prime(x)) == pytest.approx(numeric, rel=1e-7, abs=1e-12)


@pytest.mark.parametrize("mistake", ex.SCALED_TANH_PRIME.mistakes, ids=lambda m: m.id)
def test_every_named_mistake_is_named(mistake):
    result = explain("tanh.derivative", mistake.fn)
    assert not result.passed and result.mistake == mistake.id, str(result)


@pytest.mark.parametrize("formula, mistake, words", [
    ("1.7159*(1 - tanh(2x/3)^2)", "inner-factor-missing", ["factor 2/3 is missing"]),
    (r"1.7159\left(1-\tanh^{2}\left(\frac{2x}{3}\right)\right)", "inner-factor-missing",
     ["inner derivative"]),
    ("2/3*(1 - tanh(2x/3)^2)", "outer-scale-missing", ["1.7159"]),
    ("1.7159*2/3*(1 - tanh(x)^2)", "tanh-prime-at-x", ["u = 2x/3"]),
    ("1.7159*(1 - tanh(x)^2)", "both-inner-parts-missing", ["1.7159·tanh(x)"]),
    ("1.7159*3/2*(1 - tanh(2x/3)^2)", "inner-factor-inverted", ["3/2", "2.25"]),
    ("1.7159*2/3*(1 + tanh(2x/3)^2)", "plus-instead-of-minus", ["1 − tanh²"]),
    ("1.7159*2/3*tanh(2x/3)", "tanh-for-its-derivative", ["sech²"]),
    (r"1.7159\cdot\frac{2}{3}\operatorname{sech}\left(\frac{2x}{3}\right)", "sech-not-squared",
     ["squared"]),
    ("1.7159*2/3*(1 - tanh(2x/3))", "square-inside", ["squared"]),
    ("1.7159*tanh(2x/3)", "forgot-derivative", ["not its derivative"]),
])
def test_learner_formulas_are_named(formula, mistake, words):
    result = explain("tanh.derivative", formula)
    assert not result.passed and result.mistake == mistake, str(result)
    for word in words:
        assert word in result.summary, (word, result.summary)


def test_right_at_one_point_is_not_enough():
    """Right at x = 0 (where tanh(x) = tanh(2x/3) = 0), wrong elsewhere."""
    def right_at_zero(x):
        return A * B * (1 - np.tanh(x / 3) ** 2)
    result = explain("tanh.derivative", right_at_zero)
    assert not result.passed and result.learner_value != pytest.approx(result.expected_value)


def test_a_hard_coded_number_is_refused():
    result = explain("tanh.derivative", lambda x: 0.7554124)        # f'(1) to 7 digits
    assert not result.passed


def test_the_courses_tanh_prime_is_not_a_derivation():
    """Handed in, it is refused by name (calls inside an answer are reported by the batch
    grader's review, ``course._grading.batch.review.library_references``)."""
    result = explain("tanh.derivative", tanh_prime)
    assert not result.passed and result.mistake == "uses-reference"
    assert result.references == ("course.nn.activations.tanh_prime",)


def test_the_unit_declares_what_the_lesson_and_grader_need():
    unit = get_exercise("tanh.derivative")
    assert unit.lesson == "01_neuron_and_sigmoid" and unit.answer_name == "scaled_tanh_prime"
    assert unit.points > 0 and len(unit.hints) == 3 and unit.reference is ex.scaled_tanh_prime
    assert set(unit.mistakes) == {m.id for m in ex.SCALED_TANH_PRIME.mistakes} | {
        "close-not-exact"}                      # every scalar exercise lists the near miss
    # the last hint is a strong nudge, not the answer
    assert "1 − tanh²(2x/3)" not in unit.hints[-1] and "1.7159·(2/3)" not in unit.hints[-1]


@pytest.mark.parametrize("text, expected", [
    (r"\tanh^{2}\left(x\right)", np.tanh(0.8) ** 2),
    (r"\operatorname{sech}^{2}(x)", 1 / np.cosh(0.8) ** 2),
    ("cosh(x)^2 - sinh_free", None),
])
def test_formula_powers_of_calls(text, expected):
    if expected is None:
        with pytest.raises(FormulaError):
            parse_formula(text, ("x",))
        return
    assert parse_formula(text, ("x",))(x=0.8) == pytest.approx(expected, rel=1e-14)


def test_an_inverse_function_power_is_refused_with_a_reason():
    with pytest.raises(FormulaError, match="inverse"):
        parse_formula(r"\tanh^{-1}(x)", ("x",))


# one rule for rounded constants: exact forms only (2/3 to 1e-6), a rounded one is named
@pytest.mark.parametrize("formula, words", [
    ("1.7159*0.6667*(1 - tanh(2x/3)^2)", "write 2/3 exactly, not 0.6667"),
    ("1.7159*0.667*(1 - tanh(2x/3)^2)", "write 2/3 exactly, not 0.667"),
    ("1.7159*0.6667*(1 - tanh(0.6667x)^2)", "write 2/3 exactly, not 0.6667"),
    ("1.7159*2/3*(1 - tanh(0.667x)^2)", "not 0.667x"),
    ("1.716*2/3*(1 - tanh(2x/3)^2)", "write 1.7159 exactly, not 1.716"),
    ("1.7*2/3*(1 - tanh(2x/3)^2)", "write 1.7159 exactly, not 1.7"),
    ("1.14393*sech(2x/3)^2", "write 1.7159·2/3 exactly, not 1.14393"),
    ("1.144*sech(2x/3)^2", "not 1.144"),
    ("1.716*0.6667*(1 - tanh(2x/3)^2)", "not 0.6667 and 1.7159 exactly, not 1.716"),
])
def test_a_rounded_constant_is_named_never_accepted(formula, words):
    result = explain("tanh.derivative", formula)
    assert not result.passed and result.mistake == "rounded-constant", str(result)
    assert words in result.summary


def test_a_rounded_constant_in_a_function_is_named_too():
    result = explain("tanh.derivative", lambda x: 1.7159 * 0.6667 * (1 - np.tanh(2 * x / 3) ** 2))
    assert result.mistake == "rounded-constant"
    assert "write 2/3 exactly, not 0.6667" in result.summary
