"""The lesson-07 references: BCE's gradient, one SGD step, the training loop.

Conventions of ``course.nn.losses``: a loss is a mean over the m examples (rows), so its
gradient carries 1/m; ``MLP.loss_and_grads`` returns ``(loss, {"W": [...], "b": [...]})``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["bce_grad", "sgd_step", "train"]


def bce_grad(a, y):
    """dL/da of L = -(1/m) Σ [y log a + (1 − y) log(1 − a)]: ``(a − y) / (a (1 − a)) / m``."""
    m = a.shape[0]
    return (a - y) / (a * (1 - a)) / m              # (m, n_out), the shape of a


def sgd_step(model, grads, lr):
    """``W -= lr * dW`` and ``b -= lr * db`` for every layer, in place."""
    for W, dW in zip(model.weights, grads["W"]):
        W -= lr * dW                                # (n_in, n_out)
    for b, db in zip(model.biases, grads["b"]):
        b -= lr * db                                # (1, n_out)


def train(model, X, y, epochs, lr):
    """Full-batch gradient descent on the BCE loss; returns the loss of every epoch."""
    losses = []
    for _ in range(epochs):
        loss, grads = model.loss_and_grads(X, y, loss="bce")   # fresh gradients every step
        sgd_step(model, grads, lr)
        losses.append(float(loss))
    return np.array(losses)
