"""A static fallback for every dashboard: what a page without a live kernel shows.

A live widget is only a model id in a notebook's output
(``application/vnd.jupyter.widget-view+json``); an HTML export, nbviewer, GitHub or a notebook
reopened without its kernel has nothing to draw from it. Each dashboard therefore adds two
representations of its *current* state to the output bundle:

* ``text/html`` — a snapshot: the controls' settings as text (``w1 = 0.50``), the picture
  (the PNG of an ``ipywidgets.Image`` as an ``<img>``, an SVG from an ``HTML`` widget
  inline) and the readouts, under one line saying it is a static picture;
* ``image/png`` or ``image/svg+xml`` — the first picture alone, for viewers that show
  images but not HTML.

JupyterLab with a kernel still renders the live widget (its widget-view renderer ranks
first); ``python -m course site`` exports these fallbacks.
"""

from __future__ import annotations

import base64
import re
from html import escape

import ipywidgets as widgets

__all__ = ["StaticFallback", "snapshot_html", "first_picture", "with_static_fallback"]

NOTE = "Static picture of an interactive widget: run the notebook to move its controls."
_SVG = re.compile(r"<svg\b.*</svg>", re.S)
_SKIP = (widgets.Button, widgets.Play, widgets.FileUpload)


def _png_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(bytes(data)).decode("ascii")


def _setting(w) -> str:
    """A control's current value as text, e.g. ``w1 = 0.50`` (empty for a bare control)."""
    label = w.description or ""
    if isinstance(w, (widgets.SelectionSlider, widgets.Dropdown, widgets.ToggleButtons,
                      widgets.RadioButtons)):
        value = w.label
    elif isinstance(w, (widgets.FloatSlider, widgets.FloatLogSlider, widgets.IntSlider)):
        fmt = getattr(w, "readout_format", "") or ".3g"
        try:
            value = format(w.value, fmt)
        except ValueError:
            value = f"{w.value:.3g}"
    elif isinstance(w, (widgets.IntProgress, widgets.FloatProgress)):
        value = f"{w.value} / {w.max}"
    elif isinstance(w, widgets.Textarea):
        return (f"<div>{escape(label)}</div>" if label else "") + \
            f"<pre style='margin:2px 0'>{escape(str(w.value))}</pre>"
    else:
        value = str(getattr(w, "value", ""))
    text = f"{label} = {value}" if label else value
    return (f"<span style='font-family:monospace;font-size:12px;margin-right:14px'>"
            f"{escape(text)}</span>") if text else ""


def _html(w) -> str:
    if isinstance(w, _SKIP):
        return ""
    if isinstance(w, widgets.Image):
        if not w.value:
            return ""
        return f"<img src='{_png_uri(w.value)}' alt='' style='max-width:100%'>"
    if isinstance(w, (widgets.HTML, widgets.HTMLMath)):
        return f"<div>{w.value}</div>" if w.value else ""
    if isinstance(w, widgets.Label):
        return f"<span>{escape(w.value)}</span>" if w.value else ""
    if isinstance(w, widgets.Box):
        inner = "".join(_html(c) for c in w.children)
        style = ("display:flex;flex-direction:row;flex-wrap:wrap;gap:4px 8px;"
                 "align-items:flex-start" if isinstance(w, widgets.HBox)
                 else "display:flex;flex-direction:column;gap:4px")
        return f"<div style='{style}'>{inner}</div>" if inner else ""
    if isinstance(w, widgets.ValueWidget):
        return _setting(w)
    return ""


def snapshot_html(widget) -> str:
    """The widget tree's current state as static HTML (controls as text, pictures, readouts)."""
    return (f"<div class='course-static-widget'><div style='font:italic 12px sans-serif;"
            f"color:#666666;margin-bottom:4px'>{NOTE}</div>{_html(widget)}</div>")


def first_picture(widget) -> tuple[str, str] | None:
    """The first picture in the tree, as ``(mimetype, data)`` for a bundle, or ``None``."""
    if isinstance(widget, widgets.Image) and widget.value:
        return "image/png", base64.b64encode(bytes(widget.value)).decode("ascii")
    if isinstance(widget, (widgets.HTML, widgets.HTMLMath)):
        found = _SVG.search(widget.value or "")
        if found:
            return "image/svg+xml", found.group(0)
    for child in getattr(widget, "children", ()):
        picture = first_picture(child)
        if picture:
            return picture
    return None


def with_static_fallback(widget, bundle):
    """``bundle`` (a widget's mimebundle) with the snapshot and the picture added."""
    if not isinstance(bundle, dict):
        return bundle
    bundle = dict(bundle)
    bundle["text/html"] = snapshot_html(widget)
    picture = first_picture(widget)
    if picture:
        bundle[picture[0]] = picture[1]
    return bundle


class StaticFallback:
    """Mixin for a dashboard (before ``ipywidgets.VBox`` in the bases): adds the fallbacks."""

    def _repr_mimebundle_(self, **kwargs):
        return with_static_fallback(self, super()._repr_mimebundle_(**kwargs))
