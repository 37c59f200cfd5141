"""The lessons' slider curve plot (course.sliders): a slider event updates the same artists."""

from __future__ import annotations

import numpy as np

from course.nn.activations import sigmoid
from course.sliders import CurveExplorer, curve_explorer


def _explorer(**kwargs) -> CurveExplorer:
    return curve_explorer(
        {"s(wx + b)": lambda x, w, b: sigmoid(w * x + b), "wx + b": lambda x, w, b: w * x + b},
        {"w": (-4.0, 4.0, 0.1, 1.0), "b": (-4.0, 4.0, 0.1, 0.0)},
        readout=lambda w, b: f"s(0) = {sigmoid(b):.4f}, w = {w:.2f}",
        ylim=(-1.5, 1.5), **kwargs)


def test_moving_a_slider_updates_lines_readout_and_picture_in_place():
    ex = _explorer()
    line, png = ex.lines["s(wx + b)"], ex.image.value
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    ex.sliders["w"].value = 2.5
    ex.sliders["b"].value = -1.0
    assert ex.lines["s(wx + b)"] is line                       # the same artist, new data
    np.testing.assert_allclose(line.get_ydata(), sigmoid(2.5 * ex.x - 1.0))
    np.testing.assert_allclose(ex.lines["wx + b"].get_ydata(), 2.5 * ex.x - 1.0)
    assert ex.readout.value == f"s(0) = {sigmoid(-1.0):.4f}, w = 2.50"
    assert ex.image.value != png
    assert len(ex.figure.axes) == 1 and len(ex.ax.lines) == 2 + 2     # curves + the two axes


def test_values_sliders_and_legend_place():
    ex = _explorer(legend_loc="lower right")
    assert ex.values() == {"w": 1.0, "b": 0.0}
    assert [s.description for s in ex.sliders.values()] == ["w", "b"]
    assert ex.ax.get_legend()._loc == 4                         # matplotlib's code for it
    assert _explorer().ax.get_legend()._loc == 0                 # "best" by default
    assert "application/vnd.jupyter.widget-view+json" in ex._repr_mimebundle_()
