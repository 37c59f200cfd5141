"""Checking answers made of arrays (lessons 06-07): see :mod:`.grade` and :mod:`.probes`."""

from __future__ import annotations

from course._grading.arrays.grade import (
    GENERIC_MISTAKES,
    ArrayCase,
    ArrayMistake,
    ArraySpec,
    OutputSpec,
    call_on_copies,
    grade_arrays,
)
from course._grading.arrays.probes import close, ratio_to, where_wrong

__all__ = ["OutputSpec", "ArrayCase", "ArrayMistake", "ArraySpec", "grade_arrays",
           "call_on_copies", "GENERIC_MISTAKES", "close", "ratio_to", "where_wrong"]
