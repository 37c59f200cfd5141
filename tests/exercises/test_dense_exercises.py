"""Lesson 06 exercises (course._grading.exercises.dense) and the array-answer framework they use."""

from __future__ import annotations

import numpy as np
import pytest

from course import explain, hint
from course._grading.arrays import ratio_to, where_wrong
from course._grading.exercises import dense as d
from course.checks import CheckOptions, all_exercises
from course.nn.activations import sigmoid, sigmoid_prime
from course.nn.gradcheck import numerical_gradient
from course.nn.losses import mse
from course.nn.mlp import MLP

IDS = ("dense.forward", "dense.backward", "dense.mlp_backward")


def layer(seed, m=5, n_in=3, n_out=4):
    rng = np.random.default_rng(seed)
    return (rng.uniform(-1, 1, (m, n_in)), rng.normal(0, 1, (n_in, n_out)),
            rng.normal(0, 0.5, (1, n_out)), rng.normal(0, 1, (m, n_out)) / m)


def test_exercises_are_listed_for_lesson_06_with_graded_hints():
    listed = {e.id: e for e in all_exercises()}
    for eid in IDS:
        assert listed[eid].lesson == "06_vectorized_backprop"
        assert len(listed[eid].hints) >= 3 and len(listed[eid].mistakes) >= 5
    assert hint("dense.backward").startswith("Hint 1 of 3")


# --- the references against central finite differences -----------------------------------------

@pytest.mark.parametrize("seed", range(3))
def test_dense_backward_reference_matches_finite_differences(seed):
    A_prev, W, b, dA = layer(seed)

    def L(A_prev, W, b):                     # a loss whose dL/dA is exactly dA
        return float(np.sum(dA * d.dense_forward(A_prev, W, b)[1]))

    numeric = numerical_gradient(L, {"A_prev": A_prev, "W": W, "b": b})
    Z, _ = d.dense_forward(A_prev, W, b)
    dW, db, dA_prev = d.dense_backward(dA, A_prev, W, Z)
    assert dW.shape == W.shape and db.shape == b.shape and dA_prev.shape == A_prev.shape
    np.testing.assert_allclose(dW, numeric["W"], rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(db, numeric["b"], rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(dA_prev, numeric["A_prev"], rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("seed", range(3))
def test_mlp_backward_reference_matches_finite_differences_and_the_library(seed):
    rng = np.random.default_rng(seed)
    X, y = rng.uniform(-1, 1, (6, 2)), rng.uniform(0, 1, (6, 1))
    p = {"W1": rng.normal(size=(2, 4)), "b1": rng.normal(size=(1, 4)),
         "W2": rng.normal(size=(4, 1)), "b2": rng.normal(size=(1, 1))}

    def L(W1, b1, W2, b2):
        A1 = sigmoid(X @ W1 + b1)
        return mse(sigmoid(A1 @ W2 + b2), y)

    numeric = numerical_gradient(L, p)
    ours = d.mlp_backward(X, y, **p)
    model = MLP((2, 4, 1), seed=0)
    model.weights, model.biases = [p["W1"], p["W2"]], [p["b1"], p["b2"]]
    _, library = model.loss_and_grads(X, y, loss="mse")
    for k, _lib in zip(("W1", "b1", "W2", "b2"), (*library["W"][:1], *library["b"][:1],
                                                 library["W"][1], library["b"][1])):
        np.testing.assert_allclose(ours[k], numeric[k], rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(ours["W1"], library["W"][0], rtol=1e-12)
    np.testing.assert_allclose(ours["b2"], library["b"][1], rtol=1e-12)


def test_dense_forward_reference_is_the_library_layer():
    A_prev, W, b, _ = layer(4)
    model = MLP((3, 4), output_activation="sigmoid")
    model.weights, model.biases = [W], [b]
    _, cache = model.forward(A_prev, cache=True)
    Z, A = d.dense_forward(A_prev, W, b)
    np.testing.assert_allclose(Z, cache[0]["Z"], rtol=1e-12)
    np.testing.assert_allclose(A, cache[0]["A"], rtol=1e-12)


# --- accepted styles -----------------------------------------------------------------------------

def forward_einsum(A_prev, W, b):
    Z = np.einsum("mi,io->mo", A_prev, W) + b
    return [Z, 1 / (1 + np.exp(-Z))]


def backward_with_A(dA, A_prev, W, Z):
    A = sigmoid(Z)
    delta = dA * A * (1 - A)
    return np.dot(A_prev.T, delta), np.sum(delta, axis=0).reshape(1, -1), np.dot(delta, W.T)


def mlp_with_d_keys(X, y, W1, b1, W2, b2):
    A1 = sigmoid(X @ W1 + b1)
    A2 = sigmoid(A1 @ W2 + b2)
    delta2 = (A2 - y) * A2 * (1 - A2) / len(X)
    delta1 = delta2 @ W2.T * A1 * (1 - A1)
    return {"dW1": X.T @ delta1, "db1": delta1.sum(0, keepdims=True), "dW2": A1.T @ delta2,
            "db2": delta2.sum(0, keepdims=True)}


@pytest.mark.parametrize("eid, answer", [
    ("dense.forward", d.dense_forward), ("dense.forward", forward_einsum),
    ("dense.backward", d.dense_backward), ("dense.backward", backward_with_A),
    ("dense.mlp_backward", d.mlp_backward), ("dense.mlp_backward", mlp_with_d_keys),
])
def test_correct_answers_in_different_styles_pass(eid, answer):
    result = explain(eid, answer)
    assert result.passed, str(result)


def test_more_cases_for_the_batch_grader_add_random_shapes():
    result = explain("dense.backward", d.dense_backward, n_cases=96)
    assert result.passed and result.n_cases == 8


def test_a_stub_is_not_attempted():
    def stub(dA, A_prev, W, Z):
        raise NotImplementedError
    result = explain("dense.backward", stub)
    assert not result.attempted and not result.passed


# --- dense_backward: each catalogued mistake is rejected and named -------------------------------

def bw(dZ_fn=None, dW=None, db=None, dA_prev=None):
    """A learner's dense_backward with one slip."""
    def answer(dA, A_prev, W, Z):
        delta = dA * sigmoid_prime(Z) if dZ_fn is None else dZ_fn(dA, Z)
        return ((A_prev.T @ delta) if dW is None else dW(delta, A_prev),
                delta.sum(axis=0, keepdims=True) if db is None else db(delta),
                (delta @ W.T) if dA_prev is None else dA_prev(dA, delta, W))
    return answer


BACKWARD_MISTAKES = [
    (bw(dW=lambda delta, A_prev: delta.T @ A_prev), "transposed", ["dW", "(n_in, n_out) = (3, 4)"]),
    (bw(db=lambda delta: delta.sum(axis=1, keepdims=True)), "bias-wrong-axis", ["db", "axis 1"]),
    (bw(db=lambda delta: delta.sum(axis=1)), "bias-wrong-axis", ["shape (m,)"]),
    (bw(db=lambda delta: delta.sum(axis=0)), "bias-shape", ["(1, n_out) = (1, 4)", "keepdims"]),
    (bw(db=lambda delta: delta.sum(axis=0)[:, None]), "bias-shape",
     ["shape (4, 1)", "one example per column", "rows (1, n)"]),
    (bw(db=lambda delta: delta), "bias-not-summed", ["one row per example"]),
    (bw(db=lambda delta: delta.mean(axis=0, keepdims=True)), "bias-mean", ["mean"]),
    (bw(db=lambda delta: np.sum(delta)), "bias-wrong-axis", ["everything"]),
    (bw(dZ_fn=lambda dA, Z: dA), "missing-s-prime", ["s'(Z) is missing"]),
    (bw(dZ_fn=lambda dA, Z: dA * sigmoid_prime(sigmoid(Z))), "s-prime-of-activation",
     ["activation"]),
    (bw(dZ_fn=lambda dA, Z: dA * sigmoid(Z)), "s-instead-of-s-prime", ["slope"]),
    (bw(dZ_fn=lambda dA, Z: dA * Z * (1 - Z)), "s-prime-formula-on-Z",
     ["Z(1 − Z)", "the sigmoid's output s(Z), not Z"]),
    (bw(dW=lambda delta, A_prev: A_prev.T @ delta / len(delta),
        db=lambda delta: delta.mean(0, keepdims=True)),
     "extra-1/m", ["1/m", "already carries"]),
    (bw(dA_prev=lambda dA, delta, W: dA @ W.T), "dA-prev-skips-s-prime", ["dA_prev"]),
    (bw(dW=lambda delta, A_prev: -(A_prev.T @ delta)), "sign", ["dW", "−1"]),
    (bw(dA_prev=lambda dA, delta, W: delta @ W), "shape-error", ["W (3, 4)", "(a, b) @ (b, c)"]),
]


@pytest.mark.parametrize("answer, mistake, fragments", BACKWARD_MISTAKES,
                         ids=[f"{m[1]}-{i}" for i, m in enumerate(BACKWARD_MISTAKES)])
def test_dense_backward_mistakes_are_named(answer, mistake, fragments):
    result = explain("dense.backward", answer)
    assert not result.passed and result.mistake == mistake, str(result)
    text = str(result)
    for fragment in fragments:
        assert fragment in text


def test_a_transposed_dW_is_shown_with_both_shapes():
    result = explain("dense.backward", bw(dW=lambda delta, A_prev: delta.T @ A_prev))
    assert result.learner_value.shape == (4, 3) and result.expected_value.shape == (3, 4)
    assert "1 of 3 outputs are wrong (dW)" in result.summary


def test_changing_dA_in_place_fails_and_names_the_input():
    def in_place(dA, A_prev, W, Z):
        dA *= sigmoid_prime(Z)
        return A_prev.T @ dA, dA.sum(axis=0, keepdims=True), dA @ W.T
    result = explain("dense.backward", in_place)
    assert result.mistake == "mutates-input" and "dA in place" in result.summary


def test_returning_too_few_outputs_says_what_to_return():
    result = explain("dense.backward", lambda dA, A_prev, W, Z: (A_prev.T @ dA, None))
    assert result.mistake == "bad-answer:type"
    assert "a tuple (dW, db, dA_prev)" in result.summary and "2 items" in result.summary


def test_returning_only_A_says_an_ndarray():
    result = explain("dense.forward", lambda A_prev, W, b: sigmoid(A_prev @ W + b))
    assert result.mistake == "bad-answer:type"
    assert "must return a tuple (Z, A), but it returned an ndarray" in result.summary


def test_nan_in_an_output_is_located():
    def nan_db(dA, A_prev, W, Z):
        dW, db, dA_prev = d.dense_backward(dA, A_prev, W, Z)
        return dW, db * np.nan, dA_prev
    result = explain("dense.backward", nan_db)
    assert result.mistake == "not-finite" and "db contains NaN" in str(result)


# --- dense_forward -------------------------------------------------------------------------------

FORWARD_MISTAKES = [
    (lambda A_prev, W, b: (A_prev @ W, sigmoid(A_prev @ W)), "missing-bias",
     ["the bias is missing from Z"]),
    (lambda A_prev, W, b: (A_prev @ W, sigmoid(A_prev @ W) + b), "bias-after-activation",
     ["after the sigmoid"]),
    (lambda A_prev, W, b: d.dense_forward(A_prev, W, b)[::-1], "swapped-outputs", ["(Z, A)"]),
    (lambda A_prev, W, b: (A_prev @ W + b,) * 2, "no-activation", ["A is the sigmoid of Z"]),
    (lambda A_prev, W, b: (A_prev @ W + b, np.tanh(A_prev @ W + b)), "wrong-activation",
     ["tanh"]),
    (lambda A_prev, W, b: ((W.T @ A_prev.T + b.T),) * 2, "transposed", ["(m, n_out) = (5, 4)"]),
    (lambda A_prev, W, b: (A_prev @ W + b, 1 / (1 + np.exp(A_prev @ W + b))), "sigmoid-sign",
     ["minus sign"]),
    (lambda A_prev, W, b: (A_prev @ W.T + b,) * 2, "shape-error", ["A_prev (5, 3)"]),
]


@pytest.mark.parametrize("answer, mistake, fragments", FORWARD_MISTAKES,
                         ids=[m[1] for m in FORWARD_MISTAKES])
def test_dense_forward_mistakes_are_named(answer, mistake, fragments):
    result = explain("dense.forward", answer)
    assert not result.passed and result.mistake == mistake, str(result)
    for fragment in fragments:
        assert fragment in str(result)


# --- mlp_backward --------------------------------------------------------------------------------

def net(dA2=None, s2=True, s1=True, bias=None, T=False):
    def answer(X, y, W1, b1, W2, b2):
        A1 = sigmoid(X @ W1 + b1)
        A2 = sigmoid(A1 @ W2 + b2)
        g = (A2 - y) / len(X) if dA2 is None else dA2(A2, y, len(X))
        delta2 = g * A2 * (1 - A2) if s2 else g
        delta1 = delta2 @ W2.T * (A1 * (1 - A1) if s1 else 1)
        s = bias or (lambda delta: delta.sum(axis=0, keepdims=True))
        return {"W1": X.T @ delta1, "b1": s(delta1), "W2": (delta2.T @ A1) if T else A1.T @ delta2,
                "b2": s(delta2)}
    return answer


NET_MISTAKES = [
    (net(dA2=lambda A2, y, m: A2 - y), "missing-1/m", ["m times"]),
    (net(dA2=lambda A2, y, m: 2 * (A2 - y) / m), "factor-2", ["½"]),
    (net(dA2=lambda A2, y, m: (A2 - y) / A2.size), "mean-over-all-entries",
     ["n_out times too small", "the number of rows"]),
    (net(dA2=lambda A2, y, m: (y - A2) / m), "sign", ["the output or the target"]),
    (net(s2=False), "output-missing-s-prime", ["s'(Z2)", "cross-entropy"]),
    (net(s1=False), "hidden-missing-s-prime", ["s'(Z1)"]),
    (net(bias=lambda delta: delta.sum(axis=1, keepdims=True)), "bias-wrong-axis", ["db1, db2"]),
    (net(bias=lambda delta: delta.sum(axis=0)), "bias-shape", ["keepdims"]),
    (net(T=True), "transposed", ["dW2", "(n_hidden, n_out)"]),
]


@pytest.mark.parametrize("answer, mistake, fragments", NET_MISTAKES,
                         ids=[m[1] for m in NET_MISTAKES])
def test_mlp_backward_mistakes_are_named(answer, mistake, fragments):
    result = explain("dense.mlp_backward", answer)
    assert not result.passed and result.mistake == mistake, str(result)
    for fragment in fragments:
        assert fragment in str(result)


def test_mlp_backward_with_wrong_keys_lists_them():
    def tuple_keys(X, y, W1, b1, W2, b2):
        g = d.mlp_backward(X, y, W1, b1, W2, b2)
        return {"w1": g["W1"], "b1": g["b1"], "W2": g["W2"], "b2": g["b2"]}
    result = explain("dense.mlp_backward", tuple_keys)
    assert result.mistake == "wrong-keys" and "missing: 'W1'" in result.summary


# --- the framework's pieces ----------------------------------------------------------------------

def test_where_wrong_names_rows_and_columns():
    truth = np.arange(1.0, 13.0).reshape(3, 4)
    row = truth.copy()
    row[1] *= 2
    col = truth.copy()
    col[:, 2] = 0
    assert "row(s) 1 are wrong" in where_wrong(row, truth, "dW", 1e-7, 1e-11)
    assert "column(s) 2 are wrong" in where_wrong(col, truth, "dW", 1e-7, 1e-11)
    assert "dW[1, 0] is 10, expected 5 (ratio 2)" in where_wrong(row, truth, "dW", 1e-7, 1e-11)


def test_ratio_to_finds_a_constant_and_refuses_a_pattern():
    truth = np.linspace(-1, 2, 12).reshape(3, 4)
    assert ratio_to(-3 * truth, truth, 1e-7, 1e-11) == pytest.approx(-3)
    assert ratio_to(truth**2, truth, 1e-7, 1e-11) is None


def test_the_default_options_give_four_fixed_shapes():
    cases = d.BACKWARD.make_cases(CheckOptions())
    assert [tuple(c.dims.values()) for c in cases] == [(5, 3, 4), (8, 4, 2), (6, 2, 5), (7, 5, 1)]
    for c in cases:                     # m, n_in, n_out all different: transposes show
        assert len(set(c.dims.values())) == 3


def test_a_1_over_m_or_bias_mistake_gets_a_hint_about_it():
    extra = explain("dense.backward", bw(dW=lambda delta, A_prev: A_prev.T @ delta / len(delta),
                                         db=lambda delta: delta.mean(0, keepdims=True)))
    assert extra.mistake == "extra-1/m" and "already carries the 1/m" in extra.hint
    axis = explain("dense.backward", bw(db=lambda delta: delta.sum(axis=1, keepdims=True)))
    assert axis.mistake == "bias-wrong-axis" and "axis 0" in axis.hint


def test_a_shape_mistake_gets_the_shape_hint():
    result = explain("dense.backward", bw(dW=lambda delta, A_prev: delta.T @ A_prev))
    assert result.hint.startswith("Let the shapes decide")


@pytest.mark.parametrize("spec", [d.FORWARD, d.BACKWARD, d.MLP_BACKWARD],
                         ids=lambda s: s.exercise_id)
def test_catalogue_entries_are_real_and_distinct_mistakes(spec):
    cases = spec.make_cases(CheckOptions())
    seen = {}
    for m in spec.mistakes:
        outs = [m.outputs(c) for c in cases]
        values = [np.asarray(o[k], dtype=float) for o in outs for k in sorted(o)]
        truth = [np.asarray(c.expected[k]) for c, o in zip(cases, outs) for k in sorted(o)]
        assert any(v.shape != t.shape or not np.allclose(v, t) for v, t in zip(values, truth)), (
            f"{m.id} equals the reference")
        key = tuple(sorted(outs[0]))
        for other_id, (other_key, other_values) in seen.items():
            if other_key == key and other_id != m.id:
                assert any(a.shape != b.shape or not np.allclose(a, b)
                           for a, b in zip(values, other_values)), (
                    f"{m.id} is indistinguishable from {other_id}")
        seen[m.id + str(len(seen))] = (key, values)
