"""Tests for course.nn.autograd: every op's backward against central differences."""

import math

import pytest

from course.nn.activations import sigmoid_prime, tanh_prime
from course.nn.autograd import Value, trace
from course.nn.gradcheck import numerical_gradient


def grads_of(expr, **inputs):
    """Analytic (via backward) and numerical gradients of ``expr(**Values)`` at ``inputs``."""
    values = {k: Value(v, label=k) for k, v in inputs.items()}
    out = expr(**values)
    out.backward()
    analytic = {k: v.grad for k, v in values.items()}
    numeric = numerical_gradient(lambda **p: expr(**{k: Value(v) for k, v in p.items()}).data,
                                 inputs)
    return out, analytic, numeric


def assert_close(analytic, numeric):
    for k in numeric:
        assert analytic[k] == pytest.approx(numeric[k], rel=1e-6, abs=1e-9), k


OPS = {
    "add": lambda a, b: a + b,
    "mul": lambda a, b: a * b,
    "sub": lambda a, b: a - b,
    "div": lambda a, b: a / b,
    "neg": lambda a, b: -a * b,
    "pow_int": lambda a, b: a**3 + b**-2,
    "pow_float": lambda a, b: (a * a) ** 0.5 + b**1.5,
    "exp": lambda a, b: (a * b).exp(),
    "log": lambda a, b: (a * a + b).log(),
    "tanh": lambda a, b: (a - b).tanh(),
    "sigmoid": lambda a, b: (a * b).sigmoid(),
    "relu": lambda a, b: (a + b).relu() + (a - 3 * b).relu(),
    "radd_rmul": lambda a, b: 2 + 3 * a + b * 0.5,
    "rsub_rtruediv": lambda a, b: 1 - a + 2 / b,
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_each_op_matches_central_differences(name):
    out, analytic, numeric = grads_of(OPS[name], a=0.7, b=1.3)
    assert_close(analytic, numeric)
    plain = OPS[name](0.7, 1.3) if name not in {"exp", "log", "tanh", "sigmoid", "relu"} else None
    if plain is not None:                       # forward equals plain float arithmetic
        assert out.data == pytest.approx(plain, rel=1e-14)


def test_forward_values_of_the_functions():
    x = Value(0.3)
    assert x.exp().data == pytest.approx(math.exp(0.3))
    assert x.log().data == pytest.approx(math.log(0.3))
    assert x.tanh().data == pytest.approx(math.tanh(0.3))
    assert x.sigmoid().data == pytest.approx(1 / (1 + math.exp(-0.3)))
    assert Value(-2.0).relu().data == 0.0 and Value(2.0).relu().data == 2.0
    assert Value(-800.0).sigmoid().data == pytest.approx(0.0, abs=1e-300)   # no overflow
    assert Value(800.0).tanh().data == 1.0


def test_the_a_plus_a_trap():
    a = Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == 2.0                        # not 1: one contribution per use
    c = Value(3.0)
    d = c * c
    d.backward()
    assert c.grad == 6.0


def test_reused_nodes_in_a_composite_expression():
    def expr(x, y):
        t = x * y + x                           # x used twice, t used three times
        return (t * t).tanh() + t.sigmoid() * t - (x / t).exp()

    _, analytic, numeric = grads_of(expr, x=0.4, y=0.6)
    assert_close(analytic, numeric)


def test_gradients_accumulate_and_zero_grad_resets():
    x = Value(2.0)
    y = x * x + x
    y.backward()
    assert x.grad == 5.0
    y.backward()                                # without zero_grad: stale grads pile up
    assert x.grad != 5.0
    y.zero_grad()
    assert all(node.grad == 0.0 for node in trace(y)[0])
    y.backward()
    assert x.grad == 5.0


def test_trace_lists_nodes_in_topological_order_and_edges():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    c = a * b
    c.label = "c"
    d = c + a
    order = trace(d)[0]
    assert order[-1] is d and len(order) == 4
    position = {node: i for i, node in enumerate(order)}
    assert position[a] < position[c] < position[d] and position[b] < position[c]
    nodes, edges = trace(d)
    assert set(nodes) == {a, b, c, d}
    assert set(edges) == {(a, c), (b, c), (c, d), (a, d)}
    assert c._op == "*" and d._op == "+" and c._prev == {a, b}


def test_deep_graph_beyond_the_recursion_limit():
    x = Value(1.0)
    total = x
    for _ in range(5000):
        total = total + x
    total.backward()
    assert x.grad == 5001.0


def test_backward_and_zero_grad_are_iterative_on_a_chain_of_20000_nodes():
    x = Value(0.5)
    y = x
    for _ in range(20_000):                     # each node made from the one before
        y = y * 1.0 + 0.0                       # three nodes per round: 60,000 in all
    y.backward()
    assert x.grad == 1.0
    assert len(trace(y)[0]) > 20_000
    y.zero_grad()
    assert x.grad == 0.0


@pytest.mark.parametrize("z", [-50.0, -30.0, 30.0, 50.0, 300.0])
def test_sigmoid_and_tanh_backward_are_accurate_in_the_tails(z):
    x = Value(z)
    x.sigmoid().backward()
    assert x.grad == sigmoid_prime(z) and x.grad > 0
    x = Value(z / 2)
    x.tanh().backward()
    assert x.grad == tanh_prime(z / 2) and x.grad > 0


def test_value_has_the_operations_of_the_lesson():
    for name in ("relu", "log", "exp", "tanh", "sigmoid", "__pow__", "zero_grad", "backward"):
        assert callable(getattr(Value, name)), name


def test_bad_input_messages():
    with pytest.raises(TypeError, match="plain number.*not Value.*exp\\(k \\* log\\(x\\)\\)"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(ValueError, match="log needs a positive number, got -1.0"):
        Value(-1.0).log()
    with pytest.raises(ValueError, match=r"-4.0 \*\* 0.5 is not a real number"):
        Value(-4.0) ** 0.5
