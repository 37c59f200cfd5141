"""The points an answer is checked at: the worked example, fixed points, random ones.

``sample_points`` draws them (once per spec and seed: the arrays are read-only and
shared), holding the variables an answer does not name at their defaults;
``with_derived`` adds the values an exercise computes from them (the forward pass).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["sample_points", "with_derived"]

_SAMPLES: dict = {}      # (id(spec), seed, n_cases) -> (spec, read-only points): a few kept


def sample_points(spec, opts, names: Sequence[str] = ()) -> dict:
    """Worked example first, then extra points, then random ones; held defaults applied.

    Variables in ``spec.defaults`` that are not in ``names`` (the answer does not name
    them) are held at their default at every point. The arrays are read-only (the same
    seed gives the same points, so they are drawn once and shared).
    """
    key = (id(spec), opts.seed, opts.n_cases)
    cached = _SAMPLES.get(key)
    if cached is None or cached[0] is not spec:
        rng = np.random.default_rng(opts.seed)
        rows = [p for p in ([spec.worked] if spec.worked else []) + list(spec.extra_points)]
        random_part = spec.sample(rng, opts.n_cases)
        drawn = {}
        for v in spec.variables:
            fixed = [float(r.get(v, spec.defaults.get(v, 1.0))) for r in rows]
            arr = np.concatenate([np.array(fixed), np.asarray(random_part[v], dtype=float)])
            arr.flags.writeable = False
            drawn[v] = arr
        held = {}
        for v, value in spec.defaults.items():
            arr = np.full(len(drawn[v]), float(value))
            arr.flags.writeable = False
            held[v] = arr
        if len(_SAMPLES) > 64:
            _SAMPLES.clear()
        cached = _SAMPLES[key] = (spec, drawn, held)
    _, drawn, held = cached
    pts = dict(drawn)
    for v in spec.defaults:             # names the answer does not use stay held
        if v not in names:
            pts[v] = held[v]
    return pts


def with_derived(spec, pts: dict) -> dict:
    """``pts`` plus the derived values (the forward pass) an answer may name."""
    if spec.derived is None:
        return pts
    with np.errstate(all="ignore"):
        extra = spec.derived(pts)
    return {**pts, **{k: np.asarray(extra[k], dtype=float) for k in spec.derived_names}}
