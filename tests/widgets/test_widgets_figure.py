"""FigureView's fast PNG encoder and mode choice."""

from __future__ import annotations

import importlib.util
import io
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from course.nn.networks import DiamondNet
from course.widgets._figure import FigureView, encode_png, ipympl_active


@pytest.mark.parametrize("shape", [(1, 1), (7, 13), (420, 750)])
def test_encode_png_round_trips(shape):
    rgba = np.random.default_rng(0).integers(0, 256, size=(*shape, 4), dtype=np.uint8)
    img = Image.open(io.BytesIO(encode_png(rgba)))
    assert img.mode == "RGBA" and img.size == (shape[1], shape[0])
    assert np.array_equal(np.asarray(img), rgba)


def test_inline_view_under_agg():
    assert not ipympl_active()
    view = FigureView(figsize=(3, 2), dpi=50)
    ax = view.figure.add_subplot()
    (line,) = ax.plot([0, 1], [0, 1])
    view.set_dynamic([line])
    view.refresh()
    first = view.widget.value
    line.set_ydata([1, 0])
    view.refresh()
    assert view.widget.value != first
    assert Image.open(io.BytesIO(view.widget.value)).size == (150, 100)


def test_ipympl_canvas_is_used_when_active():
    """Under ``%matplotlib widget`` the figure's own canvas is the widget (a subprocess, so
    this run's backend stays Agg)."""
    # not importorskip: importing ipympl switches this process's backend to ipympl
    if importlib.util.find_spec("ipympl") is None:
        pytest.skip("ipympl is not installed")
    code = """
import matplotlib
matplotlib.use("module://ipympl.backend_nbagg")
from course.widgets import quantities, slope_explorer
w = slope_explorer("w2")
w.slider.value = 1.5
print(type(w.view.widget).__name__, w.view.interactive, quantities(w.readout.value)["O"])
"""
    env = {**os.environ, "COURSE_GRADING": "0"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True)
    name, interactive, O = out.stdout.split()
    assert (name, interactive) == ("Canvas", "True")
    assert float(O) == float(f"{DiamondNet(w2=1.5).output(1.0):.6g}")
