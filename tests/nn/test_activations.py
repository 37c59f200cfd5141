import warnings

import numpy as np
import pytest

from course.nn.activations import (
    ACTIVATIONS,
    get_activation,
    relu,
    relu_prime,
    sigmoid,
    sigmoid_prime,
    tanh,
    tanh_prime,
)
from course.nn.gradcheck import numerical_gradient


def test_sigmoid_known_values():
    assert sigmoid(0.0) == 0.5
    assert sigmoid(2.0) == pytest.approx(1 / (1 + np.exp(-2.0)), rel=1e-15)
    assert sigmoid(-2.0) == pytest.approx(1 - sigmoid(2.0), rel=1e-15)


@pytest.mark.parametrize("z", [1e3, -1e3, 1e5, -1e5, 745.0, -745.0, 1e308, -1e308])
def test_sigmoid_is_exact_and_silent_for_huge_inputs(z):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            value = sigmoid(z)
    assert value == (1.0 if z > 0 else 0.0) or (z < 0 and 0 <= value < 1e-300)
    assert np.isfinite(value)


def test_sigmoid_vectorized_matches_scalar_and_keeps_shape():
    z = np.linspace(-50, 50, 101).reshape(101, 1)
    out = sigmoid(z)
    assert out.shape == z.shape
    assert np.allclose(out[:, 0], [sigmoid(float(v)) for v in z[:, 0]], rtol=1e-15)
    assert isinstance(sigmoid(0.3), float)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_every_derivative_matches_central_differences(name):
    f, f_prime = get_activation(name)
    rng = np.random.default_rng(0)
    for z in rng.uniform(-4, 4, 25):
        if name == "relu" and abs(z) < 1e-3:
            continue
        numeric = numerical_gradient(lambda z: f(z), {"z": float(z)})["z"]
        assert f_prime(float(z)) == pytest.approx(numeric, rel=1e-6, abs=1e-9)


def test_named_functions_agree_with_table():
    assert get_activation("tanh") == (tanh, tanh_prime)
    assert get_activation("relu") == (relu, relu_prime)
    assert sigmoid_prime(0.0) == 0.25
    assert relu_prime(-1.0) == 0.0 and relu_prime(2.0) == 1.0


def test_unknown_activation_lists_known_names():
    with pytest.raises(ValueError, match="unknown activation 'softplus'.*relu.*sigmoid.*tanh"):
        get_activation("softplus")
