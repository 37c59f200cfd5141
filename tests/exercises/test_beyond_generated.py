"""Lesson 09's mistakes named by the generated matrix diagnosis: the references written as
programs (exercises/beyond/reference.py), wrong answers written the way learners write
them — loops, einsum, np.where, math.exp — named by the edit (or the pair of edits) that
reproduces them, and right answers in other forms still passing."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course import run_check
from course._grading.arrays.edits import edits_of
from course._grading.arrays.program import evaluate
from course._grading.arrays.search import apply_edits
from course._grading.exercises.beyond import reference as ref
from course._grading.exercises.beyond.relu import LEAKY, RELU
from course._grading.exercises.beyond.softmax import CE_GRAD, SOFTMAX
from course._grading.registry import CheckOptions


def _softmax_rows(Z):
    out = np.empty_like(Z)
    for i, z in enumerate(Z):
        e = [math.exp(v - max(z)) for v in z]
        out[i] = [v / sum(e) for v in e]
    return out


def _jacobian(p):
    return np.diag(p) - np.outer(p, p)


# --- the programs are the references ------------------------------------------------------------

@pytest.mark.parametrize("spec", [SOFTMAX, CE_GRAD, RELU, LEAKY], ids=lambda s: s.exercise_id)
def test_each_program_computes_its_reference_on_every_case(spec):
    program = spec.program
    for case in spec.make_cases(CheckOptions()):
        values = program.env(case.inputs)         # the case's arrays, then each assignment
        for name, expr in program.steps:
            values[name] = evaluate(expr, values.__getitem__)
        for out, site in program.outputs.items():
            np.testing.assert_allclose(values[site], case.expected[out], rtol=1e-12, atol=1e-15)


def test_a_pair_may_nest_one_edit_inside_the_node_another_keeps():
    [jacobian] = [e for e in edits_of(ref.CE_GRAD_PROGRAM) if e.kind == "jacobian-on-top"]
    [labels] = [e for e in edits_of(ref.CE_GRAD_PROGRAM) if e.tag == "Y->y_col"]
    [no_m] = [e for e in edits_of(ref.CE_GRAD_PROGRAM) if e.kind == "missing-1/m"]
    expr = ref.CE_GRAD_PROGRAM.expr("delta")
    P, Ycol, m = ("var", "P"), ("var", "y_col"), ("var", "m")
    assert apply_edits(expr, [labels, jacobian]) == ("jac", P, ("/", ("-", P, Ycol), m))
    assert apply_edits(expr, [no_m, labels]) == ("-", P, Ycol)
    assert apply_edits(expr, [jacobian, no_m]) == ("jac", P, ("-", P, ("var", "Y")))


# --- right answers in other forms ----------------------------------------------------------------

RIGHT = {
    "softmax.forward": [
        _softmax_rows,
        lambda Z: (np.exp(Z - np.max(Z, 1)[:, None])
                   / np.exp(Z - np.max(Z, 1)[:, None]).sum(1)[:, None]),
        lambda Z: 1 / np.exp(Z[:, None, :] - Z[:, :, None]).sum(axis=2),   # 1 / Σ_j e^(z_j − z_i)
    ],
    "softmax.ce_grad": [
        lambda Z, y: np.stack([(_softmax_rows(Z)[i] - (np.arange(Z.shape[1]) == y[i])) / len(Z)
                               for i in range(len(Z))]),
        lambda Z, y: np.einsum("ij->ij", _softmax_rows(Z) - np.eye(Z.shape[1])[y]) / Z.shape[0],
        lambda Z, y: _softmax_rows(Z) / len(Z) - np.eye(Z.shape[1])[y] / len(Z),
    ],
    "relu.backward": [
        lambda dA, Z: np.array([[d if z > 0 else 0.0 for d, z in zip(r, s)]
                                for r, s in zip(dA, Z)]),
        lambda dA, Z: np.einsum("ij,ij->ij", dA, (Z > 0).astype(float)),
        lambda dA, Z: dA * np.heaviside(Z, 0.0),
    ],
    "relu.leaky_backward": [
        lambda dA, Z, a: np.array([[d if z > 0 else a * d for d, z in zip(r, s)]
                                   for r, s in zip(dA, Z)]),
        lambda dA, Z, a: dA * ((Z > 0) + a * (Z <= 0)),
        lambda dA, Z, a: np.where(Z > 0, dA, 0) + np.where(Z > 0, 0, a * dA),
    ],
}


@pytest.mark.parametrize("eid, k", [(e, k) for e, fns in RIGHT.items() for k in range(len(fns))])
def test_right_answers_in_other_forms_pass(eid, k):
    result = run_check(eid, RIGHT[eid][k])
    assert result.passed, str(result)


# --- wrong answers as learners write them --------------------------------------------------------

def _ce(P_of, Y_of, scale):
    return lambda Z, y: scale(Z, P_of(Z, y) - Y_of(Z, y))


def _onehot(Z, y):
    return np.eye(Z.shape[1])[y]


WRONG = [
    # softmax.forward
    ("softmax.forward", "max-wrong-axis",
     lambda Z: np.exp(Z - Z.max(axis=0)) / np.exp(Z - Z.max(axis=0)).sum(axis=1, keepdims=True),
     "axis 0"),
    ("softmax.forward", "not-normalised", lambda Z: np.exp(Z - Z.max(axis=1)[:, None]),
     "division by"),
    ("softmax.forward", "no-exp",
     lambda Z: (Z - Z.max(1, keepdims=True)) / (Z - Z.max(1, keepdims=True)).sum(1, keepdims=True),
     "np.exp is missing"),
    ("softmax.forward", "two-slips",                  # no exp, and the sum over the columns
     lambda Z: (Z - Z.max(1, keepdims=True)) / (Z - Z.max(1, keepdims=True)).sum(0, keepdims=True),
     "two slips"),
    # softmax.ce_grad
    ("softmax.ce_grad", "jacobian-on-top",
     lambda Z, y: np.stack([_jacobian(p) @ (p - t) for p, t in
                            zip(_softmax_rows(Z), _onehot(Z, y))]) / len(Z), "Jacobian"),
    ("softmax.ce_grad", "jacobian-on-top",            # the same, written with einsum
     lambda Z, y: np.einsum("ijk,ik->ij", np.stack([_jacobian(p) for p in _softmax_rows(Z)]),
                            (_softmax_rows(Z) - _onehot(Z, y)) / len(Z)), "Jacobian"),
    ("softmax.ce_grad", "jacobian-diagonal-on-top",
     lambda Z, y: (_softmax_rows(Z) - _onehot(Z, y)) * _softmax_rows(Z)
     * (1 - _softmax_rows(Z)) / Z.shape[0], "P(1 − P)"),
    ("softmax.ce_grad", "labels-not-one-hot",
     lambda Z, y: (_softmax_rows(Z) - y.reshape(-1, 1)) / len(y), "labels as numbers"),
    ("softmax.ce_grad", "forgot-softmax", lambda Z, y: (Z - _onehot(Z, y)) / len(Z), "logits"),
    ("softmax.ce_grad", "two-slips",                  # the Jacobian on top, and no 1/m
     lambda Z, y: np.stack([_jacobian(p) @ (p - t) for p, t in
                            zip(_softmax_rows(Z), _onehot(Z, y))]), "1/m"),
    ("softmax.ce_grad", "two-slips",                  # labels as numbers, and no 1/m
     lambda Z, y: _softmax_rows(Z) - y[:, np.newaxis], "labels as numbers"),
    ("softmax.ce_grad", "two-slips",                  # the logits, and the diagonal on top
     lambda Z, y: (Z - _onehot(Z, y)) / len(Z) * _softmax_rows(Z) * (1 - _softmax_rows(Z)),
     "P(1 − P)"),
    # relu.backward
    ("relu.backward", "no-mask", lambda dA, Z: dA.copy(), "(Z > 0) is missing"),
    ("relu.backward", "mask-inverted", lambda dA, Z: np.where(Z < 0, dA, 0.0), "wrong way round"),
    ("relu.backward", "times-Z", lambda dA, Z: np.einsum("ij,ij->ij", dA, Z), "its values"),
    ("relu.backward", "times-A", lambda dA, Z: dA * Z.clip(min=0), "its values"),
    ("relu.backward", "mask-from-dA", lambda dA, Z: np.maximum(dA, 0), "dA"),
    ("relu.backward", "two-slips", lambda dA, Z: dA * (dA < 0), "two slips"),
    # relu.leaky_backward
    ("relu.leaky_backward", "relu-mask", lambda dA, Z, a: np.where(Z > 0, dA, 0), "lost"),
    ("relu.leaky_backward", "alpha-swapped", lambda dA, Z, a: np.where(Z > 0, a * dA, dA),
     "swapped"),
    ("relu.leaky_backward", "times-A", lambda dA, Z, a: dA * np.where(Z > 0, Z, a * Z),
     "its values"),
    ("relu.leaky_backward", "mask-from-dA", lambda dA, Z, a: np.where(dA > 0, dA, a * dA), "dA"),
    ("relu.leaky_backward", "two-slips",              # swapped, and the mask from dA
     lambda dA, Z, a: dA * np.where(dA > 0, a, 1), "two slips"),
    ("relu.leaky_backward", "alpha-added", lambda dA, Z, a: dA * ((Z > 0) + a), "1 + alpha"),
]


@pytest.mark.parametrize("eid, mistake, fn, words", WRONG,
                         ids=[f"{e}:{m}:{i}" for i, (e, m, _, _) in enumerate(WRONG)])
def test_wrong_answers_are_named(eid, mistake, fn, words):
    result = run_check(eid, fn)
    assert not result.passed and result.mistake == mistake, str(result)
    assert words in result.summary, result.summary
    assert result.hint
