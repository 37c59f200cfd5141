"""The diamond network's SVG: valid, shows the network's own numbers, colours follow signs."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from course.nn.networks import PARAMS, DiamondNet
from course.plots import palette as pal
from course.plots.layout import diamond_scene
from course.plots.svg import network_svg

SVG = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> list[str]:
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]


def _lines(svg: str) -> dict:
    return {ln.get("data-param"): ln for ln in ET.fromstring(svg).iter(f"{SVG}line")
            if ln.get("data-param")}


def test_svg_is_well_formed_and_shows_every_node_value():
    net = DiamondNet(w1=0.3, w3=-1.2, b2=0.4)
    svg = network_svg(net, 0.7)
    texts = _texts(svg)
    f = net.forward(0.7)
    for node in ("h1", "h2", "h3", "O"):
        assert node in texts
        assert f"{f[node]:.4g}" in texts
    for z in ("z1", "z2", "z3", "zO"):
        assert f"{z} = {f[z]:.3g}" in texts
    for p in PARAMS:
        assert f"{p} = {getattr(net, p):.3g}" in texts


def test_gradients_true_labels_all_nine_with_the_networks_values():
    net = DiamondNet(w2=-0.7, b4=-2.0)
    grads = net.gradient(1.5)
    texts = _texts(network_svg(net, 1.5, gradients=True))
    for p in PARAMS:
        assert f"∂O/∂{p} = {grads[p]:.3g}" in texts


def test_partial_gradients_and_deltas_show_only_those_given():
    net = DiamondNet()
    texts = _texts(network_svg(net, 1.0, gradients={"w4": 0.25}, deltas={"zO": 0.125}))
    assert "∂O/∂w4 = 0.25" in texts
    assert "δO = ∂O/∂zO = 0.125" in texts
    assert not any(t.startswith("∂O/∂w1") or t.startswith("δ1") for t in texts)


def test_edge_colour_follows_sign_and_width_follows_magnitude():
    net = DiamondNet(w1=2.0, w2=-0.5, w3=0.0, w4=0.1, w5=-3.0)
    lines = _lines(network_svg(net, 1.0))
    assert lines["w1"].get("stroke") == pal.POSITIVE
    assert lines["w2"].get("stroke") == pal.NEGATIVE
    assert lines["w3"].get("stroke") == pal.ZERO
    assert lines["w3"].get("stroke-dasharray")          # a zero weight is dashed
    widths = {w: float(ln.get("stroke-width")) for w, ln in lines.items()}
    assert widths["w4"] < widths["w2"] < widths["w1"] < widths["w5"]


def test_highlight_marks_nodes_and_edges():
    svg = network_svg(DiamondNet(), 1.0, highlight={"h2", "w4"})
    root = ET.fromstring(svg)
    circles = {c.get("data-node"): c for c in root.iter(f"{SVG}circle")}
    assert circles["h2"].get("stroke") == pal.HIGHLIGHT
    assert circles["h3"].get("stroke") != pal.HIGHLIGHT
    halos = [ln for ln in root.iter(f"{SVG}line") if ln.get("stroke") == pal.HIGHLIGHT]
    assert len(halos) == 1


def test_title_is_escaped_and_the_card_has_explicit_colours():
    svg = network_svg(DiamondNet(), 1.0, title="a < b & c")
    assert "a &lt; b &amp; c" in svg
    ET.fromstring(svg)
    assert re.search(r'<rect [^>]*fill="#ffffff"', svg)


def test_labels_stay_inside_the_picture():
    from course.plots.layout import HEIGHT, WIDTH

    net = DiamondNet()
    scene = diamond_scene(net, 1.0, gradients=True, highlight=None,
                          deltas=net.backward(1.0)["deltas"])
    for lab in scene.labels:
        assert 0 < lab.y < HEIGHT
        # rough text extent: 7 px per character at 12-13 px font
        half = 3.5 * len(lab.text)
        left = {"start": lab.x, "middle": lab.x - half, "end": lab.x - 2 * half}[lab.anchor]
        assert left >= 0 and left + 2 * half <= WIDTH, lab


@pytest.mark.parametrize("w", [float("nan"), float("inf")])
def test_non_finite_weights_still_draw(w):
    svg = network_svg(DiamondNet(w2=w), 1.0)
    ET.fromstring(svg)
    assert _lines(svg)["w2"].get("stroke-dasharray")


def test_weight_width_saturates_and_grows():
    assert pal.weight_width(0) == pal.MIN_WIDTH
    assert pal.weight_width(100) == pal.MAX_WIDTH
    assert pal.weight_width(0.5) < pal.weight_width(1.0) < pal.weight_width(-2.0)


@pytest.mark.parametrize("bad", [np.zeros((32, 1)), np.array([0.2, 0.4]), "1"])
def test_a_target_that_is_not_one_number_is_named(bad):
    from course.plots import draw_network, network_svg
    for draw in (network_svg, draw_network):
        with pytest.raises(TypeError) as err:
            draw(DiamondNet(), 1.0, y=bad)
        assert "takes one number for y (the target)" in str(err.value)
        assert "did a later cell reuse the name y?" in str(err.value)


def test_an_input_array_is_named_too():
    from course.plots import network_svg
    with pytest.raises(TypeError, match="one number for I"):
        network_svg(DiamondNet(), np.ones(3))


def test_a_one_element_target_or_numpy_scalar_still_draws():
    from course.plots import network_svg
    assert network_svg(DiamondNet(), 1.0, y=np.float64(1.0)) == network_svg(DiamondNet(), 1.0,
                                                                             y=1.0)
    assert "L" in network_svg(DiamondNet(), np.array([1.0]), y=np.array([[1.0]]))
