"""Exercises whose answer is a scalar function of named variables (a derivative, say).

The learner's answer is evaluated at the worked example and at many random points;
a wrong answer is compared with a catalogue of known mistakes at the same points,
then with structural probes (a constant ratio, a sign, one path switched off,
variables it never uses), and the finding is told in the learner's variables.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .answers import Evaluator
from .registry import Exercise, GradeOptions, register
from .result import CheckResult, format_value

__all__ = ["Mistake", "Probe", "ScalarSpec", "scalar_exercise", "grade_scalar", "fill"]


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer: its catalogue id, what it means, and how to tell the learner.

    ``message`` is formatted with ``ratio`` (your value / the true value at the shown
    point), ``inv_ratio`` and the shown point's values as ``{@w1}``, e.g.
    ``"{ratio:.4g}x too large"``; other braces (LaTeX) are left alone.
    """

    id: str
    meaning: str
    fn: Callable[..., np.ndarray]
    message: str
    hint: str | None = None


@dataclass(frozen=True)
class Probe:
    """A structural question: does the answer agree once ``overrides`` are applied?

    For example ``Probe({"w3": 0.0}, "right when the path through h3 is switched off
    (w3 = 0): the h2 path is right, your h3 path term is wrong")``.
    """

    overrides: dict
    finding: str


@dataclass
class ScalarSpec:
    """Everything needed to check a scalar-function exercise."""

    variables: tuple[str, ...]
    reference: Callable[..., np.ndarray]
    sample: Callable[[np.random.Generator, int], dict]
    worked: dict | None = None
    defaults: dict = field(default_factory=dict)
    mistakes: Sequence[Mistake] = ()
    probes: Sequence[Probe] = ()
    extra_points: Sequence[dict] = ()
    quantity: str = "the answer"
    rtol: float = 1e-6
    atol: float = 1e-12


def _points(spec: ScalarSpec, opts: GradeOptions, names: Sequence[str]) -> dict:
    """Worked example first, then extra points, then random ones; held defaults applied."""
    rng = np.random.default_rng(opts.seed)
    rows = [p for p in ([spec.worked] if spec.worked else []) + list(spec.extra_points)]
    random_part = spec.sample(rng, opts.n_cases)
    pts = {}
    for v in spec.variables:
        fixed = [float(r.get(v, spec.defaults.get(v, 1.0))) for r in rows]
        pts[v] = np.concatenate([np.array(fixed), np.asarray(random_part[v], dtype=float)])
    for v, held in spec.defaults.items():          # names the answer does not use stay held
        if v not in names:
            pts[v] = np.full_like(pts[v], held)
    return pts


_FIELD = re.compile(r"\{(@?\w+)(:[^{}]*)?\}")


def fill(message: str, values: dict) -> str:
    """Replace ``{ratio}``, ``{inv_ratio:.3g}`` and point values ``{@w1}``; nothing else.

    Other braces (LaTeX such as ``e^{-z}``) stay as they are.
    """
    def sub(m):
        if m.group(1) not in values:
            return m.group(0)
        return format(values[m.group(1)], (m.group(2) or ":")[1:])
    return _FIELD.sub(sub, message)


def _close(a, b, spec: ScalarSpec) -> np.ndarray:
    return np.isfinite(a) & np.isclose(a, b, rtol=spec.rtol, atol=spec.atol)


def _depends_on(spec: ScalarSpec, pts: dict, name: str) -> bool:
    moved = {**pts, name: pts[name] * 1.37 + 0.11}
    with np.errstate(all="ignore"):
        return not np.allclose(spec.reference(**moved), spec.reference(**pts), rtol=1e-9)


def grade_scalar(exercise_id: str, spec: ScalarSpec, answer, opts: GradeOptions) -> CheckResult:
    """Check ``answer`` against ``spec``; raises NotAttempted / LearnerError for the caller."""
    ev = Evaluator(answer, spec.variables)
    pts = _points(spec, opts, ev.names)
    n = len(pts[spec.variables[0]])
    with np.errstate(all="ignore"):
        truth = np.broadcast_to(spec.reference(**pts), (n,))
    mine = ev(pts)
    ok = _close(mine, truth, spec)
    if ok.all():
        return CheckResult(exercise_id, True, summary=(
            f"correct — {spec.quantity} matches at the worked example and at {n - 1} other "
            "points"), n_cases=n)

    bad = int(np.argmin(ok))                    # first wrong point (worked example if wrong)
    shown = {v: float(pts[v][bad]) for v in spec.variables if v in ev.names or v not in
             spec.defaults}
    ratio = mine[bad] / truth[bad] if truth[bad] else float("nan")
    result = CheckResult(exercise_id, False, point=shown, learner_value=float(mine[bad]),
                         expected_value=float(truth[bad]), n_cases=n)
    fmt = {"ratio": ratio, "inv_ratio": 1 / ratio if ratio else float("nan"),
           **{f"@{k}": v for k, v in shown.items()}}

    if not np.isfinite(mine).all():
        i = int(np.argmin(np.isfinite(mine)))
        at = ", ".join(f"{v}={format_value(pts[v][i])}" for v in ev.names)
        result.mistake = "non-finite"
        result.summary = f"your answer gives {mine[i]} at {at or 'some points'}"
        result.details.append("Look for a division by zero, a log of a negative number or an "
                              "exp that overflows.")
        return result

    for m in spec.mistakes:
        with np.errstate(all="ignore"):
            theirs = np.broadcast_to(m.fn(**pts), (n,))
        if np.allclose(mine, theirs, rtol=spec.rtol * 10, atol=spec.atol):
            result.mistake, result.summary = m.id, fill(m.message, fmt)
            result.hint = m.hint
            return result

    if spec.worked and ok[0] and not ok[1:].all():
        result.mistake = "only-right-at-one-point"
        result.summary = (f"your answer is right at the worked example but wrong elsewhere — "
                          f"{spec.quantity} must hold for every input and weight")
    r = mine / np.where(truth == 0, np.nan, truth)
    finite_r = r[np.isfinite(r)]
    if finite_r.size > 2 and np.allclose(finite_r, finite_r[0], rtol=1e-7):
        k = finite_r[0]
        if np.isclose(k, -1.0):
            result.mistake, result.summary = "sign", "your answer has the wrong sign everywhere"
        else:
            result.mistake = result.mistake or "constant-factor"
            result.summary = result.summary or (
                f"your answer is off by a constant factor: exactly {k:.6g}× the correct value "
                "at every point — a constant (a 2, a ½, a 1 that should not be there) is off")
    if not result.summary:
        result.summary = f"{spec.quantity} does not match at {int((~ok).sum())} of {n} points"
    for probe in spec.probes:
        sub = {**pts, **{k: np.full(n, v) for k, v in probe.overrides.items()}}
        with np.errstate(all="ignore"):
            if _close(ev(sub), np.broadcast_to(spec.reference(**sub), (n,)), spec).all():
                result.details.append(probe.finding)
    if ev.names != spec.variables:
        missing = [v for v in spec.variables
                   if v not in ev.names and v not in spec.defaults and _depends_on(spec, pts, v)]
        if missing:
            result.details.append(
                f"your answer never uses {', '.join(missing)}, but {spec.quantity} depends on "
                f"{'it' if len(missing) == 1 else 'them'}")
    return result


def scalar_exercise(*, id: str, lesson: str, title: str, answer_name: str, spec: ScalarSpec,
                    hints: Sequence[str] = ()) -> Exercise:
    """Build and register a scalar-function exercise."""
    return register(Exercise(
        id=id, lesson=lesson, title=title, answer_name=answer_name,
        grade=lambda answer, opts: grade_scalar(id, spec, answer, opts),
        hints=tuple(hints), mistakes={m.id: m.meaning for m in spec.mistakes},
        answer_kinds="function or formula",
    ))
