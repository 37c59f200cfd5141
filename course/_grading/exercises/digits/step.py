"""Lesson 10, exercise 2: ``step(params, X, y, lr)`` — forward, backward and one SGD update.

``params`` is ``{"W1": (64, 32), "b1": (1, 32), "W2": (32, 10), "b2": (1, 10)}``, updated
in place; the function returns the batch's mean cross-entropy before the update. The checker
runs it on copies of the same parameters and the same batches of the digits — of sizes 32,
17 (a last partial batch) and 5 — and reads each parameter's gradient back from its change,
``(before − after) / lr``, which it compares with the reference's (``reference.gradients``).
The backward pass is a program (``reference.STEP_PROGRAM``) whose generated edits, alone and
in pairs, name the mistakes: the softmax Jacobian on top of (P − Y)/m, the labels as numbers,
the ReLU's mask left out or A1's values for it, dA1 computed with W2 after its update, a
transpose, a wrong sum axis... The mean over all m·10 entries stays a catalogue entry
(``gradients``' switch), and probes name a fixed divisor (``/ batch_size`` instead of
``/ m``: the last partial batch mis-weighted) and the rest.
"""

from __future__ import annotations

import numpy as np

from course._grading.arrays import (
    GENERIC_MISTAKES,
    ArrayCase,
    ArrayMistake,
    ArraySpec,
    OutputSpec,
    grade_arrays,
    ratio_to,
)
from course._grading.arrays.edits import generated_meanings
from course._grading.exercises.digits.reference import (
    LESSON,
    PARAM_NAMES,
    STEP_PROGRAM,
    digits_split,
    gradients,
    init_params,
    step,
)
from course._grading.guards import LearnerError, NotAttempted, call_learner
from course._grading.registry import Exercise, register
from course._grading.result import CheckResult

__all__ = ["STEP"]

#: batch sizes: a full batch, a last partial batch, a tiny one (so "/ 32" shows)
_BATCHES = (32, 17, 5)
_LR = 0.1
_SHAPES = {"W1": ("64", "32"), "b1": ("1", "32"), "W2": ("32", "10"), "b2": ("1", "10")}


def _shape_text(name: str) -> str:
    """``(64, 32)``: a parameter's shape as the learner prints it."""
    return f"({', '.join(_SHAPES[name])})"


def _cases(opts):
    X, y, _, _ = digits_split()
    rng = np.random.default_rng(opts.seed)
    params = init_params(seed=opts.seed % 1000)
    params = {k: v + rng.normal(0, 0.05, v.shape) for k, v in params.items()}  # biases ≠ 0
    cases, start = [], 0
    for m in _BATCHES:
        Xb, yb = X[start:start + m], y[start:start + m]
        start += m
        loss, grads = gradients(params, Xb, yb)
        inputs = {**{k: params[k] for k in PARAM_NAMES}, "X": Xb, "y": yb,
                  "lr": np.float64(_LR)}
        cases.append(ArrayCase(inputs, {"m": m}, {**{f"d{k}": grads[k] for k in PARAM_NAMES},
                                                  "loss": np.float64(loss)},
                               {"params": params, "X": Xb, "y": yb, "m": m}))
    return cases


def _adapter(answer):
    """The learner's step seen as a function returning its gradients (and loss).

    It calls ``answer`` directly: the engine's own guard around this adapter turns a stub's
    ``NotImplementedError`` into "not attempted" and anything else into the learner's error.
    """
    def implied(W1, b1, W2, b2, X, y, lr):
        params = {"W1": W1.copy(), "b1": b1.copy(), "W2": W2.copy(), "b2": b2.copy()}
        before = {k: v.copy() for k, v in params.items()}
        loss = answer(params, X, y.astype(int), float(lr))
        out = {}
        for k in PARAM_NAMES:
            after = np.asarray(params.get(k), dtype=float)
            out[f"d{k}"] = (before[k] - after) / lr if after.shape == before[k].shape else after
        out["loss"] = loss                      # None or text: the engine names it
        return out
    return implied


def _g(**switches):
    def outputs(case):
        e = case.extra
        kw = {"updated_W2_lr": _LR} if switches.get("updated_W2_lr") else {}
        kw.update({k: v for k, v in switches.items() if k != "updated_W2_lr"})
        _, grads = gradients(e["params"], e["X"], e["y"], **kw)
        return {f"d{k}": grads[k] for k in PARAM_NAMES}
    return outputs


STEP = ArraySpec(
    exercise_id="digits.step", signature="step(params, X, y, lr)", returns="dict",
    outputs=(*(OutputSpec(f"d{k}", _SHAPES[k], f"{k} keeps its shape {_shape_text(k)}",
                          label=f"d{k}") for k in PARAM_NAMES),
             OutputSpec("loss", (), "one number, the batch's mean cross-entropy")),
    make_cases=_cases, rtol=1e-6, atol=1e-10, program=STEP_PROGRAM,
    mistakes=(      # not an edit of the program: its words beat "two slips"
        ArrayMistake("mean-over-all-entries", "divided by m·10", _g(mean_all=True),
                     "every gradient is 10 times too small: the cross-entropy is a mean over "
                     "the m examples only, delta2 = (P − Y)/m."),
    ),
    mistake_hints={"updated-W2-first": "Compute all four gradients first, then update."},
)


def _fixed_divisor(answer, opts):
    """Name ``/ batch_size`` (a fixed number) instead of ``/ m``: right on full batches only."""
    cases = _cases(opts)
    fn = _adapter(answer)
    ratios = []
    for case in cases:
        try:
            mine = call_learner(fn, **{k: np.array(v, copy=True) for k, v in case.inputs.items()})
        except (LearnerError, NotAttempted):
            return None
        r = ratio_to(np.asarray(mine["dW2"], dtype=float), case.expected["dW2"], 1e-6, 1e-10)
        if r is None or not np.isfinite(r) or r <= 0:
            return None                               # no positive constant factor
        ratios.append(case.dims["m"] / r)             # = the learner's divisor
    if np.allclose(ratios, ratios[0], rtol=1e-6) and not np.isclose(ratios[0], 1.0):
        N = ratios[0]
        return CheckResult("digits.step", False, mistake="fixed-divisor", n_cases=len(cases),
                           summary=(
            f"right for a batch of {N:.0f} examples, but not for smaller ones: you divide by a "
            f"fixed {N:.4g} instead of this batch's own m = X.shape[0]. The last batch of an "
            f"epoch is usually smaller (17 here): divided by {N:.4g}, its gradient counts "
            f"only {17 / N:.2f} of what it should. Use m = X.shape[0]."))
    return None


def _updates_in_place(answer, opts) -> CheckResult | None:
    """One call on a copy of the first case: did step change the dict it was handed, and did
    it return one number? Named here, before the gradients are read from the change."""
    case = _cases(opts)[0]
    params = {k: np.array(case.inputs[k], copy=True) for k in PARAM_NAMES}
    before = {k: v.copy() for k, v in params.items()}
    X, y = np.array(case.inputs["X"], copy=True), np.array(case.inputs["y"], copy=True)
    try:
        with np.errstate(all="ignore"):
            loss = call_learner(answer, params, X, y.astype(int), _LR)
    except LearnerError:
        return None                   # the engine reads a shape error from the failing line
    if isinstance(loss, (tuple, list, dict)):
        n = len(loss)
        what = f"a {type(loss).__name__}" + (f" of {n} item{'s' * (n != 1)}" if n else "")
        raise LearnerError(
            f"step must return the batch's loss, one number, but it returned {what}. The "
            "parameters need not be returned: step changes the params dict it is handed "
            "(params['W1'] -= lr * dW1, ...), and the caller sees that change. End with "
            "`return loss`.", kind="type")
    same = [k for k in PARAM_NAMES
            if isinstance(params.get(k), np.ndarray) and params[k].shape == before[k].shape
            and np.array_equal(params[k], before[k])]
    if not same:
        return None
    changed = [k for k in PARAM_NAMES if k not in same]
    if changed:
        did = (f"your step changed {', '.join(changed)} but not {', '.join(same)}: update all "
               "four parameters in the dict")
    else:
        did = ("your step did not change params in place: after the call every array in the "
               "dict is what it was. Assigning to a local name (W1 = W1 - lr * dW1) or to a "
               "copy of the dict leaves the caller's params untouched; assign "
               "params['W1'] = … or use params['W1'] -= lr * dW1")
    return CheckResult("digits.step", False, mistake="params-not-updated", n_cases=1,
                       point={"m": case.dims["m"]}, summary=(
        f"{did} (the checker reads each gradient from that change: "
        "dW1 = (W1 before − W1 after) / lr)."))


def _grade(answer, opts):
    if isinstance(answer, (str, type)) or not callable(answer):
        raise LearnerError("this exercise wants your function step(params, X, y, lr), not a "
                           f"{type(answer).__name__}", kind="type")
    named = _updates_in_place(answer, opts)
    if named is not None:
        return named
    try:
        result = grade_arrays(STEP, _adapter(answer), opts)
    except LearnerError as err:
        if str(err).startswith("loss is"):
            raise LearnerError("step must return the batch's loss, a number (the mean "
                               "cross-entropy before the update), but it returned nothing "
                               "or not a number — end it with `return loss`",
                               kind="type") from None
        raise
    result.exercise_id = "digits.step"
    if result.passed:
        result.summary = ("correct — your step moves W1, b1, W2, b2 by exactly −lr × the "
                          "gradient and returns the loss, on batches of 32, 17 and 5 digits")
        return result
    if result.mistake in (None, "missing-1/m", "constant-factor", "extra-1/m"):
        named = _fixed_divisor(answer, opts)
        if named is not None:                   # (a failed CheckResult is falsy)
            result = named
    result.details.append("(The checker reads each gradient from your step's change of the "
                          "parameter: dW1 = (W1 before − W1 after) / lr, and so on.)")
    return result


register(Exercise(
    forbidden=("course._grading.exercises.digits.reference.step",
               "course._grading.exercises.digits.reference.gradients",
               "course.nn.softmax.softmax_cross_entropy_grad"),
    reference=step,
    reveal=r"Forward $Z_1, A_1 = \max(0, Z_1), Z_2, P$; backward $\delta_2 = (P - Y)/m$, "
           r"$dW_2 = A_1^{\mathsf T} \delta_2$, $db_2 = \sum \delta_2$, "
           r"$\delta_1 = \delta_2 W_2^{\mathsf T} \odot [Z_1 > 0]$, "
           r"$dW_1 = X^{\mathsf T} \delta_1$, "
           r"$db_1 = \sum \delta_1$; then every parameter `-= lr * grad`; return the loss.",
    id="digits.step", lesson=LESSON, answer_name="step",
    title="step(params, X, y, lr): forward, backward and SGD for the 64-32-10 network",
    grade=_grade, answer_kinds="function of (params, X, y, lr)",
    mistakes={**generated_meanings(STEP_PROGRAM), **{m.id: m.meaning for m in STEP.mistakes},
              "params-not-updated": "params not changed in place (local names or a copy "
                                    "updated)",
              "fixed-divisor": "divided by a fixed batch size instead of the batch's own m: "
                               "the last partial batch mis-weighted",
              **{k: GENERIC_MISTAKES[k] for k in ("missing-1/m", "transposed", "sign",
                                                  "wrong-shape", "shape-error",
                                                  "mutates-input")}},
    hints=("Forward: Z1, A1 = ReLU(Z1), Z2, P = softmax(Z2). Backward, from the top: "
           "delta2 first, then the four gradients. Update last.",
           "delta2 = (P − Y)/m with m = X.shape[0] (lesson 09); then lesson 06's dense backward "
           "for each layer, with the ReLU's mask on Z1 (lesson 09).",
           "Compute dW2, db2, dA1, delta1, dW1, db1 before touching any parameter, then "
           "params[name] -= lr * gradient for all four names; return the loss."),
))
