"""Checking a learner's ``_backward`` closure by running cases, and naming its mistake.

Each case runs through the learner's ``Value`` class (the public driver
``closure_grads``: the inputs' gradients after ``out._backward()``, or a problem found on the
way), and here on plain nodes: the right closure gives the expected gradients
(``run(None, case)``) and, to name a wrong answer, every ``ClosureMistake``
(``run(None, case, mistake.apply)``). The mistake whose gradients equal the learner's in
every case is the one named.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from course._grading.drivers.autograd import closure_grads
from course._grading.result import CheckResult

__all__ = ["ClosureMistake", "grade_closure"]

_BEFORE_AND_UPSTREAM = (
    "'.grad before' is what the inputs already held before out._backward() ran "
    "(contributions from their other uses); out.grad is the upstream gradient. Expected = the "
    "grad before + this node's contribution.")


@dataclass(frozen=True)
class ClosureMistake:
    """A mistaken closure ``apply(inputs, out)`` that updates the inputs' ``grad``."""

    id: str
    meaning: str
    apply: Callable
    message: str


def grade_closure(eid, answer, op, cases, run, mistakes, describe) -> CheckResult:
    """Run every case with the learner's class (the driver ``closure_grads``, where the
    class lives); pass, or name what went wrong first. ``run(None, case, apply)`` simulates
    a closure on plain nodes."""
    observed = closure_grads(answer, eid, op, [list(case) for case in cases])
    mine, truth = [], []
    for case, seen in zip(cases, observed):
        if "problem" in seen:
            return _problem_result(eid, tuple(seen["problem"]), describe(case))
        expected = run(None, case)[0]
        got = tuple(float(g) for g in seen["grads"])
        if len(got) != len(expected):
            raise ValueError("the driver's observation has the wrong length")
        mine.append(got)
        truth.append(expected)
    if len(mine) != len(cases):
        raise ValueError("the driver observed fewer cases than it was given")
    agrees = [_same(mi, ti) for mi, ti in zip(mine, truth)]
    if all(agrees):
        return CheckResult(eid, True, n_cases=len(cases), summary=(
            f"correct — the gradients match in {len(cases)} cases, including a node that "
            "already held a gradient and an upstream out.grad ≠ 1"))
    first_wrong = agrees.index(False)
    result = _values_at(eid, cases, first_wrong, mine, truth, describe)
    result.mistake, result.summary = (_named_mistake(mine, cases, run, mistakes)
                                      or _unnamed(mine, cases, run))
    result.details.append(_BEFORE_AND_UPSTREAM)
    return result


def _is_problem(expected_or_problem) -> bool:
    """``run`` returns ``(mistake id, message)`` instead of the expected grads when the
    answer failed before its closure could be compared (a wrong forward value, ...)."""
    return (isinstance(expected_or_problem, tuple)
            and isinstance(expected_or_problem[0], str))


def _problem_result(eid, problem, point: dict) -> CheckResult:
    mistake, message = problem
    where = ", ".join(f"{k} = {v:g}" for k, v in point.items())
    return CheckResult(eid, False, mistake=mistake, summary=message,
                       details=[f"Checked with {where}."])


def _same(grads, other) -> bool:
    return all(math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) for a, b in zip(grads, other))


def _values_at(eid, cases, i, mine, truth, describe) -> CheckResult:
    """A failed result showing case ``i``: the learner's gradients beside the expected."""
    names = ("x.grad",) if len(mine[i]) == 1 else ("a.grad", "b.grad")
    return CheckResult(eid, False, n_cases=len(cases), point=describe(cases[i]),
                       learner_value=dict(zip(names, map(_g, mine[i]))),
                       expected_value=dict(zip(names, map(_g, truth[i]))))


def _named_mistake(mine, cases, run, mistakes):
    """``(id, message)`` of the first mistake that gives the learner's gradients in every
    case, else None."""
    for m in mistakes:
        simulated = [run(None, case, m.apply)[0] for case in cases]
        if all(_same(mi, si) for mi, si in zip(mine, simulated)):
            return m.id, m.message
    return None


def _unnamed(mine, cases, run):
    untouched = [run(None, case, None)[0] for case in cases]     # the grads before
    if all(all(math.isclose(g, g0) for g, g0 in zip(mi, u)) for mi, u in zip(mine, untouched)):
        return "nothing-passed", ("the closure did not change the inputs' .grad: it must add "
                                  "to self.grad (and other.grad)")
    return None, "the gradients after out._backward() differ from the expected ones"


def _g(x: float) -> float:
    return float(f"{x:.6g}")
