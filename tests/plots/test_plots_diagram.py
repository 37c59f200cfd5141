"""Matplotlib diagrams: the diamond (same scene as the SVG) and small MLPs."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from course.nn.networks import PARAMS, DiamondNet
from course.plots import draw_mlp, draw_network
from course.plots import palette as pal
from course.plots.svg import network_svg


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_draw_network_shows_the_same_labels_as_the_svg(save_png):
    net = DiamondNet(w3=-1.5, b1=0.2)
    ax = draw_network(net, 0.8, show_gradients=True, title="diamond")
    save_png(ax.figure, "diamond_matplotlib")
    texts = _texts(ax)
    grads = net.gradient(0.8)
    for p in PARAMS:
        assert f"∂O/∂{p} = {grads[p]:.3g}" in texts
        assert f"∂O/∂{p} = {grads[p]:.3g}" in network_svg(net, 0.8, gradients=True)
    assert f"{net.output(0.8):.4g}" in texts


def test_draw_network_edges_follow_sign(save_png):
    net = DiamondNet(w1=1.0, w2=-1.0)
    ax = draw_network(net)
    colours = [ln.get_color() for ln in ax.lines]
    assert pal.POSITIVE in colours and pal.NEGATIVE in colours
    # thicker line for the larger |w|: w5 = 3 against w4 = 0.5
    ax2 = draw_network(DiamondNet(w4=0.5, w5=3.0))
    widths = [ln.get_linewidth() for ln in ax2.lines]
    assert widths[4] > widths[3]


def test_draw_network_on_a_given_axes_without_gradients():
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 3))
    out = draw_network(ax=b)
    assert out is b
    assert not any(t.startswith("∂O/∂") for t in _texts(b))


class _Model:
    def __init__(self, sizes, seed=0):
        rng = np.random.default_rng(seed)
        self.weights = [rng.normal(size=(m, n)) for m, n in zip(sizes[:-1], sizes[1:])]
        self.activation = "tanh"


def test_draw_mlp_draws_every_weight(save_png):
    model = _Model([2, 5, 3, 1])
    ax = draw_mlp(model)
    save_png(ax.figure, "mlp")
    assert len(ax.lines) == 2 * 5 + 5 * 3 + 3 * 1
    assert ax.get_title() == "MLP 2-5-3-1 (tanh)"
    w = model.weights[0][0, 0]
    assert ax.lines[0].get_color() == pal.weight_colour(w)


def test_draw_mlp_refuses_bad_input_with_a_clear_message():
    with pytest.raises(TypeError, match="list of \\(n_in, n_out\\) arrays"):
        draw_mlp(object())
    with pytest.raises(ValueError, match="at most 12 units"):
        draw_mlp(_Model([2, 40, 1]))


def test_importing_plots_does_not_import_ipywidgets_or_matplotlib():
    code = ("import sys, course.plots; from course.plots import network_svg; "
            "network_svg(); print('ipywidgets' in sys.modules, 'matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "False"]


def test_draw_network_with_a_target_labels_derivatives_of_the_loss(save_png):
    net = DiamondNet(w3=-1.5, b1=0.2)
    back = net.backward(0.8, 0.3)
    ax = draw_network(net, 0.8, show_gradients=True, deltas=back["deltas"], y=0.3,
                      title="diamond, loss")
    save_png(ax.figure, "diamond_matplotlib_loss")
    texts = _texts(ax)
    svg = network_svg(net, 0.8, gradients=True, deltas=back["deltas"], y=0.3)
    for p in PARAMS:
        assert f"∂L/∂{p} = {back['grads'][p]:.3g}" in texts
        assert f"∂L/∂{p} = {back['grads'][p]:.3g}" in svg
    assert f"δO = ∂L/∂zO = {back['deltas']['zO']:.3g}" in texts
    assert f"y = 0.3, L = {net.loss(0.8, 0.3):.3g}" in texts
    assert "∂O/∂" not in svg
