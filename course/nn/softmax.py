"""Softmax, the multi-class cross-entropy, and their famous gradient ``(P - Y) / m``.

For one example with logits ``z`` (k numbers) the softmax turns scores into probabilities::

    p_i = e^{z_i} / sum_j e^{z_j}          # positive, sums to 1

and is unchanged when the same number is subtracted from every ``z_i``; subtracting the
row's maximum keeps every exponent <= 0, so ``e^{...}`` never overflows (the *stable*
softmax). Its Jacobian is ``dp_i/dz_j = p_i (1[i = j] - p_j)``, i.e. ``diag(p) - p p^T``.

The cross-entropy of a batch with labels ``y`` (one-hot rows ``Y``), a mean over the m rows::

    L = -(1/m) sum_k log P[k, y_k]

Multiplying its gradient ``dL/dP = -Y / (m P)`` by the Jacobian collapses to::

    dL/dZ = (P - Y) / m                     # (m, k): no Jacobian is ever built

(The Jacobian is already inside ``P - Y``: multiplying by it again is a classic mistake.)
"""

from __future__ import annotations

import numpy as np

__all__ = ["softmax", "log_softmax", "softmax_jacobian", "one_hot", "cross_entropy",
           "softmax_cross_entropy_grad"]


def softmax(Z):
    """Row-wise stable softmax of logits ``Z`` (m, k) (or one row (k,)): same shape."""
    Z = np.asarray(Z, dtype=float)
    E = np.exp(Z - Z.max(axis=-1, keepdims=True))    # every exponent <= 0: no overflow
    return E / E.sum(axis=-1, keepdims=True)


def log_softmax(Z):
    """``log(softmax(Z))`` computed without taking the log of a rounded-to-zero probability."""
    Z = np.asarray(Z, dtype=float)
    shifted = Z - Z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax_jacobian(z):
    """``J[i, j] = dp_i/dz_j = p_i (1[i = j] - p_j)`` for one row of logits ``z`` (k,): (k, k)."""
    p = softmax(np.asarray(z, dtype=float).reshape(-1))
    return np.diag(p) - np.outer(p, p)


def one_hot(y, k):
    """Labels ``y`` (m,) of ints in 0..k-1 -> rows ``Y`` (m, k) with a single 1 in column y."""
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must be a 1-D array of integer labels, got shape {y.shape} of "
                         f"{y.dtype}.")
    if y.size and (y.min() < 0 or y.max() >= k):
        raise ValueError(f"labels must lie in 0..{k - 1}, got {y.min()}..{y.max()}.")
    Y = np.zeros((y.size, k))
    Y[np.arange(y.size), y] = 1.0
    return Y


def cross_entropy(Z, y) -> float:
    """Mean cross-entropy of logits ``Z`` (m, k) against integer labels ``y`` (m,)."""
    Z = np.asarray(Z, dtype=float)
    y = np.asarray(y)
    return float(-log_softmax(Z)[np.arange(len(y)), y].mean())


def softmax_cross_entropy_grad(Z, y):
    """``dL/dZ = (softmax(Z) - one_hot(y)) / m`` for the mean cross-entropy: (m, k)."""
    Z = np.asarray(Z, dtype=float)
    P = softmax(Z)                                   # (m, k)
    return (P - one_hot(y, Z.shape[1])) / Z.shape[0]
