"""Every candidate's values at one set of points, computed once and kept.

Rows, in the order they are matched: the exercise's catalogue (``ScalarSpec.mistakes``),
then the generated single edits, then the pairs. A generated row that equals the truth,
is zero everywhere, or repeats an earlier row (the catalogue's included) is left out, so
a catalogued mistake keeps its id and its hand-written message.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from course._grading.diagnosis import edits as E
from course._grading.diagnosis import words
from course._grading.diagnosis.paths import Structure

__all__ = ["CandidateTable", "candidate_table", "Row", "generated_meanings"]

_CACHE: dict = {}          # (id(spec), ids of the point arrays) -> (spec, arrays, table)
_CACHE_SIZE = 48
_LOCK = threading.Lock()   # grading threads share the cache


@dataclass(frozen=True)
class Row:
    """One candidate: its mistake id and either a catalogue ``mistake`` or the ``edits``."""

    id: str
    mistake: object = None
    edits: tuple = ()

    def say(self, ctx: words.Context) -> str:
        texts = [e.say(ctx) for e in self.edits]
        return texts[0] if len(texts) == 1 else words.pair(*texts)


def _close(a, b, rtol: float, atol: float):
    with np.errstate(all="ignore"):
        ok = (np.abs(a - b) <= atol + rtol * np.abs(b)) & np.isfinite(a) & np.isfinite(b)
        ok |= a == b
        ok |= np.isnan(a) & np.isnan(b)
    return ok


class CandidateTable:
    """The candidates of one exercise at one set of points.

    Attributes
    ----------
    rows : list of Row
    values : ndarray (len(rows), n)
    n_catalogue, n_single : int
        Rows ``[0, n_catalogue)`` are the catalogue, then ``n_single`` single edits, then
        the pairs.
    structure : Structure or None
        The graph's factors at the points (for the messages).
    """

    def __init__(self, spec, points: dict, truth: np.ndarray):
        n = len(truth)
        self.structure = None
        rows, values = [], []
        for m in spec.mistakes:
            with np.errstate(all="ignore"):
                v = np.broadcast_to(np.asarray(m.fn(**points), dtype=float), (n,))
            rows.append(Row(m.id, mistake=m))
            values.append(v)
        self.n_catalogue = len(rows)
        self.n_single = 0
        self.singles: list = []
        target = getattr(spec, "graph", None)
        if target is not None:
            with np.errstate(all="ignore"):
                self._generate(spec, target, points, truth, rows, values)
        self.rows = rows
        self.values = np.array(values, dtype=float).reshape(len(rows), n)
        self.truth = truth

    def _generate(self, spec, target, points, truth, rows, values) -> None:
        """Append the single edits, then the pairs, that are new, real mistakes."""
        n = len(truth)
        S = self.structure = Structure(target, points, n)
        base = E.Form(S.paths, (1,) * len(S.paths))
        singles = self.singles = E.singles(S)
        forms = [e.apply(base) for e in singles]
        made = [((e,), f) for e, f in zip(singles, forms) if f is not None]
        n_single = len(made)
        first = {id(e): f for e, f in zip(singles, forms)}
        for a, b in E.pairs(singles):
            if first[id(a)] is not None:
                f = b.apply(first[id(a)])
                if f is not None:
                    made.append(((a, b), f))
        if not made:
            return
        V = E.values([f for _, f in made], n)                             # (m, n)
        useless = (_close(V, truth[None, :], spec.rtol * 10, spec.atol).all(axis=1)
                   | (np.abs(V) <= spec.atol).all(axis=1))
        seen = {self._key(v) for v in values}
        for j, ((edits, _), v) in enumerate(zip(made, V)):
            key = self._key(v)
            if useless[j] or key in seen:
                continue
            seen.add(key)
            rows.append(Row("+".join(e.id for e in edits), edits=edits))
            values.append(v)
            if j < n_single:
                self.n_single += 1

    @staticmethod
    def _key(v: np.ndarray) -> bytes:
        return np.asarray(v, dtype=np.float32).tobytes()

    def match(self, mine: np.ndarray, rtol: float, atol: float):
        """``(row, flipped)`` of the first candidate ``mine`` equals at every point: the
        catalogue, the single edits, the catalogue with the sign flipped, the pairs."""
        if not len(self.rows):
            return None
        ok = _close(mine[None, :], self.values, rtol, atol).all(axis=1)
        c, s = self.n_catalogue, self.n_catalogue + self.n_single
        real = ~_close(self.values, self.truth[None, :], rtol, atol).all(axis=1)
        ok &= real
        for lo, hi in ((0, c), (c, s)):
            hits = np.flatnonzero(ok[lo:hi])
            if hits.size:
                return self.rows[lo + hits[0]], False
        if c:
            # a row that is the truth's negative (a sign mistake) flipped is the truth itself:
            # never "that mistake, and the opposite sign" for an answer near the truth
            negated = _close(-self.values[:c], self.truth[None, :], rtol, atol).all(axis=1)
            flipped = (_close(-mine[None, :], self.values[:c], rtol, atol).all(axis=1)
                       & real[:c] & ~negated)
            if flipped.any():
                return self.rows[int(np.argmax(flipped))], True
        hits = np.flatnonzero(ok[s:])
        return (self.rows[s + hits[0]], False) if hits.size else None


def candidate_table(spec, points: dict, truth: np.ndarray) -> CandidateTable:
    """The table for ``spec`` at ``points``, built once per set of point arrays (the
    checker's points are cached read-only arrays, so the same arrays come back)."""
    arrays = tuple(points[k] for k in sorted(points))
    key = (id(spec), tuple(id(a) for a in arrays))
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is spec and all(a is b for a, b in zip(hit[1], arrays)):
        return hit[2]
    table = CandidateTable(spec, points, truth)
    with _LOCK:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = (spec, arrays, table)
    return table


def generated_meanings(spec) -> dict:
    """Generated single edit id -> what it means (at the worked example), for listings such
    as ``python -m course exercises --mistakes``. Ids the catalogue has keep its meaning."""
    if getattr(spec, "graph", None) is None or not spec.worked:
        return {}
    point = {v: np.array([float(spec.worked.get(v, spec.defaults.get(v, 1.0)))])
             for v in spec.variables}
    with np.errstate(all="ignore"):
        S = Structure(spec.graph, point, 1)
        ctx = words.Context(S, 0, "at the worked example")
        out = {}
        for e in E.singles(S):
            out.setdefault(e.id, e.say(ctx).split(": ")[0])
    return out
