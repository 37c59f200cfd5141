"""The lesson-06 references (a sigmoid layer, forward and backward; a 2-layer net's
gradients under the mean squared error) and the cases the checker draws."""

from __future__ import annotations

import numpy as np

from course._grading.arrays import GENERIC_MISTAKES, ArrayCase
from course._grading.arrays.program import Program, T, V, add, div, mm, mul, rowsum, s, sp, sub
from course.nn.activations import sigmoid, sigmoid_prime

__all__ = ["dense_forward", "dense_backward", "mlp_backward", "layer_cases", "net_cases",
           "meanings", "LESSON", "SHAPE_IDS", "FORWARD_PROGRAM", "BACKWARD_PROGRAM",
           "MLP_PROGRAM"]

LESSON = "06_vectorized_backprop"
#: mistakes about shapes: they get the exercise's shape hint
SHAPE_IDS = ("transposed", "bias-shape", "wrong-shape", "shape-error")


def dense_forward(A_prev, W, b):
    """``(Z, A)`` of a sigmoid layer: ``Z = A_prev @ W + b``, ``A = s(Z)``, both (m, n_out)."""
    Z = A_prev @ W + b                        # (m, n_out)
    return Z, sigmoid(Z)


def dense_backward(dA, A_prev, W, Z):
    """``(dW, db, dA_prev)`` of a sigmoid layer from ``dA = dL/dA`` (m, n_out)."""
    delta = dA * sigmoid_prime(Z)                # (m, n_out)
    dW = A_prev.T @ delta                        # (n_in, n_out)
    db = delta.sum(axis=0, keepdims=True)        # (1, n_out)
    dA_prev = delta @ W.T                        # (m, n_in)
    return dW, db, dA_prev


def mlp_backward(X, y, W1, b1, W2, b2):
    """Gradients of L = (1/m) Σ ½‖A2 − y‖² for the net X → s(X W1 + b1) → s(A1 W2 + b2)."""
    Z1, A1 = dense_forward(X, W1, b1)         # (m, n_hidden)
    Z2, A2 = dense_forward(A1, W2, b2)        # (m, n_out)
    dA2 = (A2 - y) / X.shape[0]               # dL/dA2 of the mean loss
    dW2, db2, dA1 = dense_backward(dA2, A1, W2, Z2)
    dW1, db1, _ = dense_backward(dA1, X, W1, Z1)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


# --- the references as programs of matrix operations (the diagnosis edits them) ---------------

FORWARD_PROGRAM = Program(
    steps=(("Z", add(mm(V("A_prev"), V("W")), V("b"))),       # (m, n_out)
           ("A", s(V("Z")))),                                  # (m, n_out)
    outputs={"Z": "Z", "A": "A"}, inputs=("A_prev", "W", "b"),
    roles={"A_prev": "the layer's input", "W": "the weights", "b": "the bias"})

BACKWARD_PROGRAM = Program(
    steps=(("delta", mul(V("dA"), sp(V("Z")))),                  # (m, n_out)
           ("dW", mm(T(V("A_prev")), V("delta"))),               # (n_in, n_out)
           ("db", rowsum(V("delta"))),                           # (1, n_out)
           ("dA_prev", mm(V("delta"), T(V("W"))))),              # (m, n_in)
    outputs={"dW": "dW", "db": "db", "dA_prev": "dA_prev"},
    inputs=("dA", "A_prev", "W", "Z"),
    derived={"A": (lambda env: sigmoid(env["Z"]), "sigmoid(Z)")},
    roles={"dA": "the incoming gradient dL/dA", "A_prev": "the layer's input",
           "W": "the weights", "Z": "the pre-activation",
           "A": "the layer's own output sigmoid(Z)", "delta": "the delta ∂L/∂Z"},
    ids={"s-prime-of-wrong-array:delta:Z->A": "s-prime-of-activation",
         "wrong-operand:dA_prev:delta->dA": "dA-prev-skips-s-prime"},
    notes={"s-prime-of-activation": "s′ is taken at the pre-activation Z; the formula "
                                    "s′ = s(1 − s) takes the activation A = s(Z) instead.",
           "dA-prev-skips-s-prime": "Go back through this layer's sigmoid first: dA_prev "
                                    "is built from delta, not from dA."})


def _forward2(env):
    Z1 = env["X"] @ env["W1"] + env["b1"]
    A1 = sigmoid(Z1)
    Z2 = A1 @ env["W2"] + env["b2"]
    return Z1, A1, Z2, sigmoid(Z2)


MLP_PROGRAM = Program(
    steps=(("dA2", div(sub(V("A2"), V("y")), V("m"))),        # (m, n_out) dL/dA2, mean loss
           ("delta2", mul(V("dA2"), sp(V("Z2")))),               # (m, n_out)
           ("dW2", mm(T(V("A1")), V("delta2"))),                 # (n_hidden, n_out)
           ("db2", rowsum(V("delta2"))),                         # (1, n_out)
           ("dA1", mm(V("delta2"), T(V("W2")))),                 # (m, n_hidden)
           ("delta1", mul(V("dA1"), sp(V("Z1")))),               # (m, n_hidden)
           ("dW1", mm(T(V("X")), V("delta1"))),                  # (n_in, n_hidden)
           ("db1", rowsum(V("delta1")))),                        # (1, n_hidden)
    outputs={"W1": "dW1", "b1": "db1", "W2": "dW2", "b2": "db2"},
    inputs=("X", "y", "W1", "b1", "W2", "b2"),
    derived={"Z1": (lambda env: _forward2(env)[0], "X @ W1 + b1"),
             "A1": (lambda env: _forward2(env)[1], "sigmoid(Z1)"),
             "Z2": (lambda env: _forward2(env)[2], "A1 @ W2 + b2"),
             "A2": (lambda env: _forward2(env)[3], "sigmoid(Z2)")},
    roles={"X": "the input", "y": "the targets", "Z1": "the hidden pre-activation",
           "A1": "the hidden layer's output", "Z2": "the output pre-activation",
           "A2": "the network's output", "dA2": "the loss gradient ∂L/∂A2",
           "delta2": "the output delta ∂L/∂Z2",
           "dA1": "the gradient reaching the hidden layer",
           "delta1": "the hidden delta ∂L/∂Z1", "W1": "layer 1's weights",
           "W2": "layer 2's weights"})


# --- cases ---------------------------------------------------------------------------------------

#: (m, n_in, n_out): all different, so a transpose or a wrong axis always shows
_LAYER_SHAPES = ((5, 3, 4), (8, 4, 2), (6, 2, 5), (7, 5, 1))
#: (m, n_in, n_hidden, n_out)
_NET_SHAPES = ((6, 2, 4, 1), (5, 3, 7, 2), (8, 4, 3, 1), (7, 3, 5, 2))


def _shapes(base, opts, n_dims):
    """The fixed shapes, plus random ones when the grader asks for more cases."""
    rng = np.random.default_rng(opts.seed + 1)
    extra = []
    while len(base) + len(extra) < opts.n_cases // 12:
        dims = tuple(int(d) for d in rng.choice(np.arange(2, 10), n_dims, replace=False))
        extra.append(dims)
    return (*base, *extra)


def layer_cases(opts, with_dA: bool):
    rng = np.random.default_rng(opts.seed)
    cases = []
    for m, n_in, n_out in _shapes(_LAYER_SHAPES, opts, 3):
        A_prev = rng.uniform(-1, 1, (m, n_in))
        W = rng.normal(0, 1, (n_in, n_out))
        b = rng.normal(0, 0.5, (1, n_out))
        Z, A = dense_forward(A_prev, W, b)
        dims = {"m": m, "n_in": n_in, "n_out": n_out}
        if not with_dA:
            cases.append(ArrayCase({"A_prev": A_prev, "W": W, "b": b}, dims,
                                   {"Z": Z, "A": A}, {"A_prev": A_prev, "W": W, "b": b}))
            continue
        dA = rng.normal(0, 1, (m, n_out)) / m               # of a mean loss: carries 1/m
        dW, db, dA_prev = dense_backward(dA, A_prev, W, Z)
        cases.append(ArrayCase({"dA": dA, "A_prev": A_prev, "W": W, "Z": Z}, dims,
                               {"dW": dW, "db": db, "dA_prev": dA_prev},
                               {"dA": dA, "A_prev": A_prev, "W": W, "Z": Z, "m": m}))
    return cases


def net_cases(opts):
    rng = np.random.default_rng(opts.seed)
    cases = []
    for m, n_in, n_h, n_out in _shapes(_NET_SHAPES, opts, 4):
        p = {"X": rng.uniform(-1.5, 1.5, (m, n_in)), "y": rng.uniform(0, 1, (m, n_out)),
             "W1": rng.normal(0, 1, (n_in, n_h)), "b1": rng.normal(0, 0.5, (1, n_h)),
             "W2": rng.normal(0, 1, (n_h, n_out)), "b2": rng.normal(0, 0.5, (1, n_out))}
        dims = {"m": m, "n_in": n_in, "n_hidden": n_h, "n_out": n_out}
        cases.append(ArrayCase(p, dims, mlp_backward(**p), p))
    return cases


def meanings(spec):
    return {**{m.id: m.meaning for m in spec.mistakes},
            **{k: GENERIC_MISTAKES[k] for k in ("transposed", "bias-shape", "wrong-shape",
                                                "sign", "shape-error", "mutates-input")}}


