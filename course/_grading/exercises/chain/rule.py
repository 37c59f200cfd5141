"""``chain.dy_dw2`` and ``chain.dy_dw1``: the chain rule through x → h → y, as a function or a
formula of ``x, w1, w2, b1, b2`` (biases held at 1 unless named) and the forward values
``z1, h, z2, y``.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from course._grading.exercises.chain.reference import (
    DERIVED,
    LESSON,
    VARIABLES,
    WORKED,
    d,
    dy_dw1,
    dy_dw2,
    forward,
    graph,
    s,
)
from course._grading.references import NUMERICAL_GRADIENT
from course._grading.scalar import GraphTarget, Mistake, Probe, ScalarSpec, scalar_exercise

GRAPH = graph()


def _target(wrt: str) -> GraphTarget:
    """dy/d(wrt) in the chain's graph: its mistakes are generated from the path's factors."""
    return GraphTarget(GRAPH, "y", wrt, params=("w1", "w2", "b1", "b2"), prime="s'({})")


def _sample(rng: np.random.Generator, n: int) -> dict:
    return {"x": rng.uniform(-2, 2, n), "w1": rng.uniform(-2, 2, n),
            "w2": rng.uniform(-2, 2, n), "b1": rng.uniform(-1.5, 1.5, n),
            "b2": rng.uniform(-1.5, 1.5, n)}


def _variant(expr, drop: str = ""):
    """A mistaken answer ``expr(v)`` over the forward values ``v.x, v.w2, v.z1, v.h, v.z2, v.y``.

    ``drop`` ("b1", "b2" or "b1 b2") leaves those biases out of the forward pass.
    """
    def fn(x, w1, w2, b1=1.0, b2=1.0, **forward_values):    # z1, h, ... recomputed here
        b = {"b1": b1, "b2": b2, **{name: 0.0 for name in drop.split()}}
        return expr(SimpleNamespace(x=x, w1=w1, w2=w2, **forward(x, w1, w2, **b)))
    return fn


def _reference(fn):
    """``fn`` called with the variables only (the checker may pass the forward values too)."""
    def reference(x, w1, w2, b1=1.0, b2=1.0, **forward_values):
        return fn(x, w1, w2, b1, b2)
    reference.__name__ = fn.__name__
    return reference


def _derived(values: dict) -> dict:
    """The forward values ``z1, h, z2, y`` an answer may name."""
    return forward(values["x"], values["w1"], values["w2"], values["b1"], values["b2"])


def _factors(values: dict) -> dict:
    """Candidates for "your value is missing the factor ...", in the lesson's names."""
    v = {**values, **_derived(values)}
    out = {k: v[k] for k in ("x", "w1", "w2", "b1", "b2", "h", "y", "z1", "z2")}
    out.update({"s'(z1)": d(v["z1"]), "s'(z2)": d(v["z2"])})
    return out


def _catalogue(rows) -> tuple[Mistake, ...]:
    """Mistakes from rows ``(id, meaning, expr, message[, drop])``; a dropped bias gets a hint."""
    out = []
    for mid, meaning, expr, message, *drop in rows:
        out.append(Mistake(mid, meaning, _variant(expr, *drop), message,
                           _BIAS_HINT if drop else None))
    return tuple(out)


_BIAS_HINT = "z1 = w1·x + b1 and z2 = w2·h + b2: each bias is 1 here, and it stays in."
_SIGN = "your answer has the wrong sign everywhere: no step of this chain brings a minus sign"

DY_DW2 = ScalarSpec(
    variables=VARIABLES, reference=_reference(dy_dw2), sample=_sample, worked=WORKED,
    defaults={"b1": 1.0, "b2": 1.0}, quantity="dy/dw2", graph=_target("w2"),
    derived=_derived, derived_names=DERIVED, factors=_factors,
    mistakes=_catalogue((
        ("d-of-activation", "s' applied to the output y instead of z2", lambda v: d(v.y) * v.h,
         "you applied s' to the output y = s(z2); s' takes the pre-activation: s'(z2) with "
         "z2 = w2·h + b2"),
        ("x-instead-of-h", "x where the edge's input h belongs", lambda v: d(v.z2) * v.x,
         "you multiplied by x, but w2 multiplies h, not x: dz2/dw2 = h"),
        ("input-missing", "s'(z2) alone (dz2/dw2 = h missing)", lambda v: d(v.z2),
         "your value is missing the factor h (= {inv_ratio:.4g} here): z2 = w2·h + b2 changes "
         "by h per unit of w2, so dz2/dw2 = h multiplies in"),
        ("weight-instead-of-input", "s'(z2)·w2 (that is dy/dh)", lambda v: d(v.z2) * v.w2,
         "s'(z2)·w2 is dy/dh, how y moves with h; for dy/dw2 the factor is dz2/dw2 = h, the "
         "value the weight multiplies"),
        ("extra-weight", "s'(z2)·h·w2: the weight multiplies its own derivative",
         lambda v: d(v.z2) * v.h * v.w2,
         "your value has an extra factor w2 (= {@w2:.4g} here): the weight you differentiate "
         "by does not multiply its own derivative — dz2/dw2 = h, nothing more"),
        ("past-the-edge", "the chain continued past w2's edge (s'(z2)·s'(z1)...)",
         lambda v: d(v.z2) * d(v.z1),
         "your chain goes on past the edge w2 towards x; it stops at w2: dz2/dw2 = h, "
         "the value arriving on that edge"),
        ("past-the-edge", "the chain continued past w2's edge (s'(z2)·h·s'(z1)·x)",
         lambda v: d(v.z2) * v.h * d(v.z1) * v.x,
         "your chain goes on past the edge w2 towards x (the factors s'(z1)·x); it stops at "
         "w2: dz2/dw2 = h, the value arriving on that edge, and nothing before it"),
        ("dy-dw1-instead", "dy/dw1 instead of dy/dw2", lambda v: d(v.z2) * v.w2 * d(v.z1) * v.x,
         "that is dy/dw1; w2 sits one edge closer to y: dy/dw2 = s'(z2)·h"),
        ("s-instead-of-d", "s(z2) where s'(z2) belongs", lambda v: s(v.z2) * v.h,
         "you used s(z2), the sigmoid itself, where its derivative s'(z2) = s(z2)(1 − s(z2)) "
         "belongs"),
        ("d-formula-on-z", "z2(1 − z2) instead of s(z2)(1 − s(z2))",
         lambda v: v.z2 * (1 - v.z2) * v.h,
         "you computed z2·(1 − z2); the slope of the sigmoid is s(z2)·(1 − s(z2))"),
        ("derivative-missing", "h alone (s'(z2) missing)", lambda v: v.h,
         "you left out s'(z2): y = s(z2), so the change of z2 reaches y multiplied by the "
         "sigmoid's slope s'(z2)"),
        ("bias-forgotten", "b2 left out of z2", lambda v: d(v.z2) * v.h,
         "you left the bias out: z2 = w2·h + b2 (b2 = 1 unless you name it)", "b2"),
        ("bias-forgotten-inner", "b1 left out of z1 (so h is wrong)", lambda v: d(v.z2) * v.h,
         "your h leaves out the bias: h = s(w1·x + b1) (b1 = 1 unless you name it)", "b1"),
        ("biases-forgotten", "both biases left out (b1 in z1, b2 in z2)",
         lambda v: d(v.z2) * v.h,
         "you left both biases out: z1 = w1·x + b1 and z2 = w2·h + b2 (each 1 unless you name "
         "it)", "b1 b2"),
        ("sign", "the right magnitude with the wrong sign", lambda v: -d(v.z2) * v.h, _SIGN),
    )),
)

DY_DW1 = ScalarSpec(
    variables=VARIABLES, reference=_reference(dy_dw1), sample=_sample, worked=WORKED,
    defaults={"b1": 1.0, "b2": 1.0}, quantity="dy/dw1", graph=_target("w1"),
    derived=_derived, derived_names=DERIVED, factors=_factors,
    mistakes=_catalogue((
        ("weight-dropped", "the weight w2 on the path dropped", lambda v: d(v.z2) * d(v.z1) * v.x,
         "you dropped the weight w2: your value is missing the factor w2 (= {@w2:.4g} here). "
         "On its way from h to y the change passes the edge w2, and dz2/dh = w2 multiplies in"),
        ("d-of-activation", "s' applied to the activations h and y",
         lambda v: d(v.y) * v.w2 * d(v.h) * v.x,
         "you applied s' to the activations, s'(y) and s'(h); s' takes the pre-activations: "
         "s'(z2) and s'(z1)"),
        ("d-of-activation-outer", "s'(y) instead of s'(z2)",
         lambda v: d(v.y) * v.w2 * d(v.z1) * v.x,
         "you wrote s'(y); s' takes the pre-activation: s'(z2), z2 = w2·h + b2"),
        ("d-of-activation-inner", "s'(h) instead of s'(z1)",
         lambda v: d(v.z2) * v.w2 * d(v.h) * v.x,
         "you wrote s'(h); s' takes the pre-activation: s'(z1), z1 = w1·x + b1"),
        ("d-formula-on-z", "z(1 − z) instead of s(z)(1 − s(z))",
         lambda v: v.z2 * (1 - v.z2) * v.w2 * v.z1 * (1 - v.z1) * v.x,
         "you computed z·(1 − z); the slope of the sigmoid is s(z)·(1 − s(z)), at z1 and z2"),
        ("x-missing", "the input factor x missing", lambda v: d(v.z2) * v.w2 * d(v.z1),
         "the input factor is missing: your value lacks the factor x (= {@x:.4g} here). "
         "z1 = w1·x + b1 changes by x per unit of w1, so dz1/dw1 = x"),
        ("w1-instead-of-x", "w1 where x belongs (that is dy/dx)",
         lambda v: d(v.z2) * v.w2 * d(v.z1) * v.w1,
         "you ended the chain with w1, which gives dy/dx; for dy/dw1 the last factor is "
         "dz1/dw1 = x"),
        ("extra-weight", "an extra factor w1", lambda v: d(v.z2) * v.w2 * d(v.z1) * v.x * v.w1,
         "your value has an extra factor w1 (= {@w1:.4g} here): the weight you differentiate "
         "by does not multiply its own derivative — dz1/dw1 = x, nothing more"),
        ("h-instead-of-w2", "h where w2 belongs", lambda v: d(v.z2) * v.h * d(v.z1) * v.x,
         "you multiplied by h where w2 belongs: h is dz2/dw2 (it belongs in dy/dw2); passing "
         "*through* the edge from h to y gives dz2/dh = w2"),
        ("dy-dw2-instead", "dy/dw2 instead of dy/dw1", lambda v: d(v.z2) * v.h,
         "that is dy/dw2; w1 sits further from y, so the chain is longer: from h it goes on "
         "through z1 to w1, and every arrow on the way adds its factor"),
        ("s-instead-of-d", "s where s' belongs", lambda v: s(v.z2) * v.w2 * s(v.z1) * v.x,
         "you used the sigmoid s where its derivative s' = s(1 − s) belongs"),
        ("s-instead-of-d-inner", "h = s(z1) where s'(z1) belongs",
         lambda v: d(v.z2) * v.w2 * v.h * v.x,
         "you multiplied by h = s(z1) where the slope s'(z1) = h·(1 − h) belongs: the arrow "
         "z1 → h contributes how fast h changes, not h itself"),
        ("s-instead-of-d-outer", "y = s(z2) where s'(z2) belongs",
         lambda v: v.y * v.w2 * d(v.z1) * v.x,
         "you multiplied by y = s(z2) where the slope s'(z2) = y·(1 − y) belongs: the arrow "
         "z2 → y contributes how fast y changes, not y itself"),
        ("outer-derivative-missing", "s'(z2) missing", lambda v: v.w2 * d(v.z1) * v.x,
         "the last step's slope s'(z2) is missing: y = s(z2) multiplies every change of z2 "
         "by s'(z2)"),
        ("inner-derivative-missing", "s'(z1) missing", lambda v: d(v.z2) * v.w2 * v.x,
         "the first neuron's slope s'(z1) is missing: h = s(z1) multiplies every change of z1 "
         "by s'(z1)"),
        ("stopped-at-h", "s'(z1)·x: the chain stopped at h (that is dh/dw1)",
         lambda v: d(v.z1) * v.x,
         "s'(z1)·x is dh/dw1, how h moves with w1; the change still has to reach y: across the "
         "edge w2 (×w2) and through the output neuron (×s'(z2))"),
        ("factors-added", "the factors added instead of multiplied",
         lambda v: d(v.z2) * v.w2 + d(v.z1) * v.x,
         "you added the two halves of the chain; the chain rule multiplies them: "
         "(dy/dh)·(dh/dw1)"),
        ("bias-forgotten", "a bias left out (b1 in z1)", lambda v: d(v.z2) * v.w2 * d(v.z1) * v.x,
         "you left b1 out: z1 = w1·x + b1 (b1 = 1 unless you name it)", "b1"),
        ("bias-forgotten-outer", "a bias left out (b2 in z2)",
         lambda v: d(v.z2) * v.w2 * d(v.z1) * v.x,
         "you left b2 out: z2 = w2·h + b2 (b2 = 1 unless you name it)", "b2"),
        ("biases-forgotten", "both biases left out (b1 in z1, b2 in z2)",
         lambda v: d(v.z2) * v.w2 * d(v.z1) * v.x,
         "you left both biases out: z1 = w1·x + b1 and z2 = w2·h + b2 (each 1 unless you name "
         "it)", "b1 b2"),
        ("sign", "the right magnitude with the wrong sign",
         lambda v: -d(v.z2) * v.w2 * d(v.z1) * v.x, _SIGN),
    )),
    probes=(
        Probe({"w2": 1.0}, "your answer is right whenever w2 = 1: look at how w2 enters it"),
        Probe({"x": 1.0}, "your answer is right whenever x = 1: look at the input factor x"),
    ),
)

scalar_exercise(
    forbidden=NUMERICAL_GRADIENT,
    id="chain.dy_dw2", lesson=LESSON, answer_name="dy_dw2",
    reveal=r"$$\frac{\partial y}{\partial w_2} = s'(z_2)\,h$$ The outer slope, at the "
           r"pre-activation $z_2$, times the value $w_2$ multiplies.",
    title="dy/dw2 for y = s(w2·s(w1·x + b1) + b2), as a function or a formula",
    spec=DY_DW2,
    hints=(
        "Split y = s(z2) with z2 = w2·h + b2: dy/dw2 = (dy/dz2)·(dz2/dw2).",
        "dy/dz2 = s'(z2), evaluated at the pre-activation z2; dz2/dw2 is what w2 multiplies.",
        "Two factors: the sigmoid's slope at z2 (s(z2)(1 − s(z2)), z2 computed from x, w1, b1, w2,"
        " b2) times the hidden value that w2 multiplies.",
    ),
)

scalar_exercise(
    forbidden=NUMERICAL_GRADIENT,
    id="chain.dy_dw1", lesson=LESSON, answer_name="dy_dw1",
    reveal=r"$$\frac{\partial y}{\partial w_1} = s'(z_2)\,w_2\,s'(z_1)\,x$$ One factor per "
           r"arrow of $w_1 \to z_1 \to h \to z_2 \to y$: only the first differs from "
           r"$\partial y/\partial x$.",
    title="dy/dw1 for y = s(w2·s(w1·x + b1) + b2), as a function or a formula",
    spec=DY_DW1,
    hints=(
        "Follow the change from w1 to y: w1 → z1 → h → z2 → y. One factor per arrow.",
        "Each arrow carries its local derivative: out of a product, the other factor; out of a "
        "sigmoid node, its slope at its own input. Which of the four arrows is which?",
        "Multiply four factors, one per arrow: the first is what w1 multiplies in z1, the third "
        "is the weight the change crosses between h and z2, and the other two are sigmoid "
        "slopes — each at its own pre-activation, not at an activation.",
    ),
)
