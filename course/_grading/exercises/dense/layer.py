"""Lesson 06, exercises 1 and 2: ``dense_forward`` and ``dense_backward`` of a sigmoid layer."""

from __future__ import annotations

import numpy as np

from course._grading.arrays import (
    GENERIC_MISTAKES,
    ArrayMistake,
    ArraySpec,
    OutputSpec,
    grade_arrays,
)
from course._grading.arrays.edits import generated_meanings
from course._grading.exercises.dense.reference import (
    BACKWARD_PROGRAM,
    FORWARD_PROGRAM,
    LESSON,
    SHAPE_IDS,
    dense_backward,
    dense_forward,
    layer_cases,
    meanings,
)
from course._grading.registry import Exercise, register
from course.nn.activations import sigmoid, sigmoid_prime

#: the library's own backward passes (an answer may not hand them in)
_MLP_GRADIENTS = ("course.nn.mlp.MLP.backward", "course.nn.mlp.MLP.loss_and_grads")

__all__ = ["FORWARD", "BACKWARD"]


# --- dense.forward -------------------------------------------------------------------------------

def _f(fn):
    """A forward variant: ``fn(A_prev, W, b) -> {"Z": ..., "A": ...}`` on a case."""
    return lambda case: fn(**case.extra)


_ROWS = "one row per example, one column per unit of the layer"
FORWARD = ArraySpec(
    exercise_id="dense.forward", signature="dense_forward(A_prev, W, b)",
    program=FORWARD_PROGRAM,
    outputs=(OutputSpec("Z", ("m", "n_out"), _ROWS,
                        "Which product of A_prev (m, n_in) and W (n_in, n_out) gives "
                        "(m, n_out)? The inner sizes must agree."),
             OutputSpec("A", ("m", "n_out"), f"A = s(Z) is elementwise: {_ROWS}")),
    make_cases=lambda opts: layer_cases(opts, with_dA=False),
    mistake_hints=dict.fromkeys(SHAPE_IDS, "Write the shapes under each factor: a matrix "
                                "product (a, b) @ (b, c) gives (a, c), the inner sizes must "
                                "agree. Which order of A_prev and W gives (m, n_out)?"),
    mistakes=(
        ArrayMistake("swapped-outputs", "returns (A, Z) instead of (Z, A)",
                     _f(lambda A_prev, W, b: {"Z": dense_forward(A_prev, W, b)[1],
                                              "A": dense_forward(A_prev, W, b)[0]}),
                     "you returned (A, Z); return them in the order (Z, A)."),
        ArrayMistake("bias-after-activation", "A = s(A_prev @ W) + b",
                     _f(lambda A_prev, W, b: {"Z": A_prev @ W, "A": sigmoid(A_prev @ W) + b}),
                     "you added b after the sigmoid; the bias is part of the "
                     "pre-activation Z, so it goes in before the sigmoid is applied."),
        ArrayMistake("missing-bias", "Z = A_prev @ W without + b",
                     _f(lambda A_prev, W, b: {"Z": A_prev @ W, "A": sigmoid(A_prev @ W)}),
                     "the bias is missing from Z: b has shape (1, n_out), one bias per unit, "
                     "and numpy broadcasts it over the m rows."),
        ArrayMistake("no-activation", "A = Z",
                     _f(lambda A_prev, W, b: {"A": A_prev @ W + b}),
                     "A equals Z: the activation is missing — A is the sigmoid of Z."),
        ArrayMistake("wrong-activation", "tanh or ReLU instead of the sigmoid",
                     _f(lambda A_prev, W, b: {"A": np.tanh(A_prev @ W + b)}),
                     "A is tanh(Z); this lesson's layers use the sigmoid s(Z) = 1/(1 + e^(−Z))."),
        ArrayMistake("wrong-activation", "tanh or ReLU instead of the sigmoid",
                     _f(lambda A_prev, W, b: {"A": np.maximum(A_prev @ W + b, 0)}),
                     "A is ReLU(Z); this lesson's layers use the sigmoid s(Z) = 1/(1 + e^(−Z))."),
        ArrayMistake("sigmoid-sign", "A = 1/(1 + e^(+Z)): the minus sign in the exponent dropped",
                     _f(lambda A_prev, W, b: {"A": sigmoid(-(A_prev @ W + b))}),
                     "A is 1/(1 + e^(+Z)) = s(−Z) = 1 − s(Z): the exponent lost its minus sign "
                     "(or use the imported sigmoid)."),
    ),
)


# --- dense.backward ------------------------------------------------------------------------------

def _b(delta_of=None, **override):
    """A backward variant: a mistaken delta (all three outputs follow) and/or single outputs."""
    def outputs(case):
        e = case.extra
        out = {}
        if delta_of is not None:
            delta = delta_of(e)
            out = {"dW": e["A_prev"].T @ delta, "db": delta.sum(axis=0, keepdims=True),
                   "dA_prev": delta @ e["W"].T}
        delta = e["dA"] * sigmoid_prime(e["Z"])
        out.update({k: f(e, delta) for k, f in override.items()})
        return out
    return outputs


_AXIS0 = ("b is shared by all m examples, so db adds up their contributions over the batch, "
          "the examples' axis, and keeps b's row shape (1, n_out)")
BACKWARD = ArraySpec(
    exercise_id="dense.backward", signature="dense_backward(dA, A_prev, W, Z)",
    program=BACKWARD_PROGRAM,
    outputs=(
        OutputSpec("dW", ("n_in", "n_out"),
                   "each entry dW[j, i] is ∂L/∂W[j, i] (the weight from input j to unit i), "
                   "so dW has W's shape",
                   "dW pairs A_prev (m, n_in) with delta (m, n_out) so that the batch axis m "
                   "is the one summed over: which of the two needs the transpose?"),
        OutputSpec("db", ("1", "n_out"), "each entry db[0, i] is ∂L/∂b[0, i], so db has b's "
                   "shape"),
        OutputSpec("dA_prev", ("m", "n_in"),
                   "each entry dA_prev[k, j] is ∂L/∂A_prev[k, j], so dA_prev has A_prev's "
                   "shape",
                   "dA_prev pairs delta (m, n_out) with W (n_in, n_out): the unit axis n_out "
                   "is summed over."),
    ),
    make_cases=lambda opts: layer_cases(opts, with_dA=True),
    mistake_hints={
        **dict.fromkeys(SHAPE_IDS, "Let the shapes decide: dW must be (n_in, n_out) from A_prev "
                        "(m, n_in) and delta (m, n_out), so the batch axis m must be the inner "
                        "one of the product. db keeps b's shape (1, n_out)."),
        **dict.fromkeys(("extra-1/m", "missing-1/m", "bias-mean"),
                        "dA arrives from a mean loss and already carries the 1/m: dW and db "
                        "only add up the examples' contributions, no further division."),
        **dict.fromkeys(("bias-wrong-axis", "bias-not-summed"),
                        "b is one row (1, n_out) shared by every example: add up delta over the "
                        "examples, axis 0, and keep the row shape with keepdims=True."),
    },
    mistakes=(
        ArrayMistake("missing-s-prime", "delta = dA, without ⊙ s'(Z)", _b(lambda e: e["dA"]),
                     "the factor s'(Z) is missing: delta = dA ⊙ s'(Z) (elementwise), because "
                     "A = s(Z) — then dW, db and dA_prev all use delta."),
        ArrayMistake("s-prime-formula-on-Z", "dA ⊙ Z(1 − Z) instead of dA ⊙ s(Z)(1 − s(Z))",
                     _b(lambda e: e["dA"] * e["Z"] * (1 - e["Z"])),
                     "you multiplied by Z(1 − Z): the formula s' = s(1 − s) needs the sigmoid's "
                     "output s(Z), not Z (or use the imported sigmoid_prime)."),
        ArrayMistake("extra-1/m", "dW and db divided by m",
                     _b(dW=lambda e, delta: e["A_prev"].T @ delta / e["m"],
                        db=lambda e, delta: delta.sum(axis=0, keepdims=True) / e["m"]),
                     "dW and db are exactly 1/m of the expected values: you divided by m, "
                     "but dA is dL/dA of the mean loss and already carries the 1/m. BP3 and "
                     "BP4 only add up the m examples' contributions."),
        ArrayMistake("bias-mean", "db = mean of delta over the batch",
                     _b(db=lambda e, delta: delta.mean(axis=0, keepdims=True)),
                     f"db is the mean of delta over the batch, 1/m of the expected value; {_AXIS0} "
                     "(dA already carries the 1/m)."),
        ArrayMistake("bias-wrong-axis", "db summed over axis 1 (the units)",
                     _b(db=lambda e, delta: delta.sum(axis=1, keepdims=True)),
                     f"db sums delta over axis 1, the units: one number per example, shape "
                     f"(m, 1). {_AXIS0}."),
        ArrayMistake("bias-wrong-axis", "db summed over axis 1 (the units)",
                     _b(db=lambda e, delta: delta.sum(axis=1)),
                     f"db sums delta over axis 1, the units: one number per example, shape "
                     f"(m,). {_AXIS0}."),
        ArrayMistake("bias-wrong-axis", "db summed over both axes",
                     _b(db=lambda e, delta: np.sum(delta)),
                     f"db sums delta over everything: one number. {_AXIS0}."),
        ArrayMistake("bias-not-summed", "db = delta, one row per example",
                     _b(db=lambda e, delta: delta),
                     f"db is delta itself, one row per example, shape (m, n_out). {_AXIS0}."),
    ),
)


register(Exercise(
    forbidden=_MLP_GRADIENTS,
    reference=dense_forward,
    id="dense.forward", lesson=LESSON, answer_name="dense_forward",
    title="dense_forward(A_prev, W, b) -> (Z, A): a sigmoid layer on a batch",
    grade=lambda answer, opts: grade_arrays(FORWARD, answer, opts),
    answer_kinds="function of (A_prev, W, b)",
    mistakes={**generated_meanings(FORWARD_PROGRAM), **meanings(FORWARD)},
    hints=("A_prev has one example per row, (m, n_in); W is (n_in, n_out). Which product "
           "gives (m, n_out)?",
           "Entry by entry, Z[k, i] is the weighted sum of example k's inputs into unit i, plus "
           "unit i's bias — for every example and unit at once that is one matrix product and "
           "a broadcast bias row.",
           "One matrix product turns (m, n_in) and (n_in, n_out) into (m, n_out); add the bias "
           "row; the activation is the sigmoid of that. Return both, the pre-activation first."),
))

register(Exercise(
    forbidden=_MLP_GRADIENTS,
    reference=dense_backward,
    id="dense.backward", lesson=LESSON, answer_name="dense_backward",
    reveal=r"$\delta = dA \odot s'(Z)$ (BP1/BP2), $dW = A_{\text{prev}}^{\mathsf T}\,\delta$ "
           r"(BP4), $db = \sum_{\text{rows}} \delta$ (BP3), "
           r"$dA_{\text{prev}} = \delta\,W^{\mathsf T}$ — in code `delta = dA * "
           r"sigmoid_prime(Z)`, `dW = A_prev.T @ delta`, `db = delta.sum(axis=0, "
           r"keepdims=True)`, `dA_prev = delta @ W.T`. Each gradient has its variable's shape, "
           r"which is enough to rebuild the formulas.",
    title="dense_backward(dA, A_prev, W, Z) -> (dW, db, dA_prev): BP1-BP4 on a batch",
    grade=lambda answer, opts: grade_arrays(BACKWARD, answer, opts),
    answer_kinds="function of (dA, A_prev, W, Z)",
    mistakes={**generated_meanings(BACKWARD_PROGRAM), **meanings(BACKWARD),
              "extra-1/m": GENERIC_MISTAKES["extra-1/m"]},
    hints=("Go backwards one step at a time. First through the sigmoid: δ = ∂L/∂Z is dA "
           "times the sigmoid's slope at Z, entry by entry, shape (m, n_out) — name it delta.",
           "Let the shapes decide: dW must be (n_in, n_out) from A_prev (m, n_in) and delta "
           "(m, n_out); dA_prev must be (m, n_in) from delta and W (n_in, n_out). db has b's "
           "shape (1, n_out).",
           "Each gradient is one product with delta whose order and transposes the shapes "
           "force (A_prev's transpose for dW, W's for dA_prev); the batch axis m is the one "
           "summed away. db adds delta up over the batch axis and keeps a (1, n_out) row."),
))

