"""Where the diamond network's nodes, edges and labels sit.

:func:`diamond_scene` turns a network into positioned shapes and text lines; the SVG
view (:mod:`course.plots.svg`) and the matplotlib view (:mod:`course.plots.diagram`)
both render that same scene, so they always agree. Coordinates are pixels with y
pointing down (SVG user units); label placements were chosen so that no label
crosses an edge or a node.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: node -> (column, row): column 0 (input) to 3 (output), row -1 (bottom) to 1 (top)
NODES = {"I": (0, 0), "h1": (1, 0), "h2": (2, 1), "h3": (2, -1), "O": (3, 0)}

#: (weight, from node, to node), in forward order
EDGES = (("w1", "I", "h1"), ("w2", "h1", "h2"), ("w3", "h1", "h3"),
         ("w4", "h2", "O"), ("w5", "h3", "O"))

#: node -> (pre-activation name, bias name); the input has neither
NODE_Z = {"h1": ("z1", "b1"), "h2": ("z2", "b2"), "h3": ("z3", "b3"), "O": ("zO", "b4")}

#: the delta's name at each node, as in the lessons
DELTA_NAME = {"h1": "δ1", "h2": "δ2", "h3": "δ3", "O": "δO"}

#: weight label: (horizontal anchor, +1 stack lines upwards / -1 downwards,
#: (dx, dy) offset in pixels from the edge's midpoint)
EDGE_LABEL = {"w1": ("middle", 1, (0, -6)), "w2": ("end", 1, (-8, -6)),
              "w3": ("end", -1, (10, 47)), "w4": ("start", 1, (8, -6)),
              "w5": ("start", -1, (-10, 47))}

#: node info block (z, bias, gradients, delta): (where, horizontal anchor)
NODE_INFO = {"h1": ("below", "end"), "h2": ("below", "middle"),
             "h3": ("above", "middle"), "O": ("right", "start")}

WIDTH, HEIGHT = 770, 350        # the picture, in pixels
RADIUS = 29.0                   # node radius
LINE = 15                       # text line height
FONT, SMALL = 13, 12            # font sizes (pixels)
_X0, _DX = 50.0, 180.0          # x of the input node, spacing of the columns
_Y0, _DY = 180.0, 120.0         # y of the middle row, pixels per row


@dataclass(frozen=True)
class Label:
    """One line of text: position (baseline), content, kind (param/gradient/muted/delta/
    name/value), horizontal anchor, bold, font size in pixels."""

    x: float
    y: float
    text: str
    kind: str
    anchor: str = "middle"
    bold: bool = False
    size: int = FONT


def pixel_xy(node: str) -> tuple[float, float]:
    """A node's centre in pixels."""
    col, row = NODES[node]
    return _X0 + _DX * col, _Y0 - _DY * row


def _edge_labels(w, value, grad, bold, of: str = "O") -> list[Label]:
    (x1, y1), (x2, y2) = (pixel_xy(n) for n in _ENDS[w])
    anchor, side, (dx, dy) = EDGE_LABEL[w]
    x, y = (x1 + x2) / 2 + dx, (y1 + y2) / 2 + dy
    lines = [(f"{w} = {fmt(value)}", "param")]
    if grad is not None:
        lines.append((f"∂{of}/∂{w} = {fmt(grad)}", "gradient"))
    return [Label(x, y - side * i * LINE, s, kind, anchor, bold)
            for i, (s, kind) in enumerate(lines)]


def _node_labels(node, forward, params, gradients, deltas, hl, of: str = "O",
                 target=None) -> list[Label]:
    x, y = pixel_xy(node)
    z, bias = NODE_Z[node]
    lines = [(f"{z} = {fmt(forward[z])}", "muted", False),
             (f"{bias} = {fmt(params[bias])}", "param", bias in hl)]
    if bias in gradients:
        lines.append((f"∂{of}/∂{bias} = {fmt(gradients[bias])}", "gradient", bias in hl))
    if z in deltas:
        lines.append((f"{DELTA_NAME[node]} = ∂{of}/∂{z} = {fmt(deltas[z])}", "delta",
                      node in hl))
    if node == "O" and target is not None:      # the loss after the output
        loss = 0.5 * (forward["O"] - target) ** 2
        lines.append((f"y = {fmt(target)}, L = {fmt(loss)}", "muted", "L" in hl))
    where, anchor = NODE_INFO[node]
    n = len(lines)
    if where == "below":
        x0, y0 = (x + 5 if anchor == "end" else x), y + RADIUS + 15
    elif where == "above":
        # mirror the block below h2: z nearest the node, the long delta line farthest from
        # it, where the edge coming in from h1 has moved out of the way
        lines.reverse()
        x0, y0 = x, y - RADIUS - 8 - (n - 1) * LINE
    else:                           # right of the node, centred on it
        x0, y0 = x + RADIUS + 8, y + 4 - (n - 1) * LINE / 2
    return [Label(x0, y0 + i * LINE, s, kind, anchor, bold, SMALL)
            for i, (s, kind, bold) in enumerate(lines)]


_ENDS = {w: (a, b) for w, a, b in EDGES}


def fmt(v, digits: int = 3) -> str:
    """A short number for a picture: ``0.5``, ``0.00143``, ``-1.2e-05``."""
    return f"{float(v):.{digits}g}"


@dataclass
class Scene:
    """Everything a renderer draws: ``edges`` as (weight, x1, y1, x2, y2, value,
    highlighted), ``nodes`` as (name, x, y, highlighted) and ``labels``."""

    edges: list
    nodes: list
    labels: list


def _one_number(name: str, value, what: str) -> float:
    """``value`` as a float; a clear error naming the argument when it is not one number."""
    shape = np.shape(value) if not isinstance(value, (str, bytes)) else None
    if shape == () or (shape is not None and int(np.prod(shape)) == 1):
        try:
            return float(np.asarray(value, dtype=float).reshape(()))
        except (TypeError, ValueError):
            pass
    got = (f"an array of shape {shape}" if shape not in (None, ()) else
           f"a {type(value).__name__}")
    raise TypeError(f"the diamond's picture takes one number for {name} ({what}), but got "
                    f"{got} — did a later cell reuse the name {name}? Pass the number, "
                    f"e.g. {name}=1.0")


def diamond_scene(net, I, gradients=None, highlight=None, deltas=None, y=None) -> Scene:
    """Positioned shapes and text for the diamond network at input ``I``.

    Parameters are those of :func:`course.plots.network_svg`: with a target ``y`` the
    gradients and deltas are labelled as derivatives of the loss L = ½(O − y)² (∂L/∂w4,
    δO = ∂L/∂zO), and O shows y and L; without one, of the output O.
    """
    I = _one_number("I", I, "the input")
    y = None if y is None else _one_number("y", y, "the target")
    forward = net.forward(I)
    target, of = y, "O" if y is None else "L"          # (y is reused for pixels below)
    if gradients is True:
        gradients = net.gradient(I) if target is None else net.loss_gradient(I, target)
    gradients, deltas, hl = gradients or {}, deltas or {}, set(highlight or ())
    params = net.params
    values = {"I": I, "h1": forward["h1"], "h2": forward["h2"], "h3": forward["h3"],
              "O": forward["O"]}
    edges, nodes, labels = [], [], []
    for w, a, b in EDGES:
        (x1, y1), (x2, y2) = pixel_xy(a), pixel_xy(b)
        edges.append((w, x1, y1, x2, y2, params[w], w in hl))
        labels += _edge_labels(w, params[w], gradients.get(w), w in hl, of)
    for node in NODES:
        x, y = pixel_xy(node)
        nodes.append((node, x, y, node in hl))
        labels.append(Label(x, y - 3, node, "name", bold=True, size=14))
        labels.append(Label(x, y + 13, fmt(values[node], 4), "value", size=SMALL))
        if node in NODE_Z:
            labels += _node_labels(node, forward, params, gradients, deltas, hl, of, target)
    return Scene(edges, nodes, labels)
