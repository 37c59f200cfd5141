"""Benchmarks of one MLP training step (forward + backward + SGD update), issue 6.

Run with::

    python -m pytest tests/benchmarks/test_bench_train.py -o addopts="" --benchmark-only -q

Each benchmark group puts ``course.nn.mlp.MLP.step`` beside a baseline doing the same
computation on the same data from the same initial weights (checked before timing), so the
ratio in parentheses in pytest-benchmark's table is the comparison (1.0 = the fastest):

* ``step tiny 2-16-16-1 m=200 <dtype>``: vs PyTorch on CPU (goal: course no slower);
* ``step 784-256-10 m=256 float32``: vs PyTorch (goal: course within 1.2x) and vs the bare
  numpy matmuls of the step (the floor; gives the achieved vs bare GFLOP/s);
* ``step vs micrograd 2-16-16-1 m=32``: vs micrograd's scalar autograd (goal: >= 100x).

PyTorch (``pip install torch==2.13.0``, a CPU build) and micrograd are optional: their
benchmarks are skipped when missing. A summary of the ratios is printed at the end.
"""

import numpy as np
import pytest
from bench_report import write_summary

from course.nn.datasets import load
from course.nn.mlp import MLP

LR = 1e-3                                   # small: the weights barely move while timing
RESULTS = {}                                # (group, who) -> min seconds of one step


def _record(benchmark, group, who):
    RESULTS[(group, who)] = benchmark.stats.stats.min


def _step_flops(sizes, m):
    """Multiply-adds x2 of the step's matmuls: forward A@W, backward A.T@delta and
    delta@W.T (the last one skipped for the input layer)."""
    pairs = list(zip(sizes[:-1], sizes[1:], strict=True))
    forward = sum(2 * m * n_in * n_out for n_in, n_out in pairs)
    backward = forward + sum(2 * m * n_in * n_out for n_in, n_out in pairs[1:])
    return forward + backward


def _summary():
    def t(group, who):
        return RESULTS.get((group, who))

    lines = []
    for dtype in ("float64", "float32"):
        g = f"step tiny 2-16-16-1 m=200 {dtype}"
        if t(g, "course") and t(g, "torch"):
            lines.append(f"tiny {dtype}: course {t(g, 'course') * 1e6:.0f} us, torch "
                         f"{t(g, 'torch') * 1e6:.0f} us -> torch/course = "
                         f"{t(g, 'torch') / t(g, 'course'):.2f}x (goal >= 1)")
    g = "step 784-256-10 m=256 float32"
    if t(g, "course") and t(g, "torch"):
        lines.append(f"784-256-10 float32: course {t(g, 'course') * 1e3:.2f} ms, torch "
                     f"{t(g, 'torch') * 1e3:.2f} ms -> course/torch = "
                     f"{t(g, 'course') / t(g, 'torch'):.2f} (goal <= 1.2)")
    if t(g, "course") and t(g, "numpy-matmuls"):
        flops = _step_flops((784, 256, 10), 256)
        lines.append(f"784-256-10 float32: step {flops / t(g, 'course') / 1e9:.0f} GFLOP/s vs "
                     f"bare matmuls {flops / t(g, 'numpy-matmuls') / 1e9:.0f} GFLOP/s "
                     f"({t(g, 'numpy-matmuls') / t(g, 'course'):.0%})")
    g = "step vs micrograd 2-16-16-1 m=32"
    if t(g, "course") and t(g, "micrograd"):
        lines.append(f"micrograd: course {t(g, 'course') * 1e6:.0f} us, micrograd "
                     f"{t(g, 'micrograd') * 1e3:.0f} ms -> micrograd/course = "
                     f"{t(g, 'micrograd') / t(g, 'course'):.0f}x (goal >= 100)")
    return lines


@pytest.fixture(scope="module", autouse=True)
def print_summary(request):
    yield
    write_summary(request, "MLP train-step ratios (min times, same run)", _summary())


# ---- PyTorch twin of an MLP -------------------------------------------------------------
def torch_twin(net, X, y):
    """The same network, data and SGD step in PyTorch; returns a ``step()`` callable."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    dtype = {"float32": torch.float32, "float64": torch.float64}[net.dtype.name]
    act = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}
    layers = []
    for l, (W, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        linear = torch.nn.Linear(*W.shape, dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W.T.copy()))      # torch stores (out, in)
            linear.bias.copy_(torch.from_numpy(b[0].copy()))
        layers.append(linear)
        if l < len(net.weights) - 1:
            layers.append(act[net.activations[l]]())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    Xt, yt, m = torch.from_numpy(X), torch.from_numpy(y), len(X)

    def step():
        opt.zero_grad()
        # course's BCE: mean over the batch of the sum over outputs
        loss = F.binary_cross_entropy_with_logits(model(Xt), yt, reduction="sum") / m
        loss.backward()
        opt.step()
        return loss.item()

    def weights():
        return [lin.weight.detach().numpy().T for lin in model if isinstance(lin, torch.nn.Linear)]

    return step, weights


def assert_same_step(net, step, weights, X, y, rtol):
    """One step of each from the same start gives the same loss and weights."""
    ours = net.copy()
    loss = ours.step(X, y, LR, loss="bce")
    assert step() == pytest.approx(loss, rel=rtol)
    for W_ours, W_theirs in zip(ours.weights, weights(), strict=True):
        np.testing.assert_allclose(W_theirs, W_ours, rtol=rtol, atol=rtol * 1e-2)


def tiny_problem(dtype):
    X, y = load("moons", n=200, noise=0.2)
    net = MLP((2, 16, 16, 1), activation="tanh", output_activation="sigmoid", seed=0,
              dtype=dtype)
    return net, X.astype(dtype), y.astype(dtype)


def big_problem():
    rng = np.random.default_rng(0)
    X = rng.random((256, 784), dtype=np.float32)                 # an MNIST-sized batch
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 256)]   # one-hot targets
    net = MLP((784, 256, 10), activation="relu", output_activation="sigmoid", seed=0,
              dtype=np.float32)
    return net, X, y


# ---- tiny net: course vs torch ----------------------------------------------------------
@pytest.mark.benchmark(min_rounds=20)
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("who", ["course", "torch"])
def test_step_tiny(benchmark, who, dtype):
    group = f"step tiny 2-16-16-1 m=200 {np.dtype(dtype).name}"
    benchmark.group = group
    net, X, y = tiny_problem(dtype)
    if who == "torch":
        step, weights = torch_twin(net, X, y)
        assert_same_step(net, step, weights, X, y, rtol=1e-9 if dtype == np.float64 else 1e-4)
        benchmark(step)
    else:
        benchmark(net.step, X, y, LR, "bce")
    _record(benchmark, group, who)


# ---- 784-256-10: course vs torch vs the bare matmuls --------------------------------------
@pytest.mark.benchmark(min_rounds=20)
@pytest.mark.parametrize("who", ["course", "torch", "numpy-matmuls"])
def test_step_784_256_10(benchmark, who):
    group = "step 784-256-10 m=256 float32"
    benchmark.group = group
    net, X, y = big_problem()
    if who == "torch":
        step, weights = torch_twin(net, X, y)
        assert_same_step(net, step, weights, X, y, rtol=1e-4)
        benchmark(step)
    elif who == "numpy-matmuls":
        W1, W2 = net.weights
        A1, A2 = np.empty((256, 256), np.float32), np.empty((256, 10), np.float32)
        dW1, dW2, dA1 = np.empty_like(W1), np.empty_like(W2), np.empty_like(A1)

        def matmuls_only():                  # the five matmuls of the step, nothing else
            np.matmul(X, W1, out=A1)
            np.matmul(A1, W2, out=A2)
            np.matmul(A1.T, A2, out=dW2)
            np.matmul(A2, W2.T, out=dA1)
            np.matmul(X.T, dA1, out=dW1)

        benchmark(matmuls_only)
    else:
        benchmark(net.step, X, y, LR, "bce")
    flops = _step_flops(net.sizes, len(X))
    benchmark.extra_info["GFLOP/s"] = round(flops / benchmark.stats.stats.min / 1e9, 1)
    _record(benchmark, group, who)


# ---- tiny task: course vs micrograd ------------------------------------------------------
@pytest.mark.parametrize("who", ["course", "micrograd"])
def test_step_vs_micrograd(benchmark, who):
    group = "step vs micrograd 2-16-16-1 m=32"
    benchmark.group = group
    X, y = load("moons", n=32, noise=0.2)
    # micrograd's MLP: ReLU hidden layers, a linear output; the loss here is MSE
    net = MLP((2, 16, 16, 1), activation="relu", output_activation="linear", seed=0)
    if who == "course":
        benchmark(net.step, X, y, LR, "mse")
    else:
        nn = pytest.importorskip("micrograd.nn")
        mnet = nn.MLP(2, [16, 16, 1])
        for layer, W, b in zip(mnet.layers, net.weights, net.biases, strict=True):
            for j, neuron in enumerate(layer.neurons):
                for i, w in enumerate(neuron.w):
                    w.data = float(W[i, j])
                neuron.b.data = float(b[0, j])
        params, Xv, yv, m = mnet.parameters(), X.tolist(), y[:, 0].tolist(), len(X)

        def step():
            mnet.zero_grad()
            loss = sum((mnet(x) - t) ** 2 for x, t in zip(Xv, yv, strict=True)) * (0.5 / m)
            loss.backward()
            for p in params:
                p.data -= LR * p.grad
            return loss.data

        ours = net.copy()
        assert step() == pytest.approx(ours.step(X, y, LR, "mse"), rel=1e-10)
        np.testing.assert_allclose(mnet.layers[0].neurons[3].w[1].data, ours.weights[0][1, 3],
                                   rtol=1e-10)
        benchmark.pedantic(step, rounds=3, iterations=1, warmup_rounds=0)
    _record(benchmark, group, who)
