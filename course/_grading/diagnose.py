"""Naming a wrong scalar answer: catalogue and generated edits first, then structural probes.

``diagnose`` is called by ``grade_scalar`` once an answer differs from the reference
somewhere. In order it looks for: a catalogued mistake, or an edit of the graph's sum over
paths (``course._grading.diagnosis``), that agrees with the answer at every point;
non-finite values; right at the worked example only; a constant ratio
(a sign, a constant); a ratio that is exactly a factor (or a product of two) of the
exercise's quantities; agreement (or a missing factor) once a probe switches part of
the computation off; variables the answer never uses.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

import numpy as np

from course._grading.diagnosis import candidate_table
from course._grading.diagnosis.words import Context
from course._grading.points import with_derived
from course._grading.result import CheckResult, format_value

__all__ = ["diagnose", "fill", "factor_ratio", "close", "MAX_FACTORS", "NEAR_RTOL",
           "near_miss"]

#: candidate factors beyond this many are ignored (the pair search grows quadratically)
MAX_FACTORS = 24
_FIELD = re.compile(r"\{(@?\w+)(:[^{}]*)?\}")
#: an answer within this relative difference of the truth everywhere (but outside the
#: exercise's ``rtol``) is "close but not exact": an estimate or a rounded constant, never
#: a structural mistake such as a sign
NEAR_RTOL = 1e-3
_FLOAT32 = ("Your function computes in float32; use float64 (numpy's default) for a check "
            "this exact.")


def fill(message: str, values: dict) -> str:
    """Replace ``{ratio}``, ``{inv_ratio:.3g}`` and point values ``{@w1}``; nothing else.

    Other braces (LaTeX such as ``e^{-z}``) stay as they are.
    """
    def sub(m):
        if m.group(1) not in values:
            return m.group(0)
        return format(values[m.group(1)], (m.group(2) or ":")[1:])
    return _FIELD.sub(sub, message)


def close(a, b, rtol: float, atol: float = 0.0, equal_nan: bool = False):
    """Elementwise ``|a - b| <= atol + rtol·|b|`` (as ``numpy.isclose``, several times
    faster for the short arrays compared here); equal infinities agree."""
    with np.errstate(all="ignore"):
        ok = (np.abs(a - b) <= atol + rtol * np.abs(b)) & np.isfinite(a) & np.isfinite(b)
        ok |= a == b
        if equal_nan:
            ok |= np.isnan(a) & np.isnan(b)
    return ok


def _all_close(a, b, rtol, atol=0.0, equal_nan=False) -> bool:
    return bool(close(a, b, rtol, atol, equal_nan).all())


def near_miss(mine, truth, atol: float = 0.0):
    """The largest relative difference when ``mine`` agrees with ``truth`` to within
    ``NEAR_RTOL`` at every point, else None. Differences are taken relative to ``|truth|``,
    but never to less than a thousandth of the largest ``|truth|`` (so a point where the
    truth is nearly 0 does not make an estimate look far off)."""
    with np.errstate(all="ignore"):
        if not (np.isfinite(mine).all() and np.isfinite(truth).all()):
            return None
        scale = float(np.max(np.abs(truth))) if truth.size else 0.0
        if scale <= atol:
            return None
        rel = np.abs(mine - truth) / np.maximum(np.abs(truth), NEAR_RTOL * scale)
        worst = float(rel.max())
    return worst if worst <= NEAR_RTOL else None


def _digits(rel: float) -> int:
    return max(1, round(-math.log10(rel))) if rel > 0 else 16


def _close_not_exact(spec, rel: float, rtol: float) -> str:
    return (f"your values agree with {spec.quantity} to about {_digits(rel)} digits but not "
            f"exactly (relative difference up to {rel:.1e}) — a finite-difference estimate or "
            f"a rounded constant? The checker wants the exact derivative: it accepts a "
            f"relative difference of at most {rtol:.0e} at every point")


def _message(mistake, values: dict) -> str:
    if callable(mistake.message):
        return mistake.message(values)
    return fill(mistake.message, values)


def _candidates(spec, env: dict) -> dict:
    """Named arrays that might be a missing or extra factor (constants left out)."""
    if spec.factors is not None:
        with np.errstate(all="ignore"):
            found = dict(spec.factors(env))
    else:
        found = {k: env[k] for k in (*spec.variables, *spec.derived_names) if k in env}
    out = {}
    for name, arr in found.items():
        arr = np.asarray(arr, dtype=float)
        if arr.ndim == 1 and np.isfinite(arr).all() and np.ptp(arr) > 1e-9:
            out[name] = arr
        if len(out) >= MAX_FACTORS:
            break
    return out


def factor_ratio(mine, truth, candidates: dict, rtol: float = 1e-7):
    """``(kind, names, sign)`` when ``mine / truth`` is exactly a candidate (or a product
    of two) or its reciprocal; ``kind`` is ``"missing"`` or ``"extra"``. Else ``None``."""
    use = np.isfinite(mine) & np.isfinite(truth) & (np.abs(truth) > 1e-300)
    if use.sum() < 3 or not candidates:
        return None
    r = mine[use] / truth[use]
    names = list(candidates)
    F = np.stack([candidates[k][use] for k in names])                 # (k, n)
    singles = [((a,), F[i]) for i, a in enumerate(names)]
    pairs = [((names[i], names[j]), F[i] * F[j])
             for i in range(len(names)) for j in range(i, len(names))]
    for group in (singles, pairs):
        P = np.stack([p for _, p in group])                             # (m, n)
        for sign in (1.0, -1.0):
            extra = close(r, sign * P, rtol).all(axis=1)
            missing = close(r * P, sign, rtol).all(axis=1)
            for kind, hit in (("missing", missing), ("extra", extra)):
                if hit.any():
                    return kind, group[int(np.argmax(hit))][0], sign
    return None


def _factor_text(found, values: dict | None = None) -> str:
    kind, names, sign = found
    product = f"{names[0]}²" if len(names) == 2 and names[0] == names[1] else "·".join(names)
    at = ""
    if values is not None and all(f"@{n}" in values for n in names):
        v = float(np.prod([values[f"@{n}"] for n in names]))
        at = f" (= {format_value(v)} at the point shown)"
    text = (f"your value is missing the factor {product}{at}" if kind == "missing"
            else f"your value has an extra factor {product}{at}")
    return text + (", and its sign is flipped" if sign < 0 else "")


def _probe_findings(spec, ev, pts, rtol, known=None) -> list[str]:
    n = len(pts[spec.variables[0]])
    agreed: dict[str, list[str]] = {}
    off: dict[tuple, list[str]] = {}
    for probe in spec.probes:
        sub = {**pts, **{k: np.full(n, float(v)) for k, v in probe.overrides.items()}}
        with np.errstate(all="ignore"):
            truth = np.broadcast_to(np.asarray(spec.reference(**sub), dtype=float), (n,))
            if (np.abs(truth) <= spec.atol).all():
                continue                                   # nothing left to compare
            env = with_derived(spec, sub)
            mine = ev(env)
        when = " and ".join(f"{k} = {format_value(v)}" for k, v in probe.overrides.items())
        if (np.isfinite(mine) & close(mine, truth, rtol, spec.atol)).all():
            agreed.setdefault(probe.finding, []).append(when)
            continue
        found = factor_ratio(mine, truth, _candidates(spec, env))
        if found and found != known:
            label = probe.label or "when {when}"
            off.setdefault((label, _factor_text(found)), []).append(when)
    lines = [fill(f, {"when": " or ".join(w)}) for f, w in agreed.items()]
    lines += [f"{fill(label, {'when': ' or '.join(w)})}, {text}."
              for (label, text), w in off.items()]
    # each is a sentence of its own
    return [line[:1].upper() + line[1:] + ("" if line.endswith((".", "!", "?")) else ".")
            for line in lines]


def _unused(spec, ev, pts) -> Iterator[str]:
    used = set(ev.names)
    base = with_derived(spec, pts)
    for v in spec.variables:
        if v in used or v in spec.defaults:
            continue
        moved = {**pts, v: pts[v] * 1.37 + 0.11}
        with np.errstate(all="ignore"):
            ref_moves = not _all_close(spec.reference(**moved), spec.reference(**pts), 1e-9,
                                       1e-300, equal_nan=True)
            if ev.uses_derived:
                env = with_derived(spec, moved)
                if any(not _all_close(env[d], base[d], 1e-9) for d in ev.uses_derived):
                    used.add(v)                # reaches the answer through z1, h1, ...
        if ref_moves and v not in used:
            yield v


def _named(exercise_id, spec, pts, truth, mine, rtol, values, bad):
    """``(id, message, hint, flipped)`` of the catalogued or generated mistake that ``mine``
    equals at every point, or None (``course._grading.diagnosis``)."""
    table = candidate_table(spec, pts, truth)
    found = table.match(mine, rtol * 10, spec.atol)
    if found is None:
        return None
    row, flipped = found
    if row.mistake is not None:
        m = row.mistake
        return m.id, _message(m, values), m.hint, flipped
    where = "at the worked example" if values["worked"] else "at the point shown"
    return row.id, row.say(Context(table.structure, bad, where)), None, False


def _roundings(value: float) -> Iterator[str]:
    """``value`` written with 1 to 6 significant digits, as a learner rounds it."""
    for digits in range(1, 7):
        text = f"{value:.{digits}g}"
        if float(text) != value:
            yield text


def rounded_constant(k: float, constants: dict) -> str | None:
    """"write 2/3 exactly, not 0.6667" when rounding one or two of ``constants`` (name ->
    exact value) gives the factor ``k`` (to 1e-9), else None."""
    single = [(f"write {name} exactly, not {text}", float(text) / exact)
              for name, exact in constants.items() for text in _roundings(exact)]
    says = [say for say, ratio in single if math.isclose(k, ratio, rel_tol=1e-9)]
    if says:                          # 1.716·(2/3) is 1.144: both roundings explain it
        return " (or ".join(says) + ")" * (len(says) - 1)
    for i, (say, ratio) in enumerate(single):
        for other, ratio2 in single[i + 1:]:
            if say.split()[1] != other.split()[1] and math.isclose(k, ratio * ratio2,
                                                                   rel_tol=1e-9):
                return f"{say} and {other.removeprefix('write ')}"
    return None


def held_note(held: dict) -> str:
    """Why some variables do not vary at the point shown: the answer never names them."""
    names = ", ".join(held)
    values = ", ".join(f"{k} = {format_value(v)}" for k, v in held.items())
    one = len(held) == 1
    return (f"Your answer does not use {names}, so the checker kept {'it' if one else 'them'} "
            f"at the worked example's value{'' if one else 's'} ({values}) at every point.")


def diagnose(exercise_id, spec, ev, pts, truth, mine, ok, rtol) -> CheckResult:
    """A failed ``CheckResult`` naming what is wrong with ``mine`` (see the module doc)."""
    n = len(truth)
    finite = np.isfinite(mine)
    # the point shown: the first non-finite value, else the first wrong point (the worked
    # example when the answer is wrong there)
    bad = int(np.argmin(finite)) if not finite.all() else int(np.argmin(ok))
    shown = {ev.spelled(v): float(pts[v][bad]) for v in spec.variables
             if v in ev.names or v not in spec.defaults}
    env = with_derived(spec, pts)
    ratio = mine[bad] / truth[bad] if truth[bad] else float("nan")
    values = {"ratio": ratio, "inv_ratio": 1 / ratio if ratio else float("nan"),
              "worked": bool(spec.worked) and bad == 0,
              **{f"@{k}": float(env[k][bad]) for k in (*spec.variables, *spec.derived_names)
                 if k in env}}
    result = CheckResult(exercise_id, False, point=shown, learner_value=float(mine[bad]),
                         expected_value=float(truth[bad]), n_cases=n)
    held = {k: v for k, v in spec.defaults.items() if k not in ev.names}
    if held:
        result.details.append(held_note(held))
    if ev.uses_derived:
        result.details.append("From the forward pass at that point: " + ", ".join(
            f"{k} = {format_value(env[k][bad])}" for k in ev.uses_derived) + ".")

    named = _named(exercise_id, spec, pts, truth, mine, rtol, values, bad)
    # close everywhere: an estimate or a rounded constant, never a structural mistake —
    # unless a mistake as close to the truth (a catalogued rounding) matches it exactly
    rel = near_miss(mine, truth, spec.atol)
    if rel is not None and (named is None or named[3]):
        k = mine / np.where(truth == 0, np.nan, truth)
        k = k[np.isfinite(k)]
        rounded = (rounded_constant(float(k[0]), spec.constants)
                   if k.size > 2 and _all_close(k, k[0], 1e-7) else None)
        if rounded is not None:
            result.mistake = "rounded-constant"
            result.summary = (f"your answer is {k[0]:.7g}× the correct value at every point: "
                              f"{rounded}. The check accepts exact forms only")
        else:
            result.mistake = "close-not-exact"
            result.summary = _close_not_exact(spec, rel, rtol)
        if ev.low_precision:
            result.details.append(_FLOAT32)
        return result

    if named is not None:
        result.mistake, result.summary, hint, flipped = named
        result.hint = hint
        if flipped:
            result.details.insert(0, "Besides, your value has the opposite sign.")
        return result

    if not finite.all():
        at = ", ".join(f"{v}={format_value(pts[v][bad])}" for v in ev.names if v in pts)
        result.mistake = "non-finite"
        result.summary = f"your answer gives {mine[bad]} at {at or 'some points'}"
        result.details.append("Look for a division by zero, a log of a negative number or an "
                              "exp that overflows.")
        return result

    right_at_worked = bool(spec.worked) and ok[0] and not ok[1:].all()
    r = mine / np.where(truth == 0, np.nan, truth)
    finite_r = r[np.isfinite(r)]
    found = None
    if finite_r.size > 2 and _all_close(finite_r, finite_r[0], 1e-7):
        k = finite_r[0]
        rounded = rounded_constant(k, spec.constants)
        if np.isclose(k, -1.0):
            result.mistake, result.summary = "sign", "your answer has the wrong sign everywhere"
        elif rounded is not None or abs(k - 1) < 1e-3:
            result.mistake = "rounded-constant"
            result.summary = (
                f"your answer is {k:.7g}× the correct value at every point: "
                + (rounded or "a constant is rounded") + ". The check accepts exact forms "
                "only: fractions as fractions (2/3, not 0.6667), the lesson's constants with "
                "all their digits")
        else:
            result.mistake = "constant-factor"
            result.summary = (
                f"your answer is off by a constant factor: exactly {k:.6g}× the correct value "
                "at every point — a constant (a 2, a ½, a 1 that should not be there) is off")
    else:
        found = factor_ratio(mine, truth, _candidates(spec, env))
        if found:
            result.mistake = f"{found[0]}-factor"
            result.summary = _factor_text(found, values) + " at every point"
            if right_at_worked:
                result.details.append("That factor is 1 at the worked example: that is why "
                                      "your answer is right there.")
        elif right_at_worked:
            result.mistake = "only-right-at-one-point"
            result.summary = (f"your answer is right at the worked example but wrong elsewhere "
                              f"— {spec.quantity} must hold for every input and weight"
                              + (" and every target y" if "y" in spec.variables else ""))
    if not result.summary:
        result.summary = f"{spec.quantity} does not match at {int((~ok).sum())} of {n} points"
    if result.mistake not in ("sign", "constant-factor"):
        result.details.extend(_probe_findings(spec, ev, pts, rtol, known=found))
    missing = list(_unused(spec, ev, pts))
    if missing:
        result.details.append(
            f"Your answer never uses {', '.join(missing)}, but {spec.quantity} depends on "
            f"{'it' if len(missing) == 1 else 'them'}.")
    if ev.low_precision:
        result.details.append(_FLOAT32)
    return result
