"""Searching the generated mistake space: which edits reproduce the learner's outputs.

:class:`Search` evaluates edits of a :class:`~.program.Program` on the cases the learner's
answer was called on. Every assignment's value is cached per case under the edits that
reach it, so an edit costs only the assignments downstream of it, and a pair only what its
two edits change; ``s′(Z)``, ``A_prev.T`` and the like are computed once per case.
:func:`explain_by_edits` tries every single edit, then pairs (likeliest kinds first, within
:data:`PAIR_BUDGET`) for the outputs no single edit explains, and covers the wrong outputs
greedily: the candidate explaining most outputs first, then one that changes nothing the
learner got right, then a single edit before a pair.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import numpy as np

from course._grading.arrays.edits import Edit, contains, edits_of, replace
from course._grading.arrays.probes import close
from course._grading.arrays.program import Program, evaluate, render
from course.nn.activations import sigmoid, sigmoid_prime

__all__ = ["Candidate", "Search", "search_for", "explain_by_edits", "message", "PAIR_BUDGET",
           "apply_edits"]

#: how long the pair search may take for one check (the singles are always tried)
PAIR_BUDGET = 0.030


@dataclass(frozen=True)
class Candidate:
    """One or two edits, with the outputs they reproduce."""

    edits: tuple
    matched: tuple
    consistent: bool

    def id(self, program: Program) -> str:
        if len(self.edits) > 1:
            return "two-slips"
        e = self.edits[0]
        for key in (f"{e.kind}:{e.site}:{e.tag}", f"{e.kind}:{e.tag}", e.kind):
            if key in program.ids:
                return program.ids[key]
        return e.kind


class _Fail(Exception):
    pass


_UNARY = {"T": np.transpose, "neg": np.negative, "s": sigmoid, "sp": sigmoid_prime}
_BINARY = {"@": np.matmul, "*": np.multiply, "+": np.add, "-": np.subtract, "/": np.divide}


class Search:
    """The edits of one program evaluated on one check's cases, values cached per case."""

    def __init__(self, program: Program, edits: list[Edit], cases_inputs: list[dict]):
        self.program, self.edits = program, edits
        self.up = program.upstream()
        self.base = dict(program.steps)
        self.envs = [program.env(inputs) for inputs in cases_inputs]
        self.caches: list[dict] = [{} for _ in self.envs]

    def value(self, site: str, edits: tuple, k: int):
        """The value of assignment ``site`` under ``edits`` in case ``k`` (None: it fails)."""
        rel = tuple(e for e in edits if e.site in self.up[site])
        key = (site, tuple(e.index for e in rel))
        cache = self.caches[k]
        if key in cache:
            return cache[key]
        expr = apply_edits(self.base[site], [e for e in rel if e.site == site])
        try:
            v = np.asarray(self._eval(expr, rel, k), dtype=float)
        except (_Fail, ValueError, TypeError, IndexError):
            v = None
        cache[key] = v
        return v

    def _eval(self, expr, rel, k):
        op = expr[0]
        if op == "var":
            name = expr[1]
            if name in self.base:
                v = self.value(name, rel, k)
                if v is None:
                    raise _Fail
                return v
            return self.envs[k][name]
        if op == "const":
            return expr[1]
        if op in _UNARY:
            arg = expr[1]
            if arg[0] == "var" and arg[1] not in self.base:     # s′(Z), A_prev.T: once per case
                memo = self.caches[k]
                if expr not in memo:
                    memo[expr] = _UNARY[op](self.envs[k][arg[1]])
                return memo[expr]
            return _UNARY[op](self._eval(arg, rel, k))
        if op in _BINARY:
            return _BINARY[op](self._eval(expr[1], rel, k), self._eval(expr[2], rel, k))
        return evaluate(expr, lambda name: self._eval(("var", name), rel, k))

    def matches(self, out_site: str, edits: tuple, mine: list, rtol: float, atol: float) -> bool:
        for k, target in enumerate(mine):
            if not _same(target, self.value(out_site, edits, k), rtol, atol):
                return False
        return True

    def changes(self, out_site: str, edits: tuple, rtol: float, atol: float) -> bool:
        return not _same(self.value(out_site, edits, 0), self.value(out_site, (), 0), rtol,
                         atol)


def _same(mine, v, rtol: float, atol: float) -> bool:
    """``close(mine, v)``, after a cheap look at one entry (most candidates differ there)."""
    if v is None or mine is None or v.shape != mine.shape:
        return False
    if v.size:
        a, b = float(mine.flat[-1]), float(v.flat[-1])
        if abs(a - b) > 10 * rtol * abs(b) + 1e3 * atol * max(1.0, abs(a), abs(b)):
            return False
    return close(mine, v, rtol, atol)


def _order(edits):
    """Outermost first; at the same node, the edit that keeps the node (a factor put on top)
    before the one that changes it."""
    return sorted(edits, key=lambda e: (len(e.path), not e.keeps))


def _compatible(base: dict, e1: Edit, e2: Edit) -> bool:
    """Two edits make a pair unless one replaces the other's node outright: an edit inside
    another's node is kept where the outer edit keeps that node (the Jacobian on top of
    ``(P − y_col)/m``) or the part it changes (the 1/m dropped from ``(P − y_col)/m``)."""
    if e1.site != e2.site:
        return True
    if e1.path[:len(e2.path)] != e2.path and e2.path[:len(e1.path)] != e1.path:
        return True                                 # apart
    outer, inner = _order((e1, e2))
    return outer.keeps or (inner.path != outer.path and contains(outer.new, inner.old))


def _at(expr, path):
    for i in path:
        expr = expr[i]
    return expr


def _substitute(expr, old, new):
    if expr == old:
        return new
    if expr[0] in ("var", "const"):
        return expr
    return (expr[0], *(_substitute(a, old, new) if isinstance(a, tuple) else a
                       for a in expr[1:]))


def apply_edits(expr, edits):
    """``expr`` with ``edits`` (of one assignment) applied, outermost first; an edit inside
    an outer edit's node changes that node where the outer edit kept it."""
    done = []
    for e in _order(edits):
        outer = next((d for d in done if e.path[:len(d.path)] == d.path), None)
        if outer is None:
            expr = replace(expr, e.path, e.new)
            done.append(e)
            continue
        sub = _at(expr, outer.path)
        if contains(sub, outer.old):               # the node kept whole: edit it in place
            inner = replace(outer.old, e.path[len(outer.path):], e.new)
            sub = _substitute(sub, outer.old, inner)
        else:                                       # a part of it kept: edit that part
            sub = _substitute(sub, e.old, e.new)
        expr = replace(expr, outer.path, sub)
        done.append(e)
    return expr


def search_for(program, edits, cases, mine, wrong, right, rtol, atol) -> list[Candidate]:
    """Candidates reproducing some of the ``wrong`` outputs (learner's keys), singles first,
    then pairs for the outputs no single explains (within :data:`PAIR_BUDGET`).

    ``mine`` is per case ``{key: learner's array}``; ``right`` are the keys the learner got
    right (a candidate changing one of them is not ``consistent``).
    """
    with np.errstate(all="ignore"):
        return _search(program, edits, cases, mine, wrong, right, rtol, atol)


def _search(program, edits, cases, mine, wrong, right, rtol, atol) -> list[Candidate]:
    srch = Search(program, edits, [c.inputs for c in cases])
    wrong = [o for o in wrong if o in program.outputs]      # outputs outside the program
    right = [o for o in right if o in program.outputs]      # (a loss) are left to the probes
    sites = {o: program.outputs[o] for o in (*wrong, *right)}
    mine_of = {o: [m[o] for m in mine] for o in wrong}
    found = []

    def judge(combo):
        matched = tuple(o for o in wrong if any(e.site in srch.up[sites[o]] for e in combo)
                        and srch.matches(sites[o], combo, mine_of[o], rtol, atol))
        if not matched:
            return None
        consistent = all(not srch.changes(sites[o], combo, rtol, atol) for o in right
                         if any(e.site in srch.up[sites[o]] for e in combo)) and all(
            o in matched or not srch.changes(sites[o], combo, rtol, atol) for o in wrong
            if any(e.site in srch.up[sites[o]] for e in combo))
        return Candidate(combo, matched, consistent)

    for e in edits:
        cand = judge((e,))
        if cand:
            found.append(cand)
    explained = {o for c in found for o in c.matched}
    todo = [o for o in wrong if o not in explained]
    if todo:
        deadline = time.perf_counter() + PAIR_BUDGET
        near = [e for e in edits if any(e.site in srch.up[sites[o]] for o in todo)]
        pairs = _pairs(srch, near, found, sites)
        left = set(todo)
        for pair in pairs:                      # likeliest kinds first; stop when all named
            if not left or time.perf_counter() > deadline:
                break
            cand = judge(pair)
            if cand:
                found.append(cand)
                if cand.consistent:             # one that also changes an output it does
                    left -= set(cand.matched)   # not explain is a coincidence: go on
    return found


def _pairs(srch, near, found, sites):
    """The pairs to try, best first: a slip that explains other outputs (likely in these
    too) with a partner that leaves those outputs alone, likeliest kinds first; then every
    other pair, likeliest kinds first (built only if the first ones run out)."""
    def rank(p):
        return _RANK.get(p[0].kind, 8) + _RANK.get(p[1].kind, 8)

    named = {c.edits[0].index: (c.edits[0], {s for o in c.matched for s in srch.up[sites[o]]})
             for c in found if len(c.edits) == 1}
    first = sorted(((a, b) for a, keep in named.values() for b in near
                    if b.index != a.index and b.site not in keep
                    and _compatible(srch.base, a, b)), key=rank)
    yield from first
    tried = {frozenset((a.index, b.index)) for a, b in first}
    yield from sorted((p for p in itertools.combinations(near, 2)
                       if frozenset((p[0].index, p[1].index)) not in tried
                       and _compatible(srch.base, *p)), key=rank)


def message(program: Program, cand: Candidate) -> str:
    """``dW uses Z where A_prev belongs. You computed `dW = Z.T @ delta`.``: the slip named
    and the learner's line shown — never the reference's line (the worked answer comes with
    a pass)."""
    sites = list(dict.fromkeys(e.site for e in cand.edits))
    base = dict(program.steps)
    wrote = []
    for site in sites:
        expr = apply_edits(base[site], [e for e in cand.edits if e.site == site])
        wrote.append(f"`{site} = {render(expr)}`")
    whys = [e.why for e in cand.edits]
    head = whys[0] if len(whys) == 1 else f"two slips: {whys[0]}, and {whys[1]}"
    note = program.notes.get(cand.id(program), "")
    return (f"{head}. You computed {' and '.join(wrote)}."
            + (f" {note}" if note else ""))


#: which of two equally good candidates to name first (lower first)
_RANK = {"missing-s-prime": 0, "s-prime-of-wrong-array": 1, "wrong-operand": 2,
         "s-instead-of-s-prime": 3, "s-prime-formula": 3, "missing-1/m": 4, "extra-1/m": 4,
         "elementwise-for-matmul": 5, "matmul-for-elementwise": 5, "s-prime-as-matmul": 5,
         "transpose": 6, "operand-order": 7}


def explain_by_edits(spec, cases, mine, wrong: list, right: list) -> list:
    """``[(output names, mistake id, message)]``: a greedy cover of the ``wrong`` outputs by
    the candidates that reproduce them — those that change no output the learner got right
    first (a delta of the wrong sign would also flip the right ones), then most outputs, then
    single edits before pairs."""
    program = spec.program
    found = search_for(program, edits_of(program), cases, mine, wrong, right, spec.rtol,
                       spec.atol)
    found.sort(key=lambda c: (not c.consistent, -len(c.matched), len(c.edits),
                              min(_RANK.get(e.kind, 8) for e in c.edits),
                              [e.index for e in c.edits]))
    groups, covered = [], set()
    for cand in found:
        new = [o for o in cand.matched if o not in covered]
        if new and (cand.consistent or len(new) == len(cand.matched)):
            groups.append((new, cand.id(program), message(program, cand)))
            covered.update(new)
    return groups
