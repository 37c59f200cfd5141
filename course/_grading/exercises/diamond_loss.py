"""Lesson 03 exercises on the loss: ∂L/∂w4 and ∂L/∂w1 for L = ½(O − y)².

::

    I --w1--> h1 --w2--> h2 --w4--> O --> L = ½(O − y)²
                 \\--w3--> h3 --w5--/

The loss sits after the output, so every derivative of L is the output's derivative times
one more factor, the loss factor dL/dO = O − y (BP1's ∂L/∂a)::

    ∂L/∂p = (O − y) · dO/dp

An answer is a function or a formula of ``I, w1..w5, b1..b4`` and the target ``y`` (the
checker varies y too, so a y hard-wired to one value fails), and may use the forward pass's
``z1, h1, ..., zO, O``. Mistakes come from three places: the loss's own (the factor O − y
left out, written y − O, 2(O − y), the loss L itself), every lesson-03 mistake of dO/dp
carried through the loss factor (the seed's 4×, a path missing, ...), and the edits of the
loss's computational graph (``DiamondNet.graph(loss=True)``).
"""

from __future__ import annotations

import numpy as np

from course._grading.exercises import _diamond_catalogue as cat
from course._grading.exercises._diamond_messages import catalogue
from course._grading.exercises.diamond import (
    _GENERIC,
    DERIVED,
    HELD,
    WORKED,
    forward_values,
    sample,
)
from course._grading.references import DIAMOND_GRADIENT, NUMERICAL_GRADIENT
from course._grading.scalar import GraphTarget, Mistake, ScalarSpec, scalar_exercise
from course.nn.networks import PARAMS, DiamondNet

__all__ = ["LESSON", "VARIABLES", "WORKED_LOSS", "SPECS", "dL_d", "loss_catalogue"]

LESSON = "03_diamond_network"
VARIABLES = ("I", *PARAMS, "y")
#: the worked example with a target: y = 1 (O = 0.8586 is too small, dL/dO = O − y < 0)
WORKED_LOSS = {**WORKED, "y": 1.0}
#: the diamond followed by its loss: e = O − y, e2 = e², L = ½·e2
GRAPH = DiamondNet.graph(loss=True)


def dL_d(param: str):
    """The reference ∂L/∂(param), a vectorized function of ``I, w1..w5, b1..b4, y``."""
    def fn(I, w1, w2, w3, w4, w5, b1=1.0, b2=1.0, b3=1.0, b4=1.0, *, y):
        return DiamondNet(w1, w2, w3, w4, w5, b1, b2, b3, b4).loss_gradient(I, y)[param]
    fn.__name__ = f"dL_d{param}"
    fn.__doc__ = f"dL/d{param} of the diamond's loss ½(O − y)² (``DiamondNet.loss_gradient``)."
    return fn


def _sample(rng: np.random.Generator, n: int) -> dict:
    """The diamond's random points, and targets y in [−0.5, 1.5] (never within 0.1 of 0 or 1)."""
    out = sample(rng, n)
    y = rng.uniform(-0.5, 1.1, n)
    out["y"] = np.where(np.abs(y) < 0.1, y + 0.3, np.where(np.abs(y - 1) < 0.1, y + 0.4, y))
    return out


def _O(values: dict, drop=()):
    return cat.forward(values, drop)["O"]


def _g(x: float) -> str:
    return f"{x:.4g}"


def _at(v: dict) -> str:
    return "at the worked example" if v.get("worked") else "at the point shown"


def _own(param: str) -> list[Mistake]:
    """The loss's own mistakes: its factor O − y left out, flipped, doubled, or L itself."""
    dO = cat.reference(param)

    def times(k):
        def fn(**v):
            e = _O(v) - v["y"]
            return k(e) * dO(**{n: v[n] for n in VARIABLES if n != "y"})
        return fn

    rule = ("L = ½(O − y)² comes after O, so every derivative of L starts with dL/dO = O − y: "
            f"dL/d{param} = (O − y)·dO/d{param}")
    return [
        Mistake("loss-factor-missing", "the loss factor (O − y) missing: that is dO/d" + param,
                times(lambda e: 1.0),
                lambda v: (f"the loss factor (O − y) is missing (= {_g(v['@O'] - v['@y'])} "
                           f"{_at(v)}): your value is dO/d{param}, the derivative of the "
                           f"output, not of the loss. {rule}."),
                "The loss L = ½(O − y)² sits after O on the graph: one more edge, one more "
                "factor."),
        Mistake("loss-factor-sign", "(y − O) instead of (O − y): the sign flipped",
                times(lambda e: -e),
                lambda v: ("you wrote the loss factor as (y − O); it is dL/dO = O − y "
                           f"(= {_g(v['@O'] - v['@y'])} {_at(v)}): ½·2(O − y) times "
                           "d(O − y)/dO = +1. With y − O every gradient step would climb the "
                           "loss instead of descending it.")),
        Mistake("loss-half-missing", "2(O − y): the ½ of the loss left out",
                times(lambda e: 2 * e),
                lambda v: ("your value is exactly 2× too large: 2(O − y) is the derivative of "
                           "(O − y)²; the loss has a ½ in front, L = ½(O − y)², so that it "
                           "cancels the 2 — dL/dO = O − y.")),
        Mistake("loss-itself", "the loss L = ½(O − y)² where its derivative O − y belongs",
                times(lambda e: 0.5 * e ** 2),
                lambda v: ("you multiplied by the loss itself, L = ½(O − y)² "
                           f"(= {_g(0.5 * (v['@O'] - v['@y']) ** 2)} {_at(v)}); the chain rule "
                           "multiplies by its derivative, dL/dO = O − y.")),
        Mistake("loss-squared", "(O − y)² where O − y belongs", times(lambda e: e ** 2),
                lambda v: ("you multiplied by (O − y)²; the loss's derivative is "
                           "dL/dO = ½·2(O − y) = O − y, one power less.")),
    ]


def _carried(param: str) -> list[Mistake]:
    """Every dO/d(param) mistake of lesson 03, with the loss factor done right (its sign
    flip is the loss factor's: ``loss-factor-sign``)."""
    out = []
    for m in catalogue(param):
        if m.id == "sign":
            continue
        drop = getattr(m.fn, "drop", ())

        def fn(_m=m, _drop=drop, **v):
            return (_O(v, _drop) - v["y"]) * _m.fn(**v)

        def message(v, _m=m):
            text = _m.message(v) if callable(_m.message) else _m.message
            return text.replace("dO/d", "dL/d") + (
                " (The loss factor O − y is right; the mistake is in the factors after it.)")
        out.append(Mistake(m.id, m.meaning.replace("dO/d", "dL/d"), fn, message, m.hint))
    return out


def loss_catalogue(param: str) -> tuple[Mistake, ...]:
    """The catalogue of ∂L/∂(param): the loss's own mistakes first, then the carried ones."""
    return (*_own(param), *_carried(param))


def _spec(param: str) -> ScalarSpec:
    return ScalarSpec(
        variables=VARIABLES, reference=dL_d(param), sample=_sample, worked=WORKED_LOSS,
        defaults=HELD, mistakes=loss_catalogue(param), quantity=f"dL/d{param}",
        rtol=1e-6, atol=1e-13, rtol32=1e-4, derived=forward_values, derived_names=DERIVED,
        factors=lambda v: {**cat.factors(v), "O − y": (v["O"] if "O" in v else _O(v)) - v["y"]},
        graph=GraphTarget(GRAPH, "L", param, params=PARAMS, prime="s′({})", prediction="O",
                          loss_factor="O − y"),
    )


#: the spec of every ∂L/∂(param), by parameter (two are exercises; the self-test uses b1)
SPECS = {p: _spec(p) for p in PARAMS}

_HINTS = {
    "w4": ("The loss is one more node after O on the graph: w4 → zO → O → L. One factor per "
           "arrow.",
           "dL/dw4 = (dL/dO)·(dO/dw4): you have dO/dw4 from exercise 1; dL/dO is the "
           "derivative of ½(O − y)² with respect to O.",
           "The chain rule brings the 2 of the square down and the ½ cancels it: one new "
           "factor, a difference of O and y — in that order — times your dO/dw4."),
    "w1": ("Same as dL/dw4: the loss adds one factor after O, whatever the parameter.",
           "dL/dw1 = (dL/dO)·(dO/dw1), and you have written dO/dw1 in exercise 3.",
           "Multiply your dO_dw1 (both paths, every weight) by the loss factor you found for "
           "dL/dw4 — the same factor, since O → L is the same edge for every parameter."),
}
_TITLES = {"w4": "dL/dw4: the loss L = ½(O − y)² after the output, one more factor",
           "w1": "dL/dw1: the loss factor times both paths"}
_REVEALS = {
    "w4": r"$$\frac{\partial L}{\partial w_4} = (O - y)\,s'(z_O)\,h_2$$ The loss adds one edge "
          r"after $O$; its factor $\partial L/\partial O = \tfrac12\cdot 2(O - y) = O - y$ "
          r"multiplies lesson 03's $\partial O/\partial w_4$. That first factor is BP1's "
          r"$\partial L/\partial a$.",
    "w1": r"$$\frac{\partial L}{\partial w_1} = (O - y)\,s'(z_O)\,\bigl(w_4\,s'(z_2)\,w_2 + "
          r"w_5\,s'(z_3)\,w_3\bigr)\,s'(z_1)\,I$$ The loss factor $O - y$ once, in front of "
          r"both paths (the edge $O \to L$ is shared by every path). At the worked example with "
          r"$y = 1$: $-0.000202$, negative — raising $w_1$ lowers the loss.",
}

for _p in ("w4", "w1"):
    scalar_exercise(
        forbidden=DIAMOND_GRADIENT + NUMERICAL_GRADIENT,
        id=f"diamond.dL_d{_p}", lesson=LESSON, answer_name=f"dL_d{_p}", title=_TITLES[_p],
        spec=SPECS[_p], hints=_HINTS[_p], points=1.0, reveal=_REVEALS[_p],
        extra_mistakes=_GENERIC,
        answer_kinds="function or formula of I, w1..w5, b1..b4, y and z1, h1, ..., zO, O",
    )
