"""Exercises whose answer is a scalar function of named variables (a derivative, say).

The learner's answer is evaluated at the worked example and at many random points;
a wrong answer is compared at the same points with the catalogue of known mistakes and,
when the spec declares its computational graph (``graph=GraphTarget(...)``), with every
edit of the graph's sum over paths, alone and in pairs (``course._grading.diagnosis``);
then with structural probes (a constant ratio, a missing factor, a sign, one path
switched off, variables it never uses). The finding is told in the learner's variables
(``course._grading.diagnose``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from course._grading.answers import Evaluator
from course._grading.diagnose import close, diagnose, fill
from course._grading.diagnosis import GraphTarget, generated_meanings
from course._grading.points import sample_points, with_derived
from course._grading.registry import CheckOptions, Exercise, register
from course._grading.result import CheckResult

__all__ = ["Mistake", "Probe", "ScalarSpec", "GraphTarget", "scalar_exercise", "grade_scalar",
           "fill", "sample_points", "with_derived"]


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer: its catalogue id, what it means, and how to tell the learner.

    ``fn`` is called with the exercise's variables as keyword arguments (arrays) and
    returns the mistaken values. ``message`` is either a string formatted with
    ``{ratio}`` (your value / the true value at the shown point), ``{inv_ratio}`` and
    the shown point's values as ``{@w1}`` (derived values too: ``{@z1}``), e.g.
    ``"{ratio:.4g}x too large"`` (other braces, LaTeX, are left alone) — or a callable
    taking that dict of values (plus ``"worked"``: whether the shown point is the
    worked example) and returning the text.
    """

    id: str
    meaning: str
    fn: Callable[..., np.ndarray]
    message: str | Callable[[dict], str]
    hint: str | None = None


@dataclass(frozen=True)
class Probe:
    """A structural question: does the answer agree once ``overrides`` are applied?

    For example ``Probe({"w3": 0.0}, "right when the path through h3 is switched off
    ({when}): the h2 path is right, your h3 path term is wrong")``. Probes with the same
    finding are grouped, ``{when}`` lists the overrides that agreed (``w3 = 0 or w5 = 0``).
    When the answer does not agree but is off by a factor there, the finding is
    ``"<label>, your value is missing the factor w2"``; ``label`` defaults to
    ``"when w3 = 0"``.
    """

    overrides: dict
    finding: str
    label: str = ""


@dataclass
class ScalarSpec:
    """Everything needed to check a scalar-function exercise.

    Attributes
    ----------
    variables : tuple of str
        The names the answer may take (all passed to ``reference`` and mistakes).
    reference : callable
        ``reference(**variables)`` -> the true values (vectorized).
    sample : callable
        ``sample(rng, n)`` -> dict of ``n`` random values per variable.
    worked : dict, optional
        The worked example (checked first, and shown when the answer is wrong there).
    defaults : dict
        Variables held at a value unless the answer names them (the diamond's biases).
    mistakes, probes
        The catalogue and the structural probes.
    extra_points : sequence of dict
        Fixed points checked after the worked example.
    quantity : str
        What the answer is, for messages (``"dO/dw1"``).
    rtol, atol : float
        Tolerances of the comparison: ``|yours - true| <= atol + rtol·|true|`` at every
        point, as ``numpy.isclose``.
    rtol32 : float, optional
        The relative tolerance used when the learner's function computes in float32;
        ``None`` means float32 is held to ``rtol`` like everything else.
    derived : callable, optional
        ``derived(values) -> dict`` of further named arrays an answer may use, computed
        from the variables after the held defaults are applied (the forward pass).
    derived_names : tuple of str
        The names ``derived`` returns.
    factors : callable, optional
        ``factors(values) -> {"w2": array, "d(z1)": array, ...}``: candidates for
        "your value is missing the factor ..." (default: the variables and derived names).
    graph : GraphTarget, optional
        The answer is d(output)/d(wrt) in a computational graph: its mistakes are then
        generated as edits of the sum over paths (``course._grading.diagnosis``), searched
        after the catalogue.
    constants : dict
        The exact constants of the answer, by how the learner writes them
        (``{"2/3": 2/3, "1.7159": 1.7159}``): an answer off by a constant factor near 1 that
        one of them rounded (or two of them) explains is named ``rounded-constant``,
        "write 2/3 exactly, not 0.6667".
    """

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
    rtol32: float | None = None
    derived: Callable[[dict], dict] | None = None
    derived_names: tuple[str, ...] = ()
    factors: Callable[[dict], dict] | None = None
    graph: GraphTarget | None = None
    constants: dict = field(default_factory=dict)


def grade_scalar(exercise_id: str, spec: ScalarSpec, answer, opts: CheckOptions) -> CheckResult:
    """Check ``answer`` against ``spec``; raises NotAttempted / LearnerError for the caller."""
    ev = Evaluator(answer, spec.variables, spec.derived_names)
    pts = sample_points(spec, opts, ev.names)
    n = len(pts[spec.variables[0]])
    with np.errstate(all="ignore"):
        truth = np.broadcast_to(np.asarray(spec.reference(**pts), dtype=float), (n,))
    mine = ev(with_derived(spec, pts))
    rtol = spec.rtol32 if (ev.low_precision and spec.rtol32) else spec.rtol
    ok = np.isfinite(mine) & close(mine, truth, rtol, spec.atol)
    if ok.all():
        if spec.worked:
            summary = (f"correct — {spec.quantity} matches at the worked example and at "
                       f"{n - 1} other points")
        else:
            summary = f"correct — {spec.quantity} matches at all {n} points"
        return CheckResult(exercise_id, True, n_cases=n, summary=summary)
    return diagnose(exercise_id, spec, ev, pts, truth, mine, ok, rtol)


def scalar_exercise(*, id: str, lesson: str, title: str, answer_name: str, spec: ScalarSpec,
                    hints: Sequence[str] = (), points: float = 1.0,
                    extra_mistakes: dict | None = None,
                    answer_kinds: str = "function or formula",
                    forbidden: tuple[str, ...] = (), reveal: str = "") -> Exercise:
    """Build and register a scalar-function exercise.

    ``extra_mistakes`` adds catalogue entries (id -> meaning) that the grade finds
    without a ``Mistake`` (listed by ``python -m course exercises --mistakes``).
    """
    mistakes = generated_meanings(spec)          # the generated edits, then the catalogue's
    mistakes.update({m.id: m.meaning for m in spec.mistakes})
    mistakes.update(extra_mistakes or {})
    mistakes.setdefault("close-not-exact", "close to the exact value everywhere but not within "
                        "the tolerance (a finite-difference estimate, a rounded constant)")
    return register(Exercise(
        id=id, lesson=lesson, title=title, answer_name=answer_name,
        grade=lambda answer, opts: grade_scalar(id, spec, answer, opts),
        hints=tuple(hints), mistakes=mistakes, points=points,
        answer_kinds=answer_kinds, forbidden=tuple(forbidden), reference=spec.reference,
        reveal=reveal,
    ))
