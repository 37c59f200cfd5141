"""One ``check()`` of lesson 09's array exercises with the generated diagnosis (goal: ≤ 50 ms
median), beside a right answer and the old hand-catalogue path, in the same run.

    python -m pytest tests/benchmarks/test_bench_beyond_check.py -o addopts="" --benchmark-only -q

Rows of the "beyond-check" group, each a full ``check`` (cases, the learner's function on
copies, the overflow probe, diagnosis, recording the result); medians and 95th percentiles
are printed at the end.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from bench_report import write_summary

from course import check
from course._grading.exercises.beyond import relu, softmax

RESULTS: dict[str, tuple[float, float]] = {}


def _p(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def jacobian_on_top(Z, y):
    P = _p(Z)
    G = (P - np.eye(Z.shape[1])[y]) / len(Z)
    return np.stack([(np.diag(p) - np.outer(p, p)) @ g for p, g in zip(P, G)])


def jacobian_and_no_1_over_m(Z, y):
    return jacobian_on_top(Z, y) * len(Z)


def right_ce(Z, y):
    return (_p(Z) - np.eye(Z.shape[1])[y]) / len(Z)


def leaky_two_slips(dA, Z, alpha):
    return dA * np.where(dA > 0, alpha, 1)


def softmax_max_over_columns(Z):
    E = np.exp(Z - Z.max(axis=0))
    return E / E.sum(axis=1, keepdims=True)


@pytest.fixture(autouse=True)
def learner_session(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_GRADING", raising=False)
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    check("softmax.ce_grad", right_ce)               # registry loaded, as after a first check


def _run(benchmark, name, eid, answer, expect):
    result = benchmark(check, eid, answer)
    assert result.passed == (expect == "pass")
    assert expect == "pass" or result.mistake == expect, str(result)
    times = np.array(benchmark.stats.stats.data)
    RESULTS[name] = (float(np.median(times)), float(np.percentile(times, 95)))


@pytest.mark.benchmark(group="beyond-check")
def test_ce_grad_right(benchmark):
    _run(benchmark, "softmax.ce_grad: right", "softmax.ce_grad", right_ce, "pass")


@pytest.mark.benchmark(group="beyond-check")
def test_ce_grad_one_edit(benchmark):
    _run(benchmark, "softmax.ce_grad: Jacobian on top (one edit)", "softmax.ce_grad",
         jacobian_on_top, "jacobian-on-top")


@pytest.mark.benchmark(group="beyond-check")
def test_ce_grad_pair(benchmark):
    _run(benchmark, "softmax.ce_grad: Jacobian and no 1/m (pair)", "softmax.ce_grad",
         jacobian_and_no_1_over_m, "two-slips")


@pytest.mark.benchmark(group="beyond-check")
def test_ce_grad_old_catalogue_path(benchmark, monkeypatch):
    """The old path: the hand catalogue's Jacobian entry (restored), no program."""
    old = dataclasses.replace(softmax.CE_GRAD, program=None, mistakes=(
        softmax.ArrayMistake("jacobian-on-top", "", lambda c: {"dL/dZ": jacobian_on_top(
            c.extra["Z"], c.extra["y"])}, "the Jacobian on top"), *softmax.CE_GRAD.mistakes))
    monkeypatch.setattr(softmax, "CE_GRAD", old)
    _run(benchmark, "softmax.ce_grad: old catalogue path", "softmax.ce_grad", jacobian_on_top,
         "jacobian-on-top")


@pytest.mark.benchmark(group="beyond-check")
def test_softmax_one_edit_with_the_probe(benchmark):
    _run(benchmark, "softmax.forward: max over the columns", "softmax.forward",
         softmax_max_over_columns, "max-wrong-axis")


@pytest.mark.benchmark(group="beyond-check")
def test_leaky_pair(benchmark):
    _run(benchmark, "relu.leaky_backward: two slips (pair)", "relu.leaky_backward",
         leaky_two_slips, "two-slips")


@pytest.mark.benchmark(group="beyond-check")
def test_relu_one_edit(benchmark):
    _run(benchmark, "relu.backward: dA * Z (one edit)", "relu.backward", lambda dA, Z: dA * Z,
         "times-Z")


def learner_step(labels=False, mask=True):
    """A learner's digits step with the labels as numbers and/or the ReLU's mask left out."""
    def step(params, X, y, lr):
        m = len(X)
        Z1 = X @ params["W1"] + params["b1"]
        A1 = np.maximum(Z1, 0)
        P = _p(A1 @ params["W2"] + params["b2"])
        loss = -np.log(P[np.arange(m), y]).mean()
        dZ2 = (P - (y[:, None] if labels else np.eye(10)[y])) / m
        dA1 = dZ2 @ params["W2"].T
        dZ1 = dA1 * (Z1 > 0) if mask else dA1
        grads = {"W2": A1.T @ dZ2, "b2": dZ2.sum(0, keepdims=True), "W1": X.T @ dZ1,
                 "b1": dZ1.sum(0, keepdims=True)}
        for k, g in grads.items():
            params[k] -= lr * g
        return loss
    return step


@pytest.mark.benchmark(group="beyond-check")
def test_digits_step_one_edit(benchmark):
    _run(benchmark, "digits.step: no ReLU mask (one edit)", "digits.step",
         learner_step(mask=False), "no-relu-mask")


@pytest.mark.benchmark(group="beyond-check")
def test_digits_step_pair(benchmark):
    _run(benchmark, "digits.step: labels and no mask (pair)", "digits.step",
         learner_step(labels=True, mask=False), "two-slips")


assert relu.RELU.program is not None                # the generated path is the one measured


@pytest.fixture(scope="module", autouse=True)
def summary(request):
    yield
    write_summary(request, "one check() of a lesson-09 array exercise",
                  [f"{name:48s} median {m * 1e3:6.1f} ms   p95 {p * 1e3:6.1f} ms"
                   for name, (m, p) in RESULTS.items()])
