"""Lesson 08 survives re-running its cells in the orders a learner plausibly uses.

The class cell holds the whole ``Value``; the four methods the learner writes call
module-level functions (``mul``, ``tanh``, ``backward``, ``zero_grad``) defined in the
exercise cells. So re-running the class cell keeps every exercise, an exercise cell can run
before the class cell, and a check always sees the latest version. Executed with nbclient in
one kernel: Run All, then the class cell again and every check, the exercises in reverse
order, the trap/diamond/training cells again, and after ``%reset`` the exercises *before*
the class cell.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = [pytest.mark.notebooks, pytest.mark.slow]

NOTEBOOK = Path(__file__).resolve().parents[2] / "solutions" / "08_autograd_from_scratch.ipynb"


def _kind(cell) -> str:
    tags = cell.get("metadata", {}).get("tags", [])
    source = cell.source
    if cell.cell_type != "code":
        return "markdown"
    if "scratch" in tags:
        return "scratch"
    if "value-engine" in tags:
        return "class" if source.startswith("class Value") else "exercise"
    if source.startswith("check(") or "\ncheck(" in source:
        return "check"
    return "code"


def _verdict(cell) -> str:
    for out in cell.outputs:
        text = out.get("data", {}).get("text/plain", "")
        if text:
            return text
    return ""


@pytest.fixture(scope="module")
def run():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("", metadata={"tags": ["scratch"]}))
    client = NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    with client.setup_kernel():
        def execute(index):
            client.execute_cell(nb.cells[index], index)   # raises on any error
            return nb.cells[index]

        def scratch(source):            # a cell of the test's own, kept at the end
            cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["scratch"]})
            nb.cells[-1] = cell             # (execute_cell stores the cell at its index)
            client.execute_cell(cell, len(nb.cells) - 1)
            return cell

        for i, cell in enumerate(nb.cells):         # Run All first
            if cell.cell_type == "code" and _kind(cell) != "scratch":
                execute(i)
        yield nb, execute, scratch


def _indices(nb, kind):
    return [i for i, c in enumerate(nb.cells) if _kind(c) == kind]


def _all_checks_pass(nb, execute):
    for i in _indices(nb, "check"):
        verdict = _verdict(execute(i))
        assert verdict.startswith("✓"), f"cell {i}: {verdict[:300]}"


def test_run_all_then_the_class_cell_again(run):
    nb, execute, _ = run
    execute(_indices(nb, "class")[0])
    _all_checks_pass(nb, execute)


def test_exercises_in_reverse_order_then_the_class_cell(run):
    nb, execute, _ = run
    for i in reversed(_indices(nb, "exercise")):
        execute(i)
    execute(_indices(nb, "class")[0])
    _all_checks_pass(nb, execute)


def test_the_later_cells_twice_after_re_running_the_class_cell(run):
    nb, execute, scratch = run
    execute(_indices(nb, "class")[0])
    later = [i for i in _indices(nb, "code") if i > _indices(nb, "exercise")[-1]
             and any(k in nb.cells[i].source for k in ("V.__add__", "diamond(V", "net.step"))]
    assert len(later) >= 4                  # the a + a trap, the diamond, MLP((1,1,2,1)), moons
    for i in later + later:
        execute(i)
    assert scratch("print((V.__add__, V.__mul__) == correct)").outputs[0]["text"].strip() == "True"
    _all_checks_pass(nb, execute)


def test_after_a_reset_the_exercises_may_come_before_the_class(run):
    nb, execute, scratch = run
    scratch("%reset -f")
    with pytest.raises(Exception, match="NameError"):
        scratch("Value")
    execute(next(i for i, c in enumerate(nb.cells) if c.cell_type == "code"))   # imports
    for i in _indices(nb, "exercise"):
        execute(i)
    execute(_indices(nb, "class")[0])
    _all_checks_pass(nb, execute)
