"""A course that teaches backpropagation in Jupyter.

``import course`` stays light: plotting, widgets and the exercise catalogue are
imported on first use.

Main entry points
-----------------
``course.check(exercise_id, answer)``  check an answer and name the mistake
``course.hint(exercise_id)``           reveal the next hint
``course.progress()``                  a table of the whole course
``course.reset(exercise_id)``          an exercise's answer cell as shipped, to start afresh
``course.nn``                          the subject: activations, networks, autograd, mlp...
``course.nn.networks.DiamondNet``         the worked example's network
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_LAZY_FUNCS = {
    "check": "course.checks",
    "run_check": "course.checks",
    "hint": "course.checks",
    "explain": "course.checks",
    "reset_hints": "course.checks",
    "progress": "course.tracker",
    "ask": "course.your_network",
    "reset": "course.notebook",
}
#: the rooms: ``nn`` (the subject), the lesson tools, and the instructor's release command
_SUBMODULES = {
    "nn", "formula", "checks", "tracker", "notebook", "sliders", "plots", "widgets", "release",
}

__all__ = sorted(_LAZY_FUNCS) + sorted(_SUBMODULES)


def __getattr__(name):
    if name in _LAZY_FUNCS:
        return getattr(importlib.import_module(_LAZY_FUNCS[name]), name)
    if name in _SUBMODULES:
        return importlib.import_module(f"course.{name}")
    raise AttributeError(f"module 'course' has no attribute {name!r}")


def __dir__():
    return __all__
