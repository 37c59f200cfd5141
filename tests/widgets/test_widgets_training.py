"""training_dashboard: Step trains exactly like MLP.step; reset, controls, grading mode."""

from __future__ import annotations

import numpy as np
import pytest

from course.nn.datasets import load
from course.nn.mlp import MLP
from course.widgets import quantities, training_dashboard
from course.widgets.training import parse_hidden


def _reference(dataset, hidden, activation, lr, epochs, seed=0):
    X, y = load(dataset, seed=seed)
    model = MLP((2, *hidden, 1), activation=activation, output_activation="sigmoid", seed=seed)
    losses = [model.step(X, y, lr, loss="bce") for _ in range(epochs)]
    return model, losses


def test_step_trains_like_mlp_step():
    w = training_dashboard("moons", hidden=(6,), activation="tanh", lr=0.8, epochs_per_tick=3)
    for _ in range(4):
        w.step_button.click()
    ref, ref_losses = _reference("moons", (6,), "tanh", 0.8, 12)
    assert w.epoch == 12
    assert np.allclose(w.losses, ref_losses)
    for W, R in zip(w.model.weights, ref.weights):
        assert np.allclose(W, R)
    got = quantities(w.readout.value)
    assert got["epoch"] == 12
    assert got["loss"] == float(f"{ref_losses[-1]:.6g}")
    assert w.progress.value == 12


def test_learning_rate_slider_takes_effect_on_the_next_step():
    w = training_dashboard("xor", hidden=(4,), lr=0.5, epochs_per_tick=1)
    w.lr.value = 2.0
    w.tick()
    ref, _ = _reference("xor", (4,), "tanh", 2.0, 1)
    assert np.allclose(w.model.weights[0], ref.weights[0])


def test_reset_and_controls_rebuild_the_model():
    w = training_dashboard("xor", epochs_per_tick=2)
    w.tick()
    w.reset_button.click()
    assert w.epoch == 0 and w.losses == []
    w.activation.value = "relu"
    assert w.model.activations == ["relu", "sigmoid"]
    w.hidden.value = "5, 3"
    assert w.model.sizes == (2, 5, 3, 1)
    w.dataset.value = "spirals"
    assert w.X.shape == load("spirals")[0].shape


def test_bad_hidden_sizes_explain_themselves():
    with pytest.raises(ValueError, match="e.g. '8' or '16, 8'; got 'eight'"):
        parse_hidden("eight")
    assert parse_hidden("16, 8") == (16, 8)
    w = training_dashboard()
    model = w.model
    w.hidden.value = "0"
    assert "from 1 to 64" in w.readout.value
    assert w.model is model                      # the old model stays usable


def test_grading_mode_builds_but_never_plays(monkeypatch):
    monkeypatch.setenv("COURSE_GRADING", "1")
    w = training_dashboard()
    assert w.play.disabled
    w.play.value = 5                             # a tick arriving from the browser
    assert w.epoch == 0
    w.step_button.click()                        # an explicit step still works
    assert w.epoch == 5


def test_play_ticks_train_outside_grading_mode(monkeypatch):
    monkeypatch.setenv("COURSE_GRADING", "0")
    w = training_dashboard(epochs_per_tick=2)
    assert not w.play.disabled
    w.play.playing = True
    assert w.status.value == "running…"
    w.play.value = 1
    w.play.value = 2
    assert w.epoch == 4
    w._on_play_value({"new": 1})                 # a rewind does not train
    assert w.epoch == 4
    w.play.playing = False
    assert w.status.value == "paused"


def test_picture_updates_and_is_a_png():
    w = training_dashboard()
    before = w.view.widget.value
    w.tick()
    assert w.view.widget.value != before
    assert w.view.widget.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_loss_is_a_number_at_epoch_0_and_after_reset():
    w = training_dashboard("xor", hidden=(4,), epochs_per_tick=2)
    X, y = load("xor")
    fresh = MLP((2, 4, 1), activation="tanh", output_activation="sigmoid", seed=0)
    initial = float(fresh.loss_and_grads(X, y, loss="bce")[0])
    assert quantities(w.readout.value)["loss"] == float(f"{initial:.6g}")
    w.tick()
    w.reset_button.click()
    shown = quantities(w.readout.value)
    assert np.isfinite(shown["loss"]) and shown["loss"] == float(f"{initial:.6g}")
    assert "nan" not in w.readout.value


def test_one_arrow_key_moves_the_learning_rate_a_sensible_step():
    w = training_dashboard(lr=0.5)
    values = [v for _, v in w.lr.options]
    assert w.lr.value == 0.5 and values[0] == 0.001 and values[-1] == 10.0
    steps = [b / a for a, b in zip(values, values[1:])]
    assert min(steps) >= 2.0 - 1e-9 and max(steps) <= 2.5 + 1e-9     # 1-2-5: ×2 or ×2.5
    w.lr.index += 1                                                   # what an arrow key does
    assert w.lr.value == 1.0
    assert 0.8 in [v for _, v in training_dashboard(lr=0.8).lr.options]
    with pytest.raises(ValueError, match="positive number"):
        training_dashboard(lr=0)
