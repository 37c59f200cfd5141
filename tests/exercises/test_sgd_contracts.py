"""Lesson 07's contracts, each named when broken: ``sgd_step`` changes the arrays the model
holds (identity, not only values); ``train`` is full-batch, one step per epoch, and records
the loss at which each step's gradient was taken; the first step is exactly −η·∇L."""

from __future__ import annotations

import numpy as np
import pytest

from course import explain
from course.nn.losses import bce


def sgd_step(model, grads, lr):
    for W, dW in zip(model.weights, grads["W"]):
        W -= lr * dW
    for b, db in zip(model.biases, grads["b"]):
        b -= lr * db


# --- sgd_step: in place, the held arrays change --------------------------------------------------

def step_new_lists_returned(model, grads, lr):
    model.weights = [W - lr * dW for W, dW in zip(model.weights, grads["W"])]
    model.biases = [b - lr * db for b, db in zip(model.biases, grads["b"])]
    return model


def step_new_arrays_in_the_same_lists(model, grads, lr):
    for l, (dW, db) in enumerate(zip(grads["W"], grads["b"])):
        model.weights[l] = model.weights[l] - lr * dW
        model.biases[l] = model.biases[l] - lr * db


@pytest.mark.parametrize("answer", [step_new_lists_returned, step_new_arrays_in_the_same_lists])
def test_sgd_step_that_replaces_the_arrays_is_named(answer):
    result = explain("sgd.sgd_step", answer)
    assert not result.passed and result.mistake == "replaced-arrays", str(result)
    assert "the arrays the model held before the call did not change" in result.summary


def test_sgd_step_replacing_with_a_wrong_sign_is_named_by_its_values_first():
    def uphill_new(model, grads, lr):
        model.weights = [W + lr * dW for W, dW in zip(model.weights, grads["W"])]
        model.biases = [b + lr * db for b, db in zip(model.biases, grads["b"])]

    assert explain("sgd.sgd_step", uphill_new).mistake == "plus"


def test_sgd_step_in_place_that_also_returns_the_model_passes_with_a_note():
    def in_place_returning(model, grads, lr):
        sgd_step(model, grads, lr)
        return model

    result = explain("sgd.sgd_step", in_place_returning)
    assert result.passed, str(result)
    assert any("returns nothing" in d for d in result.details)


# --- train: full batch, one step per epoch, the loss where the gradient was taken --------------

def train_right(model, X, y, epochs, lr):
    losses = []
    for _ in range(epochs):
        loss, grads = model.loss_and_grads(X, y, loss="bce")
        sgd_step(model, grads, lr)
        losses.append(loss)
    return losses


def train_loss_before_by_hand(model, X, y, epochs, lr):
    losses = []
    for _ in range(epochs):
        losses.append(bce(model.forward(X), y))
        _, grads = model.loss_and_grads(X, y, loss="bce")
        sgd_step(model, grads, lr)
    return losses


def train_loss_after_step(model, X, y, epochs, lr):
    losses = []
    for _ in range(epochs):
        _, grads = model.loss_and_grads(X, y, loss="bce")
        sgd_step(model, grads, lr)
        losses.append(model.loss_and_grads(X, y, loss="bce")[0])
    return losses


def train_one_step_short(model, X, y, epochs, lr):
    losses = []
    for epoch in range(epochs):
        loss, grads = model.loss_and_grads(X, y, loss="bce")
        losses.append(loss)
        if epoch < epochs - 1:
            sgd_step(model, grads, lr)
    return losses


def train_mini_batches(model, X, y, epochs, lr):
    losses, rng = [], np.random.default_rng(0)
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), 50):
            rows = order[start:start + 50]
            loss, grads = model.loss_and_grads(X[rows], y[rows], loss="bce")
            sgd_step(model, grads, lr)
        losses.append(loss)
    return losses


def train_shuffled_full_batch(model, X, y, epochs, lr):
    losses, rng = [], np.random.default_rng(0)
    for _ in range(epochs):
        rows = rng.permutation(len(X))
        loss, grads = model.loss_and_grads(X[rows], y[rows], loss="bce")
        sgd_step(model, grads, lr)
        losses.append(loss)
    return losses


@pytest.mark.parametrize("answer", [train_right, train_loss_before_by_hand])
def test_train_in_the_contract_passes(answer):
    result = explain("sgd.train", answer)
    assert result.passed, str(result)


@pytest.mark.parametrize("answer, mistake, words", [
    (train_loss_after_step, "loss-after-step", "the loss *after* that epoch's step"),
    (train_one_step_short, "wrong-step-count", "299 steps for epochs = 300 — one too few"),
    (train_mini_batches, "not-full-batch", "50 of the 200 examples"),
    (train_shuffled_full_batch, "not-full-batch", "a shuffled copy of X"),
])
def test_train_outside_the_contract_is_named(answer, mistake, words):
    result = explain("sgd.train", answer)
    assert not result.passed and result.mistake == mistake, str(result)
    assert words in result.summary, result.summary
