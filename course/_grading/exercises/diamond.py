"""Lesson 03 exercises: the derivatives of the diamond network's output O.

::

    I --w1--> h1 --w2--> h2 --w4--> O        z1 = I·w1 + b1,  h1 = s(z1)
                 \\--w3--> h3 --w5--/         z2 = h1·w2 + b2, h2 = s(z2)  (z3, h3 alike)
                                             zO = h2·w4 + h3·w5 + b4, O = s(zO)

An answer is a function or a formula of ``I, w1..w5, b1..b4`` — biases it does not
name are held at 1, as in the worked example — and may also use the forward pass's
``z1, h1, z2, h2, z3, h3, zO, O`` (computed from the same point, so
``d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(z1)*I`` is an answer). ``d`` is s' = s(1 − s).
"""

from __future__ import annotations

import numpy as np

from course._grading.exercises import _diamond_catalogue as cat
from course._grading.exercises._diamond_messages import catalogue
from course._grading.references import DIAMOND_GRADIENT, NUMERICAL_GRADIENT
from course._grading.scalar import GraphTarget, Probe, ScalarSpec, scalar_exercise
from course.nn.networks import BIASES, PARAMS, WEIGHTS, DiamondNet

__all__ = ["LESSON", "VARIABLES", "DERIVED", "WORKED", "SPECS", "dO_d", "forward_values"]

LESSON = "03_diamond_network"
VARIABLES = ("I", *PARAMS)                      # I, w1..w5, b1..b4
DERIVED = ("z1", "h1", "z2", "h2", "z3", "h3", "zO", "O")
WORKED = {"I": 1.0, **{w: 0.5 for w in WEIGHTS}, **{b: 1.0 for b in BIASES}}
HELD = {b: 1.0 for b in BIASES}


def dO_d(param: str):
    """The reference dO/d(param), a vectorized function of ``I, w1..w5, b1..b4``."""
    return cat.reference(param)


def forward_values(values: dict) -> dict:
    """``z1, h1, ..., zO, O`` at the point(s) ``values`` (the names an answer may use)."""
    return {k: v for k, v in cat.forward(values).items() if k in DERIVED}


def _magnitudes(rng: np.random.Generator, n: int, low: float, high: float) -> np.ndarray:
    """Random signs, magnitudes in [low, high] but never within 0.1 of 1."""
    u = rng.uniform(low, high - 0.2, n)
    u = np.where(u > 0.9, u + 0.2, u)
    return np.where(rng.random(n) < 0.5, -u, u)


def sample(rng: np.random.Generator, n: int) -> dict:
    """``n`` random points: I and weights of either sign, |.| in [0.2, 2], none near ±1.

    Biases are drawn too (|b| in [0.3, 1.5]); those an answer does not name are then
    held at 1.
    """
    out = {"I": _magnitudes(rng, n, 0.2, 2.0)}
    out.update({w: _magnitudes(rng, n, 0.2, 2.0) for w in WEIGHTS})
    out.update({b: _magnitudes(rng, n, 0.3, 1.5) for b in BIASES})
    return out


def _probes(param: str) -> tuple[Probe, ...]:
    probes = []
    if cat.NODE[param] == "z1":
        for path, other, keys in (("h3", "h2", ("w3", "w5")), ("h2", "h3", ("w2", "w4"))):
            probes += [Probe(
                {k: 0.0}, f"Your answer is right when the path through {path} is switched off "
                f"({{when}}): your {other} path is right, so the {path} path is wrong.",
                label=f"With the path through {path} switched off ({{when}})") for k in keys]
    if cat.INPUT.get(param) == "I":
        probes.append(Probe({"I": 1.0}, "Your answer is right whenever I = 1: look at how the "
                                        "input I enters it."))
    return tuple(probes)


#: the diamond as a computational graph: every derivative's mistakes are generated from it
GRAPH = DiamondNet.graph()


def _spec(param: str) -> ScalarSpec:
    return ScalarSpec(
        variables=VARIABLES, reference=dO_d(param), sample=sample, worked=WORKED,
        defaults=HELD, mistakes=catalogue(param), probes=_probes(param),
        quantity=f"dO/d{param}", rtol=1e-6, atol=1e-12, rtol32=1e-4,
        derived=forward_values, derived_names=DERIVED, factors=cat.factors,
        graph=GraphTarget(GRAPH, "O", param, params=PARAMS, prime="s′({})"),
    )


#: the spec of every exercise, by parameter
SPECS = {p: _spec(p) for p in PARAMS}

_GENERIC = {
    "only-right-at-one-point": "right at the worked example only",
    "constant-factor": "off by a constant factor everywhere",
    "missing-factor": "a factor (or a product of two) missing everywhere",
    "extra-factor": "an extra factor (or product of two) everywhere",
    "non-finite": "NaN or inf at some points",
}

_HINTS = {
    "w4": ("O = s(zO) and zO = h2·w4 + h3·w5 + b4: w4 touches O through zO only.",
           "dO/dw4 = (dO/dzO)·(dzO/dw4). The first is the sigmoid's slope at zO; the second is "
           "what w4 multiplies.",
           "Two factors: the sigmoid's slope at zO (s′ at the pre-activation zO, not at O) "
           "times the hidden value that w4 multiplies."),
    "w5": ("w5 is w4's twin on the path through h3.",
           "dO/dw5 = (dO/dzO)·(dzO/dw5): the slope at zO times what w5 multiplies.",
           "Like dO/dw4, through h3: the slope at zO times the value that w5 multiplies."),
    "b4": ("zO = h2·w4 + h3·w5 + b4: how much does zO move per unit of b4?",
           "dO/db4 = (dO/dzO)·(dzO/db4), and dzO/db4 = 1.",
           "One factor: the output sigmoid's slope at its pre-activation (a bias multiplies 1)."),
    "w2": ("Follow a change of w2 to O: w2 → z2 → h2 → zO → O. One factor per arrow.",
           "The factors: dz2/dw2 = h1, dh2/dz2 = s′(z2), dzO/dh2 = w4, dO/dzO = s′(zO).",
           "Four factors, one per arrow: s′ at zO, the weight of the edge h2 → O, s′ at z2, and "
           "the "
           "value that w2 multiplies. The outer weight is the one people drop."),
    "w3": ("w3 is w2's twin on the path through h3: w3 → z3 → h3 → zO → O.",
           "The factors: dz3/dw3 = h1, dh3/dz3 = s′(z3), dzO/dh3 = w5, dO/dzO = s′(zO).",
           "Mirror exercise 2 on the path through h3: s′ at zO, the weight of the edge h3 → O, s′ "
           "at z3, and the value that w3 multiplies."),
    "b2": ("Like dO/dw2, but z2 = h1·w2 + b2 moves by exactly 1 per unit of b2.",
           "dO/db2 = s′(zO)·w4·s′(z2)·(dz2/db2).",
           "Your dO/dw2 with its last factor (the value w2 multiplies) replaced by 1: three "
           "factors."),
    "b3": ("Like dO/dw3, but z3 = h1·w3 + b3 moves by exactly 1 per unit of b3.",
           "dO/db3 = s′(zO)·w5·s′(z3)·(dz3/db3).",
           "Your dO/dw3 with its last factor replaced by 1: three factors."),
    "w1": ("w1 reaches O along two paths, through h2 and through h3. Write the change along "
           "each, then combine them.",
           "Along a path, multiply one factor per arrow (a weight for every edge, s′ at every "
           "neuron, at its pre-activation z); the two paths add — the sum rule.",
           "Each path is a product of two slopes s′ and the two weights it crosses; add the two "
           "paths, "
           "then multiply by what both share below h1: the slope at z1 and the value that w1 "
           "multiplies. Check that each weight sits on its own path."),
    "b1": ("b1 reaches O along the same two paths as w1.",
           "dO/db1 is dO/dw1 with the last factor dz1/dw1 = I replaced by dz1/db1 = 1.",
           "Your dO/dw1 with the final factor (the value w1 multiplies) replaced by 1."),
}

_TITLES = {
    "w4": "dO/dw4: the weight nearest the output",
    "w5": "dO/dw5: the other weight into the output",
    "b4": "dO/db4: the output neuron's bias",
    "w2": "dO/dw2: one hidden layer back, a single path",
    "w3": "dO/dw3: the twin of dO/dw2 through h3",
    "b2": "dO/db2: the bias of h2",
    "b3": "dO/db3: the bias of h3",
    "w1": "dO/dw1: two paths to O, the worked example's question",
    "b1": "dO/db1: the first bias, two paths to O",
}

#: worked answers, shown by ``check`` once the exercise passes (lesson 03's boxed results)
_REVEALS = {
    "w4": r"$$\frac{\partial O}{\partial w_4} = s'(z_O)\,h_2$$ Two factors: the output sigmoid's "
          r"slope at its pre-activation, and the value $w_4$ multiplies.",
    "w2": r"$$\frac{\partial O}{\partial w_2} = s'(z_O)\,w_4\,s'(z_2)\,h_1$$ Four arrows, four "
          r"factors: the edge $h_2 \to O$ brings its weight $w_4$, each neuron passed its $s'$, "
          r"and the arrow out of $w_2$ the value it multiplies, $h_1$.",
    "w3": r"$$\frac{\partial O}{\partial w_3} = s'(z_O)\,w_5\,s'(z_3)\,h_1$$ $w_2$'s twin on "
          r"the path through $h_3$.",
    "w1": r"$$\boxed{\frac{\partial O}{\partial w_1} = s'(z_O)\,\bigl(w_4\, s'(z_2)\, w_2 + "
          r"w_5\, s'(z_3)\, w_3\bigr)\, s'(z_1)\, I}$$ Two paths, added; on each path a weight "
          r"for every edge crossed and an $s'$ for every neuron passed; the common factors "
          r"$s'(z_O)$ and $s'(z_1)\,I$ once, outside the sum. At the worked example: "
          r"**0.0014291881022**, the slope the calculator showed."
          "\n\nEvery factor, path by path (read off the computational graph, output last):\n\n"
          r"| | $\partial z_1/\partial w_1$ | $s'(z_1)$ | edge to $h_{2/3}$ | $s'(z_{2/3})$ "
          "| edge to $O$ | $s'(z_O)$ |\n|---|---|---|---|---|---|---|\n"
          r"| path 1 (through $h_2$) | $I$ | $s'(z_1)$ | $w_2$ | $s'(z_2)$ | $w_4$ | $s'(z_O)$ |"
          "\n"
          r"| path 2 (through $h_3$) | $I$ | $s'(z_1)$ | $w_3$ | $s'(z_3)$ | $w_5$ | $s'(z_O)$ |"
          "\n\nThe seed learner's formula has every $s'$ and the sum, and none of the four "
          r"weights: $w_4 w_2 = w_5 w_3 = 0.25$ at the worked example, hence exactly 4× too "
          r"large.",
}

#: the lesson asks for these; the others are extra practice (optional, 0 points)
MAIN = ("w4", "w2", "w3", "w1")
ORDER = ("w4", "w2", "w3", "w1", "b1", "w5", "b4", "b2", "b3")
#: the variable the lesson's answer cell defines, where it is not ``dO_d<p>``
#: (exercise 2b asks for dO/dw3 as a formula string)
_ANSWER_NAMES = {"w3": "dO_dw3_formula"}

for _p in ORDER:
    scalar_exercise(
        forbidden=DIAMOND_GRADIENT + NUMERICAL_GRADIENT,
        id=f"diamond.dO_d{_p}", lesson=LESSON, answer_name=_ANSWER_NAMES.get(_p, f"dO_d{_p}"),
        title=_TITLES[_p],
        spec=SPECS[_p], hints=_HINTS[_p], points=1.0 if _p in MAIN else 0.0,
        reveal=_REVEALS.get(_p, ""),
        extra_mistakes=_GENERIC,
        answer_kinds="function or formula of I, w1..w5, b1..b4 and z1, h1, ..., zO, O",
    )
