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
    "wrong-update": "a parameter moved by something other than -lr * gradient",
}


def _params(model) -> list:
    """``[("W", 0, array), ("b", 0, array), ...]`` copies of the model's parameters."""
    return [(k, l, np.array(p, dtype=float)) for l in range(len(model.weights))
            for k, p in (("W", model.weights[l]), ("b", model.biases[l]))]


def _run(answer, sizes, lr, seed):
    model = MLP(sizes, activation="tanh", seed=seed)
    rng = np.random.default_rng(seed)
    grads = {"W": [rng.normal(size=W.shape) for W in model.weights],
             "b": [rng.normal(size=b.shape) for b in model.biases]}
    given = {k: [g.copy() for g in v] for k, v in grads.items()}
    before = _params(model)
    out = call_learner(answer, model, given, lr)
    if not isinstance(model.weights, list) or len(model.weights) != len(before) // 2:
        raise LearnerError("after your sgd_step, model.weights is no longer a list with one "
                           "array per layer; update the arrays it holds", kind="type")
    after = _params(model)
    changed_grads = any(not np.array_equal(a, b) for k in grads
                        for a, b in zip(grads[k], given[k]))
    rows = []
    for (k, l, p0), (_, _, p1) in zip(before, after):
        g = grads[k][l]
        if p1.shape != p0.shape:
            rows.append((k, l, "shape", p0.shape, p1.shape))
            continue
        r = 0.0 if np.array_equal(p1, p0) else ratio_to(p1 - p0, -lr * g, 1e-6, 1e-12)
        rows.append((k, l, r, p0, p1))
    return rows, out, changed_grads


def _is(r, value) -> bool:
    return isinstance(r, float) and bool(np.isclose(r, value, rtol=1e-5, atol=1e-9))


def _grade(answer, opts) -> CheckResult:
    eid = "sgd.sgd_step"
    if isinstance(answer, (str, type)) or not callable(answer):
        raise LearnerError("this exercise wants your function sgd_step(model, grads, lr), not "
                           f"a {type(answer).__name__}", kind="type")
    runs = [(sizes, lr, *_run(answer, sizes, lr, opts.seed + i))
            for i, (sizes, lr) in enumerate(CASES)]
    all_rows = [row for _, _, rows, _, _ in runs for row in rows]
    n = len(all_rows)
    note = ([] if not any(r[4] for r in runs) else
            ["Note: your function also changed the grads it was given (e.g. `dW *= lr`); "
             "that is harmless here, but a caller that plots or reuses the gradients would "
             "see the scaled values."])
    if all(_is(r[2], 1.0) for r in all_rows):
        return CheckResult(eid, True, n_cases=n, details=note, summary=(
            f"correct — all {n} parameters of two networks moved by exactly −lr·gradient "
            f"(lr = {CASES[0][1]} and {CASES[1][1]})"))
    result = CheckResult(eid, False, n_cases=n, details=note)
    shapes = [r for r in all_rows if r[2] == "shape"]
    if shapes:
        k, l, _, old, new = shapes[0]
        result.mistake, result.summary = "shape-changed", (
            f"after your step, model.{'weights' if k == 'W' else 'biases'}[{l}] has shape {new} "
            f"instead of {old}. A parameter keeps its shape: {k} -= lr * d{k}, where d{k} has "
            f"the shape of {k}.")
        return result
    ratios = {(k, l): r for k, l, r, _, _ in all_rows}
    W_ok = all(_is(r, 1.0) for (k, _), r in ratios.items() if k == "W")
    b_ok = all(_is(r, 1.0) for (k, _), r in ratios.items() if k == "b")
    W_zero = all(_is(r, 0.0) for (k, _), r in ratios.items() if k == "W")
    b_zero = all(_is(r, 0.0) for (k, _), r in ratios.items() if k == "b")
    if W_zero and b_zero:
        if any(out is not None for _, _, _, out, _ in runs):
            result.mistake, result.summary = "returned-new", (
                "your function returned something, but the model's parameters did not change. "
                "sgd_step must update the model itself — train() calls it and ignores what it "
                "returns. Change the arrays in place: W -= lr * dW.")
        else:
            result.mistake, result.summary = "not-in-place", (
                "nothing in the model changed. `W = W - lr * dW` inside a loop only points the "
                "loop variable W at a new array; the model still holds the old one. Change the "
                "array itself, in place: `W -= lr * dW`.")
    elif all(_is(r, -1.0) for r in ratios.values()):
        result.mistake, result.summary = "plus", (
            "every parameter moved by +lr·gradient: that is a step uphill, making the loss "
            "larger. The gradient points uphill; step against it: W -= lr * dW.")
    elif all(_is(r, 1 / lr) for (sizes, lr, rows, _, _) in runs for _, _, r, _, _ in rows):
        result.mistake, result.summary = "no-lr", (
            "every parameter moved by the whole gradient, −gradient: the learning rate is "
            "missing. W -= lr * dW.")
    elif W_ok and b_zero:
        result.mistake, result.summary = "forgot-biases", (
            "the weights are updated, the biases are not. Update model.biases with grads['b'] "
            "too, in place: `b = b - lr * db` in a loop only rebinds the name b; "
            "`b -= lr * db` changes the model's array.")
    elif b_ok and W_zero:
        result.mistake, result.summary = "forgot-weights", (
            "the biases are updated, the weights are not. Update model.weights with "
            "grads['W'] too, in place: W -= lr * dW.")
    elif all(_is(r, 1.0) or _is(r, 0.0) for r in ratios.values()):
        sizes, _, rows, _, _ = next(run for run in runs
                                    if any(_is(row[2], 0.0) for row in run[2]))
        missed = [f"{'weights' if k == 'W' else 'biases'}[{l}]"
                  for k, l, r, _, _ in sorted(rows, key=lambda row: (row[0] == "b", row[1]))
                  if _is(r, 0.0)]
        result.mistake, result.summary = "missed-layers", (
            f"some parameters were not updated: in an MLP{sizes} with {len(rows) // 2} layers, "
            f"model.{', model.'.join(missed)} did not change, the others moved by "
            "−lr·gradient. Loop over every layer: zip(model.weights, grads['W']) and "
            "zip(model.biases, grads['b']).")
    else:
        k, l, r, p0, p1 = next(row for row in all_rows if not _is(row[2], 1.0))
        what = "not by a constant multiple of it" if r is None else f"by {r:.4g}× that"
        result.mistake, result.summary = "wrong-update", (
            f"model.{'weights' if k == 'W' else 'biases'}[{l}] moved {what}: it should move "
            "by exactly −lr·gradient.")
    return result


register(Exercise(
    forbidden=("course.nn.train.sgd_step",),
    id="sgd.sgd_step", lesson=LESSON, answer_name="sgd_step",
    title="sgd_step(model, grads, lr): W -= lr·dW and b -= lr·db for every layer, in place",
    grade=_grade, answer_kinds="function of (model, grads, lr)", mistakes=MEANINGS,
    hints=("model.weights and model.biases are lists with one array per layer; grads['W'] and "
           "grads['b'] hold the gradients in the same order.",
           "Loop with zip(model.weights, grads['W']) and update each array in place with -=, "
           "so the model sees the change. Then the same for the biases.",
           "for W, dW in zip(model.weights, grads['W']): W -= lr * dW — and the same for "
           "model.biases with grads['b']."),
))
