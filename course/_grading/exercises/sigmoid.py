"""Lesson 01 exercises: a numerically stable sigmoid and its derivative."""

from __future__ import annotations

import numpy as np

from course._grading.guards import LearnerError, call_learner
from course._grading.registry import Exercise, register
from course._grading.result import CheckResult
from course._grading.scalar import Mistake, ScalarSpec, grade_scalar
from course.formula import DEFAULT_FUNCTIONS, FormulaError, parse_formula
from course.nn.activations import sigmoid, sigmoid_prime

LESSON = "01_neuron_and_sigmoid"
_NO_D = {k: v for k, v in DEFAULT_FUNCTIONS.items() if k != "d"}


def _sample_z(rng: np.random.Generator, n: int) -> dict:
    return {"z": rng.uniform(-8, 8, n)}


def _naive(z):
    return 1 / (1 + np.exp(-z))


SIGMOID = ScalarSpec(
    variables=("z",), reference=sigmoid, sample=_sample_z, worked={"z": 0.5},
    extra_points=({"z": 0.0}, {"z": -2.0}, {"z": 3.0}), quantity="s(z)",
    mistakes=(
        Mistake("sign-in-exponent", "e^{+z} instead of e^{-z} (gives s(-z))",
                lambda z: sigmoid(-z),
                "your values are s(-z), the sigmoid mirrored — what 1/(1 + e^{z}) gives, or the "
                "z ≥ 0 and z < 0 branches swapped: the exponent needs a minus sign, "
                "1/(1 + e^{-z}), and e^{z}/(1 + e^{z}) belongs to z < 0"),
        Mistake("minus-in-denominator", "1/(1 - e^{-z})", lambda z: 1 / (1 - np.exp(-z)),
                "you wrote 1/(1 - e^{-z}); the denominator is 1 + e^{-z}"),
        Mistake("tanh-instead", "tanh(z) instead of the sigmoid", lambda z: np.tanh(z),
                "that is tanh(z), whose values run from -1 to 1; the sigmoid runs from 0 to 1"),
        Mistake("missing-reciprocal", "1 + e^{-z} without taking 1/(...)",
                lambda z: 1 + np.exp(-z),
                "you returned 1 + e^{-z}; the sigmoid is one over that"),
    ),
)

SIGMOID_PRIME = ScalarSpec(
    variables=("z",), reference=sigmoid_prime, sample=_sample_z, worked={"z": 0.5},
    extra_points=({"z": 0.0}, {"z": -2.0}, {"z": 3.0}), quantity="s'(z)",
    mistakes=(
        Mistake("d-of-preactivation", "z(1 - z): the formula applied to z instead of s(z)",
                lambda z: z * (1 - z),
                "you computed z·(1 − z): the rule s' = s(1 − s) uses the sigmoid's value s(z), "
                "not z itself"),
        Mistake("forgot-derivative", "s(z) itself", sigmoid,
                "you returned s(z) itself, not its derivative s(z)(1 − s(z))"),
        Mistake("inner-s-missing", "s(z)(1 - z)", lambda z: sigmoid(z) * (1 - z),
                "you wrote s(z)·(1 − z); the second factor is (1 − s(z))"),
        Mistake("plus-instead-of-minus", "s(z)(1 + s(z))", lambda z: sigmoid(z) * (1 + sigmoid(z)),
                "you wrote s(z)·(1 + s(z)); it is s(z)·(1 − s(z))"),
        Mistake("sign", "-s(z)(1 - s(z))", lambda z: -sigmoid_prime(z),
                "your derivative has the wrong sign: the sigmoid rises everywhere, so s'(z) > 0"),
        Mistake("square-missing", "e^{-z}/(1 + e^{-z}): the square on the denominator lost",
                lambda z: sigmoid(-z),
                "you wrote e^{-z}/(1 + e^{-z}), which is 1 − s(z); the derivative of u^{-1} is "
                "−u^{-2}, so the denominator is squared: e^{-z}/(1 + e^{-z})² = s(z)·(1 − s(z))"),
        Mistake("squared", "s(z)^2", lambda z: sigmoid(z) ** 2,
                "you returned s(z)²; the derivative is s(z)·(1 − s(z)) = s(z) − s(z)²"),
        Mistake("inner-derivative-missing",
                "-1/(1 + e^{-z})^2: the inner derivative of the chain rule left out",
                lambda z: -sigmoid(z) ** 2,
                "you wrote −1/(1 + e^{-z})², the outer derivative of u^{-1} alone; the chain "
                "rule multiplies it by the inner derivative u' = −e^{-z} of u = 1 + e^{-z}, "
                "which gives e^{-z}/(1 + e^{-z})²"),
        Mistake("rule-applied-twice", "s'(s(z)): the rule applied to the activation",
                lambda z: sigmoid_prime(sigmoid(z)),
                "you computed s(a)·(1 − s(a)) with a = s(z) — the sigmoid applied twice. "
                "s' = s(z)·(1 − s(z)) uses s(z) once: compute s = sigmoid(z), return "
                "s * (1 - s)"),
    ),
)

#: far-out points: e^{∓z} overflows a float at |z| > 709
_LARGE = np.array([-1000.0, -710.0, -40.0, 40.0, 710.0, 1000.0])
#: far out, the graded check wants the value to within this much, not every digit: a float
#: holds s(-710) ≈ 4.5e-309 exactly, but rounding it to 0 (1 + tanh(z/2), a clip at ±500)
#: is lesson 01's optional "going further", not part of the grade
_FAR_OUT_ATOL = 1e-15
_FAR_OUT_RTOL = 1e-9


def _grade_sigmoid(answer, opts) -> CheckResult:
    """Right at moderate z, then on arrays, then finite and warning-free far out."""
    _refuse_formula(answer)
    result = grade_scalar("sigmoid.sigmoid", SIGMOID, answer, opts)
    if not result.passed:
        return result
    for step in (_on_arrays, _far_out):
        failed = step(answer)
        if failed is not None:
            return failed
    return result


def _refuse_formula(answer) -> None:
    if isinstance(answer, str) and answer.strip():
        raise LearnerError(
            "this exercise asks for a Python function: how it computes s(z) — without "
            "overflow for any z — is the point, and a formula cannot show that", kind="type")


def _on_arrays(answer) -> CheckResult | None:
    problem = _fails_on_arrays(answer)
    if not problem:
        return None
    return CheckResult("sigmoid.sigmoid", False, mistake="scalar-only", summary=problem,
                       details=["Later lessons call sigmoid on whole arrays of "
                                "pre-activations. Use np.exp (not math.exp) and np.where "
                                "(not if/else)."])


def _far_out(answer) -> CheckResult | None:
    """Warning-free (z = ±1000 overflows e^{∓z} naively) and right far from zero."""
    for z in _LARGE:
        try:
            with np.errstate(over="raise", invalid="raise", divide="raise"):
                value = call_learner(answer, z=float(z))
            value = float(np.asarray(value, dtype=float).reshape(()))
        except (LearnerError, TypeError, ValueError) as err:
            return CheckResult(
                "sigmoid.sigmoid", False, mistake="unstable", point={"z": float(z)},
                expected_value=float(sigmoid(z)),
                summary=(f"your sigmoid is right for moderate z but fails at z = {z:g}: "
                         f"{str(err) if isinstance(err, LearnerError) else err}"),
                details=[_OVERFLOW_NEGATIVE if z < 0 else _OVERFLOW_POSITIVE],
                hint=_STABLE_HINT)
        if not np.isclose(value, sigmoid(z), rtol=_FAR_OUT_RTOL, atol=_FAR_OUT_ATOL):
            return CheckResult("sigmoid.sigmoid", False, mistake="unstable",
                               point={"z": float(z)}, learner_value=value,
                               expected_value=float(sigmoid(z)),
                               summary=f"your sigmoid loses accuracy at z = {z:g}",
                               details=[_LOST_ACCURACY], hint=_STABLE_HINT)
    return None


_OVERFLOW_NEGATIVE = (
    "e^{-z} overflows a float when -z > 709 (numpy only warns, but the value is then built "
    "from inf; the checker treats that as an error). For negative z use the equal form "
    "e^{z}/(1 + e^{z}).")
_OVERFLOW_POSITIVE = (
    "e^{z} overflows a float when z > 709 (numpy only warns, but the value is then inf/inf = "
    "nan; the checker treats that as an error). For positive z use 1/(1 + e^{-z}); keep "
    "e^{z}/(1 + e^{z}) for negative z only.")
_LOST_ACCURACY = (
    "Far from 0 the sigmoid is a tiny positive number or a number just below 1: s(-40) ≈ "
    "4.2e-18, s(40) ≈ 1 − 4.2e-18. The check wants it there to within 1e-15 (every digit, "
    "down to s(-710) ≈ 4.5e-309, is the lesson's optional \"going further\"). Clipping z "
    "to a small range or a formula that is only right near 0 is off by more; e^{z}/(1 + e^{z}) "
    "with e^{z} computed as exp(−|z|) is right everywhere.")
_STABLE_HINT = (
    "which single exponential can never overflow, whatever the sign of z? Compute only that "
    "one and build both equal forms of s(z) from it — np.where evaluates both branches for "
    "every element, so no branch may call np.exp on z or −z itself.")


def _fails_on_arrays(answer) -> str:
    """A message when ``answer`` works for single numbers but not for a numpy array.

    Moderate values only: accuracy far out is the stability test's job, not this one's.
    """
    z = np.array([-3.0, -0.5, 0.0, 2.5, 6.0])
    try:
        with np.errstate(all="ignore"):
            out = np.asarray(call_learner(answer, z=z.copy()), dtype=float)
    except (LearnerError, TypeError, ValueError) as err:
        return ("your sigmoid works for one number at a time but not for a numpy array: "
                f"sigmoid(np.array([-3., -0.5, 0., 2.5, 6.])) fails ({err})")
    if out.shape != z.shape or not np.allclose(out, sigmoid(z), rtol=1e-12, atol=0.0):
        return ("your sigmoid gives the wrong result for a numpy array: "
                f"sigmoid(np.array([-3., -0.5, 0., 2.5, 6.])) gives {_short(out)}, expected "
                f"{_short(sigmoid(z))}, the sigmoid of each element")
    return ""


def _short(values) -> str:
    return np.array2string(np.asarray(values, dtype=float), precision=4, separator=", ")


def _grade_sigmoid_prime(answer, opts) -> CheckResult:
    if isinstance(answer, str) and answer.strip():
        try:
            parse_formula(answer, ("z",), functions=_NO_D)
        except FormulaError as err:
            if "unknown name 'd'" in str(err):
                raise LearnerError(
                    "in formulas d(z) already means s'(z), so using it here answers nothing: "
                    "write s'(z) with s (or with exp)", kind="formula") from None
    return grade_scalar("sigmoid.derivative", SIGMOID_PRIME, answer, opts)


register(Exercise(
    forbidden=("course.nn.activations.sigmoid",),
    id="sigmoid.sigmoid", lesson=LESSON, answer_name="sigmoid",
    title="s(z) = 1/(1 + e^{-z}), for numbers and arrays, warning-free for |z| up to 1000",
    grade=_grade_sigmoid, answer_kinds="function of z",
    mistakes={**{m.id: m.meaning for m in SIGMOID.mistakes},
              "unstable": "overflows or warns for large |z|",
              "scalar-only": "works for one number but not for a numpy array"},
    hints=(
        "Start from the definition s(z) = 1 / (1 + e^{-z}) with np.exp.",
        "Try z = -1000: e^{-z} = e^{1000} overflows. Which equal form of s(z) only needs e^{z} "
        "when z is negative?",
        "np.where evaluates both branches, so give np.exp only arguments that are ≤ 0: take u, "
        "the exponential of −|z|; one form of s(z) has u on top for negative z and the other has "
        "1 on top for positive z — each divides by 1 + u.",
    ),
))

register(Exercise(
    forbidden=("course.nn.activations.sigmoid_prime",),
    id="sigmoid.derivative", lesson=LESSON, answer_name="sigmoid_prime",
    title="s'(z), the derivative of the sigmoid (a function of z, or a formula in s and exp)",
    grade=_grade_sigmoid_prime, answer_kinds="function or formula",
    mistakes={m.id: m.meaning for m in SIGMOID_PRIME.mistakes},
    hints=(
        "Differentiate 1/(1 + e^{-z}) with the chain rule: the outside is u^{-1}.",
        "You should get e^{-z}/(1 + e^{-z})². Write it with s(z): e^{-z}/(1 + e^{-z}) = 1 − s(z).",
        "e^{-z}/(1 + e^{-z})² is a product of two fractions: one of them is s(z), the other is 1 −"
        " s(z). Compute s(z) once and use it for both.",
    ),
))
