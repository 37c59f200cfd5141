"""Network diagrams in matplotlib: the diamond network and small MLPs.

Edge colour follows a weight's sign (blue positive, vermillion negative) and its
width follows |w|. :func:`draw_network` renders the same scene as the live SVG
(:func:`course.plots.network_svg`), for static notebooks and reports.
"""

from __future__ import annotations

import numpy as np

from course.plots import palette as pal
from course.plots.layout import HEIGHT, RADIUS, WIDTH, diamond_scene
from course.plots.svg import COLOURS

_HA = {"start": "left", "middle": "center", "end": "right"}


def _new_axes(figsize):
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _points_per_pixel(ax) -> float:
    """Scale from the scene's pixels to points on this axes (aspect kept equal)."""
    fig = ax.figure
    pos = ax.get_position()
    w_in, h_in = pos.width * fig.get_figwidth(), pos.height * fig.get_figheight()
    return 72.0 * min(w_in / WIDTH, h_in / HEIGHT)


def draw_network(net=None, I: float = 1.0, ax=None, show_gradients: bool = False,
                 highlight=None, deltas=None, title: str | None = None, y=None):
    """Draw the diamond network with matplotlib.

    Parameters
    ----------
    net : DiamondNet, optional
        The network (default: the worked example).
    I : float
        The input.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new 7.7 x 3.5 in figure by default.
    show_gradients : bool or dict
        ``True`` labels every parameter with dO/d(param) (dL/d(param) with ``y``); a dict
        labels just those given.
    highlight, deltas, title, y
        As for :func:`course.plots.network_svg` (with a target ``y`` the labels are
        derivatives of the loss L = ½(O − y)²).

    Returns
    -------
    matplotlib.axes.Axes
    """
    if net is None:
        from course.nn.networks import DiamondNet
        net = DiamondNet()
    if ax is None:
        ax = _new_axes((WIDTH / 100, HEIGHT / 100))
    scene = diamond_scene(net, I, show_gradients or None, highlight, deltas, y)
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(HEIGHT, 0)              # y points down, as in the SVG
    ax.set_aspect("equal")
    ax.axis("off")
    pt = _points_per_pixel(ax)
    _draw_edges(ax, scene.edges, pt)
    _draw_nodes(ax, scene.nodes, pt)
    _draw_labels(ax, scene.labels, pt)
    if title:
        ax.set_title(title, loc="left", fontsize=13 * pt, color=pal.TEXT)
    return ax


def _draw_edges(ax, edges, pt: float) -> None:
    """Weighted edges: colour by sign, width by |w|, dashed at 0; a halo when highlighted."""
    for _, x1, y1, x2, y2, v, highlighted in edges:
        width = pal.weight_width(v) * pt
        if highlighted:
            ax.plot([x1, x2], [y1, y2], color=pal.HIGHLIGHT, lw=width + 9 * pt,
                    solid_capstyle="round", zorder=1)
        style = "--" if v == 0 or not np.isfinite(v) else "-"
        ax.plot([x1, x2], [y1, y2], style, color=pal.weight_colour(v), lw=width, zorder=2)


def _draw_nodes(ax, nodes, pt: float) -> None:
    from matplotlib.patches import Circle

    for _, x, y, highlighted in nodes:
        ax.add_patch(Circle((x, y), RADIUS, facecolor=pal.NODE_FILL, zorder=3,
                            edgecolor=pal.HIGHLIGHT if highlighted else pal.NODE_EDGE,
                            lw=(5 if highlighted else 1.5) * pt))


def _draw_labels(ax, labels, pt: float) -> None:
    from matplotlib.patheffects import withStroke

    halo = [withStroke(linewidth=3 * pt, foreground=pal.CARD)]
    for label in labels:
        ax.text(label.x, label.y, label.text, ha=_HA[label.anchor], va="baseline",
                fontsize=label.size * pt, color=COLOURS[label.kind], zorder=4,
                fontweight="bold" if label.bold else "normal", path_effects=halo)


def draw_mlp(model, ax=None, title: str | None = None, max_nodes: int = 12):
    """Draw a small MLP: one column per layer, edges coloured by sign, width by |w|.

    Parameters
    ----------
    model
        Anything with ``.weights``: a list of ``(n_in, n_out)`` arrays (e.g. ``course.nn.mlp.MLP``).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure by default.
    title : str, optional
        Title; by default the layer sizes, e.g. ``"MLP 2-8-1 (tanh)"``.
    max_nodes : int
        Layers wider than this are refused (the picture would be unreadable).

    Returns
    -------
    matplotlib.axes.Axes
    """
    weights, sizes = _layers(model, max_nodes)
    if ax is None:
        ax = _new_axes((1.6 + 1.6 * len(sizes), 0.6 + 0.45 * max(sizes)))
    ys = [np.linspace(-(n - 1) / 2, (n - 1) / 2, n)[::-1] for n in sizes]   # unit heights
    _draw_mlp_edges(ax, weights, ys)
    _draw_mlp_units(ax, sizes, ys)
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(-(max(sizes) - 1) / 2 - 1.3, (max(sizes) - 1) / 2 + 0.6)
    ax.axis("off")
    ax.set_title(_mlp_title(model, sizes) if title is None else title, fontsize=11,
                 color=pal.TEXT)
    return ax


def _layers(model, max_nodes: int):
    """``(weights, sizes)``: the ``(n_in, n_out)`` arrays and the width of every layer."""
    weights = [np.asarray(W, dtype=float) for W in getattr(model, "weights", ())]
    if not weights or any(W.ndim != 2 for W in weights):
        raise TypeError("draw_mlp expects a model whose .weights is a list of (n_in, n_out) "
                        f"arrays, e.g. course.nn.mlp.MLP; got {type(model).__name__}")
    sizes = [weights[0].shape[0]] + [W.shape[1] for W in weights]
    if max(sizes) > max_nodes:
        raise ValueError(f"draw_mlp draws layers of at most {max_nodes} units; this model has "
                         f"sizes {sizes}. Pass max_nodes=... to draw it anyway.")
    return weights, sizes


def _draw_mlp_edges(ax, weights, ys) -> None:
    """Every weight W[i, j] of layer k as a line from unit i to unit j; width by |w|."""
    wmax = max(float(np.max(np.abs(W))) for W in weights) or 1.0
    for k, W in enumerate(weights):
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                w = W[i, j]
                ax.plot([k, k + 1], [ys[k][i], ys[k + 1][j]], color=pal.weight_colour(w),
                        lw=0.3 + 4.0 * abs(w) / wmax, alpha=0.85, zorder=1,
                        solid_capstyle="round")


def _draw_mlp_units(ax, sizes, ys) -> None:
    names = ["x"] + [f"h{k}" for k in range(1, len(sizes) - 1)] + ["ŷ"]
    bottom = -(max(sizes) - 1) / 2 - 0.6
    for k, n in enumerate(sizes):
        ax.scatter(np.full(n, k), ys[k], s=260, facecolor=pal.NODE_FILL,
                   edgecolor=pal.NODE_EDGE, zorder=3)
        ax.text(k, bottom, f"{names[k]} ({n})", ha="center", va="top", fontsize=10,
                color=pal.TEXT)


def _mlp_title(model, sizes) -> str:
    """``"MLP 2-8-1 (tanh)"``."""
    activation = getattr(model, "activation", None)
    activation = (activation if isinstance(activation, str)
                  else getattr(activation, "__name__", None))
    return "MLP " + "-".join(map(str, sizes)) + (f" ({activation})" if activation else "")
