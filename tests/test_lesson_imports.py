"""Every lesson's first code cell (after the Colab set-up) makes the lesson tools lesson 00
teaches available: ``check``, ``hint`` and ``progress``."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import course
from course.release import COLAB_TAG

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))


def _first_code_cell(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return next("".join(c["source"]) for c in cells if c["cell_type"] == "code"
                and COLAB_TAG not in c.get("metadata", {}).get("tags", []))


def test_every_lesson_was_found():
    assert len(LESSONS) >= 11 and len(SOLUTIONS) == len(LESSONS)


@pytest.mark.parametrize("path", LESSONS + SOLUTIONS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_first_code_cell_makes_check_hint_and_progress_available(path):
    tree = ast.parse(_first_code_cell(path))
    imports = ast.Module([n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)],
                         type_ignores=[])
    namespace: dict = {}
    exec(compile(imports, str(path), "exec"), namespace)     # the cell's imports, run
    for name in ("check", "hint", "progress"):
        assert namespace.get(name) is getattr(course, name), (
            f"{path.name}: the first code cell does not import {name} from course")
