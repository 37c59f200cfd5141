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
of those paths that reproduces it (``course._grading.path_edits``): factors left out on a
path or on all, a missing path, s where s′ belongs, a sign.
"""

from __future__ import annotations

import numpy as np

from course._grading.answers import Evaluator
from course._grading.guards import LearnerError, NotAttempted, capture_output, time_limit
from course._grading.path_edits import PathProblem, explain
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
    problem: PathProblem | None = None
    edit = None

    def _repr_html_(self) -> str:
        verdict = super()._repr_html_()
        if self.network is None or self.problem is None:
            return verdict
        from course.plots.paths_svg import paths_svg

        picture = paths_svg(self.network, self.problem, self.edit)
        return f"<div class='course-ask'>{verdict}{picture}</div>"


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
    problem_or_refusal = _problem(net, wrt, at, title)
    if isinstance(problem_or_refusal, Asked):
        return problem_or_refusal
    problem, point = problem_or_refusal
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
    expected = problem.true_values(points)
    return _verdict(title, net, problem, points, mine, expected)


def _problem(net: Network, wrt: str, at, title: str):
    """The derivative asked for, or a refusal that says in one sentence what is wrong."""
    if wrt in net.assigned:
        return _refused(title, f"{wrt} is computed by the network; ask for the derivative "
                               f"with respect to a free name ({', '.join(net.free)})")
    if wrt not in net.free:
        return _refused(title, f"{wrt!r} is not a name of the network; its free names are "
                               f"{', '.join(net.free)}")
    problem = PathProblem(net.graph, net.output, wrt)
    if not problem.paths:
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
    order = [*given, *(n for n in net.free if n not in given)]     # the asker's order
    return problem, {n: given.get(n, DEFAULT_VALUE) for n in order}


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


def _verdict(title, net, problem, points, mine, expected) -> Asked:
    with np.errstate(all="ignore"):
        ok = np.abs(mine - expected) <= ATOL + RTOL * np.abs(expected)
    ok &= np.isfinite(mine) | ~np.isfinite(expected)
    names = [n for n in points if n in net.free]
    point = {n: float(points[n][0]) for n in names}
    exact = (f"At your point: your value {float(mine[0]):.12g}, true value "
             f"{float(expected[0]):.12g}.")
    result = Asked(title, bool(ok.all()), summary="", point=point,
                   learner_value=float(mine[0]), expected_value=float(expected[0]),
                   n_cases=len(mine), title=f"{title} for your network")
    result.network, result.problem = net, problem
    if result.passed:
        result.summary = (f"right: your {title} matches the sum over the "
                          f"{len(problem.paths)} path(s) from {problem.wrt} to {net.output} "
                          f"at your point and at {len(mine) - 1} others")
        return result
    if ok[0]:
        result.mistake = "right-at-your-point-only"
        bad = int(np.argmin(ok))
        result.summary = (f"right at your point, but wrong at {int((~ok).sum())} of "
                          f"{len(ok) - 1} points around it: a value that is right at one "
                          "point only is a coincidence of those numbers (a factor equal to "
                          "1 there, say)")
        result.point = {n: float(points[n][bad]) for n in names}
        result.learner_value, result.expected_value = float(mine[bad]), float(expected[bad])
        edit = explain(problem, points, mine, at=bad)
        if edit is not None:
            result.edit = edit
            result.summary += f". Elsewhere it shows: {edit.message}"
        return result
    edit = explain(problem, points, mine, at=0)
    if edit is not None:
        result.mistake, result.summary, result.edit = edit.kind, edit.message, edit
    else:
        result.mistake = None
        result.summary = (f"does not match the sum over the paths at {int((~ok).sum())} of "
                          f"{len(ok)} points, and no single edit of the paths (a factor left "
                          "out, a path missing, s for s′, a sign) explains it")
    result.details.append(exact)
    result.details.append("The true derivative, path by path (output side first): "
                          + problem.describe())
    return result
