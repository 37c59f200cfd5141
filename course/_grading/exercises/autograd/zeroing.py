"""Lesson 08: ``Value.zero_grad()`` — every node of the graph back to ``grad = 0``.

The checker builds graphs with the learner's class (the diamond, where h1 is shared, and a
chain deeper than Python's recursion limit), fills every ``grad`` with a backward pass,
calls the learner's ``root.zero_grad()`` and reads every node: all grads 0, all data
unchanged. What is left over names the mistake: only the root reset, only its children,
the leaves (the parameters) missed, ``data`` reset instead, grads set to None.
"""

from __future__ import annotations

from course._grading.drivers.autograd import DEEP, ZERO_GRAD_GRAPHS, zero_grad_runs
from course._grading.guards import LearnerError
from course._grading.registry import Exercise, register
from course._grading.result import CheckResult

LESSON = "08_autograd_from_scratch"

MEANINGS = {
    "not-a-number": "grads set to something that is not the number 0 (None, a Value)",
    "data-reset": "data changed instead of (or as well as) grad",
    "root-only": "only the root's grad reset",
    "children-only": "only the root and its direct children reset",
    "leaves-missed": "inner nodes reset, but the leaves (the parameters) keep their grads",
    "some-missed": "some nodes keep their grads",
    "recursive-sort": "fails on a graph deeper than Python's recursion limit",
}
GRAPHS = ZERO_GRAD_GRAPHS


def _leftover(nodes: list) -> tuple | None:
    """``(mistake id, message)`` for what zero_grad left undone, else None; ``nodes`` as
    the driver saw them after it (``zero_grad_runs``)."""
    if any(not n["number"] for n in nodes):
        return "not-a-number", ("after zero_grad() some .grad is not a number: set it to the "
                                "number 0.0 (the closures add to it with +=)")
    if any(n["data_changed"] for n in nodes):
        return "data-reset", ("zero_grad() changed .data: only the gradients are reset — the "
                              "values (the parameters!) must stay as they are")
    left = [n for n in nodes if not n["zero"]]
    if not left:
        return None
    zeroed = [n for n in nodes if n["zero"]]
    if all(n["root"] for n in zeroed):
        return "root-only", ("only the output's grad was reset (or none): zero_grad must walk "
                             "the whole graph, every node the output was computed from")
    if all(n["root"] or n["root_child"] for n in zeroed):
        return "children-only", ("only the output and its direct children were reset: walk the "
                                 "graph all the way down (the topological order from "
                                 "backward() lists every node)")
    if all(n["leaf"] for n in left):
        return "leaves-missed", ("the leaves keep their gradients — and the leaves are the "
                                 "parameters, the very nodes whose .grad the next step "
                                 "reads: reset every node, leaves included")
    return "some-missed", (f"{len(left)} of {len(nodes)} nodes keep a nonzero grad: reset "
                           "every node of the graph")


def _grade(answer, opts) -> CheckResult:
    eid = "autograd.zero_grad"
    runs = zero_grad_runs(answer, eid)
    for (description, _), run in zip(GRAPHS, runs):
        if run.get("recursed") is True:
            return CheckResult(eid, False, mistake="recursive-sort", details=[
                f"Graph: {description}."], summary=(
                "zero_grad() recursed too deeply: walk the graph with your iterative "
                "topological_order (or your own stack), not by recursion"))
        if "error" in run:
            message, kind = run["error"]
            raise LearnerError(str(message), kind=str(kind))
        problem = _leftover(run["nodes"])
        if problem:
            return CheckResult(eid, False, mistake=problem[0], summary=problem[1],
                               details=[f"Graph: {description}, after a backward pass."])
    if len(runs) != len(GRAPHS):
        raise ValueError("the driver observed fewer graphs than there are")
    return CheckResult(eid, True, n_cases=len(GRAPHS), summary=(
        "correct — every node's grad is 0 again, the leaves included, and no value changed "
        f"(the diamond and a chain {DEEP} operations deep)"))


register(Exercise(
    forbidden=("course.nn.autograd.Value",),
    id="autograd.zero_grad", lesson=LESSON, answer_name="Value",
    title="Value.zero_grad(): every node of the graph back to grad 0",
    grade=_grade, answer_kinds="the Value class", mistakes=MEANINGS,
    hints=("Which nodes hold a gradient after backward()? All of them — the parameters too.",
           "You already have a list of every node of the graph: the topological order."),
))
