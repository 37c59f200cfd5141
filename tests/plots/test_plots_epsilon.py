"""The error-vs-step plot: forward differences are first order, central second order."""

from __future__ import annotations

import numpy as np
import pytest

from course.plots import epsilon_plot
from course.plots.epsilon import finite_difference_errors


def _slope(hs, err):
    return np.polyfit(np.log10(hs), np.log10(err), 1)[0]


def test_truncation_slopes_are_one_and_two():
    hs = np.logspace(-3, -1, 9)
    fwd, cen = finite_difference_errors(np.sin, 1.0, np.cos(1.0), hs)
    assert _slope(hs, fwd) == pytest.approx(1.0, abs=0.05)
    assert _slope(hs, cen) == pytest.approx(2.0, abs=0.05)


def test_round_off_grows_as_the_step_shrinks():
    hs = np.logspace(-14, -11, 7)
    fwd, cen = finite_difference_errors(np.exp, 0.3, np.exp(0.3), hs)
    assert _slope(hs, fwd) < -0.5 and _slope(hs, cen) < -0.5


def test_default_plot_is_the_worked_example_and_marks_the_v(save_png):
    ax = epsilon_plot()
    save_png(ax.figure, "epsilon_default")
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    labels = [ln.get_label() for ln in ax.lines]
    assert any(lab.startswith("forward") for lab in labels)
    assert any(lab.startswith("central") for lab in labels)
    texts = [t.get_text() for t in ax.texts]
    assert "slope 1" in texts and "slope 2" in texts
    best = [t for t in texts if t.startswith("best ε")]
    assert len(best) == 2
    # the central difference's best step is larger than the forward difference's
    h_fwd, h_cen = (float(t.split("≈")[1]) for t in best)
    assert h_cen > h_fwd
    assert "O(w1) at w1 = 0.5" in ax.get_title()


def test_a_custom_function_needs_its_derivative():
    with pytest.raises(ValueError, match="pass df=f'\\(x0\\)"):
        epsilon_plot(np.sin, x0=1.0)
    ax = epsilon_plot(np.sin, x0=1.0, df=np.cos(1.0), name="sin")
    assert "sin at x = 1" in ax.get_title()
    assert "at t = 1" in epsilon_plot(np.sin, x0=1.0, df=np.cos(1.0), variable="t").get_title()
