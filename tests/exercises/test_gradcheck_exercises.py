"""Lesson 04 exercises (exercises.gradcheck): references, accepted styles, named mistakes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course import explain, hint
from course._grading.exercises import gradcheck as g
from course._grading.exercises.gradcheck.bugs import _PROBE, LESSON_BUG
from course.checks import all_exercises
from course.nn.gradcheck import numerical_gradient as library_gradient
from course.nn.gradcheck import relative_error as library_relative_error
from course.nn.networks import PARAMS, DiamondNet

IDS = ("gradcheck.numerical_gradient", "gradcheck.relative_error", "gradcheck.loss_check",
       "gradcheck.find_bug")


def test_exercises_are_listed_for_lesson_04_with_graded_hints():
    listed = {e.id: e for e in all_exercises()}
    for eid in IDS:
        assert listed[eid].lesson == "04_gradient_checking"
        assert len(listed[eid].hints) >= 3 and len(listed[eid].mistakes) >= 5
    assert hint("gradcheck.relative_error").startswith("Hint 1 of 3")


# --- the references ----------------------------------------------------------------------------

def test_numerical_gradient_reference_matches_exact_derivatives():
    grads = g.numerical_gradient(lambda x, y: x**3 * y + math.sin(y), {"x": 2.0, "y": -1.0})
    assert grads["x"] == pytest.approx(3 * 4.0 * -1.0, rel=1e-8)
    assert grads["y"] == pytest.approx(8.0 + math.cos(-1.0), rel=1e-8)


@pytest.mark.parametrize("case", g.CASES, ids=lambda c: c.f.label)
def test_numerical_gradient_reference_matches_the_library_and_keeps_params(case):
    given = dict(case.params)
    ours = g.numerical_gradient(case.f, given, case.eps)
    assert given == case.params and list(ours) == list(case.params)
    theirs = library_gradient(case.f, case.params, case.eps)
    for k in case.params:
        assert ours[k] == pytest.approx(theirs[k], rel=1e-9, abs=1e-12)


def test_diamond_case_agrees_with_backprop_at_a_small_step():
    net = DiamondNet(**g.CASES[3].params)
    numeric = g.numerical_gradient(lambda **p: DiamondNet(**p).output(-1.3), net.params)
    for k, v in net.gradient(-1.3).items():
        assert numeric[k] == pytest.approx(v, rel=1e-6, abs=1e-10)


@pytest.mark.parametrize(("a", "b"), g.RE_CASES)
def test_relative_error_reference_matches_the_library(a, b):
    assert g.relative_error(a, b) == pytest.approx(library_relative_error(a, b), abs=1e-15)


def test_relative_error_of_the_worked_example_mistake_is_0_6():
    assert g.relative_error(0.0014291881022, 0.00571675240882) == pytest.approx(0.6, rel=1e-9)


def _loss(I, y):
    return lambda **p: 0.5 * (DiamondNet(**p).output(I) - y) ** 2


def _numeric_errors(bug, net, I, y):
    numeric = library_gradient(_loss(I, y), net.params)
    return {k: library_relative_error(bug.gradient(net, I, y)[k], numeric[k]) for k in PARAMS}


@pytest.mark.parametrize("bug", [*g.BUGS, LESSON_BUG], ids=lambda b: str(b.param))
def test_each_bug_has_exactly_its_one_wrong_entry_against_finite_differences(bug):
    errors = _numeric_errors(bug, *_PROBE)
    wrong = {k for k, e in errors.items() if e > 1e-2}
    assert wrong == ({bug.param} if bug.param else set())
    assert all(e < 1e-6 for k, e in errors.items() if k != bug.param)


def test_lesson_bug_hides_at_the_worked_example():
    assert all(e < 1e-6 for e in _numeric_errors(LESSON_BUG, DiamondNet(), 1.0, 0.0).values())
    assert g.find_bug(g.buggy_gradient) == "w2"


# --- numerical_gradient: accepted styles --------------------------------------------------------

def ng_copies(f, params, eps):
    return {k: (f(**{**params, k: x + eps}) - f(**{**params, k: x - eps})) / (2 * eps)
            for k, x in params.items()}


def ng_in_place(f, params, eps=1e-6):
    grads = {}
    for name in params:
        old = params[name]
        params[name] = old + eps
        f_plus = f(**params)
        params[name] = old - eps
        f_minus = f(**params)
        params[name] = old
        grads[name] = (f_plus - f_minus) / (2 * eps)
    return grads


def ng_arithmetic_restore(f, params, eps):
    grads = {}
    for name in params:
        params[name] += eps
        f_plus = f(**params)
        params[name] -= 2 * eps
        f_minus = f(**params)
        params[name] += eps
        grads[name] = (f_plus - f_minus) / (2 * eps)
    return grads


@pytest.mark.parametrize("answer", [g.numerical_gradient, ng_copies, ng_in_place,
                                    ng_arithmetic_restore])
def test_numerical_gradient_accepts_correct_styles(answer):
    result = explain("gradcheck.numerical_gradient", answer)
    assert result.passed, str(result)


# --- numerical_gradient: named mistakes ---------------------------------------------------------

@pytest.mark.parametrize("index", range(len(g.NG_MISTAKES)), ids=lambda i: g.NG_MISTAKES[i][0])
def test_numerical_gradient_catalogue_is_rejected_and_named(index):
    mid, _, variant, message = g.NG_MISTAKES[index]
    result = explain("gradcheck.numerical_gradient", variant)
    assert not result.passed and result.mistake == mid
    assert result.summary == message


def test_forward_difference_written_by_a_learner():
    def ng(f, params, eps):
        base = f(**params)
        return {k: (f(**{**params, k: x + eps}) - base) / eps for k, x in params.items()}
    result = explain("gradcheck.numerical_gradient", ng)
    assert result.mistake == "forward-difference" and "step both ways" in result.summary
    assert result.point == {"x": 2.0, "y": -1.0, "eps": 0.1}
    central_x = ((2.1**3 - 1.9**3) * -1.0) / 0.2                    # x³·y stepped in x
    central_y = 8.0 + math.cos(-1.0) * math.sin(0.1) / 0.1           # sin y stepped in y
    assert result.expected_value == {"x": pytest.approx(central_x, rel=1e-5),
                                     "y": pytest.approx(central_y, rel=1e-5)}


def test_divided_by_eps_is_named():
    result = explain("gradcheck.numerical_gradient", lambda f, p, eps: {
        k: (f(**{**p, k: x + eps}) - f(**{**p, k: x - eps})) / eps for k, x in p.items()})
    assert result.mistake == "divided-by-eps" and "exactly 2× too large" in result.summary


def test_not_restoring_on_the_callers_dict_is_named_and_the_mutation_reported():
    def ng(f, params, eps):
        grads = {}
        for k in params:
            x = params[k]
            params[k] = x + eps
            f_plus = f(**params)
            params[k] = x - eps
            grads[k] = (f_plus - f(**params)) / (2 * eps)
        return grads
    result = explain("gradcheck.numerical_gradient", ng)
    assert result.mistake == "not-restored" and "Put the old value back" in result.summary
    assert any("changed the caller's dict" in line for line in result.details)
    assert "'x'" not in result.details[0].split("wrong entries:")[1]   # the first entry is right


def test_all_at_once_is_named():
    def ng(f, params, eps):
        up = f(**{k: v + eps for k, v in params.items()})
        down = f(**{k: v - eps for k, v in params.items()})
        return {k: (up - down) / (2 * eps) for k in params}
    result = explain("gradcheck.numerical_gradient", ng)
    assert result.mistake == "all-at-once" and "one parameter at a time" in result.summary


def test_mutating_or_returning_the_callers_dict_is_named():
    def returns_params(f, params, eps):
        grads = ng_copies(f, params, eps)
        params.update(grads)
        return params
    result = explain("gradcheck.numerical_gradient", returns_params)
    assert result.mistake == "mutates-params" and "returns that same dict" in result.summary

    def writes_into_params(f, params, eps):
        grads = ng_copies(f, params, eps)
        params["extra"] = 1.0
        return grads
    result = explain("gradcheck.numerical_gradient", writes_into_params)
    assert result.mistake == "mutates-params" and "params['extra']" in result.summary


def test_wrong_keys_are_named_with_both_key_lists():
    result = explain("gradcheck.numerical_gradient",
                     lambda f, p, eps: {"d" + k: v for k, v in ng_copies(f, p, eps).items()})
    assert result.mistake == "wrong-keys"
    assert "['dx', 'dy']" in result.summary and "['x', 'y']" in result.summary
    assert "grads[name]" in result.hint                 # about keys, not the maths


def test_own_step_instead_of_eps_is_named():
    result = explain("gradcheck.numerical_gradient", lambda f, p, eps: ng_copies(f, p, 1e-6))
    assert result.mistake == "eps-ignored" and "use the argument eps" in result.summary


def test_numerical_gradient_bad_answers_get_clear_messages():
    as_list = explain("gradcheck.numerical_gradient",
                      lambda f, p, eps: list(ng_copies(f, p, eps).values()))
    assert as_list.mistake == "bad-answer:type" and "returned a list" in as_list.summary
    positional = explain("gradcheck.numerical_gradient", lambda f, p, eps: {k: f(p) for k in p})
    assert "call f(**params), not f(params)" in positional.summary
    no_return = explain("gradcheck.numerical_gradient", lambda f, p, eps: None)
    assert "forget `return grads`" in no_return.summary

    def stub(f, params, eps):
        raise NotImplementedError("write it")
    assert not explain("gradcheck.numerical_gradient", stub).attempted


# --- relative_error -----------------------------------------------------------------------------

def re_if_zero(a, b):
    if a == 0 and b == 0:
        return 0.0
    return abs(a - b) / (abs(a) + abs(b))


def re_numpy(a, b):
    return float(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12))


@pytest.mark.parametrize("answer", [g.relative_error, re_if_zero, re_numpy,
                                    lambda a, b: abs(a - b) / (abs(a) + abs(b) + 1e-15)])
def test_relative_error_accepts_correct_styles(answer):
    result = explain("gradcheck.relative_error", answer)
    assert result.passed, str(result)


@pytest.mark.parametrize("index", range(len(g.RE_MISTAKES)), ids=lambda i: g.RE_MISTAKES[i][0])
def test_relative_error_catalogue_is_rejected_and_named(index):
    mid, _, variant, message = g.RE_MISTAKES[index]
    result = explain("gradcheck.relative_error", variant)
    assert not result.passed and result.mistake == mid and result.summary == message


def test_python_zero_division_is_named_as_missing_guard():
    result = explain("gradcheck.relative_error", lambda a, b: abs(a - b) / (abs(a) + abs(b)))
    assert result.mistake == "no-zero-guard" and result.point == {"a": 0.0, "b": 0.0}
    assert any("ZeroDivisionError" in line for line in result.details)


def test_relative_error_signed_difference_shows_the_worked_example():
    result = explain("gradcheck.relative_error", lambda a, b: (a - b) / (abs(a) + abs(b)))
    assert result.mistake == "signed" and "absolute value" in result.summary
    assert result.learner_value == pytest.approx(-0.6) and result.expected_value == \
        pytest.approx(0.6)


def test_relative_error_wants_a_function():
    result = explain("gradcheck.relative_error", "abs(a-b)/(abs(a)+abs(b))")
    assert result.mistake == "bad-answer:type" and "relative_error(a, b)" in result.summary


# --- find_bug -----------------------------------------------------------------------------------

def _errors(gradient, params, I, y=0.3):
    numeric = library_gradient(_loss(I, y), params)
    analytic = gradient(DiamondNet(**params), I, y)
    return {k: library_relative_error(float(analytic[k]), numeric[k]) for k in PARAMS}


def fb_threshold(gradient, tol):
    """A learner's find_bug at one random point with a given threshold."""
    params = dict(zip(PARAMS, np.random.default_rng(7).uniform(-1.5, 1.5, 9), strict=True))
    errors = _errors(gradient, params, -0.8)
    worst = max(errors, key=errors.get)
    return worst if errors[worst] > tol else None


def test_find_bug_accepts_a_single_random_point():
    result = explain("gradcheck.find_bug", lambda gradient: fb_threshold(gradient, 1e-5))
    assert result.passed, str(result)


def test_find_bug_only_at_the_worked_example_is_named():
    def fb(gradient):
        errors = _errors(gradient, DiamondNet().params, 1.0, 0.0)
        worst = max(errors, key=errors.get)
        return worst if errors[worst] > 1e-5 else None
    result = explain("gradcheck.find_bug", fb)
    assert result.mistake == "worked-example-only" and "h2 = h3" in result.summary
    assert result.learner_value == "None" and result.expected_value == "w4"


def test_find_bug_without_a_threshold_is_a_false_alarm():
    result = explain("gradcheck.find_bug", lambda gradient: fb_threshold(gradient, 0.0))
    assert result.mistake == "false-alarm" and "no bug" in result.summary
    assert result.expected_value.startswith("None (every entry")
    assert "expected:   None (every entry" in str(result)


def test_find_bug_naming_the_smallest_error_is_the_wrong_parameter():
    def fb(gradient):
        params = dict(zip(PARAMS, np.random.default_rng(7).uniform(-1.5, 1.5, 9), strict=True))
        errors = _errors(gradient, params, -0.8)
        return min(errors, key=errors.get) if max(errors.values()) > 1e-5 else None
    result = explain("gradcheck.find_bug", fb)
    assert result.mistake == "wrong-parameter" and "that entry is right" in result.summary


def test_find_bug_that_ignores_its_argument_is_named():
    result = explain("gradcheck.find_bug", lambda gradient: g.find_bug(g.buggy_gradient))
    assert result.mistake == "ignores-argument" and "'w2' for every" in result.summary


def test_find_bug_with_a_loose_threshold_misses_a_bug():
    result = explain("gradcheck.find_bug", lambda gradient: fb_threshold(gradient, 0.9))
    assert result.mistake == "missed-bug" and "returned None" in result.summary
    assert any("relative error" in line for line in result.details)


def test_find_bug_returning_a_derivative_name_is_not_a_parameter():
    def fb(gradient):
        name = fb_threshold(gradient, 1e-5)
        return name and "d" + name
    result = explain("gradcheck.find_bug", fb)
    assert result.mistake == "not-a-parameter" and "not 'dw4'" in result.summary
    number = explain("gradcheck.find_bug", lambda gradient: 0.5)
    assert number.mistake == "not-a-parameter" and "a float" in number.summary


def test_find_bug_stub_and_non_function():
    def stub(gradient):
        raise NotImplementedError("write it")
    assert not explain("gradcheck.find_bug", stub).attempted
    result = explain("gradcheck.find_bug", "w2")
    assert result.mistake == "bad-answer:type" and "find_bug(gradient)" in result.summary


def fb_at(gradient, params, I):
    """A learner's find_bug at one chosen point."""
    errors = _errors(gradient, params, I)
    worst = max(errors, key=errors.get)
    return worst if errors[worst] > 1e-5 else None


def test_find_bug_with_random_parameters_but_input_one_is_named():
    params = dict(zip(PARAMS, np.random.default_rng(7).uniform(-1.5, 1.5, 9), strict=True))
    result = explain("gradcheck.find_bug", lambda gradient: fb_at(gradient, params, 1.0))
    assert result.mistake == "input-one" and "dL/dw1 is missing the input factor I" in \
        result.summary
    assert "random input I" in result.summary
    assert result.learner_value == "None" and result.expected_value == "w1"


def test_find_bug_with_a_random_input_but_symmetric_parameters_is_named():
    result = explain("gradcheck.find_bug",
                     lambda gradient: fb_at(gradient, DiamondNet().params, -0.8))
    assert result.mistake == "symmetric-point" and "dL/dw4 uses h3" in result.summary
    assert "h2 = h3" in result.summary and "random parameters" in result.summary


def test_find_bug_calling_a_stub_helper_names_the_helper_not_find_bug():
    def numerical_gradient(f, params, eps=1e-6):        # exercise 1, not written yet
        raise NotImplementedError("nudge one parameter at a time")

    def find_bug(gradient):
        numeric = numerical_gradient(_loss(-0.8, 0.3), DiamondNet().params)
        return fb_at(gradient, numeric, -0.8)
    result = explain("gradcheck.find_bug", find_bug)
    assert not result.attempted and not result.passed
    assert "calls numerical_gradient, which is still a stub" in result.summary
    assert "(exercise 1)" in result.summary


@pytest.mark.parametrize("answer, mistake", [
    (lambda a, b: abs(a - b) / max(abs(a + b), 1e-12), "abs-of-sum"),
    (lambda a, b: abs(a - b) / max(abs(b), 1e-12), "one-norm"),
    (lambda a, b: abs(a - b) / (abs(a) + 1e-12), "one-norm"),
], ids=["abs-of-sum", "one-norm-b", "one-norm-a-plus"])
def test_relative_error_mistake_is_named_also_when_the_learner_guards_it(answer, mistake):
    # the learner added the lesson's guard against 0/0 but kept the wrong denominator
    result = explain("gradcheck.relative_error", answer)
    assert not result.passed and result.mistake == mistake, str(result)


def test_find_bug_calling_a_stub_check_loss_names_exercise_3():
    def check_loss(backward, net, I, y):                 # exercise 3, not written yet
        raise NotImplementedError("return {name: relative error}")

    def find_bug(gradient):
        errors = check_loss(gradient, DiamondNet(), -0.8, 0.3)
        return max(errors, key=errors.get)
    result = explain("gradcheck.find_bug", find_bug)
    assert not result.attempted and "calls check_loss, which is still a stub" in result.summary
    assert "(exercise 3)" in result.summary


def test_find_bug_written_differently_passes():
    """A learner's loop in another style: one point, its own loss, max by sorting."""
    def find_bug(gradient):
        net = DiamondNet(w1=0.3, w2=-0.9, w3=1.2, w4=-0.4, w5=0.8, b1=-0.5, b2=0.6, b3=-1.1,
                         b4=0.2)
        I, y = 1.7, 0.9
        numeric = library_gradient(_loss(I, y), net.params)
        got = gradient(net, I, y)
        ranked = sorted(PARAMS, key=lambda k: -abs(got[k] - numeric[k])
                        / max(abs(got[k]) + abs(numeric[k]), 1e-12))
        top = ranked[0]
        bad = abs(got[top] - numeric[top]) / (abs(got[top]) + abs(numeric[top])) > 1e-4
        return top if bad else None
    assert explain("gradcheck.find_bug", find_bug).passed


def test_find_bug_at_a_point_where_the_target_equals_the_output_fails():
    # every dL/dθ is 0 there up to round-off: the check sees nothing but noise
    params = dict(zip(PARAMS, np.random.default_rng(7).uniform(-1.5, 1.5, 9), strict=True))
    target = DiamondNet(**params).output(-0.8)

    def find_bug(gradient):
        errors = _errors(gradient, params, -0.8, target)
        worst = max(errors, key=errors.get)
        return worst if errors[worst] > 1e-4 else None
    result = explain("gradcheck.find_bug", find_bug)
    assert not result.passed, str(result)


def test_the_lessons_loss_gradient_agrees_with_finite_differences():
    from course._grading.exercises.gradcheck._other_quantity import loss_gradient
    net, I, y = _PROBE
    numeric = library_gradient(_loss(I, y), net.params)
    assert library_relative_error(loss_gradient(net, I, y), numeric) < 1e-7


def test_find_bug_calling_gradient_the_old_way_is_told_the_three_arguments():
    def find_bug(gradient):
        gradient(DiamondNet(), -0.8)                     # dO/dθ's signature, without y
        return None
    result = explain("gradcheck.find_bug", find_bug)
    assert not result.passed
    assert "gradient takes three arguments, gradient(net, I, y)" in result.summary
    assert "<locals>" not in result.summary
    by_keyword = g.buggy_gradient(net=DiamondNet(), I=-0.8, y=0.3)
    assert set(by_keyword) == set(PARAMS)


@pytest.mark.parametrize("answer", [
    lambda a, b: 2 * abs(a - b) / max(abs(a) + abs(b), 1e-12),
    lambda a, b: abs(a - b) / max((abs(a) + abs(b)) / 2, 1e-12),
], ids=["twice", "mean"])
def test_relative_error_designed_as_a_percent_difference_is_named(answer):
    # designing from the properties, a learner may divide by the mean size: opposite signs give 2
    result = explain("gradcheck.relative_error", answer)
    assert result.mistake == "mean-denominator" and "property 4" in result.summary


def test_relative_error_with_an_additive_guard_passes():
    assert explain("gradcheck.relative_error",
                   lambda a, b: abs(a - b) / (abs(a) + abs(b) + 1e-12)).passed


def test_a_dict_mutated_and_returned_is_named_first_even_when_values_are_wrong():
    def overwrites(f, params, eps=1e-6):
        for k in params:
            x = params[k]
            params[k] = x + eps
            up = f(**params)
            params[k] = x - eps
            down = f(**params)
            params[k] = (up - down) / (2 * eps)      # the gradient written into the input
        return params
    result = explain("gradcheck.numerical_gradient", overwrites)
    assert result.mistake == "mutates-params"
    assert result.summary.startswith("your function changes the dict it is given and returns "
                                     "that same dict")
    assert "work on a copy" in result.summary
    assert result.details[0].startswith("As a result, ") and "entries differ" in result.details[0]


@pytest.mark.parametrize("fixed", ["divide", "step"])
def test_a_hard_coded_step_is_named(fixed):
    def ng(f, params, eps=1e-6):
        grads = {}
        for k, x in params.items():
            step = 1e-6 if fixed == "step" else eps
            up, down = dict(params), dict(params)
            up[k], down[k] = x + step, x - step
            grads[k] = (f(**up) - f(**down)) / (2 * (eps if fixed == "step" else 1e-6))
        return grads
    result = explain("gradcheck.numerical_gradient", ng)
    assert result.mistake == "fixed-step"
    assert "uses a fixed step instead of the eps argument" in result.summary


def test_36_forward_passes_is_named_doubled():
    result = explain("quiz04.forward_passes", 36)
    assert result.mistake == "doubled" and "2 passes per parameter per side" in str(result)
    assert explain("quiz04.forward_passes", 18).passed


def test_the_output_instead_of_the_loss_demo_is_provided_not_printed():
    from course.notebook import provided
    demo = provided("gradcheck.loss_check", "check_loss_of_the_output")
    assert explain("gradcheck.loss_check", demo).mistake == "numerical-of-output"
