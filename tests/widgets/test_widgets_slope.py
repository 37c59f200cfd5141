"""slope_explorer: the slider moves the tangent; the worked example's mistake reads 4x."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from course.nn.activations import sigmoid
from course.nn.activations import sigmoid_prime as d
from course.nn.networks import DiamondNet
from course.plots.slope import NOT_WRITTEN
from course.widgets import quantities, slope_explorer


def wrong_dO_dw1(I, w1, w2, w3, w4, w5):
    """d(zO)·(d(z2)·d(z1)·I + d(z3)·d(z1)·I): the path weights dropped."""
    z1 = I * w1 + 1
    h1 = sigmoid(z1)
    z2, z3 = h1 * w2 + 1, h1 * w3 + 1
    zO = sigmoid(z2) * w4 + sigmoid(z3) * w5 + 1
    return d(zO) * (d(z2) * d(z1) * I + d(z3) * d(z1) * I)


def test_worked_example_mistake_reads_four_times_the_true_slope():
    w = slope_explorer("w1", learner=wrong_dO_dw1)
    got = quantities(w.readout.value)
    true = DiamondNet().gradient(1.0)["w1"]
    assert got["true_slope"] == float(f"{true:.6g}")
    assert got["learner_slope"] == float(f"{wrong_dO_dw1(1, .5, .5, .5, .5, .5):.6g}")
    assert got["ratio"] == pytest.approx(4.0, rel=1e-6)


def test_slider_moves_the_point_and_both_slopes(tmp_path):
    w = slope_explorer("w1", learner=wrong_dO_dw1)
    before = w.view.widget.value
    w.slider.value = -1.5
    net = DiamondNet(w1=-1.5)
    got = quantities(w.readout.value)
    assert w.net == net
    assert got["O"] == float(f"{net.output(1.0):.6g}")
    assert got["true_slope"] == float(f"{net.gradient(1.0)['w1']:.6g}")
    assert got["learner_slope"] == float(f"{wrong_dO_dw1(1, -1.5, .5, .5, .5, .5):.6g}")
    png = w.view.widget.value
    assert png != before
    img = Image.open(io.BytesIO(png))
    img.load()
    assert img.size == (750, 380)
    (tmp_path / "slope_explorer.png").write_bytes(png)


def test_blitted_update_equals_a_full_draw():
    w = slope_explorer("w2", learner=wrong_dO_dw1)
    w.slider.value = 1.2
    blitted = w.view.widget.value
    for a in w.view.dynamic:                 # now draw everything from scratch
        a.set_animated(False)
    w.view.figure.canvas.draw()
    full = w.view.png()
    assert Image.open(io.BytesIO(blitted)).tobytes() == Image.open(io.BytesIO(full)).tobytes()


def test_stub_falls_back_to_the_true_tangent_and_says_so():
    def stub(I, w1):
        raise NotImplementedError

    w = slope_explorer("w1", learner=stub)
    got = quantities(w.readout.value)
    assert "learner_slope" not in got and "true_slope" in got
    assert NOT_WRITTEN in w.readout.value
    w.update()                                # direct call: raises nothing


def test_any_other_error_shows_its_message_not_a_traceback():
    def broken(I, w1):
        raise ValueError("oops")

    w = slope_explorer("w1", learner=broken)
    assert "ValueError: oops" in w.readout.value
    assert "Traceback" not in w.readout.value
    w.slider.value = 0.1                      # still moves
    assert quantities(w.readout.value)["true_slope"] == float(
        f"{DiamondNet(w1=0.1).gradient(1.0)['w1']:.6g}")


def test_without_learner_only_the_true_slope():
    w = slope_explorer("b4", net=DiamondNet(w4=-2.0), I=0.3)
    assert w.slider.description == "b4"
    got = quantities(w.readout.value)
    assert set(got) == {"O", "true_slope"}
    assert got["true_slope"] == float(f"{DiamondNet(w4=-2.0).gradient(0.3)['b4']:.6g}")


def test_a_second_derivative_is_drawn_beside_the_learners_and_follows_the_slider(tmp_path):
    """Lesson 03: the seed's formula (dotted) next to the learner's own dO/dw1."""
    def right(I, w1, w2, w3, w4, w5):
        return DiamondNet(w1, w2, w3, w4, w5).gradient(I)["w1"]

    w = slope_explorer("w1", learner=right, compare=wrong_dO_dw1,
                       compare_label="the seed's formula")
    got = quantities(w.readout.value)
    assert got["ratio"] == pytest.approx(1.0) and got["compare_ratio"] == pytest.approx(4.0)
    assert "the seed&#x27;s formula" in w.readout.value or "the seed's formula" in w.readout.value
    w.slider.value = 1.7
    got = quantities(w.readout.value)
    assert got["compare_slope"] == float(f"{wrong_dO_dw1(1, 1.7, .5, .5, .5, .5):.6g}")
    assert len(w.picture.compare_line.get_xdata()) == 2
    assert "the seed's formula" in [t.get_text() for t in w.picture.ax.get_legend().get_texts()]
    (tmp_path / "slope_compare.png").write_bytes(w.view.widget.value)
