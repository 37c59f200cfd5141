"""Losses for a batch and their gradients with respect to the network's output.

Convention (one for the whole course): ``a`` and ``y`` have shape ``(m, n_out)`` with one
example per row, and every loss is the **mean over the m examples** of a per-example loss
that is summed over the outputs. So every gradient carries a factor ``1/m``:

=========  ============================================  ==================================
loss       value                                         gradient dL/da
=========  ============================================  ==================================
``mse``    (1/m) sum_i 0.5 ||a_i - y_i||^2               (a - y) / m
``bce``    -(1/m) sum_i sum_k [y log a + (1-y) log(1-a)]  (a - y) / (a (1 - a)) / m
=========  ============================================  ==================================

The 0.5 in ``mse`` cancels the 2 of the square. With a sigmoid output ``a = s(z)`` both
roads meet the same simple delta for BCE, ``dL/dz = (a - y) / m``; ``bce_with_logits``
computes that loss from ``z`` without ever taking ``log`` of 0.
"""

from __future__ import annotations

import numpy as np

__all__ = ["mse", "mse_grad", "bce", "bce_grad", "bce_with_logits", "LOSSES", "get_loss"]

#: ``a`` is clipped to [EPS_CLIP, 1 - EPS_CLIP] inside ``bce`` and ``bce_grad``
EPS_CLIP = 1e-12


def _check_shapes(a, y, name: str):
    a, y = np.asarray(a), np.asarray(y)
    if a.shape != y.shape:
        hint = ""
        if a.ndim == 2 and y.ndim == 1 and a.shape[0] == y.shape[0]:
            hint = " Reshape the targets with y.reshape(-1, 1)."
        raise ValueError(
            f"{name}: the output a has shape {a.shape} but the targets y have shape {y.shape}; "
            f"they must match (one row per example), otherwise numpy broadcasting silently "
            f"compares every output with every target.{hint}"
        )
    if a.ndim == 0:
        raise ValueError(f"{name}: expected arrays of shape (m, n_out), got a single number.")
    return a, y


def _m(a: np.ndarray) -> int:
    """Number of examples: the first axis (1 for a single 1-D example)."""
    return a.shape[0] if a.ndim > 1 else 1


def mse(a, y) -> float:
    """Mean squared error ``(1/m) sum_i 0.5 ||a_i - y_i||^2``."""
    a, y = _check_shapes(a, y, "mse")
    diff = a - y
    return float(0.5 * np.sum(diff * diff) / _m(a))


def mse_grad(a, y):
    """Gradient of ``mse`` with respect to ``a``: ``(a - y) / m``, shape of ``a``."""
    a, y = _check_shapes(a, y, "mse_grad")
    return (a - y) / _m(a)


def bce(a, y) -> float:
    """Binary cross-entropy ``-(1/m) sum [y log a + (1-y) log(1-a)]``.

    ``a`` is clipped to ``[1e-12, 1 - 1e-12]``, so an output that saturated at exactly 0 or 1
    gives a large finite loss (about 27.6 per example) instead of ``inf`` or NaN.
    """
    a, y = _check_shapes(a, y, "bce")
    a = np.clip(a, EPS_CLIP, 1 - EPS_CLIP)
    return float(-np.sum(y * np.log(a) + (1 - y) * np.log1p(-a)) / _m(a))


def bce_grad(a, y):
    """Gradient of ``bce`` with respect to ``a``: ``(a - y) / (a (1 - a)) / m`` (clipped ``a``).

    Multiplied by the sigmoid's ``s'(z) = a (1 - a)`` it becomes ``(a - y) / m``; networks
    with a sigmoid output should use that combined form directly (``course.nn.mlp`` does).
    """
    a, y = _check_shapes(a, y, "bce_grad")
    a = np.clip(a, EPS_CLIP, 1 - EPS_CLIP)
    return (a - y) / (a * (1 - a)) / _m(a)


def bce_with_logits(z, y) -> float:
    """``bce(sigmoid(z), y)`` computed stably from the pre-activation ``z``.

    Uses ``-[y log s(z) + (1-y) log(1-s(z))] = max(z, 0) - z y + log(1 + e^-|z|)``, which is
    exact for any finite z (no clipping). Its gradient with respect to z is ``(s(z) - y) / m``.
    """
    z, y = _check_shapes(z, y, "bce_with_logits")
    per_element = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    return float(np.sum(per_element) / _m(z))


#: name -> (loss, gradient with respect to the output a)
LOSSES = {"mse": (mse, mse_grad), "bce": (bce, bce_grad)}


def get_loss(name: str):
    """Return ``(loss, loss_grad)`` for ``"mse"`` or ``"bce"``; a clear ValueError otherwise."""
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        known = ", ".join(sorted(LOSSES))
        raise ValueError(f"unknown loss {name!r}; choose one of: {known}") from None
