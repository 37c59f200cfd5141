"""The catalogue of known mistakes for every diamond derivative, told in the lesson's names.

``catalogue(param)`` lists the mistakes that make sense for dO/d(param): for w1 and b1
(two paths) the path mistakes, for weights the input-factor mistakes, for every
parameter the slope and bias mistakes and the sign. Messages are callables of the values
at the point shown (``v["@w2"]``, ``v["ratio"]``, ``v["worked"]``).
"""

from __future__ import annotations

import re

import numpy as np

from course._grading.exercises._diamond_catalogue import (
    ACT,
    BIAS,
    INPUT,
    NODE,
    nodes_on_the_way,
    variant,
)
from course._grading.scalar import Mistake
from course.nn.activations import sigmoid_prime as d
from course.nn.networks import BIASES

__all__ = ["catalogue"]

Z_DEF = {"z1": "z1 = I·w1 + b1", "z2": "z2 = h1·w2 + b2", "z3": "z3 = h1·w3 + b3",
         "zO": "zO = h2·w4 + h3·w5 + b4"}
_BIAS_HINT = "Every pre-activation has its bias: z1 = I·w1 + b1, ... zO = h2·w4 + h3·w5 + b4."


def _g(x: float) -> str:
    return f"{x:.4g}"


def _at(v: dict) -> str:
    return "at the worked example" if v.get("worked") else "at the point shown"


def _times(k: float) -> str:
    """``4× too large`` for a ratio (yours / true) of 4."""
    if not np.isfinite(k) or k == 0:
        return "wrong"
    size = f"{_g(abs(k))}× too large" if abs(k) >= 1 else f"{_g(1 / abs(k))}× too small"
    return size + (" and of the wrong sign" if k < 0 else "")


def _subsets(items: tuple) -> list[tuple]:
    """Every subset of ``items``, the empty one first."""
    return [tuple(x for i, x in enumerate(items) if mask >> i & 1)
            for mask in range(2 ** len(items))]


def _two_path(param: str) -> list[Mistake]:
    q = f"dO/d{param}"

    def dropped_all(v):
        a, b = v["@w2"] * v["@w4"], v["@w3"] * v["@w5"]
        if np.isclose(a, b):
            size = f"both {_g(a)} {_at(v)}, so your value is {_times(v['ratio'])}"
        else:
            size = f"w2·w4 = {_g(a)} and w3·w5 = {_g(b)} {_at(v)}"
        return ("you dropped the weights on the paths: your value is off by exactly w2·w4 "
                f"through h2 and w3·w5 through h3 ({size}). A change on its way from h1 to O "
                "is multiplied by the weight of every edge it crosses: w2 then w4, or w3 then "
                "w5.")

    def dropped_outer(v):
        return ("you dropped the outer weights w4 and w5: the path through h2 needs w4 "
                f"(= {_g(v['@w4'])}) and the path through h3 needs w5 (= {_g(v['@w5'])}), "
                "because dzO/dh2 = w4 and dzO/dh3 = w5.")

    def dropped_inner(v):
        return ("you dropped the inner weights w2 and w3: the path through h2 needs w2 "
                f"(= {_g(v['@w2'])}) and the path through h3 needs w3 (= {_g(v['@w3'])}), "
                "because dz2/dh1 = w2 and dz3/dh1 = w3.")

    def one_path(kept, missing, weights):
        return (f"you followed only the path through {kept}: {param} also reaches O through "
                f"{missing} (via {weights}), and the two paths add — the sum rule. Your value "
                f"is the {kept} path alone.")

    def swapped(pair, edges):
        a, b = pair
        return (f"you swapped {a} and {b} between the two paths: {edges}. At the worked example "
                f"{a} = {b}, so there the swap is invisible — the checker's other points "
                "are not symmetric.")

    mult = ("you multiplied the two paths; they add. The path through h2 (w4·d(z2)·w2) and "
            "the path through h3 (w5·d(z3)·w3) each carry part of the change of h1 to zO, "
            "and the total is the one plus the other — the sum rule. d(zO) and "
            f"dh1/d{param} are common to both paths: written once, outside the sum.")
    return [
        Mistake("weights-dropped", "all weights on the paths dropped (w2·w4 through h2, "
                "w3·w5 through h3)", variant(param, skip=("w2", "w3", "w4", "w5")),
                dropped_all, "Count the edges between h1 and O on each path: each edge's "
                "weight multiplies in."),
        Mistake("outer-weights-dropped", "w4 and w5 dropped", variant(param, skip=("w4", "w5")),
                dropped_outer),
        Mistake("inner-weights-dropped", "w2 and w3 dropped", variant(param, skip=("w2", "w3")),
                dropped_inner),
        Mistake("outer-weights-swapped", "w4 and w5 swapped between the paths",
                variant(param, swap={"w4": "w5", "w5": "w4"}),
                lambda v: swapped(("w4", "w5"), "the path through h2 reaches O along the edge "
                                  "h2 → O, weight w4, and the path through h3 along h3 → O, "
                                  "weight w5 (zO = h2·w4 + h3·w5 + b4)")),
        Mistake("inner-weights-swapped", "w2 and w3 swapped between the paths",
                variant(param, swap={"w2": "w3", "w3": "w2"}),
                lambda v: swapped(("w2", "w3"), "the path through h2 leaves h1 along the edge "
                                  "h1 → h2, weight w2, and the path through h3 along h1 → h3, "
                                  "weight w3")),
        Mistake("h3-path-missing", "only the path through h2", variant(param, paths=(0,)),
                lambda v: one_path("h2", "h3", "w3 and w5")),
        Mistake("h2-path-missing", "only the path through h3", variant(param, paths=(1,)),
                lambda v: one_path("h3", "h2", "w2 and w4")),
        # the paths multiplied, with each shared factor (d(zO), d(z1), I) written once or
        # into both paths' products: every way of writing it is the same mistake
        *(Mistake("paths-multiplied", "the two paths multiplied instead of added",
                  variant(param, combine="product", repeat=r), lambda v: mult)
          for r in _subsets(("outer", "node", "input") if param in INPUT else ("outer", "node"))),
        Mistake("derivative-missing-hidden", "d(z2) and d(z3) missing on the paths",
                variant(param, slopes={"z2": "missing", "z3": "missing"}),
                lambda v: (f"the hidden neurons' slopes d(z2) and d(z3) are missing from {q}: "
                           "h2 = s(z2) passes every change of z2 on multiplied by d(z2) "
                           f"(= {_g(d(v['@z2']))} here), h3 likewise by d(z3).")),
    ]


def _single_path(param: str) -> list[Mistake]:
    if NODE[param] not in ("z2", "z3"):
        return []
    node, twin = NODE[param], {"w2": "w3", "w3": "w2", "b2": "b3", "b3": "b2"}[param]
    out_w = "w4" if node == "z2" else "w5"
    h = ACT[node]
    other = "h3" if h == "h2" else "h2"
    return [
        Mistake("weights-dropped", f"the weight {out_w} on the path dropped",
                variant(param, skip=(out_w,)),
                lambda v: (f"you dropped the weight {out_w} on the path: your value is missing "
                           f"the factor {out_w} (= {_g(v['@' + out_w])} {_at(v)}) — the "
                           f"change of {h} reaches zO = h2·w4 + h3·w5 + b4 multiplied by "
                           f"{out_w}.")),
        Mistake("wrong-path", f"the path through {other} (that is dO/d{twin})",
                variant(twin), lambda v: (f"that is dO/d{twin}, the path through {other}; "
                                          f"{param} sits on the path through {h}.")),
        *(Mistake("wrong-weight", f"{w} where the edge {h} → O's weight {out_w} belongs",
                  variant(param, skip=(out_w,), extra=(w,)),
                  lambda v, w=w: (f"you multiplied by {w} where {out_w} belongs: the change of "
                                  f"{h} reaches zO = h2·w4 + h3·w5 + b4 through the edge "
                                  f"{h} → O, whose weight is {out_w}."))
          for w in ("w" + node[1], {"w4": "w5", "w5": "w4"}[out_w])),
        *(Mistake("wrong-neuron-slope", f"d({z}) where d({node}) belongs",
                  variant(param, slopes={node: "at:" + z}),
                  lambda v, z=z: (f"you took the slope of the wrong neuron: d({z}) where "
                                  f"d({node}) belongs — {param} feeds {node}, and {h} = "
                                  f"s({node}) passes its change on multiplied by d({node})."))
          for z in ("z1", {"z2": "z3", "z3": "z2"}[node])),
        Mistake("both-paths", "both paths summed, though only one passes " + param,
                variant(param, also=twin),
                lambda v: (f"{param} reaches O along one path only, through {h}: the sum over "
                           f"two paths belongs to w1 and b1, the {other} term does not belong "
                           "here.")),
    ]


def _slopes(param: str) -> list[Mistake]:
    nodes = nodes_on_the_way(param)
    hidden = tuple(n for n in nodes if n != "zO")
    acts = ", ".join(f"d({ACT[n]})" for n in ("zO", *hidden))
    zs = ", ".join(f"d({n})" for n in ("zO", *hidden))
    rows = [
        Mistake("d-of-activation", "d applied to the activations instead of the pre-activations",
                variant(param, slopes={"*": "activation"}),
                lambda v: (f"you applied d to the activations ({acts}); d takes the "
                           f"pre-activations: {zs} — e.g. d(zO) with {Z_DEF['zO']}."
                           if hidden else
                           f"you applied d to the activation O (d(O)); d takes the "
                           f"pre-activation: d(zO), with {Z_DEF['zO']}.")),
        Mistake("s-instead-of-d", "s where its derivative d belongs",
                variant(param, slopes={"*": "s"}),
                lambda v: (f"you used the sigmoid s where its slope d = s(1 − s) belongs: {zs}"
                           ", not s(...).")),
        Mistake("d-formula-on-z", "z(1 − z) instead of s(z)(1 − s(z))",
                variant(param, slopes={"*": "z(1-z)"}),
                lambda v: ("you computed z·(1 − z); the sigmoid's slope is d(z) = "
                           "s(z)·(1 − s(z)) — s first, then the formula.")),
    ]
    if hidden:
        rows += [
            Mistake("d-of-activation-output", "d(O) instead of d(zO)",
                    variant(param, slopes={"zO": "activation"}),
                    lambda v: ("you wrote d(O) where d(zO) belongs: d takes the "
                               f"pre-activation, {Z_DEF['zO']}, not O = s(zO).")),
            Mistake("d-of-activation-hidden", "d(h) instead of d(z) at the hidden neurons",
                    variant(param, slopes={n: "activation" for n in hidden}),
                    lambda v: (f"you applied d to the hidden activations "
                               f"({', '.join(f'd({ACT[n]})' for n in hidden)}); d takes the "
                               f"pre-activations: {', '.join(f'd({n})' for n in hidden)}.")),
        ]
    if len(hidden) > 1:       # two paths: d at one activation only, h1 or h2 and h3
        for part in (hidden[:1], hidden[1:]):
            wrote = ", ".join(f"d({ACT[n]})" for n in part)
            right = ", ".join(f"d({n})" for n in part)
            rows.append(Mistake(
                "d-of-activation-" + "-".join(ACT[n] for n in part),
                f"{wrote} instead of {right}",
                variant(param, slopes={n: "activation" for n in part}),
                lambda v, wrote=wrote, right=right, part=part: (
                    f"you wrote {wrote} where {right} "
                    + ("belongs" if len(part) == 1 else "belong")
                    + ": d takes the pre-activation, "
                    + "; ".join(Z_DEF[n] for n in part) + ".")))
    # one slope missing (derivative-missing-z1, ...) is generated from the graph
    # (course._grading.diagnosis): its message says the same, so it is not listed here
    node = NODE[param]
    if node == "zO":          # b4 enters only inside d(zO): that is bias-forgotten-b4
        return rows
    rows.append(Mistake(
        "bias-forgotten-in-d", f"the bias left out inside d({node})",
        variant(param, slopes={node: "no-bias"}),
        lambda v: (f"inside d({node}) you left out the bias: {Z_DEF[node]}, so write "
                   f"d({Z_DEF[node].split(' = ')[1]}), not without + {BIAS[node]} "
                   f"({BIAS[node]} = 1 unless you name it)."), _BIAS_HINT))
    return rows


def _inputs(param: str) -> list[Mistake]:
    node = NODE[param]
    if param not in INPUT:                      # a bias: dz/db = 1
        weight = {"b1": "w1", "b2": "w2", "b3": "w3"}.get(param)
        rows = [Mistake("extra-bias", f"an extra factor {param}", variant(param, extra=(param,)),
                        lambda v: (f"your value has an extra factor {param}: {Z_DEF[node]} "
                                   f"moves by exactly 1 per unit of {param}, so d{node}/d{param}"
                                   " = 1."))]
        if weight:
            rows.append(Mistake(
                "input-included", f"multiplied by {INPUT[weight]} (that is dO/d{weight})",
                variant(weight),
                lambda v: (f"that is dO/d{weight}: {param} is added to {node} directly, so "
                           f"d{node}/d{param} = 1 and there is no factor {INPUT[weight]}.")))
        return rows
    x = INPUT[param]
    rows = [
        Mistake("input-missing", f"the input factor {x} missing", variant(param, inp=None),
                lambda v: (f"your value is missing the factor {x} (= {_g(v['@' + x])} "
                           f"{_at(v)}): {Z_DEF[node]} changes by {x} per unit of {param}, "
                           f"so d{node}/d{param} = {x}.")),
        Mistake("weight-instead-of-input", f"{param} where {x} belongs",
                variant(param, inp=param),
                lambda v: (f"you multiplied by {param} where {x} belongs: d{node}/d{param} = "
                           f"{x}, the value the weight multiplies ({param} is d{node}/d{x}, "
                           f"the slope with respect to {x}, not with respect to {param}).")),
        Mistake("extra-weight", f"an extra factor {param}", variant(param, extra=(param,)),
                lambda v: (f"your value has an extra factor {param} (= {_g(v['@' + param])} "
                           f"{_at(v)}): the weight you differentiate by does not multiply "
                           f"its own derivative — d{node}/d{param} = {x}, nothing more.")),
    ]
    out = ACT[node]                 # the activation the edge leads into
    rows.append(Mistake(
        f"input-{out}", f"{out}, the activation the edge leads into, instead of its input {x}",
        variant(param, inp=out),
        lambda v: (f"you multiplied by {out}, the activation the edge {param} leads into; "
                   f"d{node}/d{param} = {x}, the value {param} multiplies on its way in "
                   f"({Z_DEF[node]}).")))
    wrong = {"w2": ("I", "z1"), "w3": ("I", "z1"), "w4": ("h3", "z2"), "w5": ("h2", "z3")}
    for other in wrong.get(param, ()):
        why = (f"the pre-activation {other} where its activation {x} = s({other}) belongs: "
               f"the edge {param} carries {x}" if other.startswith("z") else
               f"{other} where {x} belongs: the edge {param} carries {x}")
        rows.append(Mistake(
            f"input-{other}", f"{other} instead of the input {x}", variant(param, inp=other),
            lambda v, why=why: f"you multiplied by {why}, so d{node}/d{param} = {x}."))
    return rows


def _biases(param: str) -> list[Mistake]:
    rows = [Mistake("biases-forgotten", "every bias left out of the forward pass",
                    variant(param, drop=BIASES),
                    lambda v: ("you left the biases out: every pre-activation has one — "
                               "z1 = I·w1 + b1, z2 = h1·w2 + b2, z3 = h1·w3 + b3, "
                               "zO = h2·w4 + h3·w5 + b4 (each 1 unless you name it)."),
                    _BIAS_HINT)]
    for z, b in BIAS.items():
        rows.append(Mistake(
            f"bias-forgotten-{b}", f"{b} left out of {z}", variant(param, drop=(b,)),
            lambda v, z=z, b=b: (f"you left the bias {b} out of {z}: {Z_DEF[z]} ({b} = 1 "
                                 "unless you name it), and everything computed from it "
                                 "changes."), _BIAS_HINT))
    return rows


_D_CALL = re.compile(r"\bd\(")
_D_WORD = re.compile(r"\bd(?= takes| = | to |'s)")


def in_s_prime(text: str) -> str:
    """A message in the lesson's words: the sigmoid's slope is s′ (``s′(zO)``), as code and
    the derivation write it; a formula's ``d(zO)`` is named once, in brackets."""
    said = _D_WORD.sub("s′", _D_CALL.sub("s′(", text)).replace("s′'s", "s′")
    if said == text:
        return text
    return said + " (In a formula, s′(z) may be written s'(z) or d(z).)"


def _in_s_prime(m: Mistake) -> Mistake:
    message = m.message
    said = ((lambda v, _m=message: in_s_prime(_m(v))) if callable(message)
            else in_s_prime(message))
    return Mistake(m.id, m.meaning, m.fn, said, m.hint and in_s_prime(m.hint))


def catalogue(param: str) -> tuple[Mistake, ...]:
    """Every known mistake for dO/d(param), most telling first, in the lesson's words."""
    return tuple(_in_s_prime(m) for m in _catalogue(param))


def _catalogue(param: str) -> tuple[Mistake, ...]:
    rows = []
    if NODE[param] == "z1":
        rows += _two_path(param)
    rows += _single_path(param) + _inputs(param) + _slopes(param) + _biases(param)
    rows.append(Mistake("sign", "the right magnitude with the wrong sign",
                        variant(param, sign=-1.0),
                        lambda v: (f"your dO/d{param} has the wrong sign everywhere: every "
                                   "factor is a product of slopes, weights and inputs — check "
                                   "for a stray minus.")))
    return tuple(rows)
