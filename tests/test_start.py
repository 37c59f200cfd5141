"""``course start``: the learner's own copy of the lessons, never overwritten."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course.start import StartReport, open_command, reset_lesson, shipped_lessons, start

ROOT = Path(__file__).resolve().parents[1]


def test_the_checkout_ships_its_tracked_lessons():
    assert shipped_lessons() == ROOT / "lessons"


def test_start_copies_every_lesson_into_a_new_folder(tmp_path):
    report = start(tmp_path / "ws" / "deeper")
    copied = sorted(p.name for p in (tmp_path / "ws" / "deeper").glob("*.ipynb"))
    assert len(copied) >= 9 and copied == sorted(report.copied)
    assert copied == sorted(p.name for p in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
    lesson = tmp_path / "ws" / "deeper" / "03_diamond_network.ipynb"
    assert lesson.read_bytes() == (ROOT / "lessons" / lesson.name).read_bytes()
    assert "jupyter lab" in str(report) and "00_start_here.ipynb" in str(report)


def test_a_second_start_adds_only_missing_lessons_and_keeps_edits(tmp_path):
    start(tmp_path)
    edited = tmp_path / "03_diamond_network.ipynb"
    edited.write_text("my answers", encoding="utf-8")
    (tmp_path / "05_backprop_algorithm.ipynb").unlink()
    report = start(tmp_path)
    assert report.copied == ["05_backprop_algorithm.ipynb"]
    assert "03_diamond_network.ipynb" in report.kept
    assert edited.read_text(encoding="utf-8") == "my answers"
    assert "untouched" in str(report)


@pytest.mark.parametrize("name", ["03", "3", "03_diamond_network", "diamond_network",
                                  "03_diamond_network.ipynb"])
def test_reset_restores_one_lesson_and_keeps_a_backup(tmp_path, name):
    start(tmp_path)
    edited = tmp_path / "03_diamond_network.ipynb"
    edited.write_text("my answers", encoding="utf-8")
    untouched = tmp_path / "04_gradient_checking.ipynb"
    untouched.write_text("other work", encoding="utf-8")
    report = reset_lesson(tmp_path, name)
    assert edited.read_bytes() == (ROOT / "lessons" / edited.name).read_bytes()
    [backup] = report.backups
    assert backup.name.startswith("03_diamond_network.backup-") and backup.suffix == ".ipynb"
    assert backup.read_text(encoding="utf-8") == "my answers"
    assert untouched.read_text(encoding="utf-8") == "other work"
    again = reset_lesson(tmp_path, name)            # same second: a second, distinct backup
    assert again.backups[0] != backup and backup.exists()


def test_reset_of_an_unknown_lesson_names_the_lessons(tmp_path):
    with pytest.raises(ValueError, match="no lesson called '42'.*00_start_here"):
        reset_lesson(tmp_path, "42")


def test_start_refuses_a_file_and_the_course_own_lessons(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(NotADirectoryError, match="is a file"):
        start(tmp_path / "notes.txt")
    with pytest.raises(ValueError, match="course's own copy"):
        start(ROOT / "lessons")


def test_the_command_line_starts_and_resets(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "course", "start", *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60)

    first = run()
    assert first.returncode == 0, first.stderr
    assert len(list((tmp_path / "backprop-course").glob("*.ipynb"))) >= 9
    next_line = first.stdout.splitlines()[-1]
    assert next_line.startswith("Next: ")
    assert f"lab {Path('backprop-course') / '00_start_here.ipynb'}" in next_line
    bad = run("--reset", "nope")
    assert bad.returncode == 2 and "no lesson called 'nope'" in bad.stderr
    assert run("--reset", "00").returncode == 0
    assert list((tmp_path / "backprop-course").glob("00_start_here.backup-*.ipynb"))


# --- progress lives with the working folder ------------------------------------------------------

def test_a_new_working_folder_starts_with_no_passes(tmp_path, monkeypatch):
    from course import explain
    from course._env import GRADING_ENV
    from course.tracker import FOLDER_FILE, progress, progress_file, record

    monkeypatch.delenv("COURSE_PROGRESS_FILE")
    monkeypatch.delenv(GRADING_ENV, raising=False)       # a learner's kernel records
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    record(explain("warmup.derivative", "6*x - 2"))            # a pass, outside any folder
    per_user = tmp_path / "home" / ".backprop-course" / "progress.json"
    assert progress_file() == per_user and "warmup.derivative" in per_user.read_text()

    report = start(tmp_path / "fresh")
    assert report.progress == tmp_path / "fresh" / FOLDER_FILE
    assert f"kept in {report.progress}" in str(report)
    (tmp_path / "fresh" / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "fresh" / "sub")              # a notebook in a subfolder
    assert progress_file() == (tmp_path / "fresh" / FOLDER_FILE).resolve()
    assert progress().counts["passed"] == 0                     # the old pass is not here
    record(explain("warmup.derivative", "6*x - 2"))
    assert progress().counts["passed"] == 1

    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "override.json"))
    assert progress_file() == tmp_path / "override.json"        # the variable still wins


def test_a_second_start_keeps_the_folder_progress(tmp_path):
    from course.tracker import FOLDER_FILE

    start(tmp_path)
    (tmp_path / FOLDER_FILE).write_text('{"warmup.derivative": {"status": "passed"}}')
    start(tmp_path)
    assert "passed" in (tmp_path / FOLDER_FILE).read_text()


class TestOpenCommand:
    """The "Next:" line names a jupyter that exists and sees the course, --allow-root as root."""

    NB = Path("ws") / "00_start_here.ipynb"

    @pytest.fixture
    def venv(self, tmp_path, monkeypatch):
        bin_dir = tmp_path / ".venv" / "bin"
        bin_dir.mkdir(parents=True)
        (bin_dir / "python").touch()
        (bin_dir / "jupyter").touch()
        monkeypatch.setattr(sys, "executable", str(bin_dir / "python"))
        monkeypatch.chdir(tmp_path)
        monkeypatch.setattr(os, "geteuid", lambda: 1000, raising=False)
        return bin_dir

    def test_an_activated_environment_says_plain_jupyter(self, venv, monkeypatch):
        monkeypatch.setattr(shutil, "which", lambda name: str(venv / name))
        assert open_command(self.NB) == f"jupyter lab {self.NB}"

    def test_an_environment_not_on_path_names_its_own_jupyter(self, venv, monkeypatch):
        monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/jupyter")   # another one
        assert open_command(self.NB) == f"{Path('.venv/bin/jupyter')} lab {self.NB}"
        monkeypatch.setattr(shutil, "which", lambda name: None)
        assert open_command(self.NB) == f"{Path('.venv/bin/jupyter')} lab {self.NB}"

    def test_as_root_it_adds_allow_root(self, venv, monkeypatch):
        monkeypatch.setattr(shutil, "which", lambda name: str(venv / name))
        monkeypatch.setattr(os, "geteuid", lambda: 0, raising=False)
        assert open_command(self.NB) == f"jupyter lab {self.NB} --allow-root"

    def test_without_jupyterlab_the_report_says_how_to_install_it(self, venv, monkeypatch):
        import importlib.util

        real = importlib.util.find_spec
        monkeypatch.setattr(importlib.util, "find_spec",
                            lambda name, *a: None if name == "jupyterlab" else real(name, *a))
        assert open_command(self.NB) is None
        report = StartReport(Path("ws"), copied=["00_start_here.ipynb"])
        assert 'pip install "backprop-course[lab]"' in str(report).splitlines()[-1]


def test_start_says_where_progress_goes_when_the_variable_is_set(tmp_path, monkeypatch):
    from course.tracker import FOLDER_FILE, progress_file

    override = tmp_path / "elsewhere.json"
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(override))
    text = str(start(tmp_path / "ws"))
    assert f"Your progress is kept in {override}" in text
    assert "COURSE_PROGRESS_FILE is set" in text
    assert f"Your progress in this folder is kept in {tmp_path / 'ws' / FOLDER_FILE}" not in text
    assert progress_file() == override                # what the message says is where it goes
    monkeypatch.delenv("COURSE_PROGRESS_FILE")
    assert "Your progress in this folder is kept in" in str(start(tmp_path / "ws"))
