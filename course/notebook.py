"""Small helpers the lesson notebooks use.

``learner_or_reference`` lets a picture use the learner's function once it works, and
the course's reference (with a note saying so) while it is still a stub or broken, so
an unfilled lesson runs top to bottom without an error.
"""

from __future__ import annotations

import math

__all__ = ["learner_or_reference", "probe"]


def probe(fn, *args, number: bool = False, **kwargs) -> str:
    """``""`` when ``fn(*args, **kwargs)`` runs (and, with ``number``, returns a finite
    number), else why not, in one line."""
    from course.checks.sandbox import LearnerError, NotAttempted, call_learner, time_limit

    try:
        with time_limit(2.0):
            value = call_learner(fn, *args, **kwargs)
    except NotAttempted as err:
        stub = getattr(err, "stub", "")
        return f"calls {stub}, which is not written yet" if stub else "is not written yet"
    except LearnerError as err:
        return f"does not run yet ({str(err).splitlines()[0]})"
    if not number:
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return f"does not return a number yet (it returned {type(value).__name__})"
    return "" if math.isfinite(number) else f"returns {number}"


def learner_or_reference(fn, reference, *probe_args, name: str = "", number: bool = False,
                         **probe_kwargs):
    """``fn`` if it runs on the probe arguments, else ``reference``.

    With ``number=True`` it must also return a finite number there (use this when a
    picture plots the value).

    Prints one line saying which one a picture is using, and why.
    """
    label = name or getattr(fn, "__name__", "your function")
    problem = probe(fn, *probe_args, number=number, **probe_kwargs)
    if not problem:
        print(f"Using your {label}.")
        return fn
    print(f"Your {label} {problem} — showing the course's reference instead "
          "(run its check for details).")
    return reference
