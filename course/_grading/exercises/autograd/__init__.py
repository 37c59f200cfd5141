"""Lesson 08 exercises: autograd from scratch, checked through the learner's ``Value`` class.

==========================  =====================================================================
``autograd.mul_backward``   :mod:`.closures` — the ``_backward`` closure of ``__mul__``
``autograd.tanh_backward``  :mod:`.closures` — ``tanh``: its result and its ``_backward`` closure
``autograd.backward``       :mod:`.traversal` — ``backward()``: seed, topological order, reversed
==========================  =====================================================================

The learner passes the class itself, ``check("autograd.mul_backward", Value)``. The checker
builds nodes with it (``Value(data, _children, _op)``), so each exercise tests only its own
method: the closures run on hand-made nodes, and ``backward()`` runs on graphs whose
closures are the checker's (recording the order in which they are called).
"""

from __future__ import annotations

from course._grading.exercises.autograd import closures, traversal  # noqa: F401  (registers the exercises)
from course._grading.exercises.autograd.graphs import build_diamond, reference_backward

__all__ = ["build_diamond", "reference_backward"]
