"""The slope explorer's picture: O against one parameter, the true tangent, the learner's line.

This is the worked example's "calculator check" done in the notebook: the learner's
derivative function gives a slope; drawn beside the true tangent of O(w1), a formula
that is 4x too large shows as a line 4x too steep.
"""

from __future__ import annotations

import numpy as np

from course.plots import palette as pal

VARIABLES = ("I", "w1", "w2", "w3", "w4", "w5", "b1", "b2", "b3", "b4",
             # the forward pass's names, as the diamond exercises accept them too
             "z1", "h1", "z2", "h2", "z3", "h3", "zO", "O")
NOT_WRITTEN = "your derivative isn't written yet — showing the true tangent only"


def learner_slope(learner, net, I: float) -> tuple[float | None, str]:
    """Evaluate the learner's derivative at the network's current parameters.

    Parameters
    ----------
    learner : callable, str or None
        A function taking keyword arguments among ``I, w1..w5, b1..b4`` and the forward
        pass's ``z1, h1, z2, h2, z3, h3, zO, O`` (it names the ones it uses), or a formula
        string in those variables.
    net : DiamondNet
    I : float

    Returns
    -------
    (slope, message)
        ``slope`` is a float, or ``None`` when there is nothing to show; ``message`` is
        ``""`` or one line for the learner (never a traceback): the stub is not written
        yet, or what went wrong.
    """
    if learner is None:
        return None, ""
    from course._grading.answers import Evaluator, as_number
    from course._grading.guards import LearnerError, NotAttempted, call_learner, time_limit

    point = {"I": float(I), **{k: float(v) for k, v in net.params.items()},
             **{k: float(v) for k, v in net.forward(float(I)).items()}}
    try:
        with time_limit(2.0):
            ev = Evaluator(learner, VARIABLES)
            if ev.fn is not None:           # a function: called once, with plain floats
                args = {k: point[k] for k in ev.names}
                value = as_number(call_learner(ev.fn, **args))
            else:                           # a formula string
                value = float(ev({k: np.array([v]) for k, v in point.items()})[0])
    except NotAttempted:
        return None, NOT_WRITTEN
    except LearnerError as err:
        return None, str(err).splitlines()[0]
    except ImportError:             # the formula parser ships with course.formula
        return None, ("formula strings cannot be evaluated here (course.formula is "
                      "missing) — pass a Python function instead")
    except Exception as err:        # a bug in a formula's evaluation, say: one line, no trace
        return None, f"your derivative raised {type(err).__name__}: {err}".splitlines()[0]
    if not np.isfinite(value):
        return None, f"your derivative returned {value} here — showing the true tangent only"
    return value, ""


class SlopePicture:
    """O as a function of one parameter, with tangent lines, updated in place.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    param : str
        ``"w1"`` .. ``"w5"`` or ``"b1"`` .. ``"b4"``.
    net : DiamondNet
    I : float
    learner : callable or str, optional
        The learner's dO/d(param); see :func:`learner_slope`.
    span : (float, float)
        The range of the parameter on the x axis.
    show_text : bool
        Print both slopes above the axes (the widget shows them in its HTML readout
        instead: re-rendering text is most of the cost of a matplotlib update).
    compare : callable or str, optional
        A second derivative drawn beside the learner's (dotted), e.g. the seed learner's
        formula next to the learner's own; ``compare_label`` names it in the legend.

    Attributes
    ----------
    value, O, true_slope : float
        The current point and dO/d(param) there.
    learner_slope, compare_slope : float or None
    message : str
        One line for the learner when their line cannot be shown, else ``""``.
    dynamic : list
        The artists :meth:`update` changes (for blitting).
    """

    def __init__(self, ax, param="w1", net=None, I=1.0, learner=None, span=(-4.0, 4.0),
                 show_text: bool = True, compare=None, compare_label: str = "another derivative"):
        if net is None:
            from course.nn.networks import DiamondNet
            net = DiamondNet()
        if param not in net.params:
            raise ValueError(f"param must be one of {', '.join(net.params)}; got {param!r}")
        self.ax, self.param, self.net, self.I, self.learner = ax, param, net, float(I), learner
        self.compare = compare
        self.span = (float(span[0]), float(span[1]))
        xs = np.linspace(*self.span, 241)                               # (241,)
        ys = np.asarray(net.replace(**{param: xs}).output(self.I))       # (241,)
        lo, hi = float(ys.min()), float(ys.max())
        pad = 0.15 * (hi - lo) if hi - lo > 1e-9 else 0.05
        ax.set_xlim(*self.span)
        ax.set_ylim(lo - pad, hi + pad)
        ax.plot(xs, ys, color=pal.TEXT, lw=2, label=f"O({param})")
        (self.true_line,) = ax.plot([], [], color=pal.TRUE, lw=2.5, label="true tangent")
        shown = learner is not None and learner_slope(learner, net, self.I)[0] is not None
        (self.learner_line,) = ax.plot([], [], "--", color=pal.LEARNER, lw=2.5,
                                       label="your derivative" if shown else "_")
        (self.compare_line,) = ax.plot([], [], ":", color=pal.OKABE_ITO["purple"], lw=2.5,
                                       label=compare_label if compare is not None else "_")
        (self.point,) = ax.plot([], [], "o", color=pal.TEXT, ms=8, zorder=5,
                                label=f"current {param}")
        ax.set_xlabel(param, fontsize=11, color=pal.TEXT)
        ax.set_ylabel("O", fontsize=11, color=pal.TEXT, rotation=0, labelpad=12)
        ax.grid(True, color="#dddddd", lw=0.8)
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9, frameon=False)
        kw = {"transform": ax.transAxes, "fontsize": 10, "va": "bottom"}
        self.true_text = ax.text(0.0, 1.10, "", color=pal.TRUE, fontweight="bold", **kw)
        self.learner_text = ax.text(0.0, 1.02, "", color=pal.LEARNER, **kw)
        self.dynamic = [self.true_line, self.learner_line, self.compare_line, self.point]
        if show_text:
            self.dynamic += [self.true_text, self.learner_text]
        else:
            self.true_text.set_visible(False)
            self.learner_text.set_visible(False)
        self.update(getattr(net, param))

    def update(self, value=None, net=None, I=None):
        """Move to ``param = value`` (and/or a new net or input); mutate the artists.

        The curve and the axes do not change, so a caller may blit :attr:`dynamic`.
        """
        if net is not None:
            self.net = net
        if I is not None:
            self.I = float(I)
        if value is not None:
            self.net = self.net.replace(**{self.param: float(value)})
        self.value = float(getattr(self.net, self.param))
        grads = self.net.backward(self.I)
        self.O = float(grads["forward"]["O"])
        self.true_slope = float(grads["grads"][self.param])
        self.learner_slope, self.message = learner_slope(self.learner, self.net, self.I)
        self.compare_slope = (learner_slope(self.compare, self.net, self.I)[0]
                              if self.compare is not None else None)

        half = (self.span[1] - self.span[0]) / 8                 # tangents drawn over ±half
        x = np.array([self.value - half, self.value + half])
        self.point.set_data([self.value], [self.O])
        self.true_line.set_data(x, self.O + self.true_slope * (x - self.value))
        if self.compare_slope is None:
            self.compare_line.set_data([], [])
        else:
            self.compare_line.set_data(x, self.O + self.compare_slope * (x - self.value))
        d = f"dO/d{self.param}"
        self.true_text.set_text(f"true slope {d} = {self.true_slope:.6g}")
        if self.learner_slope is None:
            self.learner_line.set_data([], [])
            msg = self.message
            self.learner_text.set_text(msg if len(msg) <= 95 else msg[:94] + "…")
        else:
            self.learner_line.set_data(x, self.O + self.learner_slope * (x - self.value))
            self.learner_text.set_text(f"your slope = {self.learner_slope:.6g}  "
                                       f"({self.ratio_text()})")
        return self.dynamic

    def __repr__(self):
        mine = "" if self.learner_slope is None else f", yours {self.learner_slope:.6g}"
        return (f"<SlopePicture dO/d{self.param} at {self.param}={self.value:.4g}: "
                f"true slope {self.true_slope:.6g}{mine}>")

    def ratio_text(self) -> str:
        """``"4× the true slope"``, ``"matches the true slope"``, ..."""
        mine, true = self.learner_slope, self.true_slope
        if mine is None:
            return ""
        if np.isclose(mine, true, rtol=1e-6, atol=1e-12):
            return "matches the true slope"
        if true == 0:
            return "the true slope is 0"
        return f"{mine / true:.3g}× the true slope"


def slope_plot(param: str = "w1", net=None, I: float = 1.0, learner=None, ax=None):
    """Plot O against one parameter with the true tangent and, optionally, the learner's line.

    Parameters
    ----------
    param : str
        The parameter on the x axis (``"w1"`` .. ``"b4"``); the others stay at ``net``'s values.
    net : DiamondNet, optional
        Default: the worked example.
    I : float
    learner : callable or str, optional
        The learner's dO/d(param) (a function of keyword arguments among ``I, w1..w5,
        b1..b4``, or a formula string). A stub raising ``NotImplementedError`` shows the
        true tangent only and says so.
    ax : matplotlib.axes.Axes, optional
        Default: a new figure.

    Returns
    -------
    SlopePicture
        ``.ax``, ``.true_slope``, ``.learner_slope``, ``.message``.

    Examples
    --------
    The worked example's mistake (the path weights dropped) draws a line 4x too steep:

    >>> from course.nn.activations import sigmoid, sigmoid_prime as d
    >>> def dO_dw1(I, w1, w2, w3, w4, w5):
    ...     h1 = sigmoid(I * w1 + 1)
    ...     h2, h3 = sigmoid(h1 * w2 + 1), sigmoid(h1 * w3 + 1)
    ...     zO = h2 * w4 + h3 * w5 + 1
    ...     return d(zO) * (d(h1 * w2 + 1) * d(I * w1 + 1) * I
    ...                     + d(h1 * w3 + 1) * d(I * w1 + 1) * I)
    >>> pic = slope_plot("w1", learner=dO_dw1)
    >>> round(pic.learner_slope / pic.true_slope, 6)
    4.0
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7.5, 4.2))
        ax.figure.subplots_adjust(left=0.11, right=0.72, top=0.82, bottom=0.13)
    return SlopePicture(ax, param, net, I, learner)
