"""Lesson 07 self-test: a learning rate too large, why mini-batch SGD shuffles, and why the
cross-entropy's output delta has no s′ factor — every wrong pick named."""

from __future__ import annotations

from course._grading.quiz import Choice, Question, quiz_exercise

LESSON = "07_training_with_sgd"

quiz_exercise(
    id="quiz07.lr_too_large", lesson=LESSON, answer_name="q1",
    title="self-test 1: what the loss does when the learning rate is far too large",
    question=Question(
        "You train with a learning rate far too large. The training loss typically",
        choices=(
            Choice("a", "jumps around or grows — possibly to inf or nan", None,
                   "each step moves the parameters past the valley floor to a point where the "
                   "loss is higher; the gradient there is larger, the next step larger still."),
            Choice("b", "falls faster and faster: a bigger step means faster learning",
                   "bigger-is-faster",
                   "the gradient only describes the loss near the current point; a step far "
                   "beyond that overshoots the minimum and lands higher up the other side."),
            Choice("c", "falls slowly but steadily", "too-small-confusion",
                   "that is the sign of a learning rate too *small*: tiny steps, each one "
                   "safely downhill."),
            Choice("d", "stays exactly where it is", "frozen",
                   "a large step changes the parameters a lot — the loss moves, just not "
                   "downhill. A loss that does not move at all points to a step that updates "
                   "nothing (e.g. rebinding instead of W -= lr * dW)."),
        )),
    hints=("Picture a valley and a ball that jumps lr × slope along it. What happens when the "
           "jump is longer than the valley is wide?",
           "Too large a jump lands on the other slope, higher than where it started; the "
           "slope there is steeper, so the next jump is longer still."),
)

quiz_exercise(
    id="quiz07.shuffle", lesson=LESSON, answer_name="q2",
    title="self-test 2: why mini-batch SGD shuffles the examples every epoch",
    question=Question(
        "Mini-batch SGD computes each step's gradient on a small batch of examples and "
        "shuffles the data before every epoch. Why shuffle?",
        choices=(
            Choice("a", "so each batch is a fair random sample: in a sorted data set (all class "
                   "0 first) consecutive steps would pull the weights one way, then the other",
                   None,
                   "a batch's gradient estimates the full gradient only if the batch is a "
                   "random sample; a fresh order each epoch also makes the batches differ."),
            Choice("b", "to make each batch's gradient equal to the full-batch gradient",
                   "exact-gradient",
                   "a batch's gradient is an estimate, shuffled or not; shuffling makes it a "
                   "fair (unbiased) estimate, not an exact one."),
            Choice("c", "because it changes the loss being minimised into an easier one",
                   "changes-loss",
                   "the loss — the mean over all examples — is the same in any order; "
                   "shuffling only changes which examples share a batch."),
            Choice("d", "so that every example is seen exactly once per epoch", "once-per-epoch",
                   "a pass over the data in a fixed order also sees each example once; "
                   "shuffling is about which examples are grouped into each step."),
        )),
    hints=("What does one step's gradient estimate, and what happens to that estimate when "
           "the batch holds only examples of one class?",
           "The loss is a mean over all examples, whatever their order; a batch's gradient "
           "only estimates its gradient — well if the batch is a random sample."),
)

quiz_exercise(
    id="quiz07.no_s_prime", lesson=LESSON, answer_name="q3",
    title="self-test 3: why the cross-entropy's output delta does not vanish when saturated",
    question=Question(
        "A sigmoid output saturated on the wrong side (a ≈ 0 but y = 1): under the "
        "cross-entropy its δ = ∂L/∂z stays large, under the squared error it nearly vanishes. "
        "Why?",
        choices=(
            Choice("a", "the chain rule's s′(z) = a(1 − a) cancels the a(1 − a) in the "
                   "denominator of ∂L/∂a", None,
                   "∂L/∂a = (a − y)/(a(1 − a))/m, times s′(z) = a(1 − a): the factor is there "
                   "and cancels exactly — which is why the output never stalls when it "
                   "saturates on the wrong side."),
            Choice("b", "the cross-entropy skips the sigmoid: it is computed from z directly",
                   "loss-ignores-sigmoid",
                   "the loss is a function of a = s(z) — the chain rule goes through the "
                   "sigmoid and picks up s′(z); the factor just cancels against ∂L/∂a."),
            Choice("c", "s′(z) equals 1 at the output layer", "s-prime-one",
                   "s′(z) = a(1 − a) is at most 1/4, at every layer; it is not 1 anywhere."),
            Choice("d", "the cross-entropy's δ is an approximation that drops the small s′(z)",
                   "approximation",
                   "nothing is dropped — (a − y)/m is exact; a dropped factor would make it "
                   "wrong by that factor, which a gradient check would catch."),
        )),
    hints=("Multiply your bce_grad by s′(z) = a(1 − a) and simplify.",
           "(a − y)/(a(1 − a))/m · a(1 − a): what happens to the a(1 − a)?"),
)
