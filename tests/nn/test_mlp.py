"""Tests for course.nn.mlp: shapes, BP1-BP4 against central differences, SGD step, dtype."""

import numpy as np
import pytest

from course.nn.activations import get_activation
from course.nn.gradcheck import numerical_gradient
from course.nn.losses import bce, mse
from course.nn.mlp import MLP, flatten_grads


def data(n_in=3, n_out=2, m=7, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n_in))
    y = (rng.random((m, n_out)) > 0.5).astype(float)
    return X, y


def assert_grads_match_numeric(net, X, y, loss):
    """Every dW, db of loss_and_grads against central differences of the loss."""
    _, grads = net.loss_and_grads(X, y, loss)
    for param, grad in zip(net.parameters(), flatten_grads(grads), strict=True):
        numeric = numerical_gradient(lambda _: net.loss_and_grads(X, y, loss)[0], param)
        assert grad.shape == param.shape
        # atol: the round-off of a central difference of an O(1) loss is ~1e-10
        np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("sizes, activation, output, loss", [
    ((3, 5, 2), "sigmoid", "sigmoid", "mse"),
    ((3, 5, 2), "sigmoid", "sigmoid", "bce"),
    ((3, 4, 4, 2), "tanh", "linear", "mse"),
    ((3, 6, 5, 2), "relu", "sigmoid", "bce"),
    ((3, 4, 3, 4, 2), ["tanh", "relu", "sigmoid"], "tanh", "mse"),
    ((3, 2), "sigmoid", "sigmoid", "bce"),                  # no hidden layer
    ((3, 4, 2), "linear", "linear", "mse"),
])
def test_gradients_match_central_differences(sizes, activation, output, loss):
    net = MLP(sizes, activation=activation, output_activation=output, seed=3)
    for b in net.biases:                                    # non-zero biases reach BP3
        b += np.random.default_rng(4).normal(scale=0.1, size=b.shape)
    assert_grads_match_numeric(net, *data(), loss)


def test_backward_from_a_custom_dA_L_matches_numeric():
    net = MLP((3, 4, 2), activation="tanh", output_activation="sigmoid", seed=1)
    X, _ = data()
    C = np.random.default_rng(5).normal(size=(7, 2))          # L = sum(C * A_L)
    A_L, cache = net.forward(X, cache=True)
    grads = net.backward(cache, C)
    numeric = numerical_gradient(lambda _: float(np.sum(C * net.forward(X))), net.weights[0])
    np.testing.assert_allclose(grads["W"][0], numeric, rtol=1e-6, atol=1e-10)
    assert sorted(grads) == ["W", "b"] and len(grads["W"]) == 2


def test_forward_matches_the_layer_equations_and_cache():
    net = MLP((2, 3, 1), activation="relu", output_activation="sigmoid", seed=0)
    X, _ = data(n_in=2, n_out=1)
    A_L, cache = net.forward(X, cache=True)
    relu, sigmoid = get_activation("relu")[0], get_activation("sigmoid")[0]
    Z1 = X @ net.weights[0] + net.biases[0]
    Z2 = relu(Z1) @ net.weights[1] + net.biases[1]
    np.testing.assert_allclose(cache[0]["Z"], Z1, rtol=1e-14)
    np.testing.assert_allclose(A_L, sigmoid(Z2), rtol=1e-13, atol=1e-16)
    assert cache[0]["A_prev"] is not None and cache[1]["A_prev"].shape == (7, 3)
    np.testing.assert_array_equal(net.forward(X), A_L)


def test_shapes_and_init_convention():
    net = MLP((4, 8, 3), activation="relu", seed=0)
    assert [W.shape for W in net.weights] == [(4, 8), (8, 3)]
    assert [b.shape for b in net.biases] == [(1, 8), (1, 3)]
    assert all(np.all(b == 0) for b in net.biases)
    wide = MLP((1000, 1000, 1000, 1), activation=["relu", "tanh"], seed=0)
    assert wide.weights[0].std() == pytest.approx(np.sqrt(2 / 1000), rel=0.02)      # He
    assert wide.weights[1].std() == pytest.approx(np.sqrt(2 / 2000), rel=0.02)      # Xavier
    assert net.activations == ["relu", "sigmoid"]


def test_seed_determinism_and_copy_independence():
    a, b, c = MLP((2, 5, 1), seed=7), MLP((2, 5, 1), seed=7), MLP((2, 5, 1), seed=8)
    np.testing.assert_array_equal(a.weights[0], b.weights[0])
    assert not np.array_equal(a.weights[0], c.weights[0])
    d = a.copy()
    d.weights[0][0, 0] += 1.0
    assert a.weights[0][0, 0] != d.weights[0][0, 0]
    assert repr(d) == repr(a)


@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_step_is_sgd_on_loss_and_grads(loss):
    X, y = data()
    net = MLP((3, 4, 2), activation="tanh", seed=2)
    reference = net.copy()
    before, grads = reference.loss_and_grads(X, y, loss)
    for p, g in zip(reference.parameters(), flatten_grads(grads), strict=True):
        p -= 0.3 * g
    for _ in range(2):                        # the second call reuses the buffers
        assert net.copy().step(X, y, lr=0.3, loss=loss) == pytest.approx(before, rel=1e-12)
    assert net.step(X, y, lr=0.3, loss=loss) == pytest.approx(before, rel=1e-12)
    for p, q in zip(net.parameters(), reference.parameters(), strict=True):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-15)
    assert net.loss_and_grads(X, y, loss)[0] < before


def test_loss_values_follow_course_losses():
    X, y = data()
    net = MLP((3, 4, 2), seed=0)
    assert net.loss_and_grads(X, y, "mse")[0] == pytest.approx(mse(net.forward(X), y))
    assert net.loss_and_grads(X, y, "bce")[0] == pytest.approx(bce(net.forward(X), y))


def test_float32_keeps_dtype_and_agrees_with_float64():
    X, y = data()
    n64 = MLP((3, 8, 2), activation="relu", seed=0)
    n32 = MLP((3, 8, 2), activation="relu", seed=0, dtype=np.float32)
    assert all(p.dtype == np.float32 for p in n32.parameters())
    assert n32.forward(X).dtype == np.float32
    l64, g64 = n64.loss_and_grads(X, y, "bce")
    l32, g32 = n32.loss_and_grads(X, y, "bce")
    assert l32 == pytest.approx(l64, rel=1e-5)
    np.testing.assert_allclose(g32["W"][0], g64["W"][0], rtol=1e-4, atol=1e-6)
    n32.step(X, y, 0.1, "bce")
    assert all(p.dtype == np.float32 for p in n32.parameters())


def test_predict_gives_labels_shaped_like_targets():
    net = MLP((2, 3, 1), seed=0)
    X = np.random.default_rng(0).normal(size=(5, 2))
    pred = net.predict(X)
    assert pred.shape == (5, 1) and set(np.unique(pred)) <= {0.0, 1.0}
    np.testing.assert_array_equal(pred, (net.forward(X) >= 0.5).astype(float))
    multi = MLP((2, 3, 4), seed=0).predict(X)
    assert multi.shape == (5, 4) and np.all(multi.sum(axis=1) == 1)


def test_saturated_sigmoid_output_stays_finite_with_bce():
    net = MLP((1, 1), output_activation="sigmoid", seed=0)
    net.weights[0][:] = 1000.0
    X, y = np.array([[1.0], [-1.0]]), np.array([[0.0], [1.0]])
    loss, grads = net.loss_and_grads(X, y, "bce")
    assert loss == pytest.approx(1000.0)                    # exact, not clipped at 27.6
    assert np.all(np.isfinite(grads["W"][0]))


def test_bad_input_messages():
    with pytest.raises(ValueError, match=r"at least two positive layer widths"):
        MLP((3,))
    with pytest.raises(ValueError, match=r"lists 1 names but sizes=\(2, 3, 3, 1\) has 2 hidden"):
        MLP((2, 3, 3, 1), activation=["relu"])
    with pytest.raises(ValueError, match=r"unknown activation 'gelu'; choose one of"):
        MLP((2, 3, 1), activation="gelu")
    with pytest.raises(ValueError, match=r"dtype must be np.float32 or np.float64"):
        MLP((2, 1), dtype=np.int32)
    net = MLP((2, 3, 1))
    with pytest.raises(ValueError, match=r"X has shape \(2,\).*expects \(batch, 2\)"):
        net.forward(np.zeros(2))
    with pytest.raises(ValueError, match=r"y has shape \(4,\).*\(4, 1\).*y.reshape\(-1, 1\)"):
        net.loss_and_grads(np.zeros((4, 2)), np.zeros(4))
    with pytest.raises(ValueError, match=r"unknown loss 'hinge'"):
        net.step(np.zeros((4, 2)), np.zeros((4, 1)), 0.1, loss="hinge")
    with pytest.raises(ValueError, match=r"loss='bce' needs outputs in \(0, 1\).*'linear'"):
        MLP((2, 1), output_activation="linear").loss_and_grads(np.zeros((1, 2)), np.ones((1, 1)),
                                                               "bce")
    A_L, cache = net.forward(np.zeros((4, 2)), cache=True)
    with pytest.raises(ValueError, match=r"dA_L has shape \(4,\) but the output A_L"):
        net.backward(cache, np.zeros(4))


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_a_float32_mlp_stays_float32_while_it_trains(activation):
    from course.nn.datasets import make_xor
    from course.nn.train import train

    X, y = make_xor(n=40, seed=0)
    net = MLP((2, 6, 1), activation=activation, seed=0, dtype=np.float32)
    history = train(net, X.astype(np.float32), y.astype(np.float32), epochs=20, lr=0.5,
                    loss="bce", batch_size=10)
    assert all(p.dtype == np.float32 for p in net.parameters())
    A_L, cache = net.forward(X, cache=True)
    assert A_L.dtype == np.float32
    assert all(layer[k].dtype == np.float32 for layer in cache for k in ("Z", "A"))
    _, grads = net.loss_and_grads(X, y, "bce")
    assert all(g.dtype == np.float32 for g in grads["W"] + grads["b"])
    assert history["loss"][-1] < history["loss"][0]


def test_sigmoid_layers_use_the_accurate_derivative_where_they_saturate():
    net = MLP((1, 1), activation="sigmoid", output_activation="sigmoid", seed=0)
    net.weights[0][...] = 1.0
    X, y = np.array([[40.0]]), np.array([[0.0]])               # z = 40: s(z) rounds near 1
    _, grads = net.loss_and_grads(X, y, "mse")
    s = 1 / (1 + np.exp(-40.0))
    exact_prime = np.exp(-40.0) / (1 + np.exp(-40.0)) ** 2
    assert grads["b"][0][0, 0] == pytest.approx((s - 0) * exact_prime, rel=1e-12)
