"""Lesson 08 self-test: gradients that pile up, why breadth-first order fails, zero_grad."""

from __future__ import annotations

from course._grading.quiz import Choice, Near, Question, quiz_exercise

LESSON = "08_autograd_from_scratch"

quiz_exercise(
    id="quiz08.backward_twice", lesson=LESSON, answer_name="q1",
    title="self-test 1: predict a.grad after calling backward() twice",
    question=Question(
        "a = Value(3.0); b = a * a; b.backward(); b.backward(), with the lesson's backward() "
        "(it sets the seed, self.grad = 1, and every closure adds with +=). Predict a.grad.",
        number=12.0, rtol=1e-9,
        near=(Near(6.0, "grads-reset", "backward() does not reset anything: it seeds "
                   "b.grad = 1 and every closure *adds* (+=), so the second call adds another "
                   "db/da = 2a = 6 on top of the first. That is why zero_grad() exists."),
              Near(3.0, "one-use", "a is used twice in a * a: each use sends back a·out.grad "
                   "= 3, so one backward() gives 6, and a second one 6 more."),
              Near(18.0, "seed-accumulates", "backward() *sets* the seed b.grad = 1 (it does "
                   "not add to it), so the second call passes back 6 again, not 12: 6 + 6."),
              Near(36.0, "squared", "gradients add up across calls, they do not multiply: "
                   "6 + 6.")),
        explanation="each call adds db/da = 2a = 6; nothing resets a.grad between them."),
    hints=("What does one backward() put into a.grad? Then: does the second call start "
           "from 0?",),
)

quiz_exercise(
    id="quiz08.bfs", lesson=LESSON, answer_name="q2",
    title="self-test 2: why breadth-first order gives w = tanh(tanh(u)) + u a wrong gradient",
    question=Question(
        "Running the closures breadth-first from w gives u (and everything before it) a wrong "
        "gradient in w = tanh(tanh(u)) + u. Why?",
        choices=(
            Choice("a", "u is one edge from w but three along the other path: breadth-first "
                   "runs u's closure before tanh(u) has added its share to u.grad", None,
                   "a node may pass its gradient on only when it is complete — after every "
                   "node that uses it. Breadth-first reaches u at depth 1 and tanh(u) at "
                   "depth 2, whatever order it lists children in."),
            Choice("b", "breadth-first visits u twice", "visited-twice",
                   "with a visited set breadth-first visits u once — and that single visit "
                   "comes too early (at depth 1, before tanh(u) at depth 2)."),
            Choice("c", "it depends on the order in which a node lists its children",
                   "child-order", "not here: u is at depth 1 and tanh(u) at depth 2 whichever "
                   "child comes first, so breadth-first fails every time on this graph."),
            Choice("d", "breadth-first is correct; only recursion depth is a problem",
                   "bfs-fine", "breadth-first fails whenever a node is reached along paths "
                   "of different lengths; on graphs where all paths have equal length (the "
                   "diamond) it happens to work, which is why it is a tempting bug."),
        )),
    hints=("When is a node's .grad complete? Which nodes must have run their closures before "
           "u runs its own?",),
)

quiz_exercise(
    id="quiz08.zero_grad", lesson=LESSON, answer_name="q3",
    title="self-test 3: when a training loop calls zero_grad()",
    question=Question(
        "Each training step builds a new graph from the same parameter Values. When must "
        "zero_grad() run?",
        choices=(
            Choice("a", "every step, before loss.backward()", None,
                   "the graph is new each step, but the parameters are the same leaf Values: "
                   "their .grad still holds last step's gradient until it is reset."),
            Choice("b", "once, before the training loop", "zero-once",
                   "then step 2's backward() adds to step 1's gradients, step 3's to both, "
                   "... — the update uses a running sum of all old gradients."),
            Choice("c", "never: a new graph starts with fresh gradients",
                   "new-graph-resets", "the new graph's inner nodes start at 0, but the "
                   "parameters are reused leaves; their .grad is not fresh."),
            Choice("d", "after the parameter update, on the loss node only",
                   "root-only", "zeroing the loss node does nothing for the parameters: "
                   "zero_grad must reach every node, the leaves included."),
        )),
    hints=("Which Values live from one step to the next?",),
)
