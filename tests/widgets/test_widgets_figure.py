"""FigureView's fast PNG encoder and mode choice."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

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
