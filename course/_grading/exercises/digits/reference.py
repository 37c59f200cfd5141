"""The lesson-10 references: mini-batches, one SGD step of the 64-32-10 digits network, the
training loop, and the cases the checkers draw.

The network, one example per row::

    Z1 = X @ W1 + b1        # (m, 32) = (m, 64) @ (64, 32) + (1, 32)
    A1 = max(0, Z1)         # (m, 32)   ReLU
    Z2 = A1 @ W2 + b2       # (m, 10)   logits
    P  = softmax(Z2)        # (m, 10)   L = −(1/m) Σ log P[k, y_k]

and its backward pass (lesson 09's results)::

    delta2 = (P − Y) / m       # (m, 10)   no softmax Jacobian: it is inside P − Y
    dW2 = A1.T @ delta2        # (32, 10)
    db2 = delta2.sum(axis=0, keepdims=True)
    dA1 = delta2 @ W2.T        # (m, 32)   with W2 *before* its update
    delta1 = dA1 * (Z1 > 0)    # (m, 32)   the ReLU's mask, on the pre-activation
    dW1 = X.T @ delta1         # (64, 32)
    db1 = delta1.sum(axis=0, keepdims=True)
"""

from __future__ import annotations

import numpy as np

from course._grading.arrays.program import (
    HOLE,
    Program,
    T,
    V,
    div,
    gt0,
    mm,
    mul,
    rowsum,
    sub,
)
from course.nn.digits import load_digits, train_test_split
from course.nn.init import he_std, xavier_std
from course.nn.softmax import log_softmax, one_hot, softmax

__all__ = ["minibatches", "init_params", "gradients", "step", "train", "predict", "accuracy",
           "digits_split", "SIZES", "LESSON", "SCHEDULE", "PARAM_NAMES"]

LESSON = "10_minibatches_and_real_data"
SIZES = (64, 32, 10)
PARAM_NAMES = ("W1", "b1", "W2", "b2")
#: the capstone's schedule (the lesson's and the checker's): reaches ~97 % in well under 1 s
SCHEDULE = {"epochs": 20, "lr": 0.5, "batch_size": 32, "seed": 0}


def digits_split():
    """The course's fixed split of the digits: ``(X_train, y_train, X_test, y_test)``."""
    return train_test_split(*load_digits())


def minibatches(X, y, batch_size, rng):
    """``[(X_batch, y_batch), ...]``: X and y shuffled *together*, the last batch kept even
    when it is smaller."""
    order = rng.permutation(len(X))                       # one permutation for both
    return [(X[idx], y[idx]) for idx in (order[i:i + batch_size]
                                         for i in range(0, len(X), batch_size))]


def init_params(seed=0):
    """He for the ReLU layer, Xavier for the softmax layer; biases 0."""
    rng = np.random.default_rng(seed)
    (n0, n1, n2) = SIZES
    return {"W1": rng.normal(0.0, he_std(n0), (n0, n1)), "b1": np.zeros((1, n1)),
            "W2": rng.normal(0.0, xavier_std(n1, n2), (n1, n2)), "b2": np.zeros((1, n2))}


def gradients(params, X, y, *, jacobian=False, mask="Z1", divisor=None, labels_as_numbers=False,
              mean_all=False, updated_W2_lr=None):
    """``(loss, {name: gradient})`` of the mean cross-entropy on the batch ``(X, y)``.

    The keywords switch on the catalogue's mistakes (all off: the right gradients).
    """
    W1, b1, W2, b2 = (params[k] for k in PARAM_NAMES)
    m = X.shape[0]
    Z1 = X @ W1 + b1                                      # (m, 32)
    A1 = np.maximum(Z1, 0.0)                              # (m, 32)
    Z2 = A1 @ W2 + b2                                     # (m, 10)
    P = softmax(Z2)                                       # (m, 10)
    loss = float(-log_softmax(Z2)[np.arange(m), y].mean())
    Y = y[:, None] if labels_as_numbers else one_hot(y, Z2.shape[1])
    delta2 = (P - Y) / (divisor if divisor else m)           # (m, 10)
    if mean_all:
        delta2 = delta2 / Z2.shape[1]
    if jacobian:
        delta2 = P * delta2 - P * (P * delta2).sum(axis=1, keepdims=True)
    dW2 = A1.T @ delta2                                      # (32, 10)
    db2 = delta2.sum(axis=0, keepdims=True)                  # (1, 10)
    W2_used = W2 - updated_W2_lr * dW2 if updated_W2_lr else W2
    dA1 = delta2 @ W2_used.T                                 # (m, 32)
    delta1 = {"Z1": dA1 * (Z1 > 0), "none": dA1, "A1-values": dA1 * A1}[mask]
    dW1 = X.T @ delta1                                       # (64, 32)
    db1 = delta1.sum(axis=0, keepdims=True)                  # (1, 32)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def step(params, X, y, lr):
    """One SGD step on the batch, in place; returns the batch's loss (before the step)."""
    loss, grads = gradients(params, X, y)
    for name in PARAM_NAMES:
        params[name] -= lr * grads[name]
    return loss


def train(params, X, y, epochs, lr, batch_size, seed):
    """Mini-batch SGD; returns the mean loss of every epoch (batches weighted by size)."""
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        total = 0.0
        for Xb, yb in minibatches(X, y, batch_size, rng):
            total += step(params, Xb, yb, lr) * len(Xb)
        losses.append(total / len(X))
    return losses


def predict(params, X):
    """The most probable digit of every row: (m,) labels."""
    A1 = np.maximum(X @ params["W1"] + params["b1"], 0.0)
    return np.argmax(A1 @ params["W2"] + params["b2"], axis=1)


def accuracy(params, X, y) -> float:
    return float(np.mean(predict(params, X) == y))


# --- the backward pass as a program of array operations (the diagnosis edits it) -------------

def _forward_env(env):
    Z1 = env["X"] @ env["W1"] + env["b1"]
    A1 = np.maximum(Z1, 0.0)
    Z2 = A1 @ env["W2"] + env["b2"]
    return Z1, A1, Z2, softmax(Z2)


STEP_PROGRAM = Program(
    steps=(("delta2", div(sub(V("P"), V("Y")), V("m"))),       # (m, 10)
           ("dW2", mm(T(V("A1")), V("delta2"))),               # (32, 10)
           ("db2", rowsum(V("delta2"))),                       # (1, 10)
           ("W2_new", sub(V("W2"), mul(V("lr"), V("dW2")))),   # (32, 10) W2 after its update
           ("dA1", mm(V("delta2"), T(V("W2")))),               # (m, 32)
           ("delta1", mul(V("dA1"), gt0(V("Z1")))),            # (m, 32)
           ("dW1", mm(T(V("X")), V("delta1"))),                # (64, 32)
           ("db1", rowsum(V("delta1")))),                      # (1, 32)
    outputs={"dW1": "dW1", "db1": "db1", "dW2": "dW2", "db2": "db2"},
    inputs=("W1", "b1", "W2", "b2", "X", "y", "lr"), scalars=("lr", "y"), batch="X",
    frozen=("W2_new",),
    derived={"Z1": (lambda env: _forward_env(env)[0], "X @ W1 + b1"),
             "A1": (lambda env: _forward_env(env)[1], "np.maximum(Z1, 0)"),
             "Z2": (lambda env: _forward_env(env)[2], "A1 @ W2 + b2"),
             "P": (lambda env: _forward_env(env)[3], "softmax(Z2)"),
             "Y": (lambda env: one_hot(np.asarray(env["y"]).astype(int), 10), "np.eye(10)[y]"),
             "y_col": (lambda env: np.asarray(env["y"], dtype=float)[:, None], "y[:, None]")},
    roles={"X": "the batch of digits", "Z1": "the hidden pre-activation",
           "A1": "the hidden layer's output", "Z2": "the logits", "P": "the probabilities",
           "Y": "the one-hot labels", "y_col": "the labels as numbers",
           "delta2": "dL/dZ2", "dA1": "the gradient reaching the hidden layer",
           "delta1": "the hidden delta", "W2_new": "W2 after its update", "W1": "layer 1's weights",
           "W2": "layer 2's weights"},
    extras=(("jacobian-on-top", ("jac", V("P"), HOLE),
             "the softmax Jacobian is multiplied on top of (P − Y)/m"),),
    ids={"wrong-operand:Y->y_col": "labels-not-one-hot",
         "missing-factor:(Z1 > 0)": "no-relu-mask", "values-for-mask:A1": "times-A1",
         "wrong-operand:dA1:W2->W2_new": "updated-W2-first"},
    notes={"jacobian-on-top": "(P − Y)/m already is delta2 = dL/dZ2 (lesson 09).",
           "labels-not-one-hot": "Subtract the one-hot rows Y = np.eye(10)[y].",
           "no-relu-mask": "The hidden layer is a ReLU: delta1 = dA1 * (Z1 > 0).",
           "times-A1": "The ReLU's slope is the 0/1 mask (Z1 > 0), not A1's values.",
           "updated-W2-first": "Update the parameters only once every gradient is computed: "
                               "the backward pass needs the weights the forward pass used."})
