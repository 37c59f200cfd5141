"""Where the course itself lives: telling the library's own frames from a learner's.

A traceback frame belongs to the library when its file is inside this package's own folder
(resolved, so symbolic links and ``..`` do not fool it) — not when its path merely contains
``/course/``: a learner whose work sits in a folder called ``course`` is still a learner.
"""

from __future__ import annotations

import functools
import os

__all__ = ["PACKAGE_DIR", "in_package"]

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
