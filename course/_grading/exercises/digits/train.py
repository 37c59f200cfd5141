"""Lesson 10, exercise 3 (the capstone): ``train(params, X, y, epochs, lr, batch_size, seed)``.

The learner's loop — their ``minibatches`` and their ``step`` — trains the 64-32-10 network
from the course's initial parameters on the 1,347 training digits with the lesson's schedule
(``reference.SCHEDULE``); the checker then measures the accuracy on the 450 held-out digits
(never seen in training). A pass needs ≥ 95 % and one loss per epoch. Below it, the
reference loop from the same start says what was reachable, and the learner's losses say
whether training diverged, stalled or never moved.

Then the loop's contract, read from its behaviour on 100 digits (:func:`_contract`):

- *a new order every epoch*: two epochs in one call must not end where one epoch and then
  another call with the same seed ends — they do when the rng is re-made inside the epoch
  loop or the batches are drawn once before it;
- *the epoch's loss is the size-weighted mean of its batch losses*: with ``lr = 0`` nothing
  moves, so every epoch's loss must be the mean cross-entropy over all N examples whatever
  the order. The plain mean of the batch losses is right when every batch is full (96
  examples) and wrong when the last is partial (100); weighting every batch by
  ``batch_size`` is off by ``⌈N/B⌉·B/N`` even on 100 identical examples.
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
    gradients,
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
    "same-batches-every-epoch": "every epoch the same batches in the same order (a new rng "
                                "inside the epoch loop, or batches drawn once before it)",
    "unweighted-mean": "the epoch's loss is the plain mean of its batch losses: the last, "
                       "smaller batch counts as a full one",
    "weighted-by-batch-size": "batch losses weighted by batch_size instead of len(X_batch): "
                              "the last, smaller batch over-weighted",
    "epoch-loss-wrong": "the epoch's loss is not the mean loss over the epoch's examples",
}
#: the contract probes: 100 training digits, batches of 32 (the last holds 4)
_N, _B, _SEED = 100, 32, 3


def _run(answer, params, X, y, epochs, lr, B, seed):
    """The learner's train on copies of the data; its losses as floats (params changes in
    place)."""
    losses = call_learner(answer, params, X.copy(), y.copy(), epochs, lr, B, seed)
    try:
        return [float(v) for v in losses]
    except (TypeError, ValueError):
        raise LearnerError("train must return the list of the epochs' losses, but it "
                           f"returned {type(losses).__name__}", kind="type") from None


def _first_loss(answer, X, y) -> float:
    """The first epoch's loss of a run with ``lr = 0`` (NaN when none is returned)."""
    losses = _run(answer, init_params(seed=1), X, y, 1, 0.0, _B, _SEED)
    return losses[0] if losses else math.nan


def _same_order(answer, X, y) -> bool:
    """Do two epochs in one call end where one epoch, then one more call, ends?"""
    two = init_params(seed=1)
    _run(answer, two, X, y, 2, SCHEDULE["lr"], _B, _SEED)
    one = init_params(seed=1)
    _run(answer, one, X, y, 1, SCHEDULE["lr"], _B, _SEED)
    _run(answer, one, X, y, 1, SCHEDULE["lr"], _B, _SEED)
    return all(np.allclose(two[k], one[k], rtol=1e-9, atol=1e-12) for k in PARAM_NAMES)


def _mean_loss(X, y) -> float:
    return gradients(init_params(seed=1), X, y)[0]


def _contract(answer, X, y) -> CheckResult | None:
    """The loop's contract, read from its behaviour on 100 digits (see the module)."""
    def fail(mistake, summary):
        return CheckResult("digits.train", False, mistake=mistake, n_cases=4, summary=summary,
                           point={"N": _N, "batch_size": _B})

    if _same_order(answer, X[:_N], y[:_N]):
        return fail("same-batches-every-epoch", (
            "every epoch of your train sees the same batches in the same order: two epochs in "
            "one call end exactly where one epoch, then a second call with the same seed, "
            "ends. Make rng = np.random.default_rng(seed) once, before the epoch loop (a new "
            "one inside the loop restarts the same order each epoch), and call "
            "minibatches(X, y, batch_size, rng) inside the loop, once per epoch (batches drawn "
            "once before the loop are replayed unchanged). Each epoch needs a new order."))
    tail = (" Weight each batch's loss by its own size: total += loss * len(X_batch), then "
            "total / len(X).")
    full = _first_loss(answer, X[:96], y[:96])
    mu = _mean_loss(X[:96], y[:96])
    if not math.isclose(full, mu, rel_tol=1e-6):
        return fail("epoch-loss-wrong", (
            f"with lr = 0 nothing moves, so an epoch's loss must be the mean cross-entropy "
            f"over all its examples: {mu:.6f} on 96 digits in batches of {_B}; your train "
            f"returned {full:.6f}. An epoch's loss is the mean of its batch losses (each "
            "batch's mean, as step returns it) — check what you add up and what you divide "
            "by." + tail))
    X_same, y_same = np.repeat(X[:1], _N, axis=0), np.repeat(y[:1], _N)
    alike = _first_loss(answer, X_same, y_same)
    ell = _mean_loss(X_same, y_same)
    over = math.ceil(_N / _B) * _B / _N                    # 128/100
    if math.isclose(alike, over * ell, rel_tol=1e-6):
        return fail("weighted-by-batch-size", (
            f"on {_N} identical digits every batch's loss is the same {ell:.4f}, so the "
            f"epoch's loss must be {ell:.4f} too; yours is {alike:.4f}, {over:.2f}× as much. "
            f"You weighted every batch by batch_size = {_B}, the last one as well — but it "
            f"holds only {_N % _B} examples ({_N} = {_N // _B}·{_B} + {_N % _B})." + tail))
    mixed = _first_loss(answer, X[:_N], y[:_N])
    mu = _mean_loss(X[:_N], y[:_N])
    if math.isclose(alike, ell, rel_tol=1e-6) and not math.isclose(mixed, mu, rel_tol=1e-6):
        return fail("unweighted-mean", (
            f"with lr = 0 nothing moves, so an epoch's loss must be the mean cross-entropy "
            f"over all {_N} examples, {mu:.6f}; yours is {mixed:.6f}. On 96 digits (three "
            "full batches) yours is right: you average the batch losses as if every batch "
            f"were full, so the last batch ({_N % _B} of {_N} examples) counts as much as one "
            f"of {_B}." + tail))
    if not (math.isclose(alike, ell, rel_tol=1e-6) and math.isclose(mixed, mu, rel_tol=1e-6)):
        return fail("epoch-loss-wrong", (
            f"with lr = 0 nothing moves, so an epoch's loss must be the mean cross-entropy "
            f"over all {_N} examples, {mu:.6f}; yours is {mixed:.6f}." + tail))
    return None


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
        named = _contract(answer, X, y)
        if named is not None:
            return named
        return CheckResult(eid, True, n_cases=5, point=point, summary=(
            f"correct — your loop trained the 64-32-10 network to {acc:.1%} on the 450 "
            f"held-out digits (≥ {PASS_ACCURACY:.0%}); loss {losses[0]:.3f} → {losses[-1]:.3f} "
            f"in {e} epochs; a new order every epoch, and each epoch's loss the mean over its "
            "examples (read on 100 digits with lr = 0, where nothing moves)"))
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
