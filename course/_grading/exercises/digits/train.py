"""Lesson 10, exercise 3 (the capstone): ``train(params, X, y, epochs, lr, batch_size, seed)``.

The learner's loop — their ``minibatches`` and their ``step`` — trains the 64-32-10 network
from the course's initial parameters on the 1,347 training digits with the lesson's schedule
(``reference.SCHEDULE``); the checker then measures the accuracy on the 450 held-out digits
(never seen in training). A pass needs ≥ 95 % and one loss per epoch. Below it, the
reference loop from the same start says what was reachable, and the learner's losses say
whether training diverged, stalled or never moved.
"""

from __future__ import annotations

import math

import numpy as np

from course._grading.exercises.digits.reference import (
    LESSON,
    PARAM_NAMES,
    SCHEDULE,
    accuracy,
    digits_split,
    init_params,
    train,
)
from course._grading.guards import LearnerError, call_learner
from course._grading.registry import Exercise, register
from course._grading.result import CheckResult

__all__ = ["PASS_ACCURACY", "MEANINGS"]

PASS_ACCURACY = 0.95
MEANINGS = {
    "below-95": "the trained network gets fewer than 95 % of the held-out digits right",
    "no-training": "the parameters did not change",
    "diverged": "the loss became NaN or inf",
    "losses-per-batch": "one loss per batch returned instead of one per epoch",
    "wrong-length": "not one loss per epoch",
    "params-replaced": "the parameters were replaced instead of updated in the dict",
}


def _grade(answer, opts) -> CheckResult:
    eid = "digits.train"
    if isinstance(answer, (str, type)) or not callable(answer):
        raise LearnerError("this exercise wants your function train(params, X, y, epochs, lr, "
                           f"batch_size, seed), not a {type(answer).__name__}", kind="type")
    X, y, X_test, y_test = digits_split()
    params = init_params(seed=0)
    start = {k: v.copy() for k, v in params.items()}
    e, lr, B, seed = (SCHEDULE[k] for k in ("epochs", "lr", "batch_size", "seed"))
    losses = call_learner(answer, params, X.copy(), y.copy(), e, lr, B, seed)

    def fail(mistake, summary, **kw):
        return CheckResult(eid, False, mistake=mistake, summary=summary, n_cases=1, **kw)

    try:
        losses = [float(v) for v in losses]
    except (TypeError, ValueError):
        raise LearnerError("train must return the list of the epochs' losses, but it "
                           f"returned {type(losses).__name__}", kind="type") from None
    shapes_ok = all(isinstance(params.get(k), np.ndarray) and params[k].shape == start[k].shape
                    for k in PARAM_NAMES)
    if not shapes_ok:
        return fail("params-replaced", (
            "after training, params no longer holds W1, b1, W2, b2 with their shapes. Update "
            "the arrays in the dict (your step does params[name] -= ...), do not replace it."))
    if all(np.array_equal(params[k], start[k]) for k in PARAM_NAMES):
        return fail("no-training", (
            "the parameters are exactly where they started: your loop never called step on "
            "them (or stepped on a copy). Pass the params dict itself to step."))
    if not all(math.isfinite(v) for v in losses):
        return fail("diverged", (
            "the loss became NaN or inf during training: look for an unstable softmax (no max "
            "subtracted) or a gradient far too large (a missing 1/m)."))
    batches = math.ceil(len(X) / B)
    acc = accuracy(params, X_test, y_test)
    point = {"epochs": e, "lr": lr, "batch_size": B, "seed": seed}
    if len(losses) == e * batches:
        return fail("losses-per-batch", (
            f"you returned {len(losses)} losses, one per batch; return one per epoch ({e}): "
            "the mean of its batches' losses, each weighted by the batch's size."), point=point)
    if len(losses) != e:
        return fail("wrong-length", f"you returned {len(losses)} losses for {e} epochs; return "
                                    "one loss per epoch.", point=point)
    if acc >= PASS_ACCURACY:
        return CheckResult(eid, True, n_cases=1, point=point, summary=(
            f"correct — your loop trained the 64-32-10 network to {acc:.1%} on the 450 "
            f"held-out digits (≥ {PASS_ACCURACY:.0%}); loss {losses[0]:.3f} → {losses[-1]:.3f} "
            f"in {e} epochs"))
    ref = init_params(seed=0)
    ref_losses = train(ref, X, y, e, lr, B, seed)
    ref_acc = accuracy(ref, X_test, y_test)
    return fail("below-95", (
        f"your trained network gets {acc:.1%} of the held-out digits right; {PASS_ACCURACY:.0%} "
        f"is needed (the course's loop reaches {ref_acc:.1%} from the same start). Your loss "
        f"went {losses[0]:.3f} → {losses[-1]:.3f} (the course's: {ref_losses[0]:.3f} → "
        f"{ref_losses[-1]:.3f}). Check digits.step and minibatch.batches first: a loop is only "
        "as good as the step and the batches it calls."), point=point,
        learner_value=round(acc, 4), expected_value=f"≥ {PASS_ACCURACY}")


register(Exercise(
    reference=train,
    forbidden=("course._grading.exercises.digits.reference.train",
               "course._grading.exercises.digits.reference.step",
               "course.nn.train.train"),
    reveal=r"`rng = np.random.default_rng(seed)` once; per epoch, "
           r"`total += step(params, Xb, yb, lr) * len(Xb)` over `minibatches(X, y, batch_size, "
           r"rng)`, and `losses.append(total / len(X))`.",
    id="digits.train", lesson=LESSON, answer_name="train",
    title="train(params, X, y, epochs, lr, batch_size, seed): ≥ 95 % on the held-out digits",
    grade=_grade, answer_kinds="function of (params, X, y, epochs, lr, batch_size, seed)",
    mistakes=MEANINGS,
    hints=("One epoch: fresh mini-batches (your minibatches, with an rng made from seed once, "
           "before the loop), one step per batch.",
           "Make rng = np.random.default_rng(seed) once, outside the epoch loop, so every "
           "epoch gets a new order. Remember each step's loss.",
           "An epoch's loss is the average of its batch losses weighted by batch size: add "
           "loss × len(X_batch), divide by len(X) at the end of the epoch."),
))
