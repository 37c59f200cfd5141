"""Tests for course.nn.datasets: shapes, labels, balance, determinism, learnability."""

import numpy as np
import pytest

from course.nn.datasets import DATASETS, load, make_circles, make_spirals, make_xor
from course.nn.mlp import MLP
from course.nn.train import accuracy, train


@pytest.mark.parametrize("name", sorted(DATASETS))
@pytest.mark.parametrize("n", [7, 200])
def test_shapes_labels_and_balance(name, n):
    X, y = load(name, n=n)
    assert X.shape == (n, 2) and y.shape == (n, 1)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert set(np.unique(y)) == {0.0, 1.0}
    assert np.sum(y == 0) == n // 2 and np.sum(y == 1) == n - n // 2
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_seeded_determinism_and_shuffling(name):
    X1, y1 = load(name, seed=3)
    X2, y2 = load(name, seed=3)
    X3, _ = load(name, seed=4)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)
    assert 0 < np.mean(y1[: len(y1) // 4]) < 1           # classes are mixed, not in blocks


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_noise_zero_is_the_clean_shape_and_noise_spreads_it(name):
    X0, y0 = load(name, noise=0.0, seed=0)
    Xn, yn = load(name, noise=0.3, seed=0)
    assert np.std(X0) != pytest.approx(np.std(Xn), rel=1e-3)
    assert y0.shape == yn.shape


def test_geometry_of_the_clean_problems():
    X, y = make_xor(n=40, noise=0.0)
    np.testing.assert_array_equal(np.abs(X), 1.0)
    np.testing.assert_array_equal(y[:, 0], (X[:, 0] * X[:, 1] < 0).astype(float))
    X, y = make_circles(n=40, noise=0.0, factor=0.3)
    r = np.linalg.norm(X, axis=1)
    np.testing.assert_allclose(r, np.where(y[:, 0] == 1, 0.3, 1.0))
    X, y = make_spirals(n=40, noise=0.0)
    assert np.linalg.norm(X, axis=1).max() == pytest.approx(1.0)


@pytest.mark.parametrize("name, activation", [("xor", "tanh"), ("moons", "relu"),
                                              ("circles", "relu")])
def test_a_small_mlp_separates_the_classes(name, activation):
    X, y = load(name)
    net = MLP((2, 16, 16, 1), activation=activation, seed=0)
    train(net, X, y, epochs=300, lr=0.5, loss="bce")
    assert accuracy(net, X, y) > 0.95


def test_bad_arguments_have_clear_messages():
    with pytest.raises(ValueError, match=r"unknown dataset 'iris'; choose one of: "
                                         r"circles, digits, moons, spirals, xor"):
        load("iris")
    with pytest.raises(ValueError, match=r"n must be a whole number of points >= 4, got 3"):
        make_xor(n=3)
    with pytest.raises(ValueError, match=r"noise is a standard deviation and must be >= 0"):
        load("moons", noise=-1)
    with pytest.raises(ValueError, match=r"factor is the inner radius"):
        make_circles(factor=1.5)
    with pytest.raises(ValueError, match=r"turns must be > 0"):
        make_spirals(turns=0)
    with pytest.raises(TypeError):
        load("moons", radius=2)
