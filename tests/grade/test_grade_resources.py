"""Attacks on the grader's resources (an independent red team's, rebuilt on the current
lessons, ``resource_attacks``), each graded in a small run beside honest submissions:
the honest rows keep full marks, the attacker gains nothing, a CSV is always written, and
the run ends in bounded time."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from grade_fixtures import require_sandbox, solution, write_submissions
from resource_attacks import (
    CODE_COPY,
    DEEP_TREE,
    DIRECT_CALL,
    DISK_FILL,
    FILE_FLOOD,
    HOLD,
    L01,
    L03,
    REPORT_FORGE,
    SLOW,
    SPINNERS,
    STDIN_HANG,
    appended,
)

from course._grading.batch.collect import lesson_exercises

pytestmark = pytest.mark.slow

FULL01 = sum(ex.points for ex in lesson_exercises(L01))


def _rows(out: Path) -> dict:
    with open(out, newline="", encoding="utf-8") as fh:
        return {Path(r["file"]).name: r for r in csv.DictReader(fh)}


def _full(row) -> bool:
    return float(row["total"]) == FULL01 and row["reason"] == "", row


def _grade(tmp_path, notebooks: dict, *args, prefix=()):
    """Grade ``notebooks``; ``(process, rows, seconds)``."""
    require_sandbox()
    folder = write_submissions(tmp_path / "subs", notebooks)
    out = tmp_path / "grades.csv"
    start = time.monotonic()
    command = [*prefix, sys.executable, "-m", "course", "grade", str(folder), "--out",
               str(out), "--quiet", *map(str, args)]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert out.exists(), proc.stderr
    return proc, _rows(out), time.monotonic() - start


def test_an_answer_that_stops_the_channel_cannot_hang_the_grader(tmp_path):
    # A2: the answer server fills its own stdin and stops reading it
    proc, rows, seconds = _grade(tmp_path, {
        "a_hang.ipynb": appended(L01, STDIN_HANG), "b_honest.ipynb": solution(L01)},
        "--timeout", 10, "--jobs", 2)
    assert _full(rows["b_honest.ipynb"])
    attacker = rows["a_hang.ipynb"]
    assert float(attacker["sigmoid.sigmoid"]) == 0, attacker
    assert float(attacker["total"]) < FULL01
    assert seconds < 240, (seconds, proc.stderr)


def _bounded_tmpdir_prefix(where: Path, size="48m") -> list[str] | None:
    """``unshare -m`` with a small tmpfs on ``where`` as the grader's TMPDIR (its boxes live
    there), or None when this machine cannot."""
    if shutil.which("unshare") is None:
        return None
    where.mkdir(parents=True, exist_ok=True)
    script = (f'mount -t tmpfs -o size={size} tmpfs "{where}" && TMPDIR="{where}" '
              'exec "$@"')
    prefix = ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh"]
    probe = subprocess.run([*prefix, "true"], capture_output=True)
    return prefix if probe.returncode == 0 else None


def test_a_full_sandbox_disk_and_a_deep_tree_change_no_other_grade(tmp_path):
    # A3 + A4: the notebook fills every writable place it has, and leaves a tree 5,000
    # levels deep; the grader's own TMPDIR is a 48 MB tmpfs here (where the boxes live)
    prefix = _bounded_tmpdir_prefix(tmp_path / "small")
    if prefix is None:
        pytest.skip("cannot mount a small tmpfs here (unshare -m needs privileges)")
    proc, rows, _ = _grade(tmp_path, {
        "a_fill.ipynb": appended(L01, DISK_FILL, HOLD.format(seconds=6)),
        "b_honest.ipynb": solution(L01),
        "c_tree.ipynb": appended(L01, DEEP_TREE),
        "d_honest.ipynb": solution(L01)}, "--timeout", 10, "--jobs", 2, prefix=prefix)
    assert _full(rows["b_honest.ipynb"]) and _full(rows["d_honest.ipynb"])
    # the filler filled only its own box (its answers had no room left): nothing else
    assert float(rows["a_fill.ipynb"]["total"]) == 0
    assert _full(rows["c_tree.ipynb"])          # its answers are the solution's
    assert proc.returncode == 1 and "c_tree" not in proc.stderr, proc.stderr


def test_sandbox_tmpfs_mounts_are_size_limited_and_their_sum_bounded():
    from course._grading.batch.sandbox import SCRATCH

    for mode, mounts in SCRATCH.items():
        assert {"/tmp", "/home", "/dev/shm", "/run"} <= set(mounts), mode
        assert sum(mounts.values()) <= 600 * 1024 ** 2, mode
    assert "/box" in SCRATCH["execute"]


def test_busy_loops_in_many_processes_are_stopped_and_neighbours_keep_their_grades(tmp_path):
    # A7: 200 forked busy loops (setsid, SIGINT ignored), and 24 — under the process cap —
    # each graded beside an honest submission (--jobs 2: a with b, c with d)
    hold = HOLD.format(seconds=8)
    proc, rows, _ = _grade(tmp_path, {
        "a_flood.ipynb": appended(L01, SPINNERS.format(n=200), hold, hold),
        "b_honest.ipynb": solution(L01),
        "c_spin.ipynb": appended(L01, SPINNERS.format(n=24), hold, hold),
        "d_honest.ipynb": solution(L01)}, "--timeout", 10, "--jobs", 2)
    assert _full(rows["b_honest.ipynb"]) and _full(rows["d_honest.ipynb"])
    assert "more than 32 processes" in rows["a_flood.ipynb"]["reason"]
    assert "CPU" in rows["c_spin.ipynb"]["reason"], rows["c_spin.ipynb"]
    assert float(rows["a_flood.ipynb"]["total"]) == float(rows["c_spin.ipynb"]["total"]) == 0


def test_a_flood_of_files_is_stopped(tmp_path):
    proc, rows, _ = _grade(tmp_path, {"a_files.ipynb": appended(L01, FILE_FLOOD, HOLD.format(
        seconds=3))}, "--timeout", 20)
    assert "more than 20,000 files" in rows["a_files.ipynb"]["reason"], rows
    assert float(rows["a_files.ipynb"]["total"]) == 0


def test_the_budget_bounds_the_checks_of_all_exercises_together(tmp_path):
    # A8: each fresh answer server sleeps when it loads the answers; every call hangs
    budget = 20
    proc, rows, seconds = _grade(tmp_path, {"a_slow.ipynb": appended(
        L01, SLOW.replace("{load}", "8"))}, "--timeout", 10, "--budget", budget)
    row = rows["a_slow.ipynb"]
    assert f"stopped after its time budget of {budget} s" in row["reason"], row
    assert float(row["total"]) == 0
    assert proc.returncode == 1
    assert "not fully graded" in proc.stderr
    assert seconds < budget + 45, seconds


def test_the_kernel_cannot_write_its_drivers_report(tmp_path):
    # A5: the kernel finds the driver's stdout in /proc and writes a clean report on it
    proc, rows, _ = _grade(tmp_path, {"a_forge.ipynb": appended(L01, REPORT_FORGE)},
                           "--timeout", 10)
    row = rows["a_forge.ipynb"]
    assert "course-grade-forged-report" not in row["reason"], row
    detail = (tmp_path / "grades.json").read_text(encoding="utf-8")
    assert "course-grade-visible-error" in detail


def test_a_copy_of_the_courses_backward_pass_is_named_like_a_direct_call(tmp_path):
    # A6: the direct call is refused; a new function object on the same code is named too
    proc, rows, _ = _grade(tmp_path, {"a_copy.ipynb": appended(L03, CODE_COPY),
                                      "b_direct.ipynb": appended(L03, DIRECT_CALL)},
                           "--timeout", 10, "--jobs", 2)
    for name in ("a_copy.ipynb", "b_direct.ipynb"):
        row = rows[name]
        for ex in ("diamond.dO_dw4", "diamond.dO_dw2", "diamond.dO_dw1"):
            assert float(row[ex]) == 0, (name, row)
        assert "DiamondNet.backward" in row["review"], row
    assert "a copy of its code" in rows["a_copy.ipynb"]["review"]


def test_ctrl_c_stops_the_run_and_writes_what_was_graded(tmp_path):
    require_sandbox()
    folder = write_submissions(tmp_path / "subs", {
        "a_honest.ipynb": solution(L01),
        "b_slow.ipynb": appended(L01, HOLD.format(seconds=100)),
        "c_never.ipynb": solution(L01)})
    out = tmp_path / "grades.csv"
    grader = subprocess.Popen([sys.executable, "-m", "course", "grade", str(folder), "--out",
                               str(out), "--timeout", "200", "--quiet"],
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    journal = tmp_path / "grades.journal.jsonl"
    end = time.monotonic() + 300
    while time.monotonic() < end and grader.poll() is None:
        text = journal.read_text(encoding="utf-8") if journal.exists() else ""
        if "b_slow" in text:
            break
        time.sleep(0.2)
    time.sleep(3)                                 # b_slow's notebook is running
    sent = time.monotonic()
    os.killpg(grader.pid, signal.SIGINT)          # as a terminal's Ctrl-C does
    _, err = grader.communicate(timeout=120)
    assert time.monotonic() - sent < 60
    assert grader.returncode == 130, err
    rows = _rows(out)
    assert _full(rows["a_honest.ipynb"])
    for name in ("b_slow.ipynb", "c_never.ipynb"):
        assert "interrupted" in rows[name]["reason"] and rows[name]["total"] == "0"
    assert "--resume" in err


def test_a_journal_that_cannot_be_written_costs_no_row(tmp_path, monkeypatch, capsys):
    # a full disk where the journal is: reported once, the run and its CSV go on
    import errno

    import course._grading.batch as batch
    from course._grading.batch.model import GradingOptions

    require_sandbox()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(batch, "journal_line", full)
    folder = write_submissions(tmp_path / "subs", {"a.ipynb": solution(L01)})
    out = tmp_path / "grades.csv"
    rows = batch.grade([folder], out, GradingOptions(timeout=10), progress=False)
    assert rows[0].total == FULL01
    assert _full(_rows(out)["a.ipynb"])
    assert "could not be written (" in capsys.readouterr().err


def test_a_sandbox_that_stops_reading_times_out_the_write():
    from course._grading.batch.channel import ChannelTimeout, SandboxProcess

    process = SandboxProcess([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        start = time.monotonic()
        with pytest.raises(ChannelTimeout):
            for _ in range(1000):          # far more than a pipe holds
                process.send({"x": "y" * 60_000}, time.monotonic() + 1.0)
        assert time.monotonic() - start < 5
        with pytest.raises(ChannelTimeout):
            process.receive(time.monotonic() + 0.3)
    finally:
        process.close()


def test_the_watchdog_counts_a_sandboxs_processes_and_cpu_together():
    from course._grading.batch.channel import SandboxProcess
    from course._grading.batch.sandbox import Sandbox
    from course._grading.batch.watchdog import Limits, check, usage

    require_sandbox()
    code = ("import os, time\nfor _ in range(5):\n    if os.fork() == 0:\n"
            "        end = time.time() + 30\n        while time.time() < end: pass\n"
            "time.sleep(30)\n")
    command = Sandbox(Path("/tmp"), public=None).command([sys.executable, "-c", code])
    process = SandboxProcess(command)
    try:
        time.sleep(2.5)
        _, count, cpu = usage(process)
        assert count >= 7                    # bwrap's init, python, its 5 children
        assert cpu > 0.5
        _, why = check(process, Limits(processes=4))
        assert "more than 4 processes" in why
        _, why = check(process, Limits(cpu_seconds=0.5))
        assert "CPU" in why
        assert check(process, Limits())[1] is None
    finally:
        process.close()


def test_the_file_count_ignores_a_process_not_yet_in_its_sandbox():
    # bwrap's first process sees the grader's own root while it sets the sandbox up: its
    # /tmp (thousands of files) must not count as the sandbox's (an honest lesson was
    # stopped for "more than 20,000 files" that way)
    from course._grading.batch.sandbox import SCRATCH
    from course._grading.batch.watchdog import _files

    assert _files([str(os.getpid())], tuple(SCRATCH["execute"].items())) == 0
