"""The notebooks' kernels: set up by the root conftest.py whatever the run collects."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROBE = ("import json, os, sys; print(json.dumps({"
         "'grading': os.environ.get('COURSE_GRADING'), 'backend': os.environ.get('MPLBACKEND'), "
         "'python': sys.executable, 'debugger': sys.modules.get('debugpy', 0) is not None}))")


def test_a_notebook_kernel_is_this_python_in_grading_mode_without_the_debugger(pytestconfig):
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name=pytestconfig.option.nbval_kernel_name)
    outputs = []
    try:
        reply = kc.execute_interactive(PROBE, output_hook=outputs.append, timeout=60)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok"
    text = "".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream")
    assert json.loads(text) == {"grading": "1", "backend": "Agg", "python": sys.executable,
                                "debugger": False}


@pytest.mark.slow
def test_a_run_of_notebooks_alone_runs_them_like_the_full_run_and_times_them(tmp_path):
    """The settings used to live in tests/conftest.py, which a run of lessons/ alone never
    loads: its kernels ran as a learner's (inline figures, interactive widgets)."""
    env = {k: v for k, v in os.environ.items() if k not in ("COURSE_GRADING", "MPLBACKEND")}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly",
                          "--notebook-timings", "lessons/00_start_here.ipynb"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:]
    table = run.stdout[run.stdout.index("notebook timings"):]
    row = next(line for line in table.splitlines() if line.startswith("lessons/00_start_here"))
    total, start, cells, stop, kernel_cpu, own_cpu = map(float, row.split()[1:7])
    assert total == pytest.approx(start + cells + stop, abs=0.02)
    assert 0 < kernel_cpu and 0 < own_cpu
    assert "all 1 notebooks" in table
