"""Activation functions and their derivatives, accurate for every float.

The sigmoid and its derivative (lesson 01)::

    s(z)  = 1 / (1 + e^{-z})
    s'(z) = e^{-z} / (1 + e^{-z})^2 = s(z) (1 - s(z))

Both are even or mirror-symmetric in z, so they can be written with ``e = e^{-|z|}``, a
number in (0, 1] that never overflows::

    s(z)  = 1 / (1 + e)   for z >= 0,      e / (1 + e)   for z < 0
    s'(z) = e / (1 + e)^2                  (for every z: s' is even)

``s(1 - s)`` is the same number in exact arithmetic, but not in floats: for z = 50,
``1 - s(50)`` is exactly 0 (s rounds to 1), so s(1 - s) = 0, while s'(50) = 1.93e-22. Likewise
``tanh'(z) = 1 - tanh(z)^2`` is computed as ``4 e^{-2|z|} / (1 + e^{-2|z|})^2`` (that is
``4 / (e^z + e^{-z})^2``), accurate far in the tails.

Every function accepts a Python number or a numpy array. A number gives a Python ``float``
(a float32 numpy scalar stays a float32 scalar); an array gives an array of the same shape
and float dtype (float32 stays float32; integers become float64). Nothing warns, for any
input, so callers never need ``np.errstate``.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "sigmoid", "sigmoid_prime", "tanh", "tanh_prime", "relu", "relu_prime",
    "identity", "identity_prime", "ACTIVATIONS", "get_activation",
]


def _as_float_array(z) -> np.ndarray:
    """``z`` as a float array: float32/float64 kept, anything else float64."""
    arr = np.asarray(z)
    if arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float64)
    return arr


def _like_input(out: np.ndarray):
    """A 0-d result as a Python float (float64) or numpy scalar (float32); arrays as they are."""
    if out.ndim:
        return out
    return float(out) if out.dtype == np.float64 else out[()]


def sigmoid(z):
    """Logistic sigmoid ``s(z) = 1 / (1 + e^{-z})``, exact and warning-free for any float.

    With ``e = e^{-|z|}`` (in (0, 1], never overflows): ``1 / (1 + e)`` for ``z >= 0`` and the
    equal form ``e / (1 + e)`` for ``z < 0``. So s(-700) = 9.86e-305 to full precision and
    s(-1000) rounds to 0 without a warning.

    Parameters
    ----------
    z : float or ndarray
        Pre-activation.

    Returns
    -------
    float or ndarray
        ``s(z)`` in [0, 1], same shape (and float dtype) as ``z``.
    """
    z = _as_float_array(z)
    e = np.exp(-np.abs(z))                          # (…): in (0, 1]
    return _like_input(np.where(z >= 0, 1 / (1 + e), e / (1 + e)))


def sigmoid_prime(z):
    """Derivative of the sigmoid at the pre-activation z: ``s'(z) = e^{-|z|} / (1 + e^{-|z|})^2``.

    Equal to ``s(z) (1 - s(z))``, but without its cancellation: ``sigmoid_prime(50.0)`` is
    1.9287498479639178e-22 (``s(1 - s)`` gives 0.0 there and loses digits from z ≈ 20 on).

    Parameters
    ----------
    z : float or ndarray
        Pre-activation (not the activation s(z)).

    Returns
    -------
    float or ndarray
        ``s'(z)`` in [0, 1/4], same shape and float dtype as ``z``.
    """
    z = _as_float_array(z)
    e = np.exp(-np.abs(z))                          # s' is even: use |z|
    return _like_input(e / ((1 + e) * (1 + e)))


def tanh(z):
    """Hyperbolic tangent ``(e^z - e^{-z}) / (e^z + e^{-z})`` (numpy's, stable for any z)."""
    return _like_input(np.tanh(_as_float_array(z)))


def tanh_prime(z):
    """Derivative of tanh: ``1 - tanh(z)^2 = 4 / (e^z + e^{-z})^2``, accurate in the tails.

    Computed as ``4 e / (1 + e)^2`` with ``e = e^{-2|z|}`` (tanh' is even), which never
    overflows and keeps full relative precision where ``1 - tanh^2`` cancels to 0
    (``tanh_prime(20.0)`` is 1.70e-17, not 0).
    """
    z = _as_float_array(z)
    # 2|z| overflows for |z| near 1e308; past |z| = 400, 4 e^{-2|z|} is below the smallest
    # float anyway, so capping |z| there changes no result
    e = np.exp(-2 * np.minimum(np.abs(z), 400))     # in (0, 1]
    return _like_input(4 * e / ((1 + e) * (1 + e)))


def relu(z):
    """Rectified linear unit ``max(0, z)``."""
    z = _as_float_array(z)
    return _like_input(np.maximum(z, z.dtype.type(0)))


def relu_prime(z):
    """Derivative of ReLU: 1 where z > 0, else 0 (the subgradient 0 is used at z = 0)."""
    z = _as_float_array(z)
    return _like_input((z > 0).astype(z.dtype))


def identity(z):
    """The identity (a linear output layer)."""
    return _like_input(_as_float_array(z))


def identity_prime(z):
    """Derivative of the identity: 1 everywhere."""
    return _like_input(np.ones_like(_as_float_array(z)))


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
    except (KeyError, TypeError):
        known = ", ".join(sorted(ACTIVATIONS))
        raise ValueError(f"unknown activation {name!r}; choose one of: {known}") from None
