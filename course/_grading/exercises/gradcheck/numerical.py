"""Lesson 04, exercise 1: ``numerical_gradient(f, params, eps) -> dict``.

Every named parameter gets the central difference ``(f(x + eps) - f(x - eps)) / (2 eps)``
with ``f`` called as ``f(**params)``; the caller's dict is left as it was. The checker runs
the learner's function on a few functions and points (large steps first, where every slip
shows) and names forward differences, a missing factor 2, a parameter left nudged, all
parameters nudged at once, a mutated or returned input dict, and wrong keys.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from course._grading.answers import as_number
from course._grading.guards import LearnerError, call_learner
from course._grading.references import NUMERICAL_GRADIENT
from course._grading.registry import Exercise, register
from course._grading.result import CheckResult
from course.nn.networks import PARAMS, DiamondNet

__all__ = ["numerical_gradient", "CASES", "NG_MISTAKES"]

LESSON = "04_gradient_checking"


def numerical_gradient(f, params: dict, eps: float = 1e-6) -> dict:
    """Central difference of ``f(**params)`` for every key; ``params`` is left untouched."""
    grads, p = {}, dict(params)
    for name, x in params.items():
        p[name] = x + eps
        f_plus = f(**p)
        p[name] = x - eps
        f_minus = f(**p)
        p[name] = x                                   # the exact old value back
        grads[name] = (f_plus - f_minus) / (2 * eps)
    return grads


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


def _left_perturbed(sign: int):
    def ng(f, params, eps):
        p, g = dict(params), {}
        for k, x in params.items():
            first, second = (x + eps, x - eps) if sign < 0 else (x - eps, x + eps)
            p[k] = first
            f1 = f(**p)
            p[k] = second                             # ... and never put back
            f2 = f(**p)
            g[k] = (f1 - f2) / (2 * eps) * (-sign)
        return g
    return ng


def _all_at_once(f, params, eps):
    up = f(**{k: x + eps for k, x in params.items()})
    down = f(**{k: x - eps for k, x in params.items()})
    return {k: (up - down) / (2 * eps) for k in params}


def _per_key(estimate):
    def ng(f, params, eps):
        return {k: estimate(lambda t, k=k: f(**{**params, k: t}), x, eps)
                for k, x in params.items()}
    return ng


#: (id, meaning, variant(f, params, eps) -> dict, message)
NG_MISTAKES = (
    ("forward-difference", "(f(x+eps) − f(x)) / eps",
     _per_key(lambda g, x, e: (g(x + e) - g(x)) / e),
     "that is the forward difference (f(x+eps) − f(x))/eps; step both ways: "
     "(f(x+eps) − f(x−eps)) / (2·eps), whose error shrinks like eps² instead of eps"),
    ("backward-difference", "(f(x) − f(x−eps)) / eps",
     _per_key(lambda g, x, e: (g(x) - g(x - e)) / e),
     "that is the backward difference (f(x) − f(x−eps))/eps; step both ways: "
     "(f(x+eps) − f(x−eps)) / (2·eps)"),
    ("divided-by-eps", "(f(x+eps) − f(x−eps)) / eps: exactly 2× too large",
     _per_key(lambda g, x, e: (g(x + e) - g(x - e)) / e),
     "every entry is exactly 2× too large: x+eps and x−eps are 2·eps apart, so divide by "
     "2·eps, not eps"),
    ("precedence", "(f(x+eps) − f(x−eps)) / 2*eps",
     _per_key(lambda g, x, e: (g(x + e) - g(x - e)) / 2 * e),
     "`/ 2*eps` divides by 2 and then multiplies by eps; write `/ (2*eps)`"),
    ("sign", "(f(x−eps) − f(x+eps)) / (2 eps)",
     _per_key(lambda g, x, e: (g(x - e) - g(x + e)) / (2 * e)),
     "every entry has the wrong sign: subtract the value at x−eps from the one at x+eps"),
    ("not-restored", "a perturbed parameter left at x ± eps (later entries wrong)",
     _left_perturbed(-1),
     "the first entry is right but later ones are not: after nudging a parameter you left it "
     "at x − eps, so every later difference is taken at a shifted point. Put the old value "
     "back (keep it in a variable) before moving on to the next parameter"),
    ("not-restored", "a perturbed parameter left at x ± eps (later entries wrong)",
     _left_perturbed(+1),
     "the first entry is right but later ones are not: after nudging a parameter you left it "
     "at x + eps, so every later difference is taken at a shifted point. Put the old value "
     "back (keep it in a variable) before moving on to the next parameter"),
    ("all-at-once", "every parameter nudged at the same time",
     _all_at_once,
     "you nudged all parameters at once, so every entry is the same number (the slope along "
     "the diagonal). Nudge one parameter at a time, holding the others where they are"),
)

_NG_HINTS = (
    "For each name in params: evaluate f with only that parameter moved to x + eps, then "
    "with it moved to x − eps; everything else stays where it is.",
    "Work on a copy, p = dict(params), and put the old value back after each parameter: "
    "p[name] = x. Call f as f(**p).",
    "grads[name] = (f(**p_plus) - f(**p_minus)) / (2 * eps), where p_plus and p_minus differ "
    "from params only in that one entry.",
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


def _grade_numgrad(answer, opts) -> CheckResult:
    eid = "gradcheck.numerical_gradient"
    if isinstance(answer, str) or not callable(answer):
        raise LearnerError("this exercise wants a function numerical_gradient(f, params, eps) "
                           f"that calls f, not a {type(answer).__name__}", kind="type")
    mine, changed, same_dict = [], {}, False
    for case in CASES:
        given = dict(case.params)
        out = call_learner(answer, case.f, given, case.eps)
        same_dict |= out is given
        values = _values(out, case)
        if set(out) != set(case.params):
            return CheckResult(eid, False, mistake="wrong-keys", point=dict(case.params), summary=(
                f"your dict has the keys {sorted(map(str, out))} but params has "
                f"{sorted(case.params)}: return one entry per parameter, under the "
                "parameter's own name"), details=[f"The case shown uses {case.f.label}."],
                hint="for name, x in params.items(): ... grads[name] = (the slope for name)")
        changed.update(_drift(given, case.params))
        mine.append(values)
    truth = [numerical_gradient(c.f, c.params, c.eps) for c in CASES]
    bad = [(i, k) for i, c in enumerate(CASES) for k in c.params
           if not np.isclose(mine[i][k], truth[i][k], rtol=1e-7, atol=1e-10)]
    n = sum(len(c.params) for c in CASES)
    mutated = {k: v for k, v in changed.items()
               if not all(isinstance(x, float) for x in v) or
               not math.isclose(v[0], v[1], rel_tol=1e-12)}
    if not bad:
        if same_dict or mutated:
            return CheckResult(eid, False, mistake="mutates-params", summary=(
                "your gradients are right, but your function changes the dict it is given"
                + (" (it returns that same dict)" if same_dict else
                   f": afterwards {_show_changes(mutated)}")
                + ". The caller still needs its parameters: work on a copy, dict(params), "
                "and return a new dict"), n_cases=n)
        result = CheckResult(eid, True, n_cases=n, summary=(
            f"correct — your central differences match for {len(CASES)} functions "
            f"({n} entries), with the steps given"))
        if changed:
            result.details.append(
                f"Note: afterwards {_show_changes(changed)} — x + eps − eps is not always "
                "exactly x in floating point. Put the stored old value back instead.")
        return result
    i = bad[0][0]
    case = CASES[i]
    wrong = [q for j, q in bad if j == i]
    result = CheckResult(eid, False, point={**case.params, "eps": case.eps}, n_cases=n,
                         learner_value={q: float(f"{mine[i][q]:.6g}") for q in case.params},
                         expected_value={q: float(f"{truth[i][q]:.6g}") for q in case.params},
                         summary=f"{len(bad)} of {n} entries differ from the central difference")
    result.details.append(f"The case shown uses {case.f.label}; wrong entries: "
                          f"{', '.join(map(repr, wrong))}.")
    for mid, _, variant, message in NG_MISTAKES:
        theirs = [variant(c.f, c.params, c.eps) for c in CASES]
        if all(np.isclose(mine[j][q], theirs[j][q], rtol=1e-6, atol=1e-9)
               for j, c in enumerate(CASES) for q in c.params):
            result.mistake, result.summary = mid, message
            break
    else:
        exact = [numerical_gradient(c.f, c.params, 1e-6) for c in CASES]
        if all(np.isclose(mine[j][q], exact[j][q], rtol=1e-5, atol=1e-8)
               for j, c in enumerate(CASES) for q in c.params):
            result.mistake, result.summary = "eps-ignored", (
                "your entries are close to the exact derivatives, not to the central "
                "differences with the eps you were given: use the argument eps")
    if mutated:
        result.details.append(f"Also, your function changed the caller's dict: afterwards "
                              f"{_show_changes(mutated)}. Work on a copy.")
    return result


def _show_changes(changes: dict) -> str:
    shown = [f"params[{k!r}] is {new!r} instead of {old!r}" for k, (old, new) in changes.items()]
    return ", ".join(shown[:3]) + (", ..." if len(shown) > 3 else "")


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


