"""One ``check()`` call, as a learner's notebook makes it (goal: ≤ 20 ms median).

Rows of the "check" group:
- a wrong formula that goes through the whole catalogue and the probes (no entry matches);
- the worked example's mistake as a formula (named by the catalogue);
- a correct vectorized function, and a correct scalar-only (math.exp) function;
- the baseline: the reference alone at the same 49 points (what any checker must pay).
Every row includes recording the result in the progress file, as ``check`` does.
"""

from __future__ import annotations

import math

import pytest

from course import check
from course._grading.exercises import diamond
from course._grading.scalar import sample_points
from course.checks import CheckOptions

UNMATCHED = "d(zO)*(w4*d(z2)*w2 + w5*d(z3))*d(z1)*I"           # w3 missing on one path
WORKED_MISTAKE = "d(zO)*(d(z2)*d(z1)*I + d(z3)*d(z1)*I)"


def vectorized(I, w2, w3, w4, w5, z1, z2, z3, zO):
    from course.nn.activations import sigmoid_prime as d

    return d(zO) * (w4 * d(z2) * w2 + w5 * d(z3) * w3) * d(z1) * I


def scalar_only(I, w1, w2, w3, w4, w5):
    def s(x):
        return 1 / (1 + math.exp(-x))

    def d(x):
        return s(x) * (1 - s(x))
    z1 = I * w1 + 1
    z2, z3 = s(z1) * w2 + 1, s(z1) * w3 + 1
    zO = s(z2) * w4 + s(z3) * w5 + 1
    return d(zO) * (w4 * d(z2) * w2 + w5 * d(z3) * w3) * d(z1) * I


@pytest.fixture(autouse=True)
def learner_session(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_GRADING", raising=False)
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    check("diamond.dO_dw1", "d(zO)")            # registry loaded, as after a first check


@pytest.mark.benchmark(group="check")
def test_check_wrong_formula_full_diagnosis(benchmark):
    result = benchmark(check, "diamond.dO_dw1", UNMATCHED)
    assert not result.passed and result.details


@pytest.mark.benchmark(group="check")
def test_check_worked_example_mistake(benchmark):
    result = benchmark(check, "diamond.dO_dw1", WORKED_MISTAKE)
    assert result.mistake == "weights-dropped"


@pytest.mark.benchmark(group="check")
def test_check_correct_vectorized_function(benchmark):
    assert benchmark(check, "diamond.dO_dw1", vectorized).passed


@pytest.mark.benchmark(group="check")
def test_check_correct_scalar_only_function(benchmark):
    assert benchmark(check, "diamond.dO_dw1", scalar_only).passed


@pytest.mark.benchmark(group="check")
def test_reference_alone_baseline(benchmark):
    spec = diamond.SPECS["w1"]
    pts = sample_points(spec, CheckOptions(), diamond.VARIABLES)
    benchmark(lambda: spec.reference(**pts))
