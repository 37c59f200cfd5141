"""Writing the results: the CSV, a JSON with every detail, one feedback file per submission.

Each file is written to a temporary file beside it and moved into place
(``os.replace``), so a reader never sees half a CSV, even if grading is interrupted.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
import time
from pathlib import Path

from course._grading.batch.model import NOTEBOOK_N_CASES, GradingOptions, SubmissionGrade

__all__ = ["write_outputs", "csv_columns", "feedback_names", "feedback_text"]


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        # backslashreplace: a lone surrogate (from a learner's exception message or a file
        # name that is not UTF-8) is written as \udcff instead of losing every row
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def csv_columns(rows: list[SubmissionGrade]) -> list[str]:
    """``file, lesson, <exercise ids in lesson order>, total, max, reason, review``.

    Optional exercises (worth 0 points) are left out; the JSON has them.
    """
    ids: list[str] = []
    for row in sorted(rows, key=lambda r: r.lesson):
        for e in row.exercises:
            if e.max_points > 0 and e.exercise_id not in ids:
                ids.append(e.exercise_id)
    return ["file", "lesson", *ids, "total", "max", "reason", "review"]


def _number(x: float) -> str:
    return f"{x:g}"


def _cell(text: str) -> str:
    """Neutralise a leading = + - @ so a spreadsheet never runs a cell as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_text(rows: list[SubmissionGrade]) -> str:
    columns = csv_columns(rows)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        record = {"file": _cell(row.file), "lesson": _cell(row.lesson),
                  "total": _number(row.total), "max": _number(row.max_points),
                  "reason": _cell(row.reason), "review": _cell(row.review)}
        record.update({e.exercise_id: _number(e.points) for e in row.exercises
                       if e.exercise_id in columns})
        writer.writerow(record)
    return buf.getvalue()


def feedback_names(rows: list[SubmissionGrade]) -> list[str]:
    """A unique, readable file name per row: the notebook's stem, or its path when stems clash."""
    stems = [Path(r.file).stem for r in rows]
    clash = {s for s in stems if stems.count(s) > 1}
    names, used = [], set()
    for row, stem in zip(rows, stems):
        base = stem
        if stem in clash:
            parts = Path(row.file).with_suffix("").parts
            base = "__".join(p for p in parts if p not in ("", ".", "..", "/"))
        base = re.sub(r"[^\w.\-]+", "_", base) or "submission"
        name, k = base, 2
        while name in used:
            name, k = f"{base}_{k}", k + 1
        used.add(name)
        names.append(f"{name}.txt")
    return names


def feedback_text(row: SubmissionGrade, options: GradingOptions) -> str:
    """What the learner reads: score, reasons, and each exercise's named-mistake feedback."""
    lines = [f"Feedback for {Path(row.file).name}" + (f" — lesson {row.lesson}" if row.lesson
                                                      else ""),
             f"Score: {_number(row.total)} / {_number(row.max_points)}", ""]
    if row.notes:
        lines += ["Notes from the grader:", *[f"  - {n}" for n in row.notes], ""]
    if row.executed:
        lines += [f"Each answer was checked with {options.n_cases} random cases plus the worked "
                  f"example (the check in the notebook uses {NOTEBOOK_N_CASES}), in a fresh "
                  "Python process — so an answer that passed in the notebook can still fail "
                  "here, and changing the checker inside the notebook has no effect.", ""]
    for e in row.exercises:
        if e.max_points == 0 and e.status == "not defined":
            continue                                  # optional practice not attempted
        lines.append(f"[{_number(e.points)} / {_number(e.max_points)}] {e.exercise_id} "
                     f"({e.status})")
        lines.append(e.feedback or e.summary)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_outputs(rows: list[SubmissionGrade], out: Path, options: GradingOptions,
                  elapsed: float = 0.0) -> dict:
    """Write ``out`` (CSV), ``out`` with ``.json``, and ``<out stem>_feedback/*.txt``.

    Returns the paths written: ``{"csv", "json", "feedback_dir"}``.
    """
    out = Path(out)
    feedback_dir = out.with_name(f"{out.stem}_feedback")
    for row, name in zip(rows, feedback_names(rows)):
        target = feedback_dir / name
        _atomic_write(target, feedback_text(row, options))
        row.feedback_file = str(target)
    json_path = out.with_suffix(".json")
    summary = {
        "grader": {"n_cases": options.n_cases, "notebook_n_cases": NOTEBOOK_N_CASES,
                   "seed": options.seed, "cell_timeout": options.timeout,
                   "budget": options.total_budget, "check_timeout": options.check_timeout,
                   "lesson": options.lesson, "written": time.strftime("%Y-%m-%d %H:%M:%S"),
                   "elapsed_seconds": round(elapsed, 2)},
        "submissions": [row.to_json() for row in rows],
    }
    _atomic_write(json_path, json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
    _atomic_write(out, _csv_text(rows))
    return {"csv": out, "json": json_path, "feedback_dir": feedback_dir}
