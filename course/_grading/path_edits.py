"""Wrong derivatives as edits of the sum over paths, named in the network's own names.

The true ∂out/∂x is Σ over the paths x → out of Π of the local derivatives on each path
(``course.nn.graph``). A learner's wrong derivative is very often that sum with one thing
changed: factors left out (the weights; the activation derivatives; one factor), a path
missing, the paths multiplied, the factors added, s(z) written where s′(z) belongs, s′
taken at the activation instead of the pre-activation, the sign. ``candidates`` generates
these edits — alone and, for single factors, in pairs — from the graph's structure, so any
network gets them; ``explain`` evaluates them at the same points as the answer and returns
the first that reproduces it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from course.nn.activations import sigmoid_prime
from course.nn.graph import Graph, Node

__all__ = ["PathProblem", "Edge", "Edit", "candidates", "explain"]

_ACTIVATION = {"sigmoid", "tanh", "relu"}
RTOL, ATOL = 1e-6, 1e-12


@dataclass(frozen=True)
class Edge:
    """One factor of a path: the local derivative ∂child/∂parent, its name and its kind
    (``weight``, ``input``, ``node``, ``activation``, ``one``, ``other``)."""

    parent: Node
    child: Node
    name: str
    kind: str


class PathProblem:
    """∂output/∂wrt in ``graph`` as paths of named factors."""

    def __init__(self, graph: Graph, output: str, wrt: str):
        self.graph, self.output, self.wrt = graph, output, wrt
        self.paths = graph.paths(wrt, output)
        self.edges = [self._edges(path) for path in self.paths]

    def _edges(self, path) -> list[Edge]:
        edges = []
        for k, (parent, child) in enumerate(zip(path, path[1:])):
            name = self.graph.edge_name(parent, child)
            other = [p for p in child.parents if p is not parent]
            if child.op in ("add", "sub", "neg") and name in ("1", "−1"):
                kind = "one"
            elif child.op in _ACTIVATION:
                kind = "activation"
            elif child.op == "mul" and other and other[0].op == "input":
                kind = "input" if k == 0 else "weight"
            elif child.op == "mul" and other:
                kind = "node"
            else:
                kind = "other"
            edges.append(Edge(parent, child, name, kind))
        return edges

    def factors(self, points: dict) -> list[list]:
        """The value of every factor of every path at the evaluated ``points``."""
        return [[self.graph.edge(e.parent, e.child, points) for e in path]
                for path in self.edges]

    def true_values(self, points: dict):
        with np.errstate(all="ignore"):
            return sum((_product(f) for f in self.factors(points)), 0.0 * points[self.wrt])

    def label(self, index: int) -> str:
        """How to name path ``index``: by the named nodes only it passes through."""
        if len(self.paths) == 1:
            return "the path"
        named = [n.name for n in self.paths[index][1:-1] if not _auto(n.name)]
        others = {n.name for k, p in enumerate(self.paths) if k != index for n in p}
        own = [n for n in named if n not in others]
        return f"the path through {own[0]}" if own else f"path {index + 1}"

    def shared(self) -> set:
        """The factors (as ``(id(parent), name)``) that every path has."""
        keys = [{(id(e.parent), e.name) for e in path} for path in self.edges]
        return set.intersection(*keys) if keys else set()

    def describe(self) -> str:
        parts = []
        for k, path in enumerate(self.edges):
            names = [e.name for e in reversed(path) if e.kind != "one"]
            parts.append(f"{self.label(k)}: " + "·".join(names or ["1"]))
        return "; ".join(parts)


def _auto(name: str) -> bool:
    """Names the graph made up (``h1·w2``, ``a+b``) rather than the learner's."""
    return any(ch in name for ch in "·+−/^(#") or name.startswith("-")


def _product(values):
    out = 1.0
    for v in values:
        out = out * v
    return out


@dataclass
class Edit:
    """One generated mistake: ``kind`` (its id), ``message`` (in the learner's names) and
    ``removed`` (the edges it leaves out, for the picture)."""

    kind: str
    message: str
    removed: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class _Candidate:
    kind: str
    values: Callable[[list, dict], object]          # (factors, points) -> values
    say: Callable[[list, dict], str]                # (factors at the point, ratio) -> message
    removed: tuple[tuple[int, int], ...] = ()


def _dropping(problem: PathProblem, chosen: set) -> Callable:
    def values(factors, points):
        return sum((_product(f for j, f in enumerate(path) if (k, j) not in chosen)
                    for k, path in enumerate(factors)), 0.0)
    return values


def _named(problem, chosen, factors_at) -> str:
    """The left-out factors, output side first (the order backprop meets them); a factor
    left out of every path that shares it is named once."""
    keys = {(k, j): _key(problem, k, j) for k, j in chosen}
    per_path = [{keys[kj] for kj in keys if kj[0] == k} for k in range(len(problem.paths))]
    everywhere = set.intersection(*per_path) if len(problem.paths) > 1 else set()
    once: dict = {}
    by_path: dict[int, list] = {}
    for k, j in sorted(chosen, key=lambda kj: (kj[0], -kj[1])):
        item = (problem.edges[k][j].name, factors_at[k][j])
        if keys[(k, j)] in everywhere:
            once.setdefault(keys[(k, j)], item)
        else:
            by_path.setdefault(k, []).append(item)
    parts = [f"{'·'.join(n for n, _ in items)} on {problem.label(k)} "
             f"({_fmt(_product(v for _, v in items))} at your point)"
             for k, items in by_path.items()]
    parts += [f"{name} on every path ({_fmt(value)} at your point)"
              for name, value in once.values()]
    return " and ".join(parts)


def _fmt(v) -> str:
    return f"{float(np.asarray(v).ravel()[0]):.4g}"


def _key(problem, k, j) -> tuple[int, str]:
    """Edges are the same factor when they leave the same node with the same local
    derivative (``s'(n1)`` on both branches of a fan-out)."""
    edge = problem.edges[k][j]
    return id(edge.parent), edge.name


def _by_kind(problem, kind) -> set:
    return {(k, j) for k, path in enumerate(problem.edges) for j, e in enumerate(path)
            if e.kind == kind}


def candidates(problem: PathProblem) -> list[_Candidate]:
    """Every generated edit, most telling first."""
    out = []
    what = {"weight": ("weights-dropped", "the weights"),
            "activation": ("activation-derivatives-dropped", "the activation derivatives"),
            "input": ("input-missing", "the input factor")}
    shared = problem.shared()
    for kind, (mid, words) in what.items():
        every = _by_kind(problem, kind)
        own = {(k, j) for k, j in every if _key(problem, k, j) not in shared}
        common = every - own
        for chosen in dict.fromkeys(map(frozenset, (every, own, common))):
            if not chosen:
                continue
            out.append(_Candidate(mid, _dropping(problem, set(chosen)),
                                  lambda f, r, c=chosen, w=words:
                                  f"you left out {w}: {_named(problem, c, f)}{_ratio(r)}",
                                  tuple(sorted(chosen))))
        chosen = every
        for k in range(len(problem.paths) if len(problem.paths) > 1 else 0):
            on_path = {(i, j) for i, j in chosen if i == k}
            if on_path and on_path != chosen:
                out.append(_Candidate(f"{mid}-on-one-path", _dropping(problem, on_path),
                                      lambda f, r, c=on_path, w=words:
                                      f"you left out {w} on one path: {_named(problem, c, f)}"
                                      f"{_ratio(r)}", tuple(sorted(on_path))))
    out += _path_edits(problem)
    out += _activation_edits(problem)
    singles = sorted({(k, j) for k, path in enumerate(problem.edges)
                      for j, e in enumerate(path) if e.kind != "one"})
    groups: dict = {}                      # one factor, wherever it appears
    for k, j in singles:
        groups.setdefault(_key(problem, k, j), set()).add((k, j))
    for size in (1, 2):
        for chosen_groups in itertools.combinations(groups.values(), size):
            chosen = set().union(*chosen_groups)
            out.append(_Candidate("factor-dropped", _dropping(problem, chosen),
                                  lambda f, r, c=chosen: f"you left out "
                                  f"{_named(problem, c, f)}{_ratio(r)}", tuple(sorted(chosen))))
    out += _replacements(problem, groups)
    out.append(_Candidate("sign", lambda f, p: -sum(_product(x) for x in f),
                          lambda f, r: "your value has the opposite sign: check every minus "
                          "sign (a derivative of a sum has no minus unless a term is "
                          "subtracted)"))
    return out


def _ratio(r) -> str:
    r = float(r)
    if not np.isfinite(r) or r == 0:
        return ""
    if abs(r - 1) < 1e-9:
        return ""
    if r < 0:
        return ", and that flips your value's sign"
    return (f", so your value is {r:.3g}× too large" if r > 1
            else f", so your value is {1 / r:.3g}× too small")


def _path_edits(problem: PathProblem) -> list[_Candidate]:
    n = len(problem.paths)
    out = []
    for k in range(n if n > 1 else 0):
        out.append(_Candidate(
            "path-missing",
            lambda f, p, k=k: sum((_product(x) for i, x in enumerate(f) if i != k), 0.0),
            lambda f, r, k=k: f"you left out {problem.label(k)}: {problem.wrt} reaches "
            f"{problem.output} along {n} paths and the derivative adds one term per path",
            tuple((k, j) for j in range(len(problem.edges[k])))))
    if n > 1:
        said = ("you multiplied the paths' terms; the chain rule ADDS one term per path (the "
                "sum rule)")
        out.append(_Candidate("paths-multiplied", lambda f, p: _product(_product(x) for x in f),
                              lambda f, r: said))
        shared = problem.shared()

        def branches_multiplied(f, p):
            common = [x for j, x in enumerate(f[0]) if _key(problem, 0, j) in shared]
            own = [_product(x for j, x in enumerate(path) if _key(problem, k, j) not in shared)
                   for k, path in enumerate(f)]
            return _product(common) * _product(own)

        if shared:
            out.append(_Candidate("paths-multiplied", branches_multiplied, lambda f, r: said
                                  + " (here: the branches' own factors were multiplied)"))
    words = ("you added the factors along a path; along one path the local derivatives "
             "MULTIPLY (the chain rule), only different paths add")
    shared = problem.shared()

    def added(f, p, keep_shared: bool):
        own = [[x for j, x in enumerate(path) if problem.edges[k][j].kind != "one"
                and not (keep_shared and _key(problem, k, j) in shared)]
               for k, path in enumerate(f)]
        common = [x for j, x in enumerate(f[0]) if problem.edges[0][j].kind != "one"
                  and _key(problem, 0, j) in shared] if keep_shared else []
        return _product(common) * sum(sum(x) for x in own)

    out.append(_Candidate("factors-added", lambda f, p: added(f, p, False),
                          lambda f, r: words))
    if shared:
        out.append(_Candidate("factors-added", lambda f, p: added(f, p, True),
                              lambda f, r: words + " (you multiplied the shared factors but "
                              "added those along each path's own branch)"))
    return out


def _activation_edits(problem: PathProblem) -> list[_Candidate]:
    out = []
    sites = _by_kind(problem, "activation")
    nodes = sorted({problem.edges[k][j].child.name for k, j in sites})
    for node in nodes:
        here = {(k, j) for k, j in sites if problem.edges[k][j].child.name == node}
        edge = problem.edges[next(iter(here))[0]][next(iter(here))[1]]
        if edge.child.op != "sigmoid":
            continue
        z, a = edge.parent.name, edge.child.name
        for kind, replace, words in (
                ("s-for-s-prime", lambda p, a=a: p[a], f"s({z}) where s′({z}) belongs"),
                ("derivative-at-activation", lambda p, a=a: sigmoid_prime(p[a]),
                 f"s′({a}) — the derivative at the activation {a} — where s′({z}) belongs")):
            out.append(_Candidate(kind, _replacing(here, replace),
                                  lambda f, r, w=words: f"you used {w}: s′ is taken at the "
                                  "pre-activation, and s′(z) = s(z)(1 − s(z)) is not s(z)",
                                  tuple(sorted(here))))
    return out


def _replacements(problem: PathProblem, groups: dict) -> list[_Candidate]:
    """A factor written as another of the network's names (``w1`` where ``I`` belongs)."""
    out = []
    names = [n for n, node in problem.graph.nodes.items()
             if node.op != "const" and not _auto(n)]
    for chosen in groups.values():
        factor = problem.edges[next(iter(chosen))[0]][next(iter(chosen))[1]].name
        for name in names:
            if name == factor:
                continue
            where = "" if len(chosen) == len(problem.paths) else " on one path"
            out.append(_Candidate(
                "factor-replaced", _replacing(chosen, lambda p, n=name: p[n]),
                lambda f, r, n=name, fac=factor, w=where: f"you wrote {n} where {fac} "
                f"belongs{w}{_ratio(r)}", tuple(sorted(chosen))))
    return out


def _replacing(chosen: set, replacement: Callable) -> Callable:
    def values(factors, points):
        new = replacement(points)
        return sum((_product(new if (k, j) in chosen else f for j, f in enumerate(path))
                    for k, path in enumerate(factors)), 0.0)
    return values


def explain(problem: PathProblem, points: dict, mine, at: int = 0) -> Edit | None:
    """The first generated edit whose values equal ``mine`` at every point, or ``None``.

    ``at`` is the index of the point the message quotes (the asker's point)."""
    mine = np.asarray(mine, dtype=float)
    factors = problem.factors(points)
    factors = [[np.broadcast_to(np.asarray(f, dtype=float), mine.shape) for f in path]
               for path in factors]
    true = problem.true_values(points)
    at_point = [[float(f[at]) for f in path] for path in factors]
    with np.errstate(all="ignore"):
        for candidate in candidates(problem):
            values = np.broadcast_to(np.asarray(candidate.values(factors, points), float),
                                     mine.shape)
            if np.all(np.abs(values - mine) <= ATOL + RTOL * np.abs(values)):
                ratio = mine[at] / true[at] if true[at] else np.nan
                return Edit(candidate.kind, candidate.say(at_point, ratio), candidate.removed)
    return None
