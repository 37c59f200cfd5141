"""The scalar-exercise framework on a toy exercise: sampling, derived names, diagnosis."""

from __future__ import annotations

import numpy as np
import pytest

from course._grading.answers import Evaluator
from course._grading.diagnose import factor_ratio, fill
from course._grading.guards import LearnerError, NotAttempted
from course._grading.scalar import Mistake, Probe, ScalarSpec, grade_scalar, sample_points
from course.checks import CheckOptions


# f(a, b, c) = (a·b + c)·a with c held at 2 unless named; derived u = a·b + c
def reference(a, b, c=2.0):
    return (a * b + c) * a


def sample(rng, n):
    return {"a": rng.uniform(-2, 2, n), "b": rng.uniform(-2, 2, n), "c": rng.uniform(-2, 2, n)}


def spec(**changes) -> ScalarSpec:
    base = dict(
        variables=("a", "b", "c"), reference=reference, sample=sample,
        worked={"a": 1.0, "b": 0.5}, defaults={"c": 2.0}, quantity="f",
        derived=lambda v: {"u": v["a"] * v["b"] + v["c"]}, derived_names=("u",),
        mistakes=(
            Mistake("no-a", "the factor a missing", lambda a, b, c: a * b + c,
                    "missing the factor a (= {@a:.3g}); ratio {ratio:.3g}; keep e^{-z}"),
            Mistake("called", "a callable message", lambda a, b, c: (a * b + c) * b,
                    lambda v: f"b instead of a, worked={v['worked']}, u={v['@u']:.3g}"),
        ),
        probes=(Probe({"b": 0.0}, "right when {when}: look at the b term"),),
    )
    base.update(changes)
    return ScalarSpec(**base)


def grade(answer, s=None, **opts):
    return grade_scalar("toy.f", s or spec(), answer, CheckOptions(**opts))


def test_sample_points_put_the_worked_example_first_and_hold_defaults():
    pts = sample_points(spec(), CheckOptions(n_cases=5), names=("a", "b"))
    assert pts["a"][0] == 1.0 and pts["b"][0] == 0.5
    assert (pts["c"] == 2.0).all() and len(pts["a"]) == 6
    named = sample_points(spec(), CheckOptions(n_cases=5), names=("a", "b", "c"))
    assert named["c"][0] == 2.0 and len(set(named["c"][1:])) == 5


def test_answers_may_use_derived_names_in_functions_and_formulas():
    assert grade(lambda a, u: u * a).passed
    assert grade("u*a").passed
    assert grade(lambda a, b, c, u: u * a).passed            # c named: drawn at random
    result = grade("u")
    assert result.mistake == "no-a"


def test_string_message_is_filled_and_latex_braces_survive():
    result = grade(lambda a, b: a * b + 2)
    assert result.mistake == "no-a"
    a = result.point["a"]                 # a = 1 at the worked example: a random point is shown
    assert a != 1.0
    assert result.summary == f"missing the factor a (= {a:.3g}); ratio {1 / a:.3g}; keep e^{{-z}}"


def test_callable_message_gets_values_at_the_shown_point():
    result = grade(lambda a, b: (a * b + 2) * b)
    assert result.mistake == "called" and result.summary == "b instead of a, worked=True, u=2.5"


def test_sign_flipped_catalogue_match_keeps_the_id():
    result = grade(lambda a, b: -(a * b + 2) * b)
    assert result.mistake == "called" and "opposite sign" in result.details[0]


def test_an_exact_match_later_in_the_catalogue_beats_an_earlier_flipped_one():
    mistakes = (
        Mistake("flipped-twin", "minus the other", lambda a, b, c: -(a * b + c) * b, "twin"),
        Mistake("called", "b instead of a", lambda a, b, c: (a * b + c) * b, "b for a"),
    )
    result = grade(lambda a, b: (a * b + 2) * b, spec(mistakes=mistakes))
    assert result.mistake == "called"
    assert not any("opposite sign" in line for line in result.details)
    flipped = grade(lambda a, b: -(a * b + 2) * b, spec(mistakes=mistakes))
    assert flipped.mistake == "flipped-twin"            # exact for the twin itself


def test_probe_reports_agreement_with_the_overrides():
    result = grade(lambda a, b: (a * b + 2) * a + b ** 3)
    assert result.mistake is None
    assert "Right when b = 0: look at the b term." in result.details


def test_probe_reports_a_factor_under_the_overrides():
    s = spec(probes=(Probe({"c": 0.0}, "unused", label="with c switched off ({when})"),))
    # right for c = 2 only through a coincidence? no: off by b once c = 0
    result = grade(lambda a, b, c: a * a * b * b + c * a, s)
    assert "With c switched off (c = 0), your value has an extra factor b." in result.details


def test_constant_factor_and_sign():
    assert grade(lambda a, b: 3 * reference(a, b)).mistake == "constant-factor"
    assert grade(lambda a, b: -reference(a, b)).mistake == "sign"


def test_missing_and_extra_factor_products():
    result = grade(lambda a, b: reference(a, b) * a * b)
    assert result.mistake == "extra-factor" and "a·b" in result.summary
    result = grade(lambda a, b: reference(a, b) / (b * b))
    assert result.mistake == "missing-factor" and "b²" in result.summary


def test_right_only_at_the_worked_example():
    result = grade(lambda: 2.5)
    assert result.mistake == "only-right-at-one-point"
    assert "never uses a, b" in result.details[-1]


def test_unused_variable_reached_through_a_derived_name_is_not_reported():
    result = grade(lambda u: u)
    assert not any("never uses" in d for d in result.details)


def test_non_finite_values_are_reported_with_the_point():
    result = grade(lambda a, b: reference(a, b) / (a - 1))
    assert result.mistake == "non-finite" and "a=1" in result.summary


def test_float32_tolerance_only_where_allowed():
    def in_float32(a, b):
        return reference(a.astype(np.float32), b.astype(np.float32)) * np.float32(1 + 3e-6)
    strict = grade(in_float32)
    assert not strict.passed and any("float32" in d for d in strict.details)
    assert grade(in_float32, spec(rtol32=1e-4)).passed


def test_rtol_and_atol_are_explicit():
    near = spec(rtol=1e-3)
    assert grade(lambda a, b: reference(a, b) * (1 + 1e-4), near).passed
    assert not grade(lambda a, b: reference(a, b) * (1 + 1e-4)).passed


def test_fill_leaves_unknown_fields_alone():
    assert fill("{ratio:.2f} and {x} and e^{-z} and {@a}", {"ratio": 2, "@a": 1.5}) == \
        "2.00 and {x} and e^{-z} and 1.5"


def test_factor_ratio_finds_products_and_signs():
    rng = np.random.default_rng(0)
    x, y, t = rng.uniform(1, 2, 10), rng.uniform(1, 2, 10), rng.uniform(1, 2, 10)
    assert factor_ratio(t * x * y, t, {"x": x, "y": y}) == ("extra", ("x", "y"), 1.0)
    assert factor_ratio(-t / x, t, {"x": x, "y": y}) == ("missing", ("x",), -1.0)
    assert factor_ratio(t + 1, t, {"x": x, "y": y}) is None


def test_evaluator_names_and_errors():
    ev = Evaluator(lambda b, a, u=0: a, ("a", "b"), derived=("u",))
    assert ev.names == ("a", "b", "u") and ev.uses_derived == ("u",)
    with pytest.raises(LearnerError, match="only provides a, b, u"):
        Evaluator(lambda z: z, ("a", "b"), derived=("u",))
    with pytest.raises(LearnerError, match="ordinary parameter"):
        Evaluator(lambda a, /: a, ("a",))
    with pytest.raises(NotAttempted):
        Evaluator("  ", ("a",))
    with pytest.raises(LearnerError) as info:
        Evaluator("a +* b", ("a", "b"))
    assert info.value.kind == "formula" and "position" in str(info.value)


def test_evaluator_falls_back_to_scalars_once():
    calls = []

    def scalar_only(a):
        calls.append(type(a))
        if a > 0:
            return a
        return -a
    ev = Evaluator(scalar_only, ("a",))
    pts = {"a": np.array([1.0, -2.0, 3.0])}
    assert list(ev(pts)) == [1.0, 2.0, 3.0]
    assert calls[0] is np.ndarray and calls[1:] == [float] * 3
    calls.clear()
    ev(pts)
    assert calls == [float] * 3            # no second vectorized attempt


def test_probe_findings_are_sentences():
    result = grade(lambda a, b: (a * b + 2) * a + b ** 3)
    findings = [line for line in result.details if "b = 0" in line]
    assert findings and all(line[0].isupper() and line.endswith(".") for line in findings)


def test_a_parameter_may_spell_a_variable_with_an_underscore_as_a_formula_does():
    """delta_2 for the variable delta2 (a formula reads delta_2 as the subscript form)."""
    ev = Evaluator(lambda delta_2, w_2: delta_2 * w_2, ("delta2", "w2"))
    assert ev.names == ("delta2", "w2")
    values = ev({"delta2": np.array([2.0, 3.0]), "w2": np.array([0.5, 2.0])})
    assert values.tolist() == [1.0, 6.0]
    assert Evaluator("delta_2*w_2", ("delta2", "w2")).names == ("delta2", "w2")
