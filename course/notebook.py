"""Small helpers the lesson notebooks use.

``learner_or_reference`` lets a picture use the learner's function once it works, and
the course's reference (with a note saying so) while it is still a stub or broken, so
an unfilled lesson runs top to bottom without an error.
"""

from __future__ import annotations

import math

from course._grading.guards import LearnerError, NotAttempted, call_learner, time_limit
from course._grading.registry import get_exercise

__all__ = ["learner_or_reference", "probe", "reference", "provided"]


def reference(exercise_id: str):
    """The course's own version of what exercise ``exercise_id`` asks for.

    A lesson's picture falls back on it (``learner_or_reference``) while the learner's
    function is still a stub; handing it in as the answer is refused by ``check``.

    Raises
    ------
    KeyError
        For an unknown id, or an exercise with no reference function.
    """
    exercise = get_exercise(exercise_id)
    if exercise.reference is None:
        raise KeyError(f"{exercise_id} has no reference function to fall back on")
    return exercise.reference


def provided(exercise_id: str, name: str):
    """An object exercise ``exercise_id`` hands the learner to work on, e.g. the backward
    function with a planted bug of ``gradcheck.find_bug``."""
    exercise = get_exercise(exercise_id)
    try:
        return exercise.provided[name]
    except KeyError:
        offered = ", ".join(sorted(exercise.provided)) or "nothing"
        raise KeyError(f"{exercise_id} provides {offered}, not {name!r}") from None


def probe(fn, *args, number: bool = False, **kwargs) -> str:
    """``""`` when ``fn(*args, **kwargs)`` runs (and, with ``number``, returns a finite
    number), else why not, in one line."""
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
