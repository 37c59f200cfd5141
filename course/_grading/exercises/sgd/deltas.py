"""Lesson 07: ``output_deltas(Z, y) -> (delta_ce, delta_se)``, the output delta δ = dL/dZ of
a sigmoid output under the cross-entropy and under the squared error, side by side.

With ``A = s(Z)`` and both losses means over the m rows (``course.nn.losses``)::

    delta_ce = (A - y) / m                      # (m, n_out)  (A−y)/(A(1−A))/m · A(1−A)
    delta_se = (A - y) * sigmoid_prime(Z) / m   # (m, n_out)  (A−y)/m · s′(Z)

The mistakes are generated from this program (``course._grading.arrays.edits``); the
real ones this exercise exists for: an extra s′(Z) on the cross-entropy delta (that is the
squared-error delta: the squared-error gradient used with the log-loss), the cross-entropy
shortcut used for the squared error (s′ missing), and stopping at dL/dA.
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


def output_deltas(Z, y):
    """``(delta_ce, delta_se)``: dL/dZ of a sigmoid output under each loss, means over the rows."""
    A = sigmoid(Z)                                   # (m, n_out)
    m = Z.shape[0]
    return (A - y) / m, (A - y) * sigmoid_prime(Z) / m


DELTAS_PROGRAM = Program(
    steps=(("delta_ce", div(sub(V("A"), V("y")), V("m"))),                     # (m, n_out)
           ("delta_se", div(mul(sub(V("A"), V("y")), sp(V("Z"))), V("m")))),  # (m, n_out)
    outputs={"delta_ce": "delta_ce", "delta_se": "delta_se"}, inputs=("Z", "y"),
    derived={"A": (lambda env: sigmoid(env["Z"]), "sigmoid(Z)")},
    roles={"Z": "the output's pre-activation", "y": "the targets",
           "A": "the output sigmoid(Z)"},
    notes={"extra-s-prime": (
        "Under the cross-entropy that factor is one too many: (A − y)·s′(Z)/m is the "
        "squared-error delta — the squared-error gradient (A − y)/m used with the log-loss. "
        "Multiply your bce_grad by s′(Z) = A(1 − A) and simplify: what cancels?"),
        "missing-s-prime": (
        "(A − y)/m is the cross-entropy's shortcut; the squared error's ∂L/∂A has no A(1 − A) "
        "to cancel, so the chain rule's s′(Z) stays.")},
)


def _cases(opts):
    rng = np.random.default_rng(opts.seed)
    cases = []
    for m, n_out in _SHAPES:
        Z = rng.normal(0, 2, (m, n_out))
        y = rng.integers(0, 2, (m, n_out)).astype(float)
        ce, se = output_deltas(Z, y)
        cases.append(ArrayCase({"Z": Z, "y": y}, {"m": m, "n_out": n_out},
                               {"delta_ce": ce, "delta_se": se}, {"Z": Z, "y": y}))
    return cases


def _swapped(case):
    ce, se = output_deltas(**case.extra)
    return {"delta_ce": se, "delta_se": ce}


def _stopped(case):
    Z, y = case.extra["Z"], case.extra["y"]
    A = sigmoid(Z)
    return {"delta_ce": (A - y) / (A * (1 - A)) / len(Z)}


_WHY = "one entry per example and output: dL/dZ has Z's shape"
OUTPUT_DELTAS = ArraySpec(
    exercise_id="sgd.output_deltas", signature="output_deltas(Z, y)",
    outputs=(OutputSpec("delta_ce", ("m", "n_out"), _WHY),
             OutputSpec("delta_se", ("m", "n_out"), _WHY)),
    make_cases=_cases, program=DELTAS_PROGRAM,
    mistakes=(
        ArrayMistake("swapped-outputs", "returns (delta_se, delta_ce)", _swapped,
                     "the two deltas are swapped: return (delta_ce, delta_se) — the "
                     "cross-entropy's first. Under the cross-entropy the s′(Z) cancels; under "
                     "the squared error it stays."),
        ArrayMistake("stopped-at-dL-da", "delta_ce equals the cross-entropy's ∂L/∂A "
                     "(an A(1 − A) still in the denominator)",
                     _stopped,
                     "your delta_ce equals (A − y)/(A(1 − A))/m, the cross-entropy's ∂L/∂A: "
                     "the A(1 − A) that the chain rule's s′(Z) cancels is still in the "
                     "denominator. Either the chain rule stopped at ∂L/∂A (no factor s′(Z)), "
                     "or ∂L/∂A was divided by A(1 − A) once too often before multiplying by "
                     "s′(Z) — does your bce_grad pass its check?"),
    ),
    mistake_hints={
        "extra-s-prime": "Multiply out ∂L/∂A · s′(Z) for the cross-entropy, with ∂L/∂A from "
                         "exercise 1. What is left?",
        "missing-s-prime": "The squared error's ∂L/∂A has no A(1 − A) to cancel: "
                           "∂L/∂Z = ∂L/∂A · s′(Z).",
    },
)

register(Exercise(
    forbidden=("course.nn.mlp.MLP.backward", "course.nn.mlp.MLP.loss_and_grads"),
    reference=output_deltas,
    id="sgd.output_deltas", lesson=LESSON, answer_name="output_deltas",
    title="output_deltas(Z, y) -> (delta_ce, delta_se): dL/dZ of a sigmoid output, both losses",
    grade=lambda answer, opts: grade_arrays(OUTPUT_DELTAS, answer, opts),
    answer_kinds="function of (Z, y)",
    reveal=r"With $A = s(Z)$ and $s'(Z) = A(1-A)$: cross-entropy "
           r"$\delta_{ce} = \frac{1}{m}\frac{A-y}{A(1-A)} \cdot A(1-A) = \frac{A-y}{m}$ — the "
           r"$A(1-A)$ cancels; squared error $\delta_{se} = \frac{A-y}{m}\, A(1-A)$ — nothing "
           r"cancels. In code `delta_ce = (A - y) / m`, `delta_se = (A - y) * A * (1 - A) / m`.",
    mistakes={**generated_meanings(DELTAS_PROGRAM),
              **{m.id: m.meaning for m in OUTPUT_DELTAS.mistakes},
              **{k: GENERIC_MISTAKES[k] for k in ("missing-1/m", "sign", "wrong-shape",
                                                  "mutates-input", "shape-error")}},
    hints=("Chain rule: ∂L/∂Z = ∂L/∂A · dA/dZ, and dA/dZ = s′(Z) = A(1 − A), entry by entry.",
           "Take each loss's ∂L/∂A — the squared error's from the table, the cross-entropy's "
           "from your exercise 1 — and multiply by A(1 − A). For one of them a factor "
           "cancels.",
           "Compute A from Z first and m from the number of rows; the cross-entropy delta is "
           "the plain difference over m, the squared-error one keeps the sigmoid's slope."),
))
