"""Lesson 01 exercises (course._grading.exercises.sigmoid): a stable sigmoid and its derivative."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course import explain
from course._grading.exercises import sigmoid as ex
from course.nn.activations import sigmoid, sigmoid_prime


def stable(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def stable_scalar(z):
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    e = math.exp(z)
    return e / (1 + e)


def naive(z):
    return 1 / (1 + np.exp(-z))


@pytest.mark.parametrize("answer", [stable, lambda z: sigmoid(z)])
def test_stable_sigmoids_pass(answer):
    assert explain("sigmoid.sigmoid", answer).passed


def test_scalar_only_sigmoid_is_named():
    result = explain("sigmoid.sigmoid", stable_scalar)
    assert result.mistake == "scalar-only" and "numpy array" in result.summary


def test_naive_sigmoid_is_right_but_unstable():
    result = explain("sigmoid.sigmoid", naive)
    assert not result.passed and result.mistake == "unstable"
    assert "z = -1000" in result.summary or "z = -710" in result.summary
    assert "e^{z}/(1 + e^{z})" in " ".join(result.details)


def test_naive_scalar_sigmoid_overflow_is_named():
    result = explain("sigmoid.sigmoid", lambda z: 1 / (1 + np.exp(-z)) if np.ndim(z) else
                     1 / (1 + math.exp(-z)))
    assert result.mistake == "unstable" and "OverflowError" in result.summary


@pytest.mark.parametrize("mistake", ex.SIGMOID.mistakes, ids=lambda m: m.id)
def test_sigmoid_mistakes_are_named(mistake):
    result = explain("sigmoid.sigmoid", mistake.fn)
    assert result.mistake == mistake.id and not result.passed


@pytest.mark.parametrize("mistake", ex.SIGMOID_PRIME.mistakes, ids=lambda m: m.id)
def test_sigmoid_prime_mistakes_are_named(mistake):
    result = explain("sigmoid.derivative", mistake.fn)
    assert result.mistake == mistake.id and not result.passed


@pytest.mark.parametrize("answer", [
    lambda z: sigmoid_prime(z), lambda z: sigmoid(z) * (1 - sigmoid(z)), "s(z)*(1-s(z))",
    r"\frac{e^{-z}}{\left(1+e^{-z}\right)^{2}}", "exp(-z)/(1+exp(-z))^2",
])
def test_sigmoid_prime_in_any_style_passes(answer):
    assert explain("sigmoid.derivative", answer).passed


def test_sigmoid_prime_matches_central_differences():
    from course.nn.gradcheck import numerical_gradient

    for z in (-3.0, -0.4, 0.0, 0.5, 2.5):
        numeric = numerical_gradient(lambda z: float(sigmoid(z)), {"z": z})["z"]
        assert float(sigmoid_prime(z)) == pytest.approx(numeric, rel=1e-7, abs=1e-12)


def test_formulas_are_refused_where_they_would_answer_nothing():
    result = explain("sigmoid.sigmoid", "1/(1+e^{-z})")
    assert result.mistake == "bad-answer:type" and "Python function" in result.summary
    result = explain("sigmoid.derivative", "d(z)")
    assert result.mistake == "bad-formula" and "d(z) already means s'(z)" in result.summary


# --- named since the lesson review ---------------------------------------------------------------

def stable_min(z):
    z = np.asarray(z, dtype=float)
    return np.exp(np.minimum(z, 0)) / (1 + np.exp(-np.abs(z)))


def stable_logaddexp(z):
    return np.exp(-np.logaddexp(0, -np.asarray(z, dtype=float)))


def stable_vectorized(z):
    return np.vectorize(stable_scalar, otypes=[float])(z)


@pytest.mark.parametrize("answer", [stable_min, stable_logaddexp, stable_vectorized])
def test_other_stable_forms_pass(answer):
    result = explain("sigmoid.sigmoid", answer)
    assert result.passed, str(result)


def naive_silenced(z):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-z))


def clipped(z):
    return 1 / (1 + np.exp(-np.clip(z, -500, 500)))


def tanh_form(z):
    return 0.5 * (1 + np.tanh(np.asarray(z, dtype=float) / 2))


@pytest.mark.parametrize("answer", [naive_silenced, clipped, tanh_form])
def test_inexact_in_the_extreme_tails_is_the_optional_part_not_the_grade(answer):
    """Rounding s(-710) ≈ 4.5e-309 to 0 is lesson 01's "going further", not graded."""
    result = explain("sigmoid.sigmoid", answer)
    assert result.passed, str(result)
    assert answer(-710.0) != sigmoid(-710.0)          # ... though not exact there


def clipped_near(z):
    return 1 / (1 + np.exp(-np.clip(z, -30, 30)))


def test_wrong_far_out_is_unstable_not_scalar_only():
    result = explain("sigmoid.sigmoid", clipped_near)
    assert not result.passed and result.mistake == "unstable", str(result)
    assert "loses accuracy at z = -1000" in result.summary
    assert "exp(−|z|)" in " ".join(result.details) and result.hint


def test_overflow_for_positive_z_points_at_the_positive_branch():
    result = explain("sigmoid.sigmoid", lambda z: np.exp(z) / (1 + np.exp(z)))
    assert result.mistake == "unstable" and "z = 710" in result.summary, str(result)
    assert "For positive z use 1/(1 + e^{-z})" in " ".join(result.details)


def test_swapped_branches_are_the_mirrored_sigmoid():
    def swapped(z):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, e / (1 + e), 1 / (1 + e))
    result = explain("sigmoid.sigmoid", swapped)
    assert result.mistake == "sign-in-exponent" and "branches swapped" in result.summary


@pytest.mark.parametrize("formula, mistake, words", [
    (r"\frac{-1}{(1+e^{-z})^{2}}", "inner-derivative-missing", ["outer derivative", "−e^{-z}"]),
    (r"\frac{e^{-z}}{1+e^{-z}}", "square-missing", ["1 − s(z)", "squared"]),
    ("s(z)^2", "squared", ["you returned s(z)²"]),
])
def test_sigmoid_prime_learner_formulas_are_named(formula, mistake, words):
    result = explain("sigmoid.derivative", formula)
    assert not result.passed and result.mistake == mistake, str(result)
    for word in words:
        assert word in result.summary, (word, result.summary)
    assert not any("opposite sign" in line for line in result.details)


@pytest.mark.parametrize("answer", ["s(z)*s(-z)", r"\frac{e^{z}}{(1+e^{z})^{2}}",
                                    lambda z: math.exp(-z) / (1 + math.exp(-z)) ** 2])
def test_sigmoid_prime_other_correct_forms_pass(answer):
    result = explain("sigmoid.derivative", answer)
    assert result.passed, str(result)


@pytest.mark.parametrize("eid, answer, name", [
    ("sigmoid.sigmoid", sigmoid, "course.nn.activations.sigmoid"),
    ("sigmoid.derivative", sigmoid_prime, "course.nn.activations.sigmoid_prime"),
])
def test_the_courses_own_function_is_not_an_answer(eid, answer, name):
    result = explain(eid, answer)
    assert not result.passed and result.attempted and result.mistake == "uses-reference"
    assert result.references == (name,) and "answer key" in result.summary
