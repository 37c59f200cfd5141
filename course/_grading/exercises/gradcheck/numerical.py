"""Lesson 04, exercise 1: ``numerical_gradient(f, params, eps) -> dict``.

Every named parameter gets the central difference ``(f(x + eps) - f(x - eps)) / (2 eps)``
with ``f`` called as ``f(**params)``; the caller's dict is left as it was. The checker runs
the learner's function on a few functions and points (large steps first, where every slip
shows) and names forward differences, a missing factor 2, a parameter left nudged, all
parameters nudged at once, a mutated or returned input dict, and wrong keys.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from course._grading.answers import as_number
from course._grading.exercises.gradcheck._numerical_mistakes import NG_MISTAKES
from course._grading.guards import LearnerError, call_learner
from course._grading.references import NUMERICAL_GRADIENT
from course._grading.registry import Exercise, register
from course._grading.result import CheckResult
from course.nn import gradcheck
from course.nn.networks import PARAMS, DiamondNet

__all__ = ["numerical_gradient", "CASES", "NG_MISTAKES"]

LESSON = "04_gradient_checking"


def numerical_gradient(f, params: dict, eps: float = 1e-6) -> dict:
    """Central difference of ``f(**params)`` for every key; ``params`` is left untouched.

    The exercise's answer signature over the library's one numerical gradient,
    ``course.nn.gradcheck.numerical_gradient`` (which also takes arrays).
    """
    return gradcheck.numerical_gradient(f, params, eps)


# --- the cases ---------------------------------------------------------------------------------

def _keywords(fn, label: str):
    """``fn`` taking keyword arguments only; a positional call gets a message saying so."""
    def f(*args, **kwargs):
        if args:
            raise TypeError(f"f takes the parameters as keyword arguments: call f(**params), "
                            f"not f({'params' if isinstance(args[0], Mapping) else '...'})")
        return fn(**kwargs)
    f.__name__ = f.__qualname__ = "f"
    f.label = label
    return f


def _diamond(I: float):
    return _keywords(lambda **p: DiamondNet(**p).output(I), f"the diamond's O at I = {I:g}")


@dataclass(frozen=True)
class Case:
    """One ``numerical_gradient`` case: a function, where, and the step."""

    f: object
    params: dict
    eps: float


_RANDOM = dict(zip(PARAMS, (0.9, -1.3, 0.4, 1.7, -0.6, 0.2, -0.8, 1.1, -0.3), strict=True))

#: large steps first, where every slip shows plainly; dict order matters (later keys)
CASES = (
    Case(_keywords(lambda x, y: x**3 * y + math.sin(y), "f(x, y) = x³·y + sin y"),
         {"x": 2.0, "y": -1.0}, 0.1),
    Case(_keywords(lambda a, b, c: a * b + c**2 * a + math.exp(b), "f(a, b, c) = ab + c²a + eᵇ"),
         {"a": 1.5, "b": -0.5, "c": 0.3}, 0.25),
    Case(_diamond(1.0), DiamondNet().params, 0.01),
    Case(_diamond(-1.3), _RANDOM, 1e-3),
)


_NG_HINTS = (
    "For each name in params: evaluate f with only that parameter moved to x + eps, then "
    "with it moved to x − eps; everything else stays where it is.",
    "Work on a copy, p = dict(params), and put the old value back after each parameter: "
    "p[name] = x. Call f as f(**p).",
    "Per parameter: move it up by eps and call f, move it down by eps and call f, put it back; its"
    " slope is the difference of the two calls over the distance between the two points. Collect "
    "the slopes in a dict under the parameters' names.",
)


def _values(out, case: Case) -> dict:
    """The learner's dict as floats; LearnerError for a non-dict, a missing key or a non-number."""
    if not isinstance(out, Mapping):
        what = "None — did you forget `return grads`?" if out is None else \
            f"a {type(out).__name__}"
        raise LearnerError(f"numerical_gradient must return a dict {{name: df/dname}}, "
                           f"but it returned {what}", kind="type")
    where = f" (for {case.f.label})"
    return {k: as_number(out[k], f" as the entry {k!r}{where}") for k in case.params if k in out}


def _drift(given: dict, original: dict) -> dict:
    """Parameters whose value the learner's call changed: name -> (old, new)."""
    return {k: (v, given.get(k, "<deleted>")) for k, v in original.items()
            if given.get(k) != v} | {k: ("<absent>", given[k]) for k in given if k not in original}


_EID = "gradcheck.numerical_gradient"


@dataclass
class _Runs:
    """The learner's function on every case, beside the central differences."""

    mine: list[dict]              # per case: name -> the learner's entry
    truth: list[dict]             # per case: name -> the central difference
    changed: dict                 # name -> (old, new): the caller's dict afterwards
    returned_params: bool         # it returned the very dict it was given

    @property
    def n(self) -> int:
        return sum(len(c.params) for c in CASES)

    @property
    def wrong(self) -> list[tuple[int, str]]:
        """``(case index, name)`` of every entry off the central difference."""
        return [(i, k) for i, c in enumerate(CASES) for k in c.params
                if not np.isclose(self.mine[i][k], self.truth[i][k], rtol=1e-7, atol=1e-10)]

    @property
    def mutated(self) -> dict:
        """The changes beyond round-off (x + eps − eps need not be exactly x)."""
        return {k: v for k, v in self.changed.items()
                if not all(isinstance(x, float) for x in v)
                or not math.isclose(v[0], v[1], rel_tol=1e-12)}

    def all_close_to(self, variant, rtol, atol) -> bool:
        """Every entry agrees with ``variant(f, params, eps)`` on every case."""
        theirs = [variant(c.f, c.params, c.eps) for c in CASES]
        return all(np.isclose(self.mine[j][q], theirs[j][q], rtol=rtol, atol=atol)
                   for j, c in enumerate(CASES) for q in c.params)


def _grade_numgrad(answer, opts) -> CheckResult:
    """Run every case; right values may still have mutated the caller's dict; wrong ones
    are shown at the first case that differs and named when a mistake reproduces them."""
    if isinstance(answer, str) or not callable(answer):
        raise LearnerError("this exercise wants a function numerical_gradient(f, params, eps) "
                           f"that calls f, not a {type(answer).__name__}", kind="type")
    runs = _run_cases(answer)
    if isinstance(runs, CheckResult):
        return runs
    return _wrong_values(runs) if runs.wrong else _right_values(runs)


def _run_cases(answer) -> _Runs | CheckResult:
    """The learner's entries on every case, or a failed result for keys that do not match."""
    mine, changed, returned_params = [], {}, False
    for case in CASES:
        given = dict(case.params)
        out = call_learner(answer, case.f, given, case.eps)
        returned_params |= out is given
        values = _values(out, case)
        if set(out) != set(case.params):
            return _wrong_keys(out, case)
        changed.update(_drift(given, case.params))
        mine.append(values)
    truth = [numerical_gradient(c.f, c.params, c.eps) for c in CASES]
    return _Runs(mine, truth, changed, returned_params)


def _wrong_keys(out, case: Case) -> CheckResult:
    return CheckResult(_EID, False, mistake="wrong-keys", point=dict(case.params), summary=(
        f"your dict has the keys {sorted(map(str, out))} but params has "
        f"{sorted(case.params)}: return one entry per parameter, under the "
        "parameter's own name"), details=[f"The case shown uses {case.f.label}."],
        hint="for name, x in params.items(): ... grads[name] = (the slope for name)")


def _right_values(runs: _Runs) -> CheckResult:
    mutated = runs.mutated
    if runs.returned_params or mutated:
        return CheckResult(_EID, False, mistake="mutates-params", summary=(
            "your gradients are right, but your function changes the dict it is given"
            + (" (it returns that same dict)" if runs.returned_params else
               f": afterwards {_show_changes(mutated)}")
            + ". The caller still needs its parameters: work on a copy, dict(params), "
            "and return a new dict"), n_cases=runs.n)
    result = CheckResult(_EID, True, n_cases=runs.n, summary=(
        f"correct — your central differences match for {len(CASES)} functions "
        f"({runs.n} entries), with the steps given"))
    if runs.changed:
        result.details.append(
            f"Note: afterwards {_show_changes(runs.changed)} — x + eps − eps is not always "
            "exactly x in floating point. Put the stored old value back instead.")
    return result


def _wrong_values(runs: _Runs) -> CheckResult:
    wrong = runs.wrong
    i = wrong[0][0]
    case, mine, truth = CASES[i], runs.mine[i], runs.truth[i]
    result = CheckResult(_EID, False, point={**case.params, "eps": case.eps}, n_cases=runs.n,
                         learner_value={q: float(f"{mine[q]:.6g}") for q in case.params},
                         expected_value={q: float(f"{truth[q]:.6g}") for q in case.params},
                         summary=f"{len(wrong)} of {runs.n} entries differ from the central "
                                 "difference")
    result.details.append(f"The case shown uses {case.f.label}; wrong entries: "
                          f"{', '.join(repr(q) for j, q in wrong if j == i)}.")
    named = _named_mistake(runs) or _eps_ignored(runs)
    if named:
        result.mistake, result.summary = named
    if (runs.mutated or runs.returned_params) and result.mistake != "not-restored":
        # the changed dict comes first: it is why the later entries are wrong
        counted = result.summary if named is None else None
        result.mistake, result.summary = "mutates-params", (
            "your function changes the dict it is given"
            + (" and returns that same dict" if runs.returned_params else "")
            + (f": afterwards {_show_changes(runs.mutated)}" if runs.mutated else "")
            + ". Every later entry is then taken at a changed point (and the caller loses its "
            "parameters): work on a copy, p = dict(params), and return a new dict")
        if named is not None:
            result.details.insert(0, f"Besides, {named[1]}.")
        elif counted:
            result.details.insert(0, f"As a result, {counted}.")
    elif runs.mutated:
        result.details.append(f"Also, your function changed the caller's dict: afterwards "
                              f"{_show_changes(runs.mutated)}. Work on a copy.")
    return result


def _named_mistake(runs: _Runs):
    for mid, _, variant, message in NG_MISTAKES:
        if runs.all_close_to(variant, rtol=1e-6, atol=1e-9):
            return mid, message
    return None


def _eps_ignored(runs: _Runs):
    exact = functools.partial(numerical_gradient, eps=1e-6)
    if not runs.all_close_to(lambda f, params, eps: exact(f, params), rtol=1e-5, atol=1e-8):
        return None
    return "eps-ignored", ("your entries are close to the exact derivatives, not to the "
                           "central differences with the eps you were given: use the "
                           "argument eps")


def _show_changes(changes: dict) -> str:
    shown = [f"params[{k!r}] is {new!r} instead of {old!r}" for k, (old, new) in changes.items()]
    return ", ".join(shown[:3]) + (f" and {len(shown) - 3} more" if len(shown) > 3 else "")


register(Exercise(
    forbidden=NUMERICAL_GRADIENT,
    reference=numerical_gradient,
    id="gradcheck.numerical_gradient", lesson=LESSON, answer_name="numerical_gradient",
    title="numerical_gradient(f, params, eps): central differences for every named parameter",
    grade=_grade_numgrad, answer_kinds="function of (f, params, eps)", hints=_NG_HINTS,
    mistakes={**{m[0]: m[1] for m in NG_MISTAKES},
              "wrong-keys": "the returned dict is not keyed by the parameter names",
              "mutates-params": "the caller's dict is changed (or returned)",
              "eps-ignored": "a step of its own instead of the argument eps"},
))


