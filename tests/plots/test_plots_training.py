"""Training pictures: decision regions follow the model, loss curve, gradient norms, graph."""

from __future__ import annotations

import numpy as np
import pytest

from course.nn.autograd import Value
from course.nn.datasets import load
from course.nn.mlp import MLP
from course.nn.networks import DiamondNet, diamond_values
from course.nn.train import gradient_norms, train
from course.plots import decision_boundary, draw_graph, gradient_norms_plot, loss_curve


def test_decision_boundary_shows_the_models_probabilities(save_png):
    X, y = load("xor", seed=1)
    model = MLP((2, 8, 1), activation="tanh", seed=0)
    train(model, X, y, epochs=300, lr=1.0, loss="bce")
    ax = decision_boundary(model, X, y)
    save_png(ax.figure, "decision_boundary_xor")
    image = ax.images[0]
    x0, x1, y0, y1 = image.get_extent()
    probs = np.asarray(image.get_array())
    # the image's corner pixel is the model's output at that corner
    corner = model.forward(np.array([[x0, y0]]))[0, 0]
    assert probs[0, 0] == pytest.approx(corner)
    assert x0 < X[:, 0].min() and x1 > X[:, 0].max()
    assert len(ax.collections) >= 2            # contour + the two classes


def test_decision_boundary_refuses_non_2d_inputs():
    model = MLP((3, 4, 1))
    with pytest.raises(ValueError, match="shape \\(n, 2\\), got \\(5, 3\\)"):
        decision_boundary(model, np.zeros((5, 3)), np.zeros((5, 1)))


def test_loss_curve_plots_every_epoch(save_png):
    losses = [0.7, 0.5, 0.2, 0.05]
    ax = loss_curve(losses)
    save_png(ax.figure, "loss_curve")
    x, yv = ax.lines[0].get_data()
    assert list(yv) == losses and list(x) == [0, 1, 2, 3]
    assert ax.get_yscale() == "log"


def test_gradient_norms_plot_bars_per_layer(save_png):
    X, y = load("moons", seed=0)
    norms = {a: gradient_norms(MLP((2, 8, 8, 8, 1), activation=a, seed=1), X, y)
             for a in ("sigmoid", "tanh", "relu")}
    ax = gradient_norms_plot(norms)
    save_png(ax.figure, "gradient_norms")
    heights = [p.get_height() for p in ax.patches]
    assert heights == pytest.approx([v for a in norms for v in norms[a]])
    with pytest.raises(ValueError, match="one norm per layer"):
        gradient_norms_plot({"a": [1, 2], "b": [1]})


def test_draw_graph_shows_every_value_with_data_and_grad(save_png):
    O, params = diamond_values()
    O.backward()
    ax = draw_graph(O, title="diamond")
    save_png(ax.figure, "graph_diamond")
    texts = [t.get_text() for t in ax.texts]
    grads = DiamondNet().gradient(1.0)
    for name in params:
        assert name in texts
        assert f"grad {grads[name]:.4g}" in texts
    assert f"data {O.data:.4g}" in texts and "grad 1" in texts
    assert texts.count("σ") == 4                 # four sigmoid op nodes


def _crossings(root):
    from course.plots.graph import _children, _nodes_and_depths, _rows

    order, depth, consumers = _nodes_and_depths(root)
    y = _rows(order, depth, consumers)
    edges = [(depth[id(c)], y[id(c)], y[id(n)]) for n in order for c in _children(n)
             if depth[id(n)] == depth[id(c)] + 1]
    return sum(1 for i, (col, a0, a1) in enumerate(edges) for (col2, b0, b1) in edges[i + 1:]
               if col == col2 and (a0 - b0) * (a1 - b1) < 0)


def test_draw_graph_of_the_diamond_has_no_crossing_edges():
    # the layout's tie-break: a node whose consumer sits higher goes first in its column
    O, _ = diamond_values()
    assert _crossings(O) == 0
    a, b, c, d = (Value(v, label=k) for v, k in ((1.5, "a"), (-0.5, "b"), (2.0, "c"), (1.0, "d")))
    assert _crossings((a * b + c * d).tanh()) == 0
    assert _crossings(a * b + b * a) == 1        # K2,2: one crossing cannot be avoided


def test_draw_graph_layers_left_to_right():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    d = c + a
    d.label = "d"
    ax = draw_graph(d)
    xs = {t.get_text(): t.get_position()[0] for t in ax.texts}
    assert xs["a"] < xs["c"] < xs["d"]
    with pytest.raises(TypeError, match="expects a Value"):
        draw_graph(3.0)
