"""Exercises registered by id (``<topic>.<name>``), discovered and loaded on first use.

An exercise is one self-contained unit: its id, lesson, answer name, points, grader (with
the reference and the mistakes), hints, the course functions that must not be handed in as
the answer, and the reference a lesson's picture may fall back on. Every module and package
under ``course._grading.exercises`` whose name does not start with ``_`` is imported on first
use, inside packages too (``sgd/step.py``); importing it registers its exercises. There is no
central table to edit.

Looking one exercise up (``check("softmax.forward", …)``) first imports only the module its
topic names — ``softmax`` is ``beyond/softmax.py`` (its package ``beyond/`` with it),
``diamond`` is ``diamond.py`` and ``diamond_loss.py``, ``tanh`` is ``tanh.py``, ``sgd`` is
the package ``sgd/`` — so a lesson's kernel does not import every lesson's answer keys; an
id whose topic names no module, or a list of all exercises, imports them all. The order of
``all_exercises`` is that of a full load either way.
"""

from __future__ import annotations

import difflib
import importlib
import os
import pkgutil
import sys
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
#: id -> (place of the module that registered it among the exercise modules, registration
#: count): the order of a full load, however the modules happened to be imported
_ORDER: dict[str, tuple[int, int]] = {}
#: the package whose modules register exercises when imported
EXERCISES_PACKAGE = "course._grading.exercises"
_loaded = False
_LOAD_LOCK = threading.RLock()
_importing: list[int] = []          # places of the exercise modules being imported
_attempted: set[str] = set()        # exercise modules imported (or failed) once


def register(exercise: Exercise) -> Exercise:
    """Add an exercise; a second exercise with the same id is an error."""
    topic, _, name = exercise.id.partition(".")
    if not topic or not name:
        raise ValueError(f"exercise id {exercise.id!r} must look like '<topic>.<name>'")
    if exercise.id in _REGISTRY and _REGISTRY[exercise.id] is not exercise:
        raise ValueError(f"exercise id {exercise.id!r} is registered twice")
    _REGISTRY[exercise.id] = exercise
    _ORDER.setdefault(exercise.id, (_importing[-1] if _importing else _caller_place(),
                                    len(_ORDER)))
    return exercise


def _caller_place() -> int:
    """The place of the exercise module registering outside the loader (imported directly,
    ``from course._grading.exercises.dense import layer``): read from the calling frames."""
    prefix = EXERCISES_PACKAGE + "."
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if name.startswith(prefix):
            top = name[len(prefix):].split(".")[0]
            tops = [t for t, _subs in _listing()]
            if top in tops:
                return tops.index(top)
        frame = frame.f_back
    return 1 << 30


#: exercise modules that failed to import: module name -> the error, for messages
LOAD_ERRORS: dict[str, BaseException] = {}


def answer_keys_installed() -> bool:
    """False in the grading sandbox, whose copy of ``course`` has no exercises (no keys)."""
    import importlib.util

    return importlib.util.find_spec(EXERCISES_PACKAGE) is not None


def _listing() -> list[tuple[str, list[str]]]:
    """The exercise modules at the top of the package, each with its submodules if it is a
    package (names starting with ``_`` are helpers), read from the folder without importing
    them; empty where the answer keys are not installed (the grading sandbox)."""
    if not answer_keys_installed():
        return []
    package = importlib.import_module(EXERCISES_PACKAGE)
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        inside = [os.path.join(folder, info.name) for folder in package.__path__]
        found.append((info.name, [sub.name for sub in pkgutil.iter_modules(inside)
                                  if info.ispkg and not sub.name.startswith("_")]))
    return found


def exercise_modules() -> list[str]:
    """The exercise modules and packages at any depth, by dotted name relative to the
    exercises package, a package before its modules (a name part starting with ``_`` marks
    a helper, which is not imported here); none where the answer keys are not installed
    (the grading sandbox)."""
    return [name for top, subs in _listing() for name in (top, *(f"{top}.{s}" for s in subs))]


def _import(place: int, module: str) -> None:
    """Import one exercise module (once); its exercises are ordered by ``place``."""
    if module in _attempted:
        return
    _attempted.add(module)
    _importing.append(place)
    try:
        importlib.import_module(f"{EXERCISES_PACKAGE}.{module}")
    except Exception as err:  # a broken lesson module must not break every check
        LOAD_ERRORS[module] = err
    finally:
        _importing.pop()


def _topic_places(topic: str, listing: list[tuple[str, list[str]]]) -> list[int]:
    """Where ``topic``'s exercises live: the module or package named after it (``tanh``,
    ``sgd/``; ``quiz_00`` for ``quiz00``), a module whose name starts with it and ``_``
    (``diamond_loss`` for more ``diamond.*``) or a package holding a module of that name
    (``beyond/softmax.py``)."""
    return [place for place, (top, subs) in enumerate(listing)
            if topic in (top, top.replace("_", "")) or top.startswith(topic + "_")
            or topic in subs]


def _load_place(place: int, top: str, subs: list[str]) -> None:
    with _LOAD_LOCK:
        _import(place, top)
        for sub in subs:
            _import(place, f"{top}.{sub}")


def _load_topic(topic: str) -> None:
    """Import only the exercise module of ``topic`` (see ``_topic_place``), so a lesson's
    first ``check`` does not import every lesson's answer keys. A topic found nowhere is
    left to the full load."""
    listing = _listing()
    for place in _topic_places(topic, listing):
        _load_place(place, *listing[place])


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
        for place, (top, subs) in enumerate(_listing()):
            _load_place(place, top, subs)
        _loaded = True
    for mod, err in LOAD_ERRORS.items():
        warnings.warn(f"the exercises in {EXERCISES_PACKAGE}.{mod} could not be loaded "
                      f"({type(err).__name__}: {err}); their checks are unavailable",
                      RuntimeWarning, stacklevel=3)


def all_exercises() -> list[Exercise]:
    """Every registered exercise, ordered by lesson, then as a full load registers them."""
    _load_all()
    return sorted(_REGISTRY.values(),
                  key=lambda e: (e.lesson, _ORDER.get(e.id, (1 << 30, 1 << 30))))


def get_exercise(exercise_id: str) -> Exercise:
    """Look an exercise up by id.

    Raises
    ------
    KeyError
        For an unknown id; the message suggests the closest ids.
    """
    try:
        if exercise_id not in _REGISTRY and not _loaded and isinstance(exercise_id, str):
            _load_topic(exercise_id.partition(".")[0])
        if exercise_id not in _REGISTRY:
            _load_all()
        return _REGISTRY[exercise_id]
    except (KeyError, TypeError):
        _load_all()
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
