"""Fuzzing the formula parser: any text gives a Formula or a clean FormulaError, and random
expression trees written as Python or as calculator LaTeX evaluate like numpy does."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.formula import Formula, FormulaError, parse_formula
from course.nn.activations import sigmoid, sigmoid_prime

FAST = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VARIABLES = ("I", "w1", "w2", "b1", "x")
ENV = {"I": 0.8, "w1": -1.3, "w2": 0.45, "b1": 2.2, "x": 1.7}
ENV_ARRAYS = {k: np.array([v, -v, 0.0]) for k, v in ENV.items()}

# pieces people (and their clipboards) put into formulas, good and bad
PIECES = [
    "(", ")", "{", "}", "[", "]", r"\left(", r"\right)", r"\left[", r"\right]", r"\{", r"\}",
    r"\left", r"\right", r"\left.", "|", "+", "-", "*", "/", "^", "**", "\u00b7", "\u00d7",
    "\u2212", r"\cdot", r"\times", r"\frac", r"\frac{", "}{", r"\sqrt", r"\sigma", r"\ln",
    r"\exp", r"\operatorname{", r"\operatorname{s}", r"\,", r"\ ", "\\", "_", "_{", "__",
    "I", "w", "w1", "w_1", "w_{1}", "w_{12}", "b1", "x", "e", "e^", "e^{", "s", "d", "exp",
    "log", "ln", "sigma", "sqrt", "tanh", "1", "2", "0.5", ".5", "2.", "1e", "1e-3", "1e999",
    "0", ".", ",", " ", "'", '"', "=", "lambda", "__import__", "os", ".__class__", "σ", "\n",
    r"\delta", r"\delta_{2}", r"\partial", "\u2202", r"\frac{\partial O}{\partial w_1}=",
    r"\frac{dy}{dx} =", "dO/dw_1 =", "z_{0}", "z0",
]
token_soup = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
any_text = st.one_of(st.text(max_size=60), token_soup,
                     st.text(alphabet="(){}^_\\+-*/.,0123456789eIwsdx ", max_size=60))


def check_value(value, shape):
    """An evaluation result: a float, or an array of the inputs' shape."""
    if isinstance(value, float):
        return
    assert isinstance(value, np.ndarray) and value.shape == shape and value.dtype == float


@FAST
@given(any_text)
def test_any_text_parses_or_raises_formula_error(text):
    try:
        f = parse_formula(text, VARIABLES)
    except FormulaError as err:
        assert err.text == text and 0 <= err.position <= len(text)
        assert f"position {err.position}" in str(err) and err.expected
        return
    assert isinstance(f, Formula) and f.names <= set(VARIABLES)
    check_value(f(**ENV), ())
    check_value(f(**ENV_ARRAYS), (3,))
    # the canonical rendering reads back to itself and to the same values
    again = parse_formula(f.to_python(), VARIABLES)
    assert again.to_python() == f.to_python()
    np.testing.assert_array_equal(again(**ENV_ARRAYS), f(**ENV_ARRAYS))


# -- random valid expressions ---------------------------------------------------------
FUNCTIONS = {"s": sigmoid, "d": sigmoid_prime, "exp": np.exp, "log": np.log,
             "tanh": np.tanh, "sqrt": np.sqrt}
numbers = st.one_of(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, 0.25, 1e-3, 10.0, 1.5, 100.0]),
                    st.floats(0, 1e3, allow_nan=False, allow_infinity=False))
leaves = st.one_of(st.tuples(st.just("num"), numbers),
                   st.tuples(st.just("var"), st.sampled_from(VARIABLES)))


def _extend(children):
    return st.one_of(
        st.tuples(st.just("neg"), children),
        st.tuples(st.just("call"), st.sampled_from(sorted(FUNCTIONS)), children),
        st.tuples(st.sampled_from(["add", "sub", "mul", "div", "pow"]), children, children),
    )


trees = st.recursive(leaves, _extend, max_leaves=14)
BINARY = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
          "pow": np.power}


def evaluate(tree, env):
    """The tree's value computed directly with numpy (the test's independent reference)."""
    kind = tree[0]
    if kind == "num":
        return np.float64(tree[1])
    if kind == "var":
        return env[tree[1]]
    if kind == "neg":
        return -evaluate(tree[1], env)
    if kind == "call":
        return np.asarray(FUNCTIONS[tree[1]](evaluate(tree[2], env)), dtype=float)
    return BINARY[kind](evaluate(tree[1], env), evaluate(tree[2], env))


def number_text(value, rnd):
    if value.is_integer() and value < 1e15 and rnd.random() < 0.5:
        return str(int(value))
    return repr(value)


# binding strength, as in Python: a + b < a*b < -a < a**b < atoms
SUM, PRODUCT, SIGN, POWER, ATOM = 1, 2, 3, 4, 5
PREC = {"add": SUM, "sub": SUM, "mul": PRODUCT, "div": PRODUCT, "neg": SIGN, "pow": POWER}


def bracketed(rendered, needs: bool, rnd, style=("({})",)):
    """``rendered`` = (text, prec): bracket it when needed, and now and then when not."""
    text, _ = rendered
    if needs or rnd.random() < 0.15:
        return rnd.choice(style).format(text)
    return text


def signed(rendered, rnd):
    """Now and then a harmless unary plus: ``+x`` binds like ``-x``."""
    text, prec = rendered
    if rnd.random() < 0.08:
        return ("+" + (text if prec >= SIGN else f"({text})"), SIGN)
    return rendered


def to_python(tree, rnd):
    """Python syntax with as few brackets as precedence needs (plus random extra ones)."""
    kind, sp = tree[0], rnd.choice(["", " "])
    if kind == "num":
        return signed((number_text(tree[1], rnd), ATOM), rnd)
    if kind == "var":
        return signed((tree[1], ATOM), rnd)
    if kind == "call":
        return signed((f"{tree[1]}({to_python(tree[2], rnd)[0]})", ATOM), rnd)
    if kind == "neg":
        child = to_python(tree[1], rnd)
        return (f"-{sp}{bracketed(child, child[1] < SIGN, rnd)}", SIGN)
    left, right = to_python(tree[1], rnd), to_python(tree[2], rnd)
    if kind == "pow":
        text = (bracketed(left, left[1] <= POWER, rnd) + rnd.choice(["**", "^"])
                + bracketed(right, right[1] < SIGN, rnd))
        return signed((text, POWER), rnd)
    prec = PREC[kind]
    op = {"add": "+", "sub": "-", "mul": "*", "div": "/"}[kind]
    text = (bracketed(left, left[1] < prec, rnd) + f"{sp}{op}{sp}"
            + bracketed(right, right[1] <= prec, rnd))
    return signed((text, prec), rnd)


LATEX_VARIABLES = {"I": ["I"], "x": ["x"], "w1": ["w_{1}", "w_1", "w1"],
                   "w2": ["w_{2}", "w_2", "w2"], "b1": ["b_{1}", "b_1", "b1"]}
LATEX_CALLS = {
    "s": [r"s\left({}\right)", r"\sigma\left({}\right)", r"\operatorname{{s}}\left({}\right)",
          "s({})", "sigma({})"],
    "d": [r"d\left({}\right)", "d({})", r"\operatorname{{d}}({})"],
    "exp": ["e^{{{}}}", r"\exp\left({}\right)", "exp({})"],
    "log": [r"\ln\left({}\right)", r"\log\left({}\right)", "ln({})", "log({})"],
    "tanh": [r"\tanh\left({}\right)", "tanh({})"],
    "sqrt": [r"\sqrt{{{}}}", "sqrt({})"],
}
LATEX_BRACKETS = (r"\left({}\right)", "({})", "{{{}}}", r"\left[{}\right]")


def to_latex(tree, rnd):
    """Calculator LaTeX: \\frac, ^{}, \\cdot or implicit products, \\left( \\right)."""
    kind = tree[0]
    if kind == "num":
        return (number_text(tree[1], rnd), ATOM)
    if kind == "var":
        return (rnd.choice(LATEX_VARIABLES[tree[1]]), ATOM)
    if kind == "call":
        # e^{x} and \sqrt{x} are not followed by a bracket: keep them out of powers' bases
        text = rnd.choice(LATEX_CALLS[tree[1]]).format(to_latex(tree[2], rnd)[0])
        return (text, ATOM if text.endswith(")") else POWER)
    if kind == "div":
        return (rf"\frac{{{to_latex(tree[1], rnd)[0]}}}{{{to_latex(tree[2], rnd)[0]}}}", POWER)
    if kind == "neg":
        child = to_latex(tree[1], rnd)
        return ("-" + bracketed(child, child[1] < SIGN, rnd, LATEX_BRACKETS), SIGN)
    left, right = to_latex(tree[1], rnd), to_latex(tree[2], rnd)
    if kind == "pow":
        base = bracketed(left, left[1] <= POWER, rnd, LATEX_BRACKETS)
        exponent = right[0]
        if not (len(exponent) == 1 and rnd.random() < 0.5):    # x^2 or x^{2}
            exponent = "{" + exponent + "}"
        return (f"{base}^{exponent}", POWER)
    prec = PREC[kind]
    left_text = bracketed(left, left[1] < prec, rnd, LATEX_BRACKETS)
    right_text = bracketed(right, right[1] <= prec, rnd, LATEX_BRACKETS)
    if kind == "mul":
        # adjacency is a product unless the right factor starts with a digit, '.' or a sign
        implicit = right_text[0] not in "0123456789.-" and rnd.random() < 0.6
        glue = "" if implicit else rnd.choice([r"\cdot ", r" \cdot ", r"\times ", "*", "\u00b7"])
        return (left_text + glue + right_text, prec)
    op = "+" if kind == "add" else rnd.choice(["-", "\u2212"])
    return (left_text + op + right_text, prec)


def assert_same(actual, expected):
    assert np.shape(actual) == np.shape(expected)
    assert np.allclose(actual, expected, rtol=1e-12, atol=0, equal_nan=True), (actual, expected)


@FAST
@given(trees, st.randoms(use_true_random=False))
def test_random_expressions_in_python_syntax_evaluate_like_numpy(tree, rnd):
    text = to_python(tree, rnd)[0]
    f = parse_formula(text, VARIABLES)
    with np.errstate(all="ignore"):
        expected = evaluate(tree, ENV_ARRAYS)
        expected_scalar = evaluate(tree, {k: np.asarray(v) for k, v in ENV.items()})
    assert_same(f(**ENV_ARRAYS), np.broadcast_to(expected, np.shape(f(**ENV_ARRAYS))))
    assert_same(f(**ENV), float(expected_scalar))


@FAST
@given(trees, st.randoms(use_true_random=False))
def test_random_expressions_in_latex_evaluate_like_numpy(tree, rnd):
    text = to_latex(tree, rnd)[0]
    f = parse_formula(text, VARIABLES)
    with np.errstate(all="ignore"):
        expected = evaluate(tree, ENV_ARRAYS)
    value = f(**ENV_ARRAYS)
    assert_same(value, np.broadcast_to(expected, np.shape(value)))
