"""Lesson 07 exercises: training with SGD (one module per exercise).

=====================  ========================================================================
``sgd.bce_grad``       :mod:`.bce` — dL/da of the binary cross-entropy (mean over the batch)
``sgd.output_deltas``  :mod:`.deltas` — dL/dz of a sigmoid output, cross-entropy and squared error
``sgd.sgd_step``       :mod:`.step` — one in-place SGD update of an ``MLP``'s weights and biases
``sgd.train``          :mod:`.train_loop` — the training loop, checked by the loss it reaches
``sgd.train_step``     :mod:`.train_step` — one step of a 2-layer net: forward, backward, update
=====================  ========================================================================

:mod:`.reference` holds the references, importable by the lesson.
"""

from __future__ import annotations

from course._grading.exercises.sgd import (  # noqa: F401  (registers the exercises, in lesson order)
    bce,
    deltas,
    step,
    train_loop,
    train_step,
)
from course._grading.exercises.sgd.reference import bce_grad, sgd_step, train

__all__ = ["bce_grad", "sgd_step", "train"]
