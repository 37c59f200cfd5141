"""``python -m course site OUT``: the lessons, executed, as a static web site.

Each lesson runs top to bottom in a fresh kernel, unfilled and in grading mode (widgets build
but never animate; the checks say "not attempted yet"; a picture that needs the learner's
code shows the course's reference and says so). Its outputs are exported with nbconvert's
``lab`` template to ``OUT/NN_name.html``; ``OUT/index.html`` links the pages in course order
with their titles. Widgets are exported as the static fallback every dashboard carries
(``course.widgets._static``): their settings, picture and readouts, no kernel needed.

The Colab install cell (``course.release.COLAB_TAG``) is left out of the pages. A lesson whose
cell raises is still written, and the command exits 1 naming it.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from course._paths import LESSON_PATTERN, shipped_lessons
from course.release import COLAB_TAG

__all__ = ["Page", "build_site", "execute_lesson", "lesson_title", "add_arguments", "main"]

#: what the index says about the pages
ABOUT = ("Every lesson of the course, executed as a learner first opens it: the exercises are "
         "not filled in, so each check says <em>not attempted yet</em>, and a picture that "
         "needs your code shows the course's reference instead (the lesson says so). Sliders "
         "and buttons need a running notebook; here each widget shows a static picture of its "
         "first state.")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@dataclass
class Page:
    """One exported lesson."""

    lesson: str                      # the notebook stem, e.g. 03_diamond_network
    title: str
    path: Path                       # the HTML file written
    seconds: float                   # executing it
    pictures: int = 0                # <img> and inline <svg> in the page
    widgets: int = 0                 # widget outputs (each exported as its static fallback)
    errors: list[str] = field(default_factory=list)


def lesson_title(nb, fallback: str) -> str:
    """The first Markdown heading of the notebook (``# 03 · The diamond network…``)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def _kernel_env(workdir: Path) -> dict:
    """The executing kernel's environment: grading mode, inline figures, a scratch progress."""
    env = dict(os.environ)
    env["COURSE_GRADING"] = "1"
    env.pop("MPLBACKEND", None)          # the inline backend, so figures become PNG outputs
    env["COURSE_PROGRESS_FILE"] = str(workdir / "progress.json")
    return env


def execute_lesson(path: Path, timeout: float = 120.0):
    """The lesson at ``path``, without its Colab cell, executed; returns ``(nb, errors)``."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if COLAB_TAG not in c.get("metadata", {}).get("tags", [])]
    with tempfile.TemporaryDirectory(prefix="course-site-") as workdir:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                                store_widget_state=False,     # export the static fallbacks
                                resources={"metadata": {"path": workdir}})
        client.execute(env=_kernel_env(Path(workdir)))
    errors = [f"cell {i}: {o.get('ename')}: {str(o.get('evalue', '')).splitlines()[0][:150]}"
              if o.get("evalue") else f"cell {i}: {o.get('ename')}"
              for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
              for o in cell.get("outputs", []) if o.output_type == "error"]
    return nb, errors


def _widget_outputs(nb) -> int:
    return sum(WIDGET_VIEW in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
               for o in c.get("outputs", []))


def count_pictures(page: str) -> int:
    """``<img>`` elements and inline ``<svg>`` drawings in an HTML page."""
    return len(re.findall(r"<img\b", page)) + len(re.findall(r"<svg\b", page))


def _nav(pages: list[tuple[str, str]], index: int) -> str:
    """A bar with the index and the previous and next lessons."""
    links = ["<a href='index.html'>All lessons</a>"]
    if index > 0:
        links.insert(0, f"<a href='{pages[index - 1][0]}.html'>← "
                        f"{html.escape(pages[index - 1][1])}</a>")
    if index + 1 < len(pages):
        links.append(f"<a href='{pages[index + 1][0]}.html'>"
                     f"{html.escape(pages[index + 1][1])} →</a>")
    return ("<nav class='course-site-nav' style='display:flex;justify-content:space-between;"
            "gap:16px;padding:8px 16px;font:14px sans-serif;border-bottom:1px solid #ddd'>"
            + "".join(links) + "</nav>")


def _with_nav(page: str, nav: str) -> str:
    return re.sub(r"(<body\b[^>]*>)", lambda m: m.group(1) + nav, page, count=1)


def _index(pages: list[Page]) -> str:
    items = "\n".join(
        f"<li><a href='{p.path.name}'>{html.escape(p.title)}</a></li>" for p in pages)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Backprop, checked — the lessons</title>
<style>body{{font:16px/1.5 sans-serif;max-width:46em;margin:2em auto;padding:0 1em;
color:#222}} ul{{list-style:none;padding:0}} li{{margin:.4em 0}}</style></head>
<body><h1>Backprop, checked — the lessons</h1>
<p>{ABOUT}</p>
<ul>
{items}
</ul></body></html>
"""


def build_site(out: Path | str, lessons: list[Path] | None = None, timeout: float = 120.0,
               log=None) -> list[Page]:
    """Execute ``lessons`` (default: every shipped lesson) and write the site into ``out``."""
    from nbconvert import HTMLExporter

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    lessons = sorted(lessons if lessons is not None else shipped_lessons().glob(LESSON_PATTERN),
                     key=lambda p: p.name)
    executed = []
    for path in lessons:
        start = time.perf_counter()
        nb, errors = execute_lesson(path, timeout)
        executed.append((path, nb, errors, time.perf_counter() - start))
    order = [(path.stem, lesson_title(nb, path.stem)) for path, nb, _, _ in executed]
    exporter = HTMLExporter(template_name="lab")
    pages = []
    for index, (path, nb, errors, seconds) in enumerate(executed):
        title = order[index][1]
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
        body = _with_nav(body, _nav(order, index))
        target = out / f"{path.stem}.html"
        target.write_text(body, encoding="utf-8")
        page = Page(path.stem, title, target, seconds, count_pictures(body),
                    _widget_outputs(nb), errors)
        pages.append(page)
        if log:
            log(f"{'✗' if errors else '✓'} {target} ({page.pictures} pictures, "
                f"{seconds:.1f} s)" + "".join(f"\n    {e}" for e in errors))
    (out / "index.html").write_text(_index(pages), encoding="utf-8")
    return pages


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m course site``."""
    parser.add_argument("out", type=Path, help="the folder to write the site into")
    parser.add_argument("lessons", nargs="*", type=Path, metavar="LESSON",
                        help="only these notebooks (default: every lesson of the course)")
    parser.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS",
                        help="time limit per cell (default 120)")


def main(args: argparse.Namespace) -> int:
    """Build the site; 0 when every lesson ran clean, 1 when a cell raised, 2 on usage."""
    missing = [str(p) for p in args.lessons if not p.is_file()]
    if missing:
        print(f"course site: no such notebook: {', '.join(missing)}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    pages = build_site(args.out, args.lessons or None, args.timeout, log=print)
    failed = [p.lesson for p in pages if p.errors]
    print(f"\ncourse site: {len(pages)} lessons in {time.perf_counter() - start:.0f} s, "
          f"{sum(p.pictures for p in pages)} pictures; open {args.out / 'index.html'}")
    if failed:
        print(f"course site: a cell raised in {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0
