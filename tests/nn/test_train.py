"""Tests for course.nn.train: SGD step, the training loop, callbacks, gradient norms."""

import numpy as np
import pytest

from course.nn.datasets import load
from course.nn.mlp import MLP
from course.nn.train import accuracy, gradient_norms, sgd_step, train


def test_sgd_step_updates_in_place():
    W, b = np.array([[1.0, 2.0]]), np.array([[0.5]])
    W_ref = W
    sgd_step([W, b], [np.array([[0.1, -0.2]]), np.array([[1.0]])], lr=0.5)
    assert W is W_ref
    np.testing.assert_allclose(W, [[0.95, 2.1]])
    np.testing.assert_allclose(b, [[0.0]])


def test_sgd_step_accepts_the_mlp_grads_dict_and_matches_step():
    X, y = load("xor", n=20)
    net = MLP((2, 4, 1), seed=0)
    other = net.copy()
    _, grads = net.loss_and_grads(X, y, "mse")
    sgd_step(net.parameters(), grads, lr=0.7)
    other.step(X, y, 0.7, "mse")
    for p, q in zip(net.parameters(), other.parameters(), strict=True):
        np.testing.assert_allclose(p, q, rtol=1e-12)


def test_sgd_step_rejects_mismatches():
    with pytest.raises(ValueError, match="got 2 parameters but 1 gradients"):
        sgd_step([np.zeros(2), np.zeros(2)], [np.zeros(2)], 0.1)
    with pytest.raises(ValueError, match=r"parameter 0 has shape \(1, 3\).*shape \(3,\)"):
        sgd_step([np.zeros((1, 3))], [np.zeros(3)], 0.1)


@pytest.mark.parametrize("loss, batch_size", [("mse", None), ("bce", None), ("bce", 32)])
def test_loss_decreases_and_history_is_per_epoch(loss, batch_size):
    X, y = load("moons", n=100)
    net = MLP((2, 8, 1), activation="tanh", seed=1)
    start = net.loss_and_grads(X, y, loss)[0]
    history = train(net, X, y, epochs=60, lr=0.5, batch_size=batch_size, loss=loss)
    assert len(history["loss"]) == len(history["accuracy"]) == 60
    assert history["loss"][-1] < 0.7 * start
    assert history["loss"][-1] == pytest.approx(net.loss_and_grads(X, y, loss)[0], rel=1e-6)
    assert history["accuracy"][-1] == accuracy(net, X, y)


def test_minibatches_are_seeded():
    X, y = load("moons", n=50)
    runs = [train(MLP((2, 5, 1), seed=0), X, y, epochs=5, batch_size=8, seed=s)["loss"]
            for s in (0, 0, 1)]
    assert runs[0] == runs[1] and runs[0] != runs[2]


def test_callback_sees_every_epoch_and_can_stop():
    X, y = load("xor", n=40)
    seen = []

    def callback(epoch, loss, model):
        seen.append((epoch, loss, model))
        if epoch == 2:
            return False                     # stop; returning None (below) continues

    net = MLP((2, 4, 1), seed=0)
    history = train(net, X, y, epochs=50, lr=0.5, callback=callback)
    assert [e for e, _, _ in seen] == [0, 1, 2]
    assert [loss for _, loss, _ in seen] == history["loss"]
    assert all(m is net for _, _, m in seen)


def test_callback_returning_a_truthy_or_none_value_continues():
    X, y = load("xor", n=40)
    history = train(MLP((2, 4, 1)), X, y, epochs=5, callback=lambda e, l, m: e % 2 == 0 or None)
    assert len(history["loss"]) == 5


def test_train_rejects_bad_arguments():
    X, y = load("xor", n=8)
    net = MLP((2, 1))
    with pytest.raises(ValueError, match="epochs must be a whole number >= 0, got 2.5"):
        train(net, X, y, epochs=2.5)
    with pytest.raises(ValueError, match="lr must be a positive learning rate"):
        train(net, X, y, lr=0)
    with pytest.raises(ValueError, match="batch_size must be None"):
        train(net, X, y, batch_size=0)
    with pytest.raises(ValueError, match="unknown loss 'ce'"):
        train(net, X, y, loss="ce")


def test_gradient_norms_vanish_in_deep_sigmoid_nets():
    X, y = load("moons", n=100)
    sizes = (2,) + (32,) * 8 + (1,)
    norms = {act: gradient_norms(MLP(sizes, activation=act, seed=0), X, y, loss="bce")
             for act in ("sigmoid", "tanh", "relu")}
    assert all(len(n) == 9 for n in norms.values())
    _, grads = MLP(sizes, activation="relu", seed=0).loss_and_grads(X, y, "bce")
    assert norms["relu"][0] == pytest.approx(np.linalg.norm(grads["W"][0]))
    # first layer vs last layer: sigmoid shrinks by orders of magnitude, relu does not
    ratio = {act: n[0] / n[-1] for act, n in norms.items()}
    assert ratio["sigmoid"] < 1e-3 < ratio["tanh"]
    assert ratio["sigmoid"] < ratio["tanh"] and ratio["sigmoid"] < ratio["relu"]
    assert norms["sigmoid"][0] < norms["tanh"][0] and norms["sigmoid"][0] < norms["relu"][0]
    assert ratio["relu"] > 0.1


def test_step_loss_is_the_loss_each_full_batch_step_started_from():
    X, y = load("xor", n=40, seed=0)
    net, twin = MLP((2, 4, 1), seed=0), MLP((2, 4, 1), seed=0)
    history = train(net, X, y, epochs=5, lr=0.5, loss="bce")
    for k in range(5):                          # the same loop written by hand
        loss, grads = twin.loss_and_grads(X, y, "bce")
        assert history["step_loss"][k] == pytest.approx(loss, rel=1e-12)
        sgd_step(twin.parameters(), grads, 0.5)
    assert history["step_loss"][1:] == pytest.approx(history["loss"][:-1], rel=1e-9)
