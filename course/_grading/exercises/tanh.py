"""Lesson 01 exercise: the derivative of LeCun's scaled tanh, and its inner factor 2/3.

    f(x)  = A·tanh(B·x)                  with A = 1.7159, B = 2/3 (LeCun et al., 1998)
    f'(x) = A·B·(1 − tanh²(B·x))         = A·B / cosh²(B·x)

The chain rule's inner factor B = 2/3 is what learners most often leave out. The reference
uses the 1/cosh² form, which stays accurate where 1 − tanh² cancels (large |x|).
"""

from __future__ import annotations

import numpy as np

from course._grading.scalar import Mistake, ScalarSpec, scalar_exercise

LESSON = "01_neuron_and_sigmoid"
SCALE = 1.7159           # A: the outer factor, so that f(±1) ≈ ±1
INNER = 2 / 3            # B: the inner factor, du/dx for u = 2x/3


def scaled_tanh(x):
    """f(x) = 1.7159·tanh(2x/3)."""
    return SCALE * np.tanh(INNER * np.asarray(x, dtype=float))


def scaled_tanh_prime(x):
    """f'(x) = 1.7159·(2/3)·sech²(2x/3), computed as 1/cosh² (no cancellation)."""
    u = INNER * np.asarray(x, dtype=float)
    with np.errstate(over="ignore"):         # cosh overflows past |u| ≈ 710: 1/inf² = 0
        return SCALE * INNER / np.cosh(u) ** 2


def _sample_x(rng: np.random.Generator, n: int) -> dict:
    return {"x": rng.uniform(-4, 4, n)}


def _tanh_prime(u):
    return 1 - np.tanh(u) ** 2


#: 2/3 as learners round it inside tanh (coarsest last). A rounded constant in front is a
#: constant factor, named from ``constants`` by the engine (diagnose.rounded_constant).
ROUNDED_INNER = (0.6667, 0.667, 0.67)
_EXACT = ("The check accepts the exact forms only (1.7159 is the definition; 2/3 exact, to "
          "better than 1e-6)")


def _rounded(what: str, fn):
    return Mistake("rounded-constant", f"a rounded constant: {what}", fn,
                   f"{what}. {_EXACT}: your f'(x) is {{ratio:.7g}}× the true value at the "
                   "point shown.")


def _rounded_inside() -> tuple:
    """2/3 rounded inside tanh (and in front as well, or not)."""
    found = []
    for b in ROUNDED_INNER:
        found += [
            _rounded(f"write 2/3 exactly, not {b}", lambda x, b=b: SCALE * b * _tanh_prime(b * x)),
            _rounded(f"write 2/3 exactly, not {b} (inside tanh: 2x/3, not {b}x)",
                     lambda x, b=b: SCALE * INNER * _tanh_prime(b * x)),
        ]
    return tuple(found)


SCALED_TANH_PRIME = ScalarSpec(
    variables=("x",), reference=scaled_tanh_prime, sample=_sample_x, worked={"x": 1.0},
    extra_points=({"x": 0.0}, {"x": -1.5}, {"x": 3.0}), quantity="f'(x)",
    # exact forms only: 1.7159 is the definition and 2/3 is exact, so a rounded constant
    # (0.6667, 1.716, 1.144) is named (rounded-constant), never accepted; float32 arithmetic
    # (~6e-8 per operation; 1 − tanh² loses a digit or two) still passes, 0.6667 (5e-5) not
    rtol=1e-6, rtol32=2e-5,
    constants={"2/3": INNER, "1.7159": SCALE, "1.7159·2/3": SCALE * INNER},
    mistakes=(
        Mistake("inner-factor-missing", "1.7159·(1 − tanh²(2x/3)): the inner factor 2/3 lost",
                lambda x: SCALE * _tanh_prime(INNER * x),
                "your f'(x) is 1.5× too large: the factor 2/3 is missing. The chain rule "
                "multiplies tanh′(u) by the inner derivative du/dx, and for u = 2x/3 that "
                "is 2/3"),
        Mistake("outer-scale-missing", "(2/3)·(1 − tanh²(2x/3)): the 1.7159 in front dropped",
                lambda x: INNER * _tanh_prime(INNER * x),
                "your f'(x) is missing the factor 1.7159: a constant in front of a function "
                "stays in front of its derivative, (A·g)′ = A·g′"),
        Mistake("tanh-prime-at-x", "1.7159·(2/3)·(1 − tanh²(x)): tanh′ evaluated at x, not 2x/3",
                lambda x: SCALE * INNER * _tanh_prime(x),
                "you evaluated tanh′ at x; the outer derivative is taken at the inner value "
                "u = 2x/3: 1 − tanh²(2x/3) (your value agrees only at x = 0)"),
        Mistake("both-inner-parts-missing",
                "1.7159·(1 − tanh²(x)): the derivative of 1.7159·tanh(x), the 2/3 ignored",
                lambda x: SCALE * _tanh_prime(x),
                "you differentiated 1.7159·tanh(x): the 2/3 inside is ignored twice — tanh′ "
                "must be evaluated at u = 2x/3 and multiplied by du/dx = 2/3"),
        Mistake("inner-factor-inverted", "1.7159·(3/2)·(1 − tanh²(2x/3)): 3/2 instead of 2/3",
                lambda x: SCALE * 1.5 * _tanh_prime(INNER * x),
                "your inner factor is 3/2; the derivative of u = 2x/3 is 2/3 (your value is "
                "{ratio:.4g}× the true one, (3/2)/(2/3) = 2.25)"),
        Mistake("plus-instead-of-minus", "1.7159·(2/3)·(1 + tanh²(2x/3))",
                lambda x: SCALE * INNER * (1 + np.tanh(INNER * x) ** 2),
                "you wrote 1 + tanh²; tanh′(u) = 1 − tanh²(u): tanh flattens out far from 0, so "
                "its slope falls towards 0 there"),
        Mistake("tanh-for-its-derivative", "1.7159·(2/3)·tanh(2x/3): tanh′ taken as tanh",
                lambda x: SCALE * INNER * np.tanh(INNER * x),
                "you used tanh(u) where its derivative belongs: tanh′(u) = 1 − tanh²(u) = "
                "sech²(u) = 1/cosh²(u)"),
        Mistake("sech-not-squared", "1.7159·(2/3)·sech(2x/3): the square on sech lost",
                lambda x: SCALE * INNER / np.cosh(INNER * x),
                "you wrote sech(u) = 1/cosh(u); tanh′(u) = sech²(u) = 1/cosh²(u), squared"),
        Mistake("square-inside", "1.7159·(2/3)·(1 − tanh(2x/3)): the square on tanh lost",
                lambda x: SCALE * INNER * (1 - np.tanh(INNER * x)),
                "you wrote 1 − tanh(u); tanh′(u) = 1 − tanh(u)², squared"),
        Mistake("forgot-derivative", "f(x) itself, 1.7159·tanh(2x/3)", scaled_tanh,
                "you returned f(x) = 1.7159·tanh(2x/3) itself, not its derivative"),
        *_rounded_inside(),
    ),
)

scalar_exercise(
    id="tanh.derivative", lesson=LESSON, answer_name="scaled_tanh_prime",
    title="f'(x) for LeCun's scaled tanh f(x) = 1.7159·tanh(2x/3), as a function or a formula",
    spec=SCALED_TANH_PRIME, points=1.0,
    reveal=r"$$f'(x) = 1.7159\cdot\tfrac23\,\bigl(1 - \tanh^2(\tfrac23 x)\bigr) "
           r"= \frac{1.7159\cdot\tfrac23}{\cosh^2(\tfrac23 x)}$$ The outer derivative "
           r"$\tanh'$ at the inner value $u = \tfrac23 x$, times the inner derivative "
           r"$du/dx = \tfrac23$; the 1.7159 in front stays in front.",
    forbidden=("course.nn.activations.tanh_prime",),
    hints=(
        "f is a function of a function: f(x) = 1.7159·tanh(u) with u = 2x/3. Which rule "
        "differentiates that, and what does it multiply together?",
        "tanh′(u) = 1 − tanh²(u) (or sech²(u) = 1/cosh²(u)). Evaluate it at u = 2x/3, not at x.",
        "The chain rule has three factors here: the constant in front, tanh′ at the inner "
        "value, and du/dx — the derivative of 2x/3. Have you got all three?",
    ),
)
