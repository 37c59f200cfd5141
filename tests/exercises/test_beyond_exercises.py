"""Lesson 09 exercises (exercises.beyond): references against finite differences, accepted
answer styles, and every named mistake named."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course import hint, run_check
from course._grading.exercises.beyond import init as init_ex
from course._grading.exercises.beyond import reference as ref
from course.checks import all_exercises
from course.nn.gradcheck import numerical_gradient, relative_error
from course.nn.softmax import cross_entropy, one_hot, softmax_jacobian

IDS = ("softmax.forward", "softmax.ce_grad", "relu.backward", "relu.leaky_backward", "init.scale")


def _stable(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _log_softmax(Z):
    shifted = Z - Z.max(1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(1, keepdims=True))


def test_exercises_are_listed_for_lesson_09_with_graded_hints():
    listed = {e.id: e for e in all_exercises()}
    for eid in IDS:
        ex = listed[eid]
        assert ex.lesson == "09_beyond_the_sigmoid"
        assert len(ex.hints) >= 3 and len(ex.mistakes) >= 5, eid
        assert ex.reference is not None and ex.forbidden
    assert hint("softmax.ce_grad").startswith("Hint 1 of 3")


# --- references against finite differences -------------------------------------------------------

def test_softmax_reference_rows_sum_to_one_and_survive_huge_logits():
    Z = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0], [1.0, 2.0, 3.0]])
    P = ref.softmax(Z)
    assert np.isfinite(P).all()
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_allclose(P[0], P[2])                    # shift-invariant


def test_softmax_jacobian_matches_finite_differences():
    z = np.array([0.3, -1.2, 2.0, 0.0])
    numeric = np.column_stack([
        numerical_gradient(lambda v, i=i: float(ref.softmax(v[None, :])[0, i]), z.copy())
        for i in range(4)]).T
    assert relative_error(softmax_jacobian(z), numeric) < 1e-7


@pytest.mark.parametrize("m, k", [(5, 3), (3, 10)])
def test_ce_grad_reference_matches_finite_differences(m, k):
    rng = np.random.default_rng(m)
    Z, y = rng.normal(0, 2, (m, k)), rng.integers(0, k, m)
    numeric = numerical_gradient(lambda Z: cross_entropy(Z, y), Z.copy())
    np.testing.assert_allclose(ref.softmax_ce_grad(Z, y), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("leaky", [False, True])
def test_relu_backwards_match_finite_differences(leaky):
    rng = np.random.default_rng(3)
    Z, dA, alpha = rng.normal(0, 1, (4, 5)), rng.normal(0, 1, (4, 5)), 0.1
    Z[np.abs(Z) < 0.05] = 0.3                                  # away from the kink

    def loss(Z):
        A = ref.leaky_relu(Z, alpha) if leaky else np.maximum(Z, 0)
        return float(np.sum(dA * A))                          # dL/dA = dA

    numeric = numerical_gradient(loss, Z.copy())
    mine = ref.leaky_relu_backward(dA, Z, alpha) if leaky else ref.relu_backward(dA, Z)
    assert relative_error(mine, numeric) < 1e-7


def test_init_std_keeps_the_variance_through_a_layer():
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, (4000, 256))
    W = rng.normal(0, ref.init_std(256, 256, "relu"), (256, 256))
    z = np.maximum(x, 0) @ W                                   # ReLU input, He weights
    assert 0.85 < z.var() < 1.15


# --- accepted styles -----------------------------------------------------------------------------

SOFTMAX_STYLES = {
    "stable": _stable,
    "logsumexp": lambda Z: np.exp(_log_softmax(Z)),
    "loop": lambda Z: np.array([np.exp(r - r.max()) / np.exp(r - r.max()).sum() for r in Z]),
}
CE_STYLES = {
    "eye": lambda Z, y: (_stable(Z) - np.eye(Z.shape[1])[y]) / len(Z),
    "index": lambda Z, y: _index_style(Z, y),
    "one_hot": lambda Z, y: (_stable(Z) - one_hot(y, Z.shape[1])) / Z.shape[0],
}


def _index_style(Z, y):
    G = _stable(Z)
    G[np.arange(len(y)), y] -= 1
    return G / len(y)


@pytest.mark.parametrize("name", sorted(SOFTMAX_STYLES))
def test_softmax_styles_pass(name):
    assert run_check("softmax.forward", SOFTMAX_STYLES[name]).passed


@pytest.mark.parametrize("name", sorted(CE_STYLES))
def test_ce_grad_styles_pass(name):
    assert run_check("softmax.ce_grad", CE_STYLES[name]).passed


@pytest.mark.parametrize("fn", [lambda dA, Z: dA * (Z > 0), lambda dA, Z: np.where(Z > 0, dA, 0.0),
                                lambda dA, Z: dA * (np.maximum(Z, 0) > 0)])
def test_relu_backward_styles_pass_including_the_mask_from_A(fn):
    assert run_check("relu.backward", fn).passed


@pytest.mark.parametrize("fn", [lambda dA, Z, a: dA * np.where(Z > 0, 1, a),
                                lambda dA, Z, a: np.where(np.where(Z > 0, Z, a * Z) > 0, dA,
                                                          a * dA)])
def test_leaky_styles_pass_including_the_mask_from_A(fn):
    assert run_check("relu.leaky_backward", fn).passed


@pytest.mark.parametrize("fn", [
    lambda i, o, a: math.sqrt(2 / i) if a == "relu" else math.sqrt(2 / (i + o)),
    lambda i, o, a: np.sqrt(2.0 / (i + (0 if a == "relu" else o))),
    lambda i, o, a: {"relu": (2 / i) ** 0.5}.get(a, (2 / (i + o)) ** 0.5),
])
def test_init_std_styles_pass(fn):
    assert run_check("init.scale", fn).passed


def test_lecun_for_sigmoid_and_tanh_is_the_lessons_own_derivation_and_passes():
    result = run_check("init.scale",
                       lambda i, o, a: math.sqrt((2 if a == "relu" else 1) / i))
    assert result.passed, str(result)
    assert "LeCun's sqrt(1/n_in) for the sigmoid/tanh layers" in result.summary


def test_he_for_sigmoid_is_called_he_and_not_confused_with_lecun():
    text = run_check("init.scale", lambda i, o, a: math.sqrt(2 / i)).summary
    assert "He's sqrt(2/n_in)" in text and "(or sqrt(1/n_in))" not in text
    assert "LeCun's sqrt(1/n_in)" in text                     # the fix offered, by its name


# --- every named mistake is named ----------------------------------------------------------------

def _naive(Z):
    return np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)


def _jacobian_on_top(Z, y):
    P = _stable(Z)
    G = (P - np.eye(Z.shape[1])[y]) / len(Z)
    return np.stack([(np.diag(p) - np.outer(p, p)) @ g for p, g in zip(P, G)])


MISTAKES = [
    ("softmax.forward", _naive, "no-max-subtraction"),
    ("softmax.forward", lambda Z: np.exp(Z - Z.max()) / np.exp(Z - Z.max()).sum(1, keepdims=True),
     "global-max"),
    ("softmax.forward", lambda Z: np.exp(Z - Z.max(0)) / np.exp(Z - Z.max(0)).sum(0), "wrong-axis"),
    ("softmax.forward", lambda Z: np.exp(Z - Z.max(1, keepdims=True)), "not-normalised"),
    ("softmax.forward", lambda Z: np.log(_stable(Z)), "log-softmax"),
    ("softmax.ce_grad", _jacobian_on_top, "jacobian-on-top"),
    ("softmax.ce_grad", lambda Z, y: CE_STYLES["eye"](Z, y) * _stable(Z) * (1 - _stable(Z)),
     "jacobian-diagonal-on-top"),
    ("softmax.ce_grad", lambda Z, y: CE_STYLES["eye"](Z, y) * len(Z), "missing-1/m"),
    ("softmax.ce_grad", lambda Z, y: CE_STYLES["eye"](Z, y) / Z.shape[1], "mean-over-all-entries"),
    ("softmax.ce_grad", lambda Z, y: (_stable(Z) - y[:, None]) / len(Z), "labels-not-one-hot"),
    ("softmax.ce_grad", lambda Z, y: (_stable(Z) - y) / len(Z), "expects-one-hot"),
    ("softmax.ce_grad", lambda Z, y: (_naive(Z) - np.eye(Z.shape[1])[y]) / len(Z),
     "no-max-subtraction"),
    ("softmax.ce_grad", lambda Z, y: -CE_STYLES["eye"](Z, y), "sign"),
    ("softmax.ce_grad", lambda Z, y: -np.eye(Z.shape[1])[y] / (len(Z) * _stable(Z)), "dL-dP"),
    ("relu.backward", lambda dA, Z: dA, "no-mask"),
    ("relu.backward", lambda dA, Z: dA * (Z < 0), "mask-inverted"),
    ("relu.backward", lambda dA, Z: dA * Z, "times-Z"),
    ("relu.backward", lambda dA, Z: dA * np.maximum(Z, 0), "times-A"),
    ("relu.backward", lambda dA, Z: dA * (dA > 0), "mask-from-dA"),
    ("relu.backward", lambda dA, Z: (Z > 0), "mask-only"),
    ("relu.backward", lambda dA, Z: (Z > 0).astype(float), "mask-only"),
    ("relu.leaky_backward", lambda dA, Z, a: dA * (Z > 0), "relu-mask"),
    ("relu.leaky_backward", lambda dA, Z, a: dA * np.where(Z > 0, a, 1), "alpha-swapped"),
    ("relu.leaky_backward", lambda dA, Z, a: dA * ((Z > 0) + a), "alpha-added"),
    ("relu.leaky_backward", lambda dA, Z, a: dA * np.where(Z > 0, Z, a * Z), "times-A"),
    ("relu.leaky_backward", lambda dA, Z, a: dA * np.where(Z > 0, 1, a * Z), "alpha-times-Z"),
    ("relu.leaky_backward", lambda dA, Z, a: dA * np.where(Z > 0, 1, 0.01), "alpha-hard-coded"),
    ("relu.leaky_backward", lambda dA, Z, a=0.2: np.where(Z > 0, dA, 0.2 * dA),
     "alpha-hard-coded"),
    ("init.scale", lambda i, o, a: math.sqrt(2 / i), "he-for-sigmoid"),
    ("init.scale", lambda i, o, a: math.sqrt(2 / (i + o)), "xavier-for-relu"),
    ("init.scale", lambda i, o, a: 2 / i if a == "relu" else 2 / (i + o), "variance-not-std"),
    ("init.scale", lambda i, o, a: math.sqrt(2 / o) if a == "relu" else math.sqrt(2 / (i + o)),
     "fan-out"),
    ("init.scale", lambda i, o, a: math.sqrt(1 / i) if a == "relu" else math.sqrt(2 / (i + o)),
     "lecun-for-relu"),
    ("init.scale", lambda i, o, a: math.sqrt(2 / i) if a == "relu" else math.sqrt(6 / (i + o)),
     "uniform-limit"),
    ("init.scale", lambda i, o, a: 0.01, "constant"),
]


@pytest.mark.parametrize("eid, fn, mistake", MISTAKES,
                         ids=[f"{e}:{m}" for e, _, m in MISTAKES])
def test_every_named_mistake_is_named(eid, fn, mistake):
    result = run_check(eid, fn)
    assert not result.passed and result.attempted
    assert result.mistake == mistake, str(result)
    assert result.hint                                          # a graded hint comes with it


def test_overflow_message_names_the_fix_and_the_logits():
    text = str(run_check("softmax.forward", _naive))
    assert "NaN" in text and "Z.max(axis=1, keepdims=True)" in text and "1000" in text


def test_he_for_sigmoid_says_the_relu_layers_are_right():
    result = run_check("init.scale", lambda i, o, a: math.sqrt(2 / i))
    assert result.summary.startswith("your ReLU layers are right. Your sigmoid")
    assert result.point["activation"] in ("sigmoid", "tanh")


def test_every_catalogued_init_mistake_has_a_meaning():
    for mistake in ("he-for-sigmoid", "xavier-for-relu", "variance-not-std", "fan-out",
                    "lecun-for-relu", "uniform-limit", "constant"):
        assert mistake in init_ex.MEANINGS


@pytest.mark.parametrize("eid", IDS)
def test_stubs_are_not_attempted_and_the_references_are_refused(eid):
    def stub(*args):
        raise NotImplementedError

    result = run_check(eid, stub)
    assert not result.attempted and not result.passed
    reference = next(e for e in all_exercises() if e.id == eid).reference
    assert run_check(eid, reference).mistake == "uses-reference"


# --- softmax: only the row's maximum is stable for rows 1000s wide --------------------------------

def _shifted(shift):
    def softmax(Z):
        E = np.exp(Z - shift(Z))
        return E / E.sum(axis=1, keepdims=True)
    return softmax


def _math_exp_rows(pick):
    def softmax(Z):
        rows = []
        for row in Z.tolist():
            c = pick(row)
            e = [math.exp(v - c) for v in row]
            rows.append([v / sum(e) for v in e])
        return np.array(rows)
    return softmax


@pytest.mark.parametrize("fn, words", [
    (_shifted(lambda Z: Z.min(axis=1, keepdims=True)), "the row's minimum"),
    (_shifted(lambda Z: Z.mean(axis=1, keepdims=True)), "the row's mean"),
    (_shifted(lambda Z: Z[:, :1]), "the row's first logit"),
    (_math_exp_rows(min), "the row's minimum"),
], ids=["min", "mean", "first-column", "math.exp-min"])
def test_a_shift_other_than_the_rows_maximum_is_named(fn, words):
    result = run_check("softmax.forward", fn)
    assert not result.passed and result.mistake == "shift-not-max", str(result)
    assert f"you subtracted {words}" in result.summary
    assert "Subtract the row's maximum" in result.summary and "overflows" in result.summary


@pytest.mark.parametrize("fn", [
    _stable,
    lambda Z: np.exp(Z - np.log(np.exp(Z - Z.max(1, keepdims=True)).sum(1, keepdims=True))
                     - Z.max(1, keepdims=True)),
    lambda Z: (lambda E: E / E.sum(axis=1)[:, None])(np.exp((Z.T - Z.max(axis=1)).T)),
    SOFTMAX_STYLES["loop"],
    _math_exp_rows(max),
], ids=["max-keepdims", "logsumexp", "max-no-keepdims", "loop", "math.exp-max"])
def test_stable_softmax_variants_pass_on_rows_1000s_wide(fn, recwarn):
    result = run_check("softmax.forward", fn)
    assert result.passed, str(result)
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_a_hard_coded_alpha_is_reported_at_the_alpha_the_checker_used():
    result = run_check("relu.leaky_backward", lambda dA, Z, a: dA * np.where(Z > 0, 1, 0.01))
    assert result.summary.startswith("at alpha = 0.1 your slope on the negative side is 0.01")
    assert result.point["alpha"] == 0.1 and "np.where(Z > 0, 1, alpha)" in result.summary


def test_an_infinite_negative_slope_is_not_called_a_hard_coded_alpha():
    result = run_check("relu.leaky_backward", lambda dA, Z, a: dA * np.where(Z > 0, 1, np.inf))
    assert not result.passed and result.mistake == "not-finite"
