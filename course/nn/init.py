"""Initial weights: why not all equal, and how large (Xavier/Glorot and He).

**Symmetry.** Two hidden units that start with the same incoming and outgoing weights
compute the same value and receive the same gradient, so every SGD step keeps them equal:
they stay one unit, copied. Random initial weights break the tie.

**Scale.** A layer ``Z = A_prev @ W`` adds up ``n_in`` products. If the inputs have variance
``v`` and the weights variance ``sigma^2``, then ``Var(Z) = n_in * sigma^2 * v`` (and the
backward pass multiplies by ``n_out * sigma^2``). To keep signals neither growing nor
shrinking from layer to layer:

===========  =========================================  =====================================
name         standard deviation of W                    for
===========  =========================================  =====================================
Xavier       ``sqrt(2 / (n_in + n_out))``               sigmoid, tanh, linear (slope ~1 at 0)
He           ``sqrt(2 / n_in)``                         ReLU (it zeroes half: the factor 2)
===========  =========================================  =====================================

(Glorot & Bengio 2010 chose Xavier's compromise between ``1/n_in`` forward and ``1/n_out``
backward; He et al. 2015 doubled ``1/n_in`` for ReLU.)
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["xavier_std", "he_std", "init_std", "init_weights", "gradient_norms_at_init"]


def xavier_std(n_in: int, n_out: int) -> float:
    """Xavier/Glorot normal: ``sqrt(2 / (n_in + n_out))``."""
    return math.sqrt(2.0 / (n_in + n_out))


def he_std(n_in: int, n_out: int | None = None) -> float:
    """He (Kaiming) normal: ``sqrt(2 / n_in)``; ``n_out`` is accepted and ignored."""
    return math.sqrt(2.0 / n_in)


def init_std(n_in: int, n_out: int, activation: str) -> float:
    """The standard deviation the course uses for a layer feeding ``activation``."""
    if activation == "relu":
        return he_std(n_in)
    if activation in ("sigmoid", "tanh", "linear", "softmax"):
        return xavier_std(n_in, n_out)
    raise ValueError(f"unknown activation {activation!r}; choose one of: linear, relu, "
                     "sigmoid, softmax, tanh")


def init_weights(sizes, activations, seed=0, scale=1.0):
    """``(weights, biases)`` lists for layer widths ``sizes``: W[l] (n_in, n_out) drawn
    N(0, (scale * init_std)^2), biases zeros (1, n_out). ``activations`` has one name per
    layer (the activation the layer's Z feeds)."""
    rng = np.random.default_rng(seed)
    pairs = list(zip(sizes[:-1], sizes[1:]))
    if len(activations) != len(pairs):
        raise ValueError(f"{len(pairs)} layers need {len(pairs)} activation names, "
                         f"got {len(activations)}.")
    weights = [rng.normal(0.0, scale * init_std(n_in, n_out, act), (n_in, n_out))
               for (n_in, n_out), act in zip(pairs, activations)]
    biases = [np.zeros((1, n_out)) for _, n_out in pairs]
    return weights, biases


def gradient_norms_at_init(activation: str, depth: int = 10, width: int = 32, scale: float = 1.0,
                           rule: str = "auto", m: int = 128, seed: int = 0) -> list:
    """``||dW||`` of every layer of a fresh ``depth``-layer network, input layer first.

    ``depth - 1`` hidden layers of ``width`` ``activation`` units and one sigmoid output,
    initialised with ``rule`` (``"auto"``: He for ReLU, Xavier otherwise; or ``"he"``,
    ``"xavier"``) times ``scale``, on ``m`` random inputs N(0, 1) with random 0/1 targets
    (cross-entropy). Shows whether the gradient survives the trip down to the first layer.
    """
    from course.nn.mlp import MLP

    rng = np.random.default_rng(seed)
    sizes = (width,) * depth + (1,)
    net = MLP(sizes, activation=activation, output_activation="sigmoid", seed=seed)
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        act = activation if l < depth - 1 else "sigmoid"
        std = {"he": he_std(n_in), "xavier": xavier_std(n_in, n_out)}.get(
            rule, init_std(n_in, n_out, act))
        net.weights[l][...] = rng.normal(0.0, scale * std, (n_in, n_out))
    X = rng.normal(0.0, 1.0, (m, width))
    y = rng.integers(0, 2, (m, 1)).astype(float)
    _, grads = net.loss_and_grads(X, y, loss="bce")
    return [float(np.linalg.norm(dW)) for dW in grads["W"]]
