"""``diamond_explorer()``: sliders on every parameter of the diamond network, live diagram,
O and all nine gradients.

The picture is the SVG of :func:`course.plots.network_svg`, regenerated on every slider
event (a fraction of a millisecond), so dragging a slider stays smooth on any backend.
"""

from __future__ import annotations

import ipywidgets as widgets

from course.nn.networks import PARAMS, DiamondNet
from course.plots import palette as pal
from course.plots.svg import network_svg
from course.widgets._html import readout_html
from course.widgets._static import StaticFallback

#: slider ranges: (min, max, step)
RANGES = {"I": (-3.0, 3.0, 0.01), **{w: (-4.0, 4.0, 0.01) for w in PARAMS}}


def make_slider(name: str, value: float) -> widgets.FloatSlider:
    """A slider whose ``description`` is the parameter's name (tests find it by that)."""
    lo, hi, step = RANGES[name]
    return widgets.FloatSlider(value=float(value), min=lo, max=hi, step=step, description=name,
                               continuous_update=True, readout_format=".2f",
                               layout=widgets.Layout(width="300px"),
                               style={"description_width": "28px"})


def diamond_readout(net: DiamondNet, I: float, gradients: bool = True) -> str:
    """The readout: O and (``gradients``) dO/d(param) for all nine parameters."""
    result = net.backward(I)
    rows = [("O", "O", result["forward"]["O"])]
    if not gradients:
        rows += [(k, k, result["forward"][k]) for k in ("h1", "h2", "h3")]
    rows += [(f"dO/d{p}", f"dO/d{p}", result["grads"][p], pal.GRADIENT) for p in PARAMS
             if gradients]
    return readout_html(rows, title=f"at I = {I:.4g}")


class DiamondExplorer(StaticFallback, widgets.VBox):
    """Sliders for I, w1..w5 and b1..b4; the diagram, O and all nine gradients follow.

    Attributes
    ----------
    sliders : dict[str, ipywidgets.FloatSlider]
        ``"I"``, ``"w1"``..``"w5"``, ``"b1"``..``"b4"``; each slider's description is its name.
    readout : ipywidgets.HTML
        O and ``dO/dw1``..``dO/db4`` in ``<td data-quantity="...">`` cells (``.6g`` format).
    diagram : ipywidgets.HTML
        The SVG diagram, with every parameter's gradient.
    net : DiamondNet
        The network the sliders currently describe.
    I : float
    """

    def __init__(self, net: DiamondNet | None = None, I: float = 1.0, gradients: bool = True,
                 **kwargs):
        self.net = net if net is not None else DiamondNet()
        self.I = float(I)
        self.gradients = bool(gradients)
        self.sliders = {"I": make_slider("I", self.I)}
        self.sliders.update({p: make_slider(p, v) for p, v in self.net.params.items()})
        self.readout = widgets.HTML()
        self.diagram = widgets.HTML(layout=widgets.Layout(width="100%", max_width="780px"))
        col = widgets.Layout(margin="0 12px 0 0")
        controls = widgets.HBox([
            widgets.VBox([self.sliders[k] for k in ("I", "w1", "w2", "w3", "w4", "w5")],
                         layout=col),
            widgets.VBox([self.sliders[k] for k in ("b1", "b2", "b3", "b4")], layout=col),
            self.readout,
        ], layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"))
        super().__init__([self.diagram, controls], **kwargs)
        self.add_class("course-explorer")
        for s in self.sliders.values():
            s.observe(self._on_slider, names="value")
        self.update()

    def _on_slider(self, change) -> None:
        self.update()

    def update(self) -> None:
        """Read the sliders, recompute the network and refresh diagram and readout."""
        self.I = float(self.sliders["I"].value)
        self.net = DiamondNet(**{p: float(self.sliders[p].value) for p in PARAMS})
        self.diagram.value = network_svg(self.net, self.I, gradients=self.gradients)
        self.readout.value = diamond_readout(self.net, self.I, self.gradients)


def diamond_explorer(net: DiamondNet | None = None, I: float = 1.0,
                     gradients: bool = True) -> DiamondExplorer:
    """Sliders on the diamond network with a live diagram, O and all nine gradients.

    Parameters
    ----------
    net : DiamondNet, optional
        Starting parameters (default: the worked example).
    I : float
        Starting input.
    gradients : bool
        Show the nine gradients dO/d(param) (``False``: the forward pass only, for a lesson
        that asks for them).

    Returns
    -------
    DiamondExplorer
        An ``ipywidgets.VBox``; display it, or set ``w.sliders["w1"].value`` and read
        ``w.readout.value`` / ``w.net``.
    """
    return DiamondExplorer(net, I, gradients)
