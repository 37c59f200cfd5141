"""Test-run setup shared by library tests and notebook validation (nbval).

The whole run is in grading mode (``COURSE_GRADING=1``): notebooks executed by nbval
inherit it, so widgets never block and a solution whose own checks fail errors its
cell. Progress is written to a temporary file, never to the user's home.
"""

from __future__ import annotations

import os
import tempfile

import pytest


def pytest_configure(config):
    os.environ.setdefault("COURSE_GRADING", "1")
    os.environ.setdefault("MPLBACKEND", "Agg")
    if "COURSE_PROGRESS_FILE" not in os.environ:
        tmp = tempfile.mkdtemp(prefix="course-progress-")
        os.environ["COURSE_PROGRESS_FILE"] = os.path.join(tmp, "progress.json")


def pytest_collection_modifyitems(config, items):
    """Notebook cells are collected by nbval; mark them so `-m "not notebooks"` skips them."""
    for item in items:
        if item.nodeid.endswith(".ipynb") or ".ipynb::" in item.nodeid:
            item.add_marker(pytest.mark.notebooks)
