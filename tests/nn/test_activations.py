import warnings
from decimal import Decimal, localcontext

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


# ---- accuracy in the tails, against 50-digit references (Python's decimal) --------------------

def _exp(x: float) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        return Decimal(x).exp()


def exact_sigmoid(z: float) -> float:
    with localcontext() as ctx:
        ctx.prec = 60
        return float(1 / (1 + _exp(-z)))


def exact_sigmoid_prime(z: float) -> float:
    with localcontext() as ctx:
        ctx.prec = 60
        e = _exp(-z)
        return float(e / (1 + e) ** 2)


def exact_tanh_prime(z: float) -> float:
    with localcontext() as ctx:
        ctx.prec = 60
        return float(4 / (_exp(z) + _exp(-z)) ** 2)


TAILS = [-700.0, -300.0, -50.0, -30.0, -20.0, -5.0, -0.5, 0.0, 0.5, 5.0, 20.0, 30.0, 50.0,
         300.0, 700.0]


@pytest.mark.parametrize("z", TAILS)
def test_sigmoid_and_its_derivative_to_1e_12_everywhere(z):
    assert sigmoid(z) == pytest.approx(exact_sigmoid(z), rel=1e-12, abs=0)
    assert sigmoid_prime(z) == pytest.approx(exact_sigmoid_prime(z), rel=1e-12, abs=0)


@pytest.mark.parametrize("z", [-350.0, -100.0, -20.0, -3.0, 0.0, 1.5, 20.0, 100.0, 350.0])
def test_tanh_prime_to_1e_12_far_in_the_tails(z):
    assert tanh_prime(z) == pytest.approx(exact_tanh_prime(z), rel=1e-12, abs=0)
    assert tanh_prime(z) > 0                        # 1 - tanh(z)**2 is exactly 0 from |z| ≈ 19


def test_the_numbers_of_the_issue():
    assert sigmoid_prime(50.0) == pytest.approx(1.9287498479639178e-22, rel=1e-12, abs=0)
    assert sigmoid_prime(-50.0) == pytest.approx(1.9287498479639178e-22, rel=1e-12, abs=0)
    assert sigmoid(-700.0) == pytest.approx(9.859676543759770e-305, rel=1e-12, abs=0)
    s = sigmoid(30.0)
    exact = exact_sigmoid_prime(30.0)
    assert s * (1 - s) != pytest.approx(exact, rel=1e-6, abs=0)     # s(1 - s) loses digits
    assert sigmoid_prime(30.0) == pytest.approx(exact, rel=1e-14, abs=0)
    assert sigmoid(50.0) * (1 - sigmoid(50.0)) == 0.0                # ... and here all of them


@pytest.mark.parametrize("f", [sigmoid, sigmoid_prime, tanh, tanh_prime, relu, relu_prime])
def test_no_warning_for_any_float(f):
    z = np.array([-1e308, -1e5, -1e3, -745.0, -710.0, 0.0, 710.0, 745.0, 1e3, 1e5, 1e308,
                  np.inf, -np.inf])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            out = f(z)
            scalars = [f(float(v)) for v in z]
    assert not np.any(np.isnan(out))
    assert np.array_equal(out, scalars)


# ---- derivatives against central differences, also away from the origin -------------------------

@pytest.mark.parametrize("f, f_prime", [(sigmoid, sigmoid_prime), (tanh, tanh_prime)])
@pytest.mark.parametrize("z", [-12.0, -6.0, -1.0, 0.0, 0.3, 2.0, 7.0, 12.0])
def test_derivative_matches_central_differences(f, f_prime, z):
    eps = 1e-5 * max(1.0, abs(z))
    numeric = (f(z + eps) - f(z - eps)) / (2 * eps)
    assert f_prime(z) == pytest.approx(numeric, rel=1e-5, abs=1e-11)


# ---- dtypes and kinds ---------------------------------------------------------------------------

#: numpy 2's scalar promotion (NEP 50); the declared floor, numpy 1.24, predates it
NEP50 = np.lib.NumpyVersion(np.__version__) >= "2.0.0"


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_arrays_keep_their_float_dtype_and_numbers_give_floats(name):
    f, f_prime = get_activation(name)
    z32 = np.linspace(-3, 3, 7, dtype=np.float32).reshape(7, 1)
    for g in (f, f_prime):
        assert g(z32).dtype == np.float32 and g(z32).shape == (7, 1)
        assert g(z32.astype(np.float64)).dtype == np.float64
        assert g(np.arange(3)).dtype == np.float64        # integers become float64
        assert type(g(0.7)) is float and type(g(2)) is float
        if NEP50:   # numpy < 2 promotes a float32 scalar with a Python float to float64
            assert isinstance(g(np.float32(0.7)), np.float32)


def test_float32_sigmoid_is_accurate_in_float32():
    z = np.array([-80.0, -20.0, 0.0, 20.0, 80.0], dtype=np.float32)
    expected = np.array([exact_sigmoid_prime(float(v)) for v in z])
    assert np.allclose(sigmoid_prime(z), expected, rtol=1e-6, atol=0)
