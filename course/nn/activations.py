"""Activation functions and their derivatives.

Every function accepts a Python float or a numpy array and returns the same kind.
``sigmoid`` is exact and warning-free for any finite input (|z| of 1e3 and beyond):
it never evaluates ``exp`` of a large positive number.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "sigmoid", "sigmoid_prime", "tanh", "tanh_prime", "relu", "relu_prime",
    "ACTIVATIONS", "get_activation",
]


def sigmoid(z):
    """Logistic sigmoid ``s(z) = 1 / (1 + e^-z)``, numerically stable.

    For ``z >= 0`` it computes ``1 / (1 + e^-z)``; for ``z < 0`` the equal form
    ``e^z / (1 + e^z)``, so ``exp`` only ever sees non-positive numbers.

    Parameters
    ----------
    z : float or ndarray
        Pre-activation.

    Returns
    -------
    float or ndarray
        ``s(z)`` in [0, 1], same shape as ``z``.
    """
    z_arr = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z_arr))            # in (0, 1]: never overflows
    out = np.where(z_arr >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return float(out) if out.ndim == 0 else out


def sigmoid_prime(z):
    """Derivative of the sigmoid, ``s'(z) = s(z) (1 - s(z))``, taken at the pre-activation z."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """Hyperbolic tangent (numpy's, which is stable for large |z|)."""
    out = np.tanh(np.asarray(z, dtype=float))
    return float(out) if out.ndim == 0 else out


def tanh_prime(z):
    """Derivative of tanh, ``1 - tanh(z)^2``."""
    t = tanh(z)
    return 1.0 - t * t


def relu(z):
    """Rectified linear unit ``max(0, z)``."""
    out = np.maximum(np.asarray(z, dtype=float), 0.0)
    return float(out) if out.ndim == 0 else out


def relu_prime(z):
    """Derivative of ReLU: 1 where z > 0, else 0 (the subgradient 0 is used at z = 0)."""
    out = (np.asarray(z, dtype=float) > 0).astype(float)
    return float(out) if out.ndim == 0 else out


def identity(z):
    """The identity (a linear output layer)."""
    out = np.asarray(z, dtype=float)
    return float(out) if out.ndim == 0 else out


def identity_prime(z):
    """Derivative of the identity: 1 everywhere."""
    out = np.ones_like(np.asarray(z, dtype=float))
    return float(out) if out.ndim == 0 else out


#: name -> (function, derivative taken at the pre-activation)
ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "relu": (relu, relu_prime),
    "linear": (identity, identity_prime),
}


def get_activation(name: str):
    """Return ``(f, f_prime)`` for an activation name.

    Raises
    ------
    ValueError
        For an unknown name; the message lists the known ones.
    """
    try:
        return ACTIVATIONS[name]
    except KeyError:
        known = ", ".join(sorted(ACTIVATIONS))
        raise ValueError(f"unknown activation {name!r}; choose one of: {known}") from None
