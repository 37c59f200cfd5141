"""Lesson 09's sliders: slider event -> updated picture, ours (an SVG string into an
``ipywidgets.HTML``) against a naive full matplotlib redraw of the same bars.

Run with::

    python -m pytest tests/benchmarks/test_bench_beyond_widgets.py -o addopts="" --benchmark-only -q

Goal (COURSE.md, Speed): ours <= 0.2x the naive cost, aim <= 16 ms. For the initial-scale
explorer both sides include the same computation (three 10-layer networks' gradients).
"""

from __future__ import annotations

import itertools

import matplotlib
import numpy as np
import pytest
from bench_report import write_summary

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from course.widgets.beyond import init_norms, init_scale_explorer, softmax_at, softmax_temperature  # noqa: E402,E501

RESULTS = {}
LOGITS = (2.0, 1.0, 0.1, -1.0)


@pytest.fixture(scope="module", autouse=True)
def print_summary(request):
    yield
    lines = []
    for group in ("softmax_temperature", "init_scale_explorer"):
        ours, naive = RESULTS.get((group, "ours")), RESULTS.get((group, "naive"))
        if ours and naive:
            lines.append(f"{group:20s} ours {ours * 1e3:7.3f} ms   naive {naive * 1e3:7.2f} ms   "
                         f"ratio {ours / naive:.4f}  (goal <= 0.2 and <= 16 ms)")
    write_summary(request, "lesson 09 slider events (medians, same run)", lines)


def _naive_bars(groups, labels, log):
    fig, ax = plt.subplots(figsize=(6, 2.3))
    width = 0.8 / len(groups)
    for g, values in enumerate(groups.values()):
        ax.bar(np.arange(len(labels)) + g * width, values, width=width)
    ax.set_yscale("log" if log else "linear")
    fig.canvas.draw()
    fig.canvas.buffer_rgba()
    plt.close(fig)


@pytest.mark.benchmark(group="softmax_temperature")
def test_softmax_temperature_event(benchmark):
    w = softmax_temperature(LOGITS)
    values = itertools.cycle((0.2, 0.5, 1.0, 2.0, 5.0))
    benchmark(lambda: setattr(w.slider, "value", next(values)))
    RESULTS[("softmax_temperature", "ours")] = benchmark.stats.stats.median


@pytest.mark.benchmark(group="softmax_temperature")
def test_softmax_temperature_naive(benchmark):
    values = itertools.cycle((0.2, 0.5, 1.0, 2.0, 5.0))
    benchmark(lambda: _naive_bars({"p": softmax_at(LOGITS, next(values))}, LOGITS, False))
    RESULTS[("softmax_temperature", "naive")] = benchmark.stats.stats.median


@pytest.mark.benchmark(group="init_scale_explorer")
def test_init_scale_event(benchmark):
    e = init_scale_explorer()
    values = itertools.cycle((0.3, 0.5, 1.0, 2.0, 3.0))
    benchmark(lambda: setattr(e.slider, "value", next(values)))
    RESULTS[("init_scale_explorer", "ours")] = benchmark.stats.stats.median


@pytest.mark.benchmark(group="init_scale_explorer")
def test_init_scale_naive(benchmark):
    values = itertools.cycle((0.3, 0.5, 1.0, 2.0, 3.0))
    benchmark(lambda: _naive_bars(init_norms(next(values)), range(10), True))
    RESULTS[("init_scale_explorer", "naive")] = benchmark.stats.stats.median
