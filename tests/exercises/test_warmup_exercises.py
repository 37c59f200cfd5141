"""Lesson 00 warm-up (course._grading.exercises.warmup): accepted styles and named mistakes."""

from __future__ import annotations

import pytest

from course import explain
from course._grading.exercises import warmup


@pytest.mark.parametrize("answer", [
    warmup.f_prime,
    lambda x: sum(c * n * x ** (n - 1) for n, c in [(2, 3), (1, -2)]),
    "-2+6x", "y = 6x-2", r"2\cdot 3x-2", r"\frac{12x-4}{2}", "6x^{1}-2x^{0}",
])
def test_correct_answers_in_any_style_pass(answer):
    result = explain("warmup.derivative", answer)
    assert result.passed, str(result)


@pytest.mark.parametrize("mistake", warmup.SPEC.mistakes, ids=lambda m: m.id)
def test_every_catalogued_mistake_is_rejected_and_named(mistake):
    result = explain("warmup.derivative", mistake.fn)
    assert not result.passed and result.mistake == mistake.id, str(result)


@pytest.mark.parametrize("formula, mistake, words", [
    ("6x^2-2x", "exponents-kept", ["kept the power", "lowers it by one"]),
    ("2x-2", "coefficient-dropped", ["3·2x = 6x"]),
    ("6x+2", "sign-linear", ["keeps its minus sign"]),
    ("3x-2", "power-rule-factor", ["brings the exponent down"]),
])
def test_learner_formulas_are_named(formula, mistake, words):
    result = explain("warmup.derivative", formula)
    assert not result.passed and result.mistake == mistake, str(result)
    for word in words:
        assert word in result.summary, (word, result.summary)
