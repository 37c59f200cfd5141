"""The learner's progress: the latest result of every exercise, kept in a local file.

The file is JSON, written atomically (a temporary file, then ``os.replace``); a
corrupt file is set aside (renamed ``*.corrupt-<time>``) with a message, never fatal.
Its place: ``$COURSE_PROGRESS_FILE``, else ``~/.backprop-course/progress.json``.
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

__all__ = ["progress_file", "load", "record", "progress", "Progress"]

PROGRESS_ENV = "COURSE_PROGRESS_FILE"


def progress_file() -> Path:
    """Where progress is kept."""
    env = os.environ.get(PROGRESS_ENV)
    return Path(env) if env else Path.home() / ".backprop-course" / "progress.json"


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

    Kept per exercise: ``status``, ``mistake``, ``summary`` (shortened), ``time``,
    ``attempts`` (how many checks so far) and ``passed_once``.
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


class Progress:
    """A table of every exercise with its latest status (text and HTML views).

    Attributes
    ----------
    rows : list of dict
        One per exercise: ``lesson``, ``id``, ``title``, ``status``, ``mistake``,
        ``time``, ``attempts``, ``optional`` (extra practice, no points).
    """

    def __init__(self, rows: list[dict]):
        self.rows = rows

    @property
    def counts(self) -> dict:
        """How many exercises have each status (optional ones included)."""
        out = dict.fromkeys(_STATUSES, 0)
        for r in self.rows:
            out[r["status"]] += 1
        return out

    def _headline(self) -> str:
        required = [r for r in self.rows if not r["optional"]]
        done = sum(r["status"] == "passed" for r in required)
        extra = len(self.rows) - len(required)
        extra_done = sum(r["status"] == "passed" for r in self.rows if r["optional"])
        more = f" (and {extra_done} of {extra} extra ones)" if extra else ""
        return f"{done} of {len(required)} exercises passed{more}"

    def __str__(self) -> str:
        lines = [self._headline()]
        lesson = None
        for r in self.rows:
            if r["lesson"] != lesson:
                lesson = r["lesson"]
                lines.append(f"\n{lesson}")
            extra = f"  ({r['mistake']})" if r.get("mistake") else ""
            tag = " [extra]" if r["optional"] else ""
            lines.append(f"  {_MARKS[r['status']]} {r['id'] + tag:<30} {r['status']}{extra}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        esc = html.escape
        cell = "style='text-align:left;padding:1px 10px 1px 0;color:inherit'"
        body = "".join(
            f"<tr><td {cell}>{esc(r['lesson'])}</td><td {cell}><code style='color:inherit;"
            f"background:none'>{esc(r['id'])}</code>{' <i>(extra)</i>' if r['optional'] else ''}"
            f"</td><td style='text-align:left;padding:1px 10px 1px 0;"
            f"color:{_COLOURS.get(r['status'], 'inherit')}'>{_MARKS[r['status']]} "
            f"{esc(r['status'])}</td><td {cell}>{esc(r.get('mistake') or '')}</td>"
            f"<td {cell}>{esc(str(r.get('time') or ''))}</td></tr>"
            for r in self.rows)
        head = "".join(f"<th {cell}>{h}</th>"
                       for h in ("lesson", "exercise", "status", "mistake", "checked"))
        return (f"<div class='course-progress' style='color:inherit'><b>"
                f"{esc(self._headline())}</b><table style='border-collapse:collapse;"
                f"background:none'><tr>{head}</tr>{body}</table></div>")


def progress() -> Progress:
    """The whole course's progress, one row per registered exercise, in lesson order."""
    from course._grading.registry import all_exercises

    data = load()
    rows = []
    for ex in all_exercises():
        got = data.get(ex.id, {})
        status = got.get("status")
        rows.append({"lesson": ex.lesson, "id": ex.id, "title": ex.title,
                     "status": status if status in _STATUSES else "not checked yet",
                     "mistake": got.get("mistake"), "time": got.get("time", ""),
                     "attempts": got.get("attempts", 0), "optional": ex.points == 0})
    return Progress(rows)
