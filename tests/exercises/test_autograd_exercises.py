"""Lesson 08 exercises (exercises.autograd): references, accepted styles, named mistakes."""

from __future__ import annotations

import math
from collections import deque

import pytest
from lesson08_engine import engine_namespace

from course import explain, hint
from course._grading.exercises.autograd.graphs import Ops, build_diamond, reference_backward
from course._grading.exercises.autograd.traversal import GRAPHS
from course.checks import all_exercises
from course.nn.activations import sigmoid
from course.nn.autograd import Value as LibraryValue
from course.nn.gradcheck import numerical_gradient
from course.nn.networks import PARAMS, DiamondNet

IDS = ("autograd.mul_backward", "autograd.tanh_backward", "autograd.backward")


# --- a learner's Value class with pluggable pieces ----------------------------------------------

def mul_ok(a, b, out):
    a.grad += b.data * out.grad
    b.grad += a.data * out.grad


def tanh_ok(x, out):
    x.grad += (1 - out.data**2) * out.grad


def recursive_backward(self):
    """Right on small graphs; a RecursionError on a graph deeper than ~1000."""
    order, visited = [], set()

    def build(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build(child)
            order.append(v)
    build(self)
    self.grad = 1.0
    for v in reversed(order):
        v._backward()


def value_class(mul=mul_ok, tanh=tanh_ok, backward=None, tanh_value=math.tanh,
                tanh_children=True, attach=True):
    class Value:
        def __init__(self, data, _children=(), _op="", label=""):
            self.data, self.grad = float(data), 0.0
            self._backward = lambda: None
            self._prev, self._op, self.label = set(_children), _op, label

        def __add__(self, other):
            other = other if isinstance(other, Value) else Value(other)
            out = Value(self.data + other.data, (self, other), "+")

            def _backward():
                self.grad += out.grad
                other.grad += out.grad
            out._backward = _backward
            return out

        def __mul__(self, other):
            other = other if isinstance(other, Value) else Value(other)
            out = Value(self.data * other.data, (self, other), "*")
            if attach:
                out._backward = lambda: mul(self, other, out)
            return out

        def tanh(self):
            out = Value(tanh_value(self.data), (self,) if tanh_children else (), "tanh")
            if attach:
                out._backward = lambda: tanh(self, out)
            return out

    Value.backward = backward or backward_iterative
    return Value


def test_exercises_are_listed_for_lesson_08_with_graded_hints():
    listed = {e.id: e for e in all_exercises()}
    for eid in IDS:
        assert listed[eid].lesson == "08_autograd_from_scratch"
        assert len(listed[eid].hints) >= 3 and len(listed[eid].mistakes) >= 5
    assert hint("autograd.backward").startswith("Hint 1 of 3")


# --- references ----------------------------------------------------------------------------------

@pytest.mark.parametrize("eid", IDS)
def test_the_library_value_and_a_micrograd_style_class_pass(eid):
    class Inherited(LibraryValue):      # the library's maths, as a class of the test's own
        pass

    assert explain(eid, Inherited).passed
    result = explain(eid, value_class())
    assert result.passed, str(result)
    # the library's class itself is the answer key
    assert explain(eid, LibraryValue).mistake == "uses-reference"


def test_the_checker_graphs_give_the_diamond_gradients():
    root, leaves = build_diamond(Ops(LibraryValue, []), 1.0)
    reference_backward(root)
    expected = DiamondNet().gradient(1.0)
    for k in PARAMS:
        assert leaves[k].grad == pytest.approx(expected[k], rel=1e-12)
    assert leaves["w1"].grad == pytest.approx(0.0014291881022, abs=1e-13)


@pytest.mark.parametrize("name, build", GRAPHS, ids=[g[0][:20] for g in GRAPHS])
def test_the_checker_graphs_agree_with_finite_differences(name, build):
    root, leaves = build(Ops(LibraryValue, []))
    reference_backward(root)
    values = {k: v.data for k, v in leaves.items()}
    numeric = numerical_gradient(lambda **p: _evaluate_with(build, p), values)
    for k, v in leaves.items():
        assert v.grad == pytest.approx(numeric[k], rel=1e-6, abs=1e-10), name


def _evaluate_with(build, values):
    """The root's value with the leaves set to ``values`` (rebuilt forward)."""
    ops = Ops(LibraryValue, [])
    original_leaf = ops.leaf
    ops.leaf = lambda x, label="": original_leaf(values.get(label, x), label)
    return build(ops)[0].data


def test_the_library_value_matches_finite_differences_for_all_ops():
    def expr(a, b):
        x, y = LibraryValue(a), LibraryValue(b)
        return ((x * y + x**2 - y / x).exp() * 0.1 + (-x).tanh() - y.sigmoid()), x, y
    out, x, y = expr(0.7, -1.2)
    out.backward()
    numeric = numerical_gradient(lambda a, b: expr(a, b)[0].data, {"a": 0.7, "b": -1.2})
    assert x.grad == pytest.approx(numeric["a"], rel=1e-6)
    assert y.grad == pytest.approx(numeric["b"], rel=1e-6)


# --- __mul__ -------------------------------------------------------------------------------------

def mul_assign(a, b, out):
    a.grad = b.data * out.grad
    b.grad = a.data * out.grad


def mul_grad_for_data(a, b, out):
    a.grad += b.grad * out.grad
    b.grad += a.grad * out.grad


MUL_MISTAKES = [
    (mul_assign, "assign-not-accumulate", "2a"),
    (lambda a, b, o: (setattr(a, "grad", a.grad + 1.0 * o.grad),      # __add__'s closure
                      setattr(b, "grad", b.grad + 1.0 * o.grad)), "add-closure-copied",
     "that is __add__'s closure"),
    (lambda a, b, o: (setattr(a, "grad", a.grad + a.data * o.grad),
                      setattr(b, "grad", b.grad + b.data * o.grad)), "swapped", "swapped"),
    (lambda a, b, o: (setattr(a, "grad", a.grad + b.data),
                      setattr(b, "grad", b.grad + a.data)), "missing-out-grad", "out.grad = 1"),
    (lambda a, b, o: (setattr(a, "grad", a.grad - b.data * o.grad),
                      setattr(b, "grad", b.grad - a.data * o.grad)), "sign", "sign"),
    (mul_grad_for_data, "grad-for-data", "other.data"),
    (lambda a, b, o: (setattr(a, "grad", a.grad + b.data * o.grad),
                      setattr(b, "grad", b.grad + b.data * o.grad)), "swapped",
     "other.grad uses other.data"),
    (lambda a, b, o: (setattr(a, "grad", a.grad + a.data * o.grad),
                      setattr(b, "grad", b.grad + a.data * o.grad)), "swapped",
     "self.grad uses self.data"),
    (lambda a, b, o: setattr(a, "grad", a.grad + b.data * o.grad), "one-side", "other.grad +="),
    (lambda a, b, o: None, "nothing-passed", "did not change"),
    (lambda a, b, o: (setattr(a, "grad", a.grad + b.data * o.data),
                      setattr(b, "grad", b.grad + a.data * o.data)), "out-data-for-grad",
     "out.grad, how much"),
]


@pytest.mark.parametrize("mul, mistake, fragment", MUL_MISTAKES, ids=[m[1] for m in MUL_MISTAKES])
def test_mul_backward_mistakes_are_named(mul, mistake, fragment):
    result = explain("autograd.mul_backward", value_class(mul=mul))
    assert not result.passed and result.mistake == mistake, str(result)
    assert fragment in str(result)


def test_a_closure_never_attached_to_out_is_named():
    for eid in ("autograd.mul_backward", "autograd.tanh_backward"):
        result = explain(eid, value_class(attach=False))
        assert result.mistake == "not-attached", str(result)
        assert "out._backward = _backward" in result.summary


def test_mul_backward_shows_the_case_and_the_gradients():
    result = explain("autograd.mul_backward", value_class(mul=mul_assign))
    assert result.point == {"a": 2.0, "b": -3.0, "a.grad before": 0.7, "b.grad before": -0.4,
                            "out.grad": 1.6}
    assert result.expected_value == {"a.grad": pytest.approx(0.7 - 4.8),
                                     "b.grad": pytest.approx(-0.4 + 3.2)}


def test_a_stub_closure_is_not_attempted():
    def stub(a, b, out):
        raise NotImplementedError("pass out.grad back")
    result = explain("autograd.mul_backward", value_class(mul=stub))
    assert not result.attempted


def test_passing_a_function_instead_of_the_class_says_what_to_pass():
    result = explain("autograd.mul_backward", mul_ok)
    assert result.mistake == "bad-answer:type" and "pass your Value class" in result.summary


# --- tanh ----------------------------------------------------------------------------------------

def tanh_with(local, assign=False):
    def back(x, out):
        x.grad = (0 if assign else x.grad) + local(x, out) * out.grad
    return back


TANH_MISTAKES = [
    (dict(tanh=tanh_with(lambda x, o: 1 - x.data**2)), "derivative-at-input", "output"),
    (dict(tanh=tanh_with(lambda x, o: 1 - o.data**2, assign=True)), "assign-not-accumulate",
     "+="),
    (dict(tanh=lambda x, o: setattr(x, "grad", x.grad + 1 - o.data**2)), "missing-out-grad",
     "out.grad"),
    (dict(tanh=tanh_with(lambda x, o: 1 - o.data)), "missing-square", "square"),
    (dict(tanh=tanh_with(lambda x, o: o.data**2 - 1)), "sign", "sign"),
    (dict(tanh=tanh_with(lambda x, o: 1 + o.data**2)), "plus-instead-of-minus", "1 + t²"),
    (dict(tanh=tanh_with(lambda x, o: o.data)), "function-not-derivative", "itself"),
    (dict(tanh=tanh_with(lambda x, o: 1 - math.tanh(o.data)**2)), "tanh-twice", "tanh twice"),
    (dict(tanh=tanh_with(lambda x, o: (1 - o.data)**2)), "square-misplaced", "(1 - t)**2"),
    (dict(tanh=tanh_with(lambda x, o: sigmoid(x.data) * (1 - sigmoid(x.data)))),
     "sigmoid-derivative", "sigmoid"),
    (dict(tanh_value=math.tan), "forward", "should be"),
    (dict(tanh_children=False), "no-children", "(self,)"),
    (dict(tanh=lambda x, o: setattr(x, "grad", x.grad + (1 - o.data**2) * o.data)),
     "out-data-for-grad", "upstream gradient"),
]


@pytest.mark.parametrize("parts, mistake, fragment", TANH_MISTAKES,
                         ids=[m[1] for m in TANH_MISTAKES])
def test_tanh_backward_mistakes_are_named(parts, mistake, fragment):
    result = explain("autograd.tanh_backward", value_class(**parts))
    assert not result.passed and result.mistake == mistake, str(result)
    assert fragment in str(result)


def test_a_problem_without_values_shows_the_case_but_no_empty_expected_row():
    text = str(explain("autograd.tanh_backward", value_class(tanh_children=False)))
    assert "Checked with x = 0.5" in text and "expected" not in text


class ComposedTanh(LibraryValue):
    """tanh built from exp, +, - and / — a correct autograd answer too."""

    def tanh(self):
        e = (self * 2).exp()
        return (e - 1) / (e + 1)


class ValuesInClosures(LibraryValue):
    """Closures computing with the Values other and out instead of their numbers."""

    def __mul__(self, other):
        other = other if isinstance(other, LibraryValue) else LibraryValue(other)
        out = LibraryValue(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other * out.grad            # a Value, not other.data
            other.grad += self * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        out = LibraryValue(math.tanh(self.data), (self,), "tanh")

        def _backward():
            self.grad += (1 - out**2) * out.grad     # a Value, not out.data
        out._backward = _backward
        return out


@pytest.mark.parametrize("eid, name", [("autograd.mul_backward", "a.grad"),
                                       ("autograd.tanh_backward", "x.grad")])
def test_values_where_numbers_belong_are_named(eid, name):
    result = explain(eid, ValuesInClosures)
    assert result.mistake == "value-not-data", str(result)
    assert f"{name} is a Value, not a number" in result.summary


def test_tanh_built_from_other_operations_is_accepted():
    result = explain("autograd.tanh_backward", ComposedTanh)
    assert result.passed, str(result)


def test_tanh_backward_accepts_sech_squared():
    sech2 = tanh_with(lambda x, o: 1 / math.cosh(x.data) ** 2)
    assert explain("autograd.tanh_backward", value_class(tanh=sech2)).passed


# --- backward() ----------------------------------------------------------------------------------

def backward_iterative(self):
    order, seen, stack = [], set(), [(self, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))
            stack.extend((c, False) for c in node._prev)
    for node in order:
        node.grad = 0.0
    self.grad = 1.0
    for node in reversed(order):
        node._backward()


def topo(self, visited=True):
    order, seen = [], set()

    def build(v):
        if v not in seen or not visited:
            seen.add(v)
            for child in v._prev:
                build(child)
            order.append(v)
    build(self)
    return order


def no_seed(self):
    for v in reversed(topo(self)):
        v._backward()


def seed_with_data(self):
    self.grad = self.data
    for v in reversed(topo(self)):
        v._backward()


def not_reversed(self):
    self.grad = 1.0
    for v in topo(self):
        v._backward()


def breadth_first(self):
    self.grad = 1.0
    queue, seen = deque([self]), {self}
    while queue:
        v = queue.popleft()
        v._backward()
        for c in v._prev:
            if c not in seen:
                seen.add(c)
                queue.append(c)


def preorder(self):
    self.grad = 1.0
    seen = set()

    def visit(v):
        if v in seen:
            return
        seen.add(v)
        v._backward()
        for c in v._prev:
            visit(c)
    visit(self)


def no_visited(self):
    self.grad = 1.0
    for v in reversed(topo(self, visited=False)):
        v._backward()


def children_only(self):
    self.grad = 1.0
    self._backward()
    for c in self._prev:
        c._backward()


def nothing(self):
    self.grad = 1.0


BACKWARD_MISTAKES = [
    (no_seed, "no-seed", "self.grad = 1"),
    (seed_with_data, "wrong-seed", "exactly 1"),
    (not_reversed, "not-reversed", "reversed"),
    (breadth_first, "wrong-order", "topological order"),
    (preorder, "wrong-order", "before all its users"),
    (breadth_first, "wrong-order", "which uses"),
    (no_visited, "visited-twice", "visited"),
    (children_only, "missing-nodes", "every node"),
    (nothing, "no-calls", "called no node"),
    (recursive_backward, "recursive-sort", "your own stack"),
]


@pytest.mark.parametrize("backward, mistake, fragment", BACKWARD_MISTAKES,
                         ids=[m[0].__name__ for m in BACKWARD_MISTAKES])
def test_backward_mistakes_are_named(backward, mistake, fragment):
    result = explain("autograd.backward", value_class(backward=backward))
    assert not result.passed and result.mistake == mistake, str(result)
    assert fragment in str(result)


def test_backward_accepts_an_iterative_sort_that_zeroes_first():
    assert explain("autograd.backward", value_class(backward=backward_iterative)).passed


def test_a_wrong_backward_shows_the_graph_and_the_wrong_gradients():
    result = explain("autograd.backward", value_class(backward=no_visited))
    assert "Graph: the diamond at the worked example" in str(result)
    assert set(result.learner_value) <= set(PARAMS) and result.learner_value


def test_a_class_without_the_method_says_how_to_attach_it():
    bare = value_class()
    del bare.__mul__
    result = explain("autograd.mul_backward", bare)
    assert result.mistake == "bad-answer:signature"
    assert "def mul(self, other)" in result.summary


# --- an order that depends on the set's iteration order; a seed that adds --------------------

def visited_when_pushed(self):
    """Marks a child visited when it is pushed, not when it is expanded: right or wrong
    depending on the order in which the set ``_prev`` yields the children."""
    order, stack, seen = [], [(self, False)], {id(self)}
    while stack:
        v, done = stack.pop()
        if done:
            order.append(v)
            continue
        stack.append((v, True))
        for c in v._prev:
            if id(c) not in seen:
                seen.add(id(c))
                stack.append((c, False))
    self.grad = 1.0
    for v in reversed(order):
        v._backward()


def seed_added(self):
    """The right order, but ``self.grad += 1`` as the seed."""
    order, visited, stack = [], set(), [(self, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            order.append(node)
        elif id(node) not in visited:
            visited.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in node._prev)
    self.grad += 1.0
    for v in reversed(order):
        v._backward()


def test_a_sort_marking_nodes_visited_when_pushed_fails_every_time():
    # it passed ~65 % of runs when the checker used the hash order of _prev
    for _ in range(10):
        result = explain("autograd.backward", value_class(backward=visited_when_pushed))
        assert not result.passed and result.mistake == "visited-on-push", str(result)
    assert "processed before everything that uses it: marked visited when pushed" in str(result)
    assert "u's _backward ran before that of tanh(u)" in str(result)


def test_every_right_backward_passes_whatever_the_order_of_the_children():
    for _ in range(3):
        assert explain("autograd.backward", value_class(backward=backward_iterative)).passed
        assert explain("autograd.backward", value_class(backward=solution_backward)).passed


def solution_backward(self):
    """The lesson's solution: own stack, visited when expanded."""
    order, visited, stack = [], set(), [(self, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            order.append(node)
        elif id(node) not in visited:
            visited.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in node._prev)
    self.grad = 1.0
    for node in reversed(order):
        node._backward()


def test_the_checker_fixes_the_order_of_the_children_both_ways():
    from course._grading.exercises.autograd.graphs import OrderedChildren, build_two_depths

    for order in ("written", "reversed"):
        root, _ = build_two_depths(Ops(value_class(), [], order))
        assert isinstance(root._prev, OrderedChildren)
        labels = [c.label for c in root._prev]
        assert labels == (["tanh(tanh(u))", "u"] if order == "written"
                          else ["u", "tanh(tanh(u))"])


def test_a_seed_that_adds_is_named_when_backward_runs_twice():
    result = explain("autograd.backward", value_class(backward=seed_added))
    assert not result.passed and result.mistake == "accumulated-seed", str(result)
    assert "self.grad += 1" in result.summary and "self.grad = 1" in result.summary
    # the quiz agrees: backward() sets the seed, so b = a*a twice gives 12, not 18
    assert explain("quiz08.backward_twice", 12).passed
    assert explain("quiz08.backward_twice", 18).mistake == "seed-accumulates"


# --- autograd.engine: the failing test's code is in the message ---------------------------------

def test_a_failing_engine_test_shows_its_code_and_points_at_backward_first():
    class MulLikeAdd(LibraryValue):
        def __mul__(self, other):           # __add__'s closure copied into *
            other = other if isinstance(other, LibraryValue) else LibraryValue(other)
            out = LibraryValue(self.data * other.data, (self, other), "*")

            def _backward():
                self.grad += 1.0 * out.grad
                other.grad += 1.0 * out.grad
            out._backward = _backward
            return out

    result = explain("autograd.engine", MulLikeAdd)
    assert result.mistake == "engine-test-fails"
    text = str(result)
    assert "test_sanity_check fails: x.grad differ" in text
    assert "z = 2 * x + 2 + x\nq = z.relu() + z * x" in text       # the test itself, to paste
    assert "autograd.backward" not in result.summary                # backward() is fine here

    namespace = engine_namespace()                  # lesson 08's class, backward() replaced
    namespace["backward"] = children_only
    result = explain("autograd.engine", namespace["Value"])
    assert 'does not pass check("autograd.backward", Value) yet (missing-nodes)' in \
        result.summary
