"""Lesson 05, exercise 1: ``delta_output(O, y)``, the delta at the output for the loss.

δO = ∂L/∂zO for L = ½(O − y)² and O = s(zO): two edges back from the loss, the loss factor
∂L/∂O = O − y and the output's slope s'(zO) = O(1 − O), written with the cached O::

    δO = (O − y)·O(1 − O)

The mistakes are generated from that little graph (zO → O → e = O − y → e² → L = ½e²) and
catalogued where a message says more: the loss factor left out (lesson 03's δ = ∂O/∂zO),
y − O, 2(O − y), the loss itself, a stop at ∂L/∂O, the sigmoid for its slope.
"""

from __future__ import annotations

import numpy as np

from course._grading.exercises.backprop.reference import delta_output
from course._grading.references import DIAMOND_GRADIENT
from course._grading.scalar import GraphTarget, Mistake, ScalarSpec, scalar_exercise
from course.nn.activations import sigmoid, sigmoid_prime
from course.nn.graph import Graph
from course.nn.networks import DiamondNet

__all__ = ["DELTA_O"]

LESSON = "05_backprop_algorithm"


def _graph() -> Graph:
    """zO → O = s(zO) → e = O − y → e2 = e² → L = ½·e2."""
    g = Graph()
    O = g.sigmoid(g.input("zO"), name="O")
    e = g.sub(O, g.input("y"), name="e")
    g.mul(g.const(0.5, "½"), g.pow(e, 2, name="e2"), name="L")
    return g


def _graph_inputs(points: dict) -> dict:
    """The graph's free names from the exercise's: zO from the cached O = s(zO)."""
    O = points["O"]
    with np.errstate(all="ignore"):
        return {"zO": np.log(O / (1 - O)), "y": points["y"]}


def _sample(rng: np.random.Generator, n: int) -> dict:
    return {"O": sigmoid(rng.uniform(-3, 3, n)), "y": rng.uniform(0, 1, n)}


TARGET = GraphTarget(_graph(), "L", "zO", inputs=_graph_inputs, prime="s'({})",
                     prediction="O", loss_factor="O − y",
                     labels={"s'(zO)": "O(1 − O)", "s(zO)": "O"})

_O = float(DiamondNet().output(1.0))
_RULE = "δO = ∂L/∂zO = (O − y)·O(1 − O): the loss factor, then the output's slope"

DELTA_O = ScalarSpec(
    variables=("O", "y"), reference=delta_output, sample=_sample,
    worked={"O": _O, "y": 1.0}, quantity="δO", graph=TARGET,
    mistakes=(
        Mistake("loss-factor-missing", "O(1 − O): lesson 03's δ = ∂O/∂zO, the loss factor missing",
                lambda O, y: O * (1 - O),
                "that is ∂O/∂zO = O(1 − O), the output's own slope: the loss factor "
                f"∂L/∂O = O − y is missing. From now on δ is a derivative of the loss — {_RULE}"),
        Mistake("loss-factor-sign", "(y − O)·O(1 − O): the loss factor's sign flipped",
                lambda O, y: (y - O) * O * (1 - O),
                "you wrote the loss factor as y − O; ∂L/∂O = ½·2(O − y)·∂(O − y)/∂O = O − y. "
                "With y − O every gradient would point uphill"),
        Mistake("stopped-at-dL-dO", "O − y: ∂L/∂O, one step short of ∂L/∂zO",
                lambda O, y: (O - y) + 0 * O,
                "that is ∂L/∂O; δO = ∂L/∂zO goes one step further back, through O = s(zO): "
                f"multiply by its slope O(1 − O). {_RULE}"),
        Mistake("loss-half-missing", "2(O − y)·O(1 − O): the ½ of the loss left out",
                lambda O, y: 2 * (O - y) * O * (1 - O),
                "your δO is exactly 2× too large: 2(O − y) is the derivative of (O − y)²; the "
                "loss is L = ½(O − y)², and its ½ cancels the 2"),
        Mistake("loss-itself", "½(O − y)²·O(1 − O): the loss where its derivative belongs",
                lambda O, y: 0.5 * (O - y) ** 2 * O * (1 - O),
                f"you multiplied by the loss ½(O − y)² itself; the chain rule takes its "
                f"derivative, O − y. {_RULE}"),
        Mistake("s-instead-of-slope", "(O − y)·O: the sigmoid where its slope belongs",
                lambda O, y: (O - y) * O,
                "you multiplied by O = s(zO), the sigmoid itself; its slope is O(1 − O)"),
        Mistake("s-prime-of-activation", "(O − y)·s'(O): the slope at the activation",
                lambda O, y: (O - y) * sigmoid_prime(O),
                "you took s' of O, the activation; the slope is taken at zO, and with the "
                "cached O it is O(1 − O) — not s'(O)"),
    ),
)

scalar_exercise(
    forbidden=DIAMOND_GRADIENT,
    id="backprop.delta_O", lesson=LESSON, answer_name="delta_output",
    reveal=r"$$\delta_O = \frac{\partial L}{\partial z_O} = (O - y)\,O\,(1 - O)$$ "
           r"`(O - y) * O * (1 - O)`: two edges back from the loss — the loss factor "
           r"$\partial L/\partial O = O - y$ (BP1's $\partial L/\partial a$), then the output's "
           r"slope $s'(z_O) = O(1 - O)$ from the cached $O$.",
    title="δO = ∂L/∂zO from the cached output O and the target y", spec=DELTA_O,
    hints=(
        "Two edges lead from zO to the loss: zO → O = s(zO), then O → L = ½(O − y)². One "
        "factor each.",
        "The first factor is what L = ½(O − y)² does to a change of O (lesson 03's loss "
        "factor); the second is the sigmoid's slope at zO.",
        "Write the sigmoid's slope with the cached O (no new sigmoid needed), and put the "
        "loss factor in front — mind which of O and y comes first.",
    ),
)
