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
    """All recorded results ``{exercise_id: {"status", "mistake", "summary", "time"}}``."""
    path = path or progress_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return data
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        aside = path.with_name(f"{path.name}.corrupt-{int(time.time())}")
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
    """Store ``result`` as the latest for its exercise (never raises)."""
    from ._env import grading_mode

    if grading_mode() and PROGRESS_ENV not in os.environ:
        return
    path = progress_file()
    try:
        data = load(path)
        data[result.exercise_id] = {
            "status": result.status, "mistake": result.mistake,
            "summary": result.summary[:300], "time": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
        _write(path, data)
    except OSError as err:
        print(f"course: could not save your progress to {path}: {err}", file=sys.stderr)


class Progress:
    """A table of every exercise with its latest status (text and HTML views)."""

    def __init__(self, rows: list[dict]):
        self.rows = rows

    @property
    def counts(self) -> dict:
        out = {"passed": 0, "failed": 0, "not attempted": 0, "not checked yet": 0}
        for r in self.rows:
            out[r["status"]] += 1
        return out

    def __str__(self) -> str:
        c = self.counts
        lines = [f"{c['passed']} of {len(self.rows)} exercises passed"]
        lesson = None
        for r in self.rows:
            if r["lesson"] != lesson:
                lesson = r["lesson"]
                lines.append(f"\n{lesson}")
            mark = {"passed": "✓", "failed": "✗", "not attempted": "…"}.get(r["status"], " ")
            extra = f"  ({r['mistake']})" if r.get("mistake") else ""
            lines.append(f"  {mark} {r['id']:<28} {r['status']}{extra}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour = {"passed": "#009E73", "failed": "#D55E00"}
        body = "".join(
            f"<tr><td>{html.escape(r['lesson'])}</td><td><code>{html.escape(r['id'])}</code></td>"
            f"<td style='color:{colour.get(r['status'], 'inherit')}'>{r['status']}</td>"
            f"<td>{html.escape(r.get('mistake') or '')}</td><td>{r.get('time', '')}</td></tr>"
            for r in self.rows)
        c = self.counts
        return (f"<div class='course-progress'><b>{c['passed']} of {len(self.rows)} exercises "
                "passed</b><table><tr><th>lesson</th><th>exercise</th><th>status</th>"
                f"<th>mistake</th><th>checked</th></tr>{body}</table></div>")


def progress() -> Progress:
    """The whole course's progress, one row per exercise."""
    from .checks import all_exercises

    data = load()
    rows = []
    for ex in all_exercises():
        got = data.get(ex.id, {})
        rows.append({"lesson": ex.lesson, "id": ex.id,
                     "status": got.get("status", "not checked yet"),
                     "mistake": got.get("mistake"), "time": got.get("time", "")})
    return Progress(rows)
