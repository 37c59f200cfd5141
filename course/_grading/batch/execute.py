"""Running a submission in a fresh kernel that cannot stop the grader.

Cells run one at a time (nbclient), errors allowed, each with a time limit after
which the kernel is interrupted. A cell that kills the kernel (``os._exit``, a
segfault) or ignores the interrupt is skipped in a re-run with a fresh kernel (at
most ``max_restarts`` times), and a watchdog kills the kernel when the submission's
whole time budget is spent. Then the extraction cell (``course._grading.batch.extract``)
copies the answers out of the kernel.
"""

from __future__ import annotations

import asyncio
import copy
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbclient.util import ensure_async

from course._grading.batch.extract import extraction_source

__all__ = ["Execution", "execute_submission"]

_GRACE = 5.0     # seconds an interrupted cell gets to stop before it counts as ignoring it


class _IgnoredInterrupt(Exception):
    """The running cell did not stop after an interrupt."""


class _GradingClient(NotebookClient):
    """nbclient, keeping only error outputs and giving up on cells that ignore interrupts."""

    def __init__(self, nb, **kw):
        super().__init__(nb, **kw)
        self.interrupted: dict[int, float] = {}   # cell index -> when the grace ends
        self.current = -1

    def output(self, outs, msg, display_id, cell_index):
        if msg.get("msg_type") == "error":
            content = msg.get("content", {})
            # only the error's name and the start of its message are ever reported: a
            # 100 MB exception message must not be held for the whole run
            msg = {**msg, "content": {**content, "evalue": str(content.get("evalue", ""))[:500],
                                      "traceback": []}}
            return super().output(outs, msg, display_id, cell_index)
        return None        # megabytes of prints or images are not kept

    async def _async_handle_timeout(self, timeout, cell=None):
        index = self.current
        if index not in self.interrupted:
            self.interrupted[index] = time.monotonic() + _GRACE
            await ensure_async(self.km.interrupt_kernel())
        while time.monotonic() < self.interrupted[index]:
            if await ensure_async(self.kc.shell_channel.msg_ready()):
                return None
            await asyncio.sleep(0.05)
        raise _IgnoredInterrupt(index)


@dataclass
class Execution:
    """What running a submission produced."""

    answers_file: Path
    notes: list[str] = field(default_factory=list)
    cell_errors: list[dict] = field(default_factory=list)
    completed: bool = False        # the extraction cell ran to the end
    out_of_time: bool = False


def _label(nb, index: int) -> str:
    first = next((ln.strip() for ln in str(nb.cells[index].source).splitlines() if ln.strip()),
                 "")
    snippet = first if len(first) <= 40 else first[:37] + "..."
    return f"cell {index + 1} (`{snippet}`)" if snippet else f"cell {index + 1}"


def _kernel_group(client) -> int | None:
    """The kernel's process group (jupyter_client starts each kernel in its own session)."""
    process = getattr(getattr(getattr(client, "km", None), "provisioner", None), "process", None)
    try:
        return os.getpgid(process.pid)
    except (OSError, AttributeError):
        return None


def _kill_group(pgid: int | None) -> None:
    """SIGKILL a process group: the kernel and whatever the learner's code started in it."""
    if pgid and pgid != os.getpgid(0):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except OSError:
            pass


#: what nbclient adds to a kernel's command line (no history file in the kernel's HOME)
_KERNEL_ARGUMENTS = ["--HistoryManager.hist_file=:memory:"]


def prestart_kernel(kernel_dir: Path, env: dict):
    """A fresh kernel started now — before the notebook arrives, so its start-up overlaps
    the grader's other work — for the first run of this sandbox's one notebook."""
    from jupyter_client.manager import AsyncKernelManager
    from nbclient.util import run_sync

    kernel_dir.mkdir(exist_ok=True)
    km = AsyncKernelManager(kernel_name="python3")
    run_sync(km.start_kernel)(extra_arguments=list(_KERNEL_ARGUMENTS), env=env,
                              cwd=str(kernel_dir), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    return km


def _alive(km) -> bool:
    from nbclient.util import run_sync

    try:
        return bool(run_sync(km.is_alive)())
    except Exception:                        # noqa: BLE001 - then it is not usable
        return False


def _run_once(nb, skip, names, answers_file, kernel_dir, options, deadline, env, km=None):
    """One fresh kernel (``km`` when one was started already); returns
    ``(bad_cell_or_None, why, execution_details)``."""
    run_nb = copy.deepcopy(nb)
    run_nb.cells.append(_code_cell(extraction_source(names, str(answers_file))))
    extract_index = len(run_nb.cells) - 1
    client = _GradingClient(run_nb, km=km, timeout=max(1, int(round(options.timeout))),
                            interrupt_on_timeout=True, allow_errors=True, kernel_name="python3",
                            shutdown_kernel="immediate", startup_timeout=60,
                            resources={"metadata": {"path": str(kernel_dir)}})
    state = {"out_of_time": False, "errors": [], "timed_out": [], "completed": False,
             "pgid": None}

    def on_budget():
        state["out_of_time"] = True
        _kill_group(state["pgid"] or _kernel_group(client))

    watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), on_budget)
    watchdog.daemon = True
    bad, why = None, ""
    try:
        watchdog.start()
        with client.setup_kernel(env=env, cwd=str(kernel_dir), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, cleanup_kc=True):
            state["pgid"] = _kernel_group(client)
            for index, cell in enumerate(run_nb.cells):
                if cell.cell_type != "code" or index in skip:
                    continue
                client.current = index
                try:
                    client.execute_cell(cell, index)
                except DeadKernelError:
                    bad, why = index, "killed the kernel (os._exit? a crash?)"
                    break
                except _IgnoredInterrupt:
                    bad, why = index, (f"ran past the {options.timeout:g} s limit and ignored "
                                       "the interrupt")
                    _kill_group(state["pgid"])
                    break
                if index in client.interrupted:
                    state["timed_out"].append(index)
                for out in cell.outputs:
                    if out.get("output_type") == "error" and index != extract_index:
                        state["errors"].append({"cell": index + 1, "ename": out.get("ename"),
                                                "evalue": str(out.get("evalue", ""))[:200]})
                if state["out_of_time"]:
                    break
            else:
                state["completed"] = True
    finally:
        watchdog.cancel()
        _kill_group(state["pgid"])        # processes the learner's code left behind
    if state["out_of_time"]:
        bad, why = None, ""
    return bad, why, state, extract_index


def _code_cell(source: str):
    import nbformat

    return nbformat.v4.new_code_cell(source)


def execute_submission(nb, names, workdir: Path, options, deadline: float,
                       env: dict, km=None) -> Execution:
    """Run ``nb`` in fresh kernels until its cells and the extraction cell have run.

    Parameters
    ----------
    nb : NotebookNode
        The submission (not modified).
    names : list of str
        Answer names to copy out of the kernel.
    workdir : Path
        A private temporary folder.
    options : GradingOptions
    deadline : float
        ``time.monotonic()`` value at which everything stops.
    env : dict
        The kernel's environment.
    km : AsyncKernelManager, optional
        A kernel already started for this notebook (``prestart_kernel``): the first run's.
    """
    kernel_dir = workdir / "kernel"
    kernel_dir.mkdir(exist_ok=True)
    if km is not None and not _alive(km):
        km = None                            # the kernel started ahead died: a fresh one
    execution = Execution(answers_file=workdir / "answers.json")
    skip: dict[int, str] = {}
    for attempt in range(options.max_restarts + 1):
        execution.answers_file.unlink(missing_ok=True)
        bad, why, state, extract_index = _run_once(
            nb, skip, names, execution.answers_file, kernel_dir, options, deadline, env,
            km=km if attempt == 0 else None)
        execution.cell_errors = state["errors"]
        timed_out = [i for i in state["timed_out"] if i != extract_index]
        if state["out_of_time"]:
            execution.out_of_time = True
            execution.notes.append(f"stopped after its time budget of "
                                   f"{options.total_budget:g} s")
            break
        if bad is None:
            execution.completed = state["completed"]
            break
        if bad == extract_index:
            execution.notes.append(f"the kernel died or hung while the answers were copied out "
                                   f"of it ({why})")
            break
        skip[bad] = why
        execution.notes.append(f"{_label(nb, bad)} {why}; it was skipped in a fresh kernel")
        if attempt == options.max_restarts:
            execution.notes.append(f"gave up after {options.max_restarts} fresh kernels")
    execution.notes += [f"{_label(nb, i)} ran past the {options.timeout:g} s limit and was "
                        "interrupted" for i in timed_out if i not in skip]
    return execution
