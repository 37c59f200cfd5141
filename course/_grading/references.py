"""The course's own reference code an answer may not call in place of its own work.

An answer that calls ``DiamondNet(...).gradient(I)["w1"]`` returns the right number without
computing anything. Methods are looked up on the object at call time, so while an answer is
checked they are replaced by a guard that refuses a call coming straight from learner code
(a notebook's ``__main__``) and is transparent to the checker itself. An answer that *is* a
reference function is refused too. This is feedback for the notebook, where a learner can
only fool themselves; the batch grader does not rely on it (its answers run in a sandbox
without the answer keys, ``course._grading.batch.sandbox``).
"""

from __future__ import annotations

import functools
import importlib
import sys
from contextlib import contextmanager

__all__ = ["forbidden_for", "DIAMOND_GRADIENT", "NUMERICAL_GRADIENT", "methods_guarded",
           "is_reference", "reference_summary", "ReferenceUsed"]


def _learner_frame(frame) -> bool:
    """Code the learner wrote: the notebook's (or a script's) ``__main__``."""
    return frame.f_globals.get("__name__") == "__main__"


def reference_summary(names) -> str:
    """What a learner reads when an answer used the course's own reference code."""
    return (f"your answer calls the course's own {', '.join(sorted(names))} — that is the "
            "answer key, not your derivation. Compute it yourself (the lesson's forward "
            "values and your own functions are fine)")

#: the diamond's own gradient methods (an answer to any diamond derivative may not call them)
DIAMOND_GRADIENT = ("course.nn.networks.DiamondNet.gradient",
                    "course.nn.networks.DiamondNet.backward",
                    "course.nn.networks.DiamondNet.loss_gradient")
#: the library's numerical gradient (it would answer any derivative to six digits)
NUMERICAL_GRADIENT = ("course.nn.gradcheck.numerical_gradient",)


def forbidden_for(exercise_id: str) -> tuple[str, ...]:
    """The qualified names an answer to ``exercise_id`` may not use (the exercise's own
    ``forbidden`` list; none for an unknown id)."""
    from course._grading.registry import get_exercise

    try:
        return tuple(get_exercise(exercise_id).forbidden)
    except KeyError:
        return ()


class ReferenceUsed(Exception):
    """Raised into an answer that called a guarded reference method."""


@functools.cache
def _owner_and_name(qualified: str):
    """``(class, method name)`` for ``module.Class.method``, else ``None``."""
    parts = qualified.split(".")
    for cut in range(len(parts) - 2, 0, -1):
        module = sys.modules.get(".".join(parts[:cut])) or _try_import(".".join(parts[:cut]))
        if module is None:
            continue
        owner = module
        for part in parts[cut:-1]:
            owner = getattr(owner, part, None)
        if isinstance(owner, type) and callable(getattr(owner, parts[-1], None)):
            return owner, parts[-1]
        return None
    return None


def _try_import(name: str):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


@contextmanager
def methods_guarded(qualified_names):
    """Guard the methods among ``qualified_names``; yields the set of those an answer called."""
    called: set[str] = set()
    patched = []
    for qualified in qualified_names:
        found = _owner_and_name(qualified)
        if found is None:
            continue
        owner, name = found
        original = owner.__dict__[name] if name in owner.__dict__ else getattr(owner, name)

        def guard(*args, _original=original, _qualified=qualified, **kwargs):
            if _learner_frame(sys._getframe(1)):
                called.add(_qualified)
                raise ReferenceUsed(f"{_qualified} is the course's own answer")
            return _original(*args, **kwargs)

        patched.append((owner, name, owner.__dict__.get(name)))
        setattr(owner, name, guard)
    try:
        yield called
    finally:
        for owner, name, before in reversed(patched):
            if before is None:
                delattr(owner, name)
            else:
                setattr(owner, name, before)


def is_reference(answer, qualified_names) -> str:
    """The qualified name when ``answer`` itself is one of the reference functions, else ""."""
    target = getattr(answer, "__func__", answer)
    for qualified in qualified_names:
        module, _, name = qualified.rpartition(".")
        mod = sys.modules.get(module)
        if mod is not None and getattr(mod, name, None) is target:
            return qualified
    return ""
