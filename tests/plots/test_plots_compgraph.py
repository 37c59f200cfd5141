"""The computational-graph SVG (course.plots.compgraph): well formed, every edge labelled by
``Graph.edge_name``, values and gradients from the graph core, a highlighted path."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from course.nn.graph import Graph
from course.nn.networks import DiamondNet
from course.plots import palette as pal
from course.plots.compgraph import graph_svg, show_graph

SVG = "{http://www.w3.org/2000/svg}"
WORKED = {"x": 1.0, "w1": 0.5, "b1": 1.0, "w2": 0.5, "b2": 1.0}


def chain():
    """Lesson 02's chain y = s(w2·s(w1·x + b1) + b2)."""
    g = Graph()
    x, w1, b1, w2, b2 = (g.input(n) for n in ("x", "w1", "b1", "w2", "b2"))
    z1 = g.add(g.mul(w1, x, name="w1·x"), b1, name="z1")
    h = g.sigmoid(z1, name="h")
    z2 = g.add(g.mul(w2, h, name="w2·h"), b2, name="z2")
    return g, g.sigmoid(z2, name="y")


def _texts(svg: str) -> list[str]:
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_every_edge_carries_its_local_derivative_name():
    g, y = chain()
    svg = graph_svg(g, y)
    texts = _texts(svg)
    edges = [(p, n) for n in g.order(y) for p in dict.fromkeys(n.parents)]
    labels = [g.edge_name(p, n) for p, n in edges]
    assert len(list(ET.fromstring(svg).iter(f"{SVG}line"))) == len(edges) == 10
    for label in labels:
        assert label in texts
    assert {"s'(z1)", "s'(z2)", "w2", "h", "x", "w1"} <= set(labels)
    assert "s'(h)" not in texts and "s'(y)" not in texts


def test_every_node_is_drawn_with_its_name():
    g, y = chain()
    texts = _texts(graph_svg(g, y))
    for node in g.order(y):
        assert node.name in texts


def test_values_and_gradients_come_from_the_graph_core():
    g, y = chain()
    svg = graph_svg(g, y, values=WORKED, gradients=True)
    texts = _texts(svg)
    values, grads = g.evaluate(WORKED), g.gradient(y, WORKED)
    for name in ("z1", "h", "z2", "y"):
        assert f"= {values[name]:.4g}" in texts
    for name in ("w1", "h", "b2"):
        assert f"grad {grads[name]:.4g}" in texts
    assert grads["w1"] == pytest.approx(g.derivative(y, "w1", WORKED))


def test_a_highlighted_path_is_drawn_in_the_highlight_colour():
    g, y = chain()
    path = g.paths("w1", y)[0]
    lines = list(ET.fromstring(graph_svg(g, y, path=path)).iter(f"{SVG}line"))
    strong = [ln for ln in lines if ln.get("stroke") == pal.HIGHLIGHT]
    assert len(strong) == len(path) - 1 == 6


def test_the_diamond_has_one_column_per_depth_and_no_two_nodes_on_one_spot():
    g = DiamondNet().graph()
    root = ET.fromstring(graph_svg(g, title="the diamond"))
    spots = [(c.get("cx"), c.get("cy")) for c in root.iter(f"{SVG}circle")]
    spots += [(r.get("x"), r.get("y")) for r in root.iter(f"{SVG}rect")][1:]   # [0]: the card
    assert len(spots) == len(set(spots)) == len(g.nodes)


def test_show_graph_displays_as_svg_and_saves_a_page(tmp_path):
    g, y = chain()
    picture = show_graph(g, y, title="chain")
    assert picture._repr_svg_().startswith("<svg")
    picture.save(tmp_path / "chain.html")
    assert "<svg" in (tmp_path / "chain.html").read_text(encoding="utf-8")


def test_a_value_expression_becomes_the_same_graph_with_its_own_grads():
    from course.nn.autograd import Value
    from course.nn.networks import DiamondNet, diamond_values
    from course.plots.value_graph import show_value_graph, value_graph

    O, params = diamond_values()
    O.backward()
    g, out, values, grads = value_graph(O)
    assert set(g.inputs) == {"I", *params} and values["w1"] == 0.5
    assert grads["w1"] == params["w1"].grad == pytest.approx(DiamondNet().gradient(1.0)["w1"])
    core = g.gradient(out, values)                       # the graph core agrees with backward()
    assert all(core[k] == pytest.approx(grads[k]) for k in params)
    texts = _texts(show_value_graph(O).svg)
    assert "s'(z1)" in texts and f"grad {grads['w1']:.4g}" in texts

    a = Value(3.0, label="a")
    c = a * a + a                                        # a * a: _prev holds a once
    c.backward()
    g, out, values, grads = value_graph(c)
    assert "2·a" in _texts(show_value_graph(c).svg)
    assert g.gradient(out, values)["a"] == grads["a"] == 7.0


def test_value_graph_labels_keep_the_operand_order_as_written():
    from course.nn.autograd import Value
    from course.plots.value_graph import value_graph

    for _ in range(10):                      # _prev is a set: its order varies between runs
        h1, w2, h2, w4 = (Value(v, label=k) for k, v in
                          (("h1", 0.3), ("w2", 0.5), ("h2", 0.2), ("w4", 0.7)))
        g, _, _, _ = value_graph(h1 * w2 + w4 * h2)
        assert {"h1·w2", "w4·h2"} <= set(g.nodes), sorted(g.nodes)


def test_value_graph_of_a_class_without_operands_is_the_same_every_run():
    from course.plots.value_graph import value_graph

    class Bare:                               # micrograd's own fields only
        def __init__(self, data, children=(), op="", label=""):
            self.data, self.grad, self._prev = data, 0.0, set(children)
            self._op, self.label = op, label

    names = set()
    for _ in range(10):
        a, b = Bare(1.0, label="w2"), Bare(2.0, label="h1")
        names.add(tuple(sorted(value_graph(Bare(2.0, (a, b), "*"))[0].nodes)))
    assert len(names) == 1


def test_several_paths_are_highlighted_at_once_and_the_loss_graph_draws():
    g = DiamondNet.graph(loss=True)
    both = g.paths("w1", "L")
    svg = graph_svg(g, "L", path=both)
    strong = [ln for ln in ET.fromstring(svg).iter(f"{SVG}line")
              if ln.get("stroke") == pal.HIGHLIGHT]
    edges = {(a.name, b.name) for p in both for a, b in zip(p, p[1:])}
    assert len(strong) == len(edges)
    texts = _texts(svg)
    assert {"y", "L", "½", "2·e"} <= set(texts)
