"""Every dashboard carries a static picture of its current state in its output bundle.

A live widget is only a model id in a saved notebook; an HTML export (``course site``),
nbviewer or GitHub shows the fallback instead: the settings as text, the picture, the
readouts (``text/html``), and the picture alone (``image/png`` or ``image/svg+xml``).
"""

from __future__ import annotations

import base64

import numpy as np
import pytest

import course.widgets as cw
from course.sliders import curve_explorer
from course.widgets._static import NOTE

VIEW = "application/vnd.jupyter.widget-view+json"
PNG = b"\x89PNG\r\n\x1a\n"

DASHBOARDS = {
    "diamond_explorer": (lambda: cw.diamond_explorer(), "image/svg+xml"),
    "slope_explorer": (lambda: cw.slope_explorer("w1"), "image/png"),
    "backward_stepper": (lambda: cw.backward_stepper(), "image/svg+xml"),
    "training_dashboard": (lambda: cw.training_dashboard(dataset="moons", hidden=(4,)),
                           "image/png"),
    "softmax_temperature": (lambda: cw.softmax_temperature(logits=(2.0, 1.0, 0.1)),
                            "image/svg+xml"),
    "init_scale_explorer": (lambda: cw.init_scale_explorer(), "image/svg+xml"),
    "curve_explorer": (lambda: curve_explorer({"s": lambda x, w: 1 / (1 + np.exp(-w * x))},
                                              {"w": (-3.0, 3.0, 0.1, 1.0)}), "image/png"),
}


def _picture_ok(mime, data):
    if mime == "image/png":
        assert base64.b64decode(data).startswith(PNG)
    else:
        assert data.startswith("<svg") and data.rstrip().endswith("</svg>")
        assert "xmlns=" in data.split(">", 1)[0]


@pytest.mark.parametrize("name", DASHBOARDS)
def test_bundle_keeps_the_live_widget_and_adds_a_static_picture(name):
    make, picture = DASHBOARDS[name]
    bundle = make()._repr_mimebundle_()
    assert VIEW in bundle                          # JupyterLab still renders the live widget
    html = bundle["text/html"]
    assert NOTE in html
    assert "<img src='data:image/png;base64," in html or "<svg" in html
    _picture_ok(picture, bundle[picture])


def test_the_snapshot_follows_the_sliders():
    explorer = cw.diamond_explorer()
    before = explorer._repr_mimebundle_()
    assert "w1 = 0.50" in before["text/html"]
    explorer.sliders["w1"].value = 1.25
    after = explorer._repr_mimebundle_()
    assert "w1 = 1.25" in after["text/html"] and "w1 = 0.50" not in after["text/html"]
    assert after["image/svg+xml"] != before["image/svg+xml"]     # the diagram moved too


def test_ask_box_has_its_form_as_text_and_no_picture():
    bundle = cw.ask_box()._repr_mimebundle_()
    assert "n1 = w1*I + b1" in bundle["text/html"]
    assert not {"image/png", "image/svg+xml"} & set(bundle)
    assert "<button" not in bundle["text/html"]    # buttons do nothing in a static page


def test_a_closed_widget_displays_nothing_as_before():
    explorer = cw.diamond_explorer()
    explorer.close()
    assert explorer._repr_mimebundle_ is None


def test_every_dashboard_class_carries_the_fallback():
    """A new dashboard in course.widgets gets a static picture too (CONTRIBUTING says how)."""
    import ipywidgets

    from course.widgets._static import StaticFallback

    classes = [getattr(cw, name) for name in cw.__all__ if name[0].isupper()]
    dashboards = [c for c in classes if isinstance(c, type) and issubclass(c, ipywidgets.Widget)]
    assert len(dashboards) >= 7
    assert [c.__name__ for c in dashboards if not issubclass(c, StaticFallback)] == []
