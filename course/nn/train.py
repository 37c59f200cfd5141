"""Training an ``MLP`` with stochastic gradient descent, and looking inside while it learns.

The SGD rule for every parameter ``p`` with gradient ``dp = dL/dp`` is ``p <- p - lr * dp``.
``train`` repeats it over (mini-)batches for a number of epochs; ``gradient_norms`` shows how
large ``dW`` is in every layer (small near the input = vanishing gradients).
"""

from __future__ import annotations

import numpy as np

from course.nn.losses import get_loss

__all__ = ["sgd_step", "train", "accuracy", "gradient_norms"]


def sgd_step(params, grads, lr) -> None:
    """Update every parameter in place: ``p -= lr * g``.

    Parameters
    ----------
    params : list of ndarray
        E.g. ``model.parameters()`` (``[W0, b0, W1, b1, ...]``); changed in place.
    grads : list of ndarray, or dict ``{"W": [...], "b": [...]}``
        One gradient per parameter, same order and shapes (a dict from
        ``MLP.loss_and_grads`` is flattened to that order).
    lr : float
        Learning rate.
    """
    if isinstance(grads, dict):
        grads = [g for pair in zip(grads["W"], grads["b"], strict=True) for g in pair]
    params, grads = list(params), list(grads)
    if len(params) != len(grads):
        raise ValueError(
            f"got {len(params)} parameters but {len(grads)} gradients; pass one gradient per "
            f"parameter in the same order (W0, b0, W1, b1, ...)."
        )
    for i, (p, g) in enumerate(zip(params, grads, strict=True)):
        if np.shape(p) != np.shape(g):
            raise ValueError(
                f"parameter {i} has shape {np.shape(p)} but its gradient has shape "
                f"{np.shape(g)}; a gradient has exactly the shape of its parameter."
            )
    for p, g in zip(params, grads, strict=True):
        p -= lr * g                          # in place: the model sees the new values


def accuracy(model, X, y) -> float:
    """Fraction of examples whose predicted label (``model.predict``) equals the target row."""
    pred = model.predict(X)
    y = np.asarray(y)
    if pred.shape != y.shape:
        raise ValueError(f"y has shape {y.shape} but predictions have shape {pred.shape}.")
    return float(np.mean(np.all(pred == y, axis=1)))


def gradient_norms(model, X, y, loss="mse") -> list:
    """Frobenius norm ``||dW||`` of every layer's weight gradient, input layer first."""
    _, grads = model.loss_and_grads(X, y, loss)
    return [float(np.linalg.norm(dW)) for dW in grads["W"]]


def _batches(m, batch_size, rng):
    """Index arrays of one epoch: everything at once, or a fresh shuffle cut into batches."""
    if batch_size is None or batch_size >= m:
        return [slice(None)]
    order = rng.permutation(m)
    return [order[i:i + batch_size] for i in range(0, m, batch_size)]


def train(model, X, y, epochs=100, lr=0.5, batch_size=None, loss="mse", seed=0,
          callback=None) -> dict:
    """Train ``model`` in place with SGD.

    Parameters
    ----------
    model : MLP
        Anything with ``step``, ``forward`` and ``predict`` like ``course.nn.mlp.MLP``.
    X, y : ndarray
        Inputs (n, n_in) and targets (n, n_out).
    epochs : int
        Passes over the data.
    lr : float
        Learning rate.
    batch_size : int or None
        Examples per step; ``None`` uses all n (full-batch gradient descent). Mini-batches
        are reshuffled every epoch by a ``numpy.random.Generator`` seeded with ``seed``.
    loss : {"mse", "bce"}
        See ``course.nn.losses``.
    callback : callable, optional
        ``callback(epoch, loss, model)`` after every epoch (epoch counts from 0); returning
        ``False`` stops training (any other value, including ``None``, continues).

    Returns
    -------
    dict
        One entry per finished epoch in each list:

        ``"loss"``, ``"accuracy"``
            measured on all of (X, y) at the end of the epoch;
        ``"step_loss"``
            the loss every step of the epoch started from (what ``model.step`` returns),
            averaged over the epoch's batches. For full-batch training it is the loss before
            the epoch's step: what a hand-written loop appends after ``loss_and_grads``.
    """
    if not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"epochs must be a whole number >= 0, got {epochs!r}.")
    if not lr > 0:
        raise ValueError(f"lr must be a positive learning rate such as 0.5, got {lr!r}.")
    if batch_size is not None and (not isinstance(batch_size, (int, np.integer))
                                   or batch_size < 1):
        raise ValueError(f"batch_size must be None (full batch) or an int >= 1, got "
                         f"{batch_size!r}.")
    loss_fn = get_loss(loss)[0]
    X, y = np.asarray(X), np.asarray(y)
    rng = np.random.default_rng(seed)
    history = {"loss": [], "accuracy": [], "step_loss": []}
    for epoch in range(epochs):
        step_losses = [model.step(X[idx], y[idx], lr, loss=loss)
                       for idx in _batches(len(X), batch_size, rng)]
        history["step_loss"].append(float(np.mean(step_losses)))
        A_L = model.forward(X)
        history["loss"].append(loss_fn(A_L, y.astype(A_L.dtype)))
        history["accuracy"].append(accuracy(model, X, y))
        if callback is not None and callback(epoch, history["loss"][-1], model) is False:
            break
    return history
