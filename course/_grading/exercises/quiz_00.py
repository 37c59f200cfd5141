"""Lesson 00 self-test: the notation table and the warm-up, predicted before checked."""

from __future__ import annotations

from course._grading.quiz import Choice, Near, Question, quiz_exercise

LESSON = "00_start_here"

quiz_exercise(
    id="quiz00.delta", lesson=LESSON, answer_name="q1",
    title="self-test 1: what δ (delta) means in this course",
    question=Question(
        "In this course δ (in code `delta`) means ...",
        choices=(
            Choice("a", "∂L/∂z: how the loss moves per unit of a pre-activation", None,
                   "δ = ∂L/∂z everywhere, from lesson 03's diamond to lesson 06's matrices."),
            Choice("b", "∂L/∂a: how the loss moves per unit of an activation",
                   "delta-is-dA", "that is ∂L/∂a (in code dA). δ is one step further back: "
                   "δ = ∂L/∂a · s′(z), the gradient at the pre-activation z."),
            Choice("c", "s′(z), the slope of the sigmoid", "delta-is-s-prime",
                   "s′(z) (in code sigmoid_prime) is a local derivative of one node; δ is a "
                   "gradient of the loss L, which contains s′(z) as one factor."),
            Choice("d", "a small step added to z, as in a finite difference", "delta-is-step",
                   "a finite-difference step is ε (eps in code); δ is ∂L/∂z, a "
                   "derivative, not a step."),
        )),
    hints=("Look up δ in the notation table: which quantity does it differentiate, and with "
           "respect to what?",),
)

quiz_exercise(
    id="quiz00.shapes", lesson=LESSON, answer_name="q2",
    title="self-test 2: the shapes of W and dW for a layer with 3 inputs and 2 outputs",
    question=Question(
        "A layer has 3 inputs and 2 outputs, and a batch holds m = 5 examples. W and dW have "
        "shapes ...",
        choices=(
            Choice("a", "W (3, 2), dW (3, 2)", None,
                   "W is (n_in, n_out) because examples are rows (Z = A_prev @ W + b), and a "
                   "gradient always has exactly the shape of its parameter."),
            Choice("b", "W (2, 3), dW (2, 3)", "nielsen-shape",
                   "that is Nielsen's convention, where W acts on one column vector at a time. "
                   "Here the m examples are the rows of A_prev, so Z = A_prev @ W needs W of "
                   "shape (n_in, n_out) = (3, 2)."),
            Choice("c", "W (3, 2), dW (2, 3)", "transposed-gradient",
                   "a gradient has exactly the shape of its parameter: W -= lr * dW only "
                   "works if dW is (3, 2) too."),
            Choice("d", "W (3, 2), dW (5, 2)", "per-example-gradient",
                   "(5, 2) = (m, n_out) is the shape of Z and of δ; dW = A_prev.T @ δ sums the "
                   "m examples' contributions into the shape of W, (3, 2)."),
        )),
    hints=("Read the shapes row of the notation table: examples are rows.",),
)

quiz_exercise(
    id="quiz00.predict_slope", lesson=LESSON, answer_name="q3",
    title="self-test 3: predict f'(2) for f(x) = 3x² − 2x + 1, without running code",
    question=Question(
        "Predict f'(2) for f(x) = 3x² − 2x + 1.", number=10.0, rtol=1e-9,
        near=(Near(4.0, "power-rule-factor", "the exponent was not brought down: d/dx 3x² "
                   "= 6x, so f'(2) = 12 − 2."),
              Near(9.0, "function-not-derivative", "9 is f(2), the function's value; the "
                   "question asks for its slope f'(2)."),
              Near(11.0, "constant-kept", "a constant's derivative is 0: the +1 of f "
                   "disappears — it adds nothing to the slope."),
              Near(22.0, "exponent-kept", "the power rule lowers the exponent: 3x² becomes "
                   "6x, not 6x²."),
              Near(14.0, "sign-linear", "d/dx (−2x) = −2, with its minus sign.")),
        explanation="f'(x) = 6x − 2, so f'(2) = 10 — the slope the slider shows at x0 = 2."),
    hints=("Use your f'(x) from the warm-up and put x = 2 in.",),
)
