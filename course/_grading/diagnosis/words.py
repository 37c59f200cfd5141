"""What each edit says, in the lesson's names, with the numbers at the point shown.

Factors are written output first, as the lessons write a chain (``w4·w2``, not
``w2·w4``): ``d(zO)·w4·d(z2)·w2·d(z1)·I``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course._grading.diagnosis.paths import EXPLICIT, Structure

__all__ = ["Context", "EXPLICIT"]


@dataclass(frozen=True)
class Context:
    """The structure at the points, the index ``i`` of the point shown, and how to call it
    (``at the worked example`` / ``at the point shown``)."""

    S: Structure
    i: int
    where: str

    @property
    def t(self):
        return self.S.target

    def num(self, labels) -> str:
        """The product of the factors ``labels`` at the point shown, to 4 digits."""
        v = float(np.prod([self.S.factor(label)[self.i] for label in labels]))
        return f"{v:.4g}"

    def name(self, i: int) -> str:
        return self.t.names[i]

    def term(self, i: int, skip=()) -> str:
        """Path ``i``'s factors, output first: ``d(zO)·w4·d(z2)·w2``."""
        return "·".join(f.label for f in reversed(self.S.paths[i]) if f.label not in skip)


def _ordered(S: Structure, i: int, labels) -> list[str]:
    return [f.label for f in reversed(S.paths[i]) if f.label in labels]


def _whys(ctx: Context, where: dict) -> str:
    seen = dict.fromkeys(f.edge.why for i in sorted(where) for f in reversed(ctx.S.paths[i])
                         if f.label in where[i])
    return ", ".join(seen)


def _loss_paths(ctx: Context, where: dict) -> list[int] | None:
    """The paths on which ``where`` drops exactly the loss's factors (None: it drops
    anything else too)."""
    paths = []
    for i, labels in where.items():
        loss = {f.label for f in ctx.S.paths[i] if f.edge.kind == "loss"}
        if not loss or set(labels) != loss:
            return None
        paths.append(i)
    return paths or None


def loss_dropped(ctx: Context, paths: list[int] | None = None) -> str:
    """The loss factor left out (on every path: the derivative of the prediction instead)."""
    t, S = ctx.t, ctx.S
    factor = t.loss_factor or S.between(t.prediction, t.output)
    value = ctx.num([f.label for f in S.paths[0] if f.edge.kind == "loss"])
    rule = (f"{t.output} comes after {t.prediction}, so every derivative of {t.output} starts "
            f"with d{t.output}/d{t.prediction} = {factor}")
    if paths is None or len(paths) == len(S.paths):
        return (f"the loss factor ({factor}) is missing (= {value} {ctx.where}): your value "
                f"is d{t.prediction}/d{t.wrt}, not {t.quantity}. {rule}")
    names = " and ".join(ctx.name(i) for i in paths)
    return (f"on the path through {names} the loss factor ({factor}) is missing (= {value} "
            f"{ctx.where}): every path from {t.wrt} to {t.output} ends with the same edges "
            f"{t.prediction} → {t.output}. {rule} — write it once, in front of the sum")


def dropped(ctx: Context, where: dict, what: str | None) -> str:
    S, t = ctx.S, ctx.t
    where = {i: ls for i, ls in where.items() if ls}
    if t.prediction and _loss_paths(ctx, where):
        return loss_dropped(ctx, _loss_paths(ctx, where))
    lists = {i: _ordered(S, i, ls) for i, ls in where.items()}
    extra = (" — the chain rule keeps every constant: d/dx f(a·x) = a·f′(a·x)"
             if what == "the constant" else "")
    if len(S.paths) == 1:
        ls = lists[0]
        return (f"you left out {'·'.join(ls)} (= {ctx.num(ls)} {ctx.where}): "
                f"{_whys(ctx, where)}, and every local derivative on the way from {t.wrt} to "
                f"{t.output} multiplies in{extra}")
    if len(where) == 1:
        (i, ls), = lists.items()
        return (f"on the path through {ctx.name(i)} you left out {'·'.join(ls)} "
                f"(= {ctx.num(ls)} {ctx.where}): {_whys(ctx, where)} — every edge on a path "
                f"multiplies its local derivative in{extra}")
    same = len({tuple(ls) for ls in lists.values()}) == 1
    if same:
        ls = next(iter(lists.values()))
        on = "every path" if len(where) == len(S.paths) else "the paths through " + \
            " and ".join(ctx.name(i) for i in where)
        return (f"you left out {'·'.join(ls)} (= {ctx.num(ls)} {ctx.where}) on {on}: "
                f"{_whys(ctx, where)}{extra}")
    parts = " and ".join(f"{'·'.join(ls)} through {ctx.name(i)}" for i, ls in lists.items())
    nums = " and ".join(ctx.num(ls) for ls in lists.values())
    return (f"you left out {what or 'factors'} on the paths: your value is off by exactly "
            f"{parts} ({nums} {ctx.where}) — {_whys(ctx, where)}{extra}")


def path_missing(ctx: Context, i: int) -> str:
    t = ctx.t
    return (f"you left out the path through {ctx.name(i)} ({ctx.term(i)}): {t.wrt} also "
            f"reaches {t.output} that way, and the paths add — the sum rule")


def path_doubled(ctx: Context, i: int) -> str:
    return (f"you counted the path through {ctx.name(i)} twice ({ctx.term(i)}): each path "
            f"from {ctx.t.wrt} to {ctx.t.output} adds once")


def multiplied(ctx: Context) -> str:
    names = " and ".join(ctx.name(i) for i in range(len(ctx.S.paths)))
    return (f"you multiplied the paths through {names}; they add — the sum rule: each path "
            f"carries its own part of the change of {ctx.t.wrt} to {ctx.t.output}, and "
            f"{ctx.t.quantity} is their sum")


def added(ctx: Context, mode: str) -> str:
    S = ctx.S
    shared = S.shared if mode == "added" else {S.paths[0][-1].label} \
        if mode == "added-outer" else set()
    sums = [" + ".join(f.label for f in reversed(p) if f.label not in shared) for p in S.paths]
    if len(S.paths) == 1:
        return (f"you added the factors along the path ({sums[0]}); the chain rule "
                f"multiplies them: {ctx.term(0)}")
    return ("you added the factors along each path (" + " + ".join(f"({s})" for s in sums)
            + f"); along a path the chain rule multiplies them: {ctx.term(0)} through "
            f"{ctx.name(0)}, and the paths add")


def _slope_parts(ctx: Context, labels):
    edges = [ctx.S.edge(s) for s in labels]
    return edges, [ctx.S.alt[s] for s in labels]


def at_activation(ctx: Context, labels) -> str:
    edges, alts = _slope_parts(ctx, labels)
    if len(labels) == 1:
        e, (act, _) = edges[0], alts[0][0]
        return (f"you used {act} where {labels[0]} belongs: the slope is taken at the "
                f"pre-activation {e.parent.name}, not at the activation {e.child.name}")
    return (f"you took the slopes at the activations ({', '.join(a[0][0] for a in alts)}); "
            f"they are taken at the pre-activations: {', '.join(labels)}")


def s_for_slope(ctx: Context, labels) -> str:
    edges, alts = _slope_parts(ctx, labels)
    if len(labels) == 1:
        e, itself = edges[0], alts[0][1][0]
        return (f"you used {itself} where {labels[0]} belongs: the step {e.parent.name} → "
                f"{e.child.name} multiplies by the activation's slope {labels[0]}, not by the "
                "activation itself")
    return (f"you used the activation itself ({', '.join(a[1][0] for a in alts)}) where its "
            f"slope belongs: {', '.join(labels)}")


def swapped(ctx: Context, a: str, b: str, i: int, j: int) -> str:
    return (f"you swapped {a} and {b} between the paths: the path through {ctx.name(i)} "
            f"carries {a}, the path through {ctx.name(j)} carries {b}")


def power(ctx: Context, label: str, k: float) -> str:
    return (f"you left out the constant {k:g} of {label}: the power rule brings the "
            f"exponent down, d/dx x^{k:g} = {k:g}·x^{k - 1:g}")


def wrong_node(ctx: Context, m: str) -> str:
    t = ctx.t
    return (f"that is d{m}/d{t.wrt}: your chain stops at {m}, but {t.quantity} goes on to "
            f"{t.output} — the factors from {m} to {t.output} ({ctx.S.between(m, t.output)}) "
            "multiply in too")


def wrong_start(ctx: Context, m: str) -> str:
    t = ctx.t
    return (f"that is d{t.output}/d{m}: your chain starts at {m}, but {t.wrt} sits further "
            f"back — the factors from {t.wrt} to {m} ({ctx.S.between(t.wrt, m)}) multiply "
            "in too")


def wrong_wrt(ctx: Context, p: str) -> str:
    t = ctx.t
    return (f"that is d{t.output}/d{p}, not {t.quantity}: the chain has to start at the "
            f"edge of {t.wrt}")


def factor_sign(ctx: Context, label: str) -> str:
    return (f"you have the sign of {label} wrong (it is {ctx.num([label])} {ctx.where}): an "
            "inner minus sign, as in d/dx e^(−cx) = −c·e^(−cx), multiplies in like any other "
            "factor")


def slope_twice(ctx: Context, label: str) -> str:
    return (f"you multiplied by {label} twice (it is {ctx.num([label])} {ctx.where}): each "
            "activation on a path contributes its slope once")


def sign(ctx: Context) -> str:
    t = ctx.t
    if t.prediction and t.loss_factor:
        return (f"your {t.quantity} has the wrong sign everywhere — look at the loss factor: "
                f"d{t.output}/d{t.prediction} = {t.loss_factor}, and written the other way "
                "round it flips every gradient (a descent step would climb the loss)")
    return f"your {t.quantity} has the wrong sign everywhere"


def pair(first: str, second: str) -> str:
    return f"two slips: {first}; and {second}"
