"""One ``check()`` of a wrong ``dense.backward`` answer: the generated search vs the old
catalogue path, in the same run (goal: ≤ 50 ms median with the generated search).

    python -m pytest tests/benchmarks/test_bench_matrix_check.py -o addopts="" --benchmark-only -q

Rows of the "matrix-check" group, each a full ``check`` (cases, the learner's function on
copies, diagnosis, recording the result):
- ``generated``: s′ taken of dA — only the generated edits name it (one edit);
- ``generated-pair``: two slips at once (the pair search runs);
- ``catalogue``: the same wrong answers with the program taken away (the old path: the
  hand catalogue, then the generic probes), and a mistake the catalogue names;
- ``shape-error``: a matmul error read from the failing line.
The medians and 95th percentiles are printed at the end.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from bench_report import write_summary

from course import check
from course._grading.exercises.dense import layer
from course.nn.activations import sigmoid_prime

RESULTS: dict[str, tuple[float, float]] = {}


def s_prime_of_dA(dA, A_prev, W, Z):
    dZ = dA * sigmoid_prime(dA)
    return A_prev.T @ dZ, dZ.sum(axis=0, keepdims=True), dZ @ W.T


def two_slips(dA, A_prev, W, Z):
    dZ = dA * sigmoid_prime(Z)
    return A_prev.T @ dZ, dZ.sum(axis=0, keepdims=True), dA @ W.T / len(dA)


def missing_s_prime(dA, A_prev, W, Z):
    return A_prev.T @ dA, dA.sum(axis=0, keepdims=True), dA @ W.T


def matmul_error(dA, A_prev, W, Z):
    dZ = dA * sigmoid_prime(Z)
    return A_prev @ dZ, dZ.sum(axis=0, keepdims=True), dZ @ W.T


@pytest.fixture(autouse=True)
def learner_session(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_GRADING", raising=False)
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    check("dense.backward", missing_s_prime)        # registry loaded, as after a first check


@pytest.fixture
def old_path(monkeypatch):
    """The catalogue path: the same exercise without its program (no generated edits)."""
    monkeypatch.setattr(layer, "BACKWARD", dataclasses.replace(layer.BACKWARD, program=None))


def _run(benchmark, name, answer, expect):
    result = benchmark(check, "dense.backward", answer)
    assert not result.passed and result.mistake == expect, str(result)
    times = np.array(benchmark.stats.stats.data)
    RESULTS[name] = (float(np.median(times)), float(np.percentile(times, 95)))


@pytest.mark.benchmark(group="matrix-check")
def test_generated_one_edit(benchmark):
    _run(benchmark, "generated: s′ of dA (one edit)", s_prime_of_dA, "s-prime-of-wrong-array")


@pytest.mark.benchmark(group="matrix-check")
def test_generated_pair(benchmark):
    _run(benchmark, "generated: two slips (pair search)", two_slips, "two-slips")


@pytest.mark.benchmark(group="matrix-check")
def test_generated_catalogue_mistake(benchmark):
    _run(benchmark, "generated path, a catalogue mistake", missing_s_prime, "missing-s-prime")


@pytest.mark.benchmark(group="matrix-check")
def test_shape_error_read_from_the_line(benchmark):
    _run(benchmark, "shape error read from the line", matmul_error, "shape-error")


@pytest.mark.benchmark(group="matrix-check")
def test_old_catalogue_path_unnamed(benchmark, old_path):
    _run(benchmark, "old catalogue path: s′ of dA (unnamed)", s_prime_of_dA, None)


@pytest.mark.benchmark(group="matrix-check")
def test_old_catalogue_path_named(benchmark, old_path):
    _run(benchmark, "old catalogue path, a catalogue mistake", missing_s_prime,
         "missing-s-prime")


@pytest.fixture(scope="module", autouse=True)
def summary(request):
    yield
    write_summary(request, "one check() of a wrong dense.backward answer",
                  [f"{name:45s} median {m * 1e3:6.1f} ms   p95 {p * 1e3:6.1f} ms"
                   for name, (m, p) in RESULTS.items()])
