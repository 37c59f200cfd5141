"""course.nn.digits (the bundled data, the split), course.nn.softmax and course.nn.init."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from course.nn import digits, init, softmax
from course.nn.datasets import BUNDLED, DATASETS, load
from course.nn.gradcheck import numerical_gradient

ROOT = Path(__file__).resolve().parents[2]


def test_load_digits_shapes_range_and_labels():
    X, y = load("digits")
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert X.min() == 0.0 and X.max() == 1.0
    assert y.shape == (1797,) and y.dtype == np.int64
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert np.allclose((X * 16) % 1, 0)                   # whole pixel counts 0..16


def test_digits_first_image_is_the_known_zero():
    X, y = digits.load_digits()
    assert y[0] == 0
    assert (X[0].reshape(8, 8)[0] * 16).tolist() == [0, 0, 5, 13, 9, 1, 0, 0]


def test_the_bundled_file_is_package_data_with_provenance_and_licence():
    data = ROOT / "course" / "nn" / "data"
    digest = hashlib.sha256((data / "digits.npz").read_bytes()).hexdigest()
    readme = (data / "README.md").read_text(encoding="utf-8")
    assert digest in readme and "scikit-learn" in readme and "CC BY 4.0" in readme
    assert "BSD 3-Clause" in (data / "LICENSE.digits").read_text(encoding="utf-8")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert ('"course.nn" = ["data/digits.npz", "data/README.md", "data/LICENSE.digits"]'
            in pyproject.split("[tool.setuptools.package-data]")[1])


def test_split_is_fixed_stratified_and_disjoint():
    X, y = load("digits")
    a = digits.train_test_split(X, y)
    b = digits.train_test_split(X, y)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    X_train, y_train, X_test, y_test = a
    assert len(X_train) == 1347 and len(X_test) == 450
    assert set(np.bincount(y_test)) <= {44, 45, 46}
    train_rows = {r.tobytes() for r in X_train}
    shared = sum(r.tobytes() in train_rows for r in X_test)
    assert shared <= 5                                   # the data holds a few duplicates only
    other = digits.train_test_split(X, y, seed=1)
    assert not np.array_equal(other[3], y_test)


def test_split_rejects_bad_arguments():
    with pytest.raises(ValueError, match="one label per row"):
        digits.train_test_split(np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match="test_fraction"):
        digits.train_test_split(np.zeros((3, 2)), np.zeros(3), test_fraction=1.5)


def test_digits_is_bundled_not_a_2d_maker():
    assert "digits" in BUNDLED and "digits" not in DATASETS
    with pytest.raises(ValueError, match="digits"):
        load("nope")


def test_softmax_is_stable_and_shift_invariant():
    Z = np.array([[1000.0, 1001.0], [-1000.0, -1001.0], [0.0, -1.0]])
    P = softmax.softmax(Z)
    np.testing.assert_allclose(P[0], P[2][::-1])
    np.testing.assert_allclose(P.sum(axis=1), 1)
    np.testing.assert_allclose(softmax.log_softmax(Z), np.log(P))
    assert np.isfinite(softmax.log_softmax(np.array([[0.0, -2000.0]]))).all()


def test_softmax_cross_entropy_grad_matches_finite_differences():
    rng = np.random.default_rng(0)
    Z, y = rng.normal(size=(4, 5)), np.array([0, 4, 2, 2])
    numeric = numerical_gradient(lambda Z: softmax.cross_entropy(Z, y), Z.copy())
    np.testing.assert_allclose(softmax.softmax_cross_entropy_grad(Z, y), numeric, rtol=1e-6,
                               atol=1e-9)


def test_one_hot_checks_its_labels():
    np.testing.assert_array_equal(softmax.one_hot(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])
    with pytest.raises(ValueError, match="0..2"):
        softmax.one_hot(np.array([3]), 3)
    with pytest.raises(ValueError, match="integer labels"):
        softmax.one_hot(np.array([0.5]), 3)


def test_init_rules_and_weights():
    assert init.init_std(64, 32, "relu") == pytest.approx(np.sqrt(2 / 64))
    assert init.init_std(64, 32, "sigmoid") == pytest.approx(np.sqrt(2 / 96))
    with pytest.raises(ValueError, match="unknown activation"):
        init.init_std(3, 3, "swish")
    W, b = init.init_weights((64, 32, 10), ("relu", "softmax"), seed=0)
    assert [w.shape for w in W] == [(64, 32), (32, 10)] and all((bb == 0).all() for bb in b)
    assert W[0].std() == pytest.approx(np.sqrt(2 / 64), rel=0.1)


def test_gradient_norms_at_init_show_the_sigmoid_vanishing_and_relu_he_level():
    sig = init.gradient_norms_at_init("sigmoid")
    relu = init.gradient_norms_at_init("relu")
    assert len(sig) == 10 and sig[0] / sig[-1] < 1e-4
    assert 0.1 < relu[0] / relu[-1] < 10
