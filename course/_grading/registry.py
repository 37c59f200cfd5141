"""Exercises registered by id (``<topic>.<name>``), discovered and loaded on first use.

An exercise is one self-contained unit: its id, lesson, answer name, points, grader (with
the reference and the mistakes), hints, the course functions that must not be handed in as
the answer, and the reference a lesson's picture may fall back on. Every module and package
under ``course._grading.exercises`` whose name does not start with ``_`` is imported on first
use, inside packages too (``sgd/step.py``); importing it registers its exercises. There is no
central table to edit.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Exercise", "CheckOptions", "register", "get_exercise", "all_exercises",
           "exercise_modules"]


@dataclass(frozen=True)
class CheckOptions:
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
        ``LearnerError`` (``course._grading.guards``), which ``check`` turns into results.
    hints : tuple of str
        Graded hints, gentlest first.
    mistakes : dict
        Catalogue id -> one-line meaning (for ``python -m course exercises --mistakes``).
    points : float
        What a pass is worth in the batch grader's sheet.
    answer_kinds : str
        What the learner may hand in ("function", "function or formula", ...).
    forbidden : tuple of str
        Qualified names of the course's own functions an answer may not use in place of its
        own work (e.g. ``course.nn.networks.DiamondNet.gradient``).
    reference : callable, optional
        The course's version of what the learner writes, for a lesson picture to fall back
        on while the learner's is still a stub (``course.notebook.reference``).
    provided : dict
        Objects the lesson hands the learner to work on, by name (e.g. the planted-bug
        gradient of ``gradcheck.find_bug``; ``course.notebook.provided``).
    reveal : str
        The worked answer (Markdown with LaTeX), shown by ``check`` once the answer passes
        and by ``course.notebook.reveal`` — never printed before it is earned.
    """

    id: str
    lesson: str
    title: str
    answer_name: str
    grade: Callable[[Any, CheckOptions], Any]
    hints: tuple[str, ...] = ()
    mistakes: dict[str, str] = field(default_factory=dict)
    points: float = 1.0
    answer_kinds: str = "function"
    forbidden: tuple[str, ...] = ()
    reference: Callable | None = None
    provided: dict[str, Any] = field(default_factory=dict)
    reveal: str = ""


_REGISTRY: dict[str, Exercise] = {}
#: the package whose modules register exercises when imported
EXERCISES_PACKAGE = "course._grading.exercises"
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


def answer_keys_installed() -> bool:
    """False in the grading sandbox, whose copy of ``course`` has no exercises (no keys)."""
    import importlib.util

    return importlib.util.find_spec(EXERCISES_PACKAGE) is not None


def exercise_modules() -> list[str]:
    """The exercise modules and packages at any depth, by dotted name relative to the
    exercises package, a package before its modules (a name part starting with ``_`` marks
    a helper, which is not imported here); none where the answer keys are not installed
    (the grading sandbox)."""
    if not answer_keys_installed():
        return []
    package = importlib.import_module(EXERCISES_PACKAGE)
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        found.append(info.name)
        if info.ispkg:
            found += _submodules(info.name)
    return found


def _submodules(name: str) -> list[str]:
    try:
        sub = importlib.import_module(f"{EXERCISES_PACKAGE}.{name}")
    except Exception:               # reported when _load_all imports it
        return []
    return [f"{name}.{info.name}" for info in pkgutil.iter_modules(sub.__path__)
            if not info.name.startswith("_")]


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
        for mod in exercise_modules():
            try:
                importlib.import_module(f"{EXERCISES_PACKAGE}.{mod}")
            except Exception as err:  # a broken lesson module must not break every check
                LOAD_ERRORS[mod] = err
        _loaded = True
    for mod, err in LOAD_ERRORS.items():
        warnings.warn(f"the exercises in {EXERCISES_PACKAGE}.{mod} could not be loaded "
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
        if not answer_keys_installed():
            also = (" This copy of the course has no answer keys (it is the grading "
                    "sandbox): the grader checks this answer itself, outside the notebook.")
        elif LOAD_ERRORS:
            also += (" (Some exercises could not be loaded: "
                     f"{', '.join(f'{EXERCISES_PACKAGE}.{m}' for m in LOAD_ERRORS)}.)")
        raise KeyError(
            f"there is no exercise {exercise_id!r}.{also} "
            "`python -m course exercises` lists them all."
        ) from None
