"""Lesson 10 exercises (exercises.digits): the reference network against finite differences,
accepted styles, every named mistake named, and the capstone's accuracy."""

from __future__ import annotations

import numpy as np
import pytest

from course import hint, run_check
from course._grading.exercises.digits import reference as ref
from course._grading.exercises.digits.train import PASS_ACCURACY
from course.checks import all_exercises
from course.nn.gradcheck import numerical_gradient
from course.nn.softmax import one_hot, softmax

IDS = ("minibatch.batches", "digits.step", "digits.train")


def test_exercises_are_listed_for_lesson_10_with_graded_hints():
    listed = {e.id: e for e in all_exercises()}
    for eid in IDS:
        ex = listed[eid]
        assert ex.lesson == "10_minibatches_and_real_data"
        assert len(ex.hints) >= 3 and len(ex.mistakes) >= 5, eid
    assert hint("digits.step").startswith("Hint 1 of 3")


# --- the reference ------------------------------------------------------------------------------

def test_reference_gradients_match_finite_differences():
    X, y, _, _ = ref.digits_split()
    params = ref.init_params(seed=3)
    params = {k: v + np.random.default_rng(1).normal(0, 0.05, v.shape) for k, v in params.items()}
    Xb, yb = X[:9], y[:9]
    _, grads = ref.gradients(params, Xb, yb)
    for name in ref.PARAM_NAMES:
        def loss(p, name=name):
            return ref.gradients({**params, name: p}, Xb, yb)[0]
        numeric = numerical_gradient(loss, params[name].copy())
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-5, atol=1e-8, err_msg=name)


def test_reference_minibatches_partition_the_data_and_keep_pairs():
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    batches = ref.minibatches(X, y, 4, np.random.default_rng(0))
    assert [len(b[0]) for b in batches] == [4, 4, 2]
    rows = np.concatenate([b[0][:, 0] for b in batches]) / 2
    assert sorted(rows) == list(range(10)) and list(rows) != list(range(10))
    assert all(np.array_equal(Xb[:, 0] / 2, yb) for Xb, yb in batches)


def test_reference_schedule_reaches_95_percent_quickly():
    X, y, X_test, y_test = ref.digits_split()
    params = ref.init_params(0)
    losses = ref.train(params, X, y, **ref.SCHEDULE)
    assert len(losses) == ref.SCHEDULE["epochs"] and losses[-1] < losses[0] / 10
    assert ref.accuracy(params, X_test, y_test) >= PASS_ACCURACY + 0.01


# --- learner-style answers ----------------------------------------------------------------------

def _batches(X, y, B, rng):
    order = rng.permutation(len(X))
    return [(X[order[i:i + B]], y[order[i:i + B]]) for i in range(0, len(X), B)]


def _gen_batches(X, y, B, rng):
    idx = np.arange(len(X))
    rng.shuffle(idx)
    for start in range(0, len(X), B):
        yield X[idx[start:start + B]], y[idx[start:start + B]]


def make_step(divisor=None, jacobian=False, mask=True, update_first=False, labels=False):
    def step(params, X, y, lr):
        m = X.shape[0]
        Z1 = X @ params["W1"] + params["b1"]
        A1 = np.maximum(Z1, 0)
        Z2 = A1 @ params["W2"] + params["b2"]
        P = softmax(Z2)
        loss = -np.mean(np.log(P[np.arange(m), y]))
        dZ2 = (P - (y[:, None] if labels else one_hot(y, 10))) / (divisor or m)
        if jacobian:
            dZ2 = np.stack([(np.diag(p) - np.outer(p, p)) @ g for p, g in zip(P, dZ2)])
        dW2, db2 = A1.T @ dZ2, dZ2.sum(axis=0, keepdims=True)
        if update_first:
            params["W2"] -= lr * dW2
        dZ1 = dZ2 @ params["W2"].T
        if mask:
            dZ1 = dZ1 * (Z1 > 0)
        grads = {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0, keepdims=True), "W2": dW2, "b2": db2}
        for name, g in grads.items():
            if not (update_first and name == "W2"):
                params[name] -= lr * g
        return loss
    return step


def _loop_step(params, X, y, lr):
    """A per-example loop: slow, but the same gradients."""
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    loss = 0.0
    for x, label in zip(X, y):
        z1 = x @ params["W1"] + params["b1"][0]
        a1 = np.maximum(z1, 0)
        p = softmax(a1 @ params["W2"] + params["b2"][0])
        loss += -np.log(p[label]) / len(X)
        dz2 = p.copy()
        dz2[label] -= 1
        dz2 /= len(X)
        grads["W2"] += np.outer(a1, dz2)
        grads["b2"] += dz2
        dz1 = (params["W2"] @ dz2) * (z1 > 0)
        grads["W1"] += np.outer(x, dz1)
        grads["b1"] += dz1
    for k in params:
        params[k] -= lr * grads[k]
    return loss


@pytest.mark.parametrize("fn", [_batches, _gen_batches], ids=["list", "generator"])
def test_minibatch_styles_pass(fn):
    assert run_check("minibatch.batches", fn).passed


@pytest.mark.parametrize("fn", [make_step(), _loop_step], ids=["vectorized", "loop"])
def test_step_styles_pass(fn):
    assert run_check("digits.step", fn).passed


def _train_with(step, batches):
    def train(params, X, y, epochs, lr, batch_size, seed):
        rng, losses = np.random.default_rng(seed), []
        for _ in range(epochs):
            total = sum(step(params, Xb, yb, lr) * len(Xb)
                        for Xb, yb in batches(X, y, batch_size, rng))
            losses.append(total / len(X))
        return losses
    return train


def test_capstone_train_passes_with_learner_style_step_and_batches():
    result = run_check("digits.train", _train_with(make_step(), _gen_batches))
    assert result.passed, str(result)
    accuracy = float(result.summary.split(" to ")[1].split("%")[0]) / 100
    assert accuracy >= PASS_ACCURACY


# --- named mistakes ------------------------------------------------------------------------------

def _x_only(X, y, B, rng):
    order = rng.permutation(len(X))
    return [(X[order[i:i + B]], y[i:i + B]) for i in range(0, len(X), B)]


BATCH_MISTAKES = [
    (_x_only, "shuffled-X-not-y"),
    (lambda X, y, B, rng: _batches(X, y, B, rng)[:len(X) // B], "last-batch-dropped"),
    (lambda X, y, B, rng: [(X[i:i + B], y[i:i + B]) for i in range(0, len(X), B)], "not-shuffled"),
    (lambda X, y, B, rng: [(X[o], y[o]) for o in np.array_split(rng.integers(0, len(X), len(X)),
                                                              range(B, len(X), B))],
     "with-replacement"),
    (lambda X, y, B, rng: _batches(X, y, B, np.random.default_rng(0)), "ignores-rng"),
    (lambda X, y, B, rng: _batches(X, y, B + 1, rng), "wrong-batch-size"),
    (lambda X, y, B, rng: [X, y], "bad-batch"),
    (lambda X, y, B, rng: _strided(X, y, B, rng, B + 1), "examples-skipped"),
    (lambda X, y, B, rng: _shuffled_in_place(X, y, B, rng), "mutates-input"),
]


def _strided(X, y, B, rng, stride):
    order = rng.permutation(len(X))
    return [(X[order[i:i + B]], y[order[i:i + B]]) for i in range(0, len(X), stride)]


def _shuffled_in_place(X, y, B, rng):
    """Right batches, but the caller's X and y are left shuffled."""
    order = rng.permutation(len(X))
    X[:], y[:] = X[order], y[order]
    return [(X[i:i + B], y[i:i + B]) for i in range(0, len(X), B)]


def _shuffle_method_in_place(X, y, B, rng):
    state = rng.bit_generator.state
    rng.shuffle(X)
    rng.bit_generator.state = state
    rng.shuffle(y)                                         # the same order for both
    return [(X[i:i + B], y[i:i + B]) for i in range(0, len(X), B)]


def test_shuffling_the_callers_arrays_in_place_is_named_with_the_fix():
    result = run_check("minibatch.batches", _shuffle_method_in_place)
    assert result.mistake == "mutates-input", str(result)
    assert "in place" in result.summary and "X[order], y[order]" in result.summary


def test_no_batches_at_all_are_not_called_skipped_examples():
    for fn in (lambda X, y, B, rng: [], lambda X, y, B, rng: [(X[:0], y[:0])]):
        assert run_check("minibatch.batches", fn).mistake == "not-a-partition"


def test_a_stride_past_batch_size_says_examples_are_skipped_between_batches():
    text = run_check("minibatch.batches", BATCH_MISTAKES[-2][0]).summary
    assert "skipped between batches" in text and "the last" not in text


@pytest.mark.parametrize("fn, mistake", BATCH_MISTAKES, ids=[m for _, m in BATCH_MISTAKES])
def test_minibatch_mistakes_are_named(fn, mistake):
    result = run_check("minibatch.batches", fn)
    assert not result.passed and result.mistake == mistake, str(result)


STEP_MISTAKES = [
    (make_step(divisor=32), "fixed-divisor"),
    (make_step(divisor=1), "missing-1/m"),
    (make_step(jacobian=True), "jacobian-on-top"),
    (make_step(mask=False), "no-relu-mask"),
    (make_step(update_first=True), "updated-W2-first"),
    (make_step(labels=True), "labels-not-one-hot"),
]


@pytest.mark.parametrize("fn, mistake", STEP_MISTAKES, ids=[m for _, m in STEP_MISTAKES])
def test_step_mistakes_are_named(fn, mistake):
    result = run_check("digits.step", fn)
    assert not result.passed and result.mistake == mistake, str(result)


def test_fixed_divisor_message_names_the_last_batch():
    text = run_check("digits.step", make_step(divisor=32)).summary
    assert "fixed 32" in text and "X.shape[0]" in text and "17" in text


def test_step_without_return_says_so():
    def step(params, X, y, lr):
        make_step()(params, X, y, lr)

    result = run_check("digits.step", step)
    assert "return loss" in result.summary


def test_capstone_diagnoses():
    def per_batch(params, X, y, epochs, lr, batch_size, seed):
        rng, losses = np.random.default_rng(seed), []
        for _ in range(epochs):
            losses += [make_step()(params, Xb, yb, lr)
                       for Xb, yb in _batches(X, y, batch_size, rng)]
        return losses

    assert run_check("digits.train", per_batch).mistake == "losses-per-batch"
    untrained = run_check("digits.train", lambda p, X, y, e, lr, B, s: [1.0] * e)
    assert untrained.mistake == "no-training"
    shuffled_wrong = _train_with(make_step(), _x_only)
    result = run_check("digits.train", shuffled_wrong)
    assert result.mistake == "below-95" and "course's loop reaches" in result.summary


@pytest.mark.parametrize("eid", IDS)
def test_stubs_are_not_attempted(eid):
    def stub(*args):
        raise NotImplementedError

    result = run_check(eid, stub)
    assert not result.attempted and not result.passed


# --- step: params not changed in place, what to return, messages in the lesson's terms -----------

def _local_names_step(params, X, y, lr):
    """Right gradients, but only local names are updated: params is left as it was."""
    W1, b1, W2, b2 = (params[k] for k in ref.PARAM_NAMES)
    copy = {k: v.copy() for k, v in params.items()}
    loss = make_step()(copy, X, y, lr)
    W1 = W1 - (params["W1"] - copy["W1"])                   # noqa: F841  (the learner's bug)
    return loss


def _copy_step(params, X, y, lr):
    params = {k: v.copy() for k, v in params.items()}       # a copy of the dict, updated
    return make_step()(params, X, y, lr)


def _biases_forgotten(params, X, y, lr):
    kept = {k: params[k].copy() for k in ("b1", "b2")}
    loss = make_step()(params, X, y, lr)
    params.update(kept)
    return loss


@pytest.mark.parametrize("fn", [_local_names_step, _copy_step], ids=["local-names", "copy"])
def test_a_step_that_leaves_params_unchanged_is_named_not_a_checker_error(fn):
    result = run_check("digits.step", fn)
    assert result.mistake == "params-not-updated", str(result)
    assert "did not change params in place" in result.summary
    assert "params['W1'] = " in result.summary and "-=" in result.summary


def test_a_step_that_forgets_the_biases_names_them():
    result = run_check("digits.step", _biases_forgotten)
    assert result.mistake == "params-not-updated"
    assert "changed W1, W2 but not b1, b2" in result.summary


def test_returning_params_and_loss_says_to_return_the_loss_only():
    def step(params, X, y, lr):
        return params, make_step()(params, X, y, lr)

    result = run_check("digits.step", step)
    assert not result.passed
    assert "returned a tuple of 2 items" in result.summary and "return loss" in result.summary
    assert "numpy array" not in result.summary


def test_step_messages_use_the_lessons_one_hot_and_plain_shapes():
    assert "np.eye(10)[y]" in run_check("digits.step", make_step(labels=True)).summary

    def transposed_W1(params, X, y, lr):
        loss = make_step()(params, X, y, lr)
        params["W1"] = params["W1"].T.copy()
        return loss

    text = str(run_check("digits.step", transposed_W1))
    assert "W1 keeps its shape (64, 32)" in text and "'64'" not in text


def test_a_zero_or_negative_gradient_ratio_is_no_checker_error():
    def frozen_W2(params, X, y, lr):                          # dW2 reads as exactly 0
        kept = params["W2"].copy()
        loss = make_step()(params, X, y, lr)
        params["W2"] = kept
        return loss

    def ascent(params, X, y, lr):                             # every gradient's sign flipped
        return make_step()(params, X, y, -lr)

    for fn in (frozen_W2, ascent):
        result = run_check("digits.step", fn)
        assert not result.passed and result.mistake != "checker-error", str(result)


# --- train: the loop's contract (a new order every epoch, the size-weighted epoch loss) ----------

def _loop(batches_per_epoch, epoch_loss):
    """A train whose epochs use ``batches_per_epoch(X, y, B, seed, rng)`` and report
    ``epoch_loss(losses, sizes, B, N)``; the step is right."""
    step = make_step()

    def train(params, X, y, epochs, lr, batch_size, seed):
        rng, losses = np.random.default_rng(seed), []
        for _ in range(epochs):
            batches = batches_per_epoch(X, y, batch_size, seed, rng)
            out = [(step(params, Xb, yb, lr), len(Xb)) for Xb, yb in batches]
            losses.append(epoch_loss([v for v, _ in out], [n for _, n in out], batch_size,
                                     len(X)))
        return losses
    return train


def _weighted(losses, sizes, B, N):
    return sum(v * n for v, n in zip(losses, sizes)) / N


def _fresh(X, y, B, seed, rng):
    return _gen_batches(X, y, B, rng)


def _rng_inside(X, y, B, seed, rng):
    return _batches(X, y, B, np.random.default_rng(seed))       # a new rng every epoch


def _drawn_once():
    memo = {}

    def batches(X, y, B, seed, rng):
        key = (len(X), B, float(X.sum()))
        return memo.setdefault(key, _batches(X, y, B, rng))     # replayed every epoch
    return batches


TRAIN_MISTAKES = [
    (_loop(_rng_inside, _weighted), "same-batches-every-epoch"),
    (_loop(_drawn_once(), _weighted), "same-batches-every-epoch"),
    (_loop(_fresh, lambda losses, sizes, B, N: float(np.mean(losses))), "unweighted-mean"),
    (_loop(_fresh, lambda losses, sizes, B, N: sum(losses) * B / N), "weighted-by-batch-size"),
    (_loop(_fresh, lambda losses, sizes, B, N: sum(losses)), "epoch-loss-wrong"),
    (_loop(_fresh, lambda losses, sizes, B, N: losses[-1]), "epoch-loss-wrong"),
]


@pytest.mark.parametrize("fn, mistake", TRAIN_MISTAKES,
                         ids=["rng-inside", "batches-once", "plain-mean", "times-batch_size",
                              "sum", "last-batch"])
def test_train_contract_mistakes_are_named_although_accuracy_passes(fn, mistake):
    result = run_check("digits.train", fn)
    assert not result.passed and result.mistake == mistake, str(result)


@pytest.mark.parametrize("epoch_loss", [
    _weighted,
    lambda losses, sizes, B, N: float(np.average(losses, weights=sizes)),
    lambda losses, sizes, B, N: sum(v * n for v, n in zip(losses, sizes)) / sum(sizes),
], ids=["total-over-N", "np.average", "over-sum-of-sizes"])
def test_train_with_a_size_weighted_epoch_loss_passes(epoch_loss):
    result = run_check("digits.train", _loop(_fresh, epoch_loss))
    assert result.passed, str(result)


def test_a_train_returning_nothing_on_a_small_set_is_no_checker_error():
    right = _loop(_fresh, _weighted)

    def train(params, X, y, epochs, lr, batch_size, seed):
        losses = right(params, X, y, epochs, lr, batch_size, seed)
        return losses if len(X) > 1000 else []

    result = run_check("digits.train", train)
    assert result.mistake == "epoch-loss-wrong", str(result)


def test_train_contract_messages_say_what_to_change():
    text = run_check("digits.train", TRAIN_MISTAKES[0][0]).summary
    assert "once, before the epoch loop" in text and "inside the loop" in text
    text = run_check("digits.train", TRAIN_MISTAKES[3][0]).summary
    assert "batch_size = 32" in text and "1.28×" in text and "len(X_batch)" in text
    text = run_check("digits.train", TRAIN_MISTAKES[2][0]).summary
    assert "counts as much as one of 32" in text and "len(X_batch)" in text
