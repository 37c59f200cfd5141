"""Slider event -> updated picture (compute + draw), ours against a naive full redraw.

Run with::

    python -m pytest tests/benchmarks/test_bench_widgets.py -o addopts="" --benchmark-only -q

Goal (issue 4): ours <= 0.2x the naive cost and <= 16 ms (one 60 Hz frame). Each group
times both in the same run; a summary of medians and ratios is printed at the end.

* ``diamond_explorer``: ours = setting a slider's value (the observer recomputes the
  network and regenerates the SVG diagram and the readout); naive = ``draw_network``
  into a fresh figure and a full Agg draw of the same picture.
* ``slope_explorer``: ours = setting the slider (set_data/set_text on the artists, one
  blitted draw of the changed artists, one PNG encode, the readout); naive = a fresh
  figure, the picture rebuilt, a full draw and the same PNG encode.
* ``training_dashboard`` (for information): one tick of drawing, ours (image data,
  contour, loss line updated; blitted) against rebuilding both panels.
"""

from __future__ import annotations

import itertools

import matplotlib
import pytest
from bench_report import write_summary

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course.nn.networks import DiamondNet  # noqa: E402
from course.plots import draw_network  # noqa: E402
from course.plots.slope import SlopePicture  # noqa: E402
from course.plots.training import TrainingPicture  # noqa: E402
from course.widgets import diamond_explorer, slope_explorer, training_dashboard  # noqa: E402
from course.widgets import slope as slope_widget  # noqa: E402
from course.widgets._figure import encode_png  # noqa: E402

RESULTS = {}                       # (group, who) -> median seconds
VALUES = [0.3, -1.2, 0.75, 2.4, -0.4, 1.1]


def _record(benchmark, group, who):
    RESULTS[(group, who)] = benchmark.stats.stats.median


def _summary():
    lines = []
    for group in ("diamond_explorer", "slope_explorer", "training_dashboard"):
        ours, naive = RESULTS.get((group, "ours")), RESULTS.get((group, "naive"))
        if ours is None or naive is None:
            continue
        lines.append(f"{group:20s} ours {ours * 1e3:8.3f} ms   naive {naive * 1e3:8.2f} ms   "
                     f"ratio {ours / naive:.4f}  (goal <= 0.2 and <= 16 ms)")
    return lines


@pytest.fixture(scope="module", autouse=True)
def print_summary(request):
    yield
    write_summary(request, "slider event -> picture: medians and ratios (same run)", _summary())


# ---- diamond explorer ---------------------------------------------------------------------
@pytest.mark.benchmark(group="diamond_explorer")
def test_diamond_explorer_slider_event(benchmark):
    w = diamond_explorer()
    values = itertools.cycle(VALUES)

    def event():
        w.sliders["w1"].value = next(values)

    benchmark(event)
    _record(benchmark, "diamond_explorer", "ours")
    assert w.net.w1 in VALUES and "∂O/∂w1" in w.diagram.value


@pytest.mark.benchmark(group="diamond_explorer")
def test_diamond_naive_full_redraw(benchmark):
    values = itertools.cycle(VALUES)

    def naive():
        net = DiamondNet(w1=next(values))
        fig = Figure(figsize=(7.7, 3.5), dpi=100)
        canvas = FigureCanvasAgg(fig)
        draw_network(net, 1.0, ax=fig.add_subplot(), show_gradients=True)
        canvas.draw()

    benchmark(naive)
    _record(benchmark, "diamond_explorer", "naive")


# ---- slope explorer -----------------------------------------------------------------------
def _wrong(I, w1, w2, w3, w4, w5):
    from course.nn.activations import sigmoid
    from course.nn.activations import sigmoid_prime as d

    z1 = I * w1 + 1
    h1 = sigmoid(z1)
    z2, z3 = h1 * w2 + 1, h1 * w3 + 1
    zO = sigmoid(z2) * w4 + sigmoid(z3) * w5 + 1
    return d(zO) * (d(z2) * d(z1) * I + d(z3) * d(z1) * I)


@pytest.mark.benchmark(group="slope_explorer")
def test_slope_explorer_slider_event(benchmark):
    w = slope_explorer("w1", learner=_wrong)
    values = itertools.cycle(VALUES)

    def event():
        w.slider.value = next(values)

    benchmark(event)
    _record(benchmark, "slope_explorer", "ours")
    assert w.picture.learner_slope is not None


@pytest.mark.benchmark(group="slope_explorer")
def test_slope_naive_full_rebuild(benchmark):
    values = itertools.cycle(VALUES)

    def naive():
        fig = Figure(figsize=slope_widget.FIGSIZE, dpi=100, facecolor="white")
        canvas = FigureCanvasAgg(fig)
        ax = fig.add_axes(slope_widget.AXES_RECT)
        SlopePicture(ax, "w1", DiamondNet(w1=next(values)), 1.0, _wrong, show_text=False)
        canvas.draw()
        encode_png(canvas.buffer_rgba())

    benchmark(naive)
    _record(benchmark, "slope_explorer", "naive")


# ---- training dashboard (drawing of one tick) ---------------------------------------------
@pytest.mark.benchmark(group="training_dashboard")
def test_training_dashboard_tick_drawing(benchmark):
    w = training_dashboard("moons", epochs_per_tick=1)
    for _ in range(5):
        w.tick()
    benchmark(w._draw)
    _record(benchmark, "training_dashboard", "ours")


@pytest.mark.benchmark(group="training_dashboard")
def test_training_naive_full_rebuild(benchmark):
    w = training_dashboard("moons", epochs_per_tick=1)
    for _ in range(5):
        w.tick()

    def naive():
        fig = Figure(figsize=(9.0, 3.8), dpi=100, facecolor="white")
        canvas = FigureCanvasAgg(fig)
        pic = TrainingPicture(fig, w.X, w.y, max_epochs=50, show_title=False)
        pic.update(w.model, w.losses, w.epoch, 1.0)
        canvas.draw()
        encode_png(canvas.buffer_rgba())

    benchmark(naive)
    _record(benchmark, "training_dashboard", "naive")
