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
_NET_BIAS = ("each bias is shared by the m examples: add delta up over the examples' axis and "
             "keep the bias's row shape")
MLP_BACKWARD = ArraySpec(
    exercise_id="dense.mlp_backward", signature="mlp_backward(X, y, W1, b1, W2, b2)",
    program=MLP_PROGRAM,
    returns="dict", aliases={"dW1": "W1", "db1": "b1", "dW2": "W2", "db2": "b2"},
    outputs=(
        OutputSpec("W1", ("n_in", "n_hidden"), "each entry dW1[j, i] is ∂L/∂W1[j, i], so dW1 "
                   "has W1's shape", "The batch axis m must be the one summed over.",
                   label="dW1"),
        OutputSpec("b1", ("1", "n_hidden"), "each entry db1[0, i] is ∂L/∂b1[0, i], so db1 has "
                   "b1's shape", label="db1"),
        OutputSpec("W2", ("n_hidden", "n_out"), "each entry dW2[j, i] is ∂L/∂W2[j, i], so dW2 "
                   "has W2's shape", "The batch axis m must be the one summed over.",
                   label="dW2"),
        OutputSpec("b2", ("1", "n_out"), "each entry db2[0, i] is ∂L/∂b2[0, i], so db2 has "
                   "b2's shape", label="db2"),
    ),
    make_cases=net_cases,
    mistake_hints=dict.fromkeys(SHAPE_IDS, "Each gradient has its parameter's shape: dW1 like "
                                "W1, db1 like b1 (1, n_hidden) — your dense_backward already "
                                "returns them so; does its check pass?"),
    mistakes=(
        ArrayMistake("missing-1/m", "dL/dA2 = A2 − y, without 1/m",
                     _net_variant(dA2=lambda A2, y, m: A2 - y),
                     "every gradient is exactly m times too large: the loss is the mean of "
                     "½‖A2 − y‖² over the m examples, and that mean stays in ∂L/∂A2."),
        ArrayMistake("mean-over-all-entries", "dL/dA2 = (A2 − y)/(m·n_out) (a mean over every "
                     "entry)", _net_variant(dA2=lambda A2, y, m: (A2 - y) / A2.size),
                     "with several outputs every gradient is n_out times too small: you divided "
                     "by m·n_out = A2.size (the np.mean of every entry), but the loss is a mean "
                     "over the m examples of ½‖A2 − y‖², a *sum* over the outputs: m is the "
                     "number of rows."),
        ArrayMistake("factor-2", "dL/dA2 = 2(A2 − y)/m",
                     _net_variant(dA2=lambda A2, y, m: 2 * (A2 - y) / m),
                     "every gradient is exactly 2× too large: the loss has a ½ in front, "
                     "which cancels the 2 of the square."),
        ArrayMistake("sign", "dL/dA2 = (y − A2)/m",
                     _net_variant(dA2=lambda A2, y, m: (y - A2) / m),
                     "every gradient has the wrong sign: differentiate ½(A2 − y)² with respect "
                     "to A2 — which comes first in the difference, the output or the target?"),
        ArrayMistake("output-missing-s-prime", "delta2 = dA2 (no s'(Z2))", _net_variant(s2=_ONE),
                     "delta2 is missing s'(Z2): the output layer has a sigmoid too, and the "
                     "chain rule goes through it. (The shortcut without s′ belongs to the "
                     "cross-entropy loss of lesson 07, not to this one.)"),
        ArrayMistake("output-s-prime-of-activation", "s'(A2) instead of s'(Z2)",
                     _net_variant(s2=_AT_A),
                     "delta2 uses s'(A2), the slope at the activation; the slope belongs at "
                     "the pre-activation Z2."),
        ArrayMistake("hidden-missing-s-prime", "delta1 = dA1 (no s'(Z1))", _net_variant(s1=_ONE),
                     "dW1 and db1 miss s'(Z1): the hidden layer has a sigmoid too, and the "
                     "gradient reaching it must go through it."),
        ArrayMistake("hidden-s-prime-of-activation", "s'(A1) instead of s'(Z1)",
                     _net_variant(s1=_AT_A),
                     "delta1 uses s'(A1), the slope at the activation; the slope belongs at "
                     "the pre-activation Z1."),
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
    hints=("Forward first, keeping Z1, A1, Z2, A2. Then dA2 = ∂L/∂A2 of the mean loss.",
           "Differentiate ½‖A2 − y‖² for one entry A2[k, i], then remember the mean over the m "
           "examples. With dA2 in hand, your dense_backward does the rest, one layer at a "
           "time, top layer first.",
           "Reuse your two functions: the forward pass through both layers, then the backward "
           "pass starting from ∂L/∂A2 — output minus target, averaged over the rows (the ½ "
           "cancels the square's 2); dense_backward through layer 2 also returns the dA of "
           "layer 1."),
))
