"""The learner's ``Value`` of lesson 08, taken from a notebook: the cells tagged
``value-engine`` (the class cell and the exercise cells) executed in a fresh namespace."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TAG = "value-engine"


def engine_namespace(folder: str = "solutions") -> dict:
    """The namespace after running lesson 08's engine cells from ``folder``."""
    nb = json.loads((ROOT / folder / "08_autograd_from_scratch.ipynb").read_text("utf-8"))
    namespace: dict = {"__name__": "lesson08"}
    exec("import math", namespace)
    for cell in nb["cells"]:
        if TAG in cell.get("metadata", {}).get("tags", []):
            exec(compile("".join(cell["source"]), f"<lesson 08 cell {cell['id']}>", "exec"),
                 namespace)
    return namespace
