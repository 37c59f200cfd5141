"""Lessons 06-07 after the learner review: nothing a learner is asked is answered in a cell
they reach before passing (worked answers come through reveal), the text's claims agree with
what the cells measure, and the cells below an exercise accept every answer its check
accepts. Static checks of the student notebooks, plus one cell run with a learner's answer."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


def cells(lesson: str) -> list[tuple[str, str]]:
    nb = json.loads((ROOT / "lessons" / f"{lesson}.ipynb").read_text(encoding="utf-8"))
    return [(c["cell_type"], "".join(c["source"])) for c in nb["cells"]]


def index(lesson: str, marker: str) -> int:
    return next(i for i, (_, s) in enumerate(cells(lesson)) if marker in s)


L06, L07 = "06_vectorized_backprop", "07_training_with_sgd"


def test_06_no_code_cell_assembles_dense_backward():
    for kind, source in cells(L06):
        if kind == "code":
            for piece in ("A_prev.T @ delta", "delta @ W.T", "delta.sum(axis=0"):
                assert piece not in source, source[:300]


def test_06_the_placeholder_for_a_gradient_is_not_the_data_matrix():
    text = "\n".join(s for _, s in cells(L06))
    assert r"Write $dX$ for $\partial L/\partial X$" not in text
    assert r"write $dV$ for $\partial L/\partial V$" in text


def _run(lesson, marker, namespace):
    """Execute the first code cell containing ``marker`` in ``namespace``."""
    source = next(s for k, s in cells(lesson) if k == "code" and marker in s)
    exec(compile(source, f"<{lesson}>", "exec"), namespace)
    return namespace


def test_06_the_cells_after_mlp_backward_read_gradient_keys_of_either_style(capsys):
    import course
    from course.nn.gradcheck import relative_error
    from course.nn.mlp import MLP
    from course.notebook import learner_or_reference

    reference = course.notebook.reference("dense.mlp_backward")

    def mlp_backward(X, y, W1, b1, W2, b2):          # keys as the notation table names them
        return {"d" + k: v for k, v in reference(X, y, W1, b1, W2, b2).items()}

    assert course.explain("dense.mlp_backward", mlp_backward).passed
    ns = {"np": np, "course": course, "MLP": MLP, "relative_error": relative_error,
          "learner_or_reference": learner_or_reference, "mlp_backward": mlp_backward,
          "rng": np.random.default_rng(0)}
    _run(L06, "mine = backward_net(X, y, **params)", ns)
    out = capsys.readouterr().out
    assert "Using your mlp_backward." in out and "shape!" not in out
    assert sorted(ns["mine"]) == ["W1", "W2", "b1", "b2"]


def test_07_the_in_place_trap_and_the_update_order_are_revealed_after_a_pass():
    check_step = index(L07, 'check("sgd.sgd_step"')
    assert cells(L07)[check_step + 2] == ("code", 'course.notebook.reveal("sgd.sgd_step")')
    check_train_step = index(L07, 'check("sgd.train_step"')
    reveal = index(L07, 'course.notebook.reveal("sgd.train_step")')
    between = "\n".join(s for _, s in cells(L07)[check_train_step:reveal])
    assert "mixes two networks" not in between and "W2 -= lr" not in between
    assert index(L07, "def sgd_step_rebinding(") > index(L07, "## Common mistakes")
    above_quiz = "\n".join(s for _, s in cells(L07)[:index(L07, 'check("quiz07.no_s_prime"')])
    assert "W = W - lr * dW" not in above_quiz and "mixes two networks" not in above_quiz


def test_07_no_cell_prints_exercise_2s_deltas():
    for _, source in cells(L07):
        for piece in ("delta_ce = (a - y) / m", "(a - y)/m", "(a-y)/m", r"\delta = \partial L/"
                      r"\partial z = (a-y)/m", "is $(a - y)/m$"):
            assert piece not in source, source[:300]


def test_07_the_saturation_plot_shows_delta_itself_for_one_example():
    plot = next(s for k, s in cells(L07) if k == "code" and "ax_grad.plot(" in s)
    assert "len(z) *" not in plot and 'ylabel="δ = dL/dz  (m = 1)"' in plot
    text = "\n".join(s for _, s in cells(L07))
    assert "exactly the factor the exercise asked about" not in text


def test_07_the_vanishing_claim_is_a_bound_on_the_s_prime_factors_only():
    import course
    from course.nn.datasets import load
    from course.nn.mlp import MLP

    text = "\n".join(s for _, s in cells(L07))
    assert r"$4^{6} \approx 4000\times$ smaller or more" not in text
    assert "the weight matrices multiply in too" in text
    X, y = load("moons", seed=0)
    net = MLP((2, 16, 16, 16, 16, 16, 16, 1), activation="sigmoid", seed=1)
    norms = course.nn.train.gradient_norms(net, X, y, loss="bce")
    drop = norms[-1] / norms[0]
    assert 300 < drop < 4 ** 6            # the order the text announces, not 4⁶ or more


def test_07_batch_arrays_are_capitals_as_in_lesson_06s_table():
    text = "\n".join(s for _, s in cells(L07))
    assert "def bce_grad(A, y):" in text and "def output_deltas(Z, y):" in text
    assert "The network's output $A$ (shape $(m, n_{\\text{out}})$" in text
    assert r"| loss | $L$ | $\partial L/\partial A$ |" in text
    assert r"$\delta = \partial L/\partial Z$, both losses" in text
