"""Lesson 05, exercise 2: ``delta_h1(delta_2, delta_3, w2, w3, h1)``, the delta at h1.

A scalar exercise (``course._grading.scalar``): δ1 = (δ2·w2 + δ3·w3)·h1(1 − h1). The
catalogue names one path only, s'(z1) missing, on one path only (brackets) or taken at
h1, swapped or missing weights, paths multiplied, the sigmoid for its slope, and the sign.
"""

from __future__ import annotations

import numpy as np

from course._grading.exercises.backprop import output as _output  # noqa: F401  (registers backprop.delta_O first: lesson order)
from course._grading.exercises.backprop.reference import delta_h1
from course._grading.references import DIAMOND_GRADIENT
from course._grading.scalar import GraphTarget, Mistake, Probe, ScalarSpec, scalar_exercise
from course.nn.activations import sigmoid, sigmoid_prime
from course.nn.graph import Graph
from course.nn.networks import DiamondNet

__all__ = ["DELTA_H1"]

LESSON = "05_backprop_algorithm"


def _reference(delta2, delta3, w2, w3, h1):
    """δ1 = ∂L/∂z1 (``reference.delta_h1``), in the exercise's variable names."""
    return delta_h1(delta2, delta3, w2, w3, h1)


def _sample_h1(rng: np.random.Generator, n: int) -> dict:
    return {"delta2": rng.uniform(-0.3, 0.3, n), "delta3": rng.uniform(-0.3, 0.3, n),
            "w2": rng.uniform(-2, 2, n), "w3": rng.uniform(-2, 2, n),
            "h1": sigmoid(rng.uniform(-3, 3, n))}


def _graph() -> Graph:
    """δ1 = ∂L/∂z1 as a graph: L is linear in z2 and z3 near the point, with slopes δ2, δ3
    (what the backward pass has already computed), so ∂L/∂z1 = Σ over the two paths."""
    g = Graph()
    z1, w2, w3, delta2, delta3 = (g.input(k) for k in ("z1", "w2", "w3", "delta2", "delta3"))
    h1 = g.sigmoid(z1, name="h1")
    g.add(g.mul(delta2, g.mul(h1, w2, name="z2")), g.mul(delta3, g.mul(h1, w3, name="z3")),
          name="L")
    return g


def _graph_inputs(points: dict) -> dict:
    """The graph's free names from the exercise's: z1 from the cached h1 = s(z1)."""
    h1 = points["h1"]
    with np.errstate(all="ignore"):
        z1 = np.log(h1 / (1 - h1))
    return {"z1": z1, **{k: points[k] for k in ("w2", "w3", "delta2", "delta3")}}


#: the exercise's mistakes are generated from the two paths δ2·w2·s'(z1) and δ3·w3·s'(z1)
TARGET = GraphTarget(
    _graph(), "L", "z1", params=("w2", "w3"), upstream=("delta2", "delta3"),
    inputs=_graph_inputs, path_names=("h2", "h3"), prime="s'({})",
    labels={"s'(z1)": "h1(1 − h1)", "s(z1)": "h1",
            "delta2": "δ2", "delta3": "δ3"})

_SEED = DiamondNet().backward(1.0, 1.0)          # the worked example, target y = 1
_PATHS = "h1 feeds both h2 and h3, so δ1 collects both: (δ2·w2 + δ3·w3)·h1(1 − h1)"

DELTA_H1 = ScalarSpec(
    # formula names have no underscore (delta_2 in a formula is the subscript form of
    # delta2); a function may name them delta_2, delta_3 as the lesson does
    variables=("delta2", "delta3", "w2", "w3", "h1"), reference=_reference, sample=_sample_h1,
    worked={"delta2": _SEED["deltas"]["z2"], "delta3": _SEED["deltas"]["z3"], "w2": 0.5,
            "w3": 0.5, "h1": _SEED["forward"]["h1"]},
    quantity="δ1", graph=TARGET,
    mistakes=(
        Mistake("one-path", "only one of the two paths (through h2 or h3)",
                lambda delta2, delta3, w2, w3, h1: delta2 * w2 * h1 * (1 - h1),
                f"you used only the path through h2; {_PATHS}"),
        Mistake("one-path", "only one of the two paths (through h2 or h3)",
                lambda delta2, delta3, w2, w3, h1: delta3 * w3 * h1 * (1 - h1),
                f"you used only the path through h3; {_PATHS}"),
        Mistake("s-prime-missing", "(δ2·w2 + δ3·w3) without s'(z1)",
                lambda delta2, delta3, w2, w3, h1: delta2 * w2 + delta3 * w3,
                "you stopped at ∂L/∂h1; δ1 = ∂L/∂z1 goes one step further, through h1 = s(z1): "
                "multiply by s'(z1) = h1(1 − h1)"),
        Mistake("brackets", "s'(z1) on one path only: δ2·w2 + δ3·w3·h1(1 − h1)",
                lambda delta2, delta3, w2, w3, h1: delta2 * w2 + delta3 * w3 * h1 * (1 - h1),
                "only the h3 path is multiplied by h1(1 − h1) — brackets: both paths reach z1 "
                "through h1, so (delta_2*w2 + delta_3*w3) * h1*(1 - h1)"),
        Mistake("brackets", "s'(z1) on one path only: δ2·w2·h1(1 − h1) + δ3·w3",
                lambda delta2, delta3, w2, w3, h1: delta2 * w2 * h1 * (1 - h1) + delta3 * w3,
                "only the h2 path is multiplied by h1(1 − h1) — brackets: both paths reach z1 "
                "through h1, so (delta_2*w2 + delta_3*w3) * h1*(1 - h1)"),
        Mistake("weights-swapped", "δ2·w3 + δ3·w2",
                lambda delta2, delta3, w2, w3, h1: (delta2 * w3 + delta3 * w2) * h1 * (1 - h1),
                "you swapped the weights: δ2 comes back along the edge h1 → h2, which is w2, "
                "and δ3 along w3"),
        Mistake("d-of-activation", "s'(h1) instead of s'(z1) = h1(1 − h1)",
                lambda delta2, delta3, w2, w3, h1: (delta2 * w2 + delta3 * w3)
                * sigmoid_prime(h1),
                "you applied s' to the activation h1; s' is taken at z1, and with the cached "
                "h1 it is h1·(1 − h1) — not s'(h1)"),
        Mistake("s-instead-of-d", "·h1 instead of ·h1(1 − h1)",
                lambda delta2, delta3, w2, w3, h1: (delta2 * w2 + delta3 * w3) * h1,
                "you multiplied by h1 = s(z1), the sigmoid itself; its slope is h1·(1 − h1)"),
        Mistake("weights-missing", "(δ2 + δ3)·h1(1 − h1)",
                lambda delta2, delta3, w2, w3, h1: (delta2 + delta3) * h1 * (1 - h1),
                "you left out the weights: each delta comes back along its edge and is "
                "multiplied by that edge's weight, δ2·w2 and δ3·w3"),
        Mistake("paths-multiplied", "δ2·w2·δ3·w3·h1(1 − h1)",
                lambda delta2, delta3, w2, w3, h1: delta2 * w2 * delta3 * w3 * h1 * (1 - h1),
                "you multiplied the two paths; they add (the sum rule): when h1 changes, h2 and "
                "h3 both move, and both changes reach the loss"),
        Mistake("sign", "the right magnitude, the wrong sign",
                lambda delta2, delta3, w2, w3, h1: -delta_h1(delta2, delta3, w2, w3, h1),
                "your δ1 has the wrong sign everywhere: no step of the backward pass brings a "
                "minus sign"),
    ),
    probes=(
        Probe({"delta3": 0.0}, "right whenever δ3 = 0: your h2 path is right, look at the h3 "
              "path"),
        Probe({"delta2": 0.0}, "right whenever δ2 = 0: your h3 path is right, look at the h2 "
              "path"),
    ),
)

scalar_exercise(
    forbidden=DIAMOND_GRADIENT,
    id="backprop.delta_h1", lesson=LESSON, answer_name="delta_h1",
    reveal=r"$$\delta_1 = \bigl(\delta_2\,w_2 + \delta_3\,w_3\bigr)\,h_1(1 - h_1)$$ "
           r"`(delta_2 * w2 + delta_3 * w3) * h1 * (1 - h1)`: the two paths add first, then one "
           r"step back through $h_1 = s(z_1)$, whose slope is $h_1(1 - h_1)$.",
    title="δ1 = ∂L/∂z1 from δ2, δ3, w2, w3 and the cached h1", spec=DELTA_H1,
    hints=(
        "A change of z1 moves h1, and h1 moves both z2 (by w2 per unit) and z3 (by w3).",
        "∂L/∂h1 collects one term per edge leaving h1 (the paths add); then one more step back "
        "through h1 = s(z1).",
        "Add the two paths first — each is the delta above times the weight of the edge that leads"
        " to it — and multiply the whole sum by s'(z1), written with the cached h1. Mind the "
        "brackets.",
    ),
)
