"""``slope_explorer()``: O against one weight with the true tangent and the learner's line.

The curve and axes are drawn once; a slider event moves the point and the two lines
(``set_data``/``set_text``) and redraws once (blitted and PNG-encoded inline, or one
``draw_idle`` under ipympl).
"""

from __future__ import annotations

import ipywidgets as widgets

from course.nn.networks import DiamondNet
from course.plots import palette as pal
from course.plots.slope import SlopePicture
from course.widgets._figure import FigureView
from course.widgets._html import readout_html
from course.widgets._static import StaticFallback
from course.widgets.explorer import make_slider

FIGSIZE = (7.5, 3.8)                 # inches; the image is 750 x 380 px
AXES_RECT = (0.11, 0.14, 0.61, 0.82)  # room for the legend on the right


class SlopeExplorer(StaticFallback, widgets.VBox):
    """O(param) with its tangent and, given the learner's derivative, their line beside it.

    Attributes
    ----------
    slider : ipywidgets.FloatSlider
        The parameter's value (its description is the parameter's name).
    readout : ipywidgets.HTML
        ``data-quantity`` cells ``O``, ``true_slope`` and, when available, ``learner_slope``
        and ``ratio`` (and ``compare_slope``, ``compare_ratio`` for a second derivative); a
        note when the learner's line cannot be drawn.
    picture : course.plots.slope.SlopePicture
        The artists; ``.true_slope``, ``.learner_slope``, ``.message``.
    view : FigureView
        The figure and the widget that shows it.
    net : DiamondNet
    """

    def __init__(self, param="w1", learner=None, net=None, I=1.0, compare=None,
                 compare_label: str = "another derivative", **kwargs):
        net = net if net is not None else DiamondNet()
        self.compare_label = compare_label
        self.view = FigureView(figsize=FIGSIZE)
        ax = self.view.figure.add_axes(AXES_RECT)
        # the slopes are printed in the HTML readout (cheap) rather than in the figure
        self.picture = SlopePicture(ax, param, net, I, learner, show_text=False, compare=compare,
                                    compare_label=compare_label)
        self.view.set_dynamic(self.picture.dynamic)
        self.slider = make_slider(param, getattr(net, param))
        self.readout = widgets.HTML()
        super().__init__([self.slider, self.readout, self.view.widget], **kwargs)
        self.add_class("course-slope-explorer")
        self.slider.observe(self._on_slider, names="value")
        self.update()

    @property
    def net(self) -> DiamondNet:
        return self.picture.net

    def _on_slider(self, change) -> None:
        self.update()

    def update(self) -> None:
        """Move to the slider's value: update the artists, draw once, refresh the readout."""
        pic = self.picture
        pic.update(self.slider.value)
        self.view.refresh()
        d = f"dO/d{pic.param}"
        rows = [("O", "O", pic.O), (f"true slope {d}", "true_slope", pic.true_slope, pal.TRUE)]
        if pic.learner_slope is not None:
            rows.append((f"your slope {d}", "learner_slope", pic.learner_slope, pal.LEARNER))
            if pic.true_slope != 0:
                rows.append(("your slope / true slope", "ratio",
                             pic.learner_slope / pic.true_slope, pal.LEARNER))
        if pic.compare_slope is not None:
            colour = pal.OKABE_ITO["purple"]
            rows.append((f"{self.compare_label}", "compare_slope", pic.compare_slope, colour))
            if pic.true_slope != 0:
                rows.append((f"{self.compare_label} / true slope", "compare_ratio",
                             pic.compare_slope / pic.true_slope, colour))
        self.readout.value = readout_html(rows, title=f"at {pic.param} = {pic.value:.4g}",
                                          note=pic.message)


def slope_explorer(param: str = "w1", learner=None, net=None, I: float = 1.0, compare=None,
                   compare_label: str = "another derivative") -> SlopeExplorer:
    """O as a function of one parameter, its tangent, and the learner's derivative beside it.

    Parameters
    ----------
    param : str
        ``"w1"`` .. ``"w5"`` or ``"b1"`` .. ``"b4"``.
    learner : callable or str, optional
        The learner's dO/d(param): a function of keyword arguments among ``I, w1..w5,
        b1..b4`` or a formula string. A stub that raises ``NotImplementedError`` shows the
        true tangent only and says so; any other error shows its one-line message.
    net : DiamondNet, optional
        The other parameters (default: the worked example).
    I : float
    compare : callable or str, optional
        A second derivative drawn dotted beside the learner's (lesson 03: the seed learner's
        formula), named ``compare_label`` in the legend and the readout.

    Returns
    -------
    SlopeExplorer
        An ``ipywidgets.VBox`` with ``.slider``, ``.readout`` and ``.picture``.
    """
    return SlopeExplorer(param, learner, net, I, compare, compare_label)
