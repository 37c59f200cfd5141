"""A small, fast slider-driven curve plot for the first lessons.

Curves are matplotlib ``Line2D`` artists on an Agg canvas, created once; a slider
event only updates their data (``set_ydata``), draws once, and swaps the PNG in an
``ipywidgets.Image`` — it never rebuilds the figure. Works with the default inline
backend and needs only core ipywidgets.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np

__all__ = ["CurveExplorer", "curve_explorer"]

OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")


class CurveExplorer:
    """Sliders, a readout and a plot of curves ``y = f(x, **slider_values)``.

    Attributes
    ----------
    sliders : dict of ipywidgets.FloatSlider
        One per parameter, ``description`` equal to its name.
    readout : ipywidgets.HTML
    image : ipywidgets.Image
    lines : dict of matplotlib Line2D
    widget : ipywidgets.VBox
        What the notebook displays (``_repr_mimebundle_`` delegates to it).
    """

    def __init__(self, curves: dict[str, Callable], sliders: dict[str, tuple],
                 x=None, readout: Callable[..., str] | None = None, xlabel="x", ylabel="y",
                 title="", ylim=None, size=(6.4, 3.4), legend_loc="best"):
        import ipywidgets as w
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.x = np.linspace(-6, 6, 241) if x is None else np.asarray(x, dtype=float)
        self.curves, self._readout_fn = curves, readout
        self.sliders = {
            name: w.FloatSlider(value=v, min=lo, max=hi, step=step, description=name,
                                continuous_update=True, readout_format=".2f")
            for name, (lo, hi, step, v) in sliders.items()
        }
        self.figure = Figure(figsize=size, dpi=90, layout="constrained")
        self.canvas = FigureCanvasAgg(self.figure)
        ax = self.ax = self.figure.add_subplot()
        values = self.values()
        self.lines = {}
        for i, (label, fn) in enumerate(curves.items()):
            (self.lines[label],) = ax.plot(self.x, fn(self.x, **values), lw=2.2,
                                           color=OKABE_ITO[i % len(OKABE_ITO)], label=label)
        ax.set(xlabel=xlabel, ylabel=ylabel, title=title, xlim=(self.x[0], self.x[-1]))
        if ylim:
            ax.set_ylim(*ylim)
        ax.grid(alpha=0.3)
        ax.axhline(0, color="0.5", lw=0.8)
        ax.axvline(0, color="0.5", lw=0.8)
        ax.legend(loc=legend_loc)
        self.image = w.Image(format="png")
        self.readout = w.HTML()
        for s in self.sliders.values():
            s.observe(self._on_change, names="value")
        self.widget = w.VBox([w.HBox(list(self.sliders.values())), self.readout, self.image])
        self.widget.add_class("course-curve-explorer")
        self.update()

    def values(self) -> dict:
        """Current slider values by name."""
        return {name: s.value for name, s in self.sliders.items()}

    def _on_change(self, change) -> None:
        self.update()

    def update(self) -> None:
        """Recompute the curves and the readout, draw once, refresh the picture."""
        values = self.values()
        for label, fn in self.curves.items():
            self.lines[label].set_ydata(fn(self.x, **values))
        if self._readout_fn is not None:
            self.readout.value = self._readout_fn(**values)
        buf = io.BytesIO()
        self.canvas.print_png(buf)
        self.image.value = buf.getvalue()

    def _repr_mimebundle_(self, **kwargs):
        from course.widgets._static import with_static_fallback

        return with_static_fallback(self.widget, self.widget._repr_mimebundle_(**kwargs))


def curve_explorer(curves, sliders, **kwargs) -> CurveExplorer:
    """Build a :class:`CurveExplorer` (see its docstring for the arguments)."""
    return CurveExplorer(curves, sliders, **kwargs)
