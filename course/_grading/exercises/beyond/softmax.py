"""Lesson 09, exercises 1 and 2: a stable ``softmax(Z)`` and ``softmax_ce_grad(Z, y)``.

``softmax(Z)``: ``P = e^{Z − max} / Σ e^{Z − max}`` row by row, shape (m, k). The cases mix
ordinary logits with logits near 1000 (``e^{1000}`` overflows to inf: a softmax that does
not subtract the maximum returns NaN), rows far apart (subtracting one *global* maximum
underflows the other rows to 0/0) and rows whose own logits are 1000s apart (subtracting the
row's minimum, mean or first entry still leaves an exponent near 1000: only the maximum keeps
every exponent ≤ 0).

``softmax_ce_grad(Z, y)``: ``dL/dZ = (P − Y)/m`` with ``Y`` the one-hot rows of the integer
labels ``y`` (m,).

Both references are programs (``SOFTMAX_PROGRAM``, ``CE_GRAD_PROGRAM`` in :mod:`.reference`)
whose generated edits, alone and in pairs, name most mistakes: the max over the wrong axis,
the row sum over the wrong axis or without keepdims, np.exp or the division left out; the
softmax Jacobian (or its diagonal) multiplied on top of (P − Y)/m, the 1/m missing, the
labels subtracted as numbers, the logits for the probabilities. Hand-written, because their
words beat "two slips" or no edit produces them: a softmax over the columns, the logits
normalised, log P, a mean over all m·k entries, dL/dP; the overflow of a softmax without the
max subtraction, a shift other than the max, and one-hot rows expected are probes.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from course._grading.arrays import (
    GENERIC_MISTAKES,
    ArrayCase,
    ArrayMistake,
    ArraySpec,
    OutputSpec,
    call_on_copies,
    close,
    grade_arrays,
)
from course._grading.arrays.edits import generated_meanings
from course._grading.exercises.beyond._shift import learner_p, shift_not_max
from course._grading.exercises.beyond.reference import (
    CE_GRAD_PROGRAM,
    LESSON,
    SOFTMAX_PROGRAM,
    softmax,
    softmax_ce_grad,
)
from course._grading.guards import LearnerError
from course._grading.registry import Exercise, register
from course._grading.result import CheckResult
from course.nn.softmax import one_hot

__all__ = ["SOFTMAX", "CE_GRAD", "overflow_probe"]

#: (m, k): all different, so an axis mix-up cannot hide
_SHAPES = ((4, 3), (6, 5), (3, 10), (5, 2))
_FORBIDDEN_SOFTMAX = ("course.nn.softmax.softmax", "course.nn.softmax.log_softmax",
                      "course._grading.exercises.beyond.reference.softmax")
_FORBIDDEN_GRAD = ("course.nn.softmax.softmax_cross_entropy_grad",
                   "course._grading.exercises.beyond.reference.softmax_ce_grad")


def _logits(rng, kind: str, m: int, k: int):
    """Ordinary logits, logits near +1000 (overflow), or rows 2000 apart (global max)."""
    Z = rng.normal(0.0, 2.0, (m, k))
    if kind == "large":
        Z += 1000.0
    elif kind == "spread":
        Z += np.where(np.arange(m) % 2 == 0, 1000.0, -1000.0)[:, None]
    return Z


#: rows whose own logits lie 1000s apart: only the row's maximum keeps every exponent ≤ 0
_WIDE = (np.array([[0.0, 1000.0, 1.0], [-1000.0, 0.0, 1000.0], [-1.0e4, 0.0, 1.0],
                   [2.0, -3.0e4, 0.5]]),
         np.array([[1000.0, 0.0], [-800.0, 5.0], [3.0, -2.0]]))


def _z_cases(opts, expected, with_labels: bool):
    rng = np.random.default_rng(opts.seed)
    kinds = ["normal"] * len(_SHAPES) + ["large", "spread"]
    shapes = [*_SHAPES, (4, 6), (6, 4)]
    if not with_labels:                       # softmax.forward: also rows 1000s wide
        kinds += ["wide"] * len(_WIDE)
        shapes += [W.shape for W in _WIDE]
    wide = iter(_WIDE)
    cases = []
    for kind, (m, k) in zip(kinds, shapes):
        Z = next(wide) + rng.normal(0.0, 0.1, (m, k)) if kind == "wide" else _logits(
            rng, kind, m, k)
        inputs = {"Z": Z}
        if with_labels:
            inputs["y"] = rng.integers(0, k, m)
        cases.append(ArrayCase(inputs, {"m": m, "k": k}, expected(inputs),
                               {**inputs, "m": m, "k": k, "kind": kind}))
    return cases


def _p(fn):
    return lambda case: {"P": fn(case.extra["Z"])}


def _naive(Z):
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


SOFTMAX = ArraySpec(
    exercise_id="softmax.forward", signature="softmax(Z)",
    outputs=(OutputSpec("P", ("m", "k"), "one row of k probabilities per example"),),
    program=SOFTMAX_PROGRAM,
    make_cases=lambda opts: _z_cases(opts, lambda i: {"P": softmax(i["Z"])}, False),
    mistake_hints={"shape-error": "Keep the row axis: Z.max(axis=1, keepdims=True) has shape "
                                  "(m, 1) and broadcasts against (m, k)."},
    mistakes=(
        ArrayMistake("wrong-axis", "normalised over the examples (axis 0), not the classes",
                     _p(lambda Z: np.exp(Z - Z.max(axis=0)) / np.exp(Z - Z.max(axis=0))
                        .sum(axis=0)),
                     "each column sums to 1, not each row: you normalised over axis 0, the m "
                     "examples. One example is one row; its k probabilities must sum to 1: "
                     "sum over axis=1 (with keepdims=True)."),
        ArrayMistake("logits-normalised", "Z / sum(Z): no exponential",
                     _p(lambda Z: Z / Z.sum(axis=1, keepdims=True)),
                     "you divided the logits by their sum; the softmax exponentiates first "
                     "(probabilities must be positive): e^z / Σ e^z."),
        ArrayMistake("log-softmax", "log P returned instead of P",
                     _p(lambda Z: np.log(softmax(Z))),
                     "these are the log-probabilities log P; return P itself."),
    ),
)


def overflow_probe(exercise_id: str, answer, spec: ArraySpec, opts) -> CheckResult | None:
    """Name the unstable softmax: right on ordinary logits, NaN/inf once they are large."""
    verdict, failed, finite = {}, {}, {}
    cases = spec.make_cases(opts)
    for case in cases:
        mine = learner_p(answer, case)
        if mine is None:
            return None
        ok = close(mine, case.expected[spec.names[0]], spec.rtol, spec.atol)
        kind = case.extra["kind"]
        verdict[kind] = verdict.get(kind, True) and ok
        if not ok:
            failed.setdefault(kind, case)
        if kind != "normal" and not ok:
            finite[kind] = bool(np.isfinite(mine).all())
    n = len(cases)
    if not verdict.get("normal"):
        if all(finite.values()) or verdict.get("large") or verdict.get("spread"):
            return None                       # finite where wrong: the engine explains it
        # wrong on ordinary logits too: explain that first, on the ordinary cases alone
        ordinary = dataclasses.replace(spec, make_cases=lambda o: [
            c for c in spec.make_cases(o) if c.extra["kind"] == "normal"])
        result = grade_arrays(ordinary, answer, opts)
        result.details.append("Also: with large logits (near 1000) your function returns "
                              "NaN or inf — subtract each row's maximum before np.exp.")
        return result
    if any(finite.values()):
        return None                           # a finite wrong value: the engine explains it
    Z = next(c for c in cases if c.extra["kind"] == "large").inputs["Z"]
    if not verdict["large"]:
        return CheckResult(exercise_id, False, mistake="no-max-subtraction", n_cases=n, summary=(
            f"right for ordinary logits, but NaN when they are large (e.g. Z[0] = "
            f"{np.array2string(Z[0], precision=1)}): e^1000 overflows to inf and inf/inf is NaN. "
            "Subtract each row's maximum first — softmax(z − c) = softmax(z) for any constant "
            "c — so every exponent is ≤ 0: np.exp(Z - Z.max(axis=1, keepdims=True))."))
    if not verdict["spread"]:
        return CheckResult(exercise_id, False, mistake="global-max", n_cases=n, summary=(
            "right while all logits are similar, but NaN when rows are far apart (one row near "
            "+1000, the next near −1000): you subtracted one maximum for the whole array, so "
            "every exponent of the low rows underflows to 0 and the row becomes 0/0. Subtract "
            "each row's own maximum: Z.max(axis=1, keepdims=True)."))
    if "wide" in failed:
        return shift_not_max(exercise_id, answer,
                              [c for c in cases if c.extra["kind"] == "wide"])
    return None


def _grade_softmax(answer, opts):
    if callable(answer) and not isinstance(answer, (str, type)):
        named = overflow_probe("softmax.forward", answer, SOFTMAX, opts)
        if named is not None:
            return named
        # a wrong answer is explained where every mistake is finite (rows 1000s wide make
        # log P and Z/ΣZ infinite): the wide rows count once the rest is right
        narrow = dataclasses.replace(SOFTMAX, make_cases=lambda o: [
            c for c in SOFTMAX.make_cases(o) if c.extra["kind"] != "wide"])
        result = grade_arrays(narrow, answer, opts)
        if not result.passed:
            return result
    return grade_arrays(SOFTMAX, answer, opts)


def _g(fn):
    def outputs(case):
        e = case.extra
        P = softmax(e["Z"])
        return {"dL/dZ": fn(P, one_hot(e["y"], e["k"]), e)}
    return outputs


CE_GRAD = ArraySpec(
    exercise_id="softmax.ce_grad", signature="softmax_ce_grad(Z, y)",
    outputs=(OutputSpec("dL/dZ", ("m", "k"), "each entry is dL/dZ[i, j], so it has Z's shape"),),
    program=CE_GRAD_PROGRAM,
    make_cases=lambda opts: _z_cases(opts, lambda i: {"dL/dZ": softmax_ce_grad(i["Z"], i["y"])},
                                     True),
    mistake_hints={
        "shape-error": "y holds one integer label per example, shape (m,), not one-hot rows: "
                       "make Y = one_hot(y, k), shape (m, k), before subtracting.",
        "labels-not-one-hot": "y holds one integer label per example, shape (m,): make Y with "
                              "a single 1 in column y[i] of row i, then P − Y.",
        "jacobian-on-top": "Write L for one example with a one-hot y and differentiate it "
                           "with respect to z directly: the softmax's slope is already inside "
                           "p − y.",
        "jacobian-diagonal-on-top": "The softmax's slope is already inside p − y: no factor "
                                    "p(1 − p) (that would be the sigmoid's).",
    },
    mistakes=(
        ArrayMistake("mean-over-all-entries", "divided by m·k (np.mean over every entry)",
                     _g(lambda P, Y, e: (P - Y) / (e["m"] * e["k"])),
                     "every entry is k times too small: the loss is a mean over the m "
                     "examples (rows) only — each example's k log-probabilities are not "
                     "averaged. Divide by m = Z.shape[0]."),
        ArrayMistake("dL-dP", "−Y/(m P): the gradient with respect to P, not Z",
                     _g(lambda P, Y, e: -Y / (e["m"] * P)),
                     "−Y/(mP) is dL/dP, the gradient before the softmax; the exercise asks "
                     "for dL/dZ = (P − Y)/m, one step further (through the softmax)."),
    ),
)


def _expects_one_hot(answer, opts) -> bool:
    """True when the answer is right once it is handed one-hot rows instead of labels."""
    for case in CE_GRAD.make_cases(opts)[:len(_SHAPES)]:
        Y = one_hot(case.inputs["y"], case.dims["k"])
        try:
            out, _ = call_on_copies(answer, {"Z": case.inputs["Z"], "y": Y})
            mine = np.asarray(out, dtype=float)
        except (LearnerError, TypeError, ValueError):
            return False
        if not close(mine, case.expected["dL/dZ"], CE_GRAD.rtol, CE_GRAD.atol):
            return False
    return True


def _grade_ce(answer, opts):
    if isinstance(answer, (str, type)) or not callable(answer):
        return grade_arrays(CE_GRAD, answer, opts)
    named = overflow_probe("softmax.ce_grad", answer, CE_GRAD, opts)
    if named is not None:
        return named
    result = grade_arrays(CE_GRAD, answer, opts)
    if not result.passed and result.mistake != "labels-not-one-hot" and _expects_one_hot(
            answer, opts):
        return CheckResult("softmax.ce_grad", False, mistake="expects-one-hot",
                           n_cases=result.n_cases, hint=CE_GRAD.mistake_hints["shape-error"],
                           summary=(
            "your function treats y as one-hot rows (m, k), but y holds one integer label per "
            "example, shape (m,) — e.g. y = [2, 0, 1, ...]. Handed one-hot rows it would be "
            "right: build them first, Y = np.eye(k)[y] (or one_hot(y, k)), then P − Y."))
    return result


_STABILITY = {"no-max-subtraction": "e^Z of large logits overflows: NaN (no max subtracted)",
              "global-max": "one maximum for the whole array: rows far below it become 0/0"}
_SHIFT = {"shift-not-max": "the row's minimum, mean or first logit subtracted, not its "
                           "maximum: a row 1000s wide still overflows"}
_GENERIC = ("transposed", "wrong-shape", "sign", "not-finite", "shape-error", "mutates-input")

register(Exercise(
    forbidden=_FORBIDDEN_SOFTMAX,
    reference=softmax,
    reveal=r"$P = e^{Z - \max} / \sum e^{Z - \max}$ row by row: `E = np.exp(Z - Z.max(axis=1, "
           r"keepdims=True))`, then `E / E.sum(axis=1, keepdims=True)` — the max makes every "
           r"exponent $\le 0$, and it cancels between numerator and denominator.",
    id="softmax.forward", lesson=LESSON, answer_name="softmax",
    title="softmax(Z) -> P: row-wise probabilities, stable for any logits",
    grade=_grade_softmax, answer_kinds="function of Z (m, k)",
    mistakes={**generated_meanings(SOFTMAX_PROGRAM),
              **{m.id: m.meaning for m in SOFTMAX.mistakes}, **_STABILITY, **_SHIFT,
              **{k: GENERIC_MISTAKES[k] for k in _GENERIC}},
    hints=("One example is one row of Z: exponentiate, then divide each row by its own sum.",
           "softmax(z − c) = softmax(z) for any number c: the c cancels between numerator "
           "and denominator. Which c keeps every exponent ≤ 0?",
           "Subtract each row's largest logit (axis=1, keepdims=True) before np.exp; sum "
           "over the same axis with keepdims=True."),
))

register(Exercise(
    forbidden=_FORBIDDEN_GRAD,
    reference=softmax_ce_grad,
    reveal=r"$\partial L/\partial Z = (P - Y)/m$ with $P = \mathrm{softmax}(Z)$ and $Y$ the "
           r"one-hot rows (`np.eye(k)[y]`): the Jacobian's $p_i(\mathbf{1}[i = j] - p_j)$ "
           r"times $-y_i/p_i$ sums to $-y_j + p_j \sum_i y_i = p_j - y_j$, and the mean over "
           r"the $m$ rows divides by $m$.",
    id="softmax.ce_grad", lesson=LESSON, answer_name="softmax_ce_grad",
    title="softmax_ce_grad(Z, y) -> dL/dZ of the mean cross-entropy, from integer labels",
    grade=_grade_ce, answer_kinds="function of (Z (m, k), y (m,) integer labels)",
    mistakes={**generated_meanings(CE_GRAD_PROGRAM),
              **{m.id: m.meaning for m in CE_GRAD.mistakes}, **_STABILITY,
              "missing-1/m": GENERIC_MISTAKES["missing-1/m"],
              "expects-one-hot": "y used as one-hot rows; it holds integer labels (m,)",
              **{k: GENERIC_MISTAKES[k] for k in _GENERIC}},
    hints=("For one example, L = −log p_y. Differentiate it with respect to each z_j — "
           "you met ∂p_y/∂z_j in the Jacobian above.",
           "−(1/p_y)·p_y(1[y = j] − p_j) = p_j − 1[y = j]: the gradient is p minus the "
           "one-hot row of the label. The batch loss is a mean over m rows.",
           "Build the one-hot rows Y from the integer labels (np.eye(k)[y]), then combine them "
           "with your softmax(Z) and the batch size — nothing else multiplies in."),
))
