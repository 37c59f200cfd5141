"""Lesson 08's drivers: graphs built from the learner's ``Value`` class, plain observations.

``Ops(cls, log)`` makes nodes of the learner's class (``cls(data, children, op)``) and gives
every node a correct ``_backward`` closure that also records each call ``(node, node.grad at
the call)`` in ``log`` — so the order of a learner's ``backward()`` can be read afterwards.
The builders return ``(root, named nodes)``.

The drivers (``closure_grads``, ``backward_runs``, ``zero_grad_runs``, ``engine_numbers``)
run the learner's class on these graphs and return what they saw as plain data: gradients
as floats, the call log as node indices, each graph as its nodes' labels and children. The
exercises (``course._grading.exercises.autograd``) hold what those should be and name the
mistakes; nothing here knows them.
"""

from __future__ import annotations

import math
import numbers

from course._grading.drivers import driver
from course._grading.guards import LearnerError, call_learner
from course.nn.activations import sigmoid, sigmoid_prime, tanh_prime
from course.nn.graph import topological_order
from course.nn.networks import PARAMS, DiamondNet

__all__ = ["Ops", "OrderedChildren", "build_diamond", "build_two_depths", "build_two_chains",
           "build_chain",
           "build_deep", "reference_backward", "topological", "as_value_class",
           "BACKWARD_GRAPHS", "ZERO_GRAD_GRAPHS", "DEEP", "TESTS",
           "closure_grads", "backward_runs", "zero_grad_runs", "engine_numbers"]


# -- graphs ----------------------------------------------------------------------------------
class OrderedChildren(set):
    """A set of children whose iteration order is fixed (``order``), not the hash order.

    ``_prev`` is a set, so a learner's walk meets the children in an order that changes from
    run to run; the checker swaps in this set to run one graph with every child order."""

    def __init__(self, order):
        super().__init__(order)
        self._order = list(order)

    def __iter__(self):
        return iter(self._order)


class Ops:
    """Node makers for class ``cls``, recording every ``_backward`` call in ``log``.

    ``order``: ``None`` leaves the learner's ``_prev`` as it is; ``"written"`` or
    ``"reversed"`` makes every node list its children in the order the operands are written
    (``a`` before ``b`` for ``a * b``) or the opposite one."""

    def __init__(self, cls, log: list, order: str | None = None):
        self.cls, self.log, self.order = cls, log, order

    def _node(self, data, children, op, backward):
        node = self.cls(data, tuple(children), op)
        if self.order and isinstance(getattr(node, "_prev", None), (set, frozenset)):
            unique = list({id(c): c for c in children}.values())
            node._prev = OrderedChildren(unique if self.order == "written" else unique[::-1])
        log = self.log

        def _backward():
            log.append((node, node.grad))
            backward(node)
        node._backward = _backward
        return node

    def leaf(self, x, label=""):
        node = self._node(x, (), "", lambda out: None)
        node.label = label
        return node

    def add(self, a, b):
        def back(out):
            a.grad += out.grad
            b.grad += out.grad
        return self._node(a.data + b.data, (a, b), "+", back)

    def mul(self, a, b):
        def back(out):
            a.grad += b.data * out.grad
            b.grad += a.data * out.grad
        return self._node(a.data * b.data, (a, b), "*", back)

    def tanh(self, a):
        def back(out):                  # 1 - tanh(a)^2, accurate in the tails
            a.grad += tanh_prime(a.data) * out.grad
        return self._node(math.tanh(a.data), (a,), "tanh", back)

    def sigmoid(self, a):
        def back(out):                  # s'(a) = s(a)(1 - s(a)), accurate in the tails
            a.grad += sigmoid_prime(a.data) * out.grad
        return self._node(float(sigmoid(a.data)), (a,), "sigmoid", back)


def _named(node, label):
    node.label = label
    return node


def build_diamond(ops: Ops, I=1.0, **params):
    """The diamond of lessons 03-05: ``(O, {"w1": node, ..., "b4": node})``."""
    p = {**DiamondNet().params, **params}
    leaves = {k: ops.leaf(p[k], k) for k in PARAMS}
    x = ops.leaf(I, "I")

    def times(a, w):
        return _named(ops.mul(a, leaves[w]), f"{a.label}·{w}")

    z1 = _named(ops.add(times(x, "w1"), leaves["b1"]), "z1")
    h1 = _named(ops.sigmoid(z1), "h1")
    z2 = _named(ops.add(times(h1, "w2"), leaves["b2"]), "z2")
    z3 = _named(ops.add(times(h1, "w3"), leaves["b3"]), "z3")
    h2, h3 = _named(ops.sigmoid(z2), "h2"), _named(ops.sigmoid(z3), "h3")
    paths = _named(ops.add(times(h2, "w4"), times(h3, "w5")), "h2·w4 + h3·w5")
    zO = _named(ops.add(paths, leaves["b4"]), "zO")
    return _named(ops.sigmoid(zO), "O"), leaves


def build_two_depths(ops: Ops):
    """``w = tanh(tanh(u)) + u`` with ``u = x·a``: u is needed at depth 1 and at depth 3."""
    x, a = ops.leaf(0.8, "x"), ops.leaf(-1.3, "a")
    u = _named(ops.mul(x, a), "u")
    inner = _named(ops.tanh(u), "tanh(u)")
    return _named(ops.add(_named(ops.tanh(inner), "tanh(tanh(u))"), u), "w"), {"x": x, "a": a}


def build_two_chains(ops: Ops):
    """``w = tanh(tanh(u)) + s(s(u))`` with ``u = x·a``: two equal-length paths meet at u."""
    x, a = ops.leaf(0.6, "x"), ops.leaf(1.7, "a")
    u = _named(ops.mul(x, a), "u")
    left = _named(ops.tanh(_named(ops.tanh(u), "tanh(u)")), "tanh(tanh(u))")
    right = _named(ops.sigmoid(_named(ops.sigmoid(u), "s(u)")), "s(s(u))")
    return _named(ops.add(left, right), "w"), {"x": x, "a": a}


def build_chain(ops: Ops):
    """A graph without shared nodes: ``tanh(x·w + b)·c``."""
    x, w, b, c = (ops.leaf(v, k) for k, v in (("x", 0.5), ("w", -1.2), ("b", 0.3), ("c", 2.0)))
    return ops.mul(ops.tanh(ops.add(ops.mul(x, w), b)), c), {"x": x, "w": w, "b": b, "c": c}


def build_deep(ops: Ops, depth: int):
    """``x + c + c + ...``: a chain ``depth`` additions deep."""
    x, c = ops.leaf(0.5, "x"), ops.leaf(0.25, "c")
    node = x
    for _ in range(depth):
        node = ops.add(node, c)
    return node, {"x": x, "c": c}


def topological(root) -> list:
    """Every node after all of its children: ``course.nn.graph.topological_order`` over any
    micrograd-style class (children in ``_prev``)."""
    return topological_order([root], lambda node: node._prev)


def reference_backward(root) -> None:
    """Seed ``root.grad = 1`` and run every closure in reverse topological order."""
    root.grad = 1.0
    for node in reversed(topological(root)):
        node._backward()


_RANDOM = {"w1": -0.9, "w2": 1.4, "w3": -0.6, "w4": 0.8, "w5": -1.7, "b1": 0.3, "b2": -0.5,
           "b3": 0.9, "b4": -0.2}
DEEP = 5000
#: ``backward()``'s graphs: (description, builder); the last is deeper than Python's
#: recursion limit (a recursive sort fails there only)
BACKWARD_GRAPHS = (
    ("tanh(x·w + b)·c (no shared nodes)", build_chain),
    ("the diamond at the worked example", lambda ops: build_diamond(ops, 1.0)),
    ("the diamond at I = -0.7 and random weights", lambda ops: build_diamond(ops, -0.7,
                                                                            **_RANDOM)),
    ("w = tanh(tanh(u)) + u, u = x·a (u needed at depths 1 and 3)", build_two_depths),
    ("w = tanh(tanh(u)) + s(s(u)), u = x·a (two paths meet at u)", build_two_chains),
    (f"x + c + c + ... ({DEEP} additions: deeper than Python's recursion limit)",
     lambda ops: build_deep(ops, DEEP)),
)
#: ``zero_grad()``'s graphs: (description, builder)
ZERO_GRAD_GRAPHS = (
    ("the diamond at the worked example (h1 is used twice)", lambda ops: build_diamond(ops, 1.0)),
    (f"a chain of {DEEP} additions (deeper than Python's recursion limit)",
     lambda ops: build_deep(ops, DEEP)),
)


# -- one operation of the learner's class, with learner-facing messages ----------------------
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
    return tuple(real(node.grad) for node in nodes)


def _reaches(root, node) -> bool:
    return any(n is node for n in topological(root))


def real(x) -> float | None:
    """``x`` as a plain float — the value a float or int subclass really holds, not what
    its ``__float__`` or ``__eq__`` says — or ``None`` when it is not a real number."""
    try:
        if isinstance(x, float):
            return float.__float__(x)
        if isinstance(x, int):
            return float(int.__int__(x))
        return float(x) if isinstance(x, numbers.Real) else None
    except (TypeError, ValueError, OverflowError):
        return None


def _number(x) -> float:
    """``x`` as a float, NaN when it is not a real number (the learner's own object)."""
    value = real(x)
    return math.nan if value is None else value


# -- the closures of __mul__ and tanh --------------------------------------------------------
def _mul_case(cls, case):
    a0, b0, ga, gb, g = case
    a = _value(cls, a0, "for the left factor")
    a.grad = ga
    if b0 is None:
        b = a
    else:
        b = _value(cls, b0, "for the right factor")
        b.grad = gb
    out = _attached(lambda: a * b, "__mul__", "def mul(self, other), exercise 1")
    problem = _check_out(out, a0 * (a0 if b0 is None else b0), (a, b), "a * b")
    if problem:
        return problem
    out.grad = g
    problem = _not_attached(cls, out, "a * b")
    if problem:
        return problem
    call_learner(out._backward)
    return _grads((a, b), ("a.grad", "b.grad"))


def _tanh_case(cls, case):
    x0, gx, g = case
    x = _value(cls, x0, "for x")
    x.grad = gx
    out = _attached(lambda: x.tanh(), "tanh", "def tanh(self), exercise 2")
    # tanh built from other operations ((e - 1) / (e + 1) with e = (2 * x).exp()) is a
    # correct autograd too: then every closure of its small graph runs, in reverse order
    composite = (hasattr(out, "_prev") and not any(c is x for c in out._prev)
                 and _reaches(out, x))
    problem = _check_out(out, math.tanh(x0), () if composite else (x,), "x.tanh()")
    if problem:
        return problem
    out.grad = g
    if composite:
        for node in reversed(topological(out)):
            call_learner(node._backward)
    else:
        problem = _not_attached(cls, out, "x.tanh()")
        if problem:
            return problem
        call_learner(out._backward)
    return _grads((x,), ("x.grad",))


@driver
def closure_grads(answer, eid: str, op: str, cases) -> list:
    """Per case (until the first problem): ``{"grads": [...]}`` — the inputs' gradients after
    the learner's ``op`` ("mul" or "tanh") and ``out._backward()`` — or ``{"problem": [id,
    message]}`` when the answer failed before its closure could be compared."""
    cls = as_value_class(answer, eid)
    run = {"mul": _mul_case, "tanh": _tanh_case}[op]
    out = []
    for case in cases:
        got = run(cls, tuple(case))
        if isinstance(got[0], str):
            out.append({"problem": [str(got[0]), str(got[1])]})
            break
        out.append({"grads": [float(g) for g in got]})
    return out


# -- backward() and zero_grad() on whole graphs ----------------------------------------------
def _graph(root, extra=()) -> tuple[list, dict]:
    """The nodes reachable from ``root`` (then ``extra``), each once, children first, and
    ``id -> index``."""
    nodes = topological(root)
    index = {id(n): i for i, n in enumerate(nodes)}
    for node in extra:
        if id(node) not in index:
            index[id(node)] = len(nodes)
            nodes.append(node)
    return nodes, index


def _shape(nodes, index) -> list:
    return [{"label": str(getattr(n, "label", ""))[:80],
             "prev": [index[id(c)] for c in n._prev if id(c) in index]} for n in nodes]


def _failure(err: LearnerError) -> dict:
    return {"error": [str(err), err.kind]}


@driver
def backward_runs(answer, eid: str, plan) -> list:
    """Per run of ``plan`` — ``[graph index in BACKWARD_GRAPHS, the children's order
    ("written", "reversed" or None: as the class lists them), calls of backward()]`` — until
    one fails: the graph, the last ``root.backward()``'s call log and the leaves' gradients;
    ``{"error": [message, kind], "recursed": ...}`` when building the graph or the learner's
    code failed."""
    cls = as_value_class(answer, eid)
    if not callable(getattr(cls, "backward", None)):
        raise LearnerError("your Value class has no backward method yet: define "
                           "backward(self) and attach it with Value.backward = backward",
                           kind="type")
    out = []
    for index, order, calls in plan:
        log: list = []
        try:
            root, leaves = BACKWARD_GRAPHS[int(index)][1](Ops(cls, log, order))
        except Exception as err:
            out.append({"error": [
                f"the checker could not build a graph with your class ({type(err).__name__}: "
                f"{err}); keep the given __init__(self, data, _children=(), _op='')", "type"]})
            break
        try:
            for _ in range(int(calls)):
                del log[:]
                call_learner(root.backward)
        except LearnerError as err:
            out.append({**_failure(err), "recursed": "recursed too deeply" in str(err)})
            break
        nodes, index_of = _graph(root, [n for n, _ in log])
        out.append({"nodes": _shape(nodes, index_of), "root": index_of[id(root)],
                    "log": [[index_of[id(n)], _number(g)] for n, g in log],
                    "leaves": {name: real(leaf.grad) for name, leaf in leaves.items()}})
    return out


@driver
def zero_grad_runs(answer, eid: str) -> list:
    """Per graph of ``ZERO_GRAD_GRAPHS`` (until one fails): every node after a backward pass
    and the learner's ``root.zero_grad()`` — is its grad a number, is it 0, did its data
    change, is it a leaf, the root, one of the root's children."""
    cls = as_value_class(answer, eid)
    if not callable(getattr(cls, "zero_grad", None)):
        raise LearnerError("your Value class has no zero_grad method yet", kind="type")
    out = []
    for _, build in ZERO_GRAD_GRAPHS:
        root, _ = build(Ops(cls, []))
        reference_backward(root)
        nodes = topological(root)       # every node, each once
        data = [n.data for n in nodes]
        try:
            call_learner(root.zero_grad)
        except LearnerError as err:
            out.append({**_failure(err), "recursed": "recursed too deeply" in str(err)})
            break
        children = {id(c) for c in root._prev}
        out.append({"nodes": [
            {"number": real(n.grad) is not None, "zero": real(n.grad) == 0.0,
             "data_changed": real(n.data) != real(d), "leaf": not n._prev,
             "root": n is root, "root_child": id(n) in children}
            for n, d in zip(nodes, data)]})
    return out


# -- micrograd's engine tests ----------------------------------------------------------------
def sanity_check(Value) -> dict:
    """micrograd's ``test_sanity_check``, returning the numbers it compares."""
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    return {"y.data": y.data, "x.grad": x.grad}


def more_ops(Value) -> dict:
    """micrograd's ``test_more_ops``, returning the numbers it compares."""
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    return {"g.data": g.data, "a.grad": a.grad, "b.grad": b.grad}


TESTS = {"test_sanity_check": sanity_check, "test_more_ops": more_ops}


@driver
def engine_numbers(answer, eid: str) -> dict:
    """micrograd's tests run with the learner's class: test -> the numbers it compares
    (a number that is not an int or float comes back as its type's name), until one fails:
    ``{"error": [message, kind]}``."""
    cls = as_value_class(answer, eid)
    out = {}
    for name, test in TESTS.items():
        try:
            got = call_learner(test, cls)
        except LearnerError as err:
            out[name] = {"error": [f"micrograd's {name} failed with your Value: {err}",
                                   "exception"]}
            break
        out[name] = {str(k): real(v) if isinstance(v, (int, float)) else
                     f"<{type(v).__name__}>" for k, v in dict(got).items()}
    return out
