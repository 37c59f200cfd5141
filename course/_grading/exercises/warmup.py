"""Lesson 00 warm-up: one derivative, to learn how answers and checks work."""

from __future__ import annotations

from course._grading.scalar import Mistake, ScalarSpec, scalar_exercise

LESSON = "00_start_here"


def f(x):
    """The warm-up function f(x) = 3x² − 2x + 1."""
    return 3 * x**2 - 2 * x + 1


def f_prime(x):
    """Its derivative, 6x − 2."""
    return 6 * x - 2


SPEC = ScalarSpec(
    variables=("x",), reference=f_prime, worked={"x": 1.0}, quantity="f'(x)",
    sample=lambda rng, n: {"x": rng.uniform(-5, 5, n)},
    mistakes=(
        Mistake("power-rule-factor", "3x² differentiated to 3x (the exponent 2 not brought down)",
                lambda x: 3 * x - 2,
                "the power rule brings the exponent down: d/dx 3x² = 2·3x = 6x, not 3x"),
        Mistake("constant-kept", "the +1 kept (6x − 1)", lambda x: 6 * x - 1,
                "a constant's derivative is 0: the +1 disappears, it does not lower −2 to −1"),
        Mistake("linear-term-dropped", "6x (the −2x term's slope dropped)", lambda x: 6 * x,
                "d/dx (−2x) = −2: your answer is missing the −2"),
        Mistake("function-not-derivative", "f itself", f,
                "you returned f(x) itself; the exercise asks for its slope f'(x)"),
        Mistake("exponent-kept", "6x² − 2", lambda x: 6 * x**2 - 2,
                "the power rule lowers the exponent by one: x² becomes 2x¹"),
        Mistake("exponents-kept", "6x² − 2x (each term multiplied by its exponent, none lowered)",
                lambda x: 6 * x**2 - 2 * x,
                "you multiplied each term by its exponent but kept the power: the power rule "
                "also lowers it by one, so 3x² becomes 6x¹ and −2x becomes −2x⁰ = −2"),
        Mistake("coefficient-dropped", "2x − 2 (the 3 of 3x² dropped)", lambda x: 2 * x - 2,
                "a constant factor stays: d/dx 3x² = 3·(d/dx x²) = 3·2x = 6x, not 2x"),
        Mistake("sign-linear", "6x + 2 (the slope of −2x taken as +2)", lambda x: 6 * x + 2,
                "the slope of −2x keeps its minus sign: d/dx (−2x) = −2, not +2"),
    ),
)

scalar_exercise(
    id="warmup.derivative", lesson=LESSON, answer_name="f_prime",
    title="f'(x) for f(x) = 3x² − 2x + 1, as a function or a formula",
    spec=SPEC,
    hints=(
        "Differentiate term by term: 3x², then −2x, then the constant 1.",
        "Power rule: d/dx xⁿ = n·xⁿ⁻¹, and a constant's derivative is 0.",
        "Apply the power rule to 3x² (bring the 2 down, lower the power by one), keep the slope of"
        " −2x with its sign, drop the constant, and add the pieces.",
    ),
)
