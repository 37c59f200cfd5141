"""The lesson-09 references (the learner's versions are checked against these)."""

from __future__ import annotations

import numpy as np

from course._grading.arrays.program import (
    HOLE,
    C,
    Program,
    V,
    div,
    exp,
    gt0,
    mul,
    rowmax,
    rowsum1,
    sub,
    where,
)
from course.nn.init import init_std
from course.nn.softmax import one_hot
from course.nn.softmax import softmax as _softmax

__all__ = ["softmax", "softmax_ce_grad", "relu_backward", "leaky_relu", "leaky_relu_backward",
           "init_std", "LESSON", "SOFTMAX_PROGRAM", "CE_GRAD_PROGRAM", "RELU_PROGRAM",
           "LEAKY_PROGRAM"]

LESSON = "09_beyond_the_sigmoid"


def softmax(Z):
    """Row-wise stable softmax: ``exp(Z - max) / sum``, shape (m, k)."""
    return _softmax(Z)


def softmax_ce_grad(Z, y):
    """dL/dZ of the mean cross-entropy of ``softmax(Z)`` (m, k) against labels ``y`` (m,)."""
    m, k = Z.shape
    return (_softmax(Z) - one_hot(np.asarray(y).astype(int), k)) / m     # (m, k)


def relu_backward(dA, Z):
    """``delta = dA ⊙ [Z > 0]``: the ReLU's slope is 1 where the unit was active, else 0."""
    return dA * (Z > 0)                       # (m, n)


def leaky_relu(Z, alpha):
    """``Z`` where positive, ``alpha·Z`` elsewhere."""
    return np.where(Z > 0, Z, alpha * Z)


def leaky_relu_backward(dA, Z, alpha):
    """``delta = dA ⊙ (1 where Z > 0, else alpha)``."""
    return dA * np.where(Z > 0, 1.0, alpha)   # (m, n)


# --- the references as programs of array operations (the diagnosis edits them) -----------------

SOFTMAX_PROGRAM = Program(
    steps=(("Zs", sub(V("Z"), rowmax(V("Z")))),                # (m, k) every exponent <= 0
           ("E", exp(V("Zs"))),                                # (m, k)
           ("P", div(V("E"), rowsum1(V("E"))))),               # (m, k) rows sum to 1
    outputs={"P": "P"}, inputs=("Z",),
    roles={"Z": "the logits", "Zs": "the shifted logits", "E": "the exponentials"},
    ids={"missing-factor:division": "not-normalised"},
    notes={"not-normalised": "Each row of probabilities must sum to 1: divide by the row sum.",
           "max-wrong-axis": "Subtracting is only harmless when the same number comes off a "
                             "whole row: Z.max(axis=1, keepdims=True).",
           "sum-wrong-axis": "One example is one row; its k probabilities must sum to 1: sum "
                             "over axis=1 (with keepdims=True)."})


def _one_hot_env(env):
    return one_hot(np.asarray(env["y"]).astype(int), np.shape(env["Z"])[1])


CE_GRAD_PROGRAM = Program(
    steps=(("delta", div(sub(V("P"), V("Y")), V("m"))),),     # (m, k) dL/dZ
    outputs={"dL/dZ": "delta"}, inputs=("Z", "y"),
    derived={"P": (lambda env: _softmax(env["Z"]), "softmax(Z)"),
             "Y": (_one_hot_env, "np.eye(k)[y]"),
             "y_col": (lambda env: np.asarray(env["y"], dtype=float)[:, None], "y[:, None]")},
    roles={"Z": "the logits", "P": "the probabilities softmax(Z)",
           "Y": "the one-hot labels", "y_col": "the labels as numbers"},
    extras=(("jacobian-on-top", ("jac", V("P"), HOLE),
             "the softmax Jacobian diag(p) − p pᵀ is multiplied on top of (P − Y)/m"),
            ("jacobian-diagonal-on-top", mul(HOLE, mul(V("P"), sub(C(1), V("P")))),
             "(P − Y)/m is multiplied by P(1 − P), the Jacobian's diagonal (a sigmoid habit)")),
    ids={"wrong-operand:P->Z": "forgot-softmax", "wrong-operand:Y->y_col": "labels-not-one-hot"},
    notes={"jacobian-on-top": "P − Y is already dL/dZ: the Jacobian times dL/dP = −y/p "
                              "collapses to p − y, so no Jacobian is ever built or applied.",
           "jacobian-diagonal-on-top": "P − Y is already dL/dZ: the softmax's slope has "
                                       "cancelled into it.",
           "labels-not-one-hot": "y holds class indices: Y is the one-hot row with a single 1 "
                                 "in column y[i], e.g. Y = np.eye(k)[y].",
           "forgot-softmax": "dL/dZ = (softmax(Z) − Y)/m."})

RELU_PROGRAM = Program(
    steps=(("delta", mul(V("dA"), gt0(V("Z")))),),             # (m, n) dL/dZ
    outputs={"delta": "delta"}, inputs=("dA", "Z"),
    derived={"A": (lambda env: np.maximum(env["Z"], 0), "np.maximum(Z, 0)")},
    roles={"dA": "the incoming gradient dL/dA", "Z": "the pre-activation",
           "A": "the activation max(0, Z)"},
    ids={"missing-factor:(Z > 0)": "no-mask", "missing-factor:dA": "mask-only",
         "values-for-mask:Z": "times-Z",
         "values-for-mask:A": "times-A", "wrong-operand:Z->dA": "mask-from-dA"},
    notes={"no-mask": "The ReLU's slope is 0 where the unit was off (Z ≤ 0): "
                      "delta = dA * (Z > 0).",
           "mask-only": "(Z > 0) is the ReLU's slope, the local derivative; the chain rule "
                        "multiplies it by the gradient arriving from above.",
           "mask-inverted": "max(0, z) has slope 1 for z > 0.",
           "times-Z": "The ReLU's slope is not Z but 1 (where Z > 0) or 0.",
           "times-A": "The slope is the 0/1 mask (Z > 0); A > 0 as a mask would be right: A and "
                      "Z have the same sign.",
           "mask-from-dA": "The mask belongs to the forward pass: which units were on, Z > 0."})

LEAKY_PROGRAM = Program(
    steps=(("delta", mul(V("dA"), where(V("Z"), C(1), V("alpha")))),),   # (m, n) dL/dZ
    outputs={"delta": "delta"}, inputs=("dA", "Z", "alpha"), scalars=("alpha",),
    derived={"A": (lambda env: leaky_relu(env["Z"], env["alpha"]), "leaky_relu(Z, alpha)")},
    roles={"dA": "the incoming gradient dL/dA", "Z": "the pre-activation",
           "A": "the activation leaky_relu(Z, alpha)"},
    ids={"where-zero": "relu-mask", "where-swapped": "alpha-swapped",
         "missing-factor:np.where(Z > 0, 1, alpha)": "no-mask", "values-for-mask:A": "times-A",
         "values-for-mask:Z": "times-Z", "wrong-operand:Z->dA": "mask-from-dA"},
    notes={"relu-mask": "The leaky ReLU is alpha·z where z ≤ 0, slope alpha: the unit never "
                        "dies.",
           "alpha-swapped": "The slope is 1 where Z > 0 (z itself) and alpha where Z ≤ 0 "
                            "(alpha·z).",
           "times-A": "A mask from A > 0 would be fine — A and Z have the same sign — but not "
                      "A's values.",
           "no-mask": "The slope alpha on the negative side is missing."})
