"""Bar charts as SVG strings: the fast pictures of lesson 09's sliders.

``bars_svg`` draws labelled bars (linear or log scale) in about 20 µs, so a slider can
rebuild the whole picture on every event — no matplotlib involved. Used for the softmax's
probabilities at a temperature and for per-layer gradient norms at an initial scale.
"""

from __future__ import annotations

import math
from html import escape

from course.plots import palette as pal

__all__ = ["bars_svg"]


def _y(value: float, lo: float, hi: float, log: bool, top: float, height: float) -> float:
    """Pixel row of ``value`` on an axis from ``lo`` (bottom) to ``hi`` (top)."""
    if log:
        value = math.log10(max(value, lo))
        lo, hi = math.log10(lo), math.log10(hi)
    frac = 0.0 if hi == lo else min(max((value - lo) / (hi - lo), 0.0), 1.0)
    return top + height * (1.0 - frac)


def bars_svg(groups: dict, labels, lo: float = 0.0, hi: float = 1.0, log: bool = False,
             title: str = "", width: int = 520, height: int = 230, ylabel: str = "") -> str:
    """Grouped bars as an SVG string.

    Parameters
    ----------
    groups : dict
        Series name -> list of values (one per label); each series gets a colour.
    labels : sequence of str
        One label per bar position (e.g. the classes, or ``layer 1 .. layer 10``).
    lo, hi : float
        The value axis (for ``log``, both must be > 0; values below ``lo`` sit on the floor).
    """
    colours = [pal.OKABE_ITO[c] for c in ("vermillion", "blue", "green", "orange", "purple")]
    left, top, bottom = 46, 26, 34
    plot_w, plot_h = width - left - 8, height - top - bottom
    n, k = len(labels), max(len(groups), 1)
    slot = plot_w / max(n, 1)
    bar = slot * 0.8 / k
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" style="background:{pal.CARD}" '
           'font-family="sans-serif">']
    if title:
        out.append(f'<text x="{width / 2:.0f}" y="16" font-size="13" text-anchor="middle" '
                   f'fill="{pal.TEXT}">{escape(title)}</text>')
    ticks = ([10.0 ** e for e in range(math.ceil(math.log10(lo)), math.floor(math.log10(hi)) + 1)]
             if log else [lo + (hi - lo) * i / 4 for i in range(5)])
    for t in ticks:
        y = _y(t, lo, hi, log, top, plot_h)
        text = f"1e{round(math.log10(t))}" if log else f"{t:.3g}"
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
                   'stroke="#dddddd"/>'
                   f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" '
                   f'fill="{pal.MUTED}">{text}</text>')
    if ylabel:
        out.append(f'<text x="10" y="{top + plot_h / 2:.0f}" font-size="10" fill="{pal.MUTED}" '
                   f'transform="rotate(-90 10 {top + plot_h / 2:.0f})" text-anchor="middle">'
                   f'{escape(ylabel)}</text>')
    base = top + plot_h
    for g, (name, values) in enumerate(groups.items()):
        colour = colours[g % len(colours)]
        for i, v in enumerate(values):
            x = left + i * slot + slot * 0.1 + g * bar
            finite = isinstance(v, (int, float)) and math.isfinite(v)
            y = _y(v, lo, hi, log, top, plot_h) if finite else top
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" '
                       f'height="{max(base - y, 0.5):.1f}" fill="{colour}">'
                       f'<title>{escape(str(name))} {escape(str(labels[i]))}: {v:.3g}</title>'
                       '</rect>')
        if len(groups) > 1:
            lx = left + 8 + g * 110
            out.append(f'<rect x="{lx}" y="{height - 12}" width="10" height="10" '
                       f'fill="{colour}"/><text x="{lx + 14}" y="{height - 3}" font-size="11" '
                       f'fill="{pal.TEXT}">{escape(str(name))}</text>')
    label_y = base + 13
    for i, lab in enumerate(labels):
        out.append(f'<text x="{left + (i + 0.5) * slot:.1f}" y="{label_y:.1f}" font-size="10" '
                   f'text-anchor="middle" fill="{pal.TEXT}">{escape(str(lab))}</text>')
    out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{base}" y2="{base}" '
               f'stroke="{pal.TEXT}"/></svg>')
    return "".join(out)
