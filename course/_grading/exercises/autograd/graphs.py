"""Graphs built from any micrograd-style ``Value`` class with the checker's own closures.

They live in the public drivers (``course._grading.drivers.autograd``), which build them in
the grading sandbox from the learner's class; this module keeps the old names.
"""

from __future__ import annotations

from course._grading.drivers.autograd import (
    Ops,
    OrderedChildren,
    build_chain,
    build_diamond,
    build_two_chains,
    build_two_depths,
    reference_backward,
    topological,
)

__all__ = ["Ops", "OrderedChildren", "build_diamond", "build_two_depths", "build_two_chains",
           "build_chain", "reference_backward", "topological"]
