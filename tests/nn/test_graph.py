"""The computational-graph core (course.nn.graph): every derivative against finite
differences, the paths and their factor names, and the generic algorithms."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import course.nn.graph as graph_module
import course.nn.networks as networks_module
from course.nn.graph import Graph, paths, topological_order
from course.nn.networks import PARAMS, DiamondNet


def _numeric(g: Graph, output: str, wrt: str, values: dict, eps: float = 1e-6):
    up, down = dict(values), dict(values)
    up[wrt] = values[wrt] + eps
    down[wrt] = values[wrt] - eps
    return (g.evaluate(up)[output] - g.evaluate(down)[output]) / (2 * eps)


def _every_op_graph() -> Graph:
    """One graph that uses every operation, with fan-out (a is used three times)."""
    g = Graph()
    a, b, c = g.input("a"), g.input("b"), g.input("c")
    t = g.tanh(g.mul(a, b))
    r = g.relu(g.sub(a, c))
    e = g.exp(g.neg(g.pow(b, 2)))
    q = g.div(g.add(t, e), g.add(g.const(2.0), g.sigmoid(c)))
    g.add(g.mul(q, g.log(g.add(g.mul(a, a), g.const(1.0)))), r, name="out")
    return g


@pytest.mark.parametrize("wrt", ["a", "b", "c"])
def test_every_operation_matches_finite_differences(wrt):
    g = _every_op_graph()
    rng = np.random.default_rng(3)
    values = {"a": rng.uniform(-2, 2, 64), "b": rng.uniform(-2, 2, 64),
              "c": rng.uniform(-2, 2, 64)}
    values["a"] = np.where(np.abs(values["a"] - values["c"]) < 1e-3, 0.5, values["a"])  # relu kink
    numeric = _numeric(g, "out", wrt, values)
    assert np.allclose(g.derivative("out", wrt, values), numeric, rtol=1e-6, atol=1e-8)
    assert np.allclose(g.gradient("out", values)[wrt], numeric, rtol=1e-6, atol=1e-8)


def test_the_diamond_graph_reproduces_every_gradient_at_many_points():
    g = DiamondNet.graph()
    rng = np.random.default_rng(0)
    values = {name: rng.normal(size=50) for name in g.inputs}
    net = DiamondNet(**{p: values[p] for p in PARAMS})
    expected = net.gradient(values["I"])
    by_paths = {p: g.derivative("O", p, values) for p in PARAMS}
    reverse = g.gradient("O", values)
    for p in PARAMS:
        assert np.allclose(by_paths[p], expected[p], rtol=1e-12, atol=1e-15), p
        assert np.allclose(reverse[p], expected[p], rtol=1e-12, atol=1e-15), p
        assert np.allclose(by_paths[p], _numeric(g, "O", p, values), rtol=1e-5, atol=1e-10)


def test_the_worked_example_has_two_paths_with_the_weights_on_them():
    g = DiamondNet.graph()
    found = [[f for f in g.factor_names(p) if f != "1"] for p in g.paths("w1", "O")]
    assert found == [["I", "s'(z1)", "w2", "s'(z2)", "w4", "s'(zO)"],
                     ["I", "s'(z1)", "w3", "s'(z3)", "w5", "s'(zO)"]]
    values = {"I": 1.0, **DiamondNet().params}
    assert g.derivative("O", "w1", values) == pytest.approx(0.0014291881022, rel=1e-11)
    assert len(g.paths("w4", "O")) == 1 and g.paths("w4", "h3") == []


def test_a_node_used_twice_by_one_operation_counts_twice():
    g = Graph()
    x = g.input("x")
    y = g.mul(x, x, name="y")
    assert len(g.paths(x, y)) == 1 and g.factor_names(g.paths(x, y)[0]) == ["2·x"]
    assert g.derivative(y, x, {"x": 3.0}) == 6.0
    assert g.gradient(y, {"x": 3.0})["x"] == 6.0


def test_topological_order_is_iterative_and_puts_parents_first():
    n = 100_000                                      # far past Python's recursion limit
    parents = {i: ([i - 1] if i else []) for i in range(n)}
    order = topological_order([n - 1], lambda i: parents[i])
    assert order[0] == 0 and order[-1] == n - 1 and len(order) == n
    diamond = {"O": ["h2", "h3"], "h2": ["h1"], "h3": ["h1"], "h1": []}
    order = topological_order(["O"], diamond.__getitem__)
    assert order.index("h1") < order.index("h2") < order.index("O")
    assert sorted(paths("h1", "O", diamond.__getitem__)) == [("h1", "h2", "O"), ("h1", "h3", "O")]


def test_clear_errors_for_a_missing_value_a_duplicate_name_and_an_unknown_op():
    g = Graph()
    g.mul(g.input("x"), g.input("w"), name="z")
    with pytest.raises(KeyError, match="no value for w"):
        g.evaluate({"x": 1.0})
    with pytest.raises(ValueError, match="already has a node named 'z'"):
        g.input("z")
    with pytest.raises(ValueError, match="unknown operation 'cosh'"):
        g.op("cosh", g["x"])


@pytest.mark.parametrize("module", [graph_module, networks_module])
def test_docstring_examples_hold(module):
    assert doctest.testmod(module).failed == 0
