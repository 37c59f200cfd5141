"""Lessons 06-07: feedback names the mistake without handing out the answer, in the lesson's
notation; hints climb from gentle to a strong nudge in words, never code."""

from __future__ import annotations

import re

import numpy as np
import pytest

from course import explain
from course._grading.arrays.edits import edits_of
from course._grading.arrays.search import Candidate, message
from course._grading.exercises import dense as d
from course._grading.exercises.sgd import bce, deltas, train_step
from course.checks import all_exercises
from course.nn.activations import sigmoid, sigmoid_prime

LANE = [e for e in all_exercises() if e.id.split(".")[0] in ("dense", "sgd")]
#: code a hint must not contain: an assignment, a matrix product, a numpy reduction, a
#: literal difference of the arrays, an in-place update
CODE = re.compile(r"(?<![/\w])\w+ = [\w(]|@|\.sum\(|\.T\b|\(a - y\)|\(A2 - y\)|-="
                  r"|\w\(\w+(, \w+)*\) [-+*/] ")


@pytest.mark.parametrize("exercise", LANE, ids=lambda e: e.id)
def test_no_hint_is_code(exercise):
    for level, text in enumerate(exercise.hints, 1):
        assert not CODE.search(text), f"hint {level} of {exercise.id}: {text}"


def _compile(src, name):
    ns = {"np": np, "sigmoid": sigmoid, "sigmoid_prime": sigmoid_prime}
    exec(src, ns)
    return ns[name]


# wrong answers whose first check once printed a line of the answer
WRONG = [
    ("dense.forward", _compile("""def f(A_prev, W, b):
    Z = A_prev @ W
    return Z, sigmoid(Z)
""", "f"), ["A_prev @ W + b"]),
    ("dense.forward", _compile("""def f(A_prev, W, b):
    Z = W.T @ A_prev.T + b.T
    return Z, sigmoid(Z)
""", "f"), ["A_prev @ W + b"]),
    ("dense.backward", _compile("""def f(dA, A_prev, W, Z):
    delta = dA * sigmoid_prime(Z)
    return delta.T @ A_prev, delta.sum(axis=0, keepdims=True), delta @ W.T
""", "f"), ["A_prev.T @ delta"]),
    ("dense.backward", _compile("""def f(dA, A_prev, W, Z):
    delta = dA * sigmoid_prime(Z)
    return A_prev.T @ delta, delta.sum(axis=0, keepdims=True), delta @ W
""", "f"), ["delta @ W.T"]),
    ("sgd.bce_grad", _compile("""def f(a, y):
    return (a - y) / len(a)
""", "f"), ["(a − y)/(a(1 − a))", "(a - y) / (a * (1 - a))"]),
    ("sgd.output_deltas", _compile("""def f(z, y):
    a = sigmoid(z)
    m = len(z)
    return (a - y) * a * (1 - a) / m, (a - y) * a * (1 - a) / m
""", "f"), ["delta_ce = (a - y) / m", "delta_ce = (a − y)/m"]),
    ("dense.mlp_backward", _compile("""def f(X, y, W1, b1, W2, b2):
    Z1 = X @ W1 + b1; A1 = sigmoid(Z1); Z2 = A1 @ W2 + b2; A2 = sigmoid(Z2)
    delta2 = (A2 - y) * sigmoid_prime(Z2)
    delta1 = delta2 @ W2.T * sigmoid_prime(Z1)
    return {"W1": X.T @ delta1, "b1": delta1.sum(axis=0, keepdims=True),
            "W2": A1.T @ delta2, "b2": delta2.sum(axis=0, keepdims=True)}
""", "f"), ["(A2 − y)/m", "(A2 - y) / m"]),
]


@pytest.mark.parametrize("eid, fn, answer", WRONG, ids=[f"{w[0]}-{i}" for i, w in
                                                       enumerate(WRONG)])
def test_a_failing_check_names_the_mistake_without_the_answer(eid, fn, answer):
    result = explain(eid, fn)
    assert not result.passed and result.mistake, str(result)
    text = str(result)
    for piece in answer:
        assert piece not in text, text


@pytest.mark.parametrize("spec", [d.FORWARD, d.BACKWARD, d.MLP_BACKWARD, bce.BCE_GRAD,
                                  deltas.OUTPUT_DELTAS, train_step.TRAIN_STEP],
                         ids=lambda s: s.exercise_id)
def test_generated_messages_show_the_learners_line_never_the_references(spec):
    program = spec.program
    for edit in edits_of(program):
        text = message(program, Candidate((edit,), (), True))
        assert "; it is `" not in text, text
        assert "dL/delta" not in text and "the delta dL" not in text, text


def _step(delta2, sign_W, sign_b):
    return _compile(f"""def train_step(X, y, W1, b1, W2, b2, lr):
    m = X.shape[0]
    A1 = sigmoid(X @ W1 + b1)
    A2 = sigmoid(A1 @ W2 + b2)
    delta2 = {delta2}
    delta1 = (delta2 @ W2.T) * A1 * (1 - A1)
    return (W1 {sign_W} lr * (X.T @ delta1), b1 {sign_b} lr * delta1.sum(axis=0, keepdims=True),
            W2 {sign_W} lr * (A1.T @ delta2), b2 {sign_b} lr * delta2.sum(axis=0, keepdims=True))
""", "train_step")


def test_train_step_uphill_update_is_a_step_uphill_not_a_wrong_difference():
    result = explain("sgd.train_step", _step("(A2 - y) / m", "+", "+"))
    assert result.mistake == "ascent", str(result)
    assert "a step uphill" in result.summary
    assert "You computed `delta2 = (y - A2) / m`" not in str(result)


def test_train_step_sign_of_delta2_gives_the_same_numbers_and_both_readings_are_named():
    result = explain("sgd.train_step", _step("(y - A2) / m", "-", "-"))
    assert result.mistake == "ascent" and "delta2 of the wrong sign" in result.summary


def test_train_step_update_sign_on_some_parameters_is_told_apart_from_a_delta_sign():
    """Only the biases step uphill: a sign flip of delta2 would change the weights too."""
    result = explain("sgd.train_step", _step("(A2 - y) / m", "-", "+"))
    assert result.mistake == "ascent", str(result)
    assert "b1 + lr * db1" in str(result) and "wrong way round" not in str(result)
    weights_only = explain("sgd.train_step", _step("(A2 - y) / m", "+", "-"))
    assert weights_only.mistake == "ascent", str(weights_only)
    assert "delta2 = (y - A2)" not in str(weights_only)


def test_the_delta_is_named_dL_dZ():
    result = explain("dense.backward", _compile("""def f(dA, A_prev, W, Z):
    delta = dA * sigmoid_prime(Z)
    return Z.T @ delta, delta.sum(axis=0, keepdims=True), dA @ W.T
""", "f"))
    assert "dL/delta" not in str(result) and "the delta ∂L/∂Z" in str(result), str(result)


def test_delta_ce_with_a_left_over_denominator_is_described_not_presumed():
    def twice(z, y):
        a = sigmoid(z)
        m = len(z)
        dL_da = (a - y) / (a * (1 - a)) ** 2 / m             # divided by a(1 - a) twice
        return dL_da * sigmoid_prime(z), (a - y) * a * (1 - a) / m

    result = explain("sgd.output_deltas", twice)
    assert result.mistake == "stopped-at-dL-da"
    assert "divided by A(1 − A) once too often" in result.summary
    assert "one step short" not in result.summary


def test_the_weight_gradient_is_indexed_like_the_lessons_W_ji():
    result = explain("dense.backward", _compile("""def f(dA, A_prev, W, Z):
    delta = dA * sigmoid_prime(Z)
    return (delta.T @ A_prev)[:, :-1], delta.sum(axis=0, keepdims=True), delta @ W.T
""", "f"))
    assert "dW[j, i] is ∂L/∂W[j, i]" in str(result), str(result)


def test_an_array_output_given_as_a_python_list_is_refused_with_its_shape():
    """dA_prev is the next layer's dA (dA.shape, delta.T, @): a list would break it there."""
    def as_list(dA, A_prev, W, Z):
        delta = dA * sigmoid_prime(Z)
        return A_prev.T @ delta, delta.sum(axis=0, keepdims=True), (delta @ W.T).tolist()

    def outer_list(dA, A_prev, W, Z):            # the container may be a list; the arrays not
        delta = dA * sigmoid_prime(Z)
        return [A_prev.T @ delta, delta.sum(axis=0, keepdims=True), delta @ W.T]

    result = explain("dense.backward", as_list)
    assert not result.passed
    assert "dA_prev is a Python list; return a numpy array of shape (m, n_in)" in str(result)
    assert explain("dense.backward", outer_list).passed
    keyed = explain("dense.mlp_backward", lambda X, y, W1, b1, W2, b2: {
        "dW1": [[0.0]], "db1": b1, "dW2": W2, "db2": b2})
    assert "dW1 is a Python list" in str(keyed), str(keyed)
