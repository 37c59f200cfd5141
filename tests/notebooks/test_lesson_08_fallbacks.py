"""Lesson 08 with a ``Value`` that runs but is wrong, and unfilled: the cells after the
exercises keep running, say whose ``Value`` they show and what to revisit.

The code cells are executed in order in one namespace in this process (what Run All does),
up to the training cell; matplotlib draws off-screen.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[2]
TRAINING = "lines, worst = train_side_by_side(V)"


def run_until(folder: str, marker: str, after: dict | None = None) -> tuple[dict, str]:
    """Execute lesson 08's code cells from ``folder`` until the one containing ``marker``;
    ``after`` maps a text of a cell to a function called with the namespace after it."""
    nb = json.loads((ROOT / folder / "08_autograd_from_scratch.ipynb").read_text("utf-8"))
    namespace: dict = {"__name__": "__main__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            exec(compile(source, "<lesson 08>", "exec"), namespace)
            for text, patch in (after or {}).items():
                if text in source:
                    patch(namespace)
            if marker in source:
                return namespace, out.getvalue()
    raise AssertionError(f"no cell contains {marker!r}")


def _wrong_mul(namespace):
    """``mul`` with __add__'s closure copied: it runs, and every gradient through * is wrong."""
    Value, as_value = namespace["Value"], namespace["as_value"]

    def mul(self, other):
        other = as_value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad
        out._backward = _backward
        return out
    namespace["mul"] = mul


def test_a_wrong_value_names_the_exercise_and_the_lesson_runs_on(monkeypatch):
    from course._env import GRADING_ENV

    monkeypatch.delenv(GRADING_ENV, raising=False)    # a learner's kernel: a failing check
    #                                                   shows its verdict, it does not raise
    namespace, printed = run_until("solutions", TRAINING, after={"def mul(self": _wrong_mul})
    assert namespace["V"] is namespace["Value"]                 # the learner's class is used
    assert 'revisit check("autograd.mul_backward", Value)' in printed
    assert "the same steps with the course's Value instead" in printed
    assert namespace["worst"] < 1e-10                          # the fallback's comparison
    assert "AssertionError" not in printed


@pytest.mark.parametrize("folder, label", [
    ("solutions", "columns: your Value,"),
    ("lessons", "columns: the course's Value (yours is not finished),"),
])
def test_the_comparison_says_whose_value_it_shows(folder, label):
    _, printed = run_until(folder, "lesson05 = {k: (O.data - y_target)")
    assert label in printed
