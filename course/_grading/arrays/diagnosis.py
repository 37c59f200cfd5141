"""Why a wrong array answer is wrong: output by output, the best explanation found.

:func:`diagnose` covers the wrong outputs greedily with, in order: the exercise's hand
catalogue (entries that explain everything they change), the generic findings that are exact
(NaN, a transpose, the right numbers in the wrong shape, a factor m, a sign), the generated
edits of the reference's program (:mod:`.search`), catalogue entries that explain only part
of what they change, and finally a description of where each remaining output differs.
:func:`shape_error_result` explains a numpy shape error from the learner's failing line
(:mod:`.shapes`).
"""

from __future__ import annotations

import numpy as np

from course._grading.arrays.probes import close, explain_generic, where_wrong
from course._grading.arrays.program import render, variables
from course._grading.arrays.search import Search, explain_by_edits
from course._grading.arrays.shapes import explain_shape_error
from course._grading.result import CheckResult

__all__ = ["diagnose", "shape_error_result"]


def shape_error_result(spec, err, case) -> CheckResult:
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


def _expected_shape(spec, case, target):
    """``(shape, name, meant)`` the learner's ``target`` must have in ``case``, if known: an
    output (by name, label, or position in the returned tuple) or a step of the reference's
    program; ``meant`` is the reference's line for it (``""`` when there is no program)."""
    kind, key = target
    site = None
    if kind == "return":
        if spec.returns != "tuple" or key >= len(spec.outputs):
            return None
        o = spec.outputs[key]
        shape, name = o.shape(case), o.shown
    else:
        o = next((o for o in spec.outputs if key in (o.name, o.label)), None)
        if o is None and (spec.program is None or key not in spec.program.names):
            return None
        if o is None:
            site = key
            with np.errstate(all="ignore"):
                value = Search(spec.program, [], [case.inputs]).value(key, (), 0)
            if value is None:
                return None
            shape, name = value.shape, key
        else:
            shape, name = o.shape(case), o.shown
    if site is None and o is not None and spec.program is not None:
        site = spec.program.outputs.get(o.name)
    return shape, name, _meant(spec.program, site) if site else ""


def _meant(program, site) -> str:
    """``delta1 = dA1 * sigmoid_prime(Z1), with dA1 = delta2 @ W2.T``: the reference's line for
    ``site`` and the lines of the intermediate arrays it reads."""
    expr = program.expr(site)
    reads = [n for n in program.names if n in variables(expr) and n not in
             program.outputs.values()]
    line = f"{site} = {render(expr)}"
    return line + "".join(f", with {n} = {render(program.expr(n))}" for n in reads)


def diagnose(spec, cases, mine, ok, wrong, mutated) -> CheckResult:
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


def _dims_text(case) -> str:
    return ", ".join(f"{k} = {v}" for k, v in case.dims.items())
