"""Test-run setup for every test path — library tests, solutions/ and lessons/ (nbval).

It lives at the repository root so that a targeted run (``pytest lessons/10_…ipynb``) sets
up the notebooks' kernels exactly like the full run: before, these settings were in
tests/conftest.py, which pytest loads only when it collects tests/, and a run of the
notebooks alone executed them as a learner's kernel (interactive widgets, the inline
backend drawing every figure) — lesson 10's training cell then took ~4 s instead of 0.2 s.

The whole run is in grading mode (``COURSE_GRADING=1``): notebooks executed by nbval
inherit it, so widgets never block and a solution whose own checks fail errors its
cell. Figures go to Agg (built, not drawn). Progress is written to a temporary file,
never to the user's home.

The notebooks' kernel is this Python (as ``--nbval-current-env`` asks) without ipykernel's
debugger: importing debugpy is a quarter of a kernel's start (~0.09 s CPU, 22 starts a run),
and a test run never debugs (``TEST_KERNEL``).

``--notebook-timings`` prints, after the run, every notebook's time (kernel start, its
cells, kernel stop) and its kernel's CPU time: ``pytest solutions lessons --notebook-timings``.
"""

from __future__ import annotations

import collections
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import pytest


def pytest_addoption(parser):
    parser.addoption("--notebook-timings", action="store_true",
                     help="print each notebook's time (kernel start, cells, stop) and its "
                          "kernel's CPU time after the run")


def pytest_configure(config):
    os.environ.setdefault("COURSE_GRADING", "1")
    os.environ.setdefault("MPLBACKEND", "Agg")
    if "COURSE_PROGRESS_FILE" not in os.environ:
        tmp = tempfile.mkdtemp(prefix="course-progress-")
        os.environ["COURSE_PROGRESS_FILE"] = os.path.join(tmp, "progress.json")
    if config.getoption("nbval_current_env", False):
        _use_test_kernel(config)
    if config.getoption("notebook_timings"):
        config.pluginmanager.register(NotebookTimings(), "notebook-timings")


#: the kernel nbval starts for every notebook (a kernelspec in a temporary JUPYTER_PATH folder)
TEST_KERNEL = "course-test-kernel"
_KERNEL_MAIN = ("import sys; sys.modules['debugpy'] = None; "    # ipykernel: no debugger then
                "from ipykernel.kernelapp import launch_new_instance; launch_new_instance()")


def _use_test_kernel(config) -> None:
    """Run the notebooks in ``TEST_KERNEL``: ``--nbval-current-env``'s kernel (this Python,
    ``ipykernel``) minus the debugger."""
    folder = Path(tempfile.mkdtemp(prefix="course-kernels-"))
    spec = folder / "kernels" / TEST_KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-c", _KERNEL_MAIN, "-f", "{connection_file}"],
        "display_name": "Python 3 (course tests, no debugger)", "language": "python",
    }), encoding="utf-8")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(folder), os.environ.get("JUPYTER_PATH")) if p)
    config.option.nbval_current_env = False
    config.option.nbval_kernel_name = TEST_KERNEL


def pytest_collection_modifyitems(config, items):
    """Notebook cells are collected by nbval; mark them so `-m "not notebooks"` skips them."""
    for item in items:
        if item.nodeid.endswith(".ipynb") or ".ipynb::" in item.nodeid:
            item.add_marker(pytest.mark.notebooks)


class NotebookTimings:
    """``--notebook-timings``: per notebook, wall seconds of the kernel start (the first cell's
    setup), its cells and the kernel stop (the last cell's teardown), the kernel's CPU seconds
    (steadier than wall time on a shared machine) and the slowest cells."""

    def __init__(self):
        self.phases = collections.defaultdict(lambda: collections.defaultdict(float))
        self.cells = collections.defaultdict(list)
        self.cpu = {}
        self.own_cpu = collections.Counter()    # this process (pytest, nbval) per notebook

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_teardown(self, item, nextitem):
        last = getattr(item, "cell_num", None) is not None and (
            nextitem is None or nextitem.parent is not item.parent)
        if last:
            self.cpu[item.parent.nodeid] = _kernel_cpu_seconds(item.parent)
        yield

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        started = time.process_time()
        yield
        if getattr(item, "cell_num", None) is not None:
            self.own_cpu[item.parent.nodeid] += time.process_time() - started

    def pytest_runtest_logreport(self, report):
        notebook = report.nodeid.split("::")[0]
        if not notebook.endswith(".ipynb"):
            return
        self.phases[notebook][report.when] += report.duration
        if report.when == "call":
            self.cells[notebook].append((report.duration, report.nodeid.split("::")[1]))

    def pytest_terminal_summary(self, terminalreporter):
        write = terminalreporter.write_line
        terminalreporter.write_sep("-", "notebook timings (wall s; kernel CPU s)")
        write(f"{'notebook':48s} {'total':>6s} {'start':>6s} {'cells':>6s} {'stop':>5s} "
              f"{'kernel CPU':>10s} {'pytest CPU':>10s}  slowest cells")
        totals = collections.Counter()
        for notebook in sorted(self.phases, key=lambda n: (n.rsplit("/", 1)[-1], n)):
            phase = self.phases[notebook]
            total = sum(phase.values())
            cpu = self.cpu.get(notebook)
            slowest = ", ".join(f"{name} {seconds:.2f}"
                                for seconds, name in sorted(self.cells[notebook])[::-1][:3])
            write(f"{notebook:48s} {total:6.2f} {phase['setup']:6.2f} {phase['call']:6.2f} "
                  f"{phase['teardown']:5.2f} {cpu if cpu is not None else float('nan'):10.2f} "
                  f"{self.own_cpu[notebook]:10.2f}  {slowest}")
            totals.update(total=total, cpu=cpu or 0.0, own=self.own_cpu[notebook], **phase)
        write(f"{f'all {len(self.phases)} notebooks':48s} {totals['total']:6.2f} "
              f"{totals['setup']:6.2f} {totals['call']:6.2f} {totals['teardown']:5.2f} "
              f"{totals['cpu']:10.2f} {totals['own']:10.2f}")


def _kernel_cpu_seconds(notebook_item) -> float | None:
    """User + system CPU seconds of the notebook's kernel process so far (None if unknown)."""
    try:
        import psutil

        pid = notebook_item.kernel.km.provisioner.process.pid
        times = psutil.Process(pid).cpu_times()
        return times.user + times.system
    except Exception:       # no psutil, another kernel provisioner, kernel already gone
        return None
