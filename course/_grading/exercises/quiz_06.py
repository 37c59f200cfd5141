"""Lesson 06 predictions and self-test: which product is dW (asked before dense_backward),
which axis db sums over, where the 1/m of a mean loss enters, and the shape of a layer's δ."""

from __future__ import annotations

from course._grading.quiz import Choice, Question, quiz_exercise

LESSON = "06_vectorized_backprop"

quiz_exercise(
    id="quiz06.dW_product", lesson=LESSON, answer_name="q_dW",
    title="predict: which product of A_prev and delta is dW?",
    question=Question(
        "A_prev is (m, n_in), delta = ∂L/∂Z is (m, n_out), and dW must have W's shape "
        "(n_in, n_out). Which expression is dW?",
        choices=(
            Choice("a", "A_prev.T @ delta", None,
                   "the only product of the two with shape (n_in, n_out): the inner axis m — "
                   "the examples — is summed away, each example adding its own outer product."),
            Choice("b", "delta.T @ A_prev", "transposed",
                   "(n_out, m) @ (m, n_in) gives (n_out, n_in): the transpose of dW. "
                   "W -= lr * dW needs exactly W's shape (n_in, n_out)."),
            Choice("c", "A_prev @ delta.T", "examples-outer",
                   "(m, n_in) @ (n_out, m) only multiplies when n_in = n_out, and then gives "
                   "(m, m), one number per pair of examples; the examples must be summed "
                   "away, so m has to be the inner size."),
            Choice("d", "(A_prev * delta).sum(axis=0, keepdims=True)", "elementwise",
                   "elementwise * needs n_in = n_out and then pairs input j only with unit j; "
                   "dW[j, i] pairs every input j with every unit i — a matrix product."),
        )),
    hints=("Write the shapes under each operand and multiply them out: which one gives "
           "(n_in, n_out)?",
           "(a, b) @ (b, c) gives (a, c): the shared size b disappears. Which size must "
           "disappear here — the examples, or the units?"),
)

quiz_exercise(
    id="quiz06.db_axis", lesson=LESSON, answer_name="q1",
    title="self-test 1: over which axis does db add up delta?",
    question=Question(
        "delta is (m, n_out), one row per example. db, the gradient of the bias row b "
        "(1, n_out), is",
        choices=(
            Choice("a", "delta summed over axis 0 (the examples), kept as a (1, n_out) row",
                   None, "b is shared by all m examples and enters each with slope 1: their "
                   "contributions add, one number per unit."),
            Choice("b", "delta summed over axis 1 (the units)", "bias-wrong-axis",
                   "that gives one number per example, shape (m, 1). Each unit has its own "
                   "bias, shared by the examples: add over the examples, axis 0."),
            Choice("c", "delta itself, one row per example", "bias-not-summed",
                   "that is one bias gradient per example, (m, n_out) — but there is only one "
                   "b, shared by all of them: add up the rows."),
            Choice("d", "the mean of delta over axis 0", "bias-mean",
                   "delta already carries the 1/m of the mean loss (through dA); averaging "
                   "again divides by m twice."),
        )),
    hints=("How many biases does a layer have, and how many examples use each of them?",
           "One bias per unit, each used by all m examples: their contributions add up along "
           "the axis that counts the examples."),
)

quiz_exercise(
    id="quiz06.one_over_m", lesson=LESSON, answer_name="q2",
    title="self-test 2: where does the 1/m of the mean loss enter the backward pass?",
    question=Question(
        "L is the mean over the m examples. In mlp_backward, the factor 1/m enters",
        choices=(
            Choice("a", "once, in dA2 = ∂L/∂A2 at the output; every later step only adds up",
                   None, "L = (1/m) Σ_k ℓ_k, so ∂L/∂A2 carries 1/m; BP1–BP4 multiply and add "
                   "from there, and the factor rides along into every gradient."),
            Choice("b", "in dA2, and again in every dW and db", "double-1/m",
                   "then every weight gradient is 1/m of the truth: dA2 already carries the "
                   "1/m, and A_prev.T @ delta only adds up the examples' contributions."),
            Choice("c", "only in dW and db, not in dA2", "1/m-in-bp4",
                   "some courses put it there, with dA2 = A2 − y; the gradients are then the "
                   "same, but in this course dA is ∂L/∂A of the mean loss, which already "
                   "carries 1/m — dividing in BP3/BP4 too would count it twice."),
            Choice("d", "nowhere: 1/m is a constant and drops out of the gradient",
                   "constant-dropped",
                   "a constant factor does not drop out of a derivative: (c·f)′ = c·f′. "
                   "Without it the gradients are m times too large."),
        )),
    hints=("Differentiate L = (1/m) Σ_k ½‖A2,k − y_k‖² with respect to one entry of A2.",
           "∂L/∂A2[k, i] = (A2[k, i] − y[k, i])/m: the 1/m is already in dA2. Do BP3 and BP4 "
           "divide again, or only add up?"),
)

quiz_exercise(
    id="quiz06.delta_shape", lesson=LESSON, answer_name="q3",
    title="self-test 3: the shape of the middle layer's delta when the diamond takes a batch",
    question=Question(
        "The diamond as MLP((1, 1, 2, 1)) takes a batch of m = 5 inputs. The middle layer "
        "(h2, h3) has delta of shape",
        choices=(
            Choice("a", "(5, 2)", None,
                   "δ = ∂L/∂Z has Z's shape (m, n_out): one row per example, one column per "
                   "unit — row k holds lesson 05's δ2 and δ3 for example k."),
            Choice("b", "(2, 5)", "examples-as-columns",
                   "that is the one-example-per-column layout of some books; here examples "
                   "are rows, so δ is (m, n_out)."),
            Choice("c", "(1, 2)", "batch-forgotten",
                   "(1, 2) is the shape of b and db; δ is per example, one row each, and "
                   "db adds those rows up."),
            Choice("d", "(2, 2)", "weight-shape",
                   "that would be the shape of a weight matrix from 2 units to 2 units; δ has "
                   "Z's shape, (m, n_out)."),
        )),
    hints=("δ = ∂L/∂Z: a gradient has the shape of what it is the gradient of.",
           "Z of the middle layer has one row per example and one column per unit (h2, h3)."),
)
