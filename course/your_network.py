""""Is my backprop math correct?" for *your* network, in your own names.

>>> r = ask('''
... n1 = w1*I + b1
... n2 = w2*s(n1) + b2
... n3 = w3*s(n1) + b3
... nO = w4*s(n2) + w5*s(n3) + b4
... O = s(nO)
... ''', wrt="w1", answer="d(nO)*(d(n2)*d(n1)*I + d(n3)*d(n1)*I)",
...     at=dict(I=1, w1=.5, w2=.5, w3=.5, w4=.5, w5=.5, b1=1, b2=1, b3=1, b4=1))
>>> r.passed, r.mistake
(False, 'weights-dropped')

The network is read into a computational graph (``course.formula.network``,
``course.nn.graph``); the true derivative is the sum over the paths from ``wrt`` to the
output of the products of the local derivatives on them. The answer is compared with it at
the asker's point and at many points around it, and a wrong answer is explained by the edit
of those paths that reproduces it — the same generated diagnosis the lessons' exercises use
(``course._grading.diagnosis``): factors left out on a path or on all, a path missing or
counted twice, the paths multiplied, the factors added, s where s′ belongs, s′ at the
activation, the derivative of the wrong node or by the wrong name, a sign, and pairs of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course._grading.answers import Evaluator
from course._grading.diagnosis import CandidateTable, GraphTarget
from course._grading.diagnosis import words as diagnosis_words
from course._grading.guards import LearnerError, NotAttempted, capture_output, time_limit
from course._grading.result import CheckResult
from course.formula.network import Network, NetworkError, parse_network, values_at

__all__ = ["ask", "Asked"]

N_POINTS = 48
SEED = 20261205
RTOL, ATOL = 1e-6, 1e-12
DEFAULT_VALUE = 0.5


class Asked(CheckResult):
    """A ``CheckResult`` that also draws the asker's graph in a notebook."""

    network: Network | None = None
    target: GraphTarget | None = None
    removed: frozenset = frozenset()          # (path index, factor label) left out

    def _repr_html_(self) -> str:
        verdict = super()._repr_html_()
        if self.network is None or self.target is None:
            return verdict
        from course.plots.paths_svg import paths_svg

        picture = paths_svg(self.network, self.target, self.removed)
        return f"<div class='course-ask'>{verdict}{picture}</div>"


@dataclass(frozen=True)
class _Spec:
    """What the generated diagnosis needs to know of a question (no catalogue)."""

    graph: GraphTarget
    mistakes: tuple = ()
    rtol: float = RTOL
    atol: float = ATOL


def _refused(title: str, message: str, mistake: str = "bad-network") -> Asked:
    return Asked(title, False, attempted=True, mistake=mistake, summary=message)


def _title(network: Network | None, wrt: str, output: str | None) -> str:
    out = output or (network.output if network else "?")
    return f"d{out}/d{wrt}"


def ask(network, wrt: str, answer, at: dict | None = None, output: str | None = None,
        *, n_points: int = N_POINTS, seed: int = SEED, timeout: float = 5.0) -> Asked:
    """Check a derivative of any small network, and name the mistake in your own names.

    Parameters
    ----------
    network : str
        Lines ``name = expression`` (Python syntax or pasted LaTeX; ``s``/``sigmoid``,
        ``tanh``, ``relu``, ``exp``, ``log``, powers by a number). The last assigned name is
        the output unless ``output`` names another.
    wrt : str
        The free name (input or parameter) to differentiate with respect to.
    answer : str or callable
        Your d(output)/d(wrt): a formula (``d`` is s′, ``s`` the sigmoid; it may use the
        network's intermediate names) or a function taking names as keyword arguments.
    at : dict, optional
        Your point: a value for every free name (default: 0.5 for each).
    output : str, optional
        Which name is the output (default: the last assigned).

    Returns
    -------
    Asked
        A ``CheckResult``: ``.passed``, ``.mistake``, ``str()``; in a notebook it also
        draws your graph with the paths from ``wrt`` to the output. Never raises for
        anything in the network, the answer or the point.
    """
    try:
        net = parse_network(network, output=output, names=tuple(at or ()))
    except NetworkError as err:
        return _refused(_title(None, wrt, output), str(err))
    title = _title(net, wrt, output)
    target_or_refusal = _target(net, wrt, at, title)
    if isinstance(target_or_refusal, Asked):
        return target_or_refusal
    target, point = target_or_refusal
    points = _points(net, point, n_points, seed)
    try:
        with capture_output(), time_limit(timeout):
            mine = _evaluate(answer, net, points)
    except NotAttempted:
        return Asked(title, False, attempted=False,
                     summary="nothing to check yet: write your derivative as a formula string "
                             "or a function")
    except LearnerError as err:
        return _refused(title, str(err), mistake=f"bad-answer:{err.kind}")
    free = {n: points[n] for n in net.free}
    expected = np.broadcast_to(np.asarray(net.graph.derivative(net.output, wrt, free), float),
                               mine.shape)
    return _verdict(title, net, target, points, mine, expected)


def _params(net: Network, wrt: str) -> tuple[str, ...]:
    """The free names that are weights: all but the input that multiplies ``wrt`` on its
    first edge (``I`` in ``w1*I``)."""
    node = net.graph[wrt]
    inputs = set()
    for child in net.graph.nodes.values():
        if child.op == "mul" and node in child.parents:
            inputs.update(p.name for p in child.parents
                          if p is not node and p.op == "input")
    return tuple(n for n in net.free if n not in inputs)


def _target(net: Network, wrt: str, at, title: str):
    """The derivative asked for, or a refusal that says in one sentence what is wrong."""
    if wrt in net.assigned:
        return _refused(title, f"{wrt} is computed by the network; ask for the derivative "
                               f"with respect to a free name ({', '.join(net.free)})")
    if wrt not in net.free:
        return _refused(title, f"{wrt!r} is not a name of the network; its free names are "
                               f"{', '.join(net.free)}")
    if not net.graph.paths(wrt, net.output):
        return _refused(title, f"{net.output} does not depend on {wrt}: no path leads from "
                               f"{wrt} to {net.output}, so the derivative is 0 everywhere")
    try:
        given = values_at(net, at)
    except NetworkError as err:
        return _refused(title, str(err))
    missing = [n for n in net.free if n not in given]
    if at is not None and missing:
        return _refused(title, f"the point has no value for {', '.join(missing)}; give every "
                               f"free name a value ({', '.join(net.free)})")
    target = GraphTarget(net.graph, net.output, wrt, params=_params(net, wrt), prime="d({})")
    order = [*given, *(n for n in net.free if n not in given)]     # the asker's order
    return target, {n: given.get(n, DEFAULT_VALUE) for n in order}


def _points(net: Network, point: dict, n: int, seed: int) -> dict:
    """The asker's point first, then ``n - 1`` points around it, with every node's value."""
    rng = np.random.default_rng(seed)
    free = {name: np.concatenate([[value], value + rng.uniform(-0.75, 0.75, n - 1)])
            for name, value in point.items()}
    with np.errstate(all="ignore"):
        evaluated = net.evaluate(free)
    return {**{n: evaluated[n] for n in point}, **evaluated}       # the asker's order first


def _evaluate(answer, net: Network, points: dict) -> np.ndarray:
    evaluator = Evaluator(answer, net.free, derived=net.assigned)
    values = np.asarray(evaluator(points), dtype=float)
    return np.broadcast_to(values, points[net.free[0]].shape)


@dataclass(frozen=True)
class _Named:
    mistake: str
    message: str
    removed: frozenset


_TABLES: dict = {}          # (network text, output, wrt, point) -> CandidateTable
_TABLES_KEPT = 16


def _table(target: GraphTarget, points: dict, expected, key) -> CandidateTable:
    """The candidates for this question, built once: asking again about the same network
    and point (another answer, say) reuses them."""
    if key not in _TABLES:
        free = {n: points[n] for n in target.graph.inputs}
        if len(_TABLES) >= _TABLES_KEPT:
            _TABLES.pop(next(iter(_TABLES)))
        _TABLES[key] = CandidateTable(_Spec(target), free, np.asarray(expected, dtype=float))
    return _TABLES[key]


def _diagnose(net: Network, target: GraphTarget, points: dict, mine, expected,
              at: int) -> _Named | None:
    """The generated edit of the paths that reproduces ``mine``, said at point ``at``."""
    key = ("\n".join(net.lines), target.output, target.wrt,
           tuple((n, float(points[n][0])) for n in target.graph.inputs), len(expected))
    table = _table(target, points, expected, key)
    found = table.match(np.asarray(mine, dtype=float), RTOL, ATOL)
    if found is None or not found[0].edits:
        return None
    row, _ = found
    message = row.say(diagnosis_words.Context(table.structure, at, "at your point"))
    return _Named(row.id, message + _ratio(mine[at], expected[at]),
                  _removed(table.structure, row.edits))


def _removed(structure, edits) -> frozenset:
    """The factors the edits leave out, as ``(path index, label)``, for the picture."""
    from course._grading.diagnosis.edits import Form

    form = Form(structure.paths, (1,) * len(structure.paths))
    for edit in edits:
        form = edit.apply(form) or form
    if form.whole is not None:
        return frozenset()
    out = set()
    for i, (before, after, count) in enumerate(zip(structure.paths, form.paths, form.counts)):
        kept = {f.label for f in after} if count else set()
        out.update((i, f.label) for f in before if f.label not in kept)
    return frozenset(out)


def _ratio(mine, expected) -> str:
    with np.errstate(all="ignore"):
        r = float(mine) / float(expected) if expected else float("nan")
    if not np.isfinite(r) or r <= 0 or abs(r - 1) < 1e-9:
        return ""
    return (f" (your value is {r:.3g}× too large)" if r > 1
            else f" (your value is {1 / r:.3g}× too small)")


def _describe(target: GraphTarget, points: dict) -> str:
    from course._grading.diagnosis.paths import Structure

    free = {n: points[n][:1] for n in target.graph.inputs}
    context = diagnosis_words.Context(Structure(target, free, 1), 0, "at your point")
    return "; ".join(f"through {target.names[i]}: {context.term(i)}"
                     for i in range(len(target.paths)))


def _verdict(title, net, target, points, mine, expected) -> Asked:
    with np.errstate(all="ignore"):
        ok = np.abs(mine - expected) <= ATOL + RTOL * np.abs(expected)
    ok &= np.isfinite(mine) | ~np.isfinite(expected)
    names = [n for n in points if n in net.free]
    result = Asked(title, bool(ok.all()), summary="",
                   point={n: float(points[n][0]) for n in names},
                   learner_value=float(mine[0]), expected_value=float(expected[0]),
                   n_cases=len(mine), title=f"{title} for your network")
    result.network, result.target = net, target
    n_paths = len(target.paths)
    if result.passed:
        result.summary = (f"right: your {title} matches the sum over the {n_paths} "
                          f"path{'s' if n_paths > 1 else ''} from {target.wrt} to "
                          f"{net.output} at your point and at {len(mine) - 1} others")
        return result
    if ok[0]:
        bad = int(np.argmin(ok))
        result.mistake = "right-at-your-point-only"
        result.summary = (f"right at your point, but wrong at {int((~ok).sum())} of "
                          f"{len(ok) - 1} points around it: a value that is right at one "
                          "point only is a coincidence of those numbers (a factor equal to "
                          "1 there, say)")
        result.point = {n: float(points[n][bad]) for n in names}
        result.learner_value, result.expected_value = float(mine[bad]), float(expected[bad])
        named = _diagnose(net, target, points, mine, expected, bad)
        if named is not None:
            result.summary += f". Elsewhere it shows: {named.message}"
            result.removed = named.removed
        return result
    named = _diagnose(net, target, points, mine, expected, 0)
    if named is not None:
        result.mistake, result.summary, result.removed = (named.mistake, named.message,
                                                          named.removed)
    else:
        result.summary = (f"does not match the sum over the paths at {int((~ok).sum())} of "
                          f"{len(ok)} points, and no edit of the paths (factors left out, a "
                          "path missing or doubled, s for s′, the wrong node, a sign, or two "
                          "of these) explains it")
    result.details.append(f"At your point: your value {float(mine[0]):.12g}, true value "
                          f"{float(expected[0]):.12g}.")
    result.details.append("The true derivative, path by path (output side first): "
                          + _describe(target, points))
    return result
