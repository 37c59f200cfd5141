"""The lesson-07 references: BCE's gradient, one SGD step, the training loop.

Conventions of ``course.nn.losses``: a loss is a mean over the m examples (rows), so its
gradient carries 1/m; ``MLP.loss_and_grads`` returns ``(loss, {"W": [...], "b": [...]})``.
"""

from __future__ import annotations

import numpy as np

from course.nn import train as nn_train

__all__ = ["bce_grad", "sgd_step", "train"]


def bce_grad(A, y):
    """dL/dA of L = -(1/m) Σ [y log A + (1 − y) log(1 − A)]: ``(A − y) / (A (1 − A)) / m``."""
    m = A.shape[0]
    return (A - y) / (A * (1 - A)) / m              # (m, n_out), the shape of A


def sgd_step(model, grads, lr):
    """``W -= lr * dW`` and ``b -= lr * db`` for every layer, in place.

    The exercise's signature (a model, not its parameter list) over the library's one SGD
    update, ``course.nn.train.sgd_step``.
    """
    nn_train.sgd_step(model.parameters(), grads, lr)      # [W0, b0, W1, b1, ...] in place


def train(model, X, y, epochs, lr):
    """Full-batch gradient descent on the BCE loss; returns the loss of every epoch.

    A thin adapter with the exercise's signature over the library's one training loop,
    ``course.nn.train.train``: full batch, ``loss="bce"``, and the loss each epoch's step
    started from (``history["step_loss"]``, what the learner's loop appends) as an array.
    """
    history = nn_train.train(model, X, y, epochs=epochs, lr=lr, loss="bce")
    return np.array(history["step_loss"])
