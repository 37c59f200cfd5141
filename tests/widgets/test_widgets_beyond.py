"""Lesson 09's sliders, driven from code: the picture follows the pure functions."""

from __future__ import annotations

import re

import numpy as np

from course.widgets import init_scale_explorer, quantities, softmax_temperature
from course.widgets.beyond import init_norms, softmax_at


def test_softmax_temperature_follows_the_slider():
    w = softmax_temperature(logits=(2.0, 1.0, 0.1))
    for T in (0.1, 1.0, 10.0):
        w.slider.value = T
        p = softmax_at([2.0, 1.0, 0.1], w.slider.value)
        q = quantities(w.readout.value)
        assert np.isclose(q["p_max"], p.max(), rtol=1e-5)
        assert f"T = {w.slider.value:.3g}" in w.picture.value
        assert len(re.findall("<rect", w.picture.value)) == 3


def test_temperature_limits():
    assert softmax_at([2.0, 1.0], 0.05)[0] > 0.999
    assert abs(softmax_at([2.0, 1.0], 100.0)[0] - 0.5) < 0.01


def test_init_scale_explorer_bars_are_the_norms():
    e = init_scale_explorer(depth=4)
    e.slider.value = 2.0
    expected = init_norms(e.slider.value, "auto", 4)
    for activation, norms in expected.items():
        np.testing.assert_allclose(e.norms[activation], norms)
        assert np.isclose(quantities(e.readout.value)[f"ratio_{activation}"],
                          norms[0] / norms[-1], rtol=1e-5)
    e.rule.value = "he"
    assert e.norms == init_norms(e.slider.value, "he", 4)
