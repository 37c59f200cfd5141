"""What the training-loop check learns from a recorded run of the learner's ``train``.

``RecordingMLP`` remembers every ``loss_and_grads`` call (the parameters and the batch), so
the checker can recompute a step afterwards: was it exactly −lr·gradient, uphill, with a
learning rate of its own, or with part of the parameters frozen? Were the gradients ever
recomputed?
"""

from __future__ import annotations

import numpy as np

from course._grading.arrays import ratio_to
from course.nn.mlp import MLP

__all__ = ["RecordingMLP", "stale_gradients", "first_step_problem"]


class RecordingMLP(MLP):
    """An ``MLP`` that remembers every ``loss_and_grads`` call (the loss name, the
    parameters flattened, the batch) and the learning rate of every ``step``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls: list = []
        self.step_lrs: list = []

    def loss_and_grads(self, X, y, loss="mse"):
        self.calls.append((loss, self.flat(), X, y))
        return super().loss_and_grads(X, y, loss)

    def step(self, X, y, lr, loss="mse"):
        self.step_lrs.append(lr)
        return super().step(X, y, lr, loss)

    def flat(self) -> np.ndarray:
        return np.concatenate([np.ravel(p) for p in self.parameters()])

    def load(self, flat) -> RecordingMLP:
        """Set every parameter from a flat vector (as ``flat`` returns it)."""
        i = 0
        for p in self.parameters():
            p[...] = np.reshape(flat[i:i + p.size], p.shape)
            i += p.size
        return self


RecordingMLP.__name__ = RecordingMLP.__qualname__ = "MLP"


def stale_gradients(model: RecordingMLP) -> str:
    """A message when the parameters moved by the same amount at every step (or were only
    evaluated once while they changed): the gradients were not recomputed."""
    flats = [f for _, f, _, _ in model.calls]
    if not flats:
        return ""
    if len(flats) == 1:
        return ("loss_and_grads was called only once, but the parameters changed: the loop "
                "reuses the gradients of the starting point. Compute fresh gradients inside the "
                "loop, every epoch, after the previous step.")
    steps = np.diff(np.stack(flats), axis=0)
    moving = steps[np.linalg.norm(steps, axis=1) > 0]
    if len(moving) >= 3 and np.allclose(moving, moving[0], rtol=1e-9, atol=1e-14):
        return ("every step moved the parameters by exactly the same amount: the gradients "
                "are computed once and reused (stale). Call model.loss_and_grads inside the "
                "loop and step with the gradients it just returned.")
    return ""


def first_step_problem(model: RecordingMLP, lr: float, blank):
    """``(mistake id, message)`` when the first step is not −lr·gradient, else None.

    The first step is the first change of the parameters between two recorded
    ``loss_and_grads`` calls; its gradient is recomputed on the batch of the earlier call,
    with ``blank()`` (a network of the same shape) loaded with the parameters before it.
    """
    if not model.calls:
        if model.step_lrs and not all(np.isclose(r, lr) for r in model.step_lrs):
            return "lr-ignored", (f"your loop called model.step with lr = {model.step_lrs[0]!r}, "
                                  f"but train was given lr = {lr}: pass the lr argument on.")
        return None
    for (loss, before, Xb, yb), (_, after, _, _) in zip(model.calls, model.calls[1:]):
        if np.array_equal(before, after):
            continue
        probe = blank().load(before)
        _, grads = MLP.loss_and_grads(probe, Xb, yb, loss)
        expected = -lr * np.concatenate([np.ravel(g) for pair in zip(grads["W"], grads["b"])
                                         for g in pair])
        r = ratio_to(after - before, expected, 1e-6, 1e-12)
        if r is None:
            return _partial_step(after - before, expected, grads)
        if np.isclose(r, 1.0, rtol=1e-6):
            return None
        if r < 0:
            return "ascent", (f"the first step moved the parameters by {r:.3g} × (−lr·gradient), "
                              "that is along the gradient — uphill, so the loss grows. Step "
                              "against it: W -= lr * dW.")
        return "lr-ignored", (f"with lr = {lr} the first step moved the parameters by {r:.3g} × "
                              "(−lr·gradient): the step used a learning rate of "
                              f"{r * lr:.3g}. Use the lr argument in every step.")
    return None


def _partial_step(moved, expected, grads):
    """``("partial-step", message)`` when some parameters moved by exactly −lr·gradient and
    the others not at all (an ``sgd_step`` that skips the biases or a layer), else None."""
    names = [f"{k}[{l}]" for l in range(len(grads["W"])) for k in ("W", "b")]
    sizes = [g.size for pair in zip(grads["W"], grads["b"]) for g in pair]
    still, right = [], []
    for name, m, e in zip(names, np.split(moved, np.cumsum(sizes)[:-1]),
                          np.split(expected, np.cumsum(sizes)[:-1])):
        if not m.any() and e.any():
            still.append(name)
        elif np.allclose(m, e, rtol=1e-6, atol=1e-12):
            right.append(name)
        else:
            return None
    if not still or not right:
        return None
    return "partial-step", (
        f"your loop's first step moved {', '.join(right)} by −lr·gradient but left "
        f"{', '.join(still)} unchanged, so the network trains with part of its parameters "
        "frozen. That is sgd_step's job: does check('sgd.sgd_step', sgd_step) pass?")
