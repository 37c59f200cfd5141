"""Lesson 05 exercises (exercises.backprop): references, accepted styles, named mistakes.

Every derivative is of the loss L = ½(O − y)²: δ = ∂L/∂z, δO = (O − y)·O(1 − O)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course import explain, hint
from course._grading.exercises import backprop as bp
from course.checks import all_exercises
from course.nn.activations import sigmoid, sigmoid_prime
from course.nn.gradcheck import numerical_gradient
from course.nn.networks import PARAMS, DiamondNet

IDS = ("backprop.delta_O", "backprop.delta_h1", "backprop.backward")


def random_point(seed):
    rng = np.random.default_rng(seed)
    return dict(zip(PARAMS, rng.uniform(-2, 2, 9).tolist(), strict=True)), float(
        rng.uniform(-2, 2))


def random_target(seed):
    return float(np.random.default_rng(1000 + seed).uniform(0, 1))


def test_exercises_are_listed_for_lesson_05_with_graded_hints():
    listed = {e.id: e for e in all_exercises()}
    for eid in IDS:
        assert listed[eid].lesson == "05_backprop_algorithm"
        assert len(listed[eid].hints) >= 3 and len(listed[eid].mistakes) >= 5
    assert hint("backprop.backward").startswith("Hint 1 of 3")


# --- the references against central finite differences -----------------------------------------

def loss_of(net_params, I, y):
    """½(O − y)² with the network written out (sigmoid only), independently of loss()."""
    p = net_params
    h1 = sigmoid(I * p["w1"] + p["b1"])
    h2, h3 = sigmoid(h1 * p["w2"] + p["b2"]), sigmoid(h1 * p["w3"] + p["b3"])
    return 0.5 * (sigmoid(h2 * p["w4"] + h3 * p["w5"] + p["b4"]) - y) ** 2


@pytest.mark.parametrize("seed", range(5))
def test_backward_reference_matches_finite_differences_of_the_loss(seed):
    params, I = random_point(seed)
    y = random_target(seed)
    numeric = numerical_gradient(lambda **p: loss_of(p, I, y), params)
    grads = bp.backward(DiamondNet(**params), I, y)
    assert set(grads) == set(PARAMS)
    for k in PARAMS:
        assert grads[k] == pytest.approx(numeric[k], rel=1e-6, abs=1e-10)


def test_backward_reference_gives_the_worked_example():
    O = DiamondNet().output(1.0)
    assert bp.backward(DiamondNet(), 1.0, 1.0)["w1"] == pytest.approx(
        (O - 1.0) * 0.0014291881022, rel=1e-10)


@pytest.mark.parametrize("seed", range(5))
def test_delta_output_reference_is_dL_dzO_by_finite_differences(seed):
    params, I = random_point(seed)
    y = random_target(seed)
    zO = DiamondNet(**params).forward(I)["zO"]
    numeric = numerical_gradient(lambda z: 0.5 * (sigmoid(z) - y) ** 2, {"z": zO})["z"]
    assert bp.delta_output(sigmoid(zO), y) == pytest.approx(numeric, rel=1e-6, abs=1e-11)


@pytest.mark.parametrize("seed", range(5))
def test_delta_h1_reference_is_dL_dz1_by_finite_differences(seed):
    params, I = random_point(seed)
    y = random_target(seed)
    net = DiamondNet(**params)
    f = net.forward(I)

    def L_of_z1(z1):                      # the network above z1 and the loss, written out
        h1 = sigmoid(z1)
        h2, h3 = sigmoid(h1 * net.w2 + net.b2), sigmoid(h1 * net.w3 + net.b3)
        return 0.5 * (sigmoid(h2 * net.w4 + h3 * net.w5 + net.b4) - y) ** 2

    numeric = numerical_gradient(lambda z1: L_of_z1(z1), {"z1": f["z1"]})["z1"]
    c = bp.cache(net, I, y)
    assert bp.delta_h1(c.d2, c.d3, net.w2, net.w3, f["h1"]) == pytest.approx(
        numeric, rel=1e-6, abs=1e-11)


# --- delta_h1 -----------------------------------------------------------------------------------

def dh1_with_d(delta_2, delta_3, w2, w3, h1):
    z1 = math.log(h1 / (1 - h1))          # back to the pre-activation, then d(z1)
    return (delta_2 * w2 + delta_3 * w3) * float(sigmoid_prime(z1))


@pytest.mark.parametrize("answer", [bp.delta_h1, dh1_with_d,
                                    "(delta_2*w2 + delta_3*w3)*h1*(1-h1)",
                                    "delta_2*w2*h1*(1-h1) + delta_3*w3*(h1 - h1^2)"])
def test_delta_h1_accepts_correct_styles(answer):
    result = explain("backprop.delta_h1", answer)
    assert result.passed, str(result)


@pytest.mark.parametrize("index", range(len(bp.DELTA_H1.mistakes)),
                         ids=lambda i: bp.DELTA_H1.mistakes[i].id)
def test_delta_h1_catalogue_is_rejected_and_named(index):
    mistake = bp.DELTA_H1.mistakes[index]
    result = explain("backprop.delta_h1", mistake.fn)
    assert not result.passed and result.mistake == mistake.id


def test_delta_h1_one_path_learner_style():
    result = explain("backprop.delta_h1", lambda delta_2, w2, h1: delta_2 * w2 * h1 * (1 - h1))
    assert result.mistake == "one-path" and "only the path through h2" in result.summary


def test_delta_h1_swapped_weights_are_caught_away_from_the_worked_example():
    result = explain("backprop.delta_h1", "(delta_2*w3 + delta_3*w2)*h1*(1-h1)")
    assert result.mistake == "weights-swapped" and result.point["w2"] != 0.5


def test_delta_h1_wrong_h3_path_gets_the_probe_finding():
    result = explain("backprop.delta_h1", "(delta_2*w2 + 3*delta_3*w3)*h1*(1-h1)")
    assert not result.passed and result.mistake is None
    assert any("your h2 path is right" in line for line in result.details)


def test_delta_h1_path_counted_twice_is_named_by_the_generated_search():
    result = explain("backprop.delta_h1", "(delta_2*w2 + 2*delta_3*w3)*h1*(1-h1)")
    assert result.mistake == "h3-path-duplicated"
    assert "path through h3 twice (δ3·w3·h1(1 − h1))" in result.summary


# --- backward: accepted styles ------------------------------------------------------------------

def backward_with_forward(net, I, y):
    f = net.forward(I)
    delta_O = (f["O"] - y) * f["O"] * (1 - f["O"])
    delta_2 = delta_O * net.w4 * f["h2"] * (1 - f["h2"])
    delta_3 = delta_O * net.w5 * f["h3"] * (1 - f["h3"])
    delta_1 = (delta_2 * net.w2 + delta_3 * net.w3) * f["h1"] * (1 - f["h1"])
    return {"w1": delta_1 * I, "w2": delta_2 * f["h1"], "w3": delta_3 * f["h1"],
            "w4": delta_O * f["h2"], "w5": delta_O * f["h3"],
            "b1": delta_1, "b2": delta_2, "b3": delta_3, "b4": delta_O}


def backward_math_only(net, I, y):
    """Its own forward pass with math.exp and s'(z) from z; numpy floats returned."""
    def s(z):
        return 1 / (1 + math.exp(-z))

    def ds(z):
        return s(z) * (1 - s(z))
    z1 = net.w1 * I + net.b1
    h1 = s(z1)
    z2, z3 = net.w2 * h1 + net.b2, net.w3 * h1 + net.b3
    h2, h3 = s(z2), s(z3)
    zO = net.w4 * h2 + net.w5 * h3 + net.b4
    dO = (s(zO) - y) * ds(zO)
    d2, d3 = dO * net.w4 * ds(z2), dO * net.w5 * ds(z3)
    d1 = d2 * net.w2 * ds(z1) + d3 * net.w3 * ds(z1)
    grads = {"w4": dO * h2, "w5": dO * h3, "b4": dO, "w2": d2 * h1, "b2": d2, "w3": d3 * h1,
             "b3": d3, "w1": d1 * I, "b1": d1, "delta1": d1}        # an extra key is fine
    return {k: np.float64(v) for k, v in grads.items()}


@pytest.mark.parametrize("answer", [bp.backward, backward_with_forward, backward_math_only])
def test_backward_accepts_correct_styles(answer):
    result = explain("backprop.backward", answer)
    assert result.passed, str(result)


# --- backward: named mistakes -------------------------------------------------------------------

def with_variant(variant):
    def answer(net, I, y):
        c = bp.cache(DiamondNet(**net.params), I, y)
        grads = bp.grads_from(c)
        grads.update(variant.entries(c))
        return {k: float(v) for k, v in grads.items()}
    return answer


@pytest.mark.parametrize("index", range(len(bp.VARIANTS)),
                         ids=lambda i: f"{i}-{bp.VARIANTS[i].id}")
def test_backward_catalogue_is_rejected_and_named(index):
    variant = bp.VARIANTS[index]
    result = explain("backprop.backward", with_variant(variant))
    assert not result.passed and result.mistake == variant.id
    assert variant.message[1:] in result.summary        # the first letter may be capitalised


def learner_backward(**slips):
    """The correct backward pass with some of the lesson's typical slips switched on."""
    def answer(net, I, y):
        f = net.forward(I)
        dO = (1 if slips.get("no_loss") else f["O"] - y) * f["O"] * (1 - f["O"])
        d2 = dO * net.w4 * (1 if slips.get("no_s2") else f["h2"] * (1 - f["h2"]))
        d3 = dO * net.w5 * f["h3"] * (1 - f["h3"])
        paths = d2 * net.w2 + (0 if slips.get("one_path") else d3 * net.w3)
        d1 = paths * f["h1"] * (1 - f["h1"])
        g = {"w1": d1 * I, "w2": d2 * (f["h2"] if slips.get("own_h") else f["h1"]),
             "w3": d3 * f["h1"], "w4": dO * f["h2"], "w5": dO * f["h3"],
             "b1": d1, "b2": d2, "b3": d3, "b4": dO}
        if slips.get("bias_as_weight"):
            g["b2"] = g["w2"]
        if slips.get("sign"):
            g["b4"] = -g["b4"]
        return g
    return answer


def test_backward_one_path_at_h1_is_named_for_w1_and_b1():
    result = explain("backprop.backward", learner_backward(one_path=True))
    assert result.mistake == "delta1-one-path"
    assert result.summary.startswith("2 of 9 gradients are wrong (dL/dw1, dL/db1)")
    assert result.point["I"] == 1.0 and result.point["y"] == 1.0   # the worked example
    assert set(result.learner_value) == {"dL/dw1", "dL/db1"}
    O = DiamondNet().output(1.0)
    assert result.learner_value["dL/dw1"] == pytest.approx((O - 1) * 0.0014291881022 / 2,
                                                           rel=1e-5)


def test_backward_missing_s_prime_names_the_node_and_every_entry_below_it():
    result = explain("backprop.backward", learner_backward(no_s2=True))
    assert result.mistake == "missing-s-prime" and "δ2 is missing s'(z2)" in result.summary
    assert "(dL/dw1, dL/dw2, dL/db1, dL/db2)" in result.summary


def test_backward_several_slips_are_each_named_per_entry():
    result = explain("backprop.backward", learner_backward(own_h=True, sign=True))
    assert result.mistake == "wrong-activation"
    assert "dL/dw2:" in result.summary
    assert any(line.startswith("dL/db4: the sign is wrong") for line in result.details)

    bias = explain("backprop.backward", learner_backward(bias_as_weight=True))
    assert bias.mistake == "bias-equals-weight-gradient" and "∂L/∂b = δ" in bias.summary


def test_backward_unknown_slip_still_lists_the_wrong_entries():
    def answer(net, I, y):
        grads = backward_with_forward(net, I, y)
        grads["w3"] = 0.0
        return grads
    result = explain("backprop.backward", answer)
    assert not result.passed and result.mistake is None
    assert result.summary == "1 of 9 gradients are wrong: dL/dw3"
    assert result.expected_value["dL/dw3"] == pytest.approx(
        DiamondNet().loss_gradient(1.0, 1.0)["w3"], rel=1e-5)


def test_backward_from_finite_differences_is_named():
    def answer(net, I, y):
        return numerical_gradient(lambda **p: DiamondNet(**p).loss(I, y), net.params)
    result = explain("backprop.backward", answer)
    assert result.mistake == "numerical-not-analytic" and "finite differences" in result.summary


def test_backward_may_not_call_the_library():
    for call in (lambda net, I, y: net.loss_gradient(I, y), lambda net, I, y: net.gradient(I),
                 lambda net, I, y: net.backward(I, y)["grads"]):
        result = explain("backprop.backward", call)
        assert result.mistake == "bad-answer:exception" and "switched off" in result.summary


def test_backward_bad_answers_get_clear_messages():
    keys = explain("backprop.backward", lambda net, I, y: {
        "d" + k: v for k, v in backward_with_forward(net, I, y).items()})
    assert keys.mistake == "wrong-keys" and "missing: w1, w2" in keys.summary
    none = explain("backprop.backward", lambda net, I, y: None)
    assert none.mistake == "bad-answer:type" and "forget `return`" in none.summary
    array = explain("backprop.backward", lambda net, I, y: {k: np.ones(2) for k in PARAMS})
    assert array.mistake == "bad-answer:type" and "'w1'" in array.summary
    text = explain("backprop.backward", "d(zO)*h2")
    assert text.mistake == "bad-answer:type" and "backward(net, I, y)" in text.summary

    def stub(net, I, y):
        raise NotImplementedError("write it")
    assert not explain("backprop.backward", stub).attempted


def test_backward_with_d_of_the_activation_everywhere_is_one_named_mistake():
    def answer(net, I, y):
        f = net.forward(I)
        dO = (f["O"] - y) * sigmoid_prime(f["O"])       # s'(O): the slope at the activation
        d2, d3 = dO * net.w4 * sigmoid_prime(f["h2"]), dO * net.w5 * sigmoid_prime(f["h3"])
        d1 = (d2 * net.w2 + d3 * net.w3) * sigmoid_prime(f["h1"])
        return {"w1": d1 * I, "w2": d2 * f["h1"], "w3": d3 * f["h1"], "w4": dO * f["h2"],
                "w5": dO * f["h3"], "b1": d1, "b2": d2, "b3": d3, "b4": dO}
    result = explain("backprop.backward", answer)
    assert result.mistake == "s-prime-of-activation"
    assert result.summary.startswith("9 of 9 gradients are wrong") and "not s'(h)" in result.summary
    assert not any("another way" in line for line in result.details)


def test_delta_h1_missing_brackets_is_named_with_the_path():
    result = explain("backprop.delta_h1", "delta_2*w2 + delta_3*w3*h1*(1-h1)")
    assert result.mistake == "brackets" and "only the h3 path" in result.summary

    def learner(delta_2, delta_3, w2, w3, h1):
        return delta_2 * w2 * h1 * (1 - h1) + delta_3 * w3
    result = explain("backprop.delta_h1", learner)
    assert result.mistake == "brackets" and "only the h2 path" in result.summary


def learner_backward_deltas(dO=None, d2=None, d1=None):
    """The lesson's backward with a learner's own line for δO, δ2 or δ1 (f, net, deltas)."""
    def answer(net, I, y):
        f = net.forward(I)
        delta_O = dO(f, y) if dO else (f["O"] - y) * f["O"] * (1 - f["O"])
        delta_2 = d2(f, net, delta_O) if d2 else delta_O * net.w4 * f["h2"] * (1 - f["h2"])
        delta_3 = delta_O * net.w5 * f["h3"] * (1 - f["h3"])
        delta_1 = (d1(f, net, delta_2, delta_3) if d1 else
                   (delta_2 * net.w2 + delta_3 * net.w3) * f["h1"] * (1 - f["h1"]))
        return {"w1": delta_1 * I, "w2": delta_2 * f["h1"], "w3": delta_3 * f["h1"],
                "w4": delta_O * f["h2"], "w5": delta_O * f["h3"],
                "b1": delta_1, "b2": delta_2, "b3": delta_3, "b4": delta_O}
    return answer


@pytest.mark.parametrize(("slip", "mistake", "text"), [
    ({"d2": lambda f, net, dO: dO * net.w2 * f["h2"] * (1 - f["h2"])}, "wrong-weight",
     "δ2 uses w2, the weight of the edge into h2"),
    ({"d1": lambda f, net, d2, d3: d2 * net.w2 + d3 * net.w3 * f["h1"] * (1 - f["h1"])},
     "delta1-brackets", "only the path through h3"),
    ({"d1": lambda f, net, d2, d3: (d2 * net.w2 + d3 * net.w3) * f["h2"] * (1 - f["h2"])},
     "wrong-node-slope", "δ1 uses h2's slope"),
    ({"d1": lambda f, net, d2, d3: (d2 * net.w2 + d3 * net.w3) * f["h1"] * (1 - f["h1"])
      * net.w1}, "delta-extra-weight", "δ1 has w1 as an extra factor"),
    ({"dO": lambda f, y: (f["O"] - y) * f["O"]}, "s-instead-of-slope",
     "multiplies by the sigmoid itself"),
    ({"dO": lambda f, y: f["O"] * (1 - f["O"])}, "loss-factor-missing",
     "missing the loss factor ∂L/∂O = O − y"),
    ({"dO": lambda f, y: f["O"] - y}, "missing-s-prime", "δO is missing s'(zO) = O(1 − O)"),
    ({"dO": lambda f, y: 2 * (f["O"] - y) * f["O"] * (1 - f["O"])}, "loss-half-missing",
     "exactly 2× too large"),
])
def test_backward_learner_slips_in_one_delta_are_named(slip, mistake, text):
    result = explain("backprop.backward", learner_backward_deltas(**slip))
    assert result.mistake == mistake and text in result.summary
    assert not any("another way" in line for line in result.details)


def test_bias_written_like_a_weight_reads_as_a_slip_and_shows_only_entries_that_differ():
    def answer(net, I, y):
        g = backward_with_forward(net, I, y)
        f = net.forward(I)
        return {**g, "b1": g["b1"] * I, "b2": g["b2"] * f["h1"], "b3": g["b3"] * f["h1"],
                "b4": g["b4"] * f["h2"]}

    result = explain("backprop.backward", answer)
    assert result.mistake == "bias-equals-weight-gradient"
    assert "A bias gradient written like a weight's" in result.summary
    assert "equals a weight's" not in result.summary          # it once read like a rule
    assert set(result.learner_value) == {"dL/db1", "dL/db2", "dL/db3", "dL/db4"}
    assert result.point["I"] != 1.0                            # I = 1 hides db1 = δ1·I
    for key, value in result.learner_value.items():
        assert value != result.expected_value[key], key        # never "wrong" yet equal


# --- the loss: δO, a backward without the target, a backward without the loss factor ----------

@pytest.mark.parametrize("answer", [
    bp.delta_output, "(O - y)*O*(1 - O)", "O*(O - y) - O^2*(O - y)",
    r"\left(O-y\right)O\left(1-O\right)", lambda O, y: -(y - O) * O * (1 - O),
    lambda y, O: (O - y) * sigmoid_prime(math.log(O / (1 - O))),
])
def test_delta_O_accepts_correct_styles(answer):
    result = explain("backprop.delta_O", answer)
    assert result.passed, str(result)


@pytest.mark.parametrize("index", range(len(bp.DELTA_O.mistakes)))
def test_delta_O_catalogue_is_rejected_and_named(index):
    mistake = bp.DELTA_O.mistakes[index]
    result = explain("backprop.delta_O", mistake.fn)
    assert not result.passed and result.mistake == mistake.id


@pytest.mark.parametrize("answer, mistake, words", [
    ("O*(1 - O)", "loss-factor-missing", "the loss factor ∂L/∂O = O − y is missing"),
    (lambda O: O * (1 - O), "loss-factor-missing", "the output's own slope"),
    ("(y - O)*O*(1 - O)", "loss-factor-sign", "y − O"),
    ("O - y", "stopped-at-dL-dO", "that is ∂L/∂O"),
    ("2*(O - y)*O*(1 - O)", "loss-half-missing", "2× too large"),
    ("(O - y)*O", "s-instead-of-slope", "the sigmoid itself"),
])
def test_delta_O_learner_mistakes_are_named(answer, mistake, words):
    result = explain("backprop.delta_O", answer)
    assert not result.passed and result.mistake == mistake and words in str(result)


def test_delta_O_loss_factor_is_named_by_the_generated_search_alone():
    import dataclasses

    from course._grading.registry import CheckOptions
    from course._grading.scalar import grade_scalar

    spec = dataclasses.replace(bp.DELTA_O, mistakes=())
    result = grade_scalar("t.delta_O", spec, "O*(1 - O)", CheckOptions())
    assert result.mistake == "loss-factor-missing"
    assert "the loss factor (O − y) is missing" in result.summary


@pytest.mark.parametrize("answer", [
    "(delta2*w2 + delta3*w3)*h1*(1-h1)",
    lambda delta2, delta3, w2, w3, h1: (delta2 * w2 + delta3 * w3) * h1 * (1 - h1),
    r"\left(\delta_2w_2+\delta_3w_3\right)h_1\left(1-h_1\right)",
])
def test_delta_h1_also_takes_the_names_without_underscore(answer):
    assert explain("backprop.delta_h1", answer).passed


def test_backward_without_a_target_gets_a_clear_message():
    def old(net, I):
        return backward_with_forward(net, I, 0.0)
    result = explain("backprop.backward", old)
    assert not result.passed and result.mistake == "no-target"
    assert "def backward(net, I, y):" in result.summary and "O − y" in result.summary


def test_backward_without_the_loss_factor_is_named_as_such():
    result = explain("backprop.backward", learner_backward(no_loss=True))
    assert result.mistake == "loss-factor-missing"
    assert result.summary.startswith("9 of 9 gradients are wrong")
    assert "missing the loss factor ∂L/∂O = O − y" in result.summary
    assert "∂O/∂(param)" in result.summary


def test_backward_with_y_minus_O_is_named_by_its_sign():
    def answer(net, I, y):
        return {k: -v for k, v in backward_with_forward(net, I, y).items()}
    result = explain("backprop.backward", answer)
    assert result.mistake == "sign" and "not y − O" in result.summary


def test_feedback_shows_the_learners_own_parameter_names():
    from course import run_check

    def delta_h1(delta_2, delta_3, w2, w3, h1):
        return (delta_2 * w2 + delta_3 * w3) * h1
    text = str(run_check("backprop.delta_h1", delta_h1))
    assert "At delta_2=" in text and "delta_3=" in text and "delta2=" not in text
    assert "At delta2=" in str(run_check("backprop.delta_h1", "(delta2*w2 + delta3*w3)*h1"))


def test_the_delta_h1_worked_answer_has_subscripts():
    from course.checks import get_exercise
    reveal = get_exercise("backprop.delta_h1").reveal
    assert r"\delta_2\,w_2 + \delta_3\,w_3" in reveal and r"\delta2" not in reveal
