"""Lesson 05 self-test: one step of the backward pass predicted from numbers, what a bias's
gradient is, and what one gradient costs — every wrong answer named."""

from __future__ import annotations

from course._grading.quiz import Choice, Near, Question, quiz_exercise
from course.nn.activations import sigmoid_prime

LESSON = "05_backprop_algorithm"

# δ2 = δO·w4·h2(1 − h2) with round numbers (s'(z2) from the cached h2)
_DO, _W4, _H2 = -0.03, 1.5, 0.5
_D2 = _DO * _W4 * _H2 * (1 - _H2)

quiz_exercise(
    id="quiz05.delta_2", lesson=LESSON, answer_name="q1",
    title="self-test 1: predict δ2 from δO = −0.03, w4 = 1.5 and the cached h2 = 0.5",
    question=Question(
        "The backward pass has reached δO = −0.03. The edge h2 → O has w4 = 1.5, and the "
        "forward pass cached h2 = 0.5. Predict δ2 = ∂L/∂z2.", number=_D2, rtol=1e-3,
        near=(Near(_DO * _W4, "missing-s-prime",
                   "that is δO·w4 = ∂L/∂h2: δ2 = ∂L/∂z2 goes one step further, through "
                   "h2 = s(z2), so multiply by h2(1 − h2) = 0.25."),
              Near(_DO * _H2 * (1 - _H2), "missing-weight",
                   "the weight is missing: δO comes back along the edge h2 → O and is "
                   "multiplied by its weight w4 = 1.5."),
              Near(_DO * _W4 * _H2, "s-instead-of-slope",
                   "you multiplied by h2 = s(z2), the sigmoid itself; its slope is "
                   "h2(1 − h2)."),
              Near(_DO * _W4 * float(sigmoid_prime(_H2)), "s-prime-of-activation",
                   "that is s′(h2), the slope at the activation; with the cached h2 the slope "
                   "at z2 is h2(1 − h2)."),
              Near(-_D2, "sign", "the sign flipped: no step below the loss factor brings a "
                                 "minus sign, so δ2 has the sign of δO·w4.")),
        explanation="δ2 = δO·w4·h2(1 − h2) = −0.03·1.5·0.25."),
    hints=("One edge back from zO to z2: the weight of the edge h2 → O, then h2's own slope.",),
)

quiz_exercise(
    id="quiz05.bias_gradient", lesson=LESSON, answer_name="q2",
    title="self-test 2: ∂L/∂b3 once the backward pass has δ3",
    question=Question(
        "The backward pass has computed δ3 = ∂L/∂z3. Then ∂L/∂b3 is ...",
        choices=(
            Choice("a", "δ3", None, "z3 = h1·w3 + b3 moves by exactly 1 per unit of b3, so "
                   "∂L/∂b3 = δ3·1."),
            Choice("b", "δ3·h1", "bias-equals-weight-gradient",
                   "that is ∂L/∂w3: w3 multiplies h1 on its edge, but a bias is added to z3 "
                   "as 1·b3 — its factor is 1."),
            Choice("c", "δ3·b3", "extra-bias",
                   "a parameter does not multiply its own derivative: ∂z3/∂b3 = 1, not b3."),
            Choice("d", "δO·w5", "delta-above",
                   "that is ∂L/∂h3, one step short of z3: b3 enters at z3, behind h3's slope "
                   "h3(1 − h3), which δ3 already contains."),
        )),
    hints=("How much does the pre-activation z3 move per unit of b3 (b3 is added to it)?",),
)

quiz_exercise(
    id="quiz05.cost", lesson=LESSON, answer_name="q3",
    title="self-test 3: what one full gradient costs, numerically and by backprop",
    question=Question(
        "A network has P = 10,000 parameters. One full gradient of its loss costs about how "
        "many forward passes' worth of work — by central differences, and by backprop?",
        choices=(
            Choice("a", "about 20,000 by central differences; about 3 by backprop", None,
                   "two forward passes per parameter for the differences; one forward and one "
                   "backward pass (about twice a forward's work) for backprop, whatever P is."),
            Choice("b", "about 10,000 each: backprop also visits every parameter once",
                   "same-cost",
                   "backprop visits every parameter, but inside one pass: each shared product "
                   "(a delta) is computed once and reused by every parameter below it, so the "
                   "whole gradient costs a constant number of passes."),
            Choice("c", "about 2 by central differences; about 20,000 by backprop",
                   "swapped", "the other way round: the differences nudge each parameter "
                   "separately, two passes per parameter."),
            Choice("d", "about 20,000 by central differences; about 10,000 by backprop",
                   "per-parameter-backprop",
                   "that would be backprop run once per parameter (lesson 03's path-by-path "
                   "way); one backward pass gives all P derivatives at once."),
        )),
    hints=("How many forward passes does a central difference need per parameter, and how "
           "many passes does one backward pass cost?",),
)
