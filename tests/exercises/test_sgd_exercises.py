"""Lesson 07 exercises (exercises.sgd): references, accepted styles, named mistakes."""

from __future__ import annotations

import time

import numpy as np
import pytest

from course import explain, hint
from course._grading.exercises import sgd as s
from course._grading.exercises.sgd.train_loop import SETUP
from course.checks import all_exercises
from course.nn.gradcheck import numerical_gradient
from course.nn.losses import bce, bce_grad
from course.nn.mlp import MLP, flatten_grads

IDS = ("sgd.bce_grad", "sgd.sgd_step", "sgd.train")


def test_exercises_are_listed_for_lesson_07_with_graded_hints():
    listed = {e.id: e for e in all_exercises()}
    for eid in IDS:
        assert listed[eid].lesson == "07_training_with_sgd"
        assert len(listed[eid].hints) >= 3 and len(listed[eid].mistakes) >= 5
    assert hint("sgd.train").startswith("Hint 1 of 3")


# --- references ---------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(6, 1), (5, 3)])
def test_bce_grad_reference_matches_finite_differences_and_the_library(shape):
    rng = np.random.default_rng(0)
    a, y = rng.uniform(0.1, 0.9, shape), rng.integers(0, 2, shape).astype(float)
    numeric = numerical_gradient(lambda a: bce(a, y), a.copy())
    np.testing.assert_allclose(s.bce_grad(a, y), numeric, rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(s.bce_grad(a, y), bce_grad(a, y), rtol=1e-12)


def test_sgd_step_reference_moves_every_parameter_against_its_gradient():
    model = MLP((2, 3, 1), seed=0)
    before = [p.copy() for p in model.parameters()]
    X, y = np.random.default_rng(1).normal(size=(5, 2)), np.ones((5, 1))
    loss, grads = model.loss_and_grads(X, y, loss="bce")
    s.sgd_step(model, grads, 0.1)
    for p0, p1, g in zip(before, model.parameters(), flatten_grads(grads)):
        np.testing.assert_allclose(p1, p0 - 0.1 * g, rtol=1e-12)
    assert model.loss_and_grads(X, y, loss="bce")[0] < loss


def test_train_reference_lowers_the_loss_of_the_seeded_problem():
    from course.nn.datasets import make_xor

    X, y = make_xor(n=SETUP["n"], noise=SETUP["noise"], seed=SETUP["data_seed"])
    model = MLP(SETUP["sizes"], activation=SETUP["activation"], seed=SETUP["model_seed"])
    losses = s.train(model, X, y, SETUP["epochs"], SETUP["lr"])
    assert len(losses) == SETUP["epochs"] and losses[-1] < 0.05 * losses[0]


# --- bce_grad ----------------------------------------------------------------------------------

@pytest.mark.parametrize("answer", [
    s.bce_grad,
    lambda a, y: -(y / a - (1 - y) / (1 - a)) / len(a),
    lambda a, y: bce_grad(a, y),
])
def test_bce_grad_accepts_correct_styles(answer):
    assert explain("sgd.bce_grad", answer).passed


BCE_MISTAKES = [
    (lambda a, y: (a - y) / len(a), "dL-dz", "∂L/∂Z"),
    (lambda a, y: -(y / a + (1 - y) / (1 - a)) / len(a), "second-term-sign", "inner derivative"),
    (lambda a, y: -y / a / len(a), "only-first-term", "y = 0"),
    (lambda a, y: -(y * np.log(a) + (1 - y) * np.log(1 - a)) / len(a), "loss-not-gradient",
     "not their derivative"),
    (lambda a, y: (a - y) / (a * (1 - a)) / a.size, "mean-over-all-entries", "A.shape[0]"),
    (lambda a, y: (a - y) / (a * (1 - a)), "missing-1/m", "m times"),
    (lambda a, y: (y - a) / (a * (1 - a)) / len(a), "sign", "wrong sign"),
    (lambda a, y: ((a - y) / (a * (1 - a)) / len(a)).ravel(), "wrong-shape", "(m, n_out)"),
]


@pytest.mark.parametrize("answer, mistake, fragment", BCE_MISTAKES,
                         ids=[m[1] for m in BCE_MISTAKES])
def test_bce_grad_mistakes_are_named(answer, mistake, fragment):
    result = explain("sgd.bce_grad", answer)
    assert not result.passed and result.mistake == mistake, str(result)
    assert fragment in str(result)


# --- sgd_step ----------------------------------------------------------------------------------

def step_params(model, grads, lr):
    for p, g in zip(model.parameters(), flatten_grads(grads)):
        np.subtract(p, lr * g, out=p)


def step_rebinding_list_entries(model, grads, lr):
    model.weights = [W - lr * dW for W, dW in zip(model.weights, grads["W"])]
    for l, db in enumerate(grads["b"]):
        model.biases[l] = model.biases[l] - lr * db


def step_scaling_grads(model, grads, lr):
    for W, dW in zip(model.weights, grads["W"]):
        dW *= lr
        W -= dW
    for b, db in zip(model.biases, grads["b"]):
        b -= lr * db


@pytest.mark.parametrize("answer", [s.sgd_step, step_params, step_scaling_grads])
def test_sgd_step_accepts_correct_styles(answer):
    result = explain("sgd.sgd_step", answer)
    assert result.passed, str(result)


def test_scaling_the_given_grads_gets_a_note():
    assert "changed the grads" in str(explain("sgd.sgd_step", step_scaling_grads))


def each(update_W, update_b=None, layers=None):
    """A learner's sgd_step applying update(p, g, lr) -> new value in place."""
    def answer(model, grads, lr):
        for l, (W, dW) in enumerate(zip(model.weights, grads["W"])):
            if layers is None or l in layers:
                W[...] = update_W(W, dW, lr)
        if update_b is not None:
            for b, db in zip(model.biases, grads["b"]):
                b[...] = update_b(b, db, lr)
    return answer


def rebinding(model, grads, lr):
    for W, dW in zip(model.weights, grads["W"]):
        W = W - lr * dW                    # noqa: PLW2901 - the mistake under test
    for b, db in zip(model.biases, grads["b"]):
        b = b - lr * db                    # noqa: PLW2901


def returning_new(model, grads, lr):
    return [p - lr * g for p, g in zip(model.parameters(), flatten_grads(grads))]


def flattening_biases(model, grads, lr):
    s.sgd_step(model, grads, lr)
    model.biases = [b.ravel() for b in model.biases]


right = lambda p, g, lr: p - lr * g        # noqa: E731
STEP_MISTAKES = [
    (each(lambda p, g, lr: p + lr * g, lambda p, g, lr: p + lr * g), "plus", "uphill"),
    (each(lambda p, g, lr: p - g, lambda p, g, lr: p - g), "no-lr", "learning rate"),
    (rebinding, "not-in-place", "W -= lr * dW"),
    (returning_new, "returned-new", "returned something"),
    (each(right), "forgot-biases", "model.biases"),
    (each(right, right, layers={0}), "missed-layers",
     "MLP(3, 4, 2) with 2 layers, model.weights[1] did not"),
    (flattening_biases, "shape-changed", "(1, 4)"),
    (each(lambda p, g, lr: p - 2 * lr * g, right), "wrong-update", "2×"),
]


@pytest.mark.parametrize("answer, mistake, fragment", STEP_MISTAKES,
                         ids=[m[1] for m in STEP_MISTAKES])
def test_sgd_step_mistakes_are_named(answer, mistake, fragment):
    result = explain("sgd.sgd_step", answer)
    assert not result.passed and result.mistake == mistake, str(result)
    assert fragment in str(result)


# --- train -------------------------------------------------------------------------------------

def loop(step=s.sgd_step, loss="bce", lr_used=None, epochs_used=None, stale=False,
         data=slice(None), record=lambda loss: loss):
    """A learner's train loop with one slip."""
    def answer(model, X, y, epochs, lr):
        losses = []
        grads = model.loss_and_grads(X, y, loss=loss)[1] if stale else None
        for _ in range(epochs if epochs_used is None else epochs_used(epochs)):
            value, fresh = model.loss_and_grads(X[data], y[data], loss=loss)
            step(model, grads if stale else fresh, lr if lr_used is None else lr_used)
            losses.append(record(value))
        return losses
    return answer


def minibatch_train(model, X, y, epochs, lr):
    rng, losses = np.random.default_rng(0), []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for idx in np.array_split(order, 4):
            _, grads = model.loss_and_grads(X[idx], y[idx], loss="bce")
            s.sgd_step(model, grads, lr)
        losses.append(model.loss_and_grads(X, y, loss="bce")[0])
    return losses


def train_with_step(model, X, y, epochs, lr):
    return [model.step(X, y, lr, loss="bce") for _ in range(epochs)]


@pytest.mark.parametrize("answer", [s.train, loop(), train_with_step])
def test_train_accepts_correct_loops(answer):
    result = explain("sgd.train", answer)
    assert result.passed, str(result)


def plus_step(model, grads, lr):
    s.sgd_step(model, grads, -lr)


TRAIN_MISTAKES = [
    (loop(stale=True), "stale-gradients", "same amount"),
    (loop(step=lambda model, grads, lr: None), "no-update", "never changed"),
    (loop(loss="mse"), "wrong-loss", "'mse'"),
    (loop(step=plus_step), "ascent", "uphill"),
    (loop(lr_used=1.0), "lr-ignored", "lr argument"),
    (loop(epochs_used=lambda e: e - 1), "wrong-length", "299 losses"),
    (loop(data=slice(0, 6)), "not-full-batch", "6 of the 200 examples"),
    (minibatch_train, "not-full-batch", "50 of the 200 examples"),
    (loop(step=each(right)), "partial-step", "left b[0], b[1] unchanged"),
    (loop(record=lambda loss: 2 * loss), "wrong-losses", "the loss where step 0's gradient"),
    (lambda model, X, y, epochs, lr: s.train(model, X, y, epochs, lr)[-1], "bad-answer:type",
     "every epoch"),
]


@pytest.mark.parametrize("answer, mistake, fragment", TRAIN_MISTAKES,
                         ids=[m[1] for m in TRAIN_MISTAKES])
def test_train_mistakes_are_named(answer, mistake, fragment):
    result = explain("sgd.train", answer)
    assert not result.passed and result.mistake == mistake, str(result)
    assert fragment in str(result)


def test_a_return_inside_the_loop_is_pointed_at():
    def return_in_loop(model, X, y, epochs, lr):
        losses = []
        for _ in range(epochs):
            loss, grads = model.loss_and_grads(X, y, loss="bce")
            s.sgd_step(model, grads, lr)
            losses.append(loss)
            return losses                  # indented one level too deep: the mistake under test
    result = explain("sgd.train", return_in_loop)
    assert result.mistake == "wrong-length", str(result)
    assert "returned 1 loss for epochs = 300" in result.summary
    assert "`return losses` is probably indented inside the loop" in result.summary


def sgd_step(model, grads, lr):
    """The lesson's stub, as the learner still has it."""
    raise NotImplementedError("update model.weights and model.biases in place")


def test_a_written_train_calling_the_sgd_step_stub_says_which_function_is_the_stub():
    result = explain("sgd.train", loop(step=sgd_step))
    assert not result.attempted
    assert "your train calls sgd_step, which still raises NotImplementedError" in result.summary
    assert "check('sgd.sgd_step', sgd_step)" in result.summary


def test_a_train_stub_itself_is_plainly_not_attempted():
    def train(model, X, y, epochs, lr):
        raise NotImplementedError("one epoch")
    result = explain("sgd.train", train)
    assert not result.attempted and "calls" not in result.summary


def test_stale_gradients_computed_once_are_named_too():
    def once(model, X, y, epochs, lr):
        loss, grads = model.loss_and_grads(X, y, loss="bce")
        losses = []
        for _ in range(epochs):
            s.sgd_step(model, grads, lr)
            losses.append(loss)
        return losses
    assert explain("sgd.train", once).mistake == "stale-gradients"


def test_a_slow_loop_is_stopped_with_a_message():
    def slow(model, X, y, epochs, lr):
        for _ in range(epochs):
            time.sleep(0.05)
        return s.train(model, X, y, epochs, lr)
    result = explain("sgd.train", slow)
    assert result.mistake == "bad-answer:timeout"
    assert "did not finish within 3 s" in result.summary


def test_bce_catalogue_entries_are_real_and_distinct_mistakes():
    from course._grading.exercises.sgd.bce import BCE_GRAD
    from course.checks import CheckOptions

    cases = BCE_GRAD.make_cases(CheckOptions())
    variants = {m.id: [m.outputs(c)["dL/dA"] for c in cases] for m in BCE_GRAD.mistakes}
    truth = [c.expected["dL/dA"] for c in cases]
    for mid, values in variants.items():
        assert not all(np.allclose(v, t) for v, t in zip(values, truth)), mid
        for other, other_values in variants.items():
            if other != mid:
                assert not all(np.allclose(a, b) for a, b in zip(values, other_values))
