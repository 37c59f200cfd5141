"""A vectorized multi-layer perceptron: forward caches and backprop in matrix form.

One example per row. Layer ``l`` (0-based) computes, for a batch of m examples::

    Z = A_prev @ W + b        # (m, n_out) = (m, n_in) @ (n_in, n_out) + (1, n_out)
    A = f(Z)                  # (m, n_out)

and the backward pass applies BP1-BP4 (Nielsen's numbering) in matrix form, with
``delta = dL/dZ`` of a layer::

    BP1  delta_L = dL/dA_L * f'(Z_L)                 # output layer, elementwise
    BP2  delta   = (delta_next @ W_next.T) * f'(Z)   # one layer back
    BP3  db      = delta.sum(axis=0, keepdims=True)  # (1, n_out): summed over the batch
    BP4  dW      = A_prev.T @ delta                  # (n_in, n_out): the shape of W

Nielsen writes ``W`` as (n_out, n_in) acting on column vectors; here rows are examples, so
``W`` is (n_in, n_out) and the transposes move. Losses follow ``course.nn.losses``: a mean over
the batch, so the 1/m lives in ``dL/dA_L``. For BCE with a sigmoid output BP1 simplifies to
``delta_L = (A_L - y) / m``, which is what is used (no division by ``a (1 - a)``).
"""

from __future__ import annotations

import numpy as np

from course.nn.activations import ACTIVATIONS, sigmoid, sigmoid_prime, tanh_prime
from course.nn.losses import bce_with_logits, get_loss, mse

__all__ = ["MLP", "flatten_grads"]


def _into(value, out):
    """``value`` written into ``out`` (a workspace buffer), or ``value`` itself."""
    if out is None:
        return value
    out[...] = value
    return out


# f(Z) written into ``out`` (a fresh array when out is None); float32 stays float32 because
# the functions of ``course.nn.activations`` keep their input's dtype
_FORWARD = {
    "sigmoid": lambda Z, out=None: _into(sigmoid(Z), out),
    "tanh": lambda Z, out=None: np.tanh(Z, out=out),
    "relu": lambda Z, out=None: np.maximum(Z, 0, out=out),
    "linear": lambda Z, out=None: Z,
}
# f'(Z) at the cached pre-activation Z (the accurate forms of ``course.nn.activations``;
# A * (1 - A) would round to 0 where the sigmoid saturates); ReLU's is a mask
_PRIME = {
    "sigmoid": lambda Z, A: sigmoid_prime(Z),
    "tanh": lambda Z, A: tanh_prime(Z),
    "relu": lambda Z, A: Z > 0,
    "linear": None,                     # f' = 1: nothing to multiply
}


def flatten_grads(grads: dict) -> list:
    """``{"W": [dW0, ...], "b": [db0, ...]}`` -> ``[dW0, db0, dW1, db1, ...]``.

    The order matches ``MLP.parameters()``, so ``zip(model.parameters(), flatten_grads(g))``
    pairs every parameter with its gradient.
    """
    return [g for pair in zip(grads["W"], grads["b"], strict=True) for g in pair]


class MLP:
    """A dense feed-forward network trained by backprop.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths from input to output, e.g. ``(2, 16, 16, 1)``.
    activation : str or list of str
        Hidden-layer activation(s), names from ``course.nn.activations.ACTIVATIONS``
        (``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"linear"``); a list gives one per hidden layer.
    output_activation : str
        Activation of the last layer (``"sigmoid"`` for 0/1 targets).
    seed : int
        Seed of the ``numpy.random.Generator`` that draws the initial weights: Xavier/Glorot
        normal (std ``sqrt(2 / (n_in + n_out))``) for sigmoid/tanh/linear layers, He normal
        (std ``sqrt(2 / n_in)``) for ReLU layers. Biases start at 0.
    dtype : numpy float type
        ``np.float64`` (default; use it for gradient checks) or ``np.float32`` (faster).

    Attributes
    ----------
    weights : list of ndarray
        ``weights[l]`` has shape (n_in, n_out).
    biases : list of ndarray
        ``biases[l]`` has shape (1, n_out).
    activations : list of str
        The activation name of every layer, output layer last.
    """

    def __init__(self, sizes, activation="sigmoid", output_activation="sigmoid", seed=0,
                 dtype=np.float64):
        sizes = tuple(sizes)
        if len(sizes) < 2 or not all(isinstance(n, (int, np.integer)) and n > 0 for n in sizes):
            raise ValueError(
                f"sizes must list at least two positive layer widths (input, ..., output), "
                f"e.g. (2, 16, 1); got {sizes!r}."
            )
        n_hidden = len(sizes) - 2
        hidden = [activation] * n_hidden if isinstance(activation, str) else list(activation)
        if len(hidden) != n_hidden:
            raise ValueError(
                f"activation lists {len(hidden)} names but sizes={sizes!r} has {n_hidden} "
                f"hidden layers; give one name per hidden layer, or a single name for all."
            )
        self.activations = [*hidden, output_activation]
        for name in self.activations:
            if name not in ACTIVATIONS:
                known = ", ".join(sorted(ACTIVATIONS))
                raise ValueError(f"unknown activation {name!r}; choose one of: {known}")
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be np.float32 or np.float64, got {self.dtype}.")
        self.sizes, self.seed = sizes, seed
        rng = np.random.default_rng(seed)
        self.weights, self.biases = [], []
        for n_in, n_out, name in zip(sizes[:-1], sizes[1:], self.activations, strict=True):
            std = np.sqrt(2 / n_in) if name == "relu" else np.sqrt(2 / (n_in + n_out))
            self.weights.append(rng.normal(0.0, std, (n_in, n_out)).astype(self.dtype))
            self.biases.append(np.zeros((1, n_out), dtype=self.dtype))
        self._workspaces = {}           # batch size -> preallocated buffers used by step()

    def __repr__(self):
        return (f"MLP(sizes={self.sizes}, activation={self.activations[:-1]}, "
                f"output_activation={self.activations[-1]!r}, dtype={self.dtype.name})")

    # ---- forward -----------------------------------------------------------------------
    def _check_X(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(
                f"X has shape {X.shape} but this MLP expects (batch, {self.sizes[0]}): one "
                f"example per row. A single example x needs x.reshape(1, -1)."
            )
        return X

    def _forward(self, X, ws=None):
        """Forward pass; writes into the workspace ``ws`` when given (used by ``step``)."""
        A = X                                                       # (m, n_0)
        cache = []
        for l, (W, b, name) in enumerate(zip(self.weights, self.biases, self.activations)):
            Z = np.matmul(A, W, out=None if ws is None else ws["Z"][l])   # (m, n_out)
            Z += b                                                        # b: (1, n_out)
            A_prev, A = A, _FORWARD[name](Z, None if ws is None else ws["A"][l])
            cache.append({"A_prev": A_prev, "Z": Z, "A": A})
        return A, cache

    def forward(self, X, cache=False):
        """Output ``A_L`` (batch, n_out) for inputs X (batch, n_in).

        With ``cache=True`` returns ``(A_L, cache)`` where ``cache[l]`` is a dict with the
        layer's input ``"A_prev"``, pre-activation ``"Z"`` and activation ``"A"``.
        """
        A_L, layers = self._forward(self._check_X(X))
        return (A_L, layers) if cache else A_L

    def predict(self, X) -> np.ndarray:
        """Class labels shaped like the targets: 0/1 (threshold 0.5) for one output,
        one-hot of the largest output for several."""
        A_L = self.forward(X)
        if A_L.shape[1] == 1:
            return (A_L >= 0.5).astype(self.dtype)
        return (A_L == A_L.max(axis=1, keepdims=True)).astype(self.dtype)

    # ---- backward ----------------------------------------------------------------------
    def _backward(self, cache, delta, ws=None) -> dict:
        """BP2-BP4 from the output layer's ``delta = dL/dZ_L`` down to layer 0."""
        L = len(self.weights)
        dW, db = [None] * L, [None] * L
        for l in range(L - 1, -1, -1):
            A_prev = cache[l]["A_prev"]                                   # (m, n_in)
            dW[l] = np.matmul(A_prev.T, delta, out=None if ws is None else ws["dW"][l])  # BP4
            db[l] = np.sum(delta, axis=0, keepdims=True,                                 # BP3
                           out=None if ws is None else ws["db"][l])
            if l > 0:                     # dL/dA of layer 0's input X is not needed
                dA_prev = np.matmul(delta, self.weights[l].T,
                                    out=None if ws is None else ws["dA"][l])  # (m, n_in)
                delta = self._times_prime(l - 1, dA_prev, cache[l - 1])     # BP2
        return {"W": dW, "b": db}

    def _times_prime(self, l, dA, layer):
        """``dA * f'(Z)`` for layer l (in place when dA is ours to overwrite)."""
        prime = _PRIME[self.activations[l]]
        if prime is None:
            return dA
        return np.multiply(dA, prime(layer["Z"], layer["A"]), out=dA)

    def backward(self, cache, dA_L) -> dict:
        """Gradients of the loss from the forward ``cache`` and ``dA_L = dL/dA_L``.

        Returns
        -------
        dict
            ``{"W": [dW per layer], "b": [db per layer]}``, each with its parameter's shape.
        """
        dA_L = np.asarray(dA_L, dtype=self.dtype)
        if dA_L.shape != cache[-1]["A"].shape:
            raise ValueError(
                f"dA_L has shape {dA_L.shape} but the output A_L has shape "
                f"{cache[-1]['A'].shape}; dL/dA_L has the shape of A_L."
            )
        delta = self._times_prime(len(self.weights) - 1, dA_L.copy(), cache[-1])  # BP1
        return self._backward(cache, delta)

    def _loss_and_grads(self, X, y, loss, ws=None):
        X = self._check_X(X)
        y = np.asarray(y, dtype=self.dtype)
        if y.shape != (X.shape[0], self.sizes[-1]):
            hint = " Use y.reshape(-1, 1)." if y.shape == (X.shape[0],) else ""
            raise ValueError(
                f"y has shape {y.shape} but the network outputs ({X.shape[0]}, "
                f"{self.sizes[-1]}) for these {X.shape[0]} examples; they must match.{hint}"
            )
        get_loss(loss)                                       # clear error for unknown names
        A_L, cache = self._forward(X, ws)
        m = X.shape[0]
        if loss == "bce":
            if self.activations[-1] != "sigmoid":
                raise ValueError(
                    f"loss='bce' needs outputs in (0, 1), but the output activation is "
                    f"{self.activations[-1]!r}; use output_activation='sigmoid' or loss='mse'."
                )
            value = bce_with_logits(cache[-1]["Z"], y)
            delta = np.subtract(A_L, y, out=None if ws is None else ws["dA"][-1])
            delta /= m                                       # BP1 for sigmoid + BCE
        else:
            value = mse(A_L, y)
            dA_L = np.subtract(A_L, y, out=None if ws is None else ws["dA"][-1])
            dA_L /= m                                        # dL/dA_L = (A_L - y) / m
            delta = self._times_prime(len(self.weights) - 1, dA_L, cache[-1])   # BP1
        return value, self._backward(cache, delta, ws)

    def loss_and_grads(self, X, y, loss="mse"):
        """Loss and its gradients for a batch.

        Parameters
        ----------
        X : array (m, n_in)
        y : array (m, n_out)
            Targets (0/1 for ``"bce"``).
        loss : {"mse", "bce"}
            ``course.nn.losses`` convention: mean over the batch of 0.5 ||a - y||^2, or of the
            binary cross-entropy (computed from Z_L, stable).

        Returns
        -------
        (float, dict)
            The loss and ``{"W": [...], "b": [...]}`` as from ``backward``.
        """
        return self._loss_and_grads(X, y, loss)

    # ---- training ----------------------------------------------------------------------
    def _workspace(self, m: int) -> dict:
        """Buffers for a batch of m reused by every ``step`` (no allocation per step)."""
        if m not in self._workspaces:
            if len(self._workspaces) > 4:
                self._workspaces.clear()
            outs = self.sizes[1:]

            def empty(shape):
                return np.empty(shape, dtype=self.dtype)

            self._workspaces[m] = {
                "Z": [empty((m, n)) for n in outs], "A": [empty((m, n)) for n in outs],
                # dA[l] = dL/dA_prev of layer l (none for the input X); dA[-1] is the output's
                "dA": [None] + [empty((m, n)) for n in self.sizes[1:-1]] + [empty((m, outs[-1]))],
                "dW": [empty(W.shape) for W in self.weights],
                "db": [empty(b.shape) for b in self.biases],
            }
        return self._workspaces[m]

    def step(self, X, y, lr, loss="mse") -> float:
        """One SGD step ``W -= lr * dW``, ``b -= lr * db`` in place; returns the loss before it."""
        X = self._check_X(X)
        value, grads = self._loss_and_grads(X, y, loss, ws=self._workspace(X.shape[0]))
        for param, grad in zip(self.parameters(), flatten_grads(grads), strict=True):
            grad *= lr                                       # grad is a workspace buffer
            param -= grad
        return value

    def parameters(self) -> list:
        """``[W0, b0, W1, b1, ...]``: the arrays themselves (updating them changes the net)."""
        return [p for pair in zip(self.weights, self.biases, strict=True) for p in pair]

    def copy(self) -> MLP:
        """An independent copy with the same configuration and parameter values."""
        new = MLP.__new__(MLP)
        new.__dict__.update(self.__dict__)
        new.activations = list(self.activations)
        new.weights = [W.copy() for W in self.weights]
        new.biases = [b.copy() for b in self.biases]
        new._workspaces = {}
        return new
