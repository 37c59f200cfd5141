"""backward_stepper: each step shows DiamondNet.backward's deltas and gradients."""

from __future__ import annotations

import pytest

from course.nn.networks import PARAMS, DiamondNet
from course.widgets import backward_stepper, quantities


def _fmt(v):
    return float(f"{v:.6g}")


@pytest.mark.parametrize("net, I", [(DiamondNet(), 1.0),
                                    (DiamondNet(w1=-0.4, w3=1.5, w5=-2.0, b2=0.1), -0.7)])
def test_stepping_through_shows_backward_values(net, I):
    w = backward_stepper(net, I)
    ref = net.backward(I)
    assert w.stage == 0 and quantities(w.readout.value) == {}
    assert w.back_button.disabled
    seen = {}
    while not w.step_button.disabled:
        w.step_button.click()
        got = {k: v for k, v in quantities(w.readout.value).items() if k.startswith("dO/")}
        for z, v in ref["deltas"].items():
            if f"dO/d{z}" in got:
                assert got[f"dO/d{z}"] == _fmt(v)
        for p, v in ref["grads"].items():
            if f"dO/d{p}" in got:
                assert got[f"dO/d{p}"] == _fmt(v)
        assert set(seen) <= set(got)          # what was found stays found
        seen = got
    assert w.stage == len(w.stages) - 1 == 7
    assert {f"dO/d{p}" for p in PARAMS} <= set(seen)
    assert {f"dO/d{z}" for z in ("zO", "z2", "z3", "z1")} <= set(seen)


def test_order_is_output_first_and_h1_after_both_paths():
    w = backward_stepper()
    first_seen = {}
    for stage in range(1, 8):
        w.step_button.click()
        for k in quantities(w.readout.value):
            if k.startswith("dO/"):
                first_seen.setdefault(k, stage)
    assert first_seen["dO/dzO"] == 1
    assert first_seen["dO/dz1"] > max(first_seen["dO/dz2"], first_seen["dO/dz3"])
    assert first_seen["dO/dw1"] == 7


def test_local_derivatives_are_shown_with_their_values():
    net = DiamondNet(w4=-1.25)
    w = backward_stepper(net, 1.0)
    f = net.forward(1.0)
    w.go(3)                                   # node h2
    got = quantities(w.readout.value)
    assert got["local:dzO/dh2"] == -1.25
    assert got["local:s_prime(z2)"] == _fmt(f["h2"] * (1 - f["h2"]))
    assert "δ2 = δO · w4 · s'(z2)" in w.readout.value


def test_back_and_reset_buttons_and_highlight():
    w = backward_stepper()
    for _ in range(3):
        w.step_button.click()
    assert w.stage == 3
    assert 'data-node="h2"' in w.diagram.value
    assert "#E69F00" in w.diagram.value       # the current node is highlighted
    w.back_button.click()
    assert w.stage == 2
    w.reset_button.click()
    assert w.stage == 0 and w.back_button.disabled and not w.step_button.disabled
    w.go(99)
    assert w.stage == 7 and w.step_button.disabled


def test_with_a_target_the_pass_starts_at_the_loss_and_shows_dL():
    net, I, y = DiamondNet(w2=1.3, b3=-0.6), 0.4, 0.9
    w = backward_stepper(net, I, y=y)
    ref = net.backward(I, y)
    assert "L = ½(O − y)²" in w.readout.value
    w.step_button.click()
    got = quantities(w.readout.value)
    assert got["local:dL/dO"] == _fmt(net.output(I) - y)
    assert got["dL/dzO"] == _fmt(ref["deltas"]["zO"])
    assert "(O − y) · s'(zO)" in w.readout.value and "∂L/∂zO" in w.diagram.value
    while not w.step_button.disabled:
        w.step_button.click()
    got = quantities(w.readout.value)
    for p in PARAMS:
        assert got[f"dL/d{p}"] == _fmt(ref["grads"][p])
    assert not any(k.startswith("dO/") for k in got)
