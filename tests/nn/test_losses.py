"""Tests for course.nn.losses: values, the 1/m convention, gradients vs central differences."""

import numpy as np
import pytest

from course.nn.activations import sigmoid
from course.nn.gradcheck import numerical_gradient
from course.nn.losses import bce, bce_grad, bce_with_logits, get_loss, mse, mse_grad


@pytest.fixture
def batch():
    rng = np.random.default_rng(0)
    a = rng.uniform(0.05, 0.95, size=(6, 2))
    y = (rng.random((6, 2)) > 0.5).astype(float)
    return a, y


def test_mse_value_is_mean_over_batch_of_half_squared_norm(batch):
    a, y = batch
    per_example = [0.5 * np.sum((a[i] - y[i]) ** 2) for i in range(len(a))]
    assert mse(a, y) == pytest.approx(np.mean(per_example), rel=1e-12)


def test_bce_value_matches_definition(batch):
    a, y = batch
    per_example = [-np.sum(y[i] * np.log(a[i]) + (1 - y[i]) * np.log(1 - a[i]))
                   for i in range(len(a))]
    assert bce(a, y) == pytest.approx(np.mean(per_example), rel=1e-12)


@pytest.mark.parametrize("loss, grad", [(mse, mse_grad), (bce, bce_grad)])
def test_gradient_matches_central_differences(batch, loss, grad):
    a, y = batch
    numeric = numerical_gradient(lambda arr: loss(arr, y), a.copy())
    np.testing.assert_allclose(grad(a, y), numeric, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("loss, grad", [(mse, mse_grad), (bce, bce_grad)])
def test_gradient_carries_one_over_m(batch, loss, grad):
    a, y = batch
    doubled = np.vstack([a, a]), np.vstack([y, y])
    assert loss(*doubled) == pytest.approx(loss(a, y), rel=1e-12)   # a mean, not a sum
    np.testing.assert_allclose(grad(*doubled)[:6], grad(a, y) / 2, rtol=1e-12)


def test_bce_times_sigmoid_prime_is_a_minus_y_over_m(batch):
    _, y = batch
    z = np.random.default_rng(1).normal(size=y.shape)
    a = sigmoid(z)
    np.testing.assert_allclose(bce_grad(a, y) * a * (1 - a), (a - y) / len(y), rtol=1e-9)


def test_bce_with_logits_equals_bce_and_is_stable(batch):
    _, y = batch
    z = np.random.default_rng(2).normal(scale=3, size=y.shape)
    assert bce_with_logits(z, y) == pytest.approx(bce(sigmoid(z), y), rel=1e-10)
    numeric = numerical_gradient(lambda arr: bce_with_logits(arr, y), z.copy())
    np.testing.assert_allclose(numeric, (sigmoid(z) - y) / len(y), rtol=1e-6, atol=1e-10)
    big = np.array([[800.0], [-800.0]])
    assert bce_with_logits(big, np.array([[0.0], [1.0]])) == pytest.approx(800.0)
    assert bce_with_logits(big, np.array([[1.0], [0.0]])) == pytest.approx(0.0, abs=1e-300)


def test_bce_is_finite_at_saturated_outputs():
    a = np.array([[0.0], [1.0]])
    y = np.array([[1.0], [0.0]])
    assert np.isfinite(bce(a, y)) and bce(a, y) > 20
    assert np.all(np.isfinite(bce_grad(a, y)))
    assert bce(np.array([[1.0]]), np.array([[1.0]])) == pytest.approx(0.0, abs=1e-11)


def test_shape_mismatch_is_a_clear_error():
    a, y = np.zeros((5, 1)), np.zeros(5)
    with pytest.raises(ValueError, match=r"shape \(5, 1\).*shape \(5,\).*y.reshape\(-1, 1\)"):
        mse(a, y)
    with pytest.raises(ValueError, match="bce_grad: the output a has shape"):
        bce_grad(np.zeros((2, 2)), np.zeros((2, 3)))


def test_get_loss():
    assert get_loss("mse") == (mse, mse_grad)
    with pytest.raises(ValueError, match="unknown loss 'l2'; choose one of: bce, mse"):
        get_loss("l2")
