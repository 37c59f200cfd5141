"""Sandboxes started ahead: each submission's own, never shared, and a kernel started
before its notebook arrives that dies is replaced by a fresh one."""

from __future__ import annotations

import os
import signal
import time

import nbformat
import pytest
from grade_fixtures import solution

from course._grading.batch import pipeline
from course._grading.batch.execute import execute_submission, prestart_kernel
from course._grading.batch.model import GradingOptions
from course._grading.batch.sandbox import check_works

pytestmark = pytest.mark.slow


def _tiny():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 6 * 7")]
    return nb


@pytest.mark.parametrize("dies", [False, True], ids=["alive", "died"])
def test_a_kernel_started_ahead_runs_the_notebook_or_is_replaced(tmp_path, dies):
    env = {**os.environ, "COURSE_GRADING": "1"}
    km = prestart_kernel(tmp_path / "kernel", env)
    if dies:
        os.killpg(os.getpgid(km.provisioner.process.pid), signal.SIGKILL)
        time.sleep(0.5)
    execution = execute_submission(_tiny(), ["x"], tmp_path, GradingOptions(timeout=30),
                                   time.monotonic() + 120, env, km=km)
    assert execution.completed and execution.answers_file.exists(), execution.notes
    assert execution.notes == []


@pytest.mark.skipif(check_works() is not None, reason="bwrap is not installed")
def test_each_submission_gets_its_own_sandboxes_started_ahead(tmp_path, monkeypatch):
    paths = []
    for i in range(3):
        path = tmp_path / f"s{i}.ipynb"
        nbformat.write(solution(), path)
        paths.append(path)
    taken, boxes = [], []
    real_take, real_prepare = pipeline.Batch.take, pipeline.Batch.prepare

    def take(self, index):
        prepared = real_take(self, index)
        taken.append((index, prepared is not None))
        return prepared

    def prepare(self):
        prepared = real_prepare(self)
        boxes.append(prepared.box)
        return prepared

    monkeypatch.setattr(pipeline.Batch, "take", take)
    monkeypatch.setattr(pipeline.Batch, "prepare", prepare)
    rows = pipeline.grade_all(paths, GradingOptions(timeout=30), jobs=1, progress=False)
    assert all(r.fully_graded and r.total == r.max_points for r in rows)
    assert sorted(taken) == [(0, False), (1, True), (2, True)]      # the first: no one before
    assert len(boxes) == len(set(boxes)) == 3                         # one box each
    assert not any(box.exists() for box in boxes)                     # all removed
