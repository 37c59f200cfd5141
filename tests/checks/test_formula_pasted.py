"""Formulas as learners paste them: calculator prefixes, $...$, non-raw Python strings."""

import numpy as np
import pytest

from course.formula import FormulaError, parse_formula


@pytest.mark.parametrize("text", ["y=6x-2", "f'(x) = 6x-2", "f(x)=6x-2", "$6x-2$",
                                  "dy/dx = 6x - 2", " $ y = 6x-2 $ "])
def test_calculator_prefixes_and_dollars_are_ignored(text):
    f = parse_formula(text, ("x",))
    assert f(x=2.0) == 10.0
    assert f.text == text                     # the learner's text is kept as written


@pytest.mark.parametrize("text", [
    r"\frac{\partial y}{\partial x}=6x-2",
    r"\frac{\partial y}{\partial x_{1}} = 6x-2",
    r"\frac{dy}{dx}=6x-2",
    r"\dfrac{dy}{dx}=6x-2",
    r"\partial y/\partial x = 6x-2",
    "\u2202y/\u2202x = 6x-2",
    "dy/dx_1 = 6x-2",
])
def test_a_pasted_derivative_left_hand_side_is_ignored(text):
    f = parse_formula(text, ("x",))
    assert f(x=2.0) == 10.0 and f.text == text


def test_two_equals_signs_are_still_an_error():
    with pytest.raises(FormulaError, match="paste only the right-hand side"):
        parse_formula(r"\partial y = 6x - 2 = 1", ("x",))
    with pytest.raises(FormulaError):
        parse_formula(r"\frac{dy}{dx} = 6x - 2 = 1", ("x",))


def test_an_equation_in_a_variable_is_still_an_error():
    with pytest.raises(FormulaError, match="without '=' or a left-hand side"):
        parse_formula("x = 1", ("x",))


@pytest.mark.parametrize("text, escape", [("\frac{1}{x}", "\\f"), ("\\left(x\right)", "\\r"),
                                          ("2\times x", "\\t")])
def test_latex_in_a_non_raw_string_gets_told_to_use_r(text, escape):
    with pytest.raises(FormulaError) as err:
        parse_formula(text, ("x",))
    message = str(err.value)
    assert escape in message and 'r"..."' in message
    assert err.value.position == next(i for i, ch in enumerate(text) if not ch.isprintable())


def test_raw_latex_parses():
    assert parse_formula(r"\frac{12x}{2}-2", ("x",))(x=1.0) == 4.0


# --- TeX's single-token arguments of \frac; derivatives written as names or d/dx ---------------

@pytest.mark.parametrize("text, x, value", [
    (r"\frac23", 3.0, 2 / 3),
    (r"\frac2x", 4.0, 0.5),
    (r"\frac{2}3", 3.0, 2 / 3),
    (r"\frac 2 3", 3.0, 2 / 3),
    (r"\frac12x", 4.0, 2.0),                  # (1/2)·x: only the first digit is the argument
    (r"\tfrac23x", 3.0, 2.0),
    (r"\dfrac{2x}3", 3.0, 2.0),
    (r"\frac x2", 3.0, 1.5),
    (r"1.7159\cdot\frac23\left(1-\tanh^2\left(\frac{2x}3\right)\right)", 0.0, 1.7159 * 2 / 3),
])
def test_frac_takes_single_token_arguments_without_braces(text, x, value):
    got = np.asarray(parse_formula(text, ("x",))(x=np.array([x]))).ravel()[0]
    assert float(got) == pytest.approx(value)


@pytest.mark.parametrize("text", [r"\frac+2", r"\frac2", r"\frac{2}"])
def test_a_frac_without_an_argument_says_how_to_write_it(text):
    with pytest.raises(FormulaError) as err:
        parse_formula(text, ("x",))
    assert "in braces" in str(err.value) and "one digit or one letter" in str(err.value)


@pytest.mark.parametrize("text, suggestion", [
    ("sigmoid_prime(z2)*h", "write d(z2) instead of sigmoid_prime(z2)"),
    ("dsigmoid(z2*(h+1))", "write d(z2*(h+1))"),
    ("sigma_prime(z2)", "write d(z2)"),
])
def test_a_named_sigmoid_derivative_suggests_d(text, suggestion):
    with pytest.raises(FormulaError) as err:
        parse_formula(text, ("z2", "h"))
    assert "unknown name" in str(err.value) and suggestion in str(err.value)


@pytest.mark.parametrize("text", ["d/dx(tanh(x))", r"\frac{d}{dx}\tanh(x)"])
def test_d_dx_says_write_the_derivative_itself(text):
    with pytest.raises(FormulaError) as err:
        parse_formula(text, ("x",))
    assert "write the derivative itself, not d/dx" in str(err.value)


@pytest.mark.parametrize("text", [
    r"\sigma'\left(z_O\right)h_2", r"s'(z_O)h_2", r"\sigma^{\prime}\left(z_O\right)h_2",
    r"s^\prime(zO)h2", "σ'(zO)*h2", "σ′(zO)*h2", r"s^{'}(zO) h2", r"\sigma '(z_O)h_2",
])
def test_a_prime_on_the_sigmoid_is_its_derivative_d(text):
    f = parse_formula(text, ("zO", "h2"))
    z, h = np.array([-1.0, 0.3, 2.0]), np.array([0.2, 0.5, 0.9])
    s = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(f(zO=z, h2=h), s * (1 - s) * h, rtol=1e-12)


@pytest.mark.parametrize("text, on", [("tanh'(x)", "not on tanh"), ("x'*2", "not on x"),
                                      (r"\exp^{\prime}(x)", "not on \\exp")])
def test_a_prime_on_anything_else_is_a_clear_error(text, on):
    with pytest.raises(FormulaError) as err:
        parse_formula(text, ("x",))
    assert "a prime is read only on the sigmoid" in str(err.value) and on in str(err.value)


def test_a_pasted_prime_answer_gets_its_real_mistake_named():
    from course import run_check
    assert run_check("diamond.dO_dw4", r"\sigma'\left(z_O\right)h_2").passed
    wrong = run_check("diamond.dO_dw4", r"\sigma'\left(z_O\right)w_4")
    assert wrong.mistake == "weight-instead-of-input" and "w4 where h2 belongs" in str(wrong)
