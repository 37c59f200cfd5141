"""Checking answers made of arrays: shapes, where the numbers differ, and why.

Lessons 06 and 07 ask for functions that return arrays (a layer's ``Z`` and ``A``; its
``dW``, ``db``, ``dA_prev``; a loss gradient). :func:`grade_arrays` calls the learner's
function on a few cases of different shapes — batch ``m``, ``n_in`` and ``n_out`` all
different, so a transpose cannot hide — each time on fresh copies of the inputs, and
compares every output with the reference. A wrong output is explained output by output
(:mod:`.diagnosis`), in order:

1. the exercise's catalogue of mistaken computations (:class:`ArrayMistake`), where a
   hand-written message beats the generated one;
2. the exact generic probes (:mod:`.probes`): NaN/inf, the transpose of the truth, the
   right numbers in the wrong shape (a bias of shape (n,) instead of (1, n)), a factor m or
   1/m, the sign;
3. the edits of the reference's program (``ArraySpec.program``, :mod:`.edits` and
   :mod:`.search`), alone and in pairs, named in the exercise's own variables;
4. otherwise: where — which rows, columns or entries differ, and by what ratio.

A numpy shape error is read from the learner's failing line (:mod:`.shapes`).
An input changed in place by the learner's function is reported (and fails a check whose
numbers are right): in a network the caller still needs it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from course._grading.arrays.diagnosis import diagnose, shape_error_result
from course._grading.arrays.probes import close
from course._grading.arrays.program import Program
from course._grading.guards import LearnerError, call_learner
from course._grading.registry import CheckOptions
from course._grading.result import CheckResult

__all__ = ["OutputSpec", "ArrayCase", "ArrayMistake", "ArraySpec", "grade_arrays",
           "call_on_copies", "GENERIC_MISTAKES"]

#: ids the generic probes can name (for an exercise's ``mistakes`` listing)
GENERIC_MISTAKES = {
    "transposed": "an output is the transpose of the right one (e.g. delta.T @ A_prev for dW)",
    "bias-shape": "the right numbers in the wrong shape, e.g. (n,) instead of (1, n)",
    "wrong-shape": "an output of the wrong shape",
    "missing-1/m": "off by exactly m: the 1/m of the mean loss is missing",
    "extra-1/m": "off by exactly 1/m: divided by m once too often",
    "sign": "the right magnitude, the wrong sign",
    "constant-factor": "off by the same constant factor everywhere",
    "not-finite": "NaN or inf in an output",
    "shape-error": "numpy refused to combine the shapes (a matmul or broadcast error)",
    "mutates-input": "an input array is changed in place",
    "wrong-keys": "the returned dict lacks an expected key",
}


@dataclass(frozen=True)
class OutputSpec:
    """One returned array: its name, its shape in the lesson's symbols, and why.

    ``dims`` holds names of the case's dimensions (``"m"``, ``"n_in"``) or literal numbers
    (``"1"``); ``why`` completes "dW must have shape ... because ..."; ``fix`` is added to a
    transpose or shape message; ``label`` names the output in messages when ``name`` (a
    dict key) is not what the lesson calls it.
    """

    name: str
    dims: tuple[str, ...]
    why: str
    fix: str = ""
    label: str = ""

    @property
    def shown(self) -> str:
        """The name used in messages (``label``, e.g. ``db1`` for the dict key ``b1``)."""
        return self.label or self.name

    def shape(self, case: ArrayCase) -> tuple[int, ...]:
        return tuple(int(d) if d.isdigit() else case.dims[d] for d in self.dims)

    def shape_text(self, case: ArrayCase) -> str:
        """``(n_in, n_out) = (3, 4)``."""
        symbols = f"({', '.join(self.dims)}{',' if len(self.dims) == 1 else ''})"
        shape = str(self.shape(case))
        return shape if symbols == shape else f"{symbols} = {shape}"


@dataclass
class ArrayCase:
    """One call: the inputs (in call order), the dimensions, the expected outputs."""

    inputs: dict[str, np.ndarray]
    dims: dict[str, int]
    expected: dict[str, np.ndarray]
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ArrayMistake:
    """A known mistake: the outputs it changes, computed from a case."""

    id: str
    meaning: str
    outputs: Callable[[ArrayCase], dict]
    message: str


@dataclass(frozen=True)
class ArraySpec:
    """An array exercise: how to make cases, what comes back, which mistakes to name.

    ``returns`` is ``"tuple"`` (outputs in order; a single output may come bare) or
    ``"dict"`` (keyed by the output names; ``aliases`` maps other accepted keys to them).
    ``mistake_hints`` maps a mistake id to the hint shown with it (default: the first hint).
    """

    exercise_id: str
    signature: str
    outputs: tuple[OutputSpec, ...]
    make_cases: Callable[[CheckOptions], list]
    mistakes: tuple[ArrayMistake, ...] = ()
    returns: str = "tuple"
    aliases: dict = field(default_factory=dict)
    rtol: float = 1e-7
    atol: float = 1e-11
    mistake_hints: dict = field(default_factory=dict)
    program: Program | None = None
    mutable: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.outputs)

    def returns_text(self) -> str:
        if self.returns == "dict":
            return "a dict {" + ", ".join(f"'{n}': ..." for n in self.names) + "}"
        if len(self.outputs) == 1:
            return f"one array, {self.names[0]}"
        return f"a tuple ({', '.join(self.names)})"


def call_on_copies(fn, inputs: dict) -> tuple:
    """``fn(*copies)`` and the names of the inputs it changed in place."""
    copies = {k: np.array(v, copy=True) for k, v in inputs.items()}
    with np.errstate(all="ignore"):
        out = call_learner(fn, *copies.values())
    changed = [k for k, v in inputs.items()
               if copies[k].shape != v.shape or not np.array_equal(copies[k], v, equal_nan=True)]
    return out, changed


def _as_array(value, name: str, spec: ArraySpec) -> np.ndarray:
    if value is None:
        raise LearnerError(f"{name} is None — did you forget to compute it or to `return` it? "
                           f"{spec.signature} returns {spec.returns_text()}", kind="type")
    if isinstance(value, (list, tuple)):
        name = next((o.shown for o in spec.outputs if o.name == name), name)
        raise LearnerError(
            f"{name} is a Python {type(value).__name__}; return a numpy array of shape "
            f"{_shape_words(spec, name)} — the caller uses it as one ({name}.shape, {name}.T, "
            f"@). Leave out .tolist(), or wrap it: np.array(...).", kind="type")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise LearnerError(f"{name} should be a numpy array, but it is a "
                           f"{type(value).__name__}: {str(value)[:60]!r}", kind="type") from None
    return arr


def _shape_words(spec: ArraySpec, name: str) -> str:
    """``(n_in, n_out)``: the shape of output ``name`` in the lesson's symbols."""
    o = next((o for o in spec.outputs if name in (o.name, o.label)), None)
    if o is None:
        return "the expected shape"
    return f"({', '.join(o.dims)}{',' if len(o.dims) == 1 else ''})"


def _unpack(spec: ArraySpec, out) -> dict:
    """The learner's return value as ``{output name: float array}``."""
    if spec.returns == "dict":
        if not isinstance(out, Mapping):
            what = "None — did you forget `return`?" if out is None else _a(out)
            raise LearnerError(f"{spec.signature} must return {spec.returns_text()}, but it "
                               f"returned {what}", kind="type")
        keyed = {spec.aliases.get(k, k): v for k, v in out.items()}
        missing = [n for n in spec.names if n not in keyed]
        if missing:
            raise _WrongKeys(f"your dict has the keys {sorted(map(str, out))}; it needs one "
                             f"entry per parameter, {', '.join(map(repr, spec.names))} (missing: "
                             f"{', '.join(map(repr, missing))})")
        return {n: _as_array(keyed[n], n, spec) for n in spec.names}
    if len(spec.outputs) == 1 and not isinstance(out, (tuple, list)):
        return {spec.names[0]: _as_array(out, spec.names[0], spec)}
    if not isinstance(out, (tuple, list)) or len(out) != len(spec.outputs):
        if out is None:
            what = "None — did you forget `return`?"
        elif isinstance(out, (tuple, list)):
            what = f"{_a(out)} of {len(out)} items"
        else:
            what = _a(out)
        raise LearnerError(f"{spec.signature} must return {spec.returns_text()}, but it "
                           f"returned {what}", kind="type")
    return {n: _as_array(v, n, spec) for n, v in zip(spec.names, out)}


def _a(value) -> str:
    """``a tuple``, ``an ndarray``: the type of ``value`` with its article."""
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' or name == 'ndarray' else 'a'} {name}"


class _WrongKeys(Exception):
    pass


_SHAPE_WORDS = ("matmul", "shapes", "broadcast", "aligned", "dimension")


def _mutation_result(spec, mutated: dict, n: int) -> CheckResult:
    names = ", ".join(mutated)
    first = next(iter(mutated))
    return CheckResult(spec.exercise_id, False, mistake="mutates-input", n_cases=n, summary=(
        f"your numbers are right, but your function changes its input {names} in place "
        f"(e.g. `{first} *= ...`, `{first} -= ...` or `{first}[...] = ...`). In a network the "
        f"caller still needs {first} after this call; compute into a new array instead "
        f"(`new = {first} * ...`, not `{first} *= ...`)."))


def grade_arrays(spec: ArraySpec, answer, opts: CheckOptions) -> CheckResult:
    """Check a function returning arrays against ``spec``; raises NotAttempted/LearnerError."""
    if isinstance(answer, (str, type)) or not callable(answer):
        raise LearnerError(f"this exercise wants your function {spec.signature}, not a "
                           f"{type(answer).__name__}", kind="type")
    cases = spec.make_cases(opts)
    mine, mutated = [], {}
    for case in cases:
        try:
            out, changed = call_on_copies(answer, case.inputs)
            mine.append(_unpack(spec, out))
        except LearnerError as err:
            if err.kind == "exception" and any(w in str(err) for w in _SHAPE_WORDS):
                return shape_error_result(spec, err, case)
            raise
        except _WrongKeys as err:
            return CheckResult(spec.exercise_id, False, mistake="wrong-keys", summary=str(err))
        for name in changed:
            if name not in spec.mutable:
                mutated.setdefault(name, case)
    n = len(cases)
    ok = {o.name: [close(mine[c][o.name], case.expected[o.name], spec.rtol, spec.atol)
                   for c, case in enumerate(cases)] for o in spec.outputs}
    wrong = [o for o in spec.outputs if not all(ok[o.name])]
    if not wrong:
        if mutated:
            return _mutation_result(spec, mutated, n)
        shapes = ", ".join(str(tuple(c.dims.values())) for c in cases[:4])
        return CheckResult(spec.exercise_id, True, n_cases=n, summary=(
            f"correct — {', '.join(spec.names)} match for {n} random cases of different "
            f"shapes ({', '.join(cases[0].dims)} = {shapes}{', ...' if n > 4 else ''})"))
    return diagnose(spec, cases, mine, ok, wrong, mutated)
