"""Lesson 04 self-test and predictions: the best step of the V-curve (asked before the plot),
where a planted bug hides, what a check at y = O proves, and the cost of a numerical gradient."""

from __future__ import annotations

from course._grading.quiz import Choice, Near, Question, quiz_exercise

LESSON = "04_gradient_checking"

quiz_exercise(
    id="quiz04.best_eps", lesson=LESSON, answer_name="q_eps",
    title="predict: at which step ε is the central difference most accurate in float64?",
    question=Question(
        "The central difference of L(w1) at the worked example, in float64 (about 16 "
        "significant digits), for steps ε from 1e-1 down to 1e-15. Its error is smallest near",
        choices=(
            Choice("a", "ε ≈ 1e-15, the smallest step: the closest to the limit",
                   "smaller-is-better",
                   "in exact arithmetic, yes — but L is stored to about 16 digits. The "
                   "difference L(w1 + ε) − L(w1 − ε) loses those digits as ε shrinks, and "
                   "dividing by 2ε magnifies the round-off to about 1e-16/ε: at 1e-15 the "
                   "estimate is wrong in its first digits."),
            Choice("b", "ε ≈ 1e-5", None,
                   "the truncation error (about ε²·|L‴|/6) falls as ε shrinks, the round-off "
                   "(about 1e-16/ε) grows: they balance where ε² ≈ 1e-16/ε, ε ≈ 1e-5."),
            Choice("c", "ε ≈ 1e-8", "forward-difference-optimum",
                   "that is the bottom for the forward difference, whose truncation error "
                   "shrinks only like ε (ε ≈ 1e-16/ε gives 1e-8). The central difference's "
                   "shrinks like ε², so it meets the round-off earlier, near ε³ ≈ 1e-16."),
            Choice("d", "ε ≈ 1e-1, the largest: round-off cannot hurt it", "truncation-ignored",
                   "round-off is negligible there, but the truncation error ε²·|L‴|/6 is "
                   "not: at ε = 0.1 the curve is far from straight over the step, and the "
                   "estimate is off in the third or fourth digit."),
        )),
    hints=("Two errors: one from the formula being an approximation (it shrinks with ε, like "
           "ε² for the central difference), one from the computer's 16 digits (it grows like "
           "1e-16/ε). Where are they equal?",
           "Set ε² = 1e-16/ε and solve for ε: ε³ = 1e-16. Which option is nearest?"),
)

quiz_exercise(
    id="quiz04.hiding_point", lesson=LESSON, answer_name="q1",
    title="self-test 1: which condition hides a backward pass that swaps w2 and w3?",
    question=Question(
        "A backward pass computes ∂L/∂w1 with w2 and w3 swapped: it uses "
        "(δ2·w3 + δ3·w2)·s′(z1)·I where (δ2·w2 + δ3·w3)·s′(z1)·I belongs. Which condition alone "
        "is enough for a gradient check to pass it?",
        choices=(
            Choice("a", "w2 = w3", None,
                   "the bug minus the truth is (δ2 − δ3)(w3 − w2)·s′(z1)·I: zero whenever "
                   "w2 = w3, whatever the other parameters — so random points must not set "
                   "two weights equal."),
            Choice("b", "b2 = b3", "bias-equal",
                   "with b2 = b3 but w2 ≠ w3, z2 and z3 still differ, so δ2 ≠ δ3 and the "
                   "difference (δ2 − δ3)(w3 − w2)·s′(z1)·I is not 0: the swap shows."),
            Choice("c", "I = 1", "input-one",
                   "I = 1 hides a *missing* factor I; here I multiplies the wrong and the "
                   "right value alike, so it cannot make them equal."),
            Choice("d", "w4 = w5", "outer-weights-equal",
                   "w4 = w5 does not make δ2 = δ3 (z2 and z3 still differ when w2 ≠ w3), "
                   "so the difference (δ2 − δ3)(w3 − w2)·s′(z1)·I is not 0: the swap shows."),
        )),
    hints=("Subtract the true value from the bug's and factor the difference: when is it 0?",
           "The difference is (δ2 − δ3)·(w3 − w2)·s′(z1)·I. Which option makes one factor 0 "
           "whatever the other parameters are?"),
)

quiz_exercise(
    id="quiz04.target_is_output", lesson=LESSON, answer_name="q2",
    title="self-test 2: every relative error is 0 at a point where the target y equals O",
    question=Question(
        "You gradient-check a backward pass of L = ½(O − y)² at a point where the target y "
        "happens to equal the output O. What does that check tell you about the backward "
        "pass?",
        choices=(
            Choice("a", "nothing about the backward pass: every ∂L/∂θ is 0 there, right or "
                   "wrong — check again with y ≠ O", None,
                   "∂L/∂θ = (O − y)·∂O/∂θ, and the factor O − y is 0: both sides are 0 for any "
                   "backward pass whose entries carry that factor, bugs included."),
            Choice("b", "it is right if all nine errors are small", "zero-means-right",
                   "small errors mean the two numbers agree — here both are 0 up to "
                   "round-off because the loss factor O − y is 0, whatever the rest of the "
                   "chain. The check tests nothing (and with both sides mere round-off, its "
                   "errors are noise)."),
            Choice("c", "if the errors are large, the numerical gradient is broken",
                   "blame-the-referee",
                   "the numerical gradient is right: L has its minimum at O = y, so its slope "
                   "in every parameter is 0 there, and both sides are round-off. The point is "
                   "bad, not the referee."),
            Choice("d", "that the network is trained: the loss is at its minimum",
                   "check-vs-training",
                   "for this one example the loss is 0, yes — but the question is what the "
                   "check proves about the backward pass: nothing, since every entry is 0."),
        )),
    hints=("Write ∂L/∂w4 with the chain rule: which factor comes first, and what is it when "
           "y = O?",),
)

quiz_exercise(
    id="quiz04.forward_passes", lesson=LESSON, answer_name="q3",
    title="self-test 3: how many forward passes does the diamond's numerical gradient cost?",
    question=Question(
        "How many forward passes does one numerical gradient of the diamond's loss take, with "
        "central differences for all nine parameters?", number=18.0, rtol=1e-9,
        near=(Near(9.0, "one-per-parameter",
                   "one pass per parameter is not enough: the central difference evaluates L "
                   "twice per parameter, at θ + ε and at θ − ε."),
              Near(10.0, "forward-difference-count",
                   "that is the forward difference's cost: one shared L(θ) plus one nudged "
                   "pass per parameter. The central difference needs two nudged passes per "
                   "parameter and no shared one."),
              Near(2.0, "all-at-once",
                   "two passes would nudge every parameter at once — one number for the "
                   "whole diagonal, not nine partial derivatives. One parameter at a time."),
              Near(36.0, "doubled",
                   "you counted 2 passes per parameter per side: the central difference is one "
                   "pass at θ + ε and one at θ − ε — 2 per parameter in all, not 2 each side."),
              Near(1.0, "backprop-count",
                   "one forward pass (plus one backward) is backprop's cost — lesson 05's "
                   "point. The numerical gradient pays per parameter.")),
        explanation="2 per parameter (θ + ε and θ − ε) × 9 parameters = 18 forward passes; "
                    "2P for P parameters, against one forward and one backward pass for "
                    "backprop (lesson 05)."),
    hints=("Count the calls of L in your numerical_gradient for one parameter, then multiply.",
           "One parameter: L at θ + ε and L at θ − ε. Nine parameters."),
)
