"""Self-tests of lessons 04, 06 and 07: the right pick in a learner's spelling passes, and
the facts the right answers state hold on the real network (not just on paper)."""

from __future__ import annotations

import numpy as np
import pytest

from course import explain
from course._grading.quiz import QUESTIONS
from course.checks import all_exercises
from course.nn.activations import sigmoid_prime
from course.nn.mlp import MLP
from course.nn.networks import PARAMS, DiamondNet
from course.plots.epsilon import finite_difference_errors

all_exercises()                                   # registers every exercise (and its Question)
MINE = sorted(q for q in QUESTIONS if q.split(".")[0] in ("quiz04", "quiz06", "quiz07"))


def test_the_three_lessons_have_their_questions():
    assert {q.split(".")[0] for q in MINE} == {"quiz04", "quiz06", "quiz07"}
    assert len(MINE) == 11


@pytest.mark.parametrize("eid", [q for q in MINE if QUESTIONS[q].choices])
def test_the_right_letter_passes_however_it_is_typed(eid):
    right = next(c.key for c in QUESTIONS[eid].choices if c.mistake is None)
    for typed in (right, right.upper(), f" ({right}) ", f"{right}.", f"'{right}'"):
        assert explain(eid, typed).passed, (eid, typed)


def test_the_forward_pass_count_takes_any_number_type():
    for typed in (18, 18.0, "18", np.int64(18)):
        assert explain("quiz04.forward_passes", typed).passed
    assert explain("quiz04.forward_passes", 10).mistake == "forward-difference-count"


def test_the_central_difference_is_best_near_1e_5_on_the_lessons_loss():
    """quiz04.best_eps: the V's bottom for L(w1) at the worked example (y = 0)."""
    net = DiamondNet()

    def L(w1):
        return 0.5 * net.replace(w1=w1).output(1.0) ** 2
    exact = net.output(1.0) * net.gradient(1.0)["w1"]
    hs = np.logspace(-15, -1, 57)
    forward, central = finite_difference_errors(L, 0.5, exact, hs)
    best = hs[np.argmin(np.where(central > 0, central, np.inf))]
    assert 1e-6 <= best <= 1e-4
    assert central.min() < forward.min() / 50                # a hundred times better, roughly


def _swap_error(I=1.7, **fixed):
    rng = np.random.default_rng(3)
    net = DiamondNet(**({k: float(rng.uniform(-1.5, 1.5)) for k in PARAMS} | fixed))
    dO, f = net.gradient(I), net.forward(I)
    delta_2, delta_3, s_prime_z1 = dO["b2"], dO["b3"], sigmoid_prime(f["z1"])   # dO/dz = dO/db
    bug = (delta_2 * net.w3 + delta_3 * net.w2) * s_prime_z1 * I
    true = dO["w1"]
    return abs(bug - true) / (abs(bug) + abs(true))


@pytest.mark.parametrize("fixed, hidden", [
    ({"w2": 0.7, "w3": 0.7}, True),                        # (a): the right answer
    ({"b2": 0.3, "b3": 0.3}, False), ({"I": 1.0}, False), ({"w4": 0.9, "w5": 0.9}, False),
])
def test_only_equal_w2_w3_hide_the_swapped_weights(fixed, hidden):
    """quiz04.hiding_point, checked on the network itself."""
    assert (_swap_error(**fixed) < 1e-12) == hidden


def test_the_middle_layer_delta_of_a_batch_through_the_diamond_is_m_by_2():
    """quiz06.delta_shape: δ = ∂L/∂Z of layer 2 for m = 5 inputs has shape (5, 2)."""
    net = MLP((1, 1, 2, 1))
    X = np.linspace(-1, 1, 5)[:, None]                     # (5, 1)
    A, cache = net.forward(X, cache=True)
    delta = net.backward(cache, np.ones_like(A))           # dL/dA_L = 1: any upstream will do
    assert cache[1]["Z"].shape == (5, 2) and delta["b"][1].shape == (1, 2)
