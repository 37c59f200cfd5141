"""Lesson 07 exercises: training with SGD (one module per exercise).

===================  ==========================================================================
``sgd.bce_grad``     :mod:`.bce` — dL/da of the binary cross-entropy (mean over the batch)
``sgd.sgd_step``     :mod:`.step` — one in-place SGD update of an ``MLP``'s weights and biases
``sgd.train``        :mod:`.train_loop` — the training loop, checked by the loss it reaches
===================  ==========================================================================

:mod:`.reference` holds the references, importable by the lesson.
"""

from __future__ import annotations

from course._grading.exercises.sgd import bce, step, train_loop  # noqa: F401  (registers the exercises, in lesson order)
from course._grading.exercises.sgd.reference import bce_grad, sgd_step, train

__all__ = ["bce_grad", "sgd_step", "train"]
