"""Where the course itself lives: its own files (not a learner's), and its shipped lessons.

A traceback frame belongs to the library when its file is inside this package's own folder
(resolved, so symbolic links and ``..`` do not fool it) — not when its path merely contains
``/course/``: a learner whose work sits in a folder called ``course`` is still a learner.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

__all__ = ["PACKAGE_DIR", "LESSON_PATTERN", "in_package", "shipped_lessons"]

#: the lesson notebooks' file names
LESSON_PATTERN = "[0-9][0-9]_*.ipynb"
#: the resolved folder of the ``course`` package
PACKAGE_DIR = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))


@functools.lru_cache(maxsize=4096)
def in_package(filename: str) -> bool:
    """True when ``filename`` (a code object's or traceback's file name) is the course's own.

    Pseudo-files such as ``<string>`` or an IPython cell's ``<ipython-input-…>`` are never
    the package's.
    """
    if not filename or filename.startswith("<"):
        return False
    path = os.path.realpath(os.path.abspath(filename))
    return path == PACKAGE_DIR or path.startswith(PACKAGE_DIR + os.sep)


def shipped_lessons() -> Path:
    """The folder of lesson notebooks this installation of the course carries.

    Raises
    ------
    FileNotFoundError
        When neither an installed ``course/lessons/`` nor a source checkout's ``lessons/``
        holds a lesson (a broken installation).
    """
    package = Path(PACKAGE_DIR)
    candidates = [package / "lessons"]
    if (package.parent / "pyproject.toml").is_file():      # a source checkout (editable)
        candidates.append(package.parent / "lessons")
    for folder in candidates:
        if any(folder.glob(LESSON_PATTERN)):
            return folder
    raise FileNotFoundError(
        f"this installation of the course carries no lessons (looked in "
        f"{', '.join(str(c) for c in candidates)}); reinstall it with "
        "`pip install --force-reinstall backprop-course`")
