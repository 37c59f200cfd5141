"""Lesson 07: ``train_step(X, y, W1, b1, W2, b2, lr) -> (W1, b1, W2, b2)``, one full step.

A 2-layer sigmoid net, the binary cross-entropy (a mean over the m rows), one gradient
descent step written out by the learner — forward, backward, *then* update::

    Z1 = X @ W1 + b1;  A1 = s(Z1)             # (m, n_hidden)
    Z2 = A1 @ W2 + b2; A2 = s(Z2)             # (m, n_out)
    delta2 = (A2 - y) / m                        # (m, n_out): cross-entropy + sigmoid
    dW2 = A1.T @ delta2;  db2 = delta2.sum(axis=0, keepdims=True)
    delta1 = (delta2 @ W2.T) * s'(Z1)               # W2 as it was in the forward pass
    dW1 = X.T @ delta1;   db1 = delta1.sum(axis=0, keepdims=True)
    W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2

The order is observable: the program below updates layer 2 *before* the hidden delta is
computed, so one generated edit — the hidden delta reading the updated ``W2`` — is the
learner who wrote ``W2 -= lr * dW2`` before ``delta1 = delta2 @ W2.T * ...``; it is named
``updated-before-backprop``. Updating in place is allowed (the parameters are the learner's
to change); the returned arrays are compared.
"""

from __future__ import annotations

import numpy as np

from course._grading.arrays import (
    GENERIC_MISTAKES,
    ArrayCase,
    ArrayMistake,
    ArraySpec,
    OutputSpec,
    grade_arrays,
)
from course._grading.arrays.edits import generated_meanings
from course._grading.arrays.program import Program, T, V, div, mm, mul, rowsum, sp, sub
from course._grading.registry import Exercise, register
from course.nn.activations import sigmoid, sigmoid_prime

__all__ = ["TRAIN_STEP", "STEP_PROGRAM", "train_step"]

LESSON = "07_training_with_sgd"
#: (m, n_in, n_hidden, n_out, lr): all sizes different, a learning rate of its own per case
_SHAPES = ((6, 2, 4, 1, 0.5), (5, 3, 7, 2, 0.1), (8, 4, 3, 1, 1.0), (7, 3, 5, 2, 0.3))


def train_step(X, y, W1, b1, W2, b2, lr):
    """The parameters after one gradient-descent step on the cross-entropy (new arrays)."""
    Z1 = X @ W1 + b1
    A1 = sigmoid(Z1)                                # (m, n_hidden)
    A2 = sigmoid(A1 @ W2 + b2)                      # (m, n_out)
    delta2 = (A2 - y) / X.shape[0]                     # (m, n_out)
    dW2, db2 = A1.T @ delta2, delta2.sum(axis=0, keepdims=True)
    delta1 = (delta2 @ W2.T) * sigmoid_prime(Z1)          # (m, n_hidden), the forward pass's W2
    dW1, db1 = X.T @ delta1, delta1.sum(axis=0, keepdims=True)
    return W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2


def _forward(env):
    Z1 = env["X"] @ env["W1"] + env["b1"]
    A1 = sigmoid(Z1)
    Z2 = A1 @ env["W2"] + env["b2"]
    return Z1, A1, Z2, sigmoid(Z2)


def _minus_lr(param, grad):
    return sub(V(param), mul(V("lr"), V(grad)))


STEP_PROGRAM = Program(
    steps=(("delta2", div(sub(V("A2"), V("y")), V("m"))),             # (m, n_out)
           ("dW2", mm(T(V("A1")), V("delta2"))),                     # (n_hidden, n_out)
           ("db2", rowsum(V("delta2"))),                             # (1, n_out)
           ("W2_new", _minus_lr("W2", "dW2")),                    # updated here, so that
           ("b2_new", _minus_lr("b2", "db2")),                    # reading it below can be
           ("delta1", mul(mm(V("delta2"), T(V("W2"))), sp(V("Z1")))),  # generated (m, n_hidden)
           ("dW1", mm(T(V("X")), V("delta1"))),                      # (n_in, n_hidden)
           ("db1", rowsum(V("delta1"))),                             # (1, n_hidden)
           ("W1_new", _minus_lr("W1", "dW1")),
           ("b1_new", _minus_lr("b1", "db1"))),
    outputs={"W1": "W1_new", "b1": "b1_new", "W2": "W2_new", "b2": "b2_new"},
    inputs=("X", "y", "W1", "b1", "W2", "b2", "lr"),
    derived={"Z1": (lambda env: _forward(env)[0], "X @ W1 + b1"),
             "A1": (lambda env: _forward(env)[1], "sigmoid(Z1)"),
             "Z2": (lambda env: _forward(env)[2], "A1 @ W2 + b2"),
             "A2": (lambda env: _forward(env)[3], "sigmoid(Z2)")},
    roles={"X": "the input", "y": "the targets", "Z1": "the hidden pre-activation",
           "A1": "the hidden layer's output", "Z2": "the output pre-activation",
           "A2": "the network's output", "delta2": "the output delta", "delta1": "the hidden delta",
           "W2": "layer 2's weights", "W1": "layer 1's weights",
           "W2_new": "layer 2's weights after this step's update",
           "lr": "the learning rate"},
    ids={"wrong-operand:W2->W2_new": "updated-before-backprop",
         "extra-s-prime": "squared-error-delta"},
    notes={
        "updated-before-backprop": (
            "The hidden delta must use W2 as it was in the forward pass: the gradient is of "
            "the loss at the current weights. Compute every gradient first (delta2, dW2, db2, "
            "delta1, dW1, db1), then update — or write the update into new names."),
        "squared-error-delta": (
            "With the cross-entropy and a sigmoid output, δ2 = ∂L/∂Z2 has no s′ factor: "
            "s′(Z2) = A2(1 − A2) cancels against the cross-entropy's ∂L/∂A2 (exercise 2). "
            "(A2 − y)·s′(Z2)/m is the squared error's delta."),
    },
)


def _cases(opts):
    rng = np.random.default_rng(opts.seed)
    cases = []
    for m, n_in, n_h, n_out, lr in _SHAPES:
        p = {"X": rng.uniform(-1.5, 1.5, (m, n_in)),
             "y": rng.integers(0, 2, (m, n_out)).astype(float),
             "W1": rng.normal(0, 1, (n_in, n_h)), "b1": rng.normal(0, 0.5, (1, n_h)),
             "W2": rng.normal(0, 1.5, (n_h, n_out)), "b2": rng.normal(0, 0.5, (1, n_out)),
             "lr": np.float64(lr)}
        W1, b1, W2, b2 = train_step(**p)
        cases.append(ArrayCase(p, {"m": m, "n_in": n_in, "n_hidden": n_h, "n_out": n_out},
                               {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, p))
    return cases


def _out(name, dims, label):
    return OutputSpec(name, dims, f"the new {name} replaces {name}, so it keeps its shape",
                      label=label)


def _uphill(case):
    """Every parameter moved by +lr·gradient (``W1 + lr * dW1``, ...). A delta2 of the wrong
    sign, (y − A2)/m, flips every gradient and gives exactly these numbers too: both readings
    are named."""
    p = case.extra
    new = train_step(**p)
    return {k: 2 * p[k] - v for k, v in zip(("W1", "b1", "W2", "b2"), new)}


_UPHILL = ArrayMistake(
    "ascent", "every parameter moved by +lr·gradient: a step uphill", _uphill,
    "every parameter moved by +lr times its gradient: a step uphill, so the loss grows. A "
    "step goes against the gradient — subtract, as in sgd_step. (A delta2 of the wrong sign, "
    "target minus output, flips every gradient and gives exactly these numbers: if your "
    "update already subtracts, look at the order of the difference in delta2.)")

TRAIN_STEP = ArraySpec(
    exercise_id="sgd.train_step", signature="train_step(X, y, W1, b1, W2, b2, lr)",
    outputs=(_out("W1", ("n_in", "n_hidden"), "W1"), _out("b1", ("1", "n_hidden"), "b1"),
             _out("W2", ("n_hidden", "n_out"), "W2"), _out("b2", ("1", "n_out"), "b2")),
    make_cases=_cases, program=STEP_PROGRAM, mutable=("W1", "b1", "W2", "b2"),
    mistakes=(_UPHILL,),
    mistake_hints={
        "updated-before-backprop": "Backward first, all of it; update last. delta1 needs the W2 "
                                   "that produced A2.",
        "squared-error-delta": "Cross-entropy + sigmoid output: what did exercise 2 leave of "
                               "s′ in delta_ce?",
    },
)

register(Exercise(
    forbidden=("course.nn.mlp.MLP.backward", "course.nn.mlp.MLP.loss_and_grads",
               "course.nn.train.sgd_step"),
    reference=train_step,
    id="sgd.train_step", lesson=LESSON, answer_name="train_step",
    title="train_step(X, y, W1, b1, W2, b2, lr): forward, backward, then update",
    grade=lambda answer, opts: grade_arrays(TRAIN_STEP, answer, opts),
    answer_kinds="function of (X, y, W1, b1, W2, b2, lr)",
    reveal=r"Forward, then **all** of backward, then the update: $\delta_2 = (A_2 - y)/m$ "
           r"(exercise 2's `delta_ce`), $dW_2 = A_1^{\mathsf T}\delta_2$, $db_2$ its row sum; "
           r"$\delta_1 = (\delta_2 W_2^{\mathsf T}) \odot A_1(1 - A_1)$ with the $W_2$ **the "
           r"forward pass used**, $dW_1 = X^{\mathsf T}\delta_1$, $db_1$ its row sum; then "
           r"each $	heta - \eta\,d	heta$. The gradient is the slope of the loss at the "
           r"current weights, so every piece of it uses them: `W2 -= lr * dW2` before "
           r"`delta1 = delta2 @ W2.T * ...` mixes two networks, and $dW_1$ becomes the "
           r"gradient of neither. The damage is of order $\eta$, so training often still "
           r"works — which is why the slip survives.",
    mistakes={**generated_meanings(STEP_PROGRAM), "ascent": _UPHILL.meaning,
              **{k: GENERIC_MISTAKES[k] for k in ("missing-1/m", "sign", "wrong-shape",
                                                  "transposed", "bias-shape", "shape-error")}},
    hints=("Three stages: the forward pass (keep Z1, A1, A2), the backward pass (delta2, dW2, "
           "db2, delta1, dW1, db1), then the update of all four parameters.",
           "delta2 is exercise 2's delta_ce (cross-entropy, sigmoid output); delta1 is lesson "
           "06's BP2, through W2 — the W2 of the forward pass — and the hidden sigmoid.",
           "Layer 1's gradients come from delta1 as layer 2's came from delta2 (the input's "
           "transpose times the delta; the delta summed over the batch). Return all four "
           "parameters, each "
           "moved by lr times its gradient against the gradient's direction."),
))
