"""Public drivers: the part of a check that must touch the learner's objects.

Some answers are objects the checker has to *work with* — a ``Value`` class it builds
graphs from, calls ``backward()`` on, and reads ``.grad`` back. A driver does that work and
returns only plain observations (numbers, strings, lists, dicts): the gradients it read,
the order the closures ran in, the shape of the graph. The verdict — the expected values,
the mistake space, the messages — is computed from those observations by the exercise
(``course._grading.exercises``), which a driver never imports.

In the notebook a driver runs where ``check`` runs. In the batch grader the answer is a
stand-in for an object that lives in the submission's sandbox (``runs_elsewhere``): calling
a driver with it runs the driver *there*, on the learner's real object, and only its plain
observations come back (``course._grading.batch.serve``). This package is in the sandbox's
public copy of ``course``; it holds no answer key.
"""

from __future__ import annotations

import functools

__all__ = ["driver", "PREFIX"]

#: drivers live in modules under this package (the sandbox runs no other code by name)
PREFIX = "course._grading.drivers."


def driver(fn):
    """Mark ``fn(answer, *plain) -> plain`` as a driver (see the package)."""
    qualified = f"{fn.__module__}:{fn.__qualname__}"
    if not fn.__module__.startswith(PREFIX):
        raise ValueError(f"a driver lives under {PREFIX}: {qualified}")

    @functools.wraps(fn)
    def run(answer, *args, **kwargs):
        if getattr(answer, "runs_elsewhere", False) is True:
            return answer.drive(qualified, args, kwargs)
        return fn(answer, *args, **kwargs)
    run.driver_name = qualified
    return run


def resolve(qualified: str):
    """The undecorated driver named ``module:function`` (in the sandbox), or ``None``."""
    import importlib

    module, _, name = str(qualified).partition(":")
    if not module.startswith(PREFIX) or not name.isidentifier():
        return None
    try:
        fn = getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None
    return getattr(fn, "__wrapped__", None) if getattr(fn, "driver_name", None) == qualified \
        else None
