"""``course.ask``: any small network's derivative checked, the mistake named in the asker's
own names (networks the lessons never build, every edit kind, every kind of bad input)."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from course import ask
from course.formula.network import parse_network

ASKER = """
n1 = w1*I + b1
n2 = w2*s(n1) + b2
n3 = w3*s(n1) + b3
nO = w4*s(n2) + w5*s(n3) + b4
O = s(nO)
"""
AT = dict(I=1, w1=.5, w2=.5, w3=.5, w4=.5, w5=.5, b1=1, b2=1, b3=1, b4=1)
TRUE = "d(nO)*(w4*d(n2)*w2 + w5*d(n3)*w3)*d(n1)*I"


def test_the_original_question_typed_as_the_asker_wrote_it():
    r = ask(ASKER, wrt="w1", answer="d(nO)*(d(n2)*d(n1)*I + d(n3)*d(n1)*I)", at=AT)
    assert not r.passed and r.mistake == "weights-dropped"
    assert r.learner_value == pytest.approx(0.00571675240882, rel=1e-11)
    assert r.expected_value == pytest.approx(0.0014291881022, rel=1e-10)
    text = str(r)
    assert "w4·w2 through n2 and w5·w3 through n3" in text
    assert "4× too large" in text
    assert "your value 0.00571675240882, true value 0.0014291881022" in text


@pytest.mark.parametrize("answer", [
    TRUE,
    "d(nO)*w4*d(n2)*w2*d(n1)*I + d(nO)*w5*d(n3)*w3*d(n1)*I",                   # expanded
    "s(nO)*(1 - s(nO))*(w4*s(n2)*(1-s(n2))*w2 + w5*s(n3)*(1-s(n3))*w3)*s(n1)*(1-s(n1))*I",
    "O*(1-O)*(w4*d(n2)*w2 + w5*d(n3)*w3)*d(w1*I + b1)*I",             # intermediate names
    r"d\left(n_O\right)\cdot\left(w_4d\left(n_2\right)w_2+w_5d\left(n_3\right)w_3\right)"
    r"\cdot d\left(n_1\right)\cdot I",                                             # LaTeX
])
def test_correct_answers_pass_however_written(answer):
    r = ask(ASKER, wrt="w1", answer=answer, at=AT)
    assert r.passed, str(r)


def test_a_callable_answer_scalar_only_passes():
    def s(x):
        return 1 / (1 + math.exp(-x))

    def dO_dw1(I, w1, w2, w3, w4, w5, b1, b2, b3, b4):
        h1 = s(w1 * I + b1)
        h2, h3 = s(w2 * h1 + b2), s(w3 * h1 + b3)
        o = s(w4 * h2 + w5 * h3 + b4)
        return o * (1 - o) * (w4 * h2 * (1 - h2) * w2 + w5 * h3 * (1 - h3) * w3) \
            * h1 * (1 - h1) * I

    assert ask(ASKER, "w1", dO_dw1, AT).passed


@pytest.mark.parametrize("answer, mistake, words", [
    ("d(nO)*(w4*d(n2)*w2)*d(n1)*I", "n3-path-missing", "left out the path through n3"),
    ("s(nO)*(w4*d(n2)*w2 + w5*d(n3)*w3)*d(n1)*I", "s-instead-of-d-nO", "s(nO) where d(nO)"),
    ("d(O)*(w4*d(n2)*w2 + w5*d(n3)*w3)*d(n1)*I", "d-of-activation-O", "d(O) where d(nO)"),
    ("-" + TRUE, "sign", "wrong sign"),
    ("d(nO)*(w4*d(n2)*w2 + w5*d(n3)*w3)*I", "derivative-missing-n1", "d(n1)"),
    ("d(nO)*(w4*d(n2) + w5*d(n3))*d(n1)*I", "inner-weights-dropped", "w2 through n2"),
    ("d(nO)*(w4+d(n2)+w2 + w5+d(n3)+w3)*d(n1)*I", "factors-added", "multiplies them"),
    ("d(nO)*(w4*d(n2)*w2 * w5*d(n3)*w3)*d(n1)*I", "paths-multiplied", "they add"),
    ("d(nO)*(w4*d(n2)*w2 + w5*d(n3)*w3)*d(n1)*w1", "derivative-wrt-I", "dO/dI"),
    ("d(nO)*(w4*d(n2)*w2 + 2*w5*d(n3)*w3)*d(n1)*I", "n3-path-duplicated", "twice"),
])
def test_each_edit_of_the_paths_is_named(answer, mistake, words):
    r = ask(ASKER, wrt="w1", answer=answer, at=AT)
    assert not r.passed and r.mistake == mistake, str(r)
    assert words in r.summary


def test_right_only_at_the_askers_point_does_not_pass():
    # I = 1 at the asker's point, so leaving I out agrees there and nowhere else
    r = ask(ASKER, wrt="w1", answer="d(nO)*(w4*d(n2)*w2 + w5*d(n3)*w3)*d(n1)", at=AT)
    assert not r.passed and r.mistake == "right-at-your-point-only"
    assert "I" in r.summary.split("Elsewhere it shows:")[1]


SKIP_AND_TANH = """
a1 = tanh(v1*x)
a2 = relu(v2*a1 + c2)
y = s(v3*a2 + v4*x)
L = (y - t)^2 / 2
"""


def test_a_skip_edge_mixed_activations_and_a_loss_on_top():
    at = dict(x=0.7, v1=0.9, v2=1.1, c2=2.5, v3=-0.8, v4=0.6, t=1.0)   # relu active
    true = "(y - t)*d(v3*a2 + v4*x)*(v3*(v2*(1 - a1^2)*v1) + v4)"      # relu' = 1 here
    assert ask(SKIP_AND_TANH, "x", true, at).passed
    without_skip = "(y - t)*d(v3*a2 + v4*x)*v3*v2*(1 - a1^2)*v1"
    r = ask(SKIP_AND_TANH, "x", without_skip, at)
    assert r.mistake == "v4·x-path-missing" and "the path through v4·x" in r.summary, str(r)
    no_loss = "d(v3*a2 + v4*x)*(v3*(v2*(1 - a1^2)*v1) + v4)"
    r = ask(SKIP_AND_TANH, "x", no_loss, at)
    assert r.mistake == "derivative-of-y" and "stops at y" in r.summary, str(r)


def test_a_deep_chain_of_six_layers_and_a_numerical_reference():
    lines = ["h1 = s(w1*x)"] + [f"h{k} = s(w{k}*h{k - 1})" for k in range(2, 7)]
    net = "\n".join(lines)
    at = {"x": 0.3, **{f"w{k}": 0.4 + 0.1 * k for k in range(1, 7)}}
    parsed = parse_network(net)
    g = parsed.graph
    eps = 1e-6
    up, down = dict(at), dict(at)
    up["w1"] += eps
    down["w1"] -= eps
    numeric = (g.evaluate(up)["h6"] - g.evaluate(down)["h6"]) / (2 * eps)
    chain = "*".join(f"d(w{k}*h{k - 1})*w{k}" for k in range(6, 1, -1)) + "*d(w1*x)*x"
    r = ask(net, "w1", chain, at)
    assert r.passed, str(r)
    assert r.expected_value == pytest.approx(numeric, rel=1e-5)
    dropped = "*".join(f"d(w{k}*h{k - 1})" for k in range(6, 1, -1)) + "*d(w1*x)*x"
    assert ask(net, "w1", dropped, at).mistake == "weights-dropped"


@pytest.mark.parametrize("network, wrt, words", [
    ("h1 = s(w1*I", "w1", "line 1, column 12"),
    ("a = b\na = c", "b", "assigned more than once"),
    ("h = s(h*w)", "w", "uses itself before it is assigned"),
    ("x + 1", "x", "not of the form `name = expression`"),
    ("h = s(w*x)\nO = s(v*h)", "h", "computed by the network"),
    ("h = s(w*x)\nO = s(v*h)", "q", "not a name of the network"),
    ("h = s(w*x)\nO = s(v*q)", "v", ""),            # fine: q is just another free name
    ("h = s(w*x)\nO = s(v*q)\nP = h", "v", "does not depend on v"),
    ("h = d(w*x)", "w", "d(…), the sigmoid's derivative"),
    ("h = __import__('os')", "w", "could not be read"),
])
def test_bad_networks_get_one_clear_sentence_and_never_raise(network, wrt, words):
    r = ask(network, wrt=wrt, answer="x")
    if words:
        assert not r.passed and words in r.summary, r.summary
    else:
        assert r.mistake != "bad-network", r.summary


def test_a_point_missing_a_free_name_or_naming_a_computed_one_is_refused():
    assert "no value for b4" in ask(ASKER, "w1", TRUE, {k: v for k, v in AT.items()
                                                         if k != "b4"}).summary
    assert "computed by the network" in ask(ASKER, "w1", TRUE, {**AT, "n1": 3}).summary
    assert "must be a number" in ask(ASKER, "w1", TRUE, {**AT, "I": "one"}).summary


def test_a_broken_answer_gets_the_formula_message():
    r = ask(ASKER, "w1", "d(nO)*(w4*", AT)
    assert r.mistake == "bad-answer:formula" and "position" in r.summary
    boom = ask(ASKER, "w1", lambda I: 1 / 0, AT)
    assert boom.mistake.startswith("bad-answer") and "ZeroDivisionError" in boom.summary


def test_the_notebook_view_draws_the_graph_and_strikes_the_left_out_factors():
    r = ask(ASKER, wrt="w1", answer="d(nO)*(d(n2)*d(n1)*I + d(n3)*d(n1)*I)", at=AT)
    view = r._repr_html_()
    assert view.count("<circle") == 15          # 10 free names and 5 assigned names
    assert view.count("line-through") == 4      # w4, w2 on one path; w5, w3 on the other
    assert "∂O/∂w1" in view


def test_the_command_line_exit_codes(tmp_path):
    path = tmp_path / "net.txt"
    path.write_text(ASKER)
    at = ",".join(f"{k}={v}" for k, v in AT.items())

    def run(*args):
        return subprocess.run([sys.executable, "-m", "course", "ask", *args],
                              capture_output=True, text=True, timeout=60)

    wrong = run(str(path), "--wrt", "w1", "--answer", "d(nO)*(d(n2)*d(n1)*I + d(n3)*d(n1)*I)",
                "--at", at)
    assert wrong.returncode == 1 and "w4·w2" in wrong.stdout
    assert run(str(path), "--wrt", "w1", "--answer", TRUE, "--at", at).returncode == 0
    assert run("h = s(w*x", "--wrt", "w", "--answer", "x").returncode == 2
    assert run(str(tmp_path / "missing.txt"), "--wrt", "w", "--answer", "x").returncode == 2


def test_many_points_are_compared_not_one():
    r = ask(ASKER, "w1", TRUE, AT)
    assert r.n_cases >= 40
    values = np.asarray(list(AT.values()), dtype=float)
    assert np.isfinite(values).all()


def test_the_notebook_box_checks_what_its_fields_hold():
    from course.widgets import ask_box

    box = ask_box()
    box.button.click()                                  # the worked example's question
    assert box.result.mistake == "weights-dropped" and "<svg" in box.verdict.value
    box.answer.value = TRUE
    box.button.click()
    assert box.result.passed and "Correct" in box.verdict.value
    box.point.value = "I=1, w1"                         # malformed point: a message, no raise
    box.button.click()
    assert box.result is None and "name=value pairs" in box.verdict.value
    box.point.value = ""
    box.network.value = "h = s(w*x"
    box.button.click()
    assert box.result.mistake == "bad-network" and "line 1" in box.verdict.value


def test_an_inner_minus_lost_and_an_extra_sigmoid_slope_are_named():
    fan_in = r"""h_1 = \tanh\left(a x\right)
h_2 = \sigma\left(b x\right)
h_3 = \exp\left(-c x\right)
y = u h_1 + v h_2 + w h_3"""
    at = dict(x=0.4, a=1.2, b=-0.7, c=0.5, u=0.3, v=1.1, w=-0.6)
    assert ask(fan_in, "x", r"u\left(1-h_1^2\right)a + v h_2\left(1-h_2\right)b - w h_3 c",
               at).passed
    lost = ask(fan_in, "x", "u*(1-h1^2)*a + v*h2*(1-h2)*b + w*h3*c", at)
    assert lost.mistake == "sign-of--c" and "sign of -c" in lost.summary
    logistic = "p = s(w*x + b)\nL = -(t*log(p) + (1 - t)*log(1 - p))"
    point = dict(x=1.5, w=0.8, b=-0.2, t=1)
    assert ask(logistic, "w", "(p - t)*x", point).passed
    extra = ask(logistic, "w", "(p - t)*d(w*x + b)*x", point)
    assert extra.mistake.startswith("slope-twice") and "twice" in extra.summary
