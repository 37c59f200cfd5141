"""The learner's progress: the latest and the best result of every exercise, in a local file.

The file is JSON, written atomically (a temporary file, then ``os.replace``); a
corrupt file is set aside (renamed ``*.corrupt-<time>``) with a message, never fatal.
Its place: ``$COURSE_PROGRESS_FILE``; else the working folder's own file,
``.backprop-progress.json``, found in the current directory (a notebook's kernel runs in the
notebook's folder) or one of its parents — ``course start DIR`` writes it, so every working
folder starts from nothing; else ``~/.backprop-course/progress.json``.
In grading mode nothing is recorded unless ``COURSE_PROGRESS_FILE`` is set.
"""

from __future__ import annotations

import html
import json
import os
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["FOLDER_FILE", "progress_file", "load", "record", "progress", "Progress"]

PROGRESS_ENV = "COURSE_PROGRESS_FILE"
#: a working folder's own progress file (``course start`` creates it, empty)
FOLDER_FILE = ".backprop-progress.json"


def _folder_file(start: Path) -> Path | None:
    """The nearest ``FOLDER_FILE`` in ``start`` or one of its parents, else None."""
    try:
        here = start.resolve()
    except OSError:
        return None
    for folder in (here, *here.parents):
        candidate = folder / FOLDER_FILE
        if candidate.is_file():
            return candidate
    return None


def progress_file() -> Path:
    """Where progress is kept: ``$COURSE_PROGRESS_FILE``, else the working folder's
    ``.backprop-progress.json`` (here or in a parent folder), else the per-user file."""
    env = os.environ.get(PROGRESS_ENV)
    if env:
        return Path(env)
    try:
        found = _folder_file(Path.cwd())
    except OSError:                       # the current folder was deleted
        found = None
    return found or Path.home() / ".backprop-course" / "progress.json"


def load(path: Path | None = None) -> dict:
    """All recorded results ``{exercise_id: {"status", "mistake", "summary", "time", ...}}``.

    A file that is not valid JSON (or not an object of objects) is renamed
    ``<name>.corrupt-<time>`` and an explanation is printed to stderr; the progress
    starts afresh. Nothing here raises.
    """
    path = path or progress_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise ValueError("not a JSON object of exercise records")
        return data
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:   # JSONDecodeError and UnicodeDecodeError included
        if isinstance(err, OSError) and not path.is_file():
            print(f"course: your progress file {path} could not be read ({err}).",
                  file=sys.stderr)
            return {}
        aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            path.replace(aside)
            where = f"it was moved to {aside}"
        except OSError:
            where = "it could not be moved aside"
        print(f"course: your progress file {path} could not be read ({err}); {where} "
              "and a new one is started.", file=sys.stderr)
        return {}


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".progress-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def record(result) -> None:
    """Store ``result`` as the latest for its exercise (never raises).

    Kept per exercise: ``status`` (the latest), ``mistake``, ``summary`` (shortened),
    ``time``, ``attempts`` (how many checks so far) and ``passed_once`` (the best result,
    which ``progress()`` shows: a pass stays a pass).
    """
    from course._env import grading_mode

    if grading_mode() and PROGRESS_ENV not in os.environ:
        return
    path = progress_file()
    try:
        data = load(path)
        before = data.get(result.exercise_id, {})
        if result.status == "not attempted" and before.get("status") in ("passed", "failed"):
            return      # an empty stub run again (Run All) must not erase a real result
        data[result.exercise_id] = {
            "status": result.status, "mistake": result.mistake,
            "summary": result.summary.split("\n")[0][:300],
            "time": time.strftime("%Y-%m-%d %H:%M:%S"),
            "attempts": int(before.get("attempts", 0)) + 1,
            "passed_once": bool(before.get("passed_once")) or result.status == "passed",
        }
        _write(path, data)
    except Exception as err:  # progress is a convenience: it never stops a check
        print(f"course: could not save your progress to {path}: {err}", file=sys.stderr)


_STATUSES = ("passed", "failed", "not attempted", "not checked yet")
_MARKS = {"passed": "✓", "failed": "✗", "not attempted": "…", "not checked yet": " "}
_COLOURS = {"passed": "#009E73", "failed": "#D55E00"}
LATER_FAILED = "passed, later attempt failed"


def _row(exercise, got: dict) -> dict:
    """One table row: the best result counts (a pass stays a pass), the latest is noted."""
    latest = got.get("status")
    latest = latest if latest in _STATUSES else "not checked yet"
    passed_once = got.get("passed_once") is True or latest == "passed"
    note = ""
    if passed_once and latest == "failed":
        note = LATER_FAILED + (f" ({got['mistake']})" if got.get("mistake") else "")
    return {"lesson": exercise.lesson, "id": exercise.id, "title": exercise.title,
            "status": "passed" if passed_once else latest, "latest": latest, "note": note,
            "mistake": None if passed_once else got.get("mistake"),
            "time": got.get("time", ""), "attempts": got.get("attempts", 0),
            "optional": exercise.points == 0}


class Progress:
    """A table of every exercise with its best status (text and HTML views).

    An exercise passed once stays passed; a later failing attempt shows as a note
    ("passed, later attempt failed") beside the ✓.

    Attributes
    ----------
    rows : list of dict
        One per exercise: ``lesson``, ``id``, ``title``, ``status`` (the best result),
        ``latest`` (the latest), ``note``, ``mistake``, ``time``, ``attempts``,
        ``optional`` (extra practice, no points).
    """

    def __init__(self, rows: list[dict]):
        self.rows = rows

    @property
    def counts(self) -> dict:
        """How many exercises have each (best) status, optional ones included."""
        out = dict.fromkeys(_STATUSES, 0)
        for r in self.rows:
            out[r["status"]] += 1
        return out

    def lessons(self) -> list[tuple[str, int, int]]:
        """``(lesson, passed, required)`` per lesson, in order (extra exercises not counted)."""
        out: dict[str, list[int]] = {}
        for r in self.rows:
            tally = out.setdefault(r["lesson"], [0, 0])
            if not r["optional"]:
                tally[0] += r["status"] == "passed"
                tally[1] += 1
        return [(lesson, done, total) for lesson, (done, total) in out.items()]

    def _headline(self) -> str:
        required = [r for r in self.rows if not r["optional"]]
        done = sum(r["status"] == "passed" for r in required)
        extra = len(self.rows) - len(required)
        extra_done = sum(r["status"] == "passed" for r in self.rows if r["optional"])
        more = f" (and {extra_done} of {extra} extra ones)" if extra else ""
        return f"{done} of {len(required)} exercises passed{more}"

    @staticmethod
    def _lesson_line(lesson: str, done: int, total: int) -> str:
        return f"{lesson} — {done} of {total} passed" + (" ✓" if total and done == total else "")

    def __str__(self) -> str:
        lines = [self._headline()]
        summary = {lesson: (done, total) for lesson, done, total in self.lessons()}
        lesson = None
        for r in self.rows:
            if r["lesson"] != lesson:
                lesson = r["lesson"]
                lines.append("\n" + self._lesson_line(lesson, *summary[lesson]))
            extra = f"  ({r['mistake']})" if r.get("mistake") else ""
            note = f"  — {r['note']}" if r["note"] else ""
            tag = " [extra]" if r["optional"] else ""
            lines.append(f"  {_MARKS[r['status']]} {r['id'] + tag:<30} {r['status']}{extra}{note}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        esc = html.escape
        cell = "style='text-align:left;padding:1px 10px 1px 0;color:inherit'"
        summary = {lesson: (done, total) for lesson, done, total in self.lessons()}
        body, lesson = [], None
        for r in self.rows:
            if r["lesson"] != lesson:
                lesson = r["lesson"]
                body.append("<tr class='course-progress-lesson'><th colspan='4' style='text-align:"
                            "left;padding:8px 10px 1px 0;color:inherit'>"
                            f"{esc(self._lesson_line(lesson, *summary[lesson]))}</th></tr>")
            colour = _COLOURS.get(r["status"], "inherit")
            detail = r["note"] or r.get("mistake") or ""
            body.append(
                f"<tr><td {cell}><span class='course-id'>{esc(r['id'])}</span>"
                f"</code>{' <i>(extra)</i>' if r['optional'] else ''}</td>"
                f"<td style='text-align:left;padding:1px 10px 1px 0;color:{colour}'>"
                f"{_MARKS[r['status']]} {esc(r['status'])}</td><td {cell}>{esc(detail)}</td>"
                f"<td {cell}>{esc(str(r.get('time') or ''))}</td></tr>")
        head = "".join(f"<th {cell}>{h}</th>"
                       for h in ("exercise", "status", "mistake / note", "checked"))
        return (f"<div class='course-progress' style='color:inherit'><b>"
                f"{esc(self._headline())}</b><table style='border-collapse:collapse;"
                f"background:none'><tr>{head}</tr>{''.join(body)}</table></div>")


def progress() -> Progress:
    """The whole course's progress, one row per registered exercise, in lesson order."""
    from course._grading.registry import all_exercises

    data = load()
    return Progress([_row(ex, data.get(ex.id, {})) for ex in all_exercises()])
