"""diamond_explorer: every slider drives the diagram, O and all nine gradients (issue 4's
acceptance test), compared with DiamondNet computed directly."""

from __future__ import annotations

import re

import ipywidgets as widgets
import pytest

from course.nn.networks import PARAMS, DiamondNet
from course.widgets import diamond_explorer, quantities

CELL = re.compile(r'data-quantity="([^"]+)"[^>]*>([^<]+)<')


def _readout(w) -> dict:
    """Parse the readout independently of the package's parser."""
    return {k: float(v) for k, v in CELL.findall(w.readout.value)}


def _expected(net: DiamondNet, I: float) -> dict:
    out = {"O": net.output(I)}
    out.update({f"dO/d{p}": g for p, g in net.gradient(I).items()})
    return out


def _assert_matches(w, net, I):
    got = _readout(w)
    want = _expected(net, I)
    assert set(got) == set(want)
    for k, v in want.items():
        assert got[k] == float(f"{v:.6g}"), k        # exactly the .6g of DiamondNet's value


def test_contract_sliders_readout_diagram():
    w = diamond_explorer()
    assert isinstance(w, widgets.VBox)
    assert "course-explorer" in w._dom_classes
    assert set(w.sliders) == {"I", *PARAMS}
    for name, s in w.sliders.items():
        assert isinstance(s, widgets.FloatSlider)
        assert s.description == name
    assert isinstance(w.readout, widgets.HTML) and isinstance(w.diagram, widgets.HTML)
    assert w.diagram.value.startswith("<svg")
    _assert_matches(w, DiamondNet(), 1.0)
    assert '<td data-quantity="O"' in w.readout.value
    assert ">O</th>" in w.readout.value and ">dO/dw1</th>" in w.readout.value


@pytest.mark.parametrize("name", ["I", *PARAMS])
def test_every_slider_updates_readout_and_diagram(name):
    w = diamond_explorer()
    before = w.diagram.value
    w.sliders[name].value = -0.8
    net = DiamondNet().replace(**({} if name == "I" else {name: -0.8}))
    I = -0.8 if name == "I" else 1.0
    assert w.net == net
    _assert_matches(w, net, I)
    assert w.diagram.value != before
    assert f"{net.output(I):.4g}" in w.diagram.value


def test_moving_all_sliders_in_turn_tracks_the_network():
    w = diamond_explorer(DiamondNet(w2=-1.0), I=0.5)
    _assert_matches(w, DiamondNet(w2=-1.0), 0.5)
    values = {"w1": 1.3, "w2": -2.1, "w3": 0.4, "w4": 3.2, "w5": -0.6,
              "b1": -1.0, "b2": 0.25, "b3": 2.0, "b4": -3.5}
    for i, (p, v) in enumerate(values.items()):
        w.sliders[p].value = v
        net = DiamondNet(**{"w2": -1.0, **dict(list(values.items())[: i + 1])})
        _assert_matches(w, net, 0.5)


def test_readout_gradients_agree_with_finite_differences():
    w = diamond_explorer()
    w.sliders["w3"].value = -1.7
    got = quantities(w.readout.value)
    h = 1e-6
    for p in PARAMS:
        v = getattr(w.net, p)
        num = (w.net.replace(**{p: v + h}).output(1.0)
               - w.net.replace(**{p: v - h}).output(1.0)) / (2 * h)
        assert got[f"dO/d{p}"] == pytest.approx(num, rel=1e-5, abs=1e-9)


def test_update_called_directly_raises_nothing():
    w = diamond_explorer()
    w.sliders["b4"].value = 4.0
    w.update()                 # observers swallow exceptions; call the callback directly
    w._on_slider({"name": "value", "new": 4.0})
    _assert_matches(w, DiamondNet(b4=4.0), 1.0)


def test_quantities_reads_back_what_readout_writes():
    from course.widgets._html import readout_html

    html = readout_html([("O", "O", 0.693749123), ("s'", "s'(z)", -1.5e-7)])
    assert quantities(html) == {"O": 0.693749, "s'(z)": -1.5e-7}


def test_without_gradients_the_explorer_shows_the_forward_pass_only():
    w = diamond_explorer(gradients=False)
    w.sliders["w3"].value = -1.2
    got = _readout(w)
    net = DiamondNet(w3=-1.2)
    assert got["O"] == pytest.approx(net.output(1.0), rel=1e-5)
    assert got["h3"] == pytest.approx(net.forward(1.0)["h3"], rel=1e-5)
    assert not any(k.startswith("dO/") for k in got)
    assert "∂O/∂" not in w.diagram.value
