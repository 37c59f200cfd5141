"""Lesson 10, exercise 1: ``minibatches(X, y, batch_size, rng)`` -> ``[(X_batch, y_batch), ...]``.

The checker hands in rows that carry their own index (``X[i, 0] == i``) and labels made from
it, so it can read back, batch by batch, *which* examples came and whether each kept its own
label. Named: X shuffled without y, the last partial batch dropped, examples skipped between
batches (a slice step larger than ``batch_size``), no shuffle, examples drawn with
replacement (some twice, some never), batches of the wrong size, the ``rng`` ignored (every
epoch the same order), the caller's X or y shuffled in place.
"""

from __future__ import annotations

import numpy as np

from course._grading.exercises.digits.reference import LESSON, minibatches
from course._grading.guards import LearnerError, call_learner
from course._grading.registry import Exercise, register
from course._grading.result import CheckResult

__all__ = ["CASES", "MEANINGS"]

#: (m, batch_size): a partial last batch, an exact fit, one small batch, many batches
CASES = ((10, 4), (12, 4), (7, 10), (50, 8))
MEANINGS = {
    "shuffled-X-not-y": "X shuffled but y not (or shuffled separately): labels belong to "
                        "other examples",
    "last-batch-dropped": "the last, smaller batch is missing",
    "examples-skipped": "examples skipped between batches (the slices do not start where the "
                        "previous one ended)",
    "not-shuffled": "the batches come in the data's own order",
    "with-replacement": "examples drawn at random with replacement: some twice, some never",
    "wrong-batch-size": "batches of another size than batch_size",
    "ignores-rng": "the same order whatever rng is passed (every epoch the same batches)",
    "not-a-partition": "the batches do not hold every example exactly once",
    "bad-batch": "a batch is not a pair (X_batch, y_batch) of arrays",
    "mutates-input": "the caller's X or y shuffled in place",
}


def _data(m: int):
    X = np.column_stack([np.arange(m, dtype=float), np.arange(m) * 0.5 + 100.0])   # (m, 2)
    y = (np.arange(m) * 7 + 3) % 10                                                 # (m,)
    return X, y


def _collect(answer, m, B, seed, changed=None):
    """The example rows, labels and batch sizes the answer returns; the names of the inputs
    it changed in place go into ``changed``."""
    X, y = _data(m)
    X_in, y_in = X.copy(), y.copy()
    out = call_learner(answer, X_in, y_in, B, np.random.default_rng(seed))
    if changed is not None:
        changed.update(name for name, mine, orig in (("X", X_in, X), ("y", y_in, y))
                       if mine.shape != orig.shape or not np.array_equal(mine, orig))
    try:
        batches = list(out)
    except TypeError:
        raise LearnerError(f"minibatches must return a list (or generator) of (X_batch, "
                           f"y_batch) pairs, but it returned {type(out).__name__}",
                           kind="type") from None
    rows, labels, sizes = [], [], []
    for batch in batches:
        if not (isinstance(batch, (tuple, list)) and len(batch) == 2):
            raise _Bad(f"each batch must be a pair (X_batch, y_batch); one is a "
                       f"{type(batch).__name__}")
        Xb, yb = np.asarray(batch[0], dtype=float), np.asarray(batch[1])
        if Xb.ndim != 2 or Xb.shape[1] != 2 or yb.shape[:1] != Xb.shape[:1]:
            raise _Bad(f"a batch has X_batch of shape {Xb.shape} and y_batch of shape "
                       f"{yb.shape}; with X (m, n) and y (m,) they must be (b, n) and (b,)")
        rows.extend(Xb[:, 0].astype(int).tolist())
        labels.extend(np.ravel(yb).tolist())
        sizes.append(len(Xb))
    return rows, labels, sizes


class _Bad(Exception):
    pass


def _skipped(runs) -> CheckResult | None:
    """Examples missing from the middle: full batches, no repeats, but more examples missing
    than a dropped last batch explains (slices that start batch_size + 1 apart, say)."""
    for m, B, rows, _, sizes in runs:
        missing = m - len(set(rows))
        if (len(sizes) > 1 and len(set(rows)) == len(rows) and missing > 0
                and all(b == B for b in sizes[:-1]) and 0 < sizes[-1] <= B
                and len(rows) != (m // B) * B):
            return CheckResult("minibatch.batches", False, mistake="examples-skipped",
                               n_cases=len(CASES), point={"m": m, "batch_size": B}, summary=(
                f"with m = {m} examples and batch_size = {B}, your {len(sizes)} batches hold "
                f"{len(rows)} examples: {missing} examples are skipped between batches, never "
                "trained on in that epoch. Each slice must start where the previous one "
                f"ended — starts 0, {B}, {2 * B}, … from range(0, m, batch_size) — so the "
                "batches together hold every example once."))
    return None


def _grade(answer, opts) -> CheckResult:
    eid = "minibatch.batches"
    if isinstance(answer, (str, type)) or not callable(answer):
        raise LearnerError("this exercise wants your function minibatches(X, y, batch_size, "
                           f"rng), not a {type(answer).__name__}", kind="type")
    runs, changed = [], set()
    try:
        for m, B in CASES:
            runs.append((m, B, *_collect(answer, m, B, opts.seed + m, changed)))
    except _Bad as err:
        return CheckResult(eid, False, mistake="bad-batch", summary=str(err))

    def fail(mistake, summary, m=None, B=None):
        point = {"m": m, "batch_size": B} if m else None
        return CheckResult(eid, False, mistake=mistake, summary=summary, point=point,
                           n_cases=len(CASES))

    for m, B, rows, labels, sizes in runs:
        _, y = _data(m)
        if sorted(rows) != list(range(m)):
            seen = set(rows)
            skipped = _skipped(runs)
            if skipped is not None:
                return skipped
            if len(rows) == (m // B) * B < m and len(seen) == len(rows):
                return fail("last-batch-dropped", (
                    f"with m = {m} examples and batch_size = {B}, your batches hold {len(rows)} "
                    f"examples: the last {m - len(rows)} are missing. The last batch may be "
                    f"smaller ({m % B} here) — keep it, or those examples are never trained on "
                    "in that epoch."), m, B)
            if len(rows) == m and len(seen) < m:
                return fail("with-replacement", (
                    f"with m = {m}, {m - len(seen)} examples never appear while others appear "
                    "twice or more: you drew indices at random with replacement. "
                    "Shuffle once — a permutation of 0..m−1 — and cut it into batches, so "
                    "every example is seen exactly once per epoch."), m, B)
            return fail("not-a-partition", (
                f"with m = {m}, your batches hold {len(rows)} rows, {len(seen)} of them "
                "different; an epoch's batches must hold every example exactly once."), m, B)
        if any(lab != y[r] for r, lab in zip(rows, labels)):
            return fail("shuffled-X-not-y", (
                f"the rows of X are shuffled, but the labels do not travel with them: in your "
                f"batches example {rows[0]} carries the label {labels[0]}, not its own "
                f"{y[rows[0]]}. Draw ONE permutation and index both X and y with it: "
                "X[order], y[order]."), m, B)
        want = [B] * (m // B) + ([m % B] if m % B else [])
        if sizes != want:
            return fail("wrong-batch-size", (
                f"with m = {m} and batch_size = {B} the batches should have sizes {want}, "
                f"yours have {sizes}."), m, B)
    if all(rows == sorted(rows) for m, B, rows, _, _ in runs if m > B):
        return fail("not-shuffled", (
            "every batch comes in the data's own order (examples 0, 1, 2, ...): shuffle first. "
            "Data files are often sorted (by digit, by date); unshuffled batches then each "
            "see one kind of example and SGD zig-zags."))
    m, B = CASES[-1]
    twice = [_collect(answer, m, B, seed)[0] for seed in (1, 2)]
    if twice[0] == twice[1]:
        return fail("ignores-rng", (
            "two different rngs give exactly the same batches: your function does not use the "
            "rng it is given (a fixed seed inside?). Each epoch would then see the same order. "
            "Shuffle with rng.permutation(m)."), m, B)
    if changed:
        names = " and ".join(sorted(changed))
        return fail("mutates-input", (
            f"your batches are right, but your function shuffles the caller's {names} in place "
            f"(`rng.shuffle(X)`, `X[:] = X[order]`): after an epoch the caller's {names} are in "
            "a different order than before — and a caller who kept y apart from X, or reads "
            "X_train again for the accuracy, gets scrambled data. Index copies instead: "
            "X[order], y[order] make new arrays and leave X and y as they were."))
    return CheckResult(eid, True, n_cases=len(CASES), summary=(
        "correct — every example exactly once per epoch, X and y shuffled together, the last "
        f"partial batch kept (m, batch_size = {', '.join(map(str, CASES))})"))


register(Exercise(
    reference=minibatches,
    forbidden=("course._grading.exercises.digits.reference.minibatches",),
    reveal=r"`order = rng.permutation(len(X))`, then for each start in "
           r"`range(0, len(X), batch_size)` the pair `X[order[start:start + batch_size]]`, "
           r"`y[order[start:start + batch_size]]` — one permutation for both, the last slice "
           r"simply shorter.",
    id="minibatch.batches", lesson=LESSON, answer_name="minibatches",
    title="minibatches(X, y, batch_size, rng) -> [(X_batch, y_batch), ...], shuffled together",
    grade=_grade, answer_kinds="function of (X, y, batch_size, rng)", mistakes=MEANINGS,
    hints=("An epoch visits every example once, in a new random order, batch_size at a time.",
           "Shuffle indices, not arrays: one random order of 0..m−1 (rng.permutation) serves "
           "X and y alike. Then cut it into consecutive slices.",
           "range(0, m, batch_size) gives each slice's start; a slice running past the end "
           "just stops at m — that is the last, smaller batch."),
))
