"""The 8×8 handwritten digits, bundled with the course (no download), and a fixed split.

``load_digits()`` returns ``X`` of shape (1797, 64), float64 in [0, 1] (each pixel's count
0..16 divided by 16; an image is ``X[k].reshape(8, 8)``, row by row), and ``y`` of shape
(1797,), the digit 0..9 as int64 labels (not one-hot: ``one_hot`` in ``course.nn.softmax``
turns them into rows). The data is the UCI optdigits test set that scikit-learn ships;
``course/nn/data/README.md`` gives its provenance and licence.

``train_test_split(X, y)`` is the course's one split: for every digit, a seeded shuffle of
its images, then the last quarter of them held out. Always the same 1,347 training and
450 test images (44 to 46 of each digit), so accuracies in the lessons and the checker compare.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["load_digits", "train_test_split", "DATA_FILE", "N_CLASSES"]

#: the bundled file: ``images`` (1797, 64) uint8 in 0..16 and ``labels`` (1797,) uint8
DATA_FILE = Path(__file__).resolve().parent / "data" / "digits.npz"
N_CLASSES = 10


def load_digits(dtype=np.float64):
    """``(X, y)``: ``X`` (1797, 64) in [0, 1] of ``dtype``, ``y`` (1797,) int64 labels 0..9."""
    try:
        with np.load(DATA_FILE) as data:
            images, labels = data["images"], data["labels"]
    except FileNotFoundError:
        raise FileNotFoundError(
            f"the bundled digits file {DATA_FILE} is missing: the course was installed without "
            "its package data. Reinstall it (pip install -e . from the repository, or the wheel)."
        ) from None
    X = images.astype(dtype) / 16.0          # (1797, 64), pixel counts 0..16 -> [0, 1]
    return X, labels.astype(np.int64)


def train_test_split(X, y, test_fraction=0.25, seed=0):
    """``(X_train, y_train, X_test, y_test)``: the same fraction of every class held out.

    Within each class the examples are shuffled with ``seed`` and the last
    ``round(test_fraction * count)`` go to the test set; both sets are then shuffled.
    With the defaults on the digits: 1,347 training and 450 test images.
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)} labels; one label per row.")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction!r}.")
    rng = np.random.default_rng(seed)
    train_idx, test_idx = [], []
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        n_test = int(round(test_fraction * len(members)))
        train_idx.append(members[: len(members) - n_test])
        test_idx.append(members[len(members) - n_test:])
    train_idx = rng.permutation(np.concatenate(train_idx))
    test_idx = rng.permutation(np.concatenate(test_idx))
    return X[train_idx], y[train_idx], X[test_idx], y[test_idx]
