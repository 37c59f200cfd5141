"""Benchmark: one epoch of lesson 10's capstone — the 64-32-10 ReLU/softmax network on the
1,347 training digits, batches of 32 — with the course's reference step vs the same network,
data, batches and SGD in PyTorch on the CPU (issue 18: course ≤ 1.2× torch).

Run with::

    python -m pytest tests/benchmarks/test_bench_digits.py -o addopts="" --benchmark-only -q

PyTorch is optional (``pip install torch==2.13.0``, a CPU build): its benchmark is skipped
when it is missing. Both sides are checked to compute the same epoch before timing.
"""

from __future__ import annotations

import numpy as np
import pytest
from bench_report import write_summary

from course._grading.exercises.digits import reference as ref

LR, BATCH = 0.5, 32
RESULTS = {}


@pytest.fixture(scope="module")
def problem():
    X, y, _, _ = ref.digits_split()
    order = np.random.default_rng(0).permutation(len(X))
    batches = [order[i:i + BATCH] for i in range(0, len(X), BATCH)]
    return X, y, batches


def course_epoch(params, X, y, batches):
    total = 0.0
    for idx in batches:
        total += ref.step(params, X[idx], y[idx], LR) * len(idx)
    return total / len(X)


def torch_epoch_factory(params, X, y, batches):
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    F = torch.nn.functional
    l1, l2 = torch.nn.Linear(64, 32, dtype=torch.float64), torch.nn.Linear(32, 10,
                                                                           dtype=torch.float64)
    with torch.no_grad():
        for lin, W, b in ((l1, params["W1"], params["b1"]), (l2, params["W2"], params["b2"])):
            lin.weight.copy_(torch.from_numpy(W.T.copy()))
            lin.bias.copy_(torch.from_numpy(b[0].copy()))
    model = torch.nn.Sequential(l1, torch.nn.ReLU(), l2)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    data = [(torch.from_numpy(X[idx]), torch.from_numpy(y[idx])) for idx in batches]

    def epoch():
        total = 0.0
        for Xb, yb in data:
            opt.zero_grad()
            loss = F.cross_entropy(model(Xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(Xb)
        return total / len(X)

    return epoch, model


@pytest.fixture(scope="module", autouse=True)
def print_summary(request):
    yield
    lines = []
    if "course" in RESULTS and "torch" in RESULTS:
        lines.append(f"digits epoch (43 steps): course {RESULTS['course'] * 1e3:.1f} ms, torch "
                     f"{RESULTS['torch'] * 1e3:.1f} ms -> course/torch = "
                     f"{RESULTS['course'] / RESULTS['torch']:.2f} (goal <= 1.2)")
    write_summary(request, "digits capstone epoch (min times, same run)", lines)


def test_torch_twin_computes_the_same_epoch(problem):
    X, y, batches = problem
    ours, theirs = ref.init_params(0), ref.init_params(0)
    epoch, model = torch_epoch_factory(theirs, X, y, batches)
    assert epoch() == pytest.approx(course_epoch(ours, X, y, batches), rel=1e-9)
    np.testing.assert_allclose(model[0].weight.detach().numpy().T, ours["W1"], rtol=1e-8,
                               atol=1e-12)


@pytest.mark.benchmark(group="digits epoch", min_rounds=10)
def test_bench_course_epoch(benchmark, problem):
    X, y, batches = problem
    params = ref.init_params(0)
    benchmark(course_epoch, params, X, y, batches)
    RESULTS["course"] = benchmark.stats.stats.min


@pytest.mark.benchmark(group="digits epoch", min_rounds=10)
def test_bench_torch_epoch(benchmark, problem):
    X, y, batches = problem
    epoch, _ = torch_epoch_factory(ref.init_params(0), X, y, batches)
    benchmark(epoch)
    RESULTS["torch"] = benchmark.stats.stats.min
