"""What lessons 00, 01, 02 and 08 print above their exercises, their notation, their imports.

Read from the student copies in ``lessons/`` (what a learner sees before any pass)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from course.release import COLAB_TAG

ROOT = Path(__file__).resolve().parents[2]


def cells(stem: str, kind: str | None = None) -> list[str]:
    """The lesson's own cells (the Colab set-up cell that release puts first is left out)."""
    nb = json.loads((ROOT / "lessons" / f"{stem}.ipynb").read_text("utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if kind in (None, c["cell_type"])
            and COLAB_TAG not in c.get("metadata", {}).get("tags", [])]


def text(stem: str, kind: str | None = None) -> str:
    return "\n".join(cells(stem, kind))


def test_lesson_00_never_prints_the_warm_up_answer():
    shown = text("00_start_here")
    for answer in ("6x - 2", "6x-2", "6*x - 2", "6x − 2", r"\frac{12x}{2}-2", "6x - (2"):
        assert answer not in shown, answer
    assert "`4x+1`" in shown and r"\frac{8x}{2}+1" in shown      # the syntax, another function


def test_the_notation_table_names_eps_and_bp1_to_bp4():
    table = next(c for c in cells("00_start_here") if c.startswith("## Notation"))
    assert "| $\\varepsilon$ | the step of a finite difference (lessons 02 and 04" in table
    assert "| BP1–BP4 |" in table and "BP4 $\\partial L/\\partial W$" in table
    assert "`h`, `eps`" not in table


def test_lesson_02_uses_eps_for_the_step_and_h_for_the_hidden_activation():
    code = text("02_derivatives_and_chain_rule", "code")
    assert "def central_difference(f, x, eps=1e-5):" in code
    assert not re.search(r"\bh=1e-|for h in|forward_slope\(x0, h\)", code)
    markdown = text("02_derivatives_and_chain_rule", "markdown")
    assert "x_0 + h" not in markdown and "2h" not in markdown
    assert "to **4 significant digits**" in markdown


def test_lesson_02_path_picture_shows_the_factors_only_after_a_pass():
    cell = next(c for c in cells("02_derivatives_and_chain_rule", "code")
                if "g.paths(w1_, y_)" in c)
    assert "s'(z1)" not in cell and "x · 1" not in cell
    assert 'course.notebook.reveal("chain.dy_dw1")' in cell


def test_lesson_01_states_the_scaled_tanh_derivative_only_in_reveal():
    shown = text("01_neuron_and_sigmoid", "markdown")
    assert r"1.7159\cdot\tfrac23\,(1 - \tanh^2" not in shown
    assert r"is $\tfrac23\,(1 - \tanh^2(\tfrac23 x))$" not in shown
    assert 'course.notebook.reveal("tanh.derivative")' in text("01_neuron_and_sigmoid", "code")


def test_lesson_01_imports_its_picture_helpers_in_the_first_code_cell():
    code = cells("01_neuron_and_sigmoid", "code")
    assert "from course.notebook import learner_or_reference, reference" in code[0]
    later = [c for c in code[1:] if "import learner_or_reference" in c
             or re.search(r"from course.notebook import .*reference", c)]
    assert not later                       # a cell run on its own finds them


@pytest.mark.parametrize("stem", ["08_autograd_from_scratch"])
def test_lesson_08_docstrings_use_the_partial_sign(stem):
    code = text(stem, "code")
    assert "∂self/∂node" in code and "d(self)/d(node)" not in code
