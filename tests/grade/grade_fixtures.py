"""Hostile submissions, built from a real lesson with nbformat (nothing stored on disk).

``LESSON`` is lesson 03 once its solution and exercises exist, else lesson 01. Each
builder returns a notebook node (or raw text for the unreadable ones).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat

from course._grading.batch.collect import lesson_exercises
from course.release import release_notebook

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 5


def _pick_lesson() -> str:
    for lesson in ("03_diamond_network", "01_neuron_and_sigmoid"):
        if (REPO / "solutions" / f"{lesson}.ipynb").exists() and lesson_exercises(lesson):
            return lesson
    raise RuntimeError("neither lesson 03 nor lesson 01 is available")


LESSON = _pick_lesson()
OTHER_LESSON = "00_start_here"


def solution(lesson: str = LESSON):
    """The solution notebook, tagged with its lesson as ``release`` tags the student copy."""
    nb = nbformat.read(REPO / "solutions" / f"{lesson}.ipynb", as_version=4)
    nb.metadata["course"] = {"lesson": lesson}
    return nb


def blank(lesson: str = LESSON):
    """The student lesson as released (every answer a stub)."""
    nb = release_notebook(solution(lesson), lesson)
    nb.metadata["course"] = {"lesson": lesson}
    return nb


def answer_cell(nb, name: str) -> int:
    """Index of the code cell that defines the answer ``name``."""
    pattern = re.compile(rf"^(def {re.escape(name)}\(|{re.escape(name)}\s*=)", re.M)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and pattern.search(cell.source):
            return i
    raise LookupError(f"no cell defines {name}")


def answer_names(lesson: str = LESSON) -> list[str]:
    """The answers that earn points (optional practice exercises are worth 0)."""
    return [ex.answer_name for ex in lesson_exercises(lesson) if ex.points > 0]


def first_code_cell(nb) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")


def insert_after_imports(nb, source: str):
    nb.cells.insert(first_code_cell(nb) + 1, nbformat.v4.new_code_cell(source))
    return nb


WRONG = "def {name}(*args, **kwargs):\n    return 0.123   # the same wrong value everywhere\n"


def wrong_answers(nb, lesson: str = LESSON):
    """Every answer replaced, right after its definition, by a wrong one."""
    for name in answer_names(lesson):
        i = answer_cell(nb, name)
        nb.cells.insert(i + 1, nbformat.v4.new_code_cell(WRONG.format(name=name)))
    return nb


TAMPER = '''\
import json, os
import numpy as np
import course, course.checks

def always_pass(*args, **kwargs):
    return True

course.check = course.checks.check = always_pass
check = always_pass
# "all close", shaped like the real answer, so library code in the kernel still runs
np.isclose = lambda a, b, *r, **k: np.ones(np.broadcast(np.asarray(a), np.asarray(b)).shape, bool)
np.allclose = lambda *a, **k: np.bool_(True)
progress = os.environ["COURSE_PROGRESS_FILE"]
with open(progress, "w") as fh:
    json.dump({{eid: {{"status": "passed", "mistake": None, "summary": "", "time": ""}}
               for eid in {ids!r}}}, fh)
'''

IGNORES_INTERRUPT = '''\
import time
while True:
    try:
        time.sleep(0.2)
    except KeyboardInterrupt:
        pass
'''

ESCAPE = '''\
def {name}(*args, **kwargs):
    # reaches os._exit through a module answers may import: the grading process dies
    import random
    random._os._exit(7)
    return 0.0
'''

# Answers that read the checker's expected values out of its frames; appended after the
# notebook's own checks, so every answer name ends up bound to them.
PEEK = '''\
def _peek(*args, **kwargs):
    try:
        raise ValueError
    except ValueError as e:
        f = e.__traceback__.tb_frame
    while f is not None:
        if "truth" in f.f_locals:
            return f.f_locals["truth"]
        f = f.f_back
    return 0.0
{assign} = _peek
'''

PEEK_STEALTH = '''\
def _peek(*args, **kwargs):
    g, j = getattr, "".join
    try:
        raise ValueError
    except ValueError as e:
        f = g(g(e, j(("__trace", "back__"))), j(("tb", "_frame")))
    while f is not None:
        found = g(f, j(("f_", "locals")))
        if "truth" in found:
            return found["truth"]
        f = g(f, j(("f_", "back")))
    return 0.0
{assign} = _peek
'''


FORGER = '''\
import os, subprocess, sys
workdir = os.path.dirname(os.path.dirname(os.environ["COURSE_PROGRESS_FILE"]))
forger = f"""
import glob, json, time
end, seen = time.time() + 20, set()
while time.time() < end:
    for path in set(glob.glob({{workdir!r}} + "/results-*.jsonl")) - seen:
        seen.add(path)
        with open(path, "a") as fh:
            for eid in {ids!r}:
                fh.write(json.dumps({{{{"id": eid, "event": "result", "status": "passed",
                    "passed": True, "points": 1.0, "summary": "forged"}}}}) + chr(10))
    time.sleep(0.005)
"""
subprocess.Popen([sys.executable, "-c", forger], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
'''


# the course's own reference in place of the learner's work: a method (seen when it is
# called) for the last answer, a function named in the code (seen statically) for the first
REFERENCE = '''\
import course.nn.networks
from course.nn.gradcheck import numerical_gradient

def {last}(I, w1, w2, w3, w4, w5):
    net = course.nn.networks.DiamondNet(w1=w1, w2=w2, w3=w3, w4=w4, w5=w5)
    return net.gradient(I)["w1"]

def {first}(I, w1, w2, w3, w4, w5):
    out = lambda w4: course.nn.networks.DiamondNet(w1=w1, w2=w2, w3=w3, w4=w4, w5=w5).output(I)
    return numerical_gradient(out, {{"w4": w4}})["w4"]
'''

LINGERER_MARK = "course-grade-test-lingerer"
LINGERER = f'''\
import subprocess, sys
# a process in a session of its own that would outlive the kernel (and the grader)
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(900)  # {LINGERER_MARK}"],
                 start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
'''


def _appended(nb, source: str):
    nb.cells.append(nbformat.v4.new_code_cell(source))
    return nb


def hostile_notebooks() -> dict:
    """File name -> notebook node (or raw text for the unreadable ones)."""
    ids = [ex.id for ex in lesson_exercises(LESSON)]
    names = answer_names()
    full_json = nbformat.writes(solution())

    deleted = solution()
    for name in names[-1:]:                       # the last answer's cell is gone
        del deleted.cells[answer_cell(deleted, name)]
    duplicated = solution()                       # every code cell twice (Jupyter's copy)
    duplicated.cells = [c for cell in duplicated.cells
                        for c in ((cell, nbformat.v4.new_code_cell(cell.source))
                                  if cell.cell_type == "code" else (cell,))]
    empty = nbformat.v4.new_notebook(metadata={"course": {"lesson": LESSON}})
    empty.cells.append(nbformat.v4.new_markdown_cell("I did not write anything."))
    tamper = wrong_answers(solution())
    tamper.cells.insert(first_code_cell(tamper) + 1,
                        nbformat.v4.new_code_cell(TAMPER.format(ids=ids)))
    forged = wrong_answers(solution())
    forged.cells.insert(first_code_cell(forged) + 1,
                        nbformat.v4.new_code_cell(FORGER.format(ids=ids)))
    escape = solution()
    i = answer_cell(escape, names[0])
    escape.cells.insert(i + 1, nbformat.v4.new_code_cell(ESCAPE.format(name=names[0])))
    peeks = {}
    for file, source in (("peek.ipynb", PEEK), ("peek_stealth.ipynb", PEEK_STEALTH)):
        nb = solution()
        nb.cells.append(nbformat.v4.new_code_cell(source.format(assign=" = ".join(names))))
        peeks[file] = nb
    return {
        **peeks,
        "lingerer.ipynb": insert_after_imports(solution(), LINGERER),
        "reference.ipynb": _appended(solution(), REFERENCE.format(first=names[0],
                                                                  last=names[-1])),
        "full.ipynb": solution(),
        "blank.ipynb": blank(),
        "invalid_json.ipynb": full_json[: len(full_json) // 2],
        "not_a_notebook.ipynb": json.dumps({"hello": "world"}),
        "empty.ipynb": empty,
        "infinite_loop.ipynb": insert_after_imports(solution(), "while True:\n    pass\n"),
        "ignores_interrupt.ipynb": insert_after_imports(solution(), IGNORES_INTERRUPT),
        "os_exit.ipynb": insert_after_imports(solution(), "import os\nos._exit(1)\n"),
        "other_lesson.ipynb": solution(OTHER_LESSON),
        "deleted_cells.ipynb": deleted,
        "duplicated_cells.ipynb": duplicated,
        "wrong.ipynb": wrong_answers(solution()),
        "tamper.ipynb": tamper,
        "escape.ipynb": escape,
        "forger.ipynb": forged,
    }


def write_submissions(folder: Path, notebooks: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, nb in notebooks.items():
        text = nb if isinstance(nb, str) else nbformat.writes(nb)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


SANDBOX_MISSING = ("bubblewrap (bwrap) is not installed: the grader refuses to grade without "
                   "its sandbox (CI installs it and sets COURSE_REQUIRE_SANDBOX=1)")


def require_sandbox() -> None:
    """Skip (or, with COURSE_REQUIRE_SANDBOX=1, fail) when bwrap cannot sandbox here."""
    import os

    import pytest

    from course._grading.batch.sandbox import check_works

    why = check_works()
    if why:
        if os.environ.get("COURSE_REQUIRE_SANDBOX") == "1":
            pytest.fail(f"COURSE_REQUIRE_SANDBOX=1 but: {why}")
        pytest.skip(SANDBOX_MISSING)


def run_grade(*args, cwd=None):
    require_sandbox()
    return subprocess.run([sys.executable, "-m", "course", "grade", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=900)
