"""The mistake space: edits of the sum over paths, alone and in pairs.

A ``Form`` is the derivative as the learner might have written it — the paths' factors,
how often each path counts, how the paths (and the factors) are combined, the sign.
An ``Edit`` changes a ``Form`` (``apply``) and says what it changed (``say``, in
``words``). ``singles(structure)`` lists every edit that applies to a target, most
telling first; ``pairs`` combines two of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from typing import NamedTuple

import numpy as np

from course._grading.diagnosis import words
from course._grading.diagnosis.paths import Factor, Structure

__all__ = ["Form", "Edit", "singles", "pairs", "value", "values"]

#: how a kind of factor is called in an id and in a message
KINDS = {"weight": ("weights-dropped", "the weights"),
         "slope": ("derivatives-missing", "the slopes"),
         "input": ("input-missing", "the input factor"),
         "upstream": ("deltas-missing", "the upstream deltas"),
         "loss": ("loss-factor-missing", "the loss factor"),
         "constant": ("constant-missing", "the constant")}


class Form(NamedTuple):
    """The derivative as written: ``combine`` is ``sum`` (right), ``product`` (paths
    multiplied, shared factors once), ``product-all`` (each path's whole product
    multiplied), ``added`` (the factors a path does not share added), ``added-outer``
    (all but the output's slope added), ``added-all`` (every factor added)."""

    paths: tuple[tuple[Factor, ...], ...]
    counts: tuple[int, ...]
    combine: str = "sum"
    sign: float = 1.0
    whole: np.ndarray | None = None          # another derivative altogether


@dataclass(frozen=True)
class Edit:
    id: str
    family: str                              # drop, path, combine, slope, swap, whole, sign
    apply: Callable[[Form], Form | None]
    say: Callable[[words.Context], str]


def _product(factors, n: int, memo: dict | None = None) -> np.ndarray:
    """The product of the factors; ``memo`` (ids of the factors -> product) shares it
    between forms built from the same factors, while they are alive."""
    key = tuple(map(id, factors))
    out = memo.get(key) if memo is not None else None
    if out is None:
        out = np.ones(n)
        for f in factors:
            out = out * f.value
        if memo is not None:
            memo[key] = out
    return out


def _sum(factors, n: int) -> np.ndarray:
    out = np.zeros(n)
    for f in factors:
        out = out + f.value
    return out


def values(forms, n: int) -> np.ndarray:
    """Every form's values, (len(forms), n); products of the same factors computed once."""
    memo: dict = {}
    return np.array([value(f, n, memo) for f in forms]).reshape(len(forms), n)


def value(form: Form, n: int, memo: dict | None = None) -> np.ndarray:
    """The form's values at the points (``n`` of them)."""
    if form.whole is not None:
        return form.sign * form.whole
    kept = [(p, c) for p, c in zip(form.paths, form.counts) if c]
    labels = [{f.label for f in p} for p, _ in kept]
    shared = set.intersection(*labels) if labels else set()
    once = [f for f in kept[0][0] if f.label in shared] if kept else []
    own = [(tuple(f for f in p if f.label not in shared), c) for p, c in kept]
    def prod(factors):
        return _product(factors, n, memo)

    def add(paths):
        return sum((c * _sum(p, n) for p, c in paths), np.zeros(n))

    with np.errstate(all="ignore"):
        if form.combine == "sum":
            total = sum((c * prod(p) for p, c in kept), np.zeros(n))
        elif form.combine == "product-all":
            total = np.prod([prod(p) ** c for p, c in kept], axis=0)
        elif form.combine == "product":
            total = prod(once) * np.prod([prod(p) ** c for p, c in own], axis=0)
        elif form.combine == "added":
            total = prod(once) * add(own)
        elif form.combine == "added-outer":
            last = kept[0][0][-1].label if kept[0][0] else None
            outer = [f for f in once if f.label == last]
            total = prod(outer) * add([(tuple(f for f in p if f.label != last or not outer), c)
                                       for p, c in kept])
        else:                                                    # added-all
            total = add(kept)
    return form.sign * total


# ---- the edits ----------------------------------------------------------------------------
def _drop(eid: str, where: dict, what: str | None) -> Edit:
    """Leave out the factors ``where[path] = {labels}``."""
    def apply(form):
        paths = tuple(tuple(f for f in p if f.label not in where.get(i, ())) for i, p in
                      enumerate(form.paths))
        return None if paths == form.paths else form._replace(paths=paths)
    return Edit(eid, "drop", apply, lambda ctx: words.dropped(ctx, where, what))


def _swap_factor(form: Form, on: int, label: str, new: Factor) -> tuple:
    return tuple(tuple(new if (i == on and f.label == label) else f for f in p)
                 for i, p in enumerate(form.paths))


def _drops(S: Structure) -> list[Edit]:
    out, seen = [], set()

    def add(eid, where, what=None):
        key = tuple(sorted((i, tuple(sorted(ls))) for i, ls in where.items() if ls))
        if key and key not in seen:
            seen.add(key)
            out.append(_drop(eid, {i: set(ls) for i, ls in where.items()}, what))

    P = range(len(S.paths))
    multi = len(S.paths) > 1
    for p in S.paths:                                     # one factor, wherever it is
        for f in p:
            kind = f.edge.kind
            base = (f"derivative-missing-{f.edge.parent.name}" if kind == "slope"
                    else f"weight-dropped-{f.label}" if kind == "weight"
                    else KINDS[kind][0] if kind in ("input", "constant")
                    else f"factor-dropped-{f.label}")
            add(base, {i: {f.label} for i in P if f.label in {g.label for g in S.paths[i]}},
                KINDS.get(kind, (None, None))[1])
    for kind, (eid, what) in KINDS.items():               # a kind on every path
        add(eid, {i: {f.label for f in S.paths[i] if f.edge.kind == kind} for i in P}, what)
    for rank, name in ((0, "outer"), (1, "inner")):       # one layer of weights
        weights = [[f.label for f in reversed(p) if f.edge.kind == "weight"] for p in S.paths]
        if multi and any(len(w) > 1 for w in weights):
            add(f"{name}-weights-dropped",
                {i: {w[rank]} for i, w in enumerate(weights) if len(w) > rank},
                f"the {name} weights")
    if multi:                                             # on one path only
        for i in P:
            on = f"-on-{S.target.names[i]}-path"
            for kind, (eid, what) in KINDS.items():
                add(eid + on, {i: {f.label for f in S.paths[i] if f.edge.kind == kind}}, what)
            for f in S.paths[i]:
                add(f"factor-dropped-{f.label}{on}", {i: {f.label}})
    return out


def _path_edits(S: Structure) -> list[Edit]:
    if len(S.paths) < 2:
        return []
    out = []
    for i, name in enumerate(S.target.names):
        def missing(form, i=i):
            return form._replace(counts=tuple(0 if j == i else c for j, c in
                                              enumerate(form.counts)))

        def doubled(form, i=i):
            return form._replace(counts=tuple(2 * c if j == i else c for j, c in
                                              enumerate(form.counts)))
        out.append(Edit(f"{name}-path-missing", "path", missing,
                        lambda ctx, i=i: words.path_missing(ctx, i)))
        out.append(Edit(f"{name}-path-duplicated", "path", doubled,
                        lambda ctx, i=i: words.path_doubled(ctx, i)))
    return out


def _combine(S: Structure) -> list[Edit]:
    modes = (["product", "product-all"] if len(S.paths) > 1 else []) + \
        (["added", "added-outer", "added-all"] if max(len(p) for p in S.paths) > 1 else [])
    out = []
    for mode in modes:
        def apply(form, mode=mode):
            return None if form.combine != "sum" else form._replace(combine=mode)
        if mode.startswith("product"):
            out.append(Edit("paths-multiplied", "combine", apply, words.multiplied))
        else:
            out.append(Edit("factors-added", "combine", apply,
                            lambda ctx, mode=mode: words.added(ctx, mode)))
    return out


def _slopes(S: Structure) -> list[Edit]:
    slopes = list(dict.fromkeys(f.label for p in S.paths for f in p if f.edge.kind == "slope"))
    outer = {p[-1].label for p in S.paths if p and p[-1].edge.kind == "slope"}
    groups = [([s], None) for s in slopes]           # one slope, then all, then the hidden
    if len(slopes) > 1:
        groups.append((slopes, ""))
        hidden = [s for s in slopes if s not in outer]
        if 1 < len(hidden) < len(slopes):
            groups.append((hidden, "-hidden"))
    out = []
    for which, (eid, how) in enumerate((("d-of-activation", words.at_activation),
                                        ("s-instead-of-d", words.s_for_slope))):
        for labels, tag in groups:
            new = {s: Factor(S.edge(s), *S.alt[s][which]) for s in labels}

            def apply(form, new=new):
                paths = tuple(tuple(new.get(f.label, f) for f in p) for p in form.paths)
                return None if paths == form.paths else form._replace(paths=paths)
            if tag is None:
                e = S.edge(labels[0])
                tag = "-" + (e.child.name if which == 0 else e.parent.name)
            out.append(Edit(eid + tag, "slope", apply,
                            lambda ctx, labels=labels, how=how: how(ctx, labels)))
    return out


def _swaps(S: Structure) -> list[Edit]:
    out = []
    ranked = [[f for f in reversed(p) if f.edge.kind == "weight"] for p in S.paths]
    for i, j in combinations(range(len(S.paths)), 2):
        for a, b in zip(ranked[i], ranked[j]):
            if a.label == b.label:
                continue

            def apply(form, i=i, j=j, a=a, b=b):
                paths = _swap_factor(form, i, a.label, b)
                paths = _swap_factor(form._replace(paths=paths), j, b.label, a)
                return None if paths == form.paths else form._replace(paths=paths)
            out.append(Edit(f"weights-swapped-{a.label}-{b.label}", "swap", apply,
                            lambda ctx, a=a.label, b=b.label, i=i, j=j:
                            words.swapped(ctx, a, b, i, j)))
    return out


def _powers(S: Structure) -> list[Edit]:
    out = []
    for p in S.paths:
        for f in p:
            k = f.edge.child.constant
            if f.edge.child.op == "pow" and k not in (None, 0.0, 1.0):
                less = Factor(f.edge, f"{f.label} / {k:g}", f.value / k)

                def apply(form, f=f, less=less):
                    paths = tuple(tuple(less if g.label == f.label else g for g in q)
                                  for q in form.paths)
                    return None if paths == form.paths else form._replace(paths=paths)
                out.append(Edit(f"constant-missing-{k:g}", "drop", apply,
                                lambda ctx, f=f, k=k: words.power(ctx, f.label, k)))
    return out


def _wholes(S: Structure) -> list[Edit]:
    t, out = S.target, []
    inside = {n.name for p in t.paths_between(t.wrt, t.output) for n in p}
    for node in t.graph.order(t.graph[t.output]):
        m = node.name
        if m in inside and m not in (t.wrt, t.output) and node.op != "input" \
                and words.EXPLICIT.match(m):
            whole = S.derivative(m, t.wrt)
            out.append(Edit(f"derivative-of-{m}", "whole",
                            lambda form, w=whole: form._replace(whole=w),
                            lambda ctx, m=m: words.wrong_node(ctx, m)))
            start = S.derivative(t.output, m)
            out.append(Edit(f"derivative-wrt-{m}", "whole",
                            lambda form, w=start: form._replace(whole=w),
                            lambda ctx, m=m: words.wrong_start(ctx, m)))
    for p in t.graph.inputs:
        if p != t.wrt and p not in t.upstream and t.paths_between(p, t.output):
            whole = S.derivative(t.output, p)
            out.append(Edit(f"derivative-wrt-{p}", "whole",
                            lambda form, w=whole: form._replace(whole=w),
                            lambda ctx, p=p: words.wrong_wrt(ctx, p)))
    return out


def _factor_edits(S: Structure) -> list[Edit]:
    """One factor's sign flipped (an inner minus lost: e^(−cx)), and an activation's slope
    multiplied in twice (the extra σ′ of a sigmoid output under cross-entropy)."""
    out = []
    for label in dict.fromkeys(f.label for p in S.paths for f in p):
        f = next(g for p in S.paths for g in p if g.label == label)
        flipped = Factor(f.edge, f"−{label}", -f.value)

        def flip(form, label=label, flipped=flipped):
            paths = tuple(tuple(flipped if g.label == label else g for g in p)
                          for p in form.paths)
            return None if paths == form.paths else form._replace(paths=paths)
        out.append(Edit(f"sign-of-{label}", "flip", flip,
                        lambda ctx, label=label: words.factor_sign(ctx, label)))
        if f.edge.kind == "slope":
            def twice(form, label=label, f=f):
                paths = tuple(tuple(g for h in p for g in ((h, f) if h.label == label
                                                            else (h,))) for p in form.paths)
                return None if paths == form.paths else form._replace(paths=paths)
            out.append(Edit(f"slope-twice-{label}", "flip", twice,
                            lambda ctx, label=label: words.slope_twice(ctx, label)))
    return out


SIGN = Edit("sign", "sign", lambda form: form._replace(sign=-form.sign), words.sign)


def singles(S: Structure) -> list[Edit]:
    """Every single edit that applies, most telling first."""
    return [*_drops(S), *_path_edits(S), *_combine(S), *_slopes(S), *_swaps(S),
            *_powers(S), *_wholes(S), SIGN, *_factor_edits(S)]


def _compatible(a: Edit, b: Edit) -> bool:
    if "whole" in (a.family, b.family):
        return "sign" in (a.family, b.family)
    if a.family == b.family and a.family in ("path", "combine"):
        return False
    return True


def pairs(edits: list[Edit]) -> list[tuple[Edit, Edit]]:
    """Two edits at once, each pair once (the first listed first)."""
    return [(a, b) for a, b in combinations(edits, 2) if _compatible(a, b)]
