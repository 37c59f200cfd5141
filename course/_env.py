"""Environment switches shared by the library, the notebooks and the grader."""

from __future__ import annotations

import os

#: Set (to "1") by ``python -m course grade``, by the test run and by CI.
#: In grading mode widgets build but never block or animate, and a failing
#: ``check`` in a notebook raises, so a solution whose own checks fail fails the run.
GRADING_ENV = "COURSE_GRADING"


def grading_mode() -> bool:
    """True when running under the grader, the test run or CI."""
    return os.environ.get(GRADING_ENV, "").strip().lower() not in ("", "0", "false", "no")
