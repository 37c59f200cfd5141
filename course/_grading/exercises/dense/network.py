"""Lesson 06, exercise 3: ``mlp_backward``, all four gradients of a 2-layer sigmoid net."""

from __future__ import annotations

from course._grading.arrays import (
    GENERIC_MISTAKES,
    ArrayMistake,
    ArraySpec,
    OutputSpec,
    grade_arrays,
)
from course._grading.arrays.edits import generated_meanings
from course._grading.exercises.dense.reference import (
    LESSON,
    MLP_PROGRAM,
    SHAPE_IDS,
    dense_forward,
    meanings,
    mlp_backward,
    net_cases,
)
from course._grading.registry import Exercise, register
from course.nn.activations import sigmoid_prime

__all__ = ["MLP_BACKWARD"]


# --- dense.mlp_backward -------------------------------------------------------------------------

def _net_variant(dA2=None, s2=None, s1=None, db=None):
    """``mlp_backward`` with a mistaken dL/dA2, output slope, hidden slope or bias sum."""
    def outputs(case):
        e = case.extra
        m = e["X"].shape[0]
        Z1, A1 = dense_forward(e["X"], e["W1"], e["b1"])
        Z2, A2 = dense_forward(A1, e["W2"], e["b2"])
        g2 = (A2 - e["y"]) / m if dA2 is None else dA2(A2, e["y"], m)
        d2 = g2 * (sigmoid_prime(Z2) if s2 is None else s2(Z2, A2))
        d1 = (d2 @ e["W2"].T) * (sigmoid_prime(Z1) if s1 is None else s1(Z1, A1))
        bias = db or (lambda d: d.sum(axis=0, keepdims=True))
        return {"W1": e["X"].T @ d1, "b1": bias(d1), "W2": A1.T @ d2, "b2": bias(d2)}
    return outputs


_ONE = lambda Z, A: 1.0                                           # noqa: E731
_AT_A = lambda Z, A: sigmoid_prime(A)                             # noqa: E731
_NET_BIAS = "each bias is shared by the m examples: db = delta.sum(axis=0, keepdims=True)"
MLP_BACKWARD = ArraySpec(
    exercise_id="dense.mlp_backward", signature="mlp_backward(X, y, W1, b1, W2, b2)",
    program=MLP_PROGRAM,
    returns="dict", aliases={"dW1": "W1", "db1": "b1", "dW2": "W2", "db2": "b2"},
    outputs=(
        OutputSpec("W1", ("n_in", "n_hidden"), "each entry is dL/dW1[i, j], so dW1 has W1's shape",
                   "dW1 = X.T @ delta1.", label="dW1"),
        OutputSpec("b1", ("1", "n_hidden"), "each entry is dL/db1[0, i], so db1 has b1's shape",
                   label="db1"),
        OutputSpec("W2", ("n_hidden", "n_out"), "each entry is dL/dW2[i, j], so dW2 has W2's shape",
                   "dW2 = A1.T @ delta2.", label="dW2"),
        OutputSpec("b2", ("1", "n_out"), "each entry is dL/db2[0, i], so db2 has b2's shape",
                   label="db2"),
    ),
    make_cases=net_cases,
    mistake_hints=dict.fromkeys(SHAPE_IDS, "Each gradient has its parameter's shape: dW1 like "
                                "W1, db1 like b1 (1, n_hidden). dW = A_prev.T @ delta, "
                                "db = delta.sum(axis=0, keepdims=True)."),
    mistakes=(
        ArrayMistake("missing-1/m", "dL/dA2 = A2 − y, without 1/m",
                     _net_variant(dA2=lambda A2, y, m: A2 - y),
                     "every gradient is exactly m times too large: the loss is the mean of "
                     "½‖A2 − y‖² over the m examples, so dL/dA2 = (A2 − y)/m."),
        ArrayMistake("mean-over-all-entries", "dL/dA2 = (A2 − y)/(m·n_out) (a mean over every "
                     "entry)", _net_variant(dA2=lambda A2, y, m: (A2 - y) / A2.size),
                     "with several outputs every gradient is n_out times too small: you divided "
                     "by m·n_out = A2.size (the np.mean of every entry), but the loss is a mean "
                     "over the m examples of ½‖A2 − y‖², a *sum* over the outputs: "
                     "dL/dA2 = (A2 − y)/m with m = X.shape[0]."),
        ArrayMistake("factor-2", "dL/dA2 = 2(A2 − y)/m",
                     _net_variant(dA2=lambda A2, y, m: 2 * (A2 - y) / m),
                     "every gradient is exactly 2× too large: the loss has a ½ in front, "
                     "which cancels the 2 of the square: dL/dA2 = (A2 − y)/m."),
        ArrayMistake("sign", "dL/dA2 = (y − A2)/m",
                     _net_variant(dA2=lambda A2, y, m: (y - A2) / m),
                     "every gradient has the wrong sign: dL/dA2 = (A2 − y)/m, output minus "
                     "target."),
        ArrayMistake("output-missing-s-prime", "delta2 = dA2 (no s'(Z2))", _net_variant(s2=_ONE),
                     "delta2 is missing s'(Z2): delta2 = dA2 ⊙ s'(Z2). (The shortcut "
                     "delta2 = (A2 − y)/m holds for the cross-entropy loss, not for this one.)"),
        ArrayMistake("output-s-prime-of-activation", "s'(A2) instead of s'(Z2)",
                     _net_variant(s2=_AT_A),
                     "delta2 uses s'(A2), the slope at the activation; it is s'(Z2) = "
                     "A2(1 − A2)."),
        ArrayMistake("hidden-missing-s-prime", "delta1 = dA1 (no s'(Z1))", _net_variant(s1=_ONE),
                     "dW1 and db1 miss s'(Z1): delta1 = (delta2 @ W2.T) ⊙ s'(Z1) — the hidden "
                     "layer has a sigmoid too."),
        ArrayMistake("hidden-s-prime-of-activation", "s'(A1) instead of s'(Z1)",
                     _net_variant(s1=_AT_A),
                     "delta1 uses s'(A1), the slope at the activation; it is s'(Z1) = "
                     "A1(1 − A1)."),
        ArrayMistake("bias-wrong-axis", "a bias gradient summed over axis 1",
                     _net_variant(db=lambda d: d.sum(axis=1, keepdims=True)),
                     f"a bias gradient is summed over axis 1 (the units); {_NET_BIAS}."),
        ArrayMistake("bias-wrong-axis", "a bias gradient summed over axis 1",
                     _net_variant(db=lambda d: d.sum(axis=1)),
                     f"a bias gradient is summed over axis 1 (the units); {_NET_BIAS}."),
        ArrayMistake("bias-not-summed", "a bias gradient not summed over the batch",
                     _net_variant(db=lambda d: d),
                     f"a bias gradient is delta itself (one row per example); {_NET_BIAS}."),
    ),
)


register(Exercise(
    forbidden=("course.nn.mlp.MLP.backward", "course.nn.mlp.MLP.loss_and_grads"),
    reference=mlp_backward,
    id="dense.mlp_backward", lesson=LESSON, answer_name="mlp_backward",
    title="mlp_backward(X, y, W1, b1, W2, b2): all four gradients of a 2-layer net (MSE)",
    grade=lambda answer, opts: grade_arrays(MLP_BACKWARD, answer, opts),
    answer_kinds="function of (X, y, W1, b1, W2, b2)",
    reveal=r"$dA_2 = \partial L/\partial A_2 = (A_2 - y)/m$ — the only $\frac1m$; then "
           r"`dW2, db2, dA1 = dense_backward(dA2, A1, W2, Z2)` and `dW1, db1, _ = "
           r"dense_backward(dA1, X, W1, Z1)`: the $dA_{\text{prev}}$ of layer 2 is the $dA$ of "
           r"layer 1, so $\delta_1 = (\delta_2 W_2^{\mathsf T}) \odot s'(Z_1)$ (BP2).",
    mistakes={**generated_meanings(MLP_PROGRAM), **meanings(MLP_BACKWARD),
              "wrong-keys": GENERIC_MISTAKES["wrong-keys"]},
    hints=("Forward first, keeping Z1, A1, Z2, A2. Then dA2 = dL/dA2 of the mean loss.",
           "dA2 = (A2 - y) / m. Then dense_backward through layer 2 gives dW2, db2 and dA1; "
           "dense_backward through layer 1 gives dW1, db1.",
           "Reuse your two functions: the forward pass through both layers, then the backward pass"
           " starting from the loss gradient (A2 − y) over the batch size; dense_backward through "
           "layer 2 also returns the upstream gradient for layer 1."),
))
