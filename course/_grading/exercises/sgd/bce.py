"""Lesson 07, exercise 1: ``bce_grad(A, y) -> dL/dA`` of the binary cross-entropy.

``L = -(1/m) Σ_k Σ_i [y log A + (1 − y) log(1 − A)]`` (``course.nn.losses.bce``), so
``dL/dA = (A − y) / (A (1 − A)) / m``, shape of ``A``. An array exercise
(``course._grading.arrays``): shapes with m ≠ n_out, named mistakes below.
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
from course._grading.arrays.program import C, Program, V, div, mul, sub
from course._grading.exercises.sgd.reference import bce_grad
from course._grading.registry import Exercise, register

__all__ = ["BCE_GRAD", "BCE_PROGRAM"]

LESSON = "07_training_with_sgd"
_SHAPES = ((6, 1), (5, 3), (8, 2), (7, 1))


def _cases(opts):
    rng = np.random.default_rng(opts.seed)
    cases = []
    for m, n_out in _SHAPES:
        A = rng.uniform(0.05, 0.95, (m, n_out))
        y = rng.integers(0, 2, (m, n_out)).astype(float)
        cases.append(ArrayCase({"A": A, "y": y}, {"m": m, "n_out": n_out},
                               {"dL/dA": bce_grad(A, y)}, {"A": A, "y": y, "m": m}))
    return cases


def _v(fn):
    return lambda case: {"dL/dA": fn(case.extra["A"], case.extra["y"], case.extra["m"])}


#: the reference as a program: dL/dA = (A − y) / (A (1 − A)) / m
BCE_PROGRAM = Program(
    steps=(("dL/dA", div(div(sub(V("A"), V("y")), mul(V("A"), sub(C(1), V("A")))),
                         V("m"))),),                                   # (m, n_out)
    outputs={"dL/dA": "dL/dA"}, inputs=("A", "y"),
    roles={"A": "the output activation", "y": "the targets"})

BCE_GRAD = ArraySpec(
    exercise_id="sgd.bce_grad", signature="bce_grad(A, y)",
    outputs=(OutputSpec("dL/dA", ("m", "n_out"),
                        "each entry is dL/dA[k, i], so the gradient has A's shape"),),
    make_cases=_cases, program=BCE_PROGRAM,
    mistakes=(
        ArrayMistake("dL-dz", "(A − y)/m: the gradient with respect to Z, not A",
                     _v(lambda A, y, m: (A - y) / m),
                     "(A − y)/m is ∂L/∂Z, the gradient after going through the sigmoid "
                     "(where a factor A(1 − A) cancels). bce_grad is one step earlier, ∂L/∂A, "
                     "before that cancellation: put the two terms of the derivative over their "
                     "common denominator and keep it."),
        ArrayMistake("second-term-sign", "−(y/A + (1 − y)/(1 − A))/m",
                     _v(lambda A, y, m: -(y / A + (1 - y) / (1 - A)) / m),
                     "the second term has the wrong sign: log(1 − A) has an inner derivative, "
                     "d(1 − A)/dA = −1."),
        ArrayMistake("only-first-term", "−y/(A m): the (1 − y) log(1 − A) term dropped",
                     _v(lambda A, y, m: -y / A / m),
                     "only the y·log a term is there; the examples with y = 0 contribute "
                     "through (1 − y)·log(1 − A), whose derivative is −(1 − y)/(1 − A)."),
        ArrayMistake("loss-not-gradient", "the loss terms instead of their derivative",
                     _v(lambda A, y, m: -(y * np.log(A) + (1 - y) * np.log(1 - A)) / m),
                     "these are the loss terms −[y log A + (1 − y) log(1 − A)]/m, not their "
                     "derivative with respect to A."),
        ArrayMistake("mean-over-all-entries", "divided by m·n_out (np.mean over every entry)",
                     _v(lambda A, y, m: bce_grad(A, y) / A.shape[1]),
                     "the cases with several outputs are n_out times too small: the loss is a "
                     "mean over the m examples (rows) and a sum over the outputs, so divide by "
                     "m = A.shape[0], not by A.size."),
    ),
)

register(Exercise(
    forbidden=("course.nn.losses.bce_grad",),
    reference=bce_grad,
    id="sgd.bce_grad", lesson=LESSON, answer_name="bce_grad",
    title="bce_grad(A, y): dL/dA of the binary cross-entropy, a mean over the batch",
    grade=lambda answer, opts: grade_arrays(BCE_GRAD, answer, opts),
    answer_kinds="function of (A, y)",
    reveal=r"$\frac{\partial}{\partial A}\bigl[y\log A + (1-y)\log(1-A)\bigr] = \frac{y}{A} "
           r"- \frac{1-y}{1-A} = \frac{y - A}{A(1-A)}$; with the minus sign and the mean over "
           r"the $m$ rows, $\frac{\partial L}{\partial A} = \frac{1}{m}\,\frac{A - y}{A(1-A)}$ "
           r"— in code `(A - y) / (A * (1 - A)) / A.shape[0]`.",
    mistakes={**generated_meanings(BCE_PROGRAM), **{m.id: m.meaning for m in BCE_GRAD.mistakes},
              **{k: GENERIC_MISTAKES[k] for k in ("missing-1/m", "sign", "wrong-shape",
                                                  "mutates-input")}},
    hints=("Differentiate one entry's term y log A + (1 − y) log(1 − A) with respect to A; "
           "log(1 − A) has an inner derivative.",
           "L has a minus sign in front and a 1/m, where m is the number of rows (the outputs "
           "of one example are summed, not averaged).",
           "Put the two fractions over the common denominator A(1 − A): with the leading minus "
           "sign the numerator becomes output minus target. Then divide by the number of rows."),
))
