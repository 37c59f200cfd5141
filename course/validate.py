"""``python -m course validate``: run every notebook the way CI does.

- ``lessons/`` is up to date with ``solutions/`` (``release --check``);
- every solution runs top to bottom in grading mode without an error (a failing
  ``check`` raises there) and, graded by the batch grader, passes every exercise it
  answers, with every exercise worth points answered;
- every student lesson runs top to bottom without an error, and gives no answer
  away (no exercise passes on the stubs).

Notebooks run in fresh kernels, in parallel with ``--jobs``, through the same
machinery as ``python -m course grade`` (``course._grading.batch.pipeline``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["add_arguments", "main", "problems"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m course validate``."""
    from course._grading.batch import _positive

    parser.add_argument("notebooks", nargs="*", type=Path, metavar="NOTEBOOK",
                        help="only these notebooks (default: solutions/ and lessons/ under --root)")
    parser.add_argument("--root", type=Path, default=Path("."), help="the course repository")
    parser.add_argument("--timeout", type=_positive(float), default=120.0, metavar="SECONDS",
                        help="time limit per cell (default 120)")
    parser.add_argument("--jobs", "-j", type=_positive(int), default=1, metavar="N",
                        help="notebooks run in parallel (default 1)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def _role(path: Path) -> str:
    return {"solutions": "solution", "lessons": "lesson"}.get(path.parent.name, "notebook")


def problems(path: Path, row) -> list[str]:
    """Why the run of ``path`` (a ``SubmissionGrade``) fails validation (empty when it passes)."""
    role = _role(path)
    found = [f"cell {e['cell']} raised {e['ename']}: {str(e['evalue']).splitlines()[0][:150]}"
             if e["evalue"] else f"cell {e['cell']} raised {e['ename']}"
             for e in row.cell_errors]
    found += [n for n in row.notes if "has no checked exercises" not in n]
    if role == "solution":
        for e in row.exercises:
            if e.status == "passed" or (e.max_points == 0 and e.status == "not defined"):
                continue
            if e.status not in ("not defined", "not readable"):  # those are in the notes
                found.append(f"{e.exercise_id} is {e.status}: {e.summary}")
    elif role == "lesson":
        found += [f"{e.exercise_id} passes on the student copy: the lesson gives its answer "
                  "away" for e in row.exercises if e.status == "passed"]
    return found


def _notebooks(args) -> list[Path]:
    if args.notebooks:
        from course._grading.batch.collect import find_submissions

        return find_submissions(args.notebooks)
    root = args.root
    found = [p for folder in ("solutions", "lessons")
             for p in sorted((root / folder).glob("[0-9][0-9]_*.ipynb"))]
    if not found:
        from course._grading.batch.collect import UsageError

        raise UsageError(f"no notebooks under {root.resolve()}/solutions or lessons; run this "
                         "from the course repository or pass --root")
    return found


def _show(path: Path, root: Path) -> str:
    """``path`` relative to the course root when it is inside it."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)


def _stale_lessons(root: Path) -> list[str]:
    from course.release import release

    try:
        changes = release(root, check_only=True)
    except (FileNotFoundError, ValueError) as err:
        return [f"release --check failed: {err}"]
    return [f"{_show(c.path, root)}: would be {c.action} — run `python -m course release`"
            for c in changes if c.action != "unchanged"]


def main(args) -> int:
    """Run ``python -m course validate``; 0 when everything passes, 1 if not, 2 on usage."""
    from course._grading.batch.collect import UsageError
    from course._grading.batch.model import GradingOptions
    from course._grading.batch.pipeline import grade_all

    try:
        paths = _notebooks(args)
    except UsageError as err:
        print(f"validate: {err}", file=sys.stderr)
        return 2
    failures = 0
    if not args.notebooks:
        stale = _stale_lessons(args.root)
        for line in stale:
            print(f"✗ {line}")
        failures += bool(stale)
    options = GradingOptions(timeout=args.timeout, n_cases=48, sandbox=False)  # our own
    rows = grade_all(paths, options, jobs=args.jobs, progress=not args.quiet)
    for path, row in zip(paths, rows):
        found = problems(path, row)
        graded = [e for e in row.exercises if e.status != "not defined" or e.max_points]
        score = (f"{sum(e.status == 'passed' for e in graded)}/{len(graded)} checks pass"
                 if _role(path) == "solution" else "runs")
        if found:
            failures += 1
            print(f"✗ {_show(path, args.root)} ({row.elapsed:.1f} s)")
            for line in found:
                print(f"    {line}")
        else:
            print(f"✓ {_show(path, args.root)} ({score}, {row.elapsed:.1f} s)")
    total = len(paths) + (0 if args.notebooks else 1)
    print(f"\nvalidate: {total - failures} of {total} passed" if failures
          else f"\nvalidate: all {len(paths)} notebooks pass")
    return 1 if failures else 0
