"""The slope picture: true tangent against finite differences, the learner's line, failures."""

from __future__ import annotations

import importlib.util
import math

import numpy as np
import pytest

from course.nn.activations import sigmoid
from course.nn.activations import sigmoid_prime as d
from course.nn.networks import PARAMS, DiamondNet
from course.plots import slope_plot
from course.plots.slope import NOT_WRITTEN, learner_slope


def wrong_dO_dw1(I, w1, w2, w3, w4, w5):
    """The worked example's mistake: the weights on both paths dropped."""
    z1 = I * w1 + 1
    h1 = sigmoid(z1)
    z2, z3 = h1 * w2 + 1, h1 * w3 + 1
    zO = sigmoid(z2) * w4 + sigmoid(z3) * w5 + 1
    return d(zO) * (d(z2) * d(z1) * I + d(z3) * d(z1) * I)


def right_dO_dw1(I, w1, w2, w3, w4, w5):
    z1 = I * w1 + 1
    h1 = sigmoid(z1)
    z2, z3 = h1 * w2 + 1, h1 * w3 + 1
    zO = sigmoid(z2) * w4 + sigmoid(z3) * w5 + 1
    return d(zO) * (w4 * d(z2) * w2 + w5 * d(z3) * w3) * d(z1) * I


@pytest.mark.parametrize("param", PARAMS)
def test_true_slope_matches_central_differences(param):
    net = DiamondNet(w1=0.3, w2=-0.8, w3=1.1, w4=0.6, w5=-0.4, b2=0.2)
    pic = slope_plot(param, net, I=0.9)
    h = 1e-5
    v = getattr(net, param)
    up = net.replace(**{param: v + h}).output(0.9)
    down = net.replace(**{param: v - h}).output(0.9)
    assert pic.true_slope == pytest.approx((up - down) / (2 * h), rel=1e-6, abs=1e-12)
    # the drawn tangent has that slope and passes through (v, O)
    x, y = (np.asarray(a) for a in pic.true_line.get_data())
    assert (y[1] - y[0]) / (x[1] - x[0]) == pytest.approx(pic.true_slope, rel=1e-9)
    assert np.interp(v, x, y) == pytest.approx(net.output(0.9), rel=1e-12)


def test_worked_example_mistake_is_four_times_too_steep(save_png):
    pic = slope_plot("w1", learner=wrong_dO_dw1)
    save_png(pic.ax.figure, "slope_wrong_formula")
    assert pic.true_slope == pytest.approx(0.0014291881022, abs=1e-13)
    assert pic.learner_slope == pytest.approx(0.00571675240882, abs=1e-13)
    x, y = (np.asarray(a) for a in pic.learner_line.get_data())
    assert (y[1] - y[0]) / (x[1] - x[0]) == pytest.approx(4 * pic.true_slope, rel=1e-9)
    assert "4× the true slope" in pic.learner_text.get_text()
    assert "0.00571675" in pic.learner_text.get_text()
    assert "0.00142919" in pic.true_text.get_text()


def test_a_right_derivative_matches_everywhere():
    pic = slope_plot("w1", learner=right_dO_dw1)
    for v in (-2.0, 0.0, 1.7):
        pic.update(v)
        assert pic.learner_slope == pytest.approx(pic.true_slope, rel=1e-12)
        assert "matches the true slope" in pic.learner_text.get_text()


def test_a_stub_shows_the_true_tangent_only_and_says_so(save_png):
    def stub(I, w1):
        raise NotImplementedError

    pic = slope_plot("w1", learner=stub)
    save_png(pic.ax.figure, "slope_stub")
    assert pic.learner_slope is None
    assert pic.message == NOT_WRITTEN
    assert pic.learner_text.get_text() == NOT_WRITTEN
    assert len(pic.learner_line.get_xdata()) == 0
    assert len(pic.true_line.get_xdata()) == 2


def test_an_error_shows_one_line_and_no_traceback():
    def broken(I, w1):
        return 1 / 0

    slope, message = learner_slope(broken, DiamondNet(), 1.0)
    assert slope is None
    assert "ZeroDivisionError" in message and "division by zero" in message
    assert "\n" not in message and "Traceback" not in message


@pytest.mark.parametrize("result, expected", [(None, "returned None"),
                                              (float("nan"), "returned nan")])
def test_a_useless_return_value_is_explained(result, expected):
    slope, message = learner_slope(lambda w1: result, DiamondNet(), 1.0)
    assert slope is None
    assert expected in message


def test_an_unknown_argument_name_is_explained():
    slope, message = learner_slope(lambda x: x, DiamondNet(), 1.0)
    assert slope is None
    assert "'x'" in message and "w1" in message


def test_the_learner_gets_the_current_parameters():
    seen = {}

    def spy(I, w1, b3):
        seen.update(I=I, w1=w1, b3=b3)
        return 0.0

    learner_slope(spy, DiamondNet(w1=0.25, b3=-0.5), 2.0)
    assert {k: float(np.ravel(v)[0]) for k, v in seen.items()} == {
        "I": 2.0, "w1": 0.25, "b3": -0.5}


def test_unknown_param_is_refused():
    with pytest.raises(ValueError, match="param must be one of w1, w2"):
        slope_plot("w9")


def test_the_picture_stays_within_the_axes_limits_for_the_curve():
    pic = slope_plot("w4")
    lo, hi = pic.ax.get_ylim()
    assert lo < pic.O < hi
    assert math.isclose(pic.ax.get_xlim()[0], -4.0)


WRONG_FORMULA = ("d(s(s(I*w1+1)*w2+1)*w4 + s(s(I*w1+1)*w3+1)*w5 + 1)"
                 " * (d(s(I*w1+1)*w2+1)*d(I*w1+1)*I + d(s(I*w1+1)*w3+1)*d(I*w1+1)*I)")


@pytest.mark.skipif(importlib.util.find_spec("course.formula") is None,
                    reason="the formula parser (course.formula) is not there yet")
def test_a_formula_string_draws_like_the_function():
    slope, message = learner_slope(WRONG_FORMULA, DiamondNet(), 1.0)
    assert message == ""
    assert slope == pytest.approx(wrong_dO_dw1(1.0, .5, .5, .5, .5, .5), rel=1e-12)
    slope, message = learner_slope("w1 +* 2", DiamondNet(), 1.0)
    assert slope is None and message and "\n" not in message
