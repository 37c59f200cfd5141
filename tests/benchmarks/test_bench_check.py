"""One ``check()`` call, as a learner's notebook makes it (goal: ≤ 20 ms median).

Rows of the "check" group:
- a wrong formula named by the generated search (one edit of the sum over paths: a weight
  left out on one path), and one named by a pair of edits;
- a wrong formula outside the catalogue and the generated space: the whole search, then
  the probes;
- beside them, the catalogue search as it ran before the generated search (the old path:
  every catalogued mistake evaluated at the points on every check);
- the worked example's mistake as a formula (named by the catalogue);
- a correct vectorized function, and a correct scalar-only (math.exp) function;
- the baseline: the reference alone at the same 49 points (what any checker must pay).
Every row includes recording the result in the progress file, as ``check`` does.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from course import check
from course._grading.answers import Evaluator
from course._grading.diagnose import close
from course._grading.exercises import diamond
from course._grading.points import with_derived
from course._grading.scalar import sample_points
from course.checks import CheckOptions

GENERATED = "d(zO)*(w4*d(z2)*w2 + w5*d(z3))*d(z1)*I"           # w3 missing on one path
PAIR = "-d(zO)*(w4*d(z2)*w2 + w5*d(z3))*d(z1)*I"               # ... and the sign flipped
UNMATCHED = "d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3*w3)*d(z1)*I"     # w3 squared: nothing matches
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
def test_check_wrong_formula_named_by_the_generated_search(benchmark):
    result = benchmark(check, "diamond.dO_dw1", GENERATED)
    assert result.mistake == "weight-dropped-w3"


@pytest.mark.benchmark(group="check")
def test_check_wrong_formula_named_by_a_pair_of_edits(benchmark):
    result = benchmark(check, "diamond.dO_dw1", PAIR)
    assert result.mistake == "weight-dropped-w3+sign"


@pytest.mark.benchmark(group="check")
def test_old_path_catalogue_search_alone(benchmark):
    """The old path's catalogue search for one answer: every mistake evaluated, compared."""
    spec = diamond.SPECS["w1"]
    pts = sample_points(spec, CheckOptions(), diamond.VARIABLES)
    ev = Evaluator(GENERATED, spec.variables, spec.derived_names)
    mine = ev(with_derived(spec, pts))

    def catalogue_search():
        for m in spec.mistakes:
            with np.errstate(all="ignore"):
                theirs = np.asarray(m.fn(**pts), dtype=float)
            if close(mine, theirs, 1e-5, spec.atol, equal_nan=True).all():
                return m.id
        return None
    assert benchmark(catalogue_search) is None


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
