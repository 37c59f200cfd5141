"""``course start [DIR]``: copy the lessons into a folder the learner owns.

The lessons travel inside the package (``course/lessons/`` in a wheel, put there at build
time from the repository's ``lessons/``; in a source checkout the tracked ``lessons/`` next
to the package). A learner works in a copy, so their answers never land in the course's
own files, ``git pull`` never conflicts and the tests keep seeing pristine lessons.

``start`` also writes an empty progress file, ``.backprop-progress.json``, into the folder
(``course.tracker.FOLDER_FILE``): a check run in that folder records there, so a new working
folder starts with no passes, whatever was done elsewhere.

The copy never overwrites: a second ``start`` only adds lessons that are missing (a new
lesson in a newer version of the course). ``--reset LESSON`` puts one lesson back as it
was shipped, after moving the learner's version aside to a timestamped backup.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from course._paths import LESSON_PATTERN as _PATTERN
from course._paths import shipped_lessons

__all__ = ["DEFAULT_FOLDER", "StartReport", "shipped_lessons", "start", "reset_lesson",
           "open_command", "add_arguments", "main"]

DEFAULT_FOLDER = Path("backprop-course")


@dataclass
class StartReport:
    """What ``start`` or ``reset_lesson`` did in the learner's folder."""

    folder: Path
    copied: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)
    verb: str = "Copied"
    progress: Path | None = None
    #: ``$COURSE_PROGRESS_FILE`` when it is set: progress goes there, not to ``progress``
    progress_override: Path | None = None

    def __str__(self) -> str:
        lines = []
        if self.copied:
            lines.append(f"{self.verb} {len(self.copied)} lesson(s) into {self.folder}: "
                         f"{', '.join(self.copied)}")
        if self.kept:
            lines.append(f"Kept your own {len(self.kept)} lesson(s) there, untouched "
                         "(`course start --reset NN` restores one).")
        for backup in self.backups:
            lines.append(f"Your previous version is saved as {backup}")
        if self.progress is not None and self.progress_override is not None:
            lines.append(f"Your progress is kept in {self.progress_override}: the variable "
                         f"COURSE_PROGRESS_FILE is set, so checks record there, not in "
                         f"{self.progress} (unset it to keep progress with this folder).")
        elif self.progress is not None:
            lines.append(f"Your progress in this folder is kept in {self.progress} (a new "
                         "folder starts from scratch).")
        first = self.folder / (self.copied + self.kept)[0] if self.copied + self.kept else None
        if first is not None:
            command = open_command(first)
            lines.append(f"Next: {command}" if command else
                         "Next: JupyterLab is not installed with this Python; install it with "
                         '`pip install "backprop-course[lab]"`, then run '
                         f"`jupyter lab {first}`")
        return "\n".join(lines)


def _shown(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it (``.venv/bin/jupyter``)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def open_command(notebook: Path) -> str | None:
    """The command that opens ``notebook`` in JupyterLab from this shell, or ``None``.

    It uses the ``jupyter`` installed beside this Python (the one that sees the course):
    plain ``jupyter`` when that is the one on ``PATH``, else its path (a virtual environment
    that is not activated, ``.venv/bin/jupyter``). As root, JupyterLab refuses to start
    without ``--allow-root``, so the command carries it. ``None`` when JupyterLab is not
    installed with this Python.
    """
    import importlib.util

    if importlib.util.find_spec("jupyterlab") is None:
        return None
    folder = Path(sys.executable).parent
    here = next((folder / n for n in ("jupyter", "jupyter.exe") if (folder / n).exists()), None)
    on_path = shutil.which("jupyter")
    if here is None:
        exe = f"{_shown(Path(sys.executable))} -m jupyterlab"
    elif on_path and Path(on_path).resolve() == here.resolve():
        exe = "jupyter"
    else:
        exe = _shown(here)
    command = f"{exe} {'lab ' if here is not None else ''}{notebook}"
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command += " --allow-root"
    return command


def _target(folder: Path | str) -> Path:
    folder = Path(folder).expanduser()
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"{folder} is a file; give `course start` a folder "
                                 "(new or existing) for your lessons")
    if folder.is_dir() and folder.resolve() == shipped_lessons().resolve():
        raise ValueError(f"{folder} is the course's own copy of the lessons; choose another "
                         f"folder, e.g. `course start {DEFAULT_FOLDER}`")
    return folder


def start(folder: Path | str = DEFAULT_FOLDER) -> StartReport:
    """Copy every shipped lesson that ``folder`` does not have yet; never overwrite.

    Parameters
    ----------
    folder : path, default ``./backprop-course``
        Created if missing (with its parents).

    Returns
    -------
    StartReport
        Which lessons were copied and which were already there (left as they are).
    """
    folder = _target(folder)
    folder.mkdir(parents=True, exist_ok=True)
    report = StartReport(folder)
    for lesson in sorted(shipped_lessons().glob(_PATTERN)):
        destination = folder / lesson.name
        try:
            with open(destination, "xb") as out:      # "x": fails if it exists, atomically
                out.write(lesson.read_bytes())
        except FileExistsError:
            report.kept.append(lesson.name)
        else:
            report.copied.append(lesson.name)
    report.progress = _progress_file(folder)
    report.progress_override = _progress_override()
    return report


def _progress_override() -> Path | None:
    """``$COURSE_PROGRESS_FILE`` (``course.tracker.progress_file`` reads it first), if set."""
    from course.tracker import PROGRESS_ENV

    value = os.environ.get(PROGRESS_ENV)
    return Path(value) if value else None


def _progress_file(folder: Path) -> Path:
    """The folder's own progress file, created empty unless it is there already."""
    from course.tracker import FOLDER_FILE

    path = folder / FOLDER_FILE
    try:
        with open(path, "x", encoding="utf-8") as out:
            out.write("{}\n")
    except FileExistsError:
        pass
    return path


def _find_lesson(name: str) -> Path:
    """A shipped lesson by number (``03``), stem or file name; clear error otherwise."""
    lessons = sorted(shipped_lessons().glob(_PATTERN))
    key = Path(name.strip()).name.removesuffix(".ipynb")
    matches = [p for p in lessons
               if key in (p.stem, p.stem[:2], p.stem[3:]) or (key.isdigit() and
                                                                int(key) == int(p.stem[:2]))]
    if len(matches) != 1:
        names = ", ".join(p.stem for p in lessons)
        raise ValueError(f"no lesson called {name!r}; give its number or name, one of: {names}")
    return matches[0]


def reset_lesson(folder: Path | str, lesson: str) -> StartReport:
    """Put one lesson back as shipped; the learner's version is kept as a backup.

    The backup is ``NN_name.backup-YYYYmmdd-HHMMSS.ipynb`` beside it (never overwritten).
    """
    folder = _target(folder)
    source = _find_lesson(lesson)
    folder.mkdir(parents=True, exist_ok=True)
    report = StartReport(folder, copied=[source.name], verb="Restored")
    destination = folder / source.name
    if destination.exists():
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = folder / f"{source.stem}.backup-{stamp}.ipynb"
        count = 1
        while backup.exists():
            count += 1
            backup = folder / f"{source.stem}.backup-{stamp}-{count}.ipynb"
        destination.replace(backup)
        report.backups.append(backup)
    shutil.copyfile(source, destination)
    return report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``course start``."""
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER,
                        help=f"your working folder (default: ./{DEFAULT_FOLDER})")
    parser.add_argument("--reset", metavar="LESSON",
                        help="restore one lesson as shipped (e.g. 03), keeping yours as a backup")


def main(args: argparse.Namespace) -> int:
    """Run ``course start``; 0 on success, 2 when the folder or lesson is unusable."""
    try:
        report = reset_lesson(args.folder, args.reset) if args.reset else start(args.folder)
    except (OSError, ValueError) as err:
        print(f"course start: {err}", file=sys.stderr)
        return 2
    print(report)
    return 0
