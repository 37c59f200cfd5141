"""Lesson 05 exercises: the backward pass of the diamond's loss (one module per exercise).

==========================  ========================================================
``backprop.delta_O``        :mod:`.output` — δO = ∂L/∂zO from the cached O and the target y
``backprop.delta_h1``       :mod:`.delta` — δ1 from δ2, δ3, w2, w3 and the cached h1
``backprop.backward``       :mod:`.backward` — the nine ∂L/∂(param) in one backward pass
==========================  ========================================================

:mod:`.catalogue` holds the mistaken backward passes ``backprop.backward`` names;
:mod:`.reference` holds the references (``delta_output``, ``delta_h1``, ``backward``),
importable by the lesson.
"""

from __future__ import annotations

from course._grading.exercises.backprop import backward as _backward  # noqa: F401  (registers the exercises)
from course._grading.exercises.backprop.catalogue import MEANINGS, VARIANTS, Variant
from course._grading.exercises.backprop.delta import DELTA_H1
from course._grading.exercises.backprop.output import DELTA_O
from course._grading.exercises.backprop.reference import (
    backward,
    cache,
    delta_h1,
    delta_output,
    grads_from,
)

__all__ = ["delta_output", "delta_h1", "backward", "cache", "grads_from", "DELTA_O", "DELTA_H1",
           "VARIANTS", "Variant", "MEANINGS"]
