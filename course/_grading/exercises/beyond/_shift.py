"""The softmax's stability beyond the maximum: a row whose own logits lie 1000s apart.

Subtracting any per-row constant c leaves the softmax unchanged on paper, but only
``c = max(z)`` keeps every exponent ≤ 0 (no overflow) with one exponent exactly 0 (no 0/0).
A learner who subtracts the row's minimum, mean or first logit is right while the logits of
a row are close together and gets NaN once they lie 1000s apart; :func:`shift_not_max` says
which shift reproduces the rows that came out NaN, each row handed in alone.
"""

from __future__ import annotations

import numpy as np

from course._grading.arrays import ArrayCase, call_on_copies
from course._grading.guards import LearnerError
from course._grading.result import CheckResult

__all__ = ["learner_p", "shift_not_max"]

#: what a learner subtracts instead of the row's maximum: (words, the shift per row)
_SHIFTS = (("the row's minimum", lambda Z: Z.min(axis=1, keepdims=True)),
           ("the row's mean", lambda Z: Z.mean(axis=1, keepdims=True)),
           ("the row's first logit", lambda Z: Z[:, :1]),
           ("the row's median", lambda Z: np.median(Z, axis=1, keepdims=True)))


def _shifted_softmax(Z, shift):
    with np.errstate(all="ignore"):
        E = np.exp(Z - shift(Z))
        return E / E.sum(axis=1, keepdims=True)


def learner_p(answer, case):
    """The learner's P on a case (NaN where a math.exp overflowed), or None if unusable."""
    try:
        out, _ = call_on_copies(answer, case.inputs)
        return np.asarray(out if not isinstance(out, (tuple, list)) else out[0], dtype=float)
    except LearnerError as err:
        if "OverflowError" in str(err):           # math.exp(1000): the same overflow as NaN
            return np.full(case.expected[next(iter(case.expected))].shape, np.nan)
        return None
    except (TypeError, ValueError):
        return None


def _finite_rows(fn, Z) -> list[bool]:
    """Which rows of Z come out finite when ``fn`` gets them one at a time."""
    rows = []
    for i in range(len(Z)):
        case = ArrayCase({"Z": Z[i:i + 1]}, {}, {"P": Z[i:i + 1]})
        P = learner_p(fn, case) if fn is not None else None
        rows.append(P is not None and bool(np.isfinite(P).all()))
    return rows


def shift_not_max(exercise_id: str, answer, cases) -> CheckResult:
    """Right unless a row's own logits are 1000s apart: a shift other than the maximum."""
    mine = [_finite_rows(answer, c.inputs["Z"]) for c in cases]
    words, shift = next(((w, f) for w, f in _SHIFTS if mine == [
        [bool(np.isfinite(_shifted_softmax(c.inputs["Z"][i:i + 1], f)).all())
         for i in range(len(c.inputs["Z"]))] for c in cases]), (None, _SHIFTS[0][1]))
    c, row = next((c, i) for c, rows in zip(cases, mine) for i, ok in enumerate(rows)
                  if not ok) if not all(map(all, mine)) else (cases[0], 0)
    Z = c.inputs["Z"]
    did = f"you subtracted {words}" if words else "you subtracted something other than the " \
                                                  "row's maximum"
    big = float(np.max(Z[row]) - shift(Z)[row, 0])
    shown = "[" + ", ".join(f"{v:.1f}" for v in Z[row]) + "]"
    return CheckResult(exercise_id, False, mistake="shift-not-max", n_cases=len(cases), summary=(
        f"right while a row's logits are close together, but NaN for the row "
        f"z = {shown}: {did}, which leaves an exponent of "
        f"about {big:.0f} — e^{big:.0f} overflows to inf, and inf/inf is NaN. Subtract the "
        "row's maximum: then the largest exponent is exactly 0 and every other one is "
        "negative, however far apart the logits are — np.exp(Z - Z.max(axis=1, "
        "keepdims=True))."))
