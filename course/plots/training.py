"""Pictures of training: decision regions, loss curves, per-layer gradient norms.

:class:`TrainingPicture` keeps its artists and updates them in place (the training
dashboard calls :meth:`TrainingPicture.update` every tick); the functions
:func:`decision_boundary`, :func:`loss_curve` and :func:`gradient_norms_plot` draw
static pictures for notebooks and reports.
"""

from __future__ import annotations

import numpy as np

from course.plots import palette as pal

CLASS_COLOURS = (pal.OKABE_ITO["blue"], pal.OKABE_ITO["vermillion"])
CLASS_MARKERS = ("o", "^")


def _cmap():
    from matplotlib.colors import LinearSegmentedColormap

    # class 0 (blue) -> undecided (white) -> class 1 (vermillion); pale so points stand out
    return LinearSegmentedColormap.from_list(
        "course_classes", ["#7fb8d8", "#ffffff", "#eeaa80"])


def grid_for(X, resolution: int = 90, margin: float = 0.4):
    """A ``resolution x resolution`` grid covering the data: ``(xx, yy, points, extent)``."""
    X = np.asarray(X, dtype=float)
    (x0, y0), (x1, y1) = X.min(axis=0) - margin, X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    points = np.column_stack([xx.ravel(), yy.ravel()])                # (r*r, 2)
    return xx, yy, points, (x0, x1, y0, y1)


def class_probability(model, points) -> np.ndarray:
    """The model's first output on ``points`` (the probability of class 1), shape (n,)."""
    return np.asarray(model.forward(points), dtype=float)[:, 0]


def _scatter(ax, X, y) -> list:
    y = np.asarray(y).reshape(-1)
    out = []
    for c in (0, 1):
        pts = X[y == c]
        out.append(ax.scatter(pts[:, 0], pts[:, 1], s=18, c=CLASS_COLOURS[c],
                              marker=CLASS_MARKERS[c], edgecolors="#1a1a1a", linewidths=0.5,
                              label=f"class {c}", zorder=3))
    return out


def _boundary(ax, xx, yy, probs, animated=False):
    cs = ax.contour(xx, yy, probs.reshape(xx.shape), levels=[0.5], colors=pal.TEXT,
                    linewidths=1.6, zorder=2)
    cs.set_animated(animated)
    return cs


def decision_boundary(model, X, y, ax=None, resolution: int = 90):
    """Shade where ``model`` predicts each class, draw its 0.5 contour and the data.

    Parameters
    ----------
    model
        Anything with ``forward(points) -> (n, 1)`` probabilities (e.g. ``course.nn.mlp.MLP``).
    X : ndarray (n, 2)
    y : ndarray (n, 1) of 0/1
    ax : matplotlib.axes.Axes, optional
    resolution : int
        Grid points per side.

    Returns
    -------
    matplotlib.axes.Axes
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"decision_boundary draws 2-D inputs: X must have shape (n, 2), "
                         f"got {X.shape}")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(4.5, 4.2), layout="constrained")
    xx, yy, points, extent = grid_for(X, resolution)
    probs = class_probability(model, points)
    ax.imshow(probs.reshape(xx.shape), origin="lower", extent=extent, cmap=_cmap(),
              vmin=0, vmax=1, aspect="auto", interpolation="bilinear", zorder=1)
    _boundary(ax, xx, yy, probs)
    _scatter(ax, X, y)
    ax.set_xlim(extent[:2])
    ax.set_ylim(extent[2:])
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    return ax


def loss_curve(losses, ax=None, label: str = "training loss"):
    """Loss against epoch on a log scale.

    Returns
    -------
    matplotlib.axes.Axes
    """
    losses = np.asarray(losses, dtype=float).reshape(-1)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(5, 3.5), layout="constrained")
    ax.plot(np.arange(len(losses)), losses, color=pal.OKABE_ITO["blue"], lw=2, label=label)
    if len(losses) and np.all(losses[np.isfinite(losses)] > 0):
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.grid(True, which="both", color="#e5e5e5", lw=0.7)
    return ax


def gradient_norms_plot(norms_by_activation: dict, ax=None):
    """Per-layer weight-gradient norms, one bar group per layer, one colour per activation.

    Parameters
    ----------
    norms_by_activation : dict[str, sequence of float]
        E.g. ``{"sigmoid": course.nn.train.gradient_norms(model_s, X, y), "tanh": ...}``,
        input layer first (all the same number of layers).

    Returns
    -------
    matplotlib.axes.Axes
        Log-scale bars; vanishing gradients show as bars shrinking towards the input.
    """
    if not norms_by_activation:
        raise ValueError("gradient_norms_plot needs at least one activation's norms, e.g. "
                         "{'sigmoid': [1e-4, 1e-3, 1e-2]}")
    lengths = {k: len(v) for k, v in norms_by_activation.items()}
    if len(set(lengths.values())) != 1:
        raise ValueError(f"every activation needs one norm per layer, the same number of "
                         f"layers; got {lengths}")
    n_layers = next(iter(lengths.values()))
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(1.6 + 0.9 * n_layers, 3.8), layout="constrained")
    colours = [pal.OKABE_ITO[c] for c in ("vermillion", "blue", "green", "purple", "orange")]
    k = len(norms_by_activation)
    width = 0.8 / k
    layers = np.arange(n_layers)
    for i, (name, norms) in enumerate(norms_by_activation.items()):
        ax.bar(layers - 0.4 + width * (i + 0.5), norms, width, label=name,
               color=colours[i % len(colours)], edgecolor="#1a1a1a", linewidth=0.5)
    ax.set_yscale("log")
    ax.set_xticks(layers, [f"layer {l + 1}" for l in layers])
    ax.set_xlabel("layer (input side → output side)")
    ax.set_ylabel("‖dW‖ (log scale)")
    ax.set_title("Gradient norm per layer", fontsize=11, pad=24)
    ax.legend(fontsize=9, ncol=k, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    ax.grid(True, axis="y", which="major", color="#e5e5e5", lw=0.7)
    return ax


class TrainingPicture:
    """Decision regions and loss curve side by side, updated in place every tick.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure to draw into (about 9 x 3.8 in).
    X, y : ndarray
        The dataset, (n, 2) and (n, 1).
    max_epochs : int
        The loss axis starts this wide; it doubles (a full redraw) when training passes it.
    show_title : bool
        Print "epoch N · loss · accuracy" above the panels (the dashboard shows these in
        its HTML readout instead, which is cheaper than re-rendering text every tick).

    Attributes
    ----------
    dynamic : list
        Artists that change every tick (for blitting); ``needs_full_draw`` is True after
        a change to the static part (new limits, new contour).
    """

    def __init__(self, fig, X, y, max_epochs: int = 200, resolution: int = 70,
                 show_title: bool = True):
        self.fig = fig
        self.X, self.y = np.asarray(X, dtype=float), np.asarray(y)
        self.ax_data, self.ax_loss = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.25]})
        fig.subplots_adjust(left=0.06, right=0.98, bottom=0.14, top=0.88, wspace=0.22)
        self.xx, self.yy, self.points, extent = grid_for(self.X, resolution)
        self.image = self.ax_data.imshow(np.full(self.xx.shape, 0.5), origin="lower",
                                         extent=extent, cmap=_cmap(), vmin=0, vmax=1,
                                         aspect="auto", interpolation="bilinear", zorder=1)
        self.points_artists = _scatter(self.ax_data, self.X, self.y)
        self.ax_data.set_xlim(extent[:2])
        self.ax_data.set_ylim(extent[2:])
        self.ax_data.set_title("decision regions", fontsize=10, loc="left")
        # the legend sits above the axes, outside the redrawn image: it stays in the cached
        # background (text is the costliest thing to redraw)
        self.ax_data.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, fontsize=8,
                            frameon=False, borderaxespad=0.1, handletextpad=0.2,
                            columnspacing=0.8)
        self.contour = None
        (self.loss_line,) = self.ax_loss.plot([], [], color=pal.OKABE_ITO["blue"], lw=2)
        self.ax_loss.set_yscale("log")
        self.ax_loss.set_xlim(0, max_epochs)
        self.ax_loss.set_ylim(1e-3, 1.0)
        self.ax_loss.set_xlabel("epoch")
        self.ax_loss.set_ylabel("loss")
        self.ax_loss.set_title("training loss (log scale)", fontsize=10, loc="left")
        self.ax_loss.grid(True, which="major", color="#e5e5e5", lw=0.7)
        self.title = fig.text(0.5, 0.955, "", ha="center", fontsize=11, color=pal.TEXT)
        # drawn in this order on top of the cached background: the data stay above the regions
        self.dynamic = [self.image, *self.points_artists, self.loss_line]
        if show_title:
            self.dynamic.append(self.title)
        else:
            self.title.set_visible(False)
        self.needs_full_draw = True

    def update(self, model, losses, epoch: int, accuracy: float | None = None) -> None:
        """Show ``model``'s regions and the loss so far; mutate the artists."""
        probs = class_probability(model, self.points)                    # (r*r,)
        self.image.set_data(probs.reshape(self.xx.shape))
        if self.contour is not None:
            self.contour.remove()
            self.dynamic.remove(self.contour)
            self.contour = None
        if np.nanmin(probs) < 0.5 < np.nanmax(probs):
            self.contour = _boundary(self.ax_data, self.xx, self.yy, probs,
                                     animated=self.image.get_animated())
            self.dynamic.insert(1, self.contour)
        losses = np.asarray(losses, dtype=float)
        self.loss_line.set_data(np.arange(1, len(losses) + 1), losses)
        if len(losses):
            lo, hi = self.ax_loss.get_ylim()
            finite = losses[np.isfinite(losses) & (losses > 0)]
            new_lo = min(lo, finite.min() / 2) if finite.size else lo
            new_hi = max(hi, finite.max() * 2) if finite.size else hi
            new_x = self.ax_loss.get_xlim()[1]
            while len(losses) > new_x:
                new_x *= 2
            if (new_lo, new_hi, new_x) != (lo, hi, self.ax_loss.get_xlim()[1]):
                self.ax_loss.set_ylim(new_lo, new_hi)
                self.ax_loss.set_xlim(0, new_x)
                self.needs_full_draw = True
        acc = "" if accuracy is None else f" · accuracy {accuracy:.1%}"
        last = f" · loss {losses[-1]:.4g}" if len(losses) else ""
        self.title.set_text(f"epoch {epoch}{last}{acc}")
