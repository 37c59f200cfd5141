"""Lesson 07, exercise 3: ``train(model, X, y, epochs, lr) -> losses``, the training loop.

Checked by what it achieves, not by exact numbers: on a seeded XOR problem the learner's
loop must bring the cross-entropy about as low as the course's loop does from the same
start and return one loss per epoch. The model handed over records its ``loss_and_grads``
calls (the parameters and the batch at each call), so the checker can recompute the first
step: it must be exactly −lr·gradient, in the main run and in a short second run with a
small lr (a ratio −1 is a step uphill; another constant, a learning rate of its own). It
also names stale gradients (every step moves the parameters by the same amount), a
missing update and the wrong loss. A loop slower than a few seconds is stopped with a message.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence

import numpy as np

from course._grading.arrays import ratio_to
from course._grading.exercises.sgd._stubs import OtherStub, StubWatch
from course._grading.exercises.sgd.reference import train
from course._grading.guards import LearnerError, NotAttempted, call_learner, time_limit
from course._grading.registry import Exercise, register
from course._grading.result import CheckResult
from course.nn.datasets import make_xor
from course.nn.losses import bce
from course.nn.mlp import MLP

__all__ = ["MEANINGS", "SETUP", "RecordingMLP"]

LESSON = "07_training_with_sgd"
#: the seeded problem: data, network, main run and the short learning-rate probe
SETUP = {"n": 200, "noise": 0.2, "data_seed": 7, "sizes": (2, 8, 1), "activation": "tanh",
         "model_seed": 1, "epochs": 300, "lr": 1.0, "probe_epochs": 3, "probe_lr": 0.02}
TIME_LIMIT = 3.0

MEANINGS = {
    "stale-gradients": "gradients computed once and reused: every step is the same",
    "no-update": "the parameters never change",
    "wrong-loss": "trained with another loss than the cross-entropy ('bce')",
    "ascent": "the loss goes up: a step along the gradient instead of against it",
    "lr-ignored": "a learning rate of its own instead of the argument lr",
    "partial-step": "the step leaves some parameters (e.g. the biases) unchanged",
    "wrong-length": "not one loss per epoch",
    "not-trained-enough": "the loss stays well above what the same loop reaches",
    "wrong-losses": "the returned losses are not the model's loss",
    "too-slow": "the loop does not finish in the time limit",
}


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


def _problem():
    X, y = make_xor(n=SETUP["n"], noise=SETUP["noise"], seed=SETUP["data_seed"])
    return X, y, lambda: RecordingMLP(SETUP["sizes"], activation=SETUP["activation"],
                                      seed=SETUP["model_seed"])


def _losses(out, epochs: int) -> np.ndarray:
    if out is None:
        raise LearnerError("train returned None — did you forget `return losses`? Return one "
                           "loss per epoch (a list of numbers).", kind="type")
    if isinstance(out, (int, float, np.floating)) or (isinstance(out, np.ndarray)
                                                     and out.ndim == 0):
        raise LearnerError(f"train returned one number ({float(out):.4g}); return the loss of "
                           "every epoch, a list with one number per epoch.", kind="type")
    if not isinstance(out, (Sequence, np.ndarray)) or isinstance(out, str):
        raise LearnerError(f"train must return a list of losses, one per epoch; it returned "
                           f"a {type(out).__name__}", kind="type")
    try:
        return np.asarray([float(v) for v in out], dtype=float)
    except (TypeError, ValueError):
        raise LearnerError("train must return a list of numbers (the loss of each epoch); "
                           "some entries are not numbers", kind="type") from None


def _call(answer, model, X, y, epochs, lr, ref_seconds):
    watch = StubWatch(answer)
    try:
        with time_limit(TIME_LIMIT):
            return call_learner(watch, model, X.copy(), y.copy(), epochs, lr)
    except NotAttempted:
        if not watch.stub:
            raise
        raise OtherStub(watch.stub) from None
    except LearnerError as err:
        if err.kind != "timeout":
            raise
        raise LearnerError(
            f"train(model, X, y, epochs={epochs}, lr={lr}) did not finish within "
            f"{TIME_LIMIT:g} s (the course's loop takes about {ref_seconds * 1000:.0f} ms here). "
            "One epoch should be one call of model.loss_and_grads on the whole batch and one "
            "sgd_step — no Python loop over examples or weights, and a loop that ends after "
            "`epochs` rounds.", kind="timeout") from None


@functools.lru_cache(maxsize=1)
def _reference_run() -> tuple[float, float]:
    """The loss the course's loop reaches on the seeded problem, and its time in seconds
    (computed once per process: the problem is fixed)."""
    X, y, fresh = _problem()
    ref, start = fresh(), time.perf_counter()
    train(ref, X, y, SETUP["epochs"], SETUP["lr"])
    return bce(ref.forward(X), y), time.perf_counter() - start


def _fail(mid, summary, **kw) -> CheckResult:
    if "expected_value" not in kw and "point" in kw:        # no values to compare: say where
        point = kw.pop("point")
        kw["details"] = [f"Checked with train(model, X, y, epochs={point['epochs']}, "
                         f"lr={point['lr']}) on XOR ({SETUP['n']} points, an MLP "
                         f"{'-'.join(map(str, SETUP['sizes']))})."]
    return CheckResult("sgd.train", False, mistake=mid, summary=summary, **kw)


def _grade(answer, opts) -> CheckResult:
    if isinstance(answer, (str, type)) or not callable(answer):
        raise LearnerError("this exercise wants your function train(model, X, y, epochs, lr), "
                           f"not a {type(answer).__name__}", kind="type")
    X, y, fresh = _problem()
    epochs, lr = SETUP["epochs"], SETUP["lr"]
    ref_final, ref_seconds = _reference_run()
    model = fresh()
    initial = bce(model.forward(X), y)
    theta0 = model.flat()
    try:
        losses = _losses(_call(answer, model, X, y, epochs, lr, ref_seconds), epochs)
    except OtherStub as stub:
        name = stub.args[0]
        return CheckResult("sgd.train", False, attempted=False, summary=(
            f"not attempted yet — your train calls {name}, which still raises "
            f"NotImplementedError. Write {name} first"
            + (f" (exercise 2; check('sgd.sgd_step', {name}) tells you when it is right)"
               if "step" in name else "")
            + ", run its cell, then run this check again."))
    final = bce(model.forward(X), y)
    point = {"epochs": epochs, "lr": lr}
    shown = {"point": point, "learner_value": final, "expected_value": ref_final,
             "details": ["Your value: the cross-entropy of the model after your loop; expected: "
                         "the course's loop from the same start."]}
    if len(losses) != epochs:
        early = (" If your loop stopped after one epoch, `return losses` is probably indented "
                 "inside the loop; it belongs after it." if len(losses) == 1 else "")
        return _fail("wrong-length", f"train returned {len(losses)} "
                     f"loss{'' if len(losses) == 1 else 'es'} for epochs = {epochs}; return one "
                     "loss per epoch (append inside the loop, and loop `epochs` times)." + early,
                     point=point)
    names = {name for name, _, _, _ in model.calls}
    if names and names != {"bce"}:
        return _fail("wrong-loss", f"your loop called model.loss_and_grads with loss="
                     f"{sorted(names)[0]!r}; this exercise trains the cross-entropy: "
                     "model.loss_and_grads(X, y, loss='bce').", point=point)
    if np.array_equal(model.flat(), theta0):
        return _fail("no-update", "the parameters never changed: is sgd_step called in the "
                     "loop, and does it change the model in place (W -= lr * dW)?", **shown)
    stale = _stale(model)
    if stale:
        return _fail("stale-gradients", stale, **shown)
    for run_lr, run_model in ((lr, model), *_probe(answer, X, y, fresh, ref_seconds)):
        wrong_step = _step_check(run_model, run_lr)
        if wrong_step:
            return _fail(*wrong_step, point={**point, "lr": run_lr})
    if final > max(1.25 * ref_final, ref_final + 0.01):
        return _fail("not-trained-enough", f"after {epochs} epochs your loss is {final:.4g}; the "
                     f"course's loop reaches {ref_final:.4g} from the same start. One step per "
                     "epoch on all of X: fresh gradients, then sgd_step with the given lr.",
                     **shown)
    before_last = fresh().load(model.calls[-1][1]) if model.calls else model
    if not (np.isclose(losses[-1], final, rtol=0.1, atol=1e-3)
            or np.isclose(losses[-1], bce(before_last.forward(X), y), rtol=0.1, atol=1e-3)):
        return _fail("wrong-losses", f"the model's loss is {final:.4g} after training, but the "
                     f"last loss you returned is {losses[-1]:.4g}: append the loss of each epoch "
                     "(the first value loss_and_grads returns).", **shown)
    return CheckResult("sgd.train", True, n_cases=2, summary=(
        f"correct — your loop took the cross-entropy on XOR from {initial:.3f} to {final:.4f} "
        f"in {epochs} epochs (the course's loop: {ref_final:.4f}) and steps by −lr·gradient"))


def _stale(model: RecordingMLP) -> str:
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


def _probe(answer, X, y, fresh, ref_seconds) -> list:
    """A short second run with a small learning rate: ``[(lr, model)]``."""
    model = fresh()
    epochs, lr = SETUP["probe_epochs"], SETUP["probe_lr"]
    _losses(_call(answer, model, X, y, epochs, lr, ref_seconds), epochs)
    return [(lr, model)]


def _step_check(model: RecordingMLP, lr: float):
    """``(mistake id, message)`` when the first step is not −lr·gradient, else None.

    The first step is the first change of the parameters between two recorded
    ``loss_and_grads`` calls; its gradient is recomputed on the batch of the earlier call.
    """
    if not model.calls:
        if model.step_lrs and not all(np.isclose(r, lr) for r in model.step_lrs):
            return "lr-ignored", (f"your loop called model.step with lr = {model.step_lrs[0]!r}, "
                                  f"but train was given lr = {lr}: pass the lr argument on.")
        return None
    for (loss, before, Xb, yb), (_, after, _, _) in zip(model.calls, model.calls[1:]):
        if np.array_equal(before, after):
            continue
        probe = RecordingMLP(SETUP["sizes"], activation=SETUP["activation"]).load(before)
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


register(Exercise(
    forbidden=("course.nn.train.train", "course.nn.mlp.MLP.step"),
    reference=train,
    id="sgd.train", lesson=LESSON, answer_name="train",
    title="train(model, X, y, epochs, lr): the SGD loop, checked by the loss it reaches",
    grade=_grade, answer_kinds="function of (model, X, y, epochs, lr)", mistakes=MEANINGS,
    hints=("Each epoch: gradients at the current parameters, one step, remember the loss.",
           "loss, grads = model.loss_and_grads(X, y, loss='bce') — inside the loop, so the "
           "gradients are fresh — then sgd_step(model, grads, lr) and losses.append(loss).",
           "losses = []; for epoch in range(epochs): loss, grads = model.loss_and_grads(X, y, "
           "loss='bce'); sgd_step(model, grads, lr); losses.append(loss) — then return losses."),
))
