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
              Near(_D2 * _H2, "extra-activation",
                   "that is exactly half of δ2: an extra factor h2 = 0.5 besides the slope "
                   "h2(1 − h2). A delta takes only the node's slope; h2 itself multiplies "
                   "only the gradient of the weight on the edge leaving h2 (∂L/∂w4 = δO·h2)."),
              Near(-_D2, "sign", "the sign flipped: no step below the loss factor brings a "
                                 "minus sign, so δ2 has the sign of δO·w4.")),
        explanation="δ2 = δO·w4·h2(1 − h2) = −0.03·1.5·0.25."),
    hints=("One edge back from zO to z2: the weight of the edge h2 → O, then h2's own slope.",),
)

# ∂L/∂b3 = δ3 = δO·w5·h3(1 − h3): one edge back, then the bias's factor 1 (h1 is a decoy)
_DO_B, _W5, _H3, _H1 = -0.04, 2.0, 0.2, 0.6
_D3 = _DO_B * _W5 * _H3 * (1 - _H3)

quiz_exercise(
    id="quiz05.bias_gradient", lesson=LESSON, answer_name="q2",
    title="self-test 2: predict ∂L/∂b3 from δO = −0.04, w5 = 2 and the cached h3, h1",
    question=Question(
        "The backward pass has reached δO = −0.04. The edge h3 → O has w5 = 2; the forward "
        "pass cached h3 = 0.2 and h1 = 0.6. Predict ∂L/∂b3.", number=_D3, rtol=1e-3,
        near=(Near(_D3 * _H1, "bias-equals-weight-gradient",
                   "that is ∂L/∂w3 = δ3·h1: w3 multiplies h1 on its edge, but b3 is added to "
                   "z3 as 1·b3 — its factor is 1, so ∂L/∂b3 = δ3."),
              Near(_DO_B * _W5, "delta-above",
                   "that is δO·w5 = ∂L/∂h3, one step short of z3, where b3 enters: multiply by "
                   "h3's slope h3(1 − h3) = 0.16."),
              Near(_DO_B * _W5 * _H3, "s-instead-of-slope",
                   "you multiplied by h3 = s(z3), the sigmoid itself; its slope is "
                   "h3(1 − h3)."),
              Near(_DO_B * _H3 * (1 - _H3), "missing-weight",
                   "the weight is missing: δO comes back along the edge h3 → O and is "
                   "multiplied by its weight w5 = 2."),
              Near(_DO_B, "output-bias",
                   "that is ∂L/∂b4 = δO, the output's bias; b3 sits at z3, one edge further "
                   "back along w5."),
              Near(-_D3, "sign", "the sign flipped: no step below the loss factor brings a "
                                 "minus sign, so ∂L/∂b3 has the sign of δO·w5.")),
        explanation="∂L/∂b3 = δ3·1 = δO·w5·h3(1 − h3) = −0.04·2·0.16; h1 would enter only "
                    "∂L/∂w3."),
    hints=("First the delta at z3 (one edge back from zO), then: how much does z3 move per "
           "unit of b3?",),
)

# a forward pass of a network with P parameters takes _T ms: 2P passes vs about 3
_P, _T = 5_000, 2

quiz_exercise(
    id="quiz05.cost", lesson=LESSON, answer_name="q3",
    title="self-test 3: how long one full gradient takes, numerically and by backprop",
    question=Question(
        f"A network has P = {_P:,} parameters, and one forward pass of it takes {_T} ms. About "
        "how long does one full gradient of its loss take — by central differences, and by "
        "backprop?",
        choices=(
            Choice("a", "about 20 s by central differences; about 6 ms by backprop", None,
                   "two forward passes per parameter: 2·5,000·2 ms = 20 s; one forward and "
                   "one backward pass (about twice a forward's work): about 3·2 ms."),
            Choice("b", "about 10 s by central differences; about 2 ms by backprop",
                   "one-pass-each",
                   "a central difference needs two passes per parameter (at +ε and at −ε), "
                   "and backprop's backward pass comes on top of its forward pass."),
            Choice("c", "about 20 s by central differences; about 10 s by backprop",
                   "per-parameter-backprop",
                   "that would be backprop run once per parameter (lesson 03's path-by-path "
                   "way); one backward pass gives all P derivatives at once."),
            Choice("d", "about 40 s by central differences; about 6 ms by backprop",
                   "doubled",
                   "you counted 2 passes per parameter per side: a central difference is one "
                   "pass at +ε and one at −ε, 2 per parameter in all."),
        )),
    hints=("How many forward passes does a central difference need per parameter, and how "
           "many forward passes' worth is one backward pass?",),
)
