"""The asker's network as a picture: names as nodes, the paths from ``wrt`` to the output
coloured, and below it the true derivative as a sum over those paths with the factors the
answer left out struck through in red.

An SVG string (no matplotlib): drawing costs microseconds, so ``course.ask`` can show it
with every answer.
"""

from __future__ import annotations

import html

from course.plots import palette as pal

__all__ = ["paths_svg", "collapsed_edges"]

_PATH_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
_DX, _DY, _R = 120, 54, 17


def _named(name: str) -> bool:
    return not any(ch in name for ch in "·+−/^(#") and not name.startswith("-")


def collapsed_edges(graph) -> set[tuple[str, str]]:
    """Edges between the names a person wrote (free names and assigned names), looking
    through the graph's own intermediate nodes (``h1·w2``)."""
    edges = set()

    def sources(node, seen):
        for parent in node.parents:
            if parent.op == "const" or id(parent) in seen:
                continue
            seen.add(id(parent))
            if _named(parent.name):
                yield parent.name
            else:
                yield from sources(parent, seen)

    for name, node in graph.nodes.items():
        if _named(name) and node.op not in ("input", "const"):
            edges.update((src, name) for src in sources(node, set()))
    return edges


def _layout(names, edges) -> dict[str, tuple[float, float]]:
    """Columns by depth: a computed name one column right of its deepest source, a free
    name one column left of its first consumer (so a weight sits beside its layer)."""
    sources = {n for n in names if not any(b == n for _, b in edges)}
    depth = {n: 0 for n in names}
    for _ in names:                                    # longest path from a free name
        for a, b in edges:
            depth[b] = max(depth[b], depth[a] + 1)
    for n in sources:
        consumers = [depth[b] for a, b in edges if a == n]
        depth[n] = max(0, min(consumers) - 1) if consumers else 0
    columns: dict[int, list[str]] = {}
    for n in names:
        columns.setdefault(depth[n], []).append(n)
    tallest = max(len(c) for c in columns.values())
    pos = {}
    for d, column in columns.items():
        top = (tallest - len(column)) * _DY / 2
        for i, n in enumerate(column):
            pos[n] = (40 + d * _DX, 30 + top + i * _DY)
    return pos


def paths_svg(network, target, removed=frozenset()) -> str:
    """The picture for ``course.ask``: an HTML fragment holding an SVG and the path sum.

    ``target`` is the question's ``GraphTarget`` (its graph, output, wrt and paths);
    ``removed`` the factors a wrong answer leaves out, as ``(path index, label)``."""
    graph = network.graph
    names = [n for n in graph.nodes if _named(n) and graph.nodes[n].op != "const"]
    edges = collapsed_edges(graph)
    pos = _layout(names, edges)
    on_path: dict[tuple[str, str], int] = {}
    for k, path in enumerate(graph.paths(target.wrt, target.output)):
        kept = [n.name for n in path if _named(n.name)]
        for a, b in zip(kept, kept[1:]):
            on_path.setdefault((a, b), k)
    width = max(x for x, _ in pos.values()) + 60
    height = max(y for _, y in pos.values()) + 40 + _DY
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width:.0f}' "
             f"height='{height:.0f}' role='img' aria-label='your network and the paths "
             f"from {html.escape(target.wrt)} to {html.escape(target.output)}' "
             f"style='font-family:sans-serif;font-size:12px;background:{pal.CARD}'>"]
    for a, b in sorted(edges):
        (x1, y1), (x2, y2) = pos[a], pos[b]
        k = on_path.get((a, b))
        colour = _PATH_COLOURS[k % len(_PATH_COLOURS)] if k is not None else pal.ZERO
        width_ = 3 if k is not None else 1.2
        if x2 - x1 > 1.5 * _DX:            # a skip edge bows below the columns it skips
            below = max(y for x, y in pos.values() if x1 < x < x2) + _DY
            parts.append(f"<path d='M{x1},{y1} Q{(x1 + x2) / 2},{below} {x2},{y2}' "
                         f"fill='none' stroke='{colour}' stroke-width='{width_}'/>")
        else:
            parts.append(f"<line x1='{x1}' y1='{y1}' x2='{x2}' y2='{y2}' stroke='{colour}' "
                         f"stroke-width='{width_}'/>")
    for n, (x, y) in pos.items():
        special = n in (target.wrt, target.output)
        fill = "#FFF3D6" if special else "white"
        parts.append(f"<circle cx='{x}' cy='{y}' r='{_R}' fill='{fill}' stroke='{pal.TEXT}' "
                     f"stroke-width='{2 if special else 1}'/>")
        parts.append(f"<text x='{x}' y='{y + 4}' text-anchor='middle' fill='{pal.TEXT}'>"
                     f"{html.escape(n)}</text>")
    parts.append("</svg>")
    return (f"<div class='course-ask-picture' style='margin:6px 0'>{''.join(parts)}"
            f"{_path_sum(target, removed)}</div>")


def _path_sum(target, removed) -> str:
    terms = []
    for k, path in enumerate(target.paths):
        colour = _PATH_COLOURS[k % len(_PATH_COLOURS)]
        factors = []
        for edge in reversed(path):                       # output side first
            text = html.escape(edge.label)
            if (k, edge.label) in removed:
                text = (f"<span style='color:{pal.NEGATIVE};text-decoration:line-through' "
                        f"title='left out in your answer'>{text}</span>")
            factors.append(text)
        terms.append(f"<span style='color:{colour}'>(</span>{'·'.join(factors) or '1'}"
                     f"<span style='color:{colour}'>)</span>")
    note = (" <span style='opacity:.75'>(struck through: what your answer leaves out)"
            "</span>") if removed else ""
    return (f"<div style='font-family:monospace'>∂{html.escape(target.output)}/∂"
            f"{html.escape(target.wrt)} = {' + '.join(terms)}{note}</div>")
