"""Running one operation of a learner's ``Value`` class: in the public drivers
(``course._grading.drivers.autograd``); this module keeps the old name."""

from __future__ import annotations

from course._grading.drivers.autograd import as_value_class

__all__ = ["as_value_class"]
