"""Lesson 09's sliders: the softmax at a temperature, and the initial scale's gradient bars.

Both redraw an SVG string (``course.plots.bars.bars_svg``, ~20 µs) into an
``ipywidgets.HTML`` on every slider event — no matplotlib — and keep the maths in pure
functions (``softmax_at``, ``init_norms``) that the tests compare with the widget's state.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from course.nn.init import gradient_norms_at_init
from course.nn.softmax import softmax
from course.plots.bars import bars_svg
from course.widgets._html import readout_html
from course.widgets._static import StaticFallback

__all__ = ["softmax_at", "SoftmaxTemperature", "softmax_temperature", "init_norms",
           "InitScaleExplorer", "init_scale_explorer"]

ACTIVATIONS = ("sigmoid", "tanh", "relu")


def softmax_at(logits, temperature: float) -> np.ndarray:
    """``softmax(z / T)``: T → 0 picks the largest logit, T → ∞ spreads evenly."""
    return softmax(np.asarray(logits, dtype=float) / float(temperature))


class SoftmaxTemperature(StaticFallback, widgets.VBox):
    """A temperature slider over fixed logits; bars of the probabilities and a readout."""

    def __init__(self, logits=(2.0, 1.0, 0.1, -1.0), labels=None, temperature=1.0):
        self.logits = np.asarray(logits, dtype=float)
        self.labels = list(labels) if labels else [f"z={z:g}" for z in self.logits]
        self.slider = widgets.FloatLogSlider(value=temperature, base=10, min=-1.3, max=1.3,
                                             step=0.02, description="T",
                                             continuous_update=True)
        self.picture = widgets.HTML()
        self.readout = widgets.HTML()
        self.slider.observe(lambda change: self.update(), names="value")
        super().__init__([self.slider, self.picture, self.readout])
        self.update()

    def update(self) -> None:
        T = self.slider.value
        p = softmax_at(self.logits, T)
        self.picture.value = bars_svg({"p": p.tolist()}, self.labels, 0.0, 1.0,
                                      title=f"softmax(z / T) at T = {T:.3g}",
                                      ylabel="probability")
        entropy = float(-(p * np.log(np.maximum(p, 1e-300))).sum())
        self.readout.value = readout_html(
            [("largest p", "p_max", p.max()), ("entropy (nats)", "entropy", entropy),
             ("T", "T", T)], note="T < 1 sharpens, T > 1 flattens; the order never changes.")


def softmax_temperature(logits=(2.0, 1.0, 0.1, -1.0), labels=None, temperature=1.0):
    """A slider for T in softmax(z / T) over ``logits``, with the probabilities as bars."""
    return SoftmaxTemperature(logits, labels, temperature)


def init_norms(scale: float, rule: str = "auto", depth: int = 10) -> dict:
    """``{activation: [||dW|| per layer]}`` of fresh depth-``depth`` nets at ``scale``."""
    return {a: gradient_norms_at_init(a, depth=depth, scale=scale, rule=rule)
            for a in ACTIVATIONS}


class InitScaleExplorer(StaticFallback, widgets.VBox):
    """A slider for the initial weights' scale (× the rule's std) and a rule menu; bars of
    every layer's gradient norm for sigmoid, tanh and ReLU nets, log scale."""

    def __init__(self, scale=1.0, rule="auto", depth=10):
        self.depth = depth
        self.slider = widgets.FloatLogSlider(value=scale, base=10, min=-1, max=0.7, step=0.02,
                                             description="scale ×", continuous_update=False)
        self.rule = widgets.Dropdown(options=[("He for ReLU, Xavier otherwise", "auto"),
                                              ("He everywhere", "he"),
                                              ("Xavier everywhere", "xavier")],
                                     value=rule, description="rule")
        self.picture = widgets.HTML()
        self.readout = widgets.HTML()
        for w in (self.slider, self.rule):
            w.observe(lambda change: self.update(), names="value")
        super().__init__([widgets.HBox([self.slider, self.rule]), self.picture, self.readout])
        self.update()

    def update(self) -> None:
        norms = init_norms(self.slider.value, self.rule.value, self.depth)
        self.norms = norms
        labels = [str(l + 1) for l in range(self.depth)]
        self.picture.value = bars_svg(norms, labels, 1e-10, 1e4, log=True, width=600,
                                      title=f"||dW|| per layer (1 = input side), scale × "
                                            f"{self.slider.value:.2g}", ylabel="||dW||")
        self.readout.value = readout_html(
            [(f"{a}: first / last layer", f"ratio_{a}", n[0] / n[-1]) for a, n in norms.items()],
            note="A ratio far below 1: the first layers hardly learn (vanishing); far above: "
                 "exploding.")


def init_scale_explorer(scale=1.0, rule="auto", depth=10):
    """A slider for the initial weights' scale with per-layer gradient-norm bars."""
    return InitScaleExplorer(scale, rule, depth)
