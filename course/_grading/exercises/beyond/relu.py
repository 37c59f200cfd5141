"""Lesson 09, exercises 3 and 4: the ReLU's and the leaky ReLU's backward pass.

``relu_backward(dA, Z) -> delta = dA ⊙ [Z > 0]`` and
``leaky_relu_backward(dA, Z, alpha) -> delta = dA ⊙ (1 where Z > 0, else alpha)``.

A mask taken from ``A > 0`` instead of ``Z > 0`` gives the same numbers for both (A and Z
have the same sign when alpha > 0), so it is accepted; the lesson says where it is not
equal. The mistakes are generated from the references as programs (``RELU_PROGRAM``,
``LEAKY_PROGRAM`` in :mod:`.reference`), alone and in pairs: the mask missing or inverted,
the mask alone (dA dropped), ``Z``'s or ``A``'s values instead of the 0/1 mask, the ReLU's
mask reused for the leaky ReLU (alpha lost), alpha on the wrong side, the mask taken from
``dA``. Hand-written, not edits of the program: alpha added everywhere, alpha·Z as the slope;
a probe names a hard-coded alpha.
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
from course._grading.arrays.edits import generated_meanings
from course._grading.exercises.beyond.reference import (
    LEAKY_PROGRAM,
    LESSON,
    RELU_PROGRAM,
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
    make_cases=lambda opts: _cases(opts, leaky=False), program=RELU_PROGRAM,
    mistake_hints=dict.fromkeys(("times-Z", "times-A", "no-mask", "mask-inverted", "mask-only"),
                                _MASK_HINT),
)

LEAKY = ArraySpec(
    exercise_id="relu.leaky_backward", signature="leaky_relu_backward(dA, Z, alpha)",
    outputs=_OUT, make_cases=lambda opts: _cases(opts, leaky=True), program=LEAKY_PROGRAM,
    mistake_hints={"relu-mask": "Where Z ≤ 0 the leaky ReLU is alpha·z — what is its slope "
                                "there?"},
    mistakes=(      # not edits of the program: their words beat "two slips"
        ArrayMistake("alpha-added", "dA ⊙ ([Z > 0] + alpha): alpha added everywhere",
                     _d(lambda dA, Z, a: dA * ((Z > 0) + a)),
                     "you added alpha to the mask everywhere, so the positive side gets "
                     "1 + alpha. The slope is 1 or alpha, one or the other: np.where(Z > 0, 1, "
                     "alpha)."),
        ArrayMistake("alpha-times-Z", "dA ⊙ (1 where Z > 0, else alpha·Z): the value alpha·z "
                                      "used as the slope",
                     _d(lambda dA, Z, a: dA * np.where(Z > 0, 1.0, a * Z)),
                     "on the negative side you multiplied by alpha·Z — the leaky ReLU's *value* "
                     "there. Its slope is alpha alone (the derivative of alpha·z is alpha), so "
                     "delta = dA * alpha where Z ≤ 0: np.where(Z > 0, 1, alpha)."),
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
    return {**generated_meanings(spec.program), **{m.id: m.meaning for m in spec.mistakes},
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
