"""Lessons 04, 06 and 07 ask before they tell: no exercise's answer is printed above its
check, δ is `delta` (never `dZ`), predictions come before the pictures that answer them, and
each lesson ends with a self-test. Static checks of the student notebooks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def cells(lesson: str) -> list[tuple[str, str]]:
    nb = json.loads((ROOT / "lessons" / f"{lesson}.ipynb").read_text(encoding="utf-8"))
    return [(c["cell_type"], "".join(c["source"])) for c in nb["cells"]]


def above(lesson: str, marker: str) -> str:
    """Every cell's text above the first cell containing ``marker``."""
    text = []
    for _, source in cells(lesson):
        if marker in source:
            return "\n".join(text)
        text.append(source)
    raise AssertionError(f"{marker!r} not in {lesson}")


def index(lesson: str, marker: str) -> int:
    return next(i for i, (_, s) in enumerate(cells(lesson)) if marker in s)


@pytest.mark.parametrize("lesson, check, printed", [
    # the relative error is designed from its properties, not copied
    ("04_gradient_checking", 'check("gradcheck.relative_error"',
     [r"|a| + |b|", r"|a - b|", r"\max\bigl("]),
    # which function to nudge is the learner's decision
    ("04_gradient_checking", 'check("gradcheck.loss_check"', ["0.5 * (DiamondNet(**p)"]),
    # the BP table and the matrix formulas come after the pass (A_prev.T @ delta is one of the
    # options of the checked prediction before it)
    ("06_vectorized_backprop", 'check("dense.backward"',
     [r"A_{\text{prev}}^{\mathsf T}", "delta @ W.T", "delta.sum(axis=0"]),
    # dA2 of the mean loss is derived
    ("06_vectorized_backprop", 'check("dense.mlp_backward"',
     ["(A2 - y) / m", r"\frac{A_2 - y}{m}"]),
    # the cross-entropy's gradient and the cancellation are derived
    ("07_training_with_sgd", 'check("sgd.bce_grad"',
     [r"\frac{y - a}{a(1-a)}", r"\dfrac{1}{m}\,\dfrac{a-y}{a(1-a)}", "(a - y) / (a * (1 - a))",
      r"\frac{y - A}{A(1-A)}", "(A - y) / (A * (1 - A))"]),
    ("07_training_with_sgd", 'check("sgd.output_deltas"',
     [r"= \frac{a-y}{m}", "delta_ce = (a - y) / m", "a(1-a) cancels", r"= \frac{A-y}{m}",
      "delta_ce = (A - y) / m", "A(1-A) cancels"]),
])
def test_no_answer_is_printed_above_its_check(lesson, check, printed):
    text = above(lesson, check)
    for piece in printed:
        assert piece not in text, (lesson, check, piece)


@pytest.mark.parametrize("lesson", ["06_vectorized_backprop", "07_training_with_sgd"])
def test_delta_is_never_dZ(lesson):
    for _, source in cells(lesson):
        text = source.replace("dL/dZ", "").replace("dL/dz", "")
        assert not re.search(r"\bd[Zz]\w*", text), source[:200]


@pytest.mark.parametrize("lesson, predict, reveal", [
    ("04_gradient_checking", 'check("quiz04.best_eps"', "epsilon_plot("),
    ("04_gradient_checking", 'check("gradcheck.find_bug"', 'finder(buggy_gradient)'),
    ("06_vectorized_backprop", 'check("quiz06.dW_product"', "### BP1–BP4"),
    ("07_training_with_sgd", 'check("sgd.output_deltas"', "delta_ce, delta_se = (np.asarray(d)[0]"),
])
def test_a_prediction_comes_before_the_picture_that_answers_it(lesson, predict, reveal):
    assert index(lesson, predict) < index(lesson, reveal)


@pytest.mark.parametrize("lesson, quiz", [("04_gradient_checking", "quiz04."),
                                          ("06_vectorized_backprop", "quiz06."),
                                          ("07_training_with_sgd", "quiz07.")])
def test_each_lesson_ends_with_a_self_test_before_its_common_mistakes(lesson, quiz):
    test = index(lesson, "## Self-test")
    mistakes = index(lesson, "## Common mistakes")
    checks = [i for i, (_, s) in enumerate(cells(lesson)) if f'check("{quiz}' in s]
    assert test < mistakes and sum(test < i < mistakes for i in checks) == 3


def test_find_bug_states_its_contract_before_the_exercise():
    text = above("04_gradient_checking", "def find_bug(gradient)")
    for piece in ("`gradient(net, I, y)`", "**return**", "**where to test**", "`None`",
                  "six different ones", "10^{-4}"):
        assert piece in text, piece


def test_lesson_06_bridges_from_lesson_05_with_the_diamond_as_an_mlp():
    text = "\n".join(s for _, s in cells("06_vectorized_backprop"))
    assert "MLP((1, 1, 2, 1))" in text and "delta_2" in text
    assert "diamond.loss_and_grads(" in text and "net05.backward(I, y_target)" in text


def test_lesson_04_gives_away_neither_the_hiding_point_nor_exercise_3():
    import nbformat as _nbf
    cells = _nbf.read(ROOT / "lessons" / "04_gradient_checking.ipynb", as_version=4).cells
    sources = [c.source for c in cells]
    quiz = next(i for i, s in enumerate(sources) if 'check("quiz04.hiding_point"' in s)
    above = "\n".join(sources[:quiz])
    assert "w_2 = w_3" not in above.split("**1.**")[0]      # only the question's own option
    assert any("$w_2 = w_3$ and $b_2 = b_3$" in s for s in sources[quiz + 1:quiz + 2])
    demo = next(i for i, s in enumerate(sources) if "def find_bug_at_worked_example_only" in s)
    assert demo > quiz                  # its diagnosis names w2 = w3: after the question
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    assert "def check_loss_of_the_output" not in code
    assert 'provided("gradcheck.loss_check",' in code
