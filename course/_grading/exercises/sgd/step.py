"""Lesson 07, exercise 2: ``sgd_step(model, grads, lr)``, one SGD update in place.

The learner's function gets a fresh ``course.nn.mlp.MLP`` and gradients shaped like
``MLP.loss_and_grads`` returns them (``{"W": [dW per layer], "b": [db per layer]}``), and
must move every parameter by ``-lr * gradient`` *in the model* (its return value is
ignored, as ``train`` ignores it). Every parameter's change is compared with
``-lr * gradient``; the ratios name the mistake: ``+`` instead of ``-`` (−1), no learning
rate (1/lr), a parameter left alone (0) — all of them (the update went to a copy), only
the biases, or only some layers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course._grading.arrays import ratio_to
from course._grading.guards import LearnerError, call_learner
from course._grading.registry import Exercise, register
from course._grading.result import CheckResult
from course.nn.mlp import MLP

__all__ = ["CASES", "MEANINGS"]

LESSON = "07_training_with_sgd"
#: (layer sizes, learning rate): two learning rates, so "no lr" and "+" are told apart
CASES = (((3, 4, 2), 0.3), ((2, 5, 3, 1), 0.05))

MEANINGS = {
    "plus": "p += lr * g: a step uphill (gradient ascent)",
    "no-lr": "p -= g: the learning rate is not applied",
    "not-in-place": "nothing in the model changed (the new values went to a copy or a name)",
    "returned-new": "new arrays returned, the model left unchanged",
    "forgot-biases": "the weights are updated, the biases are not",
    "forgot-weights": "the biases are updated, the weights are not",
    "missed-layers": "some layers are not updated",
    "shape-changed": "a parameter's shape changed",
    "replaced-arrays": "the right values, but in new arrays put into the model (model.weights = "
                       "[...]) instead of the arrays it held, changed in place",
    "wrong-update": "a parameter moved by something other than -lr * gradient",
}


@dataclass
class _Row:
    """One parameter after the learner's step: ``ratio`` is its change / (−lr·gradient)
    (0.0 unchanged, None not a multiple, "shape" when its shape changed)."""

    kind: str                    # "W" or "b"
    layer: int
    ratio: float | str | None
    before: np.ndarray
    after: np.ndarray
    same_array: bool = True      # the model still holds the array it held before the call

    @property
    def where(self) -> str:
        return f"model.{'weights' if self.kind == 'W' else 'biases'}[{self.layer}]"


@dataclass
class _Run:
    """One network stepped by the learner's ``sgd_step``."""

    sizes: tuple
    lr: float
    rows: list[_Row]
    returned: object
    changed_grads: bool


def _params(model) -> list:
    """``[("W", 0, array), ("b", 0, array), ...]`` copies of the model's parameters."""
    return [(k, l, np.array(p, dtype=float)) for l in range(len(model.weights))
            for k, p in (("W", model.weights[l]), ("b", model.biases[l]))]


def _run(answer, sizes, lr, seed) -> _Run:
    model = MLP(sizes, activation="tanh", seed=seed)
    rng = np.random.default_rng(seed)
    grads = {"W": [rng.normal(size=W.shape) for W in model.weights],
             "b": [rng.normal(size=b.shape) for b in model.biases]}
    given = {k: [g.copy() for g in v] for k, v in grads.items()}
    before = _params(model)
    held = [p for l in range(len(model.weights)) for p in (model.weights[l], model.biases[l])]
    returned = call_learner(answer, model, given, lr)
    if not isinstance(model.weights, list) or len(model.weights) != len(before) // 2:
        raise LearnerError("after your sgd_step, model.weights is no longer a list with one "
                           "array per layer; update the arrays it holds", kind="type")
    changed_grads = any(not np.array_equal(a, b) for k in grads
                        for a, b in zip(grads[k], given[k]))
    now = [p for l in range(len(model.weights)) for p in (model.weights[l], model.biases[l])]
    rows = [_Row(k, l, _ratio(p0, p1, -lr * grads[k][l]), p0, p1, old is new)
            for (k, l, p0), (_, _, p1), old, new in zip(before, _params(model), held, now)]
    return _Run(sizes, lr, rows, returned, changed_grads)


def _ratio(before, after, expected_change):
    if after.shape != before.shape:
        return "shape"
    if np.array_equal(after, before):
        return 0.0
    return ratio_to(after - before, expected_change, 1e-6, 1e-12)


def _is(r, value) -> bool:
    return isinstance(r, float) and bool(np.isclose(r, value, rtol=1e-5, atol=1e-9))


def _all(runs, value, kind=None) -> bool:
    """Every parameter (of ``kind``, "W" or "b") moved by ``value``·(−lr·gradient)."""
    return all(_is(row.ratio, value) for run in runs for row in run.rows
               if kind is None or row.kind == kind)


# -- the diagnosis: each step returns (mistake, summary) or None; the first that answers wins

def _shape_changed(runs):
    row = next((row for run in runs for row in run.rows if row.ratio == "shape"), None)
    if row is None:
        return None
    k = row.kind
    return "shape-changed", (
        f"after your step, {row.where} has shape {row.after.shape} instead of "
        f"{row.before.shape}. A parameter keeps its shape: {k} -= lr * d{k}, where d{k} has "
        f"the shape of {k}.")


def _replaced_arrays(runs):
    rows = [row for run in runs for row in run.rows if not row.same_array]
    if not rows or not _all(runs, 1.0):
        return None
    where = ", ".join(dict.fromkeys(row.where.split("[")[0] for row in rows))
    return "replaced-arrays", (
        f"the new values are right, but {where} now hold{'s' if ', ' not in where else ''} "
        "new arrays: the arrays the model held before the call did not change. The exercise "
        "asks for an in-place update that returns nothing — anything else holding those "
        "arrays (the caller's names, a copy of model.weights, an optimizer) would still see "
        "the old values. Change each array itself instead of building a new list.")


def _nothing_changed(runs):
    if not _all(runs, 0.0):
        return None
    if any(run.returned is not None for run in runs):
        return "returned-new", (
            "your function returned something, but the model's parameters did not change. "
            "sgd_step must update the model itself — train() calls it and ignores what it "
            "returns. Change the arrays in place: W -= lr * dW.")
    return "not-in-place", (
        "nothing in the model changed. `W = W - lr * dW` inside a loop only points the "
        "loop variable W at a new array; the model still holds the old one. Change the "
        "array itself, in place: `W -= lr * dW`.")


def _uphill(runs):
    if not _all(runs, -1.0):
        return None
    return "plus", (
        "every parameter moved by +lr·gradient: that is a step uphill, making the loss "
        "larger. The gradient points uphill; step against it: W -= lr * dW.")


def _no_learning_rate(runs):
    if not all(_is(row.ratio, 1 / run.lr) for run in runs for row in run.rows):
        return None
    return "no-lr", ("every parameter moved by the whole gradient, −gradient: the learning "
                     "rate is missing. W -= lr * dW.")


def _forgot_biases(runs):
    if not (_all(runs, 1.0, "W") and _all(runs, 0.0, "b")):
        return None
    return "forgot-biases", (
        "the weights are updated, the biases are not. Update model.biases with grads['b'] "
        "too, in place: `b = b - lr * db` in a loop only rebinds the name b; "
        "`b -= lr * db` changes the model's array.")


def _forgot_weights(runs):
    if not (_all(runs, 1.0, "b") and _all(runs, 0.0, "W")):
        return None
    return "forgot-weights", (
        "the biases are updated, the weights are not. Update model.weights with "
        "grads['W'] too, in place: W -= lr * dW.")


def _missed_layers(runs):
    if not all(_is(row.ratio, 1.0) or _is(row.ratio, 0.0) for run in runs for row in run.rows):
        return None
    run = next(run for run in runs if any(_is(row.ratio, 0.0) for row in run.rows))
    missed = [row.where.removeprefix("model.")
              for row in sorted(run.rows, key=lambda row: (row.kind == "b", row.layer))
              if _is(row.ratio, 0.0)]
    return "missed-layers", (
        f"some parameters were not updated: in an MLP{run.sizes} with {len(run.rows) // 2} "
        f"layers, model.{', model.'.join(missed)} did not change, the others moved by "
        "−lr·gradient. Loop over every layer: zip(model.weights, grads['W']) and "
        "zip(model.biases, grads['b']).")


def _wrong_update(runs):
    row = next(row for run in runs for row in run.rows if not _is(row.ratio, 1.0))
    what = "not by a constant multiple of it" if row.ratio is None else f"by {row.ratio:.4g}× that"
    return "wrong-update", f"{row.where} moved {what}: it should move by exactly −lr·gradient."


DIAGNOSES = (_shape_changed, _nothing_changed, _replaced_arrays, _uphill, _no_learning_rate,
             _forgot_biases, _forgot_weights, _missed_layers, _wrong_update)

_GRADS_CHANGED = ("Note: your function also changed the grads it was given (e.g. `dW *= lr`); "
                  "that is harmless here, but a caller that plots or reuses the gradients "
                  "would see the scaled values.")


def _grade(answer, opts) -> CheckResult:
    """Step two fresh networks, then name the first diagnosis that fits."""
    eid = "sgd.sgd_step"
    if isinstance(answer, (str, type)) or not callable(answer):
        raise LearnerError("this exercise wants your function sgd_step(model, grads, lr), not "
                           f"a {type(answer).__name__}", kind="type")
    runs = [_run(answer, sizes, lr, opts.seed + i) for i, (sizes, lr) in enumerate(CASES)]
    n = sum(len(run.rows) for run in runs)
    note = [_GRADS_CHANGED] if any(run.changed_grads for run in runs) else []
    if any(run.returned is not None for run in runs):
        note.append("Note: sgd_step returns nothing; train ignores what it returns (the model "
                    "itself is what changed).")
    if _all(runs, 1.0) and all(row.same_array for run in runs for row in run.rows):
        return CheckResult(eid, True, n_cases=n, details=note, summary=(
            f"correct — all {n} parameters of two networks moved by exactly −lr·gradient "
            f"(lr = {CASES[0][1]} and {CASES[1][1]})"))
    mistake, summary = next(found for step in DIAGNOSES if (found := step(runs)))
    return CheckResult(eid, False, n_cases=n, details=note, mistake=mistake, summary=summary)


register(Exercise(
    forbidden=("course.nn.train.sgd_step",),
    id="sgd.sgd_step", lesson=LESSON, answer_name="sgd_step",
    title="sgd_step(model, grads, lr): W -= lr·dW and b -= lr·db for every layer, in place",
    grade=_grade, answer_kinds="function of (model, grads, lr)", mistakes=MEANINGS,
    reveal=r"`for W, dW in zip(model.weights, grads['W']): W -= lr * dW`, and the same for "
           r"the biases. `W -= lr * dW` changes the array the model holds, in place; the trap "
           r"is `W = W - lr * dW`, which only points the loop's name `W` at a new array — the "
           r"model keeps the old one (and so does anything else holding it).",
    hints=("model.weights and model.biases are lists with one array per layer; grads['W'] and "
           "grads['b'] hold the gradients in the same order.",
           "Pair each weight array with its gradient (zip) and change the array itself, in "
           "place, so the model sees the change. Then the same for the biases.",
           "Two loops over zip: weights with grads['W'], biases with grads['b']; each subtracts "
           "lr times the gradient in place (an augmented assignment; a plain one would make a new "
           "array the model never sees)."),
))
