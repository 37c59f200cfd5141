"""`import course` overhead over `import numpy` (goal ≤ 50 ms), measured in fresh interpreters.

Read the two rows of the "import" group: the difference of the medians is the overhead.
"""

import subprocess
import sys

import pytest


def _fresh(statement):
    subprocess.run([sys.executable, "-c", statement], check=True)


@pytest.mark.benchmark(group="import")
def test_import_numpy_baseline(benchmark):
    benchmark.pedantic(_fresh, args=("import numpy",), rounds=15, iterations=1)


@pytest.mark.benchmark(group="import")
def test_import_numpy_and_course(benchmark):
    benchmark.pedantic(_fresh, args=("import numpy, course",), rounds=15, iterations=1)


@pytest.mark.benchmark(group="import")
def test_import_numpy_course_and_checker(benchmark):
    """What the first `check(...)` in a notebook pays for (formula parser, exercises)."""
    benchmark.pedantic(_fresh, args=("import numpy, course; course.checks.all_exercises()",),
                       rounds=15, iterations=1)
