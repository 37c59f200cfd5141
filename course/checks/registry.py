"""Exercises registered by id (``<topic>.<name>``), loaded on first use."""

from __future__ import annotations

import difflib
import importlib
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Exercise", "GradeOptions", "register", "get_exercise", "all_exercises"]


@dataclass(frozen=True)
class GradeOptions:
    """How thoroughly to check: the notebook uses the defaults, the batch grader more cases."""

    n_cases: int = 48
    seed: int = 20261128
    timeout: float = 5.0


@dataclass
class Exercise:
    """One checked exercise.

    Attributes
    ----------
    id : str
        ``<topic>.<name>``, e.g. ``diamond.dO_dw1``.
    lesson : str
        The notebook stem it belongs to, e.g. ``03_diamond_network``.
    title : str
        What the learner writes, in one line.
    answer_name : str
        The name the lesson gives the learner's answer (the batch grader looks it up).
    grade : callable
        ``grade(answer, options) -> CheckResult``; may raise ``NotAttempted`` or
        ``LearnerError`` (``course.checks.sandbox``), which ``check`` turns into results.
    hints : tuple of str
        Graded hints, gentlest first.
    mistakes : dict
        Catalogue id -> one-line meaning (for ``python -m course exercises --mistakes``).
    """

    id: str
    lesson: str
    title: str
    answer_name: str
    grade: Callable[[Any, GradeOptions], Any]
    hints: tuple[str, ...] = ()
    mistakes: dict[str, str] = field(default_factory=dict)
    points: float = 1.0
    answer_kinds: str = "function"


_REGISTRY: dict[str, Exercise] = {}
#: modules under course.exercises that register exercises when imported
_EXERCISE_MODULES = (
    "warmup", "sigmoid", "chain", "diamond", "gradcheck", "backprop", "dense", "sgd", "autograd",
)
_loaded = False
_LOAD_LOCK = threading.RLock()


def register(exercise: Exercise) -> Exercise:
    """Add an exercise; a second exercise with the same id is an error."""
    topic, _, name = exercise.id.partition(".")
    if not topic or not name:
        raise ValueError(f"exercise id {exercise.id!r} must look like '<topic>.<name>'")
    if exercise.id in _REGISTRY and _REGISTRY[exercise.id] is not exercise:
        raise ValueError(f"exercise id {exercise.id!r} is registered twice")
    _REGISTRY[exercise.id] = exercise
    return exercise


#: exercise modules that failed to import: module name -> the error, for messages
LOAD_ERRORS: dict[str, BaseException] = {}


def _load_all() -> None:
    """Import every exercise module once. A broken module warns (an error under the test
    run's warning filters) but does not stop the other lessons' checks."""
    global _loaded
    if _loaded:
        return
    # Grading threads (``grade --jobs``) may ask at once: the others wait for the first to
    # finish, rather than see a half-filled registry. Reentrant: a module being imported may
    # itself look exercises up.
    with _LOAD_LOCK:
        if _loaded:
            return
        for mod in _EXERCISE_MODULES:
            try:
                importlib.import_module(f"course.exercises.{mod}")
            except ModuleNotFoundError as err:
                if err.name != f"course.exercises.{mod}":
                    LOAD_ERRORS[mod] = err
            except Exception as err:  # a broken lesson module must not break every check
                LOAD_ERRORS[mod] = err
        _loaded = True
    for mod, err in LOAD_ERRORS.items():
        warnings.warn(f"the exercises in course.exercises.{mod} could not be loaded "
                      f"({type(err).__name__}: {err}); their checks are unavailable",
                      RuntimeWarning, stacklevel=3)


def all_exercises() -> list[Exercise]:
    """Every registered exercise, ordered by lesson, then as registered."""
    _load_all()
    return sorted(_REGISTRY.values(), key=lambda e: e.lesson)


def get_exercise(exercise_id: str) -> Exercise:
    """Look an exercise up by id.

    Raises
    ------
    KeyError
        For an unknown id; the message suggests the closest ids.
    """
    _load_all()
    try:
        return _REGISTRY[exercise_id]
    except (KeyError, TypeError):
        close = difflib.get_close_matches(str(exercise_id), list(_REGISTRY), n=3, cutoff=0.5)
        also = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        if LOAD_ERRORS:
            also += (" (Some exercises could not be loaded: "
                     f"{', '.join(f'course.exercises.{m}' for m in LOAD_ERRORS)}.)")
        raise KeyError(
            f"there is no exercise {exercise_id!r}.{also} "
            "`python -m course exercises` lists them all."
        ) from None
