"""Lesson 05 exercises: the backward pass of the diamond (one module per exercise).

==========================  ========================================================
``backprop.delta_h1``       :mod:`.delta` — δ1 from δ2, δ3, w2, w3 and the cached h1
``backprop.backward``       :mod:`.backward` — all nine gradients in one backward pass
==========================  ========================================================

:mod:`.catalogue` holds the mistaken backward passes ``backprop.backward`` names;
:mod:`.reference` holds the references (``delta_h1``, ``backward``), importable by the lesson.
"""

from __future__ import annotations

from course._grading.exercises.backprop import backward as _backward  # noqa: F401  (registers the exercises)
from course._grading.exercises.backprop.catalogue import MEANINGS, VARIANTS, Variant
from course._grading.exercises.backprop.delta import DELTA_H1
from course._grading.exercises.backprop.reference import backward, cache, delta_h1, grads_from

__all__ = ["delta_h1", "backward", "cache", "grads_from", "DELTA_H1", "VARIANTS", "Variant",
           "MEANINGS"]
