"""Noticing when a submission changed the Python installation the grader relies on.

A notebook runs with the grader's user rights, so it could rewrite the installed
``course`` package, numpy, or drop a ``.pth``/``sitecustomize.py`` that every later
Python process runs. The grader takes a ``Snapshot`` before grading and compares
after each kernel: a change stops grading from trusting that installation.
"""

from __future__ import annotations

import os
import site
import sys
from dataclasses import dataclass

__all__ = ["Snapshot"]

_WATCHED_PACKAGES = ("course", "numpy", "cloudpickle")
_CODE_SUFFIXES = (".py", ".so", ".pyd", ".pth", ".json")


def _stat(path: str):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _package_dirs() -> list[str]:
    import importlib.util

    dirs = []
    for name in _WATCHED_PACKAGES:
        spec = importlib.util.find_spec(name)
        for location in (spec.submodule_search_locations or []) if spec else []:
            dirs.append(os.path.realpath(location))
    return dirs


def _site_dirs() -> list[str]:
    dirs = list(getattr(site, "getsitepackages", list)())
    user = getattr(site, "getusersitepackages", lambda: None)()
    if user:
        dirs.append(user)
    return [os.path.realpath(d) for d in dirs] + [os.path.realpath(p) for p in sys.path[1:]
                                                   if p.endswith("lib-dynload")]


@dataclass
class Snapshot:
    """Sizes, times and inodes of the files that Python code of the grader would run."""

    files: dict

    @classmethod
    def take(cls, dirs=None) -> Snapshot:
        """Snapshot the installation, or only the folders ``dirs`` (recursively)."""
        files = {}
        if dirs is not None:
            for top in dirs:
                cls._walk(os.path.realpath(top), files, suffixes=None)
            return cls(files)
        for d in _site_dirs():
            if not os.path.isdir(d):
                continue
            for entry in os.scandir(d):                 # .pth, sitecustomize, new packages
                if entry.name.endswith((".pth", ".py")) or entry.is_dir():
                    files[entry.path] = _stat(entry.path)
        for top in _package_dirs():
            cls._walk(top, files, suffixes=_CODE_SUFFIXES)
        return cls(files)

    @staticmethod
    def _walk(top: str, files: dict, suffixes) -> None:
        for root, dirnames, names in os.walk(top):
            dirnames[:] = [n for n in dirnames if n != "tests"]
            in_cache = os.path.basename(root) == "__pycache__"
            for n in names:
                # compiled modules count too: a planted .pyc runs instead of its source
                if (suffixes is None or n.endswith(suffixes)) or (in_cache and
                                                                  n.endswith(".pyc")):
                    path = os.path.join(root, n)
                    files[path] = _stat(path)

    def changed_since(self, before: Snapshot) -> list[str]:
        """Paths added, removed or modified since ``before`` (sorted)."""
        keys = set(self.files) | set(before.files)
        # a new .pyc is Python caching a module imported for the first time; a cached one
        # that changes or goes is not (its source has not changed)
        return sorted(k for k in keys if self.files.get(k) != before.files.get(k)
                      and not (k.endswith(".pyc") and k not in before.files))
