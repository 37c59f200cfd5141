"""Lesson 09, exercises 3 and 4: the ReLU's and the leaky ReLU's backward pass.

``relu_backward(dA, Z) -> delta = dA ⊙ [Z > 0]`` and
``leaky_relu_backward(dA, Z, alpha) -> delta = dA ⊙ (1 where Z > 0, else alpha)``.

A mask taken from ``A > 0`` instead of ``Z > 0`` gives the same numbers for both (A and Z
have the same sign when alpha > 0), so it is accepted; the lesson says where it is not
equal. What is named: the mask missing or inverted, multiplied by ``Z`` or by ``A`` itself
instead of by the 0/1 mask, the ReLU's mask reused for the leaky ReLU (alpha lost), alpha on
the wrong side, the mask taken from ``dA``.
"""

from __future__ import annotations

import numpy as np

from course._grading.arrays import (
    GENERIC_MISTAKES,
    ArrayCase,
    ArrayMistake,
    ArraySpec,
    OutputSpec,
    call_on_copies,
    grade_arrays,
)
from course._grading.exercises.beyond.reference import (
    LESSON,
    leaky_relu,
    leaky_relu_backward,
    relu_backward,
)
from course._grading.guards import LearnerError
from course._grading.registry import Exercise, register
from course._grading.result import CheckResult

__all__ = ["RELU", "LEAKY"]

_SHAPES = ((5, 3), (4, 7), (8, 2), (6, 5))
_ALPHAS = (0.1, 0.01, 0.2, 0.3)


def _cases(opts, leaky: bool):
    rng = np.random.default_rng(opts.seed)
    cases = []
    for (m, n), alpha in zip(_SHAPES, _ALPHAS):
        Z = rng.normal(0.0, 1.5, (m, n))
        Z[np.abs(Z) < 1e-3] = 0.5                   # no Z exactly at the kink
        dA = rng.normal(0.0, 1.0, (m, n)) / m
        inputs = {"dA": dA, "Z": Z}
        if leaky:
            inputs["alpha"] = np.float64(alpha)
            expected = leaky_relu_backward(dA, Z, alpha)
        else:
            expected = relu_backward(dA, Z)
        cases.append(ArrayCase(inputs, {"m": m, "n": n}, {"delta": expected},
                               {**inputs, "alpha": alpha}))
    return cases


def _d(fn):
    return lambda case: {"delta": fn(case.extra["dA"], case.extra["Z"], case.extra["alpha"]
                                  if "alpha" in case.inputs else 0.0)}


_OUT = (OutputSpec("delta", ("m", "n"), "each entry is dL/dZ[i, j], so delta has Z's shape"),)
_MASK_HINT = ("The slope of max(0, z) is 1 where z > 0 and 0 elsewhere: multiply dA by that "
              "0/1 mask, entry by entry.")

RELU = ArraySpec(
    exercise_id="relu.backward", signature="relu_backward(dA, Z)", outputs=_OUT,
    make_cases=lambda opts: _cases(opts, leaky=False),
    mistake_hints=dict.fromkeys(("times-Z", "times-A", "no-mask", "mask-inverted", "mask-only"),
                                _MASK_HINT),
    mistakes=(
        ArrayMistake("no-mask", "delta = dA: the ReLU's slope left out",
                     _d(lambda dA, Z, a: dA),
                     "delta equals dA: the ReLU's slope is missing. It is 0 where the unit was "
                     "off (Z ≤ 0), so those entries must be 0: delta = dA * (Z > 0)."),
        ArrayMistake("mask-inverted", "dA ⊙ [Z < 0]: the mask the wrong way round",
                     _d(lambda dA, Z, a: dA * (Z < 0)),
                     "your mask lets the gradient through where Z < 0 and blocks it where "
                     "Z > 0 — the wrong way round. max(0, z) has slope 1 for z > 0."),
        ArrayMistake("times-Z", "dA ⊙ Z: multiplied by the pre-activation, not the mask",
                     _d(lambda dA, Z, a: dA * Z),
                     "you multiplied by Z itself. The ReLU's slope is not Z but 1 (where "
                     "Z > 0) or 0: multiply by the mask (Z > 0)."),
        ArrayMistake("times-A", "dA ⊙ A: multiplied by the activation's values, not A > 0",
                     _d(lambda dA, Z, a: dA * np.maximum(Z, 0)),
                     "you multiplied by A = max(0, Z), the activation's values; the slope is "
                     "the 0/1 mask (Z > 0). (A > 0 as a mask would be right: A and Z have the "
                     "same sign.)"),
        ArrayMistake("mask-only", "the 0/1 mask [Z > 0] returned, not multiplied by dA",
                     _d(lambda dA, Z, a: (Z > 0).astype(float)),
                     "you returned the mask (Z > 0) itself: 1 where the unit was on, 0 "
                     "elsewhere. That is the ReLU's slope, the local derivative; the chain rule "
                     "multiplies it by the gradient arriving from above: dA * (Z > 0)."),
        ArrayMistake("mask-from-dA", "dA ⊙ [dA > 0]: the mask taken from the incoming gradient",
                     _d(lambda dA, Z, a: dA * (dA > 0)),
                     "your mask comes from dA, the incoming gradient; it belongs to the "
                     "forward pass: which units were on, Z > 0."),
    ),
)

LEAKY = ArraySpec(
    exercise_id="relu.leaky_backward", signature="leaky_relu_backward(dA, Z, alpha)",
    outputs=_OUT, make_cases=lambda opts: _cases(opts, leaky=True),
    mistake_hints={"relu-mask": "Where Z ≤ 0 the leaky ReLU is alpha·z — what is its slope "
                                "there?"},
    mistakes=(
        ArrayMistake("relu-mask", "the ReLU's 0/1 mask reused: alpha lost on the negative side",
                     _d(lambda dA, Z, a: dA * (Z > 0)),
                     "the entries where Z ≤ 0 are 0: that is the plain ReLU's mask. The leaky "
                     "ReLU is alpha·z there, slope alpha, so delta = dA * alpha on that side — "
                     "the unit never dies."),
        ArrayMistake("alpha-swapped", "slope alpha where Z > 0 and 1 elsewhere",
                     _d(lambda dA, Z, a: dA * np.where(Z > 0, a, 1.0)),
                     "alpha and 1 are swapped: the slope is 1 where Z > 0 (z itself) and "
                     "alpha where Z ≤ 0 (alpha·z)."),
        ArrayMistake("alpha-added", "dA ⊙ ([Z > 0] + alpha): alpha added everywhere",
                     _d(lambda dA, Z, a: dA * ((Z > 0) + a)),
                     "you added alpha to the mask everywhere, so the positive side gets "
                     "1 + alpha. The slope is 1 or alpha, one or the other: np.where(Z > 0, 1, "
                     "alpha)."),
        ArrayMistake("times-A", "dA ⊙ A: multiplied by the activation's values",
                     _d(lambda dA, Z, a: dA * leaky_relu(Z, a)),
                     "you multiplied by A = leaky_relu(Z), the activation's values; the slope "
                     "is 1 or alpha (a mask from A > 0 would be fine — A and Z have the same "
                     "sign — but not A's values)."),
        ArrayMistake("alpha-times-Z", "dA ⊙ (1 where Z > 0, else alpha·Z): the value alpha·z "
                                      "used as the slope",
                     _d(lambda dA, Z, a: dA * np.where(Z > 0, 1.0, a * Z)),
                     "on the negative side you multiplied by alpha·Z — the leaky ReLU's *value* "
                     "there. Its slope is alpha alone (the derivative of alpha·z is alpha), so "
                     "delta = dA * alpha where Z ≤ 0: np.where(Z > 0, 1, alpha)."),
        ArrayMistake("no-mask", "delta = dA", _d(lambda dA, Z, a: dA),
                     "delta equals dA: the slope alpha on the negative side is missing."),
    ),
)


def _fixed_alpha(answer, opts) -> CheckResult | None:
    """Name a slope hard-coded on the negative side (0.01, say) instead of the argument."""
    cases, slopes = LEAKY.make_cases(opts), []
    for case in cases:
        try:
            out, _ = call_on_copies(answer, case.inputs)
            mine = np.asarray(out, dtype=float)
        except (LearnerError, TypeError, ValueError):
            return None
        dA, Z = case.extra["dA"], case.extra["Z"]
        if mine.shape != Z.shape or not np.allclose(mine[Z > 0], dA[Z > 0]):
            return None
        neg = (Z <= 0) & (np.abs(dA) > 1e-12)
        c = mine[neg] / dA[neg]
        if not c.size or not np.allclose(c, c[0]):
            return None
        slopes.append(float(c[0]))
    c0 = slopes[0]
    if not np.isfinite(c0) or c0 in (0.0, 1.0) or not np.allclose(slopes, c0):
        return None
    alphas = [case.extra["alpha"] for case in cases]
    k = next((i for i, a in enumerate(alphas) if not np.isclose(a, c0)), None)
    if k is None:
        return None
    others = ", ".join(f"{a:g}" for a in dict.fromkeys(alphas))
    case = cases[k]
    return CheckResult("relu.leaky_backward", False, mistake="alpha-hard-coded",
                       n_cases=len(cases), point={**case.dims, "alpha": alphas[k]}, summary=(
        f"at alpha = {alphas[k]:g} your slope on the negative side is {c0:g} — and it is "
        f"{c0:g} for every alpha the checker passed ({others}): you used a fixed {c0:g} "
        "instead of the argument alpha. The leaky ReLU's slope there is whatever alpha the "
        "caller chose: np.where(Z > 0, 1, alpha)."))


def _grade_leaky(answer, opts) -> CheckResult:
    if callable(answer) and not isinstance(answer, (str, type)):
        named = _fixed_alpha(answer, opts)
        if named is not None:
            return named
    return grade_arrays(LEAKY, answer, opts)


def _meanings(spec):
    return {**{m.id: m.meaning for m in spec.mistakes},
            **{k: GENERIC_MISTAKES[k] for k in ("wrong-shape", "sign", "constant-factor",
                                                "shape-error", "mutates-input")}}


register(Exercise(
    forbidden=("course.nn.activations.relu_prime",
               "course._grading.exercises.beyond.reference.relu_backward"),
    reference=relu_backward,
    reveal=r"$\delta = dA \odot [Z > 0]$: `dA * (Z > 0)` — the mask of the units that were on.",
    id="relu.backward", lesson=LESSON, answer_name="relu_backward",
    title="relu_backward(dA, Z) -> delta = dL/dZ of a ReLU layer",
    grade=lambda answer, opts: grade_arrays(RELU, answer, opts),
    answer_kinds="function of (dA, Z)", mistakes=_meanings(RELU),
    hints=("A = max(0, Z) entry by entry. What is the slope of max(0, z) for z > 0? For z < 0?",
           "BP2 with f = ReLU: delta = dA ⊙ f'(Z), and f'(Z) is a 0/1 array with Z's shape.",
           "A boolean comparison of Z with 0 is the whole slope; numpy multiplies True as 1."),
))

register(Exercise(
    forbidden=("course._grading.exercises.beyond.reference.leaky_relu_backward",),
    reference=leaky_relu_backward,
    reveal=r"$\delta = dA \odot (1$ where $Z > 0$, else $\alpha)$: "
           r"`dA * np.where(Z > 0, 1.0, alpha)`.",
    id="relu.leaky_backward", lesson=LESSON, answer_name="leaky_relu_backward",
    title="leaky_relu_backward(dA, Z, alpha) -> delta = dL/dZ of a leaky-ReLU layer",
    grade=_grade_leaky,
    answer_kinds="function of (dA, Z, alpha)",
    mistakes={**_meanings(LEAKY), "alpha-hard-coded": "a fixed slope (0.01, say) on the "
                                                      "negative side instead of alpha"},
    hints=("The leaky ReLU is z for z > 0 and alpha·z otherwise. Differentiate each piece.",
           "The slope is an array with Z's shape holding 1 on one side and alpha on the other.",
           "np.where(condition, value_if_true, value_if_false) builds such an array in one line."),
))
