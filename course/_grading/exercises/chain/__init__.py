"""Lesson 02 exercises: a central difference, and the chain rule through a 1-1-1 chain.

The chain (sigmoid ``s`` everywhere, biases 1 unless the answer names them)::

    x --w1--> h --w2--> y        z1 = w1·x + b1, h = s(z1), z2 = w2·h + b2, y = s(z2)

    dy/dw2 = s'(z2)·h                 dy/dw1 = s'(z2)·w2·s'(z1)·x

Modules: ``reference`` (the chain and its true derivatives), ``central``
(``chain.central_difference``), ``rule`` (``chain.dy_dw2``, ``chain.dy_dw1``); importing
the package registers the three exercises in lesson order.
"""

from course._grading.exercises.chain.central import CASES, CD_MISTAKES, central_difference
from course._grading.exercises.chain.reference import (
           DERIVED,
           LESSON,
           VARIABLES,
           WORKED,
           dy_dw1,
           dy_dw2,
           forward,
)
from course._grading.exercises.chain.rule import DY_DW1, DY_DW2

__all__ = ["CASES", "CD_MISTAKES", "DERIVED", "DY_DW1", "DY_DW2", "LESSON", "VARIABLES",
           "WORKED", "central_difference", "dy_dw1", "dy_dw2", "forward"]
