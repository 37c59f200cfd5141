"""Running one operation of a learner's ``Value`` class, with learner-facing messages.

Shared by the closure exercises (:mod:`.closures`) and ``backward()`` (:mod:`.traversal`):
the class itself was passed, a node can be made, the result of an op is a new ``Value``
that remembers its inputs, its ``_backward`` was attached, and the gradients it leaves are
numbers.
"""

from __future__ import annotations

import math
import numbers

from course._grading.exercises.autograd.graphs import topological
from course._grading.guards import LearnerError, call_learner

__all__ = ["as_value_class"]


def as_value_class(answer, eid: str):
    """The learner's class, or a LearnerError saying what to pass."""
    if isinstance(answer, type):
        return answer
    what = "a function" if callable(answer) else f"a {type(answer).__name__}"
    raise LearnerError(f"pass your Value class itself, check({eid!r}, Value) — not {what}. "
                       "The checker builds small graphs with it.", kind="type")


def _value(cls, x, where):
    try:
        return cls(x)
    except Exception as err:
        raise LearnerError(f"Value({x}) failed ({type(err).__name__}: {err}) {where}; keep the "
                           "given __init__(self, data, _children=(), _op='')", kind="type") \
            from None


def _check_out(out, expected, inputs, what):
    if not all(hasattr(out, a) for a in ("data", "grad", "_prev", "_backward")):
        got = "None — did you forget `return out`?" if out is None else \
            f"a {type(out).__name__}"
        raise LearnerError(f"{what} must return a new Value (with .data, .grad, ._prev and "
                           f"._backward), but returned {got}", kind="type")
    if not math.isclose(out.data, expected, rel_tol=1e-12, abs_tol=1e-15):
        return ("forward", f"{what} computed {out.data:.6g}, but it should be {expected:.6g}: "
                "check the forward value before the closure.")
    if not all(any(c is x for c in out._prev) for x in inputs):
        return ("no-children", f"the result of {what} does not remember its input(s): make it "
                "with the children, e.g. Value(t, (self,), 'tanh'), so backward() can find "
                "them.")
    return None


def _attached(op, name, attach):
    """``op()`` for the learner; a missing method gets a message on where it is written."""
    try:
        return call_learner(op)
    except LearnerError as err:
        if ("unsupported operand" in str(err) or f"attribute '{name}'" in str(err)
                or "is not defined" in str(err)):
            raise LearnerError(
                f"your Value class cannot do {name} yet ({err}). Run the cell where you write "
                f"it ({attach}), then this check again.", kind="signature") from None
        raise


def _not_attached(cls, out, what: str):
    """A problem tuple when ``out._backward`` is still the do-nothing closure of a new Value."""
    try:
        default = getattr(cls(0.0)._backward, "__code__", None)
    except Exception:
        return None
    if default is not None and getattr(out._backward, "__code__", None) is default:
        return ("not-attached", f"the result of {what} still has the empty _backward of a new "
                "Value: after `def _backward(): ...`, attach it with `out._backward = "
                "_backward` (before `return out`), or backward() never calls it.")
    return None


def _grads(nodes, names):
    """The nodes' gradients as floats, or a problem tuple when one is not a number."""
    for node, name in zip(nodes, names):
        if not isinstance(node.grad, numbers.Real):
            return ("value-not-data", f"after out._backward(), {name} is a "
                    f"{type(node.grad).__name__}, not a number: inside the closure use the "
                    "numbers .data and .grad (other.data, out.grad), not the Values "
                    "themselves (other, out) — a Value times a number builds a new Value.")
    return tuple(float(node.grad) for node in nodes)


def _reaches(root, node) -> bool:
    return any(n is node for n in topological(root))
