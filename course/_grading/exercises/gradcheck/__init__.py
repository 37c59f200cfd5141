"""Lesson 04 exercises: gradient checking (one module per exercise).

=============================  ==================================================================
``gradcheck.numerical_gradient``  :mod:`.numerical` — central differences for named parameters
``gradcheck.relative_error``      :mod:`.relative` — ``|a − b| / max(|a| + |b|, 1e-12)``
``gradcheck.loss_check``          :mod:`.loss` — gradient check the loss L = ½(O − y)²
``gradcheck.find_bug``            :mod:`.bugs` — name the wrong entry of a loss backward function
=============================  ==================================================================

The references are importable for the lesson's pictures (``numerical_gradient``,
``relative_error``, ``find_bug``), and so is the lesson's ``buggy_gradient``.
"""

from __future__ import annotations

from course._grading.exercises.gradcheck.bugs import BUGS, Bug, buggy_gradient, find_bug
from course._grading.exercises.gradcheck.numerical import CASES, NG_MISTAKES, numerical_gradient
from course._grading.exercises.gradcheck.relative import RE_CASES, RE_MISTAKES, relative_error

__all__ = ["numerical_gradient", "relative_error", "find_bug", "buggy_gradient", "Bug", "BUGS",
           "CASES", "NG_MISTAKES", "RE_CASES", "RE_MISTAKES"]
