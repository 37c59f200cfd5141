"""Checking answers made of arrays: shapes, where the numbers differ, and why.

Lessons 06 and 07 ask for functions that return arrays (a layer's ``Z`` and ``A``; its
``dW``, ``db``, ``dA_prev``; a loss gradient). :func:`grade_arrays` calls the learner's
function on a few cases of different shapes — batch ``m``, ``n_in`` and ``n_out`` all
different, so a transpose cannot hide — each time on fresh copies of the inputs, and
compares every output with the reference. A wrong output is explained by, in order:

1. the exercise's catalogue of mistaken computations (:class:`ArrayMistake`);
2. generic probes (:mod:`.probes`): NaN/inf, the transpose of the truth, the right
   numbers in the wrong shape (a bias of shape (n,) instead of (1, n)), a constant ratio to
   the truth (m: a missing 1/m; 1/m: an extra one; −1: the sign; any other constant);
3. otherwise: where — which rows, columns or entries differ, and by what ratio.

An input changed in place by the learner's function is reported (and fails a check whose
numbers are right): in a network the caller still needs it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from course._grading.arrays.edits import Search, explain_by_edits
from course._grading.arrays.probes import close, explain_generic, where_wrong
from course._grading.arrays.program import Program
from course._grading.arrays.shapes import explain_shape_error
from course._grading.guards import LearnerError, call_learner
from course._grading.registry import CheckOptions
from course._grading.result import CheckResult

__all__ = ["OutputSpec", "ArrayCase", "ArrayMistake", "ArraySpec", "grade_arrays",
           "call_on_copies", "GENERIC_MISTAKES"]

#: ids the generic probes can name (for an exercise's ``mistakes`` listing)
GENERIC_MISTAKES = {
    "transposed": "an output is the transpose of the right one (e.g. dZ.T @ A_prev for dW)",
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
        return f"{symbols} = {self.shape(case)}"


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
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise LearnerError(f"{name} should be a numpy array, but it is a "
                           f"{type(value).__name__}: {str(value)[:60]!r}", kind="type") from None
    return arr


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


def _shape_error(spec: ArraySpec, err: LearnerError, case: ArrayCase) -> CheckResult:
    given = ", ".join(f"{k} {np.shape(v)}" for k, v in case.inputs.items())
    rules = [f"{o.shown} must have shape {o.shape_text(case)}: {o.why}" for o in spec.outputs]
    cause = err.__context__
    which = explain_shape_error(cause, lambda target: _expected_shape(spec, case, target)) \
        if cause is not None else None
    summary = (which if which else
               f"{err} — numpy could not combine the shapes.")
    return CheckResult(
        spec.exercise_id, False, mistake="shape-error", hint=spec.mistake_hints.get("shape-error"),
        summary=summary,
        details=[f"The inputs in this case ({_dims_text(case)}): {given}.", *rules,
                 "Write the shape of every product on paper: (a, b) @ (b, c) gives (a, c), "
                 "and the inner sizes must agree; .T swaps the two axes."])


def _expected_shape(spec: ArraySpec, case: ArrayCase, target):
    """``(shape, name)`` the learner's ``target`` must have in ``case``, if known: an output
    (by name, label, or position in the returned tuple) or a step of the reference's program."""
    kind, key = target
    if kind == "return":
        if spec.returns == "tuple" and key < len(spec.outputs):
            o = spec.outputs[key]
            return o.shape(case), o.shown
        return None
    for o in spec.outputs:
        if key in (o.name, o.label):
            return o.shape(case), o.shown
    program = spec.program
    if program is not None and key in program.names:
        with np.errstate(all="ignore"):
            value = Search(program, [], [case.inputs]).value(key, (), 0)
        if value is not None:
            return value.shape, key
    return None


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
                return _shape_error(spec, err, case)
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
    return _diagnose(spec, cases, mine, ok, wrong, mutated)


def _diagnose(spec, cases, mine, ok, wrong, mutated) -> CheckResult:
    groups = _explain(spec, cases, mine, wrong)          # [(outputs, mistake id, message)]
    primary = next((g for g in groups if g[1]), groups[0])
    o = primary[0][0]
    c = ok[o.name].index(False)
    case = cases[c]
    head = (f"{len(wrong)} of {len(spec.outputs)} outputs are wrong "
            f"({', '.join(w.shown for w in wrong)}). " if len(spec.outputs) > 1 else "")
    which = ", ".join(p.shown for p in primary[0])
    result = CheckResult(spec.exercise_id, False, point=dict(case.dims), n_cases=len(cases),
                         learner_value=mine[c][o.name], expected_value=case.expected[o.name],
                         mistake=primary[1], hint=spec.mistake_hints.get(primary[1]))
    result.summary = head + (f"{which}: {primary[2]}" if primary[2] else
                             f"{which} differs from the expected values.")
    if mine[c][o.name].shape == case.expected[o.name].shape:
        result.details.append(where_wrong(mine[c][o.name], case.expected[o.name], o.shown,
                                          spec.rtol, spec.atol))
    for outs, _mid, message in groups:
        if outs is primary[0]:
            continue
        for other in outs if not message else outs[:1]:
            oc = ok[other.name].index(False)
            text = message or where_wrong(mine[oc][other.name], cases[oc].expected[other.name],
                                          other.shown, spec.rtol, spec.atol)
            result.details.append(f"{', '.join(p.shown for p in outs) if message else other.shown}"
                                  f": {text}")
    if mutated:
        result.details.append(f"Also, your function changed its input "
                              f"{', '.join(mutated)} in place; compute into new arrays.")
    return result


def _explain(spec, cases, mine, wrong) -> list:
    """Greedy cover of the wrong outputs: catalogue mistakes explaining the most outputs
    first (then those matching on every output they change, then catalogue order); then the
    generic probes that name a mistake outright (a transpose, the right numbers in the wrong
    shape, a factor m, a sign); then the edits of the reference's program
    (:mod:`.edits`); then a generic description of each output left."""
    matches = []
    for m in spec.mistakes:
        with np.errstate(all="ignore"):
            outs = [m.outputs(case) for case in cases]
        keys = [o for o in wrong if o.name in outs[0] and all(
            close(mine[c][o.name], np.asarray(outs[c][o.name], dtype=float), spec.rtol,
                  spec.atol) for c in range(len(cases)))]
        if keys:
            changed = [k for k in outs[0] if not close(
                np.asarray(outs[0][k], dtype=float), cases[0].expected[k], spec.rtol,
                spec.atol)]
            complete = len(keys) == len(changed)      # every output it changes matches
            matches.append((m, keys, complete))
    matches.sort(key=lambda mk: (-len(mk[1]), not mk[2]))     # stable: catalogue order next
    groups, covered = [], set()
    partial = [mk for mk in matches if not mk[2]]     # named after the generated edits
    for m, keys, complete in matches:
        new = [o for o in keys if o.name not in covered]
        if new and complete:
            groups.append((new, m.id, m.message))
            covered.update(o.name for o in new)
    generic = {}
    for o in wrong:
        if o.name not in covered:
            generic[o.name] = explain_generic(o, cases, [mi[o.name] for mi in mine],
                                              [c.expected[o.name] for c in cases], spec.rtol,
                                              spec.atol)
            if generic[o.name][1] in _NAMED_OUTRIGHT:
                groups.append(([o], generic[o.name][1], generic[o.name][2]))
                covered.add(o.name)
    left = [o for o in wrong if o.name not in covered]
    if left and spec.program is not None:
        right = [o.name for o in spec.outputs if o not in wrong]
        for names, mid, message in explain_by_edits(spec, cases, mine, [o.name for o in left],
                                                    right):
            groups.append(([o for o in left if o.name in names], mid, message))
            covered.update(names)
    for m, keys, _ in partial:
        new = [o for o in keys if o.name not in covered]
        if new:
            groups.append((new, m.id, m.message))
            covered.update(o.name for o in new)
    for o in wrong:
        if o.name not in covered:
            _, mid, message = generic[o.name]
            groups.append(([o], mid, message))
    return groups


#: generic findings that beat any generated edit (their messages are exact)
_NAMED_OUTRIGHT = ("not-finite", "transposed", "bias-shape", "missing-1/m", "extra-1/m", "sign")


def _dims_text(case: ArrayCase) -> str:
    return ", ".join(f"{k} = {v}" for k, v in case.dims.items())
