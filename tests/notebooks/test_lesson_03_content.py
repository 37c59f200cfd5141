"""Lesson 03 shows the worked example: both numbers computed live and the grader's diagnosis.

The solution notebook is executed once (nbclient, in the test run's grading mode); the
assertions read its outputs. The student version is checked statically.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
SOLUTION = ROOT / "solutions" / "03_diamond_network.ipynb"
LESSON = ROOT / "lessons" / "03_diamond_network.ipynb"
TRUE_VALUE = "0.0014291881022"
LEARNERS_VALUE = "0.00571675240882"
WIDGET = "application/vnd.jupyter.widget-view+json"


def output_text(cell) -> str:
    """Every text an output of ``cell`` shows (streams, text/plain, text/html)."""
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            parts += [out.data.get("text/plain", ""), out.data.get("text/html", "")]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def executed():
    from nbclient import NotebookClient

    nb = nbformat.read(SOLUTION, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    return nb


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_solution_runs_without_error_outputs(executed):
    errors = [o for c in code_cells(executed) for o in c.get("outputs", [])
              if o.output_type == "error"]
    assert errors == []


def test_both_numbers_are_shown_and_computed_not_typed(executed):
    shown = "\n".join(output_text(c) for c in code_cells(executed))
    assert TRUE_VALUE in shown and LEARNERS_VALUE in shown
    typed = "\n".join(c.source for c in code_cells(executed))
    assert LEARNERS_VALUE not in typed and TRUE_VALUE not in typed


def test_the_learners_formula_is_diagnosed_live(executed):
    cells = [c for c in code_cells(executed) if 'course.explain("diamond.dO_dw1"' in c.source]
    assert len(cells) == 1
    text = output_text(cells[0])
    assert "course-check--fail" in text                      # the HTML view: a failed check
    for product in ("w2·w4", "w3·w5"):
        assert product in text or product.replace("·", "*") in text, text
    mistake = re.search(r"data-mistake='([^']*)'", text)
    assert mistake and mistake.group(1), "the diagnosis should name a catalogued mistake"


def test_every_solution_check_passes(executed):
    checks = [c for c in code_cells(executed) if re.search(r'check\("(diamond|quiz03)\.', c.source)]
    ids = [re.search(r'check\("([^"]+)"', c.source).group(1) for c in checks]
    assert ids == ["diamond.dO_dw4", "diamond.dO_dw2", "diamond.dO_dw3", "quiz03.seed_bug",
                   "diamond.dO_dw1", "diamond.dL_dw4", "diamond.dL_dw1", "quiz03.dL_dO",
                   "quiz03.descent_step", "quiz03.dL_db1"]
    for cell in checks:
        assert "course-check--pass" in output_text(cell), cell.source


def test_the_bug_is_found_before_the_learner_writes_dO_dw1():
    """Derive first: the seed's formula is a question before exercise 3, and the complete
    path table is in the worked answer (shown after a pass), not above the exercise."""
    lesson = nbformat.read(LESSON, as_version=4)
    sources = [c.source for c in lesson.cells]
    quiz = next(i for i, s in enumerate(sources) if 'check("quiz03.seed_bug"' in s)
    answer = next(i for i, s in enumerate(sources) if "def dO_dw1(" in s)
    assert quiz < answer
    above = "\n".join(sources[:answer])
    assert "| path 1" not in above and "s'(z_2)\\, w_2" not in above     # no table, no box
    from course._grading.registry import get_exercise

    assert "path 1 (through $h_2$)" in get_exercise("diamond.dO_dw1").reveal


def test_the_loss_section_asks_with_a_target_and_every_derivative_after_is_of_L():
    lesson = nbformat.read(LESSON, as_version=4)
    code = "\n".join(c.source for c in lesson.cells if c.cell_type == "code")
    assert "def dL_dw4(I, w1, w2, w3, w4, w5, y):" in code
    assert "def dL_dw1(I, w1, w2, w3, w4, w5, y):" in code
    assert "import sigmoid as s, sigmoid_prime" in code and " as d" not in code
    markdown = "\n".join(c.source for c in lesson.cells if c.cell_type == "markdown")
    assert "every derivative in this course is a derivative of the loss" in markdown


def test_diamond_explorer_is_a_cells_last_expression(executed):
    last = "course.widgets.diamond_explorer(gradients=False)"    # the forward pass only
    cells = [c for c in code_cells(executed) if c.source.strip().splitlines()[-1] == last]
    assert len(cells) == 1
    assert any(WIDGET in o.get("data", {}) for o in cells[0].outputs)


def test_student_version_hides_the_answers():
    lesson = nbformat.read(LESSON, as_version=4)
    source = "\n".join(c.source for c in lesson.cells if c.cell_type == "code")
    assert "### BEGIN SOLUTION" not in source
    assert 'dO_dw3_formula = r""' in source               # a raw string: pasted LaTeX survives
    assert "path_h2" not in source and 'd(f["zO"]) * f["h2"]' not in source
    assert source.count("raise NotImplementedError") == 5
    markdown = "\n".join(c.source for c in lesson.cells if c.cell_type == "markdown")
    assert TRUE_VALUE in markdown and LEARNERS_VALUE in markdown


def test_the_seed_bug_question_is_not_answered_above_it():
    """Above the question: no "4× too ..." and no learning goal that names the dropped
    factors; the question asks for another point (weights 2), where the slip is 4× too small."""
    lesson = nbformat.read(LESSON, as_version=4)
    sources = [c.source for c in lesson.cells]
    quiz = next(i for i, s in enumerate(sources) if 'check("quiz03.seed_bug"' in s)
    question = sources[quiz - 1]
    above = "\n".join(sources[:quiz - 1])
    assert "4×" not in above and "too large" not in above
    assert "went wrong in the formula above: **an edge" not in sources[0]
    assert "w_2 = w_3 = w_4 = w_5 = 2" in question


def test_the_seed_bug_quiz_asks_for_the_ratio_at_the_other_point():
    from course import explain
    from course.nn.activations import sigmoid_prime as d
    from course.nn.networks import DiamondNet

    net = DiamondNet(w1=0.5, w2=2, w3=2, w4=2, w5=2)
    f = net.forward(1.0)
    seed = d(f["zO"]) * (d(f["z2"]) * d(f["z1"]) + d(f["z3"]) * d(f["z1"]))
    assert abs(seed / net.gradient(1.0)["w1"] - 0.25) < 1e-12      # "4× too small there"
    assert explain("quiz03.seed_bug", "a").passed
    assert explain("quiz03.seed_bug", "b").mistake == "ratio-inverted"


def test_the_old_target_with_its_sign_flipped_is_named():
    from course import explain
    result = explain("quiz03.dL_dO", 0.1414)
    assert result.mistake == "old-target-sign"
    assert "that is ∂L/∂O for y = 1" in str(result) and "target is 0.25" in str(result)
