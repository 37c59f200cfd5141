"""Small helpers the lesson notebooks use.

``learner_or_reference`` lets a picture use the learner's function once it works, and
the course's reference (with a note saying so) while it is still a stub or broken, so
an unfilled lesson runs top to bottom without an error.
"""

from __future__ import annotations

import html
import json
import math
import re

from course._grading.guards import LearnerError, NotAttempted, call_learner, time_limit
from course._grading.registry import answer_keys_installed, get_exercise
from course._grading.result import reveal_html
from course._paths import shipped_lessons

__all__ = ["learner_or_reference", "probe", "reference", "provided", "reveal", "Reveal", "reset",
           "Stub"]

#: what ``reveal(..., confirm=...)`` needs to show a worked answer before it is earned
SHOW_ME = "show me"


def reference(exercise_id: str):
    """The course's own version of what exercise ``exercise_id`` asks for.

    A lesson's picture falls back on it (``learner_or_reference``) while the learner's
    function is still a stub; handing it in as the answer is refused by ``check``.

    Raises
    ------
    KeyError
        For an unknown id, or an exercise with no reference function.
    """
    if not answer_keys_installed():
        return _withheld(f"the course's {exercise_id}")
    exercise = get_exercise(exercise_id)
    if exercise.reference is None:
        raise KeyError(f"{exercise_id} has no reference function to fall back on")
    return exercise.reference


def provided(exercise_id: str, name: str):
    """An object exercise ``exercise_id`` hands the learner to work on, e.g. the backward
    function with a planted bug of ``gradcheck.find_bug``."""
    if not answer_keys_installed():
        return _withheld(f"{name} of {exercise_id}")
    exercise = get_exercise(exercise_id)
    try:
        return exercise.provided[name]
    except KeyError:
        offered = ", ".join(sorted(exercise.provided)) or "nothing"
        raise KeyError(f"{exercise_id} provides {offered}, not {name!r}") from None


def _withheld(what: str):
    """A stand-in for an answer key in the grading sandbox, which has none: the lesson's
    cells still define everything; only a call to it fails, saying why."""
    def withheld(*args, **kwargs):
        raise RuntimeError(f"{what} is not available while the notebook is graded (the "
                           "grading sandbox holds no answer keys)")
    withheld.__name__ = "withheld"
    return withheld


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


class Reveal:
    """Worked answers, each shown only when earned (text and HTML views).

    Attributes
    ----------
    shown : dict
        Exercise id -> worked answer, for those that may be shown.
    locked : list of str
        Exercise ids whose answers stay hidden (not passed yet).
    """

    def __init__(self, shown: dict[str, str], locked: list[str]):
        self.shown, self.locked = shown, locked

    @staticmethod
    def _lock_line(exercise_id: str) -> str:
        return (f"🔒 {exercise_id}: its worked answer appears here once your check passes "
                f"(run this cell again then) — or now with `reveal(\"{exercise_id}\", "
                f"confirm=\"{SHOW_ME}\")`.")

    def __str__(self) -> str:
        lines = [f"{eid}: {text}" for eid, text in self.shown.items()]
        return "\n".join(lines + [self._lock_line(eid) for eid in self.locked])

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        parts = [f"<div><code>{html.escape(eid)}</code>{reveal_html(text)}</div>"
                 for eid, text in self.shown.items()]
        parts += [f"<div class='course-locked' style='opacity:.8'>"
                  f"{html.escape(self._lock_line(eid))}</div>" for eid in self.locked]
        return f"<div class='course-reveals' style='color:inherit'>{''.join(parts)}</div>"


def reveal(*exercise_ids: str, confirm: str | None = None) -> Reveal:
    """The worked answers of the given exercises — only those you have passed.

    Parameters
    ----------
    *exercise_ids : str
        Exercise ids, e.g. ``"diamond.dO_dw1"``.
    confirm : str, optional
        ``"show me"`` shows every one of them now, passed or not (you asked for it).

    Raises
    ------
    ValueError
        For no ids, or a ``confirm`` other than ``"show me"``.
    KeyError
        For an unknown exercise id (the message suggests close ones).
    """
    from course.tracker import load

    if not exercise_ids:
        raise ValueError('name at least one exercise, e.g. reveal("diamond.dO_dw1")')
    if confirm is not None and confirm != SHOW_ME:
        raise ValueError(f'to see a worked answer before passing, write confirm="{SHOW_ME}" '
                         f"(got {confirm!r})")
    passed = {eid for eid, got in load().items()
              if got.get("passed_once") is True or got.get("status") == "passed"}
    shown, locked = {}, []
    for eid in exercise_ids:
        if not answer_keys_installed():          # the grading sandbox: no worked answers
            text = "(worked answers are not available while the notebook is graded)"
        else:
            text = get_exercise(eid).reveal or "(this exercise has no worked answer to reveal)"
        if eid in passed or confirm == SHOW_ME:
            shown[eid] = text
        else:
            locked.append(eid)
    return Reveal(shown, locked)


class Stub:
    """An exercise's answer cell as shipped: ``source``, to start that exercise afresh."""

    def __init__(self, exercise_id: str, source: str, placed: bool):
        self.exercise_id, self.source, self.placed = exercise_id, source, placed

    def _note(self) -> str:
        where = ("A new cell below holds it: run that cell, then the check again."
                 if self.placed else "Paste it over your answer cell and run it.")
        return (f"The answer cell of {self.exercise_id} as shipped. {where} Your progress "
                "keeps any pass you already have; the hints start from the first again.")

    def __str__(self) -> str:
        return f"{self._note()}\n\n{self.source}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return (f"<div class='course-stub' style='color:inherit'>{html.escape(self._note())}"
                f"<pre style='margin:4px 0'>{html.escape(self.source)}</pre></div>")


def reset(exercise_id: str) -> Stub:
    """Start one exercise afresh: its answer cell as shipped (the stub), hints from the first.

    In JupyterLab or Jupyter Notebook the stub is also put into a new cell below this one
    (nothing of yours is overwritten); elsewhere, paste it over your answer.

    Raises
    ------
    KeyError
        For an unknown exercise id.
    LookupError
        For an exercise whose lesson has no answer cell for it (extra practice).
    """
    from course.checks import reset_hints

    exercise = get_exercise(exercise_id)
    lesson = shipped_lessons() / f"{exercise.lesson}.ipynb"
    name = re.escape(exercise.answer_name)
    defines = re.compile(rf"^(def {name}\(|class {name}\b|{name}\s*=)", re.M)
    cells = json.loads(lesson.read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
               for c in cells if c["cell_type"] == "code"]
    found = next((s for s in sources if defines.search(s)), None)
    if found is None:
        raise LookupError(f"lesson {exercise.lesson} has no answer cell for {exercise_id} "
                          f"(extra practice): write `{exercise.answer_name}` in a new cell")
    reset_hints(exercise_id)
    return Stub(exercise_id, found, _place_below(found))


def _place_below(source: str) -> bool:
    """Put ``source`` into a new cell below the running one, when a Jupyter frontend runs us."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if type(shell).__name__ != "ZMQInteractiveShell":     # a terminal IPython has no cells
        return False
    shell.set_next_input(source, replace=False)
    return True
