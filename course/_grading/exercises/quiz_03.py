"""Lesson 03 checks without code: the seed learner's formula as "find the bug" (before the
learner writes dO/dw1), and the closing self-test on the loss — a prediction of dL/dO for
another target, what a
gradient step does, and dL/db1 in one line. Every wrong answer is named."""

from __future__ import annotations

from course._grading.exercises.diamond_loss import SPECS
from course._grading.quiz import Choice, Near, Question, quiz_exercise
from course._grading.references import DIAMOND_GRADIENT, NUMERICAL_GRADIENT
from course._grading.scalar import scalar_exercise
from course.nn.networks import DiamondNet

LESSON = "03_diamond_network"

quiz_exercise(
    id="quiz03.seed_bug", lesson=LESSON, answer_name="q1",
    title="find the bug: what the seed learner's dO/dw1 leaves out, and how far off it is "
          "where w2 = w3 = w4 = w5 = 2",
    question=Question(
        "The seed learner's dO/dw1 is d(zO)·(d(z2)·d(z1)·I + d(z3)·d(z1)·I). Compared with the "
        "graph's paths from w1 to O, it leaves out ... and so at a point where w2 = w3 = w4 = "
        "w5 = 2 (w1 = 0.5, I = 1, biases 1) it is ...",
        choices=(
            Choice("a", "w4·w2 on the path through h2 and w5·w3 on the path through h3 — "
                   "4× too small there", None,
                   "every edge between neurons brings its weight, and each path crosses two "
                   "of them: 2·2 = 4 per path, so leaving them out makes the value 4 times "
                   "too small there (at the worked example, where the weights are 0.5, the "
                   "same slip makes it 4× too large). The formula's s′ for every neuron and "
                   "its sum of the two paths are right; the weights are what it drops."),
            Choice("b", "w4·w2 and w5·w3 — 4× too large there", "ratio-inverted",
                   "the right factors, the wrong direction: the missing factors are 2·2 = 4, "
                   "larger than 1, so leaving them out makes the value smaller — 4× too "
                   "small. (4× too large is the worked example, where the weights are 0.5.)"),
            Choice("c", "only the outer weights w4 and w5 — 2× too small there", "outer-only",
                   "the inner edges h1 → h2 and h1 → h3 are crossed too and bring w2 and w3: "
                   "each path crosses two weighted edges, so two factors of 2 are missing "
                   "per path."),
            Choice("d", "w1, w2, w4 and w1, w3, w5 — 2× too small there", "w1-on-the-path",
                   "w1 is what you differentiate by, not an edge the change crosses: its own "
                   "step contributes what it multiplies, ∂z1/∂w1 = I, and the formula has I."),
            Choice("e", "nothing: the two paths should be multiplied, not added — it is "
                   "exactly right once they are", "paths-multiplied",
                   "the paths add — the sum rule: a change of h1 reaches zO through h2 and "
                   "through h3 at the same time, and zO is a sum. The formula's sum is right; "
                   "its paths are short of factors."),
        )),
    hints=("Read each path from w1 to O off the graph, edge by edge, and compare with the "
           "formula's factors.",
           "Each path crosses two edges between neurons. What does such an edge contribute, "
           "and what is it worth where w2 = w3 = w4 = w5 = 2?"),
)

_F = DiamondNet().forward(1.0)
_O, _Y = float(_F["O"]), 0.25          # a target other than the lesson's y = 1

quiz_exercise(
    id="quiz03.dL_dO", lesson=LESSON, answer_name="q2",
    title="self-test 1: predict dL/dO at the worked example for the target y = 0.25",
    question=Question(
        f"At the worked example O = {_O:.4f}. Take the target y = 0.25 instead of 1 and "
        "L = ½(O − y)². Predict dL/dO (4 digits are enough).", number=_O - _Y, rtol=2e-3,
        near=(Near(_Y - _O, "loss-factor-sign",
                   "that is y − O: the sign is flipped. dL/dO = ½·2(O − y)·d(O − y)/dO = O − y, "
                   "positive here because O is above the target."),
              Near(2 * (_O - _Y), "loss-half-missing",
                   "that is 2(O − y), the derivative of (O − y)² without the ½: the ½ in the "
                   "loss cancels the 2."),
              Near(0.5 * (_O - _Y) ** 2, "loss-itself",
                   "that is the loss L itself, not its slope: differentiate ½(O − y)²."),
              Near(_O - 1.0, "old-target",
                   "that is O − 1, with the lesson's target y = 1; this question's target is "
                   "y = 0.25."),
              Near(1.0 - _O, "old-target-sign",
                   "that is ∂L/∂O for y = 1 (and with its sign flipped, 1 − O); the question's "
                   "target is 0.25: dL/dO = O − y = O − 0.25."),
              Near((_O - _Y) * _O * (1 - _O), "one-step-too-far",
                   "that is (O − y)·s′(zO) = dL/dzO, one edge further back: dL/dO stops at O.")),
        explanation="dL/dO = O − y: positive, so lowering O lowers the loss."),
    hints=("Differentiate ½(O − y)² with respect to O: the chain rule on a square.",),
)

quiz_exercise(
    id="quiz03.descent_step", lesson=LESSON, answer_name="q3",
    title="self-test 2: what a small gradient-descent step on w1 does to O",
    question=Question(
        "At the worked example with y = 1, dL/dw1 is negative. Training takes a small step "
        "w1 ← w1 − η·dL/dw1 (η > 0). What happens to O?",
        choices=(
            Choice("a", "w1 grows, and O grows towards y = 1: the loss falls", None,
                   "−η·dL/dw1 > 0, so w1 grows; dO/dw1 > 0, so O grows, towards y."),
            Choice("b", "w1 shrinks, and O falls away from y", "step-sign",
                   "the update subtracts the gradient: w1 − η·(a negative number) is larger "
                   "than w1."),
            Choice("c", "nothing: the step follows dO/dw1, and the target does not enter it",
                   "ignores-loss",
                   "the step follows dL/dw1 = (O − y)·dO/dw1: the target sets the sign through "
                   "O − y. With y below O the same step would go the other way."),
            Choice("d", "O jumps to exactly 1 in one step", "one-step-to-target",
                   "a gradient step is a small move along the slope, not a solve: O moves by "
                   "about dO/dw1 times the change of w1, a little."),
        )),
    hints=("Two signs to combine: that of the step on w1 (the update subtracts the gradient), "
           "and that of dO/dw1.",),
)

scalar_exercise(
    id="quiz03.dL_db1", lesson=LESSON, answer_name="q4",
    title="self-test 3: dL/db1 in one line (a formula or a function, of I, w1..w5, b1..b4, y)",
    spec=SPECS["b1"], points=0.5, forbidden=DIAMOND_GRADIENT + NUMERICAL_GRADIENT,
    hints=("b1 reaches L along the same paths as w1; only the first edge differs.",
           "The first edge, b1 → z1, belongs to a sum: its label is 1."),
)
