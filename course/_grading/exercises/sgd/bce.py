"""Lesson 07, exercise 1: ``bce_grad(a, y) -> dL/da`` of the binary cross-entropy.

``L = -(1/m) Σ_k Σ_i [y log a + (1 − y) log(1 − a)]`` (``course.nn.losses.bce``), so
``dL/da = (a − y) / (a (1 − a)) / m``, shape of ``a``. An array exercise
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
        a = rng.uniform(0.05, 0.95, (m, n_out))
        y = rng.integers(0, 2, (m, n_out)).astype(float)
        cases.append(ArrayCase({"a": a, "y": y}, {"m": m, "n_out": n_out},
                               {"dL/da": bce_grad(a, y)}, {"a": a, "y": y, "m": m}))
    return cases


def _v(fn):
    return lambda case: {"dL/da": fn(case.extra["a"], case.extra["y"], case.extra["m"])}


#: the reference as a program: dL/da = (a − y) / (a (1 − a)) / m
BCE_PROGRAM = Program(
    steps=(("dL/da", div(div(sub(V("a"), V("y")), mul(V("a"), sub(C(1), V("a")))),
                         V("m"))),),                                   # (m, n_out)
    outputs={"dL/da": "dL/da"}, inputs=("a", "y"),
    roles={"a": "the output activation", "y": "the targets"})

BCE_GRAD = ArraySpec(
    exercise_id="sgd.bce_grad", signature="bce_grad(a, y)",
    outputs=(OutputSpec("dL/da", ("m", "n_out"),
                        "each entry is dL/da[k, i], so the gradient has a's shape"),),
    make_cases=_cases, program=BCE_PROGRAM,
    mistakes=(
        ArrayMistake("dL-dz", "(a − y)/m: the gradient with respect to z, not a",
                     _v(lambda a, y, m: (a - y) / m),
                     "(a − y)/m is ∂L/∂z, the gradient after going through the sigmoid "
                     "(where a factor a(1 − a) cancels). bce_grad is one step earlier, ∂L/∂a, "
                     "before that cancellation: put the two terms of the derivative over their "
                     "common denominator and keep it."),
        ArrayMistake("second-term-sign", "−(y/a + (1 − y)/(1 − a))/m",
                     _v(lambda a, y, m: -(y / a + (1 - y) / (1 - a)) / m),
                     "the second term has the wrong sign: log(1 − a) has an inner derivative, "
                     "d(1 − a)/da = −1."),
        ArrayMistake("only-first-term", "−y/(a m): the (1 − y) log(1 − a) term dropped",
                     _v(lambda a, y, m: -y / a / m),
                     "only the y·log a term is there; the examples with y = 0 contribute "
                     "through (1 − y)·log(1 − a), whose derivative is −(1 − y)/(1 − a)."),
        ArrayMistake("loss-not-gradient", "the loss terms instead of their derivative",
                     _v(lambda a, y, m: -(y * np.log(a) + (1 - y) * np.log(1 - a)) / m),
                     "these are the loss terms −[y log a + (1 − y) log(1 − a)]/m, not their "
                     "derivative with respect to a."),
        ArrayMistake("mean-over-all-entries", "divided by m·n_out (np.mean over every entry)",
                     _v(lambda a, y, m: bce_grad(a, y) / a.shape[1]),
                     "the cases with several outputs are n_out times too small: the loss is a "
                     "mean over the m examples (rows) and a sum over the outputs, so divide by "
                     "m = a.shape[0], not by a.size."),
    ),
)

register(Exercise(
    forbidden=("course.nn.losses.bce_grad",),
    reference=bce_grad,
    id="sgd.bce_grad", lesson=LESSON, answer_name="bce_grad",
    title="bce_grad(a, y): dL/da of the binary cross-entropy, a mean over the batch",
    grade=lambda answer, opts: grade_arrays(BCE_GRAD, answer, opts),
    answer_kinds="function of (a, y)",
    reveal=r"$\frac{\partial}{\partial a}\bigl[y\log a + (1-y)\log(1-a)\bigr] = \frac{y}{a} "
           r"- \frac{1-y}{1-a} = \frac{y - a}{a(1-a)}$; with the minus sign and the mean over "
           r"the $m$ rows, $\frac{\partial L}{\partial a} = \frac{1}{m}\,\frac{a - y}{a(1-a)}$ "
           r"— in code `(a - y) / (a * (1 - a)) / a.shape[0]`.",
    mistakes={**generated_meanings(BCE_PROGRAM), **{m.id: m.meaning for m in BCE_GRAD.mistakes},
              **{k: GENERIC_MISTAKES[k] for k in ("missing-1/m", "sign", "wrong-shape",
                                                  "mutates-input")}},
    hints=("Differentiate one entry's term y log a + (1 − y) log(1 − a) with respect to a; "
           "log(1 − a) has an inner derivative.",
           "L has a minus sign in front and a 1/m, where m is the number of rows (the outputs "
           "of one example are summed, not averaged).",
           "Put the two fractions over the common denominator a(1 − a): with the leading minus "
           "sign the numerator becomes output minus target. Then divide by the number of rows."),
))
