"""Lesson 10's pictures and the SVG bars."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from course.plots import (  # noqa: E402
    bars_svg,
    confusion_plot,
    show_digits,
    training_curves,
    weight_images,
    wrong_digits,
)
from course.plots.digits import confusion_matrix  # noqa: E402


def test_confusion_matrix_counts():
    C = confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], k=3)
    assert C.tolist() == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]


def test_digit_pictures_build():
    rng = np.random.default_rng(0)
    X, y = rng.uniform(0, 1, (20, 64)), rng.integers(0, 10, 20)
    pred = (y + (np.arange(20) % 3 == 0)) % 10
    figs = [show_digits(X, y, n=10), wrong_digits(X, y, pred, probs=np.full(20, 0.5)),
            weight_images(rng.normal(size=(64, 32)))]
    ax = confusion_plot(y, pred)
    assert "right" in ax.get_title()
    assert "7 of the held-out" in figs[1]._suptitle.get_text()
    lines = training_curves({"loss": [1.0, 0.5], "train": [0.8, 0.9], "test": [0.7, 0.85]})
    assert list(lines["test"].get_ydata()) == [0.7, 0.85]
    plt.close("all")


def test_bars_svg_log_and_linear():
    svg = bars_svg({"a": [1e-6, 1.0], "b": [0.1, float("nan")]}, ["1", "2"], 1e-8, 1e2, log=True)
    assert svg.startswith("<svg") and svg.count("<rect") == 6           # 4 bars + 2 legend keys
    assert "1e-8" in svg and "1e2" in svg
    assert bars_svg({"p": [0.2, 0.8]}, ["x", "y"]).count("<rect") == 2


def test_training_curves_keep_a_low_first_epoch_in_view_with_whole_epoch_ticks():
    fig, axes = plt.subplots(1, 2)
    history = {"loss": [2.0, 0.4, 0.2], "train": [0.3, 0.9, 0.97], "test": [0.28, 0.88, 0.96]}
    training_curves(history, axes=axes, epochs=20)
    fig.canvas.draw()
    low, high = axes[1].get_ylim()
    assert low <= 0.0 and high >= 1.0                       # epoch 1 at 28 % is on the plot
    for ax in axes:
        ticks = [t for t in ax.get_xticks() if 0.5 <= t <= 20.5]
        assert ticks and all(float(t).is_integer() for t in ticks), ticks
    plt.close(fig)
