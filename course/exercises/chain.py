"""Lesson 02 exercises: a central difference, and the chain rule through a 1-1-1 chain.

The chain (sigmoid ``s`` everywhere, biases 1 unless the answer names them)::

    x --w1--> h --w2--> y        z1 = w1·x + b1, h = s(z1), z2 = w2·h + b2, y = s(z2)

    dy/dw2 = s'(z2)·h                 dy/dw1 = s'(z2)·w2·s'(z1)·x
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ..activations import sigmoid, sigmoid_prime
from ..checks.answers import as_number
from ..checks.registry import Exercise, register
from ..checks.result import CheckResult
from ..checks.sandbox import LearnerError, call_learner
from ..checks.scalar import Mistake, Probe, ScalarSpec, scalar_exercise

LESSON = "02_derivatives_and_chain_rule"
VARIABLES = ("x", "w1", "w2", "b1", "b2")
#: the chain at the worked example's values (as in the diamond: weights 0.5, biases 1, x = 1)
WORKED = {"x": 1.0, "w1": 0.5, "w2": 0.5, "b1": 1.0, "b2": 1.0}

s, d = sigmoid, sigmoid_prime          # the lesson's names: s and its derivative d = s(1 - s)


def forward(x, w1, w2, b1=1.0, b2=1.0) -> dict:
    """The chain's forward pass: ``z1, h, z2, y`` (floats or arrays, elementwise)."""
    z1 = w1 * x + b1
    h = s(z1)
    z2 = w2 * h + b2
    return {"z1": z1, "h": h, "z2": z2, "y": s(z2)}


def dy_dw2(x, w1, w2, b1=1.0, b2=1.0):
    """dy/dw2 = s'(z2)·h: one local derivative, times the input of w2's edge."""
    f = forward(x, w1, w2, b1, b2)
    return d(f["z2"]) * f["h"]


def dy_dw1(x, w1, w2, b1=1.0, b2=1.0):
    """dy/dw1 = s'(z2)·w2·s'(z1)·x: every edge on the way contributes its factor."""
    f = forward(x, w1, w2, b1, b2)
    return d(f["z2"]) * w2 * d(f["z1"]) * x


# --- exercise 1: central differences, a function of (f, x, h) ---------------------------------

def central_difference(f, x, h=1e-5):
    """The reference: (f(x + h) − f(x − h)) / 2h."""
    return (f(x + h) - f(x - h)) / (2 * h)


#: (name of f, f, f', x, h): large steps first, where every mistake shows plainly
CASES = (
    ("x³", lambda t: t**3, lambda t: 3 * t**2, 2.0, 0.5),
    ("sin x", np.sin, np.cos, 1.0, 0.1),
    ("eˣ", np.exp, np.exp, 0.5, 0.2),
    ("s(x)", s, d, 0.3, 0.25),
    ("x² − 3x", lambda t: t * t - 3 * t, lambda t: 2 * t - 3, -1.5, 0.3),
    ("1/x", lambda t: 1 / t, lambda t: -1 / t**2, 2.0, 0.01),
    ("sin x", np.sin, np.cos, -0.7, 1e-4),
)

#: (id, meaning, estimate(f, x, h), message); compared at every case
CD_MISTAKES = (
    ("forward-difference", "(f(x+h) − f(x)) / h",
     lambda f, x, h: (f(x + h) - f(x)) / h,
     "that is the forward difference (f(x+h) − f(x))/h; the central difference steps both "
     "ways: (f(x+h) − f(x−h))/(2h)"),
    ("backward-difference", "(f(x) − f(x−h)) / h",
     lambda f, x, h: (f(x) - f(x - h)) / h,
     "that is the backward difference (f(x) − f(x−h))/h; the central difference steps both "
     "ways: (f(x+h) − f(x−h))/(2h)"),
    ("divided-by-h", "(f(x+h) − f(x−h)) / h: exactly 2× too large",
     lambda f, x, h: (f(x + h) - f(x - h)) / h,
     "your estimate is exactly 2× too large: x+h and x−h are 2h apart, so divide by 2h, "
     "not h"),
    ("sign", "(f(x−h) − f(x+h)) / 2h",
     lambda f, x, h: (f(x - h) - f(x + h)) / (2 * h),
     "your estimate has the wrong sign: subtract the left value from the right one, "
     "f(x+h) − f(x−h)"),
    ("precedence", "f(x+h) − f(x−h)/(2h): brackets missing",
     lambda f, x, h: f(x + h) - f(x - h) / (2 * h),
     "only f(x−h) is divided by 2h: put the difference in brackets, "
     "(f(x+h) − f(x−h)) / (2*h)"),
    ("precedence-2h", "(f(x+h) − f(x−h))/2*h: divided by 2, then multiplied by h",
     lambda f, x, h: (f(x + h) - f(x - h)) / 2 * h,
     "`/2*h` divides by 2 and then multiplies by h (Python reads left to right); write "
     "`/ (2*h)`"),
    ("forward-over-2h", "(f(x+h) − f(x)) / 2h",
     lambda f, x, h: (f(x + h) - f(x)) / (2 * h),
     "you divided a one-sided step, f(x+h) − f(x), by 2h; the central difference uses "
     "f(x+h) − f(x−h), which spans 2h"),
    ("half-step", "(f(x+h/2) − f(x−h/2)) / h",
     lambda f, x, h: (f(x + h / 2) - f(x - h / 2)) / h,
     "you stepped h/2 each way; a central difference too, but this course's (and lesson "
     "04's) convention is x ± h, divided by 2h"),
)


def _grade_central(answer, opts) -> CheckResult:
    eid = "chain.central_difference"
    if isinstance(answer, str) or not callable(answer):
        raise LearnerError(
            "this exercise wants a function central_difference(f, x, h) that calls f, not "
            f"a {type(answer).__name__}", kind="type")
    mine, truth = [], []
    for name, f, _, x, h in CASES:
        mine.append(as_number(call_learner(answer, f, x, h),
                              f" for f(x) = {name} at x = {x:g}, h = {h:g}"))
        truth.append(float(central_difference(f, x, h)))
    mine, truth = np.array(mine), np.array(truth)
    ok = np.isclose(mine, truth, rtol=1e-7, atol=1e-12)
    if ok.all():
        return CheckResult(eid, True, n_cases=len(CASES), summary=(
            f"correct — your estimate matches (f(x+h) − f(x−h))/(2h) for {len(CASES)} "
            "functions, steps and points"))
    bad = int(np.argmin(ok))
    name, f, df, x, h = CASES[bad]
    result = CheckResult(eid, False, point={"x": x, "h": h}, learner_value=float(mine[bad]),
                         expected_value=float(truth[bad]), n_cases=len(CASES))
    result.details.append(f"The case shown uses f(x) = {name}, whose true derivative there "
                          f"is {float(df(x)):.10g}.")
    for mid, _, fn, message in CD_MISTAKES:
        theirs = np.array([float(fn(g, xx, hh)) for _, g, _, xx, hh in CASES])
        if np.allclose(mine, theirs, rtol=1e-7, atol=1e-12):
            result.mistake, result.summary = mid, message
            return result
    exact = np.array([float(g1(xx)) for _, _, g1, xx, _ in CASES])
    if np.allclose(mine, exact, rtol=1e-5, atol=1e-9):
        result.mistake = "h-ignored"
        result.summary = ("your estimate is close to the exact derivative, not to the central "
                          "difference with the h you were given: use the argument h, don't "
                          "pick your own step")
        return result
    result.summary = (f"your estimate differs from (f(x+h) − f(x−h))/(2h) in "
                      f"{int((~ok).sum())} of {len(CASES)} cases")
    return result


register(Exercise(
    id="chain.central_difference", lesson=LESSON, answer_name="central_difference",
    title="central_difference(f, x, h): the slope of f at x estimated from x − h and x + h",
    grade=_grade_central, answer_kinds="function of (f, x, h)",
    mistakes={**{mid: meaning for mid, meaning, _, _ in CD_MISTAKES},
              "h-ignored": "a step of its own instead of the argument h"},
    hints=(
        "Evaluate f one step h to the right of x and one step h to the left.",
        "Those two points are 2h apart: the slope of the line through them is their "
        "difference divided by 2h.",
        "return (f(x + h) - f(x - h)) / (2 * h) — mind the brackets.",
    ),
))


# --- exercises 2 and 3: the chain rule through x → h → y ----------------------------------------

def _sample(rng: np.random.Generator, n: int) -> dict:
    return {"x": rng.uniform(-2, 2, n), "w1": rng.uniform(-2, 2, n),
            "w2": rng.uniform(-2, 2, n), "b1": rng.uniform(-1.5, 1.5, n),
            "b2": rng.uniform(-1.5, 1.5, n)}


def _variant(expr, drop: str | None = None):
    """A mistaken answer ``expr(v)`` over the forward values ``v.x, v.w2, v.z1, v.h, v.z2, v.y``.

    ``drop`` ("b1" or "b2") leaves that bias out of the forward pass.
    """
    def fn(x, w1, w2, b1=1.0, b2=1.0):
        b = {"b1": b1, "b2": b2, **({drop: 0.0} if drop else {})}
        return expr(SimpleNamespace(x=x, w1=w1, w2=w2, **forward(x, w1, w2, **b)))
    return fn


def _catalogue(rows) -> tuple[Mistake, ...]:
    """Mistakes from rows ``(id, meaning, expr, message[, drop])``; a dropped bias gets a hint."""
    out = []
    for mid, meaning, expr, message, *drop in rows:
        out.append(Mistake(mid, meaning, _variant(expr, *drop), message,
                           _BIAS_HINT if drop else None))
    return tuple(out)


_BIAS_HINT = "z1 = w1·x + b1 and z2 = w2·h + b2: each bias is 1 here, and it stays in."
_SIGN = "your answer has the wrong sign everywhere: no step of this chain brings a minus sign"

DY_DW2 = ScalarSpec(
    variables=VARIABLES, reference=dy_dw2, sample=_sample, worked=WORKED,
    defaults={"b1": 1.0, "b2": 1.0}, quantity="dy/dw2",
    mistakes=_catalogue((
        ("d-of-activation", "s' applied to the output y instead of z2", lambda v: d(v.y) * v.h,
         "you applied s' to the output y = s(z2); s' takes the pre-activation: s'(z2) with "
         "z2 = w2·h + b2"),
        ("x-instead-of-h", "x where the edge's input h belongs", lambda v: d(v.z2) * v.x,
         "you multiplied by x, but w2 multiplies h, not x: dz2/dw2 = h"),
        ("input-missing", "s'(z2) alone (dz2/dw2 = h missing)", lambda v: d(v.z2),
         "your value is missing the factor h (= {inv_ratio:.4g} here): z2 = w2·h + b2 changes "
         "by h per unit of w2, so dz2/dw2 = h multiplies in"),
        ("weight-instead-of-input", "s'(z2)·w2 (that is dy/dh)", lambda v: d(v.z2) * v.w2,
         "s'(z2)·w2 is dy/dh, how y moves with h; for dy/dw2 the factor is dz2/dw2 = h, the "
         "value the weight multiplies"),
        ("extra-weight", "s'(z2)·h·w2: the weight multiplies its own derivative",
         lambda v: d(v.z2) * v.h * v.w2,
         "your value has an extra factor w2 (= {@w2:.4g} here): the weight you differentiate "
         "by does not multiply its own derivative — dz2/dw2 = h, nothing more"),
        ("past-the-edge", "the chain continued past w2's edge (s'(z2)·s'(z1)...)",
         lambda v: d(v.z2) * d(v.z1),
         "your chain goes on past the edge w2 towards x; it stops at w2: dz2/dw2 = h, "
         "the value arriving on that edge"),
        ("dy-dw1-instead", "dy/dw1 instead of dy/dw2", lambda v: d(v.z2) * v.w2 * d(v.z1) * v.x,
         "that is dy/dw1; w2 sits one edge closer to y: dy/dw2 = s'(z2)·h"),
        ("s-instead-of-d", "s(z2) where s'(z2) belongs", lambda v: s(v.z2) * v.h,
         "you used s(z2), the sigmoid itself, where its derivative s'(z2) = s(z2)(1 − s(z2)) "
         "belongs"),
        ("d-formula-on-z", "z2(1 − z2) instead of s(z2)(1 − s(z2))",
         lambda v: v.z2 * (1 - v.z2) * v.h,
         "you computed z2·(1 − z2); the slope of the sigmoid is s(z2)·(1 − s(z2))"),
        ("derivative-missing", "h alone (s'(z2) missing)", lambda v: v.h,
         "you left out s'(z2): y = s(z2), so the change of z2 reaches y multiplied by the "
         "sigmoid's slope s'(z2)"),
        ("bias-forgotten", "b2 left out of z2", lambda v: d(v.z2) * v.h,
         "you left the bias out: z2 = w2·h + b2 (b2 = 1 unless you name it)", "b2"),
        ("bias-forgotten-inner", "b1 left out of z1 (so h is wrong)", lambda v: d(v.z2) * v.h,
         "your h leaves out the bias: h = s(w1·x + b1) (b1 = 1 unless you name it)", "b1"),
        ("sign", "the right magnitude with the wrong sign", lambda v: -d(v.z2) * v.h, _SIGN),
    )),
)

DY_DW1 = ScalarSpec(
    variables=VARIABLES, reference=dy_dw1, sample=_sample, worked=WORKED,
    defaults={"b1": 1.0, "b2": 1.0}, quantity="dy/dw1",
    mistakes=_catalogue((
        ("weight-dropped", "the weight w2 on the path dropped", lambda v: d(v.z2) * d(v.z1) * v.x,
         "you dropped the weight w2: your value is missing the factor w2 (= {@w2:.4g} here). "
         "On its way from h to y the change passes the edge w2, and dz2/dh = w2 multiplies in"),
        ("d-of-activation", "s' applied to the activations h and y",
         lambda v: d(v.y) * v.w2 * d(v.h) * v.x,
         "you applied s' to the activations, s'(y) and s'(h); s' takes the pre-activations: "
         "s'(z2) and s'(z1)"),
        ("d-of-activation-outer", "s'(y) instead of s'(z2)",
         lambda v: d(v.y) * v.w2 * d(v.z1) * v.x,
         "you wrote s'(y); s' takes the pre-activation: s'(z2), z2 = w2·h + b2"),
        ("d-of-activation-inner", "s'(h) instead of s'(z1)",
         lambda v: d(v.z2) * v.w2 * d(v.h) * v.x,
         "you wrote s'(h); s' takes the pre-activation: s'(z1), z1 = w1·x + b1"),
        ("d-formula-on-z", "z(1 − z) instead of s(z)(1 − s(z))",
         lambda v: v.z2 * (1 - v.z2) * v.w2 * v.z1 * (1 - v.z1) * v.x,
         "you computed z·(1 − z); the slope of the sigmoid is s(z)·(1 − s(z)), at z1 and z2"),
        ("x-missing", "the input factor x missing", lambda v: d(v.z2) * v.w2 * d(v.z1),
         "the input factor is missing: your value lacks the factor x (= {@x:.4g} here). "
         "z1 = w1·x + b1 changes by x per unit of w1, so dz1/dw1 = x"),
        ("w1-instead-of-x", "w1 where x belongs (that is dy/dx)",
         lambda v: d(v.z2) * v.w2 * d(v.z1) * v.w1,
         "you ended the chain with w1, which gives dy/dx; for dy/dw1 the last factor is "
         "dz1/dw1 = x"),
        ("extra-weight", "an extra factor w1", lambda v: d(v.z2) * v.w2 * d(v.z1) * v.x * v.w1,
         "your value has an extra factor w1 (= {@w1:.4g} here): the weight you differentiate "
         "by does not multiply its own derivative — dz1/dw1 = x, nothing more"),
        ("h-instead-of-w2", "h where w2 belongs", lambda v: d(v.z2) * v.h * d(v.z1) * v.x,
         "you multiplied by h where w2 belongs: h is dz2/dw2 (it belongs in dy/dw2); passing "
         "*through* the edge from h to y gives dz2/dh = w2"),
        ("dy-dw2-instead", "dy/dw2 instead of dy/dw1", lambda v: d(v.z2) * v.h,
         "that is dy/dw2; w1 sits one edge further from y, so the chain is longer: "
         "s'(z2)·w2·s'(z1)·x"),
        ("s-instead-of-d", "s where s' belongs", lambda v: s(v.z2) * v.w2 * s(v.z1) * v.x,
         "you used the sigmoid s where its derivative s' = s(1 − s) belongs"),
        ("outer-derivative-missing", "s'(z2) missing", lambda v: v.w2 * d(v.z1) * v.x,
         "the last step's slope s'(z2) is missing: y = s(z2) multiplies every change of z2 "
         "by s'(z2)"),
        ("inner-derivative-missing", "s'(z1) missing", lambda v: d(v.z2) * v.w2 * v.x,
         "the first neuron's slope s'(z1) is missing: h = s(z1) multiplies every change of z1 "
         "by s'(z1)"),
        ("factors-added", "the factors added instead of multiplied",
         lambda v: d(v.z2) * v.w2 + d(v.z1) * v.x,
         "you added the two halves of the chain; the chain rule multiplies them: "
         "(dy/dh)·(dh/dw1)"),
        ("bias-forgotten", "a bias left out (b1 in z1)", lambda v: d(v.z2) * v.w2 * d(v.z1) * v.x,
         "you left b1 out: z1 = w1·x + b1 (b1 = 1 unless you name it)", "b1"),
        ("bias-forgotten-outer", "a bias left out (b2 in z2)",
         lambda v: d(v.z2) * v.w2 * d(v.z1) * v.x,
         "you left b2 out: z2 = w2·h + b2 (b2 = 1 unless you name it)", "b2"),
        ("sign", "the right magnitude with the wrong sign",
         lambda v: -d(v.z2) * v.w2 * d(v.z1) * v.x, _SIGN),
    )),
    probes=(
        Probe({"w2": 1.0}, "your answer is right whenever w2 = 1: look at how w2 enters it"),
        Probe({"x": 1.0}, "your answer is right whenever x = 1: look at the input factor x"),
    ),
)

scalar_exercise(
    id="chain.dy_dw2", lesson=LESSON, answer_name="dy_dw2",
    title="dy/dw2 for y = s(w2·s(w1·x + b1) + b2), as a function or a formula",
    spec=DY_DW2,
    hints=(
        "Split y = s(z2) with z2 = w2·h + b2: dy/dw2 = (dy/dz2)·(dz2/dw2).",
        "dy/dz2 = s'(z2), evaluated at the pre-activation z2; dz2/dw2 is what w2 multiplies.",
        "dy/dw2 = s'(z2)·h with h = s(w1·x + b1) and s'(z) = s(z)(1 − s(z)).",
    ),
)

scalar_exercise(
    id="chain.dy_dw1", lesson=LESSON, answer_name="dy_dw1",
    title="dy/dw1 for y = s(w2·s(w1·x + b1) + b2), as a function or a formula",
    spec=DY_DW1,
    hints=(
        "Follow the change from w1 to y: w1 → z1 → h → z2 → y. One factor per arrow.",
        "The four factors: dz1/dw1 = x, dh/dz1 = s'(z1), dz2/dh = w2, dy/dz2 = s'(z2).",
        "dy/dw1 = s'(z2)·w2·s'(z1)·x — forget none of the four, w2 included.",
    ),
)
