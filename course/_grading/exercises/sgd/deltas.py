"""Lesson 07: ``output_deltas(z, y) -> (delta_ce, delta_se)``, the output delta δ = dL/dz of
a sigmoid output under the cross-entropy and under the squared error, side by side.

With ``a = s(z)`` and both losses means over the m rows (``course.nn.losses``)::

    delta_ce = (a - y) / m                      # (m, n_out)  (a−y)/(a(1−a))/m · a(1−a)
    delta_se = (a - y) * sigmoid_prime(z) / m   # (m, n_out)  (a−y)/m · s′(z)

The mistakes are generated from this program (``course._grading.arrays.edits``); the
real ones this exercise exists for: an extra s′(z) on the cross-entropy delta (that is the
squared-error delta: the squared-error gradient used with the log-loss), the cross-entropy
shortcut used for the squared error (s′ missing), and stopping at dL/da.
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
)
from course._grading.arrays.edits import generated_meanings
from course._grading.arrays.program import Program, V, div, mul, sp, sub
from course._grading.registry import Exercise, register
from course.nn.activations import sigmoid, sigmoid_prime

__all__ = ["OUTPUT_DELTAS", "DELTAS_PROGRAM", "output_deltas"]

LESSON = "07_training_with_sgd"
_SHAPES = ((6, 1), (5, 3), (8, 2), (7, 1))


def output_deltas(z, y):
    """``(delta_ce, delta_se)``: dL/dz of a sigmoid output under each loss, means over the rows."""
    a = sigmoid(z)                                   # (m, n_out)
    m = z.shape[0]
    return (a - y) / m, (a - y) * sigmoid_prime(z) / m


DELTAS_PROGRAM = Program(
    steps=(("delta_ce", div(sub(V("a"), V("y")), V("m"))),                     # (m, n_out)
           ("delta_se", div(mul(sub(V("a"), V("y")), sp(V("z"))), V("m")))),  # (m, n_out)
    outputs={"delta_ce": "delta_ce", "delta_se": "delta_se"}, inputs=("z", "y"),
    derived={"a": (lambda env: sigmoid(env["z"]), "sigmoid(z)")},
    roles={"z": "the output's pre-activation", "y": "the targets",
           "a": "the output sigmoid(z)"},
    notes={"extra-s-prime": (
        "Under the cross-entropy that factor is one too many: (a − y)·s′(z)/m is the "
        "squared-error delta — the squared-error gradient (a − y)/m used with the log-loss. "
        "Multiply your bce_grad by s′(z) = a(1 − a) and simplify: what cancels?"),
        "missing-s-prime": (
        "(a − y)/m is the cross-entropy's shortcut; the squared error's ∂L/∂a has no a(1 − a) "
        "to cancel, so the chain rule's s′(z) stays.")},
)


def _cases(opts):
    rng = np.random.default_rng(opts.seed)
    cases = []
    for m, n_out in _SHAPES:
        z = rng.normal(0, 2, (m, n_out))
        y = rng.integers(0, 2, (m, n_out)).astype(float)
        ce, se = output_deltas(z, y)
        cases.append(ArrayCase({"z": z, "y": y}, {"m": m, "n_out": n_out},
                               {"delta_ce": ce, "delta_se": se}, {"z": z, "y": y}))
    return cases


def _swapped(case):
    ce, se = output_deltas(**case.extra)
    return {"delta_ce": se, "delta_se": ce}


def _stopped(case):
    z, y = case.extra["z"], case.extra["y"]
    a = sigmoid(z)
    return {"delta_ce": (a - y) / (a * (1 - a)) / len(z)}


_WHY = "one entry per example and output: dL/dz has z's shape"
OUTPUT_DELTAS = ArraySpec(
    exercise_id="sgd.output_deltas", signature="output_deltas(z, y)",
    outputs=(OutputSpec("delta_ce", ("m", "n_out"), _WHY),
             OutputSpec("delta_se", ("m", "n_out"), _WHY)),
    make_cases=_cases, program=DELTAS_PROGRAM,
    mistakes=(
        ArrayMistake("swapped-outputs", "returns (delta_se, delta_ce)", _swapped,
                     "the two deltas are swapped: return (delta_ce, delta_se) — the "
                     "cross-entropy's first. Under the cross-entropy the s′(z) cancels; under "
                     "the squared error it stays."),
        ArrayMistake("stopped-at-dL-da", "delta_ce equals the cross-entropy's ∂L/∂a "
                     "(an a(1 − a) still in the denominator)",
                     _stopped,
                     "your delta_ce equals (a − y)/(a(1 − a))/m, the cross-entropy's ∂L/∂a: "
                     "the a(1 − a) that the chain rule's s′(z) cancels is still in the "
                     "denominator. Either the chain rule stopped at ∂L/∂a (no factor s′(z)), "
                     "or ∂L/∂a was divided by a(1 − a) once too often before multiplying by "
                     "s′(z) — does your bce_grad pass its check?"),
    ),
    mistake_hints={
        "extra-s-prime": "Multiply out ∂L/∂a · s′(z) for the cross-entropy, with ∂L/∂a from "
                         "exercise 1. What is left?",
        "missing-s-prime": "The squared error's ∂L/∂a has no a(1 − a) to cancel: "
                           "∂L/∂z = ∂L/∂a · s′(z).",
    },
)

register(Exercise(
    forbidden=("course.nn.mlp.MLP.backward", "course.nn.mlp.MLP.loss_and_grads"),
    reference=output_deltas,
    id="sgd.output_deltas", lesson=LESSON, answer_name="output_deltas",
    title="output_deltas(z, y) -> (delta_ce, delta_se): dL/dz of a sigmoid output, both losses",
    grade=lambda answer, opts: grade_arrays(OUTPUT_DELTAS, answer, opts),
    answer_kinds="function of (z, y)",
    reveal=r"With $a = s(z)$ and $s'(z) = a(1-a)$: cross-entropy "
           r"$\delta_{ce} = \frac{1}{m}\frac{a-y}{a(1-a)} \cdot a(1-a) = \frac{a-y}{m}$ — the "
           r"$a(1-a)$ cancels; squared error $\delta_{se} = \frac{a-y}{m}\, a(1-a)$ — nothing "
           r"cancels. In code `delta_ce = (a - y) / m`, `delta_se = (a - y) * a * (1 - a) / m`.",
    mistakes={**generated_meanings(DELTAS_PROGRAM),
              **{m.id: m.meaning for m in OUTPUT_DELTAS.mistakes},
              **{k: GENERIC_MISTAKES[k] for k in ("missing-1/m", "sign", "wrong-shape",
                                                  "mutates-input", "shape-error")}},
    hints=("Chain rule: ∂L/∂z = ∂L/∂a · da/dz, and da/dz = s′(z) = a(1 − a), entry by entry.",
           "Take each loss's ∂L/∂a — the squared error's from the table, the cross-entropy's "
           "from your exercise 1 — and multiply by a(1 − a). For one of them a factor "
           "cancels.",
           "Compute a from z first and m from the number of rows; the cross-entropy delta is "
           "the plain difference over m, the squared-error one keeps the sigmoid's slope."),
))
