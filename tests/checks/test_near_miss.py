"""An answer close to the truth but not within the tolerance is "close-not-exact", never a
sign or a structural mistake (a finite-difference estimate, a rounded constant, a typo'd
digit far down)."""

from __future__ import annotations

import importlib
import pkgutil

import numpy as np
import pytest

import course._grading.exercises
from course import run_check
from course._grading.diagnose import NEAR_RTOL
from course._grading.exercises.diamond_loss import SPECS as LOSS_SPECS
from course._grading.registry import CheckOptions
from course._grading.scalar import ScalarSpec, grade_scalar
from course.nn.networks import DiamondNet


def _specs():
    found = {f"loss.{k}": v for k, v in LOSS_SPECS.items()}
    package = course._grading.exercises
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        for name, value in vars(importlib.import_module(info.name)).items():
            if isinstance(value, ScalarSpec):
                found[f"{info.name}.{name}"] = value
    return found


SPECS = _specs()


def _perturbed(spec, how, delta):
    def answer(**kw):
        truth = np.asarray(spec.reference(**kw), dtype=float)
        if how == "times":
            return truth * (1 + delta)
        # an offset of the same size everywhere: relative to the largest value, scaled so that
        # it stays within NEAR_RTOL where the truth is small
        scale = np.max(np.abs(truth)) if truth.ndim else abs(truth)
        return truth + delta * NEAR_RTOL * scale
    return answer


@pytest.mark.parametrize("name", sorted(SPECS))
def test_small_perturbations_are_never_a_sign_or_structural_mistake(name):
    spec = SPECS[name]
    rng = np.random.default_rng(abs(hash(name)) % 2**32)
    for _ in range(6):
        delta = float(rng.choice([-1, 1]) * 10 ** rng.uniform(np.log10(spec.rtol) + 0.3,
                                                            np.log10(NEAR_RTOL) - 0.05))
        for how in ("times", "plus"):
            result = grade_scalar("x.y", spec, _perturbed(spec, how, delta), CheckOptions())
            assert not (how == "times" and result.passed), delta
            assert result.passed or result.mistake in ("close-not-exact", "rounded-constant"), (
                how, delta, result.mistake, result.summary)


def test_close_not_exact_names_the_estimate_and_the_tolerance():
    for formula in ("d(zO)*h2*1.00001", "d(zO)*h2 - 1e-7", "d(zO)*h2 + 1e-6"):
        result = run_check("diamond.dO_dw4", formula)
        assert result.mistake == "close-not-exact", (formula, str(result))
        text = str(result)
        assert "agree with dO/dw4 to about" in text
        assert "finite-difference estimate or a rounded constant" in text
        assert "at most 1e-06" in text
        assert "opposite sign" not in text and "wrong sign" not in text


def _loss(I, w1, w2, w3, w4, w5, b1, b2, b3, b4, y):
    return 0.5 * (DiamondNet(w1, w2, w3, w4, w5, b1, b2, b3, b4).output(I) - y) ** 2


def _difference(param, eps, forward=False):
    def answer(I, w1, w2, w3, w4, w5, y, b1=1.0, b2=1.0, b3=1.0, b4=1.0):
        at = dict(I=I, w1=w1, w2=w2, w3=w3, w4=w4, w5=w5, b1=b1, b2=b2, b3=b3, b4=b4, y=y)
        up, down = dict(at), dict(at)
        up[param] = at[param] + eps
        down[param] = at[param] - eps
        if forward:
            return (_loss(**up) - _loss(**at)) / eps
        return (_loss(**up) - _loss(**down)) / (2 * eps)
    return answer


@pytest.mark.parametrize("param", ["w4", "w1"])
@pytest.mark.parametrize("eps,forward", [(1e-6, True), (1e-3, False), (1e-7, False),
                                         (1e-9, False), (1e-2, False)])
def test_difference_quotients_are_told_the_same_for_every_parameter(param, eps, forward):
    result = run_check(f"diamond.dL_d{param}", _difference(param, eps, forward))
    # a good central difference may pass (it is within the tolerance); otherwise it is an
    # estimate — never the loss factor's sign, never "right at the worked example only"
    assert result.passed or result.mistake == "close-not-exact", (result.mistake, str(result))


def test_a_real_sign_mistake_is_still_a_sign_mistake():
    assert run_check("diamond.dO_dw4", "-d(zO)*h2").mistake == "sign"
    assert run_check("diamond.dL_dw4", "(y-O)*d(zO)*h2").mistake == "loss-factor-sign"


def test_a_correct_answer_still_passes():
    assert run_check("diamond.dO_dw4", "d(zO)*h2").passed
