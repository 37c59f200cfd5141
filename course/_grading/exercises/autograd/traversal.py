"""Lesson 08, exercise 3: ``Value.backward()`` — seed, topological order, reversed.

The checker builds graphs from the learner's class whose ``_backward`` closures are its
own (correct) ones and record every call (``graphs.Ops``). After the learner's
``root.backward()`` it reads the call log and the gradients:

* no closure called, or the root's called with ``grad`` 0: the seed ``self.grad = 1`` is
  missing (or nothing is called);
* a closure called twice: the topological sort has no ``visited`` set;
* a node's closure called before all its consumers' closures: not a reversed topological
  order (children before parents everywhere: the order was not reversed);
* right when every node lists its children in the order written and wrong in the opposite
  one (or the reverse): ``_prev`` is a set, so such a sort passes or fails by chance — the
  checker fixes the order (``graphs.OrderedChildren``) and runs each graph both ways;
  the usual cause is a node marked visited when pushed, not when expanded;
* a second ``backward()`` on the same graph starting from an output grad of 2: the seed
  was added (``self.grad += 1``), not set;
* a node never called; gradients wrong despite a good order.

Graphs: a chain (no shared nodes), the diamond of lessons 03-05 (h1 feeds two nodes), a
node needed at two depths (breadth-first order fails) and two chains meeting at one
node (depth-first pre-order fails whichever way it turns).
"""

from __future__ import annotations

import math
from types import SimpleNamespace

from course._grading.drivers.autograd import (
    BACKWARD_GRAPHS,
    DEEP,
    Ops,
    backward_runs,
    build_deep,
    reference_backward,
    topological,
)
from course._grading.guards import LearnerError
from course._grading.registry import Exercise, register
from course._grading.result import CheckResult

__all__ = ["GRAPHS", "MEANINGS", "DEEP"]

LESSON = "08_autograd_from_scratch"
#: (description, builder); the first is the chain ``tanh(x·w + b)·c``
GRAPHS = BACKWARD_GRAPHS[:-1]
#: a graph deeper than Python's recursion limit: a recursive sort fails here only
DEEP_GRAPH = BACKWARD_GRAPHS[-1]
_build_deep = build_deep        # (the old name)

MEANINGS = {
    "no-seed": "self.grad = 1 is missing: every gradient stays 0",
    "wrong-seed": "the root's gradient is seeded with something other than 1",
    "no-calls": "no _backward closure is called",
    "not-reversed": "the closures run in topological order, not reversed (leaves first)",
    "wrong-order": "not a topological order: a node passes its gradient on before it is "
                   "complete (e.g. breadth-first or depth-first pre-order)",
    "visited-twice": "a shared node's closure runs twice (no visited set)",
    "missing-nodes": "some nodes' closures are never called",
    "wrong-grads": "the order looks right but the gradients are wrong",
    "recursive-sort": "the topological sort recurses, and fails on a graph deeper than "
                      "Python's recursion limit",
    "visited-on-push": "the order is right for some orders of a node's children and wrong "
                       "for others: a node marked visited when pushed, not when expanded",
    "accumulated-seed": "the seed adds (self.grad += 1) instead of setting self.grad = 1: a "
                        "second backward() starts the output at 2",
}


def _consumers(root) -> dict:
    """id(node) -> the nodes that use it, for every node reachable from root."""
    out, stack, seen = {id(root): []}, [root], {id(root)}
    while stack:
        node = stack.pop()
        for child in node._prev:
            out.setdefault(id(child), []).append(node)
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return out


def _analyse(root, log) -> tuple | None:
    """``(mistake id, message)`` for a wrong call log, else None."""
    inner = [(n, g) for n, g in log if n._prev]            # leaves' closures do nothing
    if not inner:
        return "no-calls", ("backward() called no node's _backward: walk the graph from self "
                            "and call node._backward() for every node")
    root_calls = [g for n, g in inner if n is root]
    if root_calls and root_calls[0] == 0:
        return "no-seed", ("the root's _backward ran while self.grad was still 0, so every "
                           "gradient stays 0: set self.grad = 1 first (dL/dL = 1)")
    if root_calls and not math.isclose(root_calls[0], 1.0):
        return "wrong-seed", (f"the root's gradient was {root_calls[0]:.6g} when its _backward "
                              "ran; seed it with exactly 1 (dL/dL = 1)")
    counts: dict = {}
    for n, _ in inner:
        counts[id(n)] = counts.get(id(n), 0) + 1
    if max(counts.values()) > 1:
        return "visited-twice", (
            "a node's _backward ran more than once: a node used by two others appears twice "
            "in your order, so its gradient is passed on twice. Keep a `visited` set while "
            "you build the topological order and add each node once.")
    position = {id(n): i for i, (n, _) in enumerate(inner)}
    consumers = _consumers(root)
    internal = [n for n in topological(root) if n._prev]
    if any(id(n) not in position for n in internal):
        return "missing-nodes", ("some nodes' _backward never ran: visit every node of the "
                                 "graph (recursively through node._prev), not only the root's "
                                 "children")
    late = [(n, p) for n in internal for p in consumers[id(n)] if position[id(p)] > position[id(n)]]
    if late:
        if all(position[id(p)] > position[id(n)] for n in internal for p in consumers[id(n)]):
            return "not-reversed", ("the closures ran from the leaves towards the root — the "
                                    "topological order itself; run them in reversed order, "
                                    "root first: for node in reversed(topo): node._backward()")
        early, user = next(((n, p) for n, p in late if n.label and p.label), late[0])
        example = (f" Here {early.label}'s _backward ran before that of {user.label}, which "
                   f"uses {early.label}." if early.label and user.label else "")
        return "wrong-order", (
            "a node passed its gradient on before all its users had added theirs: in your "
            "order some node's _backward runs before the _backward of a node that uses it."
            f"{example} Build a topological order (each node after all its children, "
            "depth-first with a visited set) and run it reversed.")
    return None


ORDERS = ("written", "reversed")


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-13)


def _mirror(run: dict):
    """The learner's graph as the driver saw it — plain nodes with their labels and
    children, in the order it listed them — and its call log on them: ``(root, log)``."""
    nodes = [SimpleNamespace(label=str(d["label"]), _prev=[]) for d in run["nodes"]]
    for node, d in zip(nodes, run["nodes"]):
        node._prev = [nodes[i] for i in d["prev"]]
    return nodes[run["root"]], [(nodes[i], float(g)) for i, g in run["log"]]


def _leaf_grad(value) -> float:
    if value is None:                       # as float() of something that is not a number
        raise TypeError("a leaf's grad is not a number")
    return float(value)


def _raise_failure(run: dict) -> None:
    """Raise what the learner's code raised in the driver's run, if it did."""
    if "error" in run:
        message, kind = run["error"]
        raise LearnerError(str(message), kind=str(kind))


def _problem(run: dict, build) -> tuple | None:
    """``(mistake id, message, wrong grads, their true values)`` for one run of the driver
    (``backward_runs``), else None."""
    _raise_failure(run)
    ref_root, ref_leaves = build(Ops(_Plain, []))
    reference_backward(ref_root)
    root, log = _mirror(run)
    mine = {k: _leaf_grad(run["leaves"][k]) for k in ref_leaves}
    truth = {k: v.grad for k, v in ref_leaves.items()}
    problem = _analyse(root, log)
    wrong = {k: _g(mine[k]) for k in truth if not _close(mine[k], truth[k])}
    if problem is None and not wrong:
        return None
    mid, message = problem or ("wrong-grads", "the order of the calls is right, but the "
                               "gradients differ: does backward() change .grad itself "
                               "(other than seeding self.grad = 1)?")
    return mid, message, wrong, {k: _g(truth[k]) for k in wrong}


def _order_dependent(found: dict) -> tuple:
    """The message when a graph passes with one order of the children and fails with another."""
    good = next(o for o, p in found.items() if p is None)
    bad, (_, message, wrong, truth) = next((o, p) for o, p in found.items() if p is not None)
    return ("visited-on-push", (
        "a node was processed before everything that uses it: marked visited when pushed. "
        f"Your order is right when every node lists its children in the {good} order and "
        f"wrong in the {bad} one — and _prev is a set, so that order changes from run to run "
        "(a check that passes once may fail the next time). The usual cause: a child is "
        "marked visited when it is pushed on the stack; when a longer path reaches it first, "
        "the node on that path is placed before the child is. Mark a node visited when you "
        "pop it to expand it (and skip it when it is popped again), or append it only when "
        "all its children are placed." + _example(message, bad)), wrong, truth)


def _example(message: str, order: str) -> str:
    """The sentence of a wrong-order message that names the two nodes, if there is one."""
    if " Here " not in message:
        return ""
    return f" In the {order} order, " + message.split(" Here ", 1)[1].split(" Build ", 1)[0]


def _accumulated_seed(run: dict) -> CheckResult | None:
    """backward() twice on one graph: the output's seed must be 1 both times (``run``: the
    driver's second call on the chain)."""
    _raise_failure(run)
    root, log = _mirror(run)
    seeds = [g for n, g in log if n is root]
    if not seeds or _close(seeds[0], 1.0):
        return None
    return CheckResult("autograd.backward", False, mistake="accumulated-seed",
                       n_cases=len(GRAPHS) + 2, summary=(
        f"the second call of backward() on the same graph started with the output's grad at "
        f"{seeds[0]:.6g}, not 1: your seed adds (self.grad += 1) instead of setting it. "
        "backward() *sets* the seed, self.grad = 1 — dL/dL is 1 however often you call it "
        "(the other nodes still add up, which is why zero_grad() exists)."),
        details=["Graph: tanh(x·w + b)·c, backward() called twice."])


#: what the driver runs, in order: ``[graph, children's order, calls of backward()]`` — each
#: small graph in both orders, the deep one as the class lists children, the chain twice
PLAN = ([[i, order, 1] for i in range(len(GRAPHS)) for order in ORDERS]
        + [[len(GRAPHS), None, 1], [0, "written", 2]])


def _grade(answer, opts) -> CheckResult:
    eid = "autograd.backward"
    runs = iter(backward_runs(answer, eid, PLAN))

    def run() -> dict:
        observed = next(runs, None)
        if not isinstance(observed, dict):
            raise ValueError("the driver observed fewer runs than it was given")
        return observed

    for description, build in GRAPHS:
        found = {order: _problem(run(), build) for order in ORDERS}
        if all(p is None for p in found.values()):
            continue
        if any(p is None for p in found.values()):
            mid, message, wrong, truth = _order_dependent(found)
        else:
            mid, message, wrong, truth = found[ORDERS[0]]
        return CheckResult(eid, False, mistake=mid, summary=message, n_cases=len(GRAPHS),
                           details=[f"Graph: {description}."], learner_value=wrong or None,
                           expected_value=truth or None)
    description, build = DEEP_GRAPH
    deep_run = run()
    if deep_run.get("recursed") is True:
        return CheckResult(eid, False, mistake="recursive-sort", n_cases=len(GRAPHS) + 1,
                           details=[f"Graph: {description}."], summary=(
            "your backward() is right on the small graphs but fails on a chain of "
            f"{DEEP} operations: the topological sort calls itself once per level, and "
            "Python stops at about 1,000 nested calls. A training loop builds graphs that "
            "deep. Keep your own stack (a list of (node, children_done) pairs) instead of "
            "recursing."))
    deep = _problem(deep_run, build)
    if deep is not None:
        mid, message, wrong, truth = deep
        return CheckResult(eid, False, mistake=mid, summary=message, n_cases=len(GRAPHS) + 1,
                           details=[f"Graph: {description}."], learner_value=wrong or None,
                           expected_value=truth or None)
    seeded = _accumulated_seed(run())
    if seeded is not None:
        return seeded
    return CheckResult(eid, True, n_cases=len(GRAPHS) + 1, summary=(
        f"correct — your backward() gives every gradient of {len(GRAPHS) + 1} graphs, "
        "including all nine of the diamond (= DiamondNet.gradient) and a chain "
        f"{DEEP} operations deep, calling each closure once, in reversed topological order "
        "whatever order the children are listed in"))


def _g(x: float) -> float:
    return float(f"{x:.6g}")


class _Plain:
    """A minimal node class for the reference run."""

    def __init__(self, data, _children=(), _op=""):
        self.data, self.grad, self._prev, self._op = float(data), 0.0, set(_children), _op
        self._backward = lambda: None
        self.label = ""


register(Exercise(
    forbidden=("course.nn.autograd.Value",),
    id="autograd.backward", lesson=LESSON, answer_name="Value",
    title="Value.backward(): seed 1, topological order, every _backward in reverse",
    grade=_grade, answer_kinds="the Value class", mistakes=MEANINGS,
    hints=("A node may pass its gradient on only when it is complete — after every node that "
           "uses it has added its share. Which order guarantees that?",
           "Build a topological order — every node after all of its children — by a depth-first "
           "search that keeps its own stack instead of recursing: a node is appended only when "
           "all its children have been; a `visited` set places each node once.",
           "Push (node, False); popping (node, False) for an unvisited node marks it visited and "
           "pushes (node, True) and then its children; popping (node, True) appends it. Then "
           "seed the output's grad and run the closures in reversed order."),
))
