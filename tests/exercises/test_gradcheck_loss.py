"""Lesson 04, exercise 4 (gradcheck.loss_check) and find_bug's advice when the numerical
side differentiates another quantity than the backward function."""

from __future__ import annotations

import numpy as np
import pytest

from course import explain, hint
from course._grading.exercises import gradcheck as g
from course._grading.exercises.gradcheck.loss import CASES, check_loss, loss_backward
from course.checks import all_exercises
from course.nn.gradcheck import numerical_gradient
from course.nn.gradcheck import relative_error as rel
from course.nn.networks import PARAMS, DiamondNet


def learner_check(of="loss", half=True, measure=rel):
    """A learner's check_loss whose numerical side differentiates ``of``."""
    def check_loss(backward, net, I, y):
        analytic = backward(net, I, y)

        def f(**p):
            O = DiamondNet(**p).output(I)
            if of == "output":
                return O
            return (0.5 if half else 1.0) * (O - y) ** 2
        numeric = numerical_gradient(f, net.params)
        return {k: measure(float(analytic[k]), numeric[k]) for k in PARAMS}
    return check_loss


def test_the_exercise_is_listed_for_lesson_04_with_hints():
    ex = {e.id: e for e in all_exercises()}["gradcheck.loss_check"]
    assert ex.lesson == "04_gradient_checking" and ex.answer_name == "check_loss"
    assert len(ex.hints) == 3 and "numerical-of-output" in ex.mistakes
    assert hint("gradcheck.loss_check").startswith("Hint 1 of 3")


def test_the_reference_and_the_loss_backward_agree_with_finite_differences():
    net, I, y = CASES[0]
    errors = check_loss(loss_backward, net, I, y)
    assert max(errors.values()) < 1e-6       # central differences: ~1e-7 at worst (numpy 1.24)
    assert loss_backward(net, I, y)["w4"] == pytest.approx(
        (net.output(I) - y) * net.gradient(I)["w4"], rel=1e-12)


def test_a_correct_check_passes():
    result = explain("gradcheck.loss_check", learner_check())
    assert result.passed, str(result)
    assert explain("gradcheck.loss_check", check_loss).passed


def test_a_check_of_the_output_instead_of_the_loss_is_named():
    result = explain("gradcheck.loss_check", learner_check(of="output"))
    assert result.mistake == "numerical-of-output", str(result)
    assert "differentiates the network's output O, not the loss" in result.summary
    assert "(O − y)·dO/d(param)" in result.summary


def test_a_check_without_the_half_is_named():
    result = explain("gradcheck.loss_check", learner_check(half=False))
    assert result.mistake == "loss-half-missing" and "2×" in result.summary


def test_a_flipped_numerical_gradient_is_named():
    def flipped(backward, net, I, y):
        analytic = backward(net, I, y)
        numeric = numerical_gradient(lambda **p: -0.5 * (DiamondNet(**p).output(I) - y) ** 2,
                                     net.params)
        return {k: rel(float(analytic[k]), numeric[k]) for k in PARAMS}
    assert explain("gradcheck.loss_check", flipped).mistake == "numerical-sign"


def test_absolute_differences_are_named():
    result = explain("gradcheck.loss_check",
                     learner_check(measure=lambda a, b: abs(a - b)))
    assert result.mistake == "absolute-difference" and "|a| + |b|" in result.summary


def test_bad_answers_get_clear_messages():
    none = explain("gradcheck.loss_check", lambda backward, net, I, y: None)
    assert none.mistake == "bad-answer:type" and "return a dict" in none.summary
    short = explain("gradcheck.loss_check", lambda backward, net, I, y: {"w1": 0.0})
    assert short.mistake == "bad-answer:type" and "no entry for w2" in short.summary
    nan = explain("gradcheck.loss_check",
                  lambda backward, net, I, y: {k: float("nan") for k in PARAMS})
    assert nan.mistake == "bad-answer:type" and "number ≥ 0" in nan.summary
    text = explain("gradcheck.loss_check", "0.5*(O-y)**2")
    assert text.mistake == "bad-answer:type"


def test_a_stub_is_not_attempted():
    def check_loss(backward, net, I, y):
        raise NotImplementedError
    result = explain("gradcheck.loss_check", check_loss)
    assert not result.attempted and "not attempted yet" in str(result)


def test_ignoring_the_backward_function_misses_the_bug():
    result = explain("gradcheck.loss_check", lambda backward, net, I, y: dict.fromkeys(PARAMS, 0.0))
    assert result.mistake == "missed-bug"


# --- find_bug: a numerical side of another quantity is told what differs ------------------------

def find_bug_of(quantity):
    """A learner's find_bug at random points whose numerical side differentiates
    ``quantity(params, I)``."""
    def find_bug(gradient):
        rng = np.random.default_rng(0)
        for _ in range(3):
            params = {k: float(rng.uniform(-1.5, 1.5)) for k in PARAMS}
            I = float(rng.choice([-1, 1]) * rng.uniform(0.5, 2.0))
            y = float(rng.uniform(0.1, 0.9))
            numeric = numerical_gradient(lambda I=I, y=y, **p: quantity(p, I, y), params)
            analytic = gradient(DiamondNet(**params), I, y)
            errors = {k: rel(float(analytic[k]), numeric[k]) for k in PARAMS}
            worst = max(errors, key=errors.get)
            if errors[worst] > 1e-4:
                return worst
        return None
    return find_bug


def _L(p, I, y, half=0.5):
    return half * (DiamondNet(**p).output(I) - y) ** 2


@pytest.mark.parametrize("quantity, mistake, words", [
    (lambda p, I, y: DiamondNet(**p).output(I), "numerical-of-output",
     ["differentiates the network's output O", "(O − y)"]),
    (lambda p, I, y: _L(p, I, y, 1.0), "loss-half-missing", ["without the ½", "2×"]),
    (lambda p, I, y: _L(p, 1.0, y), "numerical-at-input-one", ["I = 1"]),
    (lambda p, I, y: _L(p, I, 1.0), "numerical-at-other-target", ["target y = 1"]),
    (lambda p, I, y: -_L(p, I, y), "numerical-sign", ["opposite sign"]),
    (lambda p, I, y: _L(p, I, y) ** 3, "different-quantity",
     ["calls the backward function it is given", "different quantity"]),
])
def test_find_bug_with_another_quantity_is_told_what_differs(quantity, mistake, words):
    result = explain("gradcheck.find_bug", find_bug_of(quantity))
    assert result.mistake in (mistake, "false-alarm"), str(result)
    text = result.summary
    if result.mistake == "false-alarm":          # named on the false alarm instead
        assert "differentiates something else" in text
    else:
        for word in words:
            assert word in text, (word, text)
    assert "test the function passed in as the argument" not in text


def test_find_bug_that_really_ignores_its_argument_keeps_its_message():
    result = explain("gradcheck.find_bug", lambda gradient: g.find_bug(g.buggy_gradient))
    assert result.mistake == "ignores-argument"
    assert "never called the function passed in" in result.summary
