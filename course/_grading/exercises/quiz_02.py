"""Lesson 02 self-test: the edge rule of the computational graph, a prediction on the chain
y = s(w2·s(w1·x + b1) + b2) and a one-line derivation (∂y/∂b1), each wrong answer named."""

from __future__ import annotations

from course._grading.exercises.chain.reference import WORKED, forward
from course._grading.quiz import Choice, Near, Question, quiz_exercise
from course._grading.scalar import Mistake, ScalarSpec, scalar_exercise
from course.nn.activations import sigmoid_prime

LESSON = "02_derivatives_and_chain_rule"

quiz_exercise(
    id="quiz02.edge_rule", lesson=LESSON, answer_name="q1",
    title="self-test 1: how a derivative is read off the computational graph",
    question=Question(
        "Every edge of the computational graph carries its local derivative ∂child/∂parent. "
        "∂y/∂x is ...",
        choices=(
            Choice("a", "the product of the edge labels along each path from x to y, summed "
                   "over the paths", None,
                   "along a path the local derivatives multiply (chain rule); different paths "
                   "add (sum rule)."),
            Choice("b", "the sum of the edge labels along each path, multiplied over the paths",
                   "add-multiply-swapped",
                   "the two rules are swapped: a change travels along a path by being scaled "
                   "at every edge (multiply), and what arrives along different paths adds up."),
            Choice("c", "the product of every edge label in the graph", "all-edges",
                   "only edges on a path from x to y matter: an edge x cannot reach (the one "
                   "out of b2, say) does not carry x's change."),
            Choice("d", "the product along the longest path from x to y", "one-path",
                   "every path counts — lesson 03's diamond has two paths from w1 to the "
                   "output, and dropping one is exactly a classic mistake."),
        )),
    hints=("Follow a small change Δx along the arrows: what happens to it at each edge, and "
           "what happens where two arrows arrive at one node?",),
)


def _at_worked(**overrides) -> dict:
    return forward(**{k: WORKED[k] for k in ("x", "w1", "w2", "b1", "b2")}, **overrides)


_F = _at_worked()
_DY_DH = float(sigmoid_prime(_F["z2"]) * WORKED["w2"])

quiz_exercise(
    id="quiz02.dy_dh", lesson=LESSON, answer_name="q2",
    title="self-test 2: predict ∂y/∂h at the worked point (x = 1, weights 0.5, biases 1), "
          "to 4 significant digits",
    question=Question(
        "At x = 1, w1 = w2 = 0.5, b1 = b2 = 1, predict ∂y/∂h to 4 significant digits.",
        number=_DY_DH, digits=4,
        near=(Near(float(sigmoid_prime(_F["z2"])), "weight-dropped",
                   "that is s′(z2) alone: the edge h → z2 carries ∂z2/∂h = w2 = 0.5 too."),
              Near(float(sigmoid_prime(_F["y"]) * WORKED["w2"]), "s-prime-at-activation",
                   "s′ is taken at the pre-activation: s′(z2), not s′(y)."),
              Near(float(sigmoid_prime(_F["z2"]) * _F["h"]), "input-for-weight",
                   "that is ∂y/∂w2 = s′(z2)·h, the derivative with respect to the "
                   "weight — the wrong derivative: ∂z2/∂h is the weight w2, not the input h."),
              Near(float(sigmoid_prime(_F["z2"]) * WORKED["w2"] * sigmoid_prime(_F["z1"])),
                   "too-far", "that goes one edge too far, down to z1: ∂y/∂h stops at h.")),
        explanation="two edges from h to y: ∂z2/∂h = w2 and ∂y/∂z2 = s′(z2) — multiplied."),
    hints=("Which edges lie on the path from h to y? Read their labels off the graph.",
           "s′(z2)·w2 — put the numbers in (z2 is printed above)."),
)


def _dy_db1(x, w1, w2, b1=1.0, b2=1.0, **forward_values):
    f = forward(x, w1, w2, b1, b2)
    return sigmoid_prime(f["z2"]) * w2 * sigmoid_prime(f["z1"])


def _variant(expr):
    def fn(x, w1, w2, b1=1.0, b2=1.0, **forward_values):
        return expr(x, w1, w2, forward(x, w1, w2, b1, b2))
    return fn


SPEC = ScalarSpec(
    variables=("x", "w1", "w2", "b1", "b2"), reference=_dy_db1,
    sample=lambda rng, n: {"x": rng.uniform(-2, 2, n), "w1": rng.uniform(-2, 2, n),
                           "w2": rng.uniform(-2, 2, n), "b1": rng.uniform(-1.5, 1.5, n),
                           "b2": rng.uniform(-1.5, 1.5, n)},
    worked=dict(WORKED), defaults={"b1": 1.0, "b2": 1.0}, quantity="dy/db1",
    derived=lambda v: forward(v["x"], v["w1"], v["w2"], v["b1"], v["b2"]),
    derived_names=("z1", "h", "z2", "y"),
    mistakes=(
        Mistake("input-factor", "s′(z2)·w2·s′(z1)·x: the input x of ∂y/∂w1 kept",
                _variant(lambda x, w1, w2, f: sigmoid_prime(f["z2"]) * w2
                         * sigmoid_prime(f["z1"]) * x),
                "you multiplied by x: that factor is ∂z1/∂w1. The first edge here is "
                "∂z1/∂b1 = 1 — a bias is added, so nothing multiplies it."),
        Mistake("weight-dropped", "s′(z2)·s′(z1): the edge weight w2 dropped",
                _variant(lambda x, w1, w2, f: sigmoid_prime(f["z2"]) * sigmoid_prime(f["z1"])),
                "the edge h → z2 is missing: it carries ∂z2/∂h = w2 (your value is off by "
                "exactly 1/w2)."),
        Mistake("s-prime-at-activation", "s′(y)·w2·s′(h): s′ at the activations",
                _variant(lambda x, w1, w2, f: sigmoid_prime(f["y"]) * w2
                         * sigmoid_prime(f["h"])),
                "s′ is taken at the pre-activations z2 and z1, not at y and h."),
        Mistake("stops-early", "s′(z2)·w2: stops at h", _variant(
                    lambda x, w1, w2, f: sigmoid_prime(f["z2"]) * w2 + 0 * x),
                "that is ∂y/∂h; b1 sits one node further back, behind h = s(z1), so s′(z1) "
                "is a factor too."),
        Mistake("first-weight", "s′(z2)·w2·s′(z1)·w1: ∂y/∂x's first edge",
                _variant(lambda x, w1, w2, f: sigmoid_prime(f["z2"]) * w2
                         * sigmoid_prime(f["z1"]) * w1),
                "you multiplied by w1, the label of the edge x → z1; the path from b1 starts "
                "with the edge b1 → z1, whose label is 1."),
    ),
)

scalar_exercise(
    id="quiz02.dy_db1", lesson=LESSON, answer_name="q3",
    title="self-test 3: ∂y/∂b1 in one line (a formula or a function)", spec=SPEC, points=0.5,
    hints=("Find the path from b1 to y on the graph and multiply its edge labels.",
           "The first edge, b1 → z1, belongs to a sum: its label is 1."),
)
