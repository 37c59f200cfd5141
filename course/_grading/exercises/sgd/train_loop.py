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
from dataclasses import dataclass

import numpy as np

from course._grading.exercises.sgd._recording import (
    RecordingMLP,
    first_step_problem,
    stale_gradients,
)
from course._grading.exercises.sgd._stubs import OtherStub, StubWatch
from course._grading.exercises.sgd.reference import train
from course._grading.guards import LearnerError, NotAttempted, call_learner, time_limit
from course._grading.registry import Exercise, register
from course._grading.result import CheckResult
from course.nn.datasets import make_xor
from course.nn.losses import bce

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
    "not-full-batch": "gradients on part of the data (mini-batches) instead of all of X",
    "wrong-step-count": "not one step per epoch (a step skipped, or several per epoch)",
    "loss-after-step": "each recorded loss is the loss after the step, not the one whose "
                       "gradient the step used",
    "too-slow": "the loop does not finish in the time limit",
}


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


@dataclass
class _Attempt:
    """The learner's main run on the seeded problem, and what it is compared with."""

    answer: object
    X: np.ndarray                      # (n, 2)
    y: np.ndarray                      # (n, 1)
    fresh: object                      # () -> a new RecordingMLP at the seeded start
    model: RecordingMLP                # after the learner's loop
    theta0: np.ndarray                 # its parameters before, flattened
    losses: np.ndarray                 # what the loop returned
    initial: float                     # the cross-entropy before ...
    final: float                       # ... and after the loop
    ref_final: float                   # where the course's loop gets
    ref_seconds: float

    @property
    def point(self) -> dict:
        return {"epochs": SETUP["epochs"], "lr": SETUP["lr"]}

    @property
    def shown(self) -> dict:
        return {"point": self.point, "learner_value": self.final,
                "expected_value": self.ref_final,
                "details": ["Your value: the cross-entropy of the model after your loop; "
                            "expected: the course's loop from the same start."]}


def _grade(answer, opts) -> CheckResult:
    """Run the learner's loop once, then the checks in order; the first that fails names
    the mistake."""
    if isinstance(answer, (str, type)) or not callable(answer):
        raise LearnerError("this exercise wants your function train(model, X, y, epochs, lr), "
                           f"not a {type(answer).__name__}", kind="type")
    try:
        attempt = _attempt(answer)
    except OtherStub as stub:
        return _other_stub(stub.args[0])
    for check in CHECKS:
        failed = check(attempt)
        if failed is not None:
            return failed
    return CheckResult("sgd.train", True, n_cases=2, summary=(
        f"correct — your loop took the cross-entropy on XOR from {attempt.initial:.3f} to "
        f"{attempt.final:.4f} in {SETUP['epochs']} epochs (the course's loop: "
        f"{attempt.ref_final:.4f}) and steps by −lr·gradient"))


def _attempt(answer) -> _Attempt:
    X, y, fresh = _problem()
    ref_final, ref_seconds = _reference_run()
    model = fresh()
    initial, theta0 = bce(model.forward(X), y), model.flat()
    returned = _call(answer, model, X, y, SETUP["epochs"], SETUP["lr"], ref_seconds)
    losses = _losses(returned, SETUP["epochs"])
    return _Attempt(answer, X, y, fresh, model, theta0, losses, initial,
                    bce(model.forward(X), y), ref_final, ref_seconds)


def _other_stub(name: str) -> CheckResult:
    return CheckResult("sgd.train", False, attempted=False, summary=(
        f"not attempted yet — your train calls {name}, which still raises "
        f"NotImplementedError. Write {name} first"
        + (f" (exercise 2; check('sgd.sgd_step', {name}) tells you when it is right)"
           if "step" in name else "")
        + ", run its cell, then run this check again."))


# -- the checks, in order: each returns a failed CheckResult or None -------------------------

def _one_loss_per_epoch(a: _Attempt):
    n, epochs = len(a.losses), SETUP["epochs"]
    if n == epochs:
        return None
    early = (" If your loop stopped after one epoch, `return losses` is probably indented "
             "inside the loop; it belongs after it." if n == 1 else "")
    return _fail("wrong-length", f"train returned {n} loss{'' if n == 1 else 'es'} for "
                 f"epochs = {epochs}; return one loss per epoch (append inside the loop, and "
                 "loop `epochs` times)." + early, point=a.point)


def _cross_entropy_used(a: _Attempt):
    names = {name for name, _, _, _ in a.model.calls}
    if not names or names == {"bce"}:
        return None
    return _fail("wrong-loss", f"your loop called model.loss_and_grads with loss="
                 f"{sorted(names)[0]!r}; this exercise trains the cross-entropy: "
                 "model.loss_and_grads(X, y, loss='bce').", point=a.point)


def _parameters_moved(a: _Attempt):
    if not np.array_equal(a.model.flat(), a.theta0):
        return None
    return _fail("no-update", "the parameters never changed: is sgd_step called in the "
                 "loop, and does it change the model in place (W -= lr * dW)?", **a.shown)


def _full_batch(a: _Attempt):
    """Every gradient is taken on all of X (the exercise is full-batch gradient descent)."""
    part = next(((Xb, yb) for _, _, Xb, yb in a.model.calls
                 if np.shape(Xb) != a.X.shape or not np.array_equal(Xb, a.X)), None)
    if part is None:
        return None
    rows = np.shape(part[0])[0] if np.ndim(part[0]) else 0
    same = "a shuffled copy of X" if rows == len(a.X) else f"{rows} of the {len(a.X)} examples"
    return _fail("not-full-batch", f"your loop asked for gradients on {same}. This exercise is "
                 "full-batch gradient descent: every step's gradient is taken on all of X, "
                 "unshuffled, once per epoch (mini-batches come in lesson 10).", point=a.point)


def _steps(a: _Attempt) -> list:
    """``[(parameters before, after)]`` for each step the loop took, in order: a step is a
    change of the parameters between two recorded ``loss_and_grads`` calls (or after the
    last one); its gradient is the one taken just before it."""
    flats = [f for _, f, _, _ in a.model.calls] + [a.model.flat()]
    return [(p, q) for p, q in zip(flats, flats[1:]) if not np.array_equal(p, q)]


def _one_step_per_epoch(a: _Attempt):
    if not a.model.calls:
        return None
    n, epochs = len(_steps(a)), SETUP["epochs"]
    if n == epochs:
        return None
    how = (" — one too few: an epoch recorded its loss but took no step" if n == epochs - 1
           else "")
    return _fail("wrong-step-count", f"your loop took {n} steps for epochs = {epochs}{how}. "
                 "One epoch is exactly one step: fresh gradients on all of X, then one sgd_step — "
                 f"{epochs} epochs, {epochs} steps.", **a.shown)


def _losses_where_the_gradients_were_taken(a: _Attempt):
    """losses[i] is the loss at the parameters where step i's gradient was taken."""
    steps = _steps(a)
    if not steps or len(steps) != len(a.losses):
        return None
    probe = a.fresh()
    at = np.array([bce(probe.load(before).forward(a.X), a.y) for before, _ in steps])
    if np.allclose(a.losses, at, rtol=1e-6, atol=1e-9):
        return None
    after = np.array([bce(probe.load(q).forward(a.X), a.y) for _, q in steps])
    i = int(np.argmax(~np.isclose(a.losses, at, rtol=1e-6, atol=1e-9)))
    shown = {"point": a.point, "learner_value": float(a.losses[i]),
             "expected_value": float(at[i]),
             "details": [f"Your value: losses[{i}]; expected: the loss at the parameters "
                         f"where step {i}'s gradient was taken."]}
    if np.allclose(a.losses, after, rtol=1e-6, atol=1e-9):
        return _fail("loss-after-step", "each loss you recorded is the loss *after* that "
                     "epoch's step (a second loss computed once the parameters had moved). "
                     "Record the loss that came with the gradient you stepped with — the loss "
                     "at the parameters the step started from.", **shown)
    return _fail("wrong-losses", f"losses[{i}] is {a.losses[i]:.6g}, but the loss where step "
                 f"{i}'s gradient was taken is {at[i]:.6g}: record, every epoch, the loss that "
                 "came with the gradient you stepped with.", **shown)


def _fresh_gradients(a: _Attempt):
    stale = stale_gradients(a.model)
    return _fail("stale-gradients", stale, **a.shown) if stale else None


def _steps_against_the_gradient(a: _Attempt):
    """The first step is −lr·gradient, in the main run and in a short run with a small lr."""
    for run_lr, run_model in ((SETUP["lr"], a.model), *_probe(a.answer, a.X, a.y, a.fresh,
                                                              a.ref_seconds)):
        wrong_step = first_step_problem(run_model, run_lr, a.fresh)
        if wrong_step:
            return _fail(*wrong_step, point={**a.point, "lr": run_lr})
    return None


def _trained_enough(a: _Attempt):
    if a.final <= max(1.25 * a.ref_final, a.ref_final + 0.01):
        return None
    return _fail("not-trained-enough", f"after {SETUP['epochs']} epochs your loss is "
                 f"{a.final:.4g}; the course's loop reaches {a.ref_final:.4g} from the same "
                 "start. One step per epoch on all of X: fresh gradients, then sgd_step with "
                 "the given lr.", **a.shown)


def _losses_are_the_models(a: _Attempt):
    """The last returned loss is the model's, after the loop or before its last step."""
    before_last = a.fresh().load(a.model.calls[-1][1]) if a.model.calls else a.model
    last = a.losses[-1]
    if (np.isclose(last, a.final, rtol=0.1, atol=1e-3)
            or np.isclose(last, bce(before_last.forward(a.X), a.y), rtol=0.1, atol=1e-3)):
        return None
    return _fail("wrong-losses", f"the model's loss is {a.final:.4g} after training, but the "
                 f"last loss you returned is {last:.4g}: append the loss of each epoch "
                 "(the first value loss_and_grads returns).", **a.shown)


CHECKS = (_one_loss_per_epoch, _cross_entropy_used, _full_batch, _parameters_moved,
          _fresh_gradients, _one_step_per_epoch, _steps_against_the_gradient,
          _losses_where_the_gradients_were_taken, _trained_enough, _losses_are_the_models)


def _probe(answer, X, y, fresh, ref_seconds) -> list:
    """A short second run with a small learning rate: ``[(lr, model)]``."""
    model = fresh()
    epochs, lr = SETUP["probe_epochs"], SETUP["probe_lr"]
    _losses(_call(answer, model, X, y, epochs, lr, ref_seconds), epochs)
    return [(lr, model)]


register(Exercise(
    forbidden=("course.nn.train.train", "course.nn.mlp.MLP.step"),
    reference=train,
    id="sgd.train", lesson=LESSON, answer_name="train",
    title="train(model, X, y, epochs, lr): the SGD loop, checked by the loss it reaches",
    grade=_grade, answer_kinds="function of (model, X, y, epochs, lr)", mistakes=MEANINGS,
    hints=("Each epoch: gradients at the current parameters, one step, remember the loss.",
           "model.loss_and_grads gives the loss and the gradients together; call it inside the "
           "loop, on all of X, so every step has fresh gradients — and keep the loss it gave "
           "with them.",
           "Start an empty list. Each epoch: ask the model for the loss and gradients at its "
           "current parameters, take one sgd_step with them, append the loss. After the loop "
           "return the list."),
))
