"""Small 2-D binary classification problems, made on the spot (no downloads).

Every maker returns ``(X, y)`` with ``X`` of shape (n, 2) and ``y`` of shape (n, 1) holding
0.0 or 1.0, shuffled, with the classes as balanced as n allows (n // 2 and n - n // 2).
``noise`` is the standard deviation of Gaussian noise added to each coordinate, and the
same ``seed`` always gives the same points.

=============  ==========================================================  ===============
name           shape                                                       needs
=============  ==========================================================  ===============
``xor``        four blobs at (+-1, +-1); label 1 where x1 * x2 < 0           one hidden layer
``moons``      two interleaving half circles                               a curved border
``circles``    a ring (label 0) around a smaller ring (label 1)            a closed border
``spirals``    two arms winding around each other                          a deeper net
=============  ==========================================================  ===============

One real data set is bundled instead of made: ``load("digits")`` gives the 1,797 8×8
handwritten digits (``course.nn.digits``: ``X`` (1797, 64) in [0, 1], ``y`` labels 0..9).
"""

from __future__ import annotations

import numpy as np

from course.nn.digits import load_digits

__all__ = ["make_xor", "make_moons", "make_circles", "make_spirals", "DATASETS", "BUNDLED",
           "load"]


def _check(n, noise, minimum=2):
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < minimum:
        raise ValueError(f"n must be a whole number of points >= {minimum}, got {n!r}.")
    if not noise >= 0:
        raise ValueError(f"noise is a standard deviation and must be >= 0, got {noise!r}.")


def _finish(points: list, labels: list, noise: float, rng):
    """Stack the classes, add noise, shuffle: ``X`` (n, 2), ``y`` (n, 1) as float64."""
    X = np.concatenate(points).astype(np.float64)
    y = np.concatenate(labels).astype(np.float64).reshape(-1, 1)
    X += rng.normal(0.0, noise, size=X.shape) if noise > 0 else 0.0
    order = rng.permutation(len(X))
    return X[order], y[order]


def _split(n: int):
    """Class sizes (n // 2 of class 0, the rest class 1)."""
    return n // 2, n - n // 2


def make_xor(n=200, noise=0.1, seed=0):
    """XOR: blobs at (-1,-1), (1,1) (label 0) and (-1,1), (1,-1) (label 1)."""
    _check(n, noise, minimum=4)
    rng = np.random.default_rng(seed)
    points, labels = [], []
    for label, count, centres in zip((0, 1), _split(n), ([(-1, -1), (1, 1)], [(-1, 1), (1, -1)]),
                                     strict=True):
        per_centre = (count // 2, count - count // 2)
        for (cx, cy), k in zip(centres, per_centre, strict=True):
            points.append(np.tile([cx, cy], (k, 1)))
            labels.append(np.full(k, label))
    return _finish(points, labels, noise, rng)


def make_moons(n=200, noise=0.1, seed=0):
    """Two half circles: the upper one (label 0) and a lower one shifted to interleave."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    n0, n1 = _split(n)
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])
    return _finish([upper, lower], [np.zeros(n0), np.ones(n1)], noise, rng)


def make_circles(n=200, noise=0.05, factor=0.5, seed=0):
    """A circle of radius 1 (label 0) around one of radius ``factor`` (label 1)."""
    _check(n, noise)
    if not 0 < factor < 1:
        raise ValueError(f"factor is the inner radius and must be in (0, 1), got {factor!r}.")
    rng = np.random.default_rng(seed)
    n0, n1 = _split(n)
    t0 = np.linspace(0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, n1, endpoint=False)
    outer = np.column_stack([np.cos(t0), np.sin(t0)])
    inner = factor * np.column_stack([np.cos(t1), np.sin(t1)])
    return _finish([outer, inner], [np.zeros(n0), np.ones(n1)], noise, rng)


def make_spirals(n=300, noise=0.05, turns=1.5, seed=0):
    """Two spiral arms, the second the first rotated by half a turn.

    A point at radius r in (0, 1] sits at angle ``2 pi turns r`` (+ pi for label 1), so
    neighbouring arms are ``1 / (2 turns)`` apart along a ray: more turns, harder problem.
    """
    _check(n, noise)
    if not turns > 0:
        raise ValueError(f"turns must be > 0 (e.g. 1.5), got {turns!r}.")
    rng = np.random.default_rng(seed)
    arms = []
    for label, count in enumerate(_split(n)):
        r = np.linspace(0.1, 1.0, count)                 # start off-centre: arms stay apart
        t = 2 * np.pi * turns * r + label * np.pi
        arms.append(np.column_stack([r * np.cos(t), r * np.sin(t)]))
    n0, n1 = _split(n)
    return _finish(arms, [np.zeros(n0), np.ones(n1)], noise, rng)


#: name -> maker; every maker takes ``n``, ``noise`` and ``seed`` keywords
DATASETS = {"xor": make_xor, "moons": make_moons, "circles": make_circles,
            "spirals": make_spirals}


#: name -> loader of a data set shipped with the package (read from disk, never downloaded)
BUNDLED = {"digits": load_digits}


def load(name: str, **kwargs):
    """Make a dataset by name, e.g. ``load("moons", n=300, noise=0.2)``, or read a bundled
    one, ``load("digits")``.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the known ones).
    """
    try:
        maker = DATASETS.get(name) or BUNDLED[name]
    except (KeyError, TypeError):
        known = ", ".join(sorted([*DATASETS, *BUNDLED]))
        raise ValueError(
            f"unknown dataset {name!r}; choose one of: {known} "
            "(made locally or bundled; nothing is downloaded)"
        ) from None
    return maker(**kwargs)
