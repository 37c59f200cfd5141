"""Generate student lessons from solution notebooks (the single source).

In ``solutions/NN_name.ipynb``:

- a region between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes a stub:
  ``raise NotImplementedError(...)`` under a comment saying what to write (the text
  after ``### BEGIN SOLUTION``, e.g. ``### BEGIN SOLUTION return dO/dw4``), indented
  like the marker. Lines ``### STUB <code>`` inside the region replace that default
  stub (for answers that are values, such as a formula string, where a top-level
  ``raise`` would break Run All);
- a cell tagged ``solution-only`` is dropped;
- outputs, execution counts and per-cell run metadata are cleared;
- a first cell is added (tagged ``colab-install``, :func:`colab_cell`) that installs the
  course on Google Colab and does nothing anywhere else, so every lesson — new ones too —
  opens on Colab without a set-up step. What it installs is :data:`INSTALL_SOURCE`.

An unclosed, unopened or nested marker is an error naming the notebook and cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MarkerError", "release_source", "release_notebook", "release", "LessonDiff",
           "INSTALL_SOURCE", "COLAB_TAG", "colab_cell", "colab_cell_source"]

# One marker table (as nbval keeps one): marker regex -> what it does.
MARKERS = {
    "begin": re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION\b[ \t]*(?P<what>.*)$"),
    "end": re.compile(r"^[ \t]*### END SOLUTION\b.*$"),
    "stub": re.compile(r"^(?P<indent>[ \t]*)### STUB ?(?P<code>.*)$"),
}
DROP_TAG = "solution-only"

#: What the Colab cell of every lesson installs: a pip requirement. The course has no public
#: home yet, so it is empty and the cell asks a Colab learner to upload the course's wheel
#: (``backprop_course-*.whl``, from ``python -m build`` or ``pip wheel .``) instead. Once the
#: repository is published, set it — e.g. ``"backprop-course @ git+https://<host>/<owner>/
#: <repo>"``, or ``"backprop-course"`` once on PyPI — and run ``python -m course release``.
#: This constant is the only place the install source is written.
INSTALL_SOURCE = ""
#: The tag of the generated Colab cell (``course site`` leaves it out of the static pages).
COLAB_TAG = "colab-install"
#: Where the Colab cell puts the learner's copy of all lessons (``course start``).
COLAB_FOLDER = "/content/backprop-course"

_COLAB_CELL = '''\
# @title Colab set-up: installs the course on Google Colab (does nothing anywhere else)
import sys

if "google.colab" in sys.modules:
    import glob as _glob
    import subprocess as _subprocess

    _wheels = sorted(_glob.glob("/content/backprop_course-*.whl"))   # an uploaded wheel wins
    _source = _wheels[-1] if _wheels else {source}
    if not _source:
        raise RuntimeError("This copy of the course does not say where to install it from. "
                           "Upload the course's wheel (backprop_course-….whl) in Colab's Files "
                           "panel, then run this cell again.")
    _subprocess.run([sys.executable, "-m", "pip", "install", "-q", _source], check=True)
    _subprocess.run([sys.executable, "-m", "course", "start", {folder}],
                    check=True, stdout=_subprocess.DEVNULL)
    from google.colab import output as _output

    _output.enable_custom_widget_manager()   # ipywidgets 8 sliders in Colab
    print("The course is installed; all its lessons are in", {folder})'''
_RUN_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")


class MarkerError(ValueError):
    """A solution marker is unbalanced or nested."""


def release_source(source: str, where: str = "") -> str:
    """Replace every solution region of one cell's source by its stub."""
    out: list[str] = []
    region: dict | None = None
    for lineno, line in enumerate(source.splitlines(), 1):
        begin, end, stub = (MARKERS[k].match(line) for k in ("begin", "end", "stub"))
        if begin:
            if region is not None:
                raise MarkerError(f"{where}: line {lineno}: '### BEGIN SOLUTION' inside a region "
                                  f"opened on line {region['line']} (nested regions are not "
                                  "allowed; close the first with '### END SOLUTION')")
            region = {"line": lineno, "indent": begin["indent"], "what": begin["what"].strip(),
                      "stub": []}
        elif end:
            if region is None:
                raise MarkerError(f"{where}: line {lineno}: '### END SOLUTION' without a "
                                  "'### BEGIN SOLUTION' before it")
            out.extend(_stub(region))
            region = None
        elif region is not None:
            if stub:
                region["stub"].append(stub["indent"] + stub["code"])
        elif stub:
            raise MarkerError(f"{where}: line {lineno}: '### STUB' outside a solution region")
        else:
            out.append(line)
    if region is not None:
        raise MarkerError(f"{where}: '### BEGIN SOLUTION' on line {region['line']} is never "
                          "closed; add '### END SOLUTION'")
    return "\n".join(out)


def _stub(region: dict) -> list[str]:
    indent, what = region["indent"], region["what"]
    comment = f"{indent}# YOUR CODE HERE" + (f": {what}" if what else "")
    if region["stub"]:
        return [comment, *region["stub"]]
    return [comment, f'{indent}raise NotImplementedError("{_escape(what or "write your answer")}")']


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def release_notebook(nb, name: str = "notebook"):
    """A student copy of the notebook node ``nb`` (which is not modified)."""
    import copy

    student = copy.deepcopy(nb)
    cells = []
    for index, cell in enumerate(student.cells):
        if DROP_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.cell_type == "code":
            cell.source = release_source(cell.source, f"{name}, cell {index}")
        elif MARKERS["begin"].search(cell.source) or "### END SOLUTION" in cell.source:
            cell.source = release_source(cell.source, f"{name}, cell {index}")
        _clear(cell)
        cells.append(cell)
    student.cells = cells
    return student


def colab_cell_source(source: str = INSTALL_SOURCE, folder: str = COLAB_FOLDER) -> str:
    """The code of the Colab install cell, installing ``source`` (a pip requirement)."""
    import json

    return _COLAB_CELL.format(source=json.dumps(source), folder=json.dumps(folder))


def colab_cell(source: str = INSTALL_SOURCE):
    """The first cell of every released lesson: installs the course on Colab, else a no-op.

    Outside Colab it imports ``sys`` and tests one name: no output, no network, no time.
    """
    import nbformat

    cell = nbformat.v4.new_code_cell(colab_cell_source(source))
    cell.id = COLAB_TAG                               # stable, so release is reproducible
    cell.metadata["tags"] = [COLAB_TAG]
    cell.metadata["cellView"] = "form"                # Colab: only the @title line shows
    cell.metadata["jupyter"] = {"source_hidden": True}   # JupyterLab: the input collapsed
    return cell


def _clear(cell) -> None:
    if cell.cell_type == "code":
        cell.outputs = []
        cell.execution_count = None
    for key in _RUN_METADATA:
        cell.metadata.pop(key, None)


def strip_outputs(nb) -> bool:
    """Clear outputs in place; True when anything changed."""
    before = repr(nb.cells)
    for cell in nb.cells:
        _clear(cell)
    return repr(nb.cells) != before


@dataclass
class LessonDiff:
    """What release did (or would do) to one lesson file."""

    path: Path
    action: str  # "written", "unchanged", "removed", "solution stripped"


def release(root: Path | str = ".", check_only: bool = False) -> list[LessonDiff]:
    """Regenerate ``lessons/`` from ``solutions/`` under ``root``.

    Solutions are also stripped of outputs in place (they are sources). With
    ``check_only`` nothing is written; the returned list says what would change.
    """
    import nbformat

    root = Path(root)
    src, dst = root / "solutions", root / "lessons"
    if not src.is_dir():
        raise FileNotFoundError(f"no solutions/ folder under {root.resolve()}: run this from "
                                "the course repository")
    changes = []
    wanted = set()
    for path in sorted(src.glob("[0-9][0-9]_*.ipynb")):
        text = path.read_text(encoding="utf-8")
        nb = nbformat.reads(text, as_version=4)
        if strip_outputs(nb):
            changes.append(LessonDiff(path, "solution stripped"))
            if not check_only:
                path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        out = dst / path.name
        wanted.add(out.name)
        student = release_notebook(nb, str(path.relative_to(root)))
        student.cells.insert(0, colab_cell())
        student.metadata["course"] = {"lesson": path.stem}     # the batch grader reads this
        new = nbformat.writes(student) + "\n"
        old = out.read_text(encoding="utf-8") if out.exists() else None
        if old == new:
            changes.append(LessonDiff(out, "unchanged"))
            continue
        changes.append(LessonDiff(out, "written"))
        if not check_only:
            dst.mkdir(exist_ok=True)
            out.write_text(new, encoding="utf-8")
    for stale in sorted(dst.glob("[0-9][0-9]_*.ipynb")) if dst.is_dir() else []:
        if stale.name not in wanted:
            changes.append(LessonDiff(stale, "removed"))
            if not check_only:
                stale.unlink()
    return changes
