"""The lesson-09 references (the learner's versions are checked against these)."""

from __future__ import annotations

import numpy as np

from course.nn.init import init_std
from course.nn.softmax import one_hot
from course.nn.softmax import softmax as _softmax

__all__ = ["softmax", "softmax_ce_grad", "relu_backward", "leaky_relu", "leaky_relu_backward",
           "init_std", "LESSON"]

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
