"""Lesson 03 exercises (exercises.diamond): references, accepted styles, named mistakes."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from course import explain
from course._grading.exercises import diamond
from course.checks import all_exercises, get_exercise
from course.nn.activations import sigmoid, sigmoid_prime
from course.nn.gradcheck import numerical_gradient
from course.nn.networks import BIASES, PARAMS, DiamondNet

MAIN = ("diamond.dO_dw4", "diamond.dO_dw2", "diamond.dO_dw3", "diamond.dO_dw1")
# the worked example's mistake, as written in COURSE.md and as pasted from a calculator
WORKED_MISTAKE = "d(zO)*(d(z2)*d(z1)*I + d(z3)*d(z1)*I)"
WORKED_MISTAKE_LATEX = (r"d\left(z_O\right)\cdot\left(d\left(z_2\right)\cdot d\left(z_1\right)"
                        r"\cdot I+d\left(z_3\right)\cdot d\left(z_1\right)\cdot I\right)")
CORRECTED = "d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(z1)*I"


def output(I, w1, w2, w3, w4, w5, b1, b2, b3, b4):
    """O written out with math.exp, independently of DiamondNet."""
    def sig(x):
        return 1 / (1 + math.exp(-x))
    h1 = sig(I * w1 + b1)
    return sig(sig(h1 * w2 + b2) * w4 + sig(h1 * w3 + b3) * w5 + b4)


# --- references ---------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(4))
def test_every_reference_matches_central_differences(seed):
    rng = np.random.default_rng(seed)
    point = {"I": float(rng.uniform(-2, 2)), **dict(zip(PARAMS, rng.uniform(-2, 2, 9).tolist()))}
    numeric = numerical_gradient(lambda **p: output(**p), point)
    for p in PARAMS:
        assert diamond.dO_d(p)(**point) == pytest.approx(numeric[p], rel=1e-6, abs=1e-10), p


def test_references_at_the_worked_example_and_vectorized():
    assert diamond.dO_d("w1")(**diamond.WORKED) == pytest.approx(0.0014291881022, rel=1e-10)
    pts = diamond.sample(np.random.default_rng(1), 7)
    values = diamond.dO_d("w2")(**pts)
    assert values.shape == (7,)
    first = {k: float(v[0]) for k, v in pts.items()}
    assert values[0] == pytest.approx(DiamondNet(**{p: first[p] for p in PARAMS})
                                      .gradient(first["I"])["w2"])


def test_sampler_keeps_factors_away_from_one():
    pts = diamond.sample(np.random.default_rng(0), 2000)
    for name in ("I", "w1", "w2", "w3", "w4", "w5"):
        mag = np.abs(pts[name])
        assert mag.min() >= 0.2 and mag.max() <= 2.0
        assert not ((mag > 0.9) & (mag < 1.1)).any(), name
        assert (pts[name] < 0).any() and (pts[name] > 0).any(), name


def test_exercises_are_registered_for_lesson_03():
    listed = {e.id: e for e in all_exercises()}
    for p in PARAMS:
        ex = listed[f"diamond.dO_d{p}"]
        expected_name = "dO_dw3_formula" if p == "w3" else f"dO_d{p}"     # exercise 2b
        assert ex.lesson == "03_diamond_network" and ex.answer_name == expected_name
        assert len(ex.hints) == 3 and "sign" in ex.mistakes and "only-right-at-one-point" in \
            ex.mistakes
        if p in ("w1", "b1"):
            assert {"weights-dropped", "h2-path-missing", "paths-multiplied"} <= set(ex.mistakes)
    assert all(listed[eid].points == 1.0 for eid in MAIN)
    assert listed["diamond.dO_db1"].points == 0.0          # extra practice


# --- the acceptance example ---------------------------------------------------------------------

# the same mistake as Desmos copies it: braces on subscripts, no \cdot, implicit products
WORKED_MISTAKE_DESMOS = (r"d\left(z_{O}\right)\left(d\left(z_{2}\right)d\left(z_{1}\right)I"
                         r"+d\left(z_{3}\right)d\left(z_{1}\right)I\right)")


@pytest.mark.parametrize("answer", [WORKED_MISTAKE, WORKED_MISTAKE_LATEX, WORKED_MISTAKE_DESMOS,
                                    "d(zO)·(d(z2)·d(z1)·I + d(z3)·d(z1)·I)"])
def test_worked_example_mistake_is_named_with_the_path_weights(answer):
    result = explain("diamond.dO_dw1", answer)
    text = str(result)
    assert not result.passed and result.mistake == "weights-dropped"
    assert "w2·w4" in text and "w3·w5" in text
    assert "through h2" in text and "through h3" in text
    assert "0.25 at the worked example" in text and "4× too large" in text
    assert result.point["I"] == 1.0 and result.learner_value == pytest.approx(0.00571675240882)


def test_worked_example_mistake_as_a_function_of_forward_values():
    def wrong_dO_dw1(I, w1, w2, w3, w4, w5):
        z1 = I * w1 + 1
        z2 = sigmoid(z1) * w2 + 1
        z3 = sigmoid(z1) * w3 + 1
        zO = sigmoid(z2) * w4 + sigmoid(z3) * w5 + 1
        d = sigmoid_prime
        return d(zO) * (d(z2) * d(z1) * I + d(z3) * d(z1) * I)
    result = explain("diamond.dO_dw1", wrong_dO_dw1)
    assert result.mistake == "weights-dropped" and "w2·w4" in str(result)


@pytest.mark.parametrize("answer", [
    CORRECTED,
    r"d\left(z_O\right)\cdot\left(w_4d\left(z_2\right)w_2+w_5d\left(z_3\right)w_3\right)"
    r"\cdot d\left(z_1\right)I",
])
def test_corrected_formula_passes(answer):
    result = explain("diamond.dO_dw1", answer)
    assert result.passed, str(result)
    assert "49" in result.summary or "48" in result.summary


# --- correct answers in many styles -------------------------------------------------------------

def w1_math(I, w1, w2, w3, w4, w5):
    """Scalar-only: math.exp and biases at 1."""
    def s(x):
        return 1 / (1 + math.exp(-x))

    def ds(x):
        return s(x) * (1 - s(x))
    z1 = I * w1 + 1
    z2, z3 = s(z1) * w2 + 1, s(z1) * w3 + 1
    zO = s(z2) * w4 + s(z3) * w5 + 1
    through_h2 = w4 * ds(z2) * w2
    through_h3 = w5 * ds(z3) * w3
    return ds(zO) * (through_h2 + through_h3) * ds(z1) * I


def w1_numpy_biases(I, w1, w2, w3, w4, w5, b1, b2, b3, b4):
    """Vectorized numpy with every bias named."""
    h1 = 1 / (1 + np.exp(-(I * w1 + b1)))
    h2 = 1 / (1 + np.exp(-(h1 * w2 + b2)))
    h3 = 1 / (1 + np.exp(-(h1 * w3 + b3)))
    O = 1 / (1 + np.exp(-(h2 * w4 + h3 * w5 + b4)))
    delta_O = O * (1 - O)
    delta_1 = (delta_O * w4 * h2 * (1 - h2) * w2 + delta_O * w5 * h3 * (1 - h3) * w3) \
        * h1 * (1 - h1)
    return delta_1 * I


def w1_derived(I, w2, w3, w4, w5, z1, z2, z3, zO):
    """Uses the forward values the checker provides."""
    d = sigmoid_prime
    return d(zO) * w4 * d(z2) * w2 * d(z1) * I + d(zO) * w5 * d(z3) * w3 * d(z1) * I


def w1_activations(I, w2, w3, w4, w5, h1, h2, h3, O):
    """d written with the activations: s'(z) = h(1 - h)."""
    return O * (1 - O) * (w4 * h2 * (1 - h2) * w2 + w5 * h3 * (1 - h3) * w3) * h1 * (1 - h1) * I


def w1_branchy(I, w1, w2, w3, w4, w5):
    """Python `if` on values: works for numbers only (the checker falls back to scalars)."""
    total = 0.0
    for w_in, w_out in ((w2, w4), (w3, w5)):
        if w_in == 0:
            continue
        z = sigmoid(I * w1 + 1) * w_in + 1
        total += w_out * sigmoid_prime(z) * w_in
    z_out = sigmoid(sigmoid(I * w1 + 1) * w2 + 1) * w4 + sigmoid(sigmoid(I * w1 + 1) * w3 + 1) * w5
    return sigmoid_prime(z_out + 1) * total * sigmoid_prime(I * w1 + 1) * I


def w1_net(I, w1, w2, w3, w4, w5, **biases):
    """Through the library (and **kwargs: every variable is passed)."""
    return DiamondNet(w1, w2, w3, w4, w5, **biases).gradient(I)["w1"]


W1_FORMULAS = [
    CORRECTED,
    "d(zO)*w4*d(z2)*w2*d(z1)*I + d(zO)*w5*d(z3)*w3*d(z1)*I",
    "d(s(s(I*w1+1)*w2+1)*w4 + s(s(I*w1+1)*w3+1)*w5 + 1)"
    "*(w4*d(s(I*w1+1)*w2+1)*w2 + w5*d(s(I*w1+1)*w3+1)*w3)*d(I*w1+1)*I",
    "d(s(s(I*w1+b1)*w2+b2)*w4 + s(s(I*w1+b1)*w3+b3)*w5 + b4)"
    "*(w4*d(s(I*w1+b1)*w2+b2)*w2 + w5*d(s(I*w1+b1)*w3+b3)*w3)*d(I*w1+b1)*I",
    "O*(1-O)*(w4*h2*(1-h2)*w2 + w5*h3*(1-h3)*w3)*h1*(1-h1)*I",
    "d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*s(z1)*(1 - s(z1))*I",
    "\\frac{e^{-zO}}{(1+e^{-zO})^2}\\cdot(w_4d(z_2)w_2+w_5d(z_3)w_3)d(z_1)I",
    r"d\left(\sigma\left(\sigma\left(Iw_1+b_1\right)w_2+b_2\right)w_4+\sigma\left(\sigma\left("
    r"Iw_1+b_1\right)w_3+b_3\right)w_5+b_4\right)\cdot\left(w_4d\left(\sigma\left(Iw_1+b_1"
    r"\right)w_2+b_2\right)w_2+w_5d\left(\sigma\left(Iw_1+b_1\right)w_3+b_3\right)w_3\right)"
    r"\cdot d\left(Iw_1+b_1\right)I",
    r"d\left(z_{O}\right)\left(w_{4}d\left(z_{2}\right)w_{2}+w_{5}d\left(z_{3}\right)w_{3}"
    r"\right)\times d\left(z_{1}\right)\cdot I",
]


@pytest.mark.parametrize("answer", [w1_math, w1_numpy_biases, w1_derived, w1_activations,
                                    w1_branchy, w1_net, *W1_FORMULAS])
def test_correct_dO_dw1_in_any_style_passes(answer):
    result = explain("diamond.dO_dw1", answer)
    assert result.passed, str(result)
    assert result.mistake is None


@pytest.mark.parametrize("eid, answer", [
    ("diamond.dO_dw4", "d(zO)*h2"),
    ("diamond.dO_dw4", r"d\left(s\left(s\left(Iw_1+1\right)w_2+1\right)w_4+s\left(s\left(Iw_1"
                       r"+1\right)w_3+1\right)w_5+1\right)\cdot s\left(s\left(Iw_1+1\right)w_2"
                       r"+1\right)"),
    ("diamond.dO_dw4", lambda h2, O: O * (1 - O) * h2),
    ("diamond.dO_dw5", "d(zO)*h3"),
    ("diamond.dO_db4", "d(zO)"),
    ("diamond.dO_db4", lambda zO: sigmoid_prime(zO)),
    ("diamond.dO_dw2", "d(zO)*w4*d(z2)*h1"),
    ("diamond.dO_dw2", "d(h2*w4 + h3*w5 + b4)*w4*d(h1*w2+b2)*s(I*w1+b1)"),
    ("diamond.dO_dw3", "d(zO)*w5*d(z3)*h1"),
    ("diamond.dO_db2", "d(zO)*w4*d(z2)"),
    ("diamond.dO_db3", "d(zO)*w5*d(z3)"),
    ("diamond.dO_db1", "d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(z1)"),
    ("diamond.dO_db1", lambda I, w1, w2, w3, w4, w5, b1: w1_numpy_biases(
        I, w1, w2, w3, w4, w5, b1, 1.0, 1.0, 1.0) / I),
])
def test_correct_answers_for_the_other_parameters_pass(eid, answer):
    result = explain(eid, answer)
    assert result.passed, str(result)


def test_float32_answer_passes_within_the_float32_tolerance():
    def in_float32(I, w1, w2, w3, w4, w5):
        return w1_numpy_biases(*(np.asarray(a, dtype=np.float32)
                                 for a in (I, w1, w2, w3, w4, w5)),
                               *(np.float32(1.0),) * 4).astype(np.float32)
    assert explain("diamond.dO_dw1", in_float32).passed


# --- wrong answers: every catalogued mistake is rejected and named ------------------------------

CATALOGUE = [(p, m) for p in PARAMS for m in diamond.SPECS[p].mistakes]


@pytest.mark.parametrize("param, mistake", CATALOGUE,
                         ids=[f"{p}-{m.id}" for p, m in CATALOGUE])
def test_every_catalogued_mistake_is_rejected_and_named(param, mistake):
    result = explain(f"diamond.dO_d{param}", mistake.fn)     # every variable named, biases random
    assert not result.passed
    assert result.mistake == mistake.id, str(result)
    assert result.summary and "{" not in result.summary and "None" not in result.summary


@pytest.mark.parametrize("param, mistake", [(p, m) for p, m in CATALOGUE
                                            if m.id != "extra-bias"],
                         ids=[f"{p}-{m.id}" for p, m in CATALOGUE if m.id != "extra-bias"])
def test_catalogued_mistakes_are_named_with_the_biases_held_at_one(param, mistake):
    def answer(I, w1, w2, w3, w4, w5):
        return mistake.fn(I=I, w1=w1, w2=w2, w3=w3, w4=w4, w5=w5, **diamond.HELD)
    result = explain(f"diamond.dO_d{param}", answer)
    assert result.mistake == mistake.id, str(result)


def test_catalogue_entries_differ_from_each_other_and_from_the_truth():
    from course._grading.scalar import sample_points
    from course.checks import CheckOptions

    for p, spec in diamond.SPECS.items():
        pts = sample_points(spec, CheckOptions(), diamond.VARIABLES)
        truth = spec.reference(**pts)
        values = [(m.id, m.fn(**pts)) for m in spec.mistakes]
        for i, (a, va) in enumerate(values):
            assert not np.allclose(va, truth, rtol=1e-5), (p, a)
            for b, vb in values[i + 1:]:
                assert not np.allclose(va, vb, rtol=1e-5), (p, a, b)


# key words of the learner-facing message, for the mistakes a lesson talks about
NAMED = [  # (param, formula, catalogue id, words its message must contain)
    ("w1", "d(zO)*(w4*d(z2) + w5*d(z3))*d(z1)*I", "inner-weights-dropped", ["w2", "w3"]),
    ("w1", "d(zO)*(d(z2)*w2 + d(z3)*w3)*d(z1)*I", "outer-weights-dropped", ["w4", "w5"]),
    ("w1", "d(zO)*w4*d(z2)*w2*d(z1)*I", "h3-path-missing", ["only the path through h2",
                                                             "sum rule"]),
    ("w1", "d(zO)*w5*d(z3)*w3*d(z1)*I", "h2-path-missing", ["only the path through h3"]),
    ("w1", "d(zO)*(w4*d(z2)*w2)*(w5*d(z3)*w3)*d(z1)*I", "paths-multiplied", ["they add"]),
    ("w1", "d(O)*(w4*d(h2)*w2 + w5*d(h3)*w3)*d(h1)*I", "d-of-activation",
     ["pre-activation", "s′(zO)"]),
    ("w1", "d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(z1)", "input-missing", ["factor I"]),
    ("w1", "d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*I", "derivative-missing-z1", ["s′(z1)"]),
    ("w1", "(w4*d(z2)*w2 + w5*d(z3)*w3)*d(z1)*I", "derivative-missing-zO", ["s′(zO)"]),
    ("w1", "d(zO)*(w4*w2 + w5*w3)*d(z1)*I", "derivative-missing-hidden", ["s′(z2)", "s′(z3)"]),
    ("w1", "s(zO)*(w4*s(z2)*w2 + w5*s(z3)*w3)*s(z1)*I", "s-instead-of-d", ["slope"]),
    ("w1", "d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(I*w1)*I", "bias-forgotten-in-d",
     ["s′(I·w1 + b1)"]),
    ("w1", "d(s(s(I*w1)*w2+1)*w4 + s(s(I*w1)*w3+1)*w5 + 1)"
           "*(w4*d(s(I*w1)*w2+1)*w2 + w5*d(s(I*w1)*w3+1)*w3)*d(I*w1)*I",
     "bias-forgotten-b1", ["b1", "z1 = I·w1 + b1"]),
    ("w1", "-d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(z1)*I", "sign", ["sign"]),
    ("w1", "d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(z1)*w1", "weight-instead-of-input",
     ["w1 where I belongs"]),
    ("w2", "d(zO)*d(z2)*h1", "weights-dropped", ["w4"]),
    ("w2", "d(zO)*w4*d(z2)*z1", "input-z1", ["pre-activation z1"]),
    ("w2", "d(zO)*w5*d(z3)*h1", "wrong-path", ["dO/dw3", "through h2"]),
    ("w2", "d(zO)*(w4*d(z2) + w5*d(z3))*h1", "both-paths", ["one path"]),
    ("w4", "d(zO)*w4", "weight-instead-of-input", ["h2"]),
    ("w4", "d(O)*h2", "d-of-activation", ["s′(zO)"]),
    ("w4", "h2", "derivative-missing-zO", ["s′(zO)"]),
    ("w4", "d(zO)*h3", "input-h3", ["h2"]),
    ("w4", "zO*(1-zO)*h2", "d-formula-on-z", ["s(z)·(1 − s(z))"]),
    # the paths multiplied, with the shared factors written once or into both products
    ("w1", "d(zO)*(w4*d(z2)*w2*d(z1)*I)*(w5*d(z3)*w3*d(z1)*I)", "paths-multiplied",
     ["they add", "w4·s′(z2)·w2", "w5·s′(z3)·w3"]),
    ("w1", "(d(zO)*w4*d(z2)*w2)*(d(zO)*w5*d(z3)*w3)*d(z1)*I", "paths-multiplied", ["sum rule"]),
    ("w1", "d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(h1)*I", "d-of-activation-h1",
     ["s′(h1) where s′(z1)"]),
    ("w1", "d(zO)*(w4*d(h2)*w2 + w5*d(h3)*w3)*d(z1)*I", "d-of-activation-h2-h3",
     ["s′(h2), s′(h3) where s′(z2), s′(z3) belong"]),
    ("w1", "d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(z1)*h1", "input-h1", ["h1", "dz1/dw1 = I"]),
    ("w2", "d(zO)*w4*d(z2)*h2", "input-h2", ["h2, the activation the edge w2 leads into",
                                              "dz2/dw2 = h1"]),
    ("w2", "d(zO)*w2*d(z2)*h1", "wrong-weight", ["w2 where w4 belongs"]),
    ("w3", "d(zO)*w4*d(z3)*h1", "wrong-weight", ["w4 where w5 belongs"]),
    ("w2", "d(zO)*w4*d(z1)*h1", "wrong-neuron-slope", ["s′(z1) where s′(z2) belongs"]),
    ("w4", "d(zO)*O", "input-O", ["dzO/dw4 = h2"]),
    ("b1", "d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(z1)*I", "input-included", ["dO/dw1"]),
    # swaps that the symmetric worked example cannot see (named, not just "right at one point")
    ("w1", "d(zO)*(w5*d(z2)*w2 + w4*d(z3)*w3)*d(z1)*I", "outer-weights-swapped",
     ["swapped w4 and w5", "h2 → O, weight w4"]),
    ("w1", r"d\left(z_{O}\right)\left(w_{4}d\left(z_{2}\right)w_{3}+w_{5}d\left(z_{3}\right)"
           r"w_{2}\right)d\left(z_{1}\right)I", "inner-weights-swapped",
     ["swapped w2 and w3", "h1 → h2, weight w2"]),
    ("b1", "d(zO)*(w5*d(z2)*w2 + w4*d(z3)*w3)*d(z1)", "outer-weights-swapped", ["w4 = w5"]),
    ("w2", "d(zO)*w4*d(z2)*w2", "weight-instead-of-input", ["w2 is dz2/dh1"]),
    # LaTeX as Desmos copies it (\left( \right), w_{1}, implicit products)
    ("w1", r"d\left(z_{O}\right)\left(d\left(z_{2}\right)w_{2}+d\left(z_{3}\right)w_{3}\right)"
           r"d\left(z_{1}\right)I", "outer-weights-dropped", ["w4", "w5"]),
    ("w1", r"d\left(O\right)\left(w_{4}d\left(h_{2}\right)w_{2}+w_{5}d\left(h_{3}\right)w_{3}"
           r"\right)d\left(h_{1}\right)I", "d-of-activation", ["pre-activations"]),
    ("b4", "d(zO)*b4", "extra-bias", ["extra factor b4"]),
]


@pytest.mark.parametrize("param, answer, mistake, words", NAMED,
                         ids=[f"{p}-{m}" for p, _, m, _ in NAMED])
def test_formula_mistakes_are_named_in_the_learners_variables(param, answer, mistake, words):
    result = explain(f"diamond.dO_d{param}", answer)
    assert result.mistake == mistake, str(result)
    for word in words:
        assert word in result.summary, (word, result.summary)


# --- sound comparison ---------------------------------------------------------------------------

def test_value_hard_coded_for_the_worked_example_fails():
    for answer in ("0.0014291881022", lambda: 0.0014291881022,
                   lambda I, w1: 0.0014291881022 + 0 * I):
        result = explain("diamond.dO_dw1", answer)
        assert not result.passed and result.mistake == "only-right-at-one-point"
        assert "right at the worked example but wrong elsewhere" in result.summary


def test_factor_that_is_one_at_the_worked_example_cannot_hide():
    result = explain("diamond.dO_dw1", "d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(z1)")
    assert result.mistake == "input-missing" and result.point["I"] != 1.0
    # a bias used as a factor is 1 at the worked example too
    result = explain("diamond.dO_dw1", "d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(z1)*I*b1")
    assert not result.passed and "b1" in result.summary


def test_a_weight_missing_on_one_path_is_named_by_the_generated_search():
    # w3 missing on the h3 path only: no catalogue entry, one edit of the sum over paths
    result = explain("diamond.dO_dw1", "d(zO)*(w4*d(z2)*w2 + w5*d(z3))*d(z1)*I")
    assert result.mistake == "weight-dropped-w3"
    assert result.summary.startswith("on the path through h3 you left out w3 (= 0.5 at the "
                                     "worked example)")


def test_unmatched_mistake_gets_values_and_path_probe_findings():
    # w3 squared on the h3 path: no catalogue entry and no edit of the paths
    result = explain("diamond.dO_dw1", "d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3*w3)*d(z1)*I")
    text = str(result)
    assert not result.passed and result.mistake is None
    assert result.learner_value is not None and result.expected_value is not None
    assert "right when the path through h3 is switched off (w3 = 0 or w5 = 0)" in text
    assert "your h2 path is right, so the h3 path is wrong" in text
    assert "path through h2 switched off (w2 = 0 or w4 = 0), your value has an extra factor w3" \
        in text


def test_probe_on_both_path_switches():
    result = explain("diamond.dO_dw1", "d(zO)*(w4*d(z2)*w2 + 3*w5*d(z3)*w3)*d(z1)*I")
    assert result.mistake is None
    assert "switched off (w3 = 0 or w5 = 0)" in str(result)
    # twice the path is a generated edit: the path counted twice
    twice = explain("diamond.dO_dw1", "d(zO)*(w4*d(z2)*w2 + 2*w5*d(z3)*w3)*d(z1)*I")
    assert twice.mistake == "h3-path-duplicated" and "twice" in twice.summary


def test_constant_and_factor_findings():
    half = explain("diamond.dO_dw1", f"0.5*{CORRECTED}")
    assert half.mistake == "constant-factor" and "0.5×" in half.summary
    extra = explain("diamond.dO_dw1", f"{CORRECTED}*w4*w5")
    assert extra.mistake == "extra-factor" and "w4·w5" in extra.summary
    missing = explain("diamond.dO_dw1", f"{CORRECTED}/h2")
    assert missing.mistake == "extra-factor" or missing.mistake == "missing-factor"
    assert "h2" in missing.summary


def test_shown_point_lists_held_biases_and_forward_values():
    result = explain("diamond.dO_dw1", WORKED_MISTAKE)
    assert set(result.point) == {"I", "w1", "w2", "w3", "w4", "w5"}
    text = str(result)
    assert "b1 = 1, b2 = 1, b3 = 1, b4 = 1" in text
    assert "z1 = 1.5" in text


def test_named_bias_is_drawn_at_random():
    # right only while b1 = 1: naming b1 makes the checker vary it
    result = explain("diamond.dO_db1", "d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(I*w1 + 1) + 0*b1")
    assert not result.passed
    assert result.point["b1"] != 1.0


def test_exercise_lookup_suggests_close_ids():
    with pytest.raises(KeyError, match="diamond.dO_dw1"):
        get_exercise("diamond.dO_dW1")
    assert sorted(BIASES) == sorted(diamond.HELD)


def test_a_notebook_answer_calling_the_reference_method_is_named():
    from course.nn.networks import DiamondNet

    original = DiamondNet.gradient
    notebook = {"__name__": "__main__"}            # what a cell's code sees in a kernel
    source = ("from course.nn.networks import DiamondNet\n"
              "def dO_dw1(I, w1, w2, w3, w4, w5):\n"
              "    return DiamondNet(w1=w1, w2=w2, w3=w3, w4=w4, w5=w5).gradient(I)['w1']\n")
    exec(compile(source, "<cell>", "exec"), notebook)   # the test's own code, as a cell
    result = explain("diamond.dO_dw1", notebook["dO_dw1"])
    assert not result.passed and result.mistake == "uses-reference"
    assert result.references == ("course.nn.networks.DiamondNet.gradient",)
    assert DiamondNet.gradient is original            # put back for the checker and widgets
    # the same call from library code (the checker, the explorer) is untouched
    assert DiamondNet().gradient(1.0)["w1"] == pytest.approx(0.0014291881022, abs=1e-12)


def test_a_code_answer_is_told_in_s_prime_words():
    """Code writes sigmoid_prime, the derivation s′: feedback says s′(O), and names the
    formula spelling d(...) only in brackets."""
    def dO_dw4(I, w1, w2, w3, w4, w5):
        f = DiamondNet(w1, w2, w3, w4, w5).forward(I)
        return sigmoid_prime(f["O"]) * f["h2"]
    result = explain("diamond.dO_dw4", dO_dw4)
    assert result.mistake == "d-of-activation"
    assert "you applied s′ to the activation O (s′(O))" in result.summary
    assert "s′(zO)" in result.summary and "applied d to" not in result.summary
    assert "(In a formula, s′(z) may be written s'(z) or d(z).)" in result.summary


@pytest.mark.parametrize("eid", [f"diamond.dO_d{p}" for p in PARAMS])
def test_diamond_hints_speak_of_s_prime_not_d(eid):
    for text in get_exercise(eid).hints:
        assert not re.search(r"\bd\(|\bd's|\bd at ", text), text
