"""The computational graph of a ``Value`` expression, drawn with matplotlib (no Graphviz).

Value nodes are boxes showing label, data and grad; every operation is a small circle
in front of the value it produced. Columns follow topological depth from left (inputs)
to right (the root); inputs sit one column before their first use, which keeps
parameters next to the operation that consumes them.
"""

from __future__ import annotations

from course.nn.graph import topological_order
from course.plots import palette as pal

_COL = 2.15        # column spacing (layout units)
_BOX_W, _BOX_H = 1.3, 0.62
_ROW = 0.85         # minimum vertical spacing
_OP_R = 0.2
_MAX_NODES = 150
_OP_SYMBOLS = {"*": "×", "-": "−", "sigmoid": "σ", "relu": "ReLU", "**2": "x²", "**-1": "1/x"}


def _nodes_and_depths(root):
    """Every node (children first) and its column: 1 + the deepest child; leaves one
    column before their earliest consumer."""
    # children first; visiting them last-to-first keeps the layout the pictures always had
    order = topological_order([root], lambda node: reversed(_children(node)))
    depth = {}
    for node in order:
        kids = _children(node)
        depth[id(node)] = 1 + max(depth[id(c)] for c in kids) if kids else 0
    consumers = {id(n): [] for n in order}
    for node in order:
        for c in _children(node):
            consumers[id(c)].append(node)
    for node in order:
        if not _children(node) and consumers[id(node)]:
            depth[id(node)] = min(depth[id(p)] for p in consumers[id(node)]) - 1
    return order, depth, consumers


def _children(node) -> list:
    # ``_prev`` is a set: sort for a layout that is the same on every run
    return sorted(node._prev, key=lambda c: (getattr(c, "label", "") or "~", c.data, id(c)))


def _rows(order, depth, consumers) -> dict:
    """A y for every node: columns filled from the root leftwards, each node near the mean
    of its consumers, then pushed apart to keep ``_ROW`` spacing."""
    y = {}
    columns = {}
    for node in order:
        columns.setdefault(depth[id(node)], []).append(node)
    for col in sorted(columns, reverse=True):
        nodes = columns[col]
        want, tie = {}, {}
        for i, node in enumerate(nodes):
            ys, parents = [], []
            for p in consumers[id(node)]:
                if id(p) in y:
                    kids = _children(p)
                    k = kids.index(node) if node in kids else 0
                    ys.append(y[id(p)] + (k - (len(kids) - 1) / 2) * _ROW)
                    parents.append(y[id(p)])
            want[id(node)] = sum(ys) / len(ys) if ys else float(i)
            # equal wishes (the lower input of one op, the upper of the next): the node
            # whose consumer sits higher goes first, so their edges do not cross
            tie[id(node)] = sum(parents) / len(parents) if parents else float(i)
        nodes.sort(key=lambda n: (round(want[id(n)], 9), tie[id(n)]))
        placed = [want[id(n)] for n in nodes]
        for i in range(1, len(placed)):              # push down to keep the spacing
            placed[i] = max(placed[i], placed[i - 1] + _ROW)
        shift = (sum(want[id(n)] for n in nodes) - sum(placed)) / len(nodes)
        for node, v in zip(nodes, placed):
            y[id(node)] = v + shift
    return y


def draw_graph(root, ax=None, title: str | None = None):
    """Draw the computational graph that ends at ``root``.

    Parameters
    ----------
    root : course.nn.autograd.Value
        Or any micrograd-compatible node: ``.data``, ``.grad``, ``._prev`` (its children),
        ``._op`` (the operation's symbol) and optionally ``.label``.
    ax : matplotlib.axes.Axes, optional
        Default: a new figure sized to the graph.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from course.nn.autograd import Value
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> c = a * b + 1.0
    >>> c.label = "c"
    >>> c.backward()
    >>> ax = draw_graph(c)
    """
    from matplotlib.patches import Circle, FancyBboxPatch

    if not all(hasattr(root, a) for a in ("data", "grad", "_prev")):
        raise TypeError("draw_graph expects a Value (with .data, .grad and ._prev), e.g. "
                        f"from course.nn.autograd; got {type(root).__name__}")
    order, depth, consumers = _nodes_and_depths(root)
    if len(order) > _MAX_NODES:
        raise ValueError(f"this graph has {len(order)} nodes; draw_graph draws up to "
                         f"{_MAX_NODES} legibly. Draw a smaller expression (one neuron, "
                         "one loss term).")
    y = _rows(order, depth, consumers)
    x = {id(n): _COL * depth[id(n)] for n in order}
    n_cols = max(depth.values()) + 1
    span = max(y.values()) - min(y.values()) + 1.2
    if ax is None:
        import matplotlib.pyplot as plt

        w = min(0.72 * _COL * n_cols + 0.6, 18.0)
        _, ax = plt.subplots(figsize=(w, max(2.0, 0.75 * span + 0.5)), layout="constrained")
    arrow = {"arrowstyle": "-|>", "color": "#777777", "lw": 1.0, "shrinkA": 0, "shrinkB": 0,
             "mutation_scale": 9}
    for node in order:
        nx, ny = x[id(node)], y[id(node)]
        kids = _children(node)
        if kids:                                     # the op circle, just left of the box
            ox = nx - _BOX_W / 2 - 0.38
            for c in kids:
                ax.annotate("", xy=(ox - _OP_R, ny), xytext=(x[id(c)] + _BOX_W / 2, y[id(c)]),
                            arrowprops=arrow, zorder=1)
            ax.annotate("", xy=(nx - _BOX_W / 2, ny), xytext=(ox + _OP_R, ny),
                        arrowprops=arrow, zorder=1)
            ax.add_patch(Circle((ox, ny), _OP_R, facecolor=pal.OKABE_ITO["sky_blue"],
                                edgecolor=pal.NODE_EDGE, lw=1, zorder=2))
            op = _OP_SYMBOLS.get(getattr(node, "_op", "") or "?", getattr(node, "_op", ""))
            ax.text(ox, ny, op, ha="center", va="center", fontsize=9 if len(op) <= 2 else 6,
                    color=pal.TEXT, zorder=3)
        leaf = not kids
        ax.add_patch(FancyBboxPatch((nx - _BOX_W / 2, ny - _BOX_H / 2), _BOX_W, _BOX_H,
                                    boxstyle="round,pad=0.02,rounding_size=0.08",
                                    facecolor="#fff7e0" if leaf else pal.NODE_FILL,
                                    edgecolor=pal.NODE_EDGE, lw=1, zorder=2))
        label = getattr(node, "label", "") or ""
        lines = [(label, "bold", pal.TEXT)] if label else []
        lines += [(f"data {node.data:.4g}", "normal", pal.TEXT),
                  (f"grad {node.grad:.4g}", "normal", pal.GRADIENT)]
        for i, (s, weight, colour) in enumerate(lines):    # y grows downwards here
            ax.text(nx, ny + (i - (len(lines) - 1) / 2) * 0.19, s, ha="center", va="center",
                    fontsize=8, fontweight=weight, color=colour, zorder=3)
    ax.set_xlim(-_BOX_W, _COL * (n_cols - 1) + _BOX_W)
    ax.set_ylim(max(y.values()) + 0.6, min(y.values()) - 0.6)    # first row at the top
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=11, color=pal.TEXT)
    return ax
