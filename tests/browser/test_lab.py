"""The course in a real JupyterLab, driven in headless Chromium (``pytest -m browser``).

Each test opens a notebook in a fresh browser tab of one shared JupyterLab server,
runs it the way a learner does (menu Run > Run All Cells) and checks what the page
shows against the library computed here. Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import re

import pytest

from course.nn.networks import PARAMS, DiamondNet

pytestmark = pytest.mark.browser

EXPLORER = ".course-explorer"
SHOWN_REL = 1e-5  # readouts show 6 significant digits: f"{v:.6g}"

# A stand-in for the lesson's explorer with the same page contract: sliders labelled by
# parameter name, a readout with <td data-quantity="O"> and "dO/dw1", class course-explorer.
FIXTURE_EXPLORER = [
    """\
from course._env import grading_mode
if grading_mode():
    raise RuntimeError("the browser's kernel must run in learner mode, not grading mode")""",
    "import ipywidgets as widgets\nfrom course.nn.networks import DiamondNet",
    """\
sliders = {name: widgets.FloatSlider(value=v, min=-2, max=2, step=0.05, description=name)
           for name, v in [("w1", 0.5), ("I", 1.0)]}
readout = widgets.HTML()

def show(change=None):
    net = DiamondNet(w1=sliders["w1"].value)
    I = sliders["I"].value
    rows = [("O", net.output(I)), ("dO/dw1", net.gradient(I)["w1"])]
    readout.value = "<table>" + "".join(
        f'<tr><th>{q}</th><td data-quantity="{q}">{v:.6g}</td></tr>' for q, v in rows
    ) + "</table>"

for slider in sliders.values():
    slider.observe(show, "value")
show()
explorer = widgets.VBox([*sliders.values(), readout])
explorer.add_class("course-explorer")
explorer""",
]

# The seed's mistake: both paths kept, the weights w2·w4 and w3·w5 on them dropped.
WRONG_DO_DW1 = [
    "import course\nfrom course.nn.activations import sigmoid as s",
    """\
def d(z):
    return s(z) * (1 - s(z))

def wrong_dO_dw1(I, w1, w2, w3, w4, w5):
    z1 = I * w1 + 1
    z2 = s(z1) * w2 + 1
    z3 = s(z1) * w3 + 1
    zO = s(z2) * w4 + s(z3) * w5 + 1
    return d(zO) * (d(z2) * d(z1) * I + d(z3) * d(z1) * I)

course.check("diamond.dO_dw1", wrong_dO_dw1)""",
]


def assert_runs_clean(lab, path: str) -> None:
    """Open ``path``, Run All, and assert no cell shows an error and every code cell ran."""
    lab.open(path)
    lab.run_all()
    assert lab.error_outputs() == [], f"{path}: error outputs after Run All"
    not_run = [c["cell"] for c in lab.cells() if c["hasSource"] and c["count"] is None]
    assert not_run == [], f"{path}: cells {not_run} did not run"
    assert lab.page_errors == [], f"JavaScript errors in the page: {lab.page_errors}"


def explorer_net(lab, explorer) -> tuple[DiamondNet, float]:
    """The network and input the explorer's sliders show (parameters without a slider: defaults)."""
    shown = {}
    for name in (*PARAMS, "I"):
        slider = lab.slider(name, explorer)
        if slider.count():
            shown[name] = lab.slider_value(slider)
    I = shown.pop("I", 1.0)
    return DiamondNet(**shown), I


def assert_explorer_follows_w1(lab, presses: int = 3) -> float:
    """Move the w1 slider with the keyboard; the readout must match the library. Returns w1."""
    explorer = lab.locator(EXPLORER).first  # the readout selectors below also take the first
    explorer.wait_for()
    w1 = lab.slider("w1", explorer)
    assert w1.count() == 1, "the explorer should have exactly one slider labelled w1"
    before = lab.slider_value(w1)
    after = lab.press_slider(w1, "ArrowRight", presses)
    assert after > before, f"ArrowRight on w1 should raise it: {before} -> {after}"
    net, I = explorer_net(lab, explorer)
    assert net.w1 == after
    # A lesson that asks for the gradients shows the forward pass only (h1 follows w1 too).
    gradients_shown = lab.locator(f'{EXPLORER} [data-quantity="dO/dw1"]').count() > 0
    expected = {"O": net.output(I)}
    if gradients_shown:
        expected["dO/dw1"] = net.gradient(I)["w1"]
    else:
        expected["h1"] = net.forward(I)["h1"]
    for quantity, value in expected.items():
        shown = lab.wait_for_number(f'{EXPLORER} [data-quantity="{quantity}"]', value, SHOWN_REL)
        assert float(shown) == pytest.approx(value, rel=SHOWN_REL), (
            f"{quantity} shown {shown}, library says {value:.6g} at w1={after}, I={I}")
    return after


def test_fixture_explorer_follows_keyboard(lab, make_notebook):
    """The harness itself: widgets render, keys move a slider, the kernel updates the page."""
    path = make_notebook("scratch/fixture_explorer.ipynb", FIXTURE_EXPLORER)
    assert_runs_clean(lab, path)
    w1 = assert_explorer_follows_w1(lab, presses=3)
    assert w1 == pytest.approx(0.5 + 3 * 0.05)  # one step per key press
    lab.screenshot("fixture-explorer-moved", lab.locator(EXPLORER).first)


def test_start_here_runs_all_without_errors(lab):
    assert_runs_clean(lab, "lessons/00_start_here.ipynb")
    # Unfilled, its checks render in the page and say "not attempted yet".
    todo = lab.locator(".course-check.course-check--todo").first
    todo.wait_for()
    lab.screenshot("00-start-here-run-all", todo)


def test_diamond_explorer_follows_w1_slider(lab):
    assert_runs_clean(lab, "solutions/03_diamond_network.ipynb")
    explorer = lab.locator(EXPLORER).first
    explorer.wait_for()
    lab.screenshot("03-diamond-explorer-before", explorer)
    assert_explorer_follows_w1(lab, presses=4)
    lab.screenshot("03-diamond-explorer-w1-moved", explorer)


def test_wrong_dO_dw1_feedback_names_dropped_weights(lab, make_notebook):
    path = make_notebook("scratch/wrong_dO_dw1.ipynb", WRONG_DO_DW1)
    lab.open(path)
    lab.run_all()
    assert lab.error_outputs() == []
    box = lab.locator(".course-check").first
    box.wait_for()
    assert "course-check--fail" in box.get_attribute("class").split()
    text = box.inner_text()
    # The point line lists every weight anyway, so look for the dropped products themselves.
    for a, b in (("w2", "w4"), ("w3", "w5")):
        product = rf"{a}\s*[·*×⋅]?\s*{b}|{b}\s*[·*×⋅]?\s*{a}"
        assert re.search(product, text), f"feedback should name the product {a}·{b}: {text!r}"
    lab.screenshot("check-wrong-dO_dw1", box)
