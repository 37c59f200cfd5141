"""The checkout copied into a folder named ``course`` still passes the path-sensitive tests.

Every file of such a clone has ``/course/`` in its path (``.../course/tests/...``), which the
library once took for "the library's own frame".
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PATH_SENSITIVE = ["tests/checks/test_learner_paths.py", "tests/checks/test_check_robustness.py",
                  "tests/exercises/test_sgd_exercises.py"]


@pytest.mark.slow
def test_path_sensitive_tests_pass_in_a_clone_named_course(tmp_path):
    clone = tmp_path / "course"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in ("course", "tests"):
        shutil.copytree(ROOT / name, clone / name, ignore=ignore)
    for name in ("pyproject.toml", "conftest.py"):     # conftest.py: the run's settings
        shutil.copy(ROOT / name, clone)
    where = subprocess.run([sys.executable, "-c", "import course; print(course.__file__)"],
                           cwd=clone, capture_output=True, text=True, check=True).stdout
    assert where.strip() == str(clone / "course" / "__init__.py")     # the clone's package
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly",
                          *PATH_SENSITIVE], cwd=clone, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stdout[-3000:]
    assert " passed" in run.stdout.splitlines()[-1]
