"""Finding submissions, reading them, and telling which lesson each one is.

A submission that cannot be read is not an exception here: ``read_submission``
returns the reason, and the grader turns it into a row.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

__all__ = ["UsageError", "find_submissions", "Submission", "read_submission", "detect_lesson",
           "lesson_exercises", "known_lessons"]

_LESSON_STEM = re.compile(r"^\d\d_[a-z0-9_]+$")
_CHECK_CALL = re.compile(r"""\bcheck\(\s*[rRuU]?["']([\w.]+)["']""")


class UsageError(ValueError):
    """The command line names nothing gradable (exit code 2)."""


def find_submissions(paths) -> list[Path]:
    """Every ``.ipynb`` under ``paths`` (files or folders, recursive), sorted, no duplicates.

    Hidden folders (``.ipynb_checkpoints``, ``.git``) are skipped.

    Raises
    ------
    UsageError
        A path does not exist, or nothing was found.
    """
    found: dict[Path, Path] = {}
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder; pass notebooks (.ipynb) or "
                             "folders that contain them")
        if path.is_dir():
            candidates = [p for p in path.rglob("*.ipynb")
                          if not any(part.startswith(".") for part in p.relative_to(path).parts)]
        else:
            candidates = [path]
        for p in candidates:
            # one row per path given: not resolved, so a link never hides the file it names
            found.setdefault(Path(os.path.abspath(p)), p)
    if not found:
        raise UsageError("no submissions found: the paths given contain no .ipynb files")
    return sorted(found.values(), key=lambda p: str(p))


def lesson_exercises(lesson: str) -> list:
    """The registered exercises of ``lesson``, in registry order."""
    from course._grading.registry import all_exercises

    return [ex for ex in all_exercises() if ex.lesson == lesson]


def known_lessons() -> list[str]:
    """Every lesson that has at least one checked exercise."""
    from course._grading.registry import all_exercises

    return sorted({ex.lesson for ex in all_exercises()})


@dataclass
class Submission:
    """A readable notebook and what the grader found out about it before running it."""

    path: Path
    nb: object | None = None
    lesson: str = ""
    problem: str = ""          # why it will not be executed ("" when it will)


def read_submission(path: Path, expected_lesson: str | None = None) -> Submission:
    """Read one submission; ``problem`` says why it cannot be executed, if so."""
    import nbformat

    sub = Submission(path)
    if Path(path).is_symlink():
        sub.lesson = detect_lesson(None, path) or ""
        sub.problem = ("a symbolic link, not a notebook file: not graded (submit the notebook "
                       "itself)")
        return sub
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        sub.problem = f"could not read the file ({type(err).__name__}: {err})"
        return sub
    try:
        raw = json.loads(text)
    except ValueError as err:
        sub.lesson = detect_lesson(None, path) or ""
        sub.problem = f"invalid JSON, not a notebook ({err})"
        return sub
    try:
        if not isinstance(raw, dict) or "cells" not in raw:
            raise ValueError("it has no 'cells' list")
        sub.nb = nbformat.reads(text, as_version=4)
        for cell in sub.nb.cells:              # tolerate what Jupyter itself tolerates
            cell.setdefault("metadata", {})
            if cell.get("cell_type") == "code":
                cell.setdefault("outputs", [])
    except Exception as err:  # nbformat raises a zoo of types on malformed input
        sub.nb = None
        sub.lesson = detect_lesson(None, path) or ""
        sub.problem = f"not a Jupyter notebook ({str(err).splitlines()[0][:200]})"
        return sub
    sub.lesson = detect_lesson(sub.nb, path) or ""
    if not any(c.get("cell_type") == "code" and str(c.get("source", "")).strip()
               for c in sub.nb.cells):
        sub.problem = "empty notebook (no code cells to run)"
    elif expected_lesson and sub.lesson and sub.lesson != expected_lesson:
        sub.problem = f"notebook is lesson {sub.lesson}, expected {expected_lesson}"
    elif not sub.lesson and expected_lesson:
        sub.lesson = expected_lesson
    elif not sub.lesson:
        sub.problem = ("could not tell which lesson this is (no course metadata, no lesson name "
                       "in the file name, no check(...) calls); pass --lesson NN_name")
    return sub


def detect_lesson(nb, path: Path) -> str | None:
    """The lesson of a notebook: its course metadata, else its file name, else its checks.

    Only lessons with checked exercises count; ``None`` when nothing matches.
    """
    lessons = known_lessons()
    if nb is not None:
        meta = nb.get("metadata", {}).get("course", {})
        lesson = meta.get("lesson") if isinstance(meta, dict) else None
        if isinstance(lesson, str) and lesson.strip():
            return lesson.strip()
    stem = Path(path).stem
    named = [lesson for lesson in lessons if lesson in stem]
    if named:
        return max(named, key=len)
    if _LESSON_STEM.match(stem):                   # a lesson without exercises (yet)
        return stem
    if nb is None:
        return None
    from course._grading.registry import all_exercises

    lesson_of = {ex.id: ex.lesson for ex in all_exercises()}
    votes = Counter(lesson_of[eid]
                    for cell in nb.cells if cell.get("cell_type") == "code"
                    for eid in _CHECK_CALL.findall(str(cell.get("source", "")))
                    if eid in lesson_of)
    return votes.most_common(1)[0][0] if votes else None
