"""Lesson 03's loss exercises (exercises.diamond_loss): dL/dw4, dL/dw1 and the self-test's
dL/db1 for L = ½(O − y)² — references, correct answers in many styles, named mistakes."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from course import explain
from course._grading.exercises import diamond_loss as dl
from course._grading.registry import CheckOptions
from course._grading.scalar import grade_scalar
from course.nn.activations import sigmoid_prime
from course.nn.gradcheck import numerical_gradient
from course.nn.networks import PARAMS

IDS = ("diamond.dL_dw4", "diamond.dL_dw1")
RIGHT_W1 = "(O - y)*d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(z1)*I"


def loss(I, y, w1, w2, w3, w4, w5, b1, b2, b3, b4):
    """½(O − y)² written out with math.exp, independently of DiamondNet."""
    def sig(x):
        return 1 / (1 + math.exp(-x))
    h1 = sig(I * w1 + b1)
    O = sig(sig(h1 * w2 + b2) * w4 + sig(h1 * w3 + b3) * w5 + b4)
    return 0.5 * (O - y) ** 2


def fwd(I, w1, w2, w3, w4, w5):
    """The lesson's forward helper (biases 1), scalar-only, math.exp."""
    def sig(x):
        return 1 / (1 + math.exp(-x))
    z1 = I * w1 + 1
    h1 = sig(z1)
    z2, z3 = h1 * w2 + 1, h1 * w3 + 1
    h2, h3 = sig(z2), sig(z3)
    zO = h2 * w4 + h3 * w5 + 1
    return {"z1": z1, "h1": h1, "z2": z2, "h2": h2, "z3": z3, "h3": h3, "zO": zO, "O": sig(zO)}


def sp(z):
    s = 1 / (1 + math.exp(-z))
    return s * (1 - s)


# --- references ---------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(4))
def test_every_reference_matches_central_differences_of_the_loss(seed):
    rng = np.random.default_rng(seed)
    point = {"I": float(rng.uniform(-2, 2)), **dict(zip(PARAMS, rng.uniform(-2, 2, 9).tolist()))}
    y = float(rng.uniform(0, 1))
    numeric = numerical_gradient(lambda **p: loss(y=y, **p), point)
    for p in PARAMS:
        assert dl.dL_d(p)(**point, y=y) == pytest.approx(numeric[p], rel=1e-6, abs=1e-10), p


def test_the_worked_example_with_y_1():
    assert dl.WORKED_LOSS["y"] == 1.0
    value = dl.dL_d("w1")(**dl.WORKED_LOSS)
    assert value == pytest.approx((0.8585835106112298 - 1) * 0.0014291881022, rel=1e-9)


# --- correct answers in many styles pass ----------------------------------------------------------

def dL_dw4_scalar(I, w1, w2, w3, w4, w5, y):
    f = fwd(I, w1, w2, w3, w4, w5)
    return (f["O"] - y) * sp(f["zO"]) * f["h2"]


def dO_dw1(I, w1, w2, w3, w4, w5):
    f = fwd(I, w1, w2, w3, w4, w5)
    return sp(f["zO"]) * (w4 * sp(f["z2"]) * w2 + w5 * sp(f["z3"]) * w3) * sp(f["z1"]) * I


def dL_dw1_reusing(I, w1, w2, w3, w4, w5, y):
    return (fwd(I, w1, w2, w3, w4, w5)["O"] - y) * dO_dw1(I, w1, w2, w3, w4, w5)


def dL_dw1_expanded(I, w1, w2, w3, w4, w5, y, O, zO, h1, h2, h3):
    """Both paths multiplied out, s′ written with the cached activations."""
    e, so = O - y, O * (1 - O)
    s1 = h1 * (1 - h1)
    return e * so * w4 * h2 * (1 - h2) * w2 * s1 * I + e * so * w5 * h3 * (1 - h3) * w3 * s1 * I


@pytest.mark.parametrize("eid, answer", [
    ("diamond.dL_dw4", dL_dw4_scalar),
    ("diamond.dL_dw4", lambda zO, h2, O, y: (O - y) * sigmoid_prime(zO) * h2),
    ("diamond.dL_dw4", "(O - y)*d(zO)*h2"),
    ("diamond.dL_dw4", "-(y - O)*O*(1 - O)*h2"),
    ("diamond.dL_dw4", r"\left(O-y\right)d\left(z_O\right)h_2"),
    ("diamond.dL_dw4", r"\frac{1}{2}\cdot 2\left(O-y\right)\cdot O\left(1-O\right)\cdot h_{2}"),
    ("diamond.dL_dw1", RIGHT_W1),
    ("diamond.dL_dw1", dL_dw1_reusing),
    ("diamond.dL_dw1", dL_dw1_expanded),
    ("diamond.dL_dw1", r"\left(O-y\right)d\left(z_O\right)\left(w_4d\left(z_2\right)w_2+w_5"
                       r"d\left(z_3\right)w_3\right)d\left(z_1\right)I"),
    ("quiz03.dL_db1", "(O - y)*d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(z1)"),
])
def test_correct_answers_written_differently_pass(eid, answer):
    result = explain(eid, answer)
    assert result.passed, result.summary


# --- every catalogued mistake is named ------------------------------------------------------------

MISTAKES = [(p, m) for p in ("w4", "w1", "b1") for m in dl.SPECS[p].mistakes]


@pytest.mark.parametrize("param, mistake", MISTAKES,
                         ids=[f"{p}-{i}-{m.id}" for i, (p, m) in enumerate(MISTAKES)])
def test_every_catalogued_mistake_is_named(param, mistake):
    eid = {"w4": "diamond.dL_dw4", "w1": "diamond.dL_dw1", "b1": "quiz03.dL_db1"}[param]
    result = explain(eid, mistake.fn)
    assert not result.passed and result.mistake == mistake.id, result.summary


# --- learner-style wrong answers, written by hand ------------------------------------------------

@pytest.mark.parametrize("eid, answer, mistake, words", [
    ("diamond.dL_dw4", "d(zO)*h2", "loss-factor-missing", "the loss factor (O − y) is missing"),
    ("diamond.dL_dw4", lambda I, w1, w2, w3, w4, w5: sp(fwd(I, w1, w2, w3, w4, w5)["zO"])
     * fwd(I, w1, w2, w3, w4, w5)["h2"], "loss-factor-missing", "your value is dO/dw4"),
    ("diamond.dL_dw4", "(y - O)*d(zO)*h2", "loss-factor-sign", "(y − O)"),
    ("diamond.dL_dw4", "2*(O - y)*d(zO)*h2", "loss-half-missing", "2× too large"),
    ("diamond.dL_dw4", "0.5*(O - y)^2*d(zO)*h2", "loss-itself", "the loss itself"),
    ("diamond.dL_dw4", "(O - y)*d(O)*h2", "d-of-activation", "pre-activation"),
    ("diamond.dL_dw1", "(O - y)*d(zO)*(d(z2)*d(z1)*I + d(z3)*d(z1)*I)", "weights-dropped",
     "4× too large"),
    ("diamond.dL_dw1", "d(zO)*(d(z2)*d(z1)*I + d(z3)*d(z1)*I)",
     "weights-dropped+loss-factor-missing", "the loss factor (O − y) is missing"),
    ("diamond.dL_dw1", "d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(z1)*I", "loss-factor-missing",
     "dL/dO = O − y"),
    ("diamond.dL_dw1", "(y - O)*d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(z1)*I", "loss-factor-sign",
     "O − y"),
    ("diamond.dL_dw1", "(O - y)*d(zO)*w4*d(z2)*w2*d(z1)*I", "h3-path-missing",
     "only the path through h2"),
    ("diamond.dL_dw1", "(O - y)*d(zO)*w4*d(z2)*w2*d(z1)*I + d(zO)*w5*d(z3)*w3*d(z1)*I",
     "loss-factor-missing-on-h3-path", "on the path through h3 the loss factor (O − y)"),
    ("diamond.dL_dw1", "(O - 1)*d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(z1)*I",
     "only-right-at-one-point", "every target y"),
])
def test_learner_style_mistakes_are_named_in_the_lessons_words(eid, answer, mistake, words):
    result = explain(eid, answer)
    assert not result.passed and result.mistake == mistake, result.summary
    assert words in str(result), str(result)


def test_the_generated_diagnosis_alone_names_the_loss_factor_and_its_sign():
    """Without the catalogue, the edits of the loss graph still name both loss mistakes."""
    spec = dataclasses.replace(dl.SPECS["w4"], mistakes=())
    opts = CheckOptions()
    missing = grade_scalar("t.dL_dw4", spec, "d(zO)*h2", opts)
    assert missing.mistake == "loss-factor-missing"
    assert "the loss factor (O − y) is missing" in missing.summary
    assert "your value is dO/dw4, not dL/dw4" in missing.summary
    flipped = grade_scalar("t.dL_dw4", spec, "(y - O)*d(zO)*h2", opts)
    assert flipped.mistake == "sign" and "dL/dO = O − y" in flipped.summary
    assert grade_scalar("t.dL_dw4", spec, "2*(O-y)*d(zO)*h2", opts).mistake == "factor-dropped-½"
