"""Lesson 05 (student version, read statically): δ = ∂L/∂z everywhere, derive first — no
exercise's answer printed above it — and one notation for the deltas."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
LESSON = ROOT / "lessons" / "05_backprop_algorithm.ipynb"


def _cells():
    return nbformat.read(LESSON, as_version=4).cells


def _index(cells, needle: str) -> int:
    return next(i for i, c in enumerate(cells) if needle in c.source)


def test_checks_run_in_lesson_order_and_the_self_test_ends_the_lesson():
    cells = _cells()
    ids = [m.group(1) for c in cells for m in re.finditer(r'check\("([^"]+)"', c.source)
           if c.cell_type == "code"]
    assert ids == ["backprop.delta_O", "backprop.delta_h1", "backprop.backward",
                   "quiz05.delta_2", "quiz05.bias_gradient", "quiz05.cost"]
    assert _index(cells, 'check("quiz05.cost"') < _index(cells, "## Recap")


def test_no_exercise_is_answered_above_it():
    cells = _cells()
    above_dO = "\n".join(c.source for c in cells[:_index(cells, "def delta_output(")])
    assert "(O - y) * O * (1 - O)" not in above_dO and "\\delta_O = (O - y)" not in above_dO
    above_d1 = "\n".join(c.source for c in cells[:_index(cells, "def delta_h1(")])
    for recursive in ("delta_2 * w2", "delta_2*w2", "\\delta_2\\, w_2", "\\delta_2 w_2", "δ2·w2"):
        assert recursive not in above_d1, recursive
    assert "delta_3 =" not in above_d1                   # δ3 is the learner's (exercise 3)
    above_bw = "\n".join(c.source for c in cells[:_index(cells, "def backward(")])
    assert "backward_stepper" not in above_bw            # the stepper replays the pass after
    assert "net.w5 *" not in above_bw and "delta_1 = (" not in above_bw   # δ3, δ1 are theirs
    assert _index(cells, "course.widgets.backward_stepper") > _index(cells,
                                                                    'check("backprop.backward"')


def test_deltas_are_of_the_loss_and_named_as_in_lesson_00():
    cells = _cells()
    text = "\n".join(c.source for c in cells)
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    assert "\\partial L/\\partial z" in text and "\\partial O/\\partial z" not in text
    assert "def delta_h1(delta_2, delta_3, w2, w3, h1):" in code
    assert "def backward(net, I, y):" in code and "backward_stepper(y=1.0)" in code
    assert not re.search(r"\b(d2|d3|d1|dO|delta2|delta3)\b", code), "one name per delta"


def test_the_timing_cell_keeps_the_lessons_target_y():
    """The cost picture's batch has names of its own: the diamond's y stays one number, so
    the network picture still draws after it has run."""
    code = "\n".join(c.source for c in _cells() if c.cell_type == "code")
    assert not re.search(r"^\s*(X, )?y\s*=", code.split("def multiply_adds")[1], re.M)
    assert "y_batch = rng.uniform(size=(batch, 1))" in code


def test_learner_or_reference_functions_are_not_named_like_derivatives():
    code = "\n".join(c.source for c in _cells() if c.cell_type == "code")
    assert not re.search(r"\bd_(O|h1)\b", code)          # lesson 00's table: d + name = ∂L/∂name
    assert "delta_output_fn = learner_or_reference(" in code
    assert "delta_h1_fn = learner_or_reference(" in code


def test_no_gradient_of_exercise_3_is_printed_above_it():
    cells = _cells()
    above_bw = "\n".join(c.source for c in cells[:_index(cells, "def backward(")]
                         if c.cell_type == "code")
    assert "dL/dw4" not in above_bw and "dL/db2" not in above_bw


def test_the_self_test_asks_what_the_lesson_does_not_print():
    cells = _cells()
    text = "\n".join(c.source for c in cells[:_index(cells, 'check("quiz05.bias_gradient"')])
    assert "Predict** $\\partial L/\\partial b_3$" in text     # a number to work out, not a rule
    q3 = cells[_index(cells, "**3.**")].source
    assert "2 ms" in q3 and "5{,}000" in q3


def test_the_numerical_gradient_convention_is_explained_where_it_differs():
    code = "\n".join(c.source for c in _cells() if c.cell_type == "code")
    assert "numerical_gradient also takes one array instead of lesson 04's dict" in code
