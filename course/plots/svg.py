"""The diamond network as an SVG string: the fast picture the widgets update live.

Regenerating the whole string costs about a tenth of a millisecond, far less than
any matplotlib redraw, so the explorer and the stepper rebuild it on every event.
No matplotlib is imported here.
"""

from __future__ import annotations

import math
from html import escape

from course.plots import palette as pal
from course.plots.layout import HEIGHT, RADIUS, WIDTH, diamond_scene

#: text colour by label kind
COLOURS = {"param": pal.TEXT, "gradient": pal.GRADIENT, "muted": pal.MUTED,
           "delta": pal.TEXT, "name": pal.TEXT, "value": pal.TEXT}


def _text(label) -> str:
    # a white halo (stroke painted under the fill) keeps labels readable over edges
    weight = "bold" if label.bold else "normal"
    return (f'<text x="{label.x:.1f}" y="{label.y:.1f}" font-size="{label.size}" '
            f'font-weight="{weight}" fill="{COLOURS[label.kind]}" '
            f'text-anchor="{label.anchor}" stroke="{pal.CARD}" stroke-width="3" '
            f'paint-order="stroke">{escape(label.text)}</text>')


def network_svg(net=None, I: float = 1.0, gradients=None, highlight=None, deltas=None,
                title: str | None = None, y=None) -> str:
    """Draw the diamond network as an SVG string.

    Parameters
    ----------
    net : DiamondNet, optional
        The network (default: the worked example, weights 0.5, biases 1).
    I : float
        The input.
    gradients : dict or bool, optional
        ``{"w1": dO/dw1, ...}`` to label parameters with (any subset), or ``True`` to
        compute and show all nine (of the loss when ``y`` is given).
    highlight : iterable of str, optional
        Node names (``"h1"``, ``"O"``) and parameter names (``"w4"``, ``"b2"``) to mark,
        e.g. the current step of the backward pass.
    deltas : dict, optional
        ``{"zO": delta_O, "z2": ...}`` (any subset) to show as ``δ`` beside each node.
    title : str, optional
        A caption along the top left.
    y : float, optional
        A target: gradients and deltas are then labelled as derivatives of the loss
        L = ½(O − y)² (``∂L/∂w4``, ``δO = ∂L/∂zO``), and O shows y and L.

    Returns
    -------
    str
        A standalone ``<svg>`` element on a white card with explicit colours, so it
        reads the same on light and dark themes.

    Examples
    --------
    >>> from course.nn.networks import DiamondNet
    >>> svg = network_svg(DiamondNet(), 1.0, gradients=True)
    >>> svg.startswith("<svg") and "∂O/∂w1 = 0.00143" in svg
    True
    """
    if net is None:
        from course.nn.networks import DiamondNet
        net = DiamondNet()
    scene = diamond_scene(net, I, gradients, highlight, deltas, y)
    return "".join([*_card(title), *_edges(scene.edges), *_nodes(scene.nodes),
                    *(_text(label) for label in scene.labels), "</svg>"])


def _card(title: str | None) -> list[str]:
    """The opening ``<svg>``, its white card, and the caption if any."""
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
           f'width="100%" style="max-width:{WIDTH}px;font-family:sans-serif" '
           f'class="course-network" role="img" aria-label="diamond network diagram">',
           f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="{HEIGHT - 1}" rx="10" '
           f'fill="{pal.CARD}" stroke="#cccccc"/>']
    if title:
        out.append(f'<text x="12" y="22" font-size="13" font-weight="bold" '
                   f'fill="{pal.TEXT}">{escape(title)}</text>')
    return out


def _edges(edges) -> list[str]:
    """One ``<line>`` per weight (colour by sign, width by |w|, dashed at 0), under a
    wide highlight line when it is marked."""
    out = []
    for param, x1, y1, x2, y2, v, highlighted in edges:
        coords = f'x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"'
        width = pal.weight_width(v)
        if highlighted:
            out.append(f'<line {coords} stroke="{pal.HIGHLIGHT}" '
                       f'stroke-width="{width + 9:.1f}" stroke-linecap="round"/>')
        dash = ' stroke-dasharray="4 4"' if v == 0 or not math.isfinite(v) else ""
        out.append(f'<line {coords} stroke="{pal.weight_colour(v)}" '
                   f'stroke-width="{width:.1f}"{dash} data-param="{param}"/>')
    return out


def _nodes(nodes) -> list[str]:
    out = []
    for node, x, y, highlighted in nodes:
        stroke, stroke_width = (pal.HIGHLIGHT, 5) if highlighted else (pal.NODE_EDGE, 1.5)
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{RADIUS}" fill="{pal.NODE_FILL}" '
                   f'stroke="{stroke}" stroke-width="{stroke_width}" data-node="{node}"/>')
    return out
