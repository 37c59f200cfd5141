"""Grading N notebooks vs executing the same N bare with nbclient (goal: ≤ 1.3×).

    python -m pytest tests/benchmarks/test_bench_grade.py -o addopts="" --benchmark-only -q

Both sides run the same four notebooks (a solution and a blank lesson, of two lessons)
one after the other (``jobs=1``) in fresh kernels, in the same run. Grading adds the
bubblewrap sandboxes (one for the notebook, one answer server per submission, both started
while the submission before it is graded, the notebook's first kernel too), the
extraction cell, the checks with 200 cases per exercise calling the answers over the
channel, and the CSV/JSON/feedback files. The start-up cost of one sandbox (bwrap and a
Python, inside vs outside) is measured too. A summary is printed at the end.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from bench_report import write_summary
from nbclient import NotebookClient

from course._grading.batch import grade
from course._grading.batch.model import GradingOptions
from course._grading.batch.sandbox import Sandbox, check_works
from course.release import release_notebook

REPO = Path(__file__).resolve().parents[2]
LESSONS = ("01_neuron_and_sigmoid", "03_diamond_network")
RESULTS = {}


def solution(lesson):
    nb = nbformat.read(REPO / "solutions" / f"{lesson}.ipynb", as_version=4)
    nb.metadata["course"] = {"lesson": lesson}
    return nb


def blank(lesson):
    nb = release_notebook(solution(lesson), lesson)
    nb.metadata["course"] = {"lesson": lesson}
    return nb


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench-submissions")
    paths = []
    for lesson in LESSONS:
        for kind, nb in (("full", solution(lesson)), ("blank", blank(lesson))):
            path = folder / f"{kind}_{lesson}.ipynb"
            nbformat.write(nb, path)
            paths.append(path)
    return paths


def execute_bare(paths, workdir):
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=60, allow_errors=True, kernel_name="python3",
                       resources={"metadata": {"path": str(workdir)}}).execute()


@pytest.mark.benchmark(group="grade 4 notebooks, jobs=1")
def test_execute_bare_with_nbclient(benchmark, notebooks, tmp_path):
    benchmark.pedantic(execute_bare, args=(notebooks, tmp_path), rounds=3, iterations=1)
    RESULTS["bare"] = benchmark.stats.stats.min


needs_sandbox = pytest.mark.skipif(check_works() is not None,
                                   reason="bubblewrap (bwrap) is not installed")
START = [sys.executable, "-I", "-c", "import numpy"]
BARE_START = [sys.executable, "-I", "-c", "pass"]


@pytest.mark.benchmark(group="start-up: python -c 'import numpy'")
def test_start_bare(benchmark):
    benchmark.pedantic(subprocess.run, args=(START,), kwargs={"check": True}, rounds=10)
    RESULTS["start_bare"] = benchmark.stats.stats.median


@needs_sandbox
@pytest.mark.benchmark(group="start-up: python -c 'import numpy'")
def test_start_in_sandbox(benchmark, tmp_path):
    command = Sandbox(tmp_path, public=None).command(START)
    benchmark.pedantic(subprocess.run, args=(command,), kwargs={"check": True}, rounds=10)
    RESULTS["start_sandbox"] = benchmark.stats.stats.median


@needs_sandbox
@pytest.mark.benchmark(group="start-up: bwrap's own cost, paired")
def test_sandbox_start_up_cost_paired(benchmark, tmp_path):
    """bwrap's own cost, from paired runs of ``python -c pass`` (bare, then sandboxed):
    the median difference, so a busy machine's drift cancels out."""
    import statistics
    import time

    command = Sandbox(tmp_path, public=None).command(BARE_START)

    def paired():
        times = []
        for argv in (BARE_START, command):
            start = time.perf_counter()
            subprocess.run(argv, check=True)
            times.append(time.perf_counter() - start)
        differences.append(times[1] - times[0])

    differences: list = []
    benchmark.pedantic(paired, rounds=21, iterations=1)
    RESULTS["start_cost"] = statistics.median(differences)
    assert RESULTS["start_cost"] < 1.0


@needs_sandbox
@pytest.mark.benchmark(group="grade 4 notebooks, jobs=1")
def test_grade(benchmark, notebooks, tmp_path):
    options = GradingOptions(timeout=60)
    rows = benchmark.pedantic(grade, args=(notebooks, tmp_path / "g.csv", options),
                              kwargs={"jobs": 1, "progress": False}, rounds=3, iterations=1)
    assert all(r.fully_graded for r in rows), (
        "not every notebook was graded (did someone edit course/ during the run? the "
        f"installation watch stops trusting it): {[r.reason for r in rows]}")
    assert {Path(r.file).stem: r.total == r.max_points for r in rows} == {
        f"{kind}_{lesson}": kind == "full" for lesson in LESSONS for kind in ("full", "blank")}
    RESULTS["grade"] = benchmark.stats.stats.min


@needs_sandbox
@pytest.mark.benchmark(group="grade/bare, interleaved pairs")
def test_grade_over_bare_interleaved(benchmark, notebooks, tmp_path):
    """Bare, then graded, the same four notebooks, three times: the median of the three
    ratios (a busy shared machine drifts between two separate benchmarks)."""
    import time

    options = GradingOptions(timeout=60)
    ratios = []

    def pair():
        start = time.perf_counter()
        execute_bare(notebooks, tmp_path)
        bare = time.perf_counter() - start
        start = time.perf_counter()
        rows = grade(notebooks, tmp_path / "g.csv", options, jobs=1, progress=False)
        ratios.append((time.perf_counter() - start) / bare)
        assert all(r.fully_graded for r in rows)

    benchmark.pedantic(pair, rounds=3, iterations=1)
    RESULTS["paired"] = ratios


@pytest.fixture(scope="module", autouse=True)
def print_summary(request):
    yield
    lines = []
    if {"bare", "grade"} <= set(RESULTS):
        lines.append(
            f"4 notebooks: bare nbclient {RESULTS['bare']:.2f} s, sandboxed grade "
            f"{RESULTS['grade']:.2f} s -> grade/bare = {RESULTS['grade'] / RESULTS['bare']:.2f} "
            "(goal <= 1.3)")
    if "paired" in RESULTS:
        import statistics

        lines.append(
            "interleaved (bare, graded) pairs: grade/bare = "
            + ", ".join(f"{r:.2f}" for r in RESULTS["paired"])
            + f" -> median {statistics.median(RESULTS['paired']):.2f} (goal <= 1.3)")
    if "start_cost" in RESULTS:
        lines.append(
            f"bwrap's own start-up (paired python -c pass, median of 21): "
            f"{RESULTS['start_cost'] * 1e3:.0f} ms per sandbox; each submission starts 2 "
            "(the notebook's and the answer server), ahead of time, while the submission "
            "before it is graded")
    if {"start_bare", "start_sandbox"} <= set(RESULTS):
        cost = RESULTS["start_sandbox"] - RESULTS["start_bare"]
        lines.append(
            f"one sandbox start (bwrap + python importing numpy): "
            f"{RESULTS['start_sandbox'] * 1e3:.0f} ms vs {RESULTS['start_bare'] * 1e3:.0f} ms "
            f"bare -> {cost * 1e3:.0f} ms per sandbox")
    if lines:
        write_summary(request, "grading vs bare execution (same run)", lines)
