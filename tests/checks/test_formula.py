"""Formula answers: Python and calculator-LaTeX syntax, values, rendering and error messages."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from course.formula import DEFAULT_FUNCTIONS, Formula, FormulaError, parse_formula
from course.nn.activations import sigmoid, sigmoid_prime
from course.nn.networks import PARAMS, DiamondNet

DIAMOND = ("I", *PARAMS)   # I, w1..w5, b1..b4
WORKED = dict(I=1.0, w1=0.5, w2=0.5, w3=0.5, w4=0.5, w5=0.5, b1=1.0, b2=1.0, b3=1.0, b4=1.0)

# dO/dw1 of the worked example, spelled out with the biases at 1 (as a learner writes it)
CORRECT = ("d(s(s(I*w1+1)*w2+1)*w4 + s(s(I*w1+1)*w3+1)*w5 + 1)"
           "*(w4*d(s(I*w1+1)*w2+1)*w2 + w5*d(s(I*w1+1)*w3+1)*w3)*d(I*w1+1)*I")
# the same, as pasted from a graphing calculator
CORRECT_LATEX = (
    r"d\left(s\left(s\left(Iw_{1}+1\right)w_{2}+1\right)w_{4}"
    r"+s\left(s\left(Iw_{1}+1\right)w_{3}+1\right)w_{5}+1\right)"
    r"\cdot\left(w_{4}d\left(s\left(Iw_{1}+1\right)w_{2}+1\right)w_{2}"
    r"+w_{5}d\left(s\left(Iw_{1}+1\right)w_{3}+1\right)w_{3}\right)"
    r"\cdot d\left(Iw_{1}+1\right)I"
)
# the worked example's mistake: d(zO)·(d(z2)·d(z1)·I + d(z3)·d(z1)·I), weights w4·w2, w5·w3 dropped
MISTAKE = ("d(s(s(I*w1+1)*w2+1)*w4 + s(s(I*w1+1)*w3+1)*w5 + 1)"
           "*(d(s(I*w1+1)*w2+1)*d(I*w1+1)*I + d(s(I*w1+1)*w3+1)*d(I*w1+1)*I)")
# with every bias named, for comparisons at points where the biases are not 1
CORRECT_WITH_BIASES = ("d(s(s(I*w1+b1)*w2+b2)*w4 + s(s(I*w1+b1)*w3+b3)*w5 + b4)"
                       "*(w4*d(s(I*w1+b1)*w2+b2)*w2 + w5*d(s(I*w1+b1)*w3+b3)*w3)*d(I*w1+b1)*I")


def random_points(seed: int, n: int | None = None) -> dict:
    """Diamond parameters and inputs drawn away from 1 and from each other."""
    rng = np.random.default_rng(seed)
    size = () if n is None else (n,)
    env = {name: rng.uniform(-2.0, 2.0, size) for name in DIAMOND}
    return {k: (float(v) if n is None else v) for k, v in env.items()}


def net_gradient_w1(env: dict):
    net = DiamondNet(**{name: env[name] for name in PARAMS})
    return net.gradient(env["I"])["w1"]


# -- the worked example ---------------------------------------------------------------
@pytest.mark.parametrize("text", [CORRECT, CORRECT_LATEX])
def test_worked_example_value(text):
    f = parse_formula(text, DIAMOND)
    assert f(**WORKED) == pytest.approx(0.0014291881022, abs=1e-12)
    assert f(**WORKED) == pytest.approx(DiamondNet().gradient(1.0)["w1"], rel=1e-13)


def test_worked_example_mistake_is_four_times_too_large():
    f = parse_formula(MISTAKE, DIAMOND)
    assert f(**WORKED) == pytest.approx(0.00571675240882, abs=1e-12)
    assert f(**WORKED) / parse_formula(CORRECT, DIAMOND)(**WORKED) == pytest.approx(4.0)


def test_latex_and_python_forms_parse_to_the_same_tree():
    python, latex = parse_formula(CORRECT, DIAMOND), parse_formula(CORRECT_LATEX, DIAMOND)
    assert latex.to_python() == python.to_python()
    assert python.names == latex.names == frozenset({"I", "w1", "w2", "w3", "w4", "w5"})


@pytest.mark.parametrize("seed", range(5))
def test_correct_formula_matches_diamond_net_at_random_points(seed):
    env = random_points(seed)
    f = parse_formula(CORRECT_WITH_BIASES, DIAMOND)
    assert f(**env) == pytest.approx(net_gradient_w1(env), rel=1e-12, abs=1e-15)


def test_correct_formula_matches_central_differences_vectorized():
    env = random_points(7, n=64)
    f = parse_formula(CORRECT_WITH_BIASES, DIAMOND)
    value = f(**env)
    assert isinstance(value, np.ndarray) and value.shape == (64,)
    eps = 1e-6
    net = DiamondNet(**{name: env[name] for name in PARAMS})
    numeric = (net.replace(w1=env["w1"] + eps).output(env["I"])
               - net.replace(w1=env["w1"] - eps).output(env["I"])) / (2 * eps)
    np.testing.assert_allclose(value, numeric, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(value, net_gradient_w1(env), rtol=1e-12, atol=1e-15)


def test_scalars_and_arrays_broadcast():
    f = parse_formula("I*w1 + b1", DIAMOND)
    out = f(I=np.arange(3.0)[:, None], w1=np.array([1.0, 2.0]), b1=0.5)
    np.testing.assert_allclose(out, np.arange(3.0)[:, None] * [1.0, 2.0] + 0.5)
    assert isinstance(f(I=1, w1=2, b1=3), float)


def test_extra_keywords_are_ignored_and_missing_ones_are_named():
    f = parse_formula("I*w1", DIAMOND)
    assert f(**WORKED) == 0.5
    with pytest.raises(TypeError, match="uses 'w1', but no value was given"):
        f(I=1.0)


# -- accepted syntax --------------------------------------------------------------------
X = 0.7


@pytest.mark.parametrize("text, expected", [
    (r"\frac{1}{1+e^{-x}}", sigmoid(X)),
    (r"\frac{1}{1+\exp\left(-x\right)}", sigmoid(X)),
    ("e^{-x}", np.exp(-X)),
    ("e^-x", np.exp(-X)),
    ("e**(-x)", np.exp(-X)),
    ("e", np.e),
    ("2^3^2", 512.0),
    ("2**3**2", 512.0),
    ("-2^2", -4.0),
    ("-x^2", -X * X),
    ("(-x)^2", X * X),
    ("2^-1", 0.5),
    ("x^{2}", X * X),
    ("1/2x", X / 2),                  # left to right: (1/2)*x
    ("2x", 2 * X),
    ("2.x", 2 * X),
    ("x(x+1)", X * (X + 1)),          # a variable before '(' multiplies
    ("(x)(x+1)", X * (X + 1)),
    ("s(x)x", sigmoid(X) * X),
    ("xs(x)", X * sigmoid(X)),
    ("x s(x)", X * sigmoid(X)),
    ("0.5 + .5 + 2. + 1e-3 + 2E+1", 23.001),
    ("x\u00b72\u00d73\u22121", X * 6 - 1),   # · × − pasted from a document
    ("x\u22c52", 2 * X),
    (r"x\cdot 2\times 3", 6 * X),
    (r"x\div 2", X / 2),
    (r"\left(x+1\right)\left[x-1\right]", (X + 1) * (X - 1)),
    (r"\left\{x+1\right\}\{2\}", (X + 1) * 2),
    ("{x+1}{2}", (X + 1) * 2),
    (r"x\,\cdot\ 2 \quad + \; 1\!", 2 * X + 1),
    ("s(x) + sigma(x) + \u03c3(x)", 3 * sigmoid(X)),
    (r"\sigma\left(x\right) + \operatorname{s}(x) + \mathrm{s}(x)", 3 * sigmoid(X)),
    ("d(x)", sigmoid_prime(X)),
    ("d(x) - s(x)(1 - s(x))", 0.0),
    (r"\ln\left(x\right) + ln(x) + \log(x) + log(x)", 4 * np.log(X)),
    (r"\tanh(x) + tanh(x)", 2 * np.tanh(X)),
    (r"\sqrt{x} + sqrt(x)", 2 * np.sqrt(X)),
    ("exp(x)", np.exp(X)),
    ("+x", X),
    ("--x", X),
    ("1 - -x", 1 + X),
])
def test_accepted_syntax_evaluates_to_the_intended_value(text, expected):
    assert parse_formula(text, ("x",))(x=X) == pytest.approx(expected, rel=1e-14, abs=1e-15)


@pytest.mark.parametrize("text, python", [
    ("Iw_1", "I*w1"),
    ("Iw1", "I*w1"),
    ("Iw_{1}", "I*w1"),
    ("w4w2", "w4*w2"),
    ("w_4d\\left(Iw_1+b_{1}\\right)", "w4*d(I*w1 + b1)"),
    ("2w_1", "2*w1"),
    ("d(I*w1 + 1)*I", "d(I*w1 + 1)*I"),
    ("d\\left(Iw_1+1\\right)\\cdot I", "d(I*w1 + 1)*I"),
    ("sigma(w1)", "s(w1)"),
    ("a - (b - c)", "a - (b - c)"),
    ("(a - b) - c", "a - b - c"),
    ("a*(b*c)", "a*(b*c)"),
    ("a/(b/c)", "a/(b/c)"),
    ("-a*b", "-a*b"),
    ("a + -b", "a + (-b)"),
    ("-(a + b)", "-(a + b)"),
    ("(a^b)^c", "(a**b)**c"),
    ("a^b^c", "a**b**c"),
    ("a^(-b)", "a**(-b)"),
    ("(-a)^2", "(-a)**2"),
    (r"\frac{a+b}{bc}", "(a + b)/(b*c)"),
    ("0.5*a + 1e-05", "0.5*a + 1e-05"),
    ("a*b/c*a", "a*b/c*a"),           # * and / bind equally, left to right
    ("a/b/c", "a/b/c"),
    ("a/bc", "a/b*c"),                # an implicit product is a '*' in the same chain
    ("a b/c", "a*b/c"),
    ("ab^c", "a*b**c"),
    ("a^bc", "a**b*c"),
    ("-ab", "-a*b"),
    ("a-bc", "a - b*c"),
])
def test_rendering_is_canonical_python(text, python):
    f = parse_formula(text, ("I", "a", "b", "c", *PARAMS))
    assert f.to_python() == python == str(f)
    assert repr(f) == f"Formula({python!r})"
    assert parse_formula(python, ("I", "a", "b", "c", *PARAMS)).to_python() == python


def test_run_of_letters_prefers_the_longest_known_names():
    f = parse_formula("abab", ("a", "ab", "b"))
    assert f.to_python() == "ab*ab"
    # 'ab' then 'c' fails, so the split backs up to a, bc
    assert parse_formula("abc", ("a", "ab", "bc")).to_python() == "a*bc"


@pytest.mark.parametrize("text", [
    r"\left(\delta_{2}w_{2}+\delta_{3}w_{3}\right)h_{1}\left(1-h_{1}\right)",
    r"\delta_2 w_2 h_1(1-h_1) + \delta_3w_3h_1(1-h_1)",
    "(delta2*w2 + delta3*w3)*h1*(1-h1)",
])
def test_greek_letters_spell_variables(text):
    f = parse_formula(text, ("delta2", "delta3", "w2", "w3", "h1"))
    assert f.to_python() in ("(delta2*w2 + delta3*w3)*h1*(1 - h1)",
                             "delta2*w2*h1*(1 - h1) + delta3*w3*h1*(1 - h1)")
    assert f(delta2=2.0, delta3=3.0, w2=5.0, w3=7.0, h1=0.5) == pytest.approx(31 * 0.25)


def test_a_greek_letter_no_variable_starts_with_is_unknown():
    with pytest.raises(FormulaError, match=r"unknown name '\\delta'"):
        parse_formula(r"\delta_1 I", ("I", "w1"))
    with pytest.raises(FormulaError, match="unknown name 'delta_4'"):
        parse_formula(r"\delta_4 w_2", ("delta2", "w2"))


def test_e_is_a_variable_when_the_exercise_has_one():
    f = parse_formula("e^2", ("e",))
    assert f.names == {"e"} and f(e=3.0) == 9.0


def test_custom_functions_replace_the_defaults():
    f = parse_formula("relu(x) + sq(x)", ("x",), functions={"relu": np.abs, "sq": np.square})
    assert f(x=-3.0) == 12.0
    with pytest.raises(FormulaError, match="unknown name 's'"):
        parse_formula("s(x)", ("x",), functions={"relu": np.abs})


def test_default_functions_are_the_course_activations():
    assert DEFAULT_FUNCTIONS["s"] is sigmoid and DEFAULT_FUNCTIONS["d"] is sigmoid_prime
    assert set(DEFAULT_FUNCTIONS) == {"s", "d", "exp", "log", "tanh", "cosh", "sech", "sqrt"}
    with pytest.raises(TypeError):
        DEFAULT_FUNCTIONS["eval"] = eval   # read-only


def test_overflow_and_division_by_zero_give_inf_and_nan_without_warnings():
    # pytest turns warnings into errors, so this also checks that none is emitted
    assert parse_formula("1/x + exp(1000 - x)", ("x",))(x=0.0) == np.inf
    assert parse_formula("log(x) - 2^(1000 - x)", ("x",))(x=0.0) == -np.inf
    assert np.isnan(parse_formula("log(x) + sqrt(x) + (x)^0.5", ("x",))(x=-1.0))
    assert np.isnan(parse_formula("x/x", ("x",))(x=0.0))
    assert parse_formula("s(x) + d(x)", ("x",))(x=1e4) == 1.0


def test_parse_returns_a_formula_and_rejects_non_strings():
    assert isinstance(parse_formula("x", ("x",)), Formula)
    with pytest.raises(TypeError, match="must be a string, got int"):
        parse_formula(3, ("x",))
    with pytest.raises(ValueError, match="letters followed by letters or digits"):
        parse_formula("x", ("x_1",))


# -- errors ---------------------------------------------------------------------------
@pytest.mark.parametrize("text, position, expected, words", [
    ("d(Iw_1+1", 8, "')'", ["found end of formula", "close the '(' at position 1"]),
    (r"d\left(Iw_1+1", 13, r"'\right)'", ["found end of formula"]),
    (r"\left(x\right]", 7, r"'\right)'", [r"found '\right]'"]),
    ("__import__('os')", 0, "a number, a name or '('", ["found '_'"]),
    ("w1.__class__", 2, "an operator or the end of the formula", ["found '.'", "attribute"]),
    ("x[0]", 1, "an operator or the end of the formula", ["found '['", "group with ( )"]),
    ("", 0, "a formula", ["found nothing"]),
    ("   ", 0, "a formula", ["found nothing"]),
    ("1 +", 3, "a number, a name or '('", ["found end of formula"]),
    ("()", 1, "a number, a name or '('", ["found ')'", "brackets are empty"]),
    ("x)", 1, "an operator or the end of the formula", ["no matching opening bracket"]),
    ("s(x, w1)", 3, "an operator or ')'", ["found ','", "single argument"]),
    ("x, w1", 1, "an operator or the end of the formula", ["found ','"]),
    ("1.2.3", 3, "an operator or the end of the formula", ["found '.'"]),
    ("2 3", 2, "an operator", ["found the number 3", "put * between two numbers"]),
    ("s x", 2, "'(' after the function s", ["write s(...)"]),
    ("'x'", 0, "a number, a name or '('", ["a quote '", "strings are not part of a formula"]),
    ("tanh'(x)", 4, "'(' after the function tanh", ["found a quote '",
                                                   "a prime is read only on the sigmoid"]),
    ("x = 1", 2, "an operator or the end of the formula", ["without '='"]),
    (r"\frac{1}", 8, "'{' (the denominator)", ["found end of formula"]),
    ("w_{1", 4, "a number, a name or '('", ["subscript is written w_1 or w_{1}"]),
    (r"\left|x\right|", 5, "a number, a name or '('", ["absolute values"]),
    ("1e999", 0, "a number, a name or '('", ["below 1e308"]),
    ("x*", 2, "a number, a name or '('", ["found end of formula"]),
    ("*x", 0, "a number, a name or '('", ["found '*'"]),
])
def test_malformed_formula_points_at_the_problem(text, position, expected, words):
    with pytest.raises(FormulaError) as info:
        parse_formula(text, ("x", *DIAMOND))
    err = info.value
    assert (err.text, err.position, err.expected) == (text, position, expected)
    message = str(err)
    assert message.startswith(f"could not read your formula at position {position}: "
                              f"expected {expected} but found")
    for word in words:
        assert word in message
    # the last line is a caret under the position, aligned with the formula line above
    line, caret = message.splitlines()[-2:]
    assert caret.index("^") - 4 == position and line.startswith("    ")


@pytest.mark.parametrize("text, name, position, extra", [
    ("I*x", "x", 2, ""),
    ("Ixw1", "x", 1, ""),
    ("w12", "w12", 0, ""),
    ("w_{12}", "w_{12}", 0, ""),
    ("lambda: w1", "lambda", 0, "is Python code"),
    ("import os", "import", 0, "is Python code"),
    ("W1*I", "W1", 0, "Did you mean 'w1'?"),
    ("sigmoid(I)", "sigmoid", 0, "Write the sigmoid as s(...)"),
    (r"\alpha", r"\alpha", 0, ""),
    (r"\sin\left(I\right)", r"\sin", 0, ""),
    ("open(I)", "open", 0, ""),
    ("I + \\operatorname{sin}(I)", "\\operatorname{sin}", 4, ""),
])
def test_unknown_names_are_named_with_the_allowed_ones(text, name, position, extra):
    with pytest.raises(FormulaError) as info:
        parse_formula(text, DIAMOND)
    message = str(info.value)
    assert message.startswith(
        f"unknown name '{name}' at position {position} — the names you can use here are "
        "I, w1, w2, w3, w4, w5, b1, b2, b3, b4 and the functions s, d, exp, log, tanh, cosh, "
        "sech, sqrt")
    assert extra in message
    assert info.value.position == position


@pytest.mark.parametrize("text, name", [("d(z0)*h2", "z0"), (r"d\left(z_{0}\right)h_2", "z_{0}")])
def test_digit_zero_for_the_letter_o_is_pointed_out(text, name):
    with pytest.raises(FormulaError) as info:
        parse_formula(text, (*DIAMOND, "h2", "zO"))
    message = str(info.value)
    assert f"unknown name '{name}'" in message
    assert "Did you mean 'zO'? That is the letter O (for output), not the digit 0" in message


@pytest.mark.parametrize("text", [
    "(" * 10_000 + "x" + ")" * 10_000,
    "x+" * 3000 + "x",
], ids=["brackets", "sum"])
def test_very_long_input_is_refused_with_the_limit(text):
    with pytest.raises(FormulaError, match="characters long; the limit is 5,000"):
        parse_formula(text, ("x",))


@pytest.mark.parametrize("text", [
    "(" * 2000 + "x" + ")" * 2000,
    "-" * 4000 + "x",
    "2^" * 2000 + "2",
    "s(" * 1500 + "x" + ")" * 1500,
    r"\frac{" * 400 + "x" + "}{2}" * 400,
    "{" * 2400 + "x" + "}" * 2400,
], ids=["brackets", "signs", "powers", "calls", "fractions", "braces"])
def test_deep_nesting_is_refused_cleanly(text):
    with pytest.raises(FormulaError, match="expected at most 100 levels of nesting") as info:
        parse_formula(text, ("x",))
    assert info.value.position > 0


def test_nesting_just_below_the_limit_parses_evaluates_and_renders():
    f = parse_formula("s(" * 95 + "x" + ")" * 95, ("x",))
    assert 0 < f(x=0.3) < 1
    assert f.to_python().count("s(") == 95


def test_long_sums_are_flat_not_deep():
    text = "+".join(["x"] * 2400)
    assert parse_formula(text, ("x",))(x=1.0) == 2400.0


def _call_at_stack_depth(frames_left: int, fn):
    """Call ``fn`` with only about ``frames_left`` frames to spare below the recursion limit."""
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back

    def dive(n):
        return fn() if n <= 0 else dive(n - 1)

    return dive(sys.getrecursionlimit() - depth - frames_left)


def test_a_deep_caller_stack_gives_formula_error_not_recursion_error():
    text = "s(" * 95 + "x" + ")" * 95
    with pytest.raises(FormulaError, match="nested too deeply to read here"):
        _call_at_stack_depth(60, lambda: parse_formula(text, ("x",)))
    f = parse_formula(text, ("x",))
    with pytest.raises(FormulaError, match="nested too deeply"):
        _call_at_stack_depth(60, lambda: f(x=1.0))
    with pytest.raises(FormulaError, match="nested too deeply"):
        _call_at_stack_depth(60, f.to_python)


@pytest.mark.parametrize("text, name", [("(O-y)*d(zO)", "zO"), ("(O-y)*d(z_O)", "zO"),
                                        ("(O-y)*h2", "h2"), ("O*w4", "w4")])
def test_a_network_name_the_exercise_does_not_take_is_named(text, name):
    with pytest.raises(FormulaError) as err:
        parse_formula(text, ("O", "y"))
    message = str(err.value)
    assert f"{name} is not available in this exercise (its arguments are O and y)" in message
    if name == "zO":
        assert "write s'(zO) with the cached output: O(1 − O)" in message


def test_an_unknown_name_outside_the_networks_gets_the_plain_message():
    with pytest.raises(FormulaError) as err:
        parse_formula("q*O", ("O", "y"))
    assert "not available in this exercise" not in str(err.value)


def test_delta_o_with_zo_is_told_to_use_the_cached_output():
    from course import run_check
    text = str(run_check("backprop.delta_O", "(O-y)*d(zO)"))
    assert "zO is not available in this exercise (its arguments are O and y)" in text
    assert "O(1 − O)" in text
    assert run_check("backprop.delta_O", "(O-y)*O*(1-O)").passed


def test_a_formula_about_another_network_is_not_told_about_the_diamond():
    with pytest.raises(FormulaError) as err:
        parse_formula("a*h2", ("a", "b"))
    assert "not available in this exercise" not in str(err.value)
