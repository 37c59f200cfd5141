"""Tests for course.nn.gradcheck: numerical gradients, relative error, the report."""

import math

import numpy as np
import pytest

from course.nn.gradcheck import gradient_check, numerical_gradient, relative_error
from course.nn.networks import DiamondNet


def test_dict_gradient_of_known_function():
    g = numerical_gradient(lambda x, y: math.sin(x) * y**3, {"x": 0.7, "y": -1.3})
    assert set(g) == {"x", "y"}
    assert isinstance(g["x"], float)
    assert g["x"] == pytest.approx(math.cos(0.7) * (-1.3) ** 3, rel=1e-8)
    assert g["y"] == pytest.approx(math.sin(0.7) * 3 * 1.3**2, rel=1e-8)


def test_dict_params_not_modified_and_array_values_supported():
    params = {"w": np.array([1.0, -2.0]), "b": 0.5}
    before = {k: np.copy(v) for k, v in params.items()}
    g = numerical_gradient(lambda w, b: float(np.sum(w**2) * b), params)
    np.testing.assert_allclose(g["w"], 2 * before["w"] * 0.5, rtol=1e-8)
    assert g["b"] == pytest.approx(5.0, rel=1e-8)
    np.testing.assert_array_equal(params["w"], before["w"])
    assert params["b"] == 0.5


def test_array_gradient_shape_values_and_input_untouched():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4))
    x0 = x.copy()
    g = numerical_gradient(lambda a: float(np.sum(np.exp(a) * a)), x)
    assert g.shape == x.shape
    np.testing.assert_allclose(g, np.exp(x0) * (1 + x0), rtol=1e-7)
    np.testing.assert_array_equal(x, x0)   # bit-for-bit restored


def test_array_is_perturbed_in_place_so_closures_see_it():
    W = np.array([[0.5, -1.0], [2.0, 0.25]])
    W0 = W.copy()
    X = np.array([[1.0, 2.0]])

    def loss(_):                      # reads W through the closure, ignores its argument
        return float(np.sum((X @ W) ** 2))

    g = numerical_gradient(loss, W)
    np.testing.assert_allclose(g, 2 * X.T @ (X @ W0), rtol=1e-7)
    np.testing.assert_array_equal(W, W0)


def test_input_restored_when_f_raises():
    x = np.array([1.0, 2.0, 3.0])

    def f(a):
        if a[1] != 2.0:
            raise RuntimeError("boom")
        return float(a.sum())

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


def test_central_difference_is_second_order():
    # truncation error of central differences ~ eps^2 f'''/6: 10x smaller eps -> ~100x smaller
    f, x = (lambda a: float(np.exp(a[0]))), np.array([1.0])
    err = [abs(numerical_gradient(f, x, eps=e)[0] - math.e) for e in (1e-2, 1e-3)]
    assert err[0] / err[1] == pytest.approx(100, rel=0.05)


def test_diamond_gradient_matches_numeric():
    rng = np.random.default_rng(1)
    params = dict(zip(DiamondNet().params, rng.normal(size=9), strict=True))
    net = DiamondNet(**params)
    numeric = numerical_gradient(lambda **p: DiamondNet(**p).output(0.8), params)
    report = gradient_check(net.gradient(0.8), numeric)
    assert report.passed, str(report)
    assert set(report.errors) == set(params)


def test_bad_inputs_have_clear_messages():
    with pytest.raises(ValueError, match=r"single number.*shape \(2,\)"):
        numerical_gradient(lambda a: a * 2, np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match="float array.*int64.*astype"):
        numerical_gradient(lambda a: float(a.sum()), np.array([1, 2]))
    with pytest.raises(TypeError, match="dict of named numbers"):
        numerical_gradient(lambda a: a, [1.0, 2.0])
    with pytest.raises(ValueError, match="positive step"):
        numerical_gradient(lambda x: x, {"x": 1.0}, eps=0)


def test_relative_error_semantics():
    assert relative_error(1.0, 1.0) == 0.0
    assert relative_error(0.0, 0.0) == 0.0                 # no 0/0
    assert relative_error(0.0, 1e-3) == 1.0                # one zero -> 1
    assert relative_error(1.0, -1.0) == 1.0                # opposite signs -> 1
    assert relative_error(1.0, 1.0 + 2e-6) == pytest.approx(1e-6, rel=1e-4)
    a = np.array([1.0, 0.0, 2.0])
    b = np.array([1.0, 0.0, 2.2])
    assert relative_error(a, b) == pytest.approx(0.2 / 4.2)   # max over elements
    assert relative_error({"x": 1.0, "y": a}, {"x": 1.1, "y": a}) == pytest.approx(0.1 / 2.1)
    assert relative_error([a, a], [a, b]) == pytest.approx(0.2 / 4.2)
    assert math.isnan(relative_error(np.array([1.0, np.nan]), np.array([1.0, 1.0])))
    assert relative_error(1e-20, 0.0, eps=1e-12) == pytest.approx(1e-8)   # eps floor


def test_relative_error_rejects_mismatches():
    with pytest.raises(ValueError, match=r"same parameters.*\['x'\].*\['y'\]"):
        relative_error({"x": 1.0}, {"y": 1.0})
    with pytest.raises(ValueError, match=r"shape mismatch.*\(3,\) vs \(1, 3\)"):
        relative_error(np.zeros(3), np.zeros((1, 3)))


def test_gradient_check_report_pass_fail_and_text():
    analytic = {"w1": 1.0, "w2": np.array([2.0, 3.0])}
    good = gradient_check(analytic, {"w1": 1.0 + 1e-10, "w2": np.array([2.0, 3.0])})
    assert good.passed and bool(good) and good.failed == []
    assert "passed" in str(good) and "w2" in str(good)

    bad = gradient_check(analytic, {"w1": 4.0, "w2": np.array([2.0, 3.0])}, tol=1e-7)
    assert not bad.passed and bad.failed == ["w1"]
    assert bad.max_error == pytest.approx(3 / 5)
    text = str(bad)
    assert "FAIL" in text and "FAILED for w1" in text and "6.00e-01" in text

    nan = gradient_check(np.array([np.nan]), np.array([1.0]))
    assert not nan.passed


# ---- any memory layout: the caller's own array is nudged, element by element ---------------------

def _square_sum(v):
    return float(np.sum(v**2))


def _layouts():
    A = np.arange(1.0, 25.0).reshape(4, 6)
    return {
        "C": A.copy(),
        "Fortran": np.asfortranarray(A),
        "transposed": A.copy().T,
        "strided view": A.copy()[:, ::2],
        "column block": A.copy()[:, :4],
        "reversed": A.copy()[::-1, ::-1],
        "0-d": np.array(3.0),
    }


@pytest.mark.parametrize("layout", list(_layouts()))
def test_numerical_gradient_for_every_memory_layout(layout):
    x = _layouts()[layout]
    before = x.copy()
    g = numerical_gradient(_square_sum, x)
    assert g.shape == x.shape
    np.testing.assert_allclose(g, 2 * before, rtol=1e-6, atol=1e-5)   # d/dx sum(x^2) = 2x
    assert np.array_equal(x, before)                          # restored exactly


def test_the_issue_s_transposed_ones_give_twos_not_zeros():
    g = numerical_gradient(lambda v: float(np.sum(v**2)), np.ones((2, 3)).T)
    np.testing.assert_allclose(g, 2 * np.ones((3, 2)), rtol=1e-8)


def test_a_view_is_nudged_where_a_closure_sees_it():
    W = np.arange(1.0, 13.0).reshape(3, 4)
    block = W[:, 1:3]                                          # a non-contiguous view of W
    g = numerical_gradient(lambda _: float(np.sum(W * W)), block)   # f reads W, not its argument
    np.testing.assert_allclose(g, 2 * W[:, 1:3], rtol=1e-6, atol=1e-5)


def test_a_read_only_array_is_refused_with_what_to_do():
    x = np.ones(3)
    x.flags.writeable = False
    with pytest.raises(ValueError, match=r"read-only array.*params\.copy\(\)"):
        numerical_gradient(_square_sum, x)
    broadcast = np.broadcast_to(np.ones(3), (2, 3))            # numpy's read-only views
    with pytest.raises(ValueError, match="read-only"):
        numerical_gradient(_square_sum, broadcast)
    np.testing.assert_allclose(numerical_gradient(_square_sum, x.copy()), 2 * np.ones(3))
